// SPDX-License-Identifier: GPL-2.0
/*
 * modcycle - load and unload the suite's modules in a loop, and fuzz their
 * parameters, for tests/stress.bats. Loops live here: a process start
 * costs 70-100 ms in the test VM.
 *
 *   modcycle [-t SECONDS] FILE.ko COUNT [PARAM...]
 *       load (finit_module) and unload (delete_module) COUNT times, or
 *       until SECONDS have passed; prints "cycles N failed N ms N", then
 *       "limit time" when the time ran out first, and one line
 *       "load|unload ERRNO N" per kind of failure.
 *
 *   modcycle --params FILE.ko [--seed S --count N] [--seconds S] [--dry-run]
 *       one load per parameter string: read from stdin, one per line
 *       ("LABEL<TAB>PARAMS", or just PARAMS), or made by the generator
 *       below with --seed. For each it predicts the outcome with a model of
 *       the kernel's parameter parser (kernel/params.c, lib/cmdline.c,
 *       lib/kstrtox.c) and of the module's init, loads, counts the kernel
 *       log lines the load wrote, unloads after a success, and checks the
 *       module is gone. One line per string:
 *         case N LABEL GOT lines P/O/W [expected E lines P/O/W: PARAMS]
 *       (P: the kernel's parse lines, O: the module's own error lines, W:
 *       the kernel's "ignored" warnings; the part in brackets only when
 *       something differs), then "errno E N" per outcome and
 *       "strings N loaded N refused N unexpected N left N ms N" (after
 *       "limit time" when --seconds ran out first). Exits 1
 *       when anything was unexpected. --dry-run prints the predictions
 *       only and loads nothing (it runs anywhere).
 *
 *   modcycle --gen FILE.ko SEED COUNT
 *       print the COUNT strings --params --seed SEED would try.
 *
 *   modcycle --churn SECONDS FILE.ko...
 *       for SECONDS, load and unload lkm1..lkm5 in turn with pid= of child
 *       processes that keep being created and exiting; a success or ESRCH
 *       are the only answers (ESRCH only, once the child was reaped), one
 *       error line per refusal. Prints "loads N ok N refused N unexpected
 *       N ms N" and "MODULE ERRNO N" lines.
 *
 * Placeholders in parameters: @self@ (this process), @live@ (a child that
 * sleeps), @zombie@ (a child that exited and is not reaped), @addr@ (the
 * address of a page written before the children were forked, so mapped
 * in @live@ too). A pid like 4194304 never exists (PID_MAX_LIMIT).
 *
 * The kernel log is read from /dev/kmsg (root), from where it ended when
 * this program started; a record counts for a module when it starts with
 * "MODULE: " (every module's pr_fmt and the kernel's own lines about it),
 * or with "PARAM: string parameter too long" for one of its string
 * parameters (param_set_charp()).
 *
 * Exit status: 0 all as expected, 1 an unexpected outcome, 2 bad usage or
 * a setup failure.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "uspace.h"

#define MAX_PARAMS	8
#define PID_NEVER	4194304		/* PID_MAX_LIMIT: pids are below it */
#define PF_KTHREAD	0x00200000	/* /proc/PID/stat field 9 */
#define LONG_STRING	4096

static void die(const char *what)
{
	fprintf(stderr, "modcycle: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: modcycle [-t SECONDS] FILE.ko COUNT [PARAM...]\n"
		"       modcycle --params FILE.ko [--seed S --count N] [--seconds S] [--dry-run]\n"
		"       modcycle --gen FILE.ko SEED COUNT\n"
		"       modcycle --churn SECONDS FILE.ko...\n");
	exit(2);
}

/* A whole number argument, or usage. */
static long number(const char *s, long min, long max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || end == s || *end || n < min || n > max) {
		fprintf(stderr, "modcycle: not a number from %ld to %ld: %s\n", min, max, s);
		exit(2);
	}
	return n;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static const char *errname(int e)
{
	const char *name = e ? strerrorname_np(e) : "ok";

	return name ?: "E?";
}

/* --- The module file: its name and parameters, from .modinfo --------- */

struct modinfo {
	const char *path;
	char name[64];
	int nparams;
	char param[MAX_PARAMS][64];
	char type[MAX_PARAMS][16];	/* "" when modinfo has no parmtype */
};

static void modinfo_entry(struct modinfo *mi, const char *e)
{
	bool is_type = !strncmp(e, "parmtype=", 9);
	const char *name, *colon;
	size_t n;
	int i;

	if (!strncmp(e, "name=", 5)) {
		snprintf(mi->name, sizeof(mi->name), "%s", e + 5);
		return;
	}
	if (!is_type && strncmp(e, "parm=", 5))
		return;
	name = e + (is_type ? 9 : 5);
	colon = strchr(name, ':');
	if (!colon)
		return;
	n = colon - name;
	for (i = 0; i < mi->nparams; i++)
		if (strlen(mi->param[i]) == n && !strncmp(mi->param[i], name, n))
			break;
	if (i == mi->nparams) {
		if (i == MAX_PARAMS || n >= sizeof(mi->param[i]))
			return;
		memcpy(mi->param[i], name, n);
		mi->param[i][n] = '\0';
		mi->nparams++;
	}
	if (is_type)
		snprintf(mi->type[i], sizeof(mi->type[i]), "%s", colon + 1);
}

static void read_modinfo(const char *path, struct modinfo *mi)
{
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	const char *names;
	struct stat st;
	char *data;
	int fd, i;

	memset(mi, 0, sizeof(*mi));
	mi->path = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st))
		die(path);
	data = malloc(st.st_size + 1);
	if (!data || read(fd, data, st.st_size) != st.st_size)
		die(path);
	close(fd);
	eh = (const Elf64_Ehdr *)data;
	if (st.st_size < (off_t)sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shstrndx >= eh->e_shnum ||
	    eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(*sh) > (uint64_t)st.st_size) {
		fprintf(stderr, "modcycle: %s: not a 64-bit ELF module\n", path);
		exit(2);
	}
	sh = (const Elf64_Shdr *)(data + eh->e_shoff);
	names = data + sh[eh->e_shstrndx].sh_offset;
	for (i = 0; i < eh->e_shnum; i++) {
		const char *p, *end;

		if (strcmp(names + sh[i].sh_name, ".modinfo") ||
		    sh[i].sh_offset + sh[i].sh_size > (uint64_t)st.st_size)
			continue;
		p = data + sh[i].sh_offset;
		end = p + sh[i].sh_size;
		for (; p < end; p += strnlen(p, end - p) + 1)
			if (*p && memchr(p, '\0', end - p))
				modinfo_entry(mi, p);
	}
	free(data);
	if (!mi->name[0]) {
		fprintf(stderr, "modcycle: %s: no name= in .modinfo\n", path);
		exit(2);
	}
}

