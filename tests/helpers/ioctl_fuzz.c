// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl_fuzz - random and boundary ioctls on the suite's devices, for
 * tests/stress.bats.
 *
 *   ioctl_fuzz [--seed S] [--calls N] [--seconds S] [--unprivileged] [--device PATH] procmem|dr_doom
 *       N (default 100000) calls, or as many as S seconds allow (then a
 *       line "limit time"): every real command with random and
 *       boundary fields and argument pointers (NULL, unmapped, misaligned,
 *       read-only, across the end of a mapping, kernel, non-canonical),
 *       every real command number with its size or direction bits changed,
 *       and random command numbers. Each return is checked twice: its errno
 *       must be one the command documents ("undocumented" otherwise), and
 *       the one this input calls for, as far as it can be told from the
 *       input ("wrong" otherwise: a NULL argument must give EFAULT...).
 *       Prints one histogram line per command, "CMD: ok N EFAULT N ...",
 *       then the first few bad calls, then
 *       "calls N undocumented N wrong N ms N".
 *
 *       --unprivileged: for procmem, open the device as root (it is 0600),
 *       then become nobody (uid and gid 65534, no groups, no capabilities)
 *       and fuzz; a few files are attached before that, to the caller and
 *       to a child, as a privileged opener may hand them on. For dr_doom,
 *       become nobody first (the device is 0666).
 *
 *   ioctl_fuzz --threads T --seconds S [--calls N] procmem|dr_doom
 *       T threads of valid, mixed calls for S seconds (or N calls), while
 *       another thread kills and replaces the target processes; prints the
 *       same histogram and "calls N undocumented N churned N ms N".
 *
 * What it never does: write anywhere but into its own scratch buffers or
 * into a child it forked. Every pointer it hands the module for writing
 * points into a scratch area that ends in an inaccessible guard page (or
 * is invalid), WRITE_MEM on itself only aims at that area, WRITE_PHYS only
 * at a page of its own (translated just before, with the bytes checked
 * through its virtual address after) or at physical addresses that are no
 * RAM at all (or with a length of 0). dr_doom's EMERGENCY only kills its
 * own soldiers; it never registers with itself, init or its parent. The
 * generic ioctls the VFS answers itself (fs/ioctl.c: FIOCLEX, FIONBIO,
 * FIFREEZE...) are never sent: they are not the module's, and some act on
 * the file system /dev is on. Command numbers are 32-bit: the kernel
 * ignores the upper half of the register.
 *
 * Exit status: 0 nothing undocumented or wrong, 1 otherwise, 2 a setup
 * failure (no such device, ...).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ioctl/procmem.h"
#include "signal/dr_doom.h"
#include "uspace.h"

#define SCRATCH		(64 * page_size)
#define PID_NEVER	4194304		/* PID_MAX_LIMIT: pids are below it */
#define NOBODY		65534

/* The guest's page size and where its user space ends: set in main(). */
static unsigned long page_size;
static uint64_t user_top;

/* --- Outcomes ------------------------------------------------------------ */

enum { O_OK, O_EFAULT, O_EINVAL, O_ESRCH, O_EPERM, O_EBUSY, O_ENOMEM, O_ENOTTY,
       O_ENOSPC, O_ENOENT, O_EINTR, O_EACCES, O_OTHER, O_COUNT };
#define B(x) (1U << O_##x)

static const int o_errno[O_COUNT] = { 0, EFAULT, EINVAL, ESRCH, EPERM, EBUSY, ENOMEM, ENOTTY,
				       ENOSPC, ENOENT, EINTR, EACCES, 0 };

static int outcome(long ret, int err)
{
	int i;

	if (ret >= 0)
		return O_OK;
	for (i = 1; i < O_OTHER; i++)
		if (o_errno[i] == err)
			return i;
	return O_OTHER;
}

static const char *oname(int o, int err)
{
	return o == O_OK ? "ok" : o == O_OTHER ? (strerrorname_np(err) ?: "E?") :
	       strerrorname_np(o_errno[o]);
}

/* The commands, as the histograms name them. */
enum { C_ATTACH, C_V2P, C_BATCH, C_READ, C_WRITE, C_PHYS,
       C_REGISTER, C_UNREGISTER, C_EMERGENCY, C_OWED, C_SOLDIER,
       C_VARIANT, C_UNKNOWN, C_COUNT };

static const char *const cname[C_COUNT] = {
	"ATTACH", "VIRT_TO_PHYS", "VIRT_TO_PHYS_BATCH", "READ_MEM", "WRITE_MEM", "WRITE_PHYS",
	"REGISTER", "UNREGISTER", "EMERGENCY", "OWED", "REGISTER(soldiers)",
	"wrong-size-or-direction", "unknown",
};

/* What each command documents (README, procmem.h, dr_doom.h and the sources). */
static unsigned int documented[C_COUNT] = {
	[C_ATTACH] = B(OK) | B(EFAULT) | B(EINVAL) | B(ESRCH) | B(EPERM) | B(EBUSY) | B(ENOMEM),
	[C_V2P] = B(OK) | B(EFAULT) | B(EINVAL) | B(ESRCH) | B(EPERM),
	[C_BATCH] = B(OK) | B(EFAULT) | B(EINVAL) | B(ESRCH) | B(EPERM) | B(ENOMEM),
	[C_READ] = B(OK) | B(EFAULT) | B(EINVAL) | B(ESRCH) | B(EPERM) | B(ENOMEM),
	[C_WRITE] = B(OK) | B(EFAULT) | B(EINVAL) | B(ESRCH) | B(EPERM) | B(ENOMEM),
	[C_PHYS] = B(OK) | B(EFAULT) | B(EINVAL) | B(EPERM),
	[C_REGISTER] = B(OK) | B(EFAULT) | B(EINVAL) | B(ESRCH) | B(EPERM) | B(ENOSPC) | B(ENOMEM),
	[C_UNREGISTER] = B(OK) | B(ENOENT),
	[C_EMERGENCY] = B(OK) | B(ENOMEM),
	[C_OWED] = B(OK),
	[C_SOLDIER] = B(OK) | B(ENOSPC) | B(ENOMEM),
	[C_VARIANT] = B(ENOTTY),
	[C_UNKNOWN] = B(ENOTTY),
};

static atomic_long hist[C_COUNT][O_COUNT], calls, undocumented, wrong;
static atomic_int bad_shown;
static int other_errno[C_COUNT];

