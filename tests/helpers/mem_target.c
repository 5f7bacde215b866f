// SPDX-License-Identifier: GPL-2.0
/*
 * mem_target - memory for tests/ioctl.bats to read and write through
 * /dev/procmem, printing "<case> <address>" for each, then "ready":
 *   buf   8 MiB + 1 page of a known pattern (byte i is (i * 7 + i / 4096) & 0xff)
 *   hole  the first byte after buf: unmapped
 *   ro    a read-only page (PROT_READ), the same pattern
 *   zero  an anonymous page read but never written: the shared zero page
 *   secret  a page of memfd_secret(2) memory, written (or "secret - <why>")
 * On SIGUSR1 it prints "buf <first 16 bytes of buf in hex>" and "ro <first
 * 16 bytes of ro>", as it sees them itself.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096UL
#define BUF_SIZE ((8UL << 20) + PAGE)

static void fill(unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (i * 7 + i / PAGE) & 0xff;
}

static void show(const char *name, const unsigned char *p)
{
	int i;

	printf("%s ", name);
	for (i = 0; i < 16; i++)
		printf("%02x", p[i]);
	printf("\n");
	fflush(stdout);
}

int main(void)
{
	unsigned char *buf, *ro, *secret = MAP_FAILED;
	volatile unsigned char *zero;
	sigset_t usr1;
	int sig, fd;

	/* Everything else first: a later mapping could land in the hole. */
	ro = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	zero = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro == MAP_FAILED || zero == MAP_FAILED || zero[0]) {
		perror("mem_target");
		return 1;
	}
#ifdef SYS_memfd_secret
	fd = syscall(SYS_memfd_secret, 0);
	if (fd >= 0 && !ftruncate(fd, PAGE))
		secret = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (secret != MAP_FAILED)
		memset(secret, 0x5e, PAGE);
#else
	errno = ENOSYS;
#endif
	if (secret == MAP_FAILED)
		printf("secret - %s\n", strerror(errno));
	else
		printf("secret %p\n", (void *)secret);
	/* One more page, unmapped again: the hole right after buf. */
	buf = mmap(NULL, BUF_SIZE + PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED || munmap(buf + BUF_SIZE, PAGE)) {
		perror("mem_target");
		return 1;
	}
	fill(buf, BUF_SIZE);
	fill(ro, PAGE);
	if (mprotect(ro, PAGE, PROT_READ)) {
		perror("mprotect");
		return 1;
	}
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	printf("buf %p\nhole %p\nro %p\nzero %p\nready\n", (void *)buf,
	       (void *)(buf + BUF_SIZE), (void *)ro, (void *)zero);
	fflush(stdout);
	for (;;) {
		sigwait(&usr1, &sig);
		show("buf", buf);
		show("ro", ro);
	}
}
