#!/usr/bin/python3
"""What a mail client does with RFC 6186 / RFC 8314 SRV records.

Asks a resolver for every mail service of a domain, orders the targets by
priority and weight (RFC 2782), treats the target "." as "decidedly not
available", and reports whether the resolver validated the answer (AD).

    rfc6186_client.py --server 127.0.0.1 --port 53 example.com

Prints one line per service: "service: host:port, ... (validated)", or
"service: unavailable" / "service: none".
"""

import argparse
import random
import sys

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

SERVICES = ["submissions", "imaps", "pop3s", "submission", "imap", "pop3"]


def order(records):
    """RFC 2782: ascending priority; within one, weighted random order."""
    result = []
    for prio in sorted({r.priority for r in records}):
        group = [r for r in records if r.priority == prio]
        while group:
            total = sum(r.weight for r in group)
            pick = random.uniform(0, total) if total else 0
            for r in group:
                pick -= r.weight
                if pick <= 0 or total == 0:
                    break
            result.append(r)
            group.remove(r)
    return result


def lookup(server, port, domain, service):
    q = dns.message.make_query("_%s._tcp.%s" % (service, domain), "SRV", want_dnssec=True)
    resp = dns.query.udp(q, server, port=port, timeout=5)
    validated = bool(resp.flags & dns.flags.AD)
    if resp.rcode() not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
        return "%s: error %s" % (service, dns.rcode.to_text(resp.rcode()))
    records = [rd for rrset in resp.answer if rrset.rdtype == dns.rdatatype.SRV for rd in rrset]
    suffix = " (validated)" if validated else " (not validated)"
    if not records:
        return "%s: none%s" % (service, suffix)
    if len(records) == 1 and records[0].target.to_text() == ".":
        return "%s: unavailable%s" % (service, suffix)
    hosts = ["%s:%d" % (r.target.to_text(omit_final_dot=True), r.port) for r in order(records)]
    return "%s: %s%s" % (service, ", ".join(hosts), suffix)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=53)
    parser.add_argument("domain")
    args = parser.parse_args()
    for service in SERVICES:
        print(lookup(args.server, args.port, args.domain, service))
    return 0


if __name__ == "__main__":
    sys.exit(main())
