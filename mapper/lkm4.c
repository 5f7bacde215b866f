// SPDX-License-Identifier: GPL-2.0
/*
 * lkm4.c - translate a user virtual address of a process into a physical
 * address by walking the process's page tables, and say what is there when
 * no page is.
 *
 *   insmod lkm4.ko pid=N addr=0x7ffd... [count=16]
 *
 * x86_64 translates through up to five levels of tables: the Page Global
 * Directory, the P4D (a real level only with 5-level paging, otherwise
 * folded into the PGD), the Page Upper Directory, the Page Middle Directory
 * and the Page Table. Each entry points to the next table, is a leaf (a
 * 1 GiB page at the PUD, a 2 MiB page at the PMD: transparent or hugetlb
 * huge pages), or is empty. An entry that is not present may still say
 * where the page went: swapped out, being migrated, and a few rarer cases.
 *
 * The task and its mm are pinned with references and the walk runs with the
 * mmap lock held for reading, which keeps the upper tables in place; the
 * last table is read as lkm_read_pte() explains. Each entry is read once and
 * judged from that copy: the walk never writes to the tables.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hugetlb.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pgtable.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/swapops.h>

#include "lkm_compat.h"
#include "lkm_task.h"

#define MAX_COUNT 512

static int pid;
module_param(pid, int, 0444);
MODULE_PARM_DESC(pid, "Process whose address to translate (required)");

/* A string, so that a missing addr= can be told from addr=0. */
static char *addr;
module_param(addr, charp, 0444);
MODULE_PARM_DESC(addr, "User virtual address to translate: hex with 0x, or decimal (required)");

static int count = 1;
module_param(count, int, 0444);
MODULE_PARM_DESC(count, "Consecutive pages to translate from addr, one line each (1-512, default 1)");

enum verdict {
	NOT_MAPPED,		/* no VMA covers the address */
	NOT_PRESENT,		/* a VMA, but an empty entry on the way */
	PRESENT,
	SWAPPED,
	MIGRATING,
	DEVICE_PRIVATE,
	DEVICE_EXCLUSIVE,
	HWPOISON,
	MARKER,			/* a PTE marker (userfaultfd, swap-in error) */
	UNKNOWN,		/* any other entry that is not present */
	BAD,			/* a corrupt table entry */
	CHANGED,		/* the tables kept changing under the walk */
};

struct translation {
	enum verdict verdict;
	const char *level;		/* the level that decided */
	unsigned long raw;		/* that level's entry */
	unsigned long pfn;		/* the 4 KiB frame holding the address */
	unsigned long page_size;	/* of a present page */
	bool protnone;			/* present, but no access allowed */
	swp_entry_t swap;
};

static void show_entry(bool verbose, const char *name, const void *entry,
		       unsigned long val)
{
	if (verbose)
		pr_info("%s: entry at 0x%px = 0x%016lx\n", name, entry, val);
}

static int stop(struct translation *t, enum verdict what,
		const char *level, unsigned long raw)
{
	t->verdict = what;
	t->level = level;
	t->raw = raw;
	return 0;
}

/* A present leaf of @size bytes starting at frame @pfn maps @va. */
static int leaf(struct translation *t, const char *level, unsigned long raw,
		unsigned long pfn, unsigned long size, unsigned long va)
{
	stop(t, PRESENT, level, raw);
	t->page_size = size;
	t->pfn = pfn + ((va & (size - 1)) >> PAGE_SHIFT);
	return 0;
}

