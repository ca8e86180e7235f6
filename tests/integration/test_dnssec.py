#!/usr/bin/python3
"""Validated answers: mod-onlinesign after mod-mailsrv, through real resolvers.

One knotd serves:
- example.com: signed on the fly (mod-onlinesign, nsec-bitmap [SRV]);
- example.org: not signed;
- example.net: onlinesign listed before mailsrv (negative control);
- example.info: onlinesign without SRV in nsec-bitmap (negative control);
- example.biz: signed by knotd itself, dnssec-signing: on (negative control).
unbound (strict and relaxed QNAME minimisation, aggressive NSEC) and kresd
(forwarding) validate with trust anchors from the zones' DNSKEYs.
"""

import os
import subprocess
import sys

import dns.flags
import dns.rcode

import harness
import resolvers

SIGNED = ["example.com.", "sub.example.com.", "deep.a.example.com."]
PLAIN = ["example.org.", "sub.example.org."]
SERVICES = {"submissions": "10 1 465", "imaps": "10 1 993", "pop3s": "20 1 995"}
UNAVAILABLE = ["submission", "imap", "pop3"]


def zone(origin):
    return ("$ORIGIN %s.\n$TTL 300\n@ SOA ns.%s. hostmaster.%s. 1 3600 600 86400 300\n"
            "@ NS ns.%s.\nns A 192.0.2.1\nmail A 192.0.2.25\n" % ((origin,) * 4))


MODULES = """
mod-mailsrv:
  - id: signed
    target: mail.example.com.
    domain: [ example.com, sub.example.com, deep.a.example.com ]
    service: [ submissions, imaps, pop3s ]
    unavailable: on
  - id: plain
    target: mail
    domain: [ example.org, sub.example.org ]
  - id: other
    target: mail
    domain: [ example.net, example.info, example.biz ]
mod-onlinesign:
  - id: srv
    nsec-bitmap: [ SRV ]
template:
  - id: autosign
    storage: %(dir)s
    file: "%%s.zone"
    dnssec-signing: on
    module: mod-mailsrv/other
"""

knot = None
anchors = []


def setUpModule():
    global knot
    knot = harness.Knot({
        "example.com": (zone("example.com"), ["mod-mailsrv/signed", "mod-onlinesign/srv"]),
        "example.org": (zone("example.org"), ["mod-mailsrv/plain"]),
        "example.net": (zone("example.net"), ["mod-onlinesign/srv", "mod-mailsrv/other"]),
        "example.info": (zone("example.info"), ["mod-mailsrv/other", "mod-onlinesign"]),
        "example.biz": (zone("example.biz"), "autosign"),
    })
    knot.modules = MODULES % {"dir": knot.dir}
    knot.start()
    for name in ("example.com", "example.net", "example.info", "example.biz"):
        anchors.extend(resolvers.key_signing_keys(knot, name))


def tearDownModule():
    knot.cleanup()


def srv_rdata(resp):
    return sorted(rd.to_text() for rrset in resp.answer if rrset.rdtype == 33 for rd in rrset)


class Validating:
    """Checks shared by the resolvers; the subclass starts one."""

    def make_resolver(self):
        raise NotImplementedError

    def setUp(self):
        self.resolver = self.make_resolver()
        self.resolver.start()

    def tearDown(self):
        self.resolver.cleanup()

    def assertValidated(self, name, rdtype, rdata):
        resp = self.resolver.query(name, rdtype)
        self.assertEqual(dns.rcode.to_text(resp.rcode()), "NOERROR", "%s %s" % (name, rdtype))
        self.assertTrue(resp.flags & dns.flags.AD, "%s %s not validated" % (name, rdtype))
        self.assertEqual(srv_rdata(resp), rdata, "%s %s" % (name, rdtype))
        if not rdata:
            self.assertEqual(resp.answer, [], name)

    def every_service(self):
        for domain in SIGNED:
            for svc, fields in SERVICES.items():
                self.assertValidated("_%s._tcp.%s" % (svc, domain), "SRV",
                                     ["%s mail.example.com." % fields])
            for svc in UNAVAILABLE:
                self.assertValidated("_%s._tcp.%s" % (svc, domain), "SRV", ["0 0 0 ."])

    def test_cold_and_warm_cache(self):
        self.every_service()
        self.every_service()

    def test_other_types_do_not_deny_srv(self):
        # NODATA at the service names, at _tcp.D and at D, all validated ...
        for domain in SIGNED:
            for name, rdtype in (("_imaps._tcp." + domain, "A"), ("_imaps._tcp." + domain, "TXT"),
                                 ("_tcp." + domain, "A"), ("_tcp." + domain, "SRV"),
                                 (domain, "TXT")):
                self.assertValidated(name, rdtype, [])
        # ... and none of the NSEC records they cached denies an SRV.
        self.every_service()


class UnboundStrict(Validating, harness.DnsTestCase):
    def make_resolver(self):
        return resolvers.Unbound(knot.port, ["example.com", "example.net", "example.info",
                                             "example.biz"], anchors, strict=True)


