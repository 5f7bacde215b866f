/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lkm_compat.h - every kernel-version difference the suite deals with, and
 * nothing else. Each entry says what changed and in which release.
 */
#ifndef LKM_COMPAT_H
#define LKM_COMPAT_H

#include <linux/mm.h>
#include <linux/version.h>

/*
 * Resident pages of one kind (MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES),
 * counted the way /proc/<pid>/status counts them. 6.2 made the counters
 * per-CPU: sum them, as task_mem() does; before, they are plain atomics.
 */
static inline unsigned long lkm_mm_counter(struct mm_struct *mm, int member)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return percpu_counter_sum_positive(&mm->rss_stat[member]);
#else
	return get_mm_counter(mm, member);
#endif
}

/*
 * The kernel stack pointer a sleeping task saved at its last context switch
 * (for a task running right now: where it was when it last switched out).
 * Architecture-specific, like the rest of struct thread_struct. The suite
 * is built and tested on x86_64; the arm64 entry is untested.
 */
#if defined(CONFIG_X86)
#define lkm_saved_kernel_sp(task) ((task)->thread.sp)
#elif defined(CONFIG_ARM64)
#define lkm_saved_kernel_sp(task) ((task)->thread.cpu_context.sp)
#else
#error "lkm_saved_kernel_sp: unknown architecture"
#endif

#endif /* LKM_COMPAT_H */
