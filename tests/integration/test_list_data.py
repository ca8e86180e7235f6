#!/usr/bin/python3
"""The list is data, not configuration, against a real knotd: whatever the
state of the list, knotd starts, reloads and answers from the last good
list, also after a restart (the snapshot in its storage); a list rewritten
in place while knotd reads it loses nothing; a mass removal is refused; the
list's state is in knotc zone-stats; knotc conf-check still refuses a bad
list, but not as the knot service's start-up step.
"""

import os
import re
import subprocess
import sys
import threading
import time

import harness

SOA = "example.com. 300 IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300"


def zone(origin):
    return ("$ORIGIN %s.\n$TTL 300\n"
            "@ SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300\n"
            "@ NS ns.example.com.\n" % origin)


MODULE = """
mod-mailsrv:
  - id: default
    target: mail.example.net.
    domain-file: %s
    statistics: on
"""

GOOD = "a.example.com\nb.example.com mx.example.org.\n"


def server(zones=("example.com",), extra=""):
    knot = harness.Knot({z: (zone(z), ["mod-mailsrv/default"]) for z in zones})
    knot.modules = MODULE % knot.path("domains.txt") + extra
    return knot


def snapshot_files(knot):
    folder = knot.path("mailsrv")
    return [os.path.join(folder, f) for f in os.listdir(folder)] if os.path.isdir(folder) else []


class ListTestCase(harness.DnsTestCase):
    def setUp(self):
        self.knot = None

    def tearDown(self):
        if self.knot is not None:
            self.knot.cleanup()

    def srv(self, domain, target="mail.example.net.", tcp=False):
        name = "_imaps._tcp.%s." % domain
        self.assertResponse(self.knot.query(name, "SRV", tcp=tcp), "NOERROR", "QR AA",
                            answer=["%s 3600 IN SRV 10 1 993 %s" % (name, target)])

    def nxdomain(self, domain, tcp=False):
        name = "_imaps._tcp.%s." % domain
        self.assertResponse(self.knot.query(name, "SRV", tcp=tcp), "NXDOMAIN", "QR AA",
                            authority=[SOA])

    def good_answers(self):
        for tcp in (False, True):
            self.srv("a.example.com", tcp=tcp)
            self.srv("b.example.com", "mx.example.org.", tcp=tcp)
            self.nxdomain("c.example.com", tcp=tcp)

    def serving(self):
        """knotd runs and the zone answers from its own data."""
        self.assertIsNone(self.knot.proc.poll(), "knotd stopped")
        resp = self.knot.query("example.com.", "SOA")
        self.assertResponse(resp, "NOERROR", "QR AA", answer=[SOA])

    def reload(self):
        res = self.knot.knotc("reload")
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)

    def since(self, mark):
        return self.knot.log()[mark:]


class StartUp(ListTestCase):
    """knotd always starts; without a snapshot it answers no domain."""

    def start_with(self, make, error):
        self.knot = server()
        make(self.knot.path("domains.txt"))
        self.knot.start()
        self.serving()
        self.nxdomain("a.example.com")
        self.nxdomain("a.example.com", tcp=True)
        error = error.replace("{f}", self.knot.path("domains.txt"))
        self.assertIn("error: [example.com.] module 'mod-mailsrv/default', failed to load "
                      "domain list (%s), answering no domain until it is fixed (no snapshot "
                      "%s/mailsrv/" % (error, self.knot.dir), self.knot.log())
        stats = self.knot.list_stats("example.com")
        self.assertEqual(stats["domains"], 0)
        self.assertEqual(stats["read-at"], 0)
        self.assertLessEqual(abs(stats["stale-since"] - time.time()), 30)
        # Fixed: the next reload answers.
        path = self.knot.path("domains.txt")
        if os.path.isdir(path) and not os.path.islink(path):
            os.rmdir(path)
        elif os.path.lexists(path):
            os.unlink(path)
        self.knot.write("domains.txt", GOOD)
        self.reload()
        self.good_answers()
        self.assertEqual(self.knot.list_stats("example.com")["stale-since"], 0)

    def test_missing_file(self):
        self.start_with(lambda path: None, "{f}: cannot open (No such file or directory)")

    def test_bad_line(self):
        def bad(path):
            with open(path, "w") as f:
                f.write("a.example.com\nbad_name.example.com\n")
        self.start_with(bad, "{f}:2: domain 'bad_name.example.com': invalid character '_'")

    def test_unreadable_file(self):
        # Root passes mode bits; a write-only sysctl refuses even root.
        self.start_with(lambda path: os.symlink("/proc/sys/vm/drop_caches", path),
                        "{f}: cannot open (Permission denied)")

    def test_not_a_regular_file(self):
        self.start_with(os.mkdir, "{f}: not a regular file")


