// SPDX-License-Identifier: GPL-2.0
/*
 * procmem_errors root|unpriv PID ADDR RO_ADDR HOLE ZOMBIE - try the calls
 * /dev/procmem must refuse and print "<case> <errno name>" for each ("ok"
 * when a call succeeded). PID is a process of another user (as run by
 * tests/ioctl.bats: mem_target, run by root), ADDR readable memory of it,
 * RO_ADDR a read-only page, HOLE an unmapped address, ZOMBIE an exited,
 * unreaped process.
 *   root    the errors of bad input, as root
 *   unpriv  every kind of call, for a caller without capabilities (the
 *           device made 0666 for the test); data calls also say whether
 *           the caller's buffer was "untouched"
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ioctl/procmem.h"

static int dev;
static unsigned char buf[4096];

static int open_dev(void)
{
	int fd = open(PROCMEM_DEVICE, O_RDWR);

	if (fd < 0) {
		perror(PROCMEM_DEVICE);
		exit(2);
	}
	return fd;
}

static void result(const char *name, long ret)
{
	printf("%s %s\n", name, ret < 0 ? strerrorname_np(errno) : "ok");
}

/* A data call: also whether anything reached the buffer. */
static void data_result(const char *name, long ret)
{
	size_t i;
	int touched = 0;

	for (i = 0; i < sizeof(buf); i++)
		touched |= buf[i];
	printf("%s %s %s\n", name, ret < 0 ? strerrorname_np(errno) : "ok",
	       touched ? "touched" : "untouched");
	memset(buf, 0, sizeof(buf));
}

static long rw(unsigned long cmd, int pid, uint64_t addr, uint64_t ubuf, uint64_t len)
{
	struct procmem_io io = { .pid = pid, .vaddr = addr, .buf = ubuf, .len = len };

	return ioctl(dev, cmd, &io);
}

static long attach(int fd, int pid, unsigned int flags)
{
	struct procmem_attach at = { .pid = pid, .flags = flags };

	return ioctl(fd, PROCMEM_ATTACH, &at);
}

static long batch(int pid, uint64_t vaddrs, uint64_t pages, unsigned int count)
{
	struct procmem_v2p_batch b = {
		.pid = pid, .count = count, .vaddrs = vaddrs, .pages = pages,
	};

	return ioctl(dev, PROCMEM_VIRT_TO_PHYS_BATCH, &b);
}

static long phys(uint64_t paddr, unsigned int len)
{
	struct procmem_phys p = { .paddr = paddr, .len = len };

	return ioctl(dev, PROCMEM_WRITE_PHYS, &p);
}