class UnboundRelaxed(Validating, harness.DnsTestCase):
    def make_resolver(self):
        return resolvers.Unbound(knot.port, ["example.com", "example.net", "example.info",
                                             "example.biz"], anchors, strict=False)


class Kresd(Validating, harness.DnsTestCase):
    def make_resolver(self):
        return resolvers.Kresd(knot.port, ["example.com", "example.net", "example.info",
                                           "example.biz"], anchors)


class WithoutDnssec(harness.DnsTestCase):
    def test_strict_qname_minimisation(self):
        """Cold cache, strict QNAME minimisation: every enabled service of
        every listed domain resolves (an NXDOMAIN at _tcp.D or D breaks it)."""
        unbound = resolvers.Unbound(knot.port, ["example.org"], strict=True)
        unbound.start()
        try:
            for domain in PLAIN:
                for svc, fields in (("submissions", "10 1 465"), ("imaps", "10 1 993")):
                    resp = unbound.query("_%s._tcp.%s" % (svc, domain), "SRV")
                    self.assertEqual(dns.rcode.to_text(resp.rcode()), "NOERROR")
                    self.assertFalse(resp.flags & dns.flags.AD)
                    self.assertEqual(srv_rdata(resp), ["%s mail.%s" % (fields, domain)])
        finally:
            unbound.cleanup()


class MailClient(harness.DnsTestCase):
    def run_client(self, port, domain):
        client = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rfc6186_client.py")
        res = subprocess.run(["/usr/bin/python3", client, "--port", str(port), domain],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(res.returncode, 0, res.stderr)
        return res.stdout.splitlines()

    def test_client_through_unbound(self):
        unbound = resolvers.Unbound(knot.port, ["example.com", "example.org"], anchors)
        unbound.start()
        try:
            self.assertEqual(self.run_client(unbound.port, "sub.example.com"), [
                "submissions: mail.example.com:465 (validated)",
                "imaps: mail.example.com:993 (validated)",
                "pop3s: mail.example.com:995 (validated)",
                "submission: unavailable (validated)",
                "imap: unavailable (validated)",
                "pop3: unavailable (validated)",
            ])
            self.assertEqual(self.run_client(unbound.port, "example.org"), [
                "submissions: mail.example.org:465 (not validated)",
                "imaps: mail.example.org:993 (not validated)",
                "pop3s: none (not validated)",
                "submission: none (not validated)",
                "imap: none (not validated)",
                "pop3: none (not validated)",
            ])
        finally:
            unbound.cleanup()


class Misconfigured(harness.DnsTestCase):
    """Negative controls: each warning, and what a validator then does."""

    def setUp(self):
        self.unbound = resolvers.Unbound(knot.port, ["example.net", "example.info",
                                                     "example.biz", "example.com"], anchors)
        self.unbound.start()

    def tearDown(self):
        self.unbound.cleanup()

    def warning(self, zone_name, text):
        self.assertIn("[%s.] module 'mod-mailsrv/other', %s" % (zone_name, text), knot.log())

    def test_onlinesign_first(self):
        self.warning("example.net", "synthesized records are not signed (mod-onlinesign "
                     "listed before mod-mailsrv)")
        resp = self.unbound.query("_imaps._tcp.example.net.", "SRV")
        self.assertEqual(dns.rcode.to_text(resp.rcode()), "SERVFAIL")

    def test_knotd_signing(self):
        self.warning("example.biz", "synthesized records are not signed (zone signed by "
                     "knotd, dnssec-signing: on)")
        resp = self.unbound.query("_imaps._tcp.example.biz.", "SRV")
        self.assertEqual(dns.rcode.to_text(resp.rcode()), "SERVFAIL")

    def test_bitmap_without_srv(self):
        self.warning("example.info", "SRV records are denied by NSEC (SRV not in "
                     "mod-onlinesign's nsec-bitmap)")
        # Asked first, the SRV validates ...
        resp = self.unbound.query("_imaps._tcp.example.info.", "SRV")
        self.assertEqual(srv_rdata(resp), ["10 1 993 mail.example.info."])
        self.assertTrue(resp.flags & dns.flags.AD)
        # ... but after another type, the cached NSEC denies it.
        resp = self.unbound.query("_submissions._tcp.example.info.", "A")
        self.assertEqual(resp.answer, [])
        resp = self.unbound.query("_submissions._tcp.example.info.", "SRV")
        self.assertEqual(dns.rcode.to_text(resp.rcode()), "NOERROR")
        self.assertEqual(srv_rdata(resp), [])
        # The correct setup of example.com never warns.
        self.assertNotIn("[example.com.] module 'mod-mailsrv/signed', synthesized", knot.log())
        self.assertNotIn("[example.com.] module 'mod-mailsrv/signed', SRV records", knot.log())


if __name__ == "__main__":
    harness.main(sys.modules[__name__])
