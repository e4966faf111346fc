#!/bin/bash
# Integration tests: boot real VMs through ./ktstr and check what users
# see: exit statuses, the guest's view of the topology, the scheduler,
# every failure path, one-line errors for bad input, and that nothing is
# left behind. Prints KTAP; exits non-zero if any test fails.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
K="$top/ktstr"
ACCEL=${KTSTR_TEST_ACCEL:-tcg}
work=$(mktemp -d /tmp/ktstr-itest.XXXXXX)
trap 'rm -rf "$work"' EXIT
n=0
failed=0
skipped=0

ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1))
	echo "not ok $n $1"
	# A nested failure, with the lines that explain it, then the tail.
	[ -f "$work/out" ] && grep -B15 -A3 'not ok' "$work/out" | head -80 |
		sed 's/^/# failed: /'
	[ -f "$work/out" ] && sed 's/^/# out: /' "$work/out" | tail -20
	[ -f "$work/err" ] && sed 's/^/# err: /' "$work/err" | tail -20
}
# check NAME CONDITION...: run the condition, report.
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }

# ktstr_sh ARGS...: run ktstr shell, output in $work/out, $work/err, status in $rc
ktstr_sh() {
	"$K" shell --accel "$ACCEL" "$@" >"$work/out" 2>"$work/err" </dev/null
	rc=$?
}

# Anything ktstr left behind: a run directory whose ktstr is gone, or a
# QEMU whose parent is not a ktstr (other ktstr runs may be under way).
leftovers() {
	local d pid q ppid
	for d in /dev/shm/ktstr-*; do
		[ -e "$d" ] || continue
		pid=${d#/dev/shm/ktstr-}
		pid=${pid%%-*}
		kill -0 "$pid" 2>/dev/null || return 0
	done
	for q in $(pgrep -x qemu-system-x86 2>/dev/null; pgrep -f '^[^ ]*qemu-system-x86_64 ' 2>/dev/null); do
		ppid=$(ps -o ppid= -p "$q" | tr -d ' ')
		[ -n "$ppid" ] || continue
		[ "$(ps -o comm= -p "$ppid")" = ktstr ] || return 0
	done
	return 1
}

# stall_within W FILE: the stall the kernel reported lasted between the
# watchdog timeout W and twice W (it checks every W / 2).
stall_within() {
	local secs
	secs=$(sed -n 's/.*failed to run for \([0-9.]*\)s.*/\1/p' "$2" | head -1)
	[ -n "$secs" ] && awk -v s="$secs" -v w="$1" 'BEGIN { exit !(s >= w && s < 2 * w) }'
}

one_line_usage_error() {
	[ "$rc" -eq 2 ] && [ "$(wc -l <"$work/err")" -eq 1 ] && [ ! -s "$work/out" ]
}

echo "KTAP version 1"

# --- bad input: one line, exit 2, nothing started --------------------------
bad() {
	local name=$1; shift
	ktstr_sh "$@"
	check "bad input: $name" one_line_usage_error
}
bad "zero count" --topology 0n1l1c1t --exec true
bad "LLCs not divisible by nodes" --topology 2n3l1c1t --exec true
bad "more than 252 CPUs" --topology 1n2l64c2t --exec true
bad "malformed topology" --topology 2x --exec true
bad "missing kernel" --kernel /nonexistent/bzImage --exec true
KTSTR_QEMU=/nonexistent/qemu "$K" shell --exec true >"$work/out" 2>"$work/err"
rc=$?
check "bad input: QEMU not installed" one_line_usage_error
bad "unreadable include" --include /nonexistent/file --exec true
bad "bad accel" --accel xen --exec true
bad "memory too small for nodes" --topology 2n2l1c1t --memory 100 --exec true
bad "unknown scheduler" --scheduler scx_nosuch --exec true
echo "not a program" >"$work/notexec"
chmod 0644 "$work/notexec"
bad "scheduler path not executable" --scheduler "$work/notexec" --exec true
bad "bad timeout" --timeout 0 --exec true
bad "bad watchdog" --watchdog 0.5 --exec true
bad "bad hang timeout" --hang-timeout 1 --exec true
bad "bad expected verdict" --expect nonsense --exec true
bad "unexpected argument" stray --exec true
"$K" frobnicate >"$work/out" 2>"$work/err"; rc=$?
check "bad input: unknown command" one_line_usage_error
"$K" topo 1n1l0c1t >"$work/out" 2>"$work/err"; rc=$?
check "bad input: ktstr topo" one_line_usage_error

# --- ktstr list, and TEST names and globs (no VM) --------------------------
"$K" list >"$work/out" 2>"$work/err"; rc=$?
check "ktstr list: every suite program, its subtests as PROGRAM:SUBTEST, the scenarios' needs" \
	eval 'test "$rc" -eq 0 -a ! -s "$work/err" &&
	      [ "$(grep -cv : "$work/out")" -eq "$(wc -l <"$top/build/selftests/ktstr-suite.txt")" ] &&
	      grep -qx "scenarios:global.catalogue" "$work/out" &&
	      grep -qx "scenarios:canned.steady.passes" "$work/out" &&
	      grep -qx "scenarios:negative.gap  # needs 2+ CPUs" "$work/out" &&
	      grep -qx "scenarios:canned.numa_spanning.passes  # needs 2+ NUMA nodes" "$work/out" &&
	      grep -qx "topology:topo.online_cpus" "$work/out"'
"$K" list 'scenarios:canned.cpuset_*' 'kmod_w*' >"$work/out" 2>"$work/err"; rc=$?
check "ktstr list 'scenarios:canned.cpuset_*' 'kmod_w*': scenarios with its 4 cpuset subtests, then kmod_write whole" \
	eval 'test "$rc" -eq 0 -a "$(head -1 "$work/out")" = scenarios &&
	      [ "$(grep -c "^scenarios:" "$work/out")" -eq 4 ] &&
	      [ "$(grep -c "^scenarios:canned.cpuset_" "$work/out")" -eq 4 ] &&
	      [ "$(sed -n 6p "$work/out")" = kmod_write ] &&
	      [ "$(grep -c "^kmod_write:chain\." "$work/out")" -ge 5 ]'
names_error() {
	one_line_usage_error && grep -q "$1" "$work/err"
}
"$K" list nosuch >"$work/out" 2>"$work/err"; rc=$?
check "bad input: ktstr list nosuch names it and points to ktstr list" \
	names_error '"nosuch" names no program of the default suite .*see .ktstr list.'
"$K" list ./nosuch >"$work/out" 2>"$work/err"; rc=$?
check "bad input: ktstr list takes names, not paths" names_error '"./nosuch" is a path'
"$K" run --accel "$ACCEL" nosuch >"$work/out" 2>"$work/err"; rc=$?
check "bad input: ktstr run nosuch names it and points to ktstr list" \
	names_error '"nosuch" names no program.*ktstr list.*give a path'
"$K" run --accel "$ACCEL" 'scenarios:nosuch*' >"$work/out" 2>"$work/err"; rc=$?
check "bad input: a subtest glob that matches nothing points to ktstr list scenarios" \
	names_error '"scenarios:nosuch\*" matches no subtest; see .ktstr list scenarios.'
"$K" run --accel "$ACCEL" 'nosuch*:*' >"$work/out" 2>"$work/err"; rc=$?
check "bad input: a program glob that matches nothing" names_error 'names no program'
"$K" run --accel "$ACCEL" --repeat 0 scenarios >"$work/out" 2>"$work/err"; rc=$?
check "bad input: --repeat 0" names_error 'bad --repeat 0: expected'
"$K" run --accel "$ACCEL" --repeat 1001 scenarios >"$work/out" 2>"$work/err"; rc=$?
check "bad input: --repeat 1001" names_error 'bad --repeat 1001'
rm -f "$work/out" "$work/err"

# --- topology presets, the gauntlet's plan and shards (no VM) ---------------
"$K" topo --presets >"$work/out" 2>"$work/err"; rc=$?
check "ktstr topo --presets: a line per preset, 2 to 252 CPUs, SMT, 2+ LLCs, 2 and 4 nodes, nodes of different sizes, large ones opt-in" \
	test "$rc" -eq 0 -a "$(python3 - "$work/out" <<'PY'
import sys
rows = [l.split(None, 7) for l in open(sys.argv[1]).read().splitlines()]
head, rows = rows[0], rows[1:]
ok = head[:7] == ["name", "spec", "cpus", "nodes", "llcs", "smt", "set"]
cpus = [int(r[2]) for r in rows]
ok = ok and min(cpus) == 2 and max(cpus) == 252
ok = ok and any(r[5] == "yes" for r in rows) and any(int(r[4]) >= 2 for r in rows)
ok = ok and {2, 4} <= {int(r[3]) for r in rows}
ok = ok and any("+" in r[1] and r[6] == "default" for r in rows)
ok = ok and all(r[6] == "opt-in" for r in rows if int(r[2]) > 8)
print("yes" if ok else "no")
PY
)" = yes
"$K" topo asym >"$work/out" 2>"$work/err"; rc=$?
check "ktstr topo asym: node 0 holds CPUs 0-5 in 3 LLCs, node 1 CPUs 6-7 in 1" \
	eval 'test "$rc" -eq 0 && grep -q "^topology 2n3+1l2c1t: 8 CPUs, 2 NUMA nodes, 4 LLCs.*nodes of different sizes" "$work/out" &&
	      grep -qx "node 0: cpus 0-5 (3 LLCs)" "$work/out" && grep -qx "node 1: cpus 6-7 (1 LLC)" "$work/out"'