/* Record one call's outcome; @allowed is what this input may give. */
static void record(int cmd, long ret, int err, unsigned int allowed, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void record(int cmd, long ret, int err, unsigned int allowed, const char *fmt, ...)
{
	int o = outcome(ret, err);
	bool undoc = !(documented[cmd] & (1U << o)), bad = undoc || !(allowed & (1U << o));
	va_list ap;

	atomic_fetch_add(&hist[cmd][o], 1);
	atomic_fetch_add(&calls, 1);
	if (o == O_OTHER)
		other_errno[cmd] = err;
	if (!bad)
		return;
	atomic_fetch_add(undoc ? &undocumented : &wrong, 1);
	if (atomic_fetch_add(&bad_shown, 1) >= 20)
		return;
	printf("%s %s: %s (ret %ld): ", undoc ? "undocumented" : "wrong", cname[cmd],
	       oname(o, err), ret);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void print_histograms(void)
{
	int c, o;

	for (c = 0; c < C_COUNT; c++) {
		long total = 0;

		for (o = 0; o < O_COUNT; o++)
			total += atomic_load(&hist[c][o]);
		if (!total)
			continue;
		printf("%s:", cname[c]);
		for (o = 0; o < O_COUNT; o++)
			if (atomic_load(&hist[c][o]))
				printf(" %s %ld", oname(o, other_errno[c]), atomic_load(&hist[c][o]));
		printf("\n");
	}
}

/* --- Helpers ---------------------------------------------------------------- */

static pid_t parent_pid;

/* In a child: die with the parent, also when it is already gone. */
static void die_with_parent(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent_pid)
		_exit(1);
}

static void die(const char *what)
{
	fprintf(stderr, "ioctl_fuzz: %s: %s\n", what, strerror(errno));
	exit(2);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* splitmix64; per thread in the threaded modes. */
static __thread uint64_t rng;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rndn(unsigned int n)
{
	return rnd() % n;
}

/* canary | scratch | guard | read-only | guard: everything handed over for
 * writing lies in scratch, so a write runs into the guard page at worst. */
static unsigned char *canary, *scratch, *guard, *ro, *guard2;

static void map_areas(void)
{
	unsigned char *base = mmap(NULL, SCRATCH + 4 * page_size, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (base == MAP_FAILED)
		die("mmap");
	canary = base;
	scratch = base + page_size;
	guard = scratch + SCRATCH;
	ro = guard + page_size;
	guard2 = ro + page_size;
	memset(canary, 0xc5, page_size);
	memset(scratch, 0, SCRATCH);
	memset(ro, 0, page_size);	/* zeros: the struct a read-only argument holds */
	if (mprotect(guard, page_size, PROT_NONE) || mprotect(ro, page_size, PROT_READ) ||
	    mprotect(guard2, page_size, PROT_NONE))
		die("mprotect");
}

static bool canary_intact(void)
{
	size_t i;

	for (i = 0; i < page_size; i++)
		if (canary[i] != 0xc5)
			return false;
	return true;
}

/* A pointer that no write may go through: the kinds of bad argument. */
static uint64_t bad_pointer(size_t size, const char **what)
{
	switch (rndn(9)) {
	case 0:
		*what = "NULL";
		return 0;
	case 1:
		*what = "unmapped (below mmap_min_addr)";
		return page_size * (1 + rndn(14)) + rndn(page_size);
	case 2:
		*what = "guard page";
		return (uintptr_t)guard + rndn(page_size - size);
	case 3:
		*what = "across the end of the scratch area";
		return (uintptr_t)guard - 1 - rndn(size - 1);
	case 4:
		*what = "kernel text";
		return 0xffffffff81000000ULL + rndn(page_size);
	case 5:
		*what = "kernel direct map";
		return 0xffff888000000000ULL;
	case 6:
		*what = "non-canonical";
		return rndn(2) ? 0x0000800000000000ULL : 0x8000000000000000ULL;
	case 7:
		*what = "all ones";
		return ~0ULL - rndn(size);
	default:
		*what = "second guard page";
		return (uintptr_t)guard2 + rndn(page_size - size);
	}
}

enum argkind { ARG_OK, ARG_RO, ARG_BAD };

/*
 * Where a command's struct goes: mostly somewhere in scratch (misaligned a
 * third of the time), else the read-only page (readable zeros) or a bad
 * pointer. Returns the address; the struct to fill is at it for ARG_OK.
 */
static uint64_t place_arg(size_t size, enum argkind *kind, const char **what)
{
	unsigned int r = rndn(100);
	uint64_t off;

	if (r < 80) {
		off = rndn(SCRATCH - size - 64);
		if (rndn(3))
			off &= ~7ULL;
		*kind = ARG_OK;
		*what = "scratch";
		return (uintptr_t)scratch + off;
	}
	if (r < 85) {
		*kind = ARG_RO;
		*what = "read-only zeros";
		return (uintptr_t)ro + (rndn(page_size - size) & ~7ULL);
	}
	*kind = ARG_BAD;
	return bad_pointer(size, what);
}

/* An address in this process that may be written: scratch, or nothing. */
static uint64_t addr_safe(void)
{
	switch (rndn(13)) {
	case 0: case 1: case 2: case 3: case 4:
		return (uintptr_t)scratch + rndn(SCRATCH);
	case 5:
		return (uintptr_t)guard - 1 - rndn(64);
	case 6:
		return (uintptr_t)guard + rndn(page_size);
	case 7:
		return (uintptr_t)ro + rndn(page_size);
	case 8:
		return page_size * (1 + rndn(14)) + rndn(page_size);
	case 9:
		return 0;
	case 10:
		return rndn(2) ? 0xffffffff81000000ULL : 0xffff888000000000ULL;
	case 11:
		return rndn(2) ? 0x0000800000000000ULL : 0x8000000000000000ULL;
	default:
		return ~0ULL - rndn(page_size);
	}
}

/* Any address: for reading. */
static uint64_t addr_any(void)
{
	int local;

	switch (rndn(12)) {
	case 0:
		return (uintptr_t)&addr_any + rndn(page_size);
	case 1:
		return (uintptr_t)&local & ~(page_size - 1);
	case 2:
		return (uintptr_t)&printf & ~(page_size - 1);
	case 3:
		return getauxval(AT_SYSINFO_EHDR) + rndn(page_size);
	case 4:
		return rnd() & 0x7fffffffffffULL;
	case 5:
		return rnd();
	case 6:
		/* The top of user space: the stack may reach up to it. */
		return user_top - rndn(2) * page_size;
	default:
		return addr_safe();
	}
}

static uint64_t pick_len(void)
{
	switch (rndn(16)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return 2 + rndn(7);
	case 3:
		return page_size - 1 + rndn(3);
	case 4:
		return rndn(4 * page_size);
	case 5:
		return rndn(SCRATCH + page_size);
	case 6:
		return PROCMEM_MAX_IO;
	case 7:
		return PROCMEM_MAX_IO + 1;
	case 8:
		return ~0ULL;
	case 9:
		return 1ULL << 63;
	case 10:
		return rnd();
	default:
		return 1 + rndn(256);
	}
}

/* The command numbers the VFS answers before the driver (fs/ioctl.c). */
static bool vfs_command(uint32_t cmd)
{
	static const uint32_t exact[] = { 0x5450, 0x5451, 0x5421, 0x5452, 0x5460, 0x541b, 2 };
	static const uint8_t pairs[][2] = {
		{ 'X', 119 }, { 'X', 120 }, { 'X', 31 }, { 'X', 32 }, { 'f', 1 }, { 'f', 2 },
		{ 'f', 11 }, { 0x94, 9 }, { 0x94, 13 }, { 0x94, 54 }, { 0x15, 0 }, { 0x15, 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (cmd == exact[i])
			return true;
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		if (_IOC_TYPE(cmd) == pairs[i][0] && _IOC_NR(cmd) == pairs[i][1])
			return true;
	return false;
}

static const uint32_t procmem_cmds[] = {
	PROCMEM_ATTACH, PROCMEM_VIRT_TO_PHYS, PROCMEM_VIRT_TO_PHYS_BATCH,
	PROCMEM_READ_MEM, PROCMEM_WRITE_MEM, PROCMEM_WRITE_PHYS,
};
static const uint32_t doom_cmds[] = {
	DR_DOOM_REGISTER, DR_DOOM_UNREGISTER, DR_DOOM_EMERGENCY, DR_DOOM_OWED,
};

static bool real_command(uint32_t cmd, const uint32_t *real, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (cmd == real[i])
			return true;
	return false;
}

/* A real command with its size, direction, number or type changed. */
static uint32_t variant(const uint32_t *real, size_t n)
{
	for (;;) {
		uint32_t c = real[rndn(n)], dir = _IOC_DIR(c), type = _IOC_TYPE(c);
		uint32_t nr = _IOC_NR(c), size = _IOC_SIZE(c);
		unsigned int how = rndn(6);

		if (how == 0 || how == 4)
			dir = (dir + 1 + rndn(3)) & 3;
		if (how == 1 || how == 4) {
			static const int delta[] = { -1, 1, 8, -8 };

			size = rndn(3) ? size + delta[rndn(4)] : rndn(3) ? 0 : 0x3fff;
		}
		if (how == 2)
			nr = rndn(256);
		if (how == 3)
			type = rndn(256);
		if (how == 5)
			size = rndn(0x4000);
		c = _IOC(dir, type, nr, size & 0x3fff);
		if (!real_command(c, real, n) && !vfs_command(c))
			return c;
	}
}

static uint32_t unknown_command(const uint32_t *real, size_t n)
{
	for (;;) {
		uint32_t c = rnd();

		if (!real_command(c, real, n) && !vfs_command(c))
			return c;
	}
}

static long do_ioctl(int fd, uint32_t cmd, uint64_t arg, int *err)
{
	long ret;

	errno = 0;
	ret = ioctl(fd, (unsigned long)cmd, (unsigned long)arg);
	*err = errno;
	return ret;
}

/*
 * A child that sleeps until killed, and dies with us. As nobody when we
 * are to become nobody: then we can still kill it, and the parent-death
 * signal, which is checked like a kill(2), still reaches it.
 */
static bool children_as_nobody;

static pid_t spawn_sleeper(void)
{
	struct rlimit none = { 0, 0 };
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (!pid) {
		if (children_as_nobody &&
		    (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		     setresuid(NOBODY, NOBODY, NOBODY)))
			_exit(1);
		die_with_parent();
		setrlimit(RLIMIT_CORE, &none);
		for (;;)
			pause();
	}
	return pid;
}

/* A child that has exited and is not reaped: its number cannot be reused. */
static pid_t spawn_zombie(void)
{
	siginfo_t si;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (!pid)
		_exit(0);
	if (waitid(P_PID, pid, &si, WEXITED | WNOWAIT))
		die("waitid");
	return pid;
}

static void kill_reap(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

static void drop_privileges(void)
{
	char line[256];
	FILE *f;

	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		die("becoming nobody");
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	f = fopen("/proc/self/status", "r");
	if (!f)
		die("/proc/self/status");
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "CapEff:", 7) && strtoull(line + 7, NULL, 16)) {
			fprintf(stderr, "ioctl_fuzz: capabilities left after becoming nobody: %s", line);
			exit(2);
		}
	fclose(f);
	printf("uid %d gid %d capabilities none\n", (int)getuid(), (int)getgid());
}

static int open_device(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die(path);
	return fd;
}

/* --- procmem fuzz ------------------------------------------------------------ */

/* Who a pid field names, as the module will see it. */
enum target { T_SELF, T_CHILD, T_GONE, T_ZOMBIE, T_REAPED, T_KTHREAD, T_INIT, T_NONE, T_NEG };

#define NFDS 48

static struct {
	const char *path;
	bool priv;
	int fds[NFDS], nfds;
	enum target att[NFDS];		/* T_SELF also for unattached: pid 0 is the caller */
	bool attached[NFDS];
	pid_t att_pid[NFDS];
	pid_t child, zombie, reaped[8], self;
	int nreaped, children;
	unsigned char *phys;		/* the page WRITE_PHYS may write */
	uint64_t paddr;
	bool paddr_known, lockdown;
	long phys_written;
} pm;

static void pm_respawn_child(void)
{
	if (pm.child) {
		kill_reap(pm.child);
		pm.reaped[pm.nreaped++ % 8] = pm.child;
	}
	pm.child = spawn_sleeper();
	pm.children++;
}

/* Whom pid 0 names on file @fdi: what it is attached to, or the caller. */
static enum target pm_zero_target(int fdi)
{
	if (pm.att[fdi] == T_CHILD && pm.att_pid[fdi] != pm.child)
		return T_GONE;
	return pm.att[fdi];
}

/* A pid for a command, and whom it names; @writes: never init or a reaped pid. */
static int32_t pm_pick_pid(int fdi, bool writes, enum target *t)
{
	unsigned int r = rndn(100);

	if (r < 25) {
		*t = pm_zero_target(fdi);
		return 0;
	}
	if (r < 35)
		return *t = T_SELF, pm.self;
	if (r < 60)
		return *t = T_CHILD, pm.child;
	if (r < 68)
		return *t = T_ZOMBIE, pm.zombie;
	if (r < 73 && !writes && pm.nreaped)
		return *t = T_REAPED, pm.reaped[rndn(pm.nreaped < 8 ? pm.nreaped : 8)];
	if (r < 80)
		return *t = T_KTHREAD, 2;
	if (r < 85 && !writes)
		return *t = T_INIT, 1;
	if (r < 93) {
		static const int32_t none[] = { PID_NEVER, INT_MAX, PID_NEVER + 1 };

		*t = T_NONE;
		return rndn(4) ? none[rndn(3)] : PID_NEVER + (int32_t)rndn(INT_MAX - PID_NEVER);
	}
	*t = T_NEG;
	return rndn(3) ? -1 : rndn(2) ? INT_MIN : -(int32_t)(1 + rndn(INT_MAX));
}

/*
 * The errors the pid alone decides (procmem_get_mm()), or 0 when it names
 * a live address space the caller may use.
 */
static unsigned int pm_target_error(enum target t, int32_t pid)
{
	if (pid < 0)
		return B(EINVAL);
	if (!pm.priv && t != T_SELF && !(t == T_CHILD && pid == 0) && !(t == T_GONE && pid == 0))
		return B(EPERM);
	switch (t) {
	case T_KTHREAD:
		return B(EINVAL);
	case T_GONE: case T_ZOMBIE: case T_REAPED: case T_NONE:
		return B(ESRCH);
	default:
		return 0;
	}
}

static void pm_reopen(int i)
{
	if (!pm.priv)
		return;		/* nobody cannot open it: the files opened as root are all there is */
	close(pm.fds[i]);
	pm.fds[i] = open_device(pm.path);
	pm.att[i] = T_SELF;
	pm.attached[i] = false;
}

static void pm_attach(int fdi)
{
	enum argkind kind;
	const char *what;
	uint64_t arg = place_arg(sizeof(struct procmem_attach), &kind, &what);
	struct procmem_attach a = { 0 };
	unsigned int allowed, e;
	enum target t = T_SELF;
	int err;
	long ret;

	if (kind == ARG_OK) {
		a.pid = pm_pick_pid(fdi, true, &t);
		if (a.pid == 0)
			t = T_NEG;	/* ATTACH wants a real pid */
		a.flags = rndn(10) ? 0 : rndn(2) ? 1 : (uint32_t)rnd();
		memcpy((void *)(uintptr_t)arg, &a, sizeof(a));
	}
	if (kind == ARG_BAD)
		allowed = B(EFAULT);
	else if (a.flags || a.pid <= 0)
		allowed = B(EINVAL);
	else if (!pm.priv && a.pid != pm.self)
		allowed = B(EPERM);
	else if ((e = pm_target_error(t, a.pid)))
		allowed = e;
	else
		allowed = (pm.attached[fdi] ? B(EBUSY) : B(OK)) | B(ENOMEM);
	ret = do_ioctl(pm.fds[fdi], PROCMEM_ATTACH, arg, &err);
	record(C_ATTACH, ret, err, allowed, "arg %s, pid %d flags %#x", what, a.pid, a.flags);
	if (ret == 0) {
		pm.attached[fdi] = true;
		pm.att[fdi] = t;
		pm.att_pid[fdi] = a.pid;
	}
}

static void pm_v2p(int fdi)
{
	enum argkind kind;
	const char *what;
	uint64_t arg = place_arg(sizeof(struct procmem_v2p), &kind, &what);
	struct procmem_v2p v;
	enum target t = T_SELF;
	unsigned int allowed, e;
	int err;
	long ret;

	memset(&v, 0, sizeof(v));
	t = pm_zero_target(fdi);	/* the read-only page holds zeros */
	if (kind == ARG_OK) {
		v.pid = pm_pick_pid(fdi, false, &t);
		v.pad = rndn(10) ? 0 : (uint32_t)rnd() | 1;
		v.x.vaddr = addr_any();
		v.x.paddr = rnd();
		v.x.verdict = rnd();
		memcpy((void *)(uintptr_t)arg, &v, sizeof(v));
	}
	if (!pm.priv)
		allowed = B(EPERM);
	else if (kind == ARG_BAD)
		allowed = B(EFAULT);
	else if (v.pad)
		allowed = B(EINVAL);
	else if ((e = pm_target_error(t, v.pid)))
		allowed = e;
	else
		allowed = kind == ARG_RO ? B(EFAULT) : B(OK);
	ret = do_ioctl(pm.fds[fdi], PROCMEM_VIRT_TO_PHYS, arg, &err);
	record(C_V2P, ret, err, allowed, "arg %s, pid %d pad %#x vaddr %#llx", what, v.pid, v.pad,
	       (unsigned long long)v.x.vaddr);
}

/* Room for @size bytes at a random place in scratch, or -1 past its end. */
static uint64_t scratch_room(uint64_t size, bool *fits)
{
	uint64_t off = rndn(SCRATCH);

	if (rndn(4) && size <= SCRATCH)
		off = rndn(SCRATCH - size + 1);
	*fits = off + size <= SCRATCH;
	return (uintptr_t)scratch + off;
}

static void pm_batch(int fdi)
{
	static const uint32_t counts[] = { 0, 1, 2, 255, 256, 257, 4096, PROCMEM_MAX_BATCH,
					   PROCMEM_MAX_BATCH + 1, ~0U, 1U << 31 };
	enum argkind kind;
	const char *what, *vwhat = "scratch", *pwhat = "scratch";
	uint64_t arg = place_arg(sizeof(struct procmem_v2p_batch), &kind, &what);
	struct procmem_v2p_batch b;
	enum target t = T_SELF;
	unsigned int allowed, e;
	bool vfits = true, pfits = true, vbad = false, pbad = false, pro = false;
	int err;
	long ret;
	uint32_t i;

	memset(&b, 0, sizeof(b));
	t = pm_zero_target(fdi);
	if (kind == ARG_OK) {
		unsigned int r = rndn(1000);

		b.pid = pm_pick_pid(fdi, false, &t);
		/* Large batches are slow under emulation: a few only. */
		b.count = r < 600 ? rndn(64) : r < 990 ? counts[rndn(6)] :
			  r < 995 ? counts[6 + rndn(5)] : rndn(8192);
		if (rndn(10)) {
			b.vaddrs = scratch_room((uint64_t)b.count * 8, &vfits);
			for (i = 0; i < b.count && i < 4096 && vfits; i++) {
				uint64_t va = addr_any();

				memcpy((void *)(uintptr_t)(b.vaddrs + 8 * i), &va, sizeof(va));
			}
		} else {
			b.vaddrs = bad_pointer(8, &vwhat);
			vbad = true;
		}
		r = rndn(20);
		if (r < 17) {
			b.pages = scratch_room((uint64_t)b.count * 16, &pfits);
		} else if (r < 18) {
			b.pages = (uintptr_t)ro;
			pro = true;
			pwhat = "read-only";
		} else {
			b.pages = bad_pointer(16, &pwhat);
			pbad = true;
		}
		memcpy((void *)(uintptr_t)arg, &b, sizeof(b));
	}
	if (!pm.priv)
		allowed = B(EPERM);
	else if (kind == ARG_BAD)
		allowed = B(EFAULT);
	else if (b.count > PROCMEM_MAX_BATCH)
		allowed = B(EINVAL);
	else if ((e = pm_target_error(t, b.pid)))
		allowed = e;
	else if (!b.count)
		allowed = B(OK);
	else if (vbad || pbad || pro || !vfits || !pfits)
		allowed = B(EFAULT) | B(ENOMEM);
	else
		allowed = B(OK) | B(ENOMEM);
	ret = do_ioctl(pm.fds[fdi], PROCMEM_VIRT_TO_PHYS_BATCH, arg, &err);
	if (ret >= 0 && ret != b.count)
		allowed = 0;	/* a success returns count */
	record(C_BATCH, ret, err, allowed, "arg %s, pid %d count %u vaddrs %s%s pages %s%s", what,
	       b.pid, b.count, vwhat, vfits ? "" : " (past the end)", pwhat,
	       pfits ? "" : " (past the end)");
}

static void pm_io(int fdi, bool write)
{
	enum argkind kind;
	const char *what, *bwhat = "scratch";
	uint64_t arg = place_arg(sizeof(struct procmem_io), &kind, &what);
	struct procmem_io io;
	enum target t = T_SELF;
	unsigned int allowed, e;
	unsigned char sentinel[8] = { 0 };
	bool check_sentinel = false;
	int err;
	long ret;

	memset(&io, 0, sizeof(io));
	if (kind == ARG_OK) {
		unsigned int r = rndn(20);

		io.pid = pm_pick_pid(fdi, write, &t);
		io.pad = rndn(12) ? 0 : (uint32_t)rnd() | 1;
		io.len = pick_len();
		/*
		 * Writes only ever aim at scratch (or at nothing), here and in a
		 * child: the child is a fork of us, with scratch at the same
		 * address. A write anywhere else could land on a child's stack and
		 * kill it with a fault of its own, and the next call on its pid
		 * would get ESRCH for a reason the fuzzer did not pick.
		 */
		io.vaddr = write ? addr_safe() : addr_any();
		if (rndn(30) == 0)
			io.vaddr = ~0ULL - rndn(io.len ? (io.len < page_size ? io.len : page_size) : 1);
		if (r < 15) {
			io.buf = (uintptr_t)scratch + rndn(SCRATCH);
		} else if (r < 17) {
			io.buf = (uintptr_t)ro + rndn(page_size);
			bwhat = "read-only";
		} else {
			io.buf = bad_pointer(8, &bwhat);
		}
		memcpy((void *)(uintptr_t)arg, &io, sizeof(io));
	}
	if (kind == ARG_BAD)
		allowed = B(EFAULT);
	else if (io.pad || io.len > PROCMEM_MAX_IO)
		allowed = B(EINVAL);
	else if (!io.len)
		allowed = B(OK);
	else if (io.vaddr + io.len < io.vaddr)
		allowed = B(EFAULT);
	else if ((e = pm_target_error(t, io.pid)))
		allowed = e;
	else
		allowed = B(OK) | B(EFAULT) | B(ENOMEM);
	/* Without privileges, another process's bytes must never arrive. */
	if (!pm.priv && !write && allowed == B(EPERM) && io.buf >= (uintptr_t)scratch &&
	    io.buf <= (uintptr_t)guard - sizeof(sentinel)) {
		memset(sentinel, 0xa7, sizeof(sentinel));
		memcpy((void *)(uintptr_t)io.buf, sentinel, sizeof(sentinel));
		check_sentinel = true;
	}
	ret = do_ioctl(pm.fds[fdi], write ? PROCMEM_WRITE_MEM : PROCMEM_READ_MEM, arg, &err);
	if (ret > 0 && (uint64_t)ret > io.len)
		allowed = 0;	/* never more than asked */
	if (check_sentinel && memcmp((void *)(uintptr_t)io.buf, sentinel, sizeof(sentinel)))
		allowed = 0;
	record(write ? C_WRITE : C_READ, ret, err, allowed,
	       "arg %s, pid %d pad %#x vaddr %#llx buf %s len %#llx", what, io.pid, io.pad,
	       (unsigned long long)io.vaddr, bwhat, (unsigned long long)io.len);
}

/* Where the phys page is now, translated by the module: 0 when unknown. */
static bool pm_translate_phys(int fd)
{
	struct procmem_v2p v = { .pid = pm.self, .x.vaddr = (uintptr_t)pm.phys };

	if (!pm.priv || ioctl(fd, PROCMEM_VIRT_TO_PHYS, &v) || v.x.verdict != PROCMEM_PRESENT)
		return pm.paddr_known = false;
	pm.paddr = v.x.paddr;
	return pm.paddr_known = true;
}

static void pm_phys(int fdi)
{
	const uint64_t nowhere[] = { ~0ULL, ~0ULL & ~(page_size - 1), 1ULL << 52, 1ULL << 46,
				     1ULL << 63 };
	enum argkind kind;
	const char *what, *case_name = "";
	uint64_t arg = place_arg(sizeof(struct procmem_phys), &kind, &what);
	struct procmem_phys p;
	unsigned int allowed, r = rndn(100);
	bool own_write = false;
	int err;
	long ret;
	unsigned int i;

	memset(&p, 0, sizeof(p));
	for (i = 0; i < sizeof(p.data); i++)
		p.data[i] = rnd();
	/* Where our page is right now: every case below aims at it or at no RAM. */
	if (pm.priv && !pm_translate_phys(pm.fds[0]))
		pm.paddr = 1ULL << 52;
	if (r < 40 && pm.priv && kind == ARG_OK && pm.paddr_known) {
		unsigned int off = rndn(page_size);

		p.paddr = pm.paddr + off;
		p.len = 1 + rndn(page_size - off < PROCMEM_MAX_PHYS ? page_size - off : PROCMEM_MAX_PHYS);
		own_write = true;
		case_name = "own page";
	} else if (r < 55) {
		unsigned int off = page_size - 1 - rndn(PROCMEM_MAX_PHYS - 1);

		p.paddr = pm.paddr + off;
		p.len = page_size - off + 1 + rndn(PROCMEM_MAX_PHYS - (page_size - off));
		case_name = "own page, across its end";
	} else if (r < 70) {
		static const uint32_t lens[] = { 0, PROCMEM_MAX_PHYS + 1, 4096, ~0U };

		p.paddr = pm.paddr + rndn(page_size);
		p.len = lens[rndn(4)];
		case_name = "bad length";
	} else if (r < 78) {
		p.paddr = pm.paddr;
		p.len = 1 + rndn(8);
		p.pad = (uint32_t)rnd() | 1;
		case_name = "padding set";
	} else if (r < 90) {
		p.paddr = nowhere[rndn(5)] - (rndn(2) ? 0 : page_size);
		p.paddr &= ~(page_size - 1);
		p.len = 1 + rndn(8);
		case_name = "not RAM";
	} else {
		p.paddr = rnd();
		p.len = 0;	/* anywhere, but writing nothing */
		case_name = "random address, length 0";
	}
	if (kind == ARG_OK)
		memcpy((void *)(uintptr_t)arg, &p, sizeof(p));
	else if (kind == ARG_RO)
		memcpy(&p, (void *)(uintptr_t)arg, sizeof(p));
	if (!pm.priv)
		allowed = B(EPERM);
	else if (pm.lockdown)
		allowed = B(EPERM);
	else if (kind == ARG_BAD)
		allowed = B(EFAULT);
	else if (own_write)
		allowed = B(OK);
	else
		allowed = B(EINVAL);
	ret = do_ioctl(pm.fds[fdi], PROCMEM_WRITE_PHYS, arg, &err);
	if (ret == 0 && own_write) {
		pm.phys_written++;
		if (memcmp(pm.phys + (p.paddr & (page_size - 1)), p.data, p.len))
			allowed = 0;	/* written elsewhere than our page */
	}
	record(C_PHYS, ret, err, allowed, "arg %s, %s: paddr %#llx len %u pad %#x", what, case_name,
	       (unsigned long long)p.paddr, p.len, p.pad);
}

static void pm_setup(const char *path, bool unprivileged)
{
	char buf[128] = "";
	int i, fd;

	pm.path = path;
	close(open_device(path));	/* before any child: a missing device is no leak */
	pm.priv = !unprivileged;
	pm.self = getpid();
	pm.phys = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pm.phys == MAP_FAILED || madvise(pm.phys, page_size, MADV_DONTFORK))
		die("mmap");
	memset(pm.phys, 0x3c, page_size);
	mlock(pm.phys, page_size);
	fd = open("/sys/kernel/security/lockdown", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf) - 1) > 0)
			pm.lockdown = !strstr(buf, "[none]");
		close(fd);
	}
	children_as_nobody = unprivileged;
	pm.zombie = spawn_zombie();
	pm_respawn_child();
	pm.nfds = unprivileged ? NFDS : 4;
	for (i = 0; i < pm.nfds; i++) {
		pm.fds[i] = open_device(path);
		pm.att[i] = T_SELF;
	}
	pm.paddr_known = true;
	pm.priv = true;
	if (!pm_translate_phys(pm.fds[0]))
		pm.paddr = 1ULL << 52;	/* no translation (not procmem?): aim at no RAM */
	pm.priv = !unprivileged;
	if (unprivileged) {
		/* Files a privileged opener attached, then handed on. */
		struct procmem_attach a = { .pid = pm.child };

		if (ioctl(pm.fds[0], PROCMEM_ATTACH, &a) == 0) {
			pm.attached[0] = true;
			pm.att[0] = T_CHILD;
			pm.att_pid[0] = pm.child;
		}
		a.pid = pm.self;
		if (ioctl(pm.fds[1], PROCMEM_ATTACH, &a) == 0)
			pm.attached[1] = true;
		drop_privileges();
		fd = open(path, O_RDWR | O_CLOEXEC);
		printf("open as nobody: %s\n", fd < 0 ? strerrorname_np(errno) : "ok");
		if (fd >= 0)
			close(fd);
	}
}

/* The fuzz loops' time limit, looked at every 256 calls. */
static long fuzz_deadline;

static bool out_of_time(long i)
{
	if (!fuzz_deadline || i % 256 || now_ms() < fuzz_deadline)
		return false;
	printf("limit time\n");
	return true;
}

static void fuzz_procmem(const char *path, long n, bool unprivileged)
{
	long i;

	pm_setup(path, unprivileged);
	for (i = 0; i < n && !out_of_time(i); i++) {
		int fdi = rndn(pm.nfds);
		unsigned int r = rndn(100);
		int err;
		long ret;

		/* New targets now and then (not for nobody: the handed-on file is bound to one). */
		if (pm.priv && i && i % 20000 == 0)
			pm_respawn_child();
		if (pm.priv && rndn(200) == 0)
			pm_reopen(fdi);
		if (r < 10) {
			pm_attach(fdi);
		} else if (r < 22) {
			pm_v2p(fdi);
		} else if (r < 32) {
			pm_batch(fdi);
		} else if (r < 46) {
			pm_io(fdi, false);
		} else if (r < 58) {
			pm_io(fdi, true);
		} else if (r < 68) {
			pm_phys(fdi);
		} else {
			bool var = r < 84;
			uint32_t cmd = var ? variant(procmem_cmds, 6) : unknown_command(procmem_cmds, 6);
			const char *what = "scratch";
			uint64_t arg = rndn(2) ? (uintptr_t)scratch + rndn(SCRATCH - 256) :
					 bad_pointer(8, &what);

			ret = do_ioctl(pm.fds[fdi], cmd, arg, &err);
			record(var ? C_VARIANT : C_UNKNOWN, ret, err, B(ENOTTY), "cmd %#x arg %s",
			       cmd, what);
		}
	}
	if (!canary_intact()) {
		printf("the canary page before scratch was written\n");
		atomic_fetch_add(&wrong, 1);
	}
	printf("children %d phys-writes %ld (each seen through the virtual address)\n",
	       pm.children, pm.phys_written);
	kill_reap(pm.child);
	waitpid(pm.zombie, NULL, 0);
}

