#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# ioctl/procmem.ko (/dev/procmem) and ioctl/memtool: every command against
# the kernel's own interfaces: VIRT_TO_PHYS against /proc/<pid>/pagemap,
# READ_MEM against process_vm_readv() and /proc/<pid>/mem, WRITE_MEM and
# WRITE_PHYS against what the target process itself reads.
# tests/helpers/mapper_target holds pages of every kind, mem_target a
# known pattern; both run for the whole file.

load helpers/common

setup_file() {
	swap_on
	export SWAP
	insmod "$MODULES/ioctl/procmem.ko"
	export MAPPER_OUT=$BATS_FILE_TMPDIR/mapper.out MEM_OUT=$BATS_FILE_TMPDIR/mem.out
	"$HELPERS/mapper_target" >"$MAPPER_OUT" 2>&1 3>&- &
	export MAPPER_PID=$!
	"$HELPERS/mem_target" >"$MEM_OUT" 2>&1 3>&- &
	export MEM_PID=$!
	disown -a
	wait_for_lines "$MAPPER_OUT" 13
	wait_for_lines "$MEM_OUT" 6
}

# bats runs this with errexit off: every step runs, and any that fails
# makes it fail.
teardown_file() {
	local rc=0
	kill -KILL "$MAPPER_PID" "$MEM_PID" || true
	unload_if_loaded procmem || rc=1
	swap_off || rc=1
	return "$rc"
}

setup() {
	MEMTOOL=$PROGRAMS/ioctl/memtool
}

teardown() {
	kill_helpers
}

# pattern OFFSET COUNT: mem_target's bytes at buf + OFFSET, as hex.
pattern() {
	local i hex=""
	for ((i = $1; i < $1 + $2; i++)); do
		printf -v hex '%s%02x' "$hex" $(((i * 7 + i / 4096) & 255))
	done
	echo "$hex"
}

# target_sees: what mem_target reads at buf and ro now, in SEES_BUF, SEES_RO.
target_sees() {
	local seen
	mapfile -t seen <"$MEM_OUT"
	kill -USR1 "$MEM_PID"
	wait_for_lines "$MEM_OUT" $((${#seen[@]} + 2))
	read -r _ SEES_BUF < <(tail -n 2 "$MEM_OUT")
	read -r _ SEES_RO < <(tail -n 1 "$MEM_OUT")
}

# want_v2p ADDR PAGEMAP_LINE: the memtool v2p line that agrees with what
# pagemap said of ADDR (its "present pfn P", "swapped type T offset O",
# "none"), for a 4 KiB page, in WANT; "none" needs maps to tell not present
# from not mapped (IN_VMA=1 or 0).
want_v2p() {
	local pfn
	read -r _ _ _ pfn _ <<<"$2"
	case "$2" in
	*" present pfn "*)
		printf -v WANT '%s: present, physical 0x%x, PFN %s, %s' "$1" \
			$((pfn * PAGE_SIZE + ($1 & (PAGE_SIZE - 1)))) "$pfn" "${PAGE_SIZE_NAME:-4 KiB}" ;;
	*" swapped type "*)
		read -r _ _ _ type _ offset <<<"$2"
		WANT="$1: swapped out: swap type $type, offset $offset" ;;
	*" none")
		if [ "$IN_VMA" = 1 ]; then WANT="$1: not present"; else WANT="$1: not mapped"; fi ;;
	*) fail "pagemap said: $2" ;;
	esac
}

@test "ioctl: /dev/procmem is a misc device, mode 0600, owned by root" {
	run stat -c '%F %a %U %t' /dev/procmem
	assert_output "character special file 600 root a"
	read -r dev </sys/class/misc/procmem/dev
	assert_equal "${dev%%:*}" 10
}

