/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief Fuzz target: the query path (classify the name, look it up, build
 *        the answer), fed arbitrary wire names, against a table loaded from
 *        a seed list by the module's own parser.
 *
 * Input: byte 0 picks the query type, byte 1 the settings (services,
 * 'unavailable', relative target), byte 2 the response size, byte 3 the
 * zone apex (a suffix of the name); the rest is the query name in wire
 * format. Every valid name is asked as a query (QNAME as sent) and as
 * knotd passes it (lower case), in each in-state, over UDP and TCP.
 *
 * Invariants: states other than MISS and NODATA pass unchanged; the result
 * is the in-state (nothing written), NODATA, HIT, TRUNC (UDP) or ERROR
 * (TCP, SERVFAIL); NODATA and HIT only for names of listed domains and
 * their parents; a HIT response parses, has one SRV record owned by the
 * query name (any case), with the catalog's fields and the domain's target,
 * a valid name of at most 255 bytes.
 */

#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <urcu.h>
#include <libknot/libknot.h>

#include "module/answer.h"
#include "module/services.h"
#include "module/domain_list.h"
#include "tests/common/list_file.h"
#include "tests/fuzz/util.h"
#include "tests/common/pool.h"

/*! \brief Domains of the table: targets of each kind, longest names. */
static const char SEED_LIST[] =
	"example.com\n"
	"sub.example.com\n"
	"own.example.com mx.example.org.\n"
	"rel.example.com imap\n"
	"Mixed.Example.ORG\n"
	"a.b.c.d.example.net\n"
	"xn--bcher-kva.example\n"
	// A 63-byte label.
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.com\n"
	// 250 bytes: the longest name for the relative target "mail".
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb."
	"ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc."
	"dddddddddddddddddddddddddddddddddddddddddddddddddddddddd\n"
	// 255 bytes, the longest name.
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb."
	"ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc."
	"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee mx.example.org.\n";

static const uint16_t QTYPES[] = {
	KNOT_RRTYPE_SRV, KNOT_RRTYPE_ANY, KNOT_RRTYPE_A, KNOT_RRTYPE_TXT, KNOT_RRTYPE_NS,
	KNOT_RRTYPE_DS, KNOT_RRTYPE_RRSIG, KNOT_RRTYPE_NSEC, KNOT_RRTYPE_CNAME,
};
#define QTYPE_COUNT	(sizeof(QTYPES) / sizeof(QTYPES[0]))

static mailsrv_table_t *table;
static mailsrv_list_t *oracle;  /*!< The same list, to check answers against. */
static mailsrv_target_t *absolute_target;
static mailsrv_target_t *relative_target;

/*! \brief Reads the seed list with the module's parser, with parents. */
static mailsrv_list_t *read_seed_list(memfile_t *file)
{
	char err[MAILSRV_ERR_SIZE] = "";
	mailsrv_list_t *list = mailsrv_list_new();
	FUZZ_CHECK(list != NULL, "out of memory");
	FUZZ_CHECK(test_list_add_file(list, file->path, err) == KNOT_EOK, "%s", err);
	FUZZ_CHECK(mailsrv_list_add_ancestors(list) == KNOT_EOK, "out of memory");
	FUZZ_CHECK(mailsrv_list_check_target(list, relative_target, err) == KNOT_EOK, "%s", err);
	return list;
}

static mailsrv_target_t *new_target(const char *txt)
{
	mailsrv_name_t name;
	char reason[MAILSRV_REASON_SIZE];
	FUZZ_CHECK(mailsrv_name_parse(txt, strlen(txt), &name, reason), "%s", reason);
	mailsrv_target_t *target = mailsrv_target_new(&name);
	FUZZ_CHECK(target != NULL, "out of memory");

	return target;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	rcu_register_thread();
	absolute_target = new_target("mail.example.net.");
	relative_target = new_target("mail");

	memfile_t file;
	memfile_init(&file);
	memfile_set(&file, SEED_LIST, sizeof(SEED_LIST) - 1);
	mailsrv_list_t *list = read_seed_list(&file);
	oracle = read_seed_list(&file);
	close(file.fd);

	table = mailsrv_table_new(mailsrv_list_count(list));
	mailsrv_table_diff_t diff;
	FUZZ_CHECK(table != NULL && mailsrv_table_apply(table, list, &diff) == KNOT_EOK,
	           "out of memory");
	FUZZ_CHECK(diff.added == 10, "%zu domains in the table", diff.added);
	mailsrv_list_free(list);

	return 0;
}

