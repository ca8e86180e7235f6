/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief Registry of shared domain tables.
 *
 * Every zone that uses a module configuration gets its own module instance,
 * but all instances whose configuration names the same sources share one
 * table: a template on 10,000 zones parses its list once.
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

#include "module/domain_list.h"
#include "module/domain_table.h"

/*! \brief A table shared by the module instances of one configuration. */
typedef struct mailsrv_shared mailsrv_shared_t;

/*! \brief What getting a shared table did, for the log. */
typedef struct {
	bool built;         /*!< The sources were read (not shared from before). */
	size_t domains;     /*!< Domains in the table. */
	size_t duplicates;  /*!< Domains listed more than once, same target. */
	size_t targets;     /*!< Distinct per-domain targets. */
	double seconds;     /*!< Time taken to read and build. */
} mailsrv_shared_info_t;

/*!
 * \brief Gets the table of \a sources: the shared one, or a new one.
 *
 * \note The calling thread must be registered with RCU.
 *
 * \param sources  Sources of the domains.
 * \param shared   Output: reference to the shared table.
 * \param info     Output: what was done.
 * \param err      Error message (an invalid source: FILE:LINE: reason).
 *
 * \return KNOT_EOK, or an error code with \a err.
 */
int mailsrv_registry_get(const mailsrv_sources_t *sources, mailsrv_shared_t **shared,
                         mailsrv_shared_info_t *info, char err[MAILSRV_ERR_SIZE]);

/*!
 * \brief Drops a reference; the last one frees the table.
 *
 * \note No reader may use the reference any more (after a grace period).
 */
void mailsrv_registry_put(mailsrv_shared_t *shared);

/*! \brief The table behind a reference. */
const mailsrv_table_t *mailsrv_shared_table(const mailsrv_shared_t *shared);