"$K" topo 2n3+1+1l1c1t >"$work/out" 2>"$work/err"; rc=$?
check "bad input: ktstr topo with more per-node LLC counts than nodes" \
	names_error '3 per-node LLC counts for 2 NUMA nodes'
"$K" gauntlet --plan --accel "$ACCEL" >"$work/plan" 2>"$work/err"; rc=$?
ndefault=$("$K" topo --presets | grep -c ' default ')
nsub=$("$K" list | grep -c :)
check "gauntlet --plan: one line per subtest x default preset x eevdf, not-applicable ones marked, nothing booted" \
	eval 'test "$rc" -eq 0 -a ! -s "$work/err" &&
	      [ "$(wc -l <"$work/plan")" -eq $((nsub * ndefault)) ] &&
	      grep -qx "scenarios:canned.numa_spanning.passes tiny eevdf # not applicable: needs 2+ NUMA nodes, has 1" "$work/plan" &&
	      grep -qx "scenarios:canned.numa_spanning.passes numa2 eevdf" "$work/plan" &&
	      grep -qx "topology:topo.numa_nodes asym eevdf" "$work/plan" &&
	      ! grep -q " large " "$work/plan"'
for s in 1 2 3; do
	"$K" gauntlet --plan --accel "$ACCEL" --shard $s/3 >"$work/plan.$s" 2>>"$work/err"
done
check "gauntlet --plan --shard K/3: the three shards are disjoint and together the plan" \
	eval '[ -s "$work/plan.1" -a -s "$work/plan.2" -a -s "$work/plan.3" ] &&
	      [ -z "$(cat "$work"/plan.[123] | sort | uniq -d)" ] &&
	      [ "$(cat "$work"/plan.[123] | sort)" = "$(sort "$work/plan")" ] &&
	      [ "$(cat "$work"/plan.[123])" = "$(cat "$work/plan")" ]'
kpath=$("$K" kernel path)
XDG_CACHE_HOME="$work/xdg-plan" "$K" gauntlet --plan --kernel "$kpath" --accel "$ACCEL" -j 1 \
	--budget 2m --topology tiny --scheduler eevdf 'scenarios:canned.*' >"$work/out" 2>"$work/err"; rc=$?
check "gauntlet --plan --budget 2m -j 1 with no durations recorded: a 15 s boot and 30 s a cell fit 3 cells; not-applicable cells cost nothing and are listed" \
	eval 'test "$rc" -eq 0 -a "$(grep -vc "# not applicable" "$work/out")" -eq 3 &&
	      grep -qx "scenarios:canned.numa_spanning.passes tiny eevdf # not applicable: needs 2+ NUMA nodes, has 1" "$work/out" &&
	      grep -q "budget 2m: 3 of [0-9]* cells that apply fit" "$work/err"'
gauntlet_error() {
	"$K" gauntlet --plan --accel "$ACCEL" "$@" >"$work/out" 2>"$work/err"; rc=$?
}
# Kernels by cache name and by path; several make SCHED@KERNEL cells.
kkey=$(basename "$(dirname "$kpath")")
"$K" gauntlet --plan --accel "$ACCEL" --kernel "$kkey" --kernel "$kpath/arch/x86/boot/bzImage" \
	--topology tiny 'scenarios:canned.steady.*' >"$work/out" 2>"$work/err"; rc=$?
check "gauntlet --plan --kernel NAME --kernel PATH: a scheduler per kernel, named SCHED@KERNEL" \
	eval 'test "$rc" -eq 0 -a "$(wc -l <"$work/out")" -eq 2 &&
	      grep -qx "scenarios:canned.steady.passes tiny eevdf@$kkey" "$work/out" &&
	      grep -qx "scenarios:canned.steady.passes tiny eevdf@bzImage" "$work/out"'
gauntlet_error --kernel "$kpath" --kernel "$kpath/"
check "bad input: gauntlet with two kernels of one name" names_error 'are both named "linux"'
"$K" kernel build --source / >"$work/out" 2>"$work/err"; rc=$?
check "bad input: kernel build --source of a directory that is no kernel tree" \
	names_error 'is not a kernel source tree'
mkdir -p "$work/ksrc" && echo 'config X' >"$work/ksrc/Kconfig"
"$K" kernel build --source "$work/ksrc" >"$work/out" 2>"$work/err"; rc=$?
check "bad input: kernel build --source of a tree that is not in git says how to make it one" \
	names_error 'not a git work tree.*git init'
rm -rf "$work/ksrc"
"$K" kernel build --flavour fast >"$work/out" 2>"$work/err"; rc=$?
check "bad input: kernel build --flavour with an unknown name lists the flavours" \
	names_error 'unknown --flavour "fast"; expected one of normal, debug'
"$K" kernel path --flavour debug >/dev/null 2>&1 && dbg_built=1 || dbg_built=0
"$K" kernel kmod >"$work/out" 2>"$work/err"; rc=$?
check "kernel kmod: the module built for the cached kernel" \
	eval 'test "$rc" -eq 0 && test "$(cat "$work/out")" = "$top/build/kmod/ktstr.ko"'

gauntlet_error -j 0
check "bad input: gauntlet -j 0" names_error 'bad -j 0: expected 1 to'
gauntlet_error --budget 30
check "bad input: gauntlet --budget without a unit" names_error 'bad --budget "30": expected a duration'
gauntlet_error --shard 4/3
check "bad input: gauntlet --shard 4/3" names_error 'bad --shard "4/3": expected K/N'
gauntlet_error --topology tinyy
check "bad input: gauntlet --topology with an unknown preset points to ktstr topo --presets" \
	names_error 'unknown topology "tinyy".*ktstr topo --presets'
gauntlet_error --scheduler scx_nosuch
check "bad input: gauntlet --scheduler scx_nosuch" names_error 'scx_nosuch'
gauntlet_error --expect sched-error
check "bad input: gauntlet --expect" names_error 'expect is for one run'
rm -f "$work/out" "$work/err"

# --- topo ------------------------------------------------------------------
"$K" topo 2n4l2c2t >"$work/out"
check "topo 2n4l2c2t lists 16 CPUs, 2 nodes, 4 LLCs" \
	grep -q "16 CPUs, 2 NUMA nodes, 4 LLCs" "$work/out"

# --- exit status is the guest's --------------------------------------------
ktstr_sh --exec 'echo to-stdout; echo to-stderr >&2; exit 3'
check "shell --exec 'exit 3' exits 3 with both streams" \
	test "$rc" -eq 3 -a "$(cat "$work/out")" = to-stdout -a \
	"$(cat "$work/err")" = to-stderr
ktstr_sh --exec true
check "shell --exec true exits 0" test "$rc" -eq 0
ktstr_sh --exec 'kill -9 $$'
check "a job killed by a signal exits 128+9" test "$rc" -eq 137