/* An entry that is neither empty nor present: what does it encode? */
static int not_present(struct translation *t, const char *level,
		       unsigned long raw, swp_entry_t entry)
{
	enum verdict verdict = SWAPPED;

	if (is_migration_entry(entry))
		verdict = MIGRATING;
	else if (is_device_private_entry(entry))
		verdict = DEVICE_PRIVATE;
	else if (is_device_exclusive_entry(entry))
		verdict = DEVICE_EXCLUSIVE;
	else if (is_hwpoison_entry(entry))
		verdict = HWPOISON;
	else if (is_pte_marker_entry(entry))
		verdict = MARKER;
	else if (non_swap_entry(entry))
		verdict = UNKNOWN;
	stop(t, verdict, level, raw);
	t->swap = entry;
	if (is_pfn_swap_entry(entry))
		t->pfn = swp_offset_pfn(entry);
	return 0;
}

/*
 * Walk @mm's tables for @va, filling @t; with @verbose, log every level.
 * -EAGAIN when the PMD stopped pointing to a PTE table during the walk.
 */
static int walk(struct mm_struct *mm, unsigned long va, bool verbose,
		struct translation *t)
{
	pgd_t *pgdp, pgd;
	p4d_t *p4dp, p4d;
	pud_t *pudp, pud;
	pmd_t *pmdp, pmd;
	pte_t *ptep, pte;

	pgdp = pgd_offset(mm, va);
	pgd = READ_ONCE(*pgdp);
	show_entry(verbose, "Page Global Directory", pgdp, pgd_val(pgd));
	if (pgd_none(pgd))
		return stop(t, NOT_PRESENT, "PGD", pgd_val(pgd));
	if (pgd_bad(pgd))
		return stop(t, BAD, "PGD", pgd_val(pgd));

	/* With 4-level paging the P4D is the PGD entry itself. */
	p4dp = p4d_offset(pgdp, va);
	p4d = READ_ONCE(*p4dp);
	if (mm_p4d_folded(mm)) {
		if (verbose)
			pr_info("P4D: folded into the Page Global Directory (4-level paging)\n");
	} else {
		show_entry(verbose, "P4D", p4dp, p4d_val(p4d));
	}
	if (p4d_none(p4d))
		return stop(t, NOT_PRESENT, "P4D", p4d_val(p4d));
	if (p4d_bad(p4d))
		return stop(t, BAD, "P4D", p4d_val(p4d));

	pudp = pud_offset(p4dp, va);
	pud = READ_ONCE(*pudp);
	show_entry(verbose, "Page Upper Directory", pudp, pud_val(pud));
	if (pud_none(pud))
		return stop(t, NOT_PRESENT, "PUD", pud_val(pud));
	if (!pud_present(pud))
		return stop(t, UNKNOWN, "PUD", pud_val(pud));
	if (pud_leaf(pud))
		return leaf(t, "PUD", pud_val(pud), pud_pfn(pud), PUD_SIZE, va);
	if (pud_bad(pud))
		return stop(t, BAD, "PUD", pud_val(pud));

	pmdp = pmd_offset(pudp, va);
	pmd = READ_ONCE(*pmdp);
	show_entry(verbose, "Page Middle Directory", pmdp, pmd_val(pmd));
	if (pmd_none(pmd))
		return stop(t, NOT_PRESENT, "PMD", pmd_val(pmd));
	/* Swap-format PMDs (migration) exist only with THP migration. */
	if (!pmd_present(pmd)) {
		if (!IS_ENABLED(CONFIG_ARCH_ENABLE_THP_MIGRATION))
			return stop(t, UNKNOWN, "PMD", pmd_val(pmd));
		return not_present(t, "PMD", pmd_val(pmd), pmd_to_swp_entry(pmd));
	}
	if (pmd_leaf(pmd)) {
		t->protnone = pmd_protnone(pmd);
		return leaf(t, "PMD", pmd_val(pmd), pmd_pfn(pmd), PMD_SIZE, va);
	}
	if (pmd_bad(pmd))
		return stop(t, BAD, "PMD", pmd_val(pmd));

