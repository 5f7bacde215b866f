#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# mapper/lkm4.ko: a page table walk, every verdict checked against
# /proc/<pid>/pagemap (read as root, so it carries PFNs) and /proc/<pid>/maps.
# tests/helpers/mapper_target sets up one page of each kind and waits.

load helpers/common

HUGE_1G=/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages

setup_file() {
	# What this changes is put back afterwards: make test-host runs this
	# file on a real machine.
	export OLD_HUGE_2M OLD_HUGE_1G=""
	read -r OLD_HUGE_2M </proc/sys/vm/nr_hugepages
	[ ! -e "$HUGE_1G" ] || read -r OLD_HUGE_1G <"$HUGE_1G"
	# Two more 2 MiB hugetlb pages, and a 1 GiB one if there is a free,
	# aligned gigabyte (the VM has 3 GiB; compaction helps find one).
	echo $((OLD_HUGE_2M + 2)) >/proc/sys/vm/nr_hugepages
	echo 1 >/proc/sys/vm/compact_memory
	[ -z "$OLD_HUGE_1G" ] || echo $((OLD_HUGE_1G + 1)) >"$HUGE_1G" || true
	# Swap for MADV_PAGEOUT to write to.
	swap_on
	export SWAP
	export TARGET_OUT=$BATS_FILE_TMPDIR/target.out
	"$HELPERS/mapper_target" >"$TARGET_OUT" 2>&1 3>&- &
	export TARGET_PID=$!
	disown
	wait_for_lines "$TARGET_OUT" 13
}

# bats runs this with errexit off: every step runs, and any that fails
# (but giving back the 1 GiB page) makes it fail.
teardown_file() {
	local rc=0
	kill -KILL "$TARGET_PID" || true
	swap_off || rc=1
	[ -z "$OLD_HUGE_1G" ] || echo "$OLD_HUGE_1G" >"$HUGE_1G" || true
	echo "$OLD_HUGE_2M" >/proc/sys/vm/nr_hugepages || rc=1
	return "$rc"
}

setup() {
	KO=$MODULES/mapper/lkm4.ko
}

teardown() {
	kill_helpers
	unload_if_loaded lkm4
}

# target_addr CASE: the address mapper_target printed for CASE, in ADDR;
# skips the test with the reason when the system refused that case.
target_addr() {
	addr_of "$TARGET_OUT" "$1"
}

# translate ADDR [PARAM...]: load lkm4 for the target, unload it; its lines
# are in $lines, "lkm4: " prefix included.
translate() {
	kmsg_mark
	insmod "$KO" pid="$TARGET_PID" addr="$1" "${@:2}"
	rmmod lkm4
	run kmsg_since_mark "lkm4: " # lint-bats: ok the callers check $lines
}

