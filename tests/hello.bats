#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# hello/hello.ko: one line on load, one on unload, nothing left behind.

load helpers/common

setup() {
	KO=$MODULES/hello/hello.ko
}

teardown() {
	unload_if_loaded hello
}

@test "hello: load and unload each log their line, in order, on their event" {
	kmsg_mark
	insmod "$KO"
	run kmsg_since_mark "hello: "
	assert_output "hello: Hello World from a module"

	rmmod hello
	run kmsg_since_mark "hello: "
	assert_output "$(printf '%s\n' 'hello: Hello World from a module' 'hello: Bye from a module')"
	run module_loaded hello
	assert_failure
}

@test "hello: name= greets that name and shows in sysfs" {
	kmsg_mark
	insmod "$KO" name=Ada
	run kmsg_since_mark "hello: "
	assert_output "hello: Hello Ada from a module"
	assert_equal "$(</sys/module/hello/parameters/name)" "Ada"
}

@test "hello: an empty name= is refused with EINVAL and one error line" {
	kmsg_mark
	run "$HELPERS/modload" "$KO" name=
	assert_failure 1
	assert_output EINVAL
	run kmsg_since_mark "hello: "
	assert_output "hello: name= must not be empty"
	run module_loaded hello
	assert_failure
}

@test "hello: modinfo has license, author, description and the parameter" {
	run modinfo "$KO"
	assert_success
	assert_line --regexp '^license: +GPL$'
	assert_line --regexp '^author: +.+'
	assert_line --regexp '^description: +Say hello on load and bye on unload$'
	assert_line --regexp '^parm: +name:Who to greet on load \(default: World\) \(charp\)$'
	# Built for the running kernel (compared literally: releases contain '+').
	[[ "$output" =~ vermagic:\ +([^ ]+) ]]
	assert_equal "${BASH_REMATCH[1]}" "$KVER"
}

@test "hello: loading twice fails with File exists and greets once" {
	kmsg_mark
	insmod "$KO"
	run insmod "$KO"
	assert_failure
	assert_output --partial "File exists"
	run kmsg_since_mark "hello: "
	assert_output "hello: Hello World from a module"
}

@test "hello: unloading a module that is not loaded fails" {
	run module_loaded hello
	assert_failure
	run rmmod hello
	assert_failure
	assert_output --partial "is not currently loaded"
}
