/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief A 'record' item: "OWNER TYPE RDATA" in zone-file presentation
 *        format, read by libknot's zone scanner (libzscanner).
 */

#pragma once

#include "module/templates.h"

/*! \brief The statistics counter of the answers of a record type. */
typedef uint16_t (*mailsrv_type_counter_f)(uint16_t type);

/*!
 * \brief Reads a record template from its text and adds it.
 *
 * OWNER is relative to the mail domain and not empty; names in RDATA without
 * a trailing dot are relative to the mail domain. No TTL (the 'ttl' item
 * gives it), class IN (the scanner knows no other), no type of the zone's own (SOA, NS, DS, DNAME, DNSSEC).
 *
 * \return KNOT_EOK, KNOT_EINVAL (with \a reason), KNOT_ENOMEM.
 */
int mailsrv_template_text_add(mailsrv_templates_t *templates, const char *text,
                              mailsrv_type_counter_f counter,
                              char reason[MAILSRV_REASON_SIZE]);
