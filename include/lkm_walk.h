/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lkm_walk.h - the suite's one page-table walk: what a user virtual address
 * of an mm leads to (a page and its frame, a swap slot, nothing), for
 * mapper/ (which logs every level) and ioctl/ (which answers ioctls with it).
 *
 * A header of static inline functions, like lkm_task.h, rather than a
 * source file linked into several modules: each module stays one object
 * built from its own directory, and the lines the walk logs carry the
 * including module's pr_fmt prefix.
 *
 * x86_64 translates through up to five levels of tables: the Page Global
 * Directory, the P4D (a real level only with 5-level paging, otherwise
 * folded into the PGD), the Page Upper Directory, the Page Middle Directory
 * and the Page Table. Each entry points to the next table, is a leaf (a
 * 1 GiB page at the PUD, a 2 MiB page at the PMD: transparent or hugetlb
 * huge pages), or is empty. An entry that is not present may still say
 * where the page went: swapped out, being migrated, and a few rarer cases.
 *
 * arm64 (Debian's kernels: 4 KiB pages) has four levels with 48-bit
 * addresses (6.1), the P4D folded, and five with 52-bit ones (6.12 with
 * LPA2, folded back to four at boot on a CPU without it); PMD and PUD
 * block mappings are leaves as on x86, and its own PROT_NONE and swap
 * encodings are read through the same helpers
 * (pte_present(), pte_protnone(), pte_to_swp_entry()). A contiguous-bit
 * PTE is a present PTE with its own frame.
 *
 * Each level is read once and the next one is indexed from that copy
 * (p?d_offset_lockless), so the walk cannot mix two states of the tables;
 * the one entry read again is the PMD above a PTE table, to check under RCU
 * that it still points there (lkm_read_pte()). It never writes to them.
 */
#ifndef LKM_WALK_H
#define LKM_WALK_H

#include <linux/fs.h>
#include <linux/huge_mm.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/printk.h>
#include <linux/swapops.h>

#include "lkm_compat.h"

enum lkm_verdict {
	LKM_NOT_MAPPED,		/* no VMA covers the address */
	LKM_NOT_PRESENT,	/* a VMA, but an empty entry on the way */
	LKM_PRESENT,
	LKM_SWAPPED,
	LKM_MIGRATING,
	LKM_DEVICE_PRIVATE,
	LKM_DEVICE_EXCLUSIVE,
	LKM_HWPOISON,
	LKM_MARKER,		/* a PTE marker (userfaultfd, swap-in error) */
	LKM_UNKNOWN,		/* any other entry that is not present */
	LKM_BAD,		/* a corrupt table entry */
	LKM_CHANGED,		/* the tables kept changing under the walk */
};

struct lkm_translation {
	enum lkm_verdict verdict;
	const char *level;		/* the level that decided: "PGD"... "PTE" */
	unsigned long raw;		/* that level's entry */
	unsigned long span;		/* the bytes that entry covers */
	unsigned long pfn;		/* the 4 KiB frame holding the address */
	unsigned long page_size;	/* of a present page */
	bool protnone;			/* present, but no access allowed */
	bool hugetlb;			/* in a hugetlb VMA */
	swp_entry_t swap;
};

/*
 * Page table addresses are printed unhashed (%px), as ksp/ prints stacks:
 * where the tables are is the answer. Only root can load the module and,
 * on Debian, read the kernel log.
 */
static inline void lkm_show_entry(bool verbose, const char *name,
				  const void *entry, unsigned long val)
{
	if (verbose)
		pr_info("%s: entry at 0x%px = 0x%016lx\n", name, entry, val);
}

static inline int lkm_stop(struct lkm_translation *t, enum lkm_verdict what,
			   const char *level, unsigned long raw, unsigned long span)
{
	t->verdict = what;
	t->level = level;
	t->raw = raw;
	t->span = span;
	return 0;
}

/* A present leaf of @size bytes starting at frame @pfn maps @va. */
static inline int lkm_leaf(struct lkm_translation *t, const char *level,
			   unsigned long raw, unsigned long pfn,
			   unsigned long size, unsigned long va)
{
	lkm_stop(t, LKM_PRESENT, level, raw, size);
	t->page_size = size;
	t->pfn = pfn + ((va & (size - 1)) >> PAGE_SHIFT);
	return 0;
}

/*
 * An entry of @size bytes that is neither empty nor present: what does it
 * encode? A migration or device entry holds the PFN of the first frame of
 * the page; the frame holding @va is further in, as for a present leaf.
 */
static inline int lkm_not_present(struct lkm_translation *t, const char *level,
				  unsigned long raw, swp_entry_t entry,
				  unsigned long size, unsigned long va)
{
	enum lkm_verdict verdict = LKM_SWAPPED;

	if (is_migration_entry(entry))
		verdict = LKM_MIGRATING;
	else if (is_device_private_entry(entry))
		verdict = LKM_DEVICE_PRIVATE;
	else if (is_device_exclusive_entry(entry))
		verdict = LKM_DEVICE_EXCLUSIVE;
	else if (is_hwpoison_entry(entry))
		verdict = LKM_HWPOISON;
	else if (is_pte_marker_entry(entry))
		verdict = LKM_MARKER;
	else if (non_swap_entry(entry))
		verdict = LKM_UNKNOWN;
	lkm_stop(t, verdict, level, raw, size);
	t->swap = entry;
	if (is_pfn_swap_entry(entry))
		t->pfn = swp_offset_pfn(entry) + ((va & (size - 1)) >> PAGE_SHIFT);
	return 0;
}

/*
 * A hugetlb page's entry, at the PUD (1 GiB) or the PMD (2 MiB), is in PTE
 * format whatever its level: hugetlb_change_protection() leaves a PROT_NONE
 * page as PSE|PROTNONE without PRESENT, and migration, hwpoison and
 * userfaultfd markers are PTE swap entries. Judge it as the kernel's own
 * hugetlb code does (pagemap_hugetlb_range(): pte_present()). @pfn is the
 * level's own decoding of a present entry (pud_pfn/pmd_pfn know the large
 * page bits).
 */
static inline int lkm_hugetlb_entry(struct lkm_translation *t, const char *level,
				    unsigned long raw, unsigned long pfn,
				    unsigned long size, unsigned long va)
{
	pte_t pte = __pte(raw);

	if (pte_none(pte))
		return lkm_stop(t, LKM_NOT_PRESENT, level, raw, size);
	if (!pte_present(pte))
		return lkm_not_present(t, level, raw, pte_to_swp_entry(pte), size, va);
	t->protnone = pte_protnone(pte);
	return lkm_leaf(t, level, raw, pfn, size, va);
}

/* A PTE-level entry, read from its table. */
static inline int lkm_pte_entry(struct lkm_translation *t, pte_t pte, unsigned long va)
{
	if (pte_none(pte))
		return lkm_stop(t, LKM_NOT_PRESENT, "PTE", pte_val(pte), PAGE_SIZE);
	if (!pte_present(pte))
		return lkm_not_present(t, "PTE", pte_val(pte), pte_to_swp_entry(pte),
				       PAGE_SIZE, va);
	t->protnone = pte_protnone(pte);
	return lkm_leaf(t, "PTE", pte_val(pte), pte_pfn(pte), PAGE_SIZE, va);
}

/*
 * A walk cursor, for translating many addresses under one hold of the mmap
 * lock: the last VMA found, and the last PMD entry that pointed to a PTE
 * table, so that the next address under the same PMD entry costs one PTE
 * read (lkm_read_pte() checks that the PMD still points to that table).
 * Start it zeroed; it is only valid while the mmap lock is held.
 */
struct lkm_cursor {
	struct vm_area_struct *vma;
	pmd_t *pmdp;
	pmd_t pmd;
	unsigned long base;	/* the PMD_SIZE range that *pmdp maps */
};

/*
 * Walk @mm's tables for @va in @vma, filling @t; with @verbose, log every
 * level. -EAGAIN when the PMD stopped pointing to a PTE table during the
 * walk. The caller holds the mmap lock for reading, and for a hugetlb VMA
 * also the mapping's i_mmap lock (lkm_translate() does both).
 */
static inline int lkm_walk(struct mm_struct *mm, struct vm_area_struct *vma,
			   unsigned long va, bool verbose, struct lkm_translation *t,
			   struct lkm_cursor *c)
{
	unsigned long hsize = t->hugetlb ? vma_kernel_pagesize(vma) : 0;
	bool folded = mm_p4d_folded(mm);
	pgd_t *pgdp, pgd;
	p4d_t *p4dp, p4d;
	pud_t *pudp, pud;
	pmd_t *pmdp, pmd;
	pte_t *ptep, pte;

	pgdp = pgd_offset(mm, va);
	if (folded) {
		/*
		 * A folded P4D is the top-level entry itself, and only
		 * p4d_offset() knows which one it is: where the folding is
		 * decided at boot (arm64 6.12 built for 52-bit addresses on a
		 * CPU without LPA2) pgd_offset()'s index is the 5-level one.
		 * Not the _lockless variant: where p4d_offset() returns its
		 * argument (nop4d, x86 without la57) it points into the copy
		 * it is given, not into the table. pgd_none() and pgd_bad() are constant false
		 * here: an empty entry is an empty PGD entry.
		 */
		p4dp = p4d_offset(pgdp, va);
		p4d = READ_ONCE(*p4dp);
		lkm_show_entry(verbose, "Page Global Directory", p4dp, p4d_val(p4d));
		if (verbose)
			pr_info("P4D: folded into the Page Global Directory (4-level paging)\n");
	} else {
		pgd = READ_ONCE(*pgdp);
		lkm_show_entry(verbose, "Page Global Directory", pgdp, pgd_val(pgd));
		if (pgd_none(pgd))
			return lkm_stop(t, LKM_NOT_PRESENT, "PGD", pgd_val(pgd), PGDIR_SIZE);
		if (pgd_bad(pgd))
			return lkm_stop(t, LKM_BAD, "PGD", pgd_val(pgd), PGDIR_SIZE);
		p4dp = p4d_offset_lockless(pgdp, pgd, va);
		p4d = READ_ONCE(*p4dp);
		lkm_show_entry(verbose, "P4D", p4dp, p4d_val(p4d));
	}
	/*
	 * P4D_SIZE either way: folded, it is what the top-level entry spans
	 * (PGDIR_SIZE is 2^48 on arm64 6.12 folded at boot, not 512 GiB).
	 */
	if (p4d_none(p4d))
		return lkm_stop(t, LKM_NOT_PRESENT, folded ? "PGD" : "P4D",
				p4d_val(p4d), P4D_SIZE);
	if (p4d_bad(p4d))
		return lkm_stop(t, LKM_BAD, folded ? "PGD" : "P4D",
				p4d_val(p4d), P4D_SIZE);

	pudp = pud_offset_lockless(p4dp, p4d, va);
	pud = READ_ONCE(*pudp);
	lkm_show_entry(verbose, "Page Upper Directory", pudp, pud_val(pud));
	if (hsize == PUD_SIZE)
		return lkm_hugetlb_entry(t, "PUD", pud_val(pud), pud_pfn(pud), PUD_SIZE, va);
	if (pud_none(pud))
		return lkm_stop(t, LKM_NOT_PRESENT, "PUD", pud_val(pud), PUD_SIZE);
	if (!pud_present(pud))
		return lkm_stop(t, LKM_UNKNOWN, "PUD", pud_val(pud), PUD_SIZE);
	if (pud_leaf(pud))
		return lkm_leaf(t, "PUD", pud_val(pud), pud_pfn(pud), PUD_SIZE, va);
	if (pud_bad(pud))
		return lkm_stop(t, LKM_BAD, "PUD", pud_val(pud), PUD_SIZE);

	pmdp = pmd_offset_lockless(pudp, pud, va);
	pmd = READ_ONCE(*pmdp);
	lkm_show_entry(verbose, "Page Middle Directory", pmdp, pmd_val(pmd));
	if (hsize == PMD_SIZE)
		return lkm_hugetlb_entry(t, "PMD", pmd_val(pmd), pmd_pfn(pmd), PMD_SIZE, va);
	if (pmd_none(pmd))
		return lkm_stop(t, LKM_NOT_PRESENT, "PMD", pmd_val(pmd), PMD_SIZE);
	/* Outside hugetlb, swap-format PMDs are THP migration entries. */
	if (!pmd_present(pmd)) {
		if (!thp_migration_supported())
			return lkm_stop(t, LKM_UNKNOWN, "PMD", pmd_val(pmd), PMD_SIZE);
		return lkm_not_present(t, "PMD", pmd_val(pmd), pmd_to_swp_entry(pmd),
				       PMD_SIZE, va);
	}
	if (pmd_leaf(pmd)) {
		t->protnone = pmd_protnone(pmd);
		return lkm_leaf(t, "PMD", pmd_val(pmd), pmd_pfn(pmd), PMD_SIZE, va);
	}
	if (pmd_bad(pmd))
		return lkm_stop(t, LKM_BAD, "PMD", pmd_val(pmd), PMD_SIZE);

	if (!lkm_read_pte(pmdp, pmd, va, &pte, &ptep))
		return -EAGAIN;
	lkm_show_entry(verbose, "Page Table Entry", ptep, pte_val(pte));
	if (c) {
		c->pmdp = pmdp;
		c->pmd = pmd;
		c->base = va & PMD_MASK;
	}
	return lkm_pte_entry(t, pte, va);
}

/*
 * PROT_NONE is a property of the mapping; pte_protnone() also catches NUMA
 * balancing hints, but is 0 on kernels without NUMA balancing (PREEMPT_RT
 * kernels, for one).
 */
static inline void lkm_vma_protnone(struct vm_area_struct *vma,
				    struct lkm_translation *t)
{
	if (!(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		t->protnone = true;
}

/*
 * lkm_translate - what @va of @mm leads to, in *@t; with @verbose the walk
 * logs every level it reads. @vma is vma_lookup(mm, va): NULL means "not
 * mapped". The caller holds mmap_read_lock(mm) and may translate many
 * addresses under one hold.
 *
 * For a hugetlb VMA the mapping's i_mmap lock is held for reading across
 * the walk: a PMD table shared between processes mapping the same hugetlb
 * file can be unshared (huge_pmd_unshare(), after another process punched a
 * hole in the file) under the target's mmap read lock, and only the i_mmap
 * lock, taken for writing there, excludes that. The order, mmap lock first,
 * is the one mm/rmap.c documents.
 */
static inline void __lkm_translate(struct mm_struct *mm, struct vm_area_struct *vma,
				   unsigned long va, bool verbose,
				   struct lkm_translation *t, struct lkm_cursor *c)
{
	struct address_space *mapping = NULL;
	int tries;

	*t = (struct lkm_translation){ .verdict = LKM_CHANGED };
	if (!vma) {
		t->verdict = LKM_NOT_MAPPED;
		return;
	}
	t->hugetlb = is_vm_hugetlb_page(vma);
	if (t->hugetlb && vma->vm_file) {
		mapping = vma->vm_file->f_mapping;
		i_mmap_lock_read(mapping);
	}
	for (tries = 0; tries < 3; tries++)
		if (lkm_walk(mm, vma, va, verbose && !tries, t, c) != -EAGAIN)
			break;
	if (mapping)
		i_mmap_unlock_read(mapping);
	lkm_vma_protnone(vma, t);
}

static inline void lkm_translate(struct mm_struct *mm, struct vm_area_struct *vma,
				 unsigned long va, bool verbose,
				 struct lkm_translation *t)
{
	__lkm_translate(mm, vma, va, verbose, t, NULL);
}

/*
 * lkm_translate_next - lkm_translate() for callers that translate many
 * addresses (in any order, fastest in runs) under one hold of the mmap
 * lock, through cursor @c. An address under the same PMD entry as the last
 * one that reached a PTE table, in a VMA that is not hugetlb, is one PTE
 * read; the VMA found last is reused while it covers the address. The
 * tables on the way to an address in a VMA cannot be freed under the mmap
 * read lock; only its PTE table can (6.5+), and lkm_read_pte() checks that.
 */
static inline void lkm_translate_next(struct mm_struct *mm, struct lkm_cursor *c,
				      unsigned long va, struct lkm_translation *t)
{
	pte_t pte, *ptep;

	if (!c->vma || va < c->vma->vm_start || va >= c->vma->vm_end)
		c->vma = vma_lookup(mm, va);
	if (c->vma && c->pmdp && (va & PMD_MASK) == c->base &&
	    !is_vm_hugetlb_page(c->vma)) {
		*t = (struct lkm_translation){ .verdict = LKM_CHANGED };
		if (lkm_read_pte(c->pmdp, c->pmd, va, &pte, &ptep)) {
			lkm_pte_entry(t, pte, va);
			lkm_vma_protnone(c->vma, t);
			return;
		}
	}
	c->pmdp = NULL;
	__lkm_translate(mm, c->vma, va, false, t, c);
}

static inline const char *lkm_page_size_name(unsigned long size)
{
	return size == PUD_SIZE ? "1 GiB" : size == PMD_SIZE ? "2 MiB" : "4 KiB";
}

#define LKM_NOTE_NO_ACCESS "no access: PROT_NONE, or a NUMA balancing hint"
/*
 * The shared zero page is recognised; the huge zero page (a THP read but
 * never written) is not: huge_zero_pfn is not exported to modules, so it
 * shows as an ordinary present 2 MiB page.
 */
#define LKM_NOTE_ZERO_PAGE "the shared zero page: read, never written"

/* What is at the address, in one phrase. */
static inline void lkm_describe(const struct lkm_translation *t, char *buf,
				size_t len)
{
	switch (t->verdict) {
	case LKM_NOT_MAPPED:
		snprintf(buf, len, "not mapped: no VMA covers it");
		break;
	case LKM_NOT_PRESENT:
		snprintf(buf, len, "not present: its %s entry is empty (%s)",
			 t->level, "never touched, or dropped from memory");
		break;
	case LKM_SWAPPED:
		snprintf(buf, len, "swapped out: swap type %u, offset 0x%lx",
			 swp_type(t->swap), swp_offset(t->swap));
		break;
	case LKM_MIGRATING:
		snprintf(buf, len, "being migrated: migration entry for PFN 0x%lx", t->pfn);
		break;
	case LKM_DEVICE_PRIVATE:
		snprintf(buf, len, "in device-private memory: PFN 0x%lx", t->pfn);
		break;
	case LKM_DEVICE_EXCLUSIVE:
		snprintf(buf, len, "held exclusively by a device: PFN 0x%lx", t->pfn);
		break;
	case LKM_HWPOISON:
		snprintf(buf, len, "hardware-poisoned: its page was lost to a memory error");
		break;
	case LKM_MARKER:
		snprintf(buf, len, "not present: a PTE marker holds its place (%s)",
			 "userfaultfd or a swap-in error");
		break;
	case LKM_UNKNOWN:
		snprintf(buf, len, "not present: unknown non-present %s entry 0x%lx",
			 t->level, t->raw);
		break;
	case LKM_BAD:
		snprintf(buf, len, "unreadable: corrupt %s entry 0x%lx", t->level, t->raw);
		break;
	case LKM_CHANGED:
		snprintf(buf, len, "unknown: its page tables kept changing during the walk");
		break;
	case LKM_PRESENT:
		snprintf(buf, len, "present, PFN 0x%lx, %s%s%s", t->pfn,
			 lkm_page_size_name(t->page_size),
			 t->protnone ? ", " LKM_NOTE_NO_ACCESS : "",
			 is_zero_pfn(t->pfn) ? ", " LKM_NOTE_ZERO_PAGE : "");
		break;
	}
}

#endif /* LKM_WALK_H */