/* --- dr_doom fuzz --------------------------------------------------------------- */

#define SOLDIERS 6
#define STATIONS 3

static struct {
	int fd;
	bool priv;
	pid_t self, stations[STATIONS], zombie;
	pid_t soldiers[SOLDIERS];
	bool enlisted[SOLDIERS];	/* its REGISTER with us succeeded, and it lives */
	pid_t registered_to;		/* the station we serve, 0 for none */
	int result_pipe[2];
	int rounds, children;
	long killed;			/* soldiers killed by EMERGENCY, ever */
} dd;

/* Soldiers of ours: each registers with us and reports how it went. */
static void dd_spawn_soldiers(void)
{
	int i;

	for (i = 0; i < SOLDIERS; i++) {
		kill_reap(dd.soldiers[i]);
		dd.enlisted[i] = false;
	}
	for (i = 0; i < SOLDIERS; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (!pid) {
			struct dr_doom_register r = { .station = dd.self };
			int res[2] = { getpid(), ioctl(dd.fd, DR_DOOM_REGISTER, &r) ? errno : 0 };

			die_with_parent();
			if (write(dd.result_pipe[1], res, sizeof(res)) != sizeof(res))
				_exit(1);
			for (;;)
				pause();
		}
		dd.soldiers[i] = pid;
		dd.children++;
	}
	/* Their answers, in any order, each with the soldier's pid. */
	for (i = 0; i < SOLDIERS; i++) {
		int res[2], j;

		if (read(dd.result_pipe[0], res, sizeof(res)) != sizeof(res))
			die("soldier result");
		record(C_SOLDIER, res[1] ? -1 : 0, res[1], B(OK) | B(ENOSPC) | B(ENOMEM),
		       "soldier %d registering with us", res[0]);
		for (j = 0; j < SOLDIERS; j++)
			if (dd.soldiers[j] == res[0])
				dd.enlisted[j] = !res[1];
	}
	dd.rounds++;
}

