/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libknot/dname.h>
#include <libknot/errcode.h>
#include <libknot/error.h>

#include "module/registry.h"

/*! \brief Sources identified by their serialized form. */
typedef struct {
	uint8_t *data;  /*!< 'd' + name per domain item, 'f' + path + NUL per file. */
	size_t size;
} sources_key_t;

struct mailsrv_shared {
	mailsrv_shared_t *next;
	sources_key_t key;
	unsigned refs;
	mailsrv_table_t *table;
	char **files;                  /*!< Paths of the file sources. */
	size_t file_count;
	mailsrv_file_state_t *states;  /*!< Files as read into the table. */
	size_t max_default_size;       /*!< Longest domain without its own target. */
	mailsrv_file_state_t *failed;  /*!< Files as found invalid last (or NULL). */
	struct cds_list_head zones;    /*!< Zones that use the table (mailsrv_zone_t). */
	size_t zone_count;
	unsigned long changes;         /*!< Changes of the table and its zones. */
	unsigned long checked;         /*!< 'changes' at the last coverage check. */
	uint64_t changed_at;           /*!< When the last change was (monotonic ns). */
	mailsrv_coverage_t reported;   /*!< The last coverage logged. */
};

/*! \brief The coverage check waits for this long without a change. */
#define COVERAGE_QUIET_NS	1000000000ull

/*! \brief A list read by the configuration check, waiting for load(). */
typedef struct pending {
	struct pending *next;
	sources_key_t key;
	mailsrv_list_t list;
	double seconds;
} pending_t;

/*! \brief At most this many pending lists are kept (each is one list in memory). */
#define PENDING_MAX	16

/* knotd 3.4+ may load zones' modules in parallel threads. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static mailsrv_shared_t *registry;
static pending_t *pendings;
static size_t reads;

static int key_init(sources_key_t *key, const mailsrv_sources_t *sources)
{
	size_t len = 0;
	for (size_t i = 0; i < sources->domain_count; i++) {
		len += 1 + knot_dname_size(sources->domains[i]);
	}
	for (size_t i = 0; i < sources->file_count; i++) {
		len += 1 + strlen(sources->files[i]) + 1;
	}

	key->data = malloc(len + 1);
	if (key->data == NULL) {
		return KNOT_ENOMEM;
	}
	uint8_t *pos = key->data;
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
	key->size = pos - key->data;

	return KNOT_EOK;
}

static bool key_equal(const sources_key_t *a, const sources_key_t *b)
{
	return a->size == b->size && memcmp(a->data, b->data, a->size) == 0;
}

/*! \brief Monotonic time in nanoseconds. */
static uint64_t now_ns(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000000000ull + now.tv_nsec;
}

/*! \brief Notes a change for the coverage check (under the registry lock). */
static void shared_changed(mailsrv_shared_t *shared)
{
	// Read without the lock by mailsrv_registry_coverage_due().
	__atomic_store_n(&shared->changed_at, now_ns(), __ATOMIC_RELAXED);
	__atomic_store_n(&shared->changes, shared->changes + 1, __ATOMIC_RELEASE);
}

/*! \brief Seconds from \a start (from now_ns()) until now. */
static double seconds_since(uint64_t start)
{
	return (now_ns() - start) / 1e9;
}

/*!
 * \brief Takes the current state of every file source.
 *
 * A file that cannot be stat()ed gets a zero state, which differs from any
 * state of a file that was read.
 */
static mailsrv_file_state_t *current_states(const mailsrv_sources_t *sources)
{
	mailsrv_file_state_t *states = calloc(sources->file_count + 1, sizeof(*states));
	for (size_t i = 0; states != NULL && i < sources->file_count; i++) {
		if (mailsrv_file_state(sources->files[i], &states[i]) != KNOT_EOK) {
			memset(&states[i], 0, sizeof(states[i]));
		}
	}

	return states;
}

/*!
 * \brief Takes the key and the current file states of sources (before the
 *        registry lock: stat() may be slow).
 */
static int sources_now(const mailsrv_sources_t *sources, sources_key_t *key,
                       mailsrv_file_state_t **now)
{
	int ret = key_init(key, sources);
	if (ret != KNOT_EOK) {
		return ret;
	}
	*now = current_states(sources);
	if (*now == NULL) {
		free(key->data);
		return KNOT_ENOMEM;
	}

	return KNOT_EOK;
}

/*! \brief Does any file differ from \a known (states of the same files)? */
static bool files_changed(const mailsrv_file_state_t *known,
                          const mailsrv_file_state_t *now, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (mailsrv_file_changed(&known[i], &now[i])) {
			return true;
		}
	}

	return false;
}

