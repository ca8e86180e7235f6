/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>
#include <string.h>

#include <libknot/libknot.h>

#include "module/answer.h"

#define LABEL_AUTOCONFIG	(const uint8_t *)"\x0a""autoconfig"
#define LABEL_AUTODISCOVER	(const uint8_t *)"\x0c""autodiscover"

/*! \brief Has the wire-format name \a name upper-case letters? (Label
 *         length bytes are at most 63, below 'A'.) */
static bool has_upper(const uint8_t *name, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		if (name[i] >= 'A' && name[i] <= 'Z') {
			return true;
		}
	}

	return false;
}

/*!
 * \brief A name in lower case: itself, or a copy in the query's pool (knotd
 *        passes lower-case names, see mailsrv_answer_name(): the common path
 *        keeps no buffer on its stack).
 *
 * \return The name or its copy, NULL if out of memory.
 */
__attribute__((noinline))
static const uint8_t *lower_copy(knot_pkt_t *pkt, const uint8_t *name, size_t size)
{
	if (!has_upper(name, size)) {
		return name;
	}
	uint8_t *copy = pkt->mm.alloc(pkt->mm.ctx, size);
	if (copy != NULL) {
		knot_dname_copy_lower(copy, name);
	}

	return copy;
}

/*! \brief mailsrv_qname_parse(), inlined into the query path. */
static inline __attribute__((always_inline))
bool qname_parse(const uint8_t *qname, mailsrv_qname_t *out)
{
	if (qname[0] == 0) {
		return false;
	}

	out->service = -1;
	const uint8_t *next = qname + 1 + qname[0];
	if (qname[1] != '_') {
		out->kind = MAILSRV_NAME_DOMAIN;
		out->domain = qname;
		if (*next != 0 && mailsrv_label_is(qname, LABEL_AUTOCONFIG)) {
			out->kind = MAILSRV_NAME_AUTOCONFIG;
			out->domain = next;
		} else if (*next != 0 && mailsrv_label_is(qname, LABEL_AUTODISCOVER)) {
			out->kind = MAILSRV_NAME_AUTODISCOVER;
			out->domain = next;
		}
		return true;
	}

	if (mailsrv_label_is(qname, MAILSRV_LABEL_TCP)) {
		out->kind = MAILSRV_NAME_TCP;
		out->domain = next;
	} else {
		if (!mailsrv_label_is(next, MAILSRV_LABEL_TCP)) {
			return false;
		}
		out->kind = MAILSRV_NAME_SERVICE;
		out->service = mailsrv_service_find(qname);
		out->domain = next + 5;
		if (out->service < 0) {
			return false;
		}
	}

	return out->domain[0] != 0;
}

bool mailsrv_qname_parse(const uint8_t *qname, mailsrv_qname_t *out)
{
	return qname_parse(qname, out);
}

/*! \brief The answer at a service name. */
static mailsrv_action_t service_action(const mailsrv_answer_conf_t *conf,
                                       knotd_in_state_t state, uint16_t qtype, int service)
{
	bool enabled = conf->services & (1U << service);
	if (!enabled && !conf->unavailable) {
		return MAILSRV_KEEP;
	}

	// NODATA here means the zone has the name (or a wildcard) but not the type.
	if (qtype == KNOT_RRTYPE_SRV || qtype == KNOT_RRTYPE_ANY) {
		return enabled ? MAILSRV_SRV : MAILSRV_UNAVAILABLE;
	}
	if (qtype == KNOT_RRTYPE_TXT && enabled && conf->txt[service] != NULL) {
		return MAILSRV_TXT;
	}

	return state == KNOTD_IN_STATE_MISS ? MAILSRV_NODATA : MAILSRV_KEEP;
}

