#!/usr/bin/python3
"""Reloading the domain list through knotc: every path, bad lists, parse once."""

import os
import sys
import time

import dns.rcode

import harness

ZONES = 40  # zones of one template: the list is read once for all of them


def zone(origin):
    return ("$ORIGIN %s.\n$TTL 300\n"
            "@ SOA ns.%s. hostmaster.%s. 1 3600 600 86400 300\n"
            "@ NS ns.%s.\n" % (origin, origin, origin, origin))


def soa(origin):
    return "%s. 300 IN SOA ns.%s. hostmaster.%s. 1 3600 600 86400 300" % ((origin,) * 3)


MODULES = """
mod-mailsrv:
  - id: default
    target: mail.example.net.
    domain: [ %(inline)s ]
    domain-file: %(file)s
template:
  - id: mail
    storage: %(dir)s
    file: "%%s.zone"
    module: mod-mailsrv/default
"""

FIRST = "\n".join(["# stable domains", "stable.example.com", "target.example.com imap",
                   "drop.example.com", "switch.example.com mx1.example.org."]
                  + ["z%d.test" % i for i in range(ZONES)]) + "\n"


def edit(path, text):
    """Writes a domain file; its time is set apart from the last read so
    that every edit is seen (tests run faster than file time stamps)."""
    with open(path, "w") as f:
        f.write(text)
    edit.age -= 1
    when = time.time() - edit.age
    os.utime(path, (when, when))


edit.age = 1000


class Reload(harness.DnsTestCase):
    def setUp(self):
        zones = {"example.com": (zone("example.com"), ["mod-mailsrv/default"])}
        self.knot = harness.Knot(zones)
        for i in range(ZONES):
            self.knot.zones["z%d.test" % i] = (zone("z%d.test" % i), "mail")
        self.file = self.knot.path("domains.txt")
        edit(self.file, FIRST)
        self.inline = "example.com"
        self.configure()
        self.knot.start()

    def configure(self):
        self.knot.modules = MODULES % {"inline": self.inline, "file": self.file,
                                       "dir": self.knot.dir}
        self.knot.write_config()

    def tearDown(self):
        self.knot.cleanup()

    def srv(self, domain, target="mail.example.net.", tcp=False):
        name = "_imaps._tcp.%s." % domain
        self.assertResponse(self.knot.query(name, "SRV", tcp=tcp), "NOERROR", "QR AA",
                            answer=["%s 3600 IN SRV 10 1 993 %s" % (name, target)])

    def nxdomain(self, domain, zone="example.com"):
        name = "_imaps._tcp.%s." % domain
        self.assertResponse(self.knot.query(name, "SRV"), "NXDOMAIN", "QR AA",
                            authority=[soa(zone)])

    def stable(self):
        """Domains every list of these tests keeps."""
        self.srv("stable.example.com")
        self.srv("example.com")
        self.srv("target.example.com", "imap.target.example.com.")
        self.srv("z0.test")
        self.srv("z%d.test" % (ZONES - 1), tcp=True)

    def reload(self):
        res = self.knot.knotc("reload")
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        self.assertIn("Reloaded", res.stdout)

    def log_count(self, text, since=0):
        return self.knot.log()[since:].count(text)

    def changed_list(self):
        return FIRST.replace("drop.example.com\n", "").replace(
            "mx1.example.org.", "mx2.example.org.") + "new.example.com\n"

    def assertChangedList(self):
        self.stable()
        self.srv("new.example.com")
        self.srv("switch.example.com", "mx2.example.org.")
        self.nxdomain("drop.example.com")

    def test_reload_after_file_edit(self):
        mark = len(self.knot.log())
        edit(self.file, self.changed_list())
        self.reload()
        self.assertChangedList()
        # Read once for all zones, applied as a difference.
        self.assertEqual(self.log_count("domain list reloaded, domains %d (added 1, changed 1, "
                                        "removed 1)" % (ZONES + 5), mark), 1, self.knot.log())

    def test_reload_unchanged_reads_nothing(self):
        mark = len(self.knot.log())
        self.reload()
        self.stable()
        self.assertEqual(self.log_count("domain list loaded", mark), 0)
        self.assertEqual(self.log_count("domain list reloaded", mark), 0)

    def test_zone_reload_force(self):
        mark = len(self.knot.log())
        edit(self.file, self.changed_list())
        res = self.knot.knotc("-f", "zone-reload", "z3.test")
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        # One zone reloads its module, and every zone of the list sees it.
        self.assertChangedList()
        self.assertEqual(self.log_count("domain list reloaded", mark), 1)

    def test_reload_after_inline_edit(self):
        self.inline = "example.com, inline.example.com"
        self.configure()
        self.reload()
        self.stable()
        self.srv("inline.example.com")
        self.inline = "inline.example.com"
        self.configure()
        self.reload()
        self.srv("inline.example.com")
        self.nxdomain("example.com")
        self.srv("stable.example.com")

    def bad_reload(self, text, error):
        """A bad list on knotc reload: the reload goes on, the error is
        logged once, the old list serves; knotc conf-check names it."""
        mark = len(self.knot.log())
        if text is None:
            os.rename(self.file, self.file + ".away")
        else:
            edit(self.file, text)
        self.reload()
        self.assertEqual(self.log_count("failed to reload domain list (%s), keeping the "
                                        "previous list of %d domains" % (error, ZONES + 5),
                                        mark), 1, self.knot.log()[mark:])
        self.assertEqual(self.log_count("domain list still refused", mark), ZONES)
        check = self.knot.knotc("conf-check", conf=True)
        self.assertNotEqual(check.returncode, 0, check.stdout)
        self.assertIn("(%s)" % error, check.stdout + check.stderr)
        self.stable()
        self.srv("drop.example.com")
        self.nxdomain("new.example.com")

    def test_bad_line(self):
        self.bad_reload(self.changed_list() + "bad_name.example.com\n",
                        "%s:%d: domain 'bad_name.example.com': invalid character '_'"
                        % (self.file, ZONES + 6))

    def test_missing_file(self):
        self.bad_reload(None, "%s: cannot open (No such file or directory)" % self.file)

    def test_conflicting_duplicate(self):
        self.bad_reload(self.changed_list() + "Stable.Example.Com mx.example.org.\n",
                        "%s:%d: domain 'Stable.Example.Com' listed again with another "
                        "target (first at %s:2)" % (self.file, ZONES + 6, self.file))

    def test_bad_zone_reload_force(self):
        """knotc -f zone-reload with a bad list: the old table is kept."""
        mark = len(self.knot.log())
        edit(self.file, self.changed_list() + "bad..example.com\n")
        for zone_name in ("example.com", "z1.test"):
            res = self.knot.knotc("-f", "zone-reload", zone_name)
            self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        log = self.knot.log()[mark:]
        self.assertEqual(log.count("failed to reload domain list (%s:%d: domain 'bad..example.com': "
                                   "empty label), keeping the previous list of %d domains"
                                   % (self.file, ZONES + 6, ZONES + 5)), 1, log)
        self.stable()
        self.srv("drop.example.com")
        # Fixed: the next reload applies it.
        edit(self.file, self.changed_list())
        self.reload()
        self.assertChangedList()


