/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief Which listed domains no zone that uses the list can answer for.
 *
 * A mail domain is answered only through a zone whose apex is the domain or
 * one of its parents and that uses the module with the domain's list; a
 * domain outside all of them is listed for nothing (a typo, or a zone that
 * lacks 'module: mod-mailsrv/ID').
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libknot/dname.h>

#include "module/domain_table.h"

/*! \brief Where a zone's mail domains are, as far as the check knows. */
typedef enum {
	MAILSRV_DOMAINS_ANY = 0,      /*!< Not known, or below the apex too: any name
	                                   may be in the table. */
	MAILSRV_DOMAINS_APEX,         /*!< At most the apex, with a target of its own or
	                                   only as a parent of other zones' domains. */
	MAILSRV_DOMAINS_APEX_DEFAULT, /*!< The apex alone, with the configured target:
	                                   nothing to look up. */
	MAILSRV_DOMAINS_NONE,         /*!< None in the table (the apex may still be one
	                                   by the zone's data: domain-apex, domain-mx). */
} mailsrv_domains_t;

/*! \brief A zone apex: lower-case wire-format name. */
typedef struct {
	const uint8_t *name;
	size_t size;
	void *owner;      /*!< The caller's, passed through. */
	uint8_t domains;  /*!< Output: mailsrv_domains_t of the zone. */
} mailsrv_apex_t;

/*! \brief Listed domains outside every zone. */
typedef struct {
	size_t outside;                        /*!< How many. */
	uint8_t first[KNOT_DNAME_MAXLEN];      /*!< The first in canonical order. */
} mailsrv_coverage_t;

/*!
 * \brief Counts the domains of \a table outside all \a apexes.
 *
 * \note As for mailsrv_table_foreach().
 *
 * \param apexes  Apexes of the zones (sorted here; duplicates allowed); each
 *                one's 'domains' is set from the domains it is the closest
 *                apex of.
 * \param count   Number of \a apexes.
 * \param out     Output: the domains outside.
 */
void mailsrv_coverage_count(const mailsrv_table_t *table, mailsrv_apex_t *apexes,
                            size_t count, mailsrv_coverage_t *out);