/*! \brief mailsrv_action(), inlined into the query path. */
static inline __attribute__((always_inline))
mailsrv_action_t action(const mailsrv_answer_conf_t *conf, knotd_in_state_t state,
                        uint16_t qtype, const mailsrv_qname_t *qname, bool parent_only)
{
	switch (qname->kind) {
	case MAILSRV_NAME_DOMAIN:
		// D and its parents exist: empty non-terminals unless the zone has
		// them (RFC 8020: never NXDOMAIN above an existing name).
		return state == KNOTD_IN_STATE_MISS ? MAILSRV_NODATA : MAILSRV_KEEP;
	case MAILSRV_NAME_TCP:
		return (state == KNOTD_IN_STATE_MISS && !parent_only) ? MAILSRV_NODATA : MAILSRV_KEEP;
	case MAILSRV_NAME_AUTOCONFIG:
	case MAILSRV_NAME_AUTODISCOVER:
		// A CNAME excludes other data: only where the zone has nothing.
		return (state == KNOTD_IN_STATE_MISS && !parent_only) ? MAILSRV_CNAME : MAILSRV_KEEP;
	case MAILSRV_NAME_SERVICE:
		return parent_only ? MAILSRV_KEEP : service_action(conf, state, qtype, qname->service);
	default:
		return MAILSRV_KEEP;
	}
}

mailsrv_action_t mailsrv_action(const mailsrv_answer_conf_t *conf,
                                knotd_in_state_t state, uint16_t qtype,
                                const mailsrv_qname_t *qname, bool parent_only)
{
	return action(conf, state, qtype, qname, parent_only);
}

/*! \brief Writes a target name, a relative one before \a domain. */
static size_t write_target(uint8_t *pos, const mailsrv_target_t *target,
                           const uint8_t *domain, size_t domain_size)
{
	memcpy(pos, target->wire, target->size);
	if (!target->relative) {
		return target->size;
	}
	if (!mailsrv_relative_fits(target->size, domain_size)) {
		return 0;
	}
	memcpy(pos + target->size, domain, domain_size);

	return target->size + domain_size;
}

size_t mailsrv_srv_rdata(uint8_t *rdata, const mailsrv_record_t *record,
                         const mailsrv_target_t *target, const uint8_t *domain,
                         size_t domain_size)
{
	if (record == NULL) {
		memset(rdata, 0, 7); // Priority, weight, port 0; root target.
		return 7;
	}

	knot_wire_write_u16(rdata, record->priority);
	knot_wire_write_u16(rdata + 2, record->weight);
	knot_wire_write_u16(rdata + 4, record->port);
	size_t size = write_target(rdata + 6, target, domain, domain_size);

	return size == 0 ? 0 : 6 + size;
}

/*! \brief Effective SRV target of a service for domains without their own. */
static const mailsrv_target_t *default_target(const mailsrv_answer_conf_t *conf, int service)
{
	const mailsrv_target_t *target = conf->records[service].target;

	return target != NULL ? target : conf->target;
}

int mailsrv_answer_prepare(mailsrv_answer_conf_t *conf)
{
	uint32_t answered = conf->services | (conf->unavailable ?
	                                      (1U << MAILSRV_SERVICE_COUNT) - 1 : 0);
	conf->service_lengths = 0;
	for (int i = 0; i < MAILSRV_SERVICE_COUNT; i++) {
		if (answered & (1U << i)) {
			conf->service_lengths |= 1ULL << mailsrv_services[i].label[0];
		}
	}

	for (int i = 0; i < MAILSRV_SERVICE_COUNT; i++) {
		const mailsrv_target_t *target = default_target(conf, i);
		if (!(conf->services & (1U << i)) || target->relative) {
			continue;
		}
		uint8_t data[MAILSRV_RDATA_MAX];
		size_t len = mailsrv_srv_rdata(data, &conf->records[i], target, NULL, 0);
		conf->srv[i] = malloc(knot_rdata_size(len));
		if (conf->srv[i] == NULL) {
			mailsrv_answer_unprepare(conf);
			return KNOT_ENOMEM;
		}
		knot_rdata_init(conf->srv[i], len, data);
	}

	return KNOT_EOK;
}

void mailsrv_answer_unprepare(mailsrv_answer_conf_t *conf)
{
	for (int i = 0; i < MAILSRV_SERVICE_COUNT; i++) {
		free(conf->srv[i]);
		conf->srv[i] = NULL;
	}
}

