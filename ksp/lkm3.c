// SPDX-License-Identifier: GPL-2.0
/*
 * lkm3.c - where a task's kernel stack is.
 *
 *   insmod lkm3.ko [pid=N]   (default 1, init)
 *
 * Logs the base of the task's kernel stack (task_stack_page(), the lowest
 * address of its THREAD_SIZE bytes), the stack pointer it saved when it last
 * left a CPU, and whether that pointer lies inside the stack.
 *
 * The addresses are printed unhashed on purpose: they are the point of the
 * module. They reveal where the kernel put its stacks (defeating KASLR for
 * whoever reads them), which is why the kernel log is root-only on Debian
 * (kernel.dmesg_restrict=1).
 *
 * Only the pointer values are read, never the stack memory, so the task
 * reference is all that is needed: a task that has exited has its stack
 * freed and task->stack cleared, and that is reported, not followed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>

#include "lkm_compat.h"
#include "lkm_task.h"

static int pid = 1;
module_param(pid, int, 0444);
MODULE_PARM_DESC(pid, "Thread whose kernel stack to show (default: 1, init)");

static int __init lkm3_init(void)
{
	unsigned long base, sp;
	struct task_struct *task;
	int ret = 0;

	task = lkm_get_task(pid);
	if (IS_ERR(task))
		return PTR_ERR(task);

	base = (unsigned long)task_stack_page(task);
	if (!base) {
		pr_err("pid %d (%s) has exited: its kernel stack is freed\n",
		       pid, task->comm);
		ret = -ESRCH;
		goto out;
	}
	sp = lkm_saved_kernel_sp(task);

	pr_info("PID: %d has kernel stack at 0x%px\n", pid, (void *)base);
	pr_info("%s: stack 0x%px-0x%px (%lu bytes), saved sp 0x%px, %s the stack\n",
		task->comm, (void *)base, (void *)(base + THREAD_SIZE),
		THREAD_SIZE, (void *)sp,
		sp >= base && sp < base + THREAD_SIZE ? "inside" : "OUTSIDE");
out:
	put_task_struct(task);
	return ret;
}

static void __exit lkm3_exit(void)
{
	pr_info("unloaded\n");
}

module_init(lkm3_init);
module_exit(lkm3_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(LKM_VERSION);
MODULE_AUTHOR("lkm suite maintainers");
MODULE_DESCRIPTION("Show where a task's kernel stack is and its saved stack pointer");
