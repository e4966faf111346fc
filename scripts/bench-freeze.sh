#!/bin/sh
# Freeze-to-thaw latency of a capture (median, p99) with 2, 4 and 8 vCPUs
# on TCG, every vCPU busy, and the snapshot size per CPU. Each run takes
# 50 periodic snapshots. "frozen" is how long the guest was frozen, from
# QEMU's own STOP and RESUME event timestamps; "round trip" is what ktstr
# waited, from sending stop to receiving cont's reply (it adds the time
# QEMU's main thread and ktstr wait for a host CPU behind busy vCPUs).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${KTSTR_BENCH_CAPTURES:-50}
out=$(mktemp -d /tmp/ktstr-bench-freeze.XXXXXX)
trap 'rm -rf "$out"' EXIT
printf '%-6s %-9s %-17s %-17s %-14s\n' vcpus captures frozen_ms_p50/p99 roundtrip_p50/p99 bytes_per_cpu
for cpus in 2 4 8; do
	d="$out/$cpus"
	"$top/ktstr" shell --accel tcg --topology "1n1l${cpus}c1t" \
		--snapshots "$runs" --snapshot-window $((runs / 8 + 2)) \
		--output-dir "$d" --timeout 300 \
		--exec "for i in \$(seq $cpus); do (while :; do :; done) & done; sleep $((runs / 8 + 3))" \
		>/dev/null 2>&1 || true
	python3 - "$d" "$cpus" <<'PY'
import glob, json, os, sys
d, cpus = sys.argv[1], int(sys.argv[2])
snaps = [json.load(open(f)) for f in glob.glob(os.path.join(d, "snapshot-*.json"))]
if not snaps:
    print(f"{cpus:<6} no snapshots taken"); sys.exit(0)
def p50_p99(key):
    ms = sorted(s[key] / 1e6 for s in snaps)
    return f"{ms[len(ms) // 2]:.2f}/{ms[min(len(ms) - 1, (len(ms) * 99) // 100)]:.2f}"
size = sum(os.path.getsize(f) for f in glob.glob(os.path.join(d, "snapshot-*.json"))) / len(snaps)
print(f"{cpus:<6} {len(snaps):<9} {p50_p99('frozen_ns'):<17} {p50_p99('freeze_ns'):<17} {size / cpus:<14.0f}")
PY
done
