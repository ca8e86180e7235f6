#!/bin/sh
# Installs the Debian packages that are missing, then configures and builds.
# Run as root on Debian 12 or 13 from the source tree (or any directory).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

missing=""
for pkg in $(grep -v '^#' scripts/packages); do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
	echo "setup: installing$missing"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -q
	# Installing knot must not start a system knotd (no init in containers).
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
fi

[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure --quiet
make -s -j"$(nproc)"
