/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief What a kind of source does, for module/sources.c; one file per kind
 *        (source_items.c, source_file.c). A new kind is one new file and
 *        one function in sources.c that adds it.
 */

#pragma once

#include "module/sources.h"

typedef struct mailsrv_source mailsrv_source_t;

/*! \brief The operations of a kind of source. */
typedef struct {
	/*! Writes the identity to \a buf (NULL: only counts); returns its size. */
	size_t (*identity)(const mailsrv_source_t *source, uint8_t *buf);
	/*! Takes the state now, all zero if it cannot (NULL: the kind changes only
	    with the configuration; a kind that has it has changed() too). */
	void (*look)(const mailsrv_source_t *source, mailsrv_source_state_t *state);
	/*! Has it changed from \a known (as read) to \a now? (NULL: never.) */
	bool (*changed)(const mailsrv_source_state_t *known, const mailsrv_source_state_t *now);
	/*! Reads the domains into \a list; \a state: as read. */
	int (*read)(const mailsrv_source_t *source, mailsrv_list_t *list,
	            mailsrv_source_state_t *state, char err[MAILSRV_ERR_SIZE]);
	/*! Nanoseconds until what was read as \a state counts as complete (NULL: 0;
	    called for a state that was seen). */
	uint64_t (*settle)(const mailsrv_source_state_t *state);
	/*! Writes a description for messages. */
	void (*describe)(const mailsrv_source_t *source, char *buf, size_t size);
	/*! Frees the source. */
	void (*free)(mailsrv_source_t *source);
} mailsrv_source_kind_t;

/*! \brief A source: its kind first, then the kind's own data. */
struct mailsrv_source {
	const mailsrv_source_kind_t *kind;
};

/*! \brief 'domain' items (wire names, copied); NULL if out of memory. */
mailsrv_source_t *mailsrv_source_items_new(const uint8_t *const *names, size_t count);

/*! \brief A domain file (path copied); NULL if out of memory. */
mailsrv_source_t *mailsrv_source_file_new(const char *path);
