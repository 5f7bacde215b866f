// SPDX-License-Identifier: GPL-2.0
/*
 * torn FILE SECONDS - look for torn reads. Two writers rewrite the whole of
 * FILE over and over, one with 4000 'A's, the other with 4000 'B's, while
 * this process reads it back; a read that is not 4000 copies of a single
 * letter saw a mix of two writes. Prints "reads R torn T".
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LEN 4000

static pid_t writer(const char *file, char letter)
{
	char buf[LEN];
	pid_t pid = fork();
	int fd;

	if (pid)
		return pid;
	memset(buf, letter, LEN);
	fd = open(file, O_WRONLY);
	if (fd < 0)
		_exit(1);
	for (;;)
		if (pwrite(fd, buf, LEN, 0) != LEN)
			_exit(1);
}

int main(int argc, char **argv)
{
	unsigned long reads = 0, torn = 0;
	char buf[LEN + 1];
	pid_t a, b;
	time_t end;
	ssize_t n;
	int fd, i;

	if (argc < 3)
		return 2;
	/* Start full, so that every read has a whole write to see. */
	fd = open(argv[1], O_RDWR);
	memset(buf, 'A', LEN);
	if (fd < 0 || pwrite(fd, buf, LEN, 0) != LEN) {
		perror(argv[1]);
		return 2;
	}
	a = writer(argv[1], 'A');
	b = writer(argv[1], 'B');
	end = time(NULL) + atoi(argv[2]);
	while (time(NULL) < end) {
		n = pread(fd, buf, sizeof(buf), 0);
		reads++;
		for (i = 1; i < n && buf[i] == buf[0]; i++)
			;
		if (n != LEN || i != n || (buf[0] != 'A' && buf[0] != 'B'))
			torn++;
	}
	kill(a, SIGKILL);
	kill(b, SIGKILL);
	waitpid(a, NULL, 0);
	waitpid(b, NULL, 0);
	printf("reads %lu torn %lu\n", reads, torn);
	return 0;
}