static int dd_enlisted(void)
{
	int i, n = 0;

	for (i = 0; i < SOLDIERS; i++)
		n += dd.enlisted[i];
	return n;
}

static void dd_respawn_station(int i)
{
	if (dd.stations[i]) {
		if (dd.registered_to == dd.stations[i])
			dd.registered_to = 0;	/* the station's exit drops us */
		kill_reap(dd.stations[i]);
	}
	dd.stations[i] = spawn_sleeper();
	dd.children++;
}

static void dd_register(void)
{
	enum argkind kind;
	const char *what, *whom = "";
	uint64_t arg = place_arg(sizeof(struct dr_doom_register), &kind, &what);
	struct dr_doom_register r = { 0 };
	unsigned int allowed, k = rndn(100);
	bool live = false;
	int err;
	long ret;

	if (k < 45) {
		r.station = dd.stations[rndn(STATIONS)];
		whom = "a live child";
		live = true;
	} else if (k < 55) {
		r.station = dd.zombie;
		whom = "a zombie";
	} else if (k < 65) {
		r.station = 2;
		whom = "kthreadd";
	} else if (k < 70 && !dd.priv) {
		r.station = 1;
		whom = "init (root's)";
	} else if (k < 80) {
		static const int32_t none[] = { PID_NEVER, INT_MAX };

		r.station = none[rndn(2)];
		whom = "no such process";
	} else {
		static const int32_t bad[] = { 0, -1, INT_MIN };

		r.station = bad[rndn(3)];
		whom = "not a pid";
	}
	r.flags = rndn(8) ? 0 : rndn(2) ? 1 : (uint32_t)rnd();
	if (kind == ARG_OK)
		memcpy((void *)(uintptr_t)arg, &r, sizeof(r));
	else if (kind == ARG_RO)
		r = (struct dr_doom_register){ 0 }, whom = "zeros";
	if (kind == ARG_BAD)
		allowed = B(EFAULT);
	else if (r.flags || r.station <= 0 || r.station == 2)
		allowed = B(EINVAL);
	else if (r.station == 1)
		allowed = B(EPERM);
	else if (!live)
		allowed = B(ESRCH);
	else
		allowed = B(OK) | B(ENOSPC) | B(ENOMEM);
	ret = do_ioctl(dd.fd, DR_DOOM_REGISTER, arg, &err);
	record(C_REGISTER, ret, err, allowed, "arg %s, station %d (%s) flags %#x", what, r.station,
	       whom, r.flags);
	if (ret == 0 && kind != ARG_BAD)
		dd.registered_to = r.station;
}

