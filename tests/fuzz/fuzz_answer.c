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
 * zone apex (a suffix of the name) and more settings (services, record
 * templates); the rest is the query name in wire format. Every valid name
 * is asked as a query (QNAME as sent) and as knotd passes it (lower case),
 * in each in-state, over UDP and TCP.
 *
 * The answers are checked against a model of the settings' records, written
 * out here without the module's templates: for each owner relative to a
 * mail domain, its type and the rdata a domain gets.
 *
 * Invariants: states other than MISS and NODATA pass unchanged; the result
 * is the in-state (nothing written), NODATA, HIT, TRUNC (UDP) or ERROR
 * (TCP, SERVFAIL); NODATA only for a listed domain or a parent of one, or
 * a model name (an owner or a name between it and its domain) of a listed
 * domain without records of the type; a HIT response parses, and has the
 * model's records of the type (a CNAME's for every type, every one for
 * ANY) owned by the query name (any case).
 */

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <urcu.h>
#include <libknot/libknot.h>

#include "module/answer.h"
#include "module/services.h"
#include "module/template_text.h"
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
	mailsrv_relative_t relative = { .without_own = relative_target->size };
	FUZZ_CHECK(mailsrv_list_check_target(list, &relative, err) == KNOT_EOK, "%s", err);
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

/*! \brief Settings bits: services (11), 'unavailable', relative target, extras. */
#define CONF_UNAVAILABLE	(1U << 11)
#define CONF_RELATIVE		(1U << 12)
#define CONF_EXTRAS		(1U << 13)
#define CONF_COUNT		(1U << 14)

/*! \brief Templates of each settings, built when first asked. */
static mailsrv_templates_t *configured[CONF_COUNT];

/*! \brief Record templates of the extras (beyond the services' SRV records). */
static const char *const EXTRAS[] = {
	"autoconfig CNAME mail.example.net.",
	"autodiscover CNAME mail",
	"_mta-sts TXT \"v=STSv1; id=1\"",
	"mta-sts CNAME policy",
	"_smtp._tls TXT \"v=TLSRPTv1; rua=mailto:r@example.net\"",
};

/*! \brief One query: the packet, and the name and settings the hook gets. */
typedef struct {
	knot_pkt_t *query;
	const uint8_t *name;          /*!< qdata->name. */
	uint16_t qtype;
	unsigned settings;            /*!< CONF_* bits. */
	mailsrv_answer_conf_t conf;
	size_t apex_size;             /*!< Wire size of the zone's apex. */
	size_t resp_size;
} request_t;

/*! \brief The record of service 1 (imaps) with the extras. */
static mailsrv_record_t extra_imaps(void)
{
	return (mailsrv_record_t){ 5, 0, 10993, relative_target };
}

static uint16_t type_counter(uint16_t type)
{
	return type;
}

/*! \brief The templates of settings (CONF_* bits), built once. */
static const mailsrv_templates_t *templates_of(unsigned settings)
{
	if (configured[settings] != NULL) {
		return configured[settings];
	}
	mailsrv_record_t records[MAILSRV_SERVICE_COUNT];
	for (int i = 0; i < MAILSRV_SERVICE_COUNT; i++) {
		records[i] = mailsrv_service_record(i);
	}
	if (settings & CONF_EXTRAS) {
		records[1] = extra_imaps();
	}
	mailsrv_services_conf_t conf = {
		.enabled = settings & 0x7ff,
		.unavailable = settings & CONF_UNAVAILABLE,
		.records = records,
		.target = (settings & CONF_RELATIVE) ? relative_target : absolute_target,
	};
	mailsrv_templates_t *t = mailsrv_templates_new();
	char reason[MAILSRV_REASON_SIZE];
	FUZZ_CHECK(t != NULL && mailsrv_services_add(t, &conf, reason) == KNOT_EOK, "services");
	for (size_t i = 0; (settings & CONF_EXTRAS) && i < sizeof(EXTRAS) / sizeof(EXTRAS[0]); i++) {
		FUZZ_CHECK(mailsrv_template_text_add(t, EXTRAS[i], type_counter, reason) == KNOT_EOK,
		           "%s: %s", EXTRAS[i], reason);
	}
	if ((settings & CONF_EXTRAS) && (settings & (1U << MAILSRV_CALDAVS))) {
		FUZZ_CHECK(mailsrv_template_text_add(t, "_caldavs._tcp TXT path=/dav/", type_counter,
		                                     reason) == KNOT_EOK, "%s", reason);
	}
	FUZZ_CHECK(mailsrv_templates_finish(t) == KNOT_EOK, "out of memory");
	configured[settings] = t;

	return t;
}

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

