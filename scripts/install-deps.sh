#!/bin/sh
# Install the Debian packages listed in scripts/deb-packages.txt.
# Non-interactive and idempotent: only missing packages are installed.
set -eu
here=$(dirname "$0")
pkgs=$(grep -v -e '^#' -e '^$' "$here/deb-packages.txt")
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all $(echo $pkgs | wc -w) packages already installed"
	exit 0
fi
echo "deps: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: need root to install packages; rerun as root or with sudo" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends $missing
