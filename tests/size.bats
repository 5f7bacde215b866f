#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# size/lkm5.ko and size/mem_stats.ko: virtual and resident size of a
# process, equal to /proc/<pid>/status, and its anonymous transparent huge
# pages, equal to AnonHugePages of /proc/<pid>/smaps_rollup, for processes
# stopped so that nothing moves.

load helpers/common

THP_ENABLED=/sys/kernel/mm/transparent_hugepage/enabled
MEM_STATS=/sys/kernel/mem_stats

setup_file() {
	# Huge pages only where a helper asks for them (MADV_HUGEPAGE); put
	# back afterwards.
	thp_madvise_only
	export THP_WAS
}

teardown_file() {
	thp_restore
}

setup() {
	KO=$MODULES/size/lkm5.ko
	STATS_KO=$MODULES/size/mem_stats.ko
	# Before 6.2 (SPLIT_RSS_COUNTING) a thread keeps its page counts to
	# itself until a page fault finds more than TASK_RSS_EVENTS_THRESH (64)
	# events pending, so /proc itself can lag by up to 66 pages. From 6.2
	# the counters are per-CPU and both sides sum them exactly.
	local major minor
	IFS=. read -r major minor _ <<<"$KVER"
	RSS_LAG_KIB=0
	[ $((major * 100 + minor)) -ge 602 ] || RSS_LAG_KIB=$((66 * 4))
}

teardown() {
	kill_helpers
	unload_if_loaded lkm5 mem_stats
}

# rollup_kib PID FIELD: the number on FIELD's line of /proc/PID/smaps_rollup.
rollup_kib() {
	local key value
	while read -r key value _; do
		[ "$key" != "$2:" ] || { echo "$value"; return 0; }
	done <"/proc/$1/smaps_rollup"
	return 1
}

# need_thp: skip, saying why, where the kernel has no transparent huge pages.
need_thp() {
	[ -e "$THP_ENABLED" ] || skip "this kernel has no transparent huge pages ($THP_ENABLED)"
}

# measure PID: load lkm5 for PID, compare every figure with
# /proc/PID/status, and the THP line with smaps_rollup.
# Sets RSS, VM, ANON and THP (KiB).
measure() {
	local comm
	read -r comm <"/proc/$1/comm"
	kmsg_mark
	insmod "$KO" pid="$1"
	rmmod lkm5
	run kmsg_since_mark "lkm5: "
	assert_equal "${#lines[@]}" 5
	assert_line --index 0 "lkm5: PID: $1 ($comm)"
	assert_line --index 4 "lkm5: unloaded"
	[[ "${lines[3]}" =~ ^lkm5:\ thp:\ ([0-9]+)\ huge\ pages,\ ([0-9]+)\ KiB$ ]] ||
		fail "unexpected line: ${lines[3]}"
	THP=${BASH_REMATCH[2]}
	assert_equal "$THP" $((BASH_REMATCH[1] * 2048))
	note "module: thp $THP KiB; smaps_rollup: AnonHugePages $(rollup_kib "$1" AnonHugePages)"
	assert_equal "$THP" "$(rollup_kib "$1" AnonHugePages)"
	[[ "${lines[1]}" =~ ^lkm5:\ rss\ size:\ ([0-9]+)\ KiB\ \ vm\ size:\ ([0-9]+)\ KiB$ ]] ||
		fail "unexpected line: ${lines[1]}"
	RSS=${BASH_REMATCH[1]} VM=${BASH_REMATCH[2]}
	[[ "${lines[2]}" =~ ^lkm5:\ rss\ anon:\ ([0-9]+)\ KiB\ \ file:\ ([0-9]+)\ KiB\ \ shmem:\ ([0-9]+)\ KiB$ ]] ||
		fail "unexpected line: ${lines[2]}"
	ANON=${BASH_REMATCH[1]}
	note "module: rss $RSS vm $VM anon $ANON file ${BASH_REMATCH[2]} shmem ${BASH_REMATCH[3]} KiB;" \
		"/proc: VmRSS $(status_kib "$1" VmRSS) VmSize $(status_kib "$1" VmSize)" \
		"RssAnon $(status_kib "$1" RssAnon) RssFile $(status_kib "$1" RssFile) RssShmem $(status_kib "$1" RssShmem)"
	assert_equal "$RSS" "$(status_kib "$1" VmRSS)"
	assert_equal "$VM" "$(status_kib "$1" VmSize)"
	assert_equal "$ANON" "$(status_kib "$1" RssAnon)"
	assert_equal "${BASH_REMATCH[2]}" "$(status_kib "$1" RssFile)"
	assert_equal "${BASH_REMATCH[3]}" "$(status_kib "$1" RssShmem)"
}

