#!/usr/bin/python3
"""How long membership takes to reach a secondary through DNS itself: a
primary and a secondary knotd on loopback, configured as in
tests/integration/test_several_servers.py (catalog zone with groups,
'domain-apex' in group mail, 'domain-mx' in group mx, no list anywhere).

  zone added:  a new member of group mail on the primary, 'knotc reload';
               until the secondary's first SRV answer for it (the catalog's
               NOTIFY and transfer, the zone's bootstrap, the module's load);
  MX changed:  the MX of a zone of group mx edited on the primary, 'knotc
               zone-reload'; until the secondary's first SRV answer (the
               zone's NOTIFY and transfer).

Each is timed --rounds times in one run (from just before knotc starts);
medians, minimum and maximum are printed. Polls every 2 ms: that is the
resolution. Run as root: 'make bench-servers'.
"""

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "integration"))
import harness  # noqa: E402
import test_several_servers as servers  # noqa: E402  (the configuration of the test)

POLL = 0.002


def first_answer(knot, origin, start):
    """Seconds from \\a start until \\a knot answers the SRV of \\a origin."""
    while time.monotonic() - start < harness.WAIT:
        if servers.srv_answered(knot, origin):
            return time.monotonic() - start
        time.sleep(POLL)
    raise RuntimeError("no SRV answer for %s within %.0f s" % (origin, harness.WAIT))


def knotc(knot, *args):
    res = knot.knotc(*args)
    if res.returncode != 0:
        raise RuntimeError("knotc %s: %s%s" % (" ".join(args), res.stdout, res.stderr))


def zone_added(primary, secondary, i):
    origin = "new%d.test" % i
    primary.zones[origin] = servers.primary_zone(origin, "mail")
    primary.write_config()
    start = time.monotonic()
    knotc(primary, "reload")
    return first_answer(secondary, origin, start)


def mx_changed(primary, secondary, i):
    origin = "mx%d.test" % i
    serial = 2
    primary.zones[origin] = servers.primary_zone(origin, "mx", "@ MX 10 in.mx.provider.net.\n",
                                                 serial)
    primary.write_config()
    start = time.monotonic()
    knotc(primary, "zone-reload", origin)
    return first_answer(secondary, origin, start)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=10)
    args = p.parse_args()

    # The zones of group mx exist from the start, with an MX elsewhere.
    servers.setUpModule()
    primary, secondary = servers.primary, servers.secondary
    try:
        for i in range(args.rounds):
            origin = "mx%d.test" % i
            primary.zones[origin] = servers.primary_zone(origin, "mx",
                                                         "@ MX 10 mx.elsewhere.net.\n")
        primary.write_config()
        knotc(primary, "reload")
        for i in range(args.rounds):
            deadline = time.monotonic() + harness.WAIT
            while not servers.serial_is(secondary, "mx%d.test" % i, 1):
                if time.monotonic() > deadline:
                    raise RuntimeError("mx%d.test did not reach the secondary" % i)
                time.sleep(0.01)
        results = {"zone added (catalog, knotc reload)": [],
                   "MX changed (knotc zone-reload)": []}
        for i in range(args.rounds):
            results["zone added (catalog, knotc reload)"].append(
                zone_added(primary, secondary, i))
            results["MX changed (knotc zone-reload)"].append(mx_changed(primary, secondary, i))
        print("| change on the primary | first SRV answer on the secondary: median | min "
              "| max | rounds |")
        print("|---|---:|---:|---:|---:|")
        for what, times in results.items():
            print("| %s | %.3f s | %.3f s | %.3f s | %d |" % (
                what, statistics.median(times), min(times), max(times), len(times)))
        for what, times in results.items():
            print("# %s, each round: %s" % (what, " ".join("%.3f" % t for t in times)))
        print("# knotd %s" % ".".join(map(str, harness.knotd_version())))
    finally:
        servers.tearDownModule()


if __name__ == "__main__":
    main()
