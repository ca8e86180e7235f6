#!/bin/bash
# Builds the module and runs the whole test suite (scripts/test.sh) inside
# minimal Debian roots made with debootstrap, one per Knot DNS series that
# Debian ships besides the host's: Debian 13 (trixie, Knot 3.4) and Debian
# testing (Knot 3.5); in those and in a Debian 12 (bookworm) root, it also
# builds the Debian package and tests installing it (scripts/check-deb.sh).
# Prints one summary line per distribution and fails if any fails. Run as
# root.
#
#   scripts/check-matrix.sh [release ...]  (default: trixie testing bookworm)
#
# Environment:
#   MATRIX_CACHE  where the roots are kept between runs
#                 (default /var/cache/mod-mailsrv/matrix)
#   MATRIX_MIRROR Debian mirror (default http://deb.debian.org/debian)
#   MATRIX_REFRESH_MIN  refresh a root's packages after this many minutes (1440)
#
# Every step has a time limit; processes left in a root are stopped by PID
# and everything mounted is unmounted on any exit. Servers started by the
# tests listen on 127.0.0.1 (the roots share the host's loopback).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${MATRIX_CACHE:-/var/cache/mod-mailsrv/matrix}
MIRROR=${MATRIX_MIRROR:-http://deb.debian.org/debian}
REFRESH_MIN=${MATRIX_REFRESH_MIN:-1440}
RELEASES=("$@")
[ ${#RELEASES[@]} -gt 0 ] || RELEASES=(trixie testing bookworm)

MOUNTS=()
CUR_ROOT=""

log() { printf 'check-matrix: %s\n' "$*" >&2; }

# Stops every process whose root directory is the chroot, by PID.
kill_root_procs() {
	local root=$1 sig p found
	[ -n "$root" ] || return 0
	for sig in TERM TERM KILL; do
		found=""
		for p in /proc/[0-9]*; do
			[ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] || continue
			found=1
			kill -"$sig" "${p#/proc/}" 2>/dev/null
		done
		[ -n "$found" ] || return 0
		sleep 1
	done
}

umount_all() {
	local i
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}" ||
			log "could not unmount ${MOUNTS[i]}"
	done
	MOUNTS=()
}

cleanup() {
	kill_root_procs "$CUR_ROOT"
	umount_all
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

do_mount() {
	local target=${*: -1}
	mountpoint -q "$target" && return 0
	mount "$@" && MOUNTS+=("$target")
}

# The root itself: bound onto itself, so that it is a mount point.
# /proc: knot's postinst (systemd-tmpfiles) and the tests need it.
# /dev/pts: apt. /tmp and /run: fresh per run.
mount_root() {
	local root=$1
	# A mount point: tests make private mount namespaces (unshare) inside.
	do_mount --bind "$root" "$root" || return 1
	do_mount -t proc proc "$root/proc" || return 1
	if [ ! -c "$root/dev/null" ] || [ ! -c "$root/dev/urandom" ]; then
		do_mount --bind /dev "$root/dev" || return 1
	fi
	do_mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts "$root/dev/pts" || return 1
	do_mount -t tmpfs -o mode=1777 tmpfs "$root/tmp" || return 1
	do_mount -t tmpfs -o mode=755 tmpfs "$root/run" || return 1
	mkdir -p -m 1777 "$root/run/lock"
}

# Runs a command in the root with a clean environment and a time limit.
in_root() {
	local limit=$1 root=$2
	shift 2
	timeout --kill-after=10 "$limit" chroot "$root" /usr/bin/env -i \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}

configure_apt() {
	local root=$1 rel=$2
	case $rel in
	testing|unstable|sid)
		echo "deb $MIRROR $rel main" >"$root/etc/apt/sources.list"
		# Rolling suites' Release files expire within a week; a mirror
		# snapshot must not stop the matrix.
		echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/99matrix" ;;
	*)
		printf 'deb %s %s main\ndeb %s %s-updates main\ndeb %s %s-security main\n' \
			"$MIRROR" "$rel" "$MIRROR" "$rel" "${MIRROR%/debian}/debian-security" "$rel" \
			>"$root/etc/apt/sources.list" ;;
	esac
	# Installing knot must never start a server.
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 755 "$root/usr/sbin/policy-rc.d"
}

# Creates the root once (debootstrap), refreshes its packages once a day.
ensure_root() {
	local rel=$1 root=$2 logf=$3
	if [ ! -e "$root/.matrix-ready" ]; then
		rm -rf --one-file-system "$root"
		log "$rel: debootstrap into $root"
		timeout 1200 debootstrap --variant=minbase "$rel" "$root" "$MIRROR" >>"$logf" 2>&1 ||
			return 1
		configure_apt "$root" "$rel"
		mount_root "$root" || return 1
		in_root 600 "$root" apt-get update -q >>"$logf" 2>&1 || return 1
		touch "$root/.matrix-ready" "$root/.matrix-refreshed"
		return 0
	fi
	configure_apt "$root" "$rel"
	mount_root "$root" || return 1
	if [ -n "$(find "$root/.matrix-refreshed" -mmin +"$REFRESH_MIN" 2>/dev/null)" ]; then
		log "$rel: refreshing packages"
		in_root 1800 "$root" sh -c 'apt-get update -q && apt-get -y -q upgrade' >>"$logf" 2>&1 ||
			return 1
		touch "$root/.matrix-refreshed"
	fi
}

# Copies the working tree (tracked and new files, not build products).
copy_source() {
	local root=$1
	rm -rf "$root/build" && mkdir -p "$root/build/src" || return 1
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
		tar --null -T - -cf -) | tar -xf - -C "$root/build/src"
}

