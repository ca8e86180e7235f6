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
#include "module/snapshot.h"

/*! \brief Sources identified by their identity (mailsrv_sources_identity()). */
typedef struct {
	uint8_t *data;
	size_t size;
} sources_key_t;

struct mailsrv_shared {
	mailsrv_shared_t *next;
	sources_key_t key;
	unsigned refs;
	mailsrv_table_t *table;
	size_t source_count;
	mailsrv_source_state_t *states; /*!< Sources as read into the table (zero: not read). */
	size_t max_default_size;       /*!< Longest domain without its own target. */
	size_t max_size;               /*!< Longest domain. */
	mailsrv_source_state_t *failed; /*!< Sources as refused last (or NULL). */
	unsigned failed_limit;         /*!< The removal limit they were refused with, */
	mailsrv_relative_t failed_target; /*!< and the relative names (conf->relative). */
	mailsrv_relative_t warned_target; /*!< conf->relative last warned about (unfit). */
	char *snapshot;                /*!< Path of the snapshot (or NULL). */
	mailsrv_list_status_t status;
	struct cds_list_head zones;    /*!< Zones that use the table (mailsrv_zone_t). */
	size_t zone_count;
	unsigned long changes;         /*!< Changes of the table and its zones. */
	unsigned long checked;         /*!< 'changes' at the last coverage check. */
	uint64_t changed_at;           /*!< When the last change was (monotonic ns). */
	uint64_t looked_at;            /*!< When a load() last looked at the files, */
	unsigned long looked_epoch;    /*!< for this configuration epoch, */
	unsigned looked_limit;         /*!< this removal limit */
	mailsrv_relative_t looked_target; /*!< and relative names (conf->relative). */
	mailsrv_coverage_t reported;   /*!< The last coverage logged. */
};

/*! \brief Are two sets of relative names' sizes the same? */
static bool same_relative(const mailsrv_relative_t *a, const mailsrv_relative_t *b)
{
	return a->all == b->all && a->without_own == b->without_own;
}

/*! \brief The coverage check waits for this long without a change. */
#define COVERAGE_QUIET_NS	1000000000ull

/*! \brief A read that overlaps a write is tried again after this. */
#define RETRY_NS		50000000ull
/*! \brief Reading sources that do not settle gives up after this. */
#define READ_MAX_NS		1500000000ull
/*! \brief Loads of one configuration this close to the last load share its
 *         look at the files: a reload of 100,000 zones (a load every few tens
 *         of microseconds) looks at them once, not 100,000 times; a knotc
 *         command after it never comes this soon. */
#define LOOK_SHARED_NS		5000000ull

/* knotd 3.4+ may load zones' modules in parallel threads. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static mailsrv_shared_t *registry;

static int key_init(sources_key_t *key, const mailsrv_sources_t *sources)
{
	key->data = mailsrv_sources_identity(sources, &key->size);

	return key->data != NULL ? KNOT_EOK : KNOT_ENOMEM;
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

/*! \brief A state per source, zero (NULL if out of memory). */
static mailsrv_source_state_t *new_states(const mailsrv_sources_t *sources)
{
	return calloc(mailsrv_sources_count(sources) + 1, sizeof(mailsrv_source_state_t));
}

/*! \brief The state of every source now (NULL if out of memory). */
static mailsrv_source_state_t *current_states(const mailsrv_sources_t *sources)
{
	mailsrv_source_state_t *states = new_states(sources);
	if (states != NULL) {
		mailsrv_sources_look(sources, states);
	}

	return states;
}

/*! \brief Unix time now. */
static uint64_t unix_now(void)
{
	return (uint64_t)time(NULL);
}

/*!
 * \brief Reads and validates every source into \a list (emptied first), again
 *        while a source is being written: until the sources read have not
 *        changed for a while, for at most READ_MAX_NS.
 *
 * \param states  Output: the sources as read (one per source).
 */
