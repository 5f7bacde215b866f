/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lkm_task.h - from a pid= parameter to a task and its address space, with
 * the suite's errors. Each failure logs one pr_err line (prefixed by the
 * including module's pr_fmt) and returns the errno its init should return.
 */
#ifndef LKM_TASK_H
#define LKM_TASK_H

#include <linux/err.h>
#include <linux/pid.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>

/*
 * lkm_find_task - the thread @nr of the caller's pid namespace with a
 * reference (put_task_struct() it), or NULL; logs nothing, for callers
 * such as ioctls that answer with an errno instead.
 */
static inline struct task_struct *lkm_find_task(int nr)
{
	struct pid *pid = find_get_pid(nr);
	struct task_struct *task = get_pid_task(pid, PIDTYPE_PID);

	put_pid(pid);
	return task;
}

/*
 * lkm_find_mm - the user address space of @task with a reference (mmput()
 * it); -EINVAL for a kernel thread, -ESRCH for a task that has exited or
 * is exiting. Logs nothing.
 */
static inline struct mm_struct *lkm_find_mm(struct task_struct *task)
{
	struct mm_struct *mm;

	if (task->flags & PF_KTHREAD)
		return ERR_PTR(-EINVAL);
	mm = get_task_mm(task);
	return mm ?: ERR_PTR(-ESRCH);
}

/*
 * lkm_get_task - the thread @nr of the caller's pid namespace (a process id
 * names its main thread), with a reference: put_task_struct() it.
 * -EINVAL for a number that cannot be a pid, -ESRCH when there is none.
 */
static inline struct task_struct *lkm_get_task(int nr)
{
	struct task_struct *task;

	if (nr <= 0) {
		pr_err("pid=%d is not a process id: it must be positive\n", nr);
		return ERR_PTR(-EINVAL);
	}
	task = lkm_find_task(nr);
	if (!task) {
		pr_err("pid=%d: no such process\n", nr);
		return ERR_PTR(-ESRCH);
	}
	return task;
}

/*
 * lkm_get_mm - the user address space of @task, with a reference: mmput()
 * it. Kernel threads have none (-EINVAL); a task that is exiting or a zombie
 * has already dropped its own (-ESRCH).
 */
static inline struct mm_struct *lkm_get_mm(struct task_struct *task)
{
	struct mm_struct *mm = lkm_find_mm(task);

	if (PTR_ERR_OR_ZERO(mm) == -EINVAL)
		pr_err("pid %d (%s) is a kernel thread and has no user address space\n",
		       task_pid_vnr(task), task->comm);
	else if (IS_ERR(mm))
		pr_err("pid %d (%s) has exited and has no user address space any more\n",
		       task_pid_vnr(task), task->comm);
	return mm;
}

/*
 * lkm_get_task_mm - lkm_get_task() then lkm_get_mm(): the address space of
 * process @nr with a reference, and in *@taskp its task with another. On
 * success put both (mmput, then put_task_struct); on error there is none.
 */
static inline struct mm_struct *lkm_get_task_mm(int nr, struct task_struct **taskp)
{
	struct task_struct *task = lkm_get_task(nr);
	struct mm_struct *mm;

	if (IS_ERR(task))
		return ERR_CAST(task);
	mm = lkm_get_mm(task);
	if (IS_ERR(mm))
		put_task_struct(task);
	else
		*taskp = task;
	return mm;
}

#endif /* LKM_TASK_H */
