#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# make test-host, the path for a real Linux machine, run here for real: the
# VM is such a machine. One bats file goes through it (the whole suite was
# run that way by hand; README: "On a real machine"), and the machine must
# be left as it was found.

load helpers/common

@test "make test-host: hello.bats passes through the real-machine path and leaves the machine as it was" {
	local before
	before=$(machine_state)
	# Built on the host already: a Kbuild with nothing to do takes a minute
	# in the VM.
	run env LKM_PREBUILT=1 make -C "$LKM_ROOT" --no-print-directory test-host TESTS=tests/hello.bats
	note "make test-host: ${lines[-1]}"
	assert_success
	assert_line --regexp '^ok 1 hello: '
	assert_line --index -1 --regexp '^[1-9][0-9]* passed, 0 failed$'
	refute_line --partial 'not ok'
	assert_equal "$(machine_state)" "$before"
	run module_loaded hello
	assert_failure
}
