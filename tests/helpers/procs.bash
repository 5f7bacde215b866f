# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Target processes for tests/*.bats and the demo entries: starting the C
# helpers in the background, waiting for them, reading /proc about them.
# Uses HELPERS (where the helpers were built). Bash built-ins only, but for
# the sleep between polls: process starts are slow in the VM.

# start_bg CMD [ARG...]: run CMD in the background for this test; sets
# BG_PID. fd 3 is closed for it, or bats would wait for it to exit before
# finishing the test, and it is disowned so bash does not report its death.
# kill_helpers (in teardown) ends everything started this way.
start_bg() {
	"$@" 3>&- &
	BG_PID=$!
	disown "$BG_PID"
	BG_PIDS+=("$BG_PID")
}

# start_helper NAME [ARG...]: start_bg the C helper NAME with its output in
# HELPER_OUT, and wait for its first line. Sets HELPER_PID.
start_helper() {
	HELPER_OUT=${BATS_TEST_TMPDIR:-${TMPDIR:-/tmp}}/$1.$$.$RANDOM.out
	start_bg "$HELPERS/$1" "${@:2}" >"$HELPER_OUT" 2>&1
	# shellcheck disable=SC2034 # for the caller
	HELPER_PID=$BG_PID
	wait_for_lines "$HELPER_OUT" 1
}

# start_family: start_helper tests/helpers/family and wait until each child
# is in the state it was made for. Sets HELPER_PID (the parent), FAMILY
# (child pid -> state letter) and ZOMBIE (the child that exited unreaped).
# shellcheck disable=SC2034 # FAMILY and ZOMBIE are for the caller
start_family() {
	local state pid
	start_helper family
	wait_for_lines "$HELPER_OUT" 5
	declare -gA FAMILY=()
	while read -r state pid; do
		[ "$state" != parent ] || continue
		FAMILY[$pid]=$state
		[ "$state" != Z ] || ZOMBIE=$pid
		wait_state "$pid" "$state"
	done <"$HELPER_OUT"
}

# kill_helpers: SIGKILL what start_bg started, with its process group when
# it leads one (tests/helpers/family does).
kill_helpers() {
	local pid
	for pid in "${BG_PIDS[@]}"; do
		kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
	done
	BG_PIDS=()
}

# wait_for_lines FILE N: wait (up to 20 s) until FILE has N lines.
wait_for_lines() {
	local tries=400 lines
	until mapfile -t lines <"$1" && [ ${#lines[@]} -ge "$2" ]; do
		((--tries)) || { echo "no $2 lines of output in $1 after 20 s" >&2; return 1; }
		sleep 0.05
	done
}

# addr_of FILE CASE: the address a target program printed for CASE in its
# output FILE ("<case> <address>", or "<case> - <why>" when the system
# refused it), in ADDR; skips the test with the reason when refused.
addr_of() {
	local name value reason
	while read -r name value reason; do
		[ "$name" = "$2" ] || continue
		[ "$value" != - ] || skip "$2: the kernel refused: $reason"
		# shellcheck disable=SC2034 # for the caller
		ADDR=$value
		return 0
	done <"$1"
	fail "no $2 in $1"
}

# proc_stat PID: split /proc/PID/stat into PROC_STAT, from the field after
# the command name on: PROC_STAT[0] is field 3 (the state letter), field N
# is PROC_STAT[N-3]. The name itself may contain spaces and parentheses.
proc_stat() {
	local line
	read -r line <"/proc/$1/stat" || return 1
	read -r -a PROC_STAT <<<"${line##*) }"
}

# wait_state PID LETTER: wait (up to 20 s) until /proc/PID/stat shows LETTER;
# fails at once if PID has gone.
wait_state() {
	local tries=400
	until proc_stat "$1" 2>/dev/null && [ "${PROC_STAT[0]}" = "$2" ]; do
		[ -e "/proc/$1" ] || { echo "pid $1 has exited: it never reached state $2" >&2; return 1; }
		((--tries)) || { echo "pid $1 is not in state $2 after 20 s" >&2; return 1; }
		sleep 0.05
	done
}

# file_field FILE FIELD: the number on FIELD's line of FILE, a /proc file
# of "FIELD: N [kB]" lines.
file_field() {
	local key value
	while read -r key value _; do
		[ "$key" != "$2:" ] || { echo "$value"; return 0; }
	done <"$1"
	return 1
}

# status_kib PID FIELD: the number on FIELD's line of /proc/PID/status.
status_kib() {
	file_field "/proc/$1/status" "$2"
}

# meminfo_kib FIELD: the number on FIELD's line of /proc/meminfo.
meminfo_kib() {
	file_field /proc/meminfo "$1"
}

# memphase_next PID N: let tests/helpers/memphase go on to its stop N.
memphase_next() {
	kill -CONT "$1"
	wait_for_lines "$HELPER_OUT" $(($2 + 1))
	wait_state "$1" T
}
