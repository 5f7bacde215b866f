#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# The suite as make install leaves it: tests/run-tests stages `make install
# DESTDIR=build/install/KVER KVER=KVER` before each VM boots, and modprobe
# -d loads lkm4 from there by name, through that tree's modules.dep. Its
# answer is checked against /proc/<pid>/pagemap as in tests/mapper.bats.
# tests/host/install.bats checks the staged tree itself, on the host.

load helpers/common

setup() {
	ROOT=$LKM_ROOT/build/install/$KVER
	[ -f "$ROOT/lib/modules/$KVER/modules.dep" ] ||
		fail "no installed tree in $ROOT: run make install DESTDIR=build/install/$KVER KVER=$KVER (tests/run-tests does)"
}

teardown() {
	kill_helpers
	unload_if_loaded lkm4
}

@test "install: modprobe -d loads the installed lkm4 by name; it translates as pagemap does" {
	local ko pfn version
	start_helper mapper_target
	wait_for_lines "$HELPER_OUT" 13
	addr_of "$HELPER_OUT" anon
	run "$HELPERS/pagemap" "$HELPER_PID" "$ADDR"
	assert_success
	[[ "$output" =~ \ present\ pfn\ (0x[0-9a-f]+)$ ]] || fail "pagemap: $output"
	pfn=${BASH_REMATCH[1]}

	# The installed file, not build/: .ko, or .ko.xz where the kernel
	# compresses its modules.
	run modprobe -d "$ROOT" --show-depends lkm4
	assert_success
	ko=${output#insmod }
	ko=${ko%% *}
	[[ "$ko" == "$ROOT/lib/modules/$KVER/extra/lkm/mapper/lkm4.ko"* ]] || fail "modprobe resolves lkm4 to $ko"

	kmsg_mark
	modprobe -d "$ROOT" lkm4 pid="$HELPER_PID" addr="$ADDR"
	read -r version </sys/module/lkm4/version
	modprobe -r -d "$ROOT" lkm4
	run kmsg_since_mark "lkm4: "
	note "anon $ADDR: installed ${ko##*/} $version, pagemap PFN $pfn"
	assert_line "lkm4: Pid: $HELPER_PID Address: $ADDR"
	assert_line "lkm4: The address $ADDR is valid"
	assert_line "lkm4: Page Frame Number: $pfn"
	assert_line "lkm4: Physical Address: $(printf '0x%016x' $((pfn * PAGE_SIZE + (ADDR & (PAGE_SIZE - 1)))))"
	assert_line "lkm4: unloaded"
	assert_equal "$version" "$(<"$LKM_ROOT/VERSION")"
	run module_loaded lkm4
	assert_failure
}
