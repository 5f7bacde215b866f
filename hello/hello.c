// SPDX-License-Identifier: GPL-2.0
/*
 * hello.c - the smallest module of the suite: one line on load, one on unload.
 *
 *   insmod hello.ko [name=Ada]   ->  "Hello World from a module"
 *   rmmod hello                  ->  "Bye from a module"
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static char *name = "World";
module_param(name, charp, 0444);
MODULE_PARM_DESC(name, "Who to greet on load (default: World)");

static int __init hello_init(void)
{
	if (!*name) {
		pr_err("name= must not be empty\n");
		return -EINVAL;
	}
	pr_info("Hello %s from a module\n", name);
	return 0;
}

static void __exit hello_exit(void)
{
	pr_info("Bye from a module\n");
}

module_init(hello_init);
module_exit(hello_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(LKM_VERSION);
MODULE_AUTHOR("lkm suite maintainers");
MODULE_DESCRIPTION("Say hello on load and bye on unload");
