// SPDX-License-Identifier: GPL-2.0
/*
 * memtool - read and write another process's memory and translate its
 * addresses through /dev/procmem (ioctl/procmem.ko). Run `memtool --help`.
 *
 * PID may be a process id or a name, resolved as pidof does (the command
 * name, or the base name of argv[0]); a name that several processes have
 * is refused.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "procmem.h"

#define EXIT_USAGE 2
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char usage[] =
	"usage: memtool COMMAND ARGS...\n"
	"  pidof NAME                 the pids of the processes called NAME\n"
	"  base PID                   start of the main executable's first mapping\n"
	"  read PID ADDR LEN [-o FILE] hexdump LEN bytes at ADDR (raw bytes to FILE)\n"
	"  write PID ADDR HEXBYTES    write bytes (\"deadbeef\") at ADDR\n"
	"  v2p PID ADDR [ADDR...]     physical address and state of each ADDR\n"
	"  pwrite PADDR VALUE [SIZE]  write VALUE as a SIZE-byte (1, 2, 4, 8; default 8)\n"
	"                             native-endian integer at physical address PADDR\n"
	"PID is a process id or a unique process name. Needs " PROCMEM_DEVICE "\n"
	"(insmod ioctl/procmem.ko) and root: CAP_SYS_PTRACE for another process's\n"
	"memory, CAP_SYS_ADMIN for physical addresses, CAP_SYS_RAWIO for physical\n"
	"writes.\n"
	"Exit status: 0 done, 1 the operation failed, 2 bad usage.\n";

static int bad_usage(const char *what)
{
	fprintf(stderr, "memtool: %s\n%s", what, usage);
	return EXIT_USAGE;
}

/* "memtool: <what>: <strerror>", and the failure exit status. */
static int fail(const char *what)
{
	fprintf(stderr, "memtool: %s: %s\n", what, strerror(errno));
	return 1;
}

static int parse_u64(const char *s, __u64 *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || end == s || *end || *s == '-' ? -1 : 0;
}

/* Does process @pid go by @name: its comm, or argv[0]'s base name? */
static int is_called(const char *pid, const char *name)
{
	char path[64], buf[4096], *base;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n - 1] = '\0';
		if (!strcmp(buf, name))
			return 1;
	}
	snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	base = strrchr(buf, '/');
	return !strcmp(base ? base + 1 : buf, name);
}

/* The pids called @name, up to @max of them, not counting this process. */
static int find_pids(const char *name, int *pids, int max)
{
	DIR *proc = opendir("/proc");
	struct dirent *d;
	int n = 0;

	if (!proc)
		return -1;
	while ((d = readdir(proc))) {
		int pid = atoi(d->d_name);

		if (pid <= 0 || pid == getpid() || !is_called(d->d_name, name))
			continue;
		if (n < max)
			pids[n] = pid;
		n++;
	}
	closedir(proc);
	return n;
}

/* A PID argument: a number, or the name of exactly one process. */
static int resolve_pid(const char *arg, int *pid)
{
	int pids[2], n;
	__u64 v;

	if (!parse_u64(arg, &v)) {
		if (!v || v > INT_MAX) {
			fprintf(stderr, "memtool: %s is not a process id\n", arg);
			return -1;
		}
		*pid = (int)v;
		return 0;
	}
	n = find_pids(arg, pids, 2);
	if (n == 1) {
		*pid = pids[0];
		return 0;
	}
	if (n == 0)
		fprintf(stderr, "memtool: no process is called %s\n", arg);
	else
		fprintf(stderr, "memtool: %d processes are called %s: give a pid\n", n, arg);
	return -1;
}

