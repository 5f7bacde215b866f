# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# make demo entry for mapper/: translate an ordinary page and an address
# inside a transparent huge page of a helper, each with the line that
# /proc/<pid>/pagemap gives for it. A kernel without THP (6.1's PREEMPT_RT
# build) has no huge page to show: mapper_target says why, and so do we.
start_helper mapper_target
wait_for_lines "$HELPER_OUT" 13
for case in anon thp; do
	read -r _ addr why < <(grep "^$case " "$HELPER_OUT")
	if [ "$addr" = - ]; then
		echo "# mapper_target's $case page: none, the kernel refused it: $why"
		continue
	fi
	echo "# mapper_target's $case page"
	demo_module mapper/lkm4 pid="$HELPER_PID" addr="$addr"
	demo_run "$HELPERS/pagemap" "$HELPER_PID" "$addr"
done
