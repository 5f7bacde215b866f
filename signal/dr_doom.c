// SPDX-License-Identifier: GPL-2.0
/*
 * dr_doom.c - /dev/dr_doom: a control station is sent SIGCHLD when one of
 * its registered soldier processes exits, as if the soldier were its child.
 *
 * Nothing here edits the kernel's task lists (no reparenting): the module
 * watches the sched_process_exit tracepoint, and when the last thread of a
 * registered soldier goes, it records the exit status; a work item then
 * sends the station a SIGCHLD with the siginfo the kernel would have built.
 *
 * The tracepoint probe runs in the exiting task with preemption disabled,
 * where even spinlock_t and signal delivery may sleep on PREEMPT_RT. So it
 * only takes doom_lock (a raw spinlock), moves the soldier's record, which
 * was allocated when it registered, to the report queue, and queues the
 * work. Everything that may sleep or free (sending, put_pid, kfree) is done
 * by the work, in process context.
 *
 * Soldiers and stations are held as struct pid references, never numbers:
 * a reused pid number is a different struct pid and is never signalled.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/init.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include "dr_doom.h"

static unsigned int max_soldiers = 4096;
module_param(max_soldiers, uint, 0444);
MODULE_PARM_DESC(max_soldiers, "Registered soldiers in total, 1-65536 (default 4096)");

static unsigned int max_per_station = 1024;
module_param(max_per_station, uint, 0444);
MODULE_PARM_DESC(max_per_station, "Registered soldiers per station, 1-65536 (default 1024)");

#define MAX_SOLDIERS_LIMIT 65536

struct doom_station {
	struct hlist_node hash;		/* in doom_stations while in use */
	struct pid *pid;		/* the station process (its tgid) */
	struct list_head soldiers;	/* its registered soldiers */
	unsigned int nr_soldiers;
	unsigned int owed;		/* registered + queued reports */
	bool gone;			/* off the hash, on doom_dead_stations */
	struct list_head dead;
};

struct doom_soldier {
	struct hlist_node hash;		/* in doom_soldiers while registered */
	/* station->soldiers, then doom_reports or doom_dead_soldiers */
	struct list_head link;
	struct pid *pid;		/* the soldier process (its tgid) */
	struct doom_station *station;
	int exit_code;			/* as wait() sees it, set at exit */
	kuid_t uid;
};

/*
 * doom_lock protects everything below. A raw spinlock: the probe takes it
 * with preemption disabled, which a PREEMPT_RT spinlock_t must not be.
 * Nothing is allocated, freed or signalled while it is held.
 */
static DEFINE_RAW_SPINLOCK(doom_lock);
static DEFINE_HASHTABLE(doom_soldiers, 8);
static DEFINE_HASHTABLE(doom_stations, 6);
static unsigned int doom_nr_soldiers;
static LIST_HEAD(doom_reports);		/* exits to signal, in order */
static LIST_HEAD(doom_dead_soldiers);	/* records to free */
static LIST_HEAD(doom_dead_stations);

static void doom_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(doom_work, doom_work_fn);

static struct tracepoint *exit_tp;

/* Under doom_lock. */
static struct doom_soldier *find_soldier(struct pid *pid)
{
	struct doom_soldier *s;

	hash_for_each_possible(doom_soldiers, s, hash, (unsigned long)pid)
		if (s->pid == pid)
			return s;
	return NULL;
}

/* Under doom_lock. */
static struct doom_station *find_station(struct pid *pid)
{
	struct doom_station *st;

	hash_for_each_possible(doom_stations, st, hash, (unsigned long)pid)
		if (st->pid == pid)
			return st;
	return NULL;
}

/* Under doom_lock: retire a station, to be freed by the next work pass. */
static void station_retire(struct doom_station *st)
{
	hash_del(&st->hash);
	st->gone = true;
	list_add_tail(&st->dead, &doom_dead_stations);
}

/* Under doom_lock: one report fewer owed; an idle station is retired. */
static void station_settle(struct doom_station *st)
{
	if (!--st->owed)
		station_retire(st);
}

