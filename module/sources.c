/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libknot/errcode.h>

#include "module/source.h"

struct mailsrv_sources {
	mailsrv_source_t **list;
	size_t count;
	bool external;  /*!< A source that changes outside the configuration. */
};

mailsrv_sources_t *mailsrv_sources_new(void)
{
	return calloc(1, sizeof(mailsrv_sources_t));
}

void mailsrv_sources_free(mailsrv_sources_t *sources)
{
	if (sources == NULL) {
		return;
	}
	for (size_t i = 0; i < sources->count; i++) {
		sources->list[i]->kind->free(sources->list[i]);
	}
	free(sources->list);
	free(sources);
}

/*! \brief Appends a source (freed if it cannot be kept). */
static int add(mailsrv_sources_t *sources, mailsrv_source_t *source)
{
	mailsrv_source_t **grown = (source == NULL) ? NULL :
	        realloc(sources->list, (sources->count + 1) * sizeof(*grown));
	if (grown == NULL) {
		if (source != NULL) {
			source->kind->free(source);
		}
		return KNOT_ENOMEM;
	}
	sources->list = grown;
	sources->list[sources->count++] = source;
	sources->external |= (source->kind->look != NULL);

	return KNOT_EOK;
}

int mailsrv_sources_add_items(mailsrv_sources_t *sources, const uint8_t *const *names,
                              size_t count)
{
	return count == 0 ? KNOT_EOK : add(sources, mailsrv_source_items_new(names, count));
}

int mailsrv_sources_add_file(mailsrv_sources_t *sources, const char *path)
{
	return add(sources, mailsrv_source_file_new(path));
}

size_t mailsrv_sources_count(const mailsrv_sources_t *sources)
{
	return sources->count;
}

bool mailsrv_sources_external(const mailsrv_sources_t *sources)
{
	return sources->external;
}

uint8_t *mailsrv_sources_identity(const mailsrv_sources_t *sources, size_t *size)
{
	*size = 0;
	for (size_t i = 0; i < sources->count; i++) {
		*size += sources->list[i]->kind->identity(sources->list[i], NULL);
	}
	uint8_t *buf = malloc(*size + 1), *pos = buf;
	for (size_t i = 0; buf != NULL && i < sources->count; i++) {
		pos += sources->list[i]->kind->identity(sources->list[i], pos);
	}

	return buf;
}

void mailsrv_sources_look(const mailsrv_sources_t *sources, mailsrv_source_state_t *states)
{
	for (size_t i = 0; i < sources->count; i++) {
		if (sources->list[i]->kind->look != NULL) {
			sources->list[i]->kind->look(sources->list[i], &states[i]);
		} else {
			states[i] = (mailsrv_source_state_t){ 0 };
		}
	}
}

bool mailsrv_sources_changed(const mailsrv_sources_t *sources,
                             const mailsrv_source_state_t *known,
                             const mailsrv_source_state_t *now)
{
	for (size_t i = 0; i < sources->count; i++) {
		const mailsrv_source_kind_t *kind = sources->list[i]->kind;
		if (kind->changed != NULL && kind->changed(&known[i], &now[i])) {
			return true;
		}
	}

	return false;
}

int mailsrv_sources_read(const mailsrv_sources_t *sources, mailsrv_list_t *list,
                         mailsrv_source_state_t *states, char err[MAILSRV_ERR_SIZE])
{
	// Sources after a failing one are not read: no state of an earlier read.
	memset(states, 0, sources->count * sizeof(*states));
	for (size_t i = 0; i < sources->count; i++) {
		int ret = sources->list[i]->kind->read(sources->list[i], list, &states[i], err);
		if (ret != KNOT_EOK) {
			return ret;
		}
	}

	return mailsrv_list_add_ancestors(list);
}

uint64_t mailsrv_sources_settle(const mailsrv_sources_t *sources,
                                const mailsrv_source_state_t *states, size_t *which)
{
	uint64_t wait = 0;
	for (size_t i = 0; i < sources->count; i++) {
		const mailsrv_source_kind_t *kind = sources->list[i]->kind;
		uint64_t settle = (kind->settle != NULL && states[i].seen) ?
		                  kind->settle(&states[i]) : 0;
		if (settle > wait) {
			wait = settle;
			*which = i;
		}
	}

	return wait;
}

bool mailsrv_sources_moved(const mailsrv_sources_t *sources,
                           const mailsrv_source_state_t *states)
{
	for (size_t i = 0; i < sources->count; i++) {
		const mailsrv_source_kind_t *kind = sources->list[i]->kind;
		if (kind->look == NULL || kind->changed == NULL || !states[i].seen) {
			continue;
		}
		// A change since the read, however recent the read was.
		mailsrv_source_state_t known = states[i], now;
		known.racy = false;
		kind->look(sources->list[i], &now);
		if (kind->changed(&known, &now)) {
			return true;
		}
	}

	return false;
}

const char *mailsrv_sources_describe(const mailsrv_sources_t *sources, char *buf,
                                     size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sources->count && len + 2 < size; i++) {
		if (len > 0) {
			len += snprintf(buf + len, size - len, ", ");
		}
		sources->list[i]->kind->describe(sources->list[i], buf + len, size - len);
		len += strlen(buf + len);
	}

	return buf;
}

const char *mailsrv_sources_describe_one(const mailsrv_sources_t *sources, size_t which,
                                         char *buf, size_t size)
{
	sources->list[which]->kind->describe(sources->list[which], buf, size);

	return buf;
}