/*! \brief Were the list's files read in the \a now state? */
static bool list_is_current(const mailsrv_list_t *list, const mailsrv_file_state_t *now)
{
	for (size_t i = 0; i < list->file_count; i++) {
		if (mailsrv_file_changed(&list->files[i].state, &now[i])) {
			return false;
		}
	}

	return true;
}

static void pending_free(pending_t *pending)
{
	mailsrv_list_deinit(&pending->list);
	free(pending->key.data);
	free(pending);
}

/*! \brief Unlinks and returns the pending list of \a key (or NULL). */
static pending_t *pending_take(const sources_key_t *key)
{
	for (pending_t **link = &pendings; *link != NULL; link = &(*link)->next) {
		if (key_equal(&(*link)->key, key)) {
			pending_t *found = *link;
			*link = found->next;
			return found;
		}
	}

	return NULL;
}

/*! \brief Keeps a list for load(), replacing one of the same sources. */
static void pending_put(pending_t *pending)
{
	pending_t *old = pending_take(&pending->key);
	if (old != NULL) {
		pending_free(old);
	}

	pending->next = pendings;
	pendings = pending;

	// Bounded: lists checked but never loaded (an aborted reload) go first.
	size_t count = 0;
	for (pending_t **link = &pendings; *link != NULL; link = &(*link)->next) {
		if (++count > PENDING_MAX) {
			pending_t *last = *link;
			*link = NULL;
			pending_free(last);
			break;
		}
	}
}

/*! \brief Reads every source into a new pending list. */
static int read_sources(const mailsrv_sources_t *sources, pending_t **out,
                        char err[MAILSRV_ERR_SIZE])
{
	uint64_t start = now_ns();

	pending_t *pending = calloc(1, sizeof(*pending));
	if (pending == NULL) {
		return KNOT_ENOMEM;
	}
	mailsrv_list_init(&pending->list);
	int ret = key_init(&pending->key, sources);
	if (ret == KNOT_EOK) {
		reads++;
		ret = mailsrv_list_add_sources(&pending->list, sources, err);
	}
	if (ret != KNOT_EOK) {
		pending_free(pending);
		return ret;
	}
	pending->seconds = seconds_since(start);
	*out = pending;

	return KNOT_EOK;
}

/*! \brief The pending list of the sources if it is current, else a new read. */
static int current_list(const mailsrv_sources_t *sources, const sources_key_t *key,
                        const mailsrv_file_state_t *now, pending_t **out,
                        char err[MAILSRV_ERR_SIZE])
{
	pending_t *pending = pending_take(key);
	if (pending != NULL && list_is_current(&pending->list, now)) {
		*out = pending;
		return KNOT_EOK;
	}
	if (pending != NULL) {
		pending_free(pending);
	}

	return read_sources(sources, out, err);
}

static mailsrv_shared_t *shared_find(const sources_key_t *key)
{
	mailsrv_shared_t *shared = registry;
	while (shared != NULL && !key_equal(&shared->key, key)) {
		shared = shared->next;
	}

	return shared;
}

/*! \brief Does a relative target fit every domain that uses it? */
static bool target_fits(const mailsrv_target_t *target, size_t max_default_size)
{
	return target == NULL || !target->relative ||
	       target->size + max_default_size <= KNOT_DNAME_MAXLEN;
}

int mailsrv_registry_check(const mailsrv_sources_t *sources, const mailsrv_target_t *target,
                           char err[MAILSRV_ERR_SIZE])
{
	sources_key_t key;
	mailsrv_file_state_t *now;
	int ret = sources_now(sources, &key, &now);
	if (ret != KNOT_EOK) {
		return ret;
	}

	pthread_mutex_lock(&registry_lock);

	// A table that holds the current files is valid: nothing to read.
	mailsrv_shared_t *shared = shared_find(&key);
	if (shared != NULL && !files_changed(shared->states, now, shared->file_count) &&
	    target_fits(target, shared->max_default_size)) {
		goto done;
	}

	pending_t *pending;
	ret = current_list(sources, &key, now, &pending, err);
	if (ret == KNOT_EOK) {
		if (target != NULL) {
			ret = mailsrv_list_check_target(&pending->list, target, err);
		}
		// A valid list waits for load(); the next check reuses it too.
		(ret == KNOT_EOK) ? pending_put(pending) : pending_free(pending);
	}
done:
	pthread_mutex_unlock(&registry_lock);
	free(now);
	free(key.data);

	return ret;
}

