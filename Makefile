# SPDX-License-Identifier: GPL-2.0
#
# ktstr top-level build.
#
#   make deps         install every Debian package the project needs
#   make              host CLI, guest binaries, kernel + example schedulers, kmod,
#                     ktstr's own schedulers (selftests/scheds)
#   make kernel       build (or reuse) the cached kernel under test
#   make unit         unit tests under ASan + UBSan (no VM)
#   make fuzz-short   the host fuzzers' seeds and a short run (scripts/fuzz-host.sh)
#   make integration  tests that boot VMs
#   make kselftest    the target in a kernel tree and on a plain-init device
#   make check        unit + fuzz-short + integration + kselftest (the README test command)
#   make upstream-series OUT=DIR   the patches that add it to a kernel tree
#   make run          the default suite in a VM against scx_simple
#   make bench        print the boot-time figures
#   make install      install ktstr under $(PREFIX)
#
# The kmod itself is built by Kbuild: see kmod/Makefile and kmod/Kbuild.

CC		?= gcc
PREFIX		?= /usr/local
BUILD		:= build
CFLAGS		?= -O2 -g
WARN		:= -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral \
		   -Wno-format-truncation
BASE_CFLAGS	:= -std=gnu11 -D_GNU_SOURCE $(WARN) -Ilib -Iselftests/lib -Iuapi
SAN		:= -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=all

