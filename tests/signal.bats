#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# signal/: dr_doom.ko sends a control station SIGCHLD when a registered
# soldier exits. Every report is checked against the soldier's own pid (as
# it printed it, and as $! gave it) and the exit status it chose, or the
# signal the test sent; the kernel's own wait status where one is at hand.

load helpers/common

setup() {
	KO=$MODULES/signal/dr_doom.ko
	SIGNAL_DIR=$PROGRAMS/signal
}

teardown() {
	kill_helpers
	[ -z "${EXTRA_PID:-}" ] || kill -KILL "$EXTRA_PID" 2>/dev/null || true
	unload_if_loaded dr_doom
}

# start_station: a control_station in the background (no emergency), its
# output in STATION_OUT, its pid in STATION, once it is ready.
start_station() {
	STATION_OUT=$BATS_TEST_TMPDIR/station.$RANDOM
	start_bg "$SIGNAL_DIR/control_station" >"$STATION_OUT"
	STATION=$BG_PID
	wait_for_lines "$STATION_OUT" 1
}

# start_soldier STATION [EXIT_CODE]: signal/soldier in the background; sets
# SOLDIER once it has registered (and checks the pid it printed).
start_soldier() {
	local out=$BATS_TEST_TMPDIR/soldier.$RANDOM
	start_bg "$SIGNAL_DIR/soldier" "$@" >"$out" 2>&1
	SOLDIER=$BG_PID
	wait_for_lines "$out" 1
	assert_equal "$(<"$out")" "Soldier $SOLDIER serving station $1"
}

# reports FILE: the "Soldier process" lines of a station's output, sorted.
reports() {
	grep '^Soldier process' "$1" | sort || true
}

# wait_reports FILE N: wait (up to 30 s) until FILE has N reports.
wait_reports() {
	local tries=600
	until [ "$(grep -c '^Soldier process' "$1")" -ge "$2" ]; do
		((--tries)) || { echo "fewer than $2 reports in $1 after 30 s" >&2; return 1; }
		sleep 0.05
	done
}

# wait_gone PID: wait (up to 20 s) until /proc/PID is gone (reaped).
wait_gone() {
	local tries=400
	while [ -e "/proc/$1" ]; do
		((--tries)) || { echo "pid $1 still exists after 20 s" >&2; return 1; }
		sleep 0.05
	done
}

# wait_until TEST...: wait (up to 20 s) until the command TEST succeeds.
wait_until() {
	local tries=400
	until "$@"; do
		((--tries)) || { echo "still not true after 20 s: $*" >&2; return 1; }
		sleep 0.05
	done
}

# comm_is PID NAME: /proc/PID/comm is NAME.
comm_is() {
	[ "$(<"/proc/$1/comm")" = "$2" ]
}

# one_thread PID: /proc/PID/task lists only PID itself.
one_thread() {
	local tasks=("/proc/$1/task/"*)
	[ "${tasks[*]}" = "/proc/$1/task/$1" ]
}

# settle: let a report that should not come have every chance to.
settle() {
	sleep 0.3
}

@test "signal: /dev/dr_doom is mode 0666; bad requests get EINVAL, ESRCH, EFAULT, ENOTTY, ENOENT; bad parameters refuse to load" {
	assert_refused EINVAL "max_soldiers=0 is out of range: 1-65536" "$KO" max_soldiers=0
	assert_refused EINVAL "max_per_station=65537 is out of range: 1-65536" \
		"$KO" max_per_station=65537
	kmsg_mark
	insmod "$KO"
	run kmsg_since_mark "dr_doom: "
	assert_output "dr_doom: /dev/dr_doom ready (4096 soldiers, 1024 per station)"
	run stat -c '%a %F' /dev/dr_doom
	assert_output "666 character special file"

	start_station
	run "$HELPERS/doom_soldier" errors "$STATION"
	assert_output "$(printf '%s\n' 'station-0 EINVAL' 'station-negative EINVAL' \
		'kthreadd EINVAL' 'no-such-process ESRCH' 'flags EINVAL' \
		'bad-pointer EFAULT' 'unknown-ioctl ENOTTY' 'unregister-none ENOENT' \
		'emergency-none 0' 'register ok' 'register-again ok' 'unregister ok')"
	# Registered, then unregistered before it exited: nothing to report.
	settle
	run reports "$STATION_OUT"
	assert_output ''
}

@test "signal: 4 soldiers exiting with 0, 3, 42 and 255 give exactly 4 reports with their pids and codes" {
	insmod "$KO"
	start_station
	want=()
	for code in 0 3 42 255; do
		start_soldier "$STATION" "$code"
		want+=("Soldier process $SOLDIER terminated: exited with $code")
	done
	wait_reports "$STATION_OUT" 4
	settle
	run reports "$STATION_OUT"
	note "$output"
	assert_output "$(printf '%s\n' "${want[@]}" | sort)"
}

@test "signal: killed by SIGTERM, by SIGSEGV with a core dump, after an exec: reported as such, once" {
	insmod "$KO"
	start_station
	start_soldier "$STATION"
	term=$SOLDIER
	# Dumps core into the test's directory (core_pattern "core" here).
	cd "$BATS_TEST_TMPDIR"
	ulimit -c unlimited
	start_soldier "$STATION"
	segv=$SOLDIER
	start_helper doom_soldier exec "$STATION" /bin/sleep 1000
	exec_pid=$HELPER_PID
	# Still registered after the exec: the same process, another program.
	wait_until comm_is "$exec_pid" sleep
	settle
	run reports "$STATION_OUT"
	assert_output ''

	kill -TERM "$term"
	kill -SEGV "$segv"
	kill -USR2 "$exec_pid"
	wait_reports "$STATION_OUT" 3
	settle
	run reports "$STATION_OUT"
	note "$output"
	assert_output "$(printf '%s\n' \
		"Soldier process $term terminated: killed by SIGTERM" \
		"Soldier process $segv terminated: killed by SIGSEGV (core dumped)" \
		"Soldier process $exec_pid terminated: killed by SIGUSR2" | sort)"
	note "core_pattern $(</proc/sys/kernel/core_pattern); cores: $(echo core*)"
}

