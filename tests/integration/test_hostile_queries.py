#!/usr/bin/python3
"""Queries that must not do anything surprising, against a real knotd over
UDP and TCP: names of the maximum length, 63-byte labels, labels with binary
bytes and dots inside, _tcp at the apex, service names without a domain,
near misses of listed domains (letter case, an extra label, bytes that only
look like letters), DS, RRSIG and NSEC at service names, other classes.
Every response is asserted whole.
"""

import sys

import harness

SOA_COM = "example.com. 300 IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300"
SOA_ORG = "example.org. 300 IN SOA ns.example.org. hostmaster.example.org. 1 3600 600 86400 300"
TARGET = "mail.example.net."

L63 = "a" * 63
# _imaps._tcp.LONG is 255 bytes in wire format, the longest name.
LONG = ".".join([L63] * 3 + ["b" * 37, "example.com."])
# MAX is 255 bytes itself: a listed domain that no service name fits under.
MAX = ".".join([L63] * 3 + ["c" * 49, "example.com."])
# "GOOD" with the high bit set on each byte: not letters, never folded.
HIGH_GOOD = "".join("\\%03d" % (ord(c) | 0x80) for c in "GOOD")


def zone(origin):
    return ("$ORIGIN %s.\n$TTL 300\n"
            "@ SOA ns.%s. hostmaster.%s. 1 3600 600 86400 300\n"
            "@ NS ns.%s.\n" % (origin, origin, origin, origin))


MODULES = """
mod-mailsrv:
  - id: com
    target: %s
    domain: [ example.com, good.example.com, a.b.example.com, %s.example.com, %s, %s ]
  - id: org
    target: %s
    domain: mail.example.org
""" % (TARGET, L63, LONG, MAX, TARGET)

knot = None


def setUpModule():
    global knot
    knot = harness.Knot({"example.com": (zone("example.com"), ["mod-mailsrv/com"]),
                         "example.org": (zone("example.org"), ["mod-mailsrv/org"])})
    knot.modules = MODULES
    knot.start()


def tearDownModule():
    knot.cleanup()


def srv(name):
    return "%s 3600 IN SRV 10 1 993 %s" % (name, TARGET)


