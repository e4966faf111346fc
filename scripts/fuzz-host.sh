#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the host fuzzers (clang-16: libFuzzer, ASan, UBSan, no recovery)
# and run them against what a guest controls; print the figures.
#
#   fuzz-host.sh [--runs N | --time SECONDS] [TARGET...]
#   fuzz-host.sh --short
#
# TARGET is guestmem (the default: snapshots, cold reads, address
# translation and the layout message against hostile guest memory,
# tests/fuzz/fuzz_guestmem.c), wire (the wire protocol decoder,
# tests/fuzz/fuzz_wire.c), report (the scenario report ktstr compare
# reads, and what it makes of it: tests/fuzz/fuzz_report.c) or all.
# Each runs --runs executions (default 1000000), or for --time seconds,
# from its seed corpus. --short is `make fuzz-short`: every seed once,
# then 20 s of guestmem and 8 s of each other.
#
# In build/fuzz/: corpus-TARGET/ keeps the inputs that found new
# coverage between runs; artifacts-TARGET/ the crash, leak, timeout and
# out-of-memory inputs of this run (emptied first); TARGET-slowest.bin
# the slowest input; TARGET.log libFuzzer's whole output. Progress every
# 10 s; at the end one line per target, e.g.
#
#   Host fuzz guestmem: executions 1000000, crashes 0, slowest input 24.9 ms, slowest walk 1.3 ms
#
# Reproduce an artifact with: build/fuzz/fuzz_TARGET FILE
# Exits 1 if any target crashed, leaked, hung (10 s) or ran out of memory.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
B=$top/build/fuzz
runs=1000000 secs="" short=0 targets=()

usage() {
	echo "usage: fuzz-host.sh [--runs N | --time SECONDS] [guestmem|wire|report|all]... | --short" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--runs) [ $# -ge 2 ] || usage; runs=$2; secs=""; shift ;;
	--time) [ $# -ge 2 ] || usage; secs=$2; shift ;;
	--short) short=1 ;;
	guestmem|wire|report) targets+=("$1") ;;
	all) targets+=(guestmem wire report) ;;
	*) usage ;;
	esac
	shift
done
case ${secs:-$runs} in ''|*[!0-9]*) usage ;; esac
[ ${#targets[@]} -gt 0 ] || targets=(guestmem)
[ $short = 1 ] && targets=(guestmem wire report)

rt=$(clang-16 -print-resource-dir 2>/dev/null)/lib/linux/libclang_rt.fuzzer-x86_64.a
if [ ! -e "$rt" ]; then
	echo "fuzz-host: no libFuzzer runtime ($rt): install clang-16 and libclang-rt-16-dev (make deps)" >&2
	exit 1
fi
echo "fuzz-host: building the fuzzers with clang-16"
make -s -C "$top" fuzzers || exit 1
rm -rf "$B/seeds-guestmem"
"$B/gen-guestmem-corpus" "$B/seeds-guestmem" || exit 1

seeds_of() {
	case $1 in
	guestmem) echo "$B/seeds-guestmem" ;;
	wire) echo "$top/tests/fuzz/wire" ;;
	report) echo "$top/tests/fuzz/report" ;;
	esac
}

failed=0

# run TARGET LABEL ARGS...: one libFuzzer run, its progress shown, its figures printed.
run() {
	local t=$1 label=$2 art=$B/artifacts-$1 log=$B/$1.log
	local summary crashes execs slowest walk rc
	shift 2
	rm -rf "$art"
	mkdir -p "$art" "$B/corpus-$t"
	echo "fuzz-host: $t: $label"
	KTSTR_FUZZ_PROGRESS=10 KTSTR_FUZZ_SLOWEST="$B/$t-slowest.bin" \
		"$B/fuzz_$t" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$art/" "$@" 2>&1 | tee "$log" |
		awk -v t="$t" '/^fuzz: progress/ { sub(/^fuzz: progress /, ""); print t ": " $0; fflush() }
			/contract broken|runtime error|^==[0-9]+==ERROR|^SUMMARY/ { print t ": " $0; fflush() }'
	rc=${PIPESTATUS[0]}
	summary=$(grep '^fuzz: [0-9]* inputs' "$log" | tail -n 1)
	crashes=$(find "$art" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
		-o -name 'oom-*' \) | wc -l)
	if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ]; then
		crashes=1	# died without an artifact: count it all the same
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	[ -n "$execs" ] || execs=$(echo "$summary" | awk '{ print $2 }')
	[ -n "$execs" ] || execs=$(grep -o '^#[0-9]*' "$log" | tail -n 1 | tr -d '#')
	slowest=$(echo "$summary" | sed -n 's/.*slowest \([0-9.]* ms\).*/\1/p')
	walk=$(echo "$summary" | sed -n 's/.*slowest walk \([0-9.]* ms\).*/\1/p')
	echo "Host fuzz $t ($label): executions ${execs:-?}, crashes $crashes," \
		"slowest input ${slowest:-?}${walk:+, slowest walk $walk}"
	if [ "$crashes" -ne 0 ]; then
		echo "fuzz-host: $t failed (exit $rc); inputs in $art/, output in $log" >&2
		find "$art" -type f | sed 's/^/  /' >&2
		failed=1
	fi
}

for t in "${targets[@]}"; do
	seeds=$(seeds_of "$t")
	if [ $short = 1 ]; then
		# Files, not the directory: libFuzzer runs each once and writes nothing.
		run "$t" "seed corpus" "$seeds"/*
		s=8
		[ "$t" = guestmem ] && s=20
		run "$t" "$s s" -max_total_time=$s "$B/corpus-$t" "$seeds"
	elif [ -n "$secs" ]; then
		run "$t" "$secs s" -max_total_time="$secs" "$B/corpus-$t" "$seeds"
	else
		run "$t" "$runs runs" -runs="$runs" "$B/corpus-$t" "$seeds"
	fi
done
exit $failed
