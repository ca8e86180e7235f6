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

#include <urcu.h>
#include <libknot/libknot.h>

#include "module/answer.h"
#include "module/services.h"
#include "module/template_text.h"
#include "tests/common/pool.h"
#include "tests/common/zone_apex.h"
#include "tests/unit/testutil.h"

#define DNAME(s) ((const uint8_t *)(s))

static void test_catalog(void **state)
{
	(void)state;
	assert_int_equal(mailsrv_services_default(), 0x3);

	// RFC 6186 / RFC 8314 / RFC 8620 / RFC 6764 ports and the documented priorities.
	const uint16_t ports[] = { 465, 993, 995, 587, 143, 110, 443, 443, 443, 443, 465 };
	const uint16_t prios[] = { 10, 10, 20, 20, 20, 30, 10, 10, 10, 10, 10 };
	for (int i = 0; i < MAILSRV_SERVICE_COUNT; i++) {
		assert_int_equal(mailsrv_services[i].port, ports[i]);
		assert_int_equal(mailsrv_services[i].priority, prios[i]);
		assert_int_equal(mailsrv_services[i].weight, 1);
		assert_string_equal(mailsrv_service_names[i].name, mailsrv_services[i].name);
		assert_int_equal(mailsrv_service_names[i].id, i);
		mailsrv_record_t record = mailsrv_service_record(i);
		assert_int_equal(record.port, ports[i]);
		assert_null(record.target);
	}
	assert_null(mailsrv_service_names[MAILSRV_SERVICE_COUNT].name);
}

