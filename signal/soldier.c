// SPDX-License-Identifier: GPL-2.0
/*
 * soldier STATION_PID [EXIT_CODE] - Dr. Doom's soldier.
 *
 * Opens /dev/dr_doom, registers with the control station STATION_PID,
 * closes the device and prints "Soldier <pid> serving station <pid>".
 * With EXIT_CODE it then exits with it at once; without, it stays alive
 * until a signal ends it. The station learns of its exit either way.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "dr_doom.h"

static int parse(const char *s, long min, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return errno || *end || end == s || *out < min || *out > max ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct dr_doom_register reg = { 0 };
	long station, code = -1;
	int fd;

	if (argc < 2 || argc > 3 || parse(argv[1], 1, 0x7fffffff, &station) ||
	    (argc == 3 && parse(argv[2], 0, 255, &code))) {
		fprintf(stderr, "usage: %s STATION_PID [EXIT_CODE 0-255]\n", argv[0]);
		return 2;
	}
	fd = open(DR_DOOM_DEVICE, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "soldier: %s: %s\n", DR_DOOM_DEVICE, strerror(errno));
		return 1;
	}
	reg.station = (int)station;
	if (ioctl(fd, DR_DOOM_REGISTER, &reg)) {
		fprintf(stderr, "soldier: cannot serve station %ld: %s\n", station,
			strerror(errno));
		return 1;
	}
	close(fd);
	printf("Soldier %d serving station %ld\n", getpid(), station);
	fflush(stdout);
	if (code >= 0)
		return (int)code;
	for (;;)
		pause();
}
