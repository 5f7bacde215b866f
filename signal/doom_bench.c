// SPDX-License-Identifier: GPL-2.0
/*
 * doom_bench [N] - exit-to-report latency of /dev/dr_doom against the
 * kernel's own SIGCHLD, N exits of each (default 1000), interleaved.
 *
 * The latency is from a process's last instruction (a CLOCK_MONOTONIC
 * timestamp it stores in shared memory right before _exit) to the start of
 * this process's SIGCHLD handler. "native": the process is a child of this
 * one, and the kernel's SIGCHLD is measured. "dr_doom": the process is a
 * soldier of this one but not its child (a helper process forks it), and
 * the module's report is measured. Prints the median and 99th percentile.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dr_doom.h"

static struct timespec *last_words;	/* shared: one slot per exit */
/* Set by the handler; lock-free atomics order got_at before got. */
static atomic_int got, got_pid;
static struct timespec got_at;

static void on_sigchld(int sig, siginfo_t *si, void *uctx)
{
	(void)sig;
	(void)uctx;
	clock_gettime(CLOCK_MONOTONIC, &got_at);
	got_pid = si->si_pid;
	got = 1;
}

static double usecs(const struct timespec *from, const struct timespec *to)
{
	return (to->tv_sec - from->tv_sec) * 1e6 + (to->tv_nsec - from->tv_nsec) / 1e3;
}

static void last_word_and_exit(int slot)
{
	clock_gettime(CLOCK_MONOTONIC, &last_words[slot]);
	_exit(0);
}

/* Wait, with SIGCHLD blocked in *blocked, for a SIGCHLD from @pid. */
static double wait_report(pid_t pid, int slot, const sigset_t *unblocked)
{
	while (!got || got_pid != pid) {
		got = 0;
		sigsuspend(unblocked);
	}
	got = 0;
	return usecs(&last_words[slot], &got_at);
}

/* The helper that forks soldiers, so that they are not our children. */
static void spawner(int cmd, pid_t station)
{
	struct dr_doom_register reg = { .station = station };
	int slot;
	pid_t pid;

	while (read(cmd, &slot, sizeof(slot)) == sizeof(slot)) {
		pid = fork();
		if (!pid) {
			int fd = open(DR_DOOM_DEVICE, O_RDONLY | O_CLOEXEC);

			if (fd < 0 || ioctl(fd, DR_DOOM_REGISTER, &reg))
				_exit(1);
			close(fd);
			last_word_and_exit(slot);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
	_exit(0);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void report(const char *what, double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp);
	printf("%-8s median %7.1f us  p99 %7.1f us  (n=%d, min %.1f, max %.1f)\n",
	       what, v[n / 2], v[(n * 99) / 100], n, v[0], v[n - 1]);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000, cmd[2], i, slot;
	double *native, *doom, ratio;
	sigset_t block, unblocked;
	struct sigaction sa;
	pid_t helper, pid;

	if (n < 10 || n > 100000) {
		fprintf(stderr, "usage: %s [N 10-100000]\n", argv[0]);
		return 2;
	}
	last_words = mmap(NULL, 2 * n * sizeof(*last_words), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	native = calloc(n, sizeof(*native));
	doom = calloc(n, sizeof(*doom));
	if (last_words == MAP_FAILED || !native || !doom || pipe(cmd))
		return 1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigchld;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &unblocked);

	helper = fork();
	if (!helper) {
		close(cmd[1]);
		sigprocmask(SIG_SETMASK, &unblocked, NULL);
		signal(SIGCHLD, SIG_DFL);
		spawner(cmd[0], getppid());
	}
	close(cmd[0]);

	for (i = 0; i < n; i++) {
		pid = fork();
		if (!pid)
			last_word_and_exit(2 * i);
		native[i] = wait_report(pid, 2 * i, &unblocked);
		waitpid(pid, NULL, 0);

		slot = 2 * i + 1;
		if (write(cmd[1], &slot, sizeof(slot)) != sizeof(slot))
			return 1;
		/* The soldier's pid is unknown here: take the next report. */
		while (!got)
			sigsuspend(&unblocked);
		got = 0;
		doom[i] = usecs(&last_words[slot], &got_at);
	}
	close(cmd[1]);
	waitpid(helper, NULL, 0);

	printf("exit-to-report latency over %d exits each:\n", n);
	report("native", native, n);
	report("dr_doom", doom, n);
	ratio = doom[n / 2] / native[n / 2];
	printf("median ratio dr_doom/native: %.2f\n", ratio);
	return 0;
}
