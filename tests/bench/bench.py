#!/usr/bin/python3
"""mod-mailsrv benchmark: synthesized SRV answers against the same records
served statically, on the same knotd, in one run.

For every scenario two setups are built from generated data:
  static: the SRV records written out in zone files (N zones, or N
          subdomains of one zone), no module;
  module: the same zones without SRV records, mod-mailsrv on all of them
          through a template, the N domains in a domain file.
and measured side by side: instructions per answered query (callgrind,
instrumentation on only while a fixed query file is sent), dnsperf QPS
(interleaved runs, medians), RSS and bytes per domain, start-up, reloads.
Then the module's own path is timed without knotd (bench_answer).

Run it through 'make bench' (which builds bench_answer and passes the
paths found by configure), or tests/bench/run.sh. Generated data lives in a
temporary directory that is removed at the end; results (table, callgrind
profiles, knotd logs of failures) go to --results.
"""

import argparse
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "integration"))
import harness  # noqa: E402  (free ports, knotd runner, queries)

DNSPERF = os.environ.get("DNSPERF") or shutil.which("dnsperf") or "/usr/bin/dnsperf"
VALGRIND = os.environ.get("VALGRIND") or shutil.which("valgrind") or "/usr/bin/valgrind"
CALLGRIND_CONTROL = os.path.join(os.path.dirname(VALGRIND), "callgrind_control")
CALLGRIND_ANNOTATE = os.path.join(os.path.dirname(VALGRIND), "callgrind_annotate")
BENCH_ANSWER = os.environ.get("BENCH_ANSWER", os.path.join(harness.TOP, "tests", "bench",
                                                           "bench_answer"))

PARENT = "example."
TARGET = "mail.example.net."
TARGET2 = "mail2.example.net."  # the target of changed domains
TTL = 3600
# Catalog services in the order the module's catalog has them.
SERVICES = [("submissions", 10, 1, 465), ("imaps", 10, 1, 993),
            ("pop3s", 20, 1, 995), ("submission", 20, 1, 587)]
LOAD_WAIT = 1800.0  # seconds: upper bound of a load under valgrind
CALLGRIND_QUERIES = 4000  # --quick: a quarter (instructions per query hardly move)
OTHER_QUERIES = 1000  # per kind of non-mail query (part 'other'); --quick: a quarter
CALLGRIND_QPS = 200  # a rate that knotd under callgrind answers in full


# The record of part 'templates': in zone files (static) or a 'record' template.
MTA_STS = '"v=STSv1; id=20261201T000000"'


def mta_sts_line(i):
    return "_mta-sts.%s %d IN TXT %s" % (domain(i), TTL, MTA_STS)


def domain(i):
    return "d%07d.%s" % (i, PARENT)


def srv_owner(svc, i):
    return "_%s._tcp.%s" % (SERVICES[svc][0], domain(i))


def srv_line(svc, i, target=TARGET):
    _, prio, weight, port = SERVICES[svc]
    return "%s %d IN SRV %d %d %d %s" % (srv_owner(svc, i), TTL, prio, weight, port, target)


APEX_MX = "mx.example.net."


def apex_text(serial=1):
    return ("$TTL %d\n@ SOA ns.example.net. hostmaster.example.net. %d 3600 600 86400 300\n"
            "@ NS ns.example.net.\n@ MX 10 %s\n" % (TTL, serial, APEX_MX))


# Traffic that is not mail (part 'other'): (figure, query of zone i, rcode).
OTHER_KINDS = [
    ("apex MX hit", lambda i, r: "%s MX" % domain(i), "NOERROR"),
    ("random-name NXDOMAIN", lambda i, r: "r%08x.%s A" % (r, domain(i)), "NXDOMAIN"),
    ("unknown _x._tcp name", lambda i, r: "_x._tcp.%s SRV" % domain(i), "NXDOMAIN"),
]


def write_atomic(path, chunks):
    """Writes a file from text chunks and renames it into place (knotd
    mmaps zone files and the module stats domain files)."""
    with open(path + ".tmp", "w") as f:
        for chunk in chunks:
            f.write(chunk)
    os.rename(path + ".tmp", path)


def changed(i):
    """1% of the domains get another target in the 'changed' data."""
    return i % 100 == 7


