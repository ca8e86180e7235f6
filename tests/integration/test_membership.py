#!/usr/bin/python3
"""Mail domains by the zone's own data: 'domain-apex' and 'domain-mx', alone
and with a list, against a real knotd (UDP and TCP)."""

import os
import sys
import time

import harness

TARGET = "mail.provider.net."
FLAGS = "QR AA"


def zone(origin, body=""):
    return ("$ORIGIN %s.\n$TTL 300\n"
            "@ 3600 SOA ns.%s. hostmaster.%s. 1 3600 600 86400 300\n"
            "@ NS ns.provider.net.\n%s" % (origin, origin, origin, body))


def soa(origin, serial=1):
    return "%s. 300 IN SOA ns.%s. hostmaster.%s. %d 3600 600 86400 300" % (
        origin, origin, origin, serial)


MODULES = """
mod-mailsrv:
  - id: apex
    target: %(target)s
    domain-apex: on
  - id: mx
    target: %(target)s
    domain-mx: [ mx.provider.net., "*.in.provider.net." ]
    domain: [ own.test, sub.combo.test, x.anc.test ]
    domain-file: %(file)s
    autoconfig: autoconfig.provider.net.
""" % {"target": TARGET, "file": "%(file)s"}

DOMAINS = "listed.test own.provider.org.\n"

ZONES = {
    "apex.test": (zone("apex.test", "www A 192.0.2.1\n"), ["mod-mailsrv/apex"]),
    "mx.test": (zone("mx.test", "@ MX 10 mx.provider.net.\n"), ["mod-mailsrv/mx"]),
    "upper.test": (zone("upper.test", "@ MX 10 MX.Provider.NET.\n"), ["mod-mailsrv/mx"]),
    "wild.test": (zone("wild.test", "@ MX 10 a.in.provider.net.\n@ MX 20 b.elsewhere.net.\n"),
                  ["mod-mailsrv/mx"]),
    "bare.test": (zone("bare.test", "@ MX 10 in.provider.net.\n"), ["mod-mailsrv/mx"]),
    "other.test": (zone("other.test", "@ MX 10 mx.elsewhere.net.\n"), ["mod-mailsrv/mx"]),
    "null.test": (zone("null.test", "@ MX 0 .\n"), ["mod-mailsrv/mx"]),
    "nomx.test": (zone("nomx.test"), ["mod-mailsrv/mx"]),
    "below.test": (zone("below.test", "mail MX 10 mx.provider.net.\n"), ["mod-mailsrv/mx"]),
    "listed.test": (zone("listed.test", "@ MX 10 mx.provider.net.\n"), ["mod-mailsrv/mx"]),
    "own.test": (zone("own.test"), ["mod-mailsrv/mx"]),
    "combo.test": (zone("combo.test", "@ MX 10 mx.provider.net.\n"), ["mod-mailsrv/mx"]),
    "anc.test": (zone("anc.test", "@ MX 10 mx.provider.net.\n"), ["mod-mailsrv/mx"]),
}

knot = None


def setUpModule():
    global knot
    knot = harness.Knot(dict(ZONES))
    path = knot.write("domains.txt", DOMAINS)
    knot.modules = MODULES % {"file": path}
    knot.start()


def tearDownModule():
    knot.cleanup()


def srv(owner, port, prio=10, target=TARGET):
    return "%s 3600 IN SRV %d 1 %d %s" % (owner, prio, port, target)