	if (!lkm_read_pte(pmdp, va, &pte, &ptep))
		return -EAGAIN;
	show_entry(verbose, "Page Table Entry", ptep, pte_val(pte));
	if (pte_none(pte))
		return stop(t, NOT_PRESENT, "PTE", pte_val(pte));
	if (!pte_present(pte))
		return not_present(t, "PTE", pte_val(pte), pte_to_swp_entry(pte));
	t->protnone = pte_protnone(pte);
	return leaf(t, "PTE", pte_val(pte), pte_pfn(pte), PAGE_SIZE, va);
}

#define NOTE_NO_ACCESS "no access: PROT_NONE, or a NUMA balancing hint"
#define NOTE_ZERO_PAGE "the shared zero page: read, never written"

static const char *size_name(unsigned long size)
{
	return size == PUD_SIZE ? "1 GiB" : size == PMD_SIZE ? "2 MiB" : "4 KiB";
}

/* What is at the address, when no page is present: one phrase. */
static void describe(const struct translation *t, char *buf, size_t len)
{
	switch (t->verdict) {
	case NOT_MAPPED:
		snprintf(buf, len, "not mapped: no VMA covers it");
		break;
	case NOT_PRESENT:
		snprintf(buf, len, "not present: its %s entry is empty (%s)",
			 t->level, "never touched, or dropped from memory");
		break;
	case SWAPPED:
		snprintf(buf, len, "swapped out: swap type %u, offset 0x%lx",
			 swp_type(t->swap), swp_offset(t->swap));
		break;
	case MIGRATING:
		snprintf(buf, len, "being migrated: migration entry for PFN 0x%lx", t->pfn);
		break;
	case DEVICE_PRIVATE:
		snprintf(buf, len, "in device-private memory: PFN 0x%lx", t->pfn);
		break;
	case DEVICE_EXCLUSIVE:
		snprintf(buf, len, "held exclusively by a device: PFN 0x%lx", t->pfn);
		break;
	case HWPOISON:
		snprintf(buf, len, "hardware-poisoned: its page was lost to a memory error");
		break;
	case MARKER:
		snprintf(buf, len, "not present: a PTE marker holds its place (%s)",
			 "userfaultfd or a swap-in error");
		break;
	case UNKNOWN:
		snprintf(buf, len, "not present: unknown non-present %s entry 0x%lx",
			 t->level, t->raw);
		break;
	case BAD:
		snprintf(buf, len, "unreadable: corrupt %s entry 0x%lx", t->level, t->raw);
		break;
	case CHANGED:
		snprintf(buf, len, "unknown: its page tables kept changing during the walk");
		break;
	case PRESENT:
		snprintf(buf, len, "present, PFN 0x%lx, %s%s%s", t->pfn,
			 size_name(t->page_size), t->protnone ? ", " NOTE_NO_ACCESS : "",
			 is_zero_pfn(t->pfn) ? ", " NOTE_ZERO_PAGE : "");
		break;
	}
}

static void show_vma(struct mm_struct *mm, struct vm_area_struct *vma)
{
	const char *name = "anonymous";
	char flags[] = {
		vma->vm_flags & VM_READ ? 'r' : '-',
		vma->vm_flags & VM_WRITE ? 'w' : '-',
		vma->vm_flags & VM_EXEC ? 'x' : '-',
		vma->vm_flags & VM_MAYSHARE ? 's' : 'p',
		'\0'
	};
	const char *huge = is_vm_hugetlb_page(vma) ? " (hugetlb)" : "";

	if (vma->vm_file) {
		pr_info("VMA: 0x%lx-0x%lx %s %pD%s\n", vma->vm_start, vma->vm_end,
			flags, vma->vm_file, huge);
		return;
	}
	if (vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk)
		name = "[heap]";
	else if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
		name = "[stack]";
	else if (vma->vm_ops && vma->vm_ops->name)
		name = vma->vm_ops->name(vma);
	pr_info("VMA: 0x%lx-0x%lx %s %s%s\n", vma->vm_start, vma->vm_end, flags,
		name ?: "anonymous", huge);
}

