#!/usr/bin/python3
"""Every row of DESIGN.md's answer table, against a real knotd, UDP and TCP."""

import sys

import harness

SOA_COM = "example.com. 300 IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300"
SOA_ORG = "example.org. 300 IN SOA ns.example.org. hostmaster.example.org. 1 3600 600 86400 300"
SOA_NET = "example.net. 300 IN SOA ns.example.net. hostmaster.example.net. 1 3600 600 86400 300"
SOA_INFO = ("_imaps._tcp.example.info. 300 IN SOA ns.example.info. hostmaster.example.info. "
            "1 3600 600 86400 300")


def zone(origin, body="", parent=None):
    """A zone with SOA (TTL 3600, negative TTL 300) and NS in \a parent."""
    parent = parent or origin
    return ("$ORIGIN %s.\n$TTL 300\n"
            "@ 3600 SOA ns.%s. hostmaster.%s. 1 3600 600 86400 300\n"
            "@ NS ns.%s.\n%s" % (origin, parent, parent, parent, body))


EXAMPLE_COM = zone("example.com", """
ns A 192.0.2.1
_imaps._tcp.static SRV 5 5 993 static.example.net.
_submissions._tcp.txtonly TXT "zone data"
x._imaps._tcp.nodeonly TXT "below the service name"
*.wild TXT "wildcard"
deleg NS ns.other.test.
alias CNAME _imaps._tcp.example.com.
alias-pop3s CNAME _pop3s._tcp.example.com.
alias-case CNAME _IMAPS._Tcp.Sub.Example.COM.
""")

DOMAIN_FILE = """# domains of mod-mailsrv/abs
file.example.com
own.example.com   mx.example.org.
rel.example.com   imap
Deep.Sub.Example.Com.
example.edu
x.parentonly.example.com
"""

MODULES = """
mod-mailsrv:
  - id: abs
    target: mail.example.net.
    domain: [ example.com, sub.example.com, deleg.example.com, static.example.com, nodeonly.example.com, x.wild.example.com, txtonly.example.com ]
    domain-file: %(file)s
    ttl: 600
  - id: rel
    target: mail
    domain: [ example.org, a.example.org ]
    service: [ submissions, imaps, pop3s, submission, imap, pop3 ]
  - id: unav
    target: mail.example.net.
    domain: example.net
    service: imaps
    unavailable: on
  - id: above
    target: mail.example.net.
    domain: example.info
"""

knot = None


def setUpModule():
    global knot
    knot = harness.Knot({
        "example.com": (EXAMPLE_COM, ["mod-mailsrv/abs"]),
        "example.edu": (zone("example.edu"), ["mod-mailsrv/abs"]),
        "example.org": (zone("example.org"), ["mod-mailsrv/rel"]),
        "example.net": (zone("example.net"), ["mod-mailsrv/unav"]),
        "_imaps._tcp.example.info": (zone("_imaps._tcp.example.info", parent="example.info"),
                                     ["mod-mailsrv/above"]),
    })
    domain_file = knot.write("domains.txt", DOMAIN_FILE)
    knot.modules = MODULES % {"file": domain_file}
    knot.start()


def tearDownModule():
    knot.cleanup()


def srv(owner, ttl, rdata):
    return "%s %d IN SRV %s" % (owner, ttl, rdata)