static void test_record_parse(void **state)
{
	(void)state;
	int service;
	mailsrv_record_t record;
	char reason[MAILSRV_REASON_SIZE];

	assert_true(mailsrv_record_parse("submission 5 2 587 smtp.example.net.", &service,
	                                 &record, reason));
	assert_int_equal(service, 3);
	assert_int_equal(record.priority, 5);
	assert_int_equal(record.weight, 2);
	assert_int_equal(record.port, 587);
	assert_false(record.target->relative);
	assert_memory_equal(record.target->wire, "\x04""smtp\x07""example\x03""net\x00", 18);
	free(record.target);

	// "-" keeps the catalog's values; a relative target is per domain.
	assert_true(mailsrv_record_parse("imaps - - 10993 imap", &service, &record, reason));
	assert_int_equal(service, 1);
	assert_int_equal(record.priority, 10);
	assert_int_equal(record.weight, 1);
	assert_int_equal(record.port, 10993);
	assert_true(record.target->relative);
	free(record.target);
	assert_true(mailsrv_record_parse("  jmap 0 0 8443 -  ", &service, &record, reason));
	assert_int_equal(record.port, 8443);
	assert_null(record.target);

	const struct { const char *txt, *reason; } bad[] = {
		{ "imaps 10 1 993", "expected 'SERVICE PRIORITY WEIGHT PORT TARGET' ('-' keeps a default)" },
		{ "imaps 10 1 993 a. extra", "expected 'SERVICE PRIORITY WEIGHT PORT TARGET' ('-' keeps a default)" },
		{ "smtp 10 1 25 a.", "unknown service 'smtp'" },
		{ "imaps 65536 1 993 a.", "invalid priority '65536' (0 to 65535 or '-')" },
		{ "imaps 1 x 993 a.", "invalid weight 'x' (0 to 65535 or '-')" },
		{ "imaps 1 1 -5 a.", "invalid port '-5' (0 to 65535 or '-')" },
		{ "imaps 1 1 993 a_b.", "invalid target 'a_b.': invalid character '_'" },
		{ "imaps 1 1 993 .", "invalid target '.': '.' is not a host name (use the "
		  "'unavailable' item)" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(mailsrv_record_parse(bad[i].txt, &service, &record, reason));
		assert_string_equal(reason, bad[i].reason);
	}
}

static mailsrv_target_t *target(const char *wire, size_t size, bool relative)
{
	mailsrv_target_t *t = malloc(sizeof(*t) + size);
	t->relative = relative;
	t->size = size;
	memcpy(t->wire, wire, size);
	return t;
}

/* Hook fixture: a table with example.com (configured target), other.example.com
 * (own relative target) and x.y.example.com; the default services. */
typedef struct {
	mailsrv_table_t *table;
	mailsrv_templates_t *templates;
	mailsrv_answer_conf_t conf;
	knot_pkt_t *query;
	knot_pkt_t *resp;
	knotd_qdata_params_t params;
	knotd_qdata_t qdata;
	mailsrv_answered_t answered;
	const uint8_t *qdata_name; /*!< qdata->name if not the lower-case QNAME. */
	mailsrv_domains_t domains; /*!< Where the zone's mail domains are. */
	size_t apex_size; /*!< Wire size of the zone's apex. */
} fixture_t;

/*! \brief Counters of the fixture's answers: kind 1 SRV, 2 unavailable, 3 'record'. */
static uint16_t record_counter(uint16_t type)
{
	(void)type;
	return 3 << 8;
}

/*!
 * \brief The fixture's templates: the default services' SRV records with
 *        \a records (NULL: the catalog's) and \a target_wire, 'SRV 0 0 0 .'
 *        for the others with \a unavailable, then 'record' templates
 *        (NULL-terminated, or NULL).
 */
static void use_templates(fixture_t *f, mailsrv_target_t *conf_target,
                          const mailsrv_record_t *records, bool unavailable,
                          const char *const *texts)
{
	mailsrv_record_t catalog[MAILSRV_SERVICE_COUNT];
	for (int i = 0; i < MAILSRV_SERVICE_COUNT; i++) {
		catalog[i] = mailsrv_service_record(i);
	}
	mailsrv_services_conf_t services = {
		.enabled = 0x3, .unavailable = unavailable,
		.records = records != NULL ? records : catalog, .target = conf_target,
		.srv_counter = 1 << 8, .unavailable_counter = 2 << 8,
	};
	mailsrv_templates_free(f->templates);
	f->templates = mailsrv_templates_new();
	char reason[MAILSRV_REASON_SIZE];
	assert_int_equal(mailsrv_services_add(f->templates, &services, reason), KNOT_EOK);
	for (size_t i = 0; texts != NULL && texts[i] != NULL; i++) {
		assert_int_equal(mailsrv_template_text_add(f->templates, texts[i], record_counter,
		                                           reason), KNOT_EOK);
	}
	assert_int_equal(mailsrv_templates_finish(f->templates), KNOT_EOK);
	f->conf.templates = f->templates;
	f->conf.first_lengths = mailsrv_templates_first_lengths(f->templates);
	free(conf_target);
}

static mailsrv_target_t *absolute_target(void)
{
	return target("\x04""mail\x07""example\x03""net\x00", 18, false);
}

static int fixture_setup(void **state)
{
	fixture_t *f = calloc(1, sizeof(*f));
	const char *lines[] = { "example.com", "other.example.com mx", "x.y.example.com", NULL };
	f->table = test_table(lines);
	f->conf = (mailsrv_answer_conf_t){ .ttl = 600 };
	use_templates(f, absolute_target(), NULL, false, NULL);
	f->apex_size = 13; // example.com.
	*state = f;
	return 0;
}

static int fixture_teardown(void **state)
{
	fixture_t *f = *state;
	mailsrv_table_free(f->table);
	mailsrv_templates_free(f->templates);
	knot_pkt_free(f->query);
	knot_pkt_free(f->resp);
	free(f);
	return 0;
}

/*! \brief Runs the hook for a query as knotd would after a zone search. */
static knotd_in_state_t run_sized(fixture_t *f, const char *qname_txt, uint16_t qtype,
                                  knotd_in_state_t state, knotd_query_proto_t proto,
                                  size_t resp_size)
{
	knot_pkt_free(f->query);
	knot_pkt_free(f->resp);
	test_pool_reset(0);
	uint8_t qname[KNOT_DNAME_MAXLEN];
	assert_non_null(knot_dname_from_str(qname, qname_txt, sizeof(qname)));
	f->query = knot_pkt_new(NULL, KNOT_WIRE_MAX_PKTSIZE, NULL);
	assert_int_equal(knot_pkt_put_question(f->query, qname, KNOT_CLASS_IN, qtype), KNOT_EOK);
	f->resp = knot_pkt_new(NULL, resp_size, &test_pool);
	assert_int_equal(knot_pkt_init_response(f->resp, f->query), KNOT_EOK);
	f->params = (knotd_qdata_params_t){ .proto = proto };
	f->qdata = (knotd_qdata_t){
		.query = f->query,
		.name = f->qdata_name != NULL ? f->qdata_name : knot_pkt_qname(f->query),
		.params = &f->params,
		.mm = &test_pool,
	};

	mailsrv_answer_zone_t zone = { f->table, f->apex_size, f->domains };
	rcu_read_lock();
	knotd_in_state_t next = mailsrv_answer(&f->conf, &zone, state, f->resp, &f->qdata,
	                                       &f->answered);
	rcu_read_unlock();
	return next;
}

static knotd_in_state_t run(fixture_t *f, const char *qname_txt, uint16_t qtype,
                            knotd_in_state_t state, knotd_query_proto_t proto)
{
	return run_sized(f, qname_txt, qtype, state, proto, 4096);
}

/*! \brief Parses the response wire and returns the text of its answer RR. */
static void answer_text(fixture_t *f, char *buf, size_t size)
{
	knot_pkt_t *parsed = knot_pkt_new(f->resp->wire, f->resp->size, NULL);
	assert_int_equal(knot_pkt_parse(parsed, 0), KNOT_EOK);
	const knot_pktsection_t *an = knot_pkt_section(parsed, KNOT_ANSWER);
	assert_int_equal(an->count, 1);
	const knot_rrset_t *rr = knot_pkt_rr(an, 0);
	char rdata[512];
	assert_true(knot_rrset_txt_dump_data(rr, 0, rdata, sizeof(rdata),
	                                     &KNOT_DUMP_STYLE_DEFAULT) > 0);
	char owner[KNOT_DNAME_TXT_MAXLEN + 1];
	knot_dname_to_str(owner, rr->owner, sizeof(owner));
	snprintf(buf, size, "%.200s %u %.200s", owner, rr->ttl, rdata);
	knot_pkt_free(parsed);
}

static void test_hook_srv(void **state)
{
	fixture_t *f = *state;
	char txt[1024];

	assert_int_equal(run(f, "_imaps._tcp.example.com.", KNOT_RRTYPE_SRV,
	                     KNOTD_IN_STATE_MISS, KNOTD_QUERY_PROTO_UDP), KNOTD_IN_STATE_HIT);
	assert_true(knot_wire_get_aa(f->resp->wire));
	assert_int_equal(f->qdata.rcode, KNOT_RCODE_NOERROR);
	answer_text(f, txt, sizeof(txt));
	assert_string_equal(txt, "_imaps._tcp.example.com. 600 10 1 993 mail.example.net.");
	assert_int_equal(f->answered.action, MAILSRV_RECORDS);
	assert_int_equal(f->answered.counter, 1 << 8 | 1);

	// Owner spelled as asked; target built from the lower-case domain.
	assert_int_equal(run(f, "_SUBMISSIONS._Tcp.OTHER.example.com.", KNOT_RRTYPE_SRV,
	                     KNOTD_IN_STATE_NODATA, KNOTD_QUERY_PROTO_TCP), KNOTD_IN_STATE_HIT);
	answer_text(f, txt, sizeof(txt));
	assert_string_equal(txt, "_submissions._tcp.other.example.com. 600 10 1 465 mx.other.example.com.");
	// The owner is a pointer to the question, which keeps the query's case.
	size_t an = KNOT_WIRE_HEADER_SIZE + knot_pkt_question_size(f->query);
	assert_memory_equal(f->resp->wire + an, "\xc0\x0c", 2);
	assert_memory_equal(f->resp->wire + KNOT_WIRE_HEADER_SIZE,
	                    "\x0c_SUBMISSIONS\x04_Tcp\x05OTHER", 24);
}

/*! \brief Runs the hook for a name the zone lacks, over UDP, and checks
 *         the next state and what was answered. */
static void expect(fixture_t *f, const char *name, uint16_t qtype, knotd_in_state_t next,
                   mailsrv_action_t action)
{
	print_message("# %s\n", name);
	assert_int_equal(run(f, name, qtype, KNOTD_IN_STATE_MISS, KNOTD_QUERY_PROTO_UDP), next);
	assert_int_equal(f->answered.action, action);
}

/*!
 * \brief The answers of a zone whose only mail domain is its apex: the SRV
 *        record with \a target, from the lower-case domain whatever knotd
 *        passes; NODATA at _tcp; names below the apex left to the zone.
 */
static void expect_apex(fixture_t *f, const char *target)
{
	char txt[1024], expected[1024];
	f->qdata_name = DNAME("\x06""_imaps\x04""_tcp\x07""EXAMPLE\x03""com");
	expect(f, "_imaps._tcp.EXAMPLE.com.", KNOT_RRTYPE_SRV, KNOTD_IN_STATE_HIT, MAILSRV_RECORDS);
	answer_text(f, txt, sizeof(txt));
	snprintf(expected, sizeof(expected), "_imaps._tcp.example.com. 600 10 1 993 %s", target);
	assert_string_equal(txt, expected);
	f->qdata_name = NULL;
	expect(f, "_tcp.example.com.", KNOT_RRTYPE_A, KNOTD_IN_STATE_NODATA, MAILSRV_NODATA);
	expect(f, "_imaps._tcp.other.example.com.", KNOT_RRTYPE_SRV, KNOTD_IN_STATE_MISS,
	       MAILSRV_KEEP);
}

/*! \brief A zone without listed domains below its apex looks up only the apex. */
static void test_hook_apex_only(void **state)
{
	fixture_t *f = *state;
	f->domains = MAILSRV_DOMAINS_APEX;
	expect(f, "_imaps._tcp.example.com.", KNOT_RRTYPE_SRV, KNOTD_IN_STATE_HIT, MAILSRV_RECORDS);
	expect(f, "_tcp.example.com.", KNOT_RRTYPE_A, KNOTD_IN_STATE_NODATA, MAILSRV_NODATA);
	// other.example.com is in the table, but no name below the apex is asked.
	expect(f, "_imaps._tcp.other.example.com.", KNOT_RRTYPE_SRV, KNOTD_IN_STATE_MISS,
	       MAILSRV_KEEP);
	expect(f, "other.example.com.", KNOT_RRTYPE_A, KNOTD_IN_STATE_MISS, MAILSRV_KEEP);
	f->domains = MAILSRV_DOMAINS_ANY;
	expect(f, "other.example.com.", KNOT_RRTYPE_A, KNOTD_IN_STATE_NODATA, MAILSRV_NODATA);
}

/*!
 * \brief A zone whose only mail domain is its apex, with the configured
 *        target, answers the apex's names without a lookup: from an empty
 *        table, in lower case whatever knotd passes.
 */
static void test_hook_apex_default(void **state)
{
	fixture_t *f = *state;
	mailsrv_table_t *listed = f->table;
	f->table = test_table((const char *[]){ NULL });
	f->domains = MAILSRV_DOMAINS_APEX_DEFAULT;
	use_templates(f, target("\x04""mail", 5, true), NULL, false, NULL);

	expect_apex(f, "mail.example.com.");

	mailsrv_table_free(f->table);
	f->table = listed;
}

/*! \brief A zone without mail domains leaves every query to the zone. */
static void test_hook_no_domains(void **state)
{
	fixture_t *f = *state;
	f->domains = MAILSRV_DOMAINS_NONE;
	const char *names[] = { "_imaps._tcp.example.com.", "_tcp.example.com.",
	                        "example.com.", "_imaps._tcp.other.example.com." };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		expect(f, names[i], KNOT_RRTYPE_SRV, KNOTD_IN_STATE_MISS, MAILSRV_KEEP);
		assert_int_equal(f->resp->rrset_count, 0);
	}
}

