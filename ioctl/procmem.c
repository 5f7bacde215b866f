// SPDX-License-Identifier: GPL-2.0
/*
 * procmem.c - /dev/procmem: translate a process's virtual addresses to
 * physical ones, read and write another process's memory, and write to a
 * physical page that user space has mapped. The interface is in procmem.h.
 *
 * Access is checked as the kernel's own interfaces check it: another
 * process's memory needs CAP_SYS_PTRACE (ptrace_may_access() is not
 * exported to modules, so the capability is the check that cannot be
 * wrong), physical addresses need CAP_SYS_ADMIN as pagemap's PFNs do, and
 * physical writes need CAP_SYS_RAWIO and a kernel that is not locked down.
 *
 * A file can be attached to one process (PROCMEM_ATTACH): it then holds
 * the process's struct pid and, with mmgrab(), its mm_struct, and each call
 * only takes mmget_not_zero(), as /proc/<pid>/mem does. That skips the pid
 * lookup and the permission check that process_vm_readv() makes per call.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/ioport.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "lkm_compat.h"
#include "lkm_task.h"
#include "lkm_walk.h"
#include "procmem.h"

/* Pages pinned at a time: the on-stack array, or a kmalloc'ed page of them. */
#define PINS_ON_STACK	16
#define PINS_PER_BATCH	(PAGE_SIZE / sizeof(struct page *))
/* Batch entries copied in and out at a time, under one hold of the mmap lock. */
#define BATCH_CHUNK	(PAGE_SIZE / sizeof(struct procmem_page))

/* What an attached file holds; file->private_data, set once. */
struct procmem_target {
	struct pid *pid;
	struct mm_struct *mm;	/* held with mmgrab(): the struct, not the memory */
};

static int procmem_open(struct inode *inode, struct file *file)
{
	/* misc_open() left the miscdevice here; this file starts unattached. */
	file->private_data = NULL;
	return 0;
}

static int procmem_release(struct inode *inode, struct file *file)
{
	struct procmem_target *target = file->private_data;

	if (target) {
		mmdrop(target->mm);
		put_pid(target->pid);
		kfree(target);
	}
	return 0;
}

/*
 * The address space of process @nr with a reference (mmput() it): the
 * attached one or the caller's for 0. Another process's needs
 * CAP_SYS_PTRACE, checked before anything is looked up, so that a caller
 * without it learns nothing, not even whether the process exists.
 */
static struct mm_struct *procmem_get_mm(struct file *file, int nr)
{
	/* Pairs with the cmpxchg_release() in procmem_attach(). */
	struct procmem_target *target = smp_load_acquire(&file->private_data);
	struct task_struct *task;
	struct mm_struct *mm;

	if (nr < 0)
		return ERR_PTR(-EINVAL);
	if (!nr && target)
		return mmget_not_zero(target->mm) ? target->mm : ERR_PTR(-ESRCH);
	if (!nr || nr == task_tgid_vnr(current)) {
		mmget(current->mm);
		return current->mm;
	}
	if (!capable(CAP_SYS_PTRACE))
		return ERR_PTR(-EPERM);
	task = lkm_find_task(nr);
	if (!task)
		return ERR_PTR(-ESRCH);
	mm = lkm_find_mm(task);
	put_task_struct(task);
	return mm;
}

static long procmem_attach(struct file *file, struct procmem_attach __user *uarg)
{
	struct procmem_attach arg;
	struct procmem_target *target;
	struct task_struct *task;
	struct mm_struct *mm;
	long ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags || arg.pid <= 0)
		return -EINVAL;
	if (arg.pid != task_tgid_vnr(current) && !capable(CAP_SYS_PTRACE))
		return -EPERM;

	target = kzalloc(sizeof(*target), GFP_KERNEL);
	if (!target)
		return -ENOMEM;
	target->pid = find_get_pid(arg.pid);
	task = get_pid_task(target->pid, PIDTYPE_PID);
	if (!task) {
		ret = -ESRCH;
		goto free_target;
	}
	mm = lkm_find_mm(task);
	put_task_struct(task);
	if (IS_ERR(mm)) {
		ret = PTR_ERR(mm);
		goto free_target;
	}
	mmgrab(mm);
	mmput(mm);
	target->mm = mm;

	/* Once per file: readers load it without a lock. */
	if (cmpxchg_release(&file->private_data, NULL, target)) {
		mmdrop(mm);
		ret = -EBUSY;
		goto free_target;
	}
	return 0;

free_target:
	put_pid(target->pid);
	kfree(target);
	return ret;
}