static int read_list(const mailsrv_list_conf_t *conf, mailsrv_list_t *list,
                     mailsrv_source_state_t *states, char err[MAILSRV_ERR_SIZE])
{
	uint64_t deadline = now_ns() + READ_MAX_NS;
	for (;;) {
		mailsrv_list_clear(list);
		int ret = mailsrv_sources_read(conf->sources, list, states, err);
		if (ret == KNOT_EOK) {
			ret = mailsrv_list_check_target(list, &conf->relative, err);
		}
		size_t which = 0;
		uint64_t wait = (ret == KNOT_EBUSY) ? RETRY_NS :
		                mailsrv_sources_settle(conf->sources, states, &which);
		if (ret == KNOT_ENOMEM || wait == 0) {
			return ret;
		}
		if (now_ns() + wait > deadline) {
			if (ret != KNOT_EBUSY) {
				char desc[MAILSRV_ERR_SIZE / 2];
				snprintf(err, MAILSRV_ERR_SIZE, "%s: still being written",
				         mailsrv_sources_describe_one(conf->sources, which, desc,
				                                      sizeof(desc)));
			}
			return KNOT_EBUSY;
		}
		struct timespec pause = { wait / 1000000000ull, wait % 1000000000ull };
		nanosleep(&pause, NULL);
		if (ret != KNOT_EBUSY && !mailsrv_sources_moved(conf->sources, states)) {
			return ret;
		}
	}
}

int mailsrv_registry_check(const mailsrv_list_conf_t *conf, char err[MAILSRV_ERR_SIZE])
{
	mailsrv_source_state_t *states = new_states(conf->sources);
	if (states == NULL) {
		return KNOT_ENOMEM;
	}
	mailsrv_list_t *list = mailsrv_list_new();
	int ret = KNOT_ENOMEM;
	if (list != NULL) {
		pthread_mutex_lock(&registry_lock);
		ret = read_list(conf, list, states, err);
		pthread_mutex_unlock(&registry_lock);
	}
	mailsrv_list_free(list);
	free(states);

	return ret;
}

static mailsrv_shared_t *shared_find(const sources_key_t *key)
{
	mailsrv_shared_t *shared = registry;
	while (shared != NULL && !key_equal(&shared->key, key)) {
		shared = shared->next;
	}

	return shared;
}

/*! \brief Sets the status and tells every zone (under the registry lock). */
static void shared_set_status(mailsrv_shared_t *shared, uint64_t read_at, uint64_t stale_since)
{
	shared->status = (mailsrv_list_status_t){
		.domains = mailsrv_table_count(shared->table),
		.read_at = read_at,
		.stale_since = stale_since,
	};
	mailsrv_zone_t *zone;
	cds_list_for_each_entry(zone, &shared->zones, link) {
		zone->notify(zone, &shared->status);
	}
}

/*!
 * \brief Records refused sources: not read (nor reported) again while they,
 *        the removal limit and the target are unchanged.
 */
static void shared_refused(mailsrv_shared_t *shared, mailsrv_source_state_t **now,
                           const mailsrv_list_conf_t *conf)
{
	free(shared->failed);
	shared->failed = *now;
	shared->failed_limit = conf->removal_limit;
	shared->failed_target = conf->relative;
	*now = NULL;
	uint64_t since = shared->status.stale_since;
	shared_set_status(shared, shared->status.read_at, since != 0 ? since : unix_now());
}

/*!
 * \brief Would a new list that keeps \a kept of \a old domains remove more
 *        than \a limit percent (of a list of at least MAILSRV_REMOVAL_MIN)?
 */
static bool removes_too_many(size_t old, size_t kept, unsigned limit,
                             char err[MAILSRV_ERR_SIZE])
{
	size_t removed = old - kept;
	if (limit >= 100 || old < MAILSRV_REMOVAL_MIN || removed * 100 <= (size_t)limit * old) {
		return false;
	}
	snprintf(err, MAILSRV_ERR_SIZE, "the new list would remove %zu of %zu domains "
	         "(%zu%%), more than removal-limit %u%%; if that is intended, set "
	         "removal-limit to 100 and reload", removed, old, removed * 100 / old, limit);

	return true;
}

/*! \brief Keeps the list as the snapshot; why it failed in \a info. */
static void shared_snapshot(const mailsrv_shared_t *shared, const mailsrv_list_conf_t *conf,
                            const mailsrv_list_t *list, mailsrv_shared_info_t *info)
{
	// Sources that change only with the configuration need none: it has them.
	if (shared->snapshot == NULL || !mailsrv_sources_external(conf->sources)) {
		return;
	}
	uint64_t start = now_ns();
	char desc[MAILSRV_ERR_SIZE / 2];
	mailsrv_sources_describe(conf->sources, desc, sizeof(desc));
	mailsrv_snapshot_write(shared->snapshot, list, desc, info->snapshot);
	info->snapshot_seconds = seconds_since(start);
}

/*! \brief Forgets where the zones' mail domains are (under the registry lock). */
static void shared_forget_domains(mailsrv_shared_t *shared)
{
	mailsrv_zone_t *zone;
	cds_list_for_each_entry(zone, &shared->zones, link) {
		__atomic_store_n(&zone->domains, MAILSRV_DOMAINS_ANY, __ATOMIC_RELAXED);
	}
}