static int open_device(void)
{
	int fd = open(PROCMEM_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fail("open " PROCMEM_DEVICE);
	return fd;
}

static int cmd_pidof(int argc, char **argv)
{
	int pids[1024], n, i;

	if (argc != 1)
		return bad_usage("pidof takes one NAME");
	n = find_pids(argv[0], pids, 1024);
	if (n < 0)
		return fail("/proc");
	for (i = 0; i < n && i < 1024; i++)
		printf("%s%d", i ? " " : "", pids[i]);
	if (n)
		printf("\n");
	return n ? 0 : 1;
}

static int cmd_base(int argc, char **argv)
{
	char path[64], exe[PATH_MAX], line[PATH_MAX + 128];
	unsigned long start;
	ssize_t n;
	FILE *maps;
	int pid;

	if (argc != 1)
		return bad_usage("base takes one PID");
	if (resolve_pid(argv[0], &pid))
		return 1;
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n < 0)
		return fail(path);
	exe[n] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = fopen(path, "r");
	if (!maps)
		return fail(path);
	while (fgets(line, sizeof(line), maps)) {
		char *file = strchr(line, '/');

		line[strcspn(line, "\n")] = '\0';
		if (file && !strcmp(file, exe) && sscanf(line, "%lx-", &start) == 1) {
			fclose(maps);
			printf("0x%lx\n", start);
			return 0;
		}
	}
	fclose(maps);
	fprintf(stderr, "memtool: %s is not mapped in %s\n", exe, path);
	return 1;
}

static void hexdump(__u64 addr, const unsigned char *p, size_t len)
{
	size_t i, j;

	for (i = 0; i < len; i += 16) {
		printf("0x%012llx ", (unsigned long long)(addr + i));
		for (j = i; j < i + 16; j++) {
			if (j < len)
				printf(" %02x", p[j]);
			else
				printf("   ");
		}
		printf("  |");
		for (j = i; j < i + 16 && j < len; j++)
			putchar(isprint(p[j]) ? p[j] : '.');
		printf("|\n");
	}
}

/*
 * READ_MEM or WRITE_MEM of @len bytes, PROCMEM_MAX_IO at a time, through
 * a file attached to @pid. Returns the bytes done; errno says why when
 * fewer than @len.
 */
static __u64 transfer(int fd, unsigned long cmd, __u64 addr, void *buf, __u64 len)
{
	__u64 done = 0;

	while (done < len) {
		__u64 n = len - done < PROCMEM_MAX_IO ? len - done : PROCMEM_MAX_IO;
		struct procmem_io io = {
			.vaddr = addr + done,
			.buf = (uintptr_t)buf + done,
			.len = n,
		};
		long got = ioctl(fd, cmd, &io);

		if (got < 0)
			break;
		done += got;
		if ((__u64)got < n) {
			errno = EFAULT;
			break;
		}
	}
	return done;
}

static int attach(int fd, int pid)
{
	struct procmem_attach at = { .pid = pid };

	return ioctl(fd, PROCMEM_ATTACH, &at);
}

static int cmd_read(int argc, char **argv)
{
	const char *out = NULL;
	__u64 addr, len, done;
	char what[96];
	unsigned char *buf;
	int fd, pid, ret = 0;

	if (argc == 5 && !strcmp(argv[3], "-o"))
		out = argv[4];
	else if (argc != 3)
		return bad_usage("read takes PID ADDR LEN [-o FILE]");
	if (parse_u64(argv[1], &addr) || parse_u64(argv[2], &len))
		return bad_usage("ADDR and LEN are numbers: hex with 0x, or decimal");
	if (resolve_pid(argv[0], &pid))
		return 1;
	buf = malloc(len ? len : 1);
	if (!buf)
		return fail("malloc");
	fd = open_device();
	if (fd < 0) {
		free(buf);
		return 1;
	}
	snprintf(what, sizeof(what), "read 0x%llx", (unsigned long long)addr);
	if (attach(fd, pid)) {
		ret = fail(what);
		goto out;
	}
	done = transfer(fd, PROCMEM_READ_MEM, addr, buf, len);
	if (out) {
		FILE *f = fopen(out, "wb");

		if (!f || fwrite(buf, 1, done, f) != done || fclose(f)) {
			ret = fail(out);
			goto out;
		}
	} else {
		hexdump(addr, buf, done);
	}
	if (done < len) {
		fprintf(stderr, "memtool: %s: %s (%llu of %llu bytes)\n", what,
			strerror(errno), (unsigned long long)done, (unsigned long long)len);
		ret = 1;
	}
out:
	close(fd);
	free(buf);
	return ret;
}

