/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libknot/libknot.h>
#include <libknot/version.h>

#include "module/services.h"
#include "module/template_text.h"
#include "module/templates.h"
#include "tests/common/pool.h"

#define DNAME(s) ((const uint8_t *)(s))

/*! \brief The counter of a 'record' template: its type. */
static uint16_t type_counter(uint16_t type)
{
	return type;
}

/*! \brief Adds 'record' templates (NULL-terminated) and finishes. */
static mailsrv_templates_t *templates_of(const char *const *texts)
{
	mailsrv_templates_t *t = mailsrv_templates_new();
	assert_non_null(t);
	char reason[MAILSRV_REASON_SIZE];
	for (size_t i = 0; texts[i] != NULL; i++) {
		print_message("# %s\n", texts[i]);
		assert_int_equal(mailsrv_template_text_add(t, texts[i], type_counter, reason),
		                 KNOT_EOK);
	}
	assert_int_equal(mailsrv_templates_finish(t), KNOT_EOK);
	return t;
}

/*! \brief The records of the node of \a qname for \a qtype, as text. */
static void records_text(const mailsrv_templates_t *t, const char *qname, uint16_t qtype,
                         const mailsrv_target_t *own, char *out, size_t size)
{
	uint8_t name[KNOT_DNAME_MAXLEN];
	assert_non_null(knot_dname_from_str(name, qname, sizeof(name)));
	const mailsrv_node_t *node = mailsrv_templates_find(t, name, knot_dname_size(name));
	assert_non_null(node);
	const mailsrv_rrset_t *rrset = mailsrv_node_rrset(node, qtype);
	assert_non_null(rrset);
	uint8_t lower[KNOT_DNAME_MAXLEN];
	knot_dname_copy_lower(lower, name + mailsrv_node_size(node));
	knot_rdataset_t rrs;
	test_pool_reset(0);
	assert_int_equal(mailsrv_rrset_records(rrset, lower, knot_dname_size(lower), own,
	                                       &test_pool, &rrs), KNOT_EOK);
	knot_rrset_t rr;
	knot_rrset_init(&rr, (knot_dname_t *)name, mailsrv_rrset_type(rrset), KNOT_CLASS_IN, 60);
	rr.rrs = rrs;
	out[0] = '\0';
	for (uint16_t i = 0; i < rrs.count; i++) {
		char data[512];
		assert_true(knot_rrset_txt_dump_data(&rr, i, data, sizeof(data),
		                                     &KNOT_DUMP_STYLE_DEFAULT) > 0);
		size_t len = strlen(out);
		snprintf(out + len, size - len, "%s%s", len > 0 ? " | " : "", data);
	}
}

/*! \brief The node of a name (NULL if none), its D as text ("" if none). */
static const mailsrv_node_t *find(const mailsrv_templates_t *t, const uint8_t *name,
                                  char domain_txt[KNOT_DNAME_TXT_MAXLEN + 1])
{
	const mailsrv_node_t *node = mailsrv_templates_find(t, name, knot_dname_size(name));
	domain_txt[0] = '\0';
	if (node != NULL) {
		knot_dname_to_str(domain_txt, name + mailsrv_node_size(node),
		                  KNOT_DNAME_TXT_MAXLEN + 1);
	}
	return node;
}

/*! \brief The RRset of a name that answers a type (NULL if none). */
static const mailsrv_rrset_t *rrset_of(const mailsrv_templates_t *t, const uint8_t *name,
                                       uint16_t qtype)
{
	const mailsrv_node_t *node = mailsrv_templates_find(t, name, knot_dname_size(name));
	assert_non_null(node);
	return mailsrv_node_rrset(node, qtype);
}

