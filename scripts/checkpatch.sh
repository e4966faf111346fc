#!/bin/sh
# Run the kernel's checkpatch.pl --strict over the code that must read as
# upstream kernel code: kmod/, uapi/ and selftests/ (tracked files only).
#
# It runs from a scratch directory: under --strict, checkpatch caches the
# CamelCase names of the tree's include/ in ./.checkpatch-camelcase.git.*
# when ./.git exists (GIT_DIR tells it where the repository is), and that
# file must not land in the repository.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tree=${KERNEL_TREE:-$("$top/ktstr" kernel path)}
cd "$top"
files=$(git ls-files 'kmod/*.c' 'kmod/*.h' 'uapi/*.h' 'selftests/*.c' 'selftests/*.h')
gitdir=$(git rev-parse --absolute-git-dir)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
paths=$(for f in $files; do [ ! -f "$f" ] || echo "$top/$f"; done)
(cd "$scratch" &&
	GIT_DIR=$gitdir "$tree/scripts/checkpatch.pl" --strict --no-tree --terse -f $paths)
echo "checkpatch --strict: clean ($(echo $paths | wc -w) files)"
