/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief knotd glue: configuration, instance load and unload, query hook.
 */

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <knot/module.h>

#include "module/answer.h"
#include "module/counters.h"
#include "module/registry.h"
#include "module/settings.h"
#include "module/zone_checks.h"

/*! \brief Reads an item of the section being checked. */
static knotd_conf_t get_check_item(void *ctx, const yp_name_t *item)
{
	return knotd_conf_check_item(ctx, item);
}

/*! \brief Reads an item of the instance's section. */
static knotd_conf_t get_mod_item(void *ctx, const yp_name_t *item)
{
	return knotd_conf_mod(ctx, item);
}

/*!
 * \brief Is the process 'knotc conf-check'? Only that check reads the list:
 *        knotd reads it in load() and keeps the last good list when it is
 *        bad, and other knotc commands parse the configuration too
 *        ('knotc reload' with the configuration file), which a bad list
 *        must not stop (doc/knotd-facts.md).
 */
static bool is_conf_check(void)
{
	if (strcmp(program_invocation_short_name, "knotc") != 0) {
		return false;
	}
	char args[4096];
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t len = (fd >= 0) ? read(fd, args, sizeof(args) - 1) : -1;
	if (fd >= 0) {
		close(fd);
	}
	for (ssize_t pos = 0; pos < len; pos += strlen(args + pos) + 1) {
		args[len] = '\0';
		if (pos > 0 && strcmp(args + pos, "conf-check") == 0) {
			return true;
		}
	}

	return false;
}

/*!
 * \brief Is the check systemd's start of the knot service (the unit's
 *        'ExecStartPre=/usr/sbin/knotc conf-check'), run by systemd itself
 *        for a unit? Then a bad list must not stop knotd from starting.
 */
static bool is_service_start(void)
{
	return getppid() == 1 && getenv("INVOCATION_ID") != NULL;
}

/* knotd prints err_str after the check returns. */
static __thread char check_err[MAILSRV_ERR_SIZE];

int mailsrv_conf_check(knotd_conf_check_args_t *args)
{
	const mailsrv_settings_t *settings;
	check_err[0] = '\0';
	int ret = mailsrv_settings_get(&settings, get_check_item, args, check_err);
	if (ret == KNOT_EOK) {
		// What load() will read in the configuration being checked.
		mailsrv_settings_expect(settings, args->id, args->id_len);
	}
	if (ret == KNOT_EOK && is_conf_check()) {
		mailsrv_list_conf_t conf = { .sources = settings->sources,
		                             .relative = settings->longest_relative };
		ret = mailsrv_registry_check(&conf, check_err);
		if (ret != KNOT_EOK && ret != KNOT_ENOMEM && is_service_start()) {
			fprintf(stderr, "warning: mod-mailsrv[%.*s]: domain list refused (%s), "
			        "knotd answers from the last good list\n", (int)args->id_len,
			        args->id, check_err);
			ret = KNOT_EOK;
		}
	}
	mailsrv_settings_put(settings);
	if (ret != KNOT_EOK && check_err[0] != '\0') {
		args->err_str = check_err;
	}

	return ret;
}

/*! \brief One module instance: one zone that uses one configuration. */
typedef struct {
	knotd_mod_t *mod;
	const mailsrv_settings_t *settings; /*!< Shared with the configuration's zones. */
	mailsrv_shared_t *shared;
	const mailsrv_table_t *table;       /*!< The shared table. */
	size_t apex_size;                   /*!< Wire size of the zone's apex. */
	mailsrv_zone_t zone;                /*!< The zone, as one that uses the shared table. */
	mailsrv_counters_t counters;
} mailsrv_instance_t;

/*! \brief Shows the state of the list in the zone's counters. */
static void show_list_status(mailsrv_zone_t *zone, const mailsrv_list_status_t *status)
{
	const mailsrv_instance_t *inst = caa_container_of(zone, mailsrv_instance_t, zone);
	mailsrv_counters_list(&inst->counters, inst->mod, status);
}

/*! \brief Logs listed domains that no zone using the list answers for. */
__attribute__((noinline, cold))
static void log_coverage(knotd_mod_t *mod, mailsrv_shared_t *shared)
{
	mailsrv_coverage_t coverage;
	size_t zones;
	if (!mailsrv_registry_coverage(shared, &coverage, &zones)) {
		return;
	}
	if (coverage.outside == 0) {
		knotd_mod_log(mod, LOG_INFO, "domain list has no domains outside the zones "
		              "that use it now, zones %zu", zones);
		return;
	}
	char name[KNOT_DNAME_TXT_MAXLEN + 1];
	knot_dname_to_str(name, coverage.first, sizeof(name));
	knotd_mod_log(mod, LOG_WARNING, "domain list has domains outside every zone that "
	              "uses it, not answered, domains %zu, zones %zu, first '%s'",
	              coverage.outside, zones, name);
}