/*! \brief Applies a validated list to the shared table, filling info. */
static int shared_apply(mailsrv_shared_t *shared, mailsrv_list_t *list,
                        mailsrv_shared_info_t *info)
{
	uint64_t start = now_ns();

	// Before any domain changes: until the next coverage check, any name of
	// a zone may be a mail domain's.
	shared_forget_domains(shared);

	mailsrv_list_stats_t stats = mailsrv_list_stats(list);
	info->duplicates = stats.duplicates;
	info->targets = stats.targets;
	if (stats.first_duplicate != NULL) {
		char name[KNOT_DNAME_TXT_MAXLEN + 1], pos[MAILSRV_ERR_SIZE / 2];
		knot_dname_to_str(name, mailsrv_list_name(list, stats.first_duplicate), sizeof(name));
		snprintf(info->duplicate, sizeof(info->duplicate), "'%.100s' at %s", name,
		         mailsrv_list_position(list, stats.first_duplicate, pos, sizeof(pos)));
	}
	int ret = mailsrv_table_apply(shared->table, list, &info->diff);
	shared->max_default_size = stats.max_default_size;
	shared->max_size = stats.max_size;
	shared_changed(shared);
	info->domains = mailsrv_table_count(shared->table);
	info->memory = mailsrv_table_memory(shared->table);
	info->seconds += seconds_since(start);

	return ret;
}

/*!
 * \brief Keeps a list read from the sources as the snapshot (first: the
 *        table takes the list's targets), applies it, records the sources
 *        as they were read (\a read).
 */
static int shared_apply_read(mailsrv_shared_t *shared, const mailsrv_list_conf_t *conf,
                             mailsrv_list_t *list, const mailsrv_source_state_t *read,
                             mailsrv_shared_info_t *info)
{
	shared_snapshot(shared, conf, list, info);
	int ret = shared_apply(shared, list, info);
	if (ret != KNOT_EOK) {
		return ret;
	}
	memcpy(shared->states, read, shared->source_count * sizeof(*read));
	free(shared->failed);
	shared->failed = NULL;
	shared_set_status(shared, unix_now(), 0);

	return KNOT_EOK;
}

static void shared_free(mailsrv_shared_t *shared)
{
	mailsrv_table_free(shared->table);
	free(shared->states);
	free(shared->failed);
	free(shared->snapshot);
	free(shared->key.data);
	free(shared);
}

/*! \brief Makes a new shared table, empty; takes \a snapshot. */
static int shared_new(const mailsrv_list_conf_t *conf, sources_key_t *key, char *snapshot,
                      size_t size_hint, mailsrv_shared_t **out)
{
	mailsrv_shared_t *shared = calloc(1, sizeof(*shared));
	if (shared == NULL) {
		free(snapshot);
		return KNOT_ENOMEM;
	}
	shared->snapshot = snapshot;
	shared->source_count = mailsrv_sources_count(conf->sources);
	shared->states = calloc(shared->source_count + 1, sizeof(*shared->states));
	shared->table = mailsrv_table_new(size_hint);
	CDS_INIT_LIST_HEAD(&shared->zones);
	if (shared->states == NULL || shared->table == NULL) {
		shared_free(shared);
		return KNOT_ENOMEM;
	}

	shared->key = *key;
	key->data = NULL;
	shared->refs = 1;
	*out = shared;

	return KNOT_EOK;
}

/*! \brief Reads the sources, timed, and checks the removal limit against \a table. */
static int read_checked(const mailsrv_list_conf_t *conf, const mailsrv_table_t *table,
                        mailsrv_list_t *list, mailsrv_source_state_t *read,
                        mailsrv_shared_info_t *info)
{
	uint64_t start = now_ns();
	int ret = read_list(conf, list, read, info->error);
	info->seconds = seconds_since(start);
	if (ret == KNOT_EOK && table != NULL &&
	    removes_too_many(mailsrv_table_count(table), mailsrv_table_kept(table, list),
	                     conf->removal_limit, info->error)) {
		ret = KNOT_EDENIED;
	}

	return ret;
}

/*!
 * \brief Reads the snapshot into \a list (left empty if there is none, or a
 *        bad one).
 *
 * \return KNOT_EOK, KNOT_ENOMEM.
 */
