#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# README.md's samples are what make demo prints: the demo runs on this
# kernel, and every "$ " command of README.md's demo regions must be the
# one the current demo scripts ran, pids and addresses aside (scripts/readme
# check). When a demo.sh changes, `make readme` brings the README along.
# On a kernel without THP the demo must still run, and the comparison is
# skipped, saying so.

load helpers/common

@test "README: every demo region shows the commands the current demo scripts run" {
	demo_out=$BATS_TEST_TMPDIR/demo.txt
	"$LKM_ROOT/scripts/demo" >"$demo_out" 2>&1 || {
		cat "$demo_out"
		fail "scripts/demo failed"
	}
	# The README's samples come from a kernel with transparent huge pages;
	# on one without, the demo shows one case fewer (and ran: above).
	[ -e /sys/kernel/mm/transparent_hugepage ] ||
		skip "this kernel has no transparent huge pages: its demo ran, but shows no THP case to compare"
	run "$LKM_ROOT/scripts/readme" check "$demo_out" "$LKM_ROOT/README.md"
	note "$output"
	assert_success
	assert_output --regexp "^readme: README.md's [0-9]+ demo regions show the commands of the current demo$"
}