/*! \brief One query: the packet, and the name and settings the hook gets. */
typedef struct {
	knot_pkt_t *query;
	const uint8_t *name;          /*!< qdata->name. */
	uint16_t qtype;
	mailsrv_answer_conf_t conf;
	size_t apex_size;             /*!< Wire size of the zone's apex. */
	size_t resp_size;
} request_t;

/*! \brief The listed entry of a name in any letter case, NULL if none. */
static const mailsrv_list_entry_t *listed(const uint8_t *name)
{
	uint8_t lower[KNOT_DNAME_MAXLEN];
	knot_dname_copy_lower(lower, name);
	return mailsrv_list_find(oracle, lower);
}

/*! \brief The name without its first label (the root stays the root). */
static const uint8_t *parent(const uint8_t *name)
{
	return name[0] == 0 ? name : name + 1 + name[0];
}

/*! \brief Is \a label the label \a txt, in any ASCII letter case? */
static bool is_label(const uint8_t *label, const char *txt)
{
	return label[0] == strlen(txt) && strncasecmp((const char *)label + 1, txt, label[0]) == 0;
}

/*! \brief The SRV rdata the module must give for a service of a listed domain. */
static size_t expected_srv(const request_t *req, int svc, const mailsrv_list_entry_t *entry,
                           const uint8_t *domain, uint8_t *rdata)
{
	if (!(req->conf.services & (1U << svc))) {
		FUZZ_CHECK(req->conf.unavailable, "SRV of a disabled service");
		return mailsrv_srv_rdata(rdata, NULL, NULL, NULL, 0);
	}
	// Targets: the domain's own, else the service record's, else the configured.
	const mailsrv_record_t *record = &req->conf.records[svc];
	const mailsrv_target_t *target = mailsrv_list_target(oracle, entry);
	if (target == NULL) {
		target = record->target != NULL ? record->target : req->conf.target;
	}
	uint8_t lower[KNOT_DNAME_MAXLEN];
	knot_dname_copy_lower(lower, domain);
	return mailsrv_srv_rdata(rdata, record, target, lower, knot_dname_size(lower));
}

/*! \brief Checks the record of a HIT: owner, type, fields and target. */
static void check_answer(const request_t *req, const knot_pkt_t *resp,
                         const mailsrv_answered_t *answered)
{
	knot_pkt_t *parsed = knot_pkt_new(resp->wire, resp->size, NULL);
	FUZZ_CHECK(parsed != NULL, "out of memory");
	FUZZ_CHECK(knot_pkt_parse(parsed, 0) == KNOT_EOK, "the response does not parse");
	const knot_pktsection_t *answer = knot_pkt_section(parsed, KNOT_ANSWER);
	FUZZ_CHECK(answer->count == 1, "%u answer records", answer->count);
	FUZZ_CHECK(knot_pkt_section(parsed, KNOT_AUTHORITY)->count == 0 &&
	           knot_pkt_section(parsed, KNOT_ADDITIONAL)->count == 0, "other records");
	FUZZ_CHECK(knot_wire_get_aa(parsed->wire) && knot_wire_get_rcode(parsed->wire) ==
	           KNOT_RCODE_NOERROR, "flags or rcode");

	const knot_rrset_t *rr = knot_pkt_rr(answer, 0);
	FUZZ_CHECK(rr->rclass == KNOT_CLASS_IN && rr->ttl == req->conf.ttl &&
	           rr->rrs.count == 1, "class, TTL or count");
	FUZZ_CHECK(knot_dname_is_case_equal(rr->owner, req->name), "owner is not the name");
	const knot_rdata_t *rdata = rr->rrs.rdata;
	FUZZ_CHECK(rdata->len <= MAILSRV_RDATA_MAX, "rdata length");

	uint8_t expected[MAILSRV_RDATA_MAX];
	size_t len = 0;
	const uint8_t *domain;
	switch (answered->action) {
	case MAILSRV_SRV:
	case MAILSRV_UNAVAILABLE: {
		// The service of the first label, for the domain two labels down.
		FUZZ_CHECK(rr->type == KNOT_RRTYPE_SRV, "not an SRV record");
		FUZZ_CHECK(req->qtype == KNOT_RRTYPE_SRV || req->qtype == KNOT_RRTYPE_ANY,
		           "SRV for type %u", req->qtype);
		int svc = mailsrv_service_find(req->name);
		domain = parent(parent(req->name));
		const mailsrv_list_entry_t *entry = listed(domain);
		FUZZ_CHECK(svc >= 0 && entry != NULL && entry->target != MAILSRV_LIST_ANCESTOR,
		           "SRV for a name that is no service of a listed domain");
		len = expected_srv(req, svc, entry, domain, expected);
		break;
	}
	case MAILSRV_TXT: {
		FUZZ_CHECK(rr->type == KNOT_RRTYPE_TXT && req->qtype == KNOT_RRTYPE_TXT, "TXT");
		int svc = mailsrv_service_find(req->name);
		FUZZ_CHECK(svc >= 0 && req->conf.txt[svc] != NULL, "TXT of a service without one");
		len = 1 + req->conf.txt[svc][0];
		memcpy(expected, req->conf.txt[svc], len);
		break;
	}
	case MAILSRV_CNAME: {
		FUZZ_CHECK(rr->type == KNOT_RRTYPE_CNAME, "not a CNAME record");
		const mailsrv_target_t *target = is_label(req->name, "autoconfig") ?
		                                 req->conf.autoconfig : req->conf.autodiscover;
		FUZZ_CHECK(target != NULL, "CNAME of a name without a host");
		uint8_t lower[KNOT_DNAME_MAXLEN];
		knot_dname_copy_lower(lower, parent(req->name));
		len = target->size;
		memcpy(expected, target->wire, target->size);
		if (target->relative) {
			memcpy(expected + len, lower, knot_dname_size(lower));
			len += knot_dname_size(lower);
		}
		break;
	}
	default:
		FUZZ_CHECK(false, "HIT after action %d", answered->action);
	}
	FUZZ_CHECK(len == rdata->len && memcmp(expected, rdata->data, len) == 0,
	           "wrong rdata of type %u", rr->type);

	knot_pkt_free(parsed);
}