# --- the guest sees the declared topology ----------------------------------
ktstr_sh --topology 2n4l2c2t --exec '
	ls -d /sys/devices/system/node/node* | wc -l
	cat /sys/devices/system/cpu/cpu*/cache/index3/shared_cpu_list | sort -u | wc -l
	cat /sys/devices/system/cpu/cpu*/topology/thread_siblings_list | sort -u | grep -c ,\\\|-'
check "2n4l2c2t: 2 nodes, 4 LLC sets, 8 SMT pairs in the guest" \
	test "$rc" -eq 0 -a "$(tr '\n' ' ' <"$work/out")" = "2 4 8 "

# --- scheduler -------------------------------------------------------------
ktstr_sh --scheduler scx_simple --exec 'cat /sys/kernel/sched_ext/state /sys/kernel/sched_ext/root/ops'
check "scx_simple attaches: state enabled, ops simple" \
	test "$rc" -eq 0 -a "$(tr '\n' ' ' <"$work/out")" = "enabled simple "
ktstr_sh --exec 'cat /sys/kernel/sched_ext/state'
check "without a scheduler sched_ext is disabled" \
	test "$rc" -eq 0 -a "$(cat "$work/out")" = disabled
ktstr_sh --scheduler /bin/false --exec true
check "a scheduler that never attaches fails with its own output" \
	test "$rc" -eq 125 -a -n "$(grep 'never attached: exited with status 1' "$work/err")"
ktstr_sh --scheduler scx_qmap --sched-args "-s 20000" --exec 'cat /sys/kernel/sched_ext/root/ops'
check "--sched-args reach the scheduler (scx_qmap -s 20000)" \
	test "$rc" -eq 0 -a "$(cat "$work/out")" = qmap
# scx_qmap asks for a 5 s watchdog (timeout_ms); TCG replaces it with
# 20 s, --watchdog 0 leaves it.
wd_of() { sed -n 's/.*"value": *\([0-9]*\).*/\1/p' "$work/out"; }
ktstr_sh --accel tcg --scheduler scx_qmap --exec 'ktstr-ctl --json read symbol scx_watchdog_timeout'
wd_tcg=$(wd_of)
grep -q "watchdog raised from the scheduler's own 5000 ms to 20000 ms" "$work/err" && raised=1 || raised=0
ktstr_sh --accel tcg --scheduler scx_qmap --watchdog 0 --exec 'ktstr-ctl --json read symbol scx_watchdog_timeout'
wd_own=$(wd_of)
check "under TCG a scheduler's own timeout_ms (scx_qmap: 5 s) is raised to 20 s and said so; --watchdog 0 keeps it" \
	test "$raised" -eq 1 -a -n "$wd_tcg" -a -n "$wd_own" -a "${wd_tcg:-0}" -eq "$((${wd_own:-0} * 4))"
# A partial switch: only SCHED_EXT tasks go to sched_ext.
"$K" run --accel "$ACCEL" --scheduler scx_qmap --sched-args "-p" \
	'scenarios:canned.ext_mix.passes' 'scenarios:negative.sched_class' \
	>"$work/out" 2>"$work/err" </dev/null; rc=$?
check "scx_qmap -p: SCHED_EXT workers run in sched_ext's class and SCHED_NORMAL ones do not (sched_class), a worker turned SCHED_FIFO is caught" \
	eval 'test "$rc" -eq 0 &&
	      grep -q "^    ok 1 canned.ext_mix.passes\$" "$work/out" &&
	      grep -q "^    ok 2 negative.sched_class\$" "$work/out" &&
	      grep -q "sched_class \[step disturbed\] cgroup ext" "$work/out"'
# The guest's disk: virtio-blk on a file in the run directory, throttled by QEMU.
disk_time='read a _ < /proc/uptime; dd if=/dev/zero of=/dev/vda bs=4096 count=200 oflag=direct 2>/dev/null; read b _ < /proc/uptime; cat /sys/block/vda/serial; echo; echo "$a $b"'
ktstr_sh --exec "$disk_time"
free_s=$(awk 'NR == 2 { print $2 - $1 }' "$work/out")
serial=$(sed -n 1p "$work/out")
ktstr_sh --disk-iops 50 --exec "$disk_time"
thr_s=$(awk 'NR == 2 { print $2 - $1 }' "$work/out")
check "the guest's disk is /dev/vda (serial ktstr-disk); --disk-iops 50 holds 200 direct writes to about 4 s (${thr_s:-?} s), unthrottled ${free_s:-?} s" \
	eval '[ "$serial" = ktstr-disk ] && [ -n "$thr_s" ] && [ -n "$free_s" ] &&
	      awk -v t="$thr_s" -v f="$free_s" "BEGIN { exit !(t >= 3.5 && t <= 12 && f < t / 2) }"'
ktstr_sh --disk-iops 0.5 --exec true
check "bad --disk-iops: one line saying what is expected" \
	eval 'test "$rc" -ne 0 && grep -q "bad --disk-iops 0.5: expected 1 to" "$work/err" &&
	      test "$(wc -l <"$work/err")" -eq 1'
rm -rf "$work/io"
ktstr_sh --disk-iops 400 --output-dir "$work/io" --exec '
dd if=/dev/urandom of=/tmp/pat bs=4096 count=2048 2>/dev/null
dd if=/tmp/pat of=/dev/vda bs=4096 oflag=direct 2>/dev/null &
dd_pid=$!
caps=0
for i in 1 2 3 4; do
	sleep 0.5
	kill -0 $dd_pid 2>/dev/null && ktstr-ctl capture io-$i >/dev/null && caps=$((caps + 1))
done
wait $dd_pid; echo "dd $?"
echo "captures during IO $caps"
dd if=/dev/vda of=/tmp/back bs=4096 count=2048 iflag=direct 2>/dev/null
cmp /tmp/pat /tmp/back && echo same'
check "captures while the disk is busy (8 MiB of direct writes at 400 IOPS): each completes and thaws, and the disk reads back what was written" \
	eval 'test "$rc" -eq 0 && grep -q "^dd 0\$" "$work/out" &&
	      grep -q "^captures during IO [34]\$" "$work/out" && grep -q "^same\$" "$work/out" &&
	      test "$(ls "$work/io"/snapshot-*.json | wc -l)" -ge 3'
check "nothing left after the disk runs" eval '! leftovers'
# Scenario steps reach the host: a capture op's snapshot carries its step.
rm -rf "$work/steps"
"$K" run --accel "$ACCEL" --output-dir "$work/steps" 'scenarios:engine.kernel_ops' \
	>"$work/out" 2>"$work/err" </dev/null; rc=$?
check "a scenario's capture op: a host snapshot tagged by the op, carrying the step the engine told the host; kernel ops kept in the report" \
	test "$rc" -eq 0 -a "$(python3 - "$work/steps/scenarios" <<'PY'
import glob, json, sys
d = sys.argv[1]
snaps = [json.load(open(f)) for f in glob.glob(d + "/snapshot-*.json")]
ok = any(s["tag"] == "probe" and s["step"] == "kernel_ops/probe" for s in snaps)
r = json.load(open(d + "/scenarios.json"))
ops = [k["op"] for s in r["scenarios"] for k in s["kernel_ops"]]
ok = ok and ops == ["capture", "kernel-read", "kernel-read", "kernel-write"]
rates = [x for s in r["scenarios"] for st in s["steps"] for x in st["rates"]]
ok = ok and rates and all(x["units_per_s"] > 0 for x in rates)
print("ok" if ok else "bad")
PY
)" = ok
rm -rf "$work/stepfail"
"$K" run --accel "$ACCEL" --scheduler scx_fault --sched-args "-e 5000" --output-dir "$work/stepfail" \
	'scenarios:canned.steady.passes' 'scenarios:canned.oversubscribed.passes' \
	'scenarios:canned.freeze_unfreeze.passes' 'scenarios:canned.cpu_max.passes' \
	'scenarios:canned.nice_sweep.passes' >"$work/out" 2>"$work/err" </dev/null; rc=$?
check "a scheduler error during a scenario: the BUG SUMMARY and failure.json name the scenario step it happened in" \
	eval 'test "$rc" -eq 1 && grep -q "^not ok 1 scenarios # sched-error" "$work/out" &&
	      grep -Eq "^#   scenario:  [a-z_]+, (step|after step) [0-9]/[0-9] \"[a-z_]+\", [0-9.]+ s (in|after its end)\$" "$work/out" &&
	      python3 -c "import json, sys, glob
