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
[ $# -gt 0 ] || set -- "$out"/*

# --- can we run on this kernel? --------------------------------------------
direct_why=""
loaded=""
if [ ! -e /sys/kernel/sched_ext/state ]; then
	direct_why="the running kernel $(uname -r) has no sched_ext"
elif [ "$(id -u)" != 0 ]; then
	direct_why="not root"
elif [ ! -e /dev/ktstr ]; then
	if [ -f "$ko" ] && err=$(insmod "$ko" 2>&1); then
		loaded=ktstr
	elif err2=$(modprobe ktstr 2>&1); then
		loaded=ktstr
	else
		direct_why="ktstr.ko does not load on $(uname -r): ${err:-$err2}"
	fi
fi

if [ -z "$direct_why" ]; then
	# sh has no pipefail: keep each program's status in a file.
	run_direct_one() {
		"$1"
		echo $? > "$KTSTR_OUTPUT_DIR/.rc"
	}
	rc=0
	KTSTR_OUTPUT_DIR=${KTSTR_OUTPUT_DIR:-$out/output}
	mkdir -p "$KTSTR_OUTPUT_DIR"
	n=0
	echo "TAP version 13"
	echo "1..$#"
	echo "# running directly on $(uname -r): sched_ext $(cat /sys/kernel/sched_ext/state)"
	if [ "$(cat /sys/kernel/sched_ext/state)" = enabled ]; then
		KTSTR_SCHEDULER=$(cat /sys/kernel/sched_ext/root/ops)
		export KTSTR_SCHEDULER
	fi
	export KTSTR_OUTPUT_DIR
	for prog in "$@"; do
		n=$((n + 1))
		name=$(basename "$prog")
		run_direct_one "$prog" 2>&1 | sed 's/^/    /'
		st=$(cat "$KTSTR_OUTPUT_DIR/.rc")
		case $st in
		0) echo "ok $n $name" ;;
		"$ksft_skip") echo "ok $n $name # SKIP" ;;
		*) echo "not ok $n $name # exit status $st"; rc=1 ;;
		esac
	done
	rm -f "$KTSTR_OUTPUT_DIR/.rc"
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

echo "TAP version 13"
echo "1..0 # SKIP cannot run directly ($direct_why) and cannot boot a VM ($vm_why)"
exit $ksft_skip
