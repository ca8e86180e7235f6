#!/bin/sh
# Sets up like setup.sh, starts knotd with the module on 127.0.0.1 with the
# sample list in demo/, and shows live answers. knotd keeps running.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"

run=$(mktemp -d /tmp/mailsrv-demo-XXXXXX)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cp "$top"/demo/*.zone "$top"/demo/mail-domains.txt "$run"/
sed -e "s|@PORT@|$port|g" -e "s|@RUN@|$run|g" -e "s|@MODULE@|$top/.libs/mailsrv.so|g" \
	"$top/demo/knot.conf.in" >"$run/knot.conf"

knotd -c "$run/knot.conf" >/dev/null 2>&1 &
pid=$!
# Wait (at most 10 s) until the zones answer.
i=0
until kdig @127.0.0.1 -p "$port" +short +time=1 +retry=0 example.org SOA 2>/dev/null | grep -q .; do
	i=$((i + 1))
	if [ "$i" -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
		echo "demo: knotd did not start; its log:" >&2
		cat "$run/knot.log" >&2
		kill "$pid" 2>/dev/null || true
		exit 1
	fi
	sleep 0.1
done

ask() {
	echo "\$ kdig @127.0.0.1 -p $port $*"
	kdig @127.0.0.1 -p "$port" +norec +noall +answer +authority "$@"
	echo
}
ask _submissions._tcp.example.com SRV
ask _imaps._tcp.example.org SRV
ask _imaps._tcp.shop.example.org SRV
ask _tcp.example.com A
ask _pop3s._tcp.example.com SRV

grep "mod-mailsrv" "$run/knot.log" | sed 's/^/log: /'
echo
# The control socket is bound once the zones are loaded; wait at most 5 s.
i=0
until knotc -s "$run/knot.sock" status >/dev/null 2>&1 || [ "$i" -gt 50 ]; do
	i=$((i + 1))
	sleep 0.1
done
echo "\$ knotc -s $run/knot.sock zone-stats example.com mod-mailsrv"
knotc -s "$run/knot.sock" zone-stats example.com mod-mailsrv
cat <<MSG

knotd is running as PID $pid on 127.0.0.1 port $port (files in $run).
  Edit $run/mail-domains.txt, then: knotc -s $run/knot.sock reload
  Stop it with: kill $pid
MSG
