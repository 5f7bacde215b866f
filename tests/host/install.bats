#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# make install, make uninstall and DKMS, for each test kernel, on the host:
# nothing here loads a module (tests/install.bats loads an installed one in
# the VM). make install goes into a staging root per kernel (DESTDIR), set
# up once for the file; the uninstall test comes last and empties them.

load ../helpers/host

setup_file() {
	local kver
	for kver in "${TEST_KERNELS[@]}"; do
		make -C "$LKM_ROOT" --no-print-directory install \
			DESTDIR="$BATS_FILE_TMPDIR/$kver" KVER="$kver" \
			>"$BATS_FILE_TMPDIR/install-$kver.log" 2>&1
		echo $? >"$BATS_FILE_TMPDIR/install-$kver.rc"
	done
}

# staged KVER: the staging root make install filled for KVER, in DEST, and
# that kernel's module directory in it, in MODLIB; fails with make's output
# when the install failed.
staged() {
	local rc
	DEST=$BATS_FILE_TMPDIR/$1
	MODLIB=$DEST/lib/modules/$1
	read -r rc <"$BATS_FILE_TMPDIR/install-$1.rc"
	[ "$rc" -eq 0 ] || fail "make install KVER=$1 failed ($rc): $(cat "$BATS_FILE_TMPDIR/install-$1.log")"
}

# files_in DIR: every file under DIR but depmod's index (modules.* at the
# top of a kernel's module directory), relative to DIR, sorted.
files_in() {
	find "$1" -type f ! -regex '.*/lib/modules/[^/]*/modules\.[^/]*' -printf '%P\n' | sort
}

@test "install: every module under extra/lkm/DIR/ and the programs in PREFIX/bin, nothing else" {
	local kver module program expected
	for kver in "${TEST_KERNELS[@]}"; do
		staged "$kver"
		ko_suffix "$kver"
		expected=$(
			for module in "${SUITE_MODULES[@]}"; do
				echo "lib/modules/$kver/extra/lkm/$module$KO_SUFFIX"
			done
			for program in "${PROGRAMS[@]}"; do
				echo "usr/local/bin/${program##*/}"
			done
		)
		run files_in "$DEST"
		note "$kver: ${#lines[@]} files, modules as *$KO_SUFFIX"
		assert_output "$(sort <<<"$expected")"
		for program in "${PROGRAMS[@]}"; do
			[ -x "$DEST/usr/local/bin/${program##*/}" ] || fail "$program is not executable"
		done
	done
}

