# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# make demo entry for size/: lazy allocation in three steps. A helper stops
# as started, after mmap of 256 MiB, and after touching every page of it;
# at each stop the module's figures, then /proc/<pid>/status's.
start_helper memphase
pid=$HELPER_PID
wait_for_lines "$HELPER_OUT" 2
wait_state "$pid" T
phase=1
for step in "as started" "after mmap() of 256 MiB" "after touching every page"; do
	echo "# memphase $step"
	[ "$step" = "as started" ] || memphase_next "$pid" $((++phase))
	demo_module size/lkm5 pid="$pid"
	demo_run grep -E '^(VmSize|VmRSS|RssAnon|RssFile|RssShmem):' "/proc/$pid/status"
done
