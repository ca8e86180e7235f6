"""Test harness: a real knotd on a free loopback port, queried with dnspython.

Every test program prints TAP (run with the system python3, which has
Debian's python3-dnspython). knotd is started with a generated
configuration in a temporary directory, waited for with bounded waits, and
stopped by its PID.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import unittest

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdatatype

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULE = os.environ.get("MAILSRV_MODULE", os.path.join(TOP, ".libs", "mailsrv.so"))
KNOTD = os.environ.get("KNOTD", shutil.which("knotd") or "/usr/sbin/knotd")
KNOTC = os.environ.get("KNOTC", shutil.which("knotc") or "/usr/sbin/knotc")
WAIT = 15.0  # seconds, upper bound of every wait

# A sanitizer build of the module needs its runtime loaded first by the
# programs that load the module (knotd, and knotc for conf-check).
ENV = dict(os.environ)
if os.environ.get("SANITIZER_PRELOAD", "").strip():
    ENV["LD_PRELOAD"] = os.environ["SANITIZER_PRELOAD"].strip()
    WAIT = 60.0


def free_port():
    """A port free for both UDP and TCP on 127.0.0.1."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
            return port
    raise RuntimeError("no free port on 127.0.0.1")


def _die_with_parent():
    """In the child: get SIGTERM when the test process dies, so that a killed
    test run never leaves a server behind."""
    import ctypes
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def read_text(path):
    """The text of a file ("" before it is written: a server's log)."""
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def knotd_version():
    """knotd's version as a tuple of integers."""
    # "knotd (Knot DNS), version 3.2.6" (3.2) or "knotd, Knot DNS 3.4.6" (3.4+).
    out = subprocess.run([KNOTD, "-V"], capture_output=True, text=True, timeout=WAIT).stdout
    return tuple(int(x) for x in re.search(r"(\d+)\.(\d+)\.(\d+)", out).groups())


def module_dir():
    """knotd's module directory: modules there are loaded without a 'module:'
    section (knotd.pc's module_instdir; Debian builds knotd with the same)."""
    out = subprocess.run(["pkg-config", "--variable", "module_instdir", "knotd"],
                         capture_output=True, text=True, timeout=WAIT).stdout.strip()
    if not out.startswith("/"):
        raise RuntimeError("knotd's module directory unknown (pkg-config knotd, libknot-dev)")
    return out


