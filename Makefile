# SPDX-License-Identifier: GPL-2.0
#
#   make [KVER=release | KDIR=dir]  build every module for one kernel; the
#                                   .ko files land next to their sources;
#                                   KVER=debug: the debug kernel
#                                   (scripts/debug-kernel builds it)
#   make test [KVER=...] [TESTS="a.bats b.bats"]
#                                   bats in a throwaway VM, per kernel:
#                                   by default the stock kernels and the
#                                   debug kernel, two at a time
#                                   (LKM_TEST_JOBS, LKM_TEST_DEBUG=0)
#   make test-host [TESTS=...]      the same bats files on this machine
#   make demo                       load every module in a VM, show its log
#   make bench [KVER=...]           every DIR/bench.sh in a VM: figures
#   make readme [KVER=...]          make demo, its output written into
#                                   README.md's demo regions
#   make plot [KVER=...]            size/mem_stats.ko watching a program
#                                   allocate, drawn to build/plots/*.svg
#   make lint                       checkpatch, sparse, W=1, shellcheck, lint-bats
#   make install [KVER=...] [DESTDIR=dir] [PREFIX=/usr/local]
#                                   modules to /lib/modules/KVER/extra/lkm/,
#                                   then depmod; programs to PREFIX/bin
#   make uninstall [KVER=...] [DESTDIR=dir] [PREFIX=...]
#   make dkms-source [DESTDIR=dir]  the sources DKMS builds, in
#                                   /usr/src/lkm-VERSION
#   make dkms.conf                  regenerate dkms.conf (scripts/dkms-conf)
#   make clean
#
# Objects are built per kernel under build/<release>/ (a tree of symlinks to
# the sources), so switching kernels never needs a clean.

# The module directories, in order, from the top-level Kbuild, and their
# modules as DIR/NAME (mapper/lkm4).
MODULE_DIRS := $(shell scripts/module-dirs)
SUITE_MODULES := $(shell scripts/modules)
# The suite's one version; Kbuild reads the same file.
VERSION := $(strip $(file <VERSION))

# Whether KVER was named (command line or environment), taken before the
# debug kernel's name is resolved below: make test, bench and plot ask.
KVER_GIVEN := $(filter command line environment,$(origin KVER))

# arm64 (README, "arm64"): ARCH=arm64, or KVER= an arm64 release, builds
# with the cross compiler against Debian's arm64 headers, unpacked by
# scripts/arm64-kernels into a cache outside the clone (scripts/deps arm64
# fetches them). Modules land in build/<release>/ as for x86, the helpers
# and user programs in build/arm64/ (they are not copied next to the
# sources, where the x86 ones are).
ifneq ($(filter %-arm64,$(KVER)),)
ARCH := arm64
endif
ifeq ($(ARCH),arm64)
export ARCH
CROSS_COMPILE ?= aarch64-linux-gnu-
export CROSS_COMPILE
ifndef KDIR
KVER ?= $(firstword $(shell scripts/arm64-kernels list))
KDIR = $(shell scripts/arm64-kernels dir $(KVER))/usr/src/linux-headers-$(KVER)
endif
ARCH_OUT := build/arm64
# Static: the guest's root has a libc, but a static helper needs nothing
# of it, and libc6-dev-arm64-cross links it here.
USER_CC := $(CROSS_COMPILE)gcc -static
else ifneq ($(ARCH),)
ifneq ($(filter-out x86 x86_64,$(ARCH)),)
$(error ARCH=$(ARCH): the suite builds for x86 (the default) and arm64)
endif
endif
USER_CC ?= $(CC)

# Recursive on purpose: the kernel is looked up when first used, which is
# after scripts/deps has run for the targets that install it.
ifdef KDIR
# UTS_RELEASE is what uname -r and vermagic say; Debian's kernel.release
# file holds the upstream version instead.
KVER ?= $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
else
KVER ?= $(shell scripts/kernels default)
KDIR = /lib/modules/$(KVER)/build
endif

# The debug kernel (scripts/debug-kernel; README, "The debug kernel"):
# KVER=debug, or its release name, builds against the tree that script
# keeps in its cache outside the clone, built first when it is not
# current (check-kdir). Its release is known without building it.
ifneq ($(KVER_GIVEN),)
ifneq ($(filter debug %-lkm-debug,$(KVER)),)
DEBUG_KERNEL := 1
override KVER := $(shell scripts/debug-kernel release)
override KDIR := $(shell scripts/debug-kernel kdir)
endif
endif
OUT = build/$(KVER)

