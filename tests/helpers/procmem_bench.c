// SPDX-License-Identifier: GPL-2.0
/*
 * procmem_bench - /dev/procmem against the kernel's own interfaces, in one
 * run on one target (a child that has touched 256 MiB):
 *   reads of 8 B, 4 KiB, 64 KiB, 1 MiB and 16 MiB through READ_MEM on an
 *   attached file, READ_MEM naming the pid, process_vm_readv() and pread()
 *   of /proc/<pid>/mem: MiB/s and ns per call, the median of RUNS runs;
 *   VIRT_TO_PHYS_BATCH of 64 Ki pages against one pread() of their 64 Ki
 *   /proc/<pid>/pagemap entries: ns per page, the median of RUNS runs.
 * Also the floor: an ioctl that does nothing (an unknown command) and
 * getppid(), the cheapest system call.
 * Prints a table with ratios against process_vm_readv and pagemap (above
 * 1.0: procmem is faster).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ioctl/procmem.h"

#define RUNS 11
#define PAGES 65536UL
#define AREA (PAGES * 4096)

enum way { ATTACHED, PER_CALL, PVM, PROC_MEM, WAYS };
static const char *const way_names[WAYS] = {
	"READ_MEM attached", "READ_MEM per-call", "process_vm_readv", "/proc/pid/mem",
};

static int attached, percall, mem, pagemap, pid;
static unsigned long area;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static void die(const char *what)
{
	perror(what);
	kill(pid, SIGKILL);
	exit(1);
}

/* One read of @len bytes at @addr the @way way; the bytes it got. */
static long read_once(enum way way, unsigned char *buf, unsigned long addr, size_t len)
{
	struct procmem_io io = { .vaddr = addr, .buf = (uintptr_t)buf, .len = len };
	struct iovec local = { buf, len }, remote = { (void *)addr, len };

	switch (way) {
	case ATTACHED:
		return ioctl(attached, PROCMEM_READ_MEM, &io);
	case PER_CALL:
		io.pid = pid;
		return ioctl(percall, PROCMEM_READ_MEM, &io);
	case PVM:
		return process_vm_readv(pid, &local, 1, &remote, 1, 0);
	default:
		return pread(mem, buf, len, addr);
	}
}

/* ns per call of @iters reads of @len bytes, walking through the area. */
static double time_reads(enum way way, unsigned char *buf, size_t len, int iters)
{
	unsigned long slots = AREA / len, i;
	double start = now_ns();

	for (i = 0; i < (unsigned long)iters; i++)
		if (read_once(way, buf, area + (i % slots) * len, len) != (long)len)
			die(way_names[way]);
	return (now_ns() - start) / iters;
}

/* What any ioctl, and any system call, costs here: the floor of a read. */
static void bench_floor(void)
{
	double ns[2][RUNS], start;
	int r, i;

	for (r = 0; r < RUNS; r++) {
		start = now_ns();
		for (i = 0; i < 2000; i++)
			ioctl(attached, _IO(PROCMEM_MAGIC, 0x7f), 0);
		ns[0][r] = (now_ns() - start) / 2000;
		start = now_ns();
		for (i = 0; i < 2000; i++)
			getppid();
		ns[1][r] = (now_ns() - start) / 2000;
	}
	printf("%-28s %12.0f\n", "floor: ioctl (ENOTTY)", median(ns[0], RUNS));
	printf("%-28s %12.0f\n\n", "floor: getppid()", median(ns[1], RUNS));
}

static void bench_reads(void)
{
	static const size_t sizes[] = { 8, 4096, 65536, 1 << 20, 16 << 20 };
	unsigned char *buf = malloc(16 << 20);
	size_t s;
	int w, r;

	memset(buf, 1, 16 << 20);	/* no first-touch faults in the timing */
	printf("%-9s %-18s %12s %12s %9s\n", "size", "way", "ns/call", "MiB/s", "vs pvm");
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t len = sizes[s];
		int iters = len >= (1 << 20) ? 8 : len >= 65536 ? 64 : 2000;
		double ns[WAYS][RUNS], med[WAYS];

		for (w = 0; w < WAYS; w++)	/* warm up */
			time_reads(w, buf, len, iters / 4 + 1);
		for (r = 0; r < RUNS; r++)	/* interleaved: drift hits all ways alike */
			for (w = 0; w < WAYS; w++)
				ns[w][r] = time_reads(w, buf, len, iters);
		for (w = 0; w < WAYS; w++)
			med[w] = median(ns[w], RUNS);
		for (w = 0; w < WAYS; w++)
			printf("%-9zu %-18s %12.0f %12.1f %8.2fx\n", len, way_names[w], med[w],
			       len / med[w] * 1e9 / (1 << 20), med[PVM] / med[w]);
	}
	free(buf);
}

