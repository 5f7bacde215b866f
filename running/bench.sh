# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# make bench entry for running/: lkm1's walk of every process against a
# scan of /proc/*/task/*/stat, with 100, 1 000 and 10 000 more processes
# (tests/helpers/scale.bash says how).
set -euo pipefail
# shellcheck source=tests/helpers/scale.bash
source tests/helpers/scale.bash
scale_bench running/lkm1 running
