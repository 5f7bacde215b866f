# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# make demo entry for signal/: the Dr. Doom scenario (run_dr_doom.sh), with
# the module's own log lines.
kmsg_mark
demo_run signal/run_dr_doom.sh 3
kmsg_since_mark "dr_doom: "