static void bench_v2p(void)
{
	struct procmem_page *pages = calloc(PAGES, sizeof(*pages));
	uint64_t *vaddrs = malloc(PAGES * sizeof(*vaddrs));
	uint64_t *pm = malloc(PAGES * sizeof(*pm));
	double batch[RUNS], pmap[RUNS], nowalk[RUNS], start;
	unsigned long i;
	int r;

	if (!pages || !vaddrs || !pm)
		die("malloc");
	for (i = 0; i < PAGES; i++)
		vaddrs[i] = area + i * 4096;
	for (r = 0; r < RUNS; r++) {
		struct procmem_v2p_batch b = {
			.count = PAGES, .vaddrs = (uintptr_t)vaddrs, .pages = (uintptr_t)pages,
		};

		start = now_ns();
		if (ioctl(attached, PROCMEM_VIRT_TO_PHYS_BATCH, &b) != (long)PAGES)
			die("VIRT_TO_PHYS_BATCH");
		batch[r] = (now_ns() - start) / PAGES;
		start = now_ns();
		if (pread(pagemap, pm, PAGES * sizeof(*pm), area / 4096 * sizeof(*pm)) !=
		    (ssize_t)(PAGES * sizeof(*pm)))
			die("pagemap");
		pmap[r] = (now_ns() - start) / PAGES;
	}
	/* The cost of the call without the walk: addresses no VMA can cover. */
	for (i = 0; i < PAGES; i++)
		vaddrs[i] = ~0ULL - i * 4096;
	for (r = 0; r < RUNS; r++) {
		struct procmem_v2p_batch b = {
			.count = PAGES, .vaddrs = (uintptr_t)vaddrs, .pages = (uintptr_t)pages,
		};

		start = now_ns();
		if (ioctl(attached, PROCMEM_VIRT_TO_PHYS_BATCH, &b) != (long)PAGES)
			die("VIRT_TO_PHYS_BATCH");
		nowalk[r] = (now_ns() - start) / PAGES;
	}
	for (i = 0; i < PAGES; i++)
		vaddrs[i] = area + i * 4096;
	/* The two must agree before their speeds mean anything. */
	{
		struct procmem_v2p_batch b = {
			.count = PAGES, .vaddrs = (uintptr_t)vaddrs, .pages = (uintptr_t)pages,
		};

		if (ioctl(attached, PROCMEM_VIRT_TO_PHYS_BATCH, &b) != (long)PAGES)
			die("VIRT_TO_PHYS_BATCH");
	}
	for (i = 0; i < PAGES; i++)
		if (pages[i].verdict != PROCMEM_PRESENT ||
		    pages[i].frame != (pm[i] & ((1ULL << 55) - 1)))
			die("VIRT_TO_PHYS_BATCH and pagemap disagree");
	printf("\n%-32s %12s %9s\n", "translate 64 Ki pages", "ns/page", "vs pagemap");
	printf("%-32s %12.1f %8.2fx\n", "VIRT_TO_PHYS_BATCH", median(batch, RUNS),
	       median(pmap, RUNS) / median(batch, RUNS));
	printf("%-32s %12.1f %8.2fx\n", "pread /proc/pid/pagemap", median(pmap, RUNS), 1.0);
	printf("%-32s %12.1f\n", "floor: batch with no walk", median(nowalk, RUNS));
	free(pages);
	free(vaddrs);
	free(pm);
}

int main(void)
{
	struct procmem_attach at = { 0 };
	unsigned char *p;
	char path[64];
	int ready[2];

	p = mmap(NULL, AREA, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || pipe(ready))
		die("setup");
	/* 4 KiB pages, as most memory is: THP would make the walk trivial. */
	madvise(p, AREA, MADV_NOHUGEPAGE);
	area = (unsigned long)p;
	pid = fork();
	if (pid == 0) {
		unsigned long i;

		for (i = 0; i < AREA; i += 4096)
			p[i] = i / 4096;
		if (write(ready[1], "", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	if (read(ready[0], path, 1) != 1)
		die("target");
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	mem = open(path, O_RDONLY);
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	pagemap = open(path, O_RDONLY);
	attached = open(PROCMEM_DEVICE, O_RDWR);
	percall = open(PROCMEM_DEVICE, O_RDWR);
	at.pid = pid;
	if (mem < 0 || pagemap < 0 || attached < 0 || percall < 0 ||
	    ioctl(attached, PROCMEM_ATTACH, &at))
		die("open");
	printf("target: pid %d, %lu MiB touched, median of %d runs\n\n", pid, AREA >> 20, RUNS);
	bench_floor();
	bench_reads();
	bench_v2p();
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return 0;
}