f = json.load(open(glob.glob(sys.argv[1] + \"/*/failure.json\")[0]))
assert f[\"scenario_step\"][\"name\"] and f[\"scenario_step\"][\"count\"] >= 1" "$work/stepfail"'
# Memory policies on two NUMA nodes: where the pages land.
"$K" run --accel "$ACCEL" --topology numa2 'scenarios:canned.numa_mempolicy.passes' \
	'scenarios:negative.mempolicy' 'scenarios:global.mempolicy_*' \
	>"$work/out" 2>"$work/err" </dev/null; rc=$?
check "numa2: bind, preferred and interleave policies keep a worker's pages on their nodes; pages migrated off a bind are caught; bad flags refused up front" \
	eval 'test "$rc" -eq 0 &&
	      grep -q "^    ok [0-9]* canned.numa_mempolicy.passes\$" "$work/out" &&
	      grep -q "^    ok [0-9]* negative.mempolicy\$" "$work/out" &&
	      grep -q "^    ok [0-9]* global.mempolicy_flags_checked_up_front\$" "$work/out"'
# The validated write's layers that need sched_ext, provoked for real.
"$K" run --accel "$ACCEL" --scheduler scx_simple 'kmod_write:chain.layer*' \
	>"$work/out" 2>"$work/err" </dev/null; rc=$?
check "scx_simple: the validated write refuses a task on a DSQ (layer 4), a running one (5), a non-SCHED_EXT one (7), none skipped" \
	eval 'test "$rc" -eq 0 &&
	      grep -q "^    ok [0-9]* chain.layer4_queued_on_dsq\$" "$work/out" &&
	      grep -q "^    ok [0-9]* chain.layer5_running_task\$" "$work/out" &&
	      grep -q "^    ok [0-9]* chain.layer7_policy_not_ext\$" "$work/out"'
ktstr_sh --scheduler scx_qmap --sched-args "--no-such-flag" --exec true
check "bad --sched-args: scheduler error reported" \
	test "$rc" -eq 125 -a -n "$(grep 'never attached' "$work/err")"

# --- scheduler failures end the job at once, with a verdict --------------
ktstr_sh --scheduler scx_qmap --sched-args "-e 100" --output-dir "$work/fail" \
	--timeout 240 --exec 'sleep 600'
check "scx_bpf_error (scx_qmap -e): sched-error at once with the kernel's kind and message, report and snapshot" \
	eval 'test "$rc" -eq 120 &&
	      grep -q "^BUG SUMMARY: sched-error" "$work/err" &&
	      grep -q "exit:      SCX_EXIT_ERROR_BPF (scx_bpf_error)" "$work/err" &&
	      grep -q "message:   test triggering error" "$work/err" &&
	      ! grep -q "timed out" "$work/err" &&
	      python3 -c "import json, sys
f = json.load(open(sys.argv[1] + \"/failure.json\"))
assert f[\"verdict\"] == \"sched-error\"
assert f[\"exit_info\"][\"kind\"] == \"SCX_EXIT_ERROR_BPF\"
open(sys.argv[1] + \"/snapshot-%d.json\" % f[\"snapshot_id\"])" "$work/fail"'
ktstr_sh --scheduler scx_simple --exec 'sleep 1; kill -SEGV $KTSTR_SCHED_PID; sleep 600'
check "a scheduler killed by SIGSEGV: sched-killed at once, naming the signal" \
	eval 'test "$rc" -eq 122 && grep -q "^BUG SUMMARY: sched-killed" "$work/err" &&
	      grep -q "killed by signal 11" "$work/err"'
ktstr_sh --scheduler scx_simple --exec 'sleep 1; kill -INT $KTSTR_SCHED_PID; sleep 600'
check "a scheduler that exits cleanly mid-test: sched-unregistered at once" \
	eval 'test "$rc" -eq 121 && grep -q "^BUG SUMMARY: sched-unregistered" "$work/err"'
ktstr_sh --scheduler scx_qmap --sched-args "-t 5" --watchdog 3 --timeout 240 \
	--exec 'for i in $(seq 20); do (while :; do sleep 0.05; done) & done; sleep 600'
check "a stalled task (scx_qmap -t) with --watchdog 3: sched-error SCX_EXIT_ERROR_STALL at once" \
	eval 'test "$rc" -eq 120 &&
	      grep -q "exit:      SCX_EXIT_ERROR_STALL (runnable task stall)" "$work/err" &&
	      stall_within 3 "$work/err"'
# ktstr's own fault-injecting scheduler: one fault per detector.
rm -rf "$work/fault"
ktstr_sh --scheduler scx_fault --sched-args "-e 2000" --output-dir "$work/fault" \
	--timeout 240 --exec 'sleep 600'
check "scx_fault -e: sched-error with the kernel's exit info, its debug dump, and a snapshot from before teardown" \
	test "$rc" -eq 120 -a "$(python3 - "$work/fault" <<'PY'
import json, sys
d = sys.argv[1]
f = json.load(open(d + "/failure.json"))
x = f["exit_info"]
ok = f["verdict"] == "sched-error" and x["kind"] == "SCX_EXIT_ERROR_BPF"
ok = ok and x["kind_value"] == 1025 and x["ops"] == "fault"
ok = ok and x["message"] == "scx_fault: scx_bpf_error() after 2000 ms as asked"
ok = ok and "triggered exit kind 1025:" in x["triggered_by"]
ok = ok and "CPU states" in f["debug_dump"] and "scx_bpf_error" in f["kernel_text"]
ok = ok and f["snapshot_before_teardown"] is True
s = json.load(open("%s/snapshot-%d.json" % (d, f["snapshot_id"])))
ok = ok and s["tag"] == "sched-error" and s["scx_state"] == "enabled"
# The scheduler's BPF state, read through the agent's own references.
b = f.get("bpf", {})
ok = ok and {"fault_enqueue", "fault_dispatch"} <= {p["name"] for p in b["programs"]}
maps = {m["name"]: m for m in b["maps"]}
bss = [m for n, m in maps.items() if n.endswith(".bss")]
ok = ok and "fault_ops" in maps and len(bss) == 1
ok = ok and "2000000000" in bss[0].get("entries", "") and b["bad_records"] == 0
print("yes" if ok else "no")
PY
)" = yes
ktstr_sh --scheduler scx_fault --sched-args "-s 1000 -c yes" --watchdog 3 --timeout 240 \
	--exec 'yes >/dev/null & sleep 600'
check "scx_fault -s (a task never dispatched): sched-error SCX_EXIT_ERROR_STALL naming the task" \
	eval 'test "$rc" -eq 120 &&
	      grep -q "exit:      SCX_EXIT_ERROR_STALL (runnable task stall)" "$work/err" &&
	      grep -q "message:   yes\[[0-9]*\] failed to run for" "$work/err" &&
	      stall_within 3 "$work/err"'
ktstr_sh --scheduler scx_fault --sched-args "-x 2000" --timeout 240 --exec 'sleep 600'
check "scx_fault -x (clean scx_bpf_exit): sched-unregistered" \
	eval 'test "$rc" -eq 121 && grep -q "^BUG SUMMARY: sched-unregistered" "$work/err"'
rm -rf "$work/killed"
ktstr_sh --scheduler scx_fault --sched-args "-k 2000" --output-dir "$work/killed" \
	--timeout 240 --exec 'sleep 600'
check "scx_fault -k (user space SIGSEGV, BPF attached): sched-killed naming signal 11" \
	eval 'test "$rc" -eq 122 && grep -q "^BUG SUMMARY: sched-killed" "$work/err" &&
	      grep -q "killed by signal 11" "$work/err"'
check "after scx_fault's process is gone, its programs and maps are still read" \
	test "$(python3 - "$work/killed" <<'PY'
import json, sys
f = json.load(open(sys.argv[1] + "/failure.json"))
bss = [m for m in f["bpf"]["maps"] if m["name"].endswith(".bss")]
# An entry, or the line saying it was all zero: either way it was read.
print("yes" if f["verdict"] == "sched-killed" and len(bss) == 1 and
      bss[0].get("entries") and f["bpf"]["bad_records"] == 0 and
      len(f["bpf"]["programs"]) >= 4 else "no")
PY
)" = yes
ktstr_sh --scheduler scx_fault --sched-args "-l 2000" --watchdog 5 --timeout 240 --exec 'sleep 600'
check "scx_fault -l (ops.dispatch spins): sched-error, the watchdog could not check in" \
	eval 'test "$rc" -eq 120 && grep -q "exit:      SCX_EXIT_ERROR_STALL" "$work/err" &&
	      grep -q "watchdog failed to check in" "$work/err"'
# The heartbeat thread starved while sched_ext's watchdog waits 30 s: the
# host hears nothing for --hang-timeout and calls the guest hung.
rm -rf "$work/hung"
ktstr_sh --scheduler scx_fault --sched-args "-s 1000 -c ktstr-heartbeat" --watchdog 30 \
	--hang-timeout 5 --output-dir "$work/hung" --timeout 240 --exec 'sleep 600'
check "no heartbeat for --hang-timeout 5 (scx_fault starves the agent's heartbeat thread): guest-hung, frozen and captured" \
	test "$rc" -eq 123 -a "$(python3 - "$work/hung" <<'PY'
import json, sys
f = json.load(open(sys.argv[1] + "/failure.json"))
# The snapshot at the verdict shows the starved thread waiting.
print("yes" if f["verdict"] == "guest-hung" and f["snapshot_id"] > 0 and
      f["elapsed_s"] < 20 and "sent nothing for" in f["what"] and
      f["longest_wait"].startswith("ktstr-heartbeat[") else "no")
PY
)" = yes
# Negative controls name the verdict they expect; any other one fails.
ktstr_sh --scheduler scx_fault --sched-args "-e 1000" --expect sched-error --exec 'sleep 600'
check "--expect sched-error passes on sched-error" test "$rc" -eq 0
ktstr_sh --scheduler scx_fault --sched-args "-k 1000" --expect sched-error --exec 'sleep 600'
check "--expect sched-error fails on sched-killed, saying so" \
	eval 'test "$rc" -eq 122 && grep -q "expected the verdict sched-error, got sched-killed" "$work/err"'
ktstr_sh --scheduler scx_simple --expect sched-error --exec true
check "--expect sched-error fails when the job just ends" \
	eval 'test "$rc" -eq 1 && grep -q "expected the verdict sched-error, got none" "$work/err"'
check "nothing left after scheduler failures" eval '! leftovers'

# --- files in, logs out ----------------------------------------------------
echo "payload-$$" >"$work/data.txt"
ktstr_sh --include "$work/data.txt" --output-dir "$work/logs" --exec 'cat /include/data.txt'
check "--include copies a file; --output-dir keeps the console log" \
	test "$rc" -eq 0 -a "$(cat "$work/out")" = "payload-$$" -a -s "$work/logs/console.log"

# --- failure paths ---------------------------------------------------------
ktstr_sh --exec 'echo c > /proc/sysrq-trigger; sleep 30'
check "a guest kernel panic is reported with its text" \
	test "$rc" -eq 118 -a -n "$(grep 'guest kernel panic: Kernel panic - not syncing' "$work/err")"
check "nothing left after a panic" eval '! leftovers'

ktstr_sh --timeout 8 --exec 'echo started; sleep 600'
check "--timeout ends a hung guest and shows the console" \
	test "$rc" -eq 124 -a -n "$(grep 'timed out after 8 s' "$work/err")" -a \
	-n "$(grep 'last console lines' "$work/err")"
check "nothing left after a timeout" eval '! leftovers'

for sig in INT TERM; do
	"$K" shell --accel "$ACCEL" --exec 'sleep 600' >"$work/out" 2>"$work/err" &
	pid=$!
	for _ in $(seq 100); do
		pgrep -P "$pid" qemu-system >/dev/null && break
		sleep 0.1
	done
	sleep 2
	kill -s "$sig" "$pid"
	wait "$pid"
	rc=$?
	want=$((128 + $(kill -l "$sig")))
	check "SIG$sig to ktstr stops the VM and exits $want" \
		test "$rc" -eq "$want" -a -n "$(grep 'interrupted by' "$work/err")"
	check "nothing left after SIG$sig" eval '! leftovers'
done

# Each way a run can be cut short, once: nothing left behind, and a
# SIGKILLed ktstr's run directory is swept (and named) by the next run.
"$top/scripts/interrupt-campaign.sh" 5 >"$work/out" 2>"$work/err"
rc=$?
check "interrupted runs (SIGINT, SIGTERM, SIGKILL of ktstr, SIGKILL of QEMU, guest poweroff mid-capture) leave nothing behind" \
	eval 'test "$rc" -eq 0 && grep -q "^runs 5, hung 0, leftovers 0, stale state not reported 0, clean run after: exit 0" "$work/out"'
[ "$rc" -eq 0 ] || sed 's/^/# /' "$work/out" "$work/err"

# A run that needs the kernel while another ktstr builds it waits for
# the build (the cache entry's lock) and says so, instead of failing.
kp=$("$K" kernel path)
key=$(basename "$(dirname "$kp")")
x="$work/xdg-wait"
rm -rf "$x"
mkdir -p "$x/ktstr/kernels/$key"
flock "$x/ktstr/kernels/$key.lock" sh -c \
	"sleep 3; ln -s '$kp' '$x/ktstr/kernels/$key/linux'; touch '$x/ktstr/kernels/$key/.complete'" &
sleep 0.5
XDG_CACHE_HOME="$x" "$K" shell --accel "$ACCEL" --exec 'echo up' >"$work/out" 2>"$work/err" </dev/null
rc=$?
wait
check "a run waits, saying so, for the kernel another ktstr is building, then boots it" \
	eval 'test "$rc" -eq 0 && grep -qx up "$work/out" &&
	      grep -q "kernel $key is being built by another ktstr; waiting for it to finish" "$work/err"'

# --- /dev/ktstr fuzzed, the module reloaded ----------------------------------
# The short run of scripts/debug-kernel.sh: on the normal kernel always,
# on the debug kernel (KASAN, lockdep, UBSAN, kmemleak...) when it is cached.
fuzz_kmod() {
	local kernel=$1 secs=$2 reloads=$3 ko
	ko=$("$K" kernel kmod ${kernel:+--flavour "$kernel"} 2>"$work/err") || return 1
	ktstr_sh ${kernel:+--kernel "$kernel"} --memory 1024 --scheduler scx_simple \
		--include "$top/build/guest/ktstr-kmod-fuzz" \
		--exec "ktstr-kmod-fuzz --seconds $secs --seed 7"
	cp "$work/out" "$work/fuzz.out"
	[ "$rc" -eq 0 ] && grep -q '^kmod-fuzz: PASS' "$work/out" &&
		grep -q '^kmod-fuzz: reports kasan 0 .* oops 0' "$work/out" &&
		awk '/^kmod-fuzz: requests/ { exit !($3 + 0 > 1000) }' "$work/out" &&
		awk '/^kmod-fuzz: capture / { exit !($5 + 0 > 0) }' "$work/out" || return 1
	ktstr_sh ${kernel:+--kernel "$kernel"} --memory 1024 --no-kmod \
		--include "$ko" --include "$top/build/guest/ktstr-kmod-fuzz" \
		--exec "test ! -e /dev/ktstr && ktstr-kmod-fuzz --reload $reloads --ko /include/ktstr.ko"
	[ "$rc" -eq 0 ] && grep -qx "kmod-fuzz: reloads $reloads, clean $reloads" "$work/out"
}
check "kmod fuzz: 20 s of random and racing requests under scx_simple, 10 reloads: no report, nothing hung" \
	fuzz_kmod "" 20 10
# The fuzz must be able to fail: a checker's line in the kernel log
# during the run is counted and fails it. Injected at level 6, below the
# console's loglevel: at a level the console shows, ktstr itself ends the
# run at once with kernel-oops (tested with failures above).
ktstr_sh --include "$top/build/guest/ktstr-kmod-fuzz" --exec '
	(sleep 2; echo "<6>BUG: KASAN: slab-out-of-bounds injected by the integration test" >/dev/kmsg) &
	ktstr-kmod-fuzz --seconds 4 --seed 1'
check "kmod fuzz fails when a checker reports during it (an injected KASAN line is counted)" \
	eval 'test "$rc" -ne 0 && grep -q "^kmod-fuzz: reports kasan 1 " "$work/out" &&
	      grep -q "^kmod-fuzz: first kasan report: BUG: KASAN: slab-out-of-bounds injected" "$work/out" &&
	      grep -qx "kmod-fuzz: FAIL" "$work/out"'
if [ "$dbg_built" = 1 ]; then
	check "kmod fuzz on the debug kernel: 60 s, 10 reloads: no KASAN, lockdep, UBSAN, kmemleak or WARNING report" \
		fuzz_kmod debug 60 10
else
	n=$((n + 1)); skipped=$((skipped + 1))
	echo "ok $n kmod fuzz on the debug kernel # SKIP the debug kernel is not built (ktstr kernel build --flavour debug; scripts/debug-kernel.sh)"
fi

# --- snapshots from outside the guest -----------------------------------------
rm -rf "$work/snap"
ktstr_sh --topology 1n1l4c1t --snapshots 3 --snapshot-window 4 --output-dir "$work/snap" \
	--scheduler scx_simple --exec 'sleep 1; ktstr-ctl capture mytag; sleep 4'
check "--snapshots 3 + ktstr-ctl capture: 4+ JSON snapshots, one tagged, 4 CPUs with rq state and vCPU registers" \
	test "$rc" -eq 0 -a "$(python3 - "$work/snap" <<'PY'
import glob, json, sys
snaps = [json.load(open(f)) for f in glob.glob(sys.argv[1] + "/snapshot-*.json")]
ok = len(snaps) >= 4 and sum(s["tag"] == "mytag" for s in snaps) == 1
for s in snaps:
    ok = ok and len(s["cpus"]) == 4 and all("nr_running" in c for c in s["cpus"])
    ok = ok and len(s["vcpus"]) == 4 and all(v["rip"].startswith("0x") for v in s["vcpus"])
    ok = ok and s["scx_state"] == "enabled" and s["frozen_ns"] > 0
ids = sorted(s["id"] for s in snaps)
ok = ok and ids == list(range(1, len(ids) + 1))
by_id = sorted(snaps, key=lambda s: s["id"])
ok = ok and all(a["timestamp_ns"] < b["timestamp_ns"] for a, b in zip(by_id, by_id[1:]))
print("yes" if ok else "no")
PY
)" = yes
check "snapshots symbolize kernel RIPs with vmlinux" \
	grep -q '"rip_sym":"[a-z_]' "$work"/snap/snapshot-1.json

rm -rf "$work/spin"
ktstr_sh --topology 1n1l4c1t --output-dir "$work/spin" --exec '
	for c in 1 2 3; do taskset -c $c sh -c "while :; do :; done" & pids="$pids $!"; done
	# Under TCG taskset may still be exec-ing after a second: wait
	# until every spinner is sh and running.
	for i in $(seq 100); do
		n=0
		for p in $pids; do
			read -r _ comm st _ < /proc/$p/stat
			[ "$comm" = "(sh)" ] && [ "$st" = R ] && n=$((n + 1))
		done
		[ $n -eq 3 ] && break
		sleep 0.1
	done
	ktstr-ctl --json read symbol jiffies_64 > $KTSTR_OUTPUT_DIR/before.json
	ktstr-ctl capture spinners
	ktstr-ctl --json read symbol jiffies_64 > $KTSTR_OUTPUT_DIR/after.json'
check "a snapshot of 3 pinned spinners shows them on CPUs 1-3 (running, or runnable behind the capture's relay), and host jiffies lies between the kmod's reads" \
	test "$rc" -eq 0 -a "$(python3 - "$work/spin" <<'PY'
import json, sys
d = sys.argv[1]
s = json.load(open(d + "/snapshot-1.json"))
before = json.load(open(d + "/before.json"))["value"]
after = json.load(open(d + "/after.json"))["value"]
ok = s["tag"] == "spinners"
# The capture's own relay (the agent, comm "init") may be running on a
# spinner's CPU at the frozen moment; the spinner is then still runnable
# there, behind it.
for c in s["cpus"][1:]:
    ok = ok and (c["nr_running"] >= 1 and c["curr"]["comm"] == "sh" or
                 c["nr_running"] >= 2 and c["curr"]["comm"] == "init")
ok = ok and before <= s["jiffies"] <= after
if not ok:
    print("# cpus: %s jiffies %d..%d..%d" % (
        [(c.get("nr_running"), c.get("curr", {}).get("comm")) for c in s["cpus"]],
        before, s["jiffies"], after), file=sys.stderr)
print("yes" if ok else "no")
PY
)" = yes
rm -rf "$work/sync"
ktstr_sh --topology 1n1l4c1t --output-dir "$work/sync" --exec '
	ktstr-ctl --json capture --sync parked > $KTSTR_OUTPUT_DIR/kmod.json
	dmesg > $KTSTR_OUTPUT_DIR/dmesg.txt'
check "capture --sync: the host's jiffies equal the kmod's read at the same frozen moment" \
	test "$rc" -eq 0 -a "$(python3 - "$work/sync" <<'PY'
import json, sys
d = sys.argv[1]
k = json.load(open(d + "/kmod.json"))
s = json.load(open(d + "/snapshot-1.json"))
ok = s["tag"] == "parked" and k["jiffies"] == s["jiffies"] > 0
ok = ok and "Uhhuh" not in open(d + "/dmesg.txt").read()
print("yes" if ok else "no")
PY
)" = yes
rm -rf "$work/cold"
ktstr_sh --topology 1n1l2c1t --output-dir "$work/cold" --exec '
	sleep 60 & P=$!
	sleep 0.5
	ST=$(ktstr-ctl --json read task $P start_time | sed "s/.*\"value\":\([0-9]*\).*/\1/")
	ktstr-ctl capture --sync "read task $P $ST se.sum_exec_runtime"
	ktstr-ctl --json read task $P se.sum_exec_runtime --start-time $ST > $KTSTR_OUTPUT_DIR/kmod.json
	ktstr-ctl capture --sync "read task $P 1 pid"'
check "host cold read of a task (found by walking the task list) equals the kmod read; a wrong start_time is refused" \
	test "$rc" -eq 0 -a "$(python3 - "$work/cold" <<'PY'
import json, sys
d = sys.argv[1]
k = json.load(open(d + "/kmod.json"))["value"]
a = json.load(open(d + "/snapshot-1.json"))["cold_read"]
b = json.load(open(d + "/snapshot-2.json"))["cold_read"]
ok = a.get("value") == k and k > 0 and "reused pid" in b.get("error", "")
print("yes" if ok else "no")
PY
)" = yes
check "nothing left after snapshots" eval '! leftovers'

# --- --accel auto: probe once, remember the verdict -------------------------
kpath=$("$K" kernel path)
start=$(date +%s)
XDG_CACHE_HOME="$work/xdg" "$K" shell --accel auto --kernel "$kpath" --exec 'echo up' \
	>"$work/out" 2>"$work/err" </dev/null
rc=$?
check "--accel auto boots (KVM if it works here, else TCG) within 90 s" \
	test "$rc" -eq 0 -a "$(cat "$work/out")" = up -a $(($(date +%s) - start)) -le 90
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	check "--accel auto keeps a verdict" \
		test -s "$(ls -d "$work"/xdg/ktstr/accel/* 2>/dev/null | head -1)"
else
	# Nothing to probe: TCG at once, and no verdict to keep.
	check "--accel auto without a usable /dev/kvm: TCG at once, no probe, no verdict kept" \
		eval '! grep -q "probing KVM" "$work/err" &&
		      [ -z "$(ls -A "$work/xdg/ktstr/accel" 2>/dev/null)" ]'
fi
XDG_CACHE_HOME="$work/xdg" "$K" shell --accel auto --kernel "$kpath" --exec true \
	>"$work/out" 2>"$work/err" </dev/null
rc=$?
check "--accel auto reuses the verdict without probing again" \
	test "$rc" -eq 0 -a ! -s "$work/err"

# --- KTAP from ktstr run ---------------------------------------------------
for sched in "" scx_simple; do
	"$K" run --accel "$ACCEL" --topology 1n2l2c1t ${sched:+--scheduler $sched} \
		>"$work/out" 2>"$work/err"
	rc=$?
	# A program that SKIPs as a whole (its module built for another tree,
	# say) is not a pass: every program must run on this topology.
	check "ktstr run (${sched:-EEVDF}, 1n2l2c1t): default suite passes in KTAP, 20+ nested ok, no failures, no program skipped" \
		test "$rc" -eq 0 -a "$(head -1 "$work/out")" = "KTAP version 1" -a \
		-z "$(grep 'not ok' "$work/out")" -a \
		-z "$(grep -E '^ok [0-9]+ .*# SKIP' "$work/out")" -a \
		"$(grep -c "^# Totals: pass:$(wc -l <"$top/build/selftests/ktstr-suite.txt") fail:0 xfail:0 xpass:0 skip:0 error:0\$" "$work/out")" -eq 1 -a \
		"$(grep -c '^    ok ' "$work/out")" -ge 20
	cp "$work/out" "$work/suite.${sched:-eevdf}"
	cp "$work/err" "$work/suite-err.${sched:-eevdf}"
done
# The scenario takes the agent's scheduler over through the hand-off and
# gives it back: it runs (no SKIP) and the scheduler is never counted dead.
check "under --scheduler scx_simple, canned.sched_attach_detach runs (not SKIP) and the scheduler is handed back, not dead" \
	eval "grep -Eq '^ +ok [0-9]+ canned.sched_attach_detach.passes\$' '$work/suite.scx_simple' &&
	      ! grep -q 'BUG SUMMARY' '$work/suite-err.scx_simple'"

# Subtests by glob, twice: each run is its own result, and the program
# runs only the selected subtest (one -r filter, a nested plan of 1).
"$K" run --accel "$ACCEL" --topology 1n2l2c1t --repeat 2 --fail-fast \
	'scenarios:canned.steady.*' >"$work/out" 2>"$work/err"
rc=$?
check "ktstr run --repeat 2 'scenarios:canned.steady.*': scenarios@1 and scenarios@2, each with only canned.steady.passes nested" \
	eval 'test "$rc" -eq 0 && grep -qx "1\.\.2" "$work/out" &&
	      grep -qx "ok 1 scenarios@1" "$work/out" &&
	      grep -qx "ok 2 scenarios@2" "$work/out" &&
	      [ "$(grep -cx "    1\.\.1" "$work/out")" -eq 2 ] &&
	      [ "$(grep -cE "^    (not )?ok [0-9]+ " "$work/out")" -eq 2 ] &&
	      [ "$(grep -cx "    ok 1 canned.steady.passes" "$work/out")" -eq 2 ] &&
	      ! grep -q "did not run" "$work/out" &&
	      grep -q "^# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:0 error:0\$" "$work/out"'

# The gauntlet: 2 subtests x 2 topologies x 2 schedulers, 2 VMs at once.
# numa_spanning needs two nodes: on tiny it is not applicable, counted
# as such and never as a pass.
rm -rf "$work/g" "$work/g.xml"
XDG_CACHE_HOME="$work/xdg-g" "$K" gauntlet --kernel "$kpath" --accel "$ACCEL" -j 2 \
	--topology tiny --topology numa2 --scheduler eevdf --scheduler scx_simple \
	'scenarios:canned.steady.*' 'scenarios:canned.numa_spanning.*' \
	--junit "$work/g.xml" --output-dir "$work/g" >"$work/out" 2>"$work/err"
rc=$?
check "gauntlet -j 2, 2 topologies x 2 schedulers: KTAP with a subtest per cell, 6 pass, the 2 on tiny not applicable, counted apart" \
	eval 'test "$rc" -eq 0 && [ "$(head -1 "$work/out")" = "KTAP version 1" ] &&
	      grep -qx "1\.\.8" "$work/out" &&
	      [ "$(grep -cE "^ok [0-9]+ scenarios:canned\.(steady|numa_spanning)\.passes/(tiny|numa2)/(eevdf|scx_simple)\$" "$work/out")" -eq 6 ] &&
	      grep -qE "^ok [0-9]+ scenarios:canned.numa_spanning.passes/tiny/eevdf # SKIP not applicable: needs 2\+ NUMA nodes, has 1\$" "$work/out" &&
	      grep -qE "^ok [0-9]+ scenarios:canned.numa_spanning.passes/tiny/scx_simple # SKIP not applicable: " "$work/out" &&
	      ! grep -q "not ok" "$work/out" &&
	      grep -qx "# Totals: pass:6 fail:0 xfail:0 xpass:0 skip:2 error:0" "$work/out" &&
	      grep -qx "# gauntlet: pass:6 fail:0 skip:0 not-applicable:2 not-run:0" "$work/out" &&
	      grep -qE "^# tiny +scx_simple +1 +0 +0 +1 +0\$" "$work/out" &&
	      grep -qE "^# numa2 +eevdf +2 +0 +0 +0 +0\$" "$work/out"'
check "gauntlet --junit: JUnit XML (xml.etree) with a suite per topology/scheduler, 8 cases, 2 skipped as not applicable" \
	test "$(python3 - "$work/g.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = root.findall("testsuite")
cases = root.findall("testsuite/testcase")
skipped = [c for c in cases if c.find("skipped") is not None]
ok = root.tag == "testsuites" and root.get("tests") == "8"
ok = ok and root.get("failures") == "0" and root.get("skipped") == "2"
ok = ok and sorted(s.get("name") for s in suites) == [
    "numa2/eevdf", "numa2/scx_simple", "tiny/eevdf", "tiny/scx_simple"]
ok = ok and len(cases) == 8 and len(skipped) == 2
ok = ok and all(c.get("name") == "scenarios:canned.numa_spanning.passes" and
                c.find("skipped").get("message").startswith("not applicable: needs 2+ NUMA nodes")
                for c in skipped)
ok = ok and all(float(c.get("time")) > 0 for c in cases if c.find("skipped") is None)
print("yes" if ok else "no")
PY
)" = yes
check "gauntlet --output-dir: a JSON sidecar per cell (verdict, duration, topology, scheduler, kernel, measurements); durations kept for --budget" \
	test "$(python3 - "$work/g" "$work/xdg-g/ktstr/durations.json" <<'PY'
import glob, json, sys
d = sys.argv[1]
cells = {f: json.load(open(f)) for f in glob.glob(d + "/*/*/*.json")}
ok = len(cells) == 8
for f, c in cells.items():
    ok = ok and c["topology"]["name"] in ("tiny", "numa2")
    ok = ok and c["scheduler"] in ("eevdf", "scx_simple") and c["kernel"]["image"]
    if c["verdict"] == "pass":
        ok = ok and c["duration_s"] > 0 and c["measurements"]["verdict"] == "pass"
        ok = ok and c["measurements"]["name"] in ("steady", "numa_spanning")
    else:
        ok = ok and c["verdict"] == "not-applicable" and c["topology"]["nodes"] == 1
s = json.load(open(d + "/numa2/scx_simple/scenarios:canned.steady.passes.json"))
ok = ok and s["topology"]["spec"] == "2n2l2c1t" and s["accel"] in ("tcg", "kvm")
dur = json.load(open(sys.argv[2]))
acc = dur[s["accel"]]
ok = ok and len(acc["cells"]) == 6 and "scenarios:canned.steady.passes/2n2l2c1t/scx_simple" in acc["cells"]
ok = ok and len(acc["boots"]) == 4
print("yes" if ok else "no")
PY
)" = yes
check "gauntlet: nothing left behind" eval '! leftovers'

