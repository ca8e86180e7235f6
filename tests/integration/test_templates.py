#!/usr/bin/python3
"""Record templates: the 'record' item ("OWNER TYPE RDATA", synthesized at
OWNER.D for every mail domain D).

Against a real knotd (whole responses, UDP and TCP): MTA-STS, TLS-RPT,
DMARC, DKIM delegation, PACC and DANE records, RRsets of several templates,
CNAME templates for every query type, empty non-terminals, zone data that
wins, the TTL, letter case, counters, and knotc conf-check's refusals; and
through a validating unbound with the zone signed by mod-onlinesign.
"""

import sys

import dns.flags
import dns.rcode
import dns.rdatatype

import harness
import resolvers


def zone(origin, body=""):
    return ("$ORIGIN %s.\n$TTL 300\n@ SOA ns.%s. hostmaster.%s. 1 3600 600 86400 300\n"
            "@ NS ns.%s.\nns A 192.0.2.1\n%s" % (origin, origin, origin, origin, body))


def soa(origin):
    """The zone SOA as knotd puts it into a NODATA or NXDOMAIN answer: its
    names are compressed against the question, so \a origin is the question's
    spelling of the apex."""
    return "%s 300 IN SOA ns.%s hostmaster.%s 1 3600 600 86400 300" % (origin, origin, origin)


def yaml_list(records):
    """A knot.conf list of quoted strings (knotd's parser unescapes \\")."""
    return "[ %s ]" % ", ".join('"%s"' % r.replace('"', '\\"') for r in records)


def knot_server(zones, modules):
    """A started knotd; cleaned up if it does not start."""
    knot = harness.Knot(zones, modules=modules)
    try:
        knot.start()
    except BaseException:
        knot.cleanup()
        raise
    return knot


SOA_COM = soa("example.com.")
SOA_NET = soa("example.net.")

TLSA_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
MTA_STS = '"v=STSv1; id=20261201T000000"'
TLSRPT = '"v=TLSRPTv1; rua=mailto:tlsrpt@provider.example"'
DMARC = '"v=DMARC1; p=reject; rua=mailto:dmarc@provider.example"'
PACC = '"v=UAAC1; a=sha256; d=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="'

# A provider's records, zone-file presentation format, origin the mail domain.
TEMPLATES = [
    "_mta-sts TXT %s" % MTA_STS,
    "mta-sts CNAME mta-sts.provider.example.",
    "_smtp._tls TXT %s" % TLSRPT,
    "_dmarc TXT %s" % DMARC,
    "sel1._domainkey CNAME sel1._domainkey.provider.example.",
    "ua-auto-config CNAME autoconfig.provider.example.",
    "_ua-auto-config TXT %s" % PACC,
    "_25._tcp.mx TLSA 3 1 1 %s" % TLSA_HASH,
    "relative CNAME policy",
    # Several templates of one owner and type: one RRset.
    '_multi TXT "first"',
    '_multi TXT "second" "part"',
    # Several types at one owner; a relative name in MX rdata.
    "host A 192.0.2.10",
    "host AAAA 2001:db8::10",
    "host MX 10 smtp",
]

EXAMPLE_COM = zone("example.com", """policy A 192.0.2.80
alias-dmarc CNAME _dmarc.sub.example.com.
_dmarc.own TXT "v=DMARC1; p=none; zone data"
_25._tcp.mx.own TXT "zone note"
mta-sts.own A 192.0.2.60
deleg NS ns.other.test.
*.wild TXT "wildcard"
""")

ANSWER_MODULES = """
mod-mailsrv:
  - id: provider
    target: mail.provider.example.
    domain: [ example.com, sub.example.com, own.example.com, deleg.example.com, x.wild.example.com ]
    ttl: 600
    record: %(templates)s
  - id: defaults
    target: mail.provider.example.
    domain: example.net
    record: [ "_dmarc IN TXT \\"v=DMARC1; p=none\\"", "mta-sts CNAME mta-sts.provider.example." ]
""" % {"templates": yaml_list(TEMPLATES)}