class ApexOnly(harness.DnsTestCase):
    """A zone whose only mail domain is its apex looks up no other name (the
    coverage check tells it, a quiet second after a change); a domain added
    below the apex answers at once after the reload that adds it."""

    def setUp(self):
        self.knot = harness.Knot({"example.com": (zone("example.com"), ["mod-mailsrv/default"])})
        self.file = self.knot.path("domains.txt")
        self.knot.modules = ("mod-mailsrv:\n  - id: default\n    target: mail.example.net.\n"
                             "    domain-file: %s\n" % self.file)
        edit(self.file, "example.com\n")
        self.knot.start()

    def tearDown(self):
        self.knot.cleanup()

    def answers(self, domain):
        name = "_imaps._tcp.%s." % domain
        resp = self.knot.query(name, "SRV")
        if domain == "example.com" or domain == "sub.example.com":
            return harness.rr_lines(resp.answer)
        return dns.rcode.to_text(resp.rcode())

    def quiet_check(self):
        """A query a second after the last change, for a name the zone lacks,
        runs the coverage check."""
        time.sleep(1.2)
        self.knot.query("nx.example.com.", "A")
        time.sleep(0.2)

    def test_subdomain_added_and_removed(self):
        srv = "_imaps._tcp.%s. 3600 IN SRV 10 1 993 mail.example.net."
        self.quiet_check()
        self.assertEqual(self.answers("example.com"), [srv % "example.com"])
        self.assertEqual(self.answers("sub.example.com"), [])
        self.assertEqual(self.answers("x.example.com"), "NXDOMAIN")
        edit(self.file, "example.com\nsub.example.com\n")
        res = self.knot.knotc("reload")
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        self.assertEqual(self.answers("sub.example.com"), [srv % "sub.example.com"])
        self.quiet_check()
        self.assertEqual(self.answers("sub.example.com"), [srv % "sub.example.com"])
        self.assertEqual(self.answers("example.com"), [srv % "example.com"])
        edit(self.file, "example.com\n")
        res = self.knot.knotc("reload")
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        self.assertEqual(self.answers("sub.example.com"), [])
        self.quiet_check()
        self.assertEqual(self.answers("sub.example.com"), [])
        self.assertEqual(self.answers("example.com"), [srv % "example.com"])


    def test_apex_changed(self):
        """The apex answered without a lookup (its target the configured one)
        follows every change of the list at once: a target of its own, its
        removal (no mail domain in the zone), its return."""
        name = "_imaps._tcp.example.com."
        srv = name + " 3600 IN SRV 10 1 993 %s"
        soa = "example.com. 300 IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300"
        for text, rcode, answer, authority in (
                ("example.com\n", "NOERROR", [srv % "mail.example.net."], []),
                ("example.com mx.example.org.\n", "NOERROR", [srv % "mx.example.org."], []),
                ("other.test\n", "NXDOMAIN", [], [soa]),
                ("example.com\n", "NOERROR", [srv % "mail.example.net."], [])):
            edit(self.file, text)
            res = self.knot.knotc("reload")
            self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
            for _ in range(2):
                self.assertResponse(self.knot.query(name, "SRV"), rcode, "QR AA",
                                    answer=answer, authority=authority)
                self.quiet_check()


class Transaction(harness.DnsTestCase):
    """conf-begin / conf-set / conf-commit on a server run from a confdb."""

    def setUp(self):
        self.knot = harness.Knot({"example.com": (zone("example.com"), ["mod-mailsrv/default"])},
                                 confdb=True)
        self.knot.modules = ("mod-mailsrv:\n  - id: default\n    target: mail.example.net.\n"
                             "    domain: example.com\n")
        self.knot.start()

    def tearDown(self):
        self.knot.cleanup()

    def transaction(self, *sets):
        for args in (("conf-begin",),) + sets + (("conf-commit",),):
            res = self.knot.knotc(*args)
            self.assertEqual(res.returncode, 0, "%s: %s" % (args, res.stdout + res.stderr))

    def answers(self, domain):
        name = "_imaps._tcp.%s." % domain
        return self.knot.query(name, "SRV").answer

    def test_module_items(self):
        self.transaction(("conf-set", "mod-mailsrv[default].domain", "new.example.com"))
        self.assertEqual(len(self.answers("new.example.com")), 1)
        self.assertEqual(len(self.answers("example.com")), 1)

    def test_settings_change(self):
        """A committed change of the settings reaches every zone of the
        section, also through a later zone reload (which reads what the
        commit's check expected)."""
        name = "_imaps._tcp.example.com."
        self.transaction(("conf-set", "mod-mailsrv[default].ttl", "700"))
        for _ in range(2):
            self.assertResponse(self.knot.query(name, "SRV"), "NOERROR", "QR AA",
                                answer=[name + " 700 IN SRV 10 1 993 mail.example.net."])
            res = self.knot.knotc("-b", "-f", "zone-reload", "example.com")
            self.assertEqual(res.returncode, 0, res.stdout + res.stderr)

    def test_zone_only_change(self):
        """knotd before 3.2.10 drops shared modules on such a commit (knot
        commit 1b8a3c5a1): the module warns at load; knotd must not crash."""
        old = harness.knotd_version() < (3, 2, 10)
        warning = "drops this module from zones on 'knotc conf-commit'"
        self.assertEqual(warning in self.knot.log(), old)
        self.transaction(("conf-set", "zone[example.com].semantic-checks", "on"))
        self.assertIsNone(self.knot.proc.poll())
        if old:
            self.assertIn("module 'mod-mailsrv/default', failed to open", self.knot.log())
            self.assertEqual(self.answers("example.com"), [])
            # A module change brings it back.
            self.transaction(("conf-set", "mod-mailsrv[default].ttl", "600"))
        self.assertEqual(len(self.answers("example.com")), 1)


if __name__ == "__main__":
    harness.main(sys.modules[__name__])
