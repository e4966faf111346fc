#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make -C selftests run_tests: run the ktstr selftests and print KTAP.
#
#   1. Directly on the running kernel, if it has sched_ext and ktstr.ko
#      loads there (KernelCI devices): each program runs here, as root.
#   2. Otherwise in VMs through ktstr (developer machines, CI): one VM per
#      program, KTSTR_RUN_ARGS passed to 'ktstr run' (e.g. "--topology
#      1n2l2c1t --scheduler scx_simple").
#   3. Otherwise SKIP (exit 4), saying why neither was possible.
#
# Usage: run_tests.sh PROG...   (OUTPUT, TOP, KTSTR_KO, KTSTR may be set)

ksft_skip=4
top=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
out=${OUTPUT:-$top/build/selftests}
ktstr=${KTSTR:-$top/ktstr}
ko=${KTSTR_KO:-$top/build/kmod/ktstr.ko}
if [ $# -eq 0 ]; then
	if [ ! -r "$out/ktstr-suite.txt" ]; then
		echo "KTAP version 1"
		echo "1..0 # SKIP no $out/ktstr-suite.txt: build the suite first ('make')"
		exit $ksft_skip
	fi
	# shellcheck disable=SC2046 # the suite's program names, one per line
	set -- $(sed "s|^|$out/|" "$out/ktstr-suite.txt")
fi

# --- can we run on this kernel? --------------------------------------------
direct_why=""
loaded=""
if [ ! -e /sys/kernel/sched_ext/state ]; then
	direct_why="the running kernel $(uname -r) has no sched_ext"
elif [ "$(id -u)" != 0 ]; then
	direct_why="not root"
elif [ ! -e /dev/ktstr ]; then
	# Not plain insmod: the module needs its ksyms parameter (ktstr_load).
	if [ ! -f "$ko" ]; then
		direct_why="no ktstr.ko at $ko (build it for $(uname -r), or set KTSTR_KO)"
	elif err=$("$out/ktstr_load" "$ko" 2>&1); then
		loaded=ktstr
	else
		direct_why="ktstr.ko does not load on $(uname -r): $err"
	fi
fi

if [ -z "$direct_why" ]; then
	# The kernel's own kselftest runner decides ok / SKIP / not ok, the
	# same rule 'ktstr run' follows for each VM: one rule, kselftest's.
	ksft=${KSFT_INC:-$("$top/scripts/ksft-headers.sh")}
	base=$(mktemp -d)
	trap 'rm -rf "$base"' EXIT
	ln -s "$ksft/kselftest" "$base/kselftest"
	ln -s "$out" "$base/ktstr"
	cp "$top/selftests/settings" "$out/settings"
	KTSTR_OUTPUT_DIR=${KTSTR_OUTPUT_DIR:-$out/output}
	mkdir -p "$KTSTR_OUTPUT_DIR"
	if [ "$(cat /sys/kernel/sched_ext/state)" = enabled ]; then
		KTSTR_SCHEDULER=$(cat /sys/kernel/sched_ext/root/ops)
		export KTSTR_SCHEDULER
	fi
	export KTSTR_OUTPUT_DIR
	echo "running directly on $(uname -r): sched_ext $(cat /sys/kernel/sched_ext/state)" >&2
	rc=0
	cd "$base/ktstr" || exit 1
	# shellcheck disable=SC1091 # the kernel's runner, found at run time
	BASE_DIR=$base . "$base/kselftest/runner.sh"
	progs=""
	for prog in "$@"; do
		progs="$progs $(basename "$prog")"
	done
	# shellcheck disable=SC2086 # a list of program names
	run_many $progs | tee "$base/results"
	grep -q '^not ok' "$base/results" && rc=1
	[ -n "$loaded" ] && rmmod "$loaded" 2>/dev/null
	exit $rc
fi

# --- else boot VMs through ktstr ----------------------------------------------
vm_why=""
if [ ! -x "$ktstr" ]; then
	vm_why="no ktstr at $ktstr (run 'make' at the top)"
elif ! command -v "${KTSTR_QEMU:-qemu-system-x86_64}" >/dev/null 2>&1; then
	vm_why="no QEMU (${KTSTR_QEMU:-qemu-system-x86_64}); run 'make deps'"
elif ! "$ktstr" kernel path >/dev/null 2>&1; then
	vm_why="no kernel built for ktstr; run 'ktstr kernel build'"
fi
if [ -z "$vm_why" ]; then
	echo "# cannot run directly ($direct_why): running in VMs through ktstr"
	# shellcheck disable=SC2086 # KTSTR_RUN_ARGS is a list of options
	exec "$ktstr" run $KTSTR_RUN_ARGS "$@"
fi

echo "KTAP version 1"
echo "1..0 # SKIP cannot run directly ($direct_why) and cannot boot a VM ($vm_why)"
exit $ksft_skip
