#!/bin/sh
# The known-difference figure for ktstr compare: the same scheduler with
# a deliberately worse setting, so the comparison must call the expected
# metric worse. Default: scx_qmap against itself with a 200 ms slice
# (-s 200000, the default is 20 ms) on oversubscribed (three spinners per
# CPU), where each spinner waits two of the others' slices every time:
# its longest gap without a CPU must come out worse. (On futex_fanout the
# woken workers find an idle CPU and the slice makes no difference to
# their wake latency: measured same, 6 runs.) Prints every
# metric flagged worse or better, with its size, and exits 1 if the
# expected one is not worse.
#
#   scripts/compare-known.sh [RUNS [SCENARIO [METRIC]]]
#                          (default 6, oversubscribed, over/longest_gap)
#
# About 25 s per run and side under TCG on 2 host cores.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-6}
scenario=${2:-oversubscribed}
metric=${3:-over/longest_gap}
out=$(mktemp -d /tmp/ktstr-known.XXXXXX)
echo "# known difference: scx_qmap against scx_qmap -s 200000 on $scenario, $runs runs a side, results in $out"
start=$(date +%s)
"$top/ktstr" compare --accel "${KTSTR_KNOWN_ACCEL:-tcg}" --a scx_qmap --b "scx_qmap:-s 200000" \
	--runs "$runs" --scenario "$scenario" -o "$out" >"$out/compare.txt" 2>"$out/compare.err"
rc=$?
secs=$(($(date +%s) - start))
if [ ! -f "$out/compare.json" ]; then
	echo "# compare failed (exit $rc) after ${secs}s:"
	sed 's/^/#   /' "$out/compare.err"
	exit 1
fi
jq -r '.series[] | select(.verdict != "same") |
	"\(.scenario)/\(.cgroup)/\(.metric): \(.verdict), A \(.a.mean * 10 | round / 10) -> B \(.b.mean * 10 | round / 10) \(.unit) (\(.rel * 1000 | round / 10) %, p \(.p))"' \
	"$out/compare.json"
echo "wall time: $secs s, exit $rc"
jq -e --arg m "$scenario/$metric" \
	'[.series[] | select(.scenario + "/" + .cgroup + "/" + .metric == $m and .verdict == "worse")] | length == 1' \
	"$out/compare.json" >/dev/null && echo "expected: $scenario/$metric worse: yes" && exit 0
echo "expected: $scenario/$metric worse: NO"
exit 1
