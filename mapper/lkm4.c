// SPDX-License-Identifier: GPL-2.0
/*
 * lkm4.c - translate a user virtual address of a process into a physical
 * address by walking the process's page tables, and say what is there when
 * no page is.
 *
 *   insmod lkm4.ko pid=N addr=0x7ffd... [count=16]
 *
 * The walk itself is the suite's shared one, include/lkm_walk.h, which
 * explains the levels; this module pins the task and its mm, holds the mmap
 * lock for reading, and logs what the walk read and decided.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hugetlb.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>

#include "lkm_task.h"
#include "lkm_walk.h"

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
	struct vm_area_struct *vma = vma_lookup(mm, va);
	struct lkm_translation t;
	char what[128];
	phys_addr_t pa;

	if (vma && verbose)
		show_vma(mm, vma);
	lkm_translate(mm, vma, va, verbose, &t);

	lkm_describe(&t, what, sizeof(what));
	if (!verbose) {
		pr_info("0x%lx: %s\n", va, what);
		return;
	}
	if (t.verdict != LKM_PRESENT) {
		pr_info("The address 0x%lx is %s\n", va, what);
		return;
	}
	pa = PFN_PHYS(t.pfn) + offset_in_page(va);
	pr_info("The address 0x%lx is valid\n", va);
	pr_info("Page Frame Number: 0x%lx\n", t.pfn);
	pr_info("Physical Address: %pa\n", &pa);
	pr_info("Page size: %s\n", lkm_page_size_name(t.page_size));
	if (t.protnone)
		pr_info("The page is mapped with " LKM_NOTE_NO_ACCESS "\n");
	if (is_zero_pfn(t.pfn))
		pr_info("The page is " LKM_NOTE_ZERO_PAGE "\n");
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
MODULE_VERSION(LKM_VERSION);
MODULE_AUTHOR("lkm suite maintainers");
MODULE_DESCRIPTION("Walk a process's page tables for a virtual address and translate it");