static const u8 procmem_verdicts[] = {
	[LKM_NOT_MAPPED] = PROCMEM_NOT_MAPPED,
	[LKM_NOT_PRESENT] = PROCMEM_NOT_PRESENT,
	[LKM_PRESENT] = PROCMEM_PRESENT,
	[LKM_SWAPPED] = PROCMEM_SWAPPED,
	[LKM_MIGRATING] = PROCMEM_MIGRATING,
	[LKM_DEVICE_PRIVATE] = PROCMEM_DEVICE_PRIVATE,
	[LKM_DEVICE_EXCLUSIVE] = PROCMEM_DEVICE_EXCLUSIVE,
	[LKM_HWPOISON] = PROCMEM_HWPOISON,
	[LKM_MARKER] = PROCMEM_MARKER,
	[LKM_UNKNOWN] = PROCMEM_UNKNOWN,
	[LKM_BAD] = PROCMEM_BAD,
	[LKM_CHANGED] = PROCMEM_CHANGED,
};

static u32 procmem_flags(const struct lkm_translation *t)
{
	u32 flags = t->hugetlb ? PROCMEM_F_HUGETLB : 0;

	if (t->verdict == LKM_PRESENT && t->protnone)
		flags |= PROCMEM_F_NO_ACCESS;
	if (t->verdict == LKM_PRESENT && is_zero_pfn(t->pfn))
		flags |= PROCMEM_F_ZERO_PAGE;
	return flags;
}

/* A batch answer: the same facts as procmem_xlate, in 16 bytes. */
static void procmem_fill_page(const struct lkm_translation *t, struct procmem_page *p)
{
	*p = (struct procmem_page){
		.verdict = procmem_verdicts[t->verdict],
		.frame = t->pfn,
		.flags = procmem_flags(t),
	};
	if (t->verdict == LKM_PRESENT)
		p->page_shift = ilog2(t->page_size);
	if (t->verdict == LKM_SWAPPED) {
		p->frame = swp_offset(t->swap);
		p->swap_type = swp_type(t->swap);
	}
}

/* The single answer: a batch answer, spelled out. */
static void procmem_fill_xlate(const struct lkm_translation *t, struct procmem_xlate *x)
{
	struct procmem_page p;

	procmem_fill_page(t, &p);
	*x = (struct procmem_xlate){
		.vaddr = x->vaddr,
		.verdict = p.verdict,
		.flags = p.flags,
	};
	if (p.verdict == PROCMEM_SWAPPED) {
		x->swap_type = p.swap_type;
		x->swap_offset = p.frame;
		return;
	}
	x->pfn = p.frame;
	if (p.verdict == PROCMEM_PRESENT) {
		x->paddr = PFN_PHYS(p.frame) + offset_in_page(x->vaddr);
		x->page_size = t->page_size;
	}
}

/* Translate an address of @mm through @c, with the mmap lock held. */
static void procmem_lookup(struct mm_struct *mm, struct lkm_cursor *c, u64 va,
			   struct lkm_translation *t)
{
	if (va >= TASK_SIZE_MAX)	/* no VMA is there; nor in a long, on 32-bit */
		*t = (struct lkm_translation){ .verdict = LKM_NOT_MAPPED };
	else
		lkm_translate_next(mm, c, va, t);
}

/* Translate @n addresses of @mm into @pages, under one hold of its mmap lock. */
static int procmem_translate(struct mm_struct *mm, const u64 *vaddrs,
			     struct procmem_page *pages, unsigned int n)
{
	struct lkm_cursor cursor = { };
	struct lkm_translation t;
	unsigned int i;
	int ret;

	ret = mmap_read_lock_killable(mm);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		procmem_lookup(mm, &cursor, vaddrs[i], &t);
		procmem_fill_page(&t, &pages[i]);
	}
	mmap_read_unlock(mm);
	return 0;
}

static long procmem_v2p(struct file *file, struct procmem_v2p __user *uarg)
{
	struct lkm_cursor cursor = { };
	struct lkm_translation t;
	struct procmem_v2p arg;
	struct mm_struct *mm;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.pad)
		return -EINVAL;
	mm = procmem_get_mm(file, arg.pid);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	ret = mmap_read_lock_killable(mm);
	if (!ret) {
		procmem_lookup(mm, &cursor, arg.x.vaddr, &t);
		mmap_read_unlock(mm);
	}
	mmput(mm);
	if (ret)
		return ret;
	procmem_fill_xlate(&t, &arg.x);
	return copy_to_user(&uarg->x, &arg.x, sizeof(arg.x)) ? -EFAULT : 0;
}

/*
 * The batch is copied in and out a chunk at a time, and the mmap lock is
 * held only while a chunk is translated: never across a copy from or to
 * user memory, whose fault could need the same lock (the caller's own mm)
 * behind a waiting writer.
 */
