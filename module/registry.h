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
 * table: a template on 10,000 zones holds its list once.
 *
 * A source is read again only when it changed (file identity, size or
 * times, or other 'domain' items): an unchanged list is read zero times on
 * 'knotc reload', a changed one once, by the first load() that needs it. A
 * read that overlaps a write of a file is retried until the file settles,
 * for a bounded time. A new list is applied to the shared table as a
 * difference; a bad one, or one that would remove more domains than the
 * removal limit allows, changes nothing.
 *
 * After every good read the list is kept as a snapshot in knotd's storage;
 * a new table whose sources are bad is built from it, so that a restart
 * answers as before it.
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <urcu/list.h>

#include "module/domain_list.h"
#include "module/sources.h"
#include "module/domain_table.h"
#include "module/zone_coverage.h"

/*! \brief A table shared by the module instances of one configuration. */
typedef struct mailsrv_shared mailsrv_shared_t;

/*! \brief What getting a shared table did. */
typedef enum {
	MAILSRV_SHARED = 0, /*!< The table was up to date. */
	MAILSRV_BUILT,      /*!< A new table was built. */
	MAILSRV_RELOADED,   /*!< Changed sources were applied to the table. */
	MAILSRV_KEPT,       /*!< Changed sources are refused: the table is kept. */
	MAILSRV_KEPT_AGAIN, /*!< As KEPT, for sources already refused. */
	MAILSRV_SNAPSHOT,   /*!< Sources refused and no table yet: built from the snapshot. */
	MAILSRV_EMPTY,      /*!< Sources refused, no table nor snapshot: an empty one. */
} mailsrv_outcome_t;

/*! \brief What getting a shared table did, for the log. */
typedef struct {
	mailsrv_outcome_t outcome;
	size_t domains;             /*!< Domains in the table. */
	size_t duplicates;          /*!< Domains listed again with the same target. */
	size_t targets;             /*!< Distinct per-domain targets. */
	mailsrv_table_diff_t diff;  /*!< Changes applied (MAILSRV_RELOADED). */
	double seconds;             /*!< Time to read and apply the sources. */
	double snapshot_seconds;    /*!< Time to write the snapshot. */
	size_t memory;              /*!< Approximate bytes used by the table. */
	time_t snapshot_time;       /*!< When the snapshot used was written (SNAPSHOT). */
	char duplicate[MAILSRV_ERR_SIZE]; /*!< The first duplicate and where it is. */
	char error[MAILSRV_ERR_SIZE]; /*!< Why the sources were refused. */
	char snapshot[MAILSRV_ERR_SIZE]; /*!< Why no snapshot was used or written (or ""). */
	char unfit[MAILSRV_ERR_SIZE];  /*!< Why the target does not fit some domains (or ""). */
} mailsrv_shared_info_t;

/*! \brief Where a list comes from and what it must meet. */
typedef struct {
	const mailsrv_sources_t *sources;
	mailsrv_relative_t relative;    /*!< The longest relative names the records put
	                                     before a domain: they must fit. */
	unsigned removal_limit;         /*!< Percent of a list a change may remove. */
	/*! knotd's storage: snapshots go below it (NULL: none); asked only when a
	    table is built (a configuration read costs every zone). */
	const char *(*storage)(void *ctx);
	void *storage_ctx;
	/*! Which configuration loads the table: loads of one that come right
	    after each other share a look at the files (the zones of a reload). */
	unsigned long epoch;
} mailsrv_list_conf_t;

/*! \brief A list a change may not remove more than the limit of is this long. */
#define MAILSRV_REMOVAL_MIN	1000

/*!
 * \brief Reads and validates the sources, waiting (boundedly) for files
 *        that are being written; for the configuration check.
 *
 * \param err  Why they are refused (an invalid source: FILE:LINE: reason).
 *
 * \return KNOT_EOK, or an error code with \a err.
 */
int mailsrv_registry_check(const mailsrv_list_conf_t *conf, char err[MAILSRV_ERR_SIZE]);

