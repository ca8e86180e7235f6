#!/bin/sh
# Builds the knot-module-mailsrv package (dpkg-buildpackage -us -uc -b),
# installs it, and checks that the stock knotd loads the module from its
# module directory without a 'module:' section, answers, and counts the
# answers; then purges the package. Ends with "N passed, N failed".
#
# It installs a package: run it as root in a system you can change, such as
# the roots of scripts/check-matrix.sh (which does so), not on a server.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/mailsrv-deb-XXXXXX)
passed=0
failed=0
pid=""

check() { # description, then the command
	desc=$1
	shift
	if "$@" >>"$work/log" 2>&1; then
		passed=$((passed + 1))
		echo "ok - $desc"
	else
		failed=$((failed + 1))
		echo "not ok - $desc (log: $work/log)"
		tail -n 20 "$work/log" | sed 's/^/# /'
	fi
}

cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	if dpkg-query -W knot-module-mailsrv >/dev/null 2>&1; then
		apt-get purge -y -q knot-module-mailsrv >>"$work/log" 2>&1
	fi
}
trap cleanup EXIT

build() {
	# The build tools, the test's tools and debian/control's Build-Depends.
	apt-get update -q &&
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		build-essential debhelper dpkg-dev knot knot-dnsutils python3 || return 1
	# The source as in a checkout (the matrix roots have a copy without .git;
	# dpkg-buildpackage cleans what a build left there).
	mkdir -p "$work/src" &&
	if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$top" && git ls-files -z --cached --others --exclude-standard |
			tar --null -T - -cf -) | tar -xf - -C "$work/src"
	else
		cp -a "$top/." "$work/src"
	fi &&
	DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -q "$work/src" &&
	(cd "$work/src" && timeout 1200 dpkg-buildpackage -us -uc -b) &&
	ls "$work"/knot-module-mailsrv_*.deb
}

install_deb() {
	DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q "$work"/knot-module-mailsrv_*.deb &&
	test -f "$(pkg-config --variable module_instdir knotd)/mailsrv.so"
}

# A stock knotd, the packaged module, no 'module:' section.
serve() {
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	cat >"$work/example.com.zone" <<-'EOF'
	$ORIGIN example.com.
	$TTL 300
	@ SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300
	@ NS ns.example.com.
	EOF
	cat >"$work/knot.conf" <<-EOF
	server:
	    listen: 127.0.0.1@$port
	    rundir: $work
	log:
	  - target: $work/knot.log
	    any: info
	database:
	    storage: $work
	control:
	    listen: $work/knot.sock
	mod-mailsrv:
	  - id: default
	    target: mail.example.net.
	    domain: example.com
	    statistics: on
	template:
	  - id: default
	    storage: $work
	    file: "%s.zone"
	    module: mod-mailsrv/default
	zone:
	  - domain: example.com
	EOF
	knotd -c "$work/knot.conf" >>"$work/log" 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 100 ]; do
		answer=$(kdig @127.0.0.1 -p "$port" +short +time=1 +retry=0 _imaps._tcp.example.com SRV 2>/dev/null)
		[ -n "$answer" ] && break
		kill -0 "$pid" 2>/dev/null || break
		i=$((i + 1))
		sleep 0.1
	done
	echo "answer: $answer"
	[ "$answer" = "10 1 993 mail.example.net." ]
}

# The installed script, against that one server: it agrees with itself.
servers_agree() {
	mailsrv-check-servers -s "127.0.0.1@$port" -n _imaps._tcp example.com | tee -a "$work/log" |
		grep -q '^_imaps._tcp.example.com. SRV: same on all servers$'
}

counted() {
	knotc -s "$work/knot.sock" zone-stats example.com mod-mailsrv | tee -a "$work/log" |
		grep -q '^\[example.com.\] mod-mailsrv.srv\[imaps\] = [1-9]'
}

purge() {
	kill "$pid" && wait "$pid"
	pid=""
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -q knot-module-mailsrv &&
	test ! -e "$(pkg-config --variable module_instdir knotd)/mailsrv.so"
}

check "dpkg-buildpackage -us -uc -b builds knot-module-mailsrv" build
check "the package installs" install_deb
check "stock knotd loads the installed module without a module: section" serve
check "knotc zone-stats shows the module's counters" counted
check "mailsrv-check-servers is installed and asks a server" servers_agree
check "purging the package removes the module" purge
[ "$failed" -gt 0 ] || rm -rf "$work"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
