/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief Microbenchmark of the module's own query path, without knotd:
 *        mailsrv_answer() (classify the name, look the domain up, build the
 *        SRV answer into a real libknot response packet) on the table of a
 *        domain file, and the table's own memory.
 *
 * Usage: bench_answer DOMAIN_FILE CALLS [CHANGED_FILE]
 *
 * Reads the file as knotd's load does (parse, parents, table), then answers
 * CALLS SRV queries for domains spread over the whole file, counts the
 * domains outside the zone 'example.' as the module's check after a change
 * does, then re-reads the list from CHANGED_FILE and applies it as a reload
 * does. Prints
 * "key value" lines. Under callgrind (--instr-atstart=no
 * --toggle-collect=mailsrv_answer) only the calls are counted.
 */

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <urcu.h>
#include <libknot/libknot.h>
#include <valgrind/callgrind.h>

#include "module/answer.h"
#include "module/services.h"
#include "module/domain_list.h"
#include "module/sources.h"
#include "module/domain_table.h"
#include "module/zone_coverage.h"
#include "tests/common/pool.h"

/*! \brief Distinct queries, cycled through (their packets stay in cache,
 *         the table entries they hit do not). */
#define QUERIES	4096

typedef struct {
	knot_pkt_t *query;
	knotd_qdata_params_t params;
	knotd_qdata_t qdata;
} query_t;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*! \brief Bytes allocated through malloc (chunk headers included). */
static size_t heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_answer: %s\n", what);
	exit(1);
}

/*! \brief An SRV query for a service of the \a nth listed domain. */
static void query_init(query_t *q, const mailsrv_list_t *list, size_t nth, int service)
{
	uint8_t qname[KNOT_DNAME_MAXLEN];
	const uint8_t *label = mailsrv_services[service].label;
	const uint8_t *domain = mailsrv_list_name(list, mailsrv_list_entry(list, nth));
	memcpy(qname, label, 1 + label[0]);
	memcpy(qname + 1 + label[0], "\x04_tcp", 5);
	memcpy(qname + 6 + label[0], domain, knot_dname_size(domain));

	q->query = knot_pkt_new(NULL, KNOT_WIRE_MAX_PKTSIZE, NULL);
	if (q->query == NULL ||
	    knot_pkt_put_question(q->query, qname, KNOT_CLASS_IN, KNOT_RRTYPE_SRV) != KNOT_EOK) {
		die("cannot build a query");
	}
	q->params = (knotd_qdata_params_t){ .proto = KNOTD_QUERY_PROTO_UDP };
	q->qdata = (knotd_qdata_t){
		.query = q->query,
		.name = knot_pkt_qname(q->query),
		.params = &q->params,
		.mm = &test_pool,
	};
}

/*!
 * \brief Answers \a calls queries; only resets the response if !answer.
 *
 * \param mark  Pool bytes that stay (the response packet).
 */
static double run(const mailsrv_answer_conf_t *conf, const mailsrv_answer_zone_t *zone,
                  query_t *queries, knot_pkt_t *resp, size_t mark, size_t calls,
                  bool answer)
{
	double start = now();
	for (size_t i = 0; i < calls; i++) {
		query_t *q = &queries[i % QUERIES];
		test_pool_reset(mark);
		knot_pkt_init_response(resp, q->query);
		if (!answer) {
			continue;
		}
		rcu_read_lock();
		mailsrv_answered_t answered;
		knotd_in_state_t state = mailsrv_answer(conf, zone, KNOTD_IN_STATE_MISS, resp,
		                                        &q->qdata, &answered);
		rcu_read_unlock();
		if (state != KNOTD_IN_STATE_HIT || resp->rrset_count != 1) {
			die("a listed domain got no SRV answer");
		}
	}

	return now() - start;
}

/*! \brief Reads a domain file as the module's load does. */
static mailsrv_list_t *read_list(const char *path)
{
	mailsrv_sources_t *sources = mailsrv_sources_new();
	mailsrv_list_t *list = mailsrv_list_new();
	mailsrv_source_state_t state;
	char err[MAILSRV_ERR_SIZE];
	if (sources == NULL || list == NULL || mailsrv_sources_add_file(sources, path) != KNOT_EOK) {
		die("out of memory");
	}
	if (mailsrv_sources_read(sources, list, &state, err) != KNOT_EOK) {
		die(err);
	}
	mailsrv_sources_free(sources);
	return list;
}

