# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# scale_bench MODULE PROCSCAN_MODE (running/bench.sh, heap/bench.sh): how
# the insmod-to-answer time of a module that walks every process grows
# with 100, 1 000 and 10 000 more processes (tests/helpers/forkmany), beside
# the user-space way to the same answer (tests/helpers/procscan reading
# /proc, as ps does). Median of 5 each, in ms; a ratio above 1 means the
# module answers faster. Also prints how many lines the module logged, which
# stays bounded however many processes there are.
# Uses MODULES and HELPERS (scripts/bench exports them).

# shellcheck source=tests/helpers/kmsg.bash
source tests/helpers/kmsg.bash

# median: the middle of the numbers on stdin.
median() {
	local -a v
	mapfile -t v < <(sort -n)
	echo "${v[${#v[@]} / 2]}"
}

scale_bench() {
	local ko=$MODULES/$1.ko name=${1##*/} mode=$2 n out pid lines ns m s
	local -a mod scan log
	printf '%-10s %14s %16s %8s %7s\n' processes "$name (ms)" "/proc scan (ms)" ratio "lines"
	for n in 100 1000 10000; do
		out=$(mktemp)
		"$HELPERS/forkmany" "$n" >"$out" &
		pid=$!
		until [ -s "$out" ]; do sleep 0.1; done
		mod=() scan=()
		for _ in 1 2 3 4 5; do
			kmsg_mark
			read -r _ ns < <("$HELPERS/modload" -t "$ko")
			mod+=("$ns")
			mapfile -t log < <(kmsg_since_mark "$name: ")
			lines=${#log[@]}
			rmmod "$name"
			read -r _ ns _ < <("$HELPERS/procscan" "$mode")
			scan+=("$ns")
		done
		kill -TERM "$pid"
		wait "$pid" 2>/dev/null || true
		rm -f "$out"
		m=$(printf '%s\n' "${mod[@]}" | median)
		s=$(printf '%s\n' "${scan[@]}" | median)
		awk -v n="+$n" -v m="$m" -v s="$s" -v l="$lines" \
			'BEGIN { printf "%-10s %14.1f %16.1f %7.2fx %7d\n", n, m / 1e6, s / 1e6, s / m, l }'

	done
}
