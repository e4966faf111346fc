#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build collections of the kernel's own kselftests from the tree of the
# cached kernel under test (same source, config and vmlinux BTF) and
# install them into OUT, as 'make -C tools/testing/selftests install'
# does: OUT is what 'ktstr run --kselftest OUT -c COLLECTION' takes.
#
#   kselftest-build.sh OUT COLLECTION...
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 2 ]; then
	echo "usage: kselftest-build.sh OUT COLLECTION..." >&2
	exit 2
fi
out=$(mkdir -p "$1" && cd "$1" && pwd)
shift
tree=$("$top/ktstr" kernel path)
# SKIP_TARGETS=: the selftests Makefile leaves sched_ext and bpf out by
# default. clang-16 builds the BPF parts, as for tools/sched_ext.
make -s -C "$tree/tools/testing/selftests" TARGETS="$*" SKIP_TARGETS= \
	CC=gcc CLANG=clang-16 LLVM_STRIP=llvm-strip-16 INSTALL_PATH="$out" \
	install >/dev/null
echo "kselftest-build: $* in $out" >&2
