// SPDX-License-Identifier: GPL-2.0
/*
 * lkm1.c - which processes are running.
 *
 *   insmod lkm1.ko        every process with a thread running or runnable
 *                         (TASK_RUNNING: on a CPU or waiting for one), and
 *                         how many of its threads are
 *   insmod lkm1.ko pid=N  the children of process N and the state of each,
 *                         as the STAT column of ps shows it
 *
 * Both walk the task list under rcu_read_lock(): for_each_process() and
 * for_each_thread() are safe there, and nothing in the walk sleeps.
 * At most MAX_ROWS rows are logged; past that the walk only counts, so a
 * machine with ten thousand processes gets a summary, not a printk flood.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>

#include "lkm_task.h"

#define MAX_ROWS 100

static int pid;
static bool pid_given;

/* Note that pid= was given at all, so that pid=0 is an error, not "none". */
static int pid_set(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_int(val, kp);

	if (!ret)
		pid_given = true;
	return ret;
}

static const struct kernel_param_ops pid_ops = {
	.set = pid_set,
	.get = param_get_int,
};
module_param_cb(pid, &pid_ops, &pid, 0444);
MODULE_PARM_DESC(pid, "List the children of this process instead of the running processes");

/* The summary line for the rows past MAX_ROWS of a list of @rows. */
static void show_unlisted(int rows)
{
	if (rows > MAX_ROWS)
		pr_info("... and %d more, not listed (at most %d rows are logged)\n",
			rows - MAX_ROWS, MAX_ROWS);
}

static void list_running(void)
{
	struct task_struct *p, *t;
	int procs = 0;

	pr_info("PID     PROC             RUNNABLE\n");
	rcu_read_lock();
	for_each_process(p) {
		int runnable = 0;

		for_each_thread(p, t)
			if (task_is_running(t))
				runnable++;
		if (!runnable)
			continue;
		if (procs++ < MAX_ROWS)
			pr_info("%-7d %-16s %d\n", task_pid_vnr(p), p->comm, runnable);
	}
	rcu_read_unlock();
	show_unlisted(procs);
	pr_info("%d processes with running or runnable threads\n", procs);
}

/*
 * A child is a process whose real_parent belongs to @parent's thread group:
 * the PPID that ps shows. The kernel's own children lists are per thread and
 * guarded by tasklist_lock, which modules cannot take.
 */
static void list_children(struct task_struct *parent)
{
	struct task_struct *p;
	int children = 0;

	rcu_read_lock();
	for_each_process(p) {
		if (!same_thread_group(rcu_dereference(p->real_parent), parent))
			continue;
		if (!children++) {
			pr_info("children of %d (%s):\n", task_pid_vnr(parent), parent->comm);
			pr_info("PID     PROC             STATE\n");
		}
		if (children <= MAX_ROWS)
			pr_info("%-7d %-16s %c\n", task_pid_vnr(p), p->comm,
				task_state_to_char(p));
	}
	rcu_read_unlock();

	show_unlisted(children);
	if (children)
		pr_info("%d children\n", children);
	else
		pr_info("%d (%s) has no children\n", task_pid_vnr(parent), parent->comm);
}

static int __init lkm1_init(void)
{
	struct task_struct *parent;

	if (!pid_given) {
		list_running();
		return 0;
	}
	parent = lkm_get_task(pid);
	if (IS_ERR(parent))
		return PTR_ERR(parent);
	list_children(parent);
	put_task_struct(parent);
	return 0;
}

static void __exit lkm1_exit(void)
{
	pr_info("unloaded\n");
}

module_init(lkm1_init);
module_exit(lkm1_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(LKM_VERSION);
MODULE_AUTHOR("lkm suite maintainers");
MODULE_DESCRIPTION("List running processes, or the children of one process and their states");
