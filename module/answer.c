/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>
#include <string.h>

#include <libknot/libknot.h>

#include "module/answer.h"

/*! \brief Is \a label "_tcp" in any letter case? */
static bool is_tcp(const uint8_t *label)
{
	// (c | 0x20) equals a lower-case letter only for that letter's two cases.
	return label[0] == 4 && label[1] == '_' && (label[2] | 0x20) == 't' &&
	       (label[3] | 0x20) == 'c' && (label[4] | 0x20) == 'p';
}

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

bool mailsrv_qname_parse(const uint8_t *qname, mailsrv_qname_t *out)
{
	if (qname[0] == 0) {
		return false;
	}

	if (qname[1] != '_') {
		out->kind = MAILSRV_NAME_DOMAIN;
		out->domain = qname;
		return true;
	}

	if (is_tcp(qname)) {
		out->kind = MAILSRV_NAME_TCP;
		out->domain = qname + 5;
	} else {
		const uint8_t *second = qname + 1 + qname[0];
		if (!is_tcp(second)) {
			return false;
		}
		out->kind = MAILSRV_NAME_SERVICE;
		out->service = mailsrv_catalog_find(qname);
		out->domain = second + 5;
		if (out->service < 0) {
			return false;
		}
	}

	return out->domain[0] != 0;
}

mailsrv_action_t mailsrv_action(const mailsrv_answer_conf_t *conf,
                                knotd_in_state_t state, uint16_t qtype,
                                const mailsrv_qname_t *qname, bool parent_only)
{
	// D and its parents exist, so does _tcp.D: empty non-terminals unless the
	// zone has the name (RFC 8020: never NXDOMAIN above an existing name).
	if (qname->kind == MAILSRV_NAME_DOMAIN ||
	    (qname->kind == MAILSRV_NAME_TCP && !parent_only)) {
		return state == KNOTD_IN_STATE_MISS ? MAILSRV_NODATA : MAILSRV_KEEP;
	}
	if (qname->kind != MAILSRV_NAME_SERVICE || parent_only) {
		return MAILSRV_KEEP;
	}

	bool enabled = conf->services & (1U << qname->service);
	if (!enabled && !conf->unavailable) {
		return MAILSRV_KEEP;
	}

	// NODATA here means the zone has the name (or a wildcard) but no SRV.
	if (qtype == KNOT_RRTYPE_SRV || qtype == KNOT_RRTYPE_ANY) {
		return enabled ? MAILSRV_SRV : MAILSRV_UNAVAILABLE;
	}

	return state == KNOTD_IN_STATE_MISS ? MAILSRV_NODATA : MAILSRV_KEEP;
}

size_t mailsrv_srv_rdata(uint8_t *rdata, const mailsrv_service_t *svc,
                         const mailsrv_target_t *target, const uint8_t *domain,
                         size_t domain_size)
{
	if (svc == NULL) {
		memset(rdata, 0, 7); // Priority, weight, port 0; root target.
		return 7;
	}

	knot_wire_write_u16(rdata, svc->priority);
	knot_wire_write_u16(rdata + 2, svc->weight);
	knot_wire_write_u16(rdata + 4, svc->port);
	uint8_t *pos = rdata + 6;

	memcpy(pos, target->wire, target->size);
	if (!target->relative) {
		return 6 + target->size;
	}
	if (target->size + domain_size > KNOT_DNAME_MAXLEN) {
		return 0;
	}
	memcpy(pos + target->size, domain, domain_size);

	return 6 + target->size + domain_size;
}

