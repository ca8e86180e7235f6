/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief Source: the 'domain' items of the configuration. They change only
 *        with the configuration, so they have no state.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libknot/dname.h>
#include <libknot/errcode.h>

#include "module/source.h"

typedef struct {
	mailsrv_source_t base;
	size_t count;
	uint8_t *names[];  /*!< Wire names. */
} items_t;

static size_t items_identity(const mailsrv_source_t *source, uint8_t *buf)
{
	const items_t *items = (const items_t *)source;
	size_t size = 0;
	for (size_t i = 0; i < items->count; i++) {
		size_t name_size = knot_dname_size(items->names[i]);
		if (buf != NULL) {
			buf[size] = 'd';
			memcpy(buf + size + 1, items->names[i], name_size);
		}
		size += 1 + name_size;
	}

	return size;
}

static int items_read(const mailsrv_source_t *source, mailsrv_list_t *list,
                      mailsrv_source_state_t *state, char err[MAILSRV_ERR_SIZE])
{
	(void)state;
	const items_t *items = (const items_t *)source;
	for (size_t i = 0; i < items->count; i++) {
		int ret = mailsrv_list_add_name(list, items->names[i], NULL, err);
		if (ret != KNOT_EOK) {
			return ret;
		}
	}

	return KNOT_EOK;
}

static void items_describe(const mailsrv_source_t *source, char *buf, size_t size)
{
	(void)source;
	snprintf(buf, size, "'domain' items");
}

static void items_free(mailsrv_source_t *source)
{
	items_t *items = (items_t *)source;
	for (size_t i = 0; i < items->count; i++) {
		free(items->names[i]);
	}
	free(items);
}

static const mailsrv_source_kind_t ITEMS = {
	.identity = items_identity,
	.read = items_read,
	.describe = items_describe,
	.free = items_free,
};

mailsrv_source_t *mailsrv_source_items_new(const uint8_t *const *names, size_t count)
{
	items_t *items = calloc(1, sizeof(*items) + count * sizeof(items->names[0]));
	if (items == NULL) {
		return NULL;
	}
	items->base.kind = &ITEMS;
	for (; items->count < count; items->count++) {
		items->names[items->count] = knot_dname_copy(names[items->count], NULL);
		if (items->names[items->count] == NULL) {
			items_free(&items->base);
			return NULL;
		}
	}

	return &items->base;
}
