#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# size/plot.sh (make plot): watch tests/helpers/memwave through
# /sys/kernel/mem_stats while it maps 64 MiB, touches it page by page,
# writes 16 MiB of huge pages and frees both. tests/helpers/memsample reads
# the monitor every 5 ms; the samples go to build/plots/mem_stats-<release>.dat
# ("<ms> <virtmem> <physmem> <thp count> <thp size>", KiB) and memwave's
# phases to .phases ("<ms> <name>"), on the same clock. Runs inside the
# test VM (make plot) or as root on a real machine, after make; make draws
# the SVG on the host with size/mem_stats.gp.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
read -r kver </proc/sys/kernel/osrelease
HELPERS=build/helpers
# shellcheck source=tests/helpers/procs.bash
source tests/helpers/procs.bash
# shellcheck source=tests/helpers/state.bash
source tests/helpers/state.bash

stats=/sys/kernel/mem_stats
out=build/plots/mem_stats-$kver
mkdir -p build/plots

# Huge pages where memwave asks for them (MADV_HUGEPAGE), nowhere else;
# the setting is put back on the way out, as is the module.
cleanup() {
	kill_helpers
	[ ! -d "$stats" ] || rmmod mem_stats
	thp_restore
}
trap cleanup EXIT
thp_madvise_only
[ -n "$THP_WAS" ] || echo "plot: this kernel has no transparent huge pages: the thp curve stays at 0"

insmod "build/$kver/size/mem_stats.ko"
# memwave prints its pid and stops itself until it is watched.
start_helper memwave
pid=$HELPER_PID
wait_state "$pid" T
echo "$pid" >"$stats/pid"
echo K >"$stats/unit"

# The sampler ends by itself when a read fails with ESRCH: memwave exited.
"$HELPERS/memsample" 5 >"$out.dat" &
sampler=$!
kill -CONT "$pid"
wait "$sampler"
wait_for_lines "$HELPER_OUT" 7
tail -n +2 "$HELPER_OUT" >"$out.phases"

# What the curve shows, in figures: the samples at the end of each phase.
echo "plot: $(wc -l <"$out.dat") samples of pid $pid every 5 ms, kernel $kver"
echo "plot: phase (ms): virtmem physmem thp-count thp-size (KiB) at its end"
mapfile -t phases <"$out.phases"
for i in "${!phases[@]}"; do
	read -r start name <<<"${phases[i]}"
	end=$((start + 1000000))
	[ $((i + 1)) -eq ${#phases[@]} ] || read -r end _ <<<"${phases[i + 1]}"
	last=""
	while read -r ms rest; do
		[ "$ms" -lt "$start" ] || [ "$ms" -ge "$end" ] || last="$ms $rest"
	done <"$out.dat"
	printf 'plot: %-6s (%5d ms): %s\n' "$name" $((start - ${phases[0]%% *})) "${last:+${last#* }}${last:-(exited: no sample)}"
done
echo "plot: samples in $out.dat, phases in $out.phases"
