#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# heap/lkm2.ko: the process with the largest heap (brk - start_brk),
# checked against the helper's own sbrk(0) and /proc/<pid>/stat.

load helpers/common

PF_KTHREAD=$((0x00200000))

setup() {
	KO=$MODULES/heap/lkm2.ko
}

teardown() {
	kill_helpers
	unload_if_loaded lkm2
}

@test "heap: a process that grew its heap by 64 MiB is reported with exactly sbrk(0) - start_brk" {
	start_helper heap_grow 64
	read -r pid brk <"$HELPER_OUT"
	proc_stat "$pid"
	start_brk=${PROC_STAT[47 - 3]}
	heap=$((brk - start_brk))
	assert [ "$heap" -ge $((64 << 20)) ]
	note "heap_grow $pid: sbrk(0) $brk - start_brk $start_brk (stat field 47) = $heap"

	kmsg_mark
	insmod "$KO"
	rmmod lkm2
	run kmsg_since_mark "lkm2: "
	note "module: ${lines[0]}"
	assert_output "$(printf '%s\n' "lkm2: PID: $pid has max heap usage with: $heap bytes (heap_grow)" "lkm2: unloaded")"
}

@test "heap: the answer is a user process, never a kernel thread" {
	kmsg_mark
	insmod "$KO"
	run kmsg_since_mark "lkm2: "
	assert_output --regexp '^lkm2: PID: [0-9]+ has max heap usage with: [0-9]+ bytes \(.+\)$'
	pid=${output#lkm2: PID: }
	pid=${pid%% *}
	# Field 9 holds the task flags; kernel threads have PF_KTHREAD.
	proc_stat "$pid"
	assert_equal $((PROC_STAT[9 - 3] & PF_KTHREAD)) 0
	# And it has the brk mapping that a heap is.
	run grep -c ' \[heap\]$' "/proc/$pid/maps"
	assert_output 1
}

@test "heap: processes exiting during the walk cause no error, no splat" {
	start_helper heap_grow 64
	read -r pid _ <"$HELPER_OUT"
	# Longer than the loop takes on any kernel (36 s once on the debug
	# kernel with a second guest beside it, past an earlier 30): teardown
	# kills it.
	start_bg "$HELPERS/churn" 600
	churn=$BG_PID
	kmsg_mark
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		insmod "$KO"
		rmmod lkm2
	done
	# The churn really ran alongside: it is still running now.
	assert [ -d "/proc/$churn" ]
	run kmsg_since_mark "lkm2: "
	assert_equal "${#lines[@]}" 20
	for ((i = 0; i < 20; i += 2)); do
		assert_line --index "$i" --regexp "^lkm2: PID: $pid has max heap usage with: [0-9]+ bytes \(heap_grow\)$"
		assert_line --index $((i + 1)) "lkm2: unloaded"
	done
	run kmsg_since_mark
	refute_output --regexp 'BUG:|WARNING:|Oops|Call Trace'
}