static int read_snapshot(const char *path, mailsrv_list_t *list, mailsrv_shared_info_t *info)
{
	if (path == NULL) {
		snprintf(info->snapshot, sizeof(info->snapshot), "no storage for a snapshot");
		return KNOT_EOK;
	}
	int ret = mailsrv_snapshot_read(path, list, &info->snapshot_time, info->snapshot);
	if (ret == KNOT_ENOENT) {
		snprintf(info->snapshot, sizeof(info->snapshot), "no snapshot %s", path);
	}
	if (ret != KNOT_EOK) {
		mailsrv_list_clear(list);
		return ret == KNOT_ENOMEM ? ret : KNOT_EOK;
	}
	info->outcome = MAILSRV_SNAPSHOT;

	return KNOT_EOK;
}

/*!
 * \brief Builds a new shared table: from the sources, else the snapshot.
 *        The removal limit holds against the snapshot too: a restart does
 *        not forget the last good list.
 */
static int shared_build(const mailsrv_list_conf_t *conf, sources_key_t *key,
                        mailsrv_source_state_t **now, mailsrv_source_state_t *as_read,
                        mailsrv_shared_t **out, mailsrv_shared_info_t *info)
{
	char *snapshot = NULL;
	*out = NULL;
	const char *storage = (conf->storage != NULL) ? conf->storage(conf->storage_ctx) : NULL;
	if (storage != NULL &&
	    (snapshot = mailsrv_snapshot_path(storage, key->data, key->size)) == NULL) {
		return KNOT_ENOMEM;
	}

	uint64_t start = now_ns();
	mailsrv_list_t *list = mailsrv_list_new(), *last = mailsrv_list_new();
	int read = (list == NULL || last == NULL) ? KNOT_ENOMEM :
	           read_checked(conf, NULL, list, as_read, info);
	size_t old = 0, kept = 0;
	if (read == KNOT_EOK && snapshot != NULL && conf->removal_limit < 100 &&
	    mailsrv_snapshot_kept(snapshot, list, &old, &kept, info->snapshot) == KNOT_EOK &&
	    removes_too_many(old, kept, conf->removal_limit, info->error)) {
		read = KNOT_EDENIED;
	}
	info->seconds = seconds_since(start);
	if (read != KNOT_EOK && read != KNOT_ENOMEM &&
	    read_snapshot(snapshot, last, info) != KNOT_EOK) {
		read = KNOT_ENOMEM;
	}
	if (read == KNOT_ENOMEM) {
		mailsrv_list_free(list);
		mailsrv_list_free(last);
		free(snapshot);
		return read;
	}

	mailsrv_list_t *use = (read == KNOT_EOK) ? list : last;
	if (read == KNOT_EOK) {
		info->outcome = MAILSRV_BUILT;
		info->snapshot[0] = '\0';
	} else if (info->outcome != MAILSRV_SNAPSHOT) {
		info->outcome = MAILSRV_EMPTY;
	}
	int ret = shared_new(conf, key, snapshot, mailsrv_list_count(use), out);
	if (ret == KNOT_EOK && read == KNOT_EOK) {
		ret = shared_apply_read(*out, conf, list, as_read, info);
	} else if (ret == KNOT_EOK) {
		ret = shared_apply(*out, last, info);
		if (info->outcome == MAILSRV_SNAPSHOT) {
			(*out)->status.read_at = info->snapshot_time;
		}
		shared_refused(*out, now, conf);
	}
	mailsrv_list_free(list);
	mailsrv_list_free(last);
	if (ret == KNOT_EOK) {
		(*out)->next = registry;
		registry = *out;
	} else if (*out != NULL) {
		shared_free(*out);
	}

	return ret;
}

/*! \brief Brings a shared table up to date; refused sources leave it as it is. */
static void shared_refresh(mailsrv_shared_t *shared, const mailsrv_list_conf_t *conf,
                           mailsrv_source_state_t **now, mailsrv_source_state_t *as_read,
                           mailsrv_shared_info_t *info)
{
	info->domains = mailsrv_table_count(shared->table);
	if (!mailsrv_sources_changed(conf->sources, shared->states, *now)) {
		info->outcome = MAILSRV_SHARED;
		return;
	}
	if (shared->failed != NULL && shared->failed_limit == conf->removal_limit &&
	    same_relative(&shared->failed_target, &conf->relative) &&
	    !mailsrv_sources_changed(conf->sources, shared->failed, *now)) {
		info->outcome = MAILSRV_KEPT_AGAIN;
		return;
	}

	mailsrv_list_t *list = mailsrv_list_new();
	int ret = (list == NULL) ? KNOT_ENOMEM :
	          read_checked(conf, shared->table, list, as_read, info);
	if (ret == KNOT_EOK) {
		ret = shared_apply_read(shared, conf, list, as_read, info);
	}
	if (ret == KNOT_ENOMEM || (ret != KNOT_EOK && info->error[0] == '\0')) {
		snprintf(info->error, sizeof(info->error), "%s", knot_strerror(ret));
	}
	mailsrv_list_free(list);
	if (ret == KNOT_EOK) {
		info->outcome = MAILSRV_RELOADED;
		return;
	}
	info->outcome = MAILSRV_KEPT;
	// Out of memory is no verdict on the sources: the next reload reads them.
	if (ret != KNOT_ENOMEM) {
		shared_refused(shared, now, conf);
	}
}

