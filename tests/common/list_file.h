/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*! \file \brief A domain file into a list, as a 'domain-file' source reads it,
 *        without the parents the sources add (tests look at them apart). */

#pragma once

#include "module/domain_list.h"

/*! \brief Reads \a path and adds its domains (mailsrv_file_read() and
 *         mailsrv_list_add_text()); returns their result. */
int test_list_add_file(mailsrv_list_t *list, const char *path, char err[MAILSRV_ERR_SIZE]);