/* --- The kernel log ---------------------------------------------------- */

static int kmsg_fd = -1;

struct kcount {
	int parse;	/* the kernel's parse errors about the module's parameters */
	int own;	/* other error lines with the module's prefix */
	int warn;	/* warnings with the module's prefix: parameters ignored */
	int lost;	/* records overwritten before they could be read */
	char first[120];	/* the first error line, shortened */
};

static void kmsg_open(void)
{
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd < 0)
		die("/dev/kmsg");
	if (lseek(kmsg_fd, 0, SEEK_END) < 0)
		die("/dev/kmsg");
}

static bool charp_too_long(const struct modinfo *mi, const char *text)
{
	int i;

	for (i = 0; i < mi->nparams; i++) {
		size_t n = strlen(mi->param[i]);

		if (!strcmp(mi->type[i], "charp") && !strncmp(text, mi->param[i], n) &&
		    !strcmp(text + n, ": string parameter too long"))
			return true;
	}
	return false;
}

/*
 * Write a marker record of our own. A record is readable once the next one
 * is reserved, or at once when it ends in a newline; one that was cut at
 * the kernel's line limit (a 4 KiB parameter value quoted in an error) has
 * lost its newline and would otherwise be read with the next load's
 * records. A new file each time: each opener has its own rate limit.
 */
static void kmsg_mark(char *mark, size_t size)
{
	static unsigned long seq;
	char line[96];
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC), len;

	snprintf(mark, size, "modcycle: mark %d.%lu", (int)getpid(), ++seq);
	/* One write(), one record. */
	len = snprintf(line, sizeof(line), "<14>%s\n", mark);
	if (fd < 0 || write(fd, line, len) != len)
		die("/dev/kmsg marker");
	close(fd);
}

/* Count the records written since the last call that concern @mi. */
static void kmsg_count(const struct modinfo *mi, struct kcount *c)
{
	static char rec[16384];
	size_t plen = strlen(mi->name);
	char mark[64];
	int waits = 0;
	ssize_t n;

	memset(c, 0, sizeof(*c));
	kmsg_mark(mark, sizeof(mark));
	for (;;) {
		char *text, *nl;
		int prio;
		bool ours;

		n = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE) {
			c->lost++;
			continue;
		}
		if (n < 0 && errno == EAGAIN) {
			/* Not there yet: up to 10 s. */
			if (++waits > 10000) {
				fprintf(stderr, "modcycle: the kernel log never showed %s\n", mark);
				exit(2);
			}
			usleep(1000);
			continue;
		}
		if (n < 0)
			die("/dev/kmsg");
		rec[n] = '\0';
		text = strchr(rec, ';');
		if (!text || sscanf(rec, "%d", &prio) != 1)
			continue;
		text++;
		nl = strchr(text, '\n');
		if (nl)
			*nl = '\0';
		if (prio >> 3) {
			/* Written to /dev/kmsg, not the kernel's: ours ends the count. */
			if (!strcmp(text, mark))
				return;
			continue;
		}
		ours = !strncmp(text, mi->name, plen) && !strncmp(text + plen, ": ", 2);
		if ((prio & 7) <= 3) {
			if (charp_too_long(mi, text) || (ours && text[plen + 2] == '`') ||
			    (ours && !strncmp(text + plen + 2, "Unknown parameter `", 19)))
				c->parse++;
			else if (ours)
				c->own++;
			else
				continue;
			if (!c->first[0])
				snprintf(c->first, sizeof(c->first), "%s", text);
		} else if ((prio & 7) == 4 && ours &&
			   (!strncmp(text + plen + 2, "unknown parameter '", 19) ||
			    !strncmp(text + plen + 2, "parameters '", 12))) {
			/* By their start: a long name truncates the record. */
			c->warn++;
		}
	}
}

/* --- Processes and placeholders ------------------------------------------ */

static pid_t self_pid, live_pid, zombie_pid;
/* A page of its own with 4 KiB pages; inside one page with larger ones. */
static char addr_page[4096] __attribute__((aligned(4096)));

static void reap_children(void)
{
	if (live_pid > 0) {
		kill(live_pid, SIGKILL);
		waitpid(live_pid, NULL, 0);
	}
	if (zombie_pid > 0)
		waitpid(zombie_pid, NULL, 0);
	live_pid = zombie_pid = 0;
}

/* The children the placeholders name; each dies with this process. */
static void make_children(void)
{
	siginfo_t si;

	memset(addr_page, 0x5a, sizeof(addr_page));
	self_pid = getpid();
	live_pid = fork();
	if (live_pid < 0)
		die("fork");
	if (!live_pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != self_pid)
			_exit(1);
		for (;;)
			pause();
	}
	zombie_pid = fork();
	if (zombie_pid < 0)
		die("fork");
	if (!zombie_pid)
		_exit(0);
	/* A zombie, not reaped; give it time to leave the CPU for good (its stack is freed then). */
	if (waitid(P_PID, zombie_pid, &si, WEXITED | WNOWAIT))
		die("waitid");
	usleep(50000);
	atexit(reap_children);
}

/* @params with the placeholders replaced, in a new string. */
static char *substitute(const char *params)
{
	size_t cap = strlen(params) * 2 + 64, len = 0;
	char *out = malloc(cap);

	if (!out)
		die("malloc");
	while (*params) {
		char val[32] = "";
		int skip = 0;

		if (!strncmp(params, "@self@", 6))
			skip = 6, snprintf(val, sizeof(val), "%d", (int)self_pid);
		else if (!strncmp(params, "@live@", 6))
			skip = 6, snprintf(val, sizeof(val), "%d", (int)live_pid);
		else if (!strncmp(params, "@zombie@", 8))
			skip = 8, snprintf(val, sizeof(val), "%d", (int)zombie_pid);
		else if (!strncmp(params, "@addr@", 6))
			skip = 6, snprintf(val, sizeof(val), "%#lx", (unsigned long)addr_page + 0x123);
		if (len + sizeof(val) + 2 > cap) {
			cap *= 2;
			out = realloc(out, cap);
			if (!out)
				die("realloc");
		}
		if (skip) {
			len += sprintf(out + len, "%s", val);
			params += skip;
		} else {
			out[len++] = *params++;
		}
	}
	out[len] = '\0';
	return out;
}

/* What process number @nr is, as the modules will find it. */
enum pkind { P_NONE, P_LIVE, P_ZOMBIE, P_KTHREAD };

static enum pkind pid_kind(long long nr)
{
	char path[64], buf[1024], *p, state;
	unsigned long flags;
	ssize_t n;
	int fd, i;