# pagemap ADDR: what pagemap says of it, in PAGEMAP ("present pfn 0x...",
# "swapped type T offset 0x...", "none").
pagemap() {
	run "$HELPERS/pagemap" "$TARGET_PID" "$1"
	assert_success
	PAGEMAP=${output#* }
}

# assert_translates CASE SIZE: the module finds the CASE page present, with
# pagemap's PFN, the physical address that PFN and the offset make, and a
# page of SIZE.
assert_translates() {
	local pfn
	target_addr "$1"
	pagemap "$ADDR"
	[[ "$PAGEMAP" =~ ^present\ pfn\ (0x[0-9a-f]+)$ ]] || fail "pagemap: $ADDR $PAGEMAP"
	pfn=${BASH_REMATCH[1]}
	translate "$ADDR"
	local line module=""
	for line in "${lines[@]}"; do
		[[ "$line" != "lkm4: Page Frame Number: "* ]] || module=${line##* }
	done
	note "$1 $ADDR: module PFN ${module:-none}, pagemap PFN $pfn"
	assert_line "lkm4: Pid: $TARGET_PID Address: $ADDR"
	assert_line "lkm4: Task: mapper_target"
	assert_line "lkm4: The address $ADDR is valid"
	assert_line "lkm4: Page Frame Number: $pfn"
	assert_line "lkm4: Physical Address: $(printf '0x%016x' $((pfn * PAGE_SIZE + (ADDR & (PAGE_SIZE - 1)))))"
	assert_line "lkm4: Page size: $2"
}

# vma_of ADDR: the /proc/<target>/maps line whose range holds ADDR, in VMA
# ("" when none does).
vma_of() {
	local range perms
	VMA=""
	while read -r range perms _; do
		if [ $(($1)) -ge $((16#${range%-*})) ] && [ $(($1)) -lt $((16#${range#*-})) ]; then
			VMA="$range $perms"
			return 0
		fi
	done <"/proc/$TARGET_PID/maps"
}

# anon_huge_of ADDR: the AnonHugePages of ADDR's mapping in smaps, in kB.
anon_huge_of() {
	local key value
	vma_of "$1"
	ANON_HUGE=0
	while read -r key value _; do
		[ "$key" != "${VMA%% *}" ] || ANON_HUGE=in
		if [ "$ANON_HUGE" = in ] && [ "$key" = AnonHugePages: ]; then
			ANON_HUGE=$value
			return 0
		fi
	done <"/proc/$TARGET_PID/smaps"
}

# paging_geometry: how user addresses are translated here, from where user
# space ends (tests/helpers/uspace_top) and the page size: VA_BITS, 47 on
# x86_64 (56 with la57), 48 on arm64 (52 with LPA2, as Debian's 6.12 on a
# CPU that has it: QEMU's "max" does); PAGE_SHIFT; LEVELS, 4 or 5, each
# resolving PAGE_SHIFT - 3 bits, the top one what is left (TOP_BITS).
paging_geometry() {
	local top
	top=$("$HELPERS/uspace_top") || return 1
	PAGE_SHIFT=12 VA_BITS=0
	while [ $((1 << PAGE_SHIFT)) -lt "$PAGE_SIZE" ]; do PAGE_SHIFT=$((PAGE_SHIFT + 1)); done
	while [ $((top - 1 >> VA_BITS)) -gt 0 ]; do VA_BITS=$((VA_BITS + 1)); done
	local per=$((PAGE_SHIFT - 3))
	LEVELS=$(((VA_BITS - PAGE_SHIFT + per - 1) / per))
	TOP_BITS=$((VA_BITS - PAGE_SHIFT - (LEVELS - 1) * per))
}

# assert_entry_index N LEVEL [BITS]: line N shows the entry that ADDR
# indexes in a table of LEVEL (0 the PTE table, 1 the PMD...) of 2^BITS
# entries (default PAGE_SHIFT - 3): its offset in its table, which is
# aligned to its size, is the index times 8 bytes.
assert_entry_index() {
	local bits=${3:-$((PAGE_SHIFT - 3))} entry level=${lines[$1]#lkm4: }
	[[ "$level" =~ entry\ at\ 0x([0-9a-f]+)\ = ]] || fail "no entry address in: ${lines[$1]}"
	entry=$((16#${BASH_REMATCH[1]}))
	assert_equal "${level%%:*}: index $(((entry & ((8 << bits) - 1)) / 8))" \
		"${level%%:*}: index $(((ADDR >> (PAGE_SHIFT + $2 * (PAGE_SHIFT - 3))) & ((1 << bits) - 1)))"
}

@test "mapper: the walk logs every level, each at ADDR's index, the P4D folded unless there are five" {
	paging_geometry
	target_addr anon
	translate "$ADDR"
	note "$LEVELS levels of page table, $VA_BITS-bit user addresses"
	assert_line --index 0 "lkm4: Pid: $TARGET_PID Address: $ADDR"
	assert_line --index 1 "lkm4: Task: mapper_target"
	assert_line --index 2 --regexp '^lkm4: VMA: 0x[0-9a-f]+-0x[0-9a-f]+ rw-p anonymous$'
	assert_line --index 3 --regexp '^lkm4: Page Global Directory: entry at 0x[0-9a-f]{16} = 0x[0-9a-f]{16}$'
	assert_entry_index 3 $((LEVELS - 1)) "$TOP_BITS"
	if [ "$LEVELS" = 5 ]; then
		assert_line --index 4 --regexp '^lkm4: P4D: entry at 0x[0-9a-f]{16} = 0x[0-9a-f]{16}$'
		assert_entry_index 4 3
	else
		assert_equal "$LEVELS" 4
		assert_line --index 4 "lkm4: P4D: folded into the Page Global Directory (4-level paging)"
	fi
	assert_line --index 5 --regexp '^lkm4: Page Upper Directory: entry at 0x[0-9a-f]{16} = 0x[0-9a-f]{16}$'
	assert_entry_index 5 2
	assert_line --index 6 --regexp '^lkm4: Page Middle Directory: entry at 0x[0-9a-f]{16} = 0x[0-9a-f]{16}$'
	assert_entry_index 6 1
	assert_line --index 7 --regexp '^lkm4: Page Table Entry: entry at 0x[0-9a-f]{16} = 0x[0-9a-f]{16}$'
	assert_entry_index 7 0
	assert_line --index 8 "lkm4: The address $ADDR is valid"
	assert_line --index 12 "lkm4: unloaded"
}

@test "mapper: an anonymous page, a stack address, program text and a shared file page match pagemap" {
	assert_translates anon "4 KiB"
	assert_translates stack "4 KiB"
	assert_line --regexp '^lkm4: VMA: .* rw-p \[stack\]$'
	assert_translates text "4 KiB"
	assert_line --regexp '^lkm4: VMA: .* r-xp mapper_target$'
	assert_translates shared "4 KiB"
	assert_line --regexp '^lkm4: VMA: .* r--s mapper_target$'
}

@test "mapper: a 2 MiB transparent huge page is a PMD leaf; the offset inside it is kept" {
	[ -d /sys/kernel/mm/transparent_hugepage ] ||
		skip "this kernel has no transparent huge pages (CONFIG_TRANSPARENT_HUGEPAGE is off)"
	target_addr thp
	anon_huge_of "$ADDR"
	note "thp $ADDR: smaps AnonHugePages $ANON_HUGE kB for $VMA"
	[ "$ANON_HUGE" -ge 2048 ] || skip "the kernel gave no transparent huge page (AnonHugePages $ANON_HUGE kB)"
	assert_translates thp "2 MiB"
	refute_line --partial "Page Table Entry"
}

@test "mapper: a 2 MiB hugetlb page is a PMD leaf" {
	assert_translates hugetlb "2 MiB"
	assert_line --regexp '^lkm4: VMA: .* \(hugetlb\)$'
	refute_line --partial "Page Table Entry"
}

@test "mapper: a 1 GiB hugetlb page is a PUD leaf" {
	[ -e "$HUGE_1G" ] || skip "this machine has no 1 GiB hugetlb pages (x86 without pdpe1gb, or an arm64 kernel whose pages are not 4 KiB)"
	assert_translates huge1g "1 GiB"
	refute_line --partial "Page Middle Directory"
}

@test "mapper: hugetlb pages made PROT_NONE are present leaves with pagemap's PFN, and no access" {
	# hugetlb entries are PTE-format at any level: PROT_NONE leaves a 1 GiB
	# entry with PSE|PROTNONE but no PRESENT, which a PUD reader calls
	# "not present".
	kill -USR1 "$TARGET_PID"
	wait_for_lines "$TARGET_OUT" 14
	target_addr hugetlb-protnone
	assert_translates hugetlb "2 MiB"
	assert_line --regexp '^lkm4: VMA: .* ---p .*\(hugetlb\)$'
	assert_line "lkm4: The page is mapped with no access: PROT_NONE, or a NUMA balancing hint"
	assert_translates huge1g "1 GiB"
	assert_line "lkm4: The page is mapped with no access: PROT_NONE, or a NUMA balancing hint"
	refute_line --partial "Page Middle Directory"
}

@test "mapper: a never-touched page is not present and a hole is not mapped, as pagemap and maps say" {
	target_addr untouched
	pagemap "$ADDR"
	assert_equal "$PAGEMAP" none
	vma_of "$ADDR"
	assert [ -n "$VMA" ]
	translate "$ADDR"
	note "untouched $ADDR: pagemap $PAGEMAP, maps $VMA; module ${lines[*]: -2:1}"
	assert_line --regexp "^lkm4: VMA: 0x[0-9a-f]+-0x[0-9a-f]+ rw-p anonymous$"
	assert_line --regexp "^lkm4: The address $ADDR is not present: its (PTE|PMD|PUD|P4D|PGD) entry is empty \(never touched, or dropped from memory\)$"

	target_addr hole
	pagemap "$ADDR"
	assert_equal "$PAGEMAP" none
	vma_of "$ADDR"
	assert_equal "$VMA" ""
	translate "$ADDR"
	note "hole $ADDR: pagemap $PAGEMAP, in no maps range; module ${lines[*]: -2:1}"
	assert_line "lkm4: The address $ADDR is not mapped: no VMA covers it"
	refute_line --partial "Page Global Directory"
}

@test "mapper: a swapped-out page shows the swap type and offset pagemap shows" {
	grep -q '^/' /proc/swaps || skip "no swap: zram could not be set up in this kernel"
	target_addr swapped
	pagemap "$ADDR"
	[[ "$PAGEMAP" =~ ^swapped\ type\ ([0-9]+)\ offset\ (0x[0-9a-f]+)$ ]] ||
		fail "MADV_PAGEOUT did not swap the page out: pagemap says $PAGEMAP"
	translate "$ADDR"
	note "swapped $ADDR: pagemap $PAGEMAP; module ${lines[*]: -2:1}"
	assert_line "lkm4: The address $ADDR is swapped out: swap type ${BASH_REMATCH[1]}, offset ${BASH_REMATCH[2]}"
}

@test "mapper: a PROT_NONE page is present, with pagemap's PFN, and no access" {
	assert_translates protnone "4 KiB"
	assert_line --regexp '^lkm4: VMA: .* ---p anonymous$'
	assert_line "lkm4: The page is mapped with no access: PROT_NONE, or a NUMA balancing hint"
}

@test "mapper: count=16 over written, untouched and unmapped pages matches pagemap page by page" {
	target_addr mixed
	run "$HELPERS/pagemap" "$TARGET_PID" "$ADDR" 16
	assert_success
	local pm=("${lines[@]}")
	translate "$ADDR" count=16
	assert_equal "${#lines[@]}" 19
	assert_line --index 0 "lkm4: Pid: $TARGET_PID Address: $ADDR (and following pages)"
	assert_line --index 18 "lkm4: unloaded"
	for i in $(seq 0 15); do
		read -r page state _ pfn <<<"${pm[i]}"
		vma_of "$page"
		if [ "$state" = present ]; then
			want="lkm4: $page: present, PFN $pfn, 4 KiB"
		elif [ -z "$VMA" ]; then
			want="lkm4: $page: not mapped: no VMA covers it"
		else
			want="lkm4: $page: not present: its PTE entry is empty (never touched, or dropped from memory)"
		fi
		assert_equal "${lines[i + 2]}" "$want"
		# And the layout is the one the target made.
		if [ "$i" -eq 15 ]; then
			assert_equal "$VMA" ""
		elif [ $((i % 2)) -eq 0 ]; then
			assert_equal "$state" present
		else
			assert_equal "$state" none
		fi
	done
	note "count=16: ${lines[2]#lkm4: } ... ${lines[17]#lkm4: }; pagemap ${pm[0]} ... ${pm[15]}"
}

@test "mapper: missing or bad pid=, addr= and count= are refused with an errno and one line" {
	# Where user space ends, as the guest says (tests/helpers/uspace_top:
	# 0x7ffffffff000 on x86_64, 0x1000000000000 on arm64 with 48-bit
	# addresses): the first address past it, and a count that runs
	# into it, are refused.
	local top above last
	run "$HELPERS/uspace_top"
	assert_success
	top=$output
	printf -v above '0x%x' $((top + 0x1000000))
	printf -v last '0x%x' $((top - PAGE_SIZE))
	note "user space ends at $top"
	start_family

	assert_refused EINVAL "pid= is required: the process whose address to translate" "$KO" addr=0x1000
	assert_refused EINVAL "addr= is required: the user virtual address to translate" "$KO" pid=1
	assert_refused EINVAL "addr=junk is not an address: give hex with 0x, or decimal" "$KO" pid=1 addr=junk
	assert_refused EINVAL "pid=-5 is not a process id: it must be positive" "$KO" pid=-5 addr=0x1000
	assert_refused EINVAL "\`abc' invalid for parameter \`pid'" "$KO" pid=abc addr=0x1000
	assert_refused ESRCH "pid=4194304: no such process" "$KO" pid=4194304 addr=0x1000
	assert_refused EINVAL "pid 2 (kthreadd) is a kernel thread and has no user address space" "$KO" pid=2 addr=0x1000
	assert_refused ESRCH "pid $ZOMBIE (family) has exited and has no user address space any more" "$KO" pid="$ZOMBIE" addr=0x1000
	assert_refused EINVAL "addr=$top is not a user address: user space ends at $top" "$KO" pid=1 addr="$top"
	assert_refused EINVAL "addr=$above is not a user address: user space ends at $top" "$KO" pid=1 addr="$above"
	assert_refused EINVAL "addr=0x8000000000000000 is not a user address: user space ends at $top" "$KO" pid=1 addr=0x8000000000000000
	assert_refused EINVAL "addr=0xffffffff81000000 is not a user address: user space ends at $top" "$KO" pid=1 addr=0xffffffff81000000
	assert_refused EINVAL "addr=$top (the last of count pages) is not a user address: user space ends at $top" "$KO" pid=1 addr="$last" count=2
	assert_refused EINVAL "count=0 is out of range: 1 to 512 pages" "$KO" pid=1 addr=0x1000 count=0
	assert_refused EINVAL "count=513 is out of range: 1 to 512 pages" "$KO" pid=1 addr=0x1000 count=513
}
