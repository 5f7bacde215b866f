#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# signal/run_dr_doom.sh [SECONDS] - the Dr. Doom scenario, end to end, as
# root: build if needed, load dr_doom.ko, start a control station that
# declares an emergency after SECONDS (default 4), start 4 soldiers that
# serve it, SIGKILL two of them, let the emergency end the other two, then
# unload the module and print what the station printed. Exits non-zero if
# any soldier's termination was not reported exactly once.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${here%/*}
seconds=${1:-4}
read -r kver </proc/sys/kernel/osrelease
# The programs are built next to this script, or for arm64 (make
# ARCH=arm64, cross-built on an x86 host) under build/arm64/programs/.
bin=$here
[ "$(uname -m)" != aarch64 ] || [ ! -d "$root/build/arm64/programs/signal" ] || bin=$root/build/arm64/programs/signal

# Build on a real machine; inside the test VM the host has built it.
if [ ! -x "$bin/soldier" ] || [ ! -x "$bin/control_station" ] ||
	{ [ ! -f "$root/build/$kver/signal/dr_doom.ko" ] && [ ! -f "$here/dr_doom.ko" ]; }; then
	[ -z "${LKM_VM:-}" ] || { echo "run_dr_doom.sh: not built: run make on the host" >&2; exit 2; }
	make -C "$root" --no-print-directory -s KVER="$kver"
fi
ko=$root/build/$kver/signal/dr_doom.ko
[ -f "$ko" ] || ko=$here/dr_doom.ko

loaded=0
if ! grep -q '^dr_doom ' /proc/modules; then
	insmod "$ko"
	loaded=1
fi
out=$(mktemp) ranks=$(mktemp)
pids=()
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
	[ "$loaded" -eq 0 ] || rmmod dr_doom
	rm -f "$out" "$ranks"
}
trap cleanup EXIT

"$bin/control_station" "$seconds" >"$out" &
station=$!
for _ in 1 2 3 4; do
	"$bin/soldier" "$station" >>"$ranks" &
	pids+=("$!")
	# Their deaths are the station's to report, not bash's.
	disown "$!"
done
# A soldier prints its line once it has registered and closed the device.
tries=400
until [ "$(wc -l <"$ranks")" -ge 4 ]; do
	((--tries)) || { echo "run_dr_doom.sh: the soldiers did not all register" >&2; exit 1; }
	sleep 0.05
done
cat "$ranks"
echo "station $station, soldiers ${pids[*]}"
echo "killing soldiers ${pids[0]} and ${pids[1]} with SIGKILL"
kill -KILL "${pids[0]}" "${pids[1]}"
wait "$station"
cat "$out"

status=0
for pid in "${pids[@]}"; do
	n=$(grep -c "^Soldier process $pid terminated" "$out" || true)
	if [ "$n" -ne 1 ]; then
		echo "run_dr_doom.sh: soldier $pid was reported $n times" >&2
		status=1
	fi
done
exit "$status"
