// SPDX-License-Identifier: GPL-2.0
/*
 * lkm5.c - how big a process is.
 *
 *   insmod lkm5.ko pid=N
 *
 * Logs its virtual size (every page its mappings cover, mm->total_vm) and
 * its resident size (the pages actually in memory), split into anonymous,
 * file-backed and shared-memory pages: the VmSize, VmRSS, RssAnon, RssFile
 * and RssShmem lines of /proc/<pid>/status, read the same way. Then how
 * much of it is anonymous transparent huge pages, 2 MiB each: AnonHugePages
 * of /proc/<pid>/smaps_rollup, found by walking the page tables.
 *
 * The two differ because memory is allocated lazily: mmap() only reserves
 * addresses, and a page becomes resident when it is first touched.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>

#include "lkm_compat.h"
#include "lkm_mem.h"
#include "lkm_task.h"

static int pid;
module_param(pid, int, 0444);
MODULE_PARM_DESC(pid, "Process to measure (required)");

static unsigned long pages_to_kib(unsigned long pages)
{
	return pages << (PAGE_SHIFT - 10);
}

static int __init lkm5_init(void)
{
	unsigned long anon, file, shmem, total_vm, thp;
	struct task_struct *task;
	struct mm_struct *mm;
	int err;

	if (!pid) {
		pr_err("pid= is required: the id of the process to measure\n");
		return -EINVAL;
	}
	mm = lkm_get_task_mm(pid, &task);
	if (IS_ERR(mm))
		return PTR_ERR(mm);

	/* No lock, as in /proc/<pid>/status: each figure is one counter. */
	anon = lkm_mm_counter(mm, MM_ANONPAGES);
	file = lkm_mm_counter(mm, MM_FILEPAGES);
	shmem = lkm_mm_counter(mm, MM_SHMEMPAGES);
	total_vm = lkm_vm_pages(mm);
	err = lkm_count_thp(mm, &thp);
	if (err) {
		pr_err("interrupted while waiting for the memory map of pid %d\n", pid);
		goto out;
	}

	pr_info("PID: %d (%s)\n", pid, task->comm);
	pr_info("rss size: %lu KiB  vm size: %lu KiB\n",
		pages_to_kib(anon + file + shmem), pages_to_kib(total_vm));
	pr_info("rss anon: %lu KiB  file: %lu KiB  shmem: %lu KiB\n",
		pages_to_kib(anon), pages_to_kib(file), pages_to_kib(shmem));
	pr_info("thp: %lu huge pages, %lu KiB\n",
		thp, pages_to_kib(thp << (PMD_SHIFT - PAGE_SHIFT)));
out:
	mmput(mm);
	put_task_struct(task);
	return err;
}

static void __exit lkm5_exit(void)
{
	pr_info("unloaded\n");
}

module_init(lkm5_init);
module_exit(lkm5_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(LKM_VERSION);
MODULE_AUTHOR("lkm suite maintainers");
MODULE_DESCRIPTION("Show the virtual and resident size of a process");