class Membership(harness.DnsTestCase):
    def expect(self, name, rdtype, rcode, answer=(), authority=()):
        for tcp in (False, True):
            resp = knot.query(name, rdtype, tcp=tcp)
            self.assertResponse(resp, rcode, FLAGS, answer=answer, authority=authority)

    def member(self, origin, target=TARGET, asked=None):
        """The SRV set of a mail domain at its apex (names as asked)."""
        asked = asked or origin
        self.expect("_imaps._tcp.%s." % asked, "SRV", "NOERROR",
                    [srv("_imaps._tcp.%s." % asked, 993, target=target)])
        self.expect("_submissions._tcp.%s." % asked, "SRV", "NOERROR",
                    [srv("_submissions._tcp.%s." % asked, 465, target=target)])
        # The SOA's names are compressed against the question: as asked.
        self.expect("_imaps._tcp.%s." % asked, "TXT", "NOERROR", authority=[soa(asked)])
        self.expect("_tcp.%s." % asked, "SRV", "NOERROR", authority=[soa(asked)])
        # Services not enabled are not answered.
        self.expect("_imap._tcp.%s." % asked, "SRV", "NXDOMAIN", authority=[soa(asked)])

    def not_member(self, origin, serial=1):
        self.expect("_imaps._tcp.%s." % origin, "SRV", "NXDOMAIN",
                    authority=[soa(origin, serial)])
        self.expect("_tcp.%s." % origin, "SRV", "NXDOMAIN", authority=[soa(origin, serial)])

    def test_apex(self):
        self.member("apex.test")
        self.member("apex.test", asked="APEX.Test")
        # Only the apex: names below it are the zone's.
        self.expect("_imaps._tcp.www.apex.test.", "SRV", "NXDOMAIN",
                    authority=[soa("apex.test")])
        self.expect("x.apex.test.", "A", "NXDOMAIN", authority=[soa("apex.test")])
        self.expect("www.apex.test.", "A", "NOERROR", ["www.apex.test. 300 IN A 192.0.2.1"])

    def test_no_list(self):
        # A configuration without 'domain' or 'domain-file' has no list: the
        # log says nothing of one, and it keeps no snapshot (the one snapshot
        # is that of the configuration 'mx', which has a domain file).
        self.member("apex.test")
        self.assertEqual([line for line in knot.log().splitlines()
                          if "mod-mailsrv/apex'" in line and "domain list" in line], [])
        self.assertEqual(len(os.listdir(knot.path("mailsrv"))), 1)
        self.assertIn("mod-mailsrv/mx', domain list loaded, domains 4,", knot.log())

    def test_mx(self):
        self.member("mx.test")
        self.member("upper.test")  # Host names compare in any letter case.
        # One of the MX hosts below '*.in.provider.net.' is enough.
        self.member("wild.test")

    def test_mx_not_matching(self):
        self.not_member("bare.test")   # '*.in.provider.net.' is below it only.
        self.not_member("other.test")
        self.not_member("null.test")
        self.not_member("nomx.test")
        self.not_member("below.test")  # An MX below the apex is not the apex's.

    def test_autoconfig(self):
        self.expect("autoconfig.mx.test.", "A", "NOERROR",
                    ["autoconfig.mx.test. 3600 IN CNAME autoconfig.provider.net."])
        self.expect("autoconfig.other.test.", "A", "NXDOMAIN", authority=[soa("other.test")])

    def test_with_list(self):
        # A listed domain's own target wins over the MX.
        self.member("listed.test", target="own.provider.org.")
        # Listed without an MX.
        self.member("own.test")
        # The apex by its MX, a domain below it by the list.
        self.member("combo.test")
        self.expect("_imaps._tcp.sub.combo.test.", "SRV", "NOERROR",
                    [srv("_imaps._tcp.sub.combo.test.", 993)])
        # The apex is the parent of a listed domain, and a mail domain by its MX.
        self.member("anc.test")
        self.expect("_imaps._tcp.x.anc.test.", "SRV", "NOERROR",
                    [srv("_imaps._tcp.x.anc.test.", 993)])


class MxChange(harness.DnsTestCase):
    """An MX edited in the zone changes membership with the zone."""

    def wait_serial(self, origin, serial):
        deadline = time.monotonic() + harness.WAIT
        while time.monotonic() < deadline:
            resp = knot.query(origin + ".", "SOA")
            if resp.answer and resp.answer[0][0].serial == serial:
                return
            time.sleep(0.05)
        self.fail("%s did not reach serial %d" % (origin, serial))

    def set_mx(self, serial, host):
        text = zone("change.test", "@ MX 10 %s\n" % host).replace(" 1 3600 600", " %d 3600 600"
                                                                   % serial)
        knot.write("change.test.zone", text)
        res = knot.knotc("zone-reload", "change.test")
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        self.wait_serial("change.test", serial)

    def test_zone_reload(self):
        knot.zones["change.test"] = (zone("change.test", "@ MX 10 mx.elsewhere.net.\n"),
                                     ["mod-mailsrv/mx"])
        knot.write_config()
        res = knot.knotc("reload")
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        self.wait_serial("change.test", 1)
        resp = knot.query("_imaps._tcp.change.test.", "SRV")
        self.assertResponse(resp, "NXDOMAIN", FLAGS, authority=[soa("change.test")])

        self.set_mx(2, "b.in.provider.net.")
        for tcp in (False, True):
            resp = knot.query("_imaps._tcp.change.test.", "SRV", tcp=tcp)
            self.assertResponse(resp, "NOERROR", FLAGS,
                                answer=[srv("_imaps._tcp.change.test.", 993)])

        self.set_mx(3, "mx.elsewhere.net.")
        for tcp in (False, True):
            resp = knot.query("_imaps._tcp.change.test.", "SRV", tcp=tcp)
            self.assertResponse(resp, "NXDOMAIN", FLAGS, authority=[soa("change.test", 3)])


if __name__ == "__main__":
    sys.exit(harness.main(sys.modules[__name__]))
