/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief Snapshot of the last good list of one set of sources, so that a
 *        restart with a bad or missing list answers as before it.
 *
 * A snapshot is a domain file (the same format, readable and usable by an
 * operator) whose last line is "# end: domains N, written T, xxh3 H": the
 * number of domains, when it was written (Unix time) and the XXH3 hash of
 * everything before that line. It is written to a temporary file, synced
 * and renamed over the old one, so that a crash leaves the old or the new
 * snapshot, never a mix; a snapshot that fails its checks is not used.
 */

#pragma once

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "module/domain_list.h"

/*!
 * \brief The snapshot path of sources identified by \a key (bytes that
 *        differ for every other set of sources): STORAGE/mailsrv/HASH.snapshot.
 *
 * \return New string (free it), NULL if out of memory.
 */
char *mailsrv_snapshot_path(const char *storage, const uint8_t *key, size_t key_size);

/*!
 * \brief Writes the domains of a list (not the parents it adds) as the
 *        snapshot at \a path, creating its directory if needed.
 *
 * \param sources  What the list was read from, for the file's header.
 * \param err      Why it failed.
 *
 * \return KNOT_EOK, or an error code with \a err.
 */
int mailsrv_snapshot_write(const char *path, const mailsrv_list_t *list,
                           const char *sources, char err[MAILSRV_ERR_SIZE]);

/*!
 * \brief Reads a snapshot into an empty list (with the parents of its
 *        domains, as mailsrv_sources_read() does).
 *
 * \param written  Output: when the snapshot was written.
 * \param err      Why it cannot be used: missing, damaged, invalid.
 *
 * \return KNOT_EOK; KNOT_ENOENT if there is none; another error with \a err.
 */
int mailsrv_snapshot_read(const char *path, mailsrv_list_t *list, time_t *written,
                          char err[MAILSRV_ERR_SIZE]);

/*!
 * \brief Counts the domains of a snapshot and how many of them \a list
 *        lists too, without reading it into a list.
 *
 * \return KNOT_EOK; KNOT_ENOENT if there is none; another error with \a err.
 */
int mailsrv_snapshot_kept(const char *path, const mailsrv_list_t *list, size_t *domains,
                          size_t *kept, char err[MAILSRV_ERR_SIZE]);
