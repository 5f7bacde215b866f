// SPDX-License-Identifier: GPL-2.0
/*
 * spock_target VALUE - the process of ioctl/spock.sh: allocate a page,
 * store VALUE (a 64-bit integer) at its start, print "<pid> <address>
 * <value>", then wait; on SIGUSR1 print "sees <value>" with what it now
 * reads at that address through its own virtual address, and exit.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/types.h>

int main(int argc, char **argv)
{
	/*
	 * Not volatile: the address has been handed to printf() and sigwait()
	 * is a call, so the compiler reads the value again after it.
	 */
	__u64 *value;
	sigset_t usr1;
	int sig;

	if (argc != 2) {
		fprintf(stderr, "usage: %s VALUE\n", argv[0]);
		return 2;
	}
	value = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (value == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	*value = strtoull(argv[1], NULL, 0);
	printf("%d %p 0x%llx\n", getpid(), (void *)value, (unsigned long long)*value);
	fflush(stdout);
	sigwait(&usr1, &sig);
	printf("sees 0x%llx\n", (unsigned long long)*value);
	return 0;
}
