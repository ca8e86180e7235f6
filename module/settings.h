/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief The module's configuration: schema, and the settings read
 *        from a mod-mailsrv section, both by the configuration check and by
 *        load(), so that both apply the same rules.
 *
 * Sections are told apart by their values (knotd gives a module no identity
 * of its section): every item but the sources, in the order of the schema.
 * Equal values mean equal answers, so sharing them is always right.
 */

#pragma once

#include <knot/module.h>

#include "module/answer.h"
#include "module/domain_list.h"

/*! \brief The mod-mailsrv section. */
extern const yp_item_t mailsrv_schema[];

/*! \brief Reads one item: knotd_conf_check_item() or knotd_conf_mod(). */
typedef knotd_conf_t (*mailsrv_conf_get_f)(void *ctx, const yp_name_t *item);

/*!
 * \brief The settings of one configuration, read from its section once and
 *        shared (read-only) by every zone whose section reads the same: what a
 *        zone instance holds of its own is only its zone.
 */
typedef struct {
	mailsrv_answer_conf_t answer;             /*!< Prepared (mailsrv_answer_prepare()). */
	const mailsrv_target_t *longest_relative; /*!< Longest relative SRV target (or NULL). */
	unsigned removal_limit;  /*!< Percent of the list a change may remove. */
	bool statistics;         /*!< Counters in 'knotc zone-stats'. */
} mailsrv_settings_t;

/*!
 * \brief Gets the settings of a section: those of an earlier section with the
 *        same values, or new ones, read, checked and prepared.
 *
 * \param settings  Output (drop with mailsrv_settings_put()).
 * \param get       Item reader.
 * \param ctx       Its context.
 * \param err       Why the settings are refused.
 *
 * \return KNOT_EOK, KNOT_EINVAL (with \a err), KNOT_ENOMEM.
 */
int mailsrv_settings_get(const mailsrv_settings_t **settings, mailsrv_conf_get_f get,
                         void *ctx, char err[MAILSRV_ERR_SIZE]);

/*!
 * \brief Drops a reference; the last one frees the settings.
 *
 * \note No reader may use them any more (after a grace period).
 */
void mailsrv_settings_put(const mailsrv_settings_t *settings);

/*!
 * \brief Reads the domain sources of a section.
 *
 * \param sources  Output (free with mailsrv_sources_deinit()).
 * \param domains  Output: the 'domain' values (free with knotd_conf_free()).
 * \param files    Output: the 'domain-file' values (likewise).
 *
 * \return KNOT_EOK, KNOT_ENOMEM.
 */
int mailsrv_sources_read(mailsrv_sources_t *sources, knotd_conf_t *domains,
                         knotd_conf_t *files, mailsrv_conf_get_f get, void *ctx);

/*! \brief Frees the arrays of sources (not the values). */
void mailsrv_sources_deinit(mailsrv_sources_t *sources);
