#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Four ktstr runs at once on one host, against the same four one after
# the other: one `ktstr kernel build` and three `ktstr run`s of a short
# scenario, each with its own --output-dir. Every run must pass, each
# output must be its own (a scenario report naming its run), nothing may
# be left behind.
#
#   parallel-runs.sh [--fresh-cache]
#
# With --fresh-cache the four share an empty kernel cache: the build is
# real (about 15 minutes here) and the three runs must wait for it,
# saying so, then boot what it built. Without it the build finds the
# cached kernel and returns at once.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
K=$top/ktstr
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
if [ "${1:-}" = --fresh-cache ]; then
	export XDG_CACHE_HOME=$work/cache
	fresh=1
else
	fresh=0
fi
test_name='scenarios:canned.steady.*'
now() { date +%s.%N; }

# one NAME: run job NAME, its output in $work/NAME.{out,err}, status in .rc
one() {
	local name=$1
	if [ "$name" = build ]; then
		"$K" kernel build >"$work/$name.out" 2>"$work/$name.err"
	else
		"$K" run --accel tcg --output-dir "$work/$name.dir" "$test_name" \
			>"$work/$name.out" 2>"$work/$name.err" </dev/null
	fi
	echo $? >"$work/$name.rc"
}

# verdict NAME: 0 when job NAME passed with its own results
verdict() {
	local name=$1
	[ "$(cat "$work/$name.rc")" = 0 ] || return 1
	[ "$name" = build ] && return 0
	grep -q '^ok 1 scenarios$' "$work/$name.out" &&
		grep -q '^# Totals: pass:1 fail:0' "$work/$name.out"
}

jobs_list="build run1 run2 run3"
t0=$(now)
for j in $jobs_list; do
	one "$j" &
	[ "$j" = build ] && sleep 1	# the build takes the lock first
done
wait
t1=$(now)
pass=0
for j in $jobs_list; do
	if verdict "$j"; then
		pass=$((pass + 1))
	else
		echo "parallel $j failed:" >&2
		tail -5 "$work/$j.out" "$work/$j.err" >&2
	fi
done
waited=$(cat "$work"/run*.err | grep -c "is being built by another ktstr; waiting")
for j in $jobs_list; do
	mv "$work/$j.out" "$work/$j.par.out"
	rm -rf "$work/$j.dir"
done
t2=$(now)
for j in $jobs_list; do one "$j"; done
t3=$(now)
seq_pass=0
for j in $jobs_list; do verdict "$j" && seq_pass=$((seq_pass + 1)); done
left=0
for d in /dev/shm/ktstr-*; do
	[ -e "$d" ] || continue
	p=${d#/dev/shm/ktstr-}
	kill -0 "${p%%-*}" 2>/dev/null || left=$((left + 1))
done
echo "$t0 $t1 $t2 $t3" | awk -v p=$pass -v s=$seq_pass -v w=$waited -v f=$fresh -v l=$left '{
	printf "parallel: %d/4 passing in %.1f s (fresh cache %d, %d runs waited for the build)\n", p, $2 - $1, f, w
	printf "sequential: %d/4 passing in %.1f s\n", s, $4 - $3
	printf "ratio parallel/sequential: %.2f, leftovers %d\n", ($2 - $1) / ($4 - $3), l
}'
[ $pass -eq 4 ] && [ $seq_pass -eq 4 ] && [ $left -eq 0 ] &&
	{ [ $fresh -eq 0 ] || [ "$waited" -eq 3 ]; }