static void test_find(void **state)
{
	(void)state;
	mailsrv_templates_t *t = templates_of((const char *[]){
		"_mta-sts TXT \"v=STSv1; id=1\"", "mta-sts CNAME policy.provider.example.",
		"_smtp._tls TXT \"v=TLSRPTv1; rua=mailto:r@provider.example\"",
		"sel._domainkey CNAME sel._domainkey.provider.example.",
		"_25._tcp.mx TLSA 3 1 1 00112233", NULL });
	char d[KNOT_DNAME_TXT_MAXLEN + 1];

	// Owners and the empty non-terminals above them, in any letter case.
	const uint8_t *mta = DNAME("\x08""_MTA-Sts\x07""example\x03""com");
	assert_non_null(find(t, mta, d));
	assert_string_equal(d, "example.com.");
	assert_non_null(find(t, DNAME("\x05""_smtp\x04""_tls\x01""a\x01""b"), d));
	assert_string_equal(d, "a.b.");
	const uint8_t *tls = DNAME("\x04""_TLS\x01""a\x01""b");
	assert_non_null(find(t, tls, d));
	assert_string_equal(d, "a.b.");
	assert_null(rrset_of(t, tls, KNOT_RRTYPE_TXT));
	assert_null(rrset_of(t, tls, KNOT_RRTYPE_ANY));
	assert_non_null(find(t, DNAME("\x0a""_domainkey\x01""a"), d));
	assert_non_null(find(t, DNAME("\x03""_25\x04""_tcp\x02""mx\x01""a"), d));
	assert_non_null(find(t, DNAME("\x04""_tcp\x02""mx\x01""a"), d));
	assert_non_null(find(t, DNAME("\x02""mx\x01""a"), d));
	assert_string_equal(d, "a.");

	// D is never the root; labels of another length or spelling are none.
	assert_null(find(t, DNAME("\x08""_mta-sts"), d));
	assert_null(find(t, DNAME("\x04""_tls"), d));
	assert_null(find(t, DNAME("\x08""_mta-stx\x01""a"), d));
	assert_null(find(t, DNAME("\x07""_mtasts\x01""a"), d));
	assert_null(find(t, DNAME("\x05""_smtp\x01""a"), d));
	assert_null(find(t, DNAME("\x03""sel\x01""a"), d));
	assert_null(find(t, DNAME("\x01""x\x08""_mta-sts\x01""a"), d));
	assert_null(find(t, DNAME(""), d));

	// The types of a node: its own, a CNAME for every type, ANY the first.
	assert_int_equal(mailsrv_rrset_type(rrset_of(t, mta, KNOT_RRTYPE_TXT)), KNOT_RRTYPE_TXT);
	assert_int_equal(mailsrv_rrset_counter(rrset_of(t, mta, KNOT_RRTYPE_ANY)),
	                 KNOT_RRTYPE_TXT);
	assert_null(rrset_of(t, mta, KNOT_RRTYPE_A));
	const uint8_t *cname = DNAME("\x07""mta-sts\x01""a");
	const uint16_t types[] = { KNOT_RRTYPE_A, KNOT_RRTYPE_CNAME, KNOT_RRTYPE_TXT,
	                           KNOT_RRTYPE_ANY, KNOT_RRTYPE_MX };
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		assert_int_equal(mailsrv_rrset_type(rrset_of(t, cname, types[i])), KNOT_RRTYPE_CNAME);
	}

	// First label lengths: the filter of apex-only zones.
	uint64_t lengths = (1ULL << 8) | (1ULL << 7) | (1ULL << 5) | (1ULL << 4) | (1ULL << 3) |
	                   (1ULL << 10) | (1ULL << 2);
	assert_int_equal(mailsrv_templates_first_lengths(t), lengths);
	mailsrv_templates_free(t);
}