@test "ioctl: VIRT_TO_PHYS of a page, a THP, a never-touched page, a hole and a swapped page equals pagemap" {
	local case pm
	for case in anon thp untouched hole swapped; do
		if [ "$case" = thp ] && [ ! -d /sys/kernel/mm/transparent_hugepage ]; then
			note "thp: this kernel has no transparent huge pages (CONFIG_TRANSPARENT_HUGEPAGE is off)"
			continue
		fi
		addr_of "$MAPPER_OUT" "$case"
		run "$HELPERS/pagemap" "$MAPPER_PID" "$ADDR"
		assert_success
		pm=$output
		PAGE_SIZE_NAME="4 KiB"
		[ "$case" != thp ] || PAGE_SIZE_NAME="2 MiB"
		IN_VMA=1
		[ "$case" != hole ] || IN_VMA=0
		[ "$case" != swapped ] || [[ "$pm" == *swapped* ]] || fail "MADV_PAGEOUT did not swap: $pm"
		[ "$case" != thp ] || [[ "$pm" == *present* ]] || fail "no THP: $pm"
		want_v2p "$ADDR" "$pm"
		run "$MEMTOOL" v2p "$MAPPER_PID" "$ADDR"
		assert_success
		note "$case: pagemap '$pm'; memtool '$output'"
		assert_output "$WANT"
	done
}

@test "ioctl: VIRT_TO_PHYS_BATCH over 16 written, untouched and unmapped pages equals pagemap page by page" {
	local addrs=() i
	addr_of "$MAPPER_OUT" mixed
	run "$HELPERS/pagemap" "$MAPPER_PID" "$ADDR" 16
	assert_success
	local pm=("${lines[@]}")
	for ((i = 0; i < 16; i++)); do
		printf -v 'addrs[i]' '0x%x' $((ADDR + i * PAGE_SIZE))
	done
	run "$MEMTOOL" v2p "$MAPPER_PID" "${addrs[@]}"
	assert_success
	assert_equal "${#lines[@]}" 16
	for ((i = 0; i < 16; i++)); do
		IN_VMA=1
		[ "$i" -ne 15 ] || IN_VMA=0
		want_v2p "${addrs[i]}" "${pm[i]}"
		assert_equal "${lines[i]}" "$WANT"
	done
	# The layout is the one the target made: even pages written.
	assert_equal "${pm[0]##* present pfn *}" ""
	assert_equal "${pm[1]##* none}" ""
	assert_equal "${pm[15]##* none}" ""
	note "batch: ${lines[0]} ... ${lines[15]}"

	# 300 written pages: past the 256 the module translates under one lock.
	addr_of "$MEM_OUT" buf
	addrs=()
	for ((i = 0; i < 300; i++)); do
		printf -v 'addrs[i]' '0x%x' $((ADDR + i * PAGE_SIZE + 0x123))
	done
	run "$HELPERS/pagemap" "$MEM_PID" "$ADDR" 300
	assert_success
	pm=("${lines[@]}")
	run "$MEMTOOL" v2p "$MEM_PID" "${addrs[@]}"
	assert_success
	assert_equal "${#lines[@]}" 300
	local size
	for ((i = 0; i < 300; i++)); do
		size=${lines[i]##*, }
		[ "$size" = "2 MiB" ] || size="4 KiB"
		PAGE_SIZE_NAME=$size IN_VMA=1 want_v2p "${addrs[i]}" "0x0 ${pm[i]#* }"
		assert_equal "${lines[i]}" "$WANT"
	done
	note "batch of 300: ${lines[0]} ... ${lines[299]}"
}

@test "ioctl: READ_MEM gives the bytes process_vm_readv and /proc/pid/mem give: 1 B, 4 KiB, across a page, 8 MiB" {
	addr_of "$MEM_OUT" buf
	local buf=$ADDR way len got sum first=""
	run "$HELPERS/procmem_check" "$MEM_PID" $((buf + 0x123)) 1 4096
	assert_success
	local out=("${lines[@]}")
	run "$HELPERS/procmem_check" "$MEM_PID" $((buf + 4090)) 16
	assert_success
	out+=("${lines[@]}")
	run "$HELPERS/procmem_check" "$MEM_PID" "$buf" $((8 << 20))
	assert_success
	out+=("${lines[@]}")
	assert_equal "${#out[@]}" 16
	for line in "${out[@]}"; do
		read -r way len got sum <<<"$line"
		assert_equal "$got" "$len"
		# Four ways per length, one checksum.
		case "$way" in
		attached) first=$sum ;;
		*) assert_equal "$sum" "$first" ;;
		esac
	done
	note "${out[*]}"
	# And the bytes are the target's pattern.
	run "$MEMTOOL" read "$MEM_PID" $((buf + 4090)) 16 -o "$BATS_TEST_TMPDIR/bytes"
	assert_success
	run od -An -v -tx1 "$BATS_TEST_TMPDIR/bytes"
	assert_equal "${output//[[:space:]]/}" "$(pattern 4090 16)"
}