/*! \brief An apex MX RRset of host names (NULL-terminated), in \a rrset. */
static void mx_rrset(knot_rrset_t *rrset, const char *const *hosts)
{
	knot_rrset_init(rrset, NULL, KNOT_RRTYPE_MX, KNOT_CLASS_IN, 300);
	for (uint16_t i = 0; hosts[i] != NULL; i++) {
		uint8_t data[2 + KNOT_DNAME_MAXLEN];
		knot_wire_write_u16(data, 10 * i);
		assert_non_null(knot_dname_from_str(data + 2, hosts[i], KNOT_DNAME_MAXLEN));
		size_t len = 2 + knot_dname_size(data + 2);
		assert_int_equal(knot_rrset_add_rdata(rrset, data, len, NULL), KNOT_EOK);
	}
}

/*! \brief 'domain-mx' rules (a host, every host below one) of \a hosts. */
static mailsrv_membership_t *mx_rules(const char *const *hosts)
{
	uint8_t wire[4][KNOT_DNAME_MAXLEN];
	const uint8_t *names[4];
	size_t count = 0;
	for (; hosts[count] != NULL; count++) {
		char reason[MAILSRV_REASON_SIZE];
		assert_non_null(knot_dname_from_str(wire[count], hosts[count], KNOT_DNAME_MAXLEN));
		assert_true(mailsrv_membership_host_check(wire[count], reason));
		names[count] = wire[count];
	}
	mailsrv_membership_t *rules;
	assert_int_equal(mailsrv_membership_new(&rules, names, count), KNOT_EOK);
	assert_non_null(rules);
	return rules;
}

