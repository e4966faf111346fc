#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ktstr.ko on the debug kernel (KASAN, KFENCE, lockdep, UBSAN, DEBUG_LIST,
# debug objects, kmemleak): build it if need be, run every kmod selftest
# on it under EEVDF and under scx_simple, fuzz /dev/ktstr for SECONDS
# with scx_simple attached, then unload and reload the module RELOADS
# times. Prints the figures: requests issued, reports per checker (the
# target is 0), reloads clean. Exit 0 only if all of it is clean.
#
#   debug-kernel.sh [SECONDS [RELOADS [SELFTESTS]]]   (default 600, 100, 1)
#
# 0 skips a part: SECONDS 0 the fuzz, RELOADS 0 the reloads, SELFTESTS 0
# the kmod selftests.
# The first build takes about half an hour on two cores.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
K=$top/ktstr
FUZZ=$top/build/guest/ktstr-kmod-fuzz
secs=${1:-600}
reloads=${2:-100}
selftests=${3:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
fail=0

"$K" kernel build --flavour debug || exit 1
ko=$("$K" kernel kmod --flavour debug) || exit 1
[ -x "$FUZZ" ] || { echo "debug-kernel: $FUZZ is not built; run make" >&2; exit 1; }
echo "debug-kernel: kernel $("$K" kernel path --flavour debug)"
echo "debug-kernel: module $ko"

# The console's own verdict is the second witness: a checker's report is
# a kernel-oops for ktstr too.
[ "$selftests" = 0 ] || for sched in eevdf scx_simple; do
	if "$K" run --kernel debug --memory 1024 --scheduler "$sched" \
		kmod_ioctl kmod_rendezvous kmod_write >"$work/selftests-$sched" 2>&1; then
		res=pass
	else
		res=FAIL; fail=1
	fi
	echo "debug-kernel: kmod selftests under $sched: $res ($(grep -c '^ *ok ' "$work/selftests-$sched") ok, $(grep -c '^ *not ok ' "$work/selftests-$sched") not ok)"
	[ $res = pass ] || tail -30 "$work/selftests-$sched"
done

[ "$secs" = 0 ] || {
t0=$(date +%s)
"$K" shell --kernel debug --memory 1024 --scheduler scx_simple \
	--timeout $((secs + 300)) --include "$FUZZ" \
	--exec "ktstr-kmod-fuzz --seconds $secs" >"$work/fuzz" 2>"$work/fuzz.err"
rc=$?
grep '^kmod-fuzz:' "$work/fuzz"
echo "debug-kernel: fuzz exit $rc after $(( $(date +%s) - t0 )) s"
[ $rc -eq 0 ] || { fail=1; grep -v '^ktstr: snapshot' "$work/fuzz.err" | tail -30; }
}

[ "$reloads" = 0 ] || {
"$K" shell --kernel debug --memory 1024 --no-kmod --timeout 1800 \
	--include "$ko" --include "$FUZZ" \
	--exec "ktstr-kmod-fuzz --reload $reloads --ko /include/ktstr.ko" \
	>"$work/reload" 2>"$work/reload.err"
rc=$?
grep '^kmod-fuzz:' "$work/reload"
echo "debug-kernel: reload exit $rc"
[ $rc -eq 0 ] || { fail=1; tail -30 "$work/reload.err"; }
}

echo "debug-kernel: $([ $fail -eq 0 ] && echo PASS || echo FAIL)"
exit $fail
