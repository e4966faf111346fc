#!/bin/sh
# The no-false-positive campaign: the default suite, N times under each
# healthy scheduler (EEVDF and the kernel's example sched_ext schedulers)
# on TCG, and the pass count per scheduler. Every failed run keeps its
# KTAP, stderr and --output-dir (the JSON report: exit info, sched_ext's
# debug dump, snapshots, BPF maps), and its verdict lines are printed, so
# a failure is explained, never retried.
#
#   scripts/healthy-matrix.sh [REPS [SCHEDULER...]]   (default 10, all five)
#
# Long: about 3 minutes per run on 2 host cores. Results stay in the
# directory it prints.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
reps=${1:-10}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- eevdf scx_simple scx_qmap scx_central scx_flatcg
topo=${KTSTR_MATRIX_TOPOLOGY:-1n2l2c1t}
out=$(mktemp -d /tmp/ktstr-matrix.XXXXXX)
echo "# healthy matrix: $reps runs x $*, topology $topo, results in $out"
summary=""
for sched in "$@"; do
	pass=0
	for i in $(seq "$reps"); do
		log="$out/$sched.$i"
		start=$(date +%s)
		if [ "$sched" = eevdf ]; then
			"$top/ktstr" run --accel tcg --topology "$topo" \
				--output-dir "$log.d" >"$log.ktap" 2>"$log.err"
		else
			"$top/ktstr" run --accel tcg --topology "$topo" \
				--scheduler "$sched" --output-dir "$log.d" \
				>"$log.ktap" 2>"$log.err"
		fi
		rc=$?
		secs=$(($(date +%s) - start))
		# A program that SKIPs as a whole did not run: not a pass.
		if [ "$rc" -eq 0 ] && grep -q '^ok [0-9]* .* # SKIP' "$log.ktap"; then
			echo "# $sched run $i: SKIP, not counted as a pass (${secs}s)"
			grep '^ok [0-9]* .* # SKIP' "$log.ktap" | sed 's/^/#   /'
		elif [ "$rc" -eq 0 ]; then
			pass=$((pass + 1))
			rm -rf "$log.d"
			echo "# $sched run $i: pass (${secs}s)"
		else
			echo "# $sched run $i: FAIL (exit $rc, ${secs}s)"
			grep -E '^not ok|^ +not ok|BUG SUMMARY|exit: |message: |what: ' \
				"$log.ktap" "$log.err" | sed 's/^/#   /' | head -20
		fi
	done
	summary="$summary$(printf '%-12s %d/%d' "$sched" "$pass" "$reps")
"
done
echo "scheduler    passed"
printf '%s' "$summary"
