/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lkm_compat.h - every kernel-version difference the suite deals with, and
 * nothing else. Each entry says what changed and in which release.
 */
#ifndef LKM_COMPAT_H
#define LKM_COMPAT_H

#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/version.h>

/*
 * Resident pages of one kind (MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES),
 * counted the way /proc/<pid>/status counts them. 6.2 made the counters
 * per-CPU; 6.12.117's task_mem() sums them exactly (get_mm_counter_sum()),
 * as this does. Before 6.2 they are plain atomics. (Checked in 6.1 and
 * 6.12's sources; a 6.2+ kernel whose task_mem() reads the approximate
 * get_mm_counter() would differ from /proc by the per-CPU batch.)
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
 * Architecture-specific, like the rest of struct thread_struct: x86_64
 * saves it in __switch_to_asm, arm64 in cpu_switch_to (cpu_context, with
 * the callee-saved registers). The suite builds and tests both
 * (README, "arm64").
 */
#if defined(CONFIG_X86)
#define lkm_saved_kernel_sp(task) ((task)->thread.sp)
#elif defined(CONFIG_ARM64)
#define lkm_saved_kernel_sp(task) ((task)->thread.cpu_context.sp)
#else
#error "lkm_saved_kernel_sp: unknown architecture"
#endif

/*
 * lkm_read_pte - copy the page table entry for @addr out of the PTE table
 * that @pmd, read from *@pmdp, points to: the entry into *@pte, its address
 * into *@ptep (to show, not to follow: the table may be gone once this
 * returns). False when *@pmdp does not hold @pmd any more (the table was
 * freed or replaced: walk again).
 *
 * From 6.5 a PTE table can be freed (after an RCU grace period) while the
 * mmap lock is held only for reading, and pte_offset_map() became a call to
 * __pte_offset_map(), which modules cannot link against. Do what it does:
 * under RCU, read the PMD (the only entry read twice: the table it points
 * to is only safe to touch inside this RCU section), check that it is still
 * the one the walk judged, index the table from that copy. Before 6.5 the
 * table is stable under the mmap lock and is indexed from the copy.
 */
static inline bool lkm_read_pte(pmd_t *pmdp, pmd_t pmd, unsigned long addr,
				pte_t *pte, pte_t **ptep)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	bool found = false;

	rcu_read_lock();
	if (pmd_same(pmdp_get_lockless(pmdp), pmd)) {
		*ptep = pte_offset_kernel(&pmd, addr);
		*pte = ptep_get(*ptep);
		found = true;
	}
	rcu_read_unlock();
	return found;
#else
	*ptep = pte_offset_map(&pmd, addr);
	*pte = ptep_get(*ptep);
	pte_unmap(*ptep);
	return true;
#endif
}

/*
 * pin_user_pages_remote() lost its vmas argument in 6.5. The caller holds
 * mmap_read_lock(mm) and *@locked is 1; on return *@locked says whether the
 * lock is still held.
 */
static inline long lkm_pin_user_pages_remote(struct mm_struct *mm,
					     unsigned long start,
					     unsigned long nr_pages,
					     unsigned int gup_flags,
					     struct page **pages, int *locked)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	return pin_user_pages_remote(mm, start, nr_pages, gup_flags, pages, locked);
#else
	return pin_user_pages_remote(mm, start, nr_pages, gup_flags, pages, NULL, locked);
#endif
}

/*
 * Does smaps_rollup leave a PROT_NONE (or NUMA-hinting) PMD-mapped THP out
 * of AnonHugePages? 6.1's smaps_pmd_entry() finds the page with
 * follow_trans_huge_pmd(FOLL_DUMP), which refuses a protnone PMD without
 * FOLL_FORCE, so it is not counted; 6.12's uses vm_normal_page_pmd() and
 * counts it. Only those two are checked: the line is drawn at 6.12.
 */
#define LKM_SMAPS_SKIPS_PROTNONE_THP \
	(LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0))

#endif /* LKM_COMPAT_H */