class Scenario:
    """N mail domains: N zones ('zones') or N subdomains of one zone ('sub'),
    with the first 'services' services of SERVICES."""

    def __init__(self, name, layout, n, services, workdir):
        self.name = name
        self.layout = layout
        self.n = n
        self.services = services
        self.dir = os.path.join(workdir, name)

    def zones(self):
        if self.layout == "zones":
            return [domain(i) for i in range(self.n)]
        return [PARENT]

    def service_names(self):
        return [s[0] for s in SERVICES[:self.services]]

    # Data

    def generate(self, queries, other_queries):
        os.makedirs(os.path.join(self.dir, "static"), exist_ok=True)
        write_atomic(self.path("plain.zone"), [apex_text()])
        self.write_domains()
        write_atomic(self.path("empty.txt"), ["# no domains\n"])
        if self.layout == "zones":
            for i in range(self.n):
                self.write_static_zone(i)
        else:
            self.write_static_sub()
        rng = random.Random(5)
        lines = []
        for q in range(queries):
            lines.append("%s SRV\n" % srv_owner(q % self.services, rng.randrange(self.n)))
        write_atomic(self.path("queries.txt"), lines)
        if self.layout == "zones":
            for k, (_, query, _) in enumerate(OTHER_KINDS):
                write_atomic(self.path("other-%d.txt" % k),
                             ["%s\n" % query(rng.randrange(self.n), rng.getrandbits(32))
                              for _ in range(other_queries)])

    def path(self, name):
        return os.path.join(self.dir, name)

    def write_domains(self, change=False, name="domains.txt"):
        path = self.path(name)
        write_atomic(path, ("%s %s\n" % (domain(i), TARGET2) if change and changed(i) else
                            "%s\n" % domain(i) for i in range(self.n)))
        # As a list written a while ago: the module reads a file again when it
        # was read within 2 s of its last change (the change may not show in
        # its times yet), which would make the first reload a read.
        old = time.time() - 60
        os.utime(path, (old, old))

    def static_records(self, i, target, relative_to):
        for svc in range(self.services):
            _, prio, weight, port = SERVICES[svc]
            owner = srv_owner(svc, i)[:-len(relative_to) - 1]
            yield "%s SRV %d %d %d %s\n" % (owner, prio, weight, port, target)

    def write_static_zone(self, i, change=False):
        target = TARGET2 if change else TARGET
        write_atomic(os.path.join(self.dir, "static", domain(i)[:-1] + ".zone"),
                     [apex_text(2 if change else 1)] +
                     list(self.static_records(i, target, domain(i))))

    def write_static_sub(self, change=False):
        def chunks():
            yield apex_text(2 if change else 1)
            for i in range(self.n):
                target = TARGET2 if change and changed(i) else TARGET
                yield "".join(self.static_records(i, target, PARENT))
        write_atomic(self.path("static.zone"), chunks())

    def change_static(self):
        if self.layout == "zones":
            for i in range(self.n):
                if changed(i):
                    self.write_static_zone(i, change=True)
        else:
            self.write_static_sub(change=True)

    def write_txt_zones(self, queries):
        """Zone files with the TXT record of part 'templates' (no SRV), and
        TXT queries for it."""
        os.makedirs(self.path("static-txt"), exist_ok=True)
        for i in range(self.n):
            write_atomic(os.path.join(self.dir, "static-txt", domain(i)[:-1] + ".zone"),
                         [apex_text(), "_mta-sts TXT %s\n" % MTA_STS])
        rng = random.Random(7)
        write_atomic(self.path("txt-queries.txt"),
                     ["_mta-sts.%s TXT\n" % domain(rng.randrange(self.n)) for _ in range(queries)])

    def probes(self, count=8):
        """Domains spread over the list, the last one included."""
        step = max(1, self.n // count)
        return sorted(set(list(range(0, self.n, step))[:count] + [self.n - 1]))


class BenchKnot(harness.Knot):
    """knotd with one setup of a scenario: 'static' or 'module', 'full' or
    'empty' (the same zones without SRV records and an empty list); or, as
    references, the zones without SRV records and on each one of Knot's own
    modules: 'synthrecord' (forward, one address range) or 'noudp' (knotd's
    floor: the least a zone module can cost)."""

    def __init__(self, scenario, setup, full=True, wrapper=(), statistics=False, workers=1,
                 membership=None, templates=False):
        super().__init__({}, explicit_module=(setup == "module"), wrapper=wrapper)
        self.scenario = scenario
        self.setup = setup
        self.full = full
        self.statistics = statistics
        # 'domain-apex' or 'domain-mx' (the apex MX host): mail domains by the
        # zones' data, with an empty list (full=False).
        self.membership = membership
        # Part 'templates': the TXT record in zone files (static) or a template.
        self.templates = templates
        self.workers = workers  # UDP and TCP workers each (None: knotd's default)
        self.startup = None

    def zone_file(self):
        s = self.scenario
        if self.setup == "static" and self.templates:
            return os.path.join(s.dir, "static-txt", "%s.zone")
        if self.setup == "static" and self.full:
            if s.layout == "zones":
                return os.path.join(s.dir, "static", "%s.zone")
            return s.path("static.zone")
        return s.path("plain.zone")

    def config(self):
        s = self.scenario
        lines = [
            "server:",
            "    listen: 127.0.0.1@%d" % self.port,
            "    rundir: %s" % self.dir,
        ]
        if self.workers is not None:
            lines += ["    udp-workers: %d" % self.workers, "    tcp-workers: %d" % self.workers]
        lines += [
            "    background-workers: 1",
            "log:",
            "  - target: %s" % self.log_path,
            "    any: info",
            "database:",
            "    storage: %s" % self.dir,
            "control:",
            "    listen: %s" % self.sock,
            "    timeout: 600",
        ]
        if self.setup == "module":
            lines += [
                "module:",
                "  - id: mod-mailsrv",
                "    file: %s" % harness.MODULE,
                "mod-mailsrv:",
                "  - id: bench",
                "    target: %s" % TARGET,
                "    domain-file: %s" % s.path("domains.txt" if self.full else "empty.txt"),
                "    ttl: %d" % TTL,
                "    service: [ %s ]" % ", ".join(s.service_names()),
                "    statistics: %s" % ("on" if self.statistics else "off"),
            ]
            if self.templates:
                lines.append('    record: [ "_mta-sts TXT %s" ]' % MTA_STS.replace('"', '\\"'))
            if self.membership == "domain-apex":
                lines.append("    domain-apex: on")
            elif self.membership == "domain-mx":
                lines.append("    domain-mx: %s" % APEX_MX)
        if self.setup == "synthrecord":
            lines += [
                "mod-synthrecord:",
                "  - id: bench",
                "    type: forward",
                "    prefix: dyn-",
                "    network: 192.0.2.0/24",
                "    ttl: %d" % TTL,
            ]
        lines += [
            "template:",
            "  - id: default",
            "    storage: %s" % self.dir,
            "    file: %s" % self.zone_file(),
            "    zonefile-sync: -1",
            "    journal-content: none",
        ]
        if self.setup == "module":
            lines.append("    module: mod-mailsrv/bench")
        elif self.setup == "synthrecord":
            lines.append("    module: mod-synthrecord/bench")
        elif self.setup == "noudp":
            lines.append("    module: mod-noudp")
        lines.append("zone:")
        lines += ["  - domain: %s" % z for z in s.zones()]
        return "\n".join(lines) + "\n"

    def write_config(self):
        if self.port is None:
            self.port = harness.free_port()
        self.write("knot.conf", self.config())

    def probe_ok(self, i, target=TARGET):
        # A query sent before the socket is bound is lost, not refused: keep
        # the timeout short, it bounds the start-up time's resolution.
        timeout = 2.0 if self.wrapper else 0.05
        tcp = self.setup == "noudp"  # truncates every UDP answer
        try:
            if self.templates:
                resp = self.query("_mta-sts." + domain(i), "TXT", timeout=timeout)
                return harness.rr_lines(resp.answer) == [mta_sts_line(i)]
            if self.full or self.membership:
                resp = self.query(srv_owner(0, i), "SRV", timeout=timeout)
                return harness.rr_lines(resp.answer) == [srv_line(0, i, target)]
            zone = self.scenario.zones()[i if self.scenario.layout == "zones" else 0]
            resp = self.query(zone, "SOA", tcp=tcp, timeout=timeout)
            return len(resp.answer) == 1
        except Exception:
            return False

    def zones_loaded(self):
        return len(re.findall(r"\] loaded, serial", self.log()))

    def wait_ready(self):
        """Until every probe answers and every zone is loaded (the start-up
        time, taken from right after the process was started), then until
        the control socket answers."""
        start = time.monotonic()
        deadline = start + (LOAD_WAIT if self.wrapper else LOAD_WAIT / 4)
        pending = self.scenario.probes()
        zones = len(self.scenario.zones())
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            pending = [i for i in pending if not self.probe_ok(i)]
            if not pending and self.zones_loaded() >= zones:
                self.startup = time.monotonic() - start
                break
            time.sleep(0.01 if not self.wrapper else 0.5)
        while self.startup is not None and time.monotonic() < deadline:
            # knotc waits up to its timeout for a socket that is not there yet.
            if os.path.exists(self.sock) and self.control_ready():
                return True
            time.sleep(0.05)
        return False

    def cpu_ticks(self):
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime

    QUIET = 3  # seconds without CPU use that make knotd idle (--quick: fewer)

    def wait_idle(self, quiet=None):
        """Until knotd has used no CPU for \a quiet seconds: a loaded zone
        still has background work (timers in LMDB, zone events), which
        would be counted with the queries."""
        quiet = quiet or self.QUIET
        deadline = time.monotonic() + (LOAD_WAIT if self.wrapper else LOAD_WAIT / 4)
        last, still = self.cpu_ticks(), 0
        while time.monotonic() < deadline:
            time.sleep(1)
            now = self.cpu_ticks()
            still = still + 1 if now - last <= 1 else 0
            last = now
            if still >= quiet:
                return
        raise RuntimeError("knotd did not become idle")

    def settle(self):
        """One query after the load: the first query a quiet second after a
        change, for a name the zone lacks, makes the module check its list
        against the zones that use it
        (once per change, in that query's worker; doc/mailsrv.rst, Log). Its
        answer comes when the check is done, so the figures taken afterwards
        are the steady state; the check itself is measured by the
        microbenchmark."""
        self.query("settle." + self.scenario.zones()[0], "A", tcp=self.setup == "noudp",
                   timeout=LOAD_WAIT if self.wrapper else 60)

    def rss_kib(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            return int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1))


