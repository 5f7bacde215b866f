#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ioctl/spock.sh: the assignment's flow through /dev/procmem. A process
# stores a value in a page of its own; its physical address is found with
# VIRT_TO_PHYS (memtool v2p); a new value is written there with WRITE_PHYS
# (memtool pwrite); the process then reads the new value through its own
# virtual address. Loads ioctl/procmem.ko for the running kernel if
# /dev/procmem is not there (and unloads it after). Run as root, after make.
# Exits 0 when the process saw the new value.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
old=${1:-0x1701}
new=${2:-0x74656b}
# The programs are built next to this script, or for arm64 (make
# ARCH=arm64, cross-built on an x86 host) under build/arm64/programs/.
bin=.
[ "$(uname -m)" != aarch64 ] || [ ! -d build/arm64/programs/ioctl ] || bin=build/arm64/programs
loaded=0
if [ ! -e /dev/procmem ]; then
	ko=build/$(uname -r)/ioctl/procmem.ko
	[ -f "$ko" ] || ko=ioctl/procmem.ko
	insmod "$ko"
	loaded=1
fi
out=$(mktemp)
cleanup() {
	[ -z "${pid:-}" ] || kill "$pid" 2>/dev/null || true
	rm -f "$out"
	[ "$loaded" -eq 0 ] || rmmod procmem
}
trap cleanup EXIT

"$bin/ioctl/spock_target" "$old" >"$out" &
pid=$!
tries=200
until [ -s "$out" ]; do
	if ! kill -0 "$pid" 2>/dev/null || ! ((--tries)); then
		echo "spock: spock_target did not start" >&2
		exit 1
	fi
	sleep 0.05
done
read -r _ addr value <"$out"
echo "spock_target (pid $pid) stores $value at virtual $addr"

v2p=$("$bin/ioctl/memtool" v2p "$pid" "$addr")
echo "\$ memtool v2p $pid $addr"
echo "$v2p"
[[ "$v2p" =~ physical\ (0x[0-9a-f]+) ]] || { echo "spock: no physical address" >&2; exit 1; }
paddr=${BASH_REMATCH[1]}

echo "\$ memtool pwrite $paddr $new"
"$bin/ioctl/memtool" pwrite "$paddr" "$new"

kill -USR1 "$pid"
wait "$pid"
pid=""
read -r _ seen < <(tail -n 1 "$out")
echo "spock_target now sees $seen at virtual $addr"
if [ $((seen)) -ne $((new)) ]; then
	echo "spock: FAILED: it sees $seen, not $new" >&2
	exit 1
fi
echo "spock: the value written at physical $paddr is the one the process reads"