@test "size: equals /proc/<pid>/status; mmap grows vm only, touching grows rss" {
	start_helper memphase
	pid=$HELPER_PID
	wait_for_lines "$HELPER_OUT" 2
	wait_state "$pid" T

	note "phase 1, as started"
	measure "$pid"
	rss1=$RSS vm1=$VM

	memphase_next "$pid" 2
	note "phase 2, after mmap of 256 MiB"
	measure "$pid"
	assert_equal $((VM - vm1)) $((256 * 1024))
	assert [ $((RSS - rss1)) -lt 1024 ]
	rss2=$RSS anon2=$ANON

	memphase_next "$pid" 3
	note "phase 3, after touching it"
	measure "$pid"
	assert [ $((RSS - rss2)) -ge $((256 * 1024 - RSS_LAG_KIB)) ]
	assert [ $((ANON - anon2)) -ge $((256 * 1024 - RSS_LAG_KIB)) ]
}

@test "size: missing or bad pid=, a kernel thread and a zombie are refused with an errno and one line" {
	start_family

	assert_refused EINVAL "pid= is required: the id of the process to measure" "$KO"
	assert_refused EINVAL "pid= is required: the id of the process to measure" "$KO" pid=0
	assert_refused EINVAL "pid=-5 is not a process id: it must be positive" "$KO" pid=-5
	assert_refused EINVAL "\`abc' invalid for parameter \`pid'" "$KO" pid=abc
	assert_refused ESRCH "pid=4194304: no such process" "$KO" pid=4194304
	assert_refused EINVAL "pid 2 (kthreadd) is a kernel thread and has no user address space" "$KO" pid=2
	assert_refused ESRCH "pid $ZOMBIE (family) has exited and has no user address space any more" "$KO" pid="$ZOMBIE"
}

# stats_thp_is KIB: mem_stats's thp file, in K, shows KIB of huge pages.
stats_thp_is() {
	stats_get thp
	note "mem_stats: thp $STAT"
	assert_equal "$STAT" "$(($1 / 2048)) $1"
}

@test "size: lkm5's THP line and mem_stats's thp equal smaps_rollup AnonHugePages for 0, 1 and 4 huge pages, and a PROT_NONE one" {
	need_thp
	stats_load
	start_helper thp_target
	pid=$HELPER_PID
	wait_for_lines "$HELPER_OUT" 3
	wait_state "$pid" T
	stats_put pid "$pid"
	mapfile -t out <"$HELPER_OUT"
	zero=${out[1]#zero }

	# A THP region read but never written maps the huge zero page:
	# present in pagemap, yet no anonymous memory, and not counted.
	note "phase 1, a THP region only read"
	run "$HELPERS/pagemap" "$pid" "$zero"
	assert_output --regexp "^$zero present pfn 0x[0-9a-f]+$"
	measure "$pid"
	assert_equal "$THP" 0
	stats_thp_is 0

	note "phase 2, one huge page written"
	memphase_next "$pid" 3
	measure "$pid"
	assert_equal "$THP" 2048
	stats_thp_is 2048

	note "phase 3, four"
	memphase_next "$pid" 4
	measure "$pid"
	assert_equal "$THP" $((4 * 2048))
	stats_thp_is $((4 * 2048))

	# Before 6.12 smaps does not count a PROT_NONE huge page
	# (include/lkm_compat.h); both must say what smaps says.
	note "phase 4, one of the four PROT_NONE"
	memphase_next "$pid" 5
	measure "$pid"
	local major minor
	IFS=. read -r major minor _ <<<"$KVER"
	if [ $((major * 100 + minor)) -ge 612 ]; then
		assert_equal "$THP" $((4 * 2048))
	else
		assert_equal "$THP" $((3 * 2048))
	fi
	stats_thp_is "$THP"
	rmmod mem_stats
}

# stats_get FILE: read /sys/kernel/mem_stats/FILE into STAT; on failure the
# shell's message names the errno ("No such process").
stats_get() {
	read -r STAT <"$MEM_STATS/$1"
}

# stats_put FILE VALUE: write VALUE and a newline to it in one write, as
# echo does.
stats_put() {
	echo "$2" >"$MEM_STATS/$1"
}

# stats_load: insmod mem_stats.ko and check what it logged.
stats_load() {
	kmsg_mark
	insmod "$STATS_KO"
	run kmsg_since_mark "mem_stats: "
	assert_output "mem_stats: created /sys/kernel/mem_stats"
}

# proc_fields PID FILE: the "Key: number" lines of /proc/PID/FILE into PROC.
proc_fields() {
	local key value
	declare -gA PROC=()
	while read -r key value _; do
		PROC[${key%:}]=$value
	done <"/proc/$1/$2"
}

# compare_stats PID: in B, K and M, virtmem and physmem equal VmSize and
# VmRSS of /proc/PID/status, thp equals AnonHugePages of smaps_rollup; the
# sampler of the plot reads the same in K. Sets VM, RSS and THP (KiB).
compare_stats() {
	local unit div mul
	proc_fields "$1" status
	VM=${PROC[VmSize]} RSS=${PROC[VmRSS]}
	proc_fields "$1" smaps_rollup
	THP=${PROC[AnonHugePages]}
	for unit in B K M; do
		stats_put unit "$unit"
		case $unit in
		B) mul=1024 div=1 ;;
		K) mul=1 div=1 ;;
		M) mul=1 div=1024 ;;
		esac
		stats_get virtmem
		note "unit $unit: virtmem $STAT, VmSize $VM kB"
		assert_equal "$STAT" $((VM * mul / div))
		stats_get physmem
		note "unit $unit: physmem $STAT, VmRSS $RSS kB"
		assert_equal "$STAT" $((RSS * mul / div))
		stats_get thp
		note "unit $unit: thp $STAT, AnonHugePages $THP kB"
		assert_equal "$STAT" "$((THP / 2048)) $((THP * mul / div))"
	done
	stats_put unit K
	run "$HELPERS/memsample" 1 1
	assert_success
	assert_output --regexp "^[0-9]+ $VM $RSS $((THP / 2048)) $THP$"
}