	if (nr <= 0 || nr >= PID_NEVER)
		return P_NONE;
	if (nr == live_pid || nr == self_pid)
		return P_LIVE;
	if (nr == zombie_pid)
		return P_ZOMBIE;
	snprintf(path, sizeof(path), "/proc/%lld/stat", nr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return P_NONE;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return P_NONE;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%c", &state) != 1)
		return P_NONE;
	/* Field 9 (flags) is the 7th after the state. */
	for (i = 0, p += 2; i < 6 && p; i++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %lu", &flags) != 1)
		return P_NONE;
	if (flags & PF_KTHREAD)
		return P_KTHREAD;
	return state == 'Z' || state == 'X' ? P_ZOMBIE : P_LIVE;
}

/* Where user space ends (uspace.h), probed once. */
static unsigned long user_end(void)
{
	static unsigned long end;

	if (!end)
		end = uspace_top();
	return end;
}

/* --- A model of the kernel's parameter parsing ------------------------- */

/* lib/ctype.c: isspace() is true for \t..\r, space and 0xa0. */
static bool k_isspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

static char *k_skip_spaces(char *s)
{
	while (k_isspace(*s))
		s++;
	return s;
}

/* lib/cmdline.c: next_arg(), as it is in 6.1 and 6.12. */
static char *k_next_arg(char *args, char **param, char **val)
{
	unsigned int i, equals = 0;
	int in_quote = 0, quoted = 0;

	if (*args == '"') {
		args++;
		in_quote = 1;
		quoted = 1;
	}
	for (i = 0; args[i]; i++) {
		if (k_isspace(args[i]) && !in_quote)
			break;
		if (equals == 0 && args[i] == '=')
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}
	*param = args;
	if (!equals) {
		*val = NULL;
	} else {
		args[equals] = '\0';
		*val = args + equals + 1;
		if (**val == '"') {
			(*val)++;
			if (args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';
	if (args[i]) {
		args[i] = '\0';
		args += i + 1;
	} else {
		args += i;
	}
	return k_skip_spaces(args);
}

/* kernel/params.c: parameq(), '-' and '_' alike. */
static bool k_parameq(const char *a, const char *b)
{
	for (;; a++, b++) {
		char ca = *a == '-' ? '_' : *a, cb = *b == '-' ? '_' : *b;

		if (ca != cb)
			return false;
		if (!ca)
			return true;
	}
}

static bool k_isxdigit(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* lib/kstrtox.c: _kstrtoull() with base 0, then kstrtoull()'s '+'. */
static int k_strtoull_nosign(const char *s, unsigned long long *res)
{
	unsigned long long r = 0;
	unsigned int base, n = 0;
	bool overflow = false;

	if (s[0] == '0')
		base = (s[1] | 0x20) == 'x' && k_isxdigit(s[2]) ? 16 : 8;
	else
		base = 10;
	if (base == 16)
		s += 2;
	for (;; s++, n++) {
		unsigned int c = (unsigned char)*s, v;

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = (c | 0x20) - 'a' + 10;
		else
			break;
		if (v >= base)
			break;
		if ((r & (~0ULL << 60)) && r > (ULLONG_MAX - v) / base)
			overflow = true;
		r = r * base + v;
	}
	if (overflow)
		return -ERANGE;
	if (!n)
		return -EINVAL;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = r;
	return 0;
}

static int k_strtoull(const char *s, unsigned long long *res)
{
	return k_strtoull_nosign(s + (s[0] == '+'), res);
}

static int k_strtoint(const char *s, long long *res)
{
	unsigned long long t;
	int rv;

	if (s[0] == '-') {
		rv = k_strtoull_nosign(s + 1, &t);
		if (rv)
			return rv;
		if ((long long)-t > 0)
			return -ERANGE;
		*res = (long long)-t;
	} else {
		rv = k_strtoull(s, &t);
		if (rv)
			return rv;
		if ((long long)t < 0)
			return -ERANGE;
		*res = (long long)t;
	}
	return *res != (int)*res ? -ERANGE : 0;
}

static int k_strtouint(const char *s, long long *res)
{
	unsigned long long t;
	int rv = k_strtoull(s, &t);

	if (rv)
		return rv;
	if (t != (unsigned int)t)
		return -ERANGE;
	*res = (long long)t;
	return 0;
}

/* The modules' parameters and what their init does with them. */
enum ptype { T_INT, T_UINT, T_CHARP };

struct values {
	long long num[MAX_PARAMS];
	const char *str[MAX_PARAMS];	/* NULL: not set, no default */
	bool given[MAX_PARAMS];		/* set by the parser at least once */
};

struct expect {
	int err;			/* 0 or the errno the load fails with */
	int parse, own, warn;		/* kernel log lines, as struct kcount */
};

struct model {
	const char *name;
	int nparams;
	const char *pname[3];
	enum ptype ptype[3];
	long long pdefault[3];
	const char *sdefault[3];
	void (*init)(const struct values *v, struct expect *e);
};

/* include/lkm_task.h: lkm_get_task() (and lkm_get_mm() when @mm). */
static void get_task(long long pid, bool mm, bool stack, struct expect *e)
{
	enum pkind k = pid_kind(pid);

	e->own = 1;
	if (pid <= 0)
		e->err = EINVAL;
	else if (k == P_NONE)
		e->err = ESRCH;
	else if (mm && k == P_KTHREAD)
		e->err = EINVAL;
	else if ((mm || stack) && k == P_ZOMBIE)
		e->err = ESRCH;
	else
		e->own = e->err = 0;
}

static void init_hello(const struct values *v, struct expect *e)
{
	if (!*v->str[0])
		e->err = EINVAL, e->own = 1;
}

static void init_lkm1(const struct values *v, struct expect *e)
{
	if (v->given[0])
		get_task(v->num[0], false, false, e);
}

static void init_lkm3(const struct values *v, struct expect *e)
{
	get_task(v->num[0], false, true, e);
}

static void init_lkm4(const struct values *v, struct expect *e)
{
	unsigned long long va, last, end = user_end();
	long long pid = v->num[0], count = v->num[2];

	e->own = 1;
	e->err = EINVAL;
	if (!pid || !v->str[1] || k_strtoull(v->str[1], &va) || count < 1 || count > 512)
		return;
	get_task(pid, true, false, e);
	if (e->err)
		return;
	last = va + (unsigned long long)(count - 1) * sysconf(_SC_PAGESIZE);
	if (va >= end || last >= end || last < va)
		e->err = EINVAL, e->own = 1;
}

static void init_lkm5(const struct values *v, struct expect *e)
{
	if (!v->num[0])
		e->err = EINVAL, e->own = 1;
	else
		get_task(v->num[0], true, false, e);
}

static void init_dr_doom(const struct values *v, struct expect *e)
{
	if (!v->num[0] || v->num[0] > 65536 || !v->num[1] || v->num[1] > 65536)
		e->err = EINVAL, e->own = 1;
}

static const struct model models[] = {
	{ "hello", 1, { "name" }, { T_CHARP }, { 0 }, { "World" }, init_hello },
	{ "lkm1", 1, { "pid" }, { T_INT }, { 0 }, { NULL }, init_lkm1 },
	{ "lkm2", 0, { NULL }, { 0 }, { 0 }, { NULL }, NULL },
	{ "lkm3", 1, { "pid" }, { T_INT }, { 1 }, { NULL }, init_lkm3 },
	{ "lkm4", 3, { "pid", "addr", "count" }, { T_INT, T_CHARP, T_INT }, { 0, 0, 1 },
	  { NULL }, init_lkm4 },
	{ "lkm5", 1, { "pid" }, { T_INT }, { 0 }, { NULL }, init_lkm5 },
	{ "mem_stats", 0, { NULL }, { 0 }, { 0 }, { NULL }, NULL },
	{ "hello_procfs", 0, { NULL }, { 0 }, { 0 }, { NULL }, NULL },
	{ "get_pgfaults", 0, { NULL }, { 0 }, { 0 }, { NULL }, NULL },
	{ "procfile", 0, { NULL }, { 0 }, { 0 }, { NULL }, NULL },
	{ "procmem", 0, { NULL }, { 0 }, { 0 }, { NULL }, NULL },
	{ "dr_doom", 2, { "max_soldiers", "max_per_station" }, { T_UINT, T_UINT },
	  { 4096, 1024 }, { NULL }, init_dr_doom },
};

/* The model of @mi, which must have exactly the parameters the model knows. */
static const struct model *find_model(const struct modinfo *mi)
{
	static const char *const tname[] = { "int", "uint", "charp" };
	const struct model *m = NULL;
	size_t i;
	int j, k;

	for (i = 0; i < sizeof(models) / sizeof(models[0]); i++)
		if (!strcmp(models[i].name, mi->name))
			m = &models[i];
	if (!m) {
		fprintf(stderr, "modcycle: no model of %s's parameters\n", mi->name);
		exit(2);
	}
	for (j = 0; j < mi->nparams; j++) {
		for (k = 0; k < m->nparams; k++)
			if (!strcmp(mi->param[j], m->pname[k]) &&
			    (!mi->type[j][0] || !strcmp(mi->type[j], tname[m->ptype[k]])))
				break;
		if (k == m->nparams) {
			fprintf(stderr, "modcycle: %s has parameter %s (%s), which its model does not: update modcycle.c\n",
				mi->name, mi->param[j], mi->type[j]);
			exit(2);
		}
	}
	if (mi->nparams != m->nparams) {
		fprintf(stderr, "modcycle: %s has %d parameters, its model %d: update modcycle.c\n",
			mi->name, mi->nparams, m->nparams);
		exit(2);
	}
	return m;
}

/* kernel/params.c: parse_one() for a module's own parameters and
 * kernel/module/main.c: unknown_module_param_cb() for the rest. */
static int model_parse_one(const struct model *m, char *param, char *val,
			   struct values *v, struct expect *e)
{
	char *dot;
	int i, rv;

	for (i = 0; i < m->nparams; i++) {
		if (!k_parameq(param, m->pname[i]))
			continue;
		if (!val)
			return -EINVAL;
		if (m->ptype[i] == T_CHARP) {
			if (strnlen(val, 1025) > 1024) {
				e->parse++;	/* "PARAM: string parameter too long" */
				return -ENOSPC;
			}
			v->str[i] = val;
			v->given[i] = true;
			return 0;
		}
		rv = m->ptype[i] == T_INT ? k_strtoint(val, &v->num[i]) : k_strtouint(val, &v->num[i]);
		if (!rv)
			v->given[i] = true;
		return rv;
	}
	if (!strcmp(param, "async_probe"))
		return 0;
	dot = strchr(param, '.');
	if (!strcmp(dot ? dot + 1 : param, "dyndbg"))
		return 0;	/* the generator makes none: dynamic debug would take it */
	e->warn++;		/* "MODULE: unknown parameter 'NAME' ignored" */
	return 0;
}

/* kernel/params.c: parse_args(), then the module's init. */
static void model_load(const struct model *m, const char *params, struct expect *e)
{
	char *copy = strdup(params), *args, *param, *val;
	struct values v;
	int i, err = 0;

	if (!copy)
		die("strdup");
	memset(e, 0, sizeof(*e));
	memset(&v, 0, sizeof(v));
	for (i = 0; i < m->nparams; i++) {
		v.num[i] = m->pdefault[i];
		v.str[i] = m->sdefault[i];
	}
	args = k_skip_spaces(copy);
	while (*args) {
		int ret;

		args = k_next_arg(args, &param, &val);
		if (!val && !strcmp(param, "--")) {
			if (!err)
				e->warn++;	/* "parameters '...' after `--' ignored" */
			break;
		}
		ret = model_parse_one(m, param, val, &v, e);
		if (!ret)
			continue;
		e->parse++;		/* "`VAL' invalid (too large) for parameter `NAME'" */
		err = -ret;
	}
	if (err)
		e->err = err;
	else if (m->init)
		m->init(&v, e);
	free(copy);
}

/* --- Loading ------------------------------------------------------------- */

static int load(int fd, const char *params)
{
	return syscall(SYS_finit_module, fd, params, 0) ? errno : 0;
}

static int unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? errno : 0;
}

static bool module_listed(const char *name)
{
	static char buf[1 << 16];
	size_t n = strlen(name);
	ssize_t len, got = 0;
	char *line;
	int fd;

	fd = open("/proc/modules", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("/proc/modules");
	while ((len = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += len;
	close(fd);
	buf[got] = '\0';
	for (line = buf; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
		if (!strncmp(line, name, n) && line[n] == ' ')
			return true;
	return false;
}

/*
 * The module file, copied into memory once: each finit_module() reads the
 * whole file, and in the test VM the project is a 9p mount without a
 * cache, 300-700 KiB over virtio per load. The kernel refuses a file
 * open for writing (ETXTBSY), so the copy is reopened read-only and the
 * writable descriptor closed. Falls back to the file itself.
 */
static int open_module(const struct modinfo *mi)
{
	int fd = open(mi->path, O_RDONLY | O_CLOEXEC), mfd, ro;
	char buf[1 << 16], path[64];
	ssize_t n;

	if (fd < 0)
		die(mi->path);
	mfd = memfd_create(mi->name, MFD_CLOEXEC);
	if (mfd < 0)
		return fd;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(mfd, buf, n) != n)
			die("memfd");
	if (n < 0)
		die(mi->path);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
	ro = open(path, O_RDONLY | O_CLOEXEC);
	close(mfd);
	if (ro < 0) {
		lseek(fd, 0, SEEK_SET);
		return fd;
	}
	close(fd);
	return ro;
}

/* The parameters joined with spaces, as insmod does. */
static char *join(int argc, char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	if (!s)
		die("calloc");
	for (i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

/* modcycle [-t SECONDS] FILE.ko COUNT [PARAM...] */
static int cycle_main(int argc, char **argv)
{
	long seconds = 0, count, done, failed = 0, start, fails[2][4096] = { { 0 } };
	struct modinfo mi;
	char *params;
	int fd, e, i;
	bool limited = false;

	if (argc >= 2 && !strcmp(argv[0], "-t")) {
		seconds = number(argv[1], 1, 86400);
		argc -= 2, argv += 2;
	}
	if (argc < 2)
		usage();
	count = number(argv[1], 0, 100000000);
	read_modinfo(argv[0], &mi);
	params = join(argc - 2, argv + 2);
	memset(addr_page, 0x5a, sizeof(addr_page));
	if (strstr(params, "@live@") || strstr(params, "@zombie@"))
		make_children();
	self_pid = getpid();
	params = substitute(params);
	fd = open_module(&mi);
	start = now_ms();
	for (done = 0; done < count; done++) {
		if (seconds && now_ms() - start >= seconds * 1000) {
			limited = true;
			break;
		}
		e = load(fd, params);
		if (e) {
			fails[0][e < 4096 ? e : 0]++;
			failed++;
			continue;
		}
		e = unload(mi.name);
		if (e) {
			fails[1][e < 4096 ? e : 0]++;
			failed++;
			/* Still loaded: the next loads would fail with EEXIST. */
			if (e != EWOULDBLOCK || unload(mi.name))
				break;
		}
	}
	printf("cycles %ld failed %ld ms %ld\n", done, failed, now_ms() - start);
	if (limited)
		printf("limit time\n");
	for (i = 0; i < 2 * 4096; i++)
		if (fails[i / 4096][i % 4096])
			printf("%s %s %ld\n", i < 4096 ? "load" : "unload", errname(i % 4096),
			       fails[i / 4096][i % 4096]);
	return failed ? 1 : 0;
}

/* --- The generator -------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rndn(unsigned int n)
{
	return rnd() % n;
}

struct value {
	const char *label;
	const char *text;	/* "long:N" is N characters */
};

static const struct value int_values[] = {
	{ "0", "0" }, { "1", "1" }, { "-1", "-1" }, { "-0", "-0" }, { "plus", "+1" },
	{ "double-sign", "--1" }, { "sign-mix", "-+1" },
	{ "int-max", "2147483647" }, { "int-max+1", "2147483648" },
	{ "int-min", "-2147483648" }, { "int-min-1", "-2147483649" },
	{ "uint-max", "4294967295" }, { "uint-max+1", "4294967296" },
	{ "s64-max", "9223372036854775807" }, { "s64-max+1", "9223372036854775808" },
	{ "s64-min", "-9223372036854775808" }, { "s64-min-1", "-9223372036854775809" },
	{ "u64-max", "18446744073709551615" }, { "u64-max+1", "18446744073709551616" },
	{ "32-digits", "99999999999999999999999999999999" },
	{ "hex-int-max", "0x7fffffff" }, { "hex-int-max+1", "0x80000000" },
	{ "hex-uint-max", "0xffffffff" }, { "hex-64", "0xffffffffffffffff" },
	{ "hex-overflow", "0xffffffffffffffffff" }, { "hex-upper", "0X400000" },
	{ "hex-empty", "0x" }, { "hex-bad", "0xg" }, { "hex-negative", "-0x10" },
	{ "octal", "017" }, { "bad-octal", "08" }, { "binary", "0b101" },
	{ "float", "1.5" }, { "exponent", "1e3" }, { "letters", "abc" },
	{ "trailing-junk", "12abc" }, { "percent", "%d%n" },
	{ "4KiB-digits", "long:4096" },
};

static const struct value pid_values[] = {
	{ "live", "@live@" }, { "zombie", "@zombie@" }, { "kthreadd", "2" },
	{ "init", "1" }, { "self", "@self@" }, { "no-such", "4194304" },
	{ "octal-1", "01" }, { "hex-2", "0x2" },
};

static const struct value count_values[] = {
	{ "2", "2" }, { "511", "511" }, { "512", "512" }, { "513", "513" },
	{ "65535", "65535" }, { "65536", "65536" }, { "65537", "65537" },
	{ "octal-512", "01000" }, { "hex-512", "0x200" }, { "1000", "1000" },
};

static const struct value str_values[] = {
	{ "x", "x" }, { "word", "Ada" }, { "equals", "a=b" }, { "lone-equals", "=" },
	{ "quoted-space", "\"a b\"" }, { "single-quotes", "'a'" },
	{ "inner-quote", "a\"b" }, { "backslash", "a\\b" }, { "percent", "%s%s%n" },
	{ "1024-chars", "long:1024" }, { "1025-chars", "long:1025" },
	{ "4KiB", "long:4096" },
};

static const struct value addr_values[] = {
	{ "mapped", "@addr@" }, { "0", "0" }, { "hex-0", "0x0" }, { "page-1", "0x1000" },
	{ "decimal", "4096" }, { "user-end", "end:0" },
	{ "last-page", "end:-page" }, { "below-end", "end:-1" },
	{ "47-bit", "0x800000000000" }, { "48-bit", "0x1000000000000" },
	{ "user-end-5l", "0xfffffffffff000" },
	{ "57-bit", "0x100000000000000" }, { "non-canonical", "0x8000000000000000" },
	{ "direct-map", "0xffff888000000000" }, { "kernel-text", "0xffffffff81000000" },
	{ "all-ones", "0xffffffffffffffff" }, { "hex-overflow", "0xffffffffffffffffff" },
	{ "-1", "-1" }, { "negative", "-4096" }, { "letters", "abc" }, { "hex-empty", "0x" },
	{ "trailing-junk", "0x1000z" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct gen {
	const struct model *m;
	int count, max;
	void (*emit)(struct gen *g, const char *label, const char *params);
	void *priv;
};

/* A value's text, with "long:N" and "end:..." expanded: "end:0", "end:-1"
 * and "end:-page" are user space's end (TASK_SIZE), a byte and a page
 * below it, in hex.
 */
static const char *value_text(const struct value *v, char *buf)
{
	unsigned long end = user_end();
	int n;

	if (!strncmp(v->text, "end:", 4)) {
		if (!strcmp(v->text, "end:-page"))
			end -= sysconf(_SC_PAGESIZE);
		else
			end += atol(v->text + 4);
		sprintf(buf, "%#lx", end);
		return buf;
	}
	if (strncmp(v->text, "long:", 5))
		return v->text;
	n = atoi(v->text + 5);
	memset(buf, strstr(v->label, "digits") ? '9' : 'a', n);
	buf[n] = '\0';
	return buf;
}

static void emitf(struct gen *g, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void emitf(struct gen *g, const char *label, const char *fmt, ...)
{
	static char buf[4 * LONG_STRING];
	va_list ap;

	if (g->count >= g->max)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	g->emit(g, label, buf);
	g->count++;
}

/* What the other parameters are set to while one is fuzzed: valid values. */
static const char *others(const struct model *m, int skip, char *buf, size_t size)
{
	size_t len = 0;
	int i;

	buf[0] = '\0';
	if (strcmp(m->name, "lkm4"))
		return buf;
	for (i = 0; i < 2; i++)
		if (i != skip)
			len += snprintf(buf + len, size - len, " %s", i ? "addr=@addr@" : "pid=@live@");
	return buf;
}

static void gen_values(struct gen *g, int p, const struct value *vals, size_t n)
{
	static char longbuf[LONG_STRING + 1];
	const char *name = g->m->pname[p];
	char label[96], rest[64];
	size_t i;

	others(g->m, p, rest, sizeof(rest));
	for (i = 0; i < n; i++) {
		snprintf(label, sizeof(label), "%s:%s", name, vals[i].label);
		emitf(g, label, "%s=%s%s", name, value_text(&vals[i], longbuf), rest);
	}
}

static void gen_fixed(struct gen *g)
{
	static char longbuf[LONG_STRING + 1];
	const struct model *m = g->m;
	char label[96], rest[64], upper[64], dashed[64];
	const char *valid;
	int p;
	size_t i;

	memset(longbuf, 'x', LONG_STRING);
	longbuf[LONG_STRING] = '\0';
	emitf(g, "empty", "%s", "");
	emitf(g, "spaces", "%s", "   ");
	emitf(g, "unknown", "%s", "foo=1");
	emitf(g, "unknown-flag", "%s", "verbose");
	emitf(g, "unknown-empty", "%s", "foo=");
	emitf(g, "unknown-4KiB", "foo=%s", longbuf);
	emitf(g, "4KiB-name", "%s", longbuf);
	emitf(g, "equals-only", "%s", "=");
	emitf(g, "no-name", "%s", "=5");
	emitf(g, "lone-quote", "%s", "\"");
	emitf(g, "empty-quotes", "%s", "\"\"");
	emitf(g, "dashes", "%s", "--");
	emitf(g, "dashes-then", "%s", "-- foo=1");
	emitf(g, "then-dashes", "%s", "foo=1 --");
	emitf(g, "dotted", "%s.foo=1", m->name);
	emitf(g, "percent-name", "%s", "%s%n=1");

	for (p = 0; p < m->nparams; p++) {
		const char *name = m->pname[p];

		others(m, p, rest, sizeof(rest));
		for (i = 0; name[i] && i < sizeof(upper) - 1; i++) {
			upper[i] = name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i];
			dashed[i] = name[i] == '_' ? '-' : name[i];
		}
		upper[i] = dashed[i] = '\0';
		valid = m->ptype[p] == T_CHARP ? (strcmp(name, "addr") ? "Ada" : "@addr@") :
			!strcmp(name, "pid") ? "@live@" : "2";
#define FIXED(what, ...) \
	do { snprintf(label, sizeof(label), "%s:%s", name, what); emitf(g, label, __VA_ARGS__); } while (0)
		FIXED("no-value", "%s%s", name, rest);
		FIXED("empty", "%s=%s", name, rest);
		FIXED("valid", "%s=%s%s", name, valid, rest);
		FIXED("quoted", "%s=\"%s\"%s", name, valid, rest);
		FIXED("quoted-whole", "\"%s=%s\"%s", name, valid, rest);
		FIXED("embedded-equals", "%s=%s=1%s", name, valid, rest);
		FIXED("twice", "%s=%s %s=%s%s", name, valid, name, valid, rest);
		FIXED("then-bad", "%s=%s %s=bad%s", name, valid, name, rest);
		FIXED("bad-then-good", "%s=bad %s=%s%s", name, name, valid, rest);
		FIXED("uppercase", "%s=%s%s", upper, valid, rest);
		if (strcmp(dashed, name))
			FIXED("dashed", "%s=%s%s", dashed, valid, rest);
		FIXED("before-dashes", "%s=%s --%s", name, valid, rest);
		FIXED("after-dashes", "-- %s=bad%s", name, rest);
#undef FIXED
		if (m->ptype[p] == T_CHARP) {
			gen_values(g, p, str_values, N(str_values));
			if (!strcmp(name, "addr"))
				gen_values(g, p, addr_values, N(addr_values));
			continue;
		}
		gen_values(g, p, int_values, N(int_values));
		if (!strcmp(name, "pid"))
			gen_values(g, p, pid_values, N(pid_values));
		else
			gen_values(g, p, count_values, N(count_values));
	}
	if (!strcmp(m->name, "lkm4")) {
		emitf(g, "count:past-end", "pid=@live@ addr=%#lx count=2",
		      user_end() - sysconf(_SC_PAGESIZE));
		emitf(g, "count:wrap", "%s", "pid=@live@ addr=0xfffffffffffff000 count=512");
		emitf(g, "no-pid", "%s", "addr=@addr@");
		emitf(g, "pid:negative-no-addr", "%s", "pid=-5");
	}
	if (!strcmp(m->name, "dr_doom"))
		emitf(g, "both-bad", "%s", "max_soldiers=0 max_per_station=0");
}

static const char *const any_names[] = { "pid", "name", "addr", "count", "max_soldiers",
					 "max_per_station", "foo", "x" };

static void gen_name(char *out, size_t size)
{
	const struct model *m;
	unsigned int r = rndn(100);
	char *dot;
	size_t i, n;

	for (;;) {
		m = &models[rndn(N(models))];
		if (r < 50) {
			snprintf(out, size, "%s", any_names[rndn(N(any_names))]);
		} else if (r < 65 && m->nparams) {
			snprintf(out, size, "%s.%s", m->name, m->pname[rndn(m->nparams)]);
		} else if (r < 80) {
			n = 1 + rndn(12);
			for (i = 0; i < n && i < size - 1; i++)
				out[i] = "abcdefghijklmnopqrstuvwxyz_-0123456789"[rndn(i ? 38 : 26)];
			out[i] = '\0';
		} else {
			static const char *const odd[] = { "", "--", "\"", "=", "PID", "Name", "max-soldiers",
							   "max_per-station", "\"pid", "pid\"" };

			snprintf(out, size, "%s", odd[rndn(N(odd))]);
		}
		/* Names the kernel gives other meanings: dynamic debug, async probing. */
		dot = strchr(out, '.');
		if (strcmp(dot ? dot + 1 : out, "dyndbg") && strcmp(out, "async_probe"))
			return;
	}
}

static void gen_value(char *out, size_t size)
{
	static char longbuf[LONG_STRING + 1];
	static const char junk[] =
		"!#$%&'()*+,-./0123456789:;<>?@ABCDEFXYZ[\\]^_`abcdefxyz{|}~\"=";
	unsigned int r = rndn(100);
	size_t i, n;

	if (r < 35) {
		const struct value *v = &int_values[rndn(N(int_values))];

		snprintf(out, size, "%s", value_text(v, longbuf));
	} else if (r < 45) {
		snprintf(out, size, "%s", pid_values[rndn(N(pid_values))].text);
	} else if (r < 55) {
		snprintf(out, size, "%s", addr_values[rndn(N(addr_values))].text);
	} else if (r < 70) {
		uint64_t x = rnd() >> rndn(64);

		snprintf(out, size, rndn(2) ? "%s%" PRIu64 : "%s%#" PRIx64, rndn(4) ? "" : "-", x);
	} else if (r < 95) {
		n = rndn(24);
		for (i = 0; i < n && i < size - 1; i++)
			out[i] = junk[rndn(sizeof(junk) - 1)];
		out[i] = '\0';
	} else {
		n = 1000 + rndn(LONG_STRING - 999);
		if (n >= size)
			n = size - 1;
		memset(out, rndn(2) ? '7' : 'q', n);
		out[n] = '\0';
	}
}

static void gen_random(struct gen *g)
{
	static char line[4 * LONG_STRING], name[64], value[LONG_STRING + 1];

	while (g->count < g->max) {
		int tokens = 1 + rndn(3), t;
		size_t len = 0;

		line[0] = '\0';
		for (t = 0; t < tokens; t++) {
			unsigned int q = rndn(100);

			if (rndn(100) < 45 && g->m->nparams)
				snprintf(name, sizeof(name), "%s", g->m->pname[rndn(g->m->nparams)]);
			else
				gen_name(name, sizeof(name));
			value[0] = '\0';
			if (rndn(100) < 85)
				gen_value(value, sizeof(value));
			len += snprintf(line + len, sizeof(line) - len, "%s%s%s%s%s%s%s",
					t ? (rndn(10) ? " " : "  ") : "", q < 5 ? "\"" : "", name,
					value[0] || rndn(4) ? "=" : "", q >= 5 && q < 15 ? "\"" : "",
					value, q < 15 ? "\"" : "");
			if (len >= sizeof(line))
				break;
		}
		emitf(g, "random", "%s", line);
	}
}

static void generate(struct gen *g, const struct modinfo *mi, unsigned long seed)
{
	const char *c;

	/* One stream per module and seed, the same on every machine. */
	rng_state = seed;
	for (c = mi->name; *c; c++)
		rng_state = rng_state * 131 + (unsigned char)*c;
	gen_fixed(g);
	gen_random(g);
}

static void emit_print(struct gen *g, const char *label, const char *params)
{
	(void)g;
	printf("%s\t%s\n", label, params);
}

/* modcycle --gen FILE.ko SEED COUNT */
static int gen_main(int argc, char **argv)
{
	struct modinfo mi;
	struct gen g = { 0 };

	if (argc != 3)
		usage();
	read_modinfo(argv[0], &mi);
	g.m = find_model(&mi);
	g.max = number(argv[2], 0, 100000);
	g.emit = emit_print;
	generate(&g, &mi, number(argv[1], 0, LONG_MAX));
	return 0;
}

/* --- Parameter fuzz ------------------------------------------------------- */

struct fuzz {
	const struct modinfo *mi;
	const struct model *m;
	bool dry, limited;
	long deadline;
	int fd;
	long strings, loaded, refused, unexpected, left, retries;
	long outcomes[4096];
};

static void shorten(const char *s, char *out, size_t size)
{
	size_t n = strlen(s);

	if (n < size) {
		snprintf(out, size, "%s", s);
		return;
	}
	n = snprintf(out, size, "(%zu chars) ", n);
	snprintf(out + n, size - n, "%.40s...", s);
}

static void fuzz_one(struct fuzz *f, const char *label, const char *raw)
{
	char *params, shown[96];
	struct kcount c, after;
	struct expect e;
	int got, un, tries;
	bool bad;

	if (f->limited || (f->deadline && now_ms() >= f->deadline)) {
		f->limited = true;
		return;
	}
	params = substitute(raw);
	model_load(f->m, params, &e);
	f->strings++;
	shorten(params, shown, sizeof(shown));
	if (f->dry) {
		printf("case %ld %s %s lines %d/%d/%d: %s\n", f->strings, label, errname(e.err),
		       e.parse, e.own, e.warn, shown);
		f->outcomes[e.err]++;
		free(params);
		return;
	}
	/*
	 * The kernel log holds a few thousand records: a reader that another
	 * load left behind loses some (EPIPE). The outcome of a string does
	 * not change, so it is loaded again then, up to three times.
	 */
	for (tries = 0; tries < 3; tries++) {
		got = load(f->fd, params);
		kmsg_count(f->mi, &c);
		un = got ? 0 : unload(f->mi->name);
		kmsg_count(f->mi, &after);
		if (!c.lost && !after.lost)
			break;
		f->retries++;
	}
	if (got)
		f->refused++;
	else
		f->loaded++;
	f->outcomes[got < 4096 ? got : 0]++;
	if (module_listed(f->mi->name)) {
		f->left++;
		unload(f->mi->name);
	}
	bad = got != e.err || c.parse != e.parse || c.own != e.own || c.warn != e.warn ||
	      un || after.parse || after.own || c.lost || after.lost;
	printf("case %ld %s %s lines %d/%d/%d", f->strings, label, errname(got),
	       c.parse, c.own, c.warn);
	if (bad) {
		f->unexpected++;
		printf(" [expected %s lines %d/%d/%d%s%s%s: %s]", errname(e.err), e.parse, e.own,
		       e.warn, un ? "; unload failed: " : "", un ? errname(un) : "",
		       c.lost || after.lost ? "; kernel log records lost" : "", shown);
	}
	if (c.first[0])
		printf(" | %s", c.first);
	printf("\n");
	free(params);
}

static void emit_fuzz(struct gen *g, const char *label, const char *params)
{
	fuzz_one(g->priv, label, params);
}

/* modcycle --params FILE.ko [--seed S --count N] [--dry-run] */
static int params_main(int argc, char **argv)
{
	static struct fuzz f;
	struct modinfo mi;
	long seed = -1, count = 200, start;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int i;

	if (argc < 1)
		usage();
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = number(argv[++i], 0, LONG_MAX);
		else if (!strcmp(argv[i], "--count") && i + 1 < argc)
			count = number(argv[++i], 0, 100000);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			f.deadline = number(argv[++i], 1, 86400) * 1000;
		else if (!strcmp(argv[i], "--dry-run"))
			f.dry = true;
		else
			usage();
	}
	read_modinfo(argv[0], &mi);
	f.mi = &mi;
	f.m = find_model(&mi);
	make_children();
	if (!f.dry) {
		kmsg_open();
		f.fd = open_module(&mi);
		if (module_listed(mi.name)) {
			fprintf(stderr, "modcycle: %s is loaded already\n", mi.name);
			return 2;
		}
	}
	start = now_ms();
	if (f.deadline)
		f.deadline += start;
	if (seed >= 0) {
		struct gen g = { .max = count, .emit = emit_fuzz, .priv = &f, .m = f.m };

		generate(&g, &mi, seed);
	} else {
		while ((len = getline(&line, &cap, stdin)) >= 0) {
			char *tab = strchr(line, '\t');

			if (len && line[len - 1] == '\n')
				line[len - 1] = '\0';
			if (tab)
				*tab = '\0';
			fuzz_one(&f, tab ? line : "stdin", tab ? tab + 1 : line);
		}
		free(line);
	}
	for (i = 0; i < 4096; i++)
		if (f.outcomes[i])
			printf("errno %s %ld\n", errname(i), f.outcomes[i]);
	if (f.limited)
		printf("limit time\n");
	printf("strings %ld loaded %ld refused %ld unexpected %ld left %ld ms %ld\n",
	       f.strings, f.loaded, f.refused, f.unexpected, f.left, now_ms() - start);
	if (f.retries)
		printf("retried %ld after kernel log records were lost\n", f.retries);
	return f.unexpected || f.left ? 1 : 0;
}

/* --- Churn: lkm1..lkm5 with pid= of processes that come and go ------------ */

#define CHURN_KIDS 16

struct kid {
	pid_t pid;
	bool reaped;
};

static struct kid kids[CHURN_KIDS];

static void reap_kids(bool all)
{
	int i;

	for (i = 0; i < CHURN_KIDS; i++) {
		if (!kids[i].pid || kids[i].reaped)
			continue;
		if (all)
			kill(kids[i].pid, SIGKILL);
		if (waitpid(kids[i].pid, NULL, all ? 0 : WNOHANG) == kids[i].pid)
			kids[i].reaped = true;
	}
}

/* A child that lives 0-40 ms, in slot @i (whose old child is killed and reaped). */
static void spawn_kid(int i)
{
	unsigned int us = rndn(40000);
	pid_t pid;

	if (kids[i].pid && !kids[i].reaped) {
		kill(kids[i].pid, SIGKILL);
		waitpid(kids[i].pid, NULL, 0);
	}
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		usleep(us);
		_exit(0);
	}
	kids[i] = (struct kid){ .pid = pid };
}

static bool has_pid(const struct modinfo *mi)
{
	int i;

	for (i = 0; i < mi->nparams; i++)
		if (!strcmp(mi->param[i], "pid"))
			return true;
	return false;
}

/* modcycle --churn SECONDS FILE.ko... */
static int churn_main(int argc, char **argv)
{
	static long counts[8][4096];
	struct modinfo mi[8];
	long seconds, start, loads = 0, ok = 0, refused = 0, unexpected = 0;
	int fds[8], n = argc - 1, i, j;

	if (argc < 2 || n > 8)
		usage();
	seconds = number(argv[0], 1, 3600);
	for (i = 0; i < n; i++) {
		read_modinfo(argv[i + 1], &mi[i]);
		fds[i] = open_module(&mi[i]);
	}
	memset(addr_page, 0x5a, sizeof(addr_page));
	rng_state = getpid();
	kmsg_open();
	for (i = 0; i < CHURN_KIDS; i++)
		spawn_kid(i);
	start = now_ms();
	for (j = 0; now_ms() - start < seconds * 1000; j++) {
		int m = j % n, slot = rndn(CHURN_KIDS), got, un = 0;
		const char *name = mi[m].name;
		struct kcount c, after;
		char params[128] = "";
		bool was_reaped, takes_pid = has_pid(&mi[m]), bad;

		spawn_kid(rndn(CHURN_KIDS));
		reap_kids(false);
		was_reaped = kids[slot].reaped;
		if (!strcmp(name, "lkm4"))
			snprintf(params, sizeof(params), "pid=%d addr=%#lx", (int)kids[slot].pid,
				 (unsigned long)addr_page);
		else if (takes_pid)
			snprintf(params, sizeof(params), "pid=%d", (int)kids[slot].pid);
		got = load(fds[m], params);
		kmsg_count(&mi[m], &c);
		if (!got)
			un = unload(name);
		kmsg_count(&mi[m], &after);
		loads++;
		if (got)
			refused++;
		else
			ok++;
		counts[m][got < 4096 ? got : 0]++;
		/*
		 * ESRCH only, once the child was reaped; otherwise it may exit
		 * during the load. lkm2 takes no pid: it answers for every process.
		 */
		bad = (got && (!takes_pid || got != ESRCH)) || (takes_pid && was_reaped && !got) || un ||
		      c.own + c.parse != (got ? 1 : 0) || after.own || after.parse ||
		      c.lost || after.lost;
		if (bad) {
			unexpected++;
			printf("unexpected %s %s: %s lines %d/%d%s%s\n", name, params, errname(got),
			       c.parse, c.own, un ? ", unload failed" : "",
			       c.lost || after.lost ? ", kernel log records lost" : "");
		}
	}
	reap_kids(true);
	printf("loads %ld ok %ld refused %ld unexpected %ld ms %ld\n", loads, ok, refused,
	       unexpected, now_ms() - start);
	for (i = 0; i < n; i++)
		for (j = 0; j < 4096; j++)
			if (counts[i][j])
				printf("%s %s %ld\n", mi[i].name, errname(j), counts[i][j]);
	return unexpected ? 1 : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "--params"))
		return params_main(argc - 2, argv + 2);
	if (!strcmp(argv[1], "--gen"))
		return gen_main(argc - 2, argv + 2);
	if (!strcmp(argv[1], "--churn"))
		return churn_main(argc - 2, argv + 2);
	if (argv[1][0] == '-' && strcmp(argv[1], "-t"))
		usage();
	return cycle_main(argc - 1, argv + 1);
}
