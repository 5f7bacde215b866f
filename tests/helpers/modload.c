// SPDX-License-Identifier: GPL-2.0
/*
 * modload [-t] FILE.ko [PARAM...] - load a module with finit_module(2) and
 * print "ok", or the name of the errno it failed with (EINVAL, ESRCH...).
 * With -t, "ok" is followed by how long finit_module() took, in ns: for a
 * module that does its work in init, the time from insmod to its answer.
 *
 * Tests use it to check the exact error a module's init returned: insmod
 * prints its own text for some errno values instead of strerror's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	char params[4096] = "";
	int fd, i, first, timed;
	long long start;
	size_t len = 0;

	timed = argc > 1 && !strcmp(argv[1], "-t");
	first = 1 + timed;
	if (argc <= first) {
		fprintf(stderr, "usage: %s [-t] FILE.ko [PARAM...]\n", argv[0]);
		return 2;
	}
	for (i = first + 1; i < argc; i++) {
		int n = snprintf(params + len, sizeof(params) - len, "%s%s",
				 i > first + 1 ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(params) - len) {
			fprintf(stderr, "parameters too long\n");
			return 2;
		}
		len += n;
	}
	fd = open(argv[first], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[first]);
		return 2;
	}
	start = now_ns();
	if (syscall(SYS_finit_module, fd, params, 0)) {
		puts(strerrorname_np(errno));
		return 1;
	}
	if (timed)
		printf("ok %lld\n", now_ns() - start);
	else
		puts("ok");
	return 0;
}
