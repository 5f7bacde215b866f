// SPDX-License-Identifier: GPL-2.0
/*
 * memrace MS PID1 PID2 - race every file of /sys/kernel/mem_stats, and the
 * module's removal, for MS milliseconds.
 *
 * Two threads open, read and close every file; a third reads one file it
 * holds open throughout; one thread writes pid (PID1, PID2, and one time
 * in 50 4194304, which must fail with ESRCH) and one writes unit (B, K, M,
 * and one time in 50 X, which must fail with EINVAL), refusing only the
 * first REFUSALS times: each refusal logs a line, and tens of thousands
 * would wrap the kernel log over whatever a splat check has to see.
 * Halfway through it removes the module
 * (delete_module, as rmmod does). Before that, every read must give a
 * well-formed value (a thp line's size is its count times 2 MiB in one of
 * the units: the pair is read once); after, files are gone (ENOENT) or,
 * held open, fail with ENODEV. Prints "reads N writes N gone N bad N"; a
 * bad result is described on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define DIR "/sys/kernel/mem_stats/"

#define REFUSALS 5

/* Write @i of a writer: one time in 50 a refused one, REFUSALS times. */
static int refused(unsigned int i)
{
	return i % 50 == 49 && i < 50 * REFUSALS;
}

static const char *const files[] = { "pid", "unit", "virtmem", "physmem", "thp" };
static atomic_long reads, writes, gone, bad;
static atomic_int removed, done;
static char pid1[16], pid2[16];

static void complain(const char *what, const char *file, const char *detail)
{
	atomic_fetch_add(&bad, 1);
	fprintf(stderr, "memrace: %s %s: %s\n", what, file, detail);
}

/* Is @val a well-formed value of mem_stats file @name? */
static int well_formed(const char *name, const char *val)
{
	unsigned long long count, size;
	char extra;

	if (!strcmp(name, "pid"))
		return !strcmp(val, pid1) || !strcmp(val, pid2);
	if (!strcmp(name, "unit"))
		return !strcmp(val, "B\n") || !strcmp(val, "K\n") || !strcmp(val, "M\n");
	if (!strcmp(name, "thp"))
		return sscanf(val, "%llu %llu%c", &count, &size, &extra) == 3 &&
		       extra == '\n' && (size == count << 21 ||
					 size == count << 11 || size == count << 1);
	return sscanf(val, "%llu%c", &size, &extra) == 2 && extra == '\n';
}

/* One read of @name through @fd (or opened here when @fd < 0), checked. */
static void check_read(const char *name, int fd)
{
	char path[64], buf[64];
	int own = fd < 0;
	ssize_t n;

	snprintf(path, sizeof(path), DIR "%s", name);
	if (own)
		fd = open(path, O_RDONLY);
	if (fd < 0) {
		n = -1;
	} else {
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (own)
			close(fd);
	}
	atomic_fetch_add(&reads, 1);
	if (n >= 0) {
		buf[n] = '\0';
		if (!well_formed(name, buf))
			complain("read", name, buf);
	} else if ((errno == ENOENT || errno == ENODEV) && atomic_load(&removed)) {
		atomic_fetch_add(&gone, 1);
	} else {
		complain("read", name, strerror(errno));
	}
}

static void *reader(void *arg)
{
	unsigned int i = 0;

	(void)arg;
	while (!atomic_load(&done))
		check_read(files[i++ % 5], -1);
	return NULL;
}

static void *held_reader(void *arg)
{
	int fd = open(DIR "thp", O_RDONLY);

	(void)arg;
	if (fd < 0) {
		complain("open", "thp", strerror(errno));
		return NULL;
	}
	while (!atomic_load(&done))
		check_read("thp", fd);
	close(fd);
	return NULL;
}

/* Write @val to @name; expect success, or @fails when @fails is not 0. */
static void check_write(const char *name, const char *val, int fails)
{
	char path[64];
	int fd, err = 0;

	snprintf(path, sizeof(path), DIR "%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		err = errno;
	if (fd >= 0)
		close(fd);
	atomic_fetch_add(&writes, 1);
	if ((err == ENOENT || err == ENODEV) && atomic_load(&removed))
		atomic_fetch_add(&gone, 1);
	else if (err != fails)
		complain("write", name, err ? strerror(err) : "accepted");
}

static void *pid_writer(void *arg)
{
	unsigned int i = 0;

	(void)arg;
	while (!atomic_load(&done)) {
		if (refused(i))
			check_write("pid", "4194304", ESRCH);
		else
			check_write("pid", i % 2 ? pid2 : pid1, 0);
		i++;
	}
	return NULL;
}

static void *unit_writer(void *arg)
{
	static const char *const units[] = { "B", "K", "M" };
	unsigned int i = 0;

	(void)arg;
	while (!atomic_load(&done)) {
		const char *u = refused(i) ? "X" : units[i % 3];

		check_write("unit", u, *u == 'X' ? EINVAL : 0);
		i++;
	}
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	void *(*const fns[])(void *) = { reader, reader, held_reader,
					  pid_writer, unit_writer };
	pthread_t threads[5];
	long ms;
	int i;

	if (argc != 4 || (ms = atol(argv[1])) <= 0) {
		fprintf(stderr, "usage: memrace MS PID1 PID2\n");
		return 2;
	}
	snprintf(pid1, sizeof(pid1), "%s\n", argv[2]);
	snprintf(pid2, sizeof(pid2), "%s\n", argv[3]);
	for (i = 0; i < 5; i++)
		pthread_create(&threads[i], NULL, fns[i], NULL);
	sleep_ms(ms / 2);
	atomic_store(&removed, 1);
	if (syscall(SYS_delete_module, "mem_stats", O_NONBLOCK))
		complain("delete_module", "mem_stats", strerror(errno));
	sleep_ms(ms / 2);
	atomic_store(&done, 1);
	for (i = 0; i < 5; i++)
		pthread_join(threads[i], NULL);
	printf("reads %ld writes %ld gone %ld bad %ld\n", atomic_load(&reads),
	       atomic_load(&writes), atomic_load(&gone), atomic_load(&bad));
	return atomic_load(&bad) != 0;
}
