// SPDX-License-Identifier: GPL-2.0
/*
 * lkm2.c - the process with the largest heap: the one whose program break
 * has moved furthest from where it started, mm->brk - mm->start_brk, as
 * brk(2) and sbrk(3) move it. Kernel threads have no heap and are skipped.
 *
 * Reading a process's mm may sleep (get_task_mm's mmput, the mmap lock), so
 * the walk cannot stay inside one RCU read-side section. It steps through
 * the pid numbers with find_ge_pid() instead: RCU only to find the next
 * process and take a reference on it, the sleeping work outside.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>

/* The heap of @task in bytes, 0 when it has no address space. */
static int heap_bytes(struct task_struct *task, unsigned long *bytes)
{
	struct mm_struct *mm = get_task_mm(task);

	*bytes = 0;
	if (!mm)
		return 0;
	/* brk(2) moves both under the mmap lock; read them as one pair. */
	if (mmap_read_lock_killable(mm)) {
		mmput(mm);
		return -EINTR;
	}
	*bytes = mm->brk - mm->start_brk;
	mmap_read_unlock(mm);
	mmput(mm);
	return 0;
}

/* The next process from pid number *nr on, with a reference, or NULL. */
static struct task_struct *next_process(struct pid_namespace *ns, int *nr)
{
	struct task_struct *task = NULL;
	struct pid *pid;

	rcu_read_lock();
	while (!task && (pid = find_ge_pid(*nr, ns))) {
		*nr = pid_nr_ns(pid, ns) + 1;
		/* Thread ids and just-exited processes have no TGID task. */
		task = pid_task(pid, PIDTYPE_TGID);
	}
	if (task)
		get_task_struct(task);
	rcu_read_unlock();
	return task;
}

static int __init lkm2_init(void)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	char comm[TASK_COMM_LEN] = "";
	unsigned long max_bytes = 0, bytes;
	struct task_struct *task;
	pid_t max_pid = 0;
	int nr = 1, ret;

	while ((task = next_process(ns, &nr))) {
		ret = heap_bytes(task, &bytes);
		if (!ret && bytes > max_bytes) {
			max_bytes = bytes;
			max_pid = task_tgid_vnr(task);
			get_task_comm(comm, task);
		}
		put_task_struct(task);
		if (ret) {
			pr_err("interrupted while reading pid %d\n", nr - 1);
			return ret;
		}
		cond_resched();
	}

	if (max_pid)
		pr_info("PID: %d has max heap usage with: %lu bytes (%s)\n",
			max_pid, max_bytes, comm);
	else
		pr_info("no process has a heap\n");
	return 0;
}

static void __exit lkm2_exit(void)
{
	pr_info("unloaded\n");
}

module_init(lkm2_init);
module_exit(lkm2_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(LKM_VERSION);
MODULE_AUTHOR("lkm suite maintainers");
MODULE_DESCRIPTION("Find the process with the largest heap (brk - start_brk)");
