#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# ksp/lkm3.ko: where a task's kernel stack is. /proc hides kernel stack
# addresses, so the checks are the ones that must hold for any real stack:
# a kernel address aligned to THREAD_SIZE, the saved stack pointer inside
# it, a different stack for each task and the same one on a second look.

load helpers/common

# kernel_stack_kib: /proc/meminfo's KernelStack, with the per-CPU counter
# deltas folded in first (vm.stat_refresh), so that it is exact.
kernel_stack_kib() {
	echo 1 >/proc/sys/vm/stat_refresh
	meminfo_kib KernelStack
}

# THREAD_SIZE differs by architecture and configuration (x86_64 and arm64
# have 16 KiB, KASAN doubles it): the kernel accounts THREAD_SIZE in
# KernelStack for every task, so 64 new threads tell it. The result is
# rounded to a power of two: a kernel thread may come or go meanwhile.
setup_file() {
	local before after per
	before=$(kernel_stack_kib)
	start_helper threads 64
	grep -qx ready "$HELPER_OUT" || { cat "$HELPER_OUT" >&2; return 1; }
	after=$(kernel_stack_kib)
	kill_helpers
	per=$(((after - before) * 1024 / 64))
	if [ "$per" -lt 6144 ] || [ "$per" -gt 98304 ]; then
		echo "KernelStack grew by $((after - before)) KiB with 64 threads: no THREAD_SIZE from that" >&2
		return 1
	fi
	THREAD_SIZE=4096
	while [ $((THREAD_SIZE * 3 / 2)) -lt "$per" ]; do
		THREAD_SIZE=$((THREAD_SIZE * 2))
	done
	echo "# THREAD_SIZE $THREAD_SIZE: KernelStack $before -> $after KiB with 64 more threads" >&3
	export THREAD_SIZE
}

setup() {
	KO=$MODULES/ksp/lkm3.ko
}

teardown() {
	kill_helpers
	unload_if_loaded lkm3
}

# stack_of [PARAM...]: load, read the two lines, unload. Sets BASE and SP.
stack_of() {
	kmsg_mark
	insmod "$KO" "$@"
	rmmod lkm3
	run kmsg_since_mark "lkm3: "
	assert_equal "${#lines[@]}" 3
	assert_line --index 0 --regexp '^lkm3: PID: [0-9]+ has kernel stack at 0x[0-9a-f]{16}$'
	assert_line --index 1 --regexp "^lkm3: .+: stack 0x[0-9a-f]{16}-0x[0-9a-f]{16} \\($THREAD_SIZE bytes\\), saved sp 0x[0-9a-f]{16}, inside the stack$"
	assert_line --index 2 "lkm3: unloaded"
	BASE=$((${lines[0]##* at }))
	SP=${lines[1]##*saved sp }
	SP=$((${SP%%,*}))
	note "${lines[0]#lkm3: }; ${lines[1]#lkm3: }"
	# A kernel address (the upper half), THREAD_SIZE-aligned, sp inside.
	assert [ "$BASE" -lt 0 ]
	assert_equal $((BASE % THREAD_SIZE)) 0
	assert [ "$SP" -ge "$BASE" ]
	assert [ "$SP" -lt $((BASE + THREAD_SIZE)) ]
}

@test "ksp: pid 1, a sleeping process and kthreadd have distinct aligned stacks, the same on a second load" {
	start_bg sleep 1000
	sleeper=$BG_PID
	wait_state "$sleeper" S

	stack_of
	assert_line --index 0 --regexp "^lkm3: PID: 1 has kernel stack at "
	init_base=$BASE
	stack_of pid="$sleeper"
	assert_line --index 0 --regexp "^lkm3: PID: $sleeper has kernel stack at "
	assert_line --index 1 --regexp '^lkm3: sleep: '
	sleeper_base=$BASE
	sleeper_sp=$SP
	stack_of pid=2
	assert_line --index 1 --regexp '^lkm3: kthreadd: '
	kthreadd_base=$BASE

	assert [ "$init_base" -ne "$sleeper_base" ]
	assert [ "$kthreadd_base" -ne "$sleeper_base" ]
	assert [ "$kthreadd_base" -ne "$init_base" ]
	# The sleeper has not run since: same stack, same saved pointer.
	stack_of pid="$sleeper"
	assert_equal "$BASE" "$sleeper_base"
	assert_equal "$SP" "$sleeper_sp"
}

@test "ksp: bad pid= values and an exited process are refused with an errno and one line" {
	start_family

	assert_refused EINVAL "pid=0 is not a process id: it must be positive" "$KO" pid=0
	assert_refused EINVAL "pid=-5 is not a process id: it must be positive" "$KO" pid=-5
	assert_refused EINVAL "\`abc' invalid for parameter \`pid'" "$KO" pid=abc
	assert_refused ESRCH "pid=4194304: no such process" "$KO" pid=4194304
	assert_refused ESRCH "pid $ZOMBIE (family) has exited: its kernel stack is freed" "$KO" pid="$ZOMBIE"
}