class Answers:
    """Each test runs over the transport of the subclass, which has its own
    knotd."""
    tcp = False

    @classmethod
    def setUpClass(cls):
        cls.knot = knot_server({
            "example.com": (EXAMPLE_COM, ["mod-mailsrv/provider"]),
            "example.net": (zone("example.net"), ["mod-mailsrv/defaults"]),
        }, ANSWER_MODULES)

    @classmethod
    def tearDownClass(cls):
        cls.knot.cleanup()

    def ask(self, name, rdtype):
        return self.knot.query(name, rdtype, tcp=self.tcp)

    def positive(self, name, rdtype, *answer):
        self.assertResponse(self.ask(name, rdtype), "NOERROR", "QR AA", answer=list(answer))

    def nodata(self, name, rdtype, soa_line=SOA_COM, answer=()):
        self.assertResponse(self.ask(name, rdtype), "NOERROR", "QR AA", answer=list(answer),
                            authority=[soa_line])

    def nxdomain(self, name, rdtype, soa_line=SOA_COM):
        self.assertResponse(self.ask(name, rdtype), "NXDOMAIN", "QR AA", authority=[soa_line])

    def txt(self, name, text, ttl=600):
        self.positive(name, "TXT", "%s %d IN TXT %s" % (name, ttl, text))

    def cname(self, name, rdtype, target, ttl=600):
        self.positive(name, rdtype, "%s %d IN CNAME %s" % (name, ttl, target))

    def test_txt_records(self):
        for domain in ("example.com.", "sub.example.com."):
            self.txt("_mta-sts." + domain, MTA_STS)
            self.txt("_smtp._tls." + domain, TLSRPT)
            self.txt("_dmarc." + domain, DMARC)
            self.txt("_ua-auto-config." + domain, PACC)

    def test_tlsa(self):
        for domain in ("example.com.", "sub.example.com."):
            name = "_25._tcp.mx." + domain
            self.positive(name, "TLSA", "%s 600 IN TLSA 3 1 1 %s" % (name, TLSA_HASH))

    def test_rrset_of_several_templates(self):
        name = "_multi.example.com."
        rrset = ['%s 600 IN TXT "first"' % name, '%s 600 IN TXT "second" "part"' % name]
        self.positive(name, "TXT", *rrset)
        resp = self.ask(name, "TXT")
        self.assertEqual(len(resp.answer), 1, "one RRset: %s" % resp)
        self.positive(name, "ANY", *rrset)

    def test_several_types_and_any(self):
        self.positive("host.example.com.", "A", "host.example.com. 600 IN A 192.0.2.10")
        self.positive("host.example.com.", "AAAA", "host.example.com. 600 IN AAAA 2001:db8::10")
        # A name without a trailing dot in rdata is relative to the mail domain.
        self.positive("host.example.com.", "MX", "host.example.com. 600 IN MX 10 smtp.example.com.")
        self.positive("host.sub.example.com.", "MX",
                      "host.sub.example.com. 600 IN MX 10 smtp.sub.example.com.")
        # ANY: every RRset of the owner.
        self.positive("host.example.com.", "ANY",
                      "host.example.com. 600 IN A 192.0.2.10",
                      "host.example.com. 600 IN AAAA 2001:db8::10",
                      "host.example.com. 600 IN MX 10 smtp.example.com.")
        self.positive("_dmarc.example.com.", "ANY", "_dmarc.example.com. 600 IN TXT %s" % DMARC)

    def test_cname_for_every_type(self):
        for rdtype in ("A", "AAAA", "TXT", "MX", "SRV", "TLSA", "CNAME", "ANY"):
            self.cname("mta-sts.example.com.", rdtype, "mta-sts.provider.example.")
        for rdtype in ("TXT", "CNAME"):
            self.cname("sel1._domainkey.example.com.", rdtype,
                       "sel1._domainkey.provider.example.")
            self.cname("sel1._domainkey.sub.example.com.", rdtype,
                       "sel1._domainkey.provider.example.")
        for rdtype in ("A", "AAAA"):
            self.cname("ua-auto-config.example.com.", rdtype, "autoconfig.provider.example.")
        self.cname("mta-sts.sub.example.com.", "A", "mta-sts.provider.example.")

    def test_relative_cname(self):
        # The target is relative to the mail domain. knotd does not follow a
        # CNAME added by a module, even to a name its zone has (policy A).
        for rdtype in ("A", "CNAME", "TXT"):
            self.cname("relative.example.com.", rdtype, "policy.example.com.")
        self.cname("relative.sub.example.com.", "A", "policy.sub.example.com.")

    def test_other_types_nodata(self):
        for rdtype in ("A", "AAAA", "MX", "CNAME", "SRV"):
            self.nodata("_dmarc.example.com.", rdtype)
        self.nodata("_mta-sts.example.com.", "MX")
        self.nodata("_smtp._tls.sub.example.com.", "A")
        self.nodata("_ua-auto-config.example.com.", "CNAME")
        self.nodata("_25._tcp.mx.example.com.", "TXT")
        self.nodata("_25._tcp.mx.example.com.", "A")
        self.nodata("host.example.com.", "TXT")
        self.nodata("host.example.com.", "CNAME")
        self.nodata("_multi.example.com.", "A")

    def test_empty_non_terminals(self):
        for rdtype in ("A", "TXT", "CNAME", "ANY"):
            self.nodata("_tls.example.com.", rdtype)
            self.nodata("_domainkey.example.com.", rdtype)
        self.nodata("_tls.sub.example.com.", "TXT")
        self.nodata("_domainkey.sub.example.com.", "A")
        self.nodata("mx.example.com.", "A")
        self.nodata("mx.example.com.", "TLSA")
        self.nodata("_tcp.mx.example.com.", "TLSA")
        self.nodata("_tcp.mx.sub.example.com.", "A")

    def test_left_to_zone(self):
        # Names below an owner, beside one under an empty non-terminal,
        # unknown owners, unlisted domains.
        self.nxdomain("x._mta-sts.example.com.", "TXT")
        self.nxdomain("x.mta-sts.example.com.", "A")
        self.nxdomain("x._smtp._tls.example.com.", "TXT")
        self.nxdomain("other._tls.example.com.", "TXT")
        self.nxdomain("sel2._domainkey.example.com.", "TXT")
        self.nxdomain("x._25._tcp.mx.example.com.", "TLSA")
        self.nxdomain("_25._tcp.example.com.", "TLSA")
        self.nxdomain("x.host.example.com.", "A")
        self.nxdomain("_spf.example.com.", "TXT")
        self.nxdomain("_dmarc.unlisted.example.com.", "TXT")
        self.nxdomain("mta-sts.unlisted.example.com.", "A")
        self.nxdomain("_tls.unlisted.example.com.", "A")
        self.nxdomain("_dmarc.example.com.example.com.", "TXT")

    def test_zone_data_wins(self):
        # The zone has the name with the type: its answer, untouched.
        self.positive("_dmarc.own.example.com.", "TXT",
                      '_dmarc.own.example.com. 300 IN TXT "v=DMARC1; p=none; zone data"')
        self.nodata("_dmarc.own.example.com.", "A")
        self.positive("mta-sts.own.example.com.", "A",
                      "mta-sts.own.example.com. 300 IN A 192.0.2.60")
        self.positive("_25._tcp.mx.own.example.com.", "TXT",
                      '_25._tcp.mx.own.example.com. 300 IN TXT "zone note"')
        # The zone has the name with other types only: the template is added.
        self.positive("_25._tcp.mx.own.example.com.", "TLSA",
                      "_25._tcp.mx.own.example.com. 600 IN TLSA 3 1 1 %s" % TLSA_HASH)
        # Other owners of the same domain are synthesized.
        self.txt("_mta-sts.own.example.com.", MTA_STS)
        self.txt("_smtp._tls.own.example.com.", TLSRPT)

    def test_delegation_wins(self):
        for name, rdtype in (("_dmarc.deleg.example.com.", "TXT"),
                             ("mta-sts.deleg.example.com.", "A"),
                             ("_tls.deleg.example.com.", "A")):
            self.assertResponse(self.ask(name, rdtype), "NOERROR", "QR",
                                authority=["deleg.example.com. 300 IN NS ns.other.test."])

    def test_zone_wildcard(self):
        # A matching wildcard answers as the zone does ...
        self.positive("_dmarc.x.wild.example.com.", "TXT",
                      '_dmarc.x.wild.example.com. 300 IN TXT "wildcard"')
        # ... and a type it does not have is synthesized, as at a zone node.
        self.positive("_25._tcp.mx.x.wild.example.com.", "TLSA",
                      "_25._tcp.mx.x.wild.example.com. 600 IN TLSA 3 1 1 %s" % TLSA_HASH)

    def test_cname_chain_from_zone(self):
        cname = "alias-dmarc.example.com. 300 IN CNAME _dmarc.sub.example.com."
        self.positive("alias-dmarc.example.com.", "TXT", cname,
                      "_dmarc.sub.example.com. 600 IN TXT %s" % DMARC)
        self.nodata("alias-dmarc.example.com.", "A", answer=[cname])

    def test_case(self):
        self.positive("_DMARC.Example.COM.", "TXT", "_DMARC.Example.COM. 600 IN TXT %s" % DMARC)
        self.positive("_Smtp._TLS.Sub.Example.Com.", "TXT",
                      "_Smtp._TLS.Sub.Example.Com. 600 IN TXT %s" % TLSRPT)
        self.positive("_25._TCP.MX.example.com.", "TLSA",
                      "_25._TCP.MX.example.com. 600 IN TLSA 3 1 1 %s" % TLSA_HASH)
        self.cname("MTA-STS.Sub.Example.COM.", "A", "mta-sts.provider.example.")
        self.cname("Sel1._DomainKey.example.COM.", "TXT", "sel1._domainkey.provider.example.")
        # knotd compresses a target below the mail domain against the
        # question, in its case.
        self.cname("Relative.Sub.Example.COM.", "CNAME", "policy.Sub.Example.COM.")
        self.nodata("_TLS.Example.COM.", "A", soa_line=soa("Example.COM."))
        self.nodata("_DMARC.example.COM.", "A", soa_line=soa("example.COM."))

    def test_default_ttl(self):
        # No 'ttl' item: 3600; the class IN may be written.
        self.txt("_dmarc.example.net.", '"v=DMARC1; p=none"', ttl=3600)
        self.cname("mta-sts.example.net.", "A", "mta-sts.provider.example.", ttl=3600)
        self.nodata("_dmarc.example.net.", "A", soa_line=SOA_NET)
        # The other configuration's templates are not this one's.
        self.nxdomain("_mta-sts.example.net.", "TXT", soa_line=SOA_NET)


