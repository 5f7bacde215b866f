// SPDX-License-Identifier: GPL-2.0
/*
 * forkmany N - N sleeping child processes, for the tests and benchmarks
 * that need a crowded machine.
 *
 * Forks N children that each sleep in pause() (no exec: a fork is cheap,
 * an exec is not under emulation), then prints its own pid and waits. The
 * children get SIGKILL when forkmany dies (PR_SET_PDEATHSIG), so killing
 * it alone cleans everything up. Exits 1 if a fork fails.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long i, n;

	if (argc != 2 || (n = atol(argv[1])) < 0) {
		fprintf(stderr, "usage: forkmany N\n");
		return 2;
	}
	for (i = 0; i < n; i++) {
		pid_t child = fork();

		if (child < 0) {
			perror("fork");
			return 1;
		}
		if (!child) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() == 1)
				_exit(0);
			for (;;)
				pause();
		}
	}
	printf("%d\n", getpid());
	fflush(stdout);
	for (;;)
		pause();
}
