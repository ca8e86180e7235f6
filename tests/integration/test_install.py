#!/usr/bin/python3
"""make install into a staging directory; a stock knotd loads it from there.

knotd loads every module in its compiled-in module directory without a
'module:' section. The test installs with DESTDIR and starts knotd in a
private mount namespace where the staged files are overlaid on the system
(a read-only overlayfs, gone with the namespace): the host is not changed.
"""

import os
import shutil
import subprocess
import sys
import tempfile

import harness

TOP = os.environ.get("TOP_BUILDDIR", harness.TOP)
MODULEDIR = os.environ.get("MODULEDIR", "")
MAKE = os.environ.get("MAKE", "make")

ZONE = ("$ORIGIN example.com.\n$TTL 300\n"
        "@ SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300\n"
        "@ NS ns.example.com.\n")
SECTION = "mod-mailsrv:\n  - id: default\n    target: mail.example.net.\n    domain: example.com\n"


def overlay_wrapper(stage_moduledir, moduledir):
    """A command prefix that runs a program with the staged module directory
    at knotd's module directory, in a private mount namespace."""
    # Mirror the staged directory at knotd's path below its deepest existing
    # ancestor, and overlay that ancestor (the mount point must exist).
    base = moduledir
    while not os.path.isdir(base):
        base = os.path.dirname(base)
    mirror = tempfile.mkdtemp(prefix="mailsrv-overlay-")
    target = os.path.join(mirror, os.path.relpath(moduledir, base))
    shutil.copytree(stage_moduledir, target)
    # A sanitizer runtime is preloaded into knotd only: unshare under
    # ThreadSanitizer crashes.
    script = ('mount -t overlay overlay -o lowerdir="$0":"$1" "$1" && shift && '
              'export LD_PRELOAD="$KNOTD_PRELOAD" && exec "$@"')
    return ["env", "-u", "LD_PRELOAD", "KNOTD_PRELOAD=" + harness.ENV.get("LD_PRELOAD", ""),
            "unshare", "--mount", "--propagation", "private", "sh", "-c", script,
            mirror, base], mirror


class Install(harness.DnsTestCase):
    @classmethod
    def setUpClass(cls):
        cls.stage = tempfile.mkdtemp(prefix="mailsrv-stage-")
        res = subprocess.run([MAKE, "-C", TOP, "install", "DESTDIR=" + cls.stage],
                             capture_output=True, text=True, timeout=300)
        if res.returncode != 0:
            raise RuntimeError("make install failed:\n" + res.stdout + res.stderr)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.stage, ignore_errors=True)

    def staged(self, path):
        return self.stage + path

    def test_files(self):
        """The module alone in the module directory, the man page in man7."""
        self.assertEqual(sorted(os.listdir(self.staged(MODULEDIR))), ["mailsrv.so"])
        man = subprocess.run(["find", self.stage, "-name", "knot-mod-mailsrv.7"],
                             capture_output=True, text=True, timeout=30).stdout.split()
        self.assertEqual(len(man), 1, man)
        self.assertIn("/man/man7/", man[0])

    def server(self, explicit):
        wrapper, mirror = overlay_wrapper(self.staged(MODULEDIR), harness.module_dir())
        self.addCleanup(shutil.rmtree, mirror, True)
        knot = harness.Knot({"example.com": (ZONE, ["mod-mailsrv/default"])}, modules=SECTION,
                            explicit_module=explicit, wrapper=wrapper)
        self.addCleanup(knot.cleanup)
        return knot

    def test_loaded_without_module_section(self):
        knot = self.server(explicit=False)
        knot.start()
        self.assertResponse(knot.query("_imaps._tcp.example.com.", "SRV"), "NOERROR", "QR AA",
                            answer=["_imaps._tcp.example.com. 3600 IN SRV 10 1 993 "
                                    "mail.example.net."])

    def test_declared_too_is_refused(self):
        """The documented caveat: an installed module must not also be declared."""
        knot = self.server(explicit=True)
        self.assertNotEqual(knot.start(expect_running=False), 0)
        self.assertIn("duplicate module", knot.log())


if __name__ == "__main__":
    harness.main(sys.modules[__name__])
