/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * procmem.h - the ioctl interface of /dev/procmem (ioctl/procmem.ko), for
 * the module and for user programs (ioctl/memtool). Fixed-width fields and
 * explicit padding only, so 32-bit and 64-bit callers share one layout;
 * user pointers travel as __u64.
 *
 * Each command's number encodes its struct's size (_IOW/_IOWR): a struct
 * that grows gets a new number, and the old number keeps its old layout.
 *
 * Magic 0xE6: unused in Documentation/userspace-api/ioctl/ioctl-number.rst
 * of 6.1 and 6.12.
 */
#ifndef PROCMEM_H
#define PROCMEM_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

#define PROCMEM_DEVICE		"/dev/procmem"
#define PROCMEM_MAGIC		0xE6

/* Bounds of one call. */
#define PROCMEM_MAX_IO		(64U << 20)	/* bytes per READ_MEM / WRITE_MEM */
#define PROCMEM_MAX_BATCH	65536U		/* addresses per VIRT_TO_PHYS_BATCH */
#define PROCMEM_MAX_PHYS	64U		/* bytes per WRITE_PHYS */

/* What is at a virtual address: procmem_xlate.verdict. */
#define PROCMEM_NOT_MAPPED		0	/* no mapping covers it */
#define PROCMEM_NOT_PRESENT		1	/* mapped, no page: never touched, or dropped */
#define PROCMEM_PRESENT			2	/* paddr, pfn, page_size are set */
#define PROCMEM_SWAPPED			3	/* swap_type, swap_offset are set */
#define PROCMEM_MIGRATING		4	/* pfn is set */
#define PROCMEM_DEVICE_PRIVATE		5	/* pfn is set */
#define PROCMEM_DEVICE_EXCLUSIVE	6	/* pfn is set */
#define PROCMEM_HWPOISON		7
#define PROCMEM_MARKER			8	/* a PTE marker: userfaultfd, swap-in error */
#define PROCMEM_UNKNOWN			9	/* another kind of non-present entry */
#define PROCMEM_BAD			10	/* a corrupt table entry */
#define PROCMEM_CHANGED			11	/* the tables kept changing under the walk */

/* procmem_xlate.flags */
#define PROCMEM_F_NO_ACCESS	_BITUL(0)	/* PROT_NONE, or a NUMA balancing hint */
#define PROCMEM_F_ZERO_PAGE	_BITUL(1)	/* the shared zero page */
#define PROCMEM_F_HUGETLB	_BITUL(2)	/* in a hugetlb mapping */

/* One translation: vaddr in, the rest out. */
struct procmem_xlate {
	__u64 vaddr;
	__u64 paddr;		/* PRESENT: the physical address of vaddr */
	__u64 pfn;		/* the 4 KiB frame holding vaddr */
	__u64 swap_offset;	/* SWAPPED */
	__u32 swap_type;	/* SWAPPED */
	__u32 verdict;		/* PROCMEM_NOT_MAPPED... */
	__u32 page_size;	/* PRESENT: 4096, 2 MiB or 1 GiB */
	__u32 flags;		/* PROCMEM_F_* */
};

/*
 * pid, in every command that takes one: a process id in the caller's pid
 * namespace; 0 means the process this file is attached to, or else the
 * caller itself.
 */

/* PROCMEM_ATTACH: bind this open file to process pid, once. */
struct procmem_attach {
	__s32 pid;
	__u32 flags;		/* 0 */
};

/* PROCMEM_VIRT_TO_PHYS: translate x.vaddr of pid. */
struct procmem_v2p {
	__s32 pid;
	__u32 pad;		/* 0 */
	struct procmem_xlate x;
};

/*
 * One address's answer in a batch, 16 bytes (the batch is for many pages:
 * pagemap's entries are 8): the physical address of a present page is
 * frame * 4096 + the address's offset in its 4 KiB page.
 */
struct procmem_page {
	/* PRESENT, MIGRATING, DEVICE_*: the PFN holding the address; SWAPPED: the swap offset */
	__u64 frame;
	__u8 verdict;		/* PROCMEM_NOT_MAPPED... */
	__u8 page_shift;	/* PRESENT: 12, 21 or 30 */
	__u8 swap_type;		/* SWAPPED */
	__u8 pad;
	__u32 flags;		/* PROCMEM_F_* */
};

/*
 * PROCMEM_VIRT_TO_PHYS_BATCH: translate count (at most PROCMEM_MAX_BATCH)
 * addresses of pid: vaddrs points to count __u64 addresses, pages to count
 * procmem_page for the answers. Returns count.
 */
struct procmem_v2p_batch {
	__s32 pid;
	__u32 count;
	__u64 vaddrs;
	__u64 pages;
};

/*
 * PROCMEM_READ_MEM / PROCMEM_WRITE_MEM: copy len (at most PROCMEM_MAX_IO)
 * bytes between vaddr in pid and buf in the caller. Returns the number of
 * bytes copied, which is less than len when the range runs into memory
 * that cannot be read (or written); an error only when nothing was copied.
 */
struct procmem_io {
	__s32 pid;
	__u32 pad;		/* 0 */
	__u64 vaddr;
	__u64 buf;
	__u64 len;
};

/*
 * PROCMEM_WRITE_PHYS: write data[0..len) (len 1 to PROCMEM_MAX_PHYS) at
 * physical address paddr, inside one page, which must be RAM mapped into
 * some process (an anonymous or page-cache page).
 */
struct procmem_phys {
	__u64 paddr;
	__u32 len;
	__u32 pad;		/* 0 */
	__u8 data[PROCMEM_MAX_PHYS];
};

#define PROCMEM_ATTACH		_IOW(PROCMEM_MAGIC, 0x01, struct procmem_attach)
#define PROCMEM_VIRT_TO_PHYS	_IOWR(PROCMEM_MAGIC, 0x02, struct procmem_v2p)
#define PROCMEM_VIRT_TO_PHYS_BATCH _IOW(PROCMEM_MAGIC, 0x03, struct procmem_v2p_batch)
#define PROCMEM_READ_MEM	_IOW(PROCMEM_MAGIC, 0x04, struct procmem_io)
#define PROCMEM_WRITE_MEM	_IOW(PROCMEM_MAGIC, 0x05, struct procmem_io)
#define PROCMEM_WRITE_PHYS	_IOW(PROCMEM_MAGIC, 0x06, struct procmem_phys)

#endif /* PROCMEM_H */