/* Under doom_lock: @s leaves its station's list (not the hash). */
static void soldier_leave(struct doom_soldier *s)
{
	list_del(&s->link);
	s->station->nr_soldiers--;
	doom_nr_soldiers--;
}

/*
 * Under doom_lock: the station process has exited. Its soldiers are
 * dropped and so are its queued reports: nothing is signalled.
 */
static void station_exited(struct doom_station *st)
{
	struct doom_soldier *s, *tmp;

	list_for_each_entry_safe(s, tmp, &st->soldiers, link) {
		hash_del(&s->hash);
		soldier_leave(s);
		list_add_tail(&s->link, &doom_dead_soldiers);
	}
	list_for_each_entry_safe(s, tmp, &doom_reports, link)
		if (s->station == st)
			list_move_tail(&s->link, &doom_dead_soldiers);
	st->owed = 0;
	station_retire(st);
}

/*
 * The exit status the way wait() reports it for a whole process. By the
 * time the last thread passes the tracepoint, every thread has been
 * through synchronize_group_exit(), so SIGNAL_GROUP_EXIT is set and
 * group_exit_code is final: the exit_group() code (from any thread), the
 * killing signal (| 0x80 after a core dump), or the last thread's own
 * exit() code.
 */
static int process_exit_code(struct task_struct *p)
{
	if (READ_ONCE(p->signal->flags) & SIGNAL_GROUP_EXIT)
		return READ_ONCE(p->signal->group_exit_code);
	return p->exit_code;
}

/*
 * sched_process_exit probe: runs for every exiting thread in the system,
 * in that thread (p == current), preemption disabled. Only the last thread
 * of a process (signal->live has reached 0) is of interest; if two threads
 * both see 0, the first to take the lock claims the records.
 */
static void doom_exit_probe(void *data, struct task_struct *p)
{
	struct doom_soldier *s;
	struct doom_station *st;
	struct pid *pid;
	bool queue = false;

	if (atomic_read(&p->signal->live))
		return;
	pid = task_tgid(p);

	raw_spin_lock(&doom_lock);
	s = find_soldier(pid);
	if (s) {
		hash_del(&s->hash);
		soldier_leave(s);
		s->exit_code = process_exit_code(p);
		rcu_read_lock();
		s->uid = task_uid(p);
		rcu_read_unlock();
		list_add_tail(&s->link, &doom_reports);
		queue = true;
	}
	st = find_station(pid);
	if (st) {
		station_exited(st);
		queue = true;
	}
	raw_spin_unlock(&doom_lock);

	/* Safe with preemption off, and on PREEMPT_RT (raw locks inside). */
	if (queue)
		mod_delayed_work(system_highpri_wq, &doom_work, 0);
}

/*
 * True while the station's thread still has one of our SIGCHLDs pending.
 * A standard signal does not queue twice: a second SIGCHLD sent now would
 * be dropped, and its report lost. The module sends to the thread
 * (send_sig_info(): PIDTYPE_PID), whose private pending set only this work
 * fills with SIGCHLD, and the work never runs twice at once: a stale read
 * can only say "pending" (a retry), never lose a report. The kernel's
 * SIGCHLD for real children goes to the process-wide set and does not
 * merge with ours. The sighand lock is not available to modules.
 */
static bool sigchld_pending(struct task_struct *t)
{
	unsigned long word = READ_ONCE(t->pending.signal.sig[(SIGCHLD - 1) / _NSIG_BPW]);

	return word & (1UL << ((SIGCHLD - 1) % _NSIG_BPW));
}

/*
 * Send @s's report to its station. False when it has to wait (the previous
 * report is still pending); true when sent or when the station is gone.
 */
