# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Swap for tests that page memory out (MADV_PAGEOUT): the swap there is,
# or a compressed RAM disk of our own, put back afterwards (make test-host
# runs the bats files on a real machine).

# swap_on: make sure some swap is on; sets SWAP to the zram device it set
# up ("" when swap was already on or none could be made), and
# SWAP_ZRAM_LOADED when it loaded the zram module for it.
swap_on() {
	SWAP="" SWAP_ZRAM_LOADED=""
	grep -q '^/' /proc/swaps && return 0
	# zram goes away again if it was loaded for us: a module that was not
	# there before and has an initstate after (a built-in one has none).
	local was_loaded=1
	[ -e /sys/module/zram/initstate ] || was_loaded=""
	modprobe zram || return 0
	[ -n "$was_loaded" ] || [ ! -e /sys/module/zram/initstate ] || SWAP_ZRAM_LOADED=1
	local n=0
	# zram0, or a new one when zram0 is taken.
	[ "$(</sys/block/zram0/disksize)" = 0 ] || read -r n </sys/class/zram-control/hot_add
	if echo 64M >"/sys/block/zram$n/disksize" && mkswap "/dev/zram$n" >/dev/null &&
		swapon "/dev/zram$n"; then
		SWAP=zram$n
	fi
}

# swap_off: undo swap_on. For teardown_file, which bats runs with errexit
# off: each step that fails makes it fail.
swap_off() {
	[ -n "${SWAP:-}" ] || return 0
	swapoff "/dev/$SWAP" || return 1
	echo 1 >"/sys/block/$SWAP/reset" || return 1
	if [ "$SWAP" != zram0 ]; then
		echo "${SWAP#zram}" >/sys/class/zram-control/hot_remove || return 1
	fi
	[ -z "$SWAP_ZRAM_LOADED" ] || modprobe -r zram
}
