// SPDX-License-Identifier: GPL-2.0
/*
 * spinner [--thread] - stay runnable until killed.
 *
 * Prints its pid, then burns CPU. With --thread a second thread does the
 * spinning while the main thread sleeps: one of its two threads runnable.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void *spin(void *arg)
{
	volatile unsigned long n = 0;

	for (;;)
		n++;
	return arg;
}

int main(int argc, char **argv)
{
	pthread_t thread;

	printf("%d\n", getpid());
	fflush(stdout);
	if (argc > 1 && !strcmp(argv[1], "--thread")) {
		if (pthread_create(&thread, NULL, spin, NULL))
			return 1;
		for (;;)
			pause();
	}
	spin(NULL);
	return 0;
}