/*! \brief A record of the model. */
typedef struct {
	uint16_t type;
	uint8_t rdata[6 + KNOT_DNAME_MAXLEN];
	size_t len;
} model_rr_t;

/*! \brief Writes a target name for a lower-case domain, 0 if too long. */
static size_t model_name(uint8_t *out, const mailsrv_target_t *target, const uint8_t *domain)
{
	memcpy(out, target->wire, target->size);
	if (!target->relative) {
		return target->size;
	}
	size_t size = knot_dname_size(domain);
	if (target->size + size > KNOT_DNAME_MAXLEN) {
		return 0;
	}
	memcpy(out + target->size, domain, size);
	return target->size + size;
}

/*! \brief An SRV record of the model (\a target NULL: 0 0 0 .). */
static void model_srv(model_rr_t *rr, const mailsrv_record_t *record,
                      const mailsrv_target_t *target, const uint8_t *domain)
{
	rr->type = KNOT_RRTYPE_SRV;
	memset(rr->rdata, 0, 7);
	rr->len = 7;
	if (target != NULL) {
		knot_wire_write_u16(rr->rdata, record->priority);
		knot_wire_write_u16(rr->rdata + 2, record->weight);
		knot_wire_write_u16(rr->rdata + 4, record->port);
		size_t size = model_name(rr->rdata + 6, target, domain);
		rr->len = size == 0 ? 0 : 6 + size;
	}
}

/*! \brief A CNAME or TXT record of the model. */
static void model_rr(model_rr_t *rr, uint16_t type, const void *data, size_t len)
{
	rr->type = type;
	memcpy(rr->rdata, data, len);
	rr->len = len;
}

/*!
 * \brief The model's records at a name of the settings: \a owner (the first
 *        labels, the rest D), for lower-case \a domain with its entry.
 *
 * \param node  Output: the name is an owner or between one and D.
 *
 * \return The number of records.
 */
