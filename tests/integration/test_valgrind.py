#!/usr/bin/python3
"""knotd under valgrind memcheck: start, 20 reloads of every kind, stop.

Bad lists of several kinds (an invalid line, a missing file, a FIFO, a NUL
byte) and hostile queries (names of 255 bytes, binary bytes and dots inside
labels) come in between. No invalid access anywhere, and no memory
allocated by the module left at exit (lost or still reachable): unloading
the last instance frees it all.
"""

import glob
import os
import re
import shutil
import sys
import time

import harness

VALGRIND = shutil.which("valgrind") or "/usr/bin/valgrind"
# valgrind cannot run a program that preloads a sanitizer runtime: in a
# sanitizer build the same reloads run without it, checked by the sanitizer
# (a report in knotd's log fails the test).
SANITIZER = bool(harness.ENV.get("LD_PRELOAD"))
ZONES = 10


# Queries no list answers, each in another way: the longest name, binary
# bytes, a dot inside a label, a service name outside every zone.
HOSTILE = ["_imaps._tcp.%s.example.com." % ".".join(["a" * 63] * 3 + ["b" * 37]),
           "_imaps._tcp.\\000\\128\\255.example.com.", "_imaps._tcp.d1-1\\.example.com.",
           "_imaps._tcp\\000.example.com.", "_imaps._tcp."]


def bad_list(path, kind):
    """Makes the list at path bad in one of four ways."""
    if kind == 0:
        with open(path, "a") as f:
            f.write("bad_name.example.com\n")
    elif kind == 1:
        os.unlink(path)
    elif kind == 2:
        os.unlink(path)
        os.mkfifo(path)
    else:
        with open(path, "a") as f:
            f.write("nul\0.example.com\n")


def zone(origin):
    return ("$ORIGIN %s.\n$TTL 300\n@ SOA ns.%s. hostmaster.%s. 1 3600 600 86400 300\n"
            "@ NS ns.%s.\n" % (origin, origin, origin, origin))


class Memcheck(harness.DnsTestCase):
    def test_reloads_free_everything(self):
        zones = {"example.com": (zone("example.com"), ["mod-mailsrv/default"])}
        for i in range(ZONES):
            zones["z%d.test" % i] = (zone("z%d.test" % i), ["mod-mailsrv/default"])
        # An absolute target: no relative target to fit.
        zones["z0.test"] = (zone("z0.test"), ["mod-mailsrv/absolute"])
        knot = harness.Knot(zones)
        vg_log = knot.path("valgrind.log")
        if not SANITIZER:
            knot.wrapper = [VALGRIND, "--leak-check=full", "--show-leak-kinds=all",
                            "--errors-for-leak-kinds=definite,indirect", "--num-callers=40",
                            "--log-file=" + vg_log]
        path = knot.path("domains.txt")

        def configure(version, inline):
            if os.path.lexists(path):
                os.unlink(path)  # maybe a FIFO, which open() would wait on
            lines = ["d%d-%d.example.com%s" % (version, i, " mx%d.example.org." % (i % 3)
                                                if i % 2 else "") for i in range(100)]
            with open(path, "w") as f:
                f.write("\n".join(["stable.example.com"] + lines) + "\n")
            when = time.time() - 1000 + version
            os.utime(path, (when, when))
            knot.modules = ("mod-mailsrv:\n  - id: default\n    target: mail\n"
                            "    domain: [ %s ]\n    domain-file: %s\n"
                            "  - id: absolute\n    target: mail.example.net.\n"
                            "    domain: [ a%d.z0.test ]\n" % (inline, path, version))
            knot.write_config()

        configure(0, "example.com")
        try:
            knot.start()
            for cycle in range(1, 21):
                kind = cycle % 5
                for name in HOSTILE:
                    for tcp in (False, True):
                        self.assertNotEqual(knot.query(name, "SRV", tcp=tcp, timeout=10).rcode(),
                                            harness.dns.rcode.NOERROR, name)
                if kind == 0:  # a bad list: the reload goes on, the list is kept
                    bad_list(path, cycle // 5 % 4)
                    self.assertEqual(knot.knotc("reload").returncode, 0)
                    continue
                configure(cycle, "example.com, i%d.example.com" % (cycle % 2))
                if kind == 3:  # one zone's load() finds the bad list: kept
                    with open(path, "a") as f:
                        f.write("bad..example.com\n")
                    res = knot.knotc("-f", "zone-reload", "z1.test")
                    configure(cycle, "example.com, i%d.example.com" % (cycle % 2))
                res = knot.knotc("-f", "zone-reload", "example.com") if kind == 2 \
                    else knot.knotc("reload")
                self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
                name = "_imaps._tcp.d%d-1.z%d.test." % (cycle, 0)
                resp = knot.query("_imaps._tcp.d%d-1.example.com." % cycle, "SRV")
                self.assertEqual(harness.rr_lines(resp.answer),
                                 ["_imaps._tcp.d%d-1.example.com. 3600 IN SRV 10 1 993 "
                                  "mx1.example.org." % cycle], name)
                if kind != 2:  # zone-reload of example.com leaves z0.test as it was
                    resp = knot.query("_imaps._tcp.a%d.z0.test." % cycle, "SRV")
                    self.assertEqual(harness.rr_lines(resp.answer),
                                     ["_imaps._tcp.a%d.z0.test. 3600 IN SRV 10 1 993 "
                                      "mail.example.net." % cycle])
            knot.stop()
            if SANITIZER:
                sys.stdout.write("# sanitizer build: knotd ran without valgrind\n")
                return
            with open(vg_log) as f:
                report = f.read()
        finally:
            knot.cleanup()

        self.assertIn("ERROR SUMMARY: 0 errors", report, report[-3000:])
        for kind in ("Invalid read", "Invalid write", "Invalid free", "uninitialised"):
            self.assertNotIn(kind, report)
        # Every leak record (all kinds) whose allocation stack passes through
        # the module: there must be none. Frames of the module name its
        # sources (or the object without debug information). glibc's
        # thread-local storage block for the module's __thread variable is
        # not the module's memory.
        sources = sorted(os.path.basename(p)[:-2]
                         for p in glob.glob(os.path.join(harness.TOP, "module", "*.c")))
        module = re.compile(r"\((?:%s)\.c:\d+\)|mailsrv\.so" % "|".join(sources))
        records = re.split(r"\n==\d+== \n", report)
        ours = [r for r in records if " are " in r and "loss record" in r and module.search(r)
                and "__tls_get_addr" not in r]
        self.assertEqual(ours, [])
        self.assertRegex(report, r"definitely lost: 0 bytes")


if __name__ == "__main__":
    harness.main(sys.modules[__name__])
