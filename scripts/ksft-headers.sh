#!/bin/sh
# Print a directory holding the kernel's kselftest framework: its headers
# (kselftest_harness.h, kselftest.h), lib.mk and its runner
# (kselftest/runner.sh), extracting them once from Debian's
# linux-source tarball into the ktstr cache. Tests include them from there:
# they are the kernel's, never copied into this repository.
set -eu
tarball=$(ls /usr/src/linux-source-6.12.tar.xz 2>/dev/null || true)
if [ -z "$tarball" ]; then
	echo "ksft-headers: /usr/src/linux-source-6.12.tar.xz missing; run 'make deps'" >&2
	exit 1
fi
cache=${XDG_CACHE_HOME:-$HOME/.cache}/ktstr/src
ver=$(stat -c %s-%Y "$tarball")
dir=$cache/ksft-$ver
if [ ! -f "$dir/.done" ] || [ ! -f "$dir/lib.mk" ]; then
	mkdir -p "$dir"
	tar -xJf "$tarball" -C "$dir" --strip-components=4 \
		--wildcards 'linux-source-6.12/tools/testing/selftests/kselftest*.h' \
		'linux-source-6.12/tools/testing/selftests/kselftest/*' \
		'linux-source-6.12/tools/testing/selftests/lib.mk'
	touch "$dir/.done"
fi
echo "$dir"