@test "mem_stats: virtmem, physmem and thp equal /proc in B, K and M at each stop of the plot's program" {
	stats_load
	start_helper memwave --stop
	pid=$HELPER_PID
	wait_state "$pid" T
	stats_put pid "$pid"
	stats_get pid
	assert_equal "$STAT" "$pid"

	# memwave's phases, each stopped once it is done: line N+1 is phase N.
	local -a vm rss thp
	for n in 1 2 3 4 5; do
		memphase_next "$pid" "$n"
		mapfile -t out <"$HELPER_OUT"
		note "phase $n, after ${out[n]#* }"
		compare_stats "$pid"
		vm[n]=$VM rss[n]=$RSS thp[n]=$THP
	done

	# mmap of 64 MiB: the virtual size only.
	assert_equal $((vm[2] - vm[1])) $((64 * 1024))
	assert [ $((rss[2] - rss[1])) -lt 1024 ]
	# Touching every page of it: the resident size.
	assert [ $((rss[3] - rss[2])) -ge $((64 * 1024 - RSS_LAG_KIB)) ]
	# 16 MiB of MADV_HUGEPAGE memory written, 2 MiB at a time: 8 THPs,
	# or, without THP, 8 pages of 4 KiB.
	assert_equal $((vm[4] - vm[3])) $((18 * 1024))
	if [ -e "$THP_ENABLED" ]; then
		assert [ $((rss[4] - rss[3])) -ge $((16 * 1024 - RSS_LAG_KIB)) ]
		assert_equal "${thp[4]}" $((16 * 1024))
	else
		note "this kernel has no transparent huge pages ($THP_ENABLED): 8 small pages, and thp stays 0"
		assert [ $((rss[4] - rss[3])) -le $((8 * 4 + RSS_LAG_KIB)) ]
		assert_equal "${thp[4]}" 0
	fi
	# Both unmapped: back to the start.
	assert_equal "${vm[5]}" "${vm[1]}"
	assert_equal "${thp[5]}" 0
	rmmod mem_stats
}

