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
 * of its section): every item, in the order of the schema. Equal values mean
 * equal answers, so sharing them is always right. Reading a section costs
 * every zone (a configuration read is a database lookup), so a zone whose
 * section is known by its id reads none of it (mailsrv_settings_get_id()).
 */

#pragma once

#include <knot/module.h>

#include "module/answer.h"
#include "module/domain_list.h"
#include "module/sources.h"

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
	mailsrv_relative_t longest_relative; /*!< The longest relative names the
	                                          records put before a domain. */
	const mailsrv_sources_t *sources;         /*!< Where the list comes from. */
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
 * \brief Gets the settings of an instance's section \a id (the id of the
 *        zone's only mod-mailsrv instance, or NULL): those this id is known
 *        to have in the configuration in use, without reading them again;
 *        else as mailsrv_settings_get().
 *
 * knotd runs the configuration check of a section before any module of a
 * configuration that changed it is loaded (doc/knotd-facts.md). The check
 * tells what the section is expected to read (mailsrv_settings_expect());
 * the first load() that reads the same makes it known, so that every
 * other zone of the section reads nothing of it.
 */
int mailsrv_settings_get_id(const mailsrv_settings_t **settings, const uint8_t *id,
                            size_t id_len, mailsrv_conf_get_f get, void *ctx,
                            char err[MAILSRV_ERR_SIZE]);

/*! \brief Tells the settings the check read for the section \a id. */
void mailsrv_settings_expect(const mailsrv_settings_t *settings, const uint8_t *id,
                             size_t id_len);

/*! \brief How many checks knotd has run: a new configuration comes after a
 *         change of it. */
unsigned long mailsrv_settings_checks(void);

/*!
 * \brief Drops a reference; the last one frees the settings.
 *
 * \note No reader may use them any more (after a grace period).
 */
void mailsrv_settings_put(const mailsrv_settings_t *settings);