def dnsperf(port, queries, *args):
    cmd = [DNSPERF, "-s", "127.0.0.1", "-p", str(port), "-d", queries] + list(args)
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if res.returncode != 0:
        raise RuntimeError("dnsperf failed: %s%s" % (res.stdout, res.stderr))
    out = res.stdout

    def num(label):
        return float(re.search(r"%s:\s+([\d.]+)" % label, out).group(1))
    codes = re.search(r"Response codes:\s+(.*)", out).group(1)
    return {"qps": num("Queries per second"), "completed": int(num("Queries completed")),
            "lost": int(num("Queries lost")), "codes": codes}


def callgrind_total(path):
    """Events of a callgrind dump ('summary:' is 0 with --toggle-collect)."""
    with open(path) as f:
        for line in f:
            if line.startswith("totals:"):
                return int(line.split()[1])
    raise RuntimeError("no totals in " + path)


def annotate(dump, out, *options, header=""):
    """Writes callgrind_annotate's function list of \a dump to \a out."""
    with open(out, "w") as f:
        f.write(header)
        f.flush()
        subprocess.run([CALLGRIND_ANNOTATE, "--auto=no"] + list(options) + [dump], stdout=f,
                       stderr=subprocess.DEVNULL, check=True, timeout=300)


def annotate_costs(path):
    """Function -> events from callgrind_annotate output (--auto=no)."""
    costs = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"\s*([\d,]+) \([ \d.]+%\)\s+(\S.*)$", line)
            if m and "PROGRAM TOTALS" not in line:
                costs[m.group(2)] = costs.get(m.group(2), 0) + int(m.group(1).replace(",", ""))
    return costs