LIB_SRCS	:= lib/strlist.c lib/wire.c lib/util.c lib/ktstr_fields.c selftests/lib/file.c
HOST_SRCS	:= $(wildcard host/*.c host/*/*.c)
AGENT_SRCS	:= $(wildcard guest/agent/*.c) selftests/lib/scheduler.c selftests/lib/kmod_load.c \
		   selftests/lib/ktstr_dev.c selftests/lib/agent_event.c
FUZZ_KMOD_SRCS	:= $(wildcard guest/fuzz/*.c) selftests/lib/kmod_load.c selftests/lib/ktstr_dev.c \
		   lib/ktstr_fields.c
CTL_SRCS	:= $(wildcard guest/ctl/*.c) selftests/lib/kmod_load.c selftests/lib/ktstr_dev.c \
		   lib/ktstr_fields.c

HOST_LIBS	:= -lpopt -lelf -lz -lcrypto -ljson-c -lpthread -lm
AGENT_LIBS	:= -lbpf -lz -lkmod -lpthread
CTL_LIBS	:= -lpopt -lkmod

KTSTR		:= ./ktstr
KERNEL_DIR	= $(shell $(KTSTR) kernel path)

.PHONY: all host guest selftests kernel kmod scheds uapi-sizes unit fuzzers fuzz-short integration \
	kselftest check \
	upstream-series run bench \
	install deps clean checkpatch FORCE

all: host guest kernel kmod scheds

host: $(KTSTR)
guest: $(BUILD)/guest/ktstr-agent $(BUILD)/guest/ktstr-ctl $(BUILD)/guest/reference-init \
	$(BUILD)/guest/ktstr-kmod-bench $(BUILD)/guest/ktstr-kmod-fuzz selftests

# The kselftest target (lib.mk). Its module is built once, by 'kmod'
# below, and linked where lib.mk would put it: test_modules/ beside the
# programs.
selftests:
	$(MAKE) -C selftests OUTPUT=$(CURDIR)/$(BUILD)/selftests TEST_GEN_MODS_DIR=
	ln -sfn ../kmod $(BUILD)/selftests/test_modules

$(BUILD)/host/ktstr: $(HOST_SRCS) $(LIB_SRCS) $(wildcard host/*.h host/*/*.h lib/*.h uapi/linux/*.h)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -Ihost $(CFLAGS) -o $@ $(HOST_SRCS) $(LIB_SRCS) $(HOST_LIBS)

$(KTSTR): $(BUILD)/host/ktstr
	ln -sf $(BUILD)/host/ktstr $@

$(BUILD)/guest/ktstr-agent: $(AGENT_SRCS) $(LIB_SRCS) $(wildcard guest/agent/*.h selftests/lib/*.h lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $(AGENT_SRCS) $(LIB_SRCS) $(AGENT_LIBS)

$(BUILD)/guest/ktstr-ctl: $(CTL_SRCS) $(LIB_SRCS) $(wildcard guest/ctl/*.h selftests/lib/*.h lib/*.h uapi/linux/*.h)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $(CTL_SRCS) $(CTL_LIBS)

$(BUILD)/guest/ktstr-kmod-bench: guest/bench/kmod_bench.c selftests/lib/ktstr_dev.c selftests/lib/ktstr_dev.h \
		$(wildcard uapi/linux/*.h)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $(filter %.c,$^)

# Fuzzes /dev/ktstr in the guest (scripts/debug-kernel.sh).
$(BUILD)/guest/ktstr-kmod-fuzz: $(FUZZ_KMOD_SRCS) $(LIB_SRCS) $(wildcard guest/fuzz/*.h selftests/lib/*.h lib/*.h \
		uapi/linux/*.h)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $(FUZZ_KMOD_SRCS) -lpopt -lkmod

# The bare reference /init the boot benchmark compares against: static,
# powers the VM off at once.
$(BUILD)/guest/reference-init: guest/reference-init.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -static -o $@ $<

kernel: host
	$(KTSTR) kernel build

# ktstr's own schedulers (scx_fault), built with the kernel's tools/sched_ext.
scheds: kernel
	$(MAKE) -C selftests/scheds KDIR=$(KERNEL_DIR) OUTPUT=$(CURDIR)/$(BUILD)/scheds

kmod: kernel
	$(MAKE) -C kmod KDIR=$(KERNEL_DIR)
	@mkdir -p $(BUILD)/kmod && cp kmod/ktstr.ko $(BUILD)/kmod/
	@echo "$(KERNEL_DIR)" > $(BUILD)/kmod/kernel-tree

# ---- tests ---------------------------------------------------------------

KSFT_INC	= $(shell scripts/ksft-headers.sh)
UNIT_TESTS	:= $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))

test_wire_SRCS		:= lib/wire.c
test_cpio_SRCS		:= host/boot/cpio.c lib/strlist.c lib/util.c selftests/lib/file.c
test_elf_deps_SRCS	:= host/boot/elf_deps.c lib/strlist.c lib/util.c selftests/lib/file.c
test_topology_SRCS	:= host/vm/topology.c host/vm/topo_presets.c host/vm/qemu_args.c lib/strlist.c lib/util.c
test_guestmem_SRCS	:= host/capture/guestmem.c host/capture/kaddr.c
test_freeze_SRCS	:= host/capture/freeze.c host/capture/qmp.c lib/util.c
CAPTURE_READ_SRCS	:= host/capture/snapshot.c host/capture/guestview.c host/capture/guestmem.c \
			   host/capture/kaddr.c host/capture/coldread.c host/capture/regs.c \
			   host/capture/qmp.c host/capture/symbolize.c lib/util.c lib/ktstr_fields.c \
			   selftests/lib/file.c
test_hostile_guest_SRCS	:= tests/fuzz/guest_image.c $(CAPTURE_READ_SRCS)
test_capture_async_SRCS	:= host/capture/capturer.c host/capture/freeze.c $(CAPTURE_READ_SRCS)
test_kevents_SRCS	:= host/vm/kevents.c
test_bpfstate_SRCS	:= host/vm/bpfstate.c lib/wire.c
test_kernel_cache_SRCS	:= host/kernel/cache.c host/kernel/build.c host/kernel/flavour.c host/kernel/progress.c host/kernel/source.c host/paths.c lib/strlist.c lib/util.c \
			   selftests/lib/file.c
test_guest_topo_SRCS	:= host/vm/topology.c
test_harness_list_SRCS	:= host/cmd/harness_list.c lib/strlist.c lib/util.c selftests/lib/file.c
test_gauntlet_plan_SRCS	:= host/gauntlet/plan.c host/vm/topology.c
test_gauntlet_budget_SRCS	:= host/gauntlet/budget.c host/gauntlet/durations.c lib/util.c \
			   selftests/lib/file.c
test_junit_SRCS		:= host/gauntlet/junit.c host/xml_escape.c
test_gauntlet_batch_SRCS := host/gauntlet/batch.c host/gauntlet/plan.c host/gauntlet/report.c \
			   host/gauntlet/junit.c host/xml_escape.c host/cmd/ktap_follow.c host/vm/topology.c \
			   lib/util.c selftests/lib/file.c
test_slots_SRCS		:= host/gauntlet/slots.c
test_build_progress_SRCS := host/kernel/progress.c host/paths.c lib/util.c selftests/lib/file.c
test_compare_stats_SRCS	:= host/compare/stats.c
test_compare_plot_SRCS	:= host/compare/plot.c host/compare/stats.c host/xml_escape.c
test_compare_metrics_SRCS := host/compare/metrics.c host/compare/analysis.c host/compare/stats.c \
			   host/compare/baseline.c host/paths.c lib/util.c selftests/lib/file.c
test_kreports_SRCS	:= guest/fuzz/kreports.c
test_select_SRCS	:= host/cmd/select.c host/cmd/suite.c host/cmd/harness_list.c lib/strlist.c \
			   lib/util.c selftests/lib/file.c

# ---- fuzzers: clang's libFuzzer (Debian: libclang-rt-16-dev) ------------
# scripts/fuzz-host.sh builds and runs them; make fuzz-short is the CI run.

FUZZ_CC		:= clang-16
# clang has no -Wformat-truncation to turn off
FUZZ_CFLAGS	:= $(filter-out -Wno-format-truncation,$(BASE_CFLAGS)) -Ihost -g -O1 \
		   -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_IMAGE_SRCS	:= tests/fuzz/guest_image.c tests/fuzz/guest_ops.c $(CAPTURE_READ_SRCS)
FUZZ_DEPS	:= $(wildcard tests/fuzz/*.h host/capture/*.h lib/*.h uapi/linux/*.h)
FUZZERS		:= $(BUILD)/fuzz/fuzz_guestmem $(BUILD)/fuzz/fuzz_wire \
		   $(BUILD)/fuzz/fuzz_report $(BUILD)/fuzz/gen-guestmem-corpus

# Every guest read goes through guestmem_read(): wrapped, the fuzzer counts them.
$(BUILD)/fuzz/fuzz_guestmem: tests/fuzz/fuzz_guestmem.c tests/fuzz/fuzz_stats.c $(FUZZ_IMAGE_SRCS) \
		$(FUZZ_DEPS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Wl,--wrap=guestmem_read -o $@ $(filter %.c,$^) -ljson-c -lelf

$(BUILD)/fuzz/fuzz_wire: tests/fuzz/fuzz_wire.c tests/fuzz/fuzz_stats.c lib/wire.c $(FUZZ_DEPS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) -lz

# ktstr compare reads the guest's scenario report: metrics.c and what follows.
FUZZ_REPORT_SRCS := host/compare/metrics.c host/compare/analysis.c host/compare/stats.c \
		   host/compare/output.c host/compare/plot.c host/xml_escape.c lib/util.c selftests/lib/file.c
$(BUILD)/fuzz/fuzz_report: tests/fuzz/fuzz_report.c tests/fuzz/fuzz_stats.c $(FUZZ_REPORT_SRCS) \
		$(FUZZ_DEPS) $(wildcard host/compare/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) -ljson-c -lm

$(BUILD)/fuzz/gen-guestmem-corpus: tests/fuzz/gen_guestmem_corpus.c $(FUZZ_IMAGE_SRCS) $(FUZZ_DEPS)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -Ihost $(CFLAGS) -o $@ $(filter %.c,$^) -ljson-c -lelf

fuzzers: $(FUZZERS)

# The seed corpora once, then a short run of each fuzzer: under a minute.
fuzz-short:
	scripts/fuzz-host.sh --short

$(BUILD)/unit/%: tests/unit/%.c FORCE
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -Wno-unused-parameter -O1 -g $(SAN) -Ihost \
		-I$(KSFT_INC) -o $@ $< \
		$($*_SRCS) $(HOST_LIBS)

# The ABI is the same for 32- and 64-bit user space.
uapi-sizes: tests/unit/uapi_sizes.c uapi/linux/ktstr.h
	$(CC) $(BASE_CFLAGS) -m64 -fsyntax-only $<
	$(CC) $(BASE_CFLAGS) -m32 -fsyntax-only $<

unit: uapi-sizes $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "# $$t"; \
		(cd tests/unit && ../../$$t); done

integration: all
	tests/integration/run.sh

kselftest: all
	tests/kselftest/run.sh

check: unit fuzz-short integration kselftest

upstream-series:
	@test -n "$(OUT)" || { echo "upstream-series: set OUT=DIR, the directory for the patches" >&2; exit 2; }
	scripts/upstream-series.sh $(OUT)

run: all
	$(KTSTR) run --scheduler scx_simple

bench: all
	$(KTSTR) bench boot --accel tcg
	scripts/bench-kmod.sh
	scripts/bench-freeze.sh
	scripts/bench-detect.sh
	$(KTSTR) run --accel tcg --topology 1n2l2c1t $(BUILD)/selftests/bench/scenario_overhead

checkpatch: kernel
	scripts/checkpatch.sh

install: host guest scheds
	install -D -m 0755 $(BUILD)/host/ktstr $(DESTDIR)$(PREFIX)/bin/ktstr
	install -D -m 0755 $(BUILD)/guest/ktstr-agent \
		$(DESTDIR)$(PREFIX)/libexec/ktstr/ktstr-agent
	install -D -m 0755 $(BUILD)/guest/ktstr-ctl \
		$(DESTDIR)$(PREFIX)/libexec/ktstr/ktstr-ctl
	install -D -m 0755 $(BUILD)/guest/reference-init \
		$(DESTDIR)$(PREFIX)/libexec/ktstr/reference-init
	install -D -m 0755 guest/kselftest-run.sh \
		$(DESTDIR)$(PREFIX)/libexec/ktstr/kselftest-run.sh
	install -D -m 0644 selftests/config $(DESTDIR)$(PREFIX)/share/ktstr/config
	install -D -m 0644 selftests/config.debug $(DESTDIR)$(PREFIX)/share/ktstr/config.debug
	install -D -m 0755 $(BUILD)/guest/ktstr-kmod-fuzz \
		$(DESTDIR)$(PREFIX)/libexec/ktstr/ktstr-kmod-fuzz
	install -d $(DESTDIR)$(PREFIX)/libexec/ktstr/scheds
	install -m 0755 $(BUILD)/scheds/scx_fault $(DESTDIR)$(PREFIX)/libexec/ktstr/scheds/
	$(MAKE) -C selftests OUTPUT=$(CURDIR)/$(BUILD)/selftests TEST_GEN_MODS_DIR= \
		INSTALL_PATH=$(DESTDIR)$(PREFIX)/libexec/ktstr/selftests install

deps:
	scripts/install-deps.sh

clean:
	rm -rf $(BUILD) $(KTSTR)
	$(MAKE) -C kmod KDIR=$(KERNEL_DIR) clean

FORCE:
