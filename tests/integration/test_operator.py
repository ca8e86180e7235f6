#!/usr/bin/python3
"""Operator features against a real knotd: statistics, IDN lists, log lines."""

import re
import sys
import time

import harness

ZONE = ("$ORIGIN example.com.\n$TTL 300\n"
        "@ SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300\n"
        "@ NS ns.example.com.\n")
SOA = "example.com. 300 IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300"

DOMAINS = """# IDN domains are given in U-labels (UTF-8)
B\u00fccher.example.com
m\u00fcnchen.example.com   imap
sub.example.com
sub.example.com
stra\u00dfe.example.com    mail.\u00e4rzte.example.
"""


class Operator(harness.DnsTestCase):
    @classmethod
    def setUpClass(cls):
        cls.knot = harness.Knot({"example.com": (ZONE, ["mod-mailsrv/default"]),
                                 "example.org": (zone("example.org"), ["mod-mailsrv/quiet"])})
        path = cls.knot.path("domains.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write(DOMAINS)
        cls.path = path
        cls.knot.modules = ("mod-mailsrv:\n  - id: default\n    target: mail.example.net.\n"
                            "    domain: [ example.com ]\n    domain-file: %s\n"
                            "    unavailable: on\n    statistics: on\n"
                            "  - id: quiet\n    target: mail.example.net.\n"
                            "    domain: [ example.org ]\n" % path)
        cls.knot.start()

    @classmethod
    def tearDownClass(cls):
        cls.knot.cleanup()

    def srv(self, name, rdata, tcp=False):
        self.assertResponse(self.knot.query(name, "SRV", tcp=tcp), "NOERROR", "QR AA",
                            answer=["%s 3600 IN SRV %s" % (name, rdata)])

    def test_idn_domains_and_targets(self):
        self.srv("_imaps._tcp.xn--bcher-kva.example.com.", "10 1 993 mail.example.net.")
        self.srv("_imaps._tcp.xn--mnchen-3ya.example.com.",
                 "10 1 993 imap.xn--mnchen-3ya.example.com.")
        # UTS #46 maps the sharp s to "ss" (non-transitional: kept as xn--).
        self.srv("_submissions._tcp.xn--strae-oqa.example.com.",
                 "10 1 465 mail.xn--rzte-koa.example.")

    def test_statistics(self):
        """knotc zone-stats shows what the module answered, and nothing else."""
        self.knot.knotc("-f", "zone-reload", "example.com")  # counters start at zero
        queries = [
            ("_imaps._tcp.example.com.", "SRV", False),
            ("_imaps._tcp.sub.example.com.", "SRV", True),
            ("_submissions._tcp.example.com.", "SRV", False),
            ("_pop3._tcp.example.com.", "SRV", True),        # unavailable
            ("_imap._tcp.example.com.", "ANY", False),       # unavailable
            ("_tcp.example.com.", "A", False),               # nodata
            ("_imaps._tcp.example.com.", "TXT", True),       # nodata
            ("sub.example.com.", "A", False),                # nodata
            ("_imaps._tcp.unlisted.example.com.", "SRV", False),  # left to the zone
            ("example.com.", "SOA", False),                  # zone data
        ]
        for name, rdtype, tcp in queries:
            self.knot.query(name, rdtype, tcp=tcp)
        self.assertEqual(self.knot.answer_stats("example.com"), sorted([
            "[example.com.] mod-mailsrv.srv[submissions] = 1",
            "[example.com.] mod-mailsrv.srv[imaps] = 2",
            "[example.com.] mod-mailsrv.unavailable[imap] = 1",
            "[example.com.] mod-mailsrv.unavailable[pop3] = 1",
            "[example.com.] mod-mailsrv.nodata = 3",
        ]))

    def test_no_statistics_by_default(self):
        """Without 'statistics: on' a zone registers no counters at all
        (knotd keeps them per zone and per worker thread)."""
        name = "_imaps._tcp.example.org."
        self.srv(name, "10 1 993 mail.example.net.")
        res = self.knot.knotc("zone-stats", "example.org", "mod-mailsrv")
        self.assertEqual(res.returncode, 1, res.stdout + res.stderr)
        # knotc 3.2 says "not exists", 3.4 and later "invalid parameter".
        self.assertRegex(res.stdout.strip(), r"^error: \((not exists|invalid parameter)\) "
                         r"\[example\.org\.?\] mod-mailsrv$")
        res = self.knot.knotc("zone-stats", "example.com", "mod-mailsrv")
        self.assertEqual(res.returncode, 0)
        self.assertIn("[example.com.] mod-mailsrv.list[domains] = 5", res.stdout)

    def test_log_lines(self):
        log = self.knot.log()
        line = re.search(r"module 'mod-mailsrv/default', domain list loaded, domains 5, "
                         r"own targets 2, duplicates 1, time [0-9.]+ s, snapshot [0-9.]+ s, "
                         r"memory ([0-9]+) KiB, "
                         r"sources 'domain' items, %s\n" % re.escape(self.path), log)
        self.assertIsNotNone(line, log)
        self.assertGreater(int(line.group(1)), 0)
        self.assertIn("module 'mod-mailsrv/default', domain list repeats 1 domains with the "
                      "same target, first 'sub.example.com.' at %s:5" % self.path, log)


def zone(name):
    return ZONE.replace("example.com.", name + ".")


class Coverage(harness.DnsTestCase):
    """Listed domains outside every zone that uses the list are logged, once
    per change, by the first query a quiet second after it that the zone has
    no answer for."""

    WARNING = ("[example.com.] module 'mod-mailsrv/default', domain list has domains "
               "outside every zone that uses it, not answered, domains 2, zones 1, "
               "first 'c.example.net.'")
    INFO = ("module 'mod-mailsrv/default', domain list has no domains outside the zones "
            "that use it now, zones 3")

    def wait_for_line(self, knot, line, zone):
        """Queries the zone until the log has the line (bounded)."""
        deadline = time.monotonic() + harness.WAIT
        while line not in knot.log() and time.monotonic() < deadline:
            knot.query("nx." + zone, "A")  # a name the zone lacks: the module is asked
            time.sleep(0.2)
        self.assertIn(line, knot.log())

    def test_outside_then_inside(self):
        knot = harness.Knot({"example.com": (ZONE, ["mod-mailsrv/default"]),
                             "example.org": (zone("example.org"), [])})
        try:
            knot.modules = ("mod-mailsrv:\n  - id: default\n    target: mail.example.net.\n"
                            "    domain: [ a.example.com, b.example.org, c.example.net, "
                            "example.com ]\n")
            knot.start()
            self.wait_for_line(knot, self.WARNING, "example.com")
            # Once per change: more queries log nothing more.
            time.sleep(1.2)
            for _ in range(3):
                knot.query("nx.example.com", "A")
            log = knot.log()
            self.assertEqual(log.count("outside every zone"), 1, log)
            self.assertNotIn("no domains outside", log)

            # The missing zones get the module: all domains are inside now.
            knot.zones = {"example.com": (ZONE, ["mod-mailsrv/default"]),
                          "example.org": (zone("example.org"), ["mod-mailsrv/default"]),
                          "example.net": (zone("example.net"), ["mod-mailsrv/default"])}
            knot.write_config()
            res = knot.knotc("reload")
            self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
            self.wait_for_line(knot, self.INFO, "example.net")
            self.assertEqual(knot.log().count("outside every zone"), 1)
        finally:
            knot.cleanup()


class CounterSet(harness.DnsTestCase):
    """Only counters the configuration can count: knotd keeps each one per
    zone and per worker thread."""

    def counters(self, section):
        knot = harness.Knot({"example.com": (ZONE, ["mod-mailsrv/default"])})
        try:
            knot.modules = ("mod-mailsrv:\n  - id: default\n    target: mail.example.net.\n"
                            "    domain: example.com\n    statistics: on\n" + section)
            knot.start()
            res = knot.knotc("-f", "zone-stats", "example.com", "mod-mailsrv")
            self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
            return sorted(line.split(" = ")[0] for line in res.stdout.splitlines())
        finally:
            knot.cleanup()

    LIST = ["[example.com.] mod-mailsrv.list[%s]" % v
            for v in ("domains", "read-at", "stale-since")]

    def test_statistics_on(self):
        self.assertEqual(self.counters(""), sorted(self.LIST + [
            "[example.com.] mod-mailsrv.nodata",
            "[example.com.] mod-mailsrv.srv[imaps]",
            "[example.com.] mod-mailsrv.srv[submissions]",
        ]))

    def test_configured(self):
        """Per-service counters run up to the last service that can count."""
        names = self.counters("    service: [ submissions, pop3 ]\n    unavailable: on\n"
                              "    autoconfig: automx.example.net.\n")
        srv = ["[example.com.] mod-mailsrv.srv[%s]" % s
               for s in ("submissions", "imaps", "pop3s", "submission", "imap", "pop3")]
        unavailable = ["[example.com.] mod-mailsrv.unavailable[%s]" % s
                       for s in ("submissions", "imaps", "pop3s", "submission", "imap", "pop3",
                                 "jmap", "caldavs", "carddavs", "autodiscover", "smtps")]
        self.assertEqual(names, sorted(srv + unavailable + self.LIST + [
            "[example.com.] mod-mailsrv.nodata", "[example.com.] mod-mailsrv.cname"]))


class SharedSettings(harness.DnsTestCase):
    """Zones whose sections read the same share one set of settings; any
    value that differs gives a section its own, before and after a reload."""

    SECTION = "  - id: %s\n    target: mail.example.net.\n    domain: [ %s ]\n%s"

    def sections(self, b_extra):
        return "mod-mailsrv:\n" + "".join(self.SECTION % args for args in (
            ("a", "a1.test, a2.test", "    ttl: 600\n"),
            ("b", "b.test", b_extra),
            ("c", "c.test", "    ttl: 600\n    service-record: \"imaps 5 - - -\"\n")))

    def srv(self, knot, zone, ttl, prio):
        name = "_imaps._tcp.%s." % zone
        self.assertResponse(knot.query(name, "SRV"), "NOERROR", "QR AA",
                            answer=["%s %d IN SRV %d 1 993 mail.example.net." % (name, ttl, prio)])

    def test_values_tell_sections_apart(self):
        zones = {"a1.test": "a", "a2.test": "a", "b.test": "b", "c.test": "c"}
        knot = harness.Knot({z: (zone(z), ["mod-mailsrv/%s" % i]) for z, i in zones.items()})
        try:
            knot.modules = self.sections("    ttl: 700\n")
            knot.start()
            for z, ttl, prio in (("a1.test", 600, 10), ("a2.test", 600, 10),
                                 ("b.test", 700, 10), ("c.test", 600, 5)):
                self.srv(knot, z, ttl, prio)
            knot.modules = self.sections("    ttl: 600\n")  # now as section a
            knot.write_config()
            res = knot.knotc("reload")
            self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
            for z, ttl, prio in (("a1.test", 600, 10), ("b.test", 600, 10), ("c.test", 600, 5)):
                self.srv(knot, z, ttl, prio)
        finally:
            knot.cleanup()

    def test_refused_reload_keeps_settings(self):
        """A reload refused by a later section's check applies nothing: a
        zone reloaded afterwards reads the settings in use, not those the
        refused configuration would have had."""
        knot = harness.Knot({"a1.test": (zone("a1.test"), ["mod-mailsrv/a"])})
        try:
            knot.modules = self.sections("")
            knot.start()
            self.srv(knot, "a1.test", 600, 10)
            knot.modules = (self.sections("").replace("ttl: 600", "ttl: 900", 1) +
                            "  - id: bad\n    ttl: 60\n")  # no target: refused
            knot.write_config()
            res = knot.knotc("reload")
            self.assertNotEqual(res.returncode, 0, res.stdout)
            self.srv(knot, "a1.test", 600, 10)
            res = knot.knotc("-b", "-f", "zone-reload", "a1.test")
            self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
            self.srv(knot, "a1.test", 600, 10)
        finally:
            knot.cleanup()


class IdnErrors(harness.DnsTestCase):
    def test_invalid_idn_is_named(self):
        knot = harness.Knot({"example.com": (ZONE, ["mod-mailsrv/default"])})
        try:
            path = knot.path("domains.txt")
            with open(path, "wb") as f:
                f.write(b"ok.example.com\na\xe2\x80\x8db.example.com\n")
            knot.modules = ("mod-mailsrv:\n  - id: default\n    target: mail\n"
                            "    domain-file: %s\n" % path)
            knot.write_config()
            res = knot.knotc("conf-check", conf=True)
            self.assertNotEqual(res.returncode, 0)
            self.assertIn("(%s:2: domain 'a\\xe2\\x80\\x8db.example.com': invalid IDN "
                          "(string contains a forbidden context-j character))" % path,
                          res.stdout + res.stderr)
        finally:
            knot.cleanup()


if __name__ == "__main__":
    harness.main(sys.modules[__name__])
