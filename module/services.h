/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief Catalog of the services the module can answer for, and the SRV
 *        record each configuration gives them.
 */

#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <libknot/lookup.h>

#include "module/name.h"
#include "module/templates.h"

/*! \brief One service: owner label and the default SRV record fields. */
typedef struct {
	const char *name;      /*!< Name in the configuration. */
	const uint8_t *label;  /*!< First owner label in wire format. */
	uint16_t port;         /*!< Standard port. */
	uint16_t priority;     /*!< SRV priority (implicit TLS first). */
	uint16_t weight;       /*!< SRV weight. */
	bool on_by_default;    /*!< Answered without a 'service' item. */
} mailsrv_service_t;

/*! \brief Number of services in the catalog. */
#define MAILSRV_SERVICE_COUNT	11

/*! \brief Catalog indices of the services with an RFC 6764 context path. */
enum {
	MAILSRV_CALDAVS = 7,
	MAILSRV_CARDDAVS = 8,
};

/*! \brief The services, in the order of their indices. */
extern const mailsrv_service_t mailsrv_services[MAILSRV_SERVICE_COUNT];

/*! \brief Service names for the configuration schema (index, name). */
extern const knot_lookup_t mailsrv_service_names[MAILSRV_SERVICE_COUNT + 1];

/*! \brief Bit mask of the services that are on by default. */
uint32_t mailsrv_services_default(void);

/*! \brief The SRV record a configuration gives a service. */
typedef struct {
	uint16_t priority;
	uint16_t weight;
	uint16_t port;
	mailsrv_target_t *target;  /*!< NULL: the domain's or the configured target. */
} mailsrv_record_t;

/*! \brief The catalog's record of service \a index (no own target). */
mailsrv_record_t mailsrv_service_record(int index);

/*!
 * \brief Parses a 'service-record' value: "SERVICE PRIORITY WEIGHT PORT
 *        TARGET", where "-" keeps the catalog's value (or, for the target,
 *        the domain's or the configured one).
 *
 * \param txt      The value.
 * \param service  Output: the service index.
 * \param record   Output: the record (its target is allocated, or NULL).
 * \param reason   Why the value is refused.
 *
 * \retval true if valid.
 */
bool mailsrv_record_parse(const char *txt, int *service, mailsrv_record_t *record,
                          char reason[MAILSRV_REASON_SIZE]);

/*! \brief Writes the owner _svc._tcp of a service (relative labels).
 *
 * \return Its size. */
size_t mailsrv_service_owner(int service, uint8_t owner[KNOT_DNAME_MAXLEN]);

/*! \brief The services of a configuration and their records. */
typedef struct {
	uint32_t enabled;      /*!< Bit per catalog index. */
	bool unavailable;      /*!< 'SRV 0 0 0 .' for the others. */
	const mailsrv_record_t *records;  /*!< Per catalog index. */
	const mailsrv_target_t *target;   /*!< The configured target. */
	uint16_t srv_counter;          /*!< Counter of the SRV answers of service 0
	                                    (service i: the counter i after it)... */
	uint16_t unavailable_counter;  /*!< ...and of 'SRV 0 0 0 .'. */
} mailsrv_services_conf_t;

/*!
 * \brief Adds the SRV record templates of the services answered: each
 *        enabled one's (its record; the domain's own target first, else the
 *        record's, else the configured one), and 'SRV 0 0 0 .' for the others
 *        with 'unavailable'.
 *
 * \return KNOT_EOK, KNOT_EINVAL (with \a reason), KNOT_ENOMEM.
 */
int mailsrv_services_add(mailsrv_templates_t *templates, const mailsrv_services_conf_t *conf,
                         char reason[MAILSRV_REASON_SIZE]);