@test "ioctl: READ_MEM into a hole stops where process_vm_readv and /proc/pid/mem stop" {
	addr_of "$MEM_OUT" hole
	run "$HELPERS/procmem_check" "$MEM_PID" $((ADDR - 5000)) 10000
	assert_success
	note "${lines[*]}"
	local way len got sum first
	for line in "${lines[@]}"; do
		read -r way len got sum <<<"$line"
		assert_equal "$got" 5000
		[ "$way" != attached ] || first=$sum
		assert_equal "$sum" "$first"
	done
	run "$MEMTOOL" read "$MEM_PID" "$ADDR" 16
	assert_failure 1
	assert_output "memtool: read $ADDR: Bad address (0 of 16 bytes)"
}

@test "ioctl: WRITE_MEM is seen by the target; a read-only mapping cannot be written" {
	addr_of "$MEM_OUT" buf
	run "$MEMTOOL" write "$MEM_PID" "$ADDR" 48656c6c6f2c2053706f636b2100ffee
	assert_success
	assert_output "wrote 16 bytes at $ADDR"
	addr_of "$MEM_OUT" ro
	run "$MEMTOOL" write "$MEM_PID" "$ADDR" 41
	assert_failure 1
	assert_output "memtool: write $ADDR: Bad address (0 of 1 bytes)"
	target_sees
	assert_equal "$SEES_BUF" 48656c6c6f2c2053706f636b2100ffee
	assert_equal "$SEES_RO" "$(pattern 0 16)"
}

@test "ioctl: memtool finds a process by name, its base address, and reads it by name" {
	run "$MEMTOOL" pidof mem_target
	assert_success
	assert_output "$MEM_PID"
	local exe range want=""
	exe=$(readlink "/proc/$MEM_PID/exe")
	while read -r range _ _ _ _ path; do
		# maps pads to 8 digits (00400000 for a static arm64 helper).
		[ "$path" != "$exe" ] || { printf -v want '0x%x' "0x${range%-*}"; break; }
	done <"/proc/$MEM_PID/maps"
	run "$MEMTOOL" base mem_target
	assert_success
	assert_output "$want"
	run "$MEMTOOL" read mem_target "$want" 4
	assert_success
	assert_output --regexp "^0x0*${want#0x}  7f 45 4c 46 +\|\.ELF\|$"
	run "$MEMTOOL" read no_such_process_name 0x1000 1
	assert_failure 1
	assert_output "memtool: no process is called no_such_process_name"
	run "$MEMTOOL" --help
	assert_success
	assert_line --index 0 "usage: memtool COMMAND ARGS..."
	run "$MEMTOOL" frobnicate
	assert_failure 2
}

@test "ioctl: spock.sh: the value written at the physical address is the one the process reads" {
	run "$LKM_ROOT/ioctl/spock.sh" 0x1701 0x74656b
	assert_success
	note "${lines[*]}"
	assert_line --regexp '^0x[0-9a-f]+: present, physical 0x[0-9a-f]+, PFN 0x[0-9a-f]+, 4 KiB$'
	assert_line --regexp '^spock_target now sees 0x74656b at virtual 0x[0-9a-f]+$'
}

