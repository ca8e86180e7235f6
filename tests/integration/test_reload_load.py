#!/usr/bin/python3
"""The list changes under load: 24 reloads while dnsperf and a checker ask.

dnsperf sends SRV queries for a stable set of domains at a fixed rate and
reports every response code; a checker thread asks the same names and
compares whole responses. Between reloads the list gains and loses other
domains, switches targets, and once receives a bad edit.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

import dns.rcode

import harness

STABLE = 200
RELOADS = 24
RATE = 1000  # queries per second, one UDP worker's easy load
DNSPERF = shutil.which("dnsperf") or "/usr/bin/dnsperf"

ZONE = ("$ORIGIN example.com.\n$TTL 300\n"
        "@ SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300\n"
        "@ NS ns.example.com.\n")
SOA = "example.com. 300 IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300"


def stable_target(i):
    return ("imap", "imap.s%d.example.com." % i) if i % 3 == 0 else (None, "mail.example.net.")


def domain_file(version, bad=False):
    lines = ["# version %d" % version]
    for i in range(STABLE):
        own, _ = stable_target(i)
        lines.append("s%d.example.com%s" % (i, " " + own if own else ""))
    for i in range(50):  # volatile: replaced by every version
        lines.append("v%d-%d.example.com%s" % (version, i, " mx%d.example.org." % version
                                                if i % 2 else ""))
    if bad:
        lines.append("bad_name.example.com")
    return "\n".join(lines) + "\n"


def srv_line(name, target):
    return "%s 3600 IN SRV 10 1 993 %s" % (name, target)


class Checker(threading.Thread):
    """Asks the stable names in a loop and compares whole responses."""

    def __init__(self, test, knot):
        super().__init__(daemon=True)
        self.test = test
        self.knot = knot
        self.stop = threading.Event()
        self.checks = 0
        self.failures = []

    def run(self):
        i = 0
        while not self.stop.is_set():
            n = i % STABLE
            name = "_imaps._tcp.s%d.example.com." % n
            try:
                resp = self.knot.query(name, "SRV", tcp=(i % 5 == 0))
                got = (dns.rcode.to_text(resp.rcode()), harness.rr_lines(resp.answer),
                       harness.rr_lines(resp.authority))
                want = ("NOERROR", [srv_line(name, stable_target(n)[1])], [])
                if got != want:
                    self.failures.append("%s: %s" % (name, got))
            except Exception as e:  # a timeout is a lost answer
                self.failures.append("%s: %r" % (name, e))
            self.checks += 1
            i += 1


class ReloadUnderLoad(harness.DnsTestCase):
    def test_reloads_under_load(self):
        knot = harness.Knot({"example.com": (ZONE, ["mod-mailsrv/default"])})
        path = knot.write("domains.txt", domain_file(0))
        knot.modules = ("mod-mailsrv:\n  - id: default\n    target: mail.example.net.\n"
                        "    domain-file: %s\n" % path)
        queries = knot.write("queries.txt", "".join(
            "_imaps._tcp.s%d.example.com SRV\n_submissions._tcp.s%d.example.com SRV\n" % (i, i)
            for i in range(STABLE)))
        knot.start()
        dnsperf = checker = None
        try:
            out = open(knot.path("dnsperf.out"), "w")
            dnsperf = subprocess.Popen([DNSPERF, "-s", "127.0.0.1", "-p", str(knot.port),
                                        "-d", queries, "-l", "120", "-Q", str(RATE), "-c", "2",
                                        "-v"], stdout=out, stderr=subprocess.STDOUT)
            out.close()
            checker = Checker(self, knot)
            checker.start()

            for version in range(1, RELOADS + 1):
                bad = (version == 10)
                with open(path, "w") as f:
                    f.write(domain_file(version, bad))
                # Distinct file times: a version is never mistaken for the last.
                os.utime(path, (time.time() - 1000 + version, time.time() - 1000 + version))
                force = version % 3 == 0 and not bad
                res = knot.knotc("-f", "zone-reload", "example.com") if force \
                    else knot.knotc("reload")
                self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
                if bad:
                    current = version - 1  # the previous list keeps serving
                    self.check_version(knot, current, 0)
                    continue
                self.check_version(knot, version, version - 1 if version != 11 else 9)
                time.sleep(0.3)
        finally:
            if checker is not None:
                checker.stop.set()
                checker.join(10)
            if dnsperf is not None and dnsperf.poll() is None:
                dnsperf.send_signal(signal.SIGINT)
                dnsperf.wait(30)
            report = open(knot.path("dnsperf.out")).read() if dnsperf else ""
            knot.cleanup()

        # "I": in flight when dnsperf was stopped, not answers.
        codes = [c for c in re.findall(r"^> (\S+) ", report, re.M) if c != "I"]
        stats = report[report.find("Statistics:"):]
        sys.stdout.write("# dnsperf: %d responses, checker: %d whole responses compared\n"
                         % (len(codes), checker.checks))
        for line in stats.splitlines()[:8]:
            sys.stdout.write("# %s\n" % line)
        self.assertGreater(len(codes), RATE * 5, stats)
        self.assertEqual(sorted(set(codes)), ["NOERROR"], stats)
        self.assertRegex(stats, r"Queries lost:\s+0 ")
        self.assertGreater(checker.checks, 500)
        self.assertEqual(checker.failures, [])

    def check_version(self, knot, version, previous):
        """After a reload: the version's volatile domains answer, the
        previous version's do not."""
        for i in (0, 1, 49):
            name = "_imaps._tcp.v%d-%d.example.com." % (version, i)
            target = "mx%d.example.org." % version if i % 2 else "mail.example.net."
            self.assertResponse(knot.query(name, "SRV"), "NOERROR", "QR AA",
                                answer=[srv_line(name, target)])
            if previous and previous != version:
                gone = "_imaps._tcp.v%d-%d.example.com." % (previous, i)
                self.assertResponse(knot.query(gone, "SRV"), "NXDOMAIN", "QR AA",
                                    authority=[SOA])


if __name__ == "__main__":
    harness.main(sys.modules[__name__])
