#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make upstream-series OUT=DIR: write the git format-patch series that adds
# the ktstr kselftest target to a kernel tree (scripts/selftests-tree.sh
# says where each file goes). The patches are made against a git
# repository of linux-source-6.12: BASE if given (left as it was), else
# one made from Debian's tarball in a temporary directory.
#
#   upstream-series.sh [--base REPO] OUT
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
base=""
if [ "${1:-}" = --base ]; then
	base=$2
	shift 2
fi
if [ $# -ne 1 ]; then
	echo "usage: upstream-series.sh [--base REPO] OUT" >&2
	exit 2
fi
out=$1
work=$(mktemp -d)
cleanup() {
	[ -n "$base" ] && git -C "$base" worktree remove --force "$work/tree" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "$base" ]; then
	base=$work/base
	"$top/scripts/linux-source-repo.sh" "$base"
fi
# Only the paths the series touches are checked out (fast, and enough).
git -C "$base" worktree add -q --no-checkout --detach "$work/tree" HEAD
tree=$work/tree
git -C "$tree" sparse-checkout set --no-cone /MAINTAINERS /tools/testing/selftests/
git -C "$tree" checkout -q
author=$(git -C "$top" config user.name) || author=""
email=$(git -C "$top" config user.email) || email=""
if [ -z "$author" ] || [ -z "$email" ]; then
	echo "upstream-series: set git user.name and user.email: the patches are signed off with them" >&2
	exit 1
fi

commit() {
	git -C "$tree" add -f -A tools/testing/selftests/ktstr MAINTAINERS \
		tools/testing/selftests/Makefile
	git -C "$tree" -c user.name="$author" -c user.email="$email" \
		commit -q -s -F -
}

# 1: the module and its uapi, with a MAINTAINERS entry for both.
"$top/scripts/selftests-tree.sh" "$tree" module
python3 - "$tree/MAINTAINERS" "$author <$email>" <<'EOF'
import sys
path, who = sys.argv[1], sys.argv[2]
text = open(path).read()
entry = ("KTSTR SCHEDULER TEST HARNESS\n"
         "M:\t%s\n"
         "L:\tlinux-kselftest@vger.kernel.org\n"
         "L:\tsched-ext@lists.linux.dev\n"
         "S:\tMaintained\n"
         "F:\ttools/testing/selftests/ktstr/test_modules/\n"
         "F:\ttools/testing/selftests/ktstr/uapi/\n\n" % who)
# Sections are sorted by name (mostly): ours goes right after the one
# whose name is the greatest below ours.
head, sep, body = text.partition("\n\n3C59X NETWORK DRIVER")
sections = (sep.lstrip("\n") + body).split("\n\n")
name = entry.split("\n")[0]
below = [(s.split("\n")[0], i) for i, s in enumerate(sections)
         if s.split("\n")[0] < name]
sections.insert(max(below)[1] + 1, entry.rstrip("\n"))
open(path, "w").write(head + "\n\n" + "\n\n".join(sections))
EOF
commit <<'EOF'
selftests/ktstr: add the ktstr test module

ktstr tests Linux process schedulers, sched_ext ones first: it boots
the kernel under test in a VM with a chosen CPU topology, runs
workloads in cgroups and checks starvation, fairness and liveness.

Its tests read scheduler state from inside the kernel through
/dev/ktstr, a test module: validated reads and writes of allowlisted
task_struct and per-CPU runqueue fields, a stop_machine() snapshot of
every CPU, and rendezvous points where a host that runs the VM can
freeze it and capture its memory. The module's non-exported symbols
come in its ksyms parameter, each one checked against kallsyms.

Add the module under test_modules/ and its uapi header, so the target
stays self-contained and builds against any KDIR.

checkpatch suggests <linux/nmi.h> for <asm/nmi.h>: on x86 the former
includes the latter only for some configurations, and
register_nmi_handler() is declared in <asm/nmi.h> alone.
EOF

# 2: the tests, and the target in the selftests Makefile.
"$top/scripts/selftests-tree.sh" "$tree" tests
sed -i 's|^F:\ttools/testing/selftests/ktstr/test_modules/$|F:\ttools/testing/selftests/ktstr/|; /^F:\ttools\/testing\/selftests\/ktstr\/uapi\/$/d' \
	"$tree/MAINTAINERS"
commit <<'EOF'
selftests/ktstr: add the ktstr selftests

Add the programs that use the module: the topology the VM was booted
with, the sched_ext state against the scheduler asked for, the
environment, every ioctl of /dev/ktstr with malformed requests refused,
each layer of the validated task write, the snapshot and capture
rendezvous, and the scenario catalogue: workloads in cgroups with
checks that fire on starvation, unfairness, isolation breaks and a
dead scheduler, each with a negative control.

Run directly, as kselftest does, the module is loaded from
test_modules/ when /dev/ktstr is missing, and a test that needs what
only a ktstr host provides (the declared topology) SKIPs and says so.
A program whose tests all SKIPped exits KSFT_SKIP.
EOF

rm -rf "$out"
mkdir -p "$out"
git -C "$tree" format-patch -q -o "$(cd "$out" && pwd)" HEAD~2..HEAD
ls "$out"/*.patch
