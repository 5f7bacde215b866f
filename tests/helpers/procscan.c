// SPDX-License-Identifier: GPL-2.0
/*
 * procscan running|heap - answer lkm1's or lkm2's question from user space,
 * by reading /proc as ps does, and say how long it took.
 *
 *   running  every process with a thread in state R: each
 *            /proc/<pid>/task/<tid>/stat read
 *   heap     the process with the largest heap: the [heap] line of each
 *            /proc/<pid>/maps (its end is the program break rounded up to
 *            a page: brk itself is not in /proc)
 *
 * Prints "ns <time> <answer>": the nanoseconds the scan took, then the
 * number of processes with a runnable thread, or the pid and heap size.
 * make bench (running/bench.sh, heap/bench.sh) prints it beside the
 * module's insmod-to-answer time.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The state letter of a /proc stat file, after the ")" that ends comm. */
static char state_of(const char *path)
{
	char buf[512], *p;
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

static int runnable(const char *pid)
{
	char path[600];
	struct dirent *t;
	int r = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%s/task", pid);
	d = opendir(path);
	if (!d)
		return 0;
	while ((t = readdir(d))) {
		if (!isdigit((unsigned char)t->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task/%s/stat", pid, t->d_name);
		r += state_of(path) == 'R';
	}
	closedir(d);
	return r;
}

static unsigned long heap_of(const char *pid)
{
	unsigned long start, end, size = 0;
	char path[300], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "[heap]") && sscanf(line, "%lx-%lx", &start, &end) == 2)
			size = end - start;
	fclose(f);
	return size;
}

int main(int argc, char **argv)
{
	unsigned long size, max = 0;
	int heap, procs = 0;
	char best[256] = "-";
	struct dirent *e;
	long long start;
	DIR *proc;

	if (argc != 2 || (strcmp(argv[1], "running") && strcmp(argv[1], "heap"))) {
		fprintf(stderr, "usage: procscan running|heap\n");
		return 2;
	}
	heap = !strcmp(argv[1], "heap");
	start = now_ns();
	proc = opendir("/proc");
	if (!proc) {
		perror("/proc");
		return 1;
	}
	while ((e = readdir(proc))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		if (!heap) {
			procs += runnable(e->d_name) > 0;
			continue;
		}
		size = heap_of(e->d_name);
		if (size > max) {
			max = size;
			snprintf(best, sizeof(best), "%s", e->d_name);
		}
	}
	closedir(proc);
	if (heap)
		printf("ns %lld pid %s heap %lu\n", now_ns() - start, best, max);
	else
		printf("ns %lld running %d\n", now_ns() - start, procs);
	return 0;
}
