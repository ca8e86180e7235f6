#!/bin/sh
# Installs the Debian packages that are missing, then configures and builds.
# Run as root on Debian 12, 13 or testing, from the source tree.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

installed() {
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

available() {
	apt-cache policy "$1" 2>/dev/null | grep -q 'Candidate: [^(]'
}

sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo

# Lines of scripts/packages: a package, or alternatives "a | b".
missing=""
updated=""
# A line of alternatives wants the first one the release has (as far as the
# package lists tell): keymgr is in knot-keymgr since Knot 3.5, in knot before.
first_available() {
	for pkg in "$@"; do
		available "$pkg" && echo "$pkg" && return
	done
}
grep -v '^#' scripts/packages | sed 's/|/ /g' | while read -r first others; do
	[ -n "$first" ] || continue
	found=""
	choice=""
	[ -z "$others" ] || choice=$(first_available $first $others)
	for pkg in ${choice:-$first $others}; do
		installed "$pkg" && found=1 && break
	done
	if [ -z "$found" ]; then
		echo "$first $others"
	fi
done >"${TMPDIR:-/tmp}/mailsrv-missing.$$"

if [ -s "${TMPDIR:-/tmp}/mailsrv-missing.$$" ]; then
	$sudo apt-get update -q
	while read -r first others; do
		choice=$first
		for pkg in $first $others; do
			if available "$pkg"; then
				choice=$pkg
				break
			fi
		done
		missing="$missing $choice"
	done <"${TMPDIR:-/tmp}/mailsrv-missing.$$"
	echo "setup: installing$missing"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
fi
rm -f "${TMPDIR:-/tmp}/mailsrv-missing.$$"

[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure --quiet
make -s -j"$(nproc)"
