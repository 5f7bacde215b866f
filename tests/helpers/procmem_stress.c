// SPDX-License-Identifier: GPL-2.0
/*
 * procmem_stress SECONDS OPS - 8 threads issue mixed /dev/procmem calls
 * (attach and read, per-call read and write, VIRT_TO_PHYS, a batch) at
 * target processes that another thread keeps killing and replacing, until
 * SECONDS have passed or OPS calls were made. Prints "calls N", "churned N"
 * (targets killed and replaced) and one "<result> <count>" line per
 * outcome: "ok", or an errno name.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ioctl/procmem.h"

#define THREADS 8
#define TARGETS 4
#define REGION (1UL << 20)

static unsigned char *region;
static _Atomic int targets[TARGETS];
static atomic_long calls, churned, outcomes[4096];
static long max_calls;
static time_t deadline;

static int spawn(void)
{
	int pid = fork();

	if (pid == 0) {
		memset(region, 0x5a, REGION);	/* its own copies of the pages */
		for (;;)
			pause();
	}
	return pid;
}

static int done(void)
{
	return atomic_load(&calls) >= max_calls || time(NULL) >= deadline;
}

static void *churn(void *arg)
{
	unsigned int seed = 1;

	(void)arg;
	while (!done()) {
		int i = rand_r(&seed) % TARGETS, old = atomic_load(&targets[i]);

		atomic_store(&targets[i], spawn());
		kill(old, SIGKILL);
		waitpid(old, NULL, 0);
		atomic_fetch_add(&churned, 1);
		usleep(20000);
	}
	return NULL;
}

static void *work(void *arg)
{
	unsigned int seed = (uintptr_t)arg;
	unsigned char *buf = malloc(REGION);
	struct procmem_page pages[64];
	uint64_t vaddrs[64];
	int dev = open(PROCMEM_DEVICE, O_RDWR);

	if (!buf || dev < 0) {
		perror("procmem_stress");
		exit(2);
	}
	while (!done()) {
		int pid = atomic_load(&targets[rand_r(&seed) % TARGETS]);
		uint64_t addr = (uintptr_t)region + (rand_r(&seed) % REGION);
		uint64_t len = 1 + rand_r(&seed) % (REGION - (addr - (uintptr_t)region));
		struct procmem_io io = { .pid = pid, .vaddr = addr, .buf = (uintptr_t)buf, .len = len };
		struct procmem_v2p v = { .pid = pid, .x.vaddr = addr };
		struct procmem_v2p_batch b = {
			.pid = pid, .count = 64,
			.vaddrs = (uintptr_t)vaddrs, .pages = (uintptr_t)pages,
		};
		struct procmem_attach at = { .pid = pid };
		long ret = 0;
		int i, fd;

		switch (rand_r(&seed) % 5) {
		case 0:
			fd = open(PROCMEM_DEVICE, O_RDWR);
			ret = ioctl(fd, PROCMEM_ATTACH, &at);
			io.pid = 0;
			if (!ret)
				ret = ioctl(fd, PROCMEM_READ_MEM, &io);
			close(fd);
			break;
		case 1:
			ret = ioctl(dev, PROCMEM_READ_MEM, &io);
			break;
		case 2:
			io.len = len % 4096 + 1;
			memset(buf, 0xa5, io.len);
			ret = ioctl(dev, PROCMEM_WRITE_MEM, &io);
			break;
		case 3:
			ret = ioctl(dev, PROCMEM_VIRT_TO_PHYS, &v);
			break;
		case 4:
			for (i = 0; i < 64; i++)
				vaddrs[i] = (uintptr_t)region + i * 4096UL;
			ret = ioctl(dev, PROCMEM_VIRT_TO_PHYS_BATCH, &b);
			break;
		}
		atomic_fetch_add(&outcomes[ret < 0 ? errno : 0], 1);
		atomic_fetch_add(&calls, 1);
	}
	close(dev);
	free(buf);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t threads[THREADS + 1];
	long i;

	if (argc != 3) {
		fprintf(stderr, "usage: %s SECONDS OPS\n", argv[0]);
		return 2;
	}
	deadline = time(NULL) + atoi(argv[1]);
	max_calls = atol(argv[2]);
	region = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED)
		return 2;
	for (i = 0; i < TARGETS; i++)
		targets[i] = spawn();
	pthread_create(&threads[THREADS], NULL, churn, NULL);
	for (i = 0; i < THREADS; i++)
		pthread_create(&threads[i], NULL, work, (void *)(i + 1));
	for (i = 0; i <= THREADS; i++)
		pthread_join(threads[i], NULL);
	for (i = 0; i < TARGETS; i++) {
		kill(targets[i], SIGKILL);
		waitpid(targets[i], NULL, 0);
	}
	printf("calls %ld\nchurned %ld\n", atomic_load(&calls), atomic_load(&churned));
	for (i = 0; i < 4096; i++)
		if (atomic_load(&outcomes[i]))
			printf("%s %ld\n", i ? strerrorname_np(i) : "ok", atomic_load(&outcomes[i]));
	return 0;
}
