/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * dr_doom.h - the ioctl interface of /dev/dr_doom (signal/dr_doom.c),
 * shared by the module and the programs that use it.
 *
 * A process that issues DR_DOOM_REGISTER becomes a soldier of the station
 * it names; when the soldier exits, the station gets a SIGCHLD whose
 * siginfo describes the exit as the kernel's own SIGCHLD for a child would.
 *
 * The magic number 0xD0 ("Doom") is free in
 * Documentation/userspace-api/ioctl/ioctl-number.rst of 6.1 and 6.12 ('D'
 * is taken by s390's dasd, 'M' by the suite's ioctl/ device).
 */
#ifndef DR_DOOM_H
#define DR_DOOM_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define DR_DOOM_DEVICE "/dev/dr_doom"
#define DR_DOOM_MAGIC 0xD0

struct dr_doom_register {
	__s32 station;	/* the station's process id, in the caller's pid namespace */
	__u32 flags;	/* must be 0 */
};

/* The caller becomes a soldier of ->station (or moves to it): 0 or -1/errno. */
#define DR_DOOM_REGISTER _IOW(DR_DOOM_MAGIC, 1, struct dr_doom_register)
/* The caller stops being a soldier: 0, or -1/ENOENT when it was none. */
#define DR_DOOM_UNREGISTER _IO(DR_DOOM_MAGIC, 2)
/* SIGKILL every soldier of the caller: returns how many were signalled. */
#define DR_DOOM_EMERGENCY _IO(DR_DOOM_MAGIC, 3)
/*
 * How many reports the caller, as a station, is still owed: soldiers still
 * registered plus exits recorded but not yet signalled. Once it returns 0,
 * every report has been sent.
 */
#define DR_DOOM_OWED _IO(DR_DOOM_MAGIC, 4)

#endif /* DR_DOOM_H */
