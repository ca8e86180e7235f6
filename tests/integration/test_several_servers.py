#!/usr/bin/python3
"""Several authoritative servers: membership carried by DNS itself. A primary
knotd generates a catalog zone (RFC 9432) with catalog groups; a secondary
knotd interprets it, each group a template, the group 'mail' with
'module: mod-mailsrv/mail' and 'domain-apex: on', the group 'mx' with
'domain-mx'. Neither server has a list. NOTIFY and transfers are real.
doc/mailsrv.rst "Several servers" shows this configuration."""

import glob
import os
import shutil
import subprocess
import sys
import time

import dns.flags
import dns.rcode
import dns.rdatatype

import harness
import resolvers

TARGET = "mail.provider.net."
FLAGS = "QR AA"

# The same sections on every server: the configuration of the mail groups.
MODULES = """
mod-mailsrv:
  - id: mail
    target: %s
    domain-apex: on
  - id: mx
    target: %s
    domain-mx: "*.mx.provider.net."
""" % (TARGET, TARGET)

PRIMARY = """
remote:
  - id: secondary
    address: 127.0.0.1@%(secondary)d
acl:
  - id: transfer
    address: 127.0.0.1
    action: transfer
"""

PRIMARY_TEMPLATE = """    notify: secondary
    acl: transfer"""

SECONDARY = """
remote:
  - id: primary
    address: 127.0.0.1@%(primary)d
acl:
  - id: notify
    address: 127.0.0.1
    action: notify
"""

SECONDARY_TEMPLATES = """  - id: plain
    storage: %(dir)s
    file: %%s.zone
    master: primary
    acl: notify
  - id: mail
    storage: %(dir)s
    file: %%s.zone
    master: primary
    acl: notify
    module: mod-mailsrv/mail
  - id: mx
    storage: %(dir)s
    file: %%s.zone
    master: primary
    acl: notify
    module: mod-mailsrv/mx"""


def zone(origin, serial=1, body=""):
    return ("$ORIGIN %s.\n$TTL 300\n"
            "@ 3600 SOA ns1.provider.net. hostmaster.provider.net. %d 3600 600 86400 300\n"
            "@ NS ns1.provider.net.\n@ NS ns2.provider.net.\n%s" % (origin, serial, body))


def soa(origin, serial=1):
    return "%s. 300 IN SOA ns1.provider.net. hostmaster.provider.net. %d 3600 600 86400 300" % (
        origin, serial)


def member(group, mods=()):
    """A member zone of the catalog in \\a group, on the primary."""
    return (list(mods), "    catalog-role: member", "    catalog-zone: catalog.",
            "    catalog-group: %s" % group)


def primary_zone(origin, group, body="", serial=1, mods=None):
    if mods is None:
        mods = {"mail": ["mod-mailsrv/mail"], "mx": ["mod-mailsrv/mx"]}.get(group, [])
    return (zone(origin, serial, body),) + member(group, mods)


primary = secondary = None


def setUpModule():
    global primary, secondary
    ports = (harness.free_port(), harness.free_port())
    primary = harness.Knot({
        "catalog.": (None, [], "    catalog-role: generate"),
        "a.test": primary_zone("a.test", "mail"),
        "b.test": primary_zone("b.test", "plain"),
        "c.test": primary_zone("c.test", "mx", "@ MX 10 mx.elsewhere.net.\n"),
        # The module on the primary only: the servers disagree.
        "e.test": primary_zone("e.test", "plain", mods=["mod-mailsrv/mail"]),
    }, modules=MODULES, extra_conf=PRIMARY % {"secondary": ports[1]},
        template=PRIMARY_TEMPLATE, port=ports[0])
    secondary = harness.Knot({
        "catalog.": (None, [], "    master: primary", "    acl: notify",
                     "    catalog-role: interpret",
                     "    catalog-template: [ plain, mail, mx ]"),
    }, modules=MODULES, extra_conf=SECONDARY % {"primary": ports[0]}, port=ports[1])
    secondary.templates = SECONDARY_TEMPLATES % {"dir": secondary.dir}
    primary.start()
    try:
        secondary.start()
    except Exception:
        primary.cleanup()
        raise


def tearDownModule():
    for knot in (secondary, primary):
        knot.cleanup()


def srv(owner, port):
    return "%s 3600 IN SRV 10 1 %d %s" % (owner, port, TARGET)


def wait_for(what, check):
    """Polls \\a check until it is true (at most harness.WAIT); returns the
    seconds it took."""
    start = time.monotonic()
    while time.monotonic() - start < harness.WAIT:
        if check():
            return time.monotonic() - start
        time.sleep(0.02)
    raise AssertionError("timed out waiting for " + what)


def serial_is(knot, origin, serial):
    try:
        resp = knot.query(origin + ".", "SOA", timeout=0.5)
    except Exception:
        return False
    return (resp.rcode() == dns.rcode.NOERROR and len(resp.answer) == 1 and
            resp.answer[0][0].serial == serial)