run_release() {
	local rel=$1 root=$CACHE/$1 logf=$CACHE/$1.log result knot
	: >"$logf"
	exec 9>"$CACHE/$rel.lock"
	if ! flock -w 3600 9; then
		echo "$rel: 0 passed, 1 failed (root locked by another run)"
		return 1
	fi
	CUR_ROOT=$root
	kill_root_procs "$root"
	if ! ensure_root "$rel" "$root" "$logf" || ! copy_source "$root"; then
		cleanup
		CUR_ROOT=""
		echo "$rel: 0 passed, 1 failed (root set-up failed, see $logf)"
		return 1
	fi
	# The host runs the suite on Debian 12; its root tests the package only.
	# The project's own set-up installs the packages of scripts/packages.
	local tests='sh scripts/test.sh; sh scripts/check-deb.sh'
	[ "$rel" = "$(. /etc/os-release && echo "$VERSION_CODENAME")" ] && tests='sh scripts/check-deb.sh'
	log "$rel: running $tests (log: $logf)"
	in_root 2400 "$root" sh -c "cd /build/src && { $tests; }" >>"$logf" 2>&1
	# Every "N passed, N failed" line of the log adds up; a missing one fails.
	local expected
	expected=$(echo "$tests" | grep -o 'scripts/' | wc -l)
	result=$(sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p' "$logf" |
		awk -v want="$expected" '{ p += $1; f += $2; n++ }
			END { if (n < want) f += want - n; printf "%d passed, %d failed", p, f }')
	knot=$(in_root 30 "$root" knotd -V 2>/dev/null | head -n 1)
	cleanup
	CUR_ROOT=""
	flock -u 9
	case $result in
	*" passed, 0 failed") echo "$rel ($knot): $result"; return 0 ;;
	*" passed, "*" failed") echo "$rel ($knot): $result"; return 1 ;;
	*) echo "$rel ($knot): 0 passed, 1 failed (no result, see $logf)"; return 1 ;;
	esac
}

[ "$(id -u)" -eq 0 ] || { log "run as root (debootstrap, chroot, mount)"; exit 1; }
command -v debootstrap >/dev/null || {
	log "installing debootstrap"
	apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends debootstrap >/dev/null
} || { log "debootstrap is missing"; exit 1; }
mkdir -p "$CACHE"
CACHE=$(readlink -f "$CACHE")

rc=0
for rel in "${RELEASES[@]}"; do
	run_release "$rel" || rc=1
done
exit $rc
