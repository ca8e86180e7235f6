/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*! \file \brief A bump allocator standing in for knotd's per-query memory pool. */

#pragma once

#include <stddef.h>

#include <libknot/mm_ctx.h>

/*! \brief The pool, for a response packet and the module's allocations. */
extern knot_mm_t test_pool;

/*! \brief Bytes allocated from the pool so far. */
size_t test_pool_used(void);

/*! \brief Takes back everything allocated after the first \a mark bytes. */
void test_pool_reset(size_t mark);