@test "mem_stats: bad writes are refused with an errno and one line, keeping the old value" {
	stats_load
	# Nothing to measure before a pid is written.
	stats_get pid
	assert_equal "$STAT" -1
	stats_get unit
	assert_equal "$STAT" K
	for file in virtmem physmem thp; do
		run stats_get "$file"
		assert_failure
		assert_output --partial "No data available"
	done

	start_family
	parent=$HELPER_PID
	stats_put pid "$parent"
	stats_put unit M
	kmsg_mark
	# value:the shell's message for its errno
	for case in "abc:Invalid argument" ":Invalid argument" "12345678901:Invalid argument" \
		"0:Invalid argument" "-5:Invalid argument" "4194304:No such process" \
		"2:Invalid argument" "$ZOMBIE:No such process"; do
		value=${case%%:*}
		echo "# case: pid <- '$value'"
		run stats_put pid "$value"
		assert_failure
		assert_output --partial "${case#*:}"
		stats_get pid
		assert_equal "$STAT" "$parent"
	done
	for value in X k KB "" "K M" B0; do
		echo "# case: unit <- '$value'"
		run stats_put unit "$value"
		assert_failure
		assert_output --partial "Invalid argument"
		stats_get unit
		assert_equal "$STAT" M
	done
	run kmsg_since_mark "mem_stats: "
	local not_id="mem_stats: pid: not a process id: write a number, or -1 to forget the process"
	local unit="mem_stats: unit: must be B, K or M"
	assert_output "$(printf '%s\n' "$not_id" "$not_id" "$not_id" \
		"mem_stats: pid=0 is not a process id: it must be positive" \
		"mem_stats: pid=-5 is not a process id: it must be positive" \
		"mem_stats: pid=4194304: no such process" \
		"mem_stats: pid 2 (kthreadd) is a kernel thread and has no user address space" \
		"mem_stats: pid $ZOMBIE (family) has exited and has no user address space any more" \
		"$unit" "$unit" "$unit" "$unit" "$unit" "$unit")"

	# -1 forgets the process.
	stats_get virtmem
	assert_equal "$STAT" $(($(status_kib "$parent" VmSize) / 1024))
	stats_put pid -1
	stats_get pid
	assert_equal "$STAT" -1
	run stats_get virtmem
	assert_failure
	assert_output --partial "No data available"
	rmmod mem_stats
}

@test "mem_stats: a reused pid never shows another process: reads fail with ESRCH once the target exits" {
	stats_load
	start_helper memphase
	old=$HELPER_PID
	wait_for_lines "$HELPER_OUT" 2
	stats_put pid "$old"
	stats_get virtmem
	assert_equal "$STAT" "$(status_kib "$old" VmSize)"

	kill -KILL "$old"
	local tries=400
	until [ ! -e "/proc/$old" ]; do
		((--tries)) || fail "pid $old still there after 20 s"
		sleep 0.05
	done
	# Give the next process the same number: the kernel hands out
	# ns_last_pid + 1 (another process may slip in first: try again).
	for tries in 1 2 3 4 5; do
		echo $((old - 1)) >/proc/sys/kernel/ns_last_pid
		start_helper memphase
		[ "$HELPER_PID" != "$old" ] || break
		kill -KILL "$HELPER_PID"
	done
	new=$HELPER_PID
	note "old target $old exited; new process $new"
	assert_equal "$new" "$old"
	wait_for_lines "$HELPER_OUT" 2

	stats_get pid
	assert_equal "$STAT" "$old"
	for file in virtmem physmem thp; do
		run stats_get "$file"
		assert_failure
		assert_output --partial "No such process"
	done
	# Written again, the number means the new process.
	stats_put pid "$new"
	stats_get virtmem
	assert_equal "$STAT" "$(status_kib "$new" VmSize)"
	rmmod mem_stats
}

@test "mem_stats: reads racing writes and rmmod, and a file held open across rmmod, are safe" {
	stats_load
	start_helper memphase
	wait_for_lines "$HELPER_OUT" 2
	stats_put pid "$HELPER_PID"
	exec {fd}<"$MEM_STATS/physmem"

	# memrace removes the module halfway through its 2 s.
	run "$HELPERS/memrace" 2000 "$HELPER_PID" "$$"
	note "memrace: $output"
	assert_success
	assert_output --regexp '^reads [0-9]+ writes [0-9]+ gone [0-9]+ bad 0$'
	[[ "$output" =~ ^reads\ ([0-9]+)\ writes\ ([0-9]+)\ gone\ ([0-9]+) ]]
	assert [ "${BASH_REMATCH[1]}" -ge 100 ]
	assert [ "${BASH_REMATCH[2]}" -ge 100 ]
	assert [ "${BASH_REMATCH[3]}" -ge 1 ]
	run module_loaded mem_stats
	assert_failure
	assert [ ! -e "$MEM_STATS" ]

	# The file opened before the removal and never read: ENODEV.
	run stats_read_fd "$fd"
	assert_failure
	assert_output --partial "No such device"
	exec {fd}<&-
}

# stats_read_fd FD: read one line from FD into STAT.
stats_read_fd() {
	read -r STAT <&"$1"
}