class AnswersUdp(Answers, harness.DnsTestCase):
    tcp = False


class AnswersTcp(Answers, harness.DnsTestCase):
    tcp = True


STATS_MODULES = """
mod-mailsrv:
  - id: counted
    target: mail.provider.example.
    domain: [ example.com ]
    statistics: on
    record: %s
""" % yaml_list(["_dmarc TXT %s" % DMARC, "mta-sts CNAME mta-sts.provider.example.",
                 "_25._tcp.mx TLSA 3 1 1 %s" % TLSA_HASH, "_smtp._tls TXT %s" % TLSRPT])


class Statistics(harness.DnsTestCase):
    @classmethod
    def setUpClass(cls):
        cls.knot = knot_server({"example.com": (zone("example.com"), ["mod-mailsrv/counted"])},
                               STATS_MODULES)

    @classmethod
    def tearDownClass(cls):
        cls.knot.cleanup()

    def test_counters(self):
        knot = self.knot
        for name, rdtype, tcp in (("_dmarc.example.com.", "TXT", False),
                                  ("_dmarc.example.com.", "TXT", True),
                                  ("_smtp._tls.example.com.", "TXT", False),
                                  ("mta-sts.example.com.", "A", False),
                                  ("mta-sts.example.com.", "CNAME", True),
                                  ("_25._tcp.mx.example.com.", "TLSA", False),
                                  ("_dmarc.example.com.", "A", False),      # NODATA
                                  ("_tls.example.com.", "TXT", False),      # ENT
                                  ("_dmarc.unlisted.example.com.", "TXT", False)):  # not ours
            knot.query(name, rdtype, tcp=tcp)
        self.assertEqual(knot.answer_stats("example.com"), sorted([
            "[example.com.] mod-mailsrv.record[TXT] = 3",
            "[example.com.] mod-mailsrv.record[CNAME] = 2",
            "[example.com.] mod-mailsrv.record[TLSA] = 1",
            "[example.com.] mod-mailsrv.nodata = 2",
        ]))


