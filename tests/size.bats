#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# size/lkm5.ko: virtual and resident size of a process, equal to
# /proc/<pid>/status for a process stopped so that nothing moves.

load helpers/common

setup() {
	KO=$MODULES/size/lkm5.ko
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
	unload_if_loaded lkm5
}

# measure PID: load for PID, compare every figure with /proc/PID/status.
# Sets RSS, VM and ANON (KiB).
measure() {
	kmsg_mark
	insmod "$KO" pid="$1"
	rmmod lkm5
	run kmsg_since_mark "lkm5: "
	assert_equal "${#lines[@]}" 4
	assert_line --index 0 --regexp "^lkm5: PID: $1 \\(memphase\\)$"
	assert_line --index 3 "lkm5: unloaded"
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