static bool mx_matches(const mailsrv_membership_t *rules, const char *const *hosts)
{
	knot_rrset_t rrset;
	mx_rrset(&rrset, hosts);
	bool match = mailsrv_membership_mx(rules, &rrset);
	knot_rdataset_clear(&rrset.rrs, NULL);
	return match;
}

static void test_membership(void **state)
{
	(void)state;
	mailsrv_membership_t *none;
	assert_int_equal(mailsrv_membership_new(&none, NULL, 0), KNOT_EOK);
	assert_null(none);

	mailsrv_membership_t *rules = mx_rules((const char *[]){ "mx.provider.net.",
	                                                         "*.In.Provider.net.", NULL });
	assert_true(mx_matches(rules, (const char *[]){ "mx.provider.net.", NULL }));
	assert_true(mx_matches(rules, (const char *[]){ "MX.PROVIDER.NET.", NULL }));
	assert_true(mx_matches(rules, (const char *[]){ "a.in.provider.net.", NULL }));
	assert_true(mx_matches(rules, (const char *[]){ "b.a.IN.provider.net.", NULL }));
	assert_true(mx_matches(rules, (const char *[]){ "other.net.", "a.in.provider.net.",
	                                                 NULL }));
	assert_false(mx_matches(rules, (const char *[]){ "in.provider.net.", NULL }));
	assert_false(mx_matches(rules, (const char *[]){ "x.mx.provider.net.", NULL }));
	assert_false(mx_matches(rules, (const char *[]){ "ain.provider.net.", NULL }));
	assert_false(mx_matches(rules, (const char *[]){ "provider.net.", NULL }));
	assert_false(mx_matches(rules, (const char *[]){ ".", NULL }));
	assert_false(mx_matches(rules, (const char *[]){ NULL }));
	mailsrv_membership_free(rules);

	char reason[MAILSRV_REASON_SIZE];
	assert_false(mailsrv_membership_host_check(DNAME("\x01*"), reason));
	assert_string_equal(reason, "'*.' matches every host");
	assert_false(mailsrv_membership_host_check(DNAME(""), reason));
	assert_false(mailsrv_membership_host_check(DNAME("\x01*\x01*\x03net"), reason));
	assert_false(mailsrv_membership_host_check(DNAME("\x02mx\x01*\x03net"), reason));
}

/*!
 * \brief A zone without domains in the table answers at its apex if the
 *        rules make it a mail domain: every apex, or one with a matching MX;
 *        names below it stay the zone's.
 */
