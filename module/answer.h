/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief Answer synthesis: the mail domain of a query name and its
 *        template's records.
 *
 * Runs at knotd's ANSWER stage, after the zone was searched, so zone data
 * always wins: only MISS (no such name) and NODATA (no such type) answers
 * are ever changed.
 */

#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <knot/module.h>

#include "module/domain_table.h"
#include "module/membership.h"
#include "module/name.h"
#include "module/templates.h"
#include "module/zone_coverage.h"

/*! \brief Answer settings of one configuration (shared by its zones). */
typedef struct {
	const mailsrv_templates_t *templates; /*!< The records below each mail domain. */
	uint64_t first_lengths;  /*!< Bit per length of the first labels of the
	                              templates' names (mailsrv_templates_first_lengths()). */
	uint32_t ttl;            /*!< TTL of synthesized records. */
	bool domain_apex;        /*!< Every zone's apex is a mail domain. */
	const mailsrv_membership_t *domain_mx;  /*!< Apexes that are mail domains by
	                                             their MX (or NULL). */
} mailsrv_answer_conf_t;

/*! \brief What the hook did, for the statistics. */
typedef enum {
	MAILSRV_KEEP = 0,    /*!< Left the answer to the zone. */
	MAILSRV_NODATA,      /*!< The name exists, without data of the type. */
	MAILSRV_RECORDS,     /*!< Records of a template. */
} mailsrv_action_t;

/*! \brief What the hook did. */
typedef struct {
	mailsrv_action_t action;
	uint16_t counter;         /*!< The counter of the (first) RRset answered. */
} mailsrv_answered_t;

/*! \brief The zone a query is answered in. */
typedef struct {
	const mailsrv_table_t *table; /*!< The mail domains. */
	size_t apex_size;             /*!< Wire size of the zone's apex. */
	mailsrv_domains_t domains;    /*!< Where its mail domains are: only names that
	                                   can be theirs are looked up. */
} mailsrv_answer_zone_t;

/*!
 * \brief Can the name be a mail name of the zone? Where the zone's mail
 *        domains are known, most names that are not (a random-name flood, an
 *        unknown '_x._tcp' name) leave here, without a call.
 */
static inline bool mailsrv_answer_may(const mailsrv_answer_conf_t *conf,
                                      const mailsrv_answer_zone_t *zone, const uint8_t *name)
{
	if (zone->domains == MAILSRV_DOMAINS_ANY) {
		return true;
	}
	// Else the apex alone, which the zone has (if it is a mail domain: by
	// the table, or by the zone's data): only names with a first label of
	// a template name's length.
	if (zone->domains == MAILSRV_DOMAINS_NONE && conf->domain_mx == NULL) {
		return false;
	}

	return conf->first_lengths >> (name[0] & 63) & 1;
}

/*! \brief mailsrv_answer() for a name that may be a mail name. */
knotd_in_state_t mailsrv_answer_name(const mailsrv_answer_conf_t *conf,
                                     const mailsrv_answer_zone_t *zone,
                                     knotd_in_state_t state, knot_pkt_t *pkt,
                                     knotd_qdata_t *qdata, mailsrv_answered_t *answered);

/*!
 * \brief The ANSWER-stage hook body.
 *
 * \note Runs inside knotd's RCU read-side critical section.
 *
 * \param answered  Output: what was answered.
 */
static inline knotd_in_state_t mailsrv_answer(const mailsrv_answer_conf_t *conf,
                                              const mailsrv_answer_zone_t *zone,
                                              knotd_in_state_t state, knot_pkt_t *pkt,
                                              knotd_qdata_t *qdata,
                                              mailsrv_answered_t *answered)
{
	answered->action = MAILSRV_KEEP;
	// Every apex a mail domain, and none of the table's in the zone: the
	// apex alone, with the configured target, as if listed.
	mailsrv_answer_zone_t at = *zone;
	if (at.domains == MAILSRV_DOMAINS_NONE && conf->domain_apex) {
		at.domains = MAILSRV_DOMAINS_APEX_DEFAULT;
	}
	if (!mailsrv_answer_may(conf, &at, qdata->name)) {
		return state;
	}

	return mailsrv_answer_name(conf, &at, state, pkt, qdata, answered);
}
