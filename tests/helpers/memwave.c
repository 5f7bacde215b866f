// SPDX-License-Identifier: GPL-2.0
/*
 * memwave [--stop] - allocate, touch, take huge pages, free: the test
 * program whose memory size/plot.sh draws.
 *
 * Prints its pid and stops itself (SIGSTOP), so a sampler can be pointed
 * at it; on SIGCONT it prints one line per phase as the phase begins,
 * "<ms> <phase>", ms on CLOCK_MONOTONIC (the sampler's clock):
 *   start    as started
 *   mmap     64 MiB of anonymous memory mapped (MADV_NOHUGEPAGE: 4 KiB
 *            pages), none of it touched
 *   touch    writing one byte per 4 KiB page, 256 pages at a time
 *   thp      a second, 2 MiB-aligned MADV_HUGEPAGE region of 16 MiB,
 *            written one 2 MiB page at a time
 *   free     both regions unmapped
 *   end      about to exit
 * Between steps it sleeps, so a sampler sees each step. With --stop it
 * does not sleep but stops itself (SIGSTOP) once each phase is done, after
 * printing its line, so a test can compare still pictures; SIGCONT goes
 * on.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MIB (1UL << 20)
#define HUGE (2 * MIB)
#define SMALL_SIZE (64 * MIB)
#define THP_SIZE (16 * MIB)
#define BURST 256

static int stop;

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	if (!stop)
		nanosleep(&ts, NULL);
}

static void phase(const char *name)
{
	printf("%ld %s\n", now_ms(), name);
	fflush(stdout);
}

/*
 * madvise(@advice) on THP, where the kernel has THP: without it (6.1's
 * PREEMPT_RT build) both advices fail with EINVAL and there is nothing to
 * ask for. Returns what madvise() does, less that case.
 */
static int no_thp(void *addr, size_t len, int advice)
{
	if (!madvise(addr, len, advice))
		return 0;
	return errno == EINVAL && access("/sys/kernel/mm/transparent_hugepage", F_OK) ? 0 : -1;
}

/* The end of a phase: a still picture for --stop, a flat stretch otherwise. */
static void hold(void)
{
	if (stop)
		raise(SIGSTOP);
	pause_ms(300);
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long off;
	char *small, *thp, *raw;

	stop = argc > 1 && !strcmp(argv[1], "--stop");
	printf("%d\n", getpid());
	fflush(stdout);
	raise(SIGSTOP);
	phase("start");
	hold();

	phase("mmap");
	small = mmap(NULL, SMALL_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (small == MAP_FAILED || no_thp(small, SMALL_SIZE, MADV_NOHUGEPAGE)) {
		perror("mmap");
		return 1;
	}
	hold();

	phase("touch");
	for (off = 0; off < SMALL_SIZE; off += page) {
		small[off] = 1;
		if ((off / page) % BURST == BURST - 1)
			pause_ms(5);
	}
	hold();

	phase("thp");
	raw = mmap(NULL, THP_SIZE + HUGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	thp = (char *)(((uintptr_t)raw + HUGE - 1) & ~(HUGE - 1));
	if (no_thp(thp, THP_SIZE, MADV_HUGEPAGE)) {
		perror("madvise");
		return 1;
	}
	for (off = 0; off < THP_SIZE; off += HUGE) {
		thp[off] = 1;
		pause_ms(60);
	}
	hold();

	phase("free");
	munmap(small, SMALL_SIZE);
	pause_ms(150);
	munmap(raw, THP_SIZE + HUGE);
	hold();

	phase("end");
	return 0;
}