static bool deliver(struct doom_soldier *s)
{
	struct kernel_siginfo info;
	struct task_struct *t;
	int code = s->exit_code;

	rcu_read_lock();
	t = pid_task(s->station->pid, PIDTYPE_PID);
	if (t)
		get_task_struct(t);
	rcu_read_unlock();
	if (!t)
		return true;
	if (sigchld_pending(t)) {
		put_task_struct(t);
		return false;
	}

	/* What do_notify_parent() puts in a child's SIGCHLD. */
	clear_siginfo(&info);
	info.si_signo = SIGCHLD;
	info.si_errno = 0;
	rcu_read_lock();
	info.si_pid = pid_nr_ns(s->pid, task_active_pid_ns(t));
	info.si_uid = from_kuid_munged(task_cred_xxx(t, user_ns), s->uid);
	rcu_read_unlock();
	if (code & 0x7f) {
		info.si_code = code & 0x80 ? CLD_DUMPED : CLD_KILLED;
		info.si_status = code & 0x7f;
	} else {
		info.si_code = CLD_EXITED;
		info.si_status = code >> 8;
	}
	send_sig_info(SIGCHLD, &info, t);
	put_task_struct(t);
	return true;
}

static void free_soldiers(struct list_head *list)
{
	struct doom_soldier *s, *tmp;

	list_for_each_entry_safe(s, tmp, list, link) {
		put_pid(s->pid);
		kfree(s);
	}
}

static void free_stations(struct list_head *list)
{
	struct doom_station *st, *tmp;

	list_for_each_entry_safe(st, tmp, list, dead) {
		put_pid(st->pid);
		kfree(st);
	}
}

/*
 * Deliver the queued reports and free retired records. A station is freed
 * only by a pass that started after it was retired, and a retired station
 * has no queued reports left, so no report in hand points to freed memory.
 */
static void doom_work_fn(struct work_struct *work)
{
	LIST_HEAD(reports);
	LIST_HEAD(dead_soldiers);
	LIST_HEAD(dead_stations);
	LIST_HEAD(done);
	struct doom_soldier *s, *tmp;
	bool retry = false;

	raw_spin_lock(&doom_lock);
	list_splice_init(&doom_reports, &reports);
	list_splice_init(&doom_dead_soldiers, &dead_soldiers);
	list_splice_init(&doom_dead_stations, &dead_stations);
	raw_spin_unlock(&doom_lock);

	list_for_each_entry_safe(s, tmp, &reports, link) {
		bool sent = deliver(s);

		raw_spin_lock(&doom_lock);
		if (s->station->gone) {
			list_move_tail(&s->link, &done);
		} else if (sent) {
			station_settle(s->station);
			list_move_tail(&s->link, &done);
		} else {
			/* Back on the queue, where station_exited() sees it. */
			list_move_tail(&s->link, &doom_reports);
			retry = true;
		}
		raw_spin_unlock(&doom_lock);
	}

	free_soldiers(&done);
	free_soldiers(&dead_soldiers);
	free_stations(&dead_stations);
	/* The station has not taken the last one yet: look again a tick later. */
	if (retry)
		queue_delayed_work(system_highpri_wq, &doom_work, 1);
}

/*
 * May the caller name @station? The rule kill(2) applies
 * (kill_ok_by_cred() in kernel/signal.c): same real or effective uid as
 * the station's real or saved uid, or CAP_KILL in its user namespace. The
 * module signals from kernel context, where no check happens: without this
 * any user could have SIGCHLDs sent to any process, root's included.
 */
static bool may_signal(struct task_struct *station)
{
	const struct cred *cred = current_cred();
	const struct cred *tcred = get_task_cred(station);
	bool ok;

	ok = uid_eq(cred->euid, tcred->suid) || uid_eq(cred->euid, tcred->uid) ||
	     uid_eq(cred->uid, tcred->suid) || uid_eq(cred->uid, tcred->uid) ||
	     ns_capable(tcred->user_ns, CAP_KILL);
	put_cred(tcred);
	return ok;
}

/* Under doom_lock: link @s to @st, whose limits have been checked. */
static void soldier_join(struct doom_soldier *s, struct doom_station *st)
{
	s->station = st;
	list_add_tail(&s->link, &st->soldiers);
	st->nr_soldiers++;
	st->owed++;
	doom_nr_soldiers++;
}

/*
 * Make the caller a soldier of @task's process, or move it there. @task
 * is alive unless its last thread has passed signal->live: checked under
 * doom_lock, so either the station's probe will see this registration or
 * the registration sees the station gone.
 */
