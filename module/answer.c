/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>
#include <string.h>

#include <libknot/libknot.h>

#include "module/answer.h"

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

/*!
 * \brief Puts records into the answer section.
 *
 * \param rrs  Records that live as long as the response: in the query's
 *             memory pool, or prepared in the settings (knotd finishes the
 *             response inside the query's RCU read-side section, and frees a
 *             zone's modules after a grace period).
 */
static knotd_in_state_t put_records(knot_pkt_t *pkt, knotd_qdata_t *qdata, uint16_t type,
                                    uint32_t ttl, const knot_rdataset_t *rrs)
{
	knot_rrset_t rrset;
	knot_rrset_init(&rrset, (knot_dname_t *)qdata->name, type, KNOT_CLASS_IN, ttl);
	rrset.rrs = *rrs;

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

/*!
 * \brief Puts an RRset of a mail domain's template, and for ANY the RRsets
 *        after it.
 *
 * \param domain  The mail domain.
 * \param lower   It is in lower case (the table's name).
 * \param own     Its own target (or NULL).
 */
static knotd_in_state_t put_rrsets(knotd_in_state_t state, knot_pkt_t *pkt,
                                   knotd_qdata_t *qdata, uint32_t ttl,
                                   const mailsrv_node_t *node, const mailsrv_rrset_t *rrset,
                                   bool any, const uint8_t *domain, size_t domain_size,
                                   bool lower, const mailsrv_target_t *own)
{
	knotd_in_state_t next = state;
	for (; rrset != NULL; rrset = any ? mailsrv_node_next(node, rrset) : NULL) {
		// Names written into records are lower case, also an apex not
		// looked up; records that are the same for every domain need none.
		knot_rdataset_t rrs;
		const knot_rdataset_t *prepared = mailsrv_rrset_prepared(rrset, own);
		if (prepared != NULL) {
			rrs = *prepared;
		} else {
			if (!lower) {
				domain = lower_copy(pkt, domain, domain_size);
				lower = true;
			}
			int ret = (domain == NULL) ? KNOT_ENOMEM :
			          mailsrv_rrset_records(rrset, domain, domain_size, own, &pkt->mm,
			                                &rrs);
			if (ret == KNOT_ESPACE) {
				continue; // A name that does not fit this domain (the list says so).
			} else if (ret != KNOT_EOK) {
				qdata->rcode = KNOT_RCODE_SERVFAIL;
				return KNOTD_IN_STATE_ERROR;
			}
		}
		next = put_records(pkt, qdata, mailsrv_rrset_type(rrset), ttl, &rrs);
		if (next != KNOTD_IN_STATE_HIT) {
			break;
		}
	}

	return next;
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

/*! \brief Is the name a mail domain D (or a parent of one) when it is no
 *         template's? Names that begin with '_' are no host's. */
static inline bool may_be_domain(const uint8_t *name)
{
	return name[0] != 0 && name[1] != '_';
}

/*!
 * \brief Is the name a mail domain of the zone (or a parent of one)?
 *
 * \param domain  The name; output: the table's (lower-case) name if found.
 * \param target  Output: its own target, mailsrv_ancestor (a parent of mail
 *                domains only), or NULL.
 * \param found   Output: found in the table.
 */
static inline __attribute__((always_inline))
bool domain_find(const mailsrv_answer_conf_t *conf, const mailsrv_answer_zone_t *zone,
                 knot_pkt_t *pkt, knotd_qdata_t *qdata, const uint8_t **domain,
                 size_t size, const mailsrv_target_t **target, bool *found)
{
	// A domain above the zone apex belongs to another zone; one below it is
	// looked up only if the zone may have such domains (a zone whose only
	// mail domain is its apex: any other name, as in a random-name flood).
	if (size < zone->apex_size ||
	    (size > zone->apex_size && zone->domains != MAILSRV_DOMAINS_ANY)) {
		return false;
	}

	// The apex of a zone whose only mail domain it is, with the configured
	// target, needs no lookup: a name of the apex's size in the zone is the
	// apex. Nor does a zone without domains in the table, whose apex may
	// still be a mail domain by its data.
	*target = NULL;
	*found = false;
	if (zone->domains != MAILSRV_DOMAINS_APEX_DEFAULT &&
	    zone->domains != MAILSRV_DOMAINS_NONE) {
		*found = table_lookup(zone->table, pkt, domain, size, target);
	}
	bool member = *found || zone->domains == MAILSRV_DOMAINS_APEX_DEFAULT;
	if ((!member || *target == &mailsrv_ancestor) && size == zone->apex_size &&
	    (conf->domain_apex || (conf->domain_mx != NULL &&
	                           mailsrv_membership_apex(conf->domain_mx, qdata)))) {
		member = true;
		*target = NULL; // The configured target.
	}

	return member;
}

knotd_in_state_t mailsrv_answer_name(const mailsrv_answer_conf_t *conf,
                                     const mailsrv_answer_zone_t *zone,
                                     knotd_in_state_t state, knot_pkt_t *pkt,
                                     knotd_qdata_t *qdata, mailsrv_answered_t *answered)
{
	if (state != KNOTD_IN_STATE_MISS && state != KNOTD_IN_STATE_NODATA) {
		return state;
	}

	// A template's name below a mail domain D, or D itself: it and its
	// parents exist, empty non-terminals unless the zone has them (RFC 8020:
	// never NXDOMAIN above an existing name).
	size_t name_size = mailsrv_name_size(qdata->name);
	const mailsrv_node_t *node = mailsrv_templates_find(conf->templates, qdata->name,
	                                                    name_size);
	if (node == NULL && (state != KNOTD_IN_STATE_MISS || !may_be_domain(qdata->name))) {
		return state;
	}
	size_t below = (node != NULL) ? mailsrv_node_size(node) : 0;
	const uint8_t *domain = qdata->name + below;
	size_t domain_size = name_size - below;
	const mailsrv_target_t *target;
	bool found;
	bool member = domain_find(conf, zone, pkt, qdata, &domain, domain_size, &target, &found);
	// Under a parent of mail domains that is none itself, or no mail domain:
	// a template's name may still be a mail domain itself (mta-sts.D listed).
	if (node != NULL && (!member || target == &mailsrv_ancestor)) {
		if (state != KNOTD_IN_STATE_MISS || !may_be_domain(qdata->name)) {
			return state;
		}
		node = NULL;
		domain = qdata->name;
		domain_size = name_size;
		member = domain_find(conf, zone, pkt, qdata, &domain, domain_size, &target, &found);
	}
	if (!member) {
		return state;
	}

	uint16_t qtype = knot_pkt_qtype(qdata->query);
	const mailsrv_rrset_t *rrset = (node != NULL) ? mailsrv_node_rrset(node, qtype) : NULL;
	// A CNAME excludes other data: only where the zone has nothing.
	if (rrset != NULL && mailsrv_rrset_type(rrset) == KNOT_RRTYPE_CNAME &&
	    state != KNOTD_IN_STATE_MISS) {
		return state;
	}
	if (rrset == NULL) {
		// NODATA here means the zone has the name (or a wildcard).
		if (state != KNOTD_IN_STATE_MISS) {
			return state;
		}
		answered->action = MAILSRV_NODATA;
		qdata->rcode = KNOT_RCODE_NOERROR;
		return KNOTD_IN_STATE_NODATA;
	}

	answered->action = MAILSRV_RECORDS;
	answered->counter = mailsrv_rrset_counter(rrset);

	return put_rrsets(state, pkt, qdata, conf->ttl, node, rrset, qtype == KNOT_RRTYPE_ANY,
	                  domain, domain_size, found, target);
}