/*!
 * \brief Gets the table of the sources for a module instance: builds it,
 *        shares it, or applies changed sources to it first. Refused sources
 *        leave an existing table as it is, or make one from the snapshot,
 *        or an empty one; they are no error (knotd 3.5 takes a zone whose
 *        module fails to load out of service).
 *
 * \note The calling thread must be registered with RCU.
 *
 * \param shared  Output: reference to the shared table.
 * \param info    Output: what was done.
 *
 * \return KNOT_EOK, KNOT_ENOMEM.
 */
int mailsrv_registry_get(const mailsrv_list_conf_t *conf, mailsrv_shared_t **shared,
                         mailsrv_shared_info_t *info);

/*!
 * \brief Drops a reference; the last one frees the table.
 *
 * \note No reader may use the reference any more (after a grace period).
 */
void mailsrv_registry_put(mailsrv_shared_t *shared);

/*! \brief The state of a shared table's list, for the zones' counters. */
typedef struct {
	size_t domains;       /*!< Domains answered. */
	uint64_t read_at;     /*!< When the list in use was read (Unix time, 0: never). */
	uint64_t stale_since; /*!< Since when the sources are refused (Unix time, 0: not). */
} mailsrv_list_status_t;

/*! \brief A zone that uses a shared table (kept by its module instance). */
typedef struct mailsrv_zone {
	struct cds_list_head link;
	knot_dname_t *apex;  /*!< Lower-case copy of the zone's name. */
	uint8_t domains;     /*!< mailsrv_domains_t: set by the coverage check, reset
	                          to ANY before every change of the table (atomic). */
	/*! Called with the table's status when attached and when it changes
	    (under the registry lock: it must not call the registry). */
	void (*notify)(struct mailsrv_zone *zone, const mailsrv_list_status_t *status);
} mailsrv_zone_t;

/*!
 * \brief Records that the zone \a apex uses the table, until
 *        mailsrv_registry_detach() (before mailsrv_registry_put()).
 *
 * \param zone  Kept by the caller until detached; its notify set.
 *
 * \return KNOT_EOK, KNOT_ENOMEM.
 */
int mailsrv_registry_attach(mailsrv_shared_t *shared, mailsrv_zone_t *zone,
                            const knot_dname_t *apex);

/*! \brief Records that the zone no longer uses the table (if it was attached). */
void mailsrv_registry_detach(mailsrv_shared_t *shared, mailsrv_zone_t *zone);

/*!
 * \brief Is the check for domains outside every zone due: did the table or
 *        its zones change since the last check, and not in the last second?
 *
 * knotd gives modules no call once all zones are loaded; a query comes only
 * after knotd has loaded the modules of all zones of its zone database, and
 * the quiet second lets a reload that loads them one by one finish first.
 * Cheap enough for every query.
 */
bool mailsrv_registry_coverage_due(const mailsrv_shared_t *shared);

/*!
 * \brief Checks for domains outside every zone that uses the table, once per
 *        change, and where each zone's mail domains are;
 *        without waiting for the registry lock (a reload holds it: a later
 *        call checks).
 *
 * \note The calling thread must be registered with RCU.
 *
 * \param out    Output: the domains outside.
 * \param zones  Output: the number of zones that use the table.
 *
 * \retval true if the result differs from the last one reported: log it.
 */
bool mailsrv_registry_coverage(mailsrv_shared_t *shared, mailsrv_coverage_t *out,
                               size_t *zones);

/*! \brief Where the zone's mail domains are (mailsrv_domains_t). Cheap enough
 *         for every query. */
static inline uint8_t mailsrv_zone_domains(const mailsrv_zone_t *zone)
{
	return __atomic_load_n(&zone->domains, __ATOMIC_RELAXED);
}

/*! \brief The table behind a reference. */
const mailsrv_table_t *mailsrv_shared_table(const mailsrv_shared_t *shared);
