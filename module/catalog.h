/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief Catalog of the mail services the module can answer for.
 */

#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <libknot/lookup.h>

/*! \brief One mail service: owner label and the SRV record fields. */
typedef struct {
	const char *name;      /*!< Name in the configuration. */
	const uint8_t *label;  /*!< First owner label in wire format. */
	uint16_t port;         /*!< Standard port. */
	uint16_t priority;     /*!< SRV priority (implicit TLS first). */
	uint16_t weight;       /*!< SRV weight. */
	bool on_by_default;    /*!< Answered without a 'service' item. */
} mailsrv_service_t;

/*! \brief Number of services in the catalog. */
#define MAILSRV_SERVICE_COUNT	6

/*! \brief The services, in the order of their indices. */
extern const mailsrv_service_t mailsrv_catalog[MAILSRV_SERVICE_COUNT];

/*! \brief Service names for the configuration schema (index, name). */
extern const knot_lookup_t mailsrv_catalog_names[MAILSRV_SERVICE_COUNT + 1];

/*! \brief Bit mask of the services that are on by default. */
uint32_t mailsrv_catalog_defaults(void);

/*!
 * \brief Finds the service whose owner label is \a label (any letter case).
 *
 * \param label  Wire-format label (length byte first).
 *
 * \return Service index, or -1 if the label names no service.
 */
int mailsrv_catalog_find(const uint8_t *label);