static int cmd_write(int argc, char **argv)
{
	unsigned char buf[4096];
	const char *hex;
	__u64 addr, done;
	size_t len = 0;
	char what[96];
	int fd, pid, ret = 0;

	if (argc != 3)
		return bad_usage("write takes PID ADDR HEXBYTES");
	if (parse_u64(argv[1], &addr))
		return bad_usage("ADDR is a number: hex with 0x, or decimal");
	hex = argv[2];
	if (!strncmp(hex, "0x", 2))
		hex += 2;
	if (!*hex || strlen(hex) % 2 || strlen(hex) / 2 > sizeof(buf))
		return bad_usage("HEXBYTES is an even number of hex digits, at most 8192");
	for (len = 0; hex[2 * len]; len++) {
		unsigned int byte;

		if (!isxdigit((unsigned char)hex[2 * len]) ||
		    !isxdigit((unsigned char)hex[2 * len + 1]) ||
		    sscanf(hex + 2 * len, "%2x", &byte) != 1)
			return bad_usage("HEXBYTES has a character that is not a hex digit");
		buf[len] = byte;
	}
	if (resolve_pid(argv[0], &pid))
		return 1;
	fd = open_device();
	if (fd < 0)
		return 1;
	snprintf(what, sizeof(what), "write 0x%llx", (unsigned long long)addr);
	if (attach(fd, pid)) {
		ret = fail(what);
	} else {
		done = transfer(fd, PROCMEM_WRITE_MEM, addr, buf, len);
		if (done < len) {
			fprintf(stderr, "memtool: %s: %s (%llu of %zu bytes)\n", what,
				strerror(errno), (unsigned long long)done, len);
			ret = 1;
		} else {
			printf("wrote %zu bytes at 0x%llx\n", len, (unsigned long long)addr);
		}
	}
	close(fd);
	return ret;
}

static const char *const verdicts[] = {
	[PROCMEM_NOT_MAPPED] = "not mapped",
	[PROCMEM_NOT_PRESENT] = "not present",
	[PROCMEM_PRESENT] = "present",
	[PROCMEM_SWAPPED] = "swapped out",
	[PROCMEM_MIGRATING] = "being migrated",
	[PROCMEM_DEVICE_PRIVATE] = "in device-private memory",
	[PROCMEM_DEVICE_EXCLUSIVE] = "held exclusively by a device",
	[PROCMEM_HWPOISON] = "hardware-poisoned",
	[PROCMEM_MARKER] = "not present: a PTE marker",
	[PROCMEM_UNKNOWN] = "not present: unknown entry",
	[PROCMEM_BAD] = "unreadable: corrupt entry",
	[PROCMEM_CHANGED] = "unknown: page tables kept changing",
};

static const char *page_size_name(unsigned int shift)
{
	return shift == 30 ? "1 GiB" : shift == 21 ? "2 MiB" : "4 KiB";
}

/* One line per address: the verdict, and what goes with it. */
static void show_page(__u64 vaddr, const struct procmem_page *p)
{
	const char *what = p->verdict < ARRAY_SIZE(verdicts) ?
			   verdicts[p->verdict] : "unknown verdict";
	unsigned long long page = (unsigned long long)sysconf(_SC_PAGESIZE);

	printf("0x%llx: %s", (unsigned long long)vaddr, what);
	switch (p->verdict) {
	case PROCMEM_PRESENT:
		printf(", physical 0x%llx, PFN 0x%llx, %s",
		       (unsigned long long)(p->frame * page + (vaddr & (page - 1))),
		       (unsigned long long)p->frame, page_size_name(p->page_shift));
		break;
	case PROCMEM_SWAPPED:
		printf(": swap type %u, offset 0x%llx", p->swap_type,
		       (unsigned long long)p->frame);
		break;
	case PROCMEM_MIGRATING:
	case PROCMEM_DEVICE_PRIVATE:
	case PROCMEM_DEVICE_EXCLUSIVE:
		printf(": PFN 0x%llx", (unsigned long long)p->frame);
		break;
	}
	if (p->flags & PROCMEM_F_NO_ACCESS)
		printf(", no access");
	if (p->flags & PROCMEM_F_ZERO_PAGE)
		printf(", the zero page");
	if (p->flags & PROCMEM_F_HUGETLB)
		printf(", hugetlb");
	printf("\n");
}

/*
 * One address: PROCMEM_VIRT_TO_PHYS, whose answer is spelled out; it is
 * shown the way a batch answer is.
 */