def profile_diff(static_path, module_path, static_queries, module_queries, out):
    """Per-query self cost of every function, static against module,
    largest differences first."""
    static = annotate_costs(static_path)
    module = annotate_costs(module_path)
    rows = []
    for fn in set(static) | set(module):
        s = static.get(fn, 0) / static_queries
        m = module.get(fn, 0) / module_queries
        rows.append((m - s, s, m, fn))
    rows.sort(key=lambda r: -abs(r[0]))
    with open(out, "w") as f:
        f.write("# self instructions per answered query (callgrind_annotate, exclusive)\n")
        f.write("%9s %9s %9s  %s\n" % ("static", "module", "module-static", "function"))
        total = 0.0
        for d, s, m, fn in rows:
            total += d
            if abs(d) >= 1:
                f.write("%9.1f %9.1f %+9.1f  %s\n" % (s, m, d, fn))
        f.write("# sum of differences: %+.1f\n" % total)


class Bench:
    def __init__(self, args):
        self.args = args
        self.rows = []  # (scenario, figure, static, module, note)
        self.notes = []
        os.makedirs(args.results, exist_ok=True)
        self.workdir = tempfile.mkdtemp(prefix="mailsrv-bench-", dir=args.workdir)
        self.running = []

    def log(self, msg):
        sys.stdout.write("# %s\n" % msg)
        sys.stdout.flush()

    def row(self, scenario, figure, static, module, unit, ratio=True):
        self.rows.append((scenario.name if scenario else "-", figure, static, module, unit,
                          ratio))
        self.log("%s: %s: static %s, module %s %s" % (scenario.name if scenario else "-",
                                                      figure, static, module, unit))

    def start(self, scenario, setup, full=True, wrapper=(), **options):
        knot = BenchKnot(scenario, setup, full, wrapper, **options)
        self.running.append(knot)
        try:
            knot.start()
            knot.wait_idle()  # quiet for seconds: the module's check is due
            knot.settle()
        except Exception:
            self.keep_log(knot, "start")
            raise
        return knot

    def stop(self, knot):
        knot.stop()
        knot.cleanup()
        self.running.remove(knot)

    def keep_log(self, knot, what):
        dest = os.path.join(self.args.results, "knot-%s-%s-%s.log" % (
            knot.scenario.name, knot.setup, what))
        if os.path.exists(knot.log_path):
            shutil.copy(knot.log_path, dest)

    # Figures

    def callgrind_answers(self, scenario, setup, label, queries="queries.txt", **options):
        """Instructions per answered query of the scenario's SRV queries (or
        \a queries), profiles to the results, named by \a label; and the
        query count."""
        out = os.path.join(self.workdir, "callgrind.%s.%s" % (scenario.name, label))
        wrapper = [VALGRIND, "--tool=callgrind", "--instr-atstart=no",
                   "--callgrind-out-file=" + out]
        knot = self.start(scenario, setup, wrapper=wrapper, **options)
        self.log("%s %s: loaded under callgrind in %.1f s" % (scenario.name, label,
                                                               knot.startup))
        pid = str(knot.proc.pid)
        subprocess.run([CALLGRIND_CONTROL, "-i", "on", pid], check=True,
                       capture_output=True, timeout=120)
        res = dnsperf(knot.port, scenario.path(queries), "-n", "1",
                      "-Q", str(CALLGRIND_QPS), "-t", "30", "-c", "1")
        subprocess.run([CALLGRIND_CONTROL, "-d", pid], check=True, capture_output=True,
                       timeout=120)
        subprocess.run([CALLGRIND_CONTROL, "-i", "off", pid], check=True,
                       capture_output=True, timeout=120)
        dump = [p for p in os.listdir(self.workdir) if p.startswith(os.path.basename(out) + ".")]
        self.stop(knot)
        if len(dump) != 1:
            raise RuntimeError("callgrind dump of %s %s not found" % (scenario.name, label))
        dump = os.path.join(self.workdir, dump[0])
        if res["lost"] != 0 or not res["codes"].startswith("NOERROR") or "," in res["codes"]:
            raise RuntimeError("callgrind run: %s" % res)
        prefix = os.path.join(self.args.results, "profile-%s-%s" % (scenario.name, label))
        annotate(dump, prefix + ".txt", "--inclusive=yes", "--threshold=99.9",
                 header="# %d answered queries\n" % res["completed"])
        annotate(dump, prefix + "-self.txt", "--threshold=99.9")
        return callgrind_total(dump) / res["completed"], res["completed"]

    def callgrind(self, scenario):
        """Instructions per answered query, static and module."""
        per_query = {}
        answered = {}
        for setup in ("static", "module"):
            per_query[setup], answered[setup] = self.callgrind_answers(scenario, setup, setup)
        prefix = os.path.join(self.args.results, "profile-%s-" % scenario.name)
        profile_diff(prefix + "static-self.txt", prefix + "module-self.txt",
                     answered["static"], answered["module"], prefix + "diff.txt")
        self.row(scenario, "instructions per answer (callgrind)",
                 round(per_query["static"]), round(per_query["module"]), "Ir")

    def membership(self, scenario):
        """Instructions per SRV answer of a zone's apex that is a mail domain
        by 'domain-apex' or by 'domain-mx' (its apex MX), against the same
        apex listed."""
        listed, _ = self.callgrind_answers(scenario, "module", "listed")
        for item in ("domain-apex", "domain-mx"):
            ir, _ = self.callgrind_answers(scenario, "module", item, full=False, membership=item)
            self.row(scenario, "instructions per answer: listed (left), %s (right)" % item,
                     round(listed), round(ir), "Ir")

    def templates(self, scenario):
        """Instructions per answer of a TXT record from a 'record' template,
        against the same TXT record in the zone files."""
        scenario.write_txt_zones(self.args.queries)
        per_query = {}
        for setup in ("static", "module"):
            per_query[setup], _ = self.callgrind_answers(scenario, setup, setup + "-txt",
                                                         queries="txt-queries.txt",
                                                         templates=True)
        self.row(scenario, "instructions per TXT answer (callgrind): zone file (left), "
                 "template (right)", round(per_query["static"]), round(per_query["module"]),
                 "Ir")

    def other(self, scenario):
        """Instructions per query that is not mail, without a module, with
        mod-synthrecord and with this module (every zone's apex listed)."""
        per_query = {}
        for setup, full in (("none", False), ("synthrecord", False), ("module", True)):
            out = os.path.join(self.workdir, "callgrind-other.%s.%s" % (scenario.name, setup))
            wrapper = [VALGRIND, "--tool=callgrind", "--instr-atstart=no",
                       "--callgrind-out-file=" + out]
            knot = self.start(scenario, "static" if setup == "none" else setup, full=full,
                              wrapper=wrapper)
            pid = str(knot.proc.pid)
            for k, (figure, _, rcode) in enumerate(OTHER_KINDS):
                subprocess.run([CALLGRIND_CONTROL, "-i", "on", pid], check=True,
                               capture_output=True, timeout=120)
                res = dnsperf(knot.port, scenario.path("other-%d.txt" % k), "-n", "1",
                              "-Q", str(CALLGRIND_QPS), "-t", "30", "-c", "1")
                subprocess.run([CALLGRIND_CONTROL, "-d", pid], check=True,
                               capture_output=True, timeout=120)
                subprocess.run([CALLGRIND_CONTROL, "-i", "off", pid], check=True,
                               capture_output=True, timeout=120)
                if res["lost"] != 0 or not res["codes"].startswith(rcode) or "," in res["codes"]:
                    raise RuntimeError("callgrind run %s %s: %s" % (setup, figure, res))
                dump = "%s.%d" % (out, k + 1)
                per_query[setup, k] = callgrind_total(dump) / res["completed"]
            self.stop(knot)
        for k, (figure, _, _) in enumerate(OTHER_KINDS):
            for setup, name in (("synthrecord", "mod-synthrecord"), ("module", "mod-mailsrv")):
                self.row(scenario, "instructions per %s: no module (left), %s (right)"
                         % (figure, name), round(per_query["none", k]),
                         round(per_query[setup, k]), "Ir")

    def same_answers(self, scenario, static, module):
        """Both setups give the very same responses."""
        for i in scenario.probes(32):
            for svc in range(scenario.services):
                for knot in (static, module):
                    resp = knot.query(srv_owner(svc, i), "SRV")
                    got = (resp.rcode(), resp.flags, harness.rr_lines(resp.answer),
                           harness.rr_lines(resp.authority), harness.rr_lines(resp.additional))
                    if knot is static:
                        want = got
                    elif got != want:
                        raise RuntimeError("static and module answer %s differently:\n%s\n%s"
                                           % (srv_owner(svc, i), want, got))
                if want[2] != [srv_line(svc, i)]:
                    raise RuntimeError("unexpected answer %s" % (want,))

    def native(self, scenario):
        """Start-up, RSS, QPS (interleaved), reloads."""
        static = self.start(scenario, "static")
        static_rss = static.rss_kib()
        module = self.start(scenario, "module")
        module_rss = module.rss_kib()
        self.row(scenario, "start-up to answers", "%.2f" % static.startup,
                 "%.2f" % module.startup, "s")
        self.same_answers(scenario, static, module)

        qps = {"static": [], "module": []}
        for _ in range(self.args.rounds):
            for name, knot in (("static", static), ("module", module)):
                res = dnsperf(knot.port, scenario.path("queries.txt"), "-l",
                              str(self.args.seconds), "-c", "1", "-T", "1")
                qps[name].append(res["qps"])
        self.row(scenario, "QPS, median of %d (dnsperf)" % self.args.rounds,
                 round(statistics.median(qps["static"])),
                 round(statistics.median(qps["module"])), "q/s")
        self.log("%s QPS runs: %s" % (scenario.name, qps))

        empty = {}
        for setup in ("static", "module"):
            knot = self.start(scenario, setup, full=False)
            empty[setup] = knot.rss_kib()
            self.stop(knot)
        self.row(scenario, "RSS after load", round(static_rss / 1024, 1),
                 round(module_rss / 1024, 1), "MiB")
        self.row(scenario, "RSS without domains", round(empty["static"] / 1024, 1),
                 round(empty["module"] / 1024, 1), "MiB", ratio=False)
        self.row(scenario, "bytes per domain (RSS)",
                 round((static_rss - empty["static"]) * 1024 / scenario.n),
                 round((module_rss - empty["module"]) * 1024 / scenario.n), "B")

        self.reloads(scenario, static, module)
        self.stop(static)
        self.stop(module)

    def references(self, scenario):
        """Start-up, RSS and an unchanged reload of the same zones with none
        of the records: without a module, with mod-noudp (knotd's floor, the
        least any zone module costs) and with mod-synthrecord, beside the
        module; and what the module costs per zone above that floor, its
        table included. Start-up times on a shared machine vary by a second
        or more: every setup starts several times, in turn, and the median
        counts (--repeat)."""
        setups = (("static", False, "no module"), ("noudp", False, "mod-noudp"),
                  ("synthrecord", False, "mod-synthrecord"), ("module", True, "mod-mailsrv"))
        starts = {name: [] for _, _, name in setups}
        refs = {}
        for rnd in range(self.args.repeat):
            for setup, full, name in setups:
                knot = self.start(scenario, setup, full=full)
                starts[name].append(knot.startup)
                if rnd == self.args.repeat - 1:
                    refs[name] = {"rss": knot.rss_kib(), "reload": self.median_reload(knot)}
                self.stop(knot)
        for name in starts:
            refs[name]["startup"] = statistics.median(starts[name])
        self.log("%s start-up runs: %s" % (scenario.name, starts))
        module = refs.pop("mod-mailsrv")
        median = "median of %d" % self.args.repeat
        for figure, key, unit, fmt in (("start-up to answers, " + median, "startup", "s", "%.2f"),
                                       ("RSS after load", "rss", "MiB", None),
                                       ("knotc reload, unchanged, " + median, "reload", "s",
                                        "%.3f")):
            for name, ref in refs.items():
                show = (lambda v: fmt % v) if fmt else (lambda v: round(v / 1024, 1))
                self.row(scenario, "%s: %s (left), mod-mailsrv (right)" % (figure, name),
                         show(ref[key]), show(module[key]), unit)
        floor = refs["mod-noudp"]["rss"]
        self.row(scenario, "bytes per zone above mod-noudp (RSS): mod-synthrecord (left), "
                 "mod-mailsrv with its table (right)",
                 round((refs["mod-synthrecord"]["rss"] - floor) * 1024 / scenario.n),
                 round((module["rss"] - floor) * 1024 / scenario.n), "B", ratio=False)

    def counters(self, scenario):
        """What 'statistics: on' costs every zone, with knotd's default
        worker counts (knotd keeps module counters per zone and thread)."""
        rss = {}
        for statistics in (False, True):
            knot = self.start(scenario, "module", statistics=statistics, workers=None)
            rss[statistics] = knot.rss_kib()
            threads = len(os.listdir("/proc/%d/task" % knot.proc.pid))
            self.stop(knot)
        self.row(scenario, "RSS with knotd's default workers (%d threads in all): "
                 "statistics off (left), on (right)" % threads, round(rss[False] / 1024, 1),
                 round(rss[True] / 1024, 1), "MiB")
        self.row(scenario, "bytes per zone of 'statistics: on', default workers", "-",
                 round((rss[True] - rss[False]) * 1024 / scenario.n), "B", ratio=False)

    def timed_reload(self, knot):
        start = time.monotonic()
        res = knot.knotc("reload")
        took = time.monotonic() - start
        if res.returncode != 0:
            raise RuntimeError("knotc reload: %s%s" % (res.stdout, res.stderr))
        return took

    def median_reload(self, knot):
        """An unchanged reload, the median of --repeat; knotd is left idle
        between them (the old zones are freed after the reload returns)."""
        took = []
        for _ in range(self.args.repeat):
            took.append(self.timed_reload(knot))
            knot.wait_idle()
        return statistics.median(took)

    def wait_changed(self, scenario, knot, start):
        """Seconds from start until every changed probe answers the new target."""
        ids = [i for i in range(scenario.n) if changed(i)]
        ids = ids[:: max(1, len(ids) // 8)] + ids[-1:]
        deadline = time.monotonic() + LOAD_WAIT / 4
        while time.monotonic() < deadline:
            ids = [i for i in ids if not knot.probe_ok(i, TARGET2)]
            if not ids:
                return time.monotonic() - start
            time.sleep(0.01)
        raise RuntimeError("changed records not served")

    def module_log_time(self, module, mark):
        """The times the module logged for reloads since log offset \a mark."""
        return re.findall(r"domain list reloaded, .* time ([\d.]+) s, snapshot", module.log()[mark:])

    def reloads(self, scenario, static, module):
        # Unchanged: nothing to read for the module, no zone file to load.
        mark = len(module.log())
        s = self.median_reload(static)
        m = self.median_reload(module)
        reads = re.findall(r"domain list (loaded|reloaded)", module.log()[mark:])
        self.row(scenario, "knotc reload, unchanged, median of %d" % self.args.repeat,
                 "%.3f" % s, "%.3f" % m, "s")
        self.row(scenario, "domain list reads at that reload", "-", len(reads), "", ratio=False)

        # 1% of the domains change their target.
        scenario.change_static()
        start = time.monotonic()
        self.timed_reload(static)
        s = self.wait_changed(scenario, static, start)
        static.wait_idle()  # The old zone is freed after the new one answers.
        scenario.write_domains(change=True)
        mark = len(module.log())
        start = time.monotonic()
        m_knotc = self.timed_reload(module)
        m = self.wait_changed(scenario, module, start)
        times = self.module_log_time(module, mark)
        self.row(scenario, "reload 1% changed, until served", "%.3f" % s, "%.3f" % m, "s")
        self.row(scenario, "module: knotc reload; re-read+apply (log)", "-",
                 "%.3f; %s" % (m_knotc, ", ".join(times) or "none"), "s", ratio=False)

    def micro(self, scenario):
        """The module's own path without knotd: ns and instructions per call."""
        domains = scenario.path("domains.txt")
        scenario.write_domains()
        scenario.write_domains(change=True, name="changed.txt")
        res = subprocess.run([BENCH_ANSWER, domains, str(self.args.micro_calls),
                              scenario.path("changed.txt")],
                             capture_output=True, text=True, check=True, timeout=600)
        vals = dict(line.split(None, 1) for line in res.stdout.splitlines())
        out = os.path.join(self.workdir, "callgrind.micro")
        calls = 200000
        subprocess.run([VALGRIND, "--tool=callgrind", "--instr-atstart=no",
                        "--toggle-collect=mailsrv_answer_name", "--callgrind-out-file=" + out,
                        BENCH_ANSWER, domains, str(calls)], capture_output=True, check=True,
                       timeout=1200)
        annotate(out, os.path.join(self.args.results, "profile-micro.txt"), "--inclusive=yes")
        ir = callgrind_total(out) / calls
        self.row(scenario, "mailsrv_answer() ns per call", "-", vals["ns_per_call"], "ns",
                 ratio=False)
        self.row(scenario, "mailsrv_answer() instructions per call", "-", round(ir), "Ir",
                 ratio=False)
        self.row(scenario, "table bytes per domain (malloc count)", "-",
                 vals["table_bytes_per_domain"], "B", ratio=False)
        self.row(scenario, "list read+parse, table build (no knotd)", "-", "%s + %s" % (
            vals["read_seconds"], vals["apply_seconds"]), "s", ratio=False)
        self.row(scenario, "1% changed list: re-read + apply (no knotd)", "-", "%s + %s" % (
            vals["reload_read_seconds"], vals["reload_apply_seconds"]), "s", ratio=False)
        self.row(scenario, "check for domains outside zones, once per change (no knotd)",
                 "-", vals["coverage_seconds"], "s", ratio=False)

    # Driver

    def table(self):
        lines = ["| scenario | figure | static | module | module/static |",
                 "|---|---|---:|---:|---:|"]
        for scen, figure, static, module, unit, ratio in self.rows:
            r = ""
            try:
                if ratio and float(static) > 0:
                    r = "%.3f" % (float(module) / float(static))
            except (TypeError, ValueError):
                pass
            u = " " + unit if unit else ""
            lines.append("| %s | %s | %s | %s | %s |" % (
                scen, figure, "%s%s" % (static, u) if static != "-" else "-",
                "%s%s" % (module, u), r))
        return "\n".join(lines) + "\n"

    def run(self):
        scenarios = []
        for spec in self.args.scenarios.split(","):
            layout, n, services = spec.split(":")
            n = int(float(n))
            name = "%s%s-%dsvc" % ("%dk" % (n // 1000) if n < 10 ** 6 else "%dM" % (n // 10 ** 6),
                                   "-zones" if layout == "zones" else "-sub", int(services))
            scenarios.append(Scenario(name, layout, n, int(services), self.workdir))
        try:
            for s in scenarios:
                t = time.monotonic()
                self.log("%s: generating data" % s.name)
                s.generate(self.args.queries, self.args.other_queries)
                self.log("%s: data in %.1f s" % (s.name, time.monotonic() - t))
                if "native" in self.args.parts:
                    self.native(s)
                s.write_domains()
                if s.layout == "zones":
                    s.generate(self.args.queries, self.args.other_queries)  # undo native()'s
                else:
                    s.write_static_sub()
                if "callgrind" in self.args.parts:
                    self.callgrind(s)
                if "membership" in self.args.parts and s.layout == "zones" and s.services == 2:
                    self.membership(s)
                if "templates" in self.args.parts and s.layout == "zones" and s.services == 2:
                    self.templates(s)
                if "other" in self.args.parts and s.layout == "zones" and s.services == 2:
                    self.other(s)
                if "floor" in self.args.parts and s.layout == "zones":
                    self.references(s)
                if "counters" in self.args.parts and s.layout == "zones":
                    self.counters(s)
                if "micro" in self.args.parts and s.layout == "sub" and s.services == 2:
                    self.micro(s)
                shutil.rmtree(s.dir, ignore_errors=True)
        finally:
            for knot in list(self.running):
                self.keep_log(knot, "failed")
                self.stop(knot)
            if not self.args.keep:
                shutil.rmtree(self.workdir, ignore_errors=True)
        table = self.table()
        with open(os.path.join(self.args.results, "results.md"), "w") as f:
            f.write(table)
        sys.stdout.write(table)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scenarios",
                   default="zones:10000:2,zones:10000:4,zones:100000:2,sub:1e6:2,sub:1e6:4",
                   help="LAYOUT:N:SERVICES,... (layout 'zones' or 'sub')")
    p.add_argument("--parts",
                   default="native,callgrind,membership,templates,other,floor,counters,micro",
                   help="what to measure: native (start-up, QPS, RSS, reloads), "
                   "callgrind, membership (domain-apex and domain-mx against a listed "
                   "domain, callgrind), templates (a TXT template against the TXT in "
                   "zone files, callgrind), other (non-mail queries), floor (start-up, RSS and "
                   "reload beside no module, mod-noudp and mod-synthrecord), counters (what "
                   "'statistics: on' costs), micro")
    p.add_argument("--rounds", type=int, default=5, help="dnsperf runs per setup")
    p.add_argument("--queries", type=int, default=CALLGRIND_QUERIES,
                   help="SRV queries under callgrind")
    p.add_argument("--other-queries", type=int, default=OTHER_QUERIES,
                   help="queries per non-mail kind under callgrind")
    p.add_argument("--repeat", type=int, default=3,
                   help="starts per setup (part floor) and unchanged reloads, medians")
    p.add_argument("--seconds", type=int, default=5, help="length of one dnsperf run")
    p.add_argument("--micro-calls", type=int, default=2000000)
    p.add_argument("--quick", action="store_true",
                   help="small scenarios (1,000 zones, 20,000 subdomains), 2 rounds")
    p.add_argument("--results", default=os.path.join(harness.TOP, "bench-results"))
    p.add_argument("--workdir", default=None, help="where the temporary data goes")
    p.add_argument("--keep", action="store_true", help="keep the generated data")
    args = p.parse_args()
    if args.quick:
        args.scenarios = "zones:1000:2,sub:20000:2"
        args.rounds = 2
        args.seconds = 2
        args.repeat = 1
        args.queries = CALLGRIND_QUERIES // 4
        args.other_queries = OTHER_QUERIES // 4
        BenchKnot.QUIET = 2
        args.micro_calls = 200000
    if os.geteuid() != 0:
        sys.exit("bench: run as root (knotd's defaults)")

    # Stop cleanly on SIGTERM too: every knotd started here is stopped by PID.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    Bench(args).run()


if __name__ == "__main__":
    main()
