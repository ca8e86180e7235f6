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
#include <sys/types.h>

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

/*! \brief A domain file read into the list (for positions in messages). */
typedef struct {
	char *path;
} mailsrv_list_file_t;

/*! \brief Open-addressing index of list items (0: free slot, else item + 1). */
typedef struct {
	uint32_t *slots;
	size_t mask;
	size_t used;
} mailsrv_list_index_t;

/*! \brief Domains of all sources, each domain once. */
typedef struct {
	mailsrv_list_entry_t *entries; /*!< Domains in source order, then parents. */
	size_t count;                  /*!< Number of entries (domains and parents). */
	size_t ancestors;              /*!< Entries that are parents only. */
	size_t entries_max;
	uint8_t *names;                /*!< Wire names, one after another. */
	size_t names_size;
	size_t names_max;
	mailsrv_target_t **targets;    /*!< Distinct per-domain targets. */
	size_t target_count;
	size_t targets_max;
	mailsrv_list_file_t *files;    /*!< Domain files read. */
	size_t file_count;
	size_t files_max;
	size_t max_default_size;       /*!< Longest domain without its own target. */
	size_t duplicates;             /*!< Domains listed again with the same target. */
	mailsrv_list_entry_t first_duplicate; /*!< Where the first one was listed again. */
	mailsrv_list_index_t by_name;
	mailsrv_list_index_t by_target;
} mailsrv_list_t;

/*!
 * \brief Writes where a domain was listed: "FILE:LINE" or "item 'domain'".
 *
 * \return \a buf.
 */
const char *mailsrv_list_position(const mailsrv_list_t *list,
                                  const mailsrv_list_entry_t *entry, char *buf, size_t size);

/*! \brief Initializes an empty list. */
void mailsrv_list_init(mailsrv_list_t *list);

/*! \brief Frees the list's memory (targets too, unless taken). */
void mailsrv_list_deinit(mailsrv_list_t *list);

/*! \brief Wire name of a list entry. */
static inline const uint8_t *mailsrv_list_name(const mailsrv_list_t *list,
                                               const mailsrv_list_entry_t *entry)
{
	return list->names + entry->name;
}

/*! \brief Target of a list entry, NULL for the configured target. */
static inline const mailsrv_target_t *mailsrv_list_target(const mailsrv_list_t *list,
                                                          const mailsrv_list_entry_t *entry)
{
	if (entry->target == MAILSRV_LIST_ANCESTOR) {
		return &mailsrv_ancestor;
	}
	return entry->target == 0 ? NULL : list->targets[entry->target - 1];
}

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

/*!
 * \brief Finds a target equal to \a target.
 *
 * \return Index in the list's targets, -1 if none is equal.
 */
ssize_t mailsrv_list_find_target(const mailsrv_list_t *list,
                                 const mailsrv_target_t *target);

/*!
 * \brief Adds the parents of the listed domains that are not listed, so
 *        that they exist too: a listed domain is never below a name that does
 *        not exist (RFC 8020), which resolvers using QNAME minimisation ask.
 *
 * \return KNOT_EOK, KNOT_ENOMEM.
 */
int mailsrv_list_add_ancestors(mailsrv_list_t *list);

/*!
 * \brief Checks that a relative configured (or per-service) target fits
 *        every domain that uses it: those without their own target (names
 *        of at most 255 bytes).
 *
 * \return KNOT_EOK, or KNOT_EINVAL with \a err naming the domain.
 */
int mailsrv_list_check_target(const mailsrv_list_t *list, const mailsrv_target_t *target,
                              char err[MAILSRV_ERR_SIZE]);
