// SPDX-License-Identifier: GPL-2.0
/*
 * touch_pages N - cause N page faults: map N fresh anonymous pages and write
 * to each once, then exit. Transparent huge pages are refused for the
 * region (Debian enables them always), or one fault could fill 512 pages;
 * a kernel built without them (6.1 PREEMPT_RT) refuses that with EINVAL.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long pages = argc > 1 ? atol(argv[1]) : 10000;
	long page = sysconf(_SC_PAGESIZE);
	char *mem;
	long i;

	mem = mmap(NULL, pages * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* EINVAL: a kernel without THP, where there is nothing to refuse. */
	if (mem == MAP_FAILED ||
	    (madvise(mem, pages * page, MADV_NOHUGEPAGE) && errno != EINVAL)) {
		perror("mmap/madvise");
		return 1;
	}
	for (i = 0; i < pages; i++)
		mem[i * page] = 1;
	printf("%ld\n", pages);
	return 0;
}
