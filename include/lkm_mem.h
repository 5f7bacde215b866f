/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lkm_mem.h - how much memory an address space uses, counted the way /proc
 * counts it: the virtual size (VmSize of /proc/<pid>/status), the resident
 * size (VmRSS) and the anonymous transparent huge pages (AnonHugePages of
 * /proc/<pid>/smaps_rollup). For size/lkm5 and size/mem_stats.
 */
#ifndef LKM_MEM_H
#define LKM_MEM_H

#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/page-flags.h>
#include <linux/sched.h>

#include "lkm_compat.h"
#include "lkm_walk.h"

/* VmSize: every page the mappings cover, used or not. */
static inline unsigned long lkm_vm_pages(struct mm_struct *mm)
{
	return READ_ONCE(mm->total_vm);
}

/* VmRSS: the pages in memory, anonymous + file + shmem, as task_mem() sums. */
static inline unsigned long lkm_rss_pages(struct mm_struct *mm)
{
	return lkm_mm_counter(mm, MM_ANONPAGES) +
	       lkm_mm_counter(mm, MM_FILEPAGES) +
	       lkm_mm_counter(mm, MM_SHMEMPAGES);
}

/*
 * Is @t, the translation of a PMD-aligned address, what smaps_pmd_entry()
 * counts as AnonHugePages: a PMD entry (present, or a migration entry) of
 * an anonymous folio? The huge zero page, which a read-only fault on a THP
 * region maps, is a present PMD leaf too, but its folio is not anonymous
 * (smaps leaves it out the same way). huge_zero_pfn is not exported, so the
 * folio is what is asked; its struct page exists for as long as the kernel
 * runs, and a THP freed in the meantime makes the answer stale, as any
 * snapshot of a moving process is, never wrong memory.
 */
static inline bool lkm_is_anon_thp(const struct lkm_translation *t)
{
	if (t->hugetlb || t->span != PMD_SIZE)
		return false;
	if (t->verdict != LKM_PRESENT && t->verdict != LKM_MIGRATING)
		return false;
	/* The entry's own bit, not t->protnone, which the VMA sets too. */
	if (LKM_SMAPS_SKIPS_PROTNONE_THP && t->verdict == LKM_PRESENT &&
	    pmd_protnone(__pmd(t->raw)))
		return false;
	return pfn_valid(t->pfn) && PageAnon(pfn_to_page(t->pfn));
}

/*
 * lkm_count_thp - the number of anonymous transparent huge pages mapped by
 * PMD entries in @mm, into *@count: AnonHugePages of smaps_rollup divided by
 * 2 MiB. Takes the mmap lock for reading; -EINTR if a fatal signal came
 * while waiting for it.
 *
 * Only anonymous VMAs can hold them: a write to a file THP mapped privately
 * splits it (wp_huge_pmd()), and hugetlb pages are not THPs. In each VMA,
 * every 2 MiB-aligned 2 MiB that fits is looked up with the shared walk; an
 * empty entry higher up (a whole PUD or PGD) skips the span it covers.
 * Like smaps, it reschedules between VMAs and every 512 lookups (1 GiB)
 * inside one.
 */
static inline int lkm_count_thp(struct mm_struct *mm, unsigned long *count)
{
	VMA_ITERATOR(vmi, mm, 0);
	struct lkm_translation t;
	struct vm_area_struct *vma;
	unsigned long va, step, n = 0, looked = 0;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	for_each_vma(vmi, vma) {
		if (!vma_is_anonymous(vma))
			continue;
		for (va = ALIGN(vma->vm_start, PMD_SIZE);
		     va < vma->vm_end && vma->vm_end - va >= PMD_SIZE;
		     va = ALIGN_DOWN(va, step) + step) {
			lkm_translate(mm, vma, va, false, &t);
			if (lkm_is_anon_thp(&t))
				n++;
			/* A PTE table answers for 4 KiB: its PMD is no THP. */
			step = max(t.span, PMD_SIZE);
			if (!(++looked % PTRS_PER_PMD))
				cond_resched();
		}
		cond_resched();
	}
	mmap_read_unlock(mm);
	*count = n;
	return 0;
}

#endif /* LKM_MEM_H */