/*!
 * \brief Puts a record into the answer section.
 *
 * \param rdata  Rdata that lives as long as the response: in the query's
 *               memory pool, or prepared in the module instance (knotd
 *               finishes the response inside the query's RCU read-side
 *               section, and frees a zone's modules after a grace period).
 */
static knotd_in_state_t put_rdata(knot_pkt_t *pkt, knotd_qdata_t *qdata, uint16_t type,
                                  uint32_t ttl, knot_rdata_t *rdata)
{
	knot_rrset_t rrset;
	knot_rrset_init(&rrset, (knot_dname_t *)qdata->name, type, KNOT_CLASS_IN, ttl);
	rrset.rrs.count = 1;
	rrset.rrs.size = knot_rdata_size(rdata->len);
	rrset.rrs.rdata = rdata;

	// The first answer record is owned by QNAME: point at the question,
	// which keeps the letter case of the query.
	uint16_t hint = pkt->rrset_count == 0 ? KNOT_COMPR_HINT_QNAME : KNOT_COMPR_HINT_NONE;
	bool udp = qdata->params->proto == KNOTD_QUERY_PROTO_UDP;
	int ret = knot_pkt_put(pkt, hint, &rrset, udp ? KNOT_PF_NULL : KNOT_PF_NOTRUNC);
	if (ret == KNOT_ESPACE && udp) {
		return KNOTD_IN_STATE_TRUNC;
	} else if (ret != KNOT_EOK) {
		qdata->rcode = KNOT_RCODE_SERVFAIL;
		return KNOTD_IN_STATE_ERROR;
	}

	knot_wire_set_aa(pkt->wire);
	qdata->rcode = KNOT_RCODE_NOERROR;

	return KNOTD_IN_STATE_HIT;
}

/*! \brief Puts a record of \a rdata from the per-query pool. */
static knotd_in_state_t put_rr(knotd_in_state_t state, knot_pkt_t *pkt, knotd_qdata_t *qdata,
                               uint16_t type, uint32_t ttl, knot_rdata_t *rdata)
{
	if (rdata->len == 0) {
		return state; // Unreachable: the list and the targets were checked.
	}
	if (rdata->len & 1) {
		rdata->data[rdata->len] = 0;
	}

	return put_rdata(pkt, qdata, type, ttl, rdata);
}

/*!
 * \brief Looks a mail domain up. The table's names are lower case, and so is
 *        knotd's query name (doc/knotd-facts.md): a name found as it is needs
 *        no lower-case copy. Any other knotd still gets answers for names in
 *        upper case.
 *
 * \param domain  The name; output: the lower-case name found.
 */
static bool table_lookup(const mailsrv_table_t *table, knot_pkt_t *pkt,
                         const uint8_t **domain, size_t size,
                         const mailsrv_target_t **target)
{
	if (mailsrv_table_lookup(table, *domain, size, target)) {
		return true;
	}
	const uint8_t *lower = lower_copy(pkt, *domain, size);
	if (lower == *domain || lower == NULL ||
	    !mailsrv_table_lookup(table, lower, size, target)) {
		return false;
	}
	*domain = lower;

	return true;
}

