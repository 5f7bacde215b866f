// SPDX-License-Identifier: GPL-2.0
/*
 * hello_procfs.c - /proc/hello_procfs, which reads "Hello World!".
 *
 * The text is produced by a seq_file show() callback: seq_file buffers it
 * and serves every read from that buffer, so offsets, short reads (dd bs=1)
 * and several readers at once all come out right with no code here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#define ENTRY "hello_procfs"

static struct proc_dir_entry *entry;

static int hello_show(struct seq_file *m, void *v)
{
	seq_puts(m, "Hello World!\n");
	return 0;
}

static int __init hello_procfs_init(void)
{
	entry = proc_create_single(ENTRY, 0444, NULL, hello_show);
	if (!entry) {
		pr_err("cannot create /proc/" ENTRY "\n");
		return -ENOMEM;
	}
	pr_info("created /proc/" ENTRY "\n");
	return 0;
}

/* Waits for readers inside a read; later reads on open files get -EIO. */
static void __exit hello_procfs_exit(void)
{
	proc_remove(entry);
	pr_info("removed /proc/" ENTRY "\n");
}

module_init(hello_procfs_init);
module_exit(hello_procfs_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(LKM_VERSION);
MODULE_AUTHOR("lkm suite maintainers");
MODULE_DESCRIPTION("A /proc file that reads Hello World!");