static void dd_emergency(void)
{
	int expected = dd_enlisted(), err, i;
	long ret = do_ioctl(dd.fd, DR_DOOM_EMERGENCY, rnd(), &err);

	record(C_EMERGENCY, ret, err, ret == expected || ret < 0 ? B(OK) | B(ENOMEM) : 0,
	       "expected %d soldiers killed", expected);
	if (ret > 0)
		dd.killed += ret;
	/* Reap the dead so that the next count is exact; kill the rest. */
	for (i = 0; i < SOLDIERS; i++) {
		kill_reap(dd.soldiers[i]);
		dd.soldiers[i] = 0;
		dd.enlisted[i] = false;
	}
}

static void fuzz_doom(const char *path, long n, bool unprivileged)
{
	long i;
	int s;

	dd.priv = !unprivileged;
	if (unprivileged)
		drop_privileges();
	dd.self = getpid();
	dd.fd = open_device(path);
	if (pipe2(dd.result_pipe, O_CLOEXEC))
		die("pipe");
	dd.zombie = spawn_zombie();
	for (s = 0; s < STATIONS; s++)
		dd_respawn_station(s);
	dd_spawn_soldiers();
	for (i = 0; i < n && !out_of_time(i); i++) {
		unsigned int r = rndn(1000);
		int err;
		long ret;

		if (i && i % 25000 == 0)
			dd_respawn_station(rndn(STATIONS));
		if (r < 400) {
			dd_register();
		} else if (r < 550) {
			ret = do_ioctl(dd.fd, DR_DOOM_UNREGISTER, rnd(), &err);
			record(C_UNREGISTER, ret, err, dd.registered_to ? B(OK) : B(ENOENT),
			       "registered with %d", dd.registered_to);
			if (ret == 0)
				dd.registered_to = 0;
		} else if (r < 700) {
			int lo = dd_enlisted();

			ret = do_ioctl(dd.fd, DR_DOOM_OWED, rnd(), &err);
			record(C_OWED, ret, err, ret >= lo && ret <= lo + dd.killed ? B(OK) : 0,
			       "owed %ld, %d soldiers enlisted, %ld killed", ret, lo, dd.killed);
		} else if (r < 701) {
			dd_emergency();
			if (dd.rounds < 12)
				dd_spawn_soldiers();
		} else {
			bool var = r < 850;
			uint32_t cmd = var ? variant(doom_cmds, 4) : unknown_command(doom_cmds, 4);
			const char *what = "scratch";
			uint64_t arg = rndn(2) ? (uintptr_t)scratch + rndn(SCRATCH - 256) :
					 bad_pointer(8, &what);

			ret = do_ioctl(dd.fd, cmd, arg, &err);
			record(var ? C_VARIANT : C_UNKNOWN, ret, err, B(ENOTTY), "cmd %#x arg %s",
			       cmd, what);
		}
	}
	/* Leave nothing registered: our soldiers die, our own registration goes. */
	dd_emergency();
	ioctl(dd.fd, DR_DOOM_UNREGISTER);
	for (s = 0; s < STATIONS; s++)
		kill_reap(dd.stations[s]);
	waitpid(dd.zombie, NULL, 0);
	printf("children %d emergencies-killed %ld\n", dd.children, dd.killed);
}

