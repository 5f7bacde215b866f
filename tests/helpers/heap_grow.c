// SPDX-License-Identifier: GPL-2.0
/*
 * heap_grow [MiB] - move the program break up by MiB (default 64) and wait.
 *
 * Prints "<pid> <break>", the break being sbrk(0) after the growth, then
 * sleeps until killed. It prints with write(2), not stdio, because stdio's
 * buffer comes from malloc, which could move the break after it was read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long mib = argc > 1 ? atol(argv[1]) : 64;
	char line[64];
	int len;

	if (sbrk(mib << 20) == (void *)-1) {
		perror("sbrk");
		return 1;
	}
	len = snprintf(line, sizeof(line), "%d %lu\n", getpid(),
		       (unsigned long)sbrk(0));
	if (write(STDOUT_FILENO, line, len) != len)
		return 1;
	for (;;)
		pause();
}
