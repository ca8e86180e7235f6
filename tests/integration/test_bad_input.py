#!/usr/bin/python3
"""Bad domain files against a real knotd: each case is refused with its
precise error (FILE:LINE: reason, or FILE: reason): knotc conf-check fails
with it; knotc reload and knotc -f zone-reload succeed, knotd logs it and the
previous list keeps answering. Or it is accepted, where that is the right
answer (each such case says why).
"""

import os
import sys

import harness

SOA = "example.com. 300 IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300"
ZONE = ("$ORIGIN example.com.\n$TTL 300\n"
        "@ SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300\n"
        "@ NS ns.example.com.\n")
MODULES = """
mod-mailsrv:
  - id: default
    target: mail.example.net.
    domain-file: %s
"""

# The list every case starts from, and that must keep answering.
GOOD = b"good.example.com\nown.example.com mx.example.org.\n"
GOOD_ANSWERS = {"good.example.com": "mail.example.net.", "own.example.com": "mx.example.org."}

L63 = "a" * 63
NAME_254 = ".".join([L63] * 3 + ["b" * 62])   # 254 characters: 256 bytes in wire format
NAME_252 = ".".join([L63] * 3 + ["b" * 58])   # 252 bytes: no room for "mail." before it


def cut(text):
    """Names are quoted in messages up to 72 characters, then cut with '...'."""
    return text if len(text) <= 72 else text[:72] + "..."


# Cases that put something else than a file at the list's path.
def missing(path):
    os.unlink(path)


def directory(path):
    os.unlink(path)
    os.mkdir(path)


def permission_denied(path):
    # Tests run as root, which no mode bits stop. A write-only sysctl
    # (mode 0200) is one file that open(O_RDONLY) refuses even to root:
    # EACCES from the sysctl permission check.
    os.unlink(path)
    os.symlink("/proc/sys/vm/drop_caches", path)


def symlink_loop(path):
    os.unlink(path)
    os.symlink(os.path.basename(path) + ".loop", path)
    os.symlink(os.path.basename(path), path + ".loop")


def fifo(path):
    # open() of a FIFO without a writer would wait for ever.
    os.unlink(path)
    os.mkfifo(path)


def device(path):
    os.unlink(path)
    os.symlink("/dev/zero", path)


# (name, file content or a function that makes the path, expected error
# ("{f}" is the path) or None if accepted, {domain: target} answered then).
CASES = [
    ("missing file", missing, "{f}: cannot open (No such file or directory)"),
    ("directory instead of file", directory, "{f}: not a regular file"),
    ("permission denied (EACCES)", permission_denied, "{f}: cannot open (Permission denied)"),
    ("symlink loop", symlink_loop, "{f}: cannot open (Too many levels of symbolic links)"),
    ("FIFO instead of file", fifo, "{f}: not a regular file"),
    ("device instead of file", device, "{f}: not a regular file"),
    # An empty list is a valid list: it answers for no domain.
    ("empty file", b"", None, {}),
    ("only comments", b"# mail domains\n   # none yet\n#\n", None, {}),
    ("CRLF line ends", b"# CRLF\r\nnew.example.com\r\nown.example.com mx.example.org.\r\n\r\n",
     None, {"new.example.com": "mail.example.net.", "own.example.com": "mx.example.org."}),
    ("trailing spaces and tabs", b"new.example.com   \nown.example.com\tmx.example.org. \t \n",
     None, {"new.example.com": "mail.example.net.", "own.example.com": "mx.example.org."}),
    # IDN in U-labels: accepted, converted to A-labels (libidn2).
    ("IDN in U-labels", "new.example.com\nbücher.example.com\n".encode(), None,
     {"new.example.com": "mail.example.net.",
      "xn--bcher-kva.example.com": "mail.example.net."}),
    ("invalid IDN", "new.example.com\na\u200db.example.com\n".encode(),
     "{f}:2: domain 'a\\xe2\\x80\\x8db.example.com': invalid IDN (string contains a "
     "forbidden context-j character)"),
    ("IDN in A-labels", b"xn--bcher-kva.example.com\n", None,
     {"xn--bcher-kva.example.com": "mail.example.net."}),
    ("invalid character", b"new.example.com\nbad_name.example.com\n",
     "{f}:2: domain 'bad_name.example.com': invalid character '_'"),
    ("invalid character in a target", b"new.example.com mail@example.org.\n",
     "{f}:1: target 'mail@example.org.': invalid character '@'"),
    ("64-byte label", ("a" * 64 + ".example.com\n").encode(),
     "{f}:1: domain '%s': label longer than 63 bytes" % cut("a" * 64 + ".example.com")),
    ("63-byte label", (L63 + ".example.com\n").encode(), None,
     {L63 + ".example.com": "mail.example.net."}),
    ("254-byte name", ("new.example.com\n" + NAME_254 + "\n").encode(),
     "{f}:2: domain '%s': name longer than 255 bytes" % cut(NAME_254)),
    ("relative target too long for its domain", ("%s mail\n" % NAME_252).encode(),
     "{f}:1: target 'mail': makes a name longer than 255 bytes with this domain"),
    ("empty label", b"new..example.com\n", "{f}:1: domain 'new..example.com': empty label"),
    ("hyphen at a label end", b"new-.example.com\n",
     "{f}:1: domain 'new-.example.com': label starts or ends with a hyphen"),
    ("root as a domain", b".\n", "{f}:1: domain '.': the root is not a mail domain"),
    ("root as a target", b"new.example.com .\n",
     "{f}:1: target '.': '.' is not a host name (use the 'unavailable' item)"),
    # A line starts with its domain: a target alone on a line, even
    # indented, is a domain; nothing tells it apart from one.
    ("target without a domain", b"new.example.com\n\tmx.example.org.\n", None,
     {"new.example.com": "mail.example.net.", "mx.example.org.example.com": None}),
    ("three fields on a line", b"new.example.com mx.example.org. extra.example.org.\n",
     "{f}:1: too many fields (expected a domain and an optional target)"),
    ("duplicate domain, equal targets", b"new.example.com\nNew.Example.COM.\n", None,
     {"new.example.com": "mail.example.net."}),
    ("duplicate domain, conflicting targets",
     b"new.example.com mx1.example.org.\nnew.example.com mx2.example.org.\n",
     "{f}:2: domain 'new.example.com' listed again with another target (first at {f}:1)"),
    ("very long line (1 MB)", b"new.example.com\n" + b"x" * 1000000 + b"\n",
     "{f}:2: domain '%s': label longer than 63 bytes" % cut("x" * 1000000)),
    ("very long line of labels (1 MB)", b"a." * 500000 + b"\n",
     "{f}:1: domain '%s': name longer than 255 bytes" % cut("a." * 500000)),
    ("NUL byte", b"new.example.com\nnul\0x.example.com\n", "{f}:2: NUL byte"),
    ("carriage return inside a line", b"new.example.com\rx.example.com\n",
     "{f}:1: domain 'new.example.com\\x0dx.example.com': invalid byte 0x0d"),
    ("binary garbage", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
     "{f}:1: domain '\\x89PNG': invalid IDN (string encoding error)"),
]