static void test_records(void **state)
{
	(void)state;
	mailsrv_templates_t *t = templates_of((const char *[]){
		"_multi TXT b", "_multi TXT \"a a\"", "_multi A 192.0.2.1",
		"rel CNAME policy", "mx MX 10 @", "abs MX 10 Mx.Provider.Example.",
		"two RP mbox.a txt", NULL });
	char txt[1024];

	records_text(t, "_multi.example.com.", KNOT_RRTYPE_TXT, NULL, txt, sizeof(txt));
	assert_string_equal(txt, "\"b\" | \"a a\"");
	records_text(t, "_multi.example.com.", KNOT_RRTYPE_A, NULL, txt, sizeof(txt));
	assert_string_equal(txt, "192.0.2.1");
	records_text(t, "rel.Sub.example.com.", KNOT_RRTYPE_A, NULL, txt, sizeof(txt));
	assert_string_equal(txt, "policy.sub.example.com.");
	records_text(t, "mx.example.com.", KNOT_RRTYPE_MX, NULL, txt, sizeof(txt));
	assert_string_equal(txt, "10 example.com.");
	records_text(t, "abs.example.com.", KNOT_RRTYPE_MX, NULL, txt, sizeof(txt));
	assert_string_equal(txt, "10 Mx.Provider.Example.");
	records_text(t, "two.example.com.", KNOT_RRTYPE_RP, NULL, txt, sizeof(txt));
	assert_string_equal(txt, "mbox.a.example.com. txt.example.com.");
	// mbox.a: before every domain (and so before those without their own).
	assert_int_equal(mailsrv_templates_longest_relative(t).all, 7);
	assert_int_equal(mailsrv_templates_longest_relative(t).without_own, 7);

	// ANY: every RRset of the owner, one after the other.
	uint8_t name[KNOT_DNAME_MAXLEN];
	knot_dname_from_str(name, "_multi.example.com.", sizeof(name));
	const mailsrv_node_t *node = mailsrv_templates_find(t, name, knot_dname_size(name));
	const mailsrv_rrset_t *first = mailsrv_node_rrset(node, KNOT_RRTYPE_ANY);
	assert_int_equal(mailsrv_rrset_type(first), KNOT_RRTYPE_TXT);
	assert_int_equal(mailsrv_rrset_type(mailsrv_node_next(node, first)), KNOT_RRTYPE_A);
	assert_null(mailsrv_node_next(node, mailsrv_node_next(node, first)));

	// Records without relative names are prepared: the same memory each time.
	knot_rdataset_t a, b;
	const mailsrv_rrset_t *txt_set = rrset_of(t, name, KNOT_RRTYPE_TXT);
	assert_int_equal(mailsrv_rrset_records(txt_set, DNAME("\x01""a"), 3, NULL, &test_pool, &a),
	                 KNOT_EOK);
	assert_int_equal(mailsrv_rrset_records(txt_set, DNAME("\x01""b"), 3, NULL, &test_pool, &b),
	                 KNOT_EOK);
	assert_ptr_equal(a.rdata, b.rdata);
	assert_int_equal(a.count, 2);
	const knot_rdataset_t *prepared = mailsrv_rrset_prepared(txt_set, NULL);
	assert_non_null(prepared);
	assert_ptr_equal(prepared->rdata, a.rdata);
	assert_int_equal(prepared->count, 2);
	assert_int_equal(prepared->size, a.size);

	// A relative name that would exceed 255 bytes: no records.
	uint8_t long_domain[KNOT_DNAME_MAXLEN] = { 0 };
	for (int i = 0; i < 4; i++) {
		long_domain[i * 62] = 61;
		memset(long_domain + i * 62 + 1, 'a', 61);
	}
	assert_int_equal(knot_dname_size(long_domain), 249);
	knot_dname_from_str(name, "rel.example.com.", sizeof(name));
	const mailsrv_rrset_t *rel = rrset_of(t, name, KNOT_RRTYPE_CNAME);
	assert_null(mailsrv_rrset_prepared(rel, NULL)); // A relative name: per domain.
	assert_int_equal(mailsrv_rrset_records(rel, long_domain, 249, NULL, &test_pool, &a),
	                 KNOT_ESPACE);
	mailsrv_templates_free(t);
}

/*! \brief A target object of a name in text. */
static mailsrv_target_t *target(const char *txt)
{
	mailsrv_name_t name;
	char reason[MAILSRV_REASON_SIZE];
	assert_true(mailsrv_target_parse(txt, strlen(txt), &name, reason));
	return mailsrv_target_new(&name);
}

