#!/usr/bin/python3
"""Beyond RFC 6186: JMAP, CalDAV/CardDAV, Autodiscover, smtps, per-service
records, autoconfig/autodiscover CNAMEs and context path TXT records.

Against a real knotd (UDP and TCP), and through a validating unbound with
the zone signed by mod-onlinesign.
"""

import sys

import dns.flags
import dns.rcode
import dns.rdatatype

import harness
import resolvers


def zone(origin, body=""):
    return ("$ORIGIN %s.\n$TTL 300\n@ SOA ns.%s. hostmaster.%s. 1 3600 600 86400 300\n"
            "@ NS ns.%s.\n%s" % (origin, origin, origin, origin, body))


SOA = "example.com. 300 IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300"
MODULES = """
mod-mailsrv:
  - id: all
    target: mail.example.net.
    domain: [ example.com, sub.example.com ]
    domain-file: %(file)s
    service: [ submissions, submission, imaps, jmap, caldavs, carddavs, autodiscover, smtps ]
    service-record: [ "submission 10 1 587 smtp.example.net.", "imaps - - - imap", "submissions 20 - - smtp.example.net." ]
    autoconfig: automx.example.com.
    autodiscover: automx
    caldav-path: /dav/calendars/
    carddav-path: /dav/addressbooks/
    unavailable: on
    statistics: on
  - id: signed
    target: mail.example.org.
    domain: [ example.org ]
    service: [ imaps, jmap, caldavs ]
    autoconfig: automx.example.org.
    caldav-path: /cal/
  - id: txt-denied
    target: mail.example.info.
    domain: [ example.info ]
    service: [ caldavs ]
    caldav-path: /cal/
mod-onlinesign:
  - id: srv-txt
    nsec-bitmap: [ SRV, TXT ]
  - id: srv
    nsec-bitmap: [ SRV ]
"""

knot = None


def setUpModule():
    global knot
    knot = harness.Knot({
        "example.com": (zone("example.com", "autoconfig.sub A 192.0.2.7\n"
                                            "automx A 192.0.2.8\n"), ["mod-mailsrv/all"]),
        "example.org": (zone("example.org", "automx A 192.0.2.9\n"),
                        ["mod-mailsrv/signed", "mod-onlinesign/srv-txt"]),
        "example.info": (zone("example.info"), ["mod-mailsrv/txt-denied", "mod-onlinesign/srv"]),
    })
    path = knot.write("domains.txt", "own.example.com  mx.own.example.\n")
    knot.modules = MODULES % {"file": path}
    knot.start()


def tearDownModule():
    knot.cleanup()


class Discovery:
    tcp = False

    def answer(self, name, rdtype, *records):
        self.assertResponse(knot.query(name, rdtype, tcp=self.tcp), "NOERROR", "QR AA",
                            answer=list(records))

    def srv(self, name, rdata):
        self.answer(name, "SRV", "%s 3600 IN SRV %s" % (name, rdata))

    def test_new_services(self):
        self.srv("_jmap._tcp.example.com.", "10 1 443 mail.example.net.")
        self.srv("_caldavs._tcp.sub.example.com.", "10 1 443 mail.example.net.")
        self.srv("_carddavs._tcp.example.com.", "10 1 443 mail.example.net.")
        self.srv("_autodiscover._tcp.example.com.", "10 1 443 mail.example.net.")
        self.srv("_smtps._tcp.example.com.", "10 1 465 mail.example.net.")
        # Catalog services not enabled: 'unavailable'.
        self.srv("_pop3._tcp.example.com.", "0 0 0 .")

    def test_service_records(self):
        self.srv("_submission._tcp.example.com.", "10 1 587 smtp.example.net.")
        self.srv("_submissions._tcp.example.com.", "20 1 465 smtp.example.net.")
        self.srv("_imaps._tcp.sub.example.com.", "10 1 993 imap.sub.example.com.")
        # A domain's own target wins over the service's.
        self.srv("_imaps._tcp.own.example.com.", "10 1 993 mx.own.example.")
        self.srv("_submission._tcp.own.example.com.", "10 1 587 mx.own.example.")

    def test_context_paths(self):
        self.answer("_caldavs._tcp.example.com.", "TXT",
                    '_caldavs._tcp.example.com. 3600 IN TXT "path=/dav/calendars/"')
        self.answer("_carddavs._tcp.sub.example.com.", "TXT",
                    '_carddavs._tcp.sub.example.com. 3600 IN TXT "path=/dav/addressbooks/"')
        # No path for JMAP; other types are NODATA.
        self.assertResponse(knot.query("_jmap._tcp.example.com.", "TXT", tcp=self.tcp),
                            "NOERROR", "QR AA", authority=[SOA])
        self.assertResponse(knot.query("_caldavs._tcp.example.com.", "A", tcp=self.tcp),
                            "NOERROR", "QR AA", authority=[SOA])

    def test_autoconfig_cnames(self):
        for rdtype in ("A", "AAAA", "CNAME", "TXT"):
            self.answer("autoconfig.example.com.", rdtype,
                        "autoconfig.example.com. 3600 IN CNAME automx.example.com.")
        # knotd compresses the target against the question, in its case.
        self.answer("AutoDiscover.Sub.Example.COM.", "A",
                    "AutoDiscover.Sub.Example.COM. 3600 IN CNAME automx.Sub.Example.COM.")
        # Zone data wins; unlisted domains are left to the zone.
        self.answer("autoconfig.sub.example.com.", "A",
                    "autoconfig.sub.example.com. 300 IN A 192.0.2.7")
        self.assertResponse(knot.query("autoconfig.unlisted.example.com.", "A", tcp=self.tcp),
                            "NXDOMAIN", "QR AA", authority=[SOA])