static void test_hook_membership(void **state)
{
	fixture_t *f = *state;
	char txt[1024];
	f->domains = MAILSRV_DOMAINS_NONE;
	f->conf.domain_apex = true;
	expect_apex(f, "mail.example.net.");
	expect(f, "x.example.com.", KNOT_RRTYPE_A, KNOTD_IN_STATE_MISS, MAILSRV_KEEP);

	// Before the coverage check (any name may be the table's): the apex is
	// looked up, and only a parent of a listed domain there; domain-apex
	// makes it a mail domain with the configured target.
	mailsrv_table_t *listed = f->table;
	f->table = test_table((const char *[]){ "other.example.com mx", NULL });
	f->domains = MAILSRV_DOMAINS_ANY;
	expect(f, "_imaps._tcp.example.com.", KNOT_RRTYPE_SRV, KNOTD_IN_STATE_HIT, MAILSRV_RECORDS);
	answer_text(f, txt, sizeof(txt));
	assert_string_equal(txt, "_imaps._tcp.example.com. 600 10 1 993 mail.example.net.");
	f->conf.domain_apex = false;
	expect(f, "_imaps._tcp.example.com.", KNOT_RRTYPE_SRV, KNOTD_IN_STATE_MISS, MAILSRV_KEEP);
	mailsrv_table_free(f->table);
	f->table = listed;

	f->domains = MAILSRV_DOMAINS_NONE;
	mailsrv_membership_t *rules = mx_rules((const char *[]){ "*.provider.net.", NULL });
	f->conf.domain_mx = rules;
	expect(f, "_imaps._tcp.example.com.", KNOT_RRTYPE_SRV, KNOTD_IN_STATE_MISS, MAILSRV_KEEP);
	knot_rrset_t mx;
	mx_rrset(&mx, (const char *[]){ "in1.provider.net.", NULL });
	test_zone_apex_mx(&mx);
	expect(f, "_imaps._tcp.example.com.", KNOT_RRTYPE_SRV, KNOTD_IN_STATE_HIT, MAILSRV_RECORDS);
	// A listed domain below the apex keeps its own target (the table's).
	f->domains = MAILSRV_DOMAINS_ANY;
	expect(f, "_imaps._tcp.other.example.com.", KNOT_RRTYPE_SRV, KNOTD_IN_STATE_HIT,
	       MAILSRV_RECORDS);
	answer_text(f, txt, sizeof(txt));
	assert_string_equal(txt, "_imaps._tcp.other.example.com. 600 10 1 993 mx.other.example.com.");
	test_zone_apex_mx(NULL);
	knot_rdataset_clear(&mx.rrs, NULL);
	f->conf.domain_mx = NULL;
	mailsrv_membership_free(rules);
	rcu_barrier();
}

static void test_hook_prepared(void **state)
{
	fixture_t *f = *state;
	char txt[1024];

	// The absolute configured target: the same records for every domain
	// without its own target, prepared once.
	assert_int_equal(run(f, "_submissions._tcp.example.com.", KNOT_RRTYPE_SRV,
	                     KNOTD_IN_STATE_MISS, KNOTD_QUERY_PROTO_UDP), KNOTD_IN_STATE_HIT);
	const knot_rdata_t *prepared = f->resp->rr[0].rrs.rdata;
	answer_text(f, txt, sizeof(txt));
	assert_string_equal(txt, "_submissions._tcp.example.com. 600 10 1 465 mail.example.net.");
	assert_int_equal(run(f, "_submissions._tcp.x.y.example.com.", KNOT_RRTYPE_SRV,
	                     KNOTD_IN_STATE_MISS, KNOTD_QUERY_PROTO_UDP), KNOTD_IN_STATE_HIT);
	assert_ptr_equal(f->resp->rr[0].rrs.rdata, prepared);
	assert_int_equal(run(f, "_submissions._tcp.other.example.com.", KNOT_RRTYPE_SRV,
	                     KNOTD_IN_STATE_MISS, KNOTD_QUERY_PROTO_UDP), KNOTD_IN_STATE_HIT);
	assert_ptr_not_equal(f->resp->rr[0].rrs.rdata, prepared);

	// A relative target differs per domain.
	use_templates(f, target("\x04""mail", 5, true), NULL, false, NULL);
	assert_int_equal(run(f, "_imaps._tcp.x.y.example.com.", KNOT_RRTYPE_SRV,
	                     KNOTD_IN_STATE_MISS, KNOTD_QUERY_PROTO_TCP), KNOTD_IN_STATE_HIT);
	answer_text(f, txt, sizeof(txt));
	assert_string_equal(txt, "_imaps._tcp.x.y.example.com. 600 10 1 993 mail.x.y.example.com.");

	// Per service: its own record, and its own target (relative: per query).
	mailsrv_record_t records[MAILSRV_SERVICE_COUNT];
	for (int i = 0; i < MAILSRV_SERVICE_COUNT; i++) {
		records[i] = mailsrv_service_record(i);
	}
	records[0].port = 1465;
	records[1].target = target("\x04""mail", 5, true);
	use_templates(f, absolute_target(), records, false, NULL);
	free(records[1].target);
	assert_int_equal(run(f, "_submissions._tcp.example.com.", KNOT_RRTYPE_SRV,
	                     KNOTD_IN_STATE_MISS, KNOTD_QUERY_PROTO_UDP), KNOTD_IN_STATE_HIT);
	answer_text(f, txt, sizeof(txt));
	assert_string_equal(txt, "_submissions._tcp.example.com. 600 10 1 1465 mail.example.net.");
	assert_int_equal(run(f, "_imaps._tcp.x.y.example.com.", KNOT_RRTYPE_SRV,
	                     KNOTD_IN_STATE_MISS, KNOTD_QUERY_PROTO_TCP), KNOTD_IN_STATE_HIT);
	answer_text(f, txt, sizeof(txt));
	assert_string_equal(txt, "_imaps._tcp.x.y.example.com. 600 10 1 993 mail.x.y.example.com.");
}

