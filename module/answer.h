/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief Answer synthesis: what a query name means, and the answer.
 *
 * Runs at knotd's ANSWER stage, after the zone was searched, so zone data
 * always wins: only MISS (no such name) and NODATA (no such type) answers
 * are ever changed.
 */

#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <knot/module.h>

#include "module/services.h"
#include "module/domain_table.h"
#include "module/membership.h"
#include "module/name.h"
#include "module/zone_coverage.h"

/*! \brief Answer settings of one configuration (shared by its zones). */
typedef struct {
	const mailsrv_target_t *target; /*!< Configured target. */
	uint32_t ttl;                   /*!< TTL of synthesized records. */
	uint32_t services;              /*!< Enabled services, bit per catalog index. */
	bool unavailable;               /*!< 'SRV 0 0 0 .' for disabled services. */
	mailsrv_record_t records[MAILSRV_SERVICE_COUNT]; /*!< SRV fields per service. */
	const mailsrv_target_t *autoconfig;   /*!< CNAME target of autoconfig.D (or NULL). */
	const mailsrv_target_t *autodiscover; /*!< CNAME target of autodiscover.D (or NULL). */
	const uint8_t *txt[MAILSRV_SERVICE_COUNT]; /*!< TXT rdata at the service names (or NULL). */
	bool domain_apex;                       /*!< Every zone's apex is a mail domain. */
	const mailsrv_membership_t *domain_mx;  /*!< Apexes that are mail domains by
	                                             their MX (or NULL). */
	uint64_t service_lengths; /*!< Bit per length of the labels of the services
	                               answered (mailsrv_answer_prepare()). */
	knot_rdata_t *srv[MAILSRV_SERVICE_COUNT]; /*!< SRV rdata of each enabled service
	                                               for domains without their own
	                                               target, if that target is absolute
	                                               (NULL: built per query), see
	                                               mailsrv_answer_prepare(). */
} mailsrv_answer_conf_t;

/*! \brief What a query name is to the module. */
typedef enum {
	MAILSRV_NAME_DOMAIN = 0,   /*!< A mail domain D itself (or a parent of one). */
	MAILSRV_NAME_TCP,          /*!< _tcp.D */
	MAILSRV_NAME_SERVICE,      /*!< _svc._tcp.D */
	MAILSRV_NAME_AUTOCONFIG,   /*!< autoconfig.D */
	MAILSRV_NAME_AUTODISCOVER, /*!< autodiscover.D */
} mailsrv_name_kind_t;

/*! \brief The mail-service parts of a query name. */
typedef struct {
	mailsrv_name_kind_t kind;
	int service;            /*!< Catalog index (MAILSRV_NAME_SERVICE). */
	const uint8_t *domain;  /*!< D, pointing into the query name. */
} mailsrv_qname_t;

/*! \brief What to answer. */
typedef enum {
	MAILSRV_KEEP = 0,    /*!< Leave the answer to the zone. */
	MAILSRV_NODATA,      /*!< The name exists, without data of the type. */
	MAILSRV_SRV,         /*!< The SRV record of the service. */
	MAILSRV_UNAVAILABLE, /*!< SRV 0 0 0 . (service decidedly not available). */
	MAILSRV_CNAME,       /*!< autoconfig.D or autodiscover.D to its host. */
	MAILSRV_TXT,         /*!< The service's TXT record (RFC 6764 context path). */
} mailsrv_action_t;

/*! \brief Longest rdata the module writes: SRV with a full target name. */
#define MAILSRV_RDATA_MAX	(6 + KNOT_DNAME_MAXLEN)

/*!
 * \brief Recognizes _tcp.D and _svc._tcp.D (any letter case) with a
 *        catalog service _svc, autoconfig.D and autodiscover.D, and names
 *        that may be a domain D: any name whose first label does not start
 *        with '_'.
 *
 * \retval true if \a qname is one of them (D is not the root).
 */
bool mailsrv_qname_parse(const uint8_t *qname, mailsrv_qname_t *out);

/*!
 * \brief Decides the answer for a name whose D is a mail domain (in the
 *        table, or an apex by the zone's data).
 *
 * \param conf         Instance settings.
 * \param state        Zone search result (knotd's in-state).
 * \param qtype        Query type.
 * \param qname        The parsed query name.
 * \param parent_only  D is not listed, only a parent of listed domains.
 */
mailsrv_action_t mailsrv_action(const mailsrv_answer_conf_t *conf,
                                knotd_in_state_t state, uint16_t qtype,
                                const mailsrv_qname_t *qname, bool parent_only);

/*!
 * \brief Writes SRV rdata.
 *
 * \param rdata   Output, MAILSRV_RDATA_MAX bytes.
 * \param record  Priority, weight, port; NULL for 0 0 0 '.'.
 * \param target  Target (a relative one is put before \a domain).
 * \param domain  Lower-case mail domain.
 * \param domain_size  Size of \a domain.
 *
 * \return Rdata length, 0 if the target would exceed 255 bytes.
 */
size_t mailsrv_srv_rdata(uint8_t *rdata, const mailsrv_record_t *record,
                         const mailsrv_target_t *target, const uint8_t *domain,
                         size_t domain_size);

/*! \brief What the hook did, for the statistics. */
typedef struct {
	mailsrv_action_t action;  /*!< MAILSRV_KEEP if the answer was left alone. */
	int service;              /*!< Catalog index (SRV, unavailable, TXT answers). */
} mailsrv_answered_t;

/*! \brief The label _tcp. */
#define MAILSRV_LABEL_TCP	(const uint8_t *)"\x04""_tcp"

/*!
 * \brief Builds the SRV rdata of every enabled service whose target for
 *        domains without their own (the service's or the configured one) is
 *        absolute, once, so that such a query only points at it. A relative
 *        target differs per domain and is built per query. Notes the lengths
 *        of the labels of the services answered.
 *
 * \return KNOT_EOK, KNOT_ENOMEM.
 */
int mailsrv_answer_prepare(mailsrv_answer_conf_t *conf);

/*! \brief Frees what mailsrv_answer_prepare() built. */
void mailsrv_answer_unprepare(mailsrv_answer_conf_t *conf);

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
	// '_tcp' or a service's, or of a configured host.
	if (name[0] == 0 || (zone->domains == MAILSRV_DOMAINS_NONE && conf->domain_mx == NULL)) {
		return false;
	}
	if (name[1] != '_') {
		return conf->autoconfig != NULL || conf->autodiscover != NULL;
	}

	return (conf->service_lengths >> name[0] & 1) ||
	       mailsrv_label_is(name, MAILSRV_LABEL_TCP);
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
