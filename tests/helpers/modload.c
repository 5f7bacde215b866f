// SPDX-License-Identifier: GPL-2.0
/*
 * modload FILE.ko [PARAM...] - load a module with finit_module(2) and print
 * "ok", or the name of the errno it failed with (EINVAL, ESRCH...).
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
#include <unistd.h>

int main(int argc, char **argv)
{
	char params[4096] = "";
	size_t len = 0;
	int fd, i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE.ko [PARAM...]\n", argv[0]);
		return 2;
	}
	for (i = 2; i < argc; i++) {
		int n = snprintf(params + len, sizeof(params) - len, "%s%s",
				 i > 2 ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(params) - len) {
			fprintf(stderr, "parameters too long\n");
			return 2;
		}
		len += n;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	if (syscall(SYS_finit_module, fd, params, 0)) {
		puts(strerrorname_np(errno));
		return 1;
	}
	puts("ok");
	return 0;
}