/*! \brief Records the list's files as the ones the table holds. */
static void shared_set_files(mailsrv_shared_t *shared, const mailsrv_list_t *list)
{
	for (size_t i = 0; i < list->file_count; i++) {
		shared->states[i] = list->files[i].state;
	}
	shared->max_default_size = list->max_default_size;
	free(shared->failed);
	shared->failed = NULL;
}

/*! \brief Applies a list to the shared table, filling info. */
static int shared_apply(mailsrv_shared_t *shared, pending_t *pending,
                        mailsrv_shared_info_t *info)
{
	uint64_t start = now_ns();

	const mailsrv_list_t *list = &pending->list;
	info->duplicates = list->duplicates;
	info->targets = list->target_count;
	if (list->duplicates > 0) {
		char name[KNOT_DNAME_TXT_MAXLEN + 1], pos[MAILSRV_ERR_SIZE / 2];
		knot_dname_to_str(name, mailsrv_list_name(list, &list->first_duplicate), sizeof(name));
		snprintf(info->duplicate, sizeof(info->duplicate), "'%.100s' at %s", name,
		         mailsrv_list_position(list, &list->first_duplicate, pos, sizeof(pos)));
	}
	int ret = mailsrv_table_apply(shared->table, &pending->list, &info->diff);
	if (ret == KNOT_EOK) {
		shared_set_files(shared, &pending->list);
	}
	shared_changed(shared);
	info->domains = mailsrv_table_count(shared->table);
	info->memory = mailsrv_table_memory(shared->table);
	info->seconds = pending->seconds + seconds_since(start);

	return ret;
}

static void shared_free(mailsrv_shared_t *shared)
{
	mailsrv_table_free(shared->table);
	for (size_t i = 0; i < shared->file_count; i++) {
		free(shared->files[i]);
	}
	free(shared->files);
	free(shared->states);
	free(shared->failed);
	free(shared->key.data);
	free(shared);
}

/*! \brief Builds a new shared table from a list. */
static int shared_new(const mailsrv_sources_t *sources, sources_key_t *key,
                      pending_t *pending, mailsrv_shared_t **out,
                      mailsrv_shared_info_t *info)
{
	mailsrv_shared_t *shared = calloc(1, sizeof(*shared));
	if (shared == NULL) {
		return KNOT_ENOMEM;
	}
	shared->files = calloc(sources->file_count + 1, sizeof(*shared->files));
	shared->states = calloc(sources->file_count + 1, sizeof(*shared->states));
	shared->table = mailsrv_table_new(pending->list.count);
	CDS_INIT_LIST_HEAD(&shared->zones);
	int ret = (shared->files && shared->states && shared->table) ? KNOT_EOK : KNOT_ENOMEM;
	for (size_t i = 0; ret == KNOT_EOK && i < sources->file_count; i++) {
		shared->files[i] = strdup(sources->files[i]);
		ret = (shared->files[i] != NULL) ? KNOT_EOK : KNOT_ENOMEM;
		shared->file_count = i + 1;
	}
	if (ret == KNOT_EOK) {
		ret = shared_apply(shared, pending, info);
	}
	if (ret != KNOT_EOK) {
		shared_free(shared);
		return ret;
	}

	shared->key = *key;
	key->data = NULL;
	shared->refs = 1;
	shared->next = registry;
	registry = shared;
	*out = shared;

	return KNOT_EOK;
}

/*! \brief Brings an existing shared table up to date with its sources. */
static void shared_refresh(mailsrv_shared_t *shared, const mailsrv_sources_t *sources,
                           const sources_key_t *key, mailsrv_file_state_t **now,
                           mailsrv_shared_info_t *info)
{
	info->domains = mailsrv_table_count(shared->table);
	if (!files_changed(shared->states, *now, shared->file_count)) {
		info->outcome = MAILSRV_SHARED;
		return;
	}
	if (shared->failed != NULL && !files_changed(shared->failed, *now, shared->file_count)) {
		info->outcome = MAILSRV_KEPT_AGAIN;
		return;
	}

	pending_t *pending;
	int ret = current_list(sources, key, *now, &pending, info->error);
	if (ret == KNOT_EOK) {
		ret = shared_apply(shared, pending, info);
		pending_free(pending);
		if (ret != KNOT_EOK) {
			snprintf(info->error, sizeof(info->error), "%s", knot_strerror(ret));
		}
	}
	if (ret != KNOT_EOK) {
		// Do not read (nor report) the same invalid files again.
		free(shared->failed);
		shared->failed = *now;
		*now = NULL;
		info->outcome = MAILSRV_KEPT;
		return;
	}
	info->outcome = MAILSRV_RELOADED;
}