@test "install: PREFIX moves the programs" {
	local kver=${TEST_KERNELS[0]} program
	lkm_make install DESTDIR="$BATS_TEST_TMPDIR/root" PREFIX=/opt/lkm KVER="$kver"
	assert_success
	run files_in "$BATS_TEST_TMPDIR/root/opt"
	assert_output "$(for program in "${PROGRAMS[@]}"; do echo "lkm/bin/${program##*/}"; done | sort)"
	for program in "${PROGRAMS[@]}"; do
		cmp "$BATS_TEST_TMPDIR/root/opt/lkm/bin/${program##*/}" "$LKM_ROOT/$program" ||
			fail "$program differs from the built one"
	done
}

@test "install: depmod -b resolves every module, each symbol against the kernel's Module.symvers" {
	local kver module
	for kver in "${TEST_KERNELS[@]}"; do
		staged "$kver"
		ko_suffix "$kver"
		run depmod -b "$DEST" -e -E "/lib/modules/$kver/build/Module.symvers" "$kver"
		assert_success
		refute_output --partial "unknown symbol"
		refute_output --partial "disagrees about version"
		run cat "$MODLIB/modules.dep"
		note "$kver: modules.dep has ${#lines[@]} lines"
		assert_equal "${#lines[@]}" "${#SUITE_MODULES[@]}"
		for module in "${SUITE_MODULES[@]}"; do
			assert_line "extra/lkm/$module$KO_SUFFIX:"
		done
		# modprobe finds each by name through that index.
		for module in "${SUITE_MODULES[@]}"; do
			run modprobe -d "$DEST" -S "$kver" --show-depends "${module#*/}"
			assert_success
			assert_equal "${output% }" "insmod $MODLIB/extra/lkm/$module$KO_SUFFIX"
		done
	done
}

@test "install: modinfo of each installed module: VERSION, the kernel, the module that was built" {
	local kver module name field built installed
	for kver in "${TEST_KERNELS[@]}"; do
		staged "$kver"
		for module in "${SUITE_MODULES[@]}"; do
			name=${module#*/}
			# By name, through the staged index, as modprobe finds it.
			run modinfo -b "$DEST" -k "$kver" -F version "$name"
			assert_success
			assert_output "$VERSION"
			run modinfo -b "$DEST" -k "$kver" -F vermagic "$name"
			# Compared literally: releases contain '+'.
			[[ "$output" == "$kver "* ]] || fail "$kver $name: vermagic $output"
			for field in license author description; do
				run modinfo -b "$DEST" -k "$kver" -F "$field" "$name"
				[ -n "$output" ] || fail "$kver $name: no $field"
			done
			built=$(modinfo -F srcversion "$LKM_ROOT/build/$kver/$module.ko")
			installed=$(modinfo -b "$DEST" -k "$kver" -F srcversion "$name")
			assert_equal "$installed" "$built"
		done
		note "$kver: ${#SUITE_MODULES[@]} modules at version $VERSION"
	done
}

@test "dkms: add, build for each test kernel (every module), remove" {
	local tree=$BATS_TEST_TMPDIR kver module
	command -v dkms >/dev/null ||
		skip "dkms is not installed (scripts/deps test installs it)"
	# Trees of its own: the test leaves the machine's DKMS alone.
	local dkms=(--sourcetree "$tree/usr/src" --dkmstree "$tree/dkms")
	mkdir "$tree/dkms"
	lkm_make dkms-source DESTDIR="$tree"
	assert_success
	run find "$tree/usr/src/lkm-$VERSION" \( -name build -o -name '*.ko' -o -name '.git*' \)
	assert_output ""
	run dkms add "lkm/$VERSION" "${dkms[@]}"
	assert_success
	for kver in "${TEST_KERNELS[@]}"; do
		run dkms build "lkm/$VERSION" -k "$kver" "${dkms[@]}"
		assert_success
		dkms_suffix "$kver"
		for module in "${SUITE_MODULES[@]}"; do
			run modinfo -F version "$tree/dkms/lkm/$VERSION/$kver/$(uname -m)/module/${module#*/}$KO_SUFFIX"
			assert_success
			assert_output "$VERSION"
		done
		note "$kver: dkms built ${#SUITE_MODULES[@]} modules as *$KO_SUFFIX"
	done
	run dkms status "${dkms[@]}"
	for kver in "${TEST_KERNELS[@]}"; do
		assert_line "lkm/$VERSION, $kver, $(uname -m): built"
	done
	run dkms remove "lkm/$VERSION" --all "${dkms[@]}"
	assert_success
	[ ! -e "$tree/dkms/lkm" ] || fail "dkms remove left $(find "$tree/dkms/lkm")"
}

# Last: it empties the staging roots the tests above read.
@test "uninstall: removes every file install put, depmod's index is left empty" {
	local kver
	for kver in "${TEST_KERNELS[@]}"; do
		staged "$kver"
		lkm_make uninstall DESTDIR="$DEST" KVER="$kver"
		assert_success
		run files_in "$DEST"
		assert_output ""
		[ ! -e "$MODLIB/extra" ] || fail "uninstall left $(find "$MODLIB/extra")"
		[ ! -s "$MODLIB/modules.dep" ] || fail "modules.dep still lists: $(cat "$MODLIB/modules.dep")"
	done
}
