// SPDX-License-Identifier: GPL-2.0
/*
 * memphase - show lazy allocation in three still pictures.
 *
 * Stops itself (SIGSTOP) at each phase, after printing its number, so a
 * test can measure a process that is not moving; SIGCONT goes on:
 *   1  as started
 *   2  after mmap() of 256 MiB of anonymous memory, none of it touched
 *   3  after writing to every page of it
 * The first line is its pid.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#define SIZE (256UL << 20)

static void phase(int n)
{
	printf("%d\n", n);
	fflush(stdout);
	raise(SIGSTOP);
}

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long off;
	char *mem;

	printf("%d\n", getpid());
	phase(1);
	mem = mmap(NULL, SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	phase(2);
	for (off = 0; off < SIZE; off += page)
		mem[off] = 1;
	phase(3);
	for (;;)
		pause();
}
