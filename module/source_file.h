/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*! \file \brief Reading a file whole, as domain files and snapshots are read. */

#pragma once

#include <stddef.h>

#include "module/sources.h"

/*!
 * \brief Reads a whole regular file into memory (free \a data).
 *
 * \param state  Output: the state of the file that was read.
 *
 * \return KNOT_EOK; KNOT_EBUSY if the file changed while it was read (a
 *         write in place may have torn the read); an error with \a err.
 */
int mailsrv_file_read(const char *path, char **data, size_t *size,
                      mailsrv_source_state_t *state, char err[MAILSRV_ERR_SIZE]);