# Ctrl-C: every VM stops, what finished is reported, nothing is left.
rm -rf "$work/gi" "$work/gi.xml"
XDG_CACHE_HOME="$work/xdg-gi" "$K" gauntlet --kernel "$kpath" --accel "$ACCEL" -j 2 \
	--topology tiny --topology llcs 'scenarios:canned.*' \
	--junit "$work/gi.xml" --output-dir "$work/gi" >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 300); do
	grep -qE "^ok [0-9]+ scenarios:canned\.[a-z_]+\.passes/[a-z]+/eevdf\$" "$work/out" && break
	sleep 0.1
done
kill -INT "$pid"
wait "$pid"
rc=$?
check "SIGINT to a gauntlet stops every VM, reports what finished and exits 130" \
	eval 'test "$rc" -eq 130 && grep -q "^# interrupted by .*cells did not run; every VM was stopped" "$work/out" &&
	      grep -qE "^ok [0-9]+ scenarios:canned\..*/eevdf\$" "$work/out" &&
	      grep -qE "^# gauntlet: pass:[1-9][0-9]* fail:0 skip:0 not-applicable:[0-9]+ not-run:[1-9]" "$work/out" &&
	      python3 -c "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])" "$work/gi.xml"'
check "nothing left after SIGINT to a gauntlet" eval '! leftovers'