@test "signal: threads exiting one by one give no report; exit_group from a thread and a last thread's exit(2) give the process's code" {
	insmod "$KO"
	start_station
	start_helper doom_soldier threads "$STATION" 3
	threaded=$HELPER_PID
	wait_for_lines "$HELPER_OUT" 2
	# Only the main thread is left.
	wait_until one_thread "$threaded"
	settle
	run reports "$STATION_OUT"
	assert_output ''

	# The kernel's own wait status is what run sees: the same code.
	run "$HELPERS/doom_soldier" group "$STATION" 9
	assert_equal "$status" 9
	group=${output#soldier }
	run "$HELPERS/doom_soldier" lastthread "$STATION" 11
	assert_equal "$status" 11
	last=${output#soldier }
	kill -TERM "$threaded"
	wait_reports "$STATION_OUT" 3
	settle
	run reports "$STATION_OUT"
	note "$output"
	assert_output "$(printf '%s\n' \
		"Soldier process $group terminated: exited with 9" \
		"Soldier process $last terminated: exited with 11" \
		"Soldier process $threaded terminated: killed by SIGTERM" | sort)"
}

@test "signal: the emergency kills exactly the caller's living soldiers, not another station's nor its real children; each reported once" {
	insmod "$KO"
	# Station A has a real child that never registered: a sleep it
	# inherits by exec.
	A_OUT=$BATS_TEST_TMPDIR/a.out
	start_bg bash -c "sleep 1000 & echo \$! >'$BATS_TEST_TMPDIR/child'; exec '$SIGNAL_DIR/control_station' 600" >"$A_OUT"
	a=$BG_PID
	wait_for_lines "$A_OUT" 1
	read -r child <"$BATS_TEST_TMPDIR/child"
	EXTRA_PID=$child
	start_station
	b=$STATION

	start_soldier "$a"
	a1=$SOLDIER
	start_soldier "$a"
	a2=$SOLDIER
	start_soldier "$b"
	b1=$SOLDIER
	run "$HELPERS/doom_soldier" move "$b" "$a" 7
	assert_equal "$status" 7
	moved=${output%%$'\n'*}
	moved=${moved#soldier }
	wait_reports "$A_OUT" 1

	kill -USR1 "$a"
	wait_gone "$a"
	run cat "$A_OUT"
	note "$output"
	assert_line "Control station $a: 2 soldiers signalled"
	assert_line "Control station $a: 3 reports received, exiting"
	run reports "$A_OUT"
	assert_output "$(printf '%s\n' \
		"Soldier process $moved terminated: exited with 7" \
		"Soldier process $a1 terminated: killed by SIGKILL" \
		"Soldier process $a2 terminated: killed by SIGKILL" | sort)"
	# B's soldier and A's real child live on; B heard of nobody.
	proc_stat "$b1"
	assert_equal "${PROC_STAT[0]}" S
	proc_stat "$child"
	assert_equal "${PROC_STAT[0]}" S
	run reports "$STATION_OUT"
	assert_output ''
}

@test "signal: a station that exits first: nothing is reported, its registrations are dropped and their room freed" {
	insmod "$KO" max_soldiers=2
	start_station
	old=$STATION
	start_soldier "$old"
	s1=$SOLDIER
	start_soldier "$old"
	s2=$SOLDIER
	start_station
	new=$STATION
	run "$HELPERS/doom_soldier" move "$new" "$new" 0
	assert_output "REGISTER ENOSPC"

	kill -KILL "$old"
	wait_gone "$old"
	# s1 and s2 still live, but their registrations went with the station.
	start_soldier "$new"
	n1=$SOLDIER
	start_soldier "$new"
	n2=$SOLDIER
	kill -KILL "$s1" "$s2" "$n1" "$n2"
	wait_reports "$STATION_OUT" 2
	settle
	run reports "$STATION_OUT"
	assert_output "$(printf '%s\n' \
		"Soldier process $n1 terminated: killed by SIGKILL" \
		"Soldier process $n2 terminated: killed by SIGKILL" | sort)"
}

@test "signal: max_per_station bounds a station's soldiers with ENOSPC; moving between stations keeps the count right" {
	insmod "$KO" max_per_station=1
	start_station
	a=$STATION
	start_station
	b=$STATION
	start_soldier "$a"
	run "$SIGNAL_DIR/soldier" "$a" 0
	assert_failure 1
	assert_output "soldier: cannot serve station $a: No space left on device"
	# A soldier of b may not move to a: a is full.
	run "$HELPERS/doom_soldier" move "$b" "$a" 0
	assert_line "REGISTER ENOSPC"
	# Its exit frees a's place.
	kill -KILL "$SOLDIER"
	wait_gone "$SOLDIER"
	run "$HELPERS/doom_soldier" move "$b" "$a" 5
	assert_equal "$status" 5
}

@test "signal: pid reuse: a new process with a dead station's pid gets no report from its soldiers" {
	insmod "$KO"
	start_station
	old=$STATION
	start_soldier "$old"
	orphan=$SOLDIER
	kill -KILL "$old"
	wait_gone "$old"
	# The next process created gets the old station's pid.
	echo $((old - 1)) >/proc/sys/kernel/ns_last_pid
	start_station
	assert_equal "$STATION" "$old"
	kill -KILL "$orphan"
	start_soldier "$STATION" 4
	fresh=$SOLDIER
	wait_reports "$STATION_OUT" 1
	settle
	run reports "$STATION_OUT"
	assert_output "Soldier process $fresh terminated: exited with 4"
}

@test "signal: 200 soldiers registering and exiting at once give 200 reports, one per pid" {
	insmod "$KO"
	start_station
	run "$HELPERS/doom_soldier" swarm "$STATION" 200 5
	assert_success
	assert_line --index 0 "registered 200"
	assert_line --index 201 "done"
	printf '%s\n' "${lines[@]:1:200}" | sort >"$BATS_TEST_TMPDIR/pids"
	SECONDS=0
	wait_reports "$STATION_OUT" 200
	note "200 reports within $SECONDS s of the last exit"
	settle
	reports "$STATION_OUT" >"$BATS_TEST_TMPDIR/reports"
	run sed 's/^Soldier process \([0-9]*\) terminated: exited with 5$/\1/' \
		"$BATS_TEST_TMPDIR/reports"
	assert_equal "$(sort <<<"$output")" "$(<"$BATS_TEST_TMPDIR/pids")"
}

@test "signal: rmmod while soldiers live, and while 200 of them exit: no report after, no splat" {
	insmod "$KO"
	start_station
	start_soldier "$STATION"
	alive=$SOLDIER
	rmmod dr_doom
	kill -KILL "$alive"
	settle
	run reports "$STATION_OUT"
	assert_output ''

	insmod "$KO"
	start_helper doom_soldier swarm "$STATION" 200 0
	# The swarm lets them all exit right after this line.
	rmmod dr_doom
	wait_for_lines "$HELPER_OUT" 202
	run module_loaded dr_doom
	assert_failure
	reports "$STATION_OUT" >"$BATS_TEST_TMPDIR/reports"
	note "$(wc -l <"$BATS_TEST_TMPDIR/reports") of 200 reported before the unload"
	run uniq -d "$BATS_TEST_TMPDIR/reports"
	assert_output ''
}

@test "signal: an unprivileged soldier may serve its own user's station, not root's (EPERM)" {
	insmod "$KO"
	start_station
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$SIGNAL_DIR/soldier" "$STATION" 0
	assert_failure 1
	assert_output "soldier: cannot serve station $STATION: Operation not permitted"

	STATION_OUT=$BATS_TEST_TMPDIR/nobody.out
	start_bg setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$SIGNAL_DIR/control_station" >"$STATION_OUT"
	wait_for_lines "$STATION_OUT" 1
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$SIGNAL_DIR/soldier" "$BG_PID" 6
	assert_equal "$status" 6
	pid=${output#Soldier }
	pid=${pid%% *}
	wait_reports "$STATION_OUT" 1
	run reports "$STATION_OUT"
	assert_output "Soldier process $pid terminated: exited with 6"
}
