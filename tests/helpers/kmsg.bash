# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Reading the kernel log from a known point, for tests/*.bats and
# scripts/demo. Process starts are expensive in the VM (70-100 ms each under
# TCG), so this uses bash built-ins and a single dmesg.

# kmsg_mark: write a unique marker line into the kernel log.
kmsg_mark() {
	KMSG_MARK="lkm-test: mark $$.$RANDOM.$SECONDS"
	echo "$KMSG_MARK" >/dev/kmsg
}

# kmsg_since_mark [PREFIX]: print the kernel log lines written after the
# last kmsg_mark, without timestamps; only those starting with PREFIX when
# it is given (for example "hello: "). The kernel's notices about the first
# out-of-tree, unsigned module of a boot carry that module's prefix too;
# they are expected and left out.
kmsg_since_mark() {
	local prefix=${1:-} line seen=0
	while IFS= read -r line; do
		if [ "$seen" -eq 1 ]; then
			case "$line" in
			"$prefix"*"loading out-of-tree module taints kernel.") ;;
			"$prefix"*"module verification failed: signature and/or required key missing - tainting kernel") ;;
			"$prefix"*) printf '%s\n' "$line" ;;
			esac
		elif [ "$line" = "$KMSG_MARK" ]; then
			seen=1
		fi
	done < <(dmesg --notime)
}
