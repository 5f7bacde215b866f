// SPDX-License-Identifier: GPL-2.0
/*
 * control_station [SECONDS] - Dr. Doom's control station.
 *
 * Soldiers register with it through /dev/dr_doom (see soldier.c); when one
 * exits, the module sends this process a SIGCHLD describing the exit, and
 * the handler prints "Soldier process <pid> terminated: ...". With SECONDS,
 * once they have passed it declares an emergency: one ioctl kills every
 * soldier still serving it (SIGUSR1 declares it at once); it waits until
 * every report it is owed has arrived, then exits. Without, it runs until
 * killed.
 *
 * The handler uses write(2) only (async-signal-safe). A SIGCHLD can also
 * come from a real child of this process: it never wait()s for a soldier
 * (which is not its child), but reaps a child whose si_pid says so.
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dr_doom.h"

/* Lock-free atomics: safe to share with a signal handler. */
static atomic_int reports, alarm_raised;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Signal names for the handler; strsignal() is not async-signal-safe. */
static const char *const signames[] = {
	[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT",
	[SIGILL] = "SIGILL", [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE", [SIGKILL] = "SIGKILL",
	[SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
	[SIGXCPU] = "SIGXCPU", [SIGXFSZ] = "SIGXFSZ", [SIGSYS] = "SIGSYS",
};

struct line {
	char buf[128];
	size_t len;
};

static void put_str(struct line *l, const char *s)
{
	while (*s && l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = *s++;
}

static void put_num(struct line *l, long n)
{
	char digits[24];
	int i = 0;

	if (n < 0) {
		put_str(l, "-");
		n = -n;
	}
	do {
		digits[i++] = '0' + n % 10;
		n /= 10;
	} while (n);
	while (i && l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = digits[--i];
}

static void put_status(struct line *l, int code, int status)
{
	if (code == CLD_EXITED) {
		put_str(l, "exited with ");
		put_num(l, status);
		return;
	}
	put_str(l, "killed by ");
	if (status > 0 && status < (int)ARRAY_SIZE(signames) &&
	    signames[status]) {
		put_str(l, signames[status]);
	} else {
		put_str(l, "signal ");
		put_num(l, status);
	}
	if (code == CLD_DUMPED)
		put_str(l, " (core dumped)");
}

static void say(struct line *l)
{
	l->buf[l->len++] = '\n';
	if (write(STDOUT_FILENO, l->buf, l->len) < 0)
		return;
}

static void on_sigchld(int sig, siginfo_t *si, void *uctx)
{
	int saved_errno = errno, wstatus;
	struct line l = { .len = 0 };
	pid_t child;

	(void)sig;
	(void)uctx;
	if (si->si_code != CLD_EXITED && si->si_code != CLD_KILLED &&
	    si->si_code != CLD_DUMPED)
		goto reap;		/* a child stopped or continued */
	/* Our own child, reported by the kernel: reap it, it is no soldier. */
	if (waitpid(si->si_pid, &wstatus, WNOHANG) == si->si_pid) {
		put_str(&l, "Child process ");
		put_num(&l, si->si_pid);
		put_str(&l, " reaped");
		say(&l);
		goto reap;
	}
	put_str(&l, "Soldier process ");
	put_num(&l, si->si_pid);
	put_str(&l, " terminated: ");
	put_status(&l, si->si_code, si->si_status);
	say(&l);
	reports++;
reap:
	/* SIGCHLDs from children merge: reap any other child that is done. */
	while ((child = waitpid(-1, &wstatus, WNOHANG)) > 0) {
		l.len = 0;
		put_str(&l, "Child process ");
		put_num(&l, child);
		put_str(&l, " reaped");
		say(&l);
	}
	errno = saved_errno;
}

static void on_sigusr1(int sig)
{
	(void)sig;
	alarm_raised = 1;
}

/* Sleep SECONDS, or until SIGUSR1, whatever other signals arrive. */
static void sleep_until(double seconds)
{
	struct timespec end;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += (time_t)seconds;
	end.tv_nsec += (long)((seconds - (time_t)seconds) * 1e9);
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &end, NULL) == EINTR &&
	       !alarm_raised)
		;
}

/*
 * EMERGENCY, then wait until the module owes no report: with SIGCHLD
 * blocked, ask how many are owed, and sleep in sigsuspend() (which lets
 * SIGCHLD in) until the next one. The last report may still be pending
 * when the count reaches 0: unblocking delivers it before the exit.
 */
static int declare_emergency(void)
{
	sigset_t block, old;
	long owed;
	int fd, n;

	printf("Control station %d: emergency! Terminating every soldier\n", getpid());
	fflush(stdout);
	fd = open(DR_DOOM_DEVICE, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(DR_DOOM_DEVICE);
		return 1;
	}
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	n = ioctl(fd, DR_DOOM_EMERGENCY);
	if (n < 0) {
		perror("DR_DOOM_EMERGENCY");
		close(fd);
		return 1;
	}
	printf("Control station %d: %d soldiers signalled\n", getpid(), n);
	fflush(stdout);
	while ((owed = ioctl(fd, DR_DOOM_OWED)) > 0)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(fd);
	if (owed < 0) {
		perror("DR_DOOM_OWED");
		return 1;
	}
	printf("Control station %d: %d reports received, exiting\n", getpid(),
	       atomic_load(&reports));
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	double seconds = 0;
	char *end;

	if (argc == 2)
		seconds = strtod(argv[1], &end);
	if (argc > 2 || (argc == 2 && (seconds <= 0 || *end))) {
		fprintf(stderr, "usage: %s [SECONDS]\n", argv[0]);
		return 2;
	}
	/* Line by line, also into a pipe or file: tests read it as it comes. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigchld;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL)) {
		perror("sigaction");
		return 1;
	}
	sa.sa_handler = on_sigusr1;
	sa.sa_flags = 0;
	if (sigaction(SIGUSR1, &sa, NULL)) {
		perror("sigaction");
		return 1;
	}
	printf("Control station %d: ready\n", getpid());
	if (!seconds) {
		for (;;)
			pause();
	}
	sleep_until(seconds);
	return declare_emergency();
}
