#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kselftest target where its users run it:
#   1. the upstream series (make upstream-series) applies with git am to
#      a git repository of linux-source-6.12, every patch passes
#      checkpatch.pl --strict;
#   2. in that tree, make -C tools/testing/selftests TARGETS=ktstr
#      builds, runs (run_tests) and packs (gen_tar) the target;
#   3. the tarball, on a KernelCI-style device (tests/kselftest/device.sh:
#      plain init, no ktstr agent, no host), runs with run_kselftest.sh
#      -c ktstr, with and without a sched_ext scheduler, and the kernel's
#      KTAP parser (kunit.py parse) reads its output without an error;
#   4. ktstr run --kselftest runs the kernel's sched_ext selftests with the
#      verdicts of a bare run, and this target's tarball as a collection.
# Prints KTAP; exits non-zero if any test fails.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
kdir=$("$top/ktstr" kernel path)
work=$(mktemp -d /tmp/ktstr-kstest.XXXXXX)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
# Debian's python3 has the modules checkpatch's spdxcheck needs (ply, git).
export PATH=/usr/bin:$PATH
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1))
	echo "not ok $n $1"
	[ -f "$work/out" ] && grep -B10 -A2 'not ok\|ERROR\|WARNING\|rror[^:]' "$work/out" |
		head -60 | sed 's/^/# failed: /'
	[ -f "$work/out" ] && tail -15 "$work/out" | sed 's/^/# out: /'
}
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }

echo "KTAP version 1"
tree=$work/linux
"$top/scripts/linux-source-repo.sh" "$tree" 2>"$work/out"
check "a git repository of linux-source-6.12" test -d "$tree/.git"

"$top/scripts/upstream-series.sh" --base "$tree" "$work/series" >"$work/out" 2>&1
check "make upstream-series writes a series of 2 patches" \
	test "$(ls "$work/series"/*.patch 2>/dev/null | wc -l)" -eq 2

