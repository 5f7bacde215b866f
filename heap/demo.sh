# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# make demo entry for heap/: a helper grows its heap by 64 MiB with sbrk;
# the module finds it, and the helper's own figures agree.
start_helper heap_grow 64
read -r pid brk <"$HELPER_OUT"
demo_module heap/lkm2
proc_stat "$pid"
echo "heap_grow $pid: sbrk(0) $brk - start_brk ${PROC_STAT[47 - 3]} (/proc/$pid/stat field 47) = $((brk - PROC_STAT[47 - 3])) bytes"