class Knot:
    """One knotd process with its own directory, configuration and zones."""

    def __init__(self, zones, modules="", extra_conf="", explicit_module=True, confdb=False,
                 wrapper=(), template="", templates="", port=None):
        """zones: {name: (zone file text or None (transferred, generated),
        [module ids] or a template id[, YAML of more zone items])};
        modules: YAML of the mod-mailsrv (and other) sections; template: YAML
        of more items of the default template; templates: more templates;
        port: the port to listen on (default: a free one at start)."""
        self.dir = tempfile.mkdtemp(prefix="mailsrv-knot-")
        self.zones = zones
        self.modules = modules
        self.extra_conf = extra_conf
        self.explicit_module = explicit_module
        self.confdb = confdb  # run from a binary configuration database
        self.wrapper = list(wrapper)  # e.g. valgrind and its options
        self.template = template
        self.templates = templates
        self.port = port
        self.fixed_port = port
        self.proc = None
        self.conf_path = os.path.join(self.dir, "knot.conf")
        self.log_path = os.path.join(self.dir, "knot.log")
        self.sock = os.path.join(self.dir, "knot.sock")

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text):
        """Writes a file atomically (knotd may be reading the old one)."""
        path = self.path(name)
        with open(path + ".tmp", "w") as f:
            f.write(text)
        os.rename(path + ".tmp", path)
        return path

    def config(self):
        lines = [
            "server:",
            "    listen: 127.0.0.1@%d" % self.port,
            "    rundir: %s" % self.dir,
            "    udp-workers: 2",
            "    tcp-workers: 2",
            "    background-workers: 1",
            "log:",
            "  - target: %s" % self.log_path,
            "    any: debug",
            "database:",
            "    storage: %s" % self.dir,
            "control:",
            "    listen: %s" % self.sock,
        ]
        if self.explicit_module:
            lines += ["module:", "  - id: mod-mailsrv", "    file: %s" % MODULE]
        lines += [self.modules, self.extra_conf, "template:", "  - id: default",
                  "    storage: %s" % self.dir, "    file: %s.zone", self.template,
                  self.templates, "zone:"]
        for name, (_, mods, *items) in self.zones.items():
            lines.append("  - domain: %s" % name)
            if isinstance(mods, str):
                lines.append("    template: %s" % mods)
            elif mods:
                lines.append("    module: [ %s ]" % ", ".join(mods))
            lines += items
        return "\n".join(lines) + "\n"

    def write_config(self):
        if self.port is None:
            self.port = free_port()
        for name, (text, *_) in self.zones.items():
            if text is None:
                continue
            path = self.path("%s.zone" % name.rstrip("."))
            if not os.path.exists(path) or read_text(path) != text:
                self.write("%s.zone" % name.rstrip("."), text)
        self.write("knot.conf", self.config())

    def start(self, expect_running=True):
        """Starts knotd; with expect_running, waits until every zone answers."""
        if self.explicit_module:
            shadow = os.path.join(module_dir(), "mailsrv.so")
            if os.path.exists(shadow):
                raise RuntimeError("%s is installed: knotd loads it implicitly, so the "
                                   "build under test cannot be loaded (make uninstall)" % shadow)
        for _ in range(3):
            self.port = self.fixed_port or free_port()
            self.write_config()
            cmd = self.wrapper + [KNOTD, "-c", self.conf_path]
            if self.confdb:
                db = self.path("confdb")
                shutil.rmtree(db, ignore_errors=True)
                res = subprocess.run([KNOTC, "-C", db, "conf-import", self.conf_path],
                                     capture_output=True, text=True, timeout=WAIT, env=ENV)
                if res.returncode != 0:
                    raise RuntimeError("conf-import failed: " + res.stdout + res.stderr)
                cmd = self.wrapper + [KNOTD, "-C", db]
            log = open(self.log_path, "a")
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=ENV,
                                         preexec_fn=_die_with_parent)
            log.close()
            if not expect_running:
                try:
                    self.proc.wait(WAIT)
                except subprocess.TimeoutExpired:
                    self.stop()
                    raise AssertionError("knotd kept running")
                return self.proc.returncode
            if self.wait_ready():
                return 0
            bound = "binding" in self.log() and "failed" in self.log()
            self.stop()
            if not bound:
                break
        raise RuntimeError("knotd did not start:\n" + self.log()[-3000:])

    def wait_ready(self):
        deadline = time.monotonic() + WAIT * (4 if self.wrapper else 1)
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            # The control socket is bound after the zones are loaded.
            if all(self.zone_ready(z) for z in self.served_zones()) and self.control_ready():
                return True
            time.sleep(0.05)
        return False

    def served_zones(self):
        """The zones that answer queries: not catalog zones, which knotd
        refuses to ordinary queries over UDP (process_query.c)."""
        return [name for name, (_, _, *items) in self.zones.items()
                if not any(i.strip() in ("catalog-role: generate", "catalog-role: interpret")
                           for i in items)]

    def control_ready(self):
        res = subprocess.run([KNOTC, "-s", self.sock, "-t", "1", "status"], capture_output=True,
                             text=True, timeout=WAIT, env=ENV)
        return res.returncode == 0

    def zone_ready(self, zone):
        try:
            resp = self.query(zone, "SOA", timeout=0.5)
        except Exception:
            return False
        return resp.rcode() == dns.rcode.NOERROR and len(resp.answer) == 1

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(WAIT * (4 if self.wrapper else 1))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(WAIT)
        self.proc = None

    def cleanup(self):
        self.stop()
        # A sanitizer report in knotd fails the test that ran it.
        for word in ("ERROR: AddressSanitizer", "runtime error:", "WARNING: ThreadSanitizer"):
            if word in self.log():
                shutil.copy(self.log_path, self.log_path + ".kept")
                raise AssertionError("sanitizer report in knotd's log:\n" + self.log()[-5000:])
        if os.environ.get("MAILSRV_KEEP_TMP"):
            sys.stdout.write("# kept %s\n" % self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def log(self):
        return read_text(self.log_path)

    def knotc(self, *args, conf=False):
        """Runs knotc against this server's socket (or its config file)."""
        cmd = [KNOTC, "-c", self.conf_path] if conf else [KNOTC, "-s", self.sock]
        return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=120,
                              env=ENV)

    def zone_stats(self, zone, module="mod-mailsrv"):
        """The non-zero counters (knotc 3.2 also prints single counters at 0,
        3.4 and later do not)."""
        res = self.knotc("zone-stats", zone, module)
        if res.returncode != 0:
            raise RuntimeError("knotc zone-stats: " + res.stdout + res.stderr)
        return sorted(line for line in res.stdout.splitlines() if not line.endswith(" = 0"))

    def answer_stats(self, zone):
        """The non-zero counters of answers (not the list's state, which
        has counters of its own)."""
        return [line for line in self.zone_stats(zone) if ".list[" not in line]

    def list_stats(self, zone):
        """The list's state counters: {"domains": N, "read-at": T, "stale-since": T}."""
        res = self.knotc("-f", "zone-stats", zone, "mod-mailsrv.list")
        if res.returncode != 0:
            raise RuntimeError("knotc zone-stats: " + res.stdout + res.stderr)
        return {m.group(1): int(m.group(2))
                for m in re.finditer(r"mod-mailsrv\.list\[([a-z-]+)\] = (\d+)", res.stdout)}

    def query(self, name, rdtype, tcp=False, timeout=2.0, dnssec=False, rdclass="IN"):
        """One query without RD (as resolvers ask authoritative servers)."""
        q = dns.message.make_query(name, rdtype, rdclass, want_dnssec=dnssec)
        q.flags &= ~dns.flags.RD
        if tcp:
            return dns.query.tcp(q, "127.0.0.1", port=self.port, timeout=timeout)
        return dns.query.udp(q, "127.0.0.1", port=self.port, timeout=timeout)