# The asymmetric preset boots, and the guest sees each node's own size.
"$K" run --accel "$ACCEL" --topology asym topology >"$work/out" 2>"$work/err"
rc=$?
check "--topology asym (2n3+1l2c1t) boots: node 0 with CPUs 0-5, node 1 with 6-7, LLCs and scheduler domains as declared" \
	eval 'test "$rc" -eq 0 && grep -q "^# ktstr: topology 2n3+1l2c1t" "$work/out" &&
	      grep -qx "    ok 2 topo.numa_nodes" "$work/out" &&
	      grep -qx "    ok 5 topo.sched_domains" "$work/out" &&
	      grep -qx "ok 1 topology" "$work/out"'

"$K" run --accel "$ACCEL" "$top/tests/integration/failing-test.sh" >"$work/out" 2>"$work/err"
rc=$?
check "ktstr run reports a failing test as not ok and exits 1" \
	test "$rc" -eq 1 -a -n "$(grep '^not ok 1 failing-test.sh # exit=7' "$work/out")"

"$K" run --accel "$ACCEL" --repeat 3 --fail-fast "$top/tests/integration/failing-test.sh" \
	>"$work/out" 2>"$work/err"
rc=$?
check "--repeat 3 --fail-fast stops after the first failure and says 2 of 3 did not run" \
	eval 'test "$rc" -eq 1 && grep -qx "1\.\.3" "$work/out" &&
	      grep -q "^not ok 1 failing-test.sh@1 # exit=7" "$work/out" &&
	      ! grep -q "failing-test.sh@2" "$work/out" &&
	      grep -q "2 of 3 tests did not run" "$work/out" &&
	      grep -q "^# Totals: pass:0 fail:1 " "$work/out"'

