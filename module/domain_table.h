/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief Mail-domain table: liburcu's RCU lock-free hash table.
 *
 * Keys are lower-case wire-format domain names hashed with a per-table
 * random seed (XXH3); values are SRV targets. Readers take no lock: they
 * run inside an RCU read-side critical section (knotd holds one around
 * every query hook). One writer at a time changes the table; removed
 * entries are freed after a grace period.
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "module/domain_list.h"
#include "module/name.h"

/*! \brief The table. */
typedef struct mailsrv_table mailsrv_table_t;

/*!
 * \brief Creates an empty table.
 *
 * \param size_hint  Expected number of domains.
 *
 * \return New table, NULL if out of memory.
 */
mailsrv_table_t *mailsrv_table_new(size_t size_hint);

/*!
 * \brief Frees the table, its entries and its targets.
 *
 * \note No reader may use the table any more (after a grace period).
 *       The calling thread must be registered with RCU.
 */
void mailsrv_table_free(mailsrv_table_t *table);

/*!
 * \brief Looks a domain up.
 *
 * \note Call inside an RCU read-side critical section; the target stays
 *       valid until it ends.
 *
 * \param table   Table.
 * \param name    Lower-case wire-format domain name.
 * \param size    Size of \a name.
 * \param target  Target of the domain (NULL: the configured target,
 *                &mailsrv_ancestor: a parent of listed domains only).
 *
 * \retval true if the name is in the table.
 */
bool mailsrv_table_lookup(const mailsrv_table_t *table, const uint8_t *name,
                          size_t size, const mailsrv_target_t **target);

/*! \brief What applying a list changed. */
typedef struct {
	size_t added;    /*!< Domains that were not in the table. */
	size_t changed;  /*!< Domains whose target was switched. */
	size_t removed;  /*!< Domains that are no longer listed. */
} mailsrv_table_diff_t;

/*!
 * \brief Makes the table hold exactly the domains of a validated list, as
 *        a difference: new domains are added, changed targets switched
 *        atomically per domain, dropped domains removed. A domain in both
 *        stays visible to readers throughout. Removed entries and targets
 *        are freed after a grace period.
 *
 * \note Writer side: one writer at a time, registered with RCU, outside a
 *       read-side critical section.
 *
 * \param table  Table.
 * \param list   Validated list; the table takes its targets.
 * \param diff   Output: what changed.
 *
 * \return KNOT_EOK, KNOT_ENOMEM (the table then holds a mix of both lists).
 */
int mailsrv_table_apply(mailsrv_table_t *table, mailsrv_list_t *list,
                        mailsrv_table_diff_t *diff);

/*!
 * \brief Calls \a visit with every listed domain (parents only not visited),
 *        in no particular order.
 *
 * \note Not concurrently with a writer. The calling thread must be
 *       registered with RCU.
 *
 * \param visit  Called with the lower-case wire-format name and \a ctx.
 */
void mailsrv_table_foreach(const mailsrv_table_t *table,
                           void (*visit)(const uint8_t *name, void *ctx), void *ctx);

/*!
 * \brief Number of the table's listed domains that a list lists too.
 *
 * \note Not concurrently with a writer. The calling thread must be
 *       registered with RCU.
 */
size_t mailsrv_table_kept(const mailsrv_table_t *table, const mailsrv_list_t *list);

/*! \brief Number of listed domains in the table (parents only not counted). */
size_t mailsrv_table_count(const mailsrv_table_t *table);

/*! \brief Approximate memory used by the table, in bytes. */
size_t mailsrv_table_memory(const mailsrv_table_t *table);