/*! \brief 'record' templates answer by the rules of the SRV names. */
static void test_hook_templates(void **state)
{
	fixture_t *f = *state;
	char txt[1024];
	use_templates(f, absolute_target(), NULL, false, (const char *[]){
		"_mta-sts TXT \"v=STSv1; id=1\"", "mta-sts CNAME policy", "_multi TXT a",
		"_multi A 192.0.2.1", "_smtp._tls TXT x", NULL });

	expect(f, "_MTA-sts.example.com.", KNOT_RRTYPE_TXT, KNOTD_IN_STATE_HIT, MAILSRV_RECORDS);
	answer_text(f, txt, sizeof(txt));
	assert_string_equal(txt, "_mta-sts.example.com. 600 \"v=STSv1; id=1\"");
	assert_int_equal(f->answered.counter, 3 << 8);
	// The zone has the name, not the type: the record is added.
	assert_int_equal(run(f, "_mta-sts.example.com.", KNOT_RRTYPE_TXT, KNOTD_IN_STATE_NODATA,
	                     KNOTD_QUERY_PROTO_UDP), KNOTD_IN_STATE_HIT);
	expect(f, "_mta-sts.example.com.", KNOT_RRTYPE_A, KNOTD_IN_STATE_NODATA, MAILSRV_NODATA);
	assert_int_equal(run(f, "_mta-sts.example.com.", KNOT_RRTYPE_A, KNOTD_IN_STATE_NODATA,
	                     KNOTD_QUERY_PROTO_UDP), KNOTD_IN_STATE_NODATA);
	assert_int_equal(f->answered.action, MAILSRV_KEEP);

	// A CNAME for every type, only where the zone has nothing.
	const uint16_t types[] = { KNOT_RRTYPE_A, KNOT_RRTYPE_CNAME, KNOT_RRTYPE_ANY };
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		expect(f, "mta-sts.other.example.com.", types[i], KNOTD_IN_STATE_HIT,
		       MAILSRV_RECORDS);
		answer_text(f, txt, sizeof(txt));
		assert_string_equal(txt, "mta-sts.other.example.com. 600 policy.other.example.com.");
	}
	assert_int_equal(run(f, "mta-sts.example.com.", KNOT_RRTYPE_A, KNOTD_IN_STATE_NODATA,
	                     KNOTD_QUERY_PROTO_UDP), KNOTD_IN_STATE_NODATA);
	assert_int_equal(f->resp->rrset_count, 0);

	// ANY: every RRset; an empty non-terminal: NODATA.
	expect(f, "_multi.example.com.", KNOT_RRTYPE_ANY, KNOTD_IN_STATE_HIT, MAILSRV_RECORDS);
	assert_int_equal(f->resp->rrset_count, 2);
	assert_int_equal(f->resp->rr[0].rrs.count, 1);
	assert_int_equal(f->resp->rr[0].type, KNOT_RRTYPE_TXT);
	assert_int_equal(f->resp->rr[1].type, KNOT_RRTYPE_A);
	expect(f, "_tls.example.com.", KNOT_RRTYPE_TXT, KNOTD_IN_STATE_NODATA, MAILSRV_NODATA);
	expect(f, "_smtp._tls.example.com.", KNOT_RRTYPE_TXT, KNOTD_IN_STATE_HIT,
	       MAILSRV_RECORDS);

	// Below a parent of mail domains (y.example.com), unlisted, deeper: none.
	expect(f, "_mta-sts.y.example.com.", KNOT_RRTYPE_TXT, KNOTD_IN_STATE_MISS, MAILSRV_KEEP);
	expect(f, "_tls.y.example.com.", KNOT_RRTYPE_TXT, KNOTD_IN_STATE_MISS, MAILSRV_KEEP);
	expect(f, "_mta-sts.nope.example.com.", KNOT_RRTYPE_TXT, KNOTD_IN_STATE_MISS,
	       MAILSRV_KEEP);
	expect(f, "x._mta-sts.example.com.", KNOT_RRTYPE_TXT, KNOTD_IN_STATE_MISS, MAILSRV_KEEP);

	// A template's name that is a mail domain, or a parent of one, itself:
	// never NXDOMAIN (RFC 8020).
	mailsrv_table_t *listed = f->table;
	f->table = test_table((const char *[]){ "x.mta-sts.nope.example.com", "mta-sts.example.org",
	                                        NULL });
	expect(f, "mta-sts.nope.example.com.", KNOT_RRTYPE_A, KNOTD_IN_STATE_NODATA,
	       MAILSRV_NODATA);
	expect(f, "_tcp.x.mta-sts.nope.example.com.", KNOT_RRTYPE_A, KNOTD_IN_STATE_NODATA,
	       MAILSRV_NODATA);
	f->apex_size = 13; // example.org.
	expect(f, "mta-sts.example.org.", KNOT_RRTYPE_A, KNOTD_IN_STATE_NODATA, MAILSRV_NODATA);
	mailsrv_table_free(f->table);
	f->table = listed;
}

