// SPDX-License-Identifier: GPL-2.0
/*
 * procfile.c - /proc/procfile, a small file kept in kernel memory.
 *
 * It holds up to PROCFILE_SIZE bytes (one page: 4096 on x86_64) and behaves
 * like a regular file of that capacity: a read returns what was written,
 * from the read offset; a write lands at the write offset (at the end with
 * O_APPEND) and grows the file, a gap reading back as zeros; opening it for
 * writing with O_TRUNC, as the shell's ">" does, empties it. A write that
 * would not fit fails whole with -ENOSPC and changes nothing.
 *
 * One mutex makes each read, write and seek atomic with respect to the
 * others, so no reader ever sees half of one write and half of another.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/init.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#define ENTRY "procfile"
#define PROCFILE_SIZE PAGE_SIZE

static struct proc_dir_entry *entry;
static DEFINE_MUTEX(procfile_lock);
static char procfile_data[PROCFILE_SIZE];
static size_t procfile_len;

static int procfile_open(struct inode *inode, struct file *file)
{
	/* procfs ignores the size change O_TRUNC asks for: do it here. */
	if ((file->f_mode & FMODE_WRITE) && (file->f_flags & O_TRUNC)) {
		mutex_lock(&procfile_lock);
		procfile_len = 0;
		mutex_unlock(&procfile_lock);
	}
	return 0;
}

static ssize_t procfile_read(struct file *file, char __user *buf,
			     size_t count, loff_t *ppos)
{
	ssize_t ret;

	ret = mutex_lock_interruptible(&procfile_lock);
	if (ret)
		return ret;
	ret = simple_read_from_buffer(buf, count, ppos, procfile_data,
				      procfile_len);
	mutex_unlock(&procfile_lock);
	return ret;
}

static ssize_t procfile_write(struct file *file, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	ssize_t ret;
	loff_t pos;
	char *copy;

	if (!count)
		return 0;
	if (count > PROCFILE_SIZE)
		return -ENOSPC;
	/* Copy first: a bad buffer then fails before anything changes. */
	copy = memdup_user(buf, count);
	if (IS_ERR(copy))
		return PTR_ERR(copy);

	ret = mutex_lock_interruptible(&procfile_lock);
	if (ret)
		goto free;
	pos = file->f_flags & O_APPEND ? procfile_len : *ppos;
	if (pos < 0 || pos > PROCFILE_SIZE - count) {
		ret = -ENOSPC;
		goto unlock;
	}
	if (pos > procfile_len)
		memset(procfile_data + procfile_len, 0, pos - procfile_len);
	memcpy(procfile_data + pos, copy, count);
	procfile_len = max_t(size_t, procfile_len, pos + count);
	*ppos = pos + count;
	ret = count;
unlock:
	mutex_unlock(&procfile_lock);
free:
	kfree(copy);
	return ret;
}

/* SEEK_END is relative to what is stored; seeking past it is allowed. */
static loff_t procfile_lseek(struct file *file, loff_t offset, int whence)
{
	loff_t ret;

	mutex_lock(&procfile_lock);
	ret = generic_file_llseek_size(file, offset, whence, PROCFILE_SIZE,
				       procfile_len);
	mutex_unlock(&procfile_lock);
	return ret;
}

static const struct proc_ops procfile_ops = {
	.proc_open = procfile_open,
	.proc_read = procfile_read,
	.proc_write = procfile_write,
	.proc_lseek = procfile_lseek,
};

static int __init procfile_init(void)
{
	entry = proc_create(ENTRY, 0644, NULL, &procfile_ops);
	if (!entry) {
		pr_err("cannot create /proc/" ENTRY "\n");
		return -ENOMEM;
	}
	pr_info("created /proc/" ENTRY " (%lu bytes)\n", PROCFILE_SIZE);
	return 0;
}

/* Waits for calls in progress; later calls on open files get -EIO. */
static void __exit procfile_exit(void)
{
	proc_remove(entry);
	pr_info("removed /proc/" ENTRY "\n");
}

module_init(procfile_init);
module_exit(procfile_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(LKM_VERSION);
MODULE_AUTHOR("lkm suite maintainers");
MODULE_DESCRIPTION("A /proc file that stores what is written to it, up to a page");
