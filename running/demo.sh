# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# make demo entry for running/: the running processes while a spinner and a
# process with one spinning thread run; then the children of a parent whose
# children sleep, are stopped, have exited and spin, with ps beside it.
start_helper spinner
start_helper spinner --thread
demo_module running/lkm1

start_family
demo_module running/lkm1 pid="$HELPER_PID"
demo_run ps -o pid,stat,comm --ppid "$HELPER_PID"
