// SPDX-License-Identifier: GPL-2.0
/*
 * mapper_target - set up a page of every kind tests/mapper.bats asks the
 * mapper module about, print "<case> <address>" for each (or "<case> -
 * <why>" when the system refused it), then "ready", and wait.
 *   anon       an anonymous page, written (the address is inside the page)
 *   stack      a local variable of main()
 *   text       main() itself: the program's file-backed text
 *   shared     a read-only MAP_SHARED page of the program's own file, read
 *   thp        inside a 2 MiB transparent huge page (MADV_HUGEPAGE)
 *   hugetlb    inside a 2 MiB hugetlb page (MAP_HUGETLB)
 *   huge1g     inside a 1 GiB hugetlb page (MAP_HUGETLB | MAP_HUGE_1GB)
 *   untouched  a page of a mapping never touched
 *   hole       an unmapped page between two mapped ones
 *   swapped    an anonymous page, written, then paged out (MADV_PAGEOUT)
 *   protnone   an anonymous page, written, then made PROT_NONE
 *   mixed      16 pages: even ones written, odd ones never touched, the
 *              last one unmapped
 * On SIGUSR1 it makes both hugetlb pages PROT_NONE and prints
 * "hugetlb-protnone done" (or "hugetlb-protnone - <why>").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_HUGE_1GB
#define MAP_HUGE_1GB (30 << MAP_HUGE_SHIFT)
#endif

#define PAGE 4096UL
#define MIB (1UL << 20)

static volatile sig_atomic_t protect_hugetlb;

static void on_usr1(int sig)
{
	(void)sig;
	protect_hugetlb = 1;
}

static char *map(size_t size, int prot, int flags)
{
	char *p = mmap(NULL, size, prot, flags | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void show(const char *name, const void *p)
{
	if (p)
		printf("%s %p\n", name, p);
	else
		printf("%s - %s\n", name, strerror(errno));
}

int main(void)
{
	const int rw = PROT_READ | PROT_WRITE;
	volatile char sink, local = 1;
	char *p, *thp, *huge2m, *huge1g;
	int fd, i;

	p = map(PAGE, rw, 0);
	if (p)
		p[0x123] = 1;
	show("anon", p ? p + 0x123 : NULL);
	show("stack", (const void *)&local);
	show("text", (const void *)main);

	fd = open("/proc/self/exe", O_RDONLY);
	p = fd < 0 ? NULL : mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		p = NULL;
	if (p)
		sink = p[0];
	show("shared", p);

	/* A 2 MiB-aligned 2 MiB inside a 4 MiB mapping, asked to be huge. */
	p = map(4 * MIB, rw, 0);
	thp = p ? (char *)(((unsigned long)p + 2 * MIB - 1) & ~(2 * MIB - 1)) : NULL;
	if (thp && madvise(thp, 2 * MIB, MADV_HUGEPAGE))
		thp = NULL;
	if (thp)
		thp[0x12345] = 1;
	show("thp", thp ? thp + 0x12345 : NULL);

	huge2m = map(2 * MIB, rw, MAP_HUGETLB);
	if (huge2m)
		huge2m[0x54321] = 1;
	show("hugetlb", huge2m ? huge2m + 0x54321 : NULL);

	huge1g = map(1024 * MIB, rw, MAP_HUGETLB | MAP_HUGE_1GB);
	if (huge1g)
		huge1g[0x2345678] = 1;
	show("huge1g", huge1g ? huge1g + 0x2345678 : NULL);

	show("untouched", map(PAGE, rw, 0));

	p = map(PAGE, rw, 0);
	if (p) {
		memset(p, 0x5a, PAGE);
		if (madvise(p, PAGE, MADV_PAGEOUT))
			p = NULL;
	}
	show("swapped", p);

	p = map(PAGE, rw, 0);
	if (p) {
		p[0] = 1;
		if (mprotect(p, PAGE, PROT_NONE))
			p = NULL;
	}
	show("protnone", p);

	/* EINVAL: a kernel without THP, where there is nothing to refuse. */
	p = map(16 * PAGE, rw, 0);
	if (p && madvise(p, 16 * PAGE, MADV_NOHUGEPAGE) && errno != EINVAL)
		p = NULL;
	for (i = 0; p && i < 16; i += 2)
		p[i * PAGE] = 1;
	if (p && munmap(p + 15 * PAGE, PAGE))
		p = NULL;
	show("mixed", p);

	/* Last, or a later mapping could land in the hole. */
	p = map(3 * PAGE, rw, 0);
	if (p && munmap(p + PAGE, PAGE))
		p = NULL;
	show("hole", p ? p + PAGE : NULL);

	(void)sink;
	signal(SIGUSR1, on_usr1);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		pause();
		if (!protect_hugetlb)
			continue;
		protect_hugetlb = 0;
		errno = ENOMEM;
		if (huge2m && huge1g && !mprotect(huge2m, 2 * MIB, PROT_NONE) &&
		    !mprotect(huge1g, 1024 * MIB, PROT_NONE))
			printf("hugetlb-protnone done\n");
		else
			printf("hugetlb-protnone - %s\n", strerror(errno));
		fflush(stdout);
	}
}
