#!/bin/sh
# Run the kernel's checkpatch.pl --strict over the code that must read as
# upstream kernel code: kmod/, uapi/ and selftests/ (tracked files only).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tree=${KERNEL_TREE:-$("$top/ktstr" kernel path)}
cd "$top"
files=$(git ls-files 'kmod/*.c' 'kmod/*.h' 'uapi/*.h' 'selftests/*.c' 'selftests/*.h')
"$tree/scripts/checkpatch.pl" --strict --no-tree --terse -f $files
echo "checkpatch --strict: clean ($(echo $files | wc -w) files)"
