// SPDX-License-Identifier: GPL-2.0
/*
 * doom_soldier MODE STATION [ARG...] - soldiers of /dev/dr_doom
 * (signal/dr_doom.c) that exit in the ways tests/signal.bats checks. Each
 * registers with STATION first and prints "soldier <pid>".
 *
 *   threads STATION N       N threads exit one by one (pthread_exit), then
 *                           "threads exited" and the process waits to be
 *                           killed
 *   group STATION CODE      a second thread calls exit(CODE) (exit_group)
 *                           while the main thread sleeps
 *   lastthread STATION CODE the main thread leaves first (pthread_exit);
 *                           the last thread ends with a plain exit(2)
 *                           system call with CODE
 *   exec STATION PROG [ARG...]  registers, then execs PROG
 *   move STATION OTHER CODE registers with STATION, then with OTHER, then
 *                           exits with CODE
 *   swarm STATION N CODE    forks N soldiers; once all have registered
 *                           (their pids printed on one line "pids ..."),
 *                           they all exit with CODE at once; "done" when
 *                           this process has reaped them
 *   errors STATION          one line "<case> <errno name or ok>" per bad
 *                           request, then a good REGISTER and UNREGISTER
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "signal/dr_doom.h"

static int station;

static int enlist(int pid)
{
	struct dr_doom_register reg = { .station = pid };
	int fd, ret;

	fd = open(DR_DOOM_DEVICE, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = ioctl(fd, DR_DOOM_REGISTER, &reg) ? -errno : 0;
	close(fd);
	return ret;
}

static void enlist_or_die(void)
{
	int ret = enlist(station);

	if (ret) {
		printf("REGISTER %s\n", strerrorname_np(-ret));
		exit(1);
	}
}

static void msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

static void *leave_after(void *arg)
{
	msleep(50 * (1 + (long)arg));
	pthread_exit(NULL);
}

static void *exit_group_after(void *arg)
{
	msleep(50);
	exit((int)(long)arg);
}

static void *exit_thread_after(void *arg)
{
	msleep(100);
	syscall(SYS_exit, (int)(long)arg);
	return NULL;
}

static void start(void *(*fn)(void *), long arg)
{
	pthread_t t;

	if (pthread_create(&t, NULL, fn, (void *)arg)) {
		perror("pthread_create");
		exit(1);
	}
	pthread_detach(t);
}

static void say_soldier(void)
{
	printf("soldier %d\n", getpid());
	fflush(stdout);
}

static int threads(int n)
{
	pthread_t t[64];
	int i;

	if (n < 1 || n > 64)
		return 2;
	for (i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, leave_after, (void *)(long)i))
			return 1;
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("threads exited\n");
	fflush(stdout);
	for (;;)
		pause();
}

static int swarm(int n, int code)
{
	int ready[2], go[2], i, got = 0;
	char c, line[16];
	pid_t pid;

	if (pipe(ready) || pipe(go))
		return 1;
	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid < 0)
			return 1;
		if (!pid) {
			close(ready[0]);
			close(go[1]);
			enlist_or_die();
			if (write(ready[1], "r", 1) != 1)
				_exit(1);
			/* Returns 0 (end of file) when the parent closes go[1]. */
			if (read(go[0], &c, 1) < 0)
				_exit(1);
			_exit(code);
		}
	}
	close(ready[1]);
	close(go[0]);
	while (got < n && read(ready[0], &c, 1) == 1)
		got++;
	if (got < n)
		return 1;
	/* Every child is registered; their pids are in /proc, as children. */
	printf("registered %d\n", n);
	fflush(stdout);
	close(go[1]);
	while ((pid = wait(NULL)) > 0) {
		snprintf(line, sizeof(line), "%d\n", pid);
		fputs(line, stdout);
	}
	printf("done\n");
	return 0;
}

static void errors(void)
{
	struct dr_doom_register reg = { 0 };
	int fd = open(DR_DOOM_DEVICE, O_RDONLY | O_CLOEXEC);
	const struct {
		const char *name;
		int station;
		unsigned int flags;
	} cases[] = {
		{ "station-0", 0, 0 },
		{ "station-negative", -1, 0 },
		{ "kthreadd", 2, 0 },
		{ "no-such-process", 0x3ffffff, 0 },
		{ "flags", 0, 1 },
	};
	unsigned int i;

#define RESULT(call) ((call) < 0 ? strerrorname_np(errno) : "ok")
	if (fd < 0) {
		perror(DR_DOOM_DEVICE);
		exit(1);
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		reg.station = cases[i].flags ? station : cases[i].station;
		reg.flags = cases[i].flags;
		printf("%s %s\n", cases[i].name, RESULT(ioctl(fd, DR_DOOM_REGISTER, &reg)));
	}
	printf("bad-pointer %s\n", RESULT(ioctl(fd, DR_DOOM_REGISTER, (void *)8)));
	printf("unknown-ioctl %s\n", RESULT(ioctl(fd, _IO(DR_DOOM_MAGIC, 99))));
	printf("unregister-none %s\n", RESULT(ioctl(fd, DR_DOOM_UNREGISTER)));
	printf("emergency-none %d\n", ioctl(fd, DR_DOOM_EMERGENCY));
	reg.station = station;
	reg.flags = 0;
	printf("register %s\n", RESULT(ioctl(fd, DR_DOOM_REGISTER, &reg)));
	printf("register-again %s\n", RESULT(ioctl(fd, DR_DOOM_REGISTER, &reg)));
	printf("unregister %s\n", RESULT(ioctl(fd, DR_DOOM_UNREGISTER)));
	close(fd);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 2 ? argv[1] : "";
	int arg = argc > 3 ? atoi(argv[3]) : 0;

	if (argc < 3) {
		fprintf(stderr, "usage: %s MODE STATION [ARG...]\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	station = atoi(argv[2]);
	if (!strcmp(mode, "errors")) {
		errors();
		return 0;
	}
	if (!strcmp(mode, "swarm") && argc == 5)
		return swarm(arg, atoi(argv[4]));
	enlist_or_die();
	say_soldier();
	if (!strcmp(mode, "threads") && argc == 4)
		return threads(arg);
	if (!strcmp(mode, "group") && argc == 4) {
		start(exit_group_after, arg);
		for (;;)
			pause();
	}
	if (!strcmp(mode, "lastthread") && argc == 4) {
		start(exit_thread_after, arg);
		pthread_exit(NULL);
	}
	if (!strcmp(mode, "move") && argc == 5) {
		station = arg;
		enlist_or_die();
		printf("moved to %d\n", station);
		return atoi(argv[4]);
	}
	if (!strcmp(mode, "exec") && argc >= 4) {
		execv(argv[3], argv + 3);
		perror(argv[3]);
		return 1;
	}
	fprintf(stderr, "%s: unknown mode or arguments: %s\n", argv[0], mode);
	return 2;
}
