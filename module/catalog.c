/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "module/catalog.h"

/* Ports: RFC 8314 (submissions) and RFC 6186; implicit TLS gets the better
 * priority (RFC 8314 section 4.5.2), STARTTLS services are off by default
 * (RFC 8314 section 4.1). */
const mailsrv_service_t mailsrv_catalog[MAILSRV_SERVICE_COUNT] = {
	{ "submissions", (const uint8_t *)"\x0c""_submissions", 465, 10, 1, true },
	{ "imaps",       (const uint8_t *)"\x06""_imaps",        993, 10, 1, true },
	{ "pop3s",       (const uint8_t *)"\x06""_pop3s",        995, 20, 1, false },
	{ "submission",  (const uint8_t *)"\x0b""_submission",   587, 20, 1, false },
	{ "imap",        (const uint8_t *)"\x05""_imap",         143, 20, 1, false },
	{ "pop3",        (const uint8_t *)"\x05""_pop3",         110, 30, 1, false },
};

const knot_lookup_t mailsrv_catalog_names[MAILSRV_SERVICE_COUNT + 1] = {
	{ 0, "submissions" },
	{ 1, "imaps" },
	{ 2, "pop3s" },
	{ 3, "submission" },
	{ 4, "imap" },
	{ 5, "pop3" },
	{ 0, NULL }
};

uint32_t mailsrv_catalog_defaults(void)
{
	uint32_t mask = 0;
	for (int i = 0; i < MAILSRV_SERVICE_COUNT; i++) {
		if (mailsrv_catalog[i].on_by_default) {
			mask |= 1U << i;
		}
	}

	return mask;
}

/*! \brief Is \a label the catalog label \a svc in any letter case? */
static bool label_equal(const uint8_t *label, const uint8_t *svc)
{
	if (label[0] != svc[0]) {
		return false;
	}
	// Catalog labels are '_' and lower-case letters and digits; (c | 0x20)
	// equals a lower-case letter only for that letter's two cases.
	for (int i = 1; i <= svc[0]; i++) {
		uint8_t c = label[i], s = svc[i];
		if (c != s && ((c | 0x20) != s || s < 'a' || s > 'z')) {
			return false;
		}
	}

	return true;
}

int mailsrv_catalog_find(const uint8_t *label)
{
	// On the query path: compare in place, no lower-case copy, no memcmp().
	for (int i = 0; i < MAILSRV_SERVICE_COUNT; i++) {
		if (label_equal(label, mailsrv_catalog[i].label)) {
			return i;
		}
	}

	return -1;
}