knot = None


def setUpModule():
    global knot
    knot = harness.Knot({"example.com": (ZONE, ["mod-mailsrv/default"])})
    knot.modules = MODULES % knot.path("domains.txt")
    knot.write("domains.txt", GOOD.decode())
    knot.start()


def tearDownModule():
    knot.cleanup()


def remove(path):
    """Removes whatever a case left at a path."""
    if os.path.isdir(path) and not os.path.islink(path):
        os.rmdir(path)
    elif os.path.lexists(path):
        os.unlink(path)


class BadInput(harness.DnsTestCase):
    def setUp(self):
        self.path = knot.path("domains.txt")
        for leftover in (self.path, self.path + ".loop"):
            remove(leftover)
        knot.write("domains.txt", GOOD.decode())
        self.reload()
        self.assertAnswers(GOOD_ANSWERS)

    def reload(self):
        res = knot.knotc("reload")
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)

    def assertAnswers(self, answers):
        """Each domain answers with its target (None: not at all), UDP and TCP."""
        self.assertIsNone(knot.proc.poll(), "knotd stopped")
        for domain, target in answers.items():
            name = "_imaps._tcp.%s." % domain
            for tcp in (False, True):
                resp = knot.query(name, "SRV", tcp=tcp)
                if target is None:
                    self.assertResponse(resp, "NXDOMAIN", "QR AA", authority=[SOA])
                else:
                    self.assertResponse(resp, "NOERROR", "QR AA",
                                        answer=["%s 3600 IN SRV 10 1 993 %s" % (name, target)])

    def apply(self, make):
        if callable(make):
            make(self.path)
        else:
            with open(self.path + ".tmp", "wb") as f:
                f.write(make)
            os.rename(self.path + ".tmp", self.path)

    def refused(self, error):
        """The reload goes on and logs the error, conf-check fails with it;
        the previous list keeps answering."""
        mark = len(knot.log())
        res = knot.knotc("reload")
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        self.assertIn("error: [example.com.] module 'mod-mailsrv/default', failed to "
                      "reload domain list (%s), keeping the previous list of 2 domains"
                      % error, knot.log()[mark:])
        check = knot.knotc("conf-check", conf=True)
        self.assertNotEqual(check.returncode, 0, check.stdout)
        self.assertIn("(%s)" % error, check.stdout + check.stderr)
        self.assertAnswers(GOOD_ANSWERS)

        # The same sources are not read again by another load.
        mark = len(knot.log())
        res = knot.knotc("-f", "zone-reload", "example.com")
        self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
        self.assertIn("domain list still refused, keeping the previous list of 2 domains",
                      knot.log()[mark:])
        self.assertAnswers(GOOD_ANSWERS)

    def accepted(self, answers):
        self.reload()
        gone = {domain: None for domain in GOOD_ANSWERS if domain not in answers}
        self.assertAnswers(dict(answers, **gone))


def make_test(make, error, answers=None):
    def test(self):
        self.apply(make)
        if error is None:
            self.accepted(answers)
        else:
            self.refused(error.replace("{f}", self.path))
    return test


for number, (title, *case) in enumerate(CASES, 1):
    slug = "".join(c if c.isalnum() else "_" for c in title.lower()).strip("_")
    setattr(BadInput, "test_%02d_%s" % (number, slug), make_test(*case))


if __name__ == "__main__":
    harness.main(sys.modules[__name__])