static void test_hook_upper_name(void **state)
{
	fixture_t *f = *state;
	char txt[1024];

	// knotd passes the lower-case QNAME; a name as asked is answered too.
	f->qdata_name = DNAME("\x06""_IMAPS\x04""_TCP\x05""OTHER\x07""Example\x03""COM");
	assert_int_equal(run(f, "_IMAPS._TCP.OTHER.Example.COM.", KNOT_RRTYPE_SRV,
	                     KNOTD_IN_STATE_MISS, KNOTD_QUERY_PROTO_UDP), KNOTD_IN_STATE_HIT);
	answer_text(f, txt, sizeof(txt));
	assert_string_equal(txt, "_imaps._tcp.other.example.com. 600 10 1 993 mx.other.example.com.");

	f->qdata_name = DNAME("\x04""_Tcp\x01""Y\x07""example\x03""com");
	assert_int_equal(run(f, "_Tcp.Y.example.com.", KNOT_RRTYPE_A, KNOTD_IN_STATE_MISS,
	                     KNOTD_QUERY_PROTO_UDP), KNOTD_IN_STATE_MISS);
	f->qdata_name = DNAME("\x01""X\x01""y\x07""example\x03""com");
	assert_int_equal(run(f, "X.y.example.com.", KNOT_RRTYPE_A, KNOTD_IN_STATE_MISS,
	                     KNOTD_QUERY_PROTO_UDP), KNOTD_IN_STATE_NODATA);
	f->qdata_name = DNAME("\x06""_imaps\x04""_tcp\x04""NOPE\x07""example\x03""com");
	assert_int_equal(run(f, "_imaps._tcp.NOPE.example.com.", KNOT_RRTYPE_SRV,
	                     KNOTD_IN_STATE_MISS, KNOTD_QUERY_PROTO_UDP), KNOTD_IN_STATE_MISS);
	assert_int_equal(f->resp->rrset_count, 0);

	// Following a CNAME, knotd passes the CNAME's target, not the question
	// (doc/knotd-facts.md). (The owner shows the question here: knotd puts
	// the CNAME first, this test does not.)
	f->qdata_name = DNAME("\x06""_imaps\x04""_tcp\x05""other\x07""example\x03""com");
	assert_int_equal(run(f, "alias.example.com.", KNOT_RRTYPE_SRV, KNOTD_IN_STATE_MISS,
	                     KNOTD_QUERY_PROTO_UDP), KNOTD_IN_STATE_HIT);
	answer_text(f, txt, sizeof(txt));
	assert_string_equal(txt, "alias.example.com. 600 10 1 993 mx.other.example.com.");
	f->qdata_name = NULL;
}