/* --- Threads: valid calls while the targets come and go --------------------------- */

#define SLOTS 4

struct slot {
	pthread_rwlock_t lock;	/* readers use pid; the writer swaps it */
	pid_t pid;
};

static struct slot slots[SLOTS];
static unsigned char *region;		/* 1 MiB, with a copy in every child */
#define REGION (1UL << 20)
static long stop_at, max_calls;
static atomic_long churned;
static atomic_bool stopping;
static const char *device;

static bool done(void)
{
	return atomic_load(&stopping) || atomic_load(&calls) >= max_calls || now_ms() >= stop_at;
}

static pid_t spawn_target(void)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (!pid) {
		die_with_parent();
		memset(region, 0x5a, REGION);	/* pages of its own */
		for (;;)
			pause();
	}
	return pid;
}

static void init_slots(pid_t (*spawn)(void))
{
	pthread_rwlockattr_t attr;
	int i;

	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	for (i = 0; i < SLOTS; i++) {
		pthread_rwlock_init(&slots[i].lock, &attr);
		slots[i].pid = spawn();
	}
}

/*
 * Kill a target while calls may be using it, then swap in a new one; the
 * old one is reaped only once no call holds its number, which so cannot
 * be reused by another process under a call.
 */
static void churn_slot(int i, pid_t (*spawn)(void))
{
	pid_t old = slots[i].pid, new = spawn();

	kill(old, SIGKILL);
	usleep(1000);
	pthread_rwlock_wrlock(&slots[i].lock);
	slots[i].pid = new;
	pthread_rwlock_unlock(&slots[i].lock);
	waitpid(old, NULL, 0);
	atomic_fetch_add(&churned, 1);
}

static void *pm_worker(void *arg)
{
	unsigned char *buf = malloc(64 * 1024);
	unsigned char *phys = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				   -1, 0);
	struct procmem_v2p own = { .pid = 0 };
	int dev = open_device(device);
	uint64_t paddr = 0;

	rng = (uintptr_t)arg * 7919 + 1;
	if (!buf || phys == MAP_FAILED || madvise(phys, page_size, MADV_DONTFORK))
		die("worker memory");
	memset(phys, 0, page_size);
	mlock(phys, page_size);
	own.x.vaddr = (uintptr_t)phys;
	while (!done()) {
		struct slot *s = &slots[rndn(SLOTS)];
		uint64_t addr = (uintptr_t)region + rndn(REGION - 8 * page_size);
		unsigned int op = rndn(6);
		int err, pid, fd;
		long ret;

		pthread_rwlock_rdlock(&s->lock);
		pid = s->pid;
		if (op == 0) {
			struct procmem_attach a = { .pid = pid };

			fd = open_device(device);
			ret = do_ioctl(fd, PROCMEM_ATTACH, (uintptr_t)&a, &err);
			record(C_ATTACH, ret, err, B(OK) | B(ESRCH) | B(ENOMEM), "attach to a churned target");
			if (!ret) {
				struct procmem_io io = { .vaddr = addr, .buf = (uintptr_t)buf,
							 .len = 1 + rndn(8192) };

				ret = do_ioctl(fd, PROCMEM_READ_MEM, (uintptr_t)&io, &err);
				record(C_READ, ret, err, B(OK) | B(ESRCH) | B(EFAULT) | B(ENOMEM),
				       "attached read of a churned target");
			}
			close(fd);
		} else if (op <= 2) {
			struct procmem_io io = { .pid = pid, .vaddr = addr, .buf = (uintptr_t)buf,
						 .len = 1 + rndn(op == 1 ? 65536 : 4096) };

			memset(buf, 0xa5, 4096);
			ret = do_ioctl(dev, op == 1 ? PROCMEM_READ_MEM : PROCMEM_WRITE_MEM,
				       (uintptr_t)&io, &err);
			record(op == 1 ? C_READ : C_WRITE, ret, err,
			       B(OK) | B(ESRCH) | B(EFAULT) | B(ENOMEM),
			       "pid %d len %llu", pid, (unsigned long long)io.len);
		} else if (op == 3) {
			struct procmem_v2p v = { .pid = pid, .x.vaddr = addr };

			ret = do_ioctl(dev, PROCMEM_VIRT_TO_PHYS, (uintptr_t)&v, &err);
			record(C_V2P, ret, err, B(OK) | B(ESRCH), "pid %d", pid);
		} else if (op == 4) {
			uint64_t vaddrs[64];
			struct procmem_page pages[64];
			struct procmem_v2p_batch b = { .pid = pid, .count = 64,
						       .vaddrs = (uintptr_t)vaddrs,
						       .pages = (uintptr_t)pages };
			int i;

			for (i = 0; i < 64; i++)
				vaddrs[i] = addr + i * page_size;
			ret = do_ioctl(dev, PROCMEM_VIRT_TO_PHYS_BATCH, (uintptr_t)&b, &err);
			record(C_BATCH, ret, err, ret == 64 || ret < 0 ? B(OK) | B(ESRCH) | B(ENOMEM) : 0,
			       "pid %d", pid);
		} else {
			struct procmem_phys p = { .len = 1 + rndn(PROCMEM_MAX_PHYS) };
			unsigned int off = rndn(page_size - p.len + 1), i;

			/* Our own page only, translated just before. */
			if (ioctl(dev, PROCMEM_VIRT_TO_PHYS, &own) || own.x.verdict != PROCMEM_PRESENT) {
				pthread_rwlock_unlock(&s->lock);
				continue;
			}
			paddr = own.x.paddr;
			p.paddr = paddr + off;
			for (i = 0; i < p.len; i++)
				p.data[i] = rnd();
			ret = do_ioctl(dev, PROCMEM_WRITE_PHYS, (uintptr_t)&p, &err);
			record(C_PHYS, ret, err,
			       ret == 0 && memcmp(phys + off, p.data, p.len) ? 0 : B(OK),
			       "own page at %#llx", (unsigned long long)paddr);
		}
		pthread_rwlock_unlock(&s->lock);
	}
	close(dev);
	free(buf);
	return NULL;
}