/*!
 * \brief Answers a query the zone has no answer for, and counts the answer;
 *        runs the coverage check when it is due.
 */
__attribute__((noinline))
static knotd_in_state_t solve_missing(knotd_in_state_t state, knot_pkt_t *pkt,
                                      knotd_qdata_t *qdata, knotd_mod_t *mod)
{
	assert(pkt && qdata && mod);

	const mailsrv_instance_t *inst = knotd_mod_ctx(mod);
	if (mailsrv_registry_coverage_due(inst->shared)) {
		log_coverage(mod, inst->shared);
	}

	mailsrv_answer_zone_t zone = { inst->table, inst->apex_size,
	                               mailsrv_zone_domains(&inst->zone) };
	mailsrv_answered_t answered;
	knotd_in_state_t next = mailsrv_answer(&inst->settings->answer, &zone, state, pkt, qdata,
	                                       &answered);
	if (inst->settings->statistics) {
		mailsrv_counters_count(&inst->counters, mod, qdata->params->thread_id, &answered);
	}

	return next;
}

/*!
 * \brief The ANSWER hook. Every query of the zone passes here: those the
 *        zone answers itself leave at once (solve_missing() is not inlined,
 *        so that they set up no stack frame).
 */
static knotd_in_state_t mailsrv_solve(knotd_in_state_t state, knot_pkt_t *pkt,
                                      knotd_qdata_t *qdata, knotd_mod_t *mod)
{
	if (state != KNOTD_IN_STATE_MISS && state != KNOTD_IN_STATE_NODATA) {
		return state;
	}

	return solve_missing(state, pkt, qdata, mod);
}

static void instance_free(mailsrv_instance_t *inst)
{
	if (inst->shared != NULL) {
		mailsrv_registry_detach(inst->shared, &inst->zone);
	}
	mailsrv_registry_put(inst->shared);
	mailsrv_settings_put(inst->settings);
	free(inst);
}

/*! \brief Writes how long ago a Unix time was, as "3 h 25 min". */
static const char *age_text(time_t when, char *buf, size_t size)
{
	long long age = (long long)(time(NULL) - when);
	if (age < 0) {
		age = 0;
	}
	if (age >= 86400) {
		snprintf(buf, size, "%lld d %lld h", age / 86400, age % 86400 / 3600);
	} else if (age >= 3600) {
		snprintf(buf, size, "%lld h %lld min", age / 3600, age % 3600 / 60);
	} else {
		snprintf(buf, size, "%lld min %lld s", age / 60, age % 60);
	}

	return buf;
}

/*! \brief Logs what getting the shared table did. */
static void log_table(knotd_mod_t *mod, const mailsrv_sources_t *sources,
                      const mailsrv_shared_info_t *info)
{
	if (info->outcome == MAILSRV_SHARED && info->unfit[0] == '\0') {
		return; // Nothing to say, for every zone of the list.
	}
	if (info->outcome == MAILSRV_BUILT && mailsrv_sources_none(sources)) {
		mailsrv_check_knotd(mod);
		return; // No list: mail domains by the zones' data alone.
	}
	char desc[256], age[64];
	mailsrv_sources_describe(sources, desc, sizeof(desc));

	switch (info->outcome) {
	case MAILSRV_BUILT:
		mailsrv_check_knotd(mod);
		knotd_mod_log(mod, LOG_INFO, "domain list loaded, domains %zu, own targets %zu, "
		              "duplicates %zu, time %.3f s, snapshot %.3f s, memory %zu KiB, "
		              "sources %s", info->domains, info->targets, info->duplicates,
		              info->seconds, info->snapshot_seconds, (info->memory + 1023) / 1024,
		              desc);
		break;
	case MAILSRV_RELOADED:
		knotd_mod_log(mod, LOG_INFO, "domain list reloaded, domains %zu (added %zu, "
		              "changed %zu, removed %zu), own targets %zu, duplicates %zu, "
		              "time %.3f s, snapshot %.3f s, memory %zu KiB, sources %s",
		              info->domains, info->diff.added, info->diff.changed,
		              info->diff.removed, info->targets, info->duplicates, info->seconds,
		              info->snapshot_seconds, (info->memory + 1023) / 1024, desc);
		break;
	case MAILSRV_KEPT:
		knotd_mod_log(mod, LOG_ERR, "failed to reload domain list (%s), keeping "
		              "the previous list of %zu domains", info->error, info->domains);
		break;
	case MAILSRV_SNAPSHOT:
		mailsrv_check_knotd(mod);
		knotd_mod_log(mod, LOG_ERR, "failed to load domain list (%s), answering from "
		              "the snapshot of the last good list, domains %zu, written %s ago, "
		              "sources %s", info->error, info->domains,
		              age_text(info->snapshot_time, age, sizeof(age)), desc);
		break;
	case MAILSRV_EMPTY:
		mailsrv_check_knotd(mod);
		knotd_mod_log(mod, LOG_ERR, "failed to load domain list (%s), answering "
		              "no domain until it is fixed (%s)", info->error, info->snapshot);
		break;
	case MAILSRV_KEPT_AGAIN:
		knotd_mod_log(mod, LOG_DEBUG, "domain list still refused, keeping the "
		              "previous list of %zu domains", info->domains);
		break;
	default:
		break;
	}

	bool read = (info->outcome == MAILSRV_BUILT || info->outcome == MAILSRV_RELOADED);
	if (read && info->snapshot[0] != '\0') {
		knotd_mod_log(mod, LOG_WARNING, "failed to keep a snapshot of the domain list "
		              "(%s), a restart with a bad list will not answer from it",
		              info->snapshot);
	}
	if (info->unfit[0] != '\0') {
		knotd_mod_log(mod, LOG_WARNING, "domain list does not fit the target (%s)",
		              info->unfit);
	}
	if (info->duplicates > 0 && read) {
		knotd_mod_log(mod, LOG_WARNING, "domain list repeats %zu domains with the "
		              "same target, first %s", info->duplicates, info->duplicate);
	}
}

