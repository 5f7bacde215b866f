# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# make demo entry for ioctl/: memtool against a helper through /dev/procmem
# (find it by name, read its memory, write to it, translate its pages with
# pagemap's answer beside), then spock.sh, the assignment's flow.
start_helper mem_target
wait_for_lines "$HELPER_OUT" 6
read -r _ buf < <(grep '^buf ' "$HELPER_OUT")
read -r _ zero < <(grep '^zero ' "$HELPER_OUT")
read -r _ hole < <(grep '^hole ' "$HELPER_OUT")
demo_load ioctl/procmem
demo_run ioctl/memtool pidof mem_target
demo_run ioctl/memtool base mem_target
demo_run ioctl/memtool read mem_target "$buf" 32
demo_run ioctl/memtool write mem_target "$buf" 48656c6c6f2c2053706f636b21
demo_run ioctl/memtool read mem_target "$buf" 16
demo_run ioctl/memtool v2p mem_target "$buf" "$zero" "$hole"
demo_run "$HELPERS/pagemap" "$HELPER_PID" "$buf"
demo_run ioctl/spock.sh
demo_unload procmem