git -C "$tree" am -q "$work/series"/*.patch >"$work/out" 2>&1
check "the series applies with git am" \
	test "$(git -C "$tree" rev-list --count HEAD)" -eq 3

# Every patch: no error, no warning, no check; one known exception, the
# module's <asm/nmi.h> (register_nmi_handler() has no <linux/> header on
# x86: <linux/nmi.h> includes it only for some configurations).
for p in "$work/series"/*.patch; do
	(cd "$tree" && scripts/checkpatch.pl --strict --terse --no-summary "$p") \
		>"$work/out" 2>&1
	check "checkpatch --strict: $(basename "$p")" \
		eval '! grep -v "WARNING: Use #include <linux/nmi.h> instead of <asm/nmi.h>" "$work/out" | grep -q .'
done

sel=$tree/tools/testing/selftests
make -C "$sel" TARGETS=ktstr KDIR="$kdir" >"$work/out" 2>&1
check "make -C tools/testing/selftests TARGETS=ktstr builds the programs and ktstr.ko" \
	eval 'test -x "$sel/ktstr/kmod_ioctl" -a -x "$sel/ktstr/scenarios" -a \
		-f "$sel/ktstr/test_modules/ktstr.ko"'

# This host's kernel is not the one under test: each program runs and
# SKIPs with its reason (or passes what needs no sched_ext); none fails.
make -C "$sel" TARGETS=ktstr KDIR="$kdir" run_tests >"$work/out" 2>&1
check "run_tests on this host: 7 programs, none not ok, skips give a reason" \
	eval 'grep -q "^1\.\.7\$" "$work/out" && ! grep -q "^not ok" "$work/out" &&
	      ! grep -E "^# ok [0-9]+ .*# SKIP *\$" "$work/out" | grep -q .'

make -C "$sel" TARGETS=ktstr KDIR="$kdir" gen_tar >"$work/out" 2>&1
tarball=$sel/kselftest_install/kselftest-packages/kselftest.tar.gz
check "gen_tar packs the runner, the programs and test_modules/ktstr.ko" \
	eval 'tar -tzf "$tarball" | grep -qx "./run_kselftest.sh" &&
	      tar -tzf "$tarball" | grep -qx "./ktstr/test_modules/ktstr.ko" &&
	      tar -tzf "$tarball" | grep -qx "./ktstr/scenarios"'

# device NAME [--scheduler BIN]: the tarball on a plain-init VM, parsed.
device() {
	local name=$1 log=$work/device.$1
	shift
	"$top/tests/kselftest/device.sh" "$@" "$kdir/arch/x86/boot/bzImage" \
		"$tarball" >"$log" 2>"$work/device.$name.err"
	cp "$work/device.$name.err" "$work/out"
	check "device ($name): run_kselftest.sh -c ktstr ran to its end" \
		grep -q "^1\.\.7\$" "$log"
	# A failure shows the device's own lines (scheduler state, dmesg).
	cat "$log" "$work/device.$name.err" >"$work/out"
	check "device ($name): no test not ok" eval '! grep -q "not ok" "$log"'
	check "device ($name): the module loaded through libkmod: no kmod test skipped" \
		eval '! grep -q "SKIP /dev/ktstr is missing" "$log" &&
		      test "$(grep -cE "^# ok [0-9]+ (dev|chain|rdv)\." "$log")" -eq 22'
	python3 "$tree/tools/testing/kunit/kunit.py" parse "$log" >"$work/out" 2>&1
	check "device ($name): kunit.py parse reads it with no error" \
		eval 'grep -q "Testing complete. Ran 7 tests" "$work/out" &&
		      ! grep -qiE "error|crashed|failed:" "$work/out"'
	grep "Testing complete" "$work/out" | sed "s/^/# $name: /"
	echo "# $name: $(grep -c '^# ok ' "$log") nested ok, $(grep -c '^# ok .*# SKIP' "$log") of them SKIP"
}
device eevdf
device scx_simple --scheduler "$kdir/tools/sched_ext/build/bin/scx_simple"
check "device (scx_simple): the write chain ran under sched_ext (no SKIP)" \
	eval '! grep -q "SKIP needs a sched_ext scheduler" "$work/device.scx_simple"'
cp "$work/device.scx_simple.err" "$work/out"
check "device (scx_simple): scx_simple still attached when the runner ended" \
	grep -q "^device: sched_ext enabled at the end" "$work/device.scx_simple.err"

# Other suites through ktstr: the kernel's sched_ext selftests (they
# attach their own schedulers, so scx_simple is not attached for them),
# with the same verdicts as a bare run of the same binaries on the
# plain-init device; and this target's tarball as a collection, with
# scx_simple attached.
ksft=$work/ksft
"$top/scripts/kselftest-build.sh" "$ksft" sched_ext >"$work/out" 2>&1
check "the kernel's sched_ext selftests build and install" test -x "$ksft/sched_ext/runner"
"$top/ktstr" run --accel tcg --scheduler scx_simple --kselftest "$ksft" -c sched_ext \
	>"$work/ktstr.scx" 2>"$work/err" </dev/null
rc=$?
cp "$work/ktstr.scx" "$work/out"
check "ktstr run --kselftest DIR -c sched_ext --scheduler scx_simple: nested verdicts, none failed" \
	eval 'test "$rc" -eq 0 && grep -q "^ok 1 kselftest:sched_ext\$" "$work/out" &&
	      grep -q "^# kselftest:sched_ext attaches its own schedulers: scx_simple is not attached for it\$" "$work/out" &&
	      grep -q "^    ok 1 selftests: sched_ext: runner\$" "$work/out" &&
	      grep -q "^    # FAILED:  0\$" "$work/out"'
tar -czf "$work/scx.tar.gz" -C "$ksft" .
"$top/tests/kselftest/device.sh" --collection sched_ext "$kdir/arch/x86/boot/bzImage" \
	"$work/scx.tar.gz" >"$work/bare.scx" 2>"$work/out"
# Each sched_ext test's verdict, whatever the nesting prefix.
# ktstr's own line for the collection (ok 1 kselftest:sched_ext) is not
# one of them.
verdicts() {
	sed -E 's/^ *(# )?//' "$1" | grep -E '^(not )?ok [0-9]+ [a-z_]+' |
		grep -vE '^(not )?ok [0-9]+ kselftest:' | sed 's/ *#.*//' | sort
}
verdicts "$work/ktstr.scx" >"$work/v.ktstr"
verdicts "$work/bare.scx" >"$work/v.bare"
diff "$work/v.bare" "$work/v.ktstr" >"$work/out"
check "the same $(wc -l <"$work/v.bare") verdicts through ktstr as on the bare device" \
	eval 'test "$(wc -l <"$work/v.bare")" -ge 20 && cmp -s "$work/v.bare" "$work/v.ktstr"'
"$top/ktstr" run --accel tcg --scheduler scx_simple --kselftest "$tarball" -c ktstr \
	>"$work/out" 2>"$work/err" </dev/null
rc=$?
check "ktstr run --kselftest TARBALL -c ktstr --scheduler scx_simple passes, nested" \
	eval 'test "$rc" -eq 0 && grep -q "^ok 1 kselftest:ktstr\$" "$work/out" &&
	      test "$(grep -c "^    ok [0-9] selftests: ktstr: " "$work/out")" -eq 7 &&
	      ! grep -q "not ok" "$work/out"'

echo "1..$n"
echo "# kselftest: $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