SHORTHAND_MODULES = """
mod-mailsrv:
  - id: combined
    target: mail.provider.example.
    domain: [ example.com, sub.example.com ]
    service: [ submissions, imaps, caldavs ]
    autoconfig: autoconfig.provider.example.
    autodiscover: autodiscover.provider.example.
    caldav-path: /dav/
    ttl: 600
    record: %s
""" % yaml_list(['_imaps._tcp TXT "hello"', "_dmarc TXT %s" % DMARC,
                 "mta-sts CNAME mta-sts.provider.example.",
                 "_25._tcp.mx TLSA 3 1 1 %s" % TLSA_HASH])


class Shorthands(harness.DnsTestCase):
    """autoconfig, autodiscover, caldav-path and the services beside templates."""

    @classmethod
    def setUpClass(cls):
        cls.knot = knot_server({"example.com": (zone("example.com"), ["mod-mailsrv/combined"])},
                               SHORTHAND_MODULES)

    @classmethod
    def tearDownClass(cls):
        cls.knot.cleanup()

    def positive(self, name, rdtype, *answer):
        for tcp in (False, True):
            self.assertResponse(self.knot.query(name, rdtype, tcp=tcp), "NOERROR", "QR AA",
                                answer=list(answer))

    def nodata(self, name, rdtype):
        self.assertResponse(self.knot.query(name, rdtype), "NOERROR", "QR AA",
                            authority=[SOA_COM])

    def test_template_beside_a_service(self):
        for domain in ("example.com.", "sub.example.com."):
            name = "_imaps._tcp." + domain
            self.positive(name, "TXT", '%s 600 IN TXT "hello"' % name)
            self.positive(name, "SRV", "%s 600 IN SRV 10 1 993 mail.provider.example." % name)
            self.nodata(name, "A")
        self.positive("_submissions._tcp.example.com.", "SRV",
                      "_submissions._tcp.example.com. 600 IN SRV 10 1 465 mail.provider.example.")
        self.nodata("_submissions._tcp.example.com.", "TXT")
        self.nodata("_tcp.example.com.", "A")
        self.nodata("_tcp.mx.example.com.", "SRV")

    def test_shorthands_still_answer(self):
        self.positive("_caldavs._tcp.example.com.", "TXT",
                      '_caldavs._tcp.example.com. 600 IN TXT "path=/dav/"')
        self.positive("_caldavs._tcp.example.com.", "SRV",
                      "_caldavs._tcp.example.com. 600 IN SRV 10 1 443 mail.provider.example.")
        self.positive("autoconfig.example.com.", "A",
                      "autoconfig.example.com. 600 IN CNAME autoconfig.provider.example.")
        self.positive("autodiscover.sub.example.com.", "AAAA",
                      "autodiscover.sub.example.com. 600 IN CNAME autodiscover.provider.example.")
        self.assertResponse(self.knot.query("_pop3s._tcp.example.com.", "SRV"), "NXDOMAIN",
                            "QR AA", authority=[SOA_COM])

    def test_templates(self):
        self.positive("_dmarc.example.com.", "TXT", "_dmarc.example.com. 600 IN TXT %s" % DMARC)
        self.positive("mta-sts.sub.example.com.", "A",
                      "mta-sts.sub.example.com. 600 IN CNAME mta-sts.provider.example.")
        self.positive("_25._tcp.mx.example.com.", "TLSA",
                      "_25._tcp.mx.example.com. 600 IN TLSA 3 1 1 %s" % TLSA_HASH)


