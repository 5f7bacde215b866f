# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Loaded by every tests/*.bats file: `load helpers/common`. bats sources a
# test file once per test, so nothing here starts a process.

LKM_ROOT=${LKM_ROOT:-${BATS_TEST_DIRNAME%/*}}
# shellcheck source=tests/helpers/bats.bash
source "$LKM_ROOT/tests/helpers/bats.bash"
read -r KVER </proc/sys/kernel/osrelease
# Modules built for the running kernel, and the C helpers and user
# programs (ioctl/memtool...) for its architecture: next to the sources for
# x86, under build/arm64/ for arm64 (make ARCH=arm64).
# shellcheck disable=SC2034 # used by the test files
MODULES=$LKM_ROOT/build/$KVER
case "$(uname -m)" in
aarch64)
	HELPERS=$LKM_ROOT/build/arm64/helpers
	PROGRAMS=$LKM_ROOT/build/arm64/programs
	;;
*)
	# shellcheck disable=SC2034
	HELPERS=$LKM_ROOT/build/helpers
	# shellcheck disable=SC2034
	PROGRAMS=$LKM_ROOT
	;;
esac
# The guest's page size: 4 KiB on x86, 4 KiB for Debian's arm64 kernels
# too, but read, not assumed.
# shellcheck disable=SC2034
PAGE_SIZE=$(getconf PAGESIZE)

# shellcheck source=tests/helpers/kmsg.bash
source "$LKM_ROOT/tests/helpers/kmsg.bash"
# shellcheck source=tests/helpers/procs.bash
source "$LKM_ROOT/tests/helpers/procs.bash"
# shellcheck source=tests/helpers/swap.bash
source "$LKM_ROOT/tests/helpers/swap.bash"
# shellcheck source=tests/helpers/state.bash
source "$LKM_ROOT/tests/helpers/state.bash"

# module_loaded NAME: true while NAME is in /proc/modules.
module_loaded() {
	local name rest
	while read -r name rest; do
		[ "$name" != "$1" ] || return 0
	done </proc/modules
	return 1
}

# unload_if_loaded NAME...: for teardown, so a failed test does not leave
# its module behind for the next one. Fails when any rmmod fails: bats runs
# teardown with errexit off, where a loop's status is its last iteration's.
unload_if_loaded() {
	local name rc=0
	for name in "$@"; do
		! module_loaded "$name" || rmmod "$name" || rc=1
	done
	return "$rc"
}

# assert_refused ERRNO LINE MODULE.ko [PARAM...]: loading fails with ERRNO
# (its name, such as ESRCH), the module logs exactly LINE (without its
# prefix), and the module is not left loaded.
assert_refused() {
	local errno=$1 line=$2 ko=$3 name
	shift 3
	name=${ko##*/}
	name=${name%.ko}
	echo "# case: $name $*"
	kmsg_mark
	run "$HELPERS/modload" "$ko" "$@"
	assert_failure 1
	assert_output "$errno"
	run kmsg_since_mark "$name: "
	assert_output "$name: $line"
	run module_loaded "$name"
	assert_failure
}
