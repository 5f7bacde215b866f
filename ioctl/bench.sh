# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# make bench entry for ioctl/: /dev/procmem's READ_MEM and batch
# VIRT_TO_PHYS against process_vm_readv, /proc/<pid>/mem and pagemap
# (tests/helpers/procmem_bench.c says how).
set -euo pipefail
insmod "$MODULES/ioctl/procmem.ko"
trap 'rmmod procmem' EXIT
"$HELPERS/procmem_bench"
