/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief The zone's counters in 'knotc zone-stats ZONE mod-mailsrv': answers
 *        by kind, and the state of the domain list.
 *
 * knotd keeps every module counter per zone and per worker thread, so a
 * zone counts only with 'statistics: on', and registers only the kinds its
 * settings can answer.
 */

#pragma once

#include <stdint.h>

#include <knot/module.h>

#include "module/answer.h"
#include "module/registry.h"
#include "module/settings.h"

/*! \brief Kinds of counters. */
enum {
	MAILSRV_CTR_SRV = 0,      /*!< SRV answers, per service. */
	MAILSRV_CTR_UNAVAILABLE,  /*!< 'SRV 0 0 0 .' answers, per service. */
	MAILSRV_CTR_NODATA,       /*!< NODATA answers (_tcp.D, D, other types). */
	MAILSRV_CTR_CNAME,        /*!< autoconfig.D and autodiscover.D CNAME answers. */
	MAILSRV_CTR_TXT,          /*!< TXT answers (context paths), per service. */
	MAILSRV_CTR_RECORD,       /*!< Answers of 'record' templates, per type. */
	MAILSRV_CTR_LIST,         /*!< The state of the domain list (values, not counts). */
	MAILSRV_CTR_KINDS
};

/*! \brief The counter of an answer: a kind, and an index within it. */
#define MAILSRV_COUNTER(kind, index)	((uint16_t)((kind) << 8 | (index)))

/*!
 * \brief The counter of the answers of 'record' templates of a type: a
 *        process-wide index per type, named by the type in knotc (knotd asks
 *        a counter's index names without the instance).
 */
uint16_t mailsrv_counters_type(uint16_t type);

/*! \brief knotd's index of each kind of counter of a zone (-1: none). */
typedef struct {
	int8_t index[MAILSRV_CTR_KINDS];
} mailsrv_counters_t;

/*!
 * \brief Registers the zone's counters (none without 'statistics').
 *
 * \return KNOT_EOK, KNOT_ENOMEM.
 */
int mailsrv_counters_init(mailsrv_counters_t *counters, knotd_mod_t *mod,
                          const mailsrv_settings_t *settings);

/*! \brief Counts an answer. */
void mailsrv_counters_count(const mailsrv_counters_t *counters, knotd_mod_t *mod,
                            unsigned thread, const mailsrv_answered_t *answered);

/*! \brief Shows the state of the list (knotc adds up the threads' values:
 *         one thread's holds it). */
void mailsrv_counters_list(const mailsrv_counters_t *counters, knotd_mod_t *mod,
                           const mailsrv_list_status_t *status);
