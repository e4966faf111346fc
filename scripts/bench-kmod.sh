#!/bin/sh
# /dev/ktstr latency figures: READ (median, p99) and SNAPSHOT for 2, 4
# and 8 vCPUs, measured inside TCG guests.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
for cpus in 2 4 8; do
	echo "== ${cpus} vCPUs (TCG)"
	"$top/ktstr" shell --accel tcg --topology "1n1l${cpus}c1t" \
		--include "$top/build/guest/ktstr-kmod-bench" \
		--exec ktstr-kmod-bench
done