static long doom_enlist(struct task_struct *task)
{
	struct pid *station_pid = task_tgid(task), *me = task_tgid(current);
	struct doom_station *st, *new_st;
	struct doom_soldier *s, *new_s;
	bool retired = false;
	long ret = 0;

	new_st = kzalloc(sizeof(*new_st), GFP_KERNEL);
	new_s = kzalloc(sizeof(*new_s), GFP_KERNEL);
	if (!new_st || !new_s) {
		ret = -ENOMEM;
		goto free;
	}

	raw_spin_lock(&doom_lock);
	if (!atomic_read(&task->signal->live)) {
		ret = -ESRCH;
		goto unlock;
	}
	st = find_station(station_pid);
	s = find_soldier(me);
	if (s && s->station == st)
		goto unlock;			/* already serving it */
	if (!s && doom_nr_soldiers >= max_soldiers) {
		ret = -ENOSPC;
		goto unlock;
	}
	if (st && st->nr_soldiers >= max_per_station) {
		ret = -ENOSPC;
		goto unlock;
	}
	if (!st) {
		st = new_st;
		new_st = NULL;
		st->pid = get_pid(station_pid);
		INIT_LIST_HEAD(&st->soldiers);
		hash_add(doom_stations, &st->hash, (unsigned long)station_pid);
	}
	if (s) {
		struct doom_station *old = s->station;

		soldier_leave(s);
		station_settle(old);
		retired = old->gone;
	} else {
		s = new_s;
		new_s = NULL;
		s->pid = get_pid(me);
		hash_add(doom_soldiers, &s->hash, (unsigned long)me);
	}
	soldier_join(s, st);
unlock:
	raw_spin_unlock(&doom_lock);
	/* A station left idle above is freed by the work. */
	if (retired)
		mod_delayed_work(system_highpri_wq, &doom_work, 0);
free:
	kfree(new_s);
	kfree(new_st);
	return ret;
}

static long doom_register(const struct dr_doom_register __user *uarg)
{
	struct dr_doom_register arg;
	struct task_struct *task;
	struct pid *pid;
	long ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags || arg.station <= 0)
		return -EINVAL;
	pid = find_get_pid(arg.station);
	task = get_pid_task(pid, PIDTYPE_PID);
	put_pid(pid);
	if (!task)
		return -ESRCH;
	if (task->flags & PF_KTHREAD)
		ret = -EINVAL;
	else if (!may_signal(task))
		ret = -EPERM;
	else
		ret = doom_enlist(task);
	put_task_struct(task);
	return ret;
}

static long doom_unregister(void)
{
	struct doom_soldier *s;

	raw_spin_lock(&doom_lock);
	s = find_soldier(task_tgid(current));
	if (s) {
		hash_del(&s->hash);
		soldier_leave(s);
		station_settle(s->station);
		list_add_tail(&s->link, &doom_dead_soldiers);
	}
	raw_spin_unlock(&doom_lock);
	if (!s)
		return -ENOENT;
	mod_delayed_work(system_highpri_wq, &doom_work, 0);
	return 0;
}

/*
 * SIGKILL every soldier of the caller, through the struct pid the
 * registration holds. The registration is the authority: only the station
 * it names can use it, and no pid number is involved. Each death is then
 * reported like any other exit.
 */
static long doom_emergency(void)
{
	struct pid *me = task_tgid(current), **pids;
	struct doom_station *st;
	struct doom_soldier *s;
	unsigned int n = 0, i;
	long killed = 0;

	/* max_per_station bounds the array; a station cannot grow it here. */
	pids = kcalloc(max_per_station, sizeof(*pids), GFP_KERNEL);
	if (!pids)
		return -ENOMEM;
	raw_spin_lock(&doom_lock);
	st = find_station(me);
	if (st)
		list_for_each_entry(s, &st->soldiers, link)
			pids[n++] = get_pid(s->pid);
	raw_spin_unlock(&doom_lock);

	for (i = 0; i < n; i++) {
		if (!kill_pid(pids[i], SIGKILL, 1))
			killed++;
		put_pid(pids[i]);
	}
	kfree(pids);
	return killed;
}

