/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdint.h>

#include "tests/common/pool.h"

static uint8_t arena[1 << 20];
static size_t arena_used;

static void *arena_alloc(void *ctx, size_t len)
{
	(void)ctx;
	len = (len + 7) & ~(size_t)7;
	if (arena_used + len > sizeof(arena)) {
		return NULL;
	}
	void *mem = arena + arena_used;
	arena_used += len;
	return mem;
}

knot_mm_t test_pool = { NULL, arena_alloc, NULL };

size_t test_pool_used(void)
{
	return arena_used;
}

void test_pool_reset(size_t mark)
{
	arena_used = mark;
}
