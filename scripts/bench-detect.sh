#!/bin/sh
# Detection latency on TCG: from the moment sched_ext claims a scheduler's
# exit (ktstr.ko's sync word on the sched_ext_dump tracepoint, host clock)
# to the verdict, for an injected scx_bpf_error() and an injected stall
# (scx_fault), median of RUNS (default 5). Also the whole run, from
# starting ktstr to its exit. The stall's own wait is the watchdog: its
# setting is printed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
wd=3
out=$(mktemp -d /tmp/ktstr-bench-detect.XXXXXX)
trap 'rm -rf "$out"' EXIT
printf '%-34s %-6s %-22s %-16s\n' fault runs exit_to_verdict_ms_p50 run_s_p50
for fault in "-e 2000" "-s 1000 -c yes"; do
	: >"$out/ms"
	: >"$out/secs"
	for i in $(seq "$runs"); do
		d="$out/$i"
		start=$(date +%s.%N)
		"$top/ktstr" shell --accel tcg --scheduler scx_fault --sched-args "$fault" \
			--watchdog "$wd" --output-dir "$d" --timeout 240 \
			--exec 'yes >/dev/null & sleep 600' >/dev/null 2>&1
		end=$(date +%s.%N)
		echo "$end - $start" | bc >>"$out/secs"
		python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["exit_to_verdict_ms"])' \
			"$d/failure.json" >>"$out/ms" 2>/dev/null || echo nan >>"$out/ms"
	done
	med() { sort -g "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
	printf '%-34s %-6s %-22s %-16s\n' "scx_fault $fault (watchdog ${wd}s)" "$runs" \
		"$(med "$out/ms")" "$(med "$out/secs")"
done
