// SPDX-License-Identifier: GPL-2.0
/*
 * uspace_top: print where user space ends (the kernel's TASK_SIZE for this
 * process) in hex, found by probing, not assumed: the highest page-aligned
 * address A such that one page just below A can be mapped with
 * MAP_FIXED_NOREPLACE. x86_64 says 0x7ffffffff000 (0xfffffffffff000 with
 * 5-level paging), arm64 0x1000000000000 with 48-bit virtual addresses.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* Can the page at @addr be mapped? (Occupied would also say no: the probes
 * are far above anything a process maps.)
 */
static int mappable(uintptr_t addr, size_t page)
{
	void *p = mmap((void *)addr, page, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return 0;
	munmap(p, page);
	return p == (void *)addr;
}

int main(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uintptr_t top = 0;
	int bit;

	/* The largest power of two whose second-to-last page maps... */
	for (bit = 32; bit < 64; bit++)
		if (mappable(((uintptr_t)1 << bit) - 2 * page, page))
			top = (uintptr_t)1 << bit;
	if (!top) {
		fprintf(stderr, "uspace_top: no page below 2^32..2^63 could be mapped\n");
		return 1;
	}
	/* ...and its last page too, or user space ends one page short. */
	if (!mappable(top - page, page))
		top -= page;
	printf("0x%lx\n", (unsigned long)top);
	return 0;
}