HELPERS := $(patsubst tests/helpers/%.c,$(if $(ARCH_OUT),$(ARCH_OUT)/helpers,build/helpers)/%,$(wildcard tests/helpers/*.c))

# User programs that belong to a module directory: DIR/NAME.c is built to
# DIR/NAME, next to the module, with that directory's headers (its uapi
# header) in reach. A module directory adds its programs here.
PROGRAMS := ioctl/memtool ioctl/spock_target
PROGRAMS += signal/control_station signal/soldier signal/doom_bench
PROGRAM_SOURCES := $(PROGRAMS)
ifneq ($(ARCH_OUT),)
PROGRAMS := $(addprefix $(ARCH_OUT)/programs/,$(PROGRAMS))
endif

# make test runs only the kernel named on the command line, else them all
# (scripts/kernels test: x86's, then arm64's as LKM_TEST_ARM64 says);
# ARCH=arm64 alone: every arm64 kernel.
ifneq ($(KVER_GIVEN),)
TEST_KERNELS = $(KVER)
else ifeq ($(ARCH),arm64)
TEST_KERNELS = $(shell scripts/kernels arm64)
endif

.PHONY: all modules programs helpers check-kdir test test-vm test-host demo demo-vm readme readme-vm bench bench-vm plot plot-vm lint clean
.PHONY: install install-modules install-programs uninstall dkms-source dkms.conf

all: modules programs
ifeq ($(ARCH_OUT),)
	@for d in $(MODULE_DIRS); do cp -p $(OUT)/$$d/*.ko $$d/; done
	@echo "Built for $(KVER):" $(foreach d,$(MODULE_DIRS),$(d)/*.ko)
else
	@echo "Built for $(KVER) ($(ARCH)):" $(foreach d,$(MODULE_DIRS),$(OUT)/$(d)/*.ko) $(PROGRAMS)
endif

check-kdir:
	@if [ -n "$(DEBUG_KERNEL)" ]; then \
		[ -n "$(KVER)" ] || exit 1; \
		scripts/debug-kernel build || exit 1; \
	elif [ -n "$(filter command line environment,$(origin KDIR))" ] && [ -z "$(KVER)" ]; then \
		echo "KDIR=$(KDIR) is not a kernel build directory (no include/generated/utsrelease.h): use /lib/modules/<release>/build." >&2; \
		exit 1; \
	elif [ -z "$(KVER)" ]; then \
		echo "No kernel headers are installed: run scripts/deps build (or apt-get install linux-headers-amd64)." >&2; \
		exit 1; \
	elif [ "$(ARCH)" = arm64 ] && [ ! -d "$(KDIR)" ]; then \
		echo "No arm64 headers for $(KVER) in $(KDIR): run scripts/deps arm64 (it fetches them into a cache)." >&2; \
		exit 1; \
	elif [ ! -d "$(KDIR)" ]; then \
		echo "No kernel headers for $(KVER) in $(KDIR): install linux-headers-$(KVER), or pick another kernel with KVER= or KDIR=." >&2; \
		exit 1; \
	fi

modules: check-kdir
	@mkdir -p $(OUT)
	@ln -sfn $(CURDIR)/Kbuild $(OUT)/Kbuild
	@ln -sfn $(CURDIR)/VERSION $(OUT)/VERSION
	@ln -sfn $(CURDIR)/include $(OUT)/include
	@for d in $(MODULE_DIRS); do \
		mkdir -p $(OUT)/$$d; \
		for f in $$d/Kbuild $$d/*.c $$d/*.h; do \
			[ ! -e $$f ] || ln -sfn $(CURDIR)/$$f $(OUT)/$$f; \
		done; \
	done
	$(MAKE) -C $(KDIR) M=$(CURDIR)/$(OUT) modules

helpers: $(HELPERS)

build/helpers/%: tests/helpers/%.c $(wildcard */*.h tests/helpers/*.h)
	@mkdir -p $(dir $@)
	$(USER_CC) -O2 -g -Wall -Wextra -Werror -pthread -I. -o $@ $<

build/arm64/helpers/%: tests/helpers/%.c $(wildcard */*.h tests/helpers/*.h)
	@mkdir -p $(dir $@)
	$(USER_CC) -O2 -g -Wall -Wextra -Werror -pthread -I. -o $@ $<

programs: $(PROGRAMS)

ifeq ($(ARCH_OUT),)
$(PROGRAMS): %: %.c $(wildcard */*.h)
	$(USER_CC) -O2 -g -Wall -Wextra -Werror -pthread -I$(dir $@) -o $@ $<
else
$(PROGRAMS): $(ARCH_OUT)/programs/%: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	$(USER_CC) -O2 -g -Wall -Wextra -Werror -pthread -I$(dir $<) -o $@ $<
endif

# The debug kernel's build needs packages of its own: when it is the kernel
# named, or in the full matrix (unless LKM_TEST_DEBUG=0 leaves it out).
TEST_DEBUG = $(if $(DEBUG_KERNEL),debug,$(if $(KVER_GIVEN)$(ARCH_OUT),,$(if $(filter 0,$(LKM_TEST_DEBUG)),,debug)))

# arm64's packages and kernels likewise: when an arm64 kernel is named, for
# ARCH=arm64, or in the full matrix unless LKM_TEST_ARM64=none leaves
# them out.
TEST_ARM64 = $(if $(ARCH_OUT),arm64,$(if $(KVER_GIVEN),,$(if $(filter none 0,$(LKM_TEST_ARM64)),,arm64)))

# As for demo (below): the kernels are looked up in a make of its own,
# after scripts/deps has installed and fetched them.
test:
	@scripts/deps build test $(TEST_ARM64) $(TEST_DEBUG)
	@$(MAKE) --no-print-directory test-vm

test-vm:
	@if [ "$(ARCH)" = arm64 ] && [ -z "$(TEST_KERNELS)" ]; then \
		echo "make test ARCH=arm64: no arm64 kernel in the cache: run scripts/deps arm64" >&2; exit 1; \
	fi
	@tests/run-tests $(addprefix --kernel ,$(TEST_KERNELS)) $(TESTS)

test-host:
	@tests/run-tests --host $(TESTS)

# The build and the VM step are makes of their own, so that $(KVER) is
# looked up after scripts/deps has installed the kernels: on a fresh
# machine it is empty when this recipe starts.
demo:
	@scripts/deps build test $(if $(ARCH_OUT),arm64)
	@$(MAKE) --no-print-directory -s modules programs helpers
	@$(MAKE) --no-print-directory demo-vm

demo-vm:
	@tests/vm/run --kernel $(KVER) -- scripts/demo

# tests/readme.bats fails when README.md's samples are not what the
# current demo scripts print: this brings them up to date.
readme:
	@scripts/deps build test
	@$(MAKE) --no-print-directory -s modules programs helpers
	@$(MAKE) --no-print-directory readme-vm

readme-vm:
	@mkdir -p build/demo
	@tests/vm/run --kernel $(KVER) -- scripts/demo >build/demo/$(KVER).txt
	@scripts/readme update build/demo/$(KVER).txt README.md

# The figures come from the VM; ioctl/'s are drawn here too, and the
# default kernel's picture is copied to ioctl/bench.svg, which the README
# shows.
bench:
	@scripts/deps build test plot
	@$(MAKE) --no-print-directory -s modules programs helpers
	@$(MAKE) --no-print-directory bench-vm

bench-vm:
	@tests/vm/run --kernel $(KVER) -- scripts/bench
	@ioctl/bench-plot build/bench/$(KVER).txt build/bench/ioctl-$(KVER).svg
	@if [ -z "$(KVER_GIVEN)" ]; then cp build/bench/ioctl-$(KVER).svg ioctl/bench.svg; fi

# Sampled in the VM, drawn here; the default kernel's picture is also
# copied to size/mem_stats.svg, the copy the README shows.
plot:
	@scripts/deps build test plot
	@$(MAKE) --no-print-directory -s modules programs helpers
	@$(MAKE) --no-print-directory plot-vm

plot-vm:
	@tests/vm/run --kernel $(KVER) -- size/plot.sh
	@gnuplot -e "dat='build/plots/mem_stats-$(KVER).dat'; phases='build/plots/mem_stats-$(KVER).phases'; out='build/plots/mem_stats-$(KVER).svg'; kver='$(KVER)'" size/mem_stats.gp
	@if [ -z "$(KVER_GIVEN)" ]; then cp build/plots/mem_stats-$(KVER).svg size/mem_stats.svg; fi
	@echo "plot: drawn to build/plots/mem_stats-$(KVER).svg"

lint:
	@scripts/deps build lint
	@scripts/lint

# make install: each module directory's modules in a directory of their own
# under /lib/modules/KVER/$(INSTALL_MOD_DIR) (extra/lkm/mapper/lkm4.ko, or
# .ko.xz where the kernel compresses its modules), depmod, and the user
# programs in $(PREFIX)/bin. DESTDIR stages all of it under another root,
# which depmod indexes on its own (-b). dkms.conf's DEST_MODULE_LOCATION
# names the same extra/lkm/DIR (scripts/dkms-conf).
PREFIX ?= /usr/local
INSTALL_MOD_DIR ?= extra/lkm
INSTALL_PROGRAMS := $(addprefix $(if $(ARCH_OUT),$(ARCH_OUT)/programs/),ioctl/memtool signal/control_station signal/soldier)
# Kbuild runs in $(KDIR), so the staging root is made absolute.
DEST = $(abspath $(DESTDIR))
MODLIB = $(DEST)/lib/modules/$(KVER)
BINDIR = $(DEST)$(PREFIX)/bin
DEPMOD = depmod $(if $(DESTDIR),-b $(DEST)) $(KVER)

# As for demo: the installing is a make of its own, so that $(KVER) is
# looked up after scripts/deps has installed the headers.
install:
	@scripts/deps build
	@$(MAKE) --no-print-directory install-modules install-programs

# Debian's headers carry no signing key, and modules_install's SIGN step
# would only print OpenSSL errors for each module: sign only where the key
# is. Its depmod step needs the System.map Debian's headers lack (it warns
# and skips): depmod runs here instead, with -b for a DESTDIR.
install-modules: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR)/$(OUT) modules_install \
		INSTALL_MOD_PATH=$(DEST) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) \
		cmd_depmod= quiet_cmd_depmod= \
		$(if $(wildcard $(KDIR)/certs/signing_key.x509),,CONFIG_MODULE_SIG_ALL=)
	$(DEPMOD)

