/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief Mail-domain list: parsing and validation of every source.
 *
 * A list collects the domains of all sources of one module configuration
 * (module/sources.h), with per-domain targets, before anything is
 * published: a source with any invalid line makes the whole list invalid,
 * reported as FILE:LINE: reason.
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "module/name.h"

/*! \brief Target index of an entry that is only a parent of listed domains. */
#define MAILSRV_LIST_ANCESTOR	UINT32_MAX

/*!
 * \brief The target of names that are only parents of listed domains: they
 *        exist (as empty non-terminals) but have no services.
 */
extern const mailsrv_target_t mailsrv_ancestor;

/*! \brief One listed mail domain, or a parent of listed domains. */
typedef struct {
	uint32_t name;    /*!< Offset of the wire name in the list's name buffer. */
	uint32_t target;  /*!< Index in the list's targets + 1 (0: configured target,
	                       MAILSRV_LIST_ANCESTOR: a parent only). */
	uint32_t line;    /*!< Line in the source file (0: configuration item). */
	uint32_t source;  /*!< 0: configuration item, else index in files + 1. */
} mailsrv_list_entry_t;

/*! \brief Domains of all sources, each domain once, in source order, then the
 *         parents of listed domains (opaque). */
typedef struct mailsrv_list mailsrv_list_t;

/*! \brief A new, empty list (NULL if out of memory). */
mailsrv_list_t *mailsrv_list_new(void);

/*! \brief Frees the list (its targets too, unless taken; NULL is fine). */
void mailsrv_list_free(mailsrv_list_t *list);

/*! \brief Empties the list, as new. */
void mailsrv_list_clear(mailsrv_list_t *list);

/*! \brief Number of entries: domains and parents. */
size_t mailsrv_list_count(const mailsrv_list_t *list);

/*! \brief Entry \a i (< mailsrv_list_count()). */
const mailsrv_list_entry_t *mailsrv_list_entry(const mailsrv_list_t *list, size_t i);

/*! \brief What a list holds besides its entries. */
typedef struct {
	size_t ancestors;         /*!< Entries that are parents only. */
	size_t targets;           /*!< Distinct own targets. */
	size_t duplicates;        /*!< Domains listed again with the same target. */
	size_t max_default_size;  /*!< Longest domain without its own target. */
	size_t max_size;          /*!< Longest domain. */
	const mailsrv_list_entry_t *first_duplicate; /*!< Where the first was listed
	                                                  again (NULL: none). */
} mailsrv_list_stats_t;

/*! \brief The list's counts. */
mailsrv_list_stats_t mailsrv_list_stats(const mailsrv_list_t *list);

/*!
 * \brief Writes where a domain was listed: "FILE:LINE" or "item 'domain'".
 *
 * \return \a buf.
 */
const char *mailsrv_list_position(const mailsrv_list_t *list,
                                  const mailsrv_list_entry_t *entry, char *buf, size_t size);

/*! \brief Wire name of a list entry. */
const uint8_t *mailsrv_list_name(const mailsrv_list_t *list, const mailsrv_list_entry_t *entry);

/*! \brief Target of a list entry, NULL for the configured target. */
const mailsrv_target_t *mailsrv_list_target(const mailsrv_list_t *list,
                                            const mailsrv_list_entry_t *entry);

/*!
 * \brief Adds a domain given in the configuration ('domain' item), or by
 *        a program, with an optional target.
 *
 * \param list    List.
 * \param name    Wire-format domain name.
 * \param target  Own target of the domain, NULL for the configured one.
 * \param err     Error message on failure.
 *
 * \return KNOT_EOK, KNOT_EINVAL (with \a err), KNOT_ENOMEM.
 */
int mailsrv_list_add_name(mailsrv_list_t *list, const uint8_t *name,
                          const mailsrv_name_t *target, char err[MAILSRV_ERR_SIZE]);

/*!
 * \brief Adds the domains of text in the domain file format.
 *
 * \param path  The file the text is from, for messages.
 *
 * \return KNOT_EOK, KNOT_EINVAL (with \a err), KNOT_ENOMEM.
 */
int mailsrv_list_add_text(mailsrv_list_t *list, const char *path, const char *data,
                          size_t size, char err[MAILSRV_ERR_SIZE]);

/*!
 * \brief Finds a domain.
 *
 * \param name  Lower-case wire-format name.
 *
 * \return The entry, NULL if the domain is not listed.
 */
const mailsrv_list_entry_t *mailsrv_list_find(const mailsrv_list_t *list,
                                              const uint8_t *name);

/*! \brief Has the list a target equal to \a target? */
bool mailsrv_list_has_target(const mailsrv_list_t *list, const mailsrv_target_t *target);

/*!
 * \brief Makes the list's entries whose target equals \a target use this
 *        object, the caller's: the list frees its own equal one. So a table
 *        keeps the targets of entries that did not change. The list then
 *        holds an object it does not own: take its targets
 *        (mailsrv_list_take_targets()) before it is freed.
 */
void mailsrv_list_use_target(mailsrv_list_t *list, const mailsrv_target_t *target);

/*!
 * \brief Gives the list's targets to the caller: an array of \a count
 *        objects (free() each and the array). Targets given to
 *        mailsrv_list_use_target() are in it again. The list's entries can
 *        no longer give their targets (mailsrv_list_target()): free the list.
 *
 * \return The array (NULL if there are none).
 */
mailsrv_target_t **mailsrv_list_take_targets(mailsrv_list_t *list, size_t *count);

/*!
 * \brief Adds the parents of the listed domains that are not listed, so
 *        that they exist too: a listed domain is never below a name that does
 *        not exist (RFC 8020), which resolvers using QNAME minimisation ask.
 *
 * \return KNOT_EOK, KNOT_ENOMEM.
 */
int mailsrv_list_add_ancestors(mailsrv_list_t *list);

/*!
 * \brief Checks that the records' relative names fit before the domains
 *        (names of at most 255 bytes): \a relative->all before every domain,
 *        \a relative->without_own (at least as long) before those without
 *        their own target.
 *
 * \return KNOT_EOK, or KNOT_EINVAL with \a err naming the domain.
 */
int mailsrv_list_check_target(const mailsrv_list_t *list, const mailsrv_relative_t *relative,
                              char err[MAILSRV_ERR_SIZE]);