def rr_lines(section):
    """One 'owner ttl class type rdata' line per record, owner as sent."""
    lines = []
    for rrset in section:
        for rd in rrset:
            lines.append("%s %d %s %s %s" % (rrset.name.to_text(), rrset.ttl,
                                             dns.rdataclass.to_text(rrset.rdclass),
                                             dns.rdatatype.to_text(rrset.rdtype),
                                             rd.to_text()))
    return sorted(lines)


class DnsTestCase(unittest.TestCase):
    maxDiff = None

    def assertResponse(self, resp, rcode, flags, answer=(), authority=(), additional=()):
        """Asserts on a whole response: rcode, flags, every section."""
        got = {
            "rcode": dns.rcode.to_text(resp.rcode()),
            "flags": dns.flags.to_text(resp.flags),
            "answer": rr_lines(resp.answer),
            "authority": rr_lines(resp.authority),
            "additional": rr_lines(resp.additional),
        }
        want = {
            "rcode": rcode,
            "flags": flags,
            "answer": sorted(answer),
            "authority": sorted(authority),
            "additional": sorted(additional),
        }
        self.assertEqual(got, want)


class TapResult(unittest.TestResult):
    """Prints one TAP line per test."""

    def __init__(self):
        super().__init__()
        self.number = 0

    def _line(self, test, ok, err=None):
        self.number += 1
        sys.stdout.write("%s %d - %s\n" % ("ok" if ok else "not ok", self.number, test.id()))
        if err is not None:
            for line in "".join(traceback.format_exception(*err)).splitlines():
                sys.stdout.write("# %s\n" % line)
        sys.stdout.flush()

    def addSuccess(self, test):
        super().addSuccess(test)
        self._line(test, True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._line(test, False, err)

    def addError(self, test, err):
        # Also a failed setUpModule/setUpClass: reported as one failed test.
        super().addError(test, err)
        self._line(test, False, err)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._line(test, False, None)
        sys.stdout.write("# skipped tests are failures here: %s\n" % reason)


def main(module):
    """Runs the tests of \a module and prints TAP; exit status 1 on failure."""
    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
    sys.stdout.write("1..%d\n" % suite.countTestCases())
    sys.stdout.flush()
    result = TapResult()
    suite.run(result)
    # A setUpModule failure reports one error instead of the tests: pad the plan.
    for _ in range(result.number, suite.countTestCases()):
        result.number += 1
        sys.stdout.write("not ok %d - not run\n" % result.number)
    sys.exit(0 if result.wasSuccessful() else 1)
