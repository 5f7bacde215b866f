// SPDX-License-Identifier: GPL-2.0
/*
 * fileio FILE OP... - open FILE read-write (no O_TRUNC) and do each OP on
 * it with one system call, printing one line per OP: "ok <result>" or the
 * name of the errno it failed with.
 *   pwrite OFF TEXT      write TEXT at offset OFF
 *   fill OFF LEN CHAR    write LEN copies of CHAR at offset OFF
 *   badwrite             write 16 bytes from an unmapped address
 *   badread              read 16 bytes into an unmapped address
 *   end                  lseek(0, SEEK_END): the size of the file
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* A user address that is not mapped: a page mapped, then unmapped. */
static void *bad_pointer(void)
{
	void *page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (page == MAP_FAILED || munmap(page, 4096))
		exit(2);
	return page;
}

static void report(long ret)
{
	if (ret < 0)
		puts(strerrorname_np(errno));
	else
		printf("ok %ld\n", ret);
}

int main(int argc, char **argv)
{
	char *buf;
	long len;
	int fd, i;

	if (argc < 3) {
		fprintf(stderr, "usage: %s FILE OP...\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "pwrite") && i + 2 < argc) {
			report(pwrite(fd, argv[i + 2], strlen(argv[i + 2]), atol(argv[i + 1])));
			i += 2;
		} else if (!strcmp(argv[i], "fill") && i + 3 < argc) {
			len = atol(argv[i + 2]);
			buf = malloc(len);
			if (!buf)
				return 2;
			memset(buf, argv[i + 3][0], len);
			report(pwrite(fd, buf, len, atol(argv[i + 1])));
			free(buf);
			i += 3;
		} else if (!strcmp(argv[i], "badwrite")) {
			report(write(fd, bad_pointer(), 16));
		} else if (!strcmp(argv[i], "badread")) {
			report(pread(fd, bad_pointer(), 16, 0));
		} else if (!strcmp(argv[i], "end")) {
			report(lseek(fd, 0, SEEK_END));
		} else {
			fprintf(stderr, "bad operation: %s\n", argv[i]);
			return 2;
		}
	}
	return 0;
}