install-programs: $(INSTALL_PROGRAMS)
	install -d $(BINDIR)
	install -m 755 $(INSTALL_PROGRAMS) $(BINDIR)/

# Removes what install put there: each module in any of the forms
# modules_install makes, the programs, the module directories once empty;
# then depmod forgets the modules.
uninstall:
	@[ -n "$(KVER)" ] || { echo "No kernel headers are installed: name the kernel to uninstall for with KVER=release."; exit 1; }
	@for f in $(foreach m,$(SUITE_MODULES),$(foreach s,.ko .ko.xz .ko.zst .ko.gz,$(MODLIB)/$(INSTALL_MOD_DIR)/$(m)$(s))) \
		$(addprefix $(BINDIR)/,$(notdir $(INSTALL_PROGRAMS))); do \
		[ ! -e "$$f" ] || { echo "rm $$f"; rm -f "$$f"; }; \
	done
	@for d in $(addprefix $(MODLIB)/$(INSTALL_MOD_DIR)/,$(MODULE_DIRS)); do \
		[ ! -d "$$d" ] || rmdir --ignore-fail-on-non-empty "$$d"; \
	done; \
	d=$(INSTALL_MOD_DIR); \
	while [ "$$d" != . ] && [ "$$d" != / ]; do \
		[ ! -d "$(MODLIB)/$$d" ] || rmdir --ignore-fail-on-non-empty "$(MODLIB)/$$d"; \
		d=$$(dirname "$$d"); \
	done
	@[ ! -d "$(MODLIB)" ] || { echo "$(DEPMOD)"; $(DEPMOD); }

# DKMS builds from its own copy of the sources, /usr/src/lkm-VERSION: this
# puts there what the module build reads and nothing else: no build/, no
# .ko files, no git, no user programs.
DKMS_SOURCES = VERSION dkms.conf Makefile Kbuild \
	scripts/module-dirs scripts/modules scripts/kernels $(wildcard include/*.h) \
	$(filter-out $(addsuffix .c,$(PROGRAM_SOURCES)), \
		$(foreach d,$(MODULE_DIRS),$(wildcard $(d)/Kbuild $(d)/*.c $(d)/*.h)))
DKMS_SOURCE_DIR = $(DEST)/usr/src/lkm-$(VERSION)

dkms-source: dkms.conf
	rm -rf $(DKMS_SOURCE_DIR)
	install -d $(DKMS_SOURCE_DIR)
	cp --parents $(DKMS_SOURCES) $(DKMS_SOURCE_DIR)/

# Phony: rewritten on every request, even over a hand edit.
dkms.conf:
	scripts/dkms-conf >$@

clean:
	rm -rf build
	rm -f $(foreach d,$(MODULE_DIRS),$(d)/*.ko) $(PROGRAM_SOURCES)