static size_t model(const request_t *req, const uint8_t *name, const uint8_t *domain,
                    const mailsrv_list_entry_t *entry, model_rr_t rrs[4], bool *node)
{
	unsigned settings = req->settings;
	bool extras = settings & CONF_EXTRAS;
	size_t count = 0;
	*node = false;
	const uint8_t *second = parent(name);
	if (second == domain && is_label(name, "_tcp")) {
		*node = (settings & 0x7ff) != 0 || (settings & CONF_UNAVAILABLE);
	} else if (parent(second) == domain && is_label(second, "_tcp")) {
		for (int svc = 0; svc < MAILSRV_SERVICE_COUNT; svc++) {
			if (!is_label(name, (const char *)mailsrv_services[svc].label + 1)) {
				continue;
			}
			mailsrv_record_t record = (extras && svc == 1) ? extra_imaps() :
			                          mailsrv_service_record(svc);
			const mailsrv_target_t *target = mailsrv_list_target(oracle, entry);
			if (target == NULL) {
				target = record.target != NULL ? record.target :
				         (settings & CONF_RELATIVE) ? relative_target : absolute_target;
			}
			if (settings & (1U << svc)) {
				model_srv(&rrs[count++], &record, target, domain);
			} else if (settings & CONF_UNAVAILABLE) {
				model_srv(&rrs[count++], NULL, NULL, domain);
			}
			if (extras && svc == MAILSRV_CALDAVS && (settings & (1U << svc))) {
				model_rr(&rrs[count++], KNOT_RRTYPE_TXT, "\x0a""path=/dav/", 11);
			}
			*node = count > 0;
		}
	} else if (extras && second == domain && (is_label(name, "autoconfig") ||
	                                          is_label(name, "autodiscover") ||
	                                          is_label(name, "mta-sts"))) {
		static const struct { const char *label, *target; } cnames[] = {
			{ "autoconfig", "mail.example.net." }, { "autodiscover", "mail" },
			{ "mta-sts", "policy" } };
		for (size_t i = 0; i < 3; i++) {
			if (is_label(name, cnames[i].label)) {
				mailsrv_target_t *target = new_target(cnames[i].target);
				rrs[count].type = KNOT_RRTYPE_CNAME;
				rrs[count].len = model_name(rrs[count].rdata, target, domain);
				count++;
				free(target);
			}
		}
		*node = true;
	} else if (extras && second == domain && is_label(name, "_mta-sts")) {
		model_rr(&rrs[count++], KNOT_RRTYPE_TXT, "\x0dv=STSv1; id=1", 14);
		*node = true;
	} else if (extras && parent(second) == domain && is_label(name, "_smtp") &&
	           is_label(second, "_tls")) {
		const char txt[] = "\x24v=TLSRPTv1; rua=mailto:r@example.net";
		model_rr(&rrs[count++], KNOT_RRTYPE_TXT, txt, sizeof(txt) - 1);
		*node = true;
	} else if (extras && second == domain && is_label(name, "_tls")) {
		*node = true;
	}

	return count;
}

/*! \brief The mail domain of a model name and its records (NULL: none). */
static const uint8_t *model_find(const request_t *req, uint8_t lower[KNOT_DNAME_MAXLEN],
                                 model_rr_t rrs[4], size_t *count)
{
	// D is up to three labels down (_svc._tcp.D), listed, not a parent only.
	const uint8_t *domain = req->name;
	for (int k = 0; k < 3 && domain[0] != 0; k++) {
		domain = parent(domain);
		const mailsrv_list_entry_t *entry = listed(domain);
		if (domain[0] == 0 || entry == NULL || entry->target == MAILSRV_LIST_ANCESTOR) {
			continue;
		}
		knot_dname_copy_lower(lower, domain);
		bool node;
		*count = model(req, req->name, domain, entry, rrs, &node);
		// The module's own rule: the node with the most labels wins.
		if (node) {
			for (size_t i = 0; i < *count; i++) {
				if (rrs[i].len == 0 && rrs[i].type != KNOT_RRTYPE_TXT) {
					rrs[i] = rrs[--(*count)]; // Does not fit: no record.
				}
			}
			return domain;
		}
	}

	return NULL;
}