GOOD_RECORDS = TEMPLATES + ['_imaps._tcp TXT "hello"', '_class IN TXT "with class"',
                            "autoconfig CNAME automx.provider.example."]


def section(records, extra=""):
    return ("mod-mailsrv:\n  - id: default\n    target: mail.provider.example.\n"
            "    domain: [ example.com ]\n%s    record: %s\n" % (extra, yaml_list(records)))


DS_DIGEST = "2BB183AF5F22588179A53B0A98631FAD1A292118C7D4CB5E2D6E2A6BFD8C9ABB"
KEY = "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ=="


class ConfigCheck(harness.DnsTestCase):
    """knotc conf-check refuses bad templates with the reason; the server,
    started with good ones, refuses them at reload and keeps answering."""

    @classmethod
    def setUpClass(cls):
        cls.knot = knot_server({"example.com": (zone("example.com"), ["mod-mailsrv/default"])},
                               section(TEMPLATES))

    @classmethod
    def tearDownClass(cls):
        cls.knot.cleanup()

    def still_answers(self):
        self.assertResponse(self.knot.query("_dmarc.example.com.", "TXT"), "NOERROR", "QR AA",
                            answer=["_dmarc.example.com. 3600 IN TXT %s" % DMARC])
        self.assertResponse(self.knot.query("mta-sts.example.com.", "A"), "NOERROR", "QR AA",
                            answer=["mta-sts.example.com. 3600 IN CNAME "
                                    "mta-sts.provider.example."])

    def refused(self, records, reason=None, extra=""):
        """Writes the server's configuration with \a records, expects
        conf-check and reload to refuse it (with \a reason), then restores it."""
        knot = self.knot
        knot.modules = section(records, extra)
        knot.write_config()
        applied = False
        try:
            res = knot.knotc("conf-check", conf=True)
            out = res.stdout + res.stderr
            self.assertNotEqual(res.returncode, 0, "%s accepted: %s" % (records, out))
            self.assertIn("error: config, file '%s'" % knot.conf_path, out)
            if reason is not None:
                self.assertIn(reason, out)
            reload = knot.knotc("reload")
            applied = reload.returncode == 0
            self.assertFalse(applied, "reload accepted %s" % records)
            self.still_answers()
        finally:
            knot.modules = section(TEMPLATES)
            knot.write_config()
            if applied:  # A defect: put the good configuration back.
                knot.knotc("reload")

    def setUp(self):
        self.failed = []

    def refused_each(self, records, reason):
        """refused(), the failure kept in self.failed: every case of a loop runs."""
        try:
            self.refused(records, reason)
        except AssertionError as e:
            self.failed.append(str(e))

    def test_valid(self):
        self.knot.modules = section(GOOD_RECORDS)
        self.knot.write_config()
        try:
            res = self.knot.knotc("conf-check", conf=True)
            self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
            self.assertIn("Configuration is valid", res.stdout + res.stderr)
        finally:
            self.knot.modules = section(TEMPLATES)
            self.knot.write_config()
        self.still_answers()

    def test_owner_at_the_domain(self):
        self.refused(['@ TXT "x"'], "no records at the mail domain itself")
        self.refused(['@ CNAME mta-sts.provider.example.'], "no records at the mail domain itself")

    def test_empty_owner(self):
        # A blank owner in presentation format: the mail domain itself.
        self.refused([' TXT "x"'], "no records at the mail domain itself")

    def test_absolute_owner(self):
        self.refused(['_dmarc.example.com. TXT "x"'], "the owner is relative to the mail domain")
        self.refused(['_dmarc. TXT "x"'], "the owner is relative to the mail domain")

    def test_wildcard_owner(self):
        self.refused(['* TXT "x"'])
        self.refused(['*._domainkey TXT "x"'])

    def test_ttl_in_text(self):
        self.refused(['_dmarc 300 TXT "x"'])
        self.refused(['_dmarc IN 300 TXT "x"'])

    def test_zone_types(self):
        for rdtype, rdata in (("SOA", "ns.example.net. host.example.net. 1 3600 600 86400 300"),
                              ("NS", "ns.example.net."),
                              ("DS", "12345 13 2 " + DS_DIGEST),
                              ("DNAME", "other.example.net."),
                              ("RRSIG", "A 13 3 300 20270101000000 20260101000000 12345 "
                                        "example.com. " + KEY),
                              ("NSEC", "y.example.com. A RRSIG NSEC"),
                              ("NSEC3", "1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG"),
                              ("NSEC3PARAM", "1 0 0 -"),
                              ("DNSKEY", "257 3 13 " + KEY),
                              ("CDS", "12345 13 2 " + DS_DIGEST),
                              ("CDNSKEY", "257 3 13 " + KEY)):
            self.refused_each(["x %s %s" % (rdtype, rdata)],
                              "type %s is the zone's, not synthesized" % rdtype)
        self.assertEqual(self.failed, [])

    def test_invalid_rdata(self):
        for record in ("host A 192.0.2.300", "host AAAA 2001:db8::g", "host MX 10",
                       "_25._tcp TLSA 3 1 1 zz", "_dmarc TXT", "mta-sts CNAME"):
            self.refused_each([record], "invalid record")
        self.assertEqual(self.failed, [])
        # An unknown type, a class other than IN.
        self.refused(["host BOGUS 1"])
        self.refused(['_dmarc CH TXT "x"'])

    def test_cname_beside_other_data(self):
        self.refused(["sel CNAME a.provider.example.", 'sel TXT "x"'],
                     "a CNAME beside other data at 'sel'")
        self.refused(["host A 192.0.2.1", "host CNAME a.provider.example."],
                     "a CNAME beside other data at 'host'")
        self.refused(["autoconfig CNAME automx.other.example."],
                     "a CNAME beside other data at 'autoconfig'",
                     extra="    autoconfig: automx.provider.example.\n")

    def test_relative_name_too_long(self):
        """A relative name in the rdata must fit 255 bytes before every listed
        domain, as a relative target must: conf-check refuses the list with the
        line (knotd itself keeps answering from the last good list: the list
        is data)."""
        long_domain = ".".join(c * 63 for c in "abc") + ".example.com"  # 205 bytes
        path = self.knot.write("long.txt", "ok.example.com\n%s\n" % long_domain)
        try:
            for size, code in ((48, 1), (47, 0)):  # 51 + 205 bytes do not fit, 50 do
                self.knot.modules = section(["x CNAME %s.y" % ("l" * size)],
                                            "    domain-file: %s\n" % path)
                self.knot.write_config()
                res = self.knot.knotc("conf-check", conf=True)
                out = res.stdout + res.stderr
                self.assertEqual(res.returncode, code, out)
                if code:
                    self.assertIn("%s:2: domain '%s.': the relative target makes a name "
                                  "longer than 255 bytes" % (path, long_domain), out)
        finally:
            self.knot.modules = section(TEMPLATES)
            self.knot.write_config()
        self.still_answers()


