#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# signal/bench.sh [N] - exit-to-report latency of dr_doom.ko beside the
# kernel's own SIGCHLD (signal/doom_bench.c), N exits each (default 1000).
# Run as root where the module can be loaded: `make bench` runs it in the
# test VM.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
read -r kver </proc/sys/kernel/osrelease
ko=${here%/*}/build/$kver/signal/dr_doom.ko
[ -f "$ko" ] || ko=$here/dr_doom.ko

insmod "$ko"
trap 'rmmod dr_doom' EXIT
"$here/doom_bench" "${1:-1000}"
