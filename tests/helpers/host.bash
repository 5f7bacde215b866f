# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Loaded by the tests/host/*.bats files: `load ../helpers/host`. They run on
# the host, once, before the VMs (tests/run-tests), because they load no
# module: they install into staging roots and build with DKMS, for each
# test kernel.

LKM_ROOT=${LKM_ROOT:-${BATS_TEST_DIRNAME%/*/*}}
# shellcheck source=tests/helpers/bats.bash
source "$LKM_ROOT/tests/helpers/bats.bash"

# The make under test sees only what a test passes it, not the settings
# (KVER=, TESTS=, jobs) of the `make test` that started run-tests.
unset MAKEFLAGS MFLAGS MAKELEVEL

# The kernels run-tests was asked for (LKM_TEST_KERNELS, space-separated),
# else every test kernel; the suite's version and modules (DIR/NAME).
# shellcheck disable=SC2034 # used by the test files
if [ -n "${LKM_TEST_KERNELS:-}" ]; then
	read -r -a TEST_KERNELS <<<"$LKM_TEST_KERNELS"
else
	mapfile -t TEST_KERNELS < <("$LKM_ROOT/scripts/kernels" test)
fi
# shellcheck disable=SC2034
read -r VERSION <"$LKM_ROOT/VERSION"
# shellcheck disable=SC2034
mapfile -t SUITE_MODULES < <("$LKM_ROOT/scripts/modules")
# The programs make install puts in PREFIX/bin, as built (DIR/NAME).
# shellcheck disable=SC2034
PROGRAMS=(ioctl/memtool signal/control_station signal/soldier)

# ko_suffix KVER: what modules_install (and DKMS) make of a module for
# KVER, in KO_SUFFIX: .ko, or .ko.xz (.zst, .gz) where the kernel's config
# compresses its modules. From 6.6 that takes MODULE_COMPRESS_ALL too.
# shellcheck disable=SC2034 # KO_SUFFIX is for the caller
ko_suffix() {
	local config=/lib/modules/$1/build/.config line
	KO_SUFFIX=.ko
	[ -f "$config" ] || fail "no $config: install linux-headers-$1"
	while IFS= read -r line; do
		case "$line" in
		"# CONFIG_MODULE_COMPRESS_ALL is not set") KO_SUFFIX=.ko; return ;;
		CONFIG_MODULE_COMPRESS_XZ=y) KO_SUFFIX=.ko.xz ;;
		CONFIG_MODULE_COMPRESS_ZSTD=y) KO_SUFFIX=.ko.zst ;;
		CONFIG_MODULE_COMPRESS_GZIP=y) KO_SUFFIX=.ko.gz ;;
		esac
	done <"$config"
}

# lkm_make ARG...: make in the project, its output kept in $output (for a
# failing assert_success to show) rather than printed.
lkm_make() {
	run make -C "$LKM_ROOT" --no-print-directory "$@" # lint-bats: ok every caller checks $status next
}

# dkms_suffix KVER: what DKMS makes of a module for KVER, in KO_SUFFIX:
# it compresses like the kernel's own modules, as modules.dep lists them.
# shellcheck disable=SC2034 # KO_SUFFIX is for the caller
dkms_suffix() {
	local first
	IFS=: read -r first _ <"/lib/modules/$1/modules.dep" || fail "no /lib/modules/$1/modules.dep"
	KO_SUFFIX=.ko${first##*.ko}
}