static long procmem_v2p_batch(struct file *file, struct procmem_v2p_batch __user *uarg)
{
	struct procmem_v2p_batch arg;
	struct procmem_page *pages;
	struct mm_struct *mm;
	unsigned int done, n;
	long ret = 0;
	u64 *vaddrs;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.count > PROCMEM_MAX_BATCH)
		return -EINVAL;
	mm = procmem_get_mm(file, arg.pid);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	vaddrs = kmalloc_array(BATCH_CHUNK, sizeof(*vaddrs), GFP_KERNEL);
	pages = kmalloc_array(BATCH_CHUNK, sizeof(*pages), GFP_KERNEL);
	if (!vaddrs || !pages) {
		ret = -ENOMEM;
		goto free;
	}
	for (done = 0; done < arg.count; done += n) {
		u64 __user *uvaddrs = u64_to_user_ptr(arg.vaddrs + done * sizeof(*vaddrs));
		void __user *upages = u64_to_user_ptr(arg.pages + done * sizeof(*pages));

		n = min_t(unsigned int, arg.count - done, BATCH_CHUNK);
		if (copy_from_user(vaddrs, uvaddrs, n * sizeof(*vaddrs))) {
			ret = -EFAULT;
			break;
		}
		ret = procmem_translate(mm, vaddrs, pages, n);
		if (ret)
			break;
		if (copy_to_user(upages, pages, n * sizeof(*pages))) {
			ret = -EFAULT;
			break;
		}
		cond_resched();
	}
free:
	kfree(pages);
	kfree(vaddrs);
	mmput(mm);
	return ret ?: arg.count;
}

/*
 * Copy @len bytes between @va in @mm and @buf in the caller: pin the
 * target's pages (never FOLL_FORCE: a write goes only where the target
 * itself may write), copy straight between each pinned page and the
 * caller's buffer, unpin (dirty after a write). Like process_vm_readv(),
 * a range that runs into memory it cannot pin ends the copy there.
 * Returns the bytes copied, or an error when there were none.
 */
static long procmem_copy(struct mm_struct *mm, unsigned long va,
			 char __user *buf, size_t len, bool write)
{
	struct page *stack_pages[PINS_ON_STACK], **pages = stack_pages;
	unsigned long max_pins = PINS_ON_STACK;
	size_t done = 0;
	long ret = 0;

	if (DIV_ROUND_UP(offset_in_page(va) + len, PAGE_SIZE) > PINS_ON_STACK) {
		pages = kmalloc(PAGE_SIZE, GFP_KERNEL);
		if (!pages)
			return -ENOMEM;
		max_pins = PINS_PER_BATCH;
	}
	while (done < len) {
		unsigned long addr = va + done, off = offset_in_page(addr);
		unsigned long nr = min(DIV_ROUND_UP(off + len - done, PAGE_SIZE), max_pins);
		int locked = 1;
		long pinned, i;

		if (fatal_signal_pending(current) || mmap_read_lock_killable(mm)) {
			ret = -EINTR;
			break;
		}
		pinned = lkm_pin_user_pages_remote(mm, addr & PAGE_MASK, nr,
						   write ? FOLL_WRITE : 0, pages, &locked);
		if (locked)
			mmap_read_unlock(mm);
		if (pinned <= 0) {
			ret = -EFAULT;
			break;
		}
		for (i = 0; i < pinned && done < len; i++, off = 0) {
			size_t n = min_t(size_t, PAGE_SIZE - off, len - done);
			char *kaddr = kmap_local_page(pages[i]);
			size_t left;

			if (write)
				left = copy_from_user(kaddr + off, buf + done, n);
			else
				left = copy_to_user(buf + done, kaddr + off, n);
			kunmap_local(kaddr);
			done += n - left;
			if (left) {
				ret = -EFAULT;
				break;
			}
		}
		unpin_user_pages_dirty_lock(pages, pinned, write);
		if (ret)
			break;
		cond_resched();
	}
	if (pages != stack_pages)
		kfree(pages);
	return done ?: ret;
}

static long procmem_io(struct file *file, struct procmem_io __user *uarg, bool write)
{
	struct procmem_io arg;
	struct mm_struct *mm;
	long ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.pad || arg.len > PROCMEM_MAX_IO)
		return -EINVAL;
	if (!arg.len)
		return 0;
	if (arg.vaddr != (unsigned long)arg.vaddr || arg.vaddr + arg.len < arg.vaddr)
		return -EFAULT;
	mm = procmem_get_mm(file, arg.pid);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	ret = procmem_copy(mm, arg.vaddr, u64_to_user_ptr(arg.buf), arg.len, write);
	mmput(mm);
	return ret;
}

