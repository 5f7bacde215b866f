/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uspace.h: where user space ends for this process (the kernel's
 * TASK_SIZE), found by probing, not assumed, for the helpers that aim at
 * its edge: x86_64 says 0x7ffffffff000 (0xfffffffffff000 with 5-level
 * paging), arm64 0x1000000000000 with 48-bit virtual addresses
 * (0x10000000000000 with 52).
 */
#ifndef LKM_TESTS_USPACE_H
#define LKM_TESTS_USPACE_H

#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* Is the page at @addr inside user space? Mapped already (EEXIST: the
 * stack ends at the very top without ASLR) counts as inside.
 */
static inline int uspace_mappable(uintptr_t addr, size_t page)
{
	void *p = mmap((void *)addr, page, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return errno == EEXIST;
	munmap(p, page);
	return p == (void *)addr;
}

/* The end of user space, page-aligned; 0 if nothing from 2^32 up maps. */
static inline uintptr_t uspace_top(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uintptr_t top = 0;
	int bit;

	/* The largest power of two whose second-to-last page maps... */
	for (bit = 32; bit < 64; bit++)
		if (uspace_mappable(((uintptr_t)1 << bit) - 2 * page, page))
			top = (uintptr_t)1 << bit;
	/* ...and its last page too, or user space ends one page short. */
	if (top && !uspace_mappable(top - page, page))
		top -= page;
	return top;
}

#endif