/*! \brief Re-reads the list from \a path and applies it, as a reload does. */
static void reload(mailsrv_table_t *table, const char *path)
{
	CALLGRIND_START_INSTRUMENTATION; // Under callgrind: a profile of the reload alone.
	CALLGRIND_ZERO_STATS;
	double t0 = now();
	mailsrv_list_t *list = read_list(path);
	double t1 = now();
	mailsrv_table_diff_t diff;
	if (mailsrv_table_apply(table, list, &diff) != KNOT_EOK) {
		die("cannot apply the changed list");
	}
	double t2 = now();
	CALLGRIND_DUMP_STATS_AT("reload");
	CALLGRIND_STOP_INSTRUMENTATION;
	mailsrv_list_free(list);
	printf("reload_changed %zu\n", diff.added + diff.changed + diff.removed);
	printf("reload_read_seconds %.3f\n", t1 - t0);
	printf("reload_apply_seconds %.3f\n", t2 - t1);
}

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: %s DOMAIN_FILE CALLS [CHANGED_FILE]\n", argv[0]);
		return 2;
	}
	size_t calls = strtoull(argv[2], NULL, 10);
	rcu_register_thread();

	// The list, as the module's load reads it.
	double t0 = now();
	mailsrv_list_t *list = read_list(argv[1]);
	double t1 = now();

	// The table alone: what the list leaves behind is freed by then.
	size_t heap_before = heap_bytes();
	mailsrv_table_t *table = mailsrv_table_new(mailsrv_list_count(list));
	mailsrv_table_diff_t diff;
	if (table == NULL || mailsrv_table_apply(table, list, &diff) != KNOT_EOK) {
		die("cannot build the table");
	}
	double t2 = now();
	rcu_barrier(); // Retired memory of the apply is freed.
	size_t table_bytes = heap_bytes() - heap_before;
	size_t domains = mailsrv_list_count(list) - mailsrv_list_stats(list).ancestors;

	query_t *queries = calloc(QUERIES, sizeof(*queries));
	if (queries == NULL) {
		die("out of memory");
	}
	for (size_t i = 0; i < QUERIES; i++) {
		// A multiplicative step spreads the queries over the whole list.
		query_init(&queries[i], list, (i * 2654435761u) % domains, i % 2);
	}

	mailsrv_name_t target_name;
	char reason[MAILSRV_REASON_SIZE];
	if (!mailsrv_name_parse("mail.example.net.", 17, &target_name, reason)) {
		die(reason);
	}
	mailsrv_target_t *target = mailsrv_target_new(&target_name);
	mailsrv_record_t records[MAILSRV_SERVICE_COUNT];
	for (int i = 0; i < MAILSRV_SERVICE_COUNT; i++) {
		records[i] = mailsrv_service_record(i);
	}
	mailsrv_services_conf_t services = { .enabled = mailsrv_services_default(),
	                                     .records = records, .target = target };
	mailsrv_templates_t *templates = mailsrv_templates_new();
	knot_pkt_t *resp = knot_pkt_new(NULL, 1232, &test_pool); // EDNS default size
	if (target == NULL || resp == NULL || templates == NULL ||
	    mailsrv_services_add(templates, &services, reason) != KNOT_EOK ||
	    mailsrv_templates_finish(templates) != KNOT_EOK) {
		die("out of memory");
	}
	mailsrv_answer_conf_t conf = {
		.templates = templates,
		.first_lengths = mailsrv_templates_first_lengths(templates),
		.ttl = 3600,
	};
	size_t mark = test_pool_used(); // The response packet stays.

	mailsrv_answer_zone_t zone = { table, knot_dname_size((const uint8_t *)"\x07""example"),
	                               MAILSRV_DOMAINS_ANY };
	run(&conf, &zone, queries, resp, mark, QUERIES, true); // Warm-up, and a check.
	CALLGRIND_START_INSTRUMENTATION;
	double with_answer = run(&conf, &zone, queries, resp, mark, calls, true);
	CALLGRIND_STOP_INSTRUMENTATION;
	double reset_only = run(&conf, &zone, queries, resp, mark, calls, false);

	printf("domains %zu\n", domains);
	printf("read_seconds %.3f\n", t1 - t0);
	printf("apply_seconds %.3f\n", t2 - t1);
	printf("table_bytes %zu\n", table_bytes);
	printf("table_bytes_per_domain %.1f\n", (double)table_bytes / domains);
	printf("calls %zu\n", calls);
	printf("ns_per_call %.1f\n", (with_answer - reset_only) * 1e9 / calls);
	printf("ns_per_reset %.1f\n", reset_only * 1e9 / calls);

	// What the module does once per change of the list or of its zones.
	mailsrv_apex_t apex = { (const uint8_t *)"\x07""example", 9 };
	mailsrv_coverage_t coverage;
	double t3 = now();
	mailsrv_coverage_count(table, &apex, 1, &coverage);
	printf("coverage_seconds %.3f\n", now() - t3);
	printf("coverage_outside %zu\n", coverage.outside);

	if (argc == 4) {
		reload(table, argv[3]);
	}

	for (size_t i = 0; i < QUERIES; i++) {
		knot_pkt_free(queries[i].query);
	}
	free(queries);
	knot_pkt_free(resp);
	mailsrv_templates_free(templates);
	free(target);
	mailsrv_table_free(table);
	mailsrv_list_free(list);
	rcu_barrier();
	rcu_unregister_thread();

	return 0;
}