class DiscoveryUdp(Discovery, harness.DnsTestCase):
    tcp = False


class DiscoveryTcp(Discovery, harness.DnsTestCase):
    tcp = True


class Statistics(harness.DnsTestCase):
    def test_counters(self):
        knot.knotc("-f", "zone-reload", "example.com")  # counters start at zero
        for name, rdtype in (("autoconfig.example.com.", "A"), ("autodiscover.example.com.", "A"),
                             ("_caldavs._tcp.example.com.", "TXT"),
                             ("_jmap._tcp.example.com.", "SRV")):
            knot.query(name, rdtype)
        self.assertEqual(knot.answer_stats("example.com"), sorted([
            "[example.com.] mod-mailsrv.srv[jmap] = 1",
            "[example.com.] mod-mailsrv.txt[caldavs] = 1",
            "[example.com.] mod-mailsrv.cname = 2",
        ]))


class Validated(harness.DnsTestCase):
    """example.org is signed by onlinesign with SRV and TXT in nsec-bitmap."""

    @classmethod
    def setUpClass(cls):
        anchors = resolvers.key_signing_keys(knot, "example.org")
        anchors += resolvers.key_signing_keys(knot, "example.info")
        cls.unbound = resolvers.Unbound(knot.port, ["example.org", "example.info"], anchors)
        cls.unbound.start()

    @classmethod
    def tearDownClass(cls):
        cls.unbound.cleanup()

    def validated(self, name, rdtype, rdata):
        resp = self.unbound.query(name, rdtype)
        self.assertEqual(dns.rcode.to_text(resp.rcode()), "NOERROR", name)
        self.assertTrue(resp.flags & dns.flags.AD, "%s %s not validated" % (name, rdtype))
        got = sorted("%s %s" % (rrset.name, rd) for rrset in resp.answer
                     if rrset.rdtype != dns.rdatatype.RRSIG for rd in rrset)
        self.assertEqual(got, sorted(rdata))

    def test_everything_validates(self):
        # Other types first: their NODATA proofs must not deny SRV or TXT.
        self.validated("_caldavs._tcp.example.org.", "A", [])
        self.validated("_jmap._tcp.example.org.", "SRV",
                       ["_jmap._tcp.example.org. 10 1 443 mail.example.org."])
        self.validated("_caldavs._tcp.example.org.", "TXT",
                       ['_caldavs._tcp.example.org. "path=/cal/"'])
        self.validated("_caldavs._tcp.example.org.", "SRV",
                       ["_caldavs._tcp.example.org. 10 1 443 mail.example.org."])
        self.validated("autoconfig.example.org.", "A",
                       ["autoconfig.example.org. automx.example.org.",
                        "automx.example.org. 192.0.2.9"])

    def test_txt_not_in_bitmap(self):
        self.assertIn("[example.info.] module 'mod-mailsrv/txt-denied', TXT records are denied "
                      "by NSEC (TXT not in mod-onlinesign's nsec-bitmap)", knot.log())
        self.assertNotIn("[example.org.] module 'mod-mailsrv/signed', TXT records", knot.log())
        # Asked after another type, the TXT is denied from the cache.
        self.validated("_caldavs._tcp.example.info.", "A", [])
        self.validated("_caldavs._tcp.example.info.", "TXT", [])


class ConfigErrors(harness.DnsTestCase):
    def check(self, items, error):
        bad = harness.Knot({"example.com": (zone("example.com"), ["mod-mailsrv/x"])},
                           modules="mod-mailsrv:\n  - id: x\n    target: mail\n" + items)
        try:
            bad.write_config()
            res = bad.knotc("conf-check", conf=True)
            self.assertNotEqual(res.returncode, 0)
            self.assertIn("(%s)" % error, res.stdout + res.stderr)
        finally:
            bad.cleanup()

    def test_errors(self):
        self.check('    service-record: "pop3 1 1 110 a."\n',
                   "service-record 'pop3 1 1 110 a.': the service is not in 'service'")
        self.check('    service-record: [ "imaps 1 1 993 a.", "imaps 2 1 993 b." ]\n',
                   "service-record 'imaps 2 1 993 b.': a second record for the service")
        self.check('    service-record: "imaps 1 1 99999 a."\n',
                   "invalid port '99999' (0 to 65535 or '-')")
        self.check('    caldav-path: dav\n', "expected an absolute path of at most 250 characters")
        self.check('    service: caldavs\n    carddav-path: /dav/\n',
                   "carddav-path: the service carddavs is not in 'service'")
        self.check('    autoconfig: auto_mx\n', "invalid character '_'")


if __name__ == "__main__":
    harness.main(sys.modules[__name__])
