// SPDX-License-Identifier: GPL-2.0
/*
 * uspace_top: print where user space ends (the kernel's TASK_SIZE for this
 * process) in hex, found by probing (uspace.h), for tests/mapper.bats.
 */
#define _GNU_SOURCE
#include <stdio.h>

#include "uspace.h"

int main(void)
{
	uintptr_t top = uspace_top();

	if (!top) {
		fprintf(stderr, "uspace_top: no page below 2^32..2^63 could be mapped\n");
		return 1;
	}
	printf("0x%lx\n", (unsigned long)top);
	return 0;
}
