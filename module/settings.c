/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <urcu/compiler.h>

#include "module/counters.h"
#include "module/services.h"
#include "module/settings.h"
#include "module/template_text.h"

#define MOD_TARGET		"\x06""target"
#define MOD_DOMAIN		"\x06""domain"
#define MOD_DOMAIN_FILE		"\x0b""domain-file"
#define MOD_TTL			"\x03""ttl"
#define MOD_SERVICE		"\x07""service"
#define MOD_UNAVAILABLE		"\x0b""unavailable"
#define MOD_SERVICE_RECORD	"\x0e""service-record"
#define MOD_AUTOCONFIG		"\x0a""autoconfig"
#define MOD_AUTODISCOVER	"\x0c""autodiscover"
#define MOD_CALDAV_PATH		"\x0b""caldav-path"
#define MOD_CARDDAV_PATH	"\x0c""carddav-path"
#define MOD_REMOVAL_LIMIT	"\x0d""removal-limit"
#define MOD_STATISTICS		"\x0a""statistics"
#define MOD_DOMAIN_APEX		"\x0b""domain-apex"
#define MOD_DOMAIN_MX		"\x09""domain-mx"
#define MOD_RECORD		"\x06""record"

/* knotd prints err_str after the check returns. */
static __thread char item_err[MAILSRV_ERR_SIZE];

static int check_host(knotd_conf_check_args_t *args)
{
	mailsrv_name_t name;
	const char *txt = (const char *)args->data;
	if (!mailsrv_target_parse(txt, strlen(txt), &name, item_err)) {
		args->err_str = item_err;
		return KNOT_EINVAL;
	}

	return KNOT_EOK;
}

static int check_domain(knotd_conf_check_args_t *args)
{
	mailsrv_name_t name;
	if (!mailsrv_name_from_wire(args->data, &name, item_err)) {
		args->err_str = item_err;
		return KNOT_EINVAL;
	}
	if (name.size == 1) {
		args->err_str = "the root is not a mail domain";
		return KNOT_EINVAL;
	}

	return KNOT_EOK;
}