knotd_in_state_t mailsrv_answer_name(const mailsrv_answer_conf_t *conf,
                                     const mailsrv_answer_zone_t *zone,
                                     knotd_in_state_t state, knot_pkt_t *pkt,
                                     knotd_qdata_t *qdata, mailsrv_answered_t *answered)
{
	if (state != KNOTD_IN_STATE_MISS && state != KNOTD_IN_STATE_NODATA) {
		return state;
	}

	mailsrv_qname_t qname;
	if (!qname_parse(qdata->name, &qname)) {
		return state;
	}
	// Without a configured host, autoconfig.D is a name like any other.
	if ((qname.kind == MAILSRV_NAME_AUTOCONFIG && conf->autoconfig == NULL) ||
	    (qname.kind == MAILSRV_NAME_AUTODISCOVER && conf->autodiscover == NULL)) {
		qname.kind = MAILSRV_NAME_DOMAIN;
		qname.domain = qdata->name;
	}
	if (qname.kind != MAILSRV_NAME_SERVICE && state != KNOTD_IN_STATE_MISS) {
		return state;
	}

	// A domain above the zone apex belongs to another zone; one below it is
	// looked up only if the zone may have such domains (a zone whose only
	// mail domain is its apex: any other name, as in a random-name flood).
	const uint8_t *domain = qname.domain;
	size_t domain_size = mailsrv_name_size(domain);
	if (domain_size < zone->apex_size ||
	    (domain_size > zone->apex_size && zone->domains != MAILSRV_DOMAINS_ANY)) {
		return state;
	}

	// The apex of a zone whose only mail domain it is, with the configured
	// target, needs no lookup: a name of the apex's size in the zone is the
	// apex. Nor does a zone without domains in the table, whose apex may
	// still be a mail domain by its data.
	const mailsrv_target_t *target = NULL;
	bool found = false; // The domain is the table's (lower-case) name.
	if (zone->domains != MAILSRV_DOMAINS_APEX_DEFAULT &&
	    zone->domains != MAILSRV_DOMAINS_NONE) {
		found = table_lookup(zone->table, pkt, &domain, domain_size, &target);
	}
	bool member = found || zone->domains == MAILSRV_DOMAINS_APEX_DEFAULT;
	if ((!member || target == &mailsrv_ancestor) && domain_size == zone->apex_size &&
	    (conf->domain_apex || (conf->domain_mx != NULL &&
	                           mailsrv_membership_apex(conf->domain_mx, qdata)))) {
		member = true;
		target = NULL; // The configured target.
	}
	if (!member) {
		return state;
	}

	uint16_t qtype = knot_pkt_qtype(qdata->query);
	answered->action = action(conf, state, qtype, &qname, target == &mailsrv_ancestor);
	answered->service = qname.service;
	if (answered->action == MAILSRV_KEEP) {
		return state;
	}
	if (answered->action == MAILSRV_NODATA) {
		qdata->rcode = KNOT_RCODE_NOERROR;
		return KNOTD_IN_STATE_NODATA;
	}
	if (answered->action == MAILSRV_SRV && target == NULL && conf->srv[qname.service] != NULL) {
		return put_rdata(pkt, qdata, KNOT_RRTYPE_SRV, conf->ttl, conf->srv[qname.service]);
	}

	// Names written into records are lower case, also an apex not looked up.
	if (!found) {
		domain = lower_copy(pkt, domain, domain_size);
	}

	// The record must live as long as the packet: the per-query pool.
	knot_rdata_t *rdata = pkt->mm.alloc(pkt->mm.ctx, knot_rdata_size(MAILSRV_RDATA_MAX));
	if (rdata == NULL || domain == NULL) {
		qdata->rcode = KNOT_RCODE_SERVFAIL;
		return KNOTD_IN_STATE_ERROR;
	}
	const mailsrv_record_t *record;
	switch (answered->action) {
	case MAILSRV_SRV:
		// Targets: the domain's own, else the service's, else the configured.
		record = &conf->records[qname.service];
		target = (target != NULL) ? target : default_target(conf, qname.service);
		rdata->len = mailsrv_srv_rdata(rdata->data, record, target, domain, domain_size);
		return put_rr(state, pkt, qdata, KNOT_RRTYPE_SRV, conf->ttl, rdata);
	case MAILSRV_UNAVAILABLE:
		rdata->len = mailsrv_srv_rdata(rdata->data, NULL, NULL, domain, domain_size);
		return put_rr(state, pkt, qdata, KNOT_RRTYPE_SRV, conf->ttl, rdata);
	case MAILSRV_TXT:
		rdata->len = 1 + conf->txt[qname.service][0];
		memcpy(rdata->data, conf->txt[qname.service], rdata->len);
		return put_rr(state, pkt, qdata, KNOT_RRTYPE_TXT, conf->ttl, rdata);
	default: // MAILSRV_CNAME
		target = (qname.kind == MAILSRV_NAME_AUTOCONFIG) ? conf->autoconfig : conf->autodiscover;
		rdata->len = write_target(rdata->data, target, domain, domain_size);
		return put_rr(state, pkt, qdata, KNOT_RRTYPE_CNAME, conf->ttl, rdata);
	}
}