class Answers:
    """Each test runs over the transport of the subclass."""
    tcp = False

    def ask(self, name, rdtype):
        return knot.query(name, rdtype, tcp=self.tcp)

    def positive(self, name, rdtype, *answer):
        self.assertResponse(self.ask(name, rdtype), "NOERROR", "QR AA", answer=answer)

    def nodata(self, name, rdtype, soa=SOA_COM, answer=()):
        self.assertResponse(self.ask(name, rdtype), "NOERROR", "QR AA", answer=answer,
                            authority=[soa])

    def nxdomain(self, name, rdtype, soa=SOA_COM, answer=()):
        self.assertResponse(self.ask(name, rdtype), "NXDOMAIN", "QR AA", answer=answer,
                            authority=[soa])

    # Row: _svc._tcp.D SRV -> one SRV, TTL, owner as asked.
    def test_srv_apex(self):
        self.positive("_imaps._tcp.example.com.", "SRV",
                      srv("_imaps._tcp.example.com.", 600, "10 1 993 mail.example.net."))
        self.positive("_submissions._tcp.example.com.", "SRV",
                      srv("_submissions._tcp.example.com.", 600, "10 1 465 mail.example.net."))

    def test_srv_deeper_inline_and_file(self):
        self.positive("_imaps._tcp.sub.example.com.", "SRV",
                      srv("_imaps._tcp.sub.example.com.", 600, "10 1 993 mail.example.net."))
        self.positive("_imaps._tcp.file.example.com.", "SRV",
                      srv("_imaps._tcp.file.example.com.", 600, "10 1 993 mail.example.net."))
        self.positive("_submissions._tcp.deep.sub.example.com.", "SRV",
                      srv("_submissions._tcp.deep.sub.example.com.", 600,
                          "10 1 465 mail.example.net."))

    def test_per_domain_targets(self):
        self.positive("_imaps._tcp.own.example.com.", "SRV",
                      srv("_imaps._tcp.own.example.com.", 600, "10 1 993 mx.example.org."))
        self.positive("_imaps._tcp.rel.example.com.", "SRV",
                      srv("_imaps._tcp.rel.example.com.", 600, "10 1 993 imap.rel.example.com."))

    def test_relative_target_and_catalog(self):
        services = [("_submissions", "10 1 465"), ("_imaps", "10 1 993"), ("_pop3s", "20 1 995"),
                    ("_submission", "20 1 587"), ("_imap", "20 1 143"), ("_pop3", "30 1 110")]
        for label, fields in services:
            for domain in ("example.org.", "a.example.org."):
                name = "%s._tcp.%s" % (label, domain)
                self.positive(name, "SRV", srv(name, 3600, "%s mail.%s" % (fields, domain)))

    def test_shared_zone_of_same_id(self):
        self.positive("_imaps._tcp.example.edu.", "SRV",
                      srv("_imaps._tcp.example.edu.", 600, "10 1 993 mail.example.net."))

    # Row: ANY at a service name.
    def test_any(self):
        self.positive("_imaps._tcp.example.com.", "ANY",
                      srv("_imaps._tcp.example.com.", 600, "10 1 993 mail.example.net."))

    # Row: any other type at a service name -> NODATA with SOA.
    def test_other_type_nodata(self):
        for rdtype in ("A", "AAAA", "TXT", "MX", "CNAME", "NS"):
            self.nodata("_imaps._tcp.example.com.", rdtype)
        self.nodata("_imaps._tcp.a.example.org.", "A", soa=SOA_ORG)

    # Row: _tcp.D any type -> NODATA (empty non-terminal), never NXDOMAIN.
    def test_tcp_empty_non_terminal(self):
        for rdtype in ("A", "SRV", "TXT", "ANY"):
            self.nodata("_tcp.example.com.", rdtype)
        self.nodata("_tcp.sub.example.com.", "A")
        self.nodata("_tcp.example.org.", "NS", soa=SOA_ORG)

    # Row: catalog service not enabled.
    def test_disabled_service(self):
        self.nxdomain("_pop3s._tcp.example.com.", "SRV")
        self.nxdomain("_imap._tcp.example.com.", "A")

    def test_unavailable(self):
        for label in ("_submissions", "_pop3s", "_submission", "_imap", "_pop3"):
            name = "%s._tcp.example.net." % label
            self.positive(name, "SRV", srv(name, 3600, "0 0 0 ."))
        self.positive("_pop3._tcp.example.net.", "ANY",
                      srv("_pop3._tcp.example.net.", 3600, "0 0 0 ."))
        self.nodata("_pop3._tcp.example.net.", "A", soa=SOA_NET)
        self.positive("_imaps._tcp.example.net.", "SRV",
                      srv("_imaps._tcp.example.net.", 3600, "10 1 993 mail.example.net."))

    # Row: names left to the zone.
    def test_left_to_zone(self):
        self.nxdomain("x._imaps._tcp.example.com.", "SRV")
        self.nxdomain("_imaps._udp.example.com.", "SRV")
        self.nxdomain("_udp.example.com.", "A")
        self.nxdomain("_ldap._tcp.example.com.", "SRV")
        self.nxdomain("_imaps._tcp.unlisted.example.com.", "SRV")
        self.nxdomain("_tcp.unlisted.example.com.", "A")
        self.nxdomain("_imaps._tcp.example.com.example.com.", "SRV")

    # Row: zone data wins (SRV in the zone, delegation, data that answers).
    def test_zone_srv_wins(self):
        self.positive("_imaps._tcp.static.example.com.", "SRV",
                      srv("_imaps._tcp.static.example.com.", 300, "5 5 993 static.example.net."))
        self.positive("_submissions._tcp.static.example.com.", "SRV",
                      srv("_submissions._tcp.static.example.com.", 600,
                          "10 1 465 mail.example.net."))

    def test_delegation_wins(self):
        for name in ("_imaps._tcp.deleg.example.com.", "_tcp.deleg.example.com."):
            self.assertResponse(self.ask(name, "SRV"), "NOERROR", "QR",
                                authority=["deleg.example.com. 300 IN NS ns.other.test."])

    def test_zone_data_answers(self):
        self.positive("_submissions._tcp.txtonly.example.com.", "TXT",
                      '_submissions._tcp.txtonly.example.com. 300 IN TXT "zone data"')
        self.positive("_imaps._tcp.x.wild.example.com.", "TXT",
                      '_imaps._tcp.x.wild.example.com. 300 IN TXT "wildcard"')

    # Row: the zone has the node (or a wildcard) but no SRV -> synthesized.
    def test_node_without_srv(self):
        self.positive("_submissions._tcp.txtonly.example.com.", "SRV",
                      srv("_submissions._tcp.txtonly.example.com.", 600,
                          "10 1 465 mail.example.net."))
        self.positive("_imaps._tcp.nodeonly.example.com.", "SRV",
                      srv("_imaps._tcp.nodeonly.example.com.", 600, "10 1 993 mail.example.net."))
        self.positive("_imaps._tcp.x.wild.example.com.", "SRV",
                      srv("_imaps._tcp.x.wild.example.com.", 600, "10 1 993 mail.example.net."))

    # Row: a CNAME chain ends in the synthesized SRV.
    def test_cname_chain(self):
        cname = "alias.example.com. 300 IN CNAME _imaps._tcp.example.com."
        self.positive("alias.example.com.", "SRV", cname,
                      srv("_imaps._tcp.example.com.", 600, "10 1 993 mail.example.net."))
        self.nodata("alias.example.com.", "A", answer=[cname])
        self.positive("alias.example.com.", "CNAME", cname)
        self.nxdomain("alias-pop3s.example.com.", "SRV",
                      answer=["alias-pop3s.example.com. 300 IN CNAME _pop3s._tcp.example.com."])

    # Row: any letter case, answered as lower case would be.
    def test_case(self):
        self.positive("_IMAPS._Tcp.Example.COM.", "SRV",
                      srv("_IMAPS._Tcp.Example.COM.", 600, "10 1 993 mail.example.net."))
        self.positive("_imaps._tcp.DEEP.sub.EXAMPLE.com.", "SRV",
                      srv("_imaps._tcp.DEEP.sub.EXAMPLE.com.", 600, "10 1 993 mail.example.net."))
        self.positive("_Imaps._TCP.Rel.Example.Com.", "SRV",
                      srv("_Imaps._TCP.Rel.Example.Com.", 600, "10 1 993 imap.rel.example.com."))
        # knotd compresses the SOA against the question, in its case.
        # knotd stores zone data (this CNAME target) in lower case.
        self.positive("alias-case.example.com.", "SRV",
                      "alias-case.example.com. 300 IN CNAME _imaps._tcp.sub.example.com.",
                      srv("_imaps._tcp.sub.example.com.", 600, "10 1 993 mail.example.net."))
        self.nodata("_TCP.example.COM.", "A", soa=SOA_COM.replace("example.com.", "example.COM."))

    # D itself and its parents exist (empty non-terminals, RFC 8020): QNAME
    # minimisation asks them before the service name.
    def test_domain_and_parents_exist(self):
        for name in ("sub.example.com.", "deep.sub.example.com.", "file.example.com.",
                     "parentonly.example.com.", "x.parentonly.example.com."):
            for rdtype in ("A", "NS", "TXT"):
                self.nodata(name, rdtype)
        # Nothing else exists below a parent only, nor beside it.
        self.nxdomain("_tcp.parentonly.example.com.", "A")
        self.nxdomain("_imaps._tcp.parentonly.example.com.", "SRV")
        self.nxdomain("y.parentonly.example.com.", "A")
        self.nxdomain("unlisted.example.com.", "A")
        # Zone data wins at D too.
        self.positive("ns.example.com.", "A", "ns.example.com. 300 IN A 192.0.2.1")

    # D must be at or below the zone apex.
    def test_domain_above_apex(self):
        self.nodata("_imaps._tcp.example.info.", "SRV", soa=SOA_INFO)


class AnswersUdp(Answers, harness.DnsTestCase):
    tcp = False


class AnswersTcp(Answers, harness.DnsTestCase):
    tcp = True


class Loading(harness.DnsTestCase):
    def test_one_table_per_configuration(self):
        # Two zones use mod-mailsrv/abs: the list is read once.
        log = knot.log()
        self.assertEqual(log.count("module 'mod-mailsrv/abs', domain list loaded, "
                                   "domains 13, own targets 2, duplicates 0"), 1, log)
        for mod, count in (("rel", 2), ("unav", 1), ("above", 1)):
            self.assertEqual(log.count("module 'mod-mailsrv/%s', domain list loaded, domains %d,"
                                       % (mod, count)), 1, log)


if __name__ == "__main__":
    harness.main(sys.modules[__name__])
