#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# procfs/: /proc/hello_procfs, /proc/get_pgfaults (checked against the
# pgfault line of /proc/vmstat) and /proc/procfile (checked like a file).

load helpers/common

setup() {
	DIR=$MODULES/procfs
}

teardown() {
	kill_helpers
	unload_if_loaded hello_procfs get_pgfaults procfile
}

# vmstat_pgfault: the pgfault line of /proc/vmstat, in PGFAULT.
vmstat_pgfault() {
	local key value
	while read -r key value; do
		[ "$key" != pgfault ] || { PGFAULT=$value; return 0; }
	done </proc/vmstat
	return 1
}

# read_entry: the number /proc/get_pgfaults shows, in ENTRY.
read_entry() {
	local line
	read -r line </proc/get_pgfaults
	[[ "$line" =~ ^Page\ faults\ -\ ([0-9]+)$ ]] || fail "unexpected: $line"
	ENTRY=${BASH_REMATCH[1]}
}

# assert_content TEXT: /proc/procfile holds exactly TEXT (with \n, \0 escapes).
assert_content() {
	printf "%b" "$1" >"$BATS_TEST_TMPDIR/want"
	cat /proc/procfile >"$BATS_TEST_TMPDIR/got"
	run cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	assert_success
}

@test "procfs: /proc/hello_procfs, mode 0444, reads exactly Hello World! with cat, dd bs=1 and two readers at once" {
	kmsg_mark
	insmod "$DIR/hello_procfs.ko"
	run kmsg_since_mark "hello_procfs: "
	assert_output "hello_procfs: created /proc/hello_procfs"
	run stat -c '%a %s' /proc/hello_procfs
	assert_output "444 0"

	printf 'Hello World!\n' >"$BATS_TEST_TMPDIR/want"
	cat /proc/hello_procfs >"$BATS_TEST_TMPDIR/cat"
	dd if=/proc/hello_procfs of="$BATS_TEST_TMPDIR/dd1" bs=1 2>"$BATS_TEST_TMPDIR/dd1.log" &
	dd if=/proc/hello_procfs of="$BATS_TEST_TMPDIR/dd2" bs=1 2>/dev/null &
	wait
	for got in cat dd1 dd2; do
		run cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/$got"
		assert_success
	done
	# One byte per read: 13 reads of one byte.
	run grep -c '^13+0 records in$' "$BATS_TEST_TMPDIR/dd1.log"
	assert_output 1

	kmsg_mark
	rmmod hello_procfs
	run kmsg_since_mark "hello_procfs: "
	assert_output "hello_procfs: removed /proc/hello_procfs"
	assert [ ! -e /proc/hello_procfs ]
}

@test "procfs: /proc/get_pgfaults lies between two reads of /proc/vmstat pgfault and counts 10000 new faults" {
	insmod "$DIR/get_pgfaults.ko"
	run stat -c '%a' /proc/get_pgfaults
	assert_output 444

	vmstat_pgfault
	a=$PGFAULT
	read_entry
	n=$ENTRY
	vmstat_pgfault
	b=$PGFAULT
	note "vmstat pgfault a=$a, /proc/get_pgfaults N=$n, vmstat pgfault b=$b"
	assert [ "$a" -le "$n" ]
	assert [ "$n" -le "$b" ]

	run "$HELPERS/touch_pages" 10000
	assert_success
	read_entry
	note "after touching 10000 fresh pages: N=$ENTRY, grew by $((ENTRY - n))"
	assert [ $((ENTRY - n)) -ge 10000 ]
}

@test "procfs: /proc/procfile, mode 0644, holds what was last written, like a file" {
	insmod "$DIR/procfile.ko"
	run stat -c '%a' /proc/procfile
	assert_output 644
	assert_content ''

	echo data >/proc/procfile
	assert_content 'data\n'
	# ">" truncates, ">>" appends.
	echo hi >/proc/procfile
	assert_content 'hi\n'
	echo more >>/proc/procfile
	assert_content 'hi\nmore\n'

	# Writes at an offset, inside and past the end (the gap reads as zeros).
	run "$HELPERS/fileio" /proc/procfile pwrite 3 XYZ pwrite 10 Q end
	assert_output "$(printf '%s\n' 'ok 3' 'ok 1' 'ok 11')"
	assert_content 'hi\nXYZe\n\0\0Q'
	# Read back one byte per read.
	run dd if=/proc/procfile of="$BATS_TEST_TMPDIR/dd" bs=1
	assert_line '11+0 records in'
	run cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/dd"
	assert_success

	# Several pieces make one content.
	: >/proc/procfile
	run "$HELPERS/fileio" /proc/procfile pwrite 0 abc pwrite 3 def
	assert_success
	assert_content 'abcdef'
}

@test "procfs: /proc/procfile refuses writes past 4096 bytes with ENOSPC and bad buffers with EFAULT, keeping its data" {
	kmsg_mark
	insmod "$DIR/procfile.ko"
	run kmsg_since_mark "procfile: "
	assert_output "procfile: created /proc/procfile (4096 bytes)"

	echo keep >/proc/procfile
	run "$HELPERS/fileio" /proc/procfile fill 0 4097 x fill 4090 7 x badwrite end
	assert_output "$(printf '%s\n' ENOSPC ENOSPC EFAULT 'ok 5')"
	assert_content 'keep\n'
	run "$HELPERS/fileio" /proc/procfile badread
	assert_output EFAULT

	# Exactly full is fine; one byte more is not.
	run "$HELPERS/fileio" /proc/procfile fill 0 4096 y fill 4096 1 z end
	assert_output "$(printf '%s\n' 'ok 4096' ENOSPC 'ok 4096')"
}

@test "procfs: concurrent writers and a reader of /proc/procfile never see a torn write" {
	insmod "$DIR/procfile.ko"
	run "$HELPERS/torn" /proc/procfile 3
	assert_success
	note "torn: $output"
	[[ "$output" =~ ^reads\ ([0-9]+)\ torn\ ([0-9]+)$ ]]
	assert [ "${BASH_REMATCH[1]}" -ge 100 ]
	assert_equal "${BASH_REMATCH[2]}" 0
}

@test "procfs: a second load fails with File exists and leaves the entry alone; rmmod removes it" {
	for mod in hello_procfs get_pgfaults procfile; do
		insmod "$DIR/$mod.ko"
	done
	echo keep >/proc/procfile
	for mod in hello_procfs get_pgfaults procfile; do
		run insmod "$DIR/$mod.ko"
		assert_failure
		assert_output --partial "File exists"
	done
	run cat /proc/hello_procfs
	assert_output "Hello World!"
	read_entry
	assert_content 'keep\n'
	for mod in hello_procfs get_pgfaults procfile; do
		rmmod "$mod"
		assert [ ! -e "/proc/$mod" ]
	done
}

@test "procfs: rmmod while a reader holds the file open is safe: its next read fails with EIO" {
	for mod in hello_procfs get_pgfaults procfile; do
		insmod "$DIR/$mod.ko"
		exec {fd}<"/proc/$mod"
		kmsg_mark
		rmmod "$mod"
		run cat <&"$fd"
		assert_failure
		assert_output --partial "Input/output error"
		exec {fd}<&-
		run kmsg_since_mark
		refute_output --regexp 'BUG:|WARNING:|Oops|Call Trace'
	done
}