@test "ioctl: WRITE_PHYS refuses kernel text, non-RAM, the zero page and a page table" {
	# From /proc/iomem: where the kernel's code is, and a ROM (or any
	# other region that is not RAM).
	local range name kcode="" rom="" other=""
	while IFS=: read -r range name; do
		name=${name# } range=${range//[[:space:]]/}
		if [ "$name" = "Kernel code" ]; then
			printf -v kcode '0x%x' $((16#${range%-*}))
		elif [[ "$name" == *ROM* ]] && [ -z "$rom" ]; then
			printf -v rom '0x%x' $((16#${range%-*}))
		elif [ "$name" != "System RAM" ] && [ -z "$other" ] && [ "${range%-*}" != 00000000 ]; then
			printf -v other '0x%x' $((16#${range%-*}))
		fi
	done </proc/iomem
	rom=${rom:-$other}
	[ -n "$kcode" ] || fail "no Kernel code in /proc/iomem"
	[ -n "$rom" ] || fail "no region other than RAM in /proc/iomem"
	run "$MEMTOOL" pwrite "$kcode" 0 1
	assert_failure 1
	assert_output "memtool: pwrite $kcode: Invalid argument"
	run "$MEMTOOL" pwrite "$rom" 0 1
	assert_failure 1
	assert_output "memtool: pwrite $rom: Invalid argument"

	# Physical addresses from pagemap, not from the module under test.
	local zero shared secret=none
	addr_of "$MEM_OUT" zero
	run "$HELPERS/pagemap" "$MEM_PID" "$ADDR"
	[[ "$output" =~ present\ pfn\ (0x[0-9a-f]+)$ ]] || fail "pagemap: $output"
	printf -v zero '0x%x' $((BASH_REMATCH[1] * PAGE_SIZE))
	run "$MEMTOOL" v2p "$MEM_PID" "$ADDR"
	assert_output "$ADDR: present, physical $zero, PFN ${BASH_REMATCH[1]}, 4 KiB, the zero page"
	run "$MEMTOOL" pwrite "$zero" 1 1
	assert_failure 1
	assert_output "memtool: pwrite $zero: Invalid argument"
	# A page-cache page of a file (mapper_target's own program, MAP_SHARED).
	addr_of "$MAPPER_OUT" shared
	run "$HELPERS/pagemap" "$MAPPER_PID" "$ADDR"
	[[ "$output" =~ present\ pfn\ (0x[0-9a-f]+)$ ]] || fail "pagemap: $output"
	printf -v shared '0x%x' $((BASH_REMATCH[1] * PAGE_SIZE))
	run "$MEMTOOL" pwrite "$shared" 1 1
	assert_failure 1
	assert_output "memtool: pwrite $shared: Invalid argument"
	# memfd_secret memory, which is not even in the kernel's direct map.
	local secret_addr
	read -r _ secret_addr _ < <(grep '^secret ' "$MEM_OUT")
	if [ "$secret_addr" != - ]; then
		run "$HELPERS/pagemap" "$MEM_PID" "$secret_addr"
		[[ "$output" =~ present\ pfn\ (0x[0-9a-f]+)$ ]] || fail "pagemap: $output"
		printf -v secret '0x%x' $((BASH_REMATCH[1] * PAGE_SIZE))
		run "$MEMTOOL" pwrite "$secret" 1 1
		assert_failure 1
		assert_output "memtool: pwrite $secret: Invalid argument"
	fi

	# The PMD entry above mapper_target's mixed pages (MADV_NOHUGEPAGE: 4 KiB
	# pages) holds the physical address of their PTE table.
	addr_of "$MAPPER_OUT" mixed
	kmsg_mark
	insmod "$MODULES/mapper/lkm4.ko" pid="$MAPPER_PID" addr="$ADDR"
	rmmod lkm4
	# A PTE level under it says the PMD points to a table, not a block.
	run kmsg_since_mark "lkm4: Page Table Entry: "
	assert_output --regexp '^lkm4: Page Table Entry: entry at 0x[0-9a-f]{16} = 0x[0-9a-f]{16}$'
	run kmsg_since_mark "lkm4: Page Middle Directory: "
	[[ "$output" =~ =\ 0x([0-9a-f]+)$ ]] || fail "lkm4 said: $output"
	# A table entry holds the table's address in bits 47:12 on x86 and on
	# arm64 (with LPA2 bits 51:50 go elsewhere: QEMU's RAM is far below).
	local pmd=$((16#${BASH_REMATCH[1]})) table
	printf -v table '0x%x' $((pmd & 0x0000fffffffff000))
	run "$MEMTOOL" pwrite "$table" 0 1
	assert_failure 1
	assert_output "memtool: pwrite $table: Invalid argument"
	note "refused: kernel code $kcode, non-RAM $rom, zero page $zero, file page $shared, secretmem $secret, PTE table $table"
	target_sees
	assert_equal "$SEES_RO" "$(pattern 0 16)"
}

@test "ioctl: bad commands, pointers, lengths, pids and addresses get their errno" {
	start_family
	addr_of "$MEM_OUT" buf
	local buf=$ADDR ro hole
	addr_of "$MEM_OUT" ro
	ro=$ADDR
	addr_of "$MEM_OUT" hole
	hole=$ADDR
	run "$HELPERS/procmem_errors" root "$MEM_PID" "$buf" "$ro" "$hole" "$ZOMBIE"
	assert_success
	local want=(
		"unknown-command ENOTTY" "other-magic ENOTTY" "wrong-size ENOTTY"
		"read-null-arg EFAULT" "read-kernel-arg EFAULT" "read-bad-buffer EFAULT"
		"read-kernel-buffer EFAULT" "read-too-long EINVAL" "read-huge-length EINVAL"
		"read-pad EINVAL" "read-no-such-pid ESRCH" "read-negative-pid EINVAL"
		"read-kernel-thread EINVAL" "read-zombie ESRCH" "read-unmapped EFAULT"
		"read-kernel-address EFAULT" "read-wrapping EFAULT" "write-read-only EFAULT"
		"write-unmapped EFAULT" "v2p-null-arg EFAULT" "v2p-no-such-pid ESRCH"
		"v2p-kernel-thread EINVAL" "batch-too-many EINVAL" "batch-bad-addresses EFAULT"
		"batch-bad-answers EFAULT" "batch-read-only-answers EFAULT"
		"attach-no-such-pid ESRCH"
		"attach-kernel-thread EINVAL" "attach-zombie ESRCH" "attach-flags EINVAL"
		"attach-zero EINVAL" "attach-first ok" "attach-second EBUSY"
		"phys-length-0 EINVAL" "phys-length-65 EINVAL" "phys-crossing-page EINVAL"
		"phys-beyond-ram EINVAL" "phys-null-arg EFAULT"
	)
	assert_equal "${#lines[@]}" "${#want[@]}"
	local i
	for i in "${!want[@]}"; do
		assert_equal "${lines[i]}" "${want[i]}"
	done
	run "$MEMTOOL" read 2 0x1000 16
	assert_failure 1
	assert_output "memtool: read 0x1000: Invalid argument"
}

@test "ioctl: a caller without capabilities gets EPERM and never a byte, even with the node 0666" {
	addr_of "$MEM_OUT" buf
	target_sees
	local before=$SEES_BUF
	chmod 0666 /dev/procmem
	local nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	# Both run with the node 0666; the checks come once it is 0600 again.
	run "${nobody[@]}" "$HELPERS/procmem_errors" unpriv "$MEM_PID" "$ADDR" 0 0 0 # lint-bats: ok its $status is checked below
	local unpriv=("${lines[@]}") unpriv_status=$status
	run "${nobody[@]}" "$MEMTOOL" read "$MEM_PID" "$ADDR" 16
	chmod 0600 /dev/procmem
	assert_equal "$unpriv_status" 0
	assert_failure 1
	assert_output "memtool: read $ADDR: Operation not permitted"
	local want=(
		"read-other EPERM untouched" "read-no-such-pid EPERM untouched"
		"write-other EPERM" "attach-other EPERM" "attach-init EPERM"
		"v2p-own EPERM untouched" "batch-own EPERM untouched" "phys-write EPERM"
		"read-own ok"
	)
	assert_equal "${#unpriv[@]}" "${#want[@]}"
	local i
	for i in "${!want[@]}"; do
		assert_equal "${unpriv[i]}" "${want[i]}"
	done
	target_sees
	assert_equal "$SEES_BUF" "$before"
}

@test "ioctl: rmmod is refused while the device is open, and works once it is closed" {
	exec 7<>/dev/procmem
	run rmmod procmem
	assert_failure
	assert_output --partial "is in use"
	run module_loaded procmem
	assert_success
	exec 7>&-
	rmmod procmem
	run module_loaded procmem
	assert_failure
	[ ! -e /dev/procmem ]
	insmod "$MODULES/ioctl/procmem.ko"
}

@test "ioctl: 8 threads of mixed calls while targets are created and killed: only ok, ESRCH or EFAULT" {
	run "$HELPERS/procmem_stress" 10 20000
	assert_success
	note "stress: ${lines[*]}"
	assert_line --regexp '^calls [0-9]+$'
	assert_line --regexp '^churned [1-9][0-9]*$'
	assert_line --regexp '^ok [1-9][0-9]*$'
	local line
	for line in "${lines[@]:2}"; do
		[[ "$line" =~ ^(ok|ESRCH|EFAULT)\ [0-9]+$ ]] || fail "unexpected outcome: $line"
	done
}