static void test_hook_nodata_keep(void **state)
{
	fixture_t *f = *state;

	// NODATA: _tcp.D and other types at service names.
	f->qdata.rcode = KNOT_RCODE_NXDOMAIN;
	assert_int_equal(run(f, "_tcp.example.com.", KNOT_RRTYPE_A, KNOTD_IN_STATE_MISS,
	                     KNOTD_QUERY_PROTO_UDP), KNOTD_IN_STATE_NODATA);
	assert_int_equal(f->qdata.rcode, KNOT_RCODE_NOERROR);
	assert_int_equal(f->resp->rrset_count, 0);
	assert_int_equal(f->answered.action, MAILSRV_NODATA);
	assert_int_equal(run(f, "_imaps._tcp.example.com.", KNOT_RRTYPE_AAAA, KNOTD_IN_STATE_MISS,
	                     KNOTD_QUERY_PROTO_UDP), KNOTD_IN_STATE_NODATA);

	// A listed domain and a parent of one that the zone does not have.
	assert_int_equal(run(f, "x.y.example.com.", KNOT_RRTYPE_A, KNOTD_IN_STATE_MISS,
	                     KNOTD_QUERY_PROTO_UDP), KNOTD_IN_STATE_NODATA);
	assert_int_equal(run(f, "Y.example.com.", KNOT_RRTYPE_MX, KNOTD_IN_STATE_MISS,
	                     KNOTD_QUERY_PROTO_UDP), KNOTD_IN_STATE_NODATA);
	assert_int_equal(f->resp->rrset_count, 0);

	// Left to the zone: HIT, DELEG, unlisted, disabled, unknown, deeper.
	const struct {
		const char *name;
		uint16_t qtype;
		knotd_in_state_t state;
	} keep[] = {
		{ "_imaps._tcp.example.com.", KNOT_RRTYPE_SRV, KNOTD_IN_STATE_HIT },
		{ "_imaps._tcp.example.com.", KNOT_RRTYPE_SRV, KNOTD_IN_STATE_DELEG },
		{ "_imaps._tcp.nope.example.com.", KNOT_RRTYPE_SRV, KNOTD_IN_STATE_MISS },
		{ "_pop3s._tcp.example.com.", KNOT_RRTYPE_SRV, KNOTD_IN_STATE_MISS },
		{ "_ldap._tcp.example.com.", KNOT_RRTYPE_SRV, KNOTD_IN_STATE_MISS },
		{ "x._imaps._tcp.example.com.", KNOT_RRTYPE_SRV, KNOTD_IN_STATE_MISS },
		{ "_imaps._udp.example.com.", KNOT_RRTYPE_SRV, KNOTD_IN_STATE_MISS },
		{ "_imaps._tcp.example.com.", KNOT_RRTYPE_TXT, KNOTD_IN_STATE_NODATA },
		{ "_tcp.example.com.", KNOT_RRTYPE_TXT, KNOTD_IN_STATE_NODATA },
		{ "nope.example.com.", KNOT_RRTYPE_A, KNOTD_IN_STATE_MISS },
		{ "example.com.", KNOT_RRTYPE_A, KNOTD_IN_STATE_NODATA },
		{ "other.example.com.", KNOT_RRTYPE_A, KNOTD_IN_STATE_HIT },
		{ "_tcp.y.example.com.", KNOT_RRTYPE_A, KNOTD_IN_STATE_MISS },
		{ "_imaps._tcp.y.example.com.", KNOT_RRTYPE_SRV, KNOTD_IN_STATE_MISS },
		{ "z.x.y.example.com.", KNOT_RRTYPE_A, KNOTD_IN_STATE_MISS },
	};
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		print_message("# keep %zu: %s\n", i, keep[i].name);
		assert_int_equal(run(f, keep[i].name, keep[i].qtype, keep[i].state,
		                     KNOTD_QUERY_PROTO_UDP), keep[i].state);
		assert_int_equal(f->resp->rrset_count, 0);
		assert_false(knot_wire_get_aa(f->resp->wire));
		assert_int_equal(f->answered.action, MAILSRV_KEEP);
	}

	// A listed domain above the zone apex belongs to another zone.
	f->apex_size = 19; // e.g. _tcp.example.com. as the apex
	assert_int_equal(run(f, "_imaps._tcp.example.com.", KNOT_RRTYPE_SRV,
	                     KNOTD_IN_STATE_NODATA, KNOTD_QUERY_PROTO_UDP), KNOTD_IN_STATE_NODATA);
	assert_int_equal(f->resp->rrset_count, 0);
	f->apex_size = 13;
}

static void test_hook_unavailable(void **state)
{
	fixture_t *f = *state;
	char txt[1024];
	use_templates(f, absolute_target(), NULL, true, NULL);
	assert_int_equal(run(f, "_pop3._tcp.example.com.", KNOT_RRTYPE_ANY,
	                     KNOTD_IN_STATE_MISS, KNOTD_QUERY_PROTO_UDP), KNOTD_IN_STATE_HIT);
	answer_text(f, txt, sizeof(txt));
	assert_string_equal(txt, "_pop3._tcp.example.com. 600 0 0 0 .");
	assert_int_equal(f->answered.action, MAILSRV_RECORDS);
	assert_int_equal(f->answered.counter, 2 << 8 | 5);
}

static void test_hook_truncation(void **state)
{
	fixture_t *f = *state;
	// 50 bytes hold the header and question (41) but not the SRV record.
	assert_int_equal(run_sized(f, "_imaps._tcp.example.com.", KNOT_RRTYPE_SRV,
	                           KNOTD_IN_STATE_MISS, KNOTD_QUERY_PROTO_UDP, 50),
	                 KNOTD_IN_STATE_TRUNC);
	assert_true(knot_wire_get_tc(f->resp->wire));

	assert_int_equal(run_sized(f, "_imaps._tcp.example.com.", KNOT_RRTYPE_SRV,
	                           KNOTD_IN_STATE_MISS, KNOTD_QUERY_PROTO_TCP, 50),
	                 KNOTD_IN_STATE_ERROR);
	assert_int_equal(f->qdata.rcode, KNOT_RCODE_SERVFAIL);
	assert_false(knot_wire_get_tc(f->resp->wire));
}

int main(void)
{
	rcu_register_thread();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalog),
		cmocka_unit_test(test_record_parse),
		cmocka_unit_test_setup_teardown(test_hook_srv, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_hook_apex_only, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_hook_apex_default, fixture_setup,
		                                fixture_teardown),
		cmocka_unit_test_setup_teardown(test_hook_no_domains, fixture_setup, fixture_teardown),
		cmocka_unit_test(test_membership),
		cmocka_unit_test_setup_teardown(test_hook_membership, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_hook_prepared, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_hook_templates, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_hook_upper_name, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_hook_nodata_keep, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_hook_unavailable, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_hook_truncation, fixture_setup, fixture_teardown),
	};
	int ret = cmocka_run_group_tests(tests, NULL, NULL);
	rcu_barrier();
	rcu_unregister_thread();
	return ret;
}
