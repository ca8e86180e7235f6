/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <libknot/libknot.h>

#include "module/answer.h"

/*! \brief Is \a label (wire) \a lower (wire, lower case) in any letter case? */
static bool label_is(const uint8_t *label, const uint8_t *lower)
{
	if (label[0] != lower[0]) {
		return false;
	}
	// (c | 0x20) equals a lower-case letter only for that letter's two cases.
	for (int i = 1; i <= lower[0]; i++) {
		bool letter = lower[i] >= 'a' && lower[i] <= 'z';
		if ((letter ? (label[i] | 0x20) : label[i]) != lower[i]) {
			return false;
		}
	}

	return true;
}

#define LABEL_TCP		(const uint8_t *)"\x04""_tcp"
#define LABEL_AUTOCONFIG	(const uint8_t *)"\x0a""autoconfig"
#define LABEL_AUTODISCOVER	(const uint8_t *)"\x0c""autodiscover"

bool mailsrv_qname_parse(const uint8_t *qname, mailsrv_qname_t *out)
{
	if (qname[0] == 0) {
		return false;
	}

	out->service = -1;
	const uint8_t *next = qname + 1 + qname[0];
	if (qname[1] != '_') {
		out->kind = MAILSRV_NAME_DOMAIN;
		out->domain = qname;
		if (*next != 0 && label_is(qname, LABEL_AUTOCONFIG)) {
			out->kind = MAILSRV_NAME_AUTOCONFIG;
			out->domain = next;
		} else if (*next != 0 && label_is(qname, LABEL_AUTODISCOVER)) {
			out->kind = MAILSRV_NAME_AUTODISCOVER;
			out->domain = next;
		}
		return true;
	}

	if (label_is(qname, LABEL_TCP)) {
		out->kind = MAILSRV_NAME_TCP;
		out->domain = next;
	} else {
		if (!label_is(next, LABEL_TCP)) {
			return false;
		}
		out->kind = MAILSRV_NAME_SERVICE;
		out->service = mailsrv_catalog_find(qname);
		out->domain = next + 5;
		if (out->service < 0) {
			return false;
		}
	}

	return out->domain[0] != 0;
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

mailsrv_action_t mailsrv_action(const mailsrv_answer_conf_t *conf,
                                knotd_in_state_t state, uint16_t qtype,
                                const mailsrv_qname_t *qname, bool parent_only)
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

/*! \brief Writes a target name, a relative one before \a domain. */
static size_t write_target(uint8_t *pos, const mailsrv_target_t *target,
                           const uint8_t *domain, size_t domain_size)
{
	memcpy(pos, target->wire, target->size);
	if (!target->relative) {
		return target->size;
	}
	if (target->size + domain_size > KNOT_DNAME_MAXLEN) {
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

/*! \brief Puts a record of \a rdata (from the per-query pool) into the answer. */
static knotd_in_state_t put_rr(knotd_in_state_t state, knot_pkt_t *pkt, knotd_qdata_t *qdata,
                               uint16_t type, uint32_t ttl, knot_rdata_t *rdata)
{
	if (rdata->len == 0) {
		return state; // Unreachable: the list and the targets were checked.
	}
	if (rdata->len & 1) {
		rdata->data[rdata->len] = 0;
	}

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

knotd_in_state_t mailsrv_answer(const mailsrv_answer_conf_t *conf,
                                const mailsrv_table_t *table, knotd_in_state_t state,
                                knot_pkt_t *pkt, knotd_qdata_t *qdata,
                                mailsrv_answered_t *answered)
{
	answered->action = MAILSRV_KEEP;
	if (state != KNOTD_IN_STATE_MISS && state != KNOTD_IN_STATE_NODATA) {
		return state;
	}

	mailsrv_qname_t qname;
	if (!mailsrv_qname_parse(qdata->name, &qname)) {
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

	// A domain above the zone apex belongs to another zone.
	uint8_t domain[KNOT_DNAME_MAXLEN];
	knot_dname_copy_lower(domain, qname.domain);
	size_t domain_size = knot_dname_size(domain);
	if (domain_size < conf->zone_size) {
		return state;
	}

	const mailsrv_target_t *target;
	if (!mailsrv_table_lookup(table, domain, domain_size, &target)) {
		return state;
	}

	uint16_t qtype = knot_pkt_qtype(qdata->query);
	answered->action = mailsrv_action(conf, state, qtype, &qname, target == &mailsrv_ancestor);
	answered->service = qname.service;
	if (answered->action == MAILSRV_KEEP) {
		return state;
	}
	if (answered->action == MAILSRV_NODATA) {
		qdata->rcode = KNOT_RCODE_NOERROR;
		return KNOTD_IN_STATE_NODATA;
	}

	// The record must live as long as the packet: the per-query pool.
	knot_rdata_t *rdata = pkt->mm.alloc(pkt->mm.ctx, knot_rdata_size(MAILSRV_RDATA_MAX));
	if (rdata == NULL) {
		qdata->rcode = KNOT_RCODE_SERVFAIL;
		return KNOTD_IN_STATE_ERROR;
	}
	const mailsrv_record_t *record;
	switch (answered->action) {
	case MAILSRV_SRV:
		// Targets: the domain's own, else the service's, else the configured.
		record = &conf->records[qname.service];
		target = (target != NULL) ? target :
		         (record->target != NULL) ? record->target : conf->target;
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