class Restart(ListTestCase):
    """A restart with a bad or missing list answers from the snapshot."""

    def setUp(self):
        self.knot = server()
        self.knot.write("domains.txt", GOOD)
        self.knot.start()
        self.good_answers()
        self.started = time.time()
        self.knot.stop()
        self.assertEqual(len(snapshot_files(self.knot)), 1)

    def restart_answers(self, error):
        self.knot.start()
        self.serving()
        self.good_answers()
        error = error.replace("{f}", self.knot.path("domains.txt"))
        self.assertRegex(self.knot.log(), "error: \\[example.com.\\] module 'mod-mailsrv/default', "
                         "failed to load domain list \\(%s\\), answering from the snapshot of "
                         "the last good list, domains 2, written 0 min [0-9]+ s ago, sources %s"
                         % (harness_escape(error), harness_escape(self.knot.path("domains.txt"))))
        stats = self.knot.list_stats("example.com")
        self.assertEqual(stats["domains"], 2)
        self.assertLessEqual(abs(stats["read-at"] - self.started), 30)
        self.assertGreaterEqual(stats["stale-since"], stats["read-at"])

    def test_bad_edit(self):
        self.knot.write("domains.txt", GOOD + "bad..example.com\n")
        self.restart_answers("{f}:3: domain 'bad..example.com': empty label")

    def test_deleted_file(self):
        os.unlink(self.knot.path("domains.txt"))
        self.restart_answers("{f}: cannot open (No such file or directory)")

    def test_damaged_snapshot(self):
        """A damaged snapshot is ignored with a log line, never used."""
        path = snapshot_files(self.knot)[0]
        with open(path, "r+b") as f:
            f.seek(len("# mod-mailsrv: the last good list of ") + 3)
            f.write(b"#")
        self.knot.write("domains.txt", "bad..example.com\n")
        self.knot.start()
        self.serving()
        self.nxdomain("a.example.com")
        self.assertIn("answering no domain until it is fixed (%s: damaged (no valid end line "
                      "or checksum))" % path, self.knot.log())

    def test_good_list_wins(self):
        """A good list at start is read, not the snapshot, and replaces it."""
        self.knot.write("domains.txt", "c.example.com\n")
        self.knot.start()
        self.nxdomain("a.example.com")
        self.srv("c.example.com")
        self.knot.stop()
        os.unlink(self.knot.path("domains.txt"))
        self.knot.start()
        self.srv("c.example.com")
        self.nxdomain("a.example.com")


class RestartRemoval(ListTestCase):
    def test_truncated_file_at_start(self):
        """A start with a file that lost most of the last good list (a
        writer stopped midway before a reboot) answers from the snapshot."""
        self.knot = server(zones=("example.com", "bulk.test"))
        self.knot.write("domains.txt", bulk_list(0, 2000))
        self.knot.start()
        self.knot.stop()
        self.knot.write("domains.txt", bulk_list(0, 500))
        self.knot.start()
        self.srv("d1999.bulk.test")
        self.assertRegex(self.knot.log(), "failed to load domain list \\(the new list would "
                         "remove 1500 of 2000 domains \\(75%\\), more than removal-limit 50%; "
                         "if that is intended, set removal-limit to 100 and reload\\), "
                         "answering from the snapshot of the last good list, domains 2000")
        # Allowed: the file is taken.
        self.knot.stop()
        self.knot.modules += "    removal-limit: 100\n"
        self.knot.start()
        self.srv("d499.bulk.test")
        self.assertEqual(self.knot.query("_imaps._tcp.d1999.bulk.test.", "SRV").rcode(), 3)


def harness_escape(text):
    return re.escape(text)