static void as_root(int pid, uint64_t addr, uint64_t ro, uint64_t hole, int zombie)
{
	uint64_t ub = (uintptr_t)buf;
	struct procmem_xlate x = { .vaddr = addr };
	struct procmem_io io = { .pid = pid, .vaddr = addr, .buf = ub, .len = 1, .pad = 1 };
	int fd;

	result("unknown-command", ioctl(dev, _IO(PROCMEM_MAGIC, 0x7f), 0));
	result("other-magic", ioctl(dev, _IOW('T', 0x01, struct procmem_io), &io));
	result("wrong-size", ioctl(dev, _IOW(PROCMEM_MAGIC, 0x04, struct procmem_attach), &io));
	result("read-null-arg", ioctl(dev, PROCMEM_READ_MEM, NULL));
	result("read-kernel-arg", ioctl(dev, PROCMEM_READ_MEM, (void *)0xffffffff81000000UL));
	result("read-bad-buffer", rw(PROCMEM_READ_MEM, pid, addr, 4096, 16));
	result("read-kernel-buffer", rw(PROCMEM_READ_MEM, pid, addr, 0xffffffff81000000ULL, 16));
	result("read-too-long", rw(PROCMEM_READ_MEM, pid, addr, ub, PROCMEM_MAX_IO + 1ULL));
	result("read-huge-length", rw(PROCMEM_READ_MEM, pid, addr, ub, ~0ULL));
	result("read-pad", ioctl(dev, PROCMEM_READ_MEM, &io));
	result("read-no-such-pid", rw(PROCMEM_READ_MEM, 4194304, addr, ub, 16));
	result("read-negative-pid", rw(PROCMEM_READ_MEM, -1, addr, ub, 16));
	result("read-kernel-thread", rw(PROCMEM_READ_MEM, 2, addr, ub, 16));
	result("read-zombie", rw(PROCMEM_READ_MEM, zombie, addr, ub, 16));
	result("read-unmapped", rw(PROCMEM_READ_MEM, pid, hole, ub, 16));
	result("read-kernel-address", rw(PROCMEM_READ_MEM, pid, 0xffffffff81000000ULL, ub, 16));
	result("read-wrapping", rw(PROCMEM_READ_MEM, pid, ~0ULL - 8, ub, 16));
	result("write-read-only", rw(PROCMEM_WRITE_MEM, pid, ro, ub, 16));
	result("write-unmapped", rw(PROCMEM_WRITE_MEM, pid, hole, ub, 16));
	result("v2p-null-arg", ioctl(dev, PROCMEM_VIRT_TO_PHYS, NULL));
	result("v2p-no-such-pid", ({ struct procmem_v2p v = { .pid = 4194304, .x = x };
		ioctl(dev, PROCMEM_VIRT_TO_PHYS, &v); }));
	result("v2p-kernel-thread", ({ struct procmem_v2p v = { .pid = 2, .x = x };
		ioctl(dev, PROCMEM_VIRT_TO_PHYS, &v); }));
	result("batch-too-many", batch(pid, ub, ub, PROCMEM_MAX_BATCH + 1));
	result("batch-bad-addresses", batch(pid, 4096, ub, 1));
	result("batch-bad-answers", batch(pid, ub, 4096, 1));
	result("batch-read-only-answers", batch(pid, ub, (uintptr_t)"read-only string", 1));
	result("attach-no-such-pid", attach(dev, 4194304, 0));
	result("attach-kernel-thread", attach(dev, 2, 0));
	result("attach-zombie", attach(dev, zombie, 0));
	result("attach-flags", attach(dev, pid, 1));
	result("attach-zero", attach(dev, 0, 0));
	fd = open_dev();
	result("attach-first", attach(fd, pid, 0));
	result("attach-second", attach(fd, pid, 0));
	close(fd);
	result("phys-length-0", phys(0x100000, 0));
	result("phys-length-65", phys(0x100000, PROCMEM_MAX_PHYS + 1));
	result("phys-crossing-page", phys(0x100ffe, 4));
	result("phys-beyond-ram", phys(1ULL << 50, 1));
	result("phys-null-arg", ioctl(dev, PROCMEM_WRITE_PHYS, NULL));
}

static void as_unpriv(int pid, uint64_t addr)
{
	struct procmem_xlate x = { .vaddr = (uintptr_t)buf };
	uint64_t ub = (uintptr_t)buf, vaddr = ub;
	struct procmem_page page = { 0 };
	int fd;

	data_result("read-other", rw(PROCMEM_READ_MEM, pid, addr, ub, 16));
	data_result("read-no-such-pid", rw(PROCMEM_READ_MEM, 4194304, addr, ub, 16));
	result("write-other", rw(PROCMEM_WRITE_MEM, pid, addr, ub, 16));
	fd = open_dev();
	result("attach-other", attach(fd, pid, 0));
	close(fd);
	result("attach-init", attach(dev, 1, 0));
	data_result("v2p-own", ({ struct procmem_v2p v = { .x = x };
		long r = ioctl(dev, PROCMEM_VIRT_TO_PHYS, &v);
		memcpy(buf, &v.x.paddr, sizeof(v.x.paddr)); r; }));
	data_result("batch-own", ({ long r = batch(0, (uintptr_t)&vaddr, (uintptr_t)&page, 1);
		memcpy(buf, &page, sizeof(page)); r; }));
	result("phys-write", phys(0x100000, 1));
	/* Its own memory is its own: allowed, as process_vm_readv allows it. */
	result("read-own", rw(PROCMEM_READ_MEM, 0, (uintptr_t)"own", ub, 4));
}

int main(int argc, char **argv)
{
	if (argc != 7 || (strcmp(argv[1], "root") && strcmp(argv[1], "unpriv"))) {
		fprintf(stderr, "usage: %s root|unpriv PID ADDR RO_ADDR HOLE ZOMBIE\n", argv[0]);
		return 2;
	}
	dev = open_dev();
	if (!strcmp(argv[1], "root"))
		as_root(atoi(argv[2]), strtoull(argv[3], NULL, 0), strtoull(argv[4], NULL, 0),
			strtoull(argv[5], NULL, 0), atoi(argv[6]));
	else
		as_unpriv(atoi(argv[2]), strtoull(argv[3], NULL, 0));
	return 0;
}
