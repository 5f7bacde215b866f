# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# make demo entry for ksp/: the kernel stacks of init (the default) and of a
# sleeping process.
demo_module ksp/lkm3
start_bg sleep 1000
wait_state "$BG_PID" S
demo_module ksp/lkm3 pid="$BG_PID"
