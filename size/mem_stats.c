// SPDX-License-Identifier: GPL-2.0
/*
 * mem_stats.c - watch a process's memory live, from sysfs.
 *
 *   insmod mem_stats.ko
 *   echo 1234 > /sys/kernel/mem_stats/pid
 *   echo M > /sys/kernel/mem_stats/unit
 *   cat /sys/kernel/mem_stats/virtmem /sys/kernel/mem_stats/physmem
 *
 * Every read measures again: virtmem and physmem are VmSize and VmRSS of
 * /proc/<pid>/status, thp the AnonHugePages of /proc/<pid>/smaps_rollup as
 * a count of 2 MiB pages and a size. Reading them in a loop while a program
 * runs shows lazy allocation happen: mmap() grows the virtual size only,
 * each first touch of a page grows the resident size, a transparent huge
 * page arrives 2 MiB at a time.
 *
 * The target is held as a struct pid, not a number: once it exits the reads
 * fail with ESRCH, even after its number has been given to a new process.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "lkm_mem.h"
#include "lkm_task.h"

/*
 * What the files share: the target and the unit, written and read together
 * under one mutex. A read copies both (with a reference on the pid) and
 * measures outside it, so a slow measurement never holds up the writers.
 */
static DEFINE_MUTEX(mem_stats_lock);
static struct pid *target;	/* NULL until a pid is written */
static char unit = 'K';		/* B, K or M */

static struct kobject *mem_stats_kobj;

/* @pages in @u, rounded down: M shows whole MiB, as VmRSS shows whole KiB. */
static u64 pages_in(unsigned long pages, char u)
{
	u64 bytes = (u64)pages << PAGE_SHIFT;

	return u == 'B' ? bytes : u == 'M' ? bytes >> 20 : bytes >> 10;
}

/*
 * The target's address space, with a reference (mmput it), and in *@u the
 * unit to show it in. -ENODATA when no pid was written; -ESRCH when the
 * process has exited (even if its number now belongs to another one).
 */
static struct mm_struct *target_mm(char *u)
{
	struct task_struct *task;
	struct mm_struct *mm;
	struct pid *pid;

	mutex_lock(&mem_stats_lock);
	pid = get_pid(target);
	*u = unit;
	mutex_unlock(&mem_stats_lock);
	if (!pid)
		return ERR_PTR(-ENODATA);

	task = get_pid_task(pid, PIDTYPE_PID);
	put_pid(pid);
	if (!task)
		return ERR_PTR(-ESRCH);
	mm = get_task_mm(task);
	put_task_struct(task);
	return mm ?: ERR_PTR(-ESRCH);
}

/*
 * The target's number in the reader's pid namespace: 0 when it is not
 * visible there. After it exits this still shows the number it had (the
 * struct pid keeps it), while the sizes fail with ESRCH.
 */
static ssize_t pid_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	int nr = -1;

	mutex_lock(&mem_stats_lock);
	if (target)
		nr = pid_vnr(target);
	mutex_unlock(&mem_stats_lock);
	return sysfs_emit(buf, "%d\n", nr);
}

/*
 * A process id in the writer's pid namespace (or a thread's: the reads then
 * last as long as that thread), or -1 to forget the target. Refused, and
 * the old target kept: not a number, or too big for one (EINVAL); 0 or
 * below -1 (EINVAL); no such process (ESRCH); a kernel thread (EINVAL); a
 * process that has exited (ESRCH).
 */
static ssize_t pid_store(struct kobject *kobj, struct kobj_attribute *attr,
			 const char *buf, size_t count)
{
	struct task_struct *task;
	struct pid *pid = NULL;
	struct mm_struct *mm;
	int nr;

	if (kstrtoint(buf, 10, &nr)) {
		pr_err("pid: not a process id: write a number, or -1 to forget the process\n");
		return -EINVAL;
	}
	if (nr != -1) {
		mm = lkm_get_task_mm(nr, &task);
		if (IS_ERR(mm))
			return PTR_ERR(mm);
		mmput(mm);
		pid = get_task_pid(task, PIDTYPE_PID);
		put_task_struct(task);
		/* Reaped since the lookup: its struct pid is detached. */
		if (!pid) {
			pr_err("pid=%d: no such process\n", nr);
			return -ESRCH;
		}
	}

	mutex_lock(&mem_stats_lock);
	swap(target, pid);
	mutex_unlock(&mem_stats_lock);
	put_pid(pid);
	return count;
}

