#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Wall time of the kernel's sched_ext selftests through ktstr (ktstr run
# --kselftest DIR -c sched_ext) against a bare VM that runs the same
# runner under a plain init (tests/kselftest/device.sh: same kernel, QEMU
# machine, CPUs, memory and command line), alternating, RUNS of each.
# Prints each pair, the medians and their ratio (target: at most 1.05).
#
#   bench-kselftest.sh [RUNS]   (default 3)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
kdir=$("$top/ktstr" kernel path)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
"$top/scripts/kselftest-build.sh" "$work/ksft" sched_ext
tar -czf "$work/scx.tar.gz" -C "$work/ksft" .
now() { date +%s.%N; }
i=0
echo "run  bare_s  ktstr_s"
while [ $i -lt "$runs" ]; do
	i=$((i + 1))
	t0=$(now)
	"$top/tests/kselftest/device.sh" --collection sched_ext \
		"$kdir/arch/x86/boot/bzImage" "$work/scx.tar.gz" >"$work/bare" 2>&1
	t1=$(now)
	"$top/ktstr" run --accel tcg --kselftest "$work/ksft" -c sched_ext \
		>"$work/ktstr" 2>&1 </dev/null
	t2=$(now)
	grep -q "PASSED:  21" "$work/bare" && grep -q "^ok 1 kselftest:sched_ext" "$work/ktstr" || {
		echo "run $i: a run did not pass; see below" >&2
		tail -5 "$work/bare" "$work/ktstr" >&2
		exit 1
	}
	echo "$t0 $t1 $t2" | awk -v i=$i '{ printf "%-4d %-7.1f %-7.1f\n", i, $2 - $1, $3 - $2 }' |
		tee -a "$work/times"
done
awk '{ b[NR] = $2; k[NR] = $3 }
     function med(a, n,   i, j, t) {
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
		if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
     END { mb = med(b, NR); mk = med(k, NR)
	   printf "median: bare %.1f s, ktstr %.1f s, ratio %.3f (target <= 1.05)\n", mb, mk, mk / mb }' \
	"$work/times"
