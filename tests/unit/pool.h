/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief A bump allocator standing in for knotd's per-query memory pool:
 *        the answer hook allocates records that live as long as the
 *        response, from pkt->mm, and never frees them.
 */

#pragma once

#include <libknot/mm_ctx.h>

/*! \brief The pool (its alloc() fails once 1 MiB is used). */
extern knot_mm_t test_pool;

/*! \brief Forgets everything allocated, as knotd does after each query. */
void test_pool_reset(void);