class Reload(ListTestCase):
    def setUp(self):
        self.knot = server()
        self.knot.write("domains.txt", GOOD + "new.test\n")
        self.knot.start()
        self.good_answers()

    def test_bad_list_and_new_zone(self):
        """knotc reload with a bad list applies the rest of the configuration."""
        self.knot.write("domains.txt", GOOD + "new.test\nc.example.com\nbad_name.example.com\n")
        self.knot.zones["new.test"] = (zone("new.test"), ["mod-mailsrv/default"])
        self.knot.write_config()
        mark = len(self.knot.log())
        self.reload()
        self.assertTrue(harness_wait(lambda: self.knot.zone_ready("new.test")),
                        "new zone not served:\n" + self.since(mark))
        # Logged by the first zone that loads, once.
        self.assertEqual(self.since(mark).count("module 'mod-mailsrv/default', failed to "
                         "reload domain list"), 1, self.since(mark))
        self.assertIn("module 'mod-mailsrv/default', failed to reload domain "
                      "list (%s:5: domain 'bad_name.example.com': invalid character '_'), "
                      "keeping the previous list of 3 domains" % self.knot.path("domains.txt"),
                      self.since(mark))
        self.good_answers()
        # The new zone answers from the list in use.
        name = "_imaps._tcp.new.test."
        resp = self.knot.query(name, "SRV")
        self.assertResponse(resp, "NOERROR", "QR AA",
                            answer=["%s 3600 IN SRV 10 1 993 mail.example.net." % name])
        stats = self.knot.list_stats("new.test")
        self.assertEqual(stats["domains"], 3)
        self.assertGreater(stats["stale-since"], 0)

    def test_deleted_file(self):
        os.unlink(self.knot.path("domains.txt"))
        mark = len(self.knot.log())
        self.reload()
        self.assertIn("failed to reload domain list (%s: cannot open (No such file or "
                      "directory)), keeping the previous list of 3 domains"
                      % self.knot.path("domains.txt"), self.since(mark))
        self.good_answers()

    def test_reload_through_config_file(self):
        """knotc with the configuration file parses it (and runs the module's
        check): only conf-check may refuse a bad list."""
        self.knot.write("domains.txt", "bad..example.com\n")
        res = self.knot.knotc("-s", self.knot.sock, "reload", conf=True)
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        self.good_answers()
        check = self.knot.knotc("conf-check", conf=True)
        self.assertNotEqual(check.returncode, 0, check.stdout + check.stderr)
        self.assertIn("(%s:1: domain 'bad..example.com': empty label)"
                      % self.knot.path("domains.txt"), check.stdout + check.stderr)

    def test_conf_check_as_service_start(self):
        """As the knot service's 'ExecStartPre=knotc conf-check' (systemd runs
        it: parent PID 1, INVOCATION_ID set), a bad list only warns: knotd
        must start. Here a PID namespace makes the parent PID 1."""
        self.knot.write("domains.txt", "bad..example.com\n")
        script = '"$0" -c "$1" conf-check; echo "exit $?"'
        res = subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", "sh", "-c", script,
                              harness.KNOTC, self.knot.conf_path], capture_output=True,
                             text=True, timeout=60, env=dict(harness.ENV, INVOCATION_ID="0123"))
        out = res.stdout + res.stderr
        self.assertIn("exit 0", out)
        self.assertIn("warning: mod-mailsrv[default]: domain list refused (%s:1: domain "
                      "'bad..example.com': empty label), knotd answers from the last good list"
                      % self.knot.path("domains.txt"), out)
        # Without INVOCATION_ID it is an operator's check: refused.
        res = subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", "sh", "-c", script,
                              harness.KNOTC, self.knot.conf_path], capture_output=True,
                             text=True, timeout=60,
                             env={k: v for k, v in harness.ENV.items() if k != "INVOCATION_ID"})
        self.assertIn("exit 1", res.stdout + res.stderr)

    def test_unterminated_last_line(self):
        """A settled file without a final line end is a valid file."""
        self.knot.write("domains.txt", GOOD + "c.example.com")
        self.reload()
        self.srv("c.example.com")
        self.srv("b.example.com", "mx.example.org.")


def harness_wait(cond, limit=harness.WAIT):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return False


def bulk_list(first, count, extra=()):
    return "".join("d%d.bulk.test\n" % i for i in range(first, first + count)) + \
        "".join(extra)


class Writer(threading.Thread):
    """Rewrites the list in place (truncate, then chunks) as a provisioning
    script would; progress in [0, 1]; pauses once at \\a pause_at for
    \\a pause seconds."""

    def __init__(self, path, text, seconds, pause_at=None, pause=0.0):
        super().__init__(daemon=True)
        self.path, self.data, self.seconds = path, text.encode(), seconds
        self.pause_at, self.pause = pause_at, pause
        self.progress = 0.0
        self.paused = threading.Event()
        self.done = threading.Event()

    def run(self):
        chunks = 100
        step = (len(self.data) + chunks - 1) // chunks
        with open(self.path, "r+b") as f:
            f.truncate(0)
            for i in range(chunks):
                f.write(self.data[i * step:(i + 1) * step])
                f.flush()
                self.progress = (i + 1) / chunks
                if self.pause_at is not None and not self.paused.is_set() and \
                        self.progress >= self.pause_at:
                    self.paused.set()
                    time.sleep(self.pause)
                time.sleep(self.seconds / chunks)
        self.done.set()