/*! \brief Runs the hook once and checks what it did. */
static void run(const request_t *req, knotd_in_state_t state, knotd_query_proto_t proto)
{
	test_pool_reset(0);
	knot_pkt_t *resp = knot_pkt_new(NULL, req->resp_size, &test_pool);
	FUZZ_CHECK(resp != NULL, "out of memory");
	if (knot_pkt_init_response(resp, req->query) != KNOT_EOK) {
		return; // The question does not fit: knotd never gets this far.
	}
	knotd_qdata_params_t params = { .proto = proto };
	const uint16_t RCODE_UNSET = 0xfff;
	knotd_qdata_t qdata = {
		.query = req->query,
		.name = req->name,
		.rcode = RCODE_UNSET,
		.params = &params,
		.mm = &test_pool,
	};

	rcu_read_lock();
	mailsrv_answered_t answered;
	mailsrv_answer_zone_t zone = { table, req->apex_size, MAILSRV_DOMAINS_ANY };
	knotd_in_state_t next = mailsrv_answer(&req->conf, &zone, state, resp, &qdata, &answered);
	rcu_read_unlock();

	if (next == state) {
		FUZZ_CHECK(resp->rrset_count == 0 && qdata.rcode == RCODE_UNSET &&
		           !knot_wire_get_aa(resp->wire), "changed the response, kept the state");
		return;
	}
	FUZZ_CHECK(state == KNOTD_IN_STATE_MISS || state == KNOTD_IN_STATE_NODATA,
	           "changed state %d", state);

	// Every answer the module gives is for a listed domain or a parent of
	// one (D), _tcp.D or _svc._tcp.D, with D at or below the apex.
	const uint8_t *domain = req->name;
	while (domain[0] != 0 && listed(domain) == NULL) {
		domain = parent(domain);
	}
	const uint8_t *second = parent(req->name);
	FUZZ_CHECK(domain[0] != 0, "answered a name of no listed domain");
	FUZZ_CHECK((domain == req->name && req->name[1] != '_') ||
	           (domain == second && is_label(req->name, "_tcp")) ||
	           (domain == second && answered.action == MAILSRV_CNAME) ||
	           (domain == parent(second) && is_label(second, "_tcp") &&
	            mailsrv_service_find(req->name) >= 0),
	           "answered a name that is no D, _tcp.D or _svc._tcp.D");
	FUZZ_CHECK(knot_dname_size(domain) >= req->apex_size, "domain above the apex");

	switch (next) {
	case KNOTD_IN_STATE_NODATA:
		FUZZ_CHECK(state == KNOTD_IN_STATE_MISS && resp->rrset_count == 0 &&
		           qdata.rcode == KNOT_RCODE_NOERROR, "bad NODATA");
		break;
	case KNOTD_IN_STATE_HIT:
		FUZZ_CHECK(qdata.rcode == KNOT_RCODE_NOERROR, "rcode %u", qdata.rcode);
		knot_wire_set_rcode(resp->wire, qdata.rcode);
		check_answer(req, resp, &answered);
		break;
	case KNOTD_IN_STATE_TRUNC:
		FUZZ_CHECK(proto == KNOTD_QUERY_PROTO_UDP && knot_wire_get_tc(resp->wire),
		           "truncated without TC or over TCP");
		break;
	case KNOTD_IN_STATE_ERROR:
		FUZZ_CHECK(proto == KNOTD_QUERY_PROTO_TCP && qdata.rcode == KNOT_RCODE_SERVFAIL,
		           "error over UDP or without SERVFAIL");
		break;
	default:
		FUZZ_CHECK(false, "state %d", next);
	}
}