static long doom_owed(void)
{
	struct doom_station *st;
	long owed = 0;

	raw_spin_lock(&doom_lock);
	st = find_station(task_tgid(current));
	if (st)
		owed = st->owed;
	raw_spin_unlock(&doom_lock);
	return owed;
}

static long doom_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case DR_DOOM_REGISTER:
		return doom_register((const void __user *)arg);
	case DR_DOOM_UNREGISTER:
		return doom_unregister();
	case DR_DOOM_EMERGENCY:
		return doom_emergency();
	case DR_DOOM_OWED:
		return doom_owed();
	default:
		return -ENOTTY;
	}
}

static const struct file_operations doom_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = doom_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/*
 * 0666: a soldier is any process, with no privilege. What protects a
 * station is may_signal(), the check kill(2) would make.
 */
static struct miscdevice doom_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "dr_doom",
	.fops = &doom_fops,
	.mode = 0666,
};

static void find_exit_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sched_process_exit"))
		exit_tp = tp;
}

/*
 * After the probe is gone: one last delivery pass for the queued reports
 * (a report whose station still has the previous one pending is dropped),
 * then every registration is dropped and freed.
 */
static void doom_free_all(void)
{
	struct doom_station *st;
	struct hlist_node *tmp;
	int bkt;

	cancel_delayed_work_sync(&doom_work);
	doom_work_fn(NULL);
	cancel_delayed_work_sync(&doom_work);
	raw_spin_lock(&doom_lock);
	hash_for_each_safe(doom_stations, bkt, tmp, st, hash)
		station_exited(st);
	raw_spin_unlock(&doom_lock);
	/* Nothing is queued any more: this pass only frees. */
	doom_work_fn(NULL);
}

static int __init doom_init(void)
{
	int ret;

	if (!max_soldiers || max_soldiers > MAX_SOLDIERS_LIMIT) {
		pr_err("max_soldiers=%u is out of range: 1-%d\n", max_soldiers,
		       MAX_SOLDIERS_LIMIT);
		return -EINVAL;
	}
	if (!max_per_station || max_per_station > MAX_SOLDIERS_LIMIT) {
		pr_err("max_per_station=%u is out of range: 1-%d\n",
		       max_per_station, MAX_SOLDIERS_LIMIT);
		return -EINVAL;
	}
	for_each_kernel_tracepoint(find_exit_tp, NULL);
	if (!exit_tp) {
		pr_err("no sched_process_exit tracepoint in this kernel\n");
		return -ENOENT;
	}
	ret = tracepoint_probe_register(exit_tp, doom_exit_probe, NULL);
	if (ret) {
		pr_err("cannot attach to sched_process_exit: %d\n", ret);
		return ret;
	}
	ret = misc_register(&doom_dev);
	if (ret) {
		pr_err("cannot register /dev/dr_doom: %d\n", ret);
		goto unprobe;
	}
	pr_info("/dev/dr_doom ready (%u soldiers, %u per station)\n",
		max_soldiers, max_per_station);
	return 0;

unprobe:
	tracepoint_probe_unregister(exit_tp, doom_exit_probe, NULL);
	tracepoint_synchronize_unregister();
	return ret;
}

/*
 * No ioctl can be running: an open file holds a module reference. Once
 * the probe is unregistered and every CPU has left it, nothing else adds
 * to the lists; then the work is stopped and everything freed.
 */
static void __exit doom_exit(void)
{
	misc_deregister(&doom_dev);
	tracepoint_probe_unregister(exit_tp, doom_exit_probe, NULL);
	tracepoint_synchronize_unregister();
	doom_free_all();
	pr_info("unloaded\n");
}

module_init(doom_init);
module_exit(doom_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(LKM_VERSION);
MODULE_AUTHOR("lkm suite maintainers");
MODULE_DESCRIPTION("Dr. Doom: SIGCHLD to a control station when a registered soldier process exits");
