/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "module/counters.h"
#include "module/services.h"

/*! \brief Values of the list counter. */
enum {
	LIST_DOMAINS = 0, /*!< Domains answered. */
	LIST_READ_AT,     /*!< When the list in use was read (Unix time). */
	LIST_STALE_SINCE, /*!< Since when the sources are refused (Unix time, 0: not). */
	LIST_VALUES
};

/*! \brief Names of the list counter's values, for knotc. */
static char *list_value_to_str(uint32_t idx, uint32_t count)
{
	(void)count;
	static const char *names[LIST_VALUES] = {
		[LIST_DOMAINS] = "domains",
		[LIST_READ_AT] = "read-at",
		[LIST_STALE_SINCE] = "stale-since",
	};
	return strdup(names[idx]);
}

static char *service_to_str(uint32_t idx, uint32_t count)
{
	(void)count;
	return strdup(mailsrv_services[idx].name);
}

/*! \brief Record types counted, in the order first seen (a counter's index),
 *         and their lock; the last index counts every other type. */
#define TYPES_MAX	64
static uint16_t types[TYPES_MAX];
static unsigned types_count;
static pthread_mutex_t types_lock = PTHREAD_MUTEX_INITIALIZER;

uint16_t mailsrv_counters_type(uint16_t type)
{
	pthread_mutex_lock(&types_lock);
	unsigned i = 0;
	while (i < types_count && types[i] != type) {
		i++;
	}
	if (i == types_count && i < TYPES_MAX - 1) {
		types[types_count++] = type;
	}
	pthread_mutex_unlock(&types_lock);

	return MAILSRV_COUNTER(MAILSRV_CTR_RECORD, i);
}

static char *type_to_str(uint32_t idx, uint32_t count)
{
	(void)count;
	pthread_mutex_lock(&types_lock);
	char name[16] = "other";
	if (idx < types_count) {
		knot_rrtype_to_string(types[idx], name, sizeof(name));
	}
	pthread_mutex_unlock(&types_lock);

	return strdup(name);
}

/*!
 * \brief Indexes of a counter for the indexes in \a bits: up to the last one
 *        (the callback gets no context to map fewer), and at least two, as
 *        knotd prints no index names for a single value.
 */
static uint32_t indexes(uint64_t bits)
{
	uint32_t count = 64 - __builtin_clzll(bits);
	return count < 2 ? 2 : count;
}

/*! \brief Notes an RRset's counter (mailsrv_templates_each()). */
static void note_counter(const mailsrv_rrset_t *rrset, void *ctx)
{
	uint64_t *counted = ctx;
	uint16_t counter = mailsrv_rrset_counter(rrset);
	counted[counter >> 8] |= 1ULL << (counter & 0xff);
}

int mailsrv_counters_init(mailsrv_counters_t *counters, knotd_mod_t *mod,
                          const mailsrv_settings_t *settings)
{
	memset(counters->index, -1, sizeof(counters->index));
	if (!settings->statistics) {
		return KNOT_EOK;
	}

	uint64_t counted[MAILSRV_CTR_KINDS] = { [MAILSRV_CTR_NODATA] = 1,
	                                        [MAILSRV_CTR_LIST] = 1 };
	mailsrv_templates_each(settings->answer.templates, note_counter, counted);
	const struct {
		const char *name;
		char *(*idx_to_str)(uint32_t, uint32_t); /*!< Names of the indexes, or NULL. */
	} kinds[MAILSRV_CTR_KINDS] = {
		[MAILSRV_CTR_SRV] = { "srv", service_to_str },
		[MAILSRV_CTR_UNAVAILABLE] = { "unavailable", service_to_str },
		[MAILSRV_CTR_NODATA] = { "nodata", NULL },
		[MAILSRV_CTR_CNAME] = { "cname", NULL },
		[MAILSRV_CTR_TXT] = { "txt", service_to_str },
		[MAILSRV_CTR_RECORD] = { "record", type_to_str },
		[MAILSRV_CTR_LIST] = { "list", list_value_to_str },
	};

	int next = 0;
	for (int kind = 0; kind < MAILSRV_CTR_KINDS; kind++) {
		if (counted[kind] == 0) {
			continue;
		}
		int ret = (kind == MAILSRV_CTR_LIST) ?
		          knotd_mod_stats_add(mod, kinds[kind].name, LIST_VALUES, list_value_to_str) :
		          (kinds[kind].idx_to_str != NULL) ?
		          knotd_mod_stats_add(mod, kinds[kind].name, indexes(counted[kind]),
		                              kinds[kind].idx_to_str) :
		          knotd_mod_stats_add(mod, kinds[kind].name, 1, NULL);
		if (ret != KNOT_EOK) {
			return ret;
		}
		counters->index[kind] = next++;
	}

	return KNOT_EOK;
}

void mailsrv_counters_count(const mailsrv_counters_t *counters, knotd_mod_t *mod,
                            unsigned thread, const mailsrv_answered_t *answered)
{
	if (answered->action == MAILSRV_KEEP) {
		return;
	}
	uint16_t counter = (answered->action == MAILSRV_NODATA) ?
	                   MAILSRV_COUNTER(MAILSRV_CTR_NODATA, 0) : answered->counter;
	int index = counters->index[counter >> 8];
	if (index >= 0) {
		knotd_mod_stats_incr(mod, thread, index, counter & 0xff, 1);
	}
}
void mailsrv_counters_list(const mailsrv_counters_t *counters, knotd_mod_t *mod,
                           const mailsrv_list_status_t *status)
{
	int ctr = counters->index[MAILSRV_CTR_LIST];
	if (ctr < 0) {
		return;
	}
	knotd_mod_stats_store(mod, 0, ctr, LIST_DOMAINS, status->domains);
	knotd_mod_stats_store(mod, 0, ctr, LIST_READ_AT, status->read_at);
	knotd_mod_stats_store(mod, 0, ctr, LIST_STALE_SINCE, status->stale_since);
}
