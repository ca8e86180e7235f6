/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libknot/dname.h>
#include <libknot/errcode.h>

#include "module/registry.h"

struct mailsrv_shared {
	mailsrv_shared_t *next;
	uint8_t *key;          /*!< The sources, serialized. */
	size_t key_size;
	unsigned refs;
	mailsrv_table_t *table;
};

/* knotd 3.4+ may load zones' modules in parallel threads. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static mailsrv_shared_t *registry;

/*! \brief Serializes sources: 'd' + name per domain, 'f' + path + NUL per file. */
static uint8_t *sources_key(const mailsrv_sources_t *sources, size_t *size)
{
	size_t len = 0;
	for (size_t i = 0; i < sources->domain_count; i++) {
		len += 1 + knot_dname_size(sources->domains[i]);
	}
	for (size_t i = 0; i < sources->file_count; i++) {
		len += 1 + strlen(sources->files[i]) + 1;
	}

	uint8_t *key = malloc(len + 1);
	if (key == NULL) {
		return NULL;
	}
	uint8_t *pos = key;
	for (size_t i = 0; i < sources->domain_count; i++) {
		*pos++ = 'd';
		pos += knot_dname_to_wire(pos, sources->domains[i], KNOT_DNAME_MAXLEN);
	}
	for (size_t i = 0; i < sources->file_count; i++) {
		*pos++ = 'f';
		size_t path_len = strlen(sources->files[i]) + 1;
		memcpy(pos, sources->files[i], path_len);
		pos += path_len;
	}
	*size = pos - key;

	return key;
}

/*! \brief Reads every source into a new table. */
static int build_table(const mailsrv_sources_t *sources, mailsrv_table_t **out,
                       mailsrv_shared_info_t *info, char err[MAILSRV_ERR_SIZE])
{
	struct timespec start, end;
	clock_gettime(CLOCK_MONOTONIC, &start);

	mailsrv_list_t list;
	mailsrv_list_init(&list);
	int ret = mailsrv_list_add_sources(&list, sources, err);
	if (ret != KNOT_EOK) {
		mailsrv_list_deinit(&list);
		return ret;
	}

	mailsrv_table_t *table = mailsrv_table_new(list.count);
	if (table == NULL) {
		mailsrv_list_deinit(&list);
		return KNOT_ENOMEM;
	}
	for (size_t i = 0; i < list.count && ret == KNOT_EOK; i++) {
		const mailsrv_list_entry_t *entry = &list.entries[i];
		ret = mailsrv_table_set(table, mailsrv_list_name(&list, entry),
		                        mailsrv_list_target(&list, entry));
	}
	if (ret != KNOT_EOK) {
		mailsrv_table_free(table);
		mailsrv_list_deinit(&list);
		return ret;
	}

	// The entries point to the list's targets: the table keeps them.
	mailsrv_table_adopt_targets(table, list.targets, list.target_count);
	info->domains = list.count;
	info->duplicates = list.duplicates;
	info->targets = list.target_count;
	list.targets = NULL;
	list.target_count = 0;
	mailsrv_list_deinit(&list);

	clock_gettime(CLOCK_MONOTONIC, &end);
	info->seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
	*out = table;

	return KNOT_EOK;
}

int mailsrv_registry_get(const mailsrv_sources_t *sources, mailsrv_shared_t **shared,
                         mailsrv_shared_info_t *info, char err[MAILSRV_ERR_SIZE])
{
	memset(info, 0, sizeof(*info));

	size_t key_size;
	uint8_t *key = sources_key(sources, &key_size);
	if (key == NULL) {
		return KNOT_ENOMEM;
	}

	pthread_mutex_lock(&registry_lock);

	mailsrv_shared_t *found = registry;
	while (found != NULL && (found->key_size != key_size ||
	                         memcmp(found->key, key, key_size) != 0)) {
		found = found->next;
	}
	if (found != NULL) {
		found->refs++;
		info->domains = mailsrv_table_count(found->table);
		pthread_mutex_unlock(&registry_lock);
		free(key);
		*shared = found;
		return KNOT_EOK;
	}

	found = calloc(1, sizeof(*found));
	int ret = (found == NULL) ? KNOT_ENOMEM : build_table(sources, &found->table, info, err);
	if (ret != KNOT_EOK) {
		pthread_mutex_unlock(&registry_lock);
		free(found);
		free(key);
		return ret;
	}
	info->built = true;
	found->key = key;
	found->key_size = key_size;
	found->refs = 1;
	found->next = registry;
	registry = found;

	pthread_mutex_unlock(&registry_lock);

	*shared = found;
	return KNOT_EOK;
}

void mailsrv_registry_put(mailsrv_shared_t *shared)
{
	if (shared == NULL) {
		return;
	}

	pthread_mutex_lock(&registry_lock);
	if (--shared->refs > 0) {
		pthread_mutex_unlock(&registry_lock);
		return;
	}
	mailsrv_shared_t **link = &registry;
	while (*link != shared) {
		link = &(*link)->next;
	}
	*link = shared->next;
	pthread_mutex_unlock(&registry_lock);

	mailsrv_table_free(shared->table);
	free(shared->key);
	free(shared);
}

const mailsrv_table_t *mailsrv_shared_table(const mailsrv_shared_t *shared)
{
	return shared->table;
}