static void test_services(void **state)
{
	(void)state;
	mailsrv_record_t records[MAILSRV_SERVICE_COUNT];
	for (int i = 0; i < MAILSRV_SERVICE_COUNT; i++) {
		records[i] = mailsrv_service_record(i);
	}
	mailsrv_target_t *conf_target = target("mail.example.net.");
	records[1].target = target("imap");
	records[1].port = 10993;
	mailsrv_services_conf_t conf = { .enabled = 0x3, .unavailable = true, .records = records,
	                                 .target = conf_target, .srv_counter = 1 << 8,
	                                 .unavailable_counter = 2 << 8 };
	mailsrv_templates_t *t = mailsrv_templates_new();
	char reason[MAILSRV_REASON_SIZE], txt[1024];
	assert_int_equal(mailsrv_services_add(t, &conf, reason), KNOT_EOK);
	assert_int_equal(mailsrv_templates_finish(t), KNOT_EOK);

	records_text(t, "_submissions._tcp.a.example.", KNOT_RRTYPE_SRV, NULL, txt, sizeof(txt));
	assert_string_equal(txt, "10 1 465 mail.example.net.");
	records_text(t, "_imaps._tcp.a.example.", KNOT_RRTYPE_SRV, NULL, txt, sizeof(txt));
	assert_string_equal(txt, "10 1 10993 imap.a.example.");
	records_text(t, "_pop3._tcp.a.example.", KNOT_RRTYPE_ANY, NULL, txt, sizeof(txt));
	assert_string_equal(txt, "0 0 0 .");
	// The domain's own target replaces the SRV target, not the root.
	mailsrv_target_t *own = target("mx");
	records_text(t, "_submissions._tcp.a.example.", KNOT_RRTYPE_SRV, own, txt, sizeof(txt));
	assert_string_equal(txt, "10 1 465 mx.a.example.");
	records_text(t, "_imaps._tcp.a.example.", KNOT_RRTYPE_SRV, own, txt, sizeof(txt));
	assert_string_equal(txt, "10 1 10993 mx.a.example.");
	records_text(t, "_pop3._tcp.a.example.", KNOT_RRTYPE_SRV, own, txt, sizeof(txt));
	assert_string_equal(txt, "0 0 0 .");

	// Counters: the kind and the service.
	uint8_t name[KNOT_DNAME_MAXLEN];
	knot_dname_from_str(name, "_imaps._tcp.a.example.", sizeof(name));
	const mailsrv_rrset_t *imaps = rrset_of(t, name, KNOT_RRTYPE_SRV);
	assert_int_equal(mailsrv_rrset_counter(imaps), 1 << 8 | 1);
	// Relative target: written per domain; the others with the domain's own.
	assert_null(mailsrv_rrset_prepared(imaps, NULL));
	knot_dname_from_str(name, "_submissions._tcp.a.example.", sizeof(name));
	const mailsrv_rrset_t *subm = rrset_of(t, name, KNOT_RRTYPE_SRV);
	assert_non_null(mailsrv_rrset_prepared(subm, NULL));
	assert_null(mailsrv_rrset_prepared(subm, own));
	knot_dname_from_str(name, "_smtps._tcp.a.example.", sizeof(name));
	const mailsrv_rrset_t *smtps = rrset_of(t, name, KNOT_RRTYPE_SRV);
	assert_int_equal(mailsrv_rrset_counter(smtps), 2 << 8 | 10);
	assert_non_null(mailsrv_rrset_prepared(smtps, own));
	// imap: only before domains without their own target.
	assert_int_equal(mailsrv_templates_longest_relative(t).all, 0);
	assert_int_equal(mailsrv_templates_longest_relative(t).without_own, 5);

	// A CNAME beside the SRV record is refused.
	mailsrv_templates_t *t2 = mailsrv_templates_new();
	assert_int_equal(mailsrv_services_add(t2, &conf, reason), KNOT_EOK);
	assert_int_equal(mailsrv_template_text_add(t2, "_imaps._tcp CNAME x.", type_counter,
	                                           reason), KNOT_EINVAL);
	assert_string_equal(reason, "a CNAME beside other data at '_imaps._tcp'");
	assert_int_equal(mailsrv_template_text_add(t2, "_imaps._tcp TXT x", type_counter,
	                                           reason), KNOT_EOK);
	mailsrv_templates_free(t2);

	mailsrv_templates_free(t);
	free(own);
	free(records[1].target);
	free(conf_target);
}

