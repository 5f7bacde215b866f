// SPDX-License-Identifier: GPL-2.0
/*
 * memsample INTERVAL_MS [COUNT] - read /sys/kernel/mem_stats every
 * INTERVAL_MS until the target has gone, or COUNT times, one line per
 * sample:
 *   <ms> <virtmem> <physmem> <thp count> <thp size>
 * ms on CLOCK_MONOTONIC, sizes in the unit mem_stats was set to. Ends (0)
 * when a read fails with ESRCH, the target having exited; any other
 * failure is an error (1).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DIR "/sys/kernel/mem_stats/"

/* The contents of mem_stats file @name, without its newline; NULL + errno. */
static const char *get(const char *name, char *buf, size_t len)
{
	int fd = open(name, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n - 1] = '\0';
	return buf;
}

int main(int argc, char **argv)
{
	char virt[64], phys[64], thp[64];
	struct timespec ts;
	long interval, count = -1;

	if (argc < 2 || argc > 3 || (interval = atol(argv[1])) <= 0) {
		fprintf(stderr, "usage: memsample INTERVAL_MS [COUNT]\n");
		return 2;
	}
	if (argc == 3)
		count = atol(argv[2]);
	while (count < 0 || count-- > 0) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (!get(DIR "virtmem", virt, sizeof(virt)) ||
		    !get(DIR "physmem", phys, sizeof(phys)) ||
		    !get(DIR "thp", thp, sizeof(thp)))
			break;
		printf("%ld %s %s %s\n", ts.tv_sec * 1000 + ts.tv_nsec / 1000000,
		       virt, phys, thp);
		fflush(stdout);
		if (!count)
			return 0;
		ts = (struct timespec){ 0, interval * 1000000 };
		nanosleep(&ts, NULL);
	}
	if (errno == ESRCH)
		return 0;
	fprintf(stderr, "memsample: %s\n", strerror(errno));
	return 1;
}
