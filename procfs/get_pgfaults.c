// SPDX-License-Identifier: GPL-2.0
/*
 * get_pgfaults.c - /proc/get_pgfaults, which reads "Page faults - <N>":
 * the page faults since boot, summed over all CPUs. It is the same counter
 * as the pgfault line of /proc/vmstat, read the same way (all_vm_events()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmstat.h>

#define ENTRY "get_pgfaults"

static struct proc_dir_entry *entry;

static int pgfaults_show(struct seq_file *m, void *v)
{
	unsigned long *events;

	/* Every event counter at once: too big for the kernel stack. */
	events = kmalloc_array(NR_VM_EVENT_ITEMS, sizeof(*events), GFP_KERNEL);
	if (!events)
		return -ENOMEM;
	all_vm_events(events);
	seq_printf(m, "Page faults - %lu\n", events[PGFAULT]);
	kfree(events);
	return 0;
}

static int __init get_pgfaults_init(void)
{
	entry = proc_create_single(ENTRY, 0444, NULL, pgfaults_show);
	if (!entry) {
		pr_err("cannot create /proc/" ENTRY "\n");
		return -ENOMEM;
	}
	pr_info("created /proc/" ENTRY "\n");
	return 0;
}

static void __exit get_pgfaults_exit(void)
{
	proc_remove(entry);
	pr_info("removed /proc/" ENTRY "\n");
}

module_init(get_pgfaults_init);
module_exit(get_pgfaults_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(LKM_VERSION);
MODULE_AUTHOR("lkm suite maintainers");
MODULE_DESCRIPTION("A /proc file with the number of page faults since boot");