SIGNED_RECORDS = [
    '_dmarc TXT "v=DMARC1; p=reject"',
    '_smtp._tls TXT "v=TLSRPTv1; rua=mailto:tlsrpt@provider.test"',
    "mta-sts CNAME mta-sts.provider.test.",
    "sel1._domainkey CNAME sel1._domainkey.provider.test.",
    "relative CNAME policy",
]

DKIM = '"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="'

DNSSEC_MODULES = """
mod-mailsrv:
  - id: signed
    target: mail.provider.test.
    domain: [ example.org, sub.example.org ]
    record: %(signed)s
  - id: txt-denied
    target: mail.provider.test.
    domain: [ example.info ]
    record: %(denied)s
mod-onlinesign:
  - id: srv-txt
    nsec-bitmap: [ SRV, TXT ]
  - id: srv
    nsec-bitmap: [ SRV ]
""" % {"signed": yaml_list(SIGNED_RECORDS),
       "denied": yaml_list(['_dmarc TXT "v=DMARC1; p=reject"',
                            "mta-sts CNAME mta-sts.provider.test."])}

SIGNED_ZONES = ["example.org", "example.info", "provider.test"]


class Validated(harness.DnsTestCase):
    """example.org: mod-mailsrv, then mod-onlinesign with SRV and TXT in
    nsec-bitmap; provider.test (the CNAME targets): signed too; example.info:
    a bitmap without TXT. A fresh validating unbound (strict QNAME
    minimisation, aggressive NSEC) for every test."""

    @classmethod
    def setUpClass(cls):
        cls.knot = knot_server({
            "example.org": (zone("example.org", "policy A 192.0.2.80\n"),
                            ["mod-mailsrv/signed", "mod-onlinesign/srv-txt"]),
            "example.info": (zone("example.info"),
                             ["mod-mailsrv/txt-denied", "mod-onlinesign/srv"]),
            "provider.test": (zone("provider.test", "mta-sts A 192.0.2.81\n"
                                                    "sel1._domainkey TXT %s\n" % DKIM),
                              ["mod-onlinesign/srv-txt"]),
        }, DNSSEC_MODULES)
        try:
            cls.anchors = []
            for name in SIGNED_ZONES:
                cls.anchors += resolvers.key_signing_keys(cls.knot, name)
        except BaseException:
            cls.knot.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.knot.cleanup()

    def setUp(self):
        self.unbound = resolvers.Unbound(self.knot.port, SIGNED_ZONES, self.anchors)
        self.unbound.start()

    def tearDown(self):
        self.unbound.cleanup()

    def validated(self, name, rdtype, rdata):
        resp = self.unbound.query(name, rdtype)
        self.assertEqual(dns.rcode.to_text(resp.rcode()), "NOERROR", "%s %s" % (name, rdtype))
        self.assertTrue(resp.flags & dns.flags.AD, "%s %s not validated" % (name, rdtype))
        got = sorted("%s %s" % (rrset.name, rd) for rrset in resp.answer
                     if rrset.rdtype != dns.rdatatype.RRSIG for rd in rrset)
        self.assertEqual(got, sorted(rdata), "%s %s" % (name, rdtype))

    def test_txt(self):
        self.validated("_dmarc.example.org.", "TXT", ['_dmarc.example.org. "v=DMARC1; p=reject"'])
        self.validated("_smtp._tls.sub.example.org.", "TXT",
                       ['_smtp._tls.sub.example.org. '
                        '"v=TLSRPTv1; rua=mailto:tlsrpt@provider.test"'])

    def test_nodata_does_not_deny_txt(self):
        # NODATA at the TXT owner, validated, then the TXT from the same cache.
        for name in ("_dmarc.example.org.", "_smtp._tls.example.org."):
            self.validated(name, "A", [])
            self.validated(name, "MX", [])
        self.validated("_dmarc.example.org.", "TXT", ['_dmarc.example.org. "v=DMARC1; p=reject"'])
        self.validated("_smtp._tls.example.org.", "TXT",
                       ['_smtp._tls.example.org. "v=TLSRPTv1; rua=mailto:tlsrpt@provider.test"'])

    def test_empty_non_terminals(self):
        for name in ("_tls.example.org.", "_domainkey.example.org.", "_tls.sub.example.org."):
            self.validated(name, "A", [])
            self.validated(name, "TXT", [])
        self.validated("_smtp._tls.example.org.", "TXT",
                       ['_smtp._tls.example.org. "v=TLSRPTv1; rua=mailto:tlsrpt@provider.test"'])
        self.validated("sel1._domainkey.example.org.", "TXT",
                       ["sel1._domainkey.example.org. sel1._domainkey.provider.test.",
                        "sel1._domainkey.provider.test. %s" % DKIM])

    def test_cname_out_of_zone(self):
        self.validated("mta-sts.example.org.", "A",
                       ["mta-sts.example.org. mta-sts.provider.test.",
                        "mta-sts.provider.test. 192.0.2.81"])
        self.validated("sel1._domainkey.sub.example.org.", "TXT",
                       ["sel1._domainkey.sub.example.org. sel1._domainkey.provider.test.",
                        "sel1._domainkey.provider.test. %s" % DKIM])
        # A CNAME answers at a name asked for another type first.
        self.validated("mta-sts.sub.example.org.", "AAAA",
                       ["mta-sts.sub.example.org. mta-sts.provider.test."])
        self.validated("mta-sts.sub.example.org.", "A",
                       ["mta-sts.sub.example.org. mta-sts.provider.test.",
                        "mta-sts.provider.test. 192.0.2.81"])

    def test_cname_in_zone(self):
        self.validated("relative.example.org.", "A",
                       ["relative.example.org. policy.example.org.",
                        "policy.example.org. 192.0.2.80"])

    def test_warnings(self):
        log = self.knot.log()
        self.assertIn("[example.info.] module 'mod-mailsrv/txt-denied', TXT records are denied "
                      "by NSEC (TXT not in mod-onlinesign's nsec-bitmap)", log)
        # CNAME never belongs in nsec-bitmap; the correct setup never warns.
        self.assertNotIn("CNAME records are denied", log)
        self.assertNotIn("CNAME not in mod-onlinesign's nsec-bitmap", log)
        self.assertNotIn("[example.org.] module 'mod-mailsrv/signed', TXT records", log)
        self.assertNotIn("[example.org.] module 'mod-mailsrv/signed', synthesized", log)
        # What the warning is about: the TXT validates when asked first ...
        self.validated("_dmarc.example.info.", "TXT", ['_dmarc.example.info. "v=DMARC1; p=reject"'])
        self.validated("mta-sts.example.info.", "A",
                       ["mta-sts.example.info. mta-sts.provider.test.",
                        "mta-sts.provider.test. 192.0.2.81"])

    def test_txt_denied_after_nodata(self):
        # ... but after another type, the cached NSEC denies it.
        self.validated("_dmarc.example.info.", "A", [])
        self.validated("_dmarc.example.info.", "TXT", [])


if __name__ == "__main__":
    harness.main(sys.modules[__name__])