/*!
 * \brief Warns (once per size) when a relative name does not fit a domain
 *        of the table (after a list checked against other names: a shared
 *        table, a kept list, the snapshot).
 */
static void check_fit(mailsrv_shared_t *shared, const mailsrv_list_conf_t *conf,
                      mailsrv_shared_info_t *info)
{
	const mailsrv_relative_t *relative = &conf->relative;
	bool fits = mailsrv_relative_fits(relative->without_own, shared->max_default_size);
	if ((fits && mailsrv_relative_fits(relative->all, shared->max_size)) ||
	    same_relative(relative, &shared->warned_target)) {
		return;
	}
	shared->warned_target = *relative;
	snprintf(info->unfit, sizeof(info->unfit), "the relative target makes names longer "
	         "than 255 bytes with the longest domain%s (%zu bytes): such domains get "
	         "no records", fits ? "" : " without its own target",
	         fits ? shared->max_size : shared->max_default_size);
}

/*! \brief Did a load() look at the table's files just now, for the same
 *         checks (under the lock)? Then this one shares what it saw. */
static bool looked_just_now(const mailsrv_shared_t *shared, const mailsrv_list_conf_t *conf)
{
	return now_ns() - shared->looked_at < LOOK_SHARED_NS &&
	       shared->looked_epoch == conf->epoch &&
	       shared->looked_limit == conf->removal_limit &&
	       same_relative(&shared->looked_target, &conf->relative);
}

int mailsrv_registry_get(const mailsrv_list_conf_t *conf, mailsrv_shared_t **shared,
                         mailsrv_shared_info_t *info)
{
	memset(info, 0, sizeof(*info));

	sources_key_t key;
	int ret = key_init(&key, conf->sources);
	if (ret != KNOT_EOK) {
		return ret;
	}

	pthread_mutex_lock(&registry_lock);
	mailsrv_shared_t *found = shared_find(&key);
	mailsrv_source_state_t *now = NULL, *as_read = NULL;
	if (found != NULL && looked_just_now(found, conf)) {
		found->refs++;
		info->domains = mailsrv_table_count(found->table);
		info->outcome = (found->status.stale_since != 0) ? MAILSRV_KEPT_AGAIN :
		                                                   MAILSRV_SHARED;
		*shared = found;
	} else if ((now = current_states(conf->sources)) == NULL ||
	           (as_read = new_states(conf->sources)) == NULL) {
		ret = KNOT_ENOMEM;
	} else if (found != NULL) {
		found->refs++;
		shared_refresh(found, conf, &now, as_read, info);
		*shared = found;
	} else {
		ret = shared_build(conf, &key, &now, as_read, shared, info);
	}
	if (ret == KNOT_EOK) {
		(*shared)->looked_at = now_ns();
		(*shared)->looked_epoch = conf->epoch;
		(*shared)->looked_limit = conf->removal_limit;
		(*shared)->looked_target = conf->relative;
		check_fit(*shared, conf, info);
	}

	pthread_mutex_unlock(&registry_lock);
	free(now);
	free(as_read);
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

	zone->domains = MAILSRV_DOMAINS_ANY;
	pthread_mutex_lock(&registry_lock);
	cds_list_add(&zone->link, &shared->zones);
	shared->zone_count++;
	shared_changed(shared);
	zone->notify(zone, &shared->status);
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
			apexes[count++] = (mailsrv_apex_t){
				.name = zone->apex,
				.size = knot_dname_size(zone->apex),
				.owner = zone,
			};
		}
		mailsrv_coverage_count(shared->table, apexes, count, out);
		for (size_t i = 0; i < count; i++) {
			zone = apexes[i].owner;
			__atomic_store_n(&zone->domains, apexes[i].domains, __ATOMIC_RELAXED);
		}
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

const mailsrv_table_t *mailsrv_shared_table(const mailsrv_shared_t *shared)
{
	return shared->table;
}