# One failure, reported once: the subtest it happened in, and how many
# never ran, instead of a failure for each of them.
"$K" run --accel "$ACCEL" --scheduler scx_fault --sched-args "-e 3000" \
	"$top/tests/integration/slow-subtests.sh" >"$work/out" 2>"$work/err"
rc=$?
check "ktstr run: a scheduler failing mid-program names the subtest and counts the ones that did not run" \
	eval 'test "$rc" -eq 1 &&
	      grep -q "^not ok 1 slow-subtests.sh # sched-error" "$work/out" &&
	      grep -q "^# sched-error during subtest slow.step[1-5]" "$work/out" &&
	      grep -q "^#   test: .*slow-subtests.sh, step slow.step[1-5]\$" "$work/out" &&
	      grep -q "^# [1-5] of 5 subtests did not run because of it" "$work/out" &&
	      grep -q "^# Totals: pass:0 fail:1" "$work/out"'

# --- ktstr compare: A/B, baselines, one-line errors -----------------------
compare_error() {
	"$K" compare --accel "$ACCEL" "$@" >"$work/out" 2>"$work/err"; rc=$?
}
compare_error --a eevdf
check "bad input: compare without side B says to give --b or --save-baseline" \
	names_error 'no side B: give --b'
compare_error --a eevdf --b eevdf --runs 1
check "bad input: compare --runs 1 (a t-test needs two)" names_error 'bad --runs 1'
compare_error --a eevdf --b eevdf --scenario nosuch
check "bad input: compare --scenario nosuch names it and points to ktstr list" \
	names_error 'no canned scenario "nosuch"; see ktstr list'
