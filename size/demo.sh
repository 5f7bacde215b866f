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

# mem_stats.ko: the same process watched through /sys/kernel/mem_stats,
# measured again at every read; once it has exited, no stale figures.
stats=/sys/kernel/mem_stats
stats_write() {
	echo "\$ echo $2 > $stats/$1"
	echo "$2" >"$stats/$1"
}
echo "# mem_stats.ko watching memphase"
demo_load size/mem_stats
stats_write pid "$pid"
for unit in K M; do
	stats_write unit "$unit"
	demo_run cat "$stats/virtmem" "$stats/physmem" "$stats/thp"
done
echo "# memphase killed"
kill -KILL "$pid"
tries=400
while read -r _ 2>/dev/null <"$stats/virtmem"; do
	((--tries)) || break
	sleep 0.05
done
demo_run cat "$stats/virtmem" 2>&1 || true
demo_unload mem_stats