class SeveralServers(harness.DnsTestCase):
    def expect(self, knot, name, rdtype, rcode, answer=(), authority=(), flags=FLAGS):
        for tcp in (False, True):
            resp = knot.query(name, rdtype, tcp=tcp)
            self.assertResponse(resp, rcode, flags, answer=answer, authority=authority)

    def answered(self, origin, serial=1, servers=None):
        for knot in servers or (primary, secondary):
            self.expect(knot, "_imaps._tcp.%s." % origin, "SRV", "NOERROR",
                        [srv("_imaps._tcp.%s." % origin, 993)])
            self.expect(knot, "_submissions._tcp.%s." % origin, "SRV", "NOERROR",
                        [srv("_submissions._tcp.%s." % origin, 465)])
            self.expect(knot, "_tcp.%s." % origin, "SRV", "NOERROR",
                        authority=[soa(origin, serial)])

    def not_answered(self, origin, serial=1):
        for knot in (primary, secondary):
            self.expect(knot, "_imaps._tcp.%s." % origin, "SRV", "NXDOMAIN",
                        authority=[soa(origin, serial)])

    def wait_zone(self, origin, serial=1):
        wait_for("%s serial %d on the secondary" % (origin, serial),
                 lambda: serial_is(secondary, origin, serial))

    def test_group_mail(self):
        self.wait_zone("a.test")
        self.answered("a.test")

    def test_other_group(self):
        self.wait_zone("b.test")
        self.not_answered("b.test")

    def test_zone_added_and_removed(self):
        primary.zones["d.test"] = primary_zone("d.test", "mail")
        primary.write_config()
        res = primary.knotc("reload")
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        wait_for("an SRV answer of d.test on the secondary", lambda: srv_answered(
            secondary, "d.test"))
        self.answered("d.test")

        del primary.zones["d.test"]
        primary.write_config()
        res = primary.knotc("reload")
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        wait_for("d.test removed from the secondary", lambda: refused(secondary, "d.test"))
        self.expect(secondary, "_imaps._tcp.d.test.", "SRV", "REFUSED", flags="QR")

    def set_mx(self, serial, host):
        # The configuration's copy too: a later write_config() keeps the file.
        primary.zones["c.test"] = primary_zone("c.test", "mx", "@ MX 10 %s\n" % host, serial)
        primary.write_config()
        res = primary.knotc("zone-reload", "c.test")
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        for knot in (primary, secondary):
            wait_for("c.test serial %d" % serial, lambda: serial_is(knot, "c.test", serial))

    def test_domain_mx(self):
        self.wait_zone("c.test")
        self.not_answered("c.test")
        self.set_mx(2, "in1.mx.provider.net.")
        self.answered("c.test", serial=2)
        self.set_mx(3, "mx.elsewhere.net.")
        self.not_answered("c.test", serial=3)


# DNSSEC from every server: mod-onlinesign after mod-mailsrv on each, with
# one key, made once and imported on each (manual key management: no server
# makes or rolls keys of its own). The zone is not under 'test.', which
# unbound answers itself (a default local zone, RFC 6761).
SIGNING = """
policy:
  - id: shared-key
    manual: on
    single-type-signing: on
mod-onlinesign:
  - id: shared-key
    policy: shared-key
    nsec-bitmap: [ SRV ]
"""

SIGNED_MODULES = ["mod-mailsrv/mail", "mod-onlinesign/shared-key"]
KEYMGR = os.environ.get("KEYMGR", shutil.which("keymgr") or "/usr/sbin/keymgr")


def keymgr(knot, *args):
    res = subprocess.run([KEYMGR, "-c", knot.conf_path] + list(args), capture_output=True,
                         text=True, timeout=harness.WAIT, env=harness.ENV)
    if res.returncode != 0:
        raise RuntimeError("keymgr %s: %s%s" % (" ".join(args), res.stdout, res.stderr))
    return res.stdout