static void test_text_refused(void **state)
{
	(void)state;
	const struct { const char *txt, *reason; } bad[] = {
		{ "@ TXT x", "no records at the mail domain itself (the owner is relative to it)" },
		{ "x.example. TXT x", "the owner is relative to the mail domain (no trailing dot)" },
		{ "* TXT x", "no wildcard owners" },
		{ "a.*.b TXT x", "no wildcard owners" },
		{ "x SOA a. b. 1 2 3 4 5", "type SOA is the zone's, not synthesized" },
		{ "x NS ns.example.", "type NS is the zone's, not synthesized" },
		{ "x DS 1 8 2 0011", "type DS is the zone's, not synthesized" },
		{ "x DNAME a.", "type DNAME is the zone's, not synthesized" },
		{ "x NSEC a. A", "type NSEC is the zone's, not synthesized" },
		{ "x DNSKEY 256 3 8 AwEAAQ==", "type DNSKEY is the zone's, not synthesized" },
		{ "x CDS 1 8 2 0011", "type CDS is the zone's, not synthesized" },
		{ "x 300 TXT x", "a TTL in the record (the 'ttl' item gives it)" },
		{ "x CH TXT x", "invalid record (unsupported record type)" },
		{ " TXT x", "no records at the mail domain itself (the owner is relative to it)" },
		{ "x TXT", "invalid record (invalid record data)" },
		{ "x BOGUS 1", "invalid record (invalid number)" },
		{ "x A 1.2.3", "invalid record (invalid IPv4 address)" },
		{ "", "expected 'OWNER TYPE RDATA'" },
		{ "$INCLUDE /etc/passwd", "expected 'OWNER TYPE RDATA'" },
		{ "x TXT a\ny TXT b", "expected one record" },
		// Generic rdata must be what the type has (the scanner takes any).
		{ "x MX \\# 3 000a3f", "invalid MX rdata" },
		{ "x A \\# 3 010203", "invalid A rdata" },
		{ "x CNAME \\# 2 0361", "invalid CNAME rdata" },
		{ "x SRV \\# 7 00000000000003", "invalid SRV rdata" },
#if KNOT_VERSION_HEX < 0x030504
		// Before 3.5.4 libknot names no SVCB or HTTPS target.
		{ "x HTTPS 1 web alpn=h2", "a relative name in HTTPS rdata (here it must be "
		  "absolute)" },
#endif
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mailsrv_templates_t *t = mailsrv_templates_new();
		char reason[MAILSRV_REASON_SIZE] = "";
		print_message("# %s\n", bad[i].txt);
		assert_int_equal(mailsrv_template_text_add(t, bad[i].txt, type_counter, reason),
		                 KNOT_EINVAL);
		assert_string_equal(reason, bad[i].reason);
		mailsrv_templates_free(t);
	}

	// A CNAME owner has no other data, whichever comes first.
	mailsrv_templates_t *t = mailsrv_templates_new();
	char reason[MAILSRV_REASON_SIZE];
	assert_int_equal(mailsrv_template_text_add(t, "x.Y TXT a", type_counter, reason), KNOT_EOK);
	assert_int_equal(mailsrv_template_text_add(t, "X.y CNAME a.", type_counter, reason),
	                 KNOT_EINVAL);
	assert_string_equal(reason, "a CNAME beside other data at 'x.y'");
	assert_int_equal(mailsrv_template_text_add(t, "c CNAME a.", type_counter, reason), KNOT_EOK);
	assert_int_equal(mailsrv_template_text_add(t, "c CNAME b.", type_counter, reason),
	                 KNOT_EINVAL);
	assert_int_equal(mailsrv_template_text_add(t, "c A 192.0.2.1", type_counter, reason),
	                 KNOT_EINVAL);
	assert_string_equal(reason, "a CNAME beside other data at 'c'");
	// Nor names below it, whichever comes first.
	assert_int_equal(mailsrv_template_text_add(t, "_25._tcp.c TLSA 3 1 1 00", type_counter,
	                                           reason), KNOT_EINVAL);
	assert_string_equal(reason, "a CNAME at 'c' above data at '_25._tcp.c'");
	assert_int_equal(mailsrv_template_text_add(t, "y CNAME a.", type_counter, reason),
	                 KNOT_EINVAL);
	assert_string_equal(reason, "a CNAME at 'y' above data at 'x.y'");
	assert_int_equal(mailsrv_template_text_add(t, "cc CNAME a.", type_counter, reason),
	                 KNOT_EOK); // Not above c: another label.
	mailsrv_templates_free(t);
}

static void test_text_accepted(void **state)
{
	(void)state;
	mailsrv_templates_t *t = templates_of((const char *[]){
		"x TXT a", "x TXT a", "x TXT b", "x MX \\# 3 000a00", "h HTTPS 1 web.example.",
#if KNOT_VERSION_HEX >= 0x030504
		"r HTTPS 1 web",
#endif
		NULL });
	char txt[1024];
	// A record listed twice is one record.
	records_text(t, "x.d.example.", KNOT_RRTYPE_TXT, NULL, txt, sizeof(txt));
	assert_string_equal(txt, "\"a\" | \"b\"");
	records_text(t, "x.d.example.", KNOT_RRTYPE_MX, NULL, txt, sizeof(txt));
	assert_string_equal(txt, "10 .");
	records_text(t, "h.d.example.", KNOT_RRTYPE_HTTPS, NULL, txt, sizeof(txt));
	assert_string_equal(txt, "1 web.example.");
#if KNOT_VERSION_HEX >= 0x030504
	records_text(t, "r.d.example.", KNOT_RRTYPE_HTTPS, NULL, txt, sizeof(txt));
	assert_string_equal(txt, "1 web.d.example.");
#endif
	mailsrv_templates_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_services),
		cmocka_unit_test(test_text_refused),
		cmocka_unit_test(test_text_accepted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
