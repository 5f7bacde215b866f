# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# machine_state: what a test may change on the machine and must put back,
# one "file: value" line each: huge page pools, the THP settings, the swap
# areas in use (their names only: how much each holds moves by itself) and
# the core pattern. tests/run-suite compares it before and after each bats
# file; tests/test-host.bats around a make test-host. Built-ins only.
machine_state() {
	local file line
	for file in /proc/sys/vm/nr_hugepages /sys/kernel/mm/hugepages/*/nr_hugepages \
		/sys/kernel/mm/transparent_hugepage/enabled \
		/sys/kernel/mm/transparent_hugepage/defrag \
		/proc/sys/kernel/core_pattern /proc/swaps; do
		[ -r "$file" ] || continue
		# shellcheck disable=SC2094 # $file is only named in the output
		while IFS= read -r line; do
			[ "$file" != /proc/swaps ] || line=${line%%[[:space:]]*}
			echo "$file: $line"
		done <"$file"
	done
}
