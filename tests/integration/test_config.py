#!/usr/bin/python3
"""Configuration checks: knotc conf-check names the error."""

import os
import sys

import harness

ZONE = ("$ORIGIN example.com.\n$TTL 300\n"
        "@ SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300\n"
        "@ NS ns.example.com.\n")


def server(section, files=None):
    """A server whose mod-mailsrv/default section is \\a section (items
    indented by four spaces); files: {name: content} written first, their
    paths substituted for {name} in the section."""
    knot = harness.Knot({"example.com": (ZONE, ["mod-mailsrv/default"])})
    paths = {}
    for name, content in (files or {}).items():
        path = knot.path(name)
        with open(path, "wb") as f:
            f.write(content)
        paths[name.replace(".", "_")] = path
    knot.modules = "mod-mailsrv:\n  - id: default\n" + section.format(**paths)
    knot.write_config()
    return knot, paths


class ConfCheck(harness.DnsTestCase):
    def check(self, section, files=None, error=None):
        """Runs knotc conf-check; error: the expected reason (None: valid)."""
        knot, paths = server(section, files)
        try:
            res = knot.knotc("conf-check", conf=True)
            out = res.stdout + res.stderr
            if error is None:
                self.assertEqual(res.returncode, 0, out)
                self.assertIn("Configuration is valid", out)
            else:
                error = error.format(**paths)
                self.assertNotEqual(res.returncode, 0, out)
                self.assertIn("error: config, file '%s', line " % knot.conf_path, out)
                self.assertIn("(%s)" % error, out)
        finally:
            knot.cleanup()

    def test_valid(self):
        self.check("    target: mail.example.net.\n    domain: [ example.com, Example.ORG. ]\n"
                   "    domain-file: {d_txt}\n    service: [ imaps, pop3 ]\n    ttl: 1h\n",
                   {"d.txt": b"# ok\nexample.net imap\nexample.com\n"})

    def test_missing_target(self):
        self.check("    domain: example.com\n", error="no target specified")

    def test_bad_target(self):
        self.check("    target: mail_x.example.net.\n", error="invalid character '_'")
        self.check("    target: .\n", error="'.' is not a host name (use the 'unavailable' item)")
        self.check("    target: mail..example.net.\n", error="empty label")

    def test_bad_inline_domain(self):
        self.check("    target: mail\n    domain: foo_bar.example.com\n",
                   error="invalid character '_'")

    def test_membership(self):
        self.check("    target: mail.example.net.\n    domain-apex: on\n")
        self.check("    target: mail.example.net.\n"
                   "    domain-mx: [ mx.provider.net., \"*.mx.provider.net.\" ]\n")
        self.check("    target: mail\n    domain-mx: \"*.\"\n", error="'*.' matches every host")
        self.check("    target: mail\n    domain-mx: .\n",
                   error="'.' is not a host name (a null MX)")
        self.check("    target: mail\n    domain-mx: \"mx.*.provider.net.\"\n",
                   error="invalid character '*'")
        self.check("    target: mail\n    domain-mx: mx_1.provider.net.\n",
                   error="invalid character '_'")

    def test_relative_file_path(self):
        self.check("    target: mail\n    domain-file: domains.txt\n",
                   error="not an absolute path")

    def test_missing_file(self):
        self.check("    target: mail\n    domain-file: /nonexistent/mail-domains.txt\n",
                   error="/nonexistent/mail-domains.txt: cannot open (No such file or directory)")

    def test_directory(self):
        self.check("    target: mail\n    domain-file: /\n", error="/: not a regular file")

    def test_invalid_line(self):
        self.check("    target: mail\n    domain-file: {d_txt}\n",
                   {"d.txt": b"ok.example.com\r\nbad_name.example.com\r\n"},
                   error="{d_txt}:2: domain 'bad_name.example.com': invalid character '_'")

    def test_conflicting_duplicate(self):
        self.check("    target: mail\n    domain-file: {a_txt}\n    domain-file: {b_txt}\n",
                   {"a.txt": b"x.example.com mx1.example.net.\n",
                    "b.txt": b"# b\n\nX.example.com. mx2.example.net.\n"},
                   error="{b_txt}:3: domain 'X.example.com.' listed again with another "
                         "target (first at {a_txt}:1)")

    def test_relative_target_too_long(self):
        domain = ".".join(["a" * 63] * 3 + ["b" * 58])  # 252 bytes in wire format
        self.check("    target: xyz\n    domain-file: {d_txt}\n",
                   {"d.txt": (domain + "\n").encode()},
                   error="{d_txt}:1: domain '%s.': the relative target makes a name "
                         "longer than 255 bytes" % domain)


if __name__ == "__main__":
    harness.main(sys.modules[__name__])
