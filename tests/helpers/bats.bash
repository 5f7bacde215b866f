# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# bats-support, bats-assert and note(), for every bats file: sourced by
# helpers/common (the tests/*.bats files, in the VM) and helpers/host (the
# tests/host/*.bats files, on the host).

# The libraries' load.bash starts a dirname process for every file it
# sources, for every test: about 0.9 s a test in the VM. Source the same
# files directly where Debian puts them.
if [ -f /usr/lib/bats/bats-assert/src/assert.bash ]; then
	for lib in /usr/lib/bats/bats-support/src/*.bash /usr/lib/bats/bats-assert/src/*.bash; do
		# shellcheck source=/dev/null
		source "$lib"
	done
else
	bats_load_library bats-support
	bats_load_library bats-assert
fi

# note TEXT: print TEXT as a TAP comment whether the test passes or not:
# the figures a test compared, for the record.
note() {
	echo "# $*" >&3
}
