// SPDX-License-Identifier: GPL-2.0
/*
 * family - a parent with one child in each of four states that ps shows:
 *   S  sleeping in pause()
 *   T  stopped by SIGSTOP
 *   Z  exited and not reaped (the parent never waits)
 *   R  spinning
 * Prints "<state> <pid>" for each child, then "parent <pid>", and sleeps.
 * It leads its own process group: kill -KILL -- -<parent pid> ends them all.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pid_t child(char state)
{
	volatile unsigned long n = 0;
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid)
		return pid;
	switch (state) {
	case 'S':
		for (;;)
			pause();
	case 'T':
		raise(SIGSTOP);
		for (;;)
			pause();
	case 'Z':
		_exit(0);
	default:
		for (;;)
			n++;
	}
}

int main(void)
{
	const char states[] = "STZR";
	int i;

	setpgid(0, 0);
	for (i = 0; states[i]; i++)
		printf("%c %d\n", states[i], child(states[i]));
	printf("parent %d\n", getpid());
	fflush(stdout);
	for (;;)
		pause();
}
