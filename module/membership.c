/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libknot/libknot.h>

#include "module/membership.h"

/*! \brief A 'domain-mx' host: the name, or the name below which every host
 *         matches. */
typedef struct {
	uint8_t size;
	bool below;
	uint8_t wire[KNOT_DNAME_MAXLEN]; /*!< Lower case, absolute. */
} host_t;

struct mailsrv_membership {
	size_t count;
	host_t hosts[];
};

#define LABEL_ASTERISK	(const uint8_t *)"\x01""*"

/*! \brief Parses a 'domain-mx' host ('*.' and a name: every host below it). */
static bool host_parse(const uint8_t *wire, host_t *host, char reason[MAILSRV_REASON_SIZE])
{
	host->below = mailsrv_label_is(wire, LABEL_ASTERISK);
	mailsrv_name_t name;
	if (!mailsrv_name_from_wire(host->below ? wire + 2 : wire, &name, reason)) {
		return false;
	}
	if (host->below && name.size == 1) {
		snprintf(reason, MAILSRV_REASON_SIZE, "'*.' matches every host");
		return false;
	}
	if (!mailsrv_name_is_host(&name, "a null MX", reason)) {
		return false;
	}
	host->size = name.size;
	memcpy(host->wire, name.wire, name.size);

	return true;
}

bool mailsrv_membership_host_check(const uint8_t *host, char reason[MAILSRV_REASON_SIZE])
{
	host_t parsed;

	return host_parse(host, &parsed, reason);
}

int mailsrv_membership_new(mailsrv_membership_t **out, const uint8_t *const *hosts,
                           size_t count)
{
	*out = NULL;
	if (count == 0) {
		return KNOT_EOK;
	}
	mailsrv_membership_t *membership = calloc(1, sizeof(*membership) +
	                                             count * sizeof(host_t));
	if (membership == NULL) {
		return KNOT_ENOMEM;
	}
	for (size_t i = 0; i < count; i++) {
		// The configuration check refused hosts that do not parse.
		char reason[MAILSRV_REASON_SIZE];
		membership->count += host_parse(hosts[i], &membership->hosts[membership->count],
		                                reason);
	}
	*out = membership;

	return KNOT_EOK;
}

void mailsrv_membership_free(mailsrv_membership_t *membership)
{
	free(membership);
}

/*! \brief Is \a name (of \a size) the host, or below it? */
static bool host_matches(const host_t *host, const uint8_t *name, size_t size)
{
	if (size < host->size || (size == host->size) == host->below) {
		return false;
	}
	while (size > host->size) {
		size -= 1 + name[0];
		name += 1 + name[0];
	}

	return size == host->size && mailsrv_wire_is(name, host->wire, size);
}

bool mailsrv_membership_mx(const mailsrv_membership_t *membership, const knot_rrset_t *mx)
{
	knot_rdata_t *rdata = mx->rrs.rdata;
	for (uint16_t i = 0; i < mx->rrs.count; i++) {
		const uint8_t *name = knot_mx_name(rdata);
		size_t size = mailsrv_name_size(name);
		for (size_t h = 0; h < membership->count; h++) {
			if (host_matches(&membership->hosts[h], name, size)) {
				return true;
			}
		}
		rdata = knot_rdataset_next(rdata);
	}

	return false;
}

bool mailsrv_membership_apex(const mailsrv_membership_t *membership, knotd_qdata_t *qdata)
{
	knot_rrset_t mx = knotd_qdata_zone_apex_rrset(qdata, KNOT_RRTYPE_MX);

	return mailsrv_membership_mx(membership, &mx);
}
