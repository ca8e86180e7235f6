#!/usr/bin/python3
"""What keeping the list as data costs (doc/benchmarks.md, "The list as
data"): knotd's start-up with a large list read from its file against the
same start-up from the snapshot (the file bad), the snapshot's size on
disk, and what writing it adds to a reload. Wall-clock seconds (medians of
--rounds), side by side in one run; the module's own figures from its log.

    tests/bench/bench_list.py [--domains 1000000] [--rounds 3]
    (make bench-list BENCH_LIST_ARGS="...")
"""

import argparse
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import harness  # noqa: E402

ZONE = ("$ORIGIN bulk.test.\n$TTL 300\n"
        "@ SOA ns.bulk.test. hostmaster.bulk.test. 1 3600 600 86400 300\n"
        "@ NS ns.bulk.test.\n")


def write_list(knot, count, first=0, bad=False):
    path = knot.path("domains.txt")
    with open(path + ".tmp", "w") as f:
        for start in range(first, first + count, 100000):
            f.write("".join("d%d.bulk.test\n" % i
                            for i in range(start, min(first + count, start + 100000))))
        if bad:
            f.write("bad..bulk.test\n")
    os.rename(path + ".tmp", path)
    # Old enough not to wait for the file to settle.
    old = time.time() - 10
    os.utime(path, (old, old))
    return os.path.getsize(path)


def module_times(log, what):
    """(time, snapshot time) of the module's last 'domain list WHAT' line."""
    found = re.findall(r"domain list %s, .* time ([\d.]+) s, snapshot ([\d.]+) s" % what, log)
    return tuple(float(x) for x in found[-1]) if found else (None, None)


def timed_start(knot):
    mark = len(knot.log())
    start = time.monotonic()
    knot.start()
    return time.monotonic() - start, knot.log()[mark:]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--domains", type=int, default=1000000)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()
    n = args.domains

    knot = harness.Knot({"bulk.test": (ZONE, ["mod-mailsrv/default"])})
    knot.modules = ("mod-mailsrv:\n  - id: default\n    target: mail.example.net.\n"
                    "    domain-file: %s\n" % knot.path("domains.txt"))
    rows = {"file": [], "compared": [], "snapshot": [], "mod_file": [], "mod_compared": [],
            "write": [],
            "reload": [], "mod_reload": [], "reload_snapshot": [], "reload_same": []}
    list_bytes = snap_bytes = 0
    try:
        for r in range(args.rounds):
            # Start-up from the file (any snapshot removed first).
            for f in os.listdir(knot.path("mailsrv")) if os.path.isdir(knot.path("mailsrv")) else []:
                os.unlink(os.path.join(knot.path("mailsrv"), f))
            list_bytes = write_list(knot, n)
            seconds, log = timed_start(knot)
            rows["file"].append(seconds)
            mod, snap = module_times(log, "loaded")
            rows["mod_file"].append(mod)
            rows["write"].append(snap)
            snap_file = os.path.join(knot.path("mailsrv"), os.listdir(knot.path("mailsrv"))[0])
            snap_bytes = os.path.getsize(snap_file)

            # A reload with 1 % of the domains changed, and one with none.
            write_list(knot, n, first=n // 100)
            mark = len(knot.log())
            start = time.monotonic()
            res = knot.knotc("reload")
            assert res.returncode == 0, res.stdout + res.stderr
            rows["reload"].append(time.monotonic() - start)
            mod, snap = module_times(knot.log()[mark:], "reloaded")
            rows["mod_reload"].append(mod)
            rows["reload_snapshot"].append(snap)
            start = time.monotonic()
            knot.knotc("reload")
            rows["reload_same"].append(time.monotonic() - start)
            knot.stop()

            # Start-up from the file with a snapshot: compared (removal-limit).
            seconds, log = timed_start(knot)
            rows["compared"].append(seconds)
            rows["mod_compared"].append(module_times(log, "loaded")[0])
            knot.stop()

            # Start-up from the snapshot: the file has a bad line.
            write_list(knot, n, bad=True)
            seconds, log = timed_start(knot)
            assert "answering from the snapshot" in log, log[-2000:]
            rows["snapshot"].append(seconds)
            knot.stop()
            sys.stderr.write("round %d done\n" % (r + 1))
    finally:
        knot.cleanup()

    med = {k: statistics.median([x for x in v if x is not None]) if any(
        x is not None for x in v) else float("nan") for k, v in rows.items()}
    print("list as data, %d domains, knotd %s, medians of %d rounds (wall clock, s)"
          % (n, ".".join(map(str, harness.knotd_version())), args.rounds))
    print("| figure | from the file, no snapshot | from the file, snapshot compared "
          "| from the snapshot (file bad) | snapshot / file |")
    print("|---|---:|---:|---:|---:|")
    print("| knotd start to first answer | %.2f | %.2f | %.2f | %.2f |"
          % (med["file"], med["compared"], med["snapshot"], med["snapshot"] / med["file"]))
    print("| module: read, compare, apply (log) | %.2f | %.2f | - | - |"
          % (med["mod_file"], med["mod_compared"]))
    print("| bytes on disk | %d | | %d | %.2f |" % (list_bytes, snap_bytes,
                                                  snap_bytes / list_bytes))
    print()
    print("| figure | seconds |")
    print("|---|---:|")
    print("| snapshot write at start (log) | %.3f |" % med["write"])
    print("| knotc reload, 1 %% changed | %.2f |" % med["reload"])
    print("| module: read and apply at that reload (log) | %.3f |" % med["mod_reload"])
    print("| snapshot write at that reload (log) | %.3f (%.0f %% of the module's time) |"
          % (med["reload_snapshot"], 100 * med["reload_snapshot"] / med["mod_reload"]))
    print("| knotc reload, unchanged (no read, no write) | %.2f |" % med["reload_same"])


if __name__ == "__main__":
    main()
