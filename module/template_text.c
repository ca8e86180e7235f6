/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libzscanner/scanner.h>

#include "module/template_text.h"

/*! \brief The scanner's default TTL: a record that gives none has this one. */
#define NO_TTL	UINT32_MAX

/*! \brief Why a record without an owner of its own is refused. */
#define NO_OWNER	"no records at the mail domain itself (the owner is relative to it)"

/*! \brief Is the type one the zone alone has (or no data at all)? */
static bool is_zone_type(uint16_t type)
{
	switch (type) {
	case KNOT_RRTYPE_SOA:
	case KNOT_RRTYPE_NS:
	case KNOT_RRTYPE_DS:
	case KNOT_RRTYPE_DNAME:
	case KNOT_RRTYPE_ZONEMD:
		return true;
	default:
		return knot_rrtype_is_dnssec(type) || knot_rrtype_is_metatype(type);
	}
}

/*! \brief Checks a scanned record; its owner, relative, into \a owner. */
static bool record_check(const zs_scanner_t *s, uint8_t *owner, size_t *size,
                         char reason[MAILSRV_REASON_SIZE])
{
	if (s->r_ttl != NO_TTL) {
		snprintf(reason, MAILSRV_REASON_SIZE, "a TTL in the record (the 'ttl' item gives it)");
		return false;
	}
	int labels = knot_dname_in_bailiwick(s->r_owner, MAILSRV_TEMPLATE_ORIGIN_WIRE);
	if (labels < 0) {
		snprintf(reason, MAILSRV_REASON_SIZE, "the owner is relative to the mail domain "
		         "(no trailing dot)");
		return false;
	}
	if (labels == 0) {
		snprintf(reason, MAILSRV_REASON_SIZE, NO_OWNER);
		return false;
	}
	*size = s->r_owner_length - MAILSRV_TEMPLATE_ORIGIN_SIZE;
	memcpy(owner, s->r_owner, *size);
	owner[*size] = '\0';
	knot_dname_to_lower(owner);
	for (const uint8_t *label = owner; *label != 0; label += 1 + *label) {
		if (label[0] == 1 && label[1] == '*') {
			snprintf(reason, MAILSRV_REASON_SIZE, "no wildcard owners");
			return false;
		}
	}
	if (is_zone_type(s->r_type)) {
		char type[16];
		knot_rrtype_to_string(s->r_type, type, sizeof(type));
		snprintf(reason, MAILSRV_REASON_SIZE, "type %s is the zone's, not synthesized", type);
		return false;
	}

	return true;
}

int mailsrv_template_text_add(mailsrv_templates_t *templates, const char *text,
                              mailsrv_type_counter_f counter,
                              char reason[MAILSRV_REASON_SIZE])
{
	// About 200 KiB: not on the stack.
	zs_scanner_t *s = malloc(sizeof(*s));
	if (s == NULL) {
		return KNOT_ENOMEM;
	}
	if (zs_init(s, MAILSRV_TEMPLATE_ORIGIN, KNOT_CLASS_IN, NO_TTL) != 0) {
		free(s);
		return KNOT_ENOMEM;
	}

	int ret = KNOT_EINVAL;
	uint8_t owner[KNOT_DNAME_MAXLEN];
	size_t size;
	if (zs_set_input_string(s, text, strlen(text)) != 0 || zs_parse_record(s) != 0 ||
	    s->state == ZS_STATE_ERROR) {
		// A text that begins with a blank has the previous owner's: none.
		if (s->error.code == ZS_BAD_PREVIOUS_OWNER) {
			snprintf(reason, MAILSRV_REASON_SIZE, NO_OWNER);
		} else {
			snprintf(reason, MAILSRV_REASON_SIZE, "invalid record (%s)",
			         zs_strerror(s->error.code));
		}
	} else if (s->state != ZS_STATE_DATA) {
		snprintf(reason, MAILSRV_REASON_SIZE, "expected 'OWNER TYPE RDATA'");
	} else if (record_check(s, owner, &size, reason)) {
		ret = mailsrv_templates_add(templates, owner, size, s->r_type, s->r_data,
		                            s->r_data_length, 0, counter(s->r_type), reason);
		if (ret == KNOT_EOK && (zs_parse_record(s) != 0 || s->state != ZS_STATE_EOF)) {
			snprintf(reason, MAILSRV_REASON_SIZE, "expected one record");
			ret = KNOT_EINVAL;
		}
	}
	zs_deinit(s);
	free(s);

	return ret;
}
