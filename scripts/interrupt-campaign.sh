#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Kill ktstr runs at random moments and check that nothing is left behind.
# Each run boots a VM that captures snapshots in a loop; after a random
# delay (0 to 8 s: before, during and after boot) one of these happens:
#
#   sigint        SIGINT to ktstr
#   sigterm       SIGTERM to ktstr
#   kill-ktstr    SIGKILL to ktstr (QEMU dies with it; its run directory
#                 stays until the next run sweeps it and says so)
#   kill-qemu     SIGKILL to ktstr's QEMU
#   poweroff      the guest powers itself off while a capture is in flight
#
# After each run: no QEMU without its ktstr, no run directory in /dev/shm
# or unpacked tarball in the temp dir except a SIGKILLed ktstr's, no
# kernel cache lock held. The next run must report removing that stale
# state. The first five runs take each kind once, the rest are random.
#
#   interrupt-campaign.sh [RUNS]   (default 100)
#
# Prints one line per run and the totals; exits 1 if anything was left.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
K=$top/ktstr
runs=${1:-100}
kinds=(sigint sigterm kill-ktstr kill-qemu poweroff)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
lock="$(dirname "$("$K" kernel path)").lock"
leftovers=0 hangs=0 unswept=0
stale=""		# run directories a SIGKILLed ktstr left

rand() { od -An -N2 -tu2 /dev/urandom | tr -d ' '; }

# QEMUs whose parent is not a ktstr, and run directories of dead ktstrs
# other than the expected $stale ones.
count_leftovers() {
	local n=0 q ppid d pid
	for q in $(pgrep -f '^[^ ]*qemu-system-x86_64 ' 2>/dev/null); do
		ppid=$(ps -o ppid= -p "$q" | tr -d ' ')
		[ -n "$ppid" ] || continue
		[ "$(ps -o comm= -p "$ppid")" = ktstr ] || n=$((n + 1))
	done
	for d in /dev/shm/ktstr-* "${TMPDIR:-/tmp}"/ktstr-kselftest-*; do
		[ -e "$d" ] || continue
		pid=${d##*ktstr-}
		pid=${pid#kselftest-}
		pid=${pid%%-*}
		kill -0 "$pid" 2>/dev/null && continue
		case " $stale " in *" $d "*) ;; *) n=$((n + 1)) ;; esac
	done
	[ -e "$lock" ] && ! flock -n "$lock" true && n=$((n + 1))
	echo $n
}

# A SIGKILLed ktstr's directories: the run that removes them must say so.
# One killed before it reached the sweep leaves them for the next.
check_swept() {
	local d left=""
	for d in $stale; do
		if [ -e "$d" ]; then
			left="$left $d"
		elif ! grep -q "removed $d, left by ktstr pid" "$work/err"; then
			unswept=$((unswept + 1))
		fi
	done
	stale=$left
}

printf "%-4s %-10s %-7s %-6s %s\n" run kind delay_s exit leftovers
i=0
while [ $i -lt "$runs" ]; do
	i=$((i + 1))
	if [ $i -le ${#kinds[@]} ]; then
		kind=${kinds[$((i - 1))]}
	else
		kind=${kinds[$(($(rand) % ${#kinds[@]}))]}
	fi
	delay=$(($(rand) % 81))
	delay=$((delay / 10)).$((delay % 10))
	if [ "$kind" = poweroff ]; then
		script="sleep $delay; ktstr-ctl capture campaign & sleep 0.01; poweroff -f"
	else
		script='while :; do ktstr-ctl capture campaign >/dev/null; sleep 0.2; done'
	fi
	"$K" shell --accel tcg --timeout 60 --exec "$script" \
		>"$work/out" 2>"$work/err" </dev/null &
	kpid=$!
	case $kind in
	poweroff) ;;
	kill-qemu)
		sleep "$delay"
		q=$(pgrep -P $kpid -f qemu-system-x86_64)
		[ -n "$q" ] && kill -KILL $q ;;
	sigint) sleep "$delay"; kill -INT $kpid ;;
	sigterm) sleep "$delay"; kill -TERM $kpid ;;
	kill-ktstr) sleep "$delay"; kill -KILL $kpid ;;
	esac
	# A run that outlives its timeout by far has hung.
	for _ in $(seq 900); do kill -0 $kpid 2>/dev/null || break; sleep 0.1; done
	if kill -0 $kpid 2>/dev/null; then
		hangs=$((hangs + 1))
		kill -KILL $kpid
	fi
	wait $kpid 2>/dev/null
	rc=$?
	check_swept
	if [ "$kind" = kill-ktstr ]; then
		for d in /dev/shm/ktstr-$kpid-*; do
			[ -e "$d" ] && stale="$stale $d"
		done
	fi
	n=$(count_leftovers)
	leftovers=$((leftovers + n))
	printf "%-4d %-10s %-7s %-6d %d\n" $i "$kind" "$delay" $rc "$n"
done
# A last clean run sweeps the rest and must pass.
"$K" shell --accel tcg --exec true >"$work/out" 2>"$work/err" </dev/null
final=$?
check_swept
n=$(count_leftovers)
leftovers=$((leftovers + n))
echo "runs $runs, hung $hangs, leftovers $leftovers, stale state not reported $unswept, clean run after: exit $final"
[ $leftovers -eq 0 ] && [ $hangs -eq 0 ] && [ $unswept -eq 0 ] && [ $final -eq 0 ]