int mailsrv_answer_prepare(mailsrv_answer_conf_t *conf)
{
	if (conf->target->relative) {
		return KNOT_EOK;
	}

	for (int i = 0; i < MAILSRV_SERVICE_COUNT; i++) {
		if (!(conf->services & (1U << i))) {
			continue;
		}
		uint8_t data[MAILSRV_SRV_RDATA_MAX];
		size_t len = mailsrv_srv_rdata(data, &mailsrv_catalog[i], conf->target, NULL, 0);
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
 * \brief Puts an SRV record into the answer section.
 *
 * \param rdata  Rdata that lives as long as the response: in the query's
 *               memory pool, or prepared in the module instance (knotd
 *               finishes the response inside the query's RCU read-side
 *               section, and frees a zone's modules after a grace period).
 */
static knotd_in_state_t put_rdata(knot_pkt_t *pkt, knotd_qdata_t *qdata,
                                  const mailsrv_answer_conf_t *conf, knot_rdata_t *rdata)
{
	knot_rrset_t rrset;
	knot_rrset_init(&rrset, (knot_dname_t *)qdata->name, KNOT_RRTYPE_SRV,
	                KNOT_CLASS_IN, conf->ttl);
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

/*! \brief Builds the SRV rdata in the query's memory pool and puts it. */
static knotd_in_state_t put_srv(knotd_in_state_t state, knot_pkt_t *pkt,
                                knotd_qdata_t *qdata, const mailsrv_answer_conf_t *conf,
                                const mailsrv_service_t *svc,
                                const mailsrv_target_t *target,
                                const uint8_t *domain, size_t domain_size)
{
	// Not on the stack: knotd reads the record after the hook returns.
	knot_rdata_t *rdata = pkt->mm.alloc(pkt->mm.ctx,
	                                    knot_rdata_size(MAILSRV_SRV_RDATA_MAX));
	if (rdata == NULL) {
		qdata->rcode = KNOT_RCODE_SERVFAIL;
		return KNOTD_IN_STATE_ERROR;
	}
	rdata->len = mailsrv_srv_rdata(rdata->data, svc, target, domain, domain_size);
	if (rdata->len == 0) {
		return state; // Unreachable: the list and the target were checked.
	}
	if (rdata->len & 1) {
		rdata->data[rdata->len] = 0;
	}

	return put_rdata(pkt, qdata, conf, rdata);
}

knotd_in_state_t mailsrv_answer(const mailsrv_answer_conf_t *conf,
                                const mailsrv_table_t *table, knotd_in_state_t state,
                                knot_pkt_t *pkt, knotd_qdata_t *qdata)
{
	if (state != KNOTD_IN_STATE_MISS && state != KNOTD_IN_STATE_NODATA) {
		return state;
	}

	mailsrv_qname_t qname;
	if (!mailsrv_qname_parse(qdata->name, &qname) ||
	    (qname.kind == MAILSRV_NAME_DOMAIN && state != KNOTD_IN_STATE_MISS)) {
		return state;
	}

	// A domain above the zone apex belongs to another zone.
	const uint8_t *domain = qname.domain;
	size_t domain_size = knot_dname_size(domain);
	if (domain_size < conf->zone_size) {
		return state;
	}

	// The table's names are lower case, and so is knotd's query name
	// (doc/knotd-facts.md): a name found as it is needs no lower-case copy.
	// Any other knotd still gets answers for names in upper case.
	const mailsrv_target_t *target;
	uint8_t lower[KNOT_DNAME_MAXLEN];
	if (!mailsrv_table_lookup(table, domain, domain_size, &target)) {
		if (!has_upper(domain, domain_size)) {
			return state;
		}
		knot_dname_copy_lower(lower, domain);
		domain = lower;
		if (!mailsrv_table_lookup(table, domain, domain_size, &target)) {
			return state;
		}
	}

	uint16_t qtype = knot_pkt_qtype(qdata->query);
	switch (mailsrv_action(conf, state, qtype, &qname, target == &mailsrv_ancestor)) {
	case MAILSRV_NODATA:
		qdata->rcode = KNOT_RCODE_NOERROR;
		return KNOTD_IN_STATE_NODATA;
	case MAILSRV_SRV:
		if (target == NULL && conf->srv[qname.service] != NULL) {
			return put_rdata(pkt, qdata, conf, conf->srv[qname.service]);
		}
		return put_srv(state, pkt, qdata, conf, &mailsrv_catalog[qname.service],
		               target != NULL ? target : conf->target,
		               domain, domain_size);
	case MAILSRV_UNAVAILABLE:
		return put_srv(state, pkt, qdata, conf, NULL, NULL, domain, domain_size);
	default:
		return state;
	}
}
