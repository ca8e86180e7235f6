/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief Load-time warnings about setups that make the answers wrong.
 *
 * Synthesized records are only valid for validating resolvers when the zone
 * is signed on the fly by mod-onlinesign listed after this module, with the
 * types it answers (SRV, TXT, ...) in its NSEC bitmap. knotd's own signing, the other module order, or a
 * bitmap without their types make resolvers reject (or deny) the records.
 */

#pragma once

#include <knot/module.h>

#include "module/answer.h"

/*! \brief The zone's 'module' item (free with knotd_conf_free()). */
knotd_conf_t mailsrv_zone_modules(knotd_mod_t *mod);

/*!
 * \brief The section id of the zone's mod-mailsrv instance, if it has only
 *        one (with an id): so it is the instance's.
 *
 * \return The id (\a len bytes, in \a modules), NULL if not known.
 */
const uint8_t *mailsrv_zone_module_id(const knotd_conf_t *modules, size_t *len);

/*!
 * \brief Logs a warning for each such problem of the instance's zone.
 *
 * \param modules  The zone's 'module' item.
 * \param answer   The instance's answer settings (every type it answers
 *                 but CNAME belongs in the NSEC bitmap).
 */
void mailsrv_check_zone(knotd_mod_t *mod, const knotd_conf_t *modules,
                        const mailsrv_answer_conf_t *answer);

/*! \brief Logs a warning about knotd bugs that take the module away. */
void mailsrv_check_knotd(knotd_mod_t *mod);
