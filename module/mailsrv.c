/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief knotd glue: configuration, instance load and unload, query hook.
 */

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <knot/module.h>

#include "module/answer.h"
#include "module/catalog.h"
#include "module/registry.h"
#include "module/zone_checks.h"

#define MOD_TARGET	"\x06""target"
#define MOD_DOMAIN	"\x06""domain"
#define MOD_DOMAIN_FILE	"\x0b""domain-file"
#define MOD_TTL		"\x03""ttl"
#define MOD_SERVICE	"\x07""service"
#define MOD_UNAVAILABLE	"\x0b""unavailable"

/* knotd prints err_str after the check returns. */
static __thread char check_err[MAILSRV_ERR_SIZE];

/*! \brief Parses the 'target' item: a host name, absolute or relative. */
static bool parse_target(const char *txt, mailsrv_name_t *name, const char **reason)
{
	char reason_buf[64];
	if (!mailsrv_name_parse(txt, strlen(txt), name, reason, reason_buf)) {
		snprintf(check_err, sizeof(check_err), "%s", *reason);
		*reason = check_err;
		return false;
	}
	if (name->size == 1) {
		*reason = "'.' is not a host name (use the 'unavailable' item)";
		return false;
	}

	return true;
}

static int check_target(knotd_conf_check_args_t *args)
{
	mailsrv_name_t name;
	return parse_target((const char *)args->data, &name, &args->err_str) ?
	       KNOT_EOK : KNOT_EINVAL;
}

static int check_domain(knotd_conf_check_args_t *args)
{
	char reason_buf[64];
	if (args->data[0] == '\0') {
		args->err_str = "the root is not a mail domain";
		return KNOT_EINVAL;
	}
	if (!mailsrv_name_check_wire(args->data, &args->err_str, reason_buf)) {
		snprintf(check_err, sizeof(check_err), "%s", args->err_str);
		args->err_str = check_err;
		return KNOT_EINVAL;
	}

	return KNOT_EOK;
}

static int check_domain_file(knotd_conf_check_args_t *args)
{
	// knotd and knotc may run in different directories.
	if (args->data[0] != '/') {
		args->err_str = "not an absolute path";
		return KNOT_EINVAL;
	}

	return KNOT_EOK;
}

const yp_item_t mailsrv_conf[] = {
	{ MOD_TARGET,      YP_TSTR,   YP_VNONE, YP_FNONE, { check_target } },
	{ MOD_DOMAIN,      YP_TDNAME, YP_VNONE, YP_FMULTI, { check_domain } },
	{ MOD_DOMAIN_FILE, YP_TSTR,   YP_VNONE, YP_FMULTI, { check_domain_file } },
	{ MOD_TTL,         YP_TINT,   YP_VINT = { 0, INT32_MAX, 3600, YP_STIME } },
	{ MOD_SERVICE,     YP_TOPT,   YP_VOPT = { mailsrv_catalog_names, 0 }, YP_FMULTI },
	{ MOD_UNAVAILABLE, YP_TBOOL,  YP_VBOOL = { false } },
	{ NULL }
};

/*! \brief Points \a sources at configured 'domain' and 'domain-file' values. */
static int sources_init(mailsrv_sources_t *sources, const knotd_conf_t *domains,
                        const knotd_conf_t *files)
{
	sources->domain_count = domains->count;
	sources->file_count = files->count;
	sources->domains = calloc(domains->count + 1, sizeof(*sources->domains));
	sources->files = calloc(files->count + 1, sizeof(*sources->files));
	if (sources->domains == NULL || sources->files == NULL) {
		free(sources->domains);
		free(sources->files);
		return KNOT_ENOMEM;
	}
	for (size_t i = 0; i < domains->count; i++) {
		sources->domains[i] = domains->multi[i].dname;
	}
	for (size_t i = 0; i < files->count; i++) {
		sources->files[i] = files->multi[i].string;
	}

	return KNOT_EOK;
}

static void sources_deinit(mailsrv_sources_t *sources)
{
	free(sources->domains);
	free(sources->files);
}

int mailsrv_conf_check(knotd_conf_check_args_t *args)
{
	knotd_conf_t target_conf = knotd_conf_check_item(args, MOD_TARGET);
	if (target_conf.count == 0) {
		args->err_str = "no target specified";
		return KNOT_EINVAL;
	}
	mailsrv_name_t target_name;
	if (!parse_target(target_conf.single.string, &target_name, &args->err_str)) {
		return KNOT_EINVAL;
	}
	mailsrv_target_t *target = mailsrv_target_new(&target_name);

	// Read changed sources now, so that a bad list never reaches load().
	knotd_conf_t domains = knotd_conf_check_item(args, MOD_DOMAIN);
	knotd_conf_t files = knotd_conf_check_item(args, MOD_DOMAIN_FILE);
	mailsrv_sources_t sources;
	check_err[0] = '\0';
	int ret = (target == NULL) ? KNOT_ENOMEM : sources_init(&sources, &domains, &files);
	if (ret == KNOT_EOK) {
		ret = mailsrv_registry_check(&sources, target, check_err);
		sources_deinit(&sources);
	}
	if (ret != KNOT_EOK && check_err[0] != '\0') {
		args->err_str = check_err;
	}

	knotd_conf_free(&domains);
	knotd_conf_free(&files);
	free(target);

	return ret;
}

/*! \brief One module instance: one zone that uses one configuration. */
typedef struct {
	mailsrv_answer_conf_t answer;
	const mailsrv_table_t *table;
	mailsrv_shared_t *shared;
	mailsrv_target_t *target;
} mailsrv_instance_t;

