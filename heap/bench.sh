# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# make bench entry for heap/: lkm2's walk of every process's brk against a
# scan of /proc/*/maps for [heap], with 100, 1 000 and 10 000 more
# processes (tests/helpers/scale.bash says how).
set -euo pipefail
# shellcheck source=tests/helpers/scale.bash
source tests/helpers/scale.bash
scale_bench heap/lkm2 heap
