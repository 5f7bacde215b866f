# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# make demo entry for procfs/: each /proc entry read, the page fault count
# beside /proc/vmstat's, and the procfile write/read round trip.
demo_load procfs/hello_procfs
demo_run cat /proc/hello_procfs
demo_unload hello_procfs

demo_load procfs/get_pgfaults
demo_run cat /proc/get_pgfaults
demo_run grep '^pgfault ' /proc/vmstat
demo_unload get_pgfaults

demo_load procfs/procfile
demo_run cat /proc/procfile
echo '$ echo "Hello from user space" > /proc/procfile'
echo "Hello from user space" >/proc/procfile
demo_run cat /proc/procfile
echo '$ echo "and a second line" >> /proc/procfile'
echo "and a second line" >>/proc/procfile
demo_run cat /proc/procfile
demo_unload procfile