static int v2p_one(int fd, int pid, __u64 vaddr, struct procmem_page *p)
{
	struct procmem_v2p v = { .pid = pid, .x.vaddr = vaddr };

	if (ioctl(fd, PROCMEM_VIRT_TO_PHYS, &v) < 0)
		return -1;
	*p = (struct procmem_page){
		.verdict = v.x.verdict,
		.frame = v.x.verdict == PROCMEM_SWAPPED ? v.x.swap_offset : v.x.pfn,
		.swap_type = v.x.swap_type,
		.flags = v.x.flags,
		.page_shift = v.x.page_size ? __builtin_ctz(v.x.page_size) : 0,
	};
	return 0;
}

static int cmd_v2p(int argc, char **argv)
{
	struct procmem_v2p_batch batch;
	struct procmem_page *pages;
	__u64 *vaddrs;
	int fd, pid, i, n = argc - 1, ret = 0, failed;

	if (argc < 2 || n > (int)PROCMEM_MAX_BATCH)
		return bad_usage("v2p takes PID ADDR [ADDR...] (at most 65536 addresses)");
	vaddrs = calloc(n, sizeof(*vaddrs));
	pages = calloc(n, sizeof(*pages));
	if (!vaddrs || !pages) {
		ret = fail("calloc");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (parse_u64(argv[i + 1], &vaddrs[i])) {
			ret = bad_usage("ADDR is a number: hex with 0x, or decimal");
			goto out;
		}
	}
	if (resolve_pid(argv[0], &pid)) {
		ret = 1;
		goto out;
	}
	fd = open_device();
	if (fd < 0) {
		ret = 1;
		goto out;
	}
	if (n == 1) {
		failed = v2p_one(fd, pid, vaddrs[0], pages);
	} else {
		batch = (struct procmem_v2p_batch){
			.pid = pid, .count = n,
			.vaddrs = (uintptr_t)vaddrs, .pages = (uintptr_t)pages,
		};
		failed = ioctl(fd, PROCMEM_VIRT_TO_PHYS_BATCH, &batch) < 0;
	}
	if (failed) {
		char what[64];

		snprintf(what, sizeof(what), "v2p 0x%llx", (unsigned long long)vaddrs[0]);
		ret = fail(what);
	} else {
		for (i = 0; i < n; i++)
			show_page(vaddrs[i], &pages[i]);
	}
	close(fd);
out:
	free(vaddrs);
	free(pages);
	return ret;
}

static int little_endian(void)
{
	const __u16 one = 1;

	return *(const __u8 *)&one;
}

static int cmd_pwrite(int argc, char **argv)
{
	struct procmem_phys phys = { 0 };
	__u64 size = 8, value;
	char what[64];
	int fd, ret = 0;
	unsigned int i;

	if (argc != 2 && argc != 3)
		return bad_usage("pwrite takes PADDR VALUE [SIZE]");
	if (parse_u64(argv[0], &phys.paddr) || parse_u64(argv[1], &value) ||
	    (argc == 3 && parse_u64(argv[2], &size)))
		return bad_usage("PADDR, VALUE and SIZE are numbers: hex with 0x, or decimal");
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return bad_usage("SIZE is 1, 2, 4 or 8");
	if (size < 8 && value >> (8 * size))
		return bad_usage("VALUE does not fit in SIZE bytes");
	phys.len = size;
	/* The low SIZE bytes of VALUE, in this machine's byte order. */
	for (i = 0; i < size; i++) {
		__u64 byte = value >> (8 * (little_endian() ? i : size - 1 - i));

		phys.data[i] = byte & 0xff;
	}
	fd = open_device();
	if (fd < 0)
		return 1;
	snprintf(what, sizeof(what), "pwrite 0x%llx", (unsigned long long)phys.paddr);
	if (ioctl(fd, PROCMEM_WRITE_PHYS, &phys) < 0)
		ret = fail(what);
	else
		printf("wrote %u bytes at physical 0x%llx\n", phys.len,
		       (unsigned long long)phys.paddr);
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} cmds[] = {
		{ "pidof", cmd_pidof }, { "base", cmd_base }, { "read", cmd_read },
		{ "write", cmd_write }, { "v2p", cmd_v2p }, { "pwrite", cmd_pwrite },
	};
	size_t i;

	if (argc < 2)
		return bad_usage("no command");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, stdout);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].run(argc - 2, argv + 2);
	fprintf(stderr, "memtool: unknown command %s\n%s", argv[1], usage);
	return EXIT_USAGE;
}
