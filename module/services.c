/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "module/services.h"

/* Ports: RFC 8314 (submissions), RFC 6186, RFC 8620 (JMAP), RFC 6764
 * (CalDAV, CardDAV); implicit TLS gets the better priority (RFC 8314
 * section 4.5.2), STARTTLS services are off by default (RFC 8314 section
 * 4.1). _autodiscover is the SRV form of Outlook's Autodiscover; _smtps is
 * not standard, but the name aerc asks for and mailcow documents. */
const mailsrv_service_t mailsrv_services[MAILSRV_SERVICE_COUNT] = {
	{ "submissions",  (const uint8_t *)"\x0c""_submissions",  465, 10, 1, true },
	{ "imaps",        (const uint8_t *)"\x06""_imaps",         993, 10, 1, true },
	{ "pop3s",        (const uint8_t *)"\x06""_pop3s",         995, 20, 1, false },
	{ "submission",   (const uint8_t *)"\x0b""_submission",    587, 20, 1, false },
	{ "imap",         (const uint8_t *)"\x05""_imap",          143, 20, 1, false },
	{ "pop3",         (const uint8_t *)"\x05""_pop3",          110, 30, 1, false },
	{ "jmap",         (const uint8_t *)"\x05""_jmap",          443, 10, 1, false },
	{ "caldavs",      (const uint8_t *)"\x08""_caldavs",       443, 10, 1, false },
	{ "carddavs",     (const uint8_t *)"\x09""_carddavs",      443, 10, 1, false },
	{ "autodiscover", (const uint8_t *)"\x0d""_autodiscover",  443, 10, 1, false },
	{ "smtps",        (const uint8_t *)"\x06""_smtps",         465, 10, 1, false },
};

const knot_lookup_t mailsrv_service_names[MAILSRV_SERVICE_COUNT + 1] = {
	{ 0, "submissions" },
	{ 1, "imaps" },
	{ 2, "pop3s" },
	{ 3, "submission" },
	{ 4, "imap" },
	{ 5, "pop3" },
	{ 6, "jmap" },
	{ MAILSRV_CALDAVS, "caldavs" },
	{ MAILSRV_CARDDAVS, "carddavs" },
	{ 9, "autodiscover" },
	{ 10, "smtps" },
	{ 0, NULL }
};

uint32_t mailsrv_services_default(void)
{
	uint32_t mask = 0;
	for (int i = 0; i < MAILSRV_SERVICE_COUNT; i++) {
		if (mailsrv_services[i].on_by_default) {
			mask |= 1U << i;
		}
	}

	return mask;
}

mailsrv_record_t mailsrv_service_record(int index)
{
	const mailsrv_service_t *svc = &mailsrv_services[index];
	return (mailsrv_record_t){ svc->priority, svc->weight, svc->port, NULL };
}

/*! \brief Parses a 16-bit field of a record, "-" keeping \a value. */
static bool parse_u16(const char *field, uint16_t *value)
{
	if (strcmp(field, "-") == 0) {
		return true;
	}
	char *end;
	errno = 0;
	unsigned long num = strtoul(field, &end, 10);
	if (errno != 0 || *end != '\0' || field[0] < '0' || field[0] > '9' || num > UINT16_MAX) {
		return false;
	}
	*value = num;

	return true;
}

bool mailsrv_record_parse(const char *txt, int *service, mailsrv_record_t *record,
                          char reason[MAILSRV_REASON_SIZE])
{
	char fields[5][1024];
	char extra;
	int count = sscanf(txt, "%1023s %1023s %1023s %1023s %1023s %c", fields[0], fields[1],
	                   fields[2], fields[3], fields[4], &extra);
	if (count != 5) {
		snprintf(reason, MAILSRV_REASON_SIZE, "expected 'SERVICE PRIORITY WEIGHT PORT "
		         "TARGET' ('-' keeps a default)");
		return false;
	}

	const knot_lookup_t *found = knot_lookup_by_name(mailsrv_service_names, fields[0]);
	if (found == NULL) {
		snprintf(reason, MAILSRV_REASON_SIZE, "unknown service '%.40s'", fields[0]);
		return false;
	}
	*service = found->id;
	*record = mailsrv_service_record(found->id);

	const char *names[] = { "priority", "weight", "port" };
	uint16_t *values[] = { &record->priority, &record->weight, &record->port };
	for (int i = 0; i < 3; i++) {
		if (!parse_u16(fields[1 + i], values[i])) {
			snprintf(reason, MAILSRV_REASON_SIZE, "invalid %s '%.20s' (0 to 65535 or '-')",
			         names[i], fields[1 + i]);
			return false;
		}
	}

	if (strcmp(fields[4], "-") == 0) {
		return true;
	}
	mailsrv_name_t name;
	char name_reason[MAILSRV_REASON_SIZE];
	if (!mailsrv_target_parse(fields[4], strlen(fields[4]), &name, name_reason)) {
		snprintf(reason, MAILSRV_REASON_SIZE, "invalid target '%.20s': %.85s", fields[4],
		         name_reason);
		return false;
	}
	record->target = mailsrv_target_new(&name);

	return record->target != NULL;
}

size_t mailsrv_service_owner(int service, uint8_t owner[KNOT_DNAME_MAXLEN])
{
	const uint8_t *label = mailsrv_services[service].label;
	memcpy(owner, label, 1 + label[0]);
	memcpy(owner + 1 + label[0], "\x04""_tcp", 5);

	return 1 + label[0] + 5;
}

int mailsrv_services_add(mailsrv_templates_t *templates, const mailsrv_services_conf_t *conf,
                         char reason[MAILSRV_REASON_SIZE])
{
	int ret = KNOT_EOK;
	for (int i = 0; i < MAILSRV_SERVICE_COUNT && ret == KNOT_EOK; i++) {
		uint8_t owner[KNOT_DNAME_MAXLEN];
		size_t size = mailsrv_service_owner(i, owner);
		uint8_t rdata[6 + KNOT_DNAME_MAXLEN + MAILSRV_TEMPLATE_ORIGIN_SIZE] = { 0 };
		const mailsrv_record_t *record = &conf->records[i];
		if (conf->enabled & (1U << i)) {
			knot_wire_write_u16(rdata, record->priority);
			knot_wire_write_u16(rdata + 2, record->weight);
			knot_wire_write_u16(rdata + 4, record->port);
			size_t len = 6 + mailsrv_templates_write_target(rdata + 6, record->target != NULL ?
			                                                record->target : conf->target);
			ret = mailsrv_templates_add(templates, owner, size, KNOT_RRTYPE_SRV, rdata, len,
			                            MAILSRV_TEMPLATE_OWN_TARGET,
			                            conf->srv_counter + i, reason);
		} else if (conf->unavailable) {
			// Priority, weight, port 0; the root ("decidedly not available").
			ret = mailsrv_templates_add(templates, owner, size, KNOT_RRTYPE_SRV, rdata, 7, 0,
			                            conf->unavailable_counter + i, reason);
		}
	}

	return ret;
}
