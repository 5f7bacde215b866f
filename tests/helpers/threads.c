// SPDX-License-Identifier: GPL-2.0
/*
 * threads N: start N threads that block, print "ready", then wait to be
 * killed. Each thread has a kernel stack of its own: tests/ksp.bats reads
 * THREAD_SIZE off /proc/meminfo's KernelStack before and after.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *block(void *unused)
{
	(void)unused;
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_attr_t attr;
	pthread_t t;
	long i, n = argc == 2 ? strtol(argv[1], NULL, 10) : 0;

	if (n < 1 || n > 1024) {
		fprintf(stderr, "usage: threads N (1..1024)\n");
		return 2;
	}
	/* Small user stacks: only the kernel's are being counted. */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (i = 0; i < n; i++) {
		if (pthread_create(&t, &attr, block, NULL)) {
			perror("pthread_create");
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
