// SPDX-License-Identifier: GPL-2.0
/*
 * churn SECONDS - for that long, keep two children at a time alive that
 * grow their heap and exit at once: processes appearing and vanishing while
 * a module walks the process list. Prints how many it started.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void spawn(void)
{
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (!pid) {
		sbrk(1 << 20);
		_exit(0);
	}
}

int main(int argc, char **argv)
{
	time_t end = time(NULL) + (argc > 1 ? atoi(argv[1]) : 5);
	unsigned long started = 2;

	spawn();
	spawn();
	while (time(NULL) < end) {
		if (wait(NULL) < 0)
			break;
		spawn();
		started++;
	}
	while (wait(NULL) > 0)
		;
	printf("%lu\n", started);
	return 0;
}
