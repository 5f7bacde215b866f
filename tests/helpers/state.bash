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

# thp_madvise_only: transparent huge pages only where a program asks for
# them (MADV_HUGEPAGE), the current setting kept in THP_WAS for
# thp_restore; nothing where the kernel has no THP (THP_WAS stays empty).
# With "always", khugepaged may collapse a stopped program's small pages
# into a new THP between two readings.
thp_madvise_only() {
	local file=/sys/kernel/mm/transparent_hugepage/enabled
	THP_WAS=""
	[ -e "$file" ] || return 0
	read -r THP_WAS <"$file"
	THP_WAS=${THP_WAS#*[}
	THP_WAS=${THP_WAS%%]*}
	echo madvise >"$file"
}

# thp_restore: put back what thp_madvise_only found.
thp_restore() {
	[ -z "${THP_WAS:-}" ] || echo "$THP_WAS" >/sys/kernel/mm/transparent_hugepage/enabled
}