static int check_mx_host(knotd_conf_check_args_t *args)
{
	if (!mailsrv_membership_host_check(args->data, item_err)) {
		args->err_str = item_err;
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

static int check_service_record(knotd_conf_check_args_t *args)
{
	int service;
	mailsrv_record_t record;
	if (!mailsrv_record_parse((const char *)args->data, &service, &record, item_err)) {
		args->err_str = item_err;
		return KNOT_EINVAL;
	}
	free(record.target);

	return KNOT_EOK;
}

/*! \brief A record template alone (the settings check it beside the others). */
static int check_record(knotd_conf_check_args_t *args)
{
	mailsrv_templates_t *templates = mailsrv_templates_new();
	if (templates == NULL) {
		return KNOT_ENOMEM;
	}
	int ret = mailsrv_template_text_add(templates, (const char *)args->data,
	                                    mailsrv_counters_type, item_err);
	mailsrv_templates_free(templates);
	if (ret == KNOT_EINVAL) {
		args->err_str = item_err;
	}

	return ret;
}

/*! \brief The longest "path=..." that fits a TXT character-string. */
#define PATH_MAX_LEN	(255 - 5)

static int check_path(knotd_conf_check_args_t *args)
{
	// An absolute URL path (RFC 6764 section 4): printable, no spaces.
	const char *path = (const char *)args->data;
	size_t len = strlen(path);
	if (path[0] != '/' || len > PATH_MAX_LEN) {
		args->err_str = "expected an absolute path of at most 250 characters";
		return KNOT_EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		if (path[i] <= ' ' || path[i] >= 0x7f) {
			args->err_str = "invalid character in path";
			return KNOT_EINVAL;
		}
	}

	return KNOT_EOK;
}

const yp_item_t mailsrv_schema[] = {
	{ MOD_TARGET,         YP_TSTR,   YP_VNONE, YP_FNONE, { check_host } },
	{ MOD_DOMAIN,         YP_TDNAME, YP_VNONE, YP_FMULTI, { check_domain } },
	{ MOD_DOMAIN_FILE,    YP_TSTR,   YP_VNONE, YP_FMULTI, { check_domain_file } },
	{ MOD_DOMAIN_APEX,    YP_TBOOL,  YP_VBOOL = { false } },
	{ MOD_DOMAIN_MX,      YP_TDNAME, YP_VNONE, YP_FMULTI, { check_mx_host } },
	{ MOD_TTL,            YP_TINT,   YP_VINT = { 0, INT32_MAX, 3600, YP_STIME } },
	{ MOD_SERVICE,        YP_TOPT,   YP_VOPT = { mailsrv_service_names, 0 }, YP_FMULTI },
	{ MOD_UNAVAILABLE,    YP_TBOOL,  YP_VBOOL = { false } },
	{ MOD_SERVICE_RECORD, YP_TSTR,   YP_VNONE, YP_FMULTI, { check_service_record } },
	{ MOD_AUTOCONFIG,     YP_TSTR,   YP_VNONE, YP_FNONE, { check_host } },
	{ MOD_AUTODISCOVER,   YP_TSTR,   YP_VNONE, YP_FNONE, { check_host } },
	{ MOD_CALDAV_PATH,    YP_TSTR,   YP_VNONE, YP_FNONE, { check_path } },
	{ MOD_CARDDAV_PATH,   YP_TSTR,   YP_VNONE, YP_FNONE, { check_path } },
	{ MOD_RECORD,         YP_TSTR,   YP_VNONE, YP_FMULTI, { check_record } },
	{ MOD_REMOVAL_LIMIT,  YP_TINT,   YP_VINT = { 0, 100, 50 } },
	{ MOD_STATISTICS,     YP_TBOOL,  YP_VBOOL = { false } },
	{ NULL }
};

/*! \brief Settings with the memory they own, shared by sections of equal values. */
typedef struct settings {
	mailsrv_settings_t pub;
	struct settings *next;
	unsigned refs;
	uint8_t *key;  /*!< The section's values (section_key()). */
	size_t key_size;
	mailsrv_templates_t *templates;  /*!< Owned. */
	uint32_t services;               /*!< Enabled services, bit per catalog index. */
	mailsrv_membership_t *domain_mx; /*!< Owned. */
	mailsrv_sources_t *sources;      /*!< Owned. */
} settings_t;

/*! \brief The settings of a section id, expected or known. */
typedef struct section {
	struct section *next;
	uint8_t *id;
	size_t id_len;
	settings_t *settings; /*!< A reference. */
	bool known;           /*!< Read by load() as the check expected them. */
} section_t;

/*! \brief Settings in use and sections, and their lock (load() and the check
 *         may run in several threads). */
static settings_t *shared_settings;
static section_t *sections;
static unsigned long checks; /*!< Checks run (atomic). */
static pthread_mutex_t settings_lock = PTHREAD_MUTEX_INITIALIZER;

/*! \brief Reads an optional host item (NULL if absent; free() it). */
static int read_host(mailsrv_conf_get_f get, void *ctx, const yp_name_t *item,
                     mailsrv_target_t **target, char err[MAILSRV_ERR_SIZE])
{
	knotd_conf_t val = get(ctx, item);
	*target = NULL;
	if (val.count == 0) {
		return KNOT_EOK;
	}
	mailsrv_name_t name;
	char reason[MAILSRV_REASON_SIZE];
	if (!mailsrv_target_parse(val.single.string, strlen(val.single.string), &name, reason)) {
		snprintf(err, MAILSRV_ERR_SIZE, "%s: %s", item + 1, reason);
		return KNOT_EINVAL;
	}
	*target = mailsrv_target_new(&name);

	return *target != NULL ? KNOT_EOK : KNOT_ENOMEM;
}

/*! \brief Reads the service records ('service-record' items). */
static int read_records(uint32_t services, mailsrv_record_t records[MAILSRV_SERVICE_COUNT],
                        mailsrv_conf_get_f get, void *ctx, char err[MAILSRV_ERR_SIZE])
{
	for (int i = 0; i < MAILSRV_SERVICE_COUNT; i++) {
		records[i] = mailsrv_service_record(i);
	}

	knotd_conf_t val = get(ctx, MOD_SERVICE_RECORD);
	uint32_t seen = 0;
	int ret = KNOT_EOK;
	for (size_t i = 0; i < val.count && ret == KNOT_EOK; i++) {
		int service;
		mailsrv_record_t record;
		char reason[MAILSRV_REASON_SIZE];
		if (!mailsrv_record_parse(val.multi[i].string, &service, &record, reason)) {
			snprintf(err, MAILSRV_ERR_SIZE, "service-record '%.100s': %s",
			         val.multi[i].string, reason);
			ret = KNOT_EINVAL;
		} else if (seen & (1U << service) || !(services & (1U << service))) {
			snprintf(err, MAILSRV_ERR_SIZE, "service-record '%.100s': %s",
			         val.multi[i].string, (seen & (1U << service)) ?
			         "a second record for the service" : "the service is not in 'service'");
			free(record.target);
			ret = KNOT_EINVAL;
		} else {
			seen |= 1U << service;
			records[service] = record;
		}
	}
	knotd_conf_free(&val);

	return ret;
}

/*! \brief Reads the services and their records into templates. */
static int read_services(settings_t *settings, mailsrv_conf_get_f get, void *ctx,
                         char err[MAILSRV_ERR_SIZE])
{
	mailsrv_target_t *target;
	if (get(ctx, MOD_TARGET).count == 0) {
		snprintf(err, MAILSRV_ERR_SIZE, "no target specified");
		return KNOT_EINVAL;
	}
	int ret = read_host(get, ctx, MOD_TARGET, &target, err);
	if (ret != KNOT_EOK) {
		return ret;
	}

	knotd_conf_t val = get(ctx, MOD_SERVICE);
	uint32_t services = (val.count == 0) ? mailsrv_services_default() : 0;
	for (size_t i = 0; i < val.count; i++) {
		services |= 1U << val.multi[i].option;
	}
	knotd_conf_free(&val);
	settings->services = services;

	mailsrv_record_t records[MAILSRV_SERVICE_COUNT];
	ret = read_records(services, records, get, ctx, err);
	if (ret == KNOT_EOK) {
		mailsrv_services_conf_t conf = {
			.enabled = services,
			.unavailable = get(ctx, MOD_UNAVAILABLE).single.boolean,
			.records = records,
			.target = target,
			.srv_counter = MAILSRV_COUNTER(MAILSRV_CTR_SRV, 0),
			.unavailable_counter = MAILSRV_COUNTER(MAILSRV_CTR_UNAVAILABLE, 0),
		};
		// The reason is the whole message (err holds more than a reason).
		ret = mailsrv_services_add(settings->templates, &conf, err);
	}
	for (int i = 0; i < MAILSRV_SERVICE_COUNT; i++) {
		free(records[i].target);
	}
	free(target);

	return ret;
}

/*! \brief Reads a host item of a CNAME at a name of each mail domain. */
static int read_cname(settings_t *settings, mailsrv_conf_get_f get, void *ctx,
                      const yp_name_t *item, char err[MAILSRV_ERR_SIZE])
{
	mailsrv_target_t *target;
	int ret = read_host(get, ctx, item, &target, err);
	if (ret != KNOT_EOK || target == NULL) {
		return ret;
	}
	// The owner is the item's name: autoconfig.D, autodiscover.D.
	uint8_t owner[1 + 63], rdata[KNOT_DNAME_MAXLEN + MAILSRV_TEMPLATE_ORIGIN_SIZE];
	owner[0] = item[0];
	memcpy(owner + 1, item + 1, item[0]);
	size_t len = mailsrv_templates_write_target(rdata, target);
	free(target);

	return mailsrv_templates_add(settings->templates, owner, 1 + owner[0], KNOT_RRTYPE_CNAME,
	                             rdata, len, 0, MAILSRV_COUNTER(MAILSRV_CTR_CNAME, 0), err);
}

/*! \brief Reads a context path item into TXT rdata "path=PATH" (RFC 6764). */
static int read_path(settings_t *settings, mailsrv_conf_get_f get, void *ctx,
                     const yp_name_t *item, int service, char err[MAILSRV_ERR_SIZE])
{
	knotd_conf_t val = get(ctx, item);
	if (val.count == 0) {
		return KNOT_EOK;
	}
	if (!(settings->services & (1U << service))) {
		snprintf(err, MAILSRV_ERR_SIZE, "%s: the service %s is not in 'service'",
		         item + 1, mailsrv_services[service].name);
		return KNOT_EINVAL;
	}
	size_t len = strlen(val.single.string);
	uint8_t txt[1 + 5 + PATH_MAX_LEN];
	txt[0] = 5 + len;
	memcpy(txt + 1, "path=", 5);
	memcpy(txt + 6, val.single.string, len);
	uint8_t owner[KNOT_DNAME_MAXLEN];
	size_t size = mailsrv_service_owner(service, owner);

	return mailsrv_templates_add(settings->templates, owner, size, KNOT_RRTYPE_TXT, txt,
	                             1 + 5 + len, 0, MAILSRV_COUNTER(MAILSRV_CTR_TXT, service),
	                             err);
}

/*! \brief Reads the 'record' items. */
static int read_templates(settings_t *settings, mailsrv_conf_get_f get, void *ctx,
                          char err[MAILSRV_ERR_SIZE])
{
	knotd_conf_t val = get(ctx, MOD_RECORD);
	int ret = KNOT_EOK;
	for (size_t i = 0; i < val.count && ret == KNOT_EOK; i++) {
		char reason[MAILSRV_REASON_SIZE];
		ret = mailsrv_template_text_add(settings->templates, val.multi[i].string,
		                                mailsrv_counters_type, reason);
		if (ret == KNOT_EINVAL) {
			snprintf(err, MAILSRV_ERR_SIZE, "record '%.100s': %s", val.multi[i].string,
			         reason);
		}
	}
	knotd_conf_free(&val);

	return ret;
}

/*! \brief The names of a multi-valued name item (free() the array; NULL if
 *         out of memory). */
static const uint8_t **dnames_of(const knotd_conf_t *val)
{
	const uint8_t **names = calloc(val->count + 1, sizeof(*names));
	for (size_t i = 0; names != NULL && i < val->count; i++) {
		names[i] = val->multi[i].dname;
	}

	return names;
}

/*! \brief Keeps the sources of the section: the 'domain' items, then the files. */
static int read_sources(settings_t *settings, mailsrv_conf_get_f get, void *ctx)
{
	if ((settings->sources = mailsrv_sources_new()) == NULL) {
		return KNOT_ENOMEM;
	}
	settings->pub.sources = settings->sources;
	knotd_conf_t domains = get(ctx, MOD_DOMAIN);
	const uint8_t **names = dnames_of(&domains);
	int ret = (names == NULL) ? KNOT_ENOMEM :
	          mailsrv_sources_add_items(settings->sources, names, domains.count);
	free(names);
	knotd_conf_free(&domains);

	knotd_conf_t files = get(ctx, MOD_DOMAIN_FILE);
	for (size_t i = 0; i < files.count && ret == KNOT_EOK; i++) {
		ret = mailsrv_sources_add_file(settings->sources, files.multi[i].string);
	}
	knotd_conf_free(&files);

	return ret;
}

/*! \brief Reads the rules by which a zone's apex is a mail domain. */
static int read_membership(settings_t *settings, mailsrv_conf_get_f get, void *ctx)
{
	settings->pub.answer.domain_apex = get(ctx, MOD_DOMAIN_APEX).single.boolean;
	knotd_conf_t val = get(ctx, MOD_DOMAIN_MX);
	const uint8_t **hosts = dnames_of(&val);
	int ret = (hosts == NULL) ? KNOT_ENOMEM :
	          mailsrv_membership_new(&settings->domain_mx, hosts, val.count);
	free(hosts);
	knotd_conf_free(&val);
	settings->pub.answer.domain_mx = settings->domain_mx;

	return ret;
}

/*! \brief Frees settings that no zone uses. */
static void settings_free(settings_t *settings)
{
	mailsrv_sources_free(settings->sources);
	mailsrv_templates_free(settings->templates);
	mailsrv_membership_free(settings->domain_mx);
	free(settings->key);
	free(settings);
}

/*! \brief Reads, checks and prepares the settings of a section. */
static int settings_read(settings_t *settings, mailsrv_conf_get_f get, void *ctx,
                         char err[MAILSRV_ERR_SIZE])
{
	mailsrv_answer_conf_t *answer = &settings->pub.answer;
	settings->pub.removal_limit = get(ctx, MOD_REMOVAL_LIMIT).single.integer;
	settings->pub.statistics = get(ctx, MOD_STATISTICS).single.boolean;
	answer->ttl = get(ctx, MOD_TTL).single.integer;

	// The module's records first: 'record' items beside them are checked
	// against them.
	if ((settings->templates = mailsrv_templates_new()) == NULL) {
		return KNOT_ENOMEM;
	}
	int ret = read_services(settings, get, ctx, err);
	if (ret == KNOT_EOK) {
		ret = read_cname(settings, get, ctx, MOD_AUTOCONFIG, err);
	}
	if (ret == KNOT_EOK) {
		ret = read_cname(settings, get, ctx, MOD_AUTODISCOVER, err);
	}
	if (ret == KNOT_EOK) {
		ret = read_path(settings, get, ctx, MOD_CALDAV_PATH, MAILSRV_CALDAVS, err);
	}
	if (ret == KNOT_EOK) {
		ret = read_path(settings, get, ctx, MOD_CARDDAV_PATH, MAILSRV_CARDDAVS, err);
	}
	if (ret == KNOT_EOK) {
		ret = read_templates(settings, get, ctx, err);
	}
	if (ret == KNOT_EOK) {
		ret = mailsrv_templates_finish(settings->templates);
	}
	if (ret != KNOT_EOK) {
		return ret;
	}
	answer->templates = settings->templates;
	answer->first_lengths = mailsrv_templates_first_lengths(settings->templates);
	settings->pub.longest_relative = mailsrv_templates_longest_relative(settings->templates);

	ret = read_membership(settings, get, ctx);
	if (ret == KNOT_EOK) {
		ret = read_sources(settings, get, ctx);
	}

	return ret;
}

/*! \brief A byte string that grows; on failure it is freed and stays NULL. */
typedef struct {
	uint8_t *data;
	size_t size, room;
} key_buf_t;

static void key_add(key_buf_t *key, const void *data, size_t len)
{
	if (key->size + len > key->room && key->data != NULL) {
		key->room = 2 * (key->size + len);
		uint8_t *grown = realloc(key->data, key->room);
		if (grown == NULL) {
			free(key->data);
		}
		key->data = grown;
	}
	if (key->data != NULL) {
		memcpy(key->data + key->size, data, len);
		key->size += len;
	}
}

static void key_add_value(key_buf_t *key, yp_type_t type, const knotd_conf_val_t *val)
{
	switch (type) {
	case YP_TSTR:
		key_add(key, val->string != NULL ? val->string : "", (val->string != NULL ?
		        strlen(val->string) : 0) + 1);
		break;
	case YP_TINT:
		key_add(key, &val->integer, sizeof(val->integer));
		break;
	case YP_TBOOL:
		key_add(key, &val->boolean, sizeof(val->boolean));
		break;
	case YP_TDNAME:
		key_add(key, val->dname, knot_dname_size(val->dname));
		break;
	default: // YP_TOPT
		key_add(key, &val->option, sizeof(val->option));
		break;
	}
}

/*!
 * \brief The values of a section that make its settings: every item, in the
 *        order of the schema, each with its count (a default counts 0).
 */
static int section_key(key_buf_t *key, mailsrv_conf_get_f get, void *ctx)
{
	key->size = 0;
	key->room = 256;
	key->data = malloc(key->room);
	for (const yp_item_t *item = mailsrv_schema; item->name != NULL; item++) {
		knotd_conf_t val = get(ctx, item->name);
		key_add(key, &val.count, sizeof(val.count));
		if (item->flags & YP_FMULTI) {
			for (size_t i = 0; i < val.count; i++) {
				key_add_value(key, item->type, &val.multi[i]);
			}
			knotd_conf_free(&val);
		} else {
			key_add_value(key, item->type, &val.single);
		}
	}

	return key->data != NULL ? KNOT_EOK : KNOT_ENOMEM;
}

int mailsrv_settings_get(const mailsrv_settings_t **out, mailsrv_conf_get_f get, void *ctx,
                         char err[MAILSRV_ERR_SIZE])
{
	*out = NULL;
	key_buf_t key;
	int ret = section_key(&key, get, ctx);
	if (ret != KNOT_EOK) {
		return ret;
	}

	pthread_mutex_lock(&settings_lock);
	settings_t *settings = shared_settings;
	while (settings != NULL && (settings->key_size != key.size ||
	                            memcmp(settings->key, key.data, key.size) != 0)) {
		settings = settings->next;
	}
	if (settings != NULL) {
		settings->refs++;
		free(key.data);
	} else if ((settings = calloc(1, sizeof(*settings))) == NULL) {
		free(key.data);
		ret = KNOT_ENOMEM;
	} else {
		settings->key = key.data;
		settings->key_size = key.size;
		ret = settings_read(settings, get, ctx, err);
		if (ret == KNOT_EOK) {
			settings->refs = 1;
			settings->next = shared_settings;
			shared_settings = settings;
		} else {
			settings_free(settings);
		}
	}
	pthread_mutex_unlock(&settings_lock);

	if (ret == KNOT_EOK) {
		*out = &settings->pub;
	}

	return ret;
}

/*! \brief Drops a reference (under the lock); the last one frees them. */
static void settings_unref(settings_t *settings)
{
	if (--settings->refs > 0) {
		return;
	}
	settings_t **link = &shared_settings;
	while (*link != settings) {
		link = &(*link)->next;
	}
	*link = settings->next;
	settings_free(settings);
}

void mailsrv_settings_put(const mailsrv_settings_t *pub)
{
	if (pub == NULL) {
		return;
	}
	pthread_mutex_lock(&settings_lock);
	settings_unref(caa_container_of(pub, settings_t, pub));
	pthread_mutex_unlock(&settings_lock);
}

/*! \brief The section of an id (under the lock), NULL if none. */
static section_t *section_find(const uint8_t *id, size_t id_len)
{
	section_t *section = sections;
	while (section != NULL && (section->id_len != id_len ||
	                           memcmp(section->id, id, id_len) != 0)) {
		section = section->next;
	}

	return section;
}

/*! \brief Binds settings to an id, replacing what it had (under the lock). */
static void section_bind(const uint8_t *id, size_t id_len, settings_t *settings, bool known)
{
	section_t *section = section_find(id, id_len);
	if (section == NULL) {
		if ((section = calloc(1, sizeof(*section))) == NULL ||
		    (section->id = malloc(id_len)) == NULL) {
			free(section);
			return; // Nothing known: every load() reads its section.
		}
		memcpy(section->id, id, id_len);
		section->id_len = id_len;
		section->next = sections;
		sections = section;
	}
	settings->refs++;
	if (section->settings != NULL) {
		settings_unref(section->settings);
	}
	section->settings = settings;
	section->known = known;
}

void mailsrv_settings_expect(const mailsrv_settings_t *pub, const uint8_t *id, size_t id_len)
{
	pthread_mutex_lock(&settings_lock);
	section_bind(id, id_len, caa_container_of(pub, settings_t, pub), false);
	pthread_mutex_unlock(&settings_lock);
	__atomic_add_fetch(&checks, 1, __ATOMIC_RELEASE);
}

unsigned long mailsrv_settings_checks(void)
{
	return __atomic_load_n(&checks, __ATOMIC_ACQUIRE);
}

int mailsrv_settings_get_id(const mailsrv_settings_t **out, const uint8_t *id,
                            size_t id_len, mailsrv_conf_get_f get, void *ctx,
                            char err[MAILSRV_ERR_SIZE])
{
	if (id != NULL) {
		pthread_mutex_lock(&settings_lock);
		section_t *section = section_find(id, id_len);
		if (section != NULL && section->known) {
			section->settings->refs++;
			*out = &section->settings->pub;
			pthread_mutex_unlock(&settings_lock);
			return KNOT_EOK;
		}
		pthread_mutex_unlock(&settings_lock);
	}

	int ret = mailsrv_settings_get(out, get, ctx, err);
	if (ret == KNOT_EOK && id != NULL) {
		// Known once read as expected (equal values share one object), or
		// when nothing is expected (knotd from a configuration database runs
		// no check at start-up). Read otherwise, the expected settings are
		// those of a configuration still to come.
		settings_t *settings = caa_container_of(*out, settings_t, pub);
		pthread_mutex_lock(&settings_lock);
		section_t *section = section_find(id, id_len);
		if (section == NULL || section->settings == settings) {
			section_bind(id, id_len, settings, true);
		}
		pthread_mutex_unlock(&settings_lock);
	}

	return ret;
}

/*! \brief Lets go of the sections when the process ends: knotd has unloaded
 *         every instance by then, so nothing else is left. */
__attribute__((destructor))
static void sections_free(void)
{
	pthread_mutex_lock(&settings_lock);
	while (sections != NULL) {
		section_t *section = sections;
		sections = section->next;
		settings_unref(section->settings);
		free(section->id);
		free(section);
	}
	pthread_mutex_unlock(&settings_lock);
}