class Hostile:
    """Each test runs over the transport of the subclass."""
    tcp = False

    def ask(self, name, rdtype, rdclass="IN"):
        self.assertIsNone(knot.proc.poll(), "knotd stopped")
        return knot.query(name, rdtype, tcp=self.tcp, rdclass=rdclass)

    def positive(self, name, rdtype="SRV"):
        self.assertResponse(self.ask(name, rdtype), "NOERROR", "QR AA", answer=[srv(name)])

    def nodata(self, name, rdtype, soa=SOA_COM):
        self.assertResponse(self.ask(name, rdtype), "NOERROR", "QR AA", authority=[soa])

    def nxdomain(self, name, rdtype="SRV", soa=SOA_COM):
        self.assertResponse(self.ask(name, rdtype), "NXDOMAIN", "QR AA", authority=[soa])

    def test_maximum_length_names(self):
        name = "_imaps._tcp." + LONG
        self.assertEqual(len(harness.dns.name.from_text(name).to_wire()), 255)
        self.positive(name)
        self.positive(name.upper())
        # A listed domain of 255 bytes exists (NODATA); nothing fits below it.
        self.assertEqual(len(harness.dns.name.from_text(MAX).to_wire()), 255)
        for rdtype in ("A", "SRV", "TXT"):
            self.nodata(MAX, rdtype)
        self.nxdomain(MAX.replace("c" * 49, "d" * 49))

    def test_63_byte_labels(self):
        self.positive("_imaps._tcp.%s.example.com." % L63)
        self.nodata("_tcp.%s.example.com." % L63, "A")
        self.nxdomain("_imaps._tcp.%s.example.com." % ("a" * 62))
        self.nxdomain("_imaps._tcp.%s.%s.example.com." % (L63, L63))

    def test_labels_with_dots_inside(self):
        # One label "a.b" is not the two labels of the listed a.b.example.com.
        self.positive("_imaps._tcp.a.b.example.com.")
        self.nxdomain("_imaps._tcp.a\\.b.example.com.")
        self.nxdomain("a\\.b.example.com.", "A")
        self.nxdomain("_imaps\\._tcp.good.example.com.")
        self.nxdomain("_imaps._tcp\\.good.example.com.")
        # The label "good.example" is below com., a zone this server lacks.
        self.assertResponse(self.ask("_imaps._tcp.good\\.example.com.", "SRV"), "REFUSED", "QR")

    def test_labels_with_binary_bytes(self):
        self.nxdomain("_imaps._tcp.\\000\\128\\255.example.com.")
        self.nxdomain("_imaps._tcp.good\\000.example.com.")
        self.nxdomain("_imaps\\000._tcp.good.example.com.")
        self.nxdomain("_imaps._tcp\\000.good.example.com.")
        self.nxdomain("\\000.example.com.", "A")
        # Bytes that differ from letters in more than their case do not match.
        self.nxdomain("_imaps._tcp.%s.example.com." % HIGH_GOOD)
        self.nxdomain("_imaps.\\223\\212\\195\\208.good.example.com.")  # "_TCP" | 0x80
        self.nxdomain("\\223\\212\\195\\208.good.example.com.", "A")

    def test_tcp_at_the_apex(self):
        # The apex is listed: _tcp exists below it.
        for rdtype in ("A", "SRV", "NS"):
            self.nodata("_tcp.example.com.", rdtype)
        self.positive("_imaps._tcp.example.com.")
        # The apex is only a parent of a listed domain: no _tcp below it.
        self.nxdomain("_tcp.example.org.", "A", soa=SOA_ORG)
        self.nxdomain("_imaps._tcp.example.org.", soa=SOA_ORG)
        self.positive("_imaps._tcp.mail.example.org.")

    def test_service_names_without_a_domain(self):
        # Not in any zone of this server: refused before any module runs.
        for name in ("_imaps._tcp.", "_tcp.", "_imaps._tcp.com.", "_imaps._tcp.net."):
            self.assertResponse(self.ask(name, "SRV"), "REFUSED", "QR")
        # Below the apex but above nothing listed.
        self.nxdomain("_imaps._tcp._tcp.example.com.")

    def test_letter_case(self):
        for name in ("_IMAPS._TCP.GOOD.EXAMPLE.COM.", "_iMaPs._TcP.gOoD.eXaMpLe.CoM.",
                     "_imaps._tcp.Good.Example.Com."):
            self.positive(name)
        self.nodata("_TCP.GOOD.example.com.", "A")
        # knotd compresses every name of the SOA against the question.
        self.nodata("GOOD.EXAMPLE.COM.", "A", soa=SOA_COM.replace("example.com.", "EXAMPLE.COM."))

    def test_one_label_more_or_less(self):
        self.nxdomain("_imaps._tcp.x.good.example.com.")
        self.nxdomain("x.good.example.com.", "A")
        self.nxdomain("_imaps._tcp.good.example.com.example.com.")
        self.nxdomain("x._imaps._tcp.good.example.com.")
        self.nxdomain("_tcp._imaps._tcp.good.example.com.")
        self.nxdomain("_imaps._imaps._tcp.good.example.com.")
        self.nxdomain("_imaps._tcp._tcp.good.example.com.")
        self.nxdomain("_imaps._tcp.ood.example.com.")
        self.nxdomain("_imaps._tcp.agood.example.com.")
        # b.example.com is the parent of a listed domain: it exists, without
        # services.
        self.nodata("b.example.com.", "A")
        self.nxdomain("_imaps._tcp.b.example.com.")

    def test_dnssec_types_at_service_names(self):
        for rdtype in ("DS", "RRSIG", "NSEC", "NSEC3", "DNSKEY"):
            self.nodata("_imaps._tcp.good.example.com.", rdtype)
            self.nodata("_tcp.good.example.com.", rdtype)
        self.nxdomain("_imaps._tcp.unlisted.example.com.", "DS")

    def test_other_classes(self):
        # knotd refuses classes other than IN and ANY before any module runs.
        for rdclass in ("CH", "HS", "NONE"):
            resp = self.ask("_imaps._tcp.good.example.com.", "SRV", rdclass)
            self.assertResponse(resp, "REFUSED", "QR")
        # It answers class ANY as IN, zone data and synthesized records alike.
        name = "_imaps._tcp.good.example.com."
        self.assertResponse(self.ask(name, "SRV", "ANY"), "NOERROR", "QR AA", answer=[srv(name)])
        self.assertResponse(self.ask("example.com.", "SOA", "ANY"), "NOERROR", "QR AA",
                            answer=[SOA_COM])


class HostileUdp(Hostile, harness.DnsTestCase):
    tcp = False


class HostileTcp(Hostile, harness.DnsTestCase):
    tcp = True


if __name__ == "__main__":
    harness.main(sys.modules[__name__])