static ssize_t unit_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	char u;

	mutex_lock(&mem_stats_lock);
	u = unit;
	mutex_unlock(&mem_stats_lock);
	return sysfs_emit(buf, "%c\n", u);
}

static ssize_t unit_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	char u;

	if (sysfs_streq(buf, "B")) {
		u = 'B';
	} else if (sysfs_streq(buf, "K")) {
		u = 'K';
	} else if (sysfs_streq(buf, "M")) {
		u = 'M';
	} else {
		pr_err("unit: must be B, K or M\n");
		return -EINVAL;
	}
	mutex_lock(&mem_stats_lock);
	unit = u;
	mutex_unlock(&mem_stats_lock);
	return count;
}

static ssize_t virtmem_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct mm_struct *mm;
	u64 size;
	char u;

	mm = target_mm(&u);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	size = pages_in(lkm_vm_pages(mm), u);
	mmput(mm);
	return sysfs_emit(buf, "%llu\n", size);
}

static ssize_t physmem_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct mm_struct *mm;
	u64 size;
	char u;

	mm = target_mm(&u);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	size = pages_in(lkm_rss_pages(mm), u);
	mmput(mm);
	return sysfs_emit(buf, "%llu\n", size);
}

/* "<count> <size>": huge pages, and what they hold in the unit. */
static ssize_t thp_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	unsigned long thp;
	struct mm_struct *mm;
	int err;
	char u;

	mm = target_mm(&u);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	err = lkm_count_thp(mm, &thp);
	mmput(mm);
	if (err)
		return err;
	return sysfs_emit(buf, "%lu %llu\n", thp,
			  pages_in(thp << (PMD_SHIFT - PAGE_SHIFT), u));
}

static struct kobj_attribute pid_attr = __ATTR_RW(pid);
static struct kobj_attribute unit_attr = __ATTR_RW(unit);
static struct kobj_attribute virtmem_attr = __ATTR_RO(virtmem);
static struct kobj_attribute physmem_attr = __ATTR_RO(physmem);
static struct kobj_attribute thp_attr = __ATTR_RO(thp);

static struct attribute *mem_stats_attrs[] = {
	&pid_attr.attr,
	&unit_attr.attr,
	&virtmem_attr.attr,
	&physmem_attr.attr,
	&thp_attr.attr,
	NULL,
};

static const struct attribute_group mem_stats_group = {
	.attrs = mem_stats_attrs,
};

static int __init mem_stats_init(void)
{
	int err;

	mem_stats_kobj = kobject_create_and_add("mem_stats", kernel_kobj);
	if (!mem_stats_kobj) {
		pr_err("cannot create /sys/kernel/mem_stats\n");
		return -ENOMEM;
	}
	err = sysfs_create_group(mem_stats_kobj, &mem_stats_group);
	if (err) {
		pr_err("cannot create the files of /sys/kernel/mem_stats: %d\n", err);
		goto put_kobj;
	}
	pr_info("created /sys/kernel/mem_stats\n");
	return 0;

put_kobj:
	kobject_put(mem_stats_kobj);
	return err;
}

/*
 * kobject_del() removes the directory now, waiting until no show() or
 * store() is running (the files' active references drain); a new read of
 * a file still open fails with ENODEV afterwards. kobject_put() alone
 * could leave that to a delayed release (CONFIG_DEBUG_KOBJECT_RELEASE),
 * after the module and the target are gone. Only then is the target let go.
 */
static void __exit mem_stats_exit(void)
{
	kobject_del(mem_stats_kobj);
	kobject_put(mem_stats_kobj);
	put_pid(target);
	pr_info("unloaded\n");
}

module_init(mem_stats_init);
module_exit(mem_stats_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(LKM_VERSION);
MODULE_AUTHOR("lkm suite maintainers");
MODULE_DESCRIPTION("Live virtual, resident and huge-page size of a process in /sys/kernel/mem_stats");