/*! \brief knotd's database storage, where the list's snapshots are kept. */
static const char *storage_dir(void *mod)
{
	knotd_conf_t val = knotd_conf(mod, (const yp_name_t *)"\x08""database",
	                              (const yp_name_t *)"\x07""storage", NULL);
	return val.single.string;
}

/*! \brief Gets the shared domain table of the instance's sources. */
static int load_table(knotd_mod_t *mod, mailsrv_instance_t *inst)
{
	const mailsrv_settings_t *settings = inst->settings;
	mailsrv_list_conf_t conf = {
		.sources = settings->sources,
		.relative = settings->longest_relative,
		.removal_limit = settings->removal_limit,
		.storage = storage_dir,
		.storage_ctx = mod,
		.epoch = mailsrv_settings_checks(),
	};
	mailsrv_shared_info_t info = { 0 };
	int ret = mailsrv_registry_get(&conf, &inst->shared, &info);
	if (ret != KNOT_EOK) {
		knotd_mod_log(mod, LOG_ERR, "failed to load domain list (%s)", knot_strerror(ret));
		return ret;
	}
	log_table(mod, settings->sources, &info);
	inst->table = mailsrv_shared_table(inst->shared);
	inst->zone.notify = show_list_status;

	return mailsrv_registry_attach(inst->shared, &inst->zone, knotd_mod_zone(mod));
}

int mailsrv_load(knotd_mod_t *mod)
{
	mailsrv_instance_t *inst = calloc(1, sizeof(*inst));
	if (inst == NULL) {
		return KNOT_ENOMEM;
	}
	inst->mod = mod;

	// The zone's module list, for the checks and the section's id.
	knotd_conf_t modules = mailsrv_zone_modules(mod);
	size_t id_len = 0;
	const uint8_t *id = mailsrv_zone_module_id(&modules, &id_len);

	char err[MAILSRV_ERR_SIZE];
	int ret = mailsrv_settings_get_id(&inst->settings, id, id_len, get_mod_item, mod, err);
	if (ret == KNOT_EINVAL) {
		knotd_mod_log(mod, LOG_ERR, "invalid configuration (%s)", err);
	}
	inst->apex_size = knot_dname_size(knotd_mod_zone(mod));
	// Counters first: the list's state is stored in them once attached.
	if (ret == KNOT_EOK) {
		ret = mailsrv_counters_init(&inst->counters, mod, inst->settings);
	}
	if (ret == KNOT_EOK) {
		ret = load_table(mod, inst);
	}
	if (ret != KNOT_EOK) {
		knotd_conf_free(&modules);
		instance_free(inst);
		return ret;
	}

	mailsrv_check_zone(mod, &modules, &inst->settings->answer);
	knotd_conf_free(&modules);
	knotd_mod_ctx_set(mod, inst);

	// Last: knotd keeps hooks of a failed load() registered.
	ret = knotd_mod_in_hook(mod, KNOTD_STAGE_ANSWER, mailsrv_solve);
	if (ret != KNOT_EOK) {
		knotd_mod_ctx_set(mod, NULL);
		instance_free(inst);
	}

	return ret;
}

void mailsrv_unload(knotd_mod_t *mod)
{
	// knotd 3.5.4+ also unloads after a failed load().
	mailsrv_instance_t *inst = knotd_mod_ctx(mod);
	if (inst != NULL) {
		instance_free(inst);
	}
}

KNOTD_MOD_API(mailsrv, KNOTD_MOD_FLAG_SCOPE_ZONE,
              mailsrv_load, mailsrv_unload, mailsrv_schema, mailsrv_conf_check);
