#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Put the ktstr kselftest target into a kernel tree, as the upstream
# series adds it:
#
#   selftests/ (tracked files)  -> tools/testing/selftests/ktstr/
#   uapi/linux/*.h              -> tools/testing/selftests/ktstr/uapi/linux/
#   kmod/ (the module)          -> tools/testing/selftests/ktstr/test_modules/
#
# uapi/ and test_modules/ are links in this repository; in the tree they
# are real directories, so the target is self-contained and builds its
# module against any KDIR. selftests/scheds (needs tools/sched_ext and a
# built kernel) stays out.
#
#   selftests-tree.sh TREE [module|tests|all]
#
# "module" writes the module and its uapi header, "tests" the rest and
# the TARGETS line in tools/testing/selftests/Makefile; "all" (default)
# both.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: selftests-tree.sh TREE [module|tests|all]" >&2
	exit 2
fi
tree=$1
part=${2:-all}
case $part in
module | tests | all) ;;
*)
	echo "selftests-tree: bad part \"$part\": expected module, tests or all" >&2
	exit 2
	;;
esac
if [ ! -f "$tree/tools/testing/selftests/lib.mk" ]; then
	echo "selftests-tree: $tree is not a kernel tree (no tools/testing/selftests/lib.mk)" >&2
	exit 1
fi
dst=$tree/tools/testing/selftests/ktstr

# Copy the tracked files under repository directory $1 to $2.
copy_tracked() {
	git -C "$top" ls-files -- "$1" | while read -r f; do
		rel=${f#"$1"/}
		mkdir -p "$(dirname "$2/$rel")"
		cp "$top/$f" "$2/$rel"
	done
}

if [ "$part" != tests ]; then
	copy_tracked uapi "$dst/uapi"
	copy_tracked kmod "$dst/test_modules"
fi
if [ "$part" != module ]; then
	git -C "$top" ls-files -s -- selftests ':!selftests/scheds' |
		while read -r mode _ _ f; do
			# The links to uapi/ and kmod/ are written above.
			[ "$mode" = 120000 ] && continue
			rel=${f#selftests/}
			mkdir -p "$(dirname "$dst/$rel")"
			cp "$top/$f" "$dst/$rel"
		done
	mk=$tree/tools/testing/selftests/Makefile
	if ! grep -q '^TARGETS += ktstr$' "$mk"; then
		# In its alphabetical place, after kexec.
		sed -i 's/^TARGETS += kexec$/&\nTARGETS += ktstr/' "$mk"
		grep -q '^TARGETS += ktstr$' "$mk" || {
			echo "selftests-tree: no 'TARGETS += kexec' line in $mk to add ktstr after" >&2
			exit 1
		}
	fi
fi
