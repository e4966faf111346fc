#!/bin/sh
# The A/A figure for ktstr compare: one scheduler against itself, so any
# "better", "worse" or "changed" verdict is a false one. Prints the
# series compared, the false verdicts and their rate (target: at most
# 5 %), and keeps the results (compare.json, plots, page) in the
# directory it prints.
#
#   scripts/compare-aa.sh [RUNS [SCHEDULER [COMPARE OPTION...]]]
#                                       (default 10 runs, scx_simple)
#
# About 20 s per run and side under TCG on 2 host cores: 7 minutes for
# the default.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}
sched=${2:-scx_simple}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && shift
out=$(mktemp -d /tmp/ktstr-aa.XXXXXX)
echo "# A/A: $sched against itself, $runs runs a side, results in $out"
start=$(date +%s)
"$top/ktstr" compare --accel "${KTSTR_AA_ACCEL:-tcg}" --a "$sched" --b "$sched" \
	--runs "$runs" -o "$out" "$@" >"$out/compare.txt" 2>"$out/compare.err"
rc=$?
secs=$(($(date +%s) - start))
grep '^# run ' "$out/compare.txt" | grep -v ': [0-9.]* s$' | sed 's/^/# /'
if [ ! -f "$out/compare.json" ]; then
	echo "# compare failed (exit $rc) after ${secs}s:"
	sed 's/^/#   /' "$out/compare.err"
	exit 1
fi
jq -r --arg secs "$secs" '
	.summary as $s |
	($s.better + $s.worse + $s.same + $s.changed + $s.too_few) as $n |
	($s.better + $s.worse + $s.changed) as $false |
	"series compared:   \($n)",
	"false verdicts:    \($false) (better \($s.better), worse \($s.worse), changed \($s.changed))",
	"too few runs:      \($s.too_few)",
	"false rate:        \(if $n > 0 then ($false * 10000 / $n | round) / 100 else 0 end) % (target <= 5 %)",
	"runs:              A \(.a.runs) (\(.a.failed) failed), B \(.b.runs) (\(.b.failed) failed)",
	"alpha, threshold:  \(.alpha), \(.threshold * 100) %",
	"wall time:         \($secs) s"' "$out/compare.json"
jq -r '.series[] | select(.verdict != "same") |
	"#   \(.scenario)/\(.cgroup)/\(.metric): \(.verdict), \(.rel * 1000 | round / 10) %, p \(.p)"' \
	"$out/compare.json"
# The noise: each metric's coefficient of variation over the runs, and
# the smallest change the runs could detect 80 % of the time at this
# alpha (two-sided): (z(1 - alpha/2) + z(0.8)) * sqrt(2 / runs) * cv.
echo "noise (TCG): cv over the runs of each side, smallest detectable change at $runs runs a side"
jq -r '
	def z: if . <= 0.001 then 3.2905 elif . <= 0.01 then 2.5758 elif . <= 0.05 then 1.9600 else 1.6449 end;
	((.alpha | z) + 0.8416) as $k |
	.series[] |
	(if .a.mean > 0 then .a.sd / .a.mean else 0 end) as $ca |
	(if .b.mean > 0 then .b.sd / .b.mean else 0 end) as $cb |
	((($ca * $ca + $cb * $cb) / 2) | sqrt) as $cv |
	($k * ((2 / .a.n) | sqrt) * $cv) as $mde |
	"  \(.scenario)/\(.cgroup)/\(.metric)\t cv \($cv * 1000 | round / 10) %\t detectable \($mde * 1000 | round / 10) %"' \
	"$out/compare.json" | column -t -s "$(printf '\t')"