compare_error --baseline base --a eevdf --b eevdf
check "bad input: compare --baseline with --a" names_error 'baseline base is side A'
compare_error --baseline base --b eevdf --save-baseline other
check "bad input: compare --save-baseline with --baseline" names_error 'save-baseline keeps side A'
compare_error --a eevdf --b eevdf --threshold 0
check "bad input: compare --threshold 0" names_error 'bad --alpha 0.01 or --threshold 0'
compare_error --a eevdf --b eevdf --save-baseline ../x
check "bad input: compare --save-baseline ../x" names_error 'bad baseline name "../x"'

rm -rf "$work/cmp"
XDG_CACHE_HOME="$work/xdg-cmp" "$K" compare --kernel "$kpath" --accel "$ACCEL" \
	--a eevdf --b scx_simple --runs 2 --scenario requests -o "$work/cmp" \
	>"$work/out" 2>"$work/err"
rc=$?
check "compare eevdf vs scx_simple, 2 runs: interleaved A B A B, a verdict per metric, compare.json, an SVG per series, the page" \
	eval 'test "$rc" -eq 0 -o "$rc" -eq 1 &&
	      [ "$(grep "^# run " "$work/out" | cut -c7-9 | tr -d "\n")" = "1 A1 B2 A2 B" ] &&
	      grep -qE "^  requests/requests/wake_p99 +us .* (same|better|worse)\$" "$work/out" &&
	      grep -qE "^  requests/requests/throughput +units/s " "$work/out" &&
	      jq -e ".format == \"ktstr-compare-1\" and .a.scheduler == \"eevdf\" and
		     .b.scheduler == \"scx_simple\" and .a.runs == 2 and .b.runs == 2 and
		     ([.series[] | select(.metric == \"wake_p99\" and .a.n == 2 and .b.n == 2)] | length) == 1 and
		     (.series | length) >= 8 and
		     all(.series[]; .verdict | test(\"^(same|better|worse|higher|lower)\$\"))" \
		"$work/cmp/compare.json" >/dev/null &&
	      [ "$(ls "$work/cmp/plots" | grep -c "\.svg\$")" -eq "$(jq ".series | length" "$work/cmp/compare.json")" ] &&
	      python3 -c "import sys, xml.etree.ElementTree as E; [E.parse(f) for f in sys.argv[1:]]" "$work/cmp/plots/"*.svg &&
	      grep -qE "plots/[0-9]{3}-requests.requests.wake_p99.svg" "$work/cmp/index.html" &&
	      [ -f "$work/cmp/runs/B-02/scenarios.json" ]'

rm -rf "$work/cmp"
XDG_CACHE_HOME="$work/xdg-cmp" "$K" compare --kernel "$kpath" --accel "$ACCEL" \
	--a eevdf --runs 2 --save-baseline base -o "$work/cmp" \
	>"$work/out" 2>"$work/err" &&
XDG_CACHE_HOME="$work/xdg-cmp" "$K" compare --kernel "$kpath" --accel "$ACCEL" \
	--baseline base --b eevdf --runs 2 -o "$work/cmp2" \
	>"$work/out2" 2>>"$work/err"
rc=$?
check "compare --save-baseline, then --baseline: the default scenarios, only B boots, compared with the stored A" \
	eval 'test "$rc" -eq 0 -o "$rc" -eq 1 &&
	      grep -qx "# scenarios: requests steady pipe_pingpong" "$work/out" &&
	      jq -e "[.series[] | select(.scenario == \"pipe_pingpong\")] | length > 0" \
		"$work/xdg-cmp/ktstr/baselines/base.json" >/dev/null &&
	      [ -f "$work/xdg-cmp/ktstr/baselines/base.json" ] &&
	      ! grep -q "^# run [0-9]* B" "$work/out" &&
	      ! grep -q "^# run [0-9]* A" "$work/out2" &&
	      [ "$(grep -c "^# run [0-9]* B" "$work/out2")" -eq 2 ] &&
	      grep -q "^# A: eevdf (baseline base)" "$work/out2" &&
	      jq -e ".a.baseline == \"base\" and .a.runs == 2 and .b.runs == 2" "$work/cmp2/compare.json" >/dev/null'
rm -rf "$work/cmp" "$work/cmp2" "$work/out2"

check "nothing left behind at the end" eval '! leftovers'

echo "1..$n"
echo "# integration: $((n - failed - skipped)) passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