/* Translate one address and log the result: in full, or as one line. */
static void translate(struct mm_struct *mm, unsigned long va, bool verbose)
{
	struct translation t = { .verdict = CHANGED };
	struct vm_area_struct *vma;
	char what[128];
	phys_addr_t pa;
	int tries;

	vma = vma_lookup(mm, va);
	if (!vma) {
		t.verdict = NOT_MAPPED;
	} else {
		if (verbose)
			show_vma(mm, vma);
		for (tries = 0; tries < 3; tries++)
			if (walk(mm, va, verbose && !tries, &t) != -EAGAIN)
				break;
		/*
		 * PROT_NONE is a property of the mapping; pte_protnone() also
		 * catches NUMA balancing hints, but is 0 on kernels without
		 * NUMA balancing (PREEMPT_RT 6.1, for one).
		 */
		if (!(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
			t.protnone = true;
	}

	describe(&t, what, sizeof(what));
	if (!verbose) {
		pr_info("0x%lx: %s\n", va, what);
		return;
	}
	if (t.verdict != PRESENT) {
		pr_info("The address 0x%lx is %s\n", va, what);
		return;
	}
	pa = PFN_PHYS(t.pfn) + offset_in_page(va);
	pr_info("The address 0x%lx is valid\n", va);
	pr_info("Page Frame Number: 0x%lx\n", t.pfn);
	pr_info("Physical Address: %pa\n", &pa);
	pr_info("Page size: %s\n", size_name(t.page_size));
	if (t.protnone)
		pr_info("The page is mapped with " NOTE_NO_ACCESS "\n");
	if (is_zero_pfn(t.pfn))
		pr_info("The page is " NOTE_ZERO_PAGE "\n");
}

static int __init lkm4_init(void)
{
	struct task_struct *task;
	struct mm_struct *mm;
	unsigned long va, last;
	int ret, i;

	if (!pid) {
		pr_err("pid= is required: the process whose address to translate\n");
		return -EINVAL;
	}
	if (!addr) {
		pr_err("addr= is required: the user virtual address to translate\n");
		return -EINVAL;
	}
	if (kstrtoul(addr, 0, &va)) {
		pr_err("addr=%s is not an address: give hex with 0x, or decimal\n", addr);
		return -EINVAL;
	}
	if (count < 1 || count > MAX_COUNT) {
		pr_err("count=%d is out of range: 1 to %d pages\n", count, MAX_COUNT);
		return -EINVAL;
	}

	mm = lkm_get_task_mm(pid, &task);
	if (IS_ERR(mm))
		return PTR_ERR(mm);

	/* User space ends at task_size; above it (or non-canonical) is not ours. */
	last = va + (unsigned long)(count - 1) * PAGE_SIZE;
	if (va >= mm->task_size || last >= mm->task_size || last < va) {
		pr_err("addr=0x%lx%s is not a user address: user space ends at 0x%lx\n",
		       va >= mm->task_size ? va : last,
		       va >= mm->task_size ? "" : " (the last of count pages)",
		       mm->task_size);
		ret = -EINVAL;
		goto put_mm;
	}

	ret = mmap_read_lock_killable(mm);
	if (ret)
		goto put_mm;
	pr_info("Pid: %d Address: 0x%lx%s\n", pid, va, count > 1 ? " (and following pages)" : "");
	pr_info("Task: %s\n", task->comm);
	for (i = 0; i < count; i++) {
		translate(mm, va + (unsigned long)i * PAGE_SIZE, count == 1);
		cond_resched();
	}
	mmap_read_unlock(mm);

put_mm:
	mmput(mm);
	put_task_struct(task);
	return ret;
}

static void __exit lkm4_exit(void)
{
	pr_info("unloaded\n");
}

module_init(lkm4_init);
module_exit(lkm4_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("lkm suite maintainers");
MODULE_DESCRIPTION("Walk a process's page tables for a virtual address and translate it");
