# SPDX-License-Identifier: GPL-2.0
#
#   make [KVER=release | KDIR=dir]  build every module for one kernel; the
#                                   .ko files land next to their sources
#   make test [KVER=...] [TESTS="a.bats b.bats"]
#                                   bats in a throwaway VM, per kernel
#   make test-host [TESTS=...]      the same bats files on this machine
#   make demo                       load every module in a VM, show its log
#   make bench [KVER=...]           every DIR/bench.sh in a VM: figures
#   make lint                       checkpatch, sparse, W=1, shellcheck
#   make dkms-source [DESTDIR=dir]  the sources DKMS builds, in
#                                   /usr/src/lkm-VERSION
#   make dkms.conf                  regenerate dkms.conf (scripts/dkms-conf)
#   make clean
#
# Objects are built per kernel under build/<release>/ (a tree of symlinks to
# the sources), so switching kernels never needs a clean.

# The module directories, in order, from the top-level Kbuild.
MODULE_DIRS := $(shell scripts/module-dirs)
# The suite's one version; Kbuild reads the same file.
VERSION := $(strip $(file <VERSION))

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
OUT = build/$(KVER)

HELPERS := $(patsubst tests/helpers/%.c,build/helpers/%,$(wildcard tests/helpers/*.c))

# User programs that belong to a module directory: DIR/NAME.c is built to
# DIR/NAME, next to the module, with that directory's headers (its uapi
# header) in reach. A module directory adds its programs here.
PROGRAMS := ioctl/memtool ioctl/spock_target
PROGRAMS += signal/control_station signal/soldier signal/doom_bench

# make test runs only the kernel named on the command line, else them all.
ifneq ($(filter command line environment,$(origin KVER)),)
TEST_KERNELS = $(KVER)
endif

.PHONY: all modules programs helpers check-kdir test test-host demo demo-vm bench bench-vm lint clean
.PHONY: dkms-source dkms.conf

all: modules programs
	@for d in $(MODULE_DIRS); do cp -p $(OUT)/$$d/*.ko $$d/; done
	@echo "Built for $(KVER):" $(foreach d,$(MODULE_DIRS),$(d)/*.ko)

check-kdir:
	@if [ -n "$(filter command line environment,$(origin KDIR))" ] && [ -z "$(KVER)" ]; then \
		echo "KDIR=$(KDIR) is not a kernel build directory (no include/generated/utsrelease.h): use /lib/modules/<release>/build."; \
		exit 1; \
	elif [ -z "$(KVER)" ]; then \
		echo "No kernel headers are installed: install linux-headers-amd64 (or run scripts/deps)."; \
		exit 1; \
	elif [ ! -d "$(KDIR)" ]; then \
		echo "No kernel headers for $(KVER) in $(KDIR): install linux-headers-$(KVER), or pick another kernel with KVER= or KDIR=."; \
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

build/helpers/%: tests/helpers/%.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -Wall -Wextra -Werror -pthread -I. -o $@ $<

programs: $(PROGRAMS)

$(PROGRAMS): %: %.c $(wildcard */*.h)
	$(CC) -O2 -g -Wall -Wextra -Werror -pthread -I$(dir $@) -o $@ $<

test:
	@scripts/deps build test
	@tests/run-tests $(addprefix --kernel ,$(TEST_KERNELS)) $(TESTS)

test-host:
	@tests/run-tests --host $(TESTS)

# The build and the VM step are makes of their own, so that $(KVER) is
# looked up after scripts/deps has installed the kernels: on a fresh
# machine it is empty when this recipe starts.
demo:
	@scripts/deps build test
	@$(MAKE) --no-print-directory -s modules programs helpers
	@$(MAKE) --no-print-directory demo-vm

demo-vm:
	@tests/vm/run --kernel $(KVER) -- scripts/demo

bench:
	@scripts/deps build test
	@$(MAKE) --no-print-directory -s modules programs helpers
	@$(MAKE) --no-print-directory bench-vm

bench-vm:
	@tests/vm/run --kernel $(KVER) -- scripts/bench

lint:
	@scripts/deps build lint
	@scripts/lint

# DKMS builds from its own copy of the sources, /usr/src/lkm-VERSION: this
# puts there what the module build reads and nothing else: no build/, no
# .ko files, no git, no user programs.
DKMS_SOURCES = VERSION dkms.conf Makefile Kbuild \
	scripts/module-dirs scripts/modules scripts/kernels $(wildcard include/*.h) \
	$(filter-out $(addsuffix .c,$(PROGRAMS)), \
		$(foreach d,$(MODULE_DIRS),$(wildcard $(d)/Kbuild $(d)/*.c $(d)/*.h)))
DKMS_SOURCE_DIR = $(abspath $(DESTDIR))/usr/src/lkm-$(VERSION)

dkms-source: dkms.conf
	rm -rf $(DKMS_SOURCE_DIR)
	install -d $(DKMS_SOURCE_DIR)
	cp --parents $(DKMS_SOURCES) $(DKMS_SOURCE_DIR)/

# Phony: rewritten on every request, even over a hand edit.
dkms.conf:
	scripts/dkms-conf >$@

clean:
	rm -rf build
	rm -f $(foreach d,$(MODULE_DIRS),$(d)/*.ko) $(PROGRAMS)