/*! \brief Sets the settings and response size from the input's first bytes. */
static void request_init(request_t *req, const uint8_t *data, size_t name_size)
{
	req->qtype = data[0] < QTYPE_COUNT * 16 ? QTYPES[data[0] % QTYPE_COUNT] : data[0];
	req->conf = (mailsrv_answer_conf_t){
		.target = (data[1] & 0x80) ? relative_target : absolute_target,
		.ttl = 3600,
		.services = (data[1] & 0x3f) | (data[3] & 0x3c) << 4 | (data[3] & 0x80) << 3,
		.unavailable = data[1] & 0x40,
	};
	if (req->conf.services == 0) {
		req->conf.services = mailsrv_services_default();
	}
	for (int i = 0; i < MAILSRV_SERVICE_COUNT; i++) {
		req->conf.records[i] = mailsrv_service_record(i);
	}
	// Beyond RFC 6186: a service's own record, CNAMEs and a context path.
	if (data[3] & 0x40) {
		req->conf.records[1] = (mailsrv_record_t){ 5, 0, 10993, relative_target };
		req->conf.autoconfig = absolute_target;
		req->conf.autodiscover = relative_target;
		req->conf.txt[MAILSRV_CALDAVS] = (const uint8_t *)"\x0a""path=/dav/";
	}

	// Room for the header and question, plus the byte's value (tight
	// packets truncate), or the usual limits.
	size_t question = KNOT_WIRE_HEADER_SIZE + name_size + 4;
	switch (data[2] >> 6) {
	case 0: req->resp_size = KNOT_WIRE_MIN_PKTSIZE; break;
	case 1: req->resp_size = KNOT_WIRE_MAX_PKTSIZE; break;
	default: req->resp_size = question + (data[2] & 0x7f); break;
	}
}

/*! \brief The apex: the name without as many labels as the byte says. */
static size_t apex_size(const uint8_t *name, uint8_t labels)
{
	const uint8_t *apex = name;
	for (int i = knot_dname_labels(name, NULL) - labels % 4; i > 0; i--) {
		apex = parent(apex);
	}
	return knot_dname_size(apex);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 5) {
		return 0;
	}
	const uint8_t *name = data + 4;
	int name_size = knot_dname_wire_check(name, data + size, NULL);
	if (name_size <= 0) {
		return 0; // knotd drops a query whose name is not valid.
	}

	request_t req;
	request_init(&req, data, name_size);
	req.apex_size = apex_size(name, data[3]);
	req.query = knot_pkt_new(NULL, KNOT_WIRE_MAX_PKTSIZE, NULL);
	FUZZ_CHECK(req.query != NULL, "out of memory");
	FUZZ_CHECK(knot_pkt_put_question(req.query, name, KNOT_CLASS_IN, req.qtype) == KNOT_EOK,
	           "question");

	// As asked, and as knotd passes it (lower case).
	uint8_t lower[KNOT_DNAME_MAXLEN];
	knot_dname_copy_lower(lower, name);
	const uint8_t *names[] = { knot_pkt_qname(req.query), lower };
	const knotd_in_state_t states[] = {
		KNOTD_IN_STATE_MISS, KNOTD_IN_STATE_NODATA, KNOTD_IN_STATE_HIT, KNOTD_IN_STATE_DELEG,
	};
	for (size_t n = 0; n < 2; n++) {
		req.name = names[n];
		for (size_t s = 0; s < sizeof(states) / sizeof(states[0]); s++) {
			run(&req, states[s], KNOTD_QUERY_PROTO_UDP);
			run(&req, states[s], KNOTD_QUERY_PROTO_TCP);
		}
	}
	knot_pkt_free(req.query);

	return 0;
}
