// SPDX-License-Identifier: GPL-2.0
/*
 * thp_target - anonymous transparent huge pages, 0, then 1, then 4.
 *
 * Prints its pid, then "zero <address>" (the region below), then stops
 * itself (SIGSTOP) at each phase after printing its number; SIGCONT goes on:
 *   1  a 2 MiB-aligned MADV_HUGEPAGE region read but never written: the
 *      kernel maps the huge zero page there, which is not anonymous memory
 *      and AnonHugePages does not count
 *   2  one 2 MiB page of a second such region written: one THP
 *   3  three more written: four THPs
 *   4  the last of the four made PROT_NONE (still a PMD-mapped THP, now
 *      with no access: 6.1's smaps leaves it out of AnonHugePages, 6.12's
 *      counts it)
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#define HUGE (2UL << 20)
#define PAGES 4

static void phase(int n)
{
	printf("%d\n", n);
	fflush(stdout);
	raise(SIGSTOP);
}

/* @n huge pages of MADV_HUGEPAGE memory, 2 MiB-aligned. */
static char *thp_region(unsigned long n)
{
	char *p = mmap(NULL, (n + 1) * HUGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		return NULL;
	}
	p = (char *)(((uintptr_t)p + HUGE - 1) & ~(HUGE - 1));
	if (madvise(p, n * HUGE, MADV_HUGEPAGE)) {
		perror("madvise");
		return NULL;
	}
	return p;
}

int main(void)
{
	volatile char sink;
	char *zero, *mem;
	int i;

	printf("%d\n", getpid());
	zero = thp_region(1);
	mem = thp_region(PAGES);
	if (!zero || !mem)
		return 1;
	sink = zero[0];
	(void)sink;
	printf("zero %p\n", (void *)zero);
	phase(1);
	mem[0] = 1;
	phase(2);
	for (i = 1; i < PAGES; i++)
		mem[i * HUGE] = 1;
	phase(3);
	if (mprotect(mem + (PAGES - 1) * HUGE, HUGE, PROT_NONE)) {
		perror("mprotect");
		return 1;
	}
	phase(4);
	for (;;)
		pause();
}