/* dr_doom: soldiers of ours that the churn thread keeps alive, stations in slots. */
static int soldier_pipe[2], doom_fd;
static pid_t doom_self;

static pid_t spawn_doom_soldier(void)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (!pid) {
		struct dr_doom_register r = { .station = doom_self };
		int res[2] = { getpid(), ioctl(doom_fd, DR_DOOM_REGISTER, &r) ? errno : 0 };

		die_with_parent();
		if (write(soldier_pipe[1], res, sizeof(res)) != sizeof(res))
			_exit(1);
		for (;;)
			pause();
	}
	return pid;
}

static void *doom_worker(void *arg)
{
	int dev = open_device(device);

	rng = (uintptr_t)arg * 104729 + 3;
	while (!done()) {
		unsigned int op = rndn(100);
		int err;
		long ret;

		if (op < 50) {
			struct slot *s = &slots[rndn(SLOTS)];
			struct dr_doom_register r;

			pthread_rwlock_rdlock(&s->lock);
			r = (struct dr_doom_register){ .station = s->pid };
			ret = do_ioctl(dev, DR_DOOM_REGISTER, (uintptr_t)&r, &err);
			pthread_rwlock_unlock(&s->lock);
			record(C_REGISTER, ret, err, B(OK) | B(ESRCH) | B(ENOSPC) | B(ENOMEM),
			       "a churned station");
		} else if (op < 70) {
			ret = do_ioctl(dev, DR_DOOM_UNREGISTER, 0, &err);
			record(C_UNREGISTER, ret, err, B(OK) | B(ENOENT), "from a thread");
		} else if (op < 99) {
			ret = do_ioctl(dev, DR_DOOM_OWED, 0, &err);
			record(C_OWED, ret, err, B(OK), "from a thread");
		} else {
			ret = do_ioctl(dev, DR_DOOM_EMERGENCY, 0, &err);
			record(C_EMERGENCY, ret, err, B(OK) | B(ENOMEM), "from a thread");
		}
	}
	close(dev);
	return NULL;
}

static void *churner(void *arg)
{
	bool doom = arg != NULL;
	pid_t soldiers[SOLDIERS] = { 0 };
	int i;

	while (!done()) {
		churn_slot(rndn(SLOTS), doom ? spawn_sleeper : spawn_target);
		if (doom) {
			int res[2];

			int spawned = 0;

			/* Reap soldiers the emergencies killed; two new ones a round at most. */
			for (i = 0; i < SOLDIERS && spawned < 2; i++) {
				if (soldiers[i] && waitpid(soldiers[i], NULL, WNOHANG) != soldiers[i])
					continue;
				soldiers[i] = spawn_doom_soldier();
				spawned++;
			}
			while (read(soldier_pipe[0], res, sizeof(res)) == sizeof(res))
				record(C_SOLDIER, res[1] ? -1 : 0, res[1], B(OK) | B(ENOSPC) | B(ENOMEM),
				       "soldier %d", res[0]);
		}
		usleep(20000);
	}
	for (i = 0; i < SOLDIERS; i++)
		kill_reap(soldiers[i]);
	return NULL;
}

static void threads_mode(const char *dev, bool doom, int nthreads, long seconds)
{
	pthread_t threads[65];
	long i;

	device = dev;
	close(open_device(dev));
	if (doom) {
		doom_self = getpid();
		doom_fd = open_device(dev);
		if (pipe2(soldier_pipe, O_CLOEXEC | O_NONBLOCK))
			die("pipe");
		init_slots(spawn_sleeper);
	} else {
		region = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (region == MAP_FAILED)
			die("mmap");
		memset(region, 0x11, REGION);
		init_slots(spawn_target);
	}
	stop_at = now_ms() + seconds * 1000;
	pthread_create(&threads[nthreads], NULL, churner, doom ? (void *)1 : NULL);
	for (i = 0; i < nthreads; i++)
		pthread_create(&threads[i], NULL, doom ? doom_worker : pm_worker, (void *)(i + 1));
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	atomic_store(&stopping, true);
	pthread_join(threads[nthreads], NULL);
	for (i = 0; i < SLOTS; i++)
		kill_reap(slots[i].pid);
	if (doom) {
		ioctl(doom_fd, DR_DOOM_UNREGISTER);
		close(doom_fd);
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: ioctl_fuzz [--seed S] [--calls N] [--seconds S] [--unprivileged] [--device PATH] procmem|dr_doom\n"
		"       ioctl_fuzz --threads T --seconds S [--calls N] [--device PATH] procmem|dr_doom\n");
	exit(2);
}

static long number(const char *s, long min, long max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || end == s || *end || n < min || n > max) {
		fprintf(stderr, "ioctl_fuzz: not a number from %ld to %ld: %s\n", min, max, s);
		exit(2);
	}
	return n;
}

int main(int argc, char **argv)
{
	long seed = 1, n = -1, seconds = 0, start;
	const char *path = NULL, *which;
	bool unprivileged = false, doom;
	int threads = 0, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	user_top = uspace_top();
	parent_pid = getpid();
	for (i = 1; i < argc - 1; i++) {
		if (!strcmp(argv[i], "--seed"))
			seed = number(argv[++i], 0, LONG_MAX);
		else if (!strcmp(argv[i], "--calls"))
			n = number(argv[++i], 0, 100000000);
		else if (!strcmp(argv[i], "--threads"))
			threads = number(argv[++i], 1, 64);
		else if (!strcmp(argv[i], "--seconds"))
			seconds = number(argv[++i], 1, 3600);
		else if (!strcmp(argv[i], "--device"))
			path = argv[++i];
		else if (!strcmp(argv[i], "--unprivileged"))
			unprivileged = true;
		else
			usage();
	}
	if (i != argc - 1 || (threads && (!seconds || unprivileged)))
		usage();
	which = argv[argc - 1];
	if (strcmp(which, "procmem") && strcmp(which, "dr_doom"))
		usage();
	doom = !strcmp(which, "dr_doom");
	path = path ?: doom ? DR_DOOM_DEVICE : PROCMEM_DEVICE;
	if (n < 0)
		n = threads ? LONG_MAX : 100000;
	rng = seed;
	map_areas();
	start = now_ms();
	if (threads) {
		max_calls = n;
		threads_mode(path, doom, threads, seconds);
	} else if (doom) {
		fuzz_deadline = seconds ? start + seconds * 1000 : 0;
		fuzz_doom(path, n, unprivileged);
	} else {
		fuzz_deadline = seconds ? start + seconds * 1000 : 0;
		fuzz_procmem(path, n, unprivileged);
	}
	print_histograms();
	printf("calls %ld undocumented %ld wrong %ld", atomic_load(&calls),
	       atomic_load(&undocumented), atomic_load(&wrong));
	if (threads)
		printf(" churned %ld", atomic_load(&churned));
	printf(" ms %ld\n", now_ms() - start);
	if (threads && !atomic_load(&churned))
		printf("no target was churned\n");
	return atomic_load(&undocumented) || atomic_load(&wrong) ? 1 : 0;
}
