#!/bin/sh
# The gauntlet's throughput on this host: the same plan at -j 1 and at
# -j 2, tests (cells) per hour for each, and ktstr's own host CPU per VM,
# outside QEMU: the CPU time of the whole run (ktstr, its job processes
# and QEMU, from /usr/bin/time) less what each QEMU used (QEMU is started
# through a wrapper, $KTSTR_QEMU, that times it).
#
#   scripts/gauntlet-throughput.sh [TEST...]
#     (default: three canned scenarios and the topology program, on
#      the tiny and smt presets, under eevdf and scx_simple)
#
# Results and logs stay in the directory it prints.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d /tmp/ktstr-gthru.XXXXXX)
[ $# -gt 0 ] || set -- 'scenarios:canned.steady.*' 'scenarios:canned.requests.*' \
	'scenarios:canned.cpu_weight.*' topology
qemu=$(command -v qemu-system-x86_64) || { echo "gauntlet-throughput: no qemu-system-x86_64" >&2; exit 1; }
cat >"$out/qemu" <<WRAP
#!/bin/sh
exec /usr/bin/time -f "%U %S" -a -o "$out/qemu-times.\$KTSTR_GTHRU_J" "$qemu" "\$@"
WRAP
chmod +x "$out/qemu"
echo "# gauntlet throughput: $*; tiny and smt x eevdf and scx_simple; results in $out"
for j in 1 2; do
	: >"$out/qemu-times.$j"
	KTSTR_GTHRU_J=$j KTSTR_QEMU="$out/qemu" /usr/bin/time -f "%e %U %S" -o "$out/total.$j" \
		"$top/ktstr" gauntlet --accel tcg -j "$j" --topology tiny --topology smt \
		--scheduler eevdf --scheduler scx_simple "$@" >"$out/ktap.$j" 2>"$out/err.$j"
	rc=$?
	cells=$(grep -cE '^(not )?ok [0-9]+ ' "$out/ktap.$j")
	failed=$(grep -cE '^not ok [0-9]+ ' "$out/ktap.$j")
	# time(1) adds a line of its own when QEMU exits non-zero: count timings only.
	vms=$(grep -cE '^[0-9.]+ [0-9.]+$' "$out/qemu-times.$j")
	awk -v j="$j" -v cells="$cells" -v failed="$failed" -v vms="$vms" -v rc="$rc" '
		FNR == NR { wall = $1; cpu = $2 + $3; next }
		/^[0-9.]+ [0-9.]+$/ { q += $1 + $2 }
		END {
			printf "-j %d: %d cells (%d not ok, exit %d) in %.0f s: %.0f tests per hour; %d VMs; host CPU %.1f s, QEMU %.1f s, ktstr outside QEMU %.2f s per VM\n",
			       j, cells, failed, rc, wall, cells * 3600 / wall, vms, cpu, q,
			       vms ? (cpu - q) / vms : 0
		}' "$out/total.$j" "$out/qemu-times.$j"
done
