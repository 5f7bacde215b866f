#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# running/lkm1.ko: running processes, and the children of a pid with their
# states, checked against /proc/<pid>/stat and /proc/<pid>/task/*/stat.

load helpers/common

setup() {
	KO=$MODULES/running/lkm1.ko
}

teardown() {
	kill_helpers
	unload_if_loaded lkm1
}

# runnable_threads PID: how many of its threads /proc shows in state R.
runnable_threads() {
	local stat n=0
	for stat in /proc/"$1"/task/*/stat; do
		read -r stat <"$stat"
		stat=${stat##*) }
		[ "${stat%% *}" != R ] || n=$((n + 1))
	done
	echo "$n"
}

@test "running: lists a CPU-bound process and a process with one spinning thread, not a sleeping one" {
	start_helper spinner
	spinner=$HELPER_PID
	start_helper spinner --thread
	threaded=$HELPER_PID
	start_bg sleep 1000
	sleeper=$BG_PID
	wait_state "$sleeper" S

	kmsg_mark
	insmod "$KO"
	rmmod lkm1
	run kmsg_since_mark "lkm1: "
	assert_line --index 0 --regexp '^lkm1: PID +PROC +RUNNABLE$'
	assert_line --regexp "^lkm1: $spinner +spinner +1$"
	assert_line --regexp "^lkm1: $threaded +spinner +1$"
	refute_line --regexp "^lkm1: $sleeper "
	# Ground truth: the threads /proc shows running, and the sleeper asleep.
	threads=(/proc/"$threaded"/task/*)
	note "spinner $spinner: /proc R threads $(runnable_threads "$spinner");" \
		"threaded $threaded: $(runnable_threads "$threaded") of ${#threads[@]}"
	assert_equal "$(runnable_threads "$spinner")" 1
	assert_equal "$(runnable_threads "$threaded")" 1
	assert_equal "${#threads[@]}" 2
	proc_stat "$sleeper"
	assert_equal "${PROC_STAT[0]}" S
	# One line per process between the header and the count.
	listed=$((${#lines[@]} - 3))
	assert_line --index $((${#lines[@]} - 2)) "lkm1: $listed processes with running or runnable threads"
	assert_line --index $((${#lines[@]} - 1)) "lkm1: unloaded"
}

@test "running: pid= lists exactly the children, each in the state /proc shows" {
	start_family
	parent=$HELPER_PID

	kmsg_mark
	insmod "$KO" pid="$parent"
	run kmsg_since_mark "lkm1: "
	assert_line --index 0 "lkm1: children of $parent (family):"
	assert_line --index 1 --regexp '^lkm1: PID +PROC +STATE$'
	assert_line --index 6 "lkm1: 4 children"
	assert_equal "${#lines[@]}" 7
	for line in "${lines[@]:2:4}"; do
		read -r _ pid comm state <<<"$line"
		assert_equal "$comm" family
		assert [ -n "${FAMILY[$pid]}" ]
		assert_equal "$state" "${FAMILY[$pid]}"
		proc_stat "$pid"
		note "child $pid: module $state, /proc/$pid/stat ${PROC_STAT[0]}, made ${FAMILY[$pid]}"
		assert_equal "$state" "${PROC_STAT[0]}"
		unset "FAMILY[$pid]"
	done
	assert_equal "${#FAMILY[@]}" 0
}

@test "running: pid= of a process without children says so" {
	start_helper spinner
	kmsg_mark
	insmod "$KO" pid="$HELPER_PID"
	run kmsg_since_mark "lkm1: "
	assert_output "lkm1: $HELPER_PID (spinner) has no children"
}

@test "running: bad pid= values are refused with an errno and one line" {
	assert_refused EINVAL "pid=0 is not a process id: it must be positive" "$KO" pid=0
	assert_refused EINVAL "pid=-5 is not a process id: it must be positive" "$KO" pid=-5
	assert_refused EINVAL "\`abc' invalid for parameter \`pid'" "$KO" pid=abc
	assert_refused ESRCH "pid=4194304: no such process" "$KO" pid=4194304
}

@test "running: past 100 rows pid= only counts: 150 children give 100 rows, a summary and the exact count" {
	start_helper forkmany 150
	parent=$HELPER_PID
	# Every child as /proc shows it: a process whose PPID (field 4) is the
	# parent.
	local -A children=()
	local dir pid
	for dir in /proc/[0-9]*; do
		pid=${dir#/proc/}
		proc_stat "$pid" 2>/dev/null || continue
		[ "${PROC_STAT[1]}" != "$parent" ] || children[$pid]=1
	done
	note "/proc shows ${#children[@]} children of $parent"
	assert_equal "${#children[@]}" 150
	for pid in "${!children[@]}"; do
		wait_state "$pid" S
	done

	kmsg_mark
	insmod "$KO" pid="$parent"
	rmmod lkm1
	run kmsg_since_mark "lkm1: "
	assert_equal "${#lines[@]}" 105
	assert_line --index 0 "lkm1: children of $parent (forkmany):"
	assert_line --index 102 "lkm1: ... and 50 more, not listed (at most 100 rows are logged)"
	assert_line --index 103 "lkm1: 150 children"
	local line comm state
	for line in "${lines[@]:2:100}"; do
		read -r _ pid comm state <<<"$line"
		assert_equal "$comm" forkmany
		assert_equal "$state" S
		assert_equal "${children[$pid]:-}" 1
		unset "children[$pid]"
	done
	assert_equal "${#children[@]}" 50
}