class TornWrites(ListTestCase):
    """Domains in both the old and the new file never stop answering while
    the file is rewritten in place and knotd reloads."""

    DOMAINS = 100000

    def setUp(self):
        self.knot = server(zones=("example.com", "bulk.test"))
        self.old = bulk_list(0, self.DOMAINS)
        # The new list: the same domains and 10 % more.
        self.new = bulk_list(0, self.DOMAINS + self.DOMAINS // 10)
        self.knot.write("domains.txt", self.old)
        self.knot.start()
        step = self.DOMAINS // 200
        self.probes = ["d%d.bulk.test" % i for i in range(step // 2, self.DOMAINS, step)]

    def lost(self):
        """Probes (in both lists) that do not answer their SRV."""
        lost = 0
        for i, domain in enumerate(self.probes):
            name = "_imaps._tcp.%s." % domain
            resp = self.knot.query(name, "SRV", tcp=(i % 10 == 0))
            if len(resp.answer) != 1 or resp.rcode() != 0:
                lost += 1
        return lost

    def test_reloads_during_the_write(self):
        # Slower than the longest wait for a file to settle (1.5 s), so that
        # each reload reads at another point of the write.
        writer = Writer(self.knot.path("domains.txt"), self.new, seconds=9.0)
        writer.start()
        lost = {}
        for point in (0.3, 0.6, 0.9):
            self.assertTrue(harness_wait(lambda: writer.progress >= point))
            self.reload()
            lost[point] = self.lost()
        writer.join(harness.WAIT)
        sys.stdout.write("# probes lost at 30/60/90 %% of the write: %s\n" % lost)
        self.assertEqual(lost, {0.3: 0, 0.6: 0, 0.9: 0})
        self.assertIn("still being written", self.knot.log())
        # Written: the next reload takes it.
        self.reload()
        self.assertEqual(self.lost(), 0)
        self.srv("d%d.bulk.test" % (self.DOMAINS + 5))

    def test_paused_writer(self):
        """A writer that stops at 40 % for longer than any wait: the file
        looks settled, and the removal limit keeps the list."""
        writer = Writer(self.knot.path("domains.txt"), self.new, seconds=1.0,
                        pause_at=0.4, pause=4.0)
        writer.start()
        self.assertTrue(writer.paused.wait(harness.WAIT))
        time.sleep(1.5)
        mark = len(self.knot.log())
        self.reload()
        lost = self.lost()
        sys.stdout.write("# probes lost with the writer paused at 40 %%: %d\n" % lost)
        self.assertEqual(lost, 0)
        self.assertIn("more than removal-limit 50%", self.since(mark))
        writer.join(harness.WAIT)
        self.reload()
        self.srv("d%d.bulk.test" % (self.DOMAINS + 5))


class MassRemoval(ListTestCase):
    def test_refused_then_allowed(self):
        self.knot = server(zones=("example.com", "bulk.test"))
        self.knot.write("domains.txt", bulk_list(0, 2000))
        self.knot.start()
        self.knot.write("domains.txt", bulk_list(0, 500))
        mark = len(self.knot.log())
        self.reload()
        self.assertIn("failed to reload domain list (the new list would remove 1500 of 2000 "
                      "domains (75%), more than removal-limit 50%; if that is intended, set "
                      "removal-limit to 100 and reload), keeping the previous list of 2000 "
                      "domains", self.since(mark))
        self.srv("d1999.bulk.test")
        self.assertGreater(self.knot.list_stats("bulk.test")["stale-since"], 0)

        self.knot.modules += "    removal-limit: 100\n"
        self.knot.write_config()
        self.reload()
        self.srv("d499.bulk.test")
        name = "_imaps._tcp.d1999.bulk.test."
        self.assertEqual(self.knot.query(name, "SRV").rcode(), 3)  # NXDOMAIN
        stats = self.knot.list_stats("bulk.test")
        self.assertEqual((stats["domains"], stats["stale-since"]), (500, 0))


if __name__ == "__main__":
    harness.main(sys.modules[__name__])
