/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "module/counters.h"

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

/*!
 * \brief Indexes of a per-service counter for the services in \a bits: up to
 *        the last one (the callback gets no context to map fewer), and at
 *        least two, as knotd prints no index names for a single value.
 */
static uint32_t service_indexes(uint32_t bits)
{
	uint32_t count = 32 - __builtin_clz(bits);
	return count < 2 ? 2 : count;
}

int mailsrv_counters_init(mailsrv_counters_t *counters, knotd_mod_t *mod,
                          const mailsrv_settings_t *settings)
{
	memset(counters->index, -1, sizeof(counters->index));
	if (!settings->statistics) {
		return KNOT_EOK;
	}

	const mailsrv_answer_conf_t *conf = &settings->answer;
	uint32_t all = (1U << MAILSRV_SERVICE_COUNT) - 1, with_txt = 0;
	for (int i = 0; i < MAILSRV_SERVICE_COUNT; i++) {
		with_txt |= (conf->txt[i] != NULL) ? 1U << i : 0;
	}
	const struct {
		const char *name;
		uint32_t services; /*!< Per-service counter: its services, else 0. */
		bool used;
	} kinds[MAILSRV_CTR_KINDS] = {
		[MAILSRV_CTR_SRV] = { "srv", conf->services, conf->services != 0 },
		[MAILSRV_CTR_UNAVAILABLE] = { "unavailable", all & ~conf->services,
		                              conf->unavailable && (all & ~conf->services) != 0 },
		[MAILSRV_CTR_NODATA] = { "nodata", 0, true },
		[MAILSRV_CTR_CNAME] = { "cname", 0, conf->autoconfig != NULL ||
		                                    conf->autodiscover != NULL },
		[MAILSRV_CTR_TXT] = { "txt", with_txt, with_txt != 0 },
		[MAILSRV_CTR_LIST] = { "list", 0, true },
	};

	int next = 0;
	for (int kind = 0; kind < MAILSRV_CTR_KINDS; kind++) {
		if (!kinds[kind].used) {
			continue;
		}
		int ret = (kind == MAILSRV_CTR_LIST) ?
		          knotd_mod_stats_add(mod, kinds[kind].name, LIST_VALUES, list_value_to_str) :
		          (kinds[kind].services != 0) ?
		          knotd_mod_stats_add(mod, kinds[kind].name,
		                              service_indexes(kinds[kind].services), service_to_str) :
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
	int kind, idx = answered->service;
	switch (answered->action) {
	case MAILSRV_SRV:
		kind = MAILSRV_CTR_SRV;
		break;
	case MAILSRV_UNAVAILABLE:
		kind = MAILSRV_CTR_UNAVAILABLE;
		break;
	case MAILSRV_NODATA:
		kind = MAILSRV_CTR_NODATA;
		idx = 0;
		break;
	case MAILSRV_CNAME:
		kind = MAILSRV_CTR_CNAME;
		idx = 0;
		break;
	case MAILSRV_TXT:
		kind = MAILSRV_CTR_TXT;
		break;
	default:
		return;
	}
	if (counters->index[kind] >= 0) {
		knotd_mod_stats_incr(mod, thread, counters->index[kind], idx, 1);
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