class SharedKey(harness.DnsTestCase):
    """A validating resolver gets AD from either server."""

    @classmethod
    def setUpClass(cls):
        ports = (harness.free_port(), harness.free_port())
        cls.primary = harness.Knot({
            "example.com": (zone("example.com"), SIGNED_MODULES),
        }, modules=MODULES + SIGNING, extra_conf=PRIMARY % {"secondary": ports[1]},
            template=PRIMARY_TEMPLATE, port=ports[0])
        cls.secondary = harness.Knot({
            "example.com": (None, SIGNED_MODULES, "    master: primary", "    acl: notify"),
        }, modules=MODULES + SIGNING, extra_conf=SECONDARY % {"primary": ports[0]},
            port=ports[1])
        cls.resolvers = []
        try:
            for knot in (cls.primary, cls.secondary):
                knot.write_config()
            # The key: made on the primary, its PEM file imported on the secondary.
            key_id = keymgr(cls.primary, "example.com.", "generate",
                            "algorithm=ecdsap256sha256", "ksk=yes", "zsk=yes").strip()
            pem, = glob.glob(os.path.join(cls.primary.dir, "**", key_id + ".pem"),
                             recursive=True)
            keymgr(cls.secondary, "example.com.", "import-pem", pem, "ksk=yes", "zsk=yes")
            cls.primary.start()
            cls.secondary.start()
            anchors = resolvers.key_signing_keys(cls.primary, "example.com")
            for knot in (cls.primary, cls.secondary):
                cls.resolvers.append(resolvers.Unbound(knot.port, ["example.com"], anchors))
                cls.resolvers[-1].start()
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for proc in cls.resolvers + [cls.secondary, cls.primary]:
            proc.cleanup()

    def test_same_keys(self):
        keys = [sorted(rd.to_text() for rd in knot.query("example.com.", "DNSKEY").answer[0])
                for knot in (self.primary, self.secondary)]
        self.assertEqual(len(keys[0]), 1)
        self.assertEqual(keys[0], keys[1])

    def test_validated_from_each(self):
        for resolver in self.resolvers:
            for name, rdtype, rcode, rdata in (
                    ("_imaps._tcp.example.com.", "SRV", "NOERROR", ["10 1 993 " + TARGET]),
                    ("_submissions._tcp.example.com.", "SRV", "NOERROR",
                     ["10 1 465 " + TARGET]),
                    ("_imaps._tcp.example.com.", "TXT", "NOERROR", []),
                    ("_tcp.example.com.", "SRV", "NOERROR", []),
                    # onlinesign denies a name with NODATA (its black lies).
                    ("_imap._tcp.example.com.", "SRV", "NOERROR", [])):
                resp = resolver.query(name, rdtype)
                what = "%s %s via server %d" % (name, rdtype, self.resolvers.index(resolver))
                self.assertEqual(dns.rcode.to_text(resp.rcode()), rcode, what)
                self.assertTrue(resp.flags & dns.flags.AD, what + " not validated")
                self.assertEqual(sorted(rd.to_text() for rrset in resp.answer
                                        if rrset.rdtype == dns.rdatatype.from_text(rdtype)
                                        for rd in rrset), rdata, what)


CHECK_SERVERS = os.path.join(harness.TOP, "scripts", "mailsrv-check-servers")


class CheckServers(harness.DnsTestCase):
    """mailsrv-check-servers: one command that tells whether the servers agree."""

    def run_check(self, domain):
        servers = ["127.0.0.1@%d" % knot.port for knot in (primary, secondary)]
        args = ["sh", CHECK_SERVERS, "-n", "_imaps._tcp _tcp _x._tcp"]
        for server in servers:
            args += ["-s", server]
        res = subprocess.run(args + [domain], capture_output=True, text=True,
                             timeout=harness.WAIT)
        return res.returncode, res.stdout.splitlines(), servers

    def test_agree(self):
        wait_for("a.test on the secondary", lambda: srv_answered(secondary, "a.test"))
        code, lines, (p, s) = self.run_check("a.test")
        srv_line = "NOERROR  |  3600 IN SRV 10 1 993 " + TARGET
        self.assertEqual((code, lines), (0, [
            "_imaps._tcp.a.test. SRV: same on all servers",
            "  %s\t%s" % (p, srv_line), "  %s\t%s" % (s, srv_line),
            "_tcp.a.test. A: same on all servers",
            "  %s\tNOERROR" % p, "  %s\tNOERROR" % s,
            "_x._tcp.a.test. SRV: same on all servers",
            "  %s\tNXDOMAIN" % p, "  %s\tNXDOMAIN" % s]))

    def test_disagree(self):
        # e.test has the module on the primary only.
        wait_for("e.test on the secondary", lambda: serial_is(secondary, "e.test", 1))
        code, lines, (p, s) = self.run_check("e.test")
        self.assertEqual((code, lines), (1, [
            "_imaps._tcp.e.test. SRV: SERVERS DISAGREE",
            "  %s\tNOERROR  |  3600 IN SRV 10 1 993 %s" % (p, TARGET),
            "  %s\tNXDOMAIN" % s,
            "_tcp.e.test. A: SERVERS DISAGREE",
            "  %s\tNOERROR" % p, "  %s\tNXDOMAIN" % s,
            "_x._tcp.e.test. SRV: same on all servers",
            "  %s\tNXDOMAIN" % p, "  %s\tNXDOMAIN" % s]))


def srv_answered(knot, origin):
    try:
        resp = knot.query("_imaps._tcp.%s." % origin, "SRV", timeout=0.5)
    except Exception:
        return False
    return resp.rcode() == dns.rcode.NOERROR and len(resp.answer) == 1


def refused(knot, origin):
    try:
        resp = knot.query("_imaps._tcp.%s." % origin, "SRV", timeout=0.5)
    except Exception:
        return False
    return resp.rcode() == dns.rcode.REFUSED


if __name__ == "__main__":
    sys.exit(harness.main(sys.modules[__name__]))