/*
 * May @folio be written through a physical address? Only swap-backed memory
 * that user space has mapped: anonymous pages and shmem/tmpfs pages, which
 * need no write fault to be written and go to swap, not to a file system.
 * Everything else is refused: pages the kernel keeps for itself (slab, page
 * tables, kernel text and data, reserved pages, the zero pages) have neither
 * flag; regular file pages would reach the disk without the file system's
 * write fault, through read-only mappings too; secretmem pages are not in
 * the kernel's direct map; driver pages (perf buffers, frame buffers) are
 * not swap-backed; KSM pages are merged copies of several processes' pages;
 * hardware-poisoned pages must not be touched. The caller holds a reference
 * and the folio lock.
 */
static bool procmem_user_folio(struct folio *folio)
{
	if (folio_test_reserved(folio) || folio_test_slab(folio) ||
	    folio_test_ksm(folio) || folio_test_hwpoison(folio))
		return false;
	if (!folio_test_anon(folio) &&
	    !(folio_test_swapbacked(folio) && folio->mapping))
		return false;
	return folio_mapped(folio);
}

static long procmem_write_phys(struct procmem_phys __user *uarg)
{
	struct procmem_phys arg;
	struct folio *folio;
	struct page *page;
	char *kaddr;
	int ret;

	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	ret = security_locked_down(LOCKDOWN_DEV_MEM);
	if (ret)
		return ret;
	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.pad || !arg.len || arg.len > PROCMEM_MAX_PHYS ||
	    offset_in_page(arg.paddr) + arg.len > PAGE_SIZE)
		return -EINVAL;

	/*
	 * Online RAM only: pfn_to_online_page() is NULL for holes, offline
	 * memory (whose struct pages are poisoned) and ZONE_DEVICE.
	 */
	if (PFN_PHYS(PHYS_PFN(arg.paddr)) != (arg.paddr & PAGE_MASK) ||
	    !page_is_ram(PHYS_PFN(arg.paddr)))
		return -EINVAL;
	page = pfn_to_online_page(PHYS_PFN(arg.paddr));
	if (!page)
		return -EINVAL;
	/* Pin the folio, then check it is still the page's: it may be split or freed. */
	folio = page_folio(page);
	if (!folio_try_get(folio))
		return -EINVAL;
	if (folio != page_folio(page)) {
		ret = -EINVAL;
		goto put;
	}
	folio_lock(folio);
	if (!procmem_user_folio(folio)) {
		ret = -EINVAL;
		goto unlock;
	}
	/*
	 * Not while it is being written out (to swap on a checksummed or
	 * compressing device). folio_wait_stable() would ask the folio's
	 * mapping, which an anonymous folio outside the swap cache lacks.
	 */
	folio_wait_writeback(folio);
	kaddr = kmap_local_page(page);
	memcpy(kaddr + offset_in_page(arg.paddr), arg.data, arg.len);
	kunmap_local(kaddr);
	flush_dcache_page(page);
	/* Or reclaim could drop the new bytes for an older copy in swap. */
	folio_mark_dirty(folio);
unlock:
	folio_unlock(folio);
put:
	folio_put(folio);
	return ret;
}

static long procmem_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case PROCMEM_ATTACH:
		return procmem_attach(file, uarg);
	case PROCMEM_VIRT_TO_PHYS:
		return procmem_v2p(file, uarg);
	case PROCMEM_VIRT_TO_PHYS_BATCH:
		return procmem_v2p_batch(file, uarg);
	case PROCMEM_READ_MEM:
		return procmem_io(file, uarg, false);
	case PROCMEM_WRITE_MEM:
		return procmem_io(file, uarg, true);
	case PROCMEM_WRITE_PHYS:
		return procmem_write_phys(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations procmem_fops = {
	.owner = THIS_MODULE,
	.open = procmem_open,
	.release = procmem_release,
	.unlocked_ioctl = procmem_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice procmem_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "procmem",
	.fops = &procmem_fops,
	.mode = 0600,
};

static int __init procmem_init(void)
{
	int ret = misc_register(&procmem_dev);

	if (ret) {
		pr_err("cannot register /dev/%s: error %d\n", procmem_dev.name, ret);
		return ret;
	}
	pr_info("created /dev/%s\n", procmem_dev.name);
	return 0;
}

static void __exit procmem_exit(void)
{
	misc_deregister(&procmem_dev);
	pr_info("removed /dev/%s\n", procmem_dev.name);
}

module_init(procmem_init);
module_exit(procmem_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(LKM_VERSION);
MODULE_AUTHOR("lkm suite maintainers");
MODULE_DESCRIPTION("/dev/procmem: virtual to physical, process memory read/write, physical write");
