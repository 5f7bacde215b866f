// SPDX-License-Identifier: GPL-2.0
/*
 * procmem_check PID ADDR LEN [LEN...] - read LEN bytes at ADDR of PID four
 * ways and print, for each way, "<way> <len> <bytes read> <checksum>":
 *   attached          PROCMEM_READ_MEM on a file attached to PID
 *   per-call          PROCMEM_READ_MEM naming PID in the call
 *   process_vm_readv  the kernel's own remote read
 *   proc-mem          pread() of /proc/PID/mem
 * tests/ioctl.bats requires the four to agree. The checksum is FNV-1a over
 * the bytes read; a failed read prints its errno name instead of a count.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ioctl/procmem.h"

static uint64_t fnv(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

static void report(const char *way, size_t len, long got, const unsigned char *buf)
{
	if (got < 0)
		printf("%s %zu %s\n", way, len, strerrorname_np(errno));
	else
		printf("%s %zu %ld %016llx\n", way, len, got,
		       (unsigned long long)fnv(buf, got));
}

int main(int argc, char **argv)
{
	struct procmem_attach at = { 0 };
	unsigned long addr;
	int attached, percall, mem, pid, i;
	char path[64];

	if (argc < 4) {
		fprintf(stderr, "usage: %s PID ADDR LEN [LEN...]\n", argv[0]);
		return 2;
	}
	pid = atoi(argv[1]);
	addr = strtoul(argv[2], NULL, 0);
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	attached = open(PROCMEM_DEVICE, O_RDWR);
	percall = open(PROCMEM_DEVICE, O_RDWR);
	mem = open(path, O_RDONLY);
	at.pid = pid;
	if (attached < 0 || percall < 0 || mem < 0 || ioctl(attached, PROCMEM_ATTACH, &at)) {
		perror("procmem_check");
		return 2;
	}
	for (i = 3; i < argc; i++) {
		size_t len = strtoul(argv[i], NULL, 0);
		unsigned char *buf = malloc(len);
		struct procmem_io io = { .vaddr = addr, .buf = (uintptr_t)buf, .len = len };
		struct iovec local = { buf, len }, remote = { (void *)addr, len };
		long got;

		if (!buf)
			return 2;
		memset(buf, 0, len);
		got = ioctl(attached, PROCMEM_READ_MEM, &io);
		report("attached", len, got, buf);
		memset(buf, 0, len);
		io.pid = pid;
		got = ioctl(percall, PROCMEM_READ_MEM, &io);
		report("per-call", len, got, buf);
		memset(buf, 0, len);
		got = process_vm_readv(pid, &local, 1, &remote, 1, 0);
		report("process_vm_readv", len, got, buf);
		memset(buf, 0, len);
		got = pread(mem, buf, len, addr);
		report("proc-mem", len, got, buf);
		free(buf);
	}
	return 0;
}
