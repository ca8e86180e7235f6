/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief Where the domains of a list come from: the sources of one
 *        configuration, in order ('domain' items, then 'domain-file' files).
 *
 * Each source is of a kind (module/source.h: one file per kind) and has an
 * identity (equal identities read the same domains while unchanged), a state
 * that tells whether it changed since it was read without reading it, a read
 * into a list, and a description for messages. The identity of all sources
 * names the snapshot of their list: it must not change between versions.
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/types.h>

#include "module/domain_list.h"

/*! \brief What a source looked like when it was looked at or read; all zero
 *         for a source that was not (or could not be) looked at, and for
 *         a kind that changes only with the configuration ('domain' items). */
typedef struct {
	bool seen;          /*!< Looked at or read (else all zero). */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	struct timespec ctime;
	bool racy;          /*!< Taken soon after a change: another may not show yet. */
	bool unterminated;  /*!< Read with a last line without a line end. */
} mailsrv_source_state_t;

/*! \brief The sources of one configuration (opaque). */
typedef struct mailsrv_sources mailsrv_sources_t;

/*! \brief New sources, none yet (NULL if out of memory). */
mailsrv_sources_t *mailsrv_sources_new(void);

/*! \brief Frees the sources (NULL is fine). */
void mailsrv_sources_free(mailsrv_sources_t *sources);

/*!
 * \brief Adds the 'domain' items (wire names, copied).
 *
 * \return KNOT_EOK, KNOT_ENOMEM.
 */
int mailsrv_sources_add_items(mailsrv_sources_t *sources, const uint8_t *const *names,
                              size_t count);

/*!
 * \brief Adds a domain file (absolute path, copied).
 *
 * \return KNOT_EOK, KNOT_ENOMEM.
 */
int mailsrv_sources_add_file(mailsrv_sources_t *sources, const char *path);

/*! \brief Number of sources (the size of their state arrays). */
size_t mailsrv_sources_count(const mailsrv_sources_t *sources);

/*! \brief Can any source change without a change of the configuration (so
 *         that a snapshot of the list is worth keeping)? */
bool mailsrv_sources_external(const mailsrv_sources_t *sources);

/*!
 * \brief The identity of all sources: bytes that differ for every other set
 *        of sources.
 *
 * \param size  Output: the number of bytes.
 *
 * \return The bytes (free()), NULL if out of memory.
 */
uint8_t *mailsrv_sources_identity(const mailsrv_sources_t *sources, size_t *size);

/*! \brief Takes the state of every source now (\a states: one per source). */
void mailsrv_sources_look(const mailsrv_sources_t *sources, mailsrv_source_state_t *states);

/*! \brief Has any source changed from \a known (as read) to \a now? */
bool mailsrv_sources_changed(const mailsrv_sources_t *sources,
                             const mailsrv_source_state_t *known,
                             const mailsrv_source_state_t *now);

/*!
 * \brief Reads every source into \a list, then adds the parents of the
 *        listed domains (mailsrv_list_add_ancestors()).
 *
 * \param states  Output: the state of each source as it was read.
 * \param err     Why the sources are refused (FILE:LINE: reason).
 *
 * \return KNOT_EOK; KNOT_EBUSY if a source changed while it was read; the
 *         first error (with \a err).
 */
int mailsrv_sources_read(const mailsrv_sources_t *sources, mailsrv_list_t *list,
                         mailsrv_source_state_t *states, char err[MAILSRV_ERR_SIZE]);

/*!
 * \brief How long until sources read as \a states have not changed for long
 *        enough to be taken as complete (a file written in place).
 *
 * \param which  Output: the source that settles last (if any).
 *
 * \return Nanoseconds, 0 if they have settled.
 */
uint64_t mailsrv_sources_settle(const mailsrv_sources_t *sources,
                                const mailsrv_source_state_t *states, size_t *which);

/*! \brief Has any source moved since it was read as \a states (another
 *         write came while it settled)? */
bool mailsrv_sources_moved(const mailsrv_sources_t *sources,
                           const mailsrv_source_state_t *states);

/*!
 * \brief Describes the sources for messages: "'domain' items, /path/a,
 *        /path/b" (cut to \a size).
 *
 * \return \a buf.
 */
const char *mailsrv_sources_describe(const mailsrv_sources_t *sources, char *buf,
                                     size_t size);

/*! \brief Describes source \a which alone ("/path/a"). */
const char *mailsrv_sources_describe_one(const mailsrv_sources_t *sources, size_t which,
                                         char *buf, size_t size);

/*! \brief Are there no sources (mail domains only by the zones' data)? */
static inline bool mailsrv_sources_none(const mailsrv_sources_t *sources)
{
	return mailsrv_sources_count(sources) == 0;
}