/*! \brief Checks the records of a HIT: owner, type, TTL and rdata. */
static void check_answer(const request_t *req, const knot_pkt_t *resp)
{
	knot_pkt_t *parsed = knot_pkt_new(resp->wire, resp->size, NULL);
	FUZZ_CHECK(parsed != NULL, "out of memory");
	FUZZ_CHECK(knot_pkt_parse(parsed, 0) == KNOT_EOK, "the response does not parse");
	const knot_pktsection_t *answer = knot_pkt_section(parsed, KNOT_ANSWER);
	FUZZ_CHECK(knot_pkt_section(parsed, KNOT_AUTHORITY)->count == 0 &&
	           knot_pkt_section(parsed, KNOT_ADDITIONAL)->count == 0, "other records");
	FUZZ_CHECK(knot_wire_get_aa(parsed->wire) && knot_wire_get_rcode(parsed->wire) ==
	           KNOT_RCODE_NOERROR, "flags or rcode");

	uint8_t lower[KNOT_DNAME_MAXLEN];
	model_rr_t rrs[4];
	size_t count = 0;
	FUZZ_CHECK(model_find(req, lower, rrs, &count) != NULL, "records at no model name");
	// The model's answer: the type's records, a CNAME for every type, all for ANY.
	size_t expected = 0;
	for (size_t i = 0; i < count; i++) {
		expected += (rrs[i].type == req->qtype || rrs[i].type == KNOT_RRTYPE_CNAME ||
		             req->qtype == KNOT_RRTYPE_ANY);
	}
	size_t records = 0;
	for (uint16_t r = 0; r < answer->count; r++) {
		const knot_rrset_t *rr = knot_pkt_rr(answer, r);
		FUZZ_CHECK(rr->rclass == KNOT_CLASS_IN && rr->ttl == req->conf.ttl, "class or TTL");
		FUZZ_CHECK(knot_dname_is_case_equal(rr->owner, req->name), "owner is not the name");
		FUZZ_CHECK(rr->type == req->qtype || rr->type == KNOT_RRTYPE_CNAME ||
		           req->qtype == KNOT_RRTYPE_ANY, "type %u for type %u", rr->type, req->qtype);
		for (uint16_t i = 0; i < rr->rrs.count; i++) {
			const knot_rdata_t *rdata = knot_rdataset_at(&rr->rrs, i);
			bool found = false;
			for (size_t m = 0; m < count && !found; m++) {
				found = rrs[m].type == rr->type && rrs[m].len == rdata->len &&
				        memcmp(rrs[m].rdata, rdata->data, rdata->len) == 0;
			}
			FUZZ_CHECK(found, "a record of type %u not in the model", rr->type);
			records++;
		}
	}
	FUZZ_CHECK(records == expected, "%zu records, the model has %zu", records, expected);

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
	mailsrv_answered_t answered = { .action = MAILSRV_KEEP };
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

	// Every answer the module gives is for a model name of a listed domain,
	// or (NODATA) a listed domain or a parent of one, at or below the apex.
	uint8_t lower[KNOT_DNAME_MAXLEN];
	model_rr_t rrs[4];
	size_t count = 0;
	const uint8_t *domain = model_find(req, lower, rrs, &count);
	if (domain == NULL) {
		FUZZ_CHECK(next == KNOTD_IN_STATE_NODATA && listed(req->name) != NULL &&
		           req->name[1] != '_', "answered a name of no listed domain");
		domain = req->name;
	}
	FUZZ_CHECK(knot_dname_size(domain) >= req->apex_size, "domain above the apex");

	switch (next) {
	case KNOTD_IN_STATE_NODATA:
		FUZZ_CHECK(state == KNOTD_IN_STATE_MISS && resp->rrset_count == 0 &&
		           qdata.rcode == KNOT_RCODE_NOERROR, "bad NODATA");
		break;
	case KNOTD_IN_STATE_HIT:
		FUZZ_CHECK(qdata.rcode == KNOT_RCODE_NOERROR, "rcode %u", qdata.rcode);
		knot_wire_set_rcode(resp->wire, qdata.rcode);
		check_answer(req, resp);
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
	req->settings = (data[1] & 0x3f) | (data[3] & 0x3c) << 4 | (data[3] & 0x80) << 3;
	if (req->settings == 0) {
		req->settings = mailsrv_services_default();
	}
	req->settings |= ((data[1] & 0x40) ? CONF_UNAVAILABLE : 0) |
	                 ((data[1] & 0x80) ? CONF_RELATIVE : 0) |
	                 ((data[3] & 0x40) ? CONF_EXTRAS : 0);
	const mailsrv_templates_t *templates = templates_of(req->settings);
	req->conf = (mailsrv_answer_conf_t){
		.templates = templates,
		.first_lengths = mailsrv_templates_first_lengths(templates),
		.ttl = 3600,
	};

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
