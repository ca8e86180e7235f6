"""Real resolvers from Debian packages, started on free loopback ports.

Unbound (stub zones) and Knot Resolver (forwarding) point at a test knotd;
both validate with trust anchors taken from the test zones' DNSKEYs. Every
process is stopped by its PID; every wait is bounded.
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time

import dns.flags
import dns.message
import dns.query

import harness

UNBOUND = shutil.which("unbound") or "/usr/sbin/unbound"
KRESD = shutil.which("kresd") or "/usr/sbin/kresd"


def key_signing_keys(knot, zone):
    """The zone's DNSKEYs with the SEP flag, as trust anchor lines."""
    resp = knot.query(zone, "DNSKEY", tcp=True)
    lines = []
    for rrset in resp.answer:
        for rd in rrset:
            if rd.flags & 1:
                lines.append("%s 3600 IN DNSKEY %s" % (rrset.name.to_text(), rd.to_text()))
    if not lines:
        raise RuntimeError("no DNSKEY with the SEP flag in %s" % zone)
    return lines


class Resolver:
    """A resolver process in its own directory."""

    name = "resolver"

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="mailsrv-%s-" % self.name)
        self.port = None
        self.proc = None
        self.log_path = os.path.join(self.dir, "%s.log" % self.name)

    def command(self):
        raise NotImplementedError

    def write_config(self):
        raise NotImplementedError

    def start(self):
        for _ in range(3):
            self.port = harness.free_port()
            self.write_config()
            log = open(self.log_path, "a")
            self.proc = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                         cwd=self.dir, preexec_fn=harness._die_with_parent)
            log.close()
            if self.wait_ready():
                return
            self.stop()
        raise RuntimeError("%s did not start:\n%s" % (self.name, self.log()[-3000:]))

    def wait_ready(self):
        deadline = time.monotonic() + harness.WAIT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                # Any answer will do: the resolver listens.
                q = dns.message.make_query("localhost.", "A")
                dns.query.udp(q, "127.0.0.1", port=self.port, timeout=0.5)
                return True
            except Exception:
                time.sleep(0.1)
        return False

    def query(self, name, rdtype, timeout=5.0, dnssec=True):
        """A recursive query, with DO (validated answers carry AD)."""
        q = dns.message.make_query(name, rdtype, want_dnssec=dnssec)
        return dns.query.udp(q, "127.0.0.1", port=self.port, timeout=timeout)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(harness.WAIT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(harness.WAIT)
        self.proc = None

    def log(self):
        return harness.read_text(self.log_path)

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Unbound(Resolver):
    """unbound with stub zones to the test knotd."""

    name = "unbound"

    def __init__(self, knot_port, zones, anchors=(), strict=True, aggressive_nsec=True):
        super().__init__()
        self.knot_port = knot_port
        self.zones = zones
        self.anchors = list(anchors)
        self.strict = strict
        self.aggressive_nsec = aggressive_nsec

    def write_config(self):
        yes = lambda flag: "yes" if flag else "no"
        lines = [
            "server:",
            "    interface: 127.0.0.1",
            "    port: %d" % self.port,
            "    do-not-query-localhost: no",
            "    username: \"\"",
            "    chroot: \"\"",
            "    directory: \"%s\"" % self.dir,
            "    pidfile: \"%s/unbound.pid\"" % self.dir,
            "    use-syslog: no",
            "    logfile: \"\"",
            "    verbosity: 1",
            "    val-log-level: 2",
            "    num-threads: 1",
            "    qname-minimisation: yes",
            "    qname-minimisation-strict: %s" % yes(self.strict),
            "    aggressive-nsec: %s" % yes(self.aggressive_nsec),
            "    harden-below-nxdomain: yes",
            "    module-config: \"validator iterator\"",
            "    access-control: 127.0.0.0/8 allow",
            "    local-zone: \"localhost.\" static",
        ]
        lines += ["    trust-anchor: \"%s\"" % a for a in self.anchors]
        for zone in self.zones:
            lines += ["stub-zone:", "    name: \"%s\"" % zone,
                      "    stub-addr: 127.0.0.1@%d" % self.knot_port]
        lines += ["remote-control:", "    control-enable: no"]
        with open(os.path.join(self.dir, "unbound.conf"), "w") as f:
            f.write("\n".join(lines) + "\n")

    def command(self):
        return [UNBOUND, "-d", "-c", os.path.join(self.dir, "unbound.conf")]


class Kresd(Resolver):
    """Knot Resolver forwarding the test zones to the test knotd."""

    name = "kresd"

    def __init__(self, knot_port, zones, anchors=()):
        super().__init__()
        self.knot_port = knot_port
        self.zones = zones
        self.anchors = list(anchors)

    def write_config(self):
        lines = [
            "net.listen('127.0.0.1', %d, { kind = 'dns' })" % self.port,
            "cache.size = 10 * MB",
            "trust_anchors.remove('.')",  # no internet: islands of trust only
        ]
        lines += ["trust_anchors.add('%s')" % a for a in self.anchors]
        names = ", ".join("todname('%s')" % z for z in self.zones)
        lines += ["policy.add(policy.suffix(policy.FORWARD('127.0.0.1@%d'), { %s }))"
                  % (self.knot_port, names),
                  "policy.add(policy.suffix(policy.DENY, { todname('localhost.') }))"]
        with open(os.path.join(self.dir, "kresd.lua"), "w") as f:
            f.write("\n".join(lines) + "\n")

    def command(self):
        os.makedirs(os.path.join(self.dir, "run"), exist_ok=True)
        return [KRESD, "-n", "-c", os.path.join(self.dir, "kresd.lua"),
                os.path.join(self.dir, "run")]