static knotd_in_state_t mailsrv_solve(knotd_in_state_t state, knot_pkt_t *pkt,
                                      knotd_qdata_t *qdata, knotd_mod_t *mod)
{
	assert(pkt && qdata && mod);

	const mailsrv_instance_t *inst = knotd_mod_ctx(mod);
	return mailsrv_answer(&inst->answer, inst->table, state, pkt, qdata);
}

static void instance_free(mailsrv_instance_t *inst)
{
	mailsrv_registry_put(inst->shared);
	mailsrv_answer_unprepare(&inst->answer);
	free(inst->target);
	free(inst);
}

/*! \brief Reads the answer settings of the instance. */
static int load_answer_conf(knotd_mod_t *mod, mailsrv_instance_t *inst)
{
	mailsrv_answer_conf_t *conf = &inst->answer;

	knotd_conf_t val = knotd_conf_mod(mod, MOD_TARGET);
	mailsrv_name_t name;
	const char *reason;
	if (val.count == 0 || !parse_target(val.single.string, &name, &reason)) {
		return KNOT_EINVAL; // Refused by the configuration check.
	}
	inst->target = mailsrv_target_new(&name);
	if (inst->target == NULL) {
		return KNOT_ENOMEM;
	}
	conf->target = inst->target;

	conf->ttl = knotd_conf_mod(mod, MOD_TTL).single.integer;
	conf->unavailable = knotd_conf_mod(mod, MOD_UNAVAILABLE).single.boolean;
	conf->zone_size = knot_dname_size(knotd_mod_zone(mod));

	val = knotd_conf_mod(mod, MOD_SERVICE);
	conf->services = (val.count == 0) ? mailsrv_catalog_defaults() : 0;
	for (size_t i = 0; i < val.count; i++) {
		conf->services |= 1U << val.multi[i].option;
	}
	knotd_conf_free(&val);

	return mailsrv_answer_prepare(conf);
}

/*! \brief Logs what getting the shared table did. */
static void log_table(knotd_mod_t *mod, const mailsrv_sources_t *sources,
                      const mailsrv_shared_info_t *info)
{
	// The sources as "'domain' items, /path/a, /path/b" (cut if long).
	char desc[256] = "";
	size_t len = 0;
	if (sources->domain_count > 0) {
		len += snprintf(desc, sizeof(desc), "'domain' items");
	}
	for (size_t i = 0; i < sources->file_count && len < sizeof(desc); i++) {
		len += snprintf(desc + len, sizeof(desc) - len, "%s%s", len > 0 ? ", " : "",
		                sources->files[i]);
	}

	switch (info->outcome) {
	case MAILSRV_BUILT:
		mailsrv_check_knotd(mod);
		knotd_mod_log(mod, LOG_INFO, "domain list loaded, domains %zu, own targets %zu, "
		              "duplicates %zu, time %.3f s, sources %s", info->domains,
		              info->targets, info->duplicates, info->seconds, desc);
		break;
	case MAILSRV_RELOADED:
		knotd_mod_log(mod, LOG_INFO, "domain list reloaded, domains %zu (added %zu, "
		              "changed %zu, removed %zu), own targets %zu, duplicates %zu, "
		              "time %.3f s, sources %s", info->domains, info->diff.added,
		              info->diff.changed, info->diff.removed, info->targets,
		              info->duplicates, info->seconds, desc);
		break;
	case MAILSRV_KEPT:
		knotd_mod_log(mod, LOG_ERR, "failed to reload domain list (%s), keeping "
		              "the previous list of %zu domains", info->error, info->domains);
		break;
	case MAILSRV_EMPTY:
		knotd_mod_log(mod, LOG_ERR, "failed to load domain list (%s), answering "
		              "no domain until it is fixed", info->error);
		break;
	case MAILSRV_KEPT_AGAIN:
		knotd_mod_log(mod, LOG_DEBUG, "domain list still invalid, keeping the "
		              "previous list of %zu domains", info->domains);
		break;
	default:
		knotd_mod_log(mod, LOG_DEBUG, "domain list shared, domains %zu", info->domains);
		break;
	}
}

/*! \brief Gets the shared domain table of the instance's sources. */
static int load_table(knotd_mod_t *mod, mailsrv_instance_t *inst)
{
	knotd_conf_t domains = knotd_conf_mod(mod, MOD_DOMAIN);
	knotd_conf_t files = knotd_conf_mod(mod, MOD_DOMAIN_FILE);
	mailsrv_sources_t sources;
	mailsrv_shared_info_t info = { 0 };

	int ret = sources_init(&sources, &domains, &files);
	if (ret == KNOT_EOK) {
		ret = mailsrv_registry_get(&sources, &inst->shared, &info);
		if (ret == KNOT_EOK) {
			log_table(mod, &sources, &info);
		}
		sources_deinit(&sources);
	}
	knotd_conf_free(&domains);
	knotd_conf_free(&files);

	if (ret != KNOT_EOK) {
		knotd_mod_log(mod, LOG_ERR, "failed to load domain list (%s)", knot_strerror(ret));
		return ret;
	}
	inst->table = mailsrv_shared_table(inst->shared);

	return KNOT_EOK;
}

int mailsrv_load(knotd_mod_t *mod)
{
	mailsrv_instance_t *inst = calloc(1, sizeof(*inst));
	if (inst == NULL) {
		return KNOT_ENOMEM;
	}

	int ret = load_answer_conf(mod, inst);
	if (ret == KNOT_EOK) {
		ret = load_table(mod, inst);
	}
	if (ret != KNOT_EOK) {
		instance_free(inst);
		return ret;
	}

	mailsrv_check_zone(mod);
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
              mailsrv_load, mailsrv_unload, mailsrv_conf, mailsrv_conf_check);
