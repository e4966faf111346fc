#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# ktstr run --kselftest: run one collection of the kselftest tree the host
# copied to /kselftest, with the kernel's own run_kselftest.sh, and exit as
# a kselftest program: 1 if a test was not ok, 4 (SKIP) if every test
# SKIPped, else 0. Its output nests under ktstr run's line for it.
#
#   kselftest-run.sh COLLECTION
set -u
if [ $# -ne 1 ]; then
	echo "usage: kselftest-run.sh COLLECTION" >&2
	exit 2
fi
cd /kselftest || exit 1
out=/tmp/kselftest-$1.tap
./run_kselftest.sh -c "$1" 2>&1 | tee "$out"
grep -q '^not ok' "$out" && exit 1
total=$(grep -cE '^ok [0-9]+ ' "$out")
skips=$(grep -cE '^ok [0-9]+ .*# SKIP' "$out")
[ "$total" -gt 0 ] && [ "$total" -eq "$skips" ] && exit 4
[ "$total" -gt 0 ] || exit 1
exit 0