int mailsrv_registry_get(const mailsrv_sources_t *sources, mailsrv_shared_t **shared,
                         mailsrv_shared_info_t *info)
{
	memset(info, 0, sizeof(*info));

	sources_key_t key;
	mailsrv_file_state_t *now;
	int ret = sources_now(sources, &key, &now);
	if (ret != KNOT_EOK) {
		return ret;
	}

	pthread_mutex_lock(&registry_lock);

	mailsrv_shared_t *found = shared_find(&key);
	if (found != NULL) {
		found->refs++;
		shared_refresh(found, sources, &key, &now, info);
		*shared = found;
	} else {
		pending_t *pending;
		ret = current_list(sources, &key, now, &pending, info->error);
		if (ret == KNOT_EOK) {
			ret = shared_new(sources, &key, pending, shared, info);
			pending_free(pending);
			info->outcome = MAILSRV_BUILT;
		} else if (ret != KNOT_ENOMEM) {
			// Answer no domain until the sources are fixed.
			pending_t empty = { 0 };
			mailsrv_list_init(&empty.list);
			ret = shared_new(sources, &key, &empty, shared, info);
			if (ret == KNOT_EOK) {
				(*shared)->failed = now;
				now = NULL;
				info->outcome = MAILSRV_EMPTY;
			}
		}
	}

	pthread_mutex_unlock(&registry_lock);
	free(now);
	free(key.data);

	return ret;
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

	shared_free(shared);
}

int mailsrv_registry_attach(mailsrv_shared_t *shared, mailsrv_zone_t *zone,
                            const knot_dname_t *apex)
{
	zone->apex = knot_dname_copy(apex, NULL);
	if (zone->apex == NULL) {
		return KNOT_ENOMEM;
	}
	knot_dname_to_lower(zone->apex);

	pthread_mutex_lock(&registry_lock);
	cds_list_add(&zone->link, &shared->zones);
	shared->zone_count++;
	shared_changed(shared);
	pthread_mutex_unlock(&registry_lock);

	return KNOT_EOK;
}

void mailsrv_registry_detach(mailsrv_shared_t *shared, mailsrv_zone_t *zone)
{
	if (zone->apex == NULL) {
		return;
	}
	pthread_mutex_lock(&registry_lock);
	cds_list_del(&zone->link);
	shared->zone_count--;
	shared_changed(shared);
	pthread_mutex_unlock(&registry_lock);
	free(zone->apex);
	zone->apex = NULL;
}

bool mailsrv_registry_coverage_due(const mailsrv_shared_t *shared)
{
	unsigned long changes = __atomic_load_n(&shared->changes, __ATOMIC_ACQUIRE);
	if (changes == __atomic_load_n(&shared->checked, __ATOMIC_RELAXED)) {
		return false;
	}

	return now_ns() - __atomic_load_n(&shared->changed_at, __ATOMIC_RELAXED) >=
	       COVERAGE_QUIET_NS;
}

bool mailsrv_registry_coverage(mailsrv_shared_t *shared, mailsrv_coverage_t *out,
                               size_t *zones)
{
	if (pthread_mutex_trylock(&registry_lock) != 0) {
		return false;
	}

	bool report = false;
	mailsrv_apex_t *apexes = NULL;
	if (shared->checked != shared->changes &&
	    (apexes = calloc(shared->zone_count + 1, sizeof(*apexes))) != NULL) {
		size_t count = 0;
		mailsrv_zone_t *zone;
		cds_list_for_each_entry(zone, &shared->zones, link) {
			apexes[count].name = zone->apex;
			apexes[count++].size = knot_dname_size(zone->apex);
		}
		mailsrv_coverage_count(shared->table, apexes, count, out);
		__atomic_store_n(&shared->checked, shared->changes, __ATOMIC_RELAXED);

		report = out->outside != shared->reported.outside ||
		         (out->outside > 0 && !knot_dname_is_equal(out->first, shared->reported.first));
		if (report) {
			shared->reported = *out;
		}
		*zones = shared->zone_count;
	}
	pthread_mutex_unlock(&registry_lock);
	free(apexes);

	return report;
}

size_t mailsrv_registry_reads(void)
{
	pthread_mutex_lock(&registry_lock);
	size_t count = reads;
	pthread_mutex_unlock(&registry_lock);

	return count;
}

const mailsrv_table_t *mailsrv_shared_table(const mailsrv_shared_t *shared)
{
	return shared->table;
}
