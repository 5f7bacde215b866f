// SPDX-License-Identifier: GPL-2.0
/*
 * pagemap PID ADDR [COUNT] - what /proc/PID/pagemap says about COUNT
 * (default 1) pages from ADDR, one line each:
 *   <addr> present pfn <pfn>
 *   <addr> swapped type <type> offset <offset>
 *   <addr> none
 * Each page has a 64-bit entry: bit 63 present, bit 62 swapped, bits 0-54
 * the PFN, or for a swapped page the swap type (bits 0-4) and offset
 * (bits 5-54). PFNs read as 0 unless the reader has CAP_SYS_ADMIN.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define PFN_MASK ((UINT64_C(1) << 55) - 1)

int main(int argc, char **argv)
{
	unsigned long addr, count, i;
	char path[64];
	uint64_t e;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: %s PID ADDR [COUNT]\n", argv[0]);
		return 2;
	}
	addr = strtoul(argv[2], NULL, 0);
	count = argc > 3 ? strtoul(argv[3], NULL, 0) : 1;
	snprintf(path, sizeof(path), "/proc/%s/pagemap", argv[1]);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		perror(path);
		return 2;
	}
	for (i = 0; i < count; i++, addr += 4096) {
		if (pread(fd, &e, sizeof(e), (addr / 4096) * sizeof(e)) != sizeof(e)) {
			perror("pread");
			return 2;
		}
		if (e >> 63)
			printf("0x%lx present pfn 0x%" PRIx64 "\n", addr, e & PFN_MASK);
		else if ((e >> 62) & 1)
			printf("0x%lx swapped type %" PRIu64 " offset 0x%" PRIx64 "\n",
			       addr, e & 0x1f, (e & PFN_MASK) >> 5);
		else
			printf("0x%lx none\n", addr);
	}
	return 0;
}
