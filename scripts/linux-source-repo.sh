#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Make DIR a git repository of Debian's linux-source-6.12, one commit:
# the tree the upstream series (scripts/upstream-series.sh) is made
# against and applied to.
#
#   linux-source-repo.sh DIR
set -eu
if [ $# -ne 1 ]; then
	echo "usage: linux-source-repo.sh DIR" >&2
	exit 2
fi
tarball=/usr/src/linux-source-6.12.tar.xz
if [ ! -r "$tarball" ]; then
	echo "linux-source-repo: $tarball missing; run 'make deps'" >&2
	exit 1
fi
if [ -e "$1" ]; then
	echo "linux-source-repo: $1 exists; give a new directory" >&2
	exit 1
fi
mkdir -p "$1"
echo "linux-source-repo: unpacking $tarball into $1" >&2
tar -xJf "$tarball" -C "$1" --strip-components=1
cd "$1"
git init -q
# -f: Debian's top-level .gitignore ignores everything ("/*").
git add -f .
git -c user.name=linux-source -c user.email=linux-source@localhost \
	commit -q -m "linux-source-6.12 $(dpkg-query -W -f '${Version}' linux-source-6.12 2>/dev/null)"
echo "linux-source-repo: $(git ls-files | wc -l) files committed" >&2
