/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

// The default flavor (urcu-memb) is the one knotd uses; it must be
// included before the hash table so that tables bind to it.
#include <urcu.h>
#include <urcu/rculfhash.h>

#include <libknot/dname.h>
#include <libknot/errcode.h>
#include <xxhash.h>

#include "module/domain_table.h"

#if defined(__SANITIZE_THREAD__)
// liburcu is not instrumented: tell ThreadSanitizer that lfht publishes an
// entry (with a full barrier) after the writer filled it in.
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define ENTRY_PUBLISHED(entry)	__tsan_release(entry)
#define ENTRY_FOUND(entry)	__tsan_acquire(entry)
#else
#define ENTRY_PUBLISHED(entry)
#define ENTRY_FOUND(entry)
#endif

/*! \brief One domain. Kept small: a million of them must fit in ~64 MB. */
typedef struct {
	struct cds_lfht_node node;
	const mailsrv_target_t *target;
	uint8_t size;      /*!< Size of name (at most 255). */
	uint8_t name[];
} table_entry_t;

struct mailsrv_table {
	struct cds_lfht *ht;
	uint64_t seed;
	size_t count;                /*!< Entries. */
	size_t ancestors;            /*!< Entries that are parents only. */
	size_t entry_bytes;          /*!< Bytes allocated for entries. */
	mailsrv_target_t **targets;  /*!< Targets the entries point to. */
	size_t target_count;
};

/*! \brief Memory waiting for a grace period before it is freed. */
typedef struct {
	struct rcu_head rcu;
	size_t count;
	size_t max;
	void **ptrs;
} retired_t;

/*! \brief Lookup key. */
typedef struct {
	const uint8_t *name;
	size_t size;
} table_key_t;

static int entry_match(struct cds_lfht_node *node, const void *key)
{
	table_entry_t *entry = caa_container_of(node, table_entry_t, node);
	const table_key_t *k = key;
	ENTRY_FOUND(entry);

	return entry->size == k->size && memcmp(entry->name, k->name, k->size) == 0;
}

static unsigned long key_hash(const mailsrv_table_t *table, const table_key_t *key)
{
	return XXH3_64bits_withSeed(key->name, key->size, table->seed);
}

static void retire(retired_t *retired, void *ptr);

/*!
 * \brief The entry at an iterator, NULL past the last one.
 *
 * liburcu's cds_lfht_for_each_entry() computes the entry of the NULL node at
 * the end (container_of(NULL)), which is undefined behaviour that UBSan
 * reports; this loop never does.
 */
static table_entry_t *iter_entry(struct cds_lfht_iter *iter)
{
	struct cds_lfht_node *node = cds_lfht_iter_get_node(iter);
	return node == NULL ? NULL : caa_container_of(node, table_entry_t, node);
}

/*! \brief Every entry of the table (under the read lock). */
#define for_each_entry(ht, iter, entry) \
	for (cds_lfht_first(ht, iter); ((entry) = iter_entry(iter)) != NULL; \
	     cds_lfht_next(ht, iter))

mailsrv_table_t *mailsrv_table_new(size_t size_hint)
{
	mailsrv_table_t *table = calloc(1, sizeof(*table));
	if (table == NULL) {
		return NULL;
	}

	// A seed the list's author cannot guess keeps chains short.
	if (getrandom(&table->seed, sizeof(table->seed), 0) != sizeof(table->seed)) {
		table->seed = (uintptr_t)table ^ (uint64_t)random() << 32;
	}

	unsigned long buckets = 1;
	while (buckets < size_hint) {
		buckets <<= 1;
	}
	table->ht = cds_lfht_new(buckets, buckets, 0,
	                         CDS_LFHT_AUTO_RESIZE | CDS_LFHT_ACCOUNTING, NULL);
	if (table->ht == NULL) {
		free(table);
		return NULL;
	}

	return table;
}

void mailsrv_table_free(mailsrv_table_t *table)
{
	if (table == NULL) {
		return;
	}

	// No query reads the table any more, but lfht's resize threads may:
	// the entries are freed after cds_lfht_destroy() has waited for them.
	retired_t entries = { 0 };
	struct cds_lfht_iter iter;
	table_entry_t *entry;
	rcu_read_lock();
	for_each_entry(table->ht, &iter, entry) {
		if (cds_lfht_del(table->ht, &entry->node) == 0) {
			retire(&entries, entry);
		}
	}
	rcu_read_unlock();
	cds_lfht_destroy(table->ht, NULL);
	for (size_t i = 0; i < entries.count; i++) {
		free(entries.ptrs[i]);
	}
	free(entries.ptrs);

	for (size_t i = 0; i < table->target_count; i++) {
		free(table->targets[i]);
	}
	free(table->targets);
	free(table);
}

/*! \brief Finds the node of a domain (under the read lock). */
static struct cds_lfht_node *find_node(const mailsrv_table_t *table, const uint8_t *name,
                                       size_t size)
{
	table_key_t key = { name, size };
	struct cds_lfht_iter iter;
	cds_lfht_lookup(table->ht, key_hash(table, &key), entry_match, &key, &iter);

	return cds_lfht_iter_get_node(&iter);
}

bool mailsrv_table_lookup(const mailsrv_table_t *table, const uint8_t *name,
                          size_t size, const mailsrv_target_t **target)
{
	struct cds_lfht_node *node = find_node(table, name, size);
	if (node == NULL) {
		return false;
	}
	table_entry_t *entry = caa_container_of(node, table_entry_t, node);
	ENTRY_FOUND(entry);
	*target = entry->target;

	return true;
}

void mailsrv_table_foreach(const mailsrv_table_t *table,
                           void (*visit)(const uint8_t *name, void *ctx), void *ctx)
{
	struct cds_lfht_iter iter;
	table_entry_t *entry;
	rcu_read_lock();
	for_each_entry(table->ht, &iter, entry) {
		if (entry->target != &mailsrv_ancestor) {
			visit(entry->name, ctx);
		}
	}
	rcu_read_unlock();
}

size_t mailsrv_table_kept(const mailsrv_table_t *table, const mailsrv_list_t *list)
{
	size_t kept = 0;
	rcu_read_lock();
	for (size_t i = 0; i < mailsrv_list_count(list); i++) {
		const mailsrv_list_entry_t *entry = mailsrv_list_entry(list, i);
		const uint8_t *name = mailsrv_list_name(list, entry);
		const mailsrv_target_t *target;
		if (entry->target != MAILSRV_LIST_ANCESTOR &&
		    mailsrv_table_lookup(table, name, knot_dname_size(name), &target) &&
		    target != &mailsrv_ancestor) {
			kept++;
		}
	}
	rcu_read_unlock();

	return kept;
}

size_t mailsrv_table_count(const mailsrv_table_t *table)
{
	return table->count - table->ancestors;
}

size_t mailsrv_table_memory(const mailsrv_table_t *table)
{
	// Buckets: lfht keeps about one 16-byte bucket node per entry (a power
	// of two); malloc adds about 8 bytes to each block.
	size_t buckets = 1;
	while (buckets < table->count) {
		buckets <<= 1;
	}
	size_t bytes = sizeof(*table) + table->entry_bytes + 8 * table->count +
	               buckets * sizeof(struct cds_lfht_node);
	for (size_t i = 0; i < table->target_count; i++) {
		bytes += mailsrv_target_bytes(table->targets[i]) + 8;
	}

	return bytes;
}

/*! \brief Counts an entry in (+1) or out (-1). */
static void count_entry(mailsrv_table_t *table, const table_entry_t *entry, int sign)
{
	table->count += sign;
	table->entry_bytes += sign * (sizeof(*entry) + entry->size);
	if (entry->target == &mailsrv_ancestor) {
		table->ancestors += sign;
	}
}

static void retired_free(struct rcu_head *head)
{
	retired_t *retired = caa_container_of(head, retired_t, rcu);
	for (size_t i = 0; i < retired->count; i++) {
		free(retired->ptrs[i]);
	}
	free(retired->ptrs);
	free(retired);
}

/*! \brief Collects memory to free once no reader can see it any more. */
static void retire(retired_t *retired, void *ptr)
{
	if (retired->count == retired->max) {
		size_t max = retired->max == 0 ? 16 : retired->max * 2;
		void **ptrs = realloc(retired->ptrs, max * sizeof(*ptrs));
		if (ptrs == NULL) {
			// Out of memory: wait for the readers here instead.
			synchronize_rcu();
			free(ptr);
			return;
		}
		retired->ptrs = ptrs;
		retired->max = max;
	}
	retired->ptrs[retired->count++] = ptr;
}

/*! \brief Frees the collected memory after a grace period, without waiting. */
static void retired_commit(retired_t *retired)
{
	if (retired->count == 0) {
		retired_free(&retired->rcu);
	} else {
		call_rcu(&retired->rcu, retired_free);
	}
}

/*! \brief Adds or replaces a domain; a replaced entry is retired. */
static int put_entry(mailsrv_table_t *table, const uint8_t *name,
                     const mailsrv_target_t *target, retired_t *retired)
{
	size_t size = knot_dname_size(name);
	table_entry_t *entry = malloc(sizeof(*entry) + size);
	if (entry == NULL) {
		return KNOT_ENOMEM;
	}
	cds_lfht_node_init(&entry->node);
	entry->target = target;
	entry->size = size;
	memcpy(entry->name, name, size);

	table_key_t key = { entry->name, size };
	ENTRY_PUBLISHED(entry);
	rcu_read_lock();
	struct cds_lfht_node *old = cds_lfht_add_replace(table->ht, key_hash(table, &key),
	                                                 entry_match, &key, &entry->node);
	rcu_read_unlock();

	if (old != NULL) {
		count_entry(table, caa_container_of(old, table_entry_t, node), -1);
		retire(retired, caa_container_of(old, table_entry_t, node));
	}
	count_entry(table, entry, +1);

	return KNOT_EOK;
}

/*! \brief Puts the table's targets into the list where they are equal, so
 *         that entries with an unchanged target stay untouched. */
static void reuse_targets(mailsrv_table_t *table, mailsrv_list_t *list)
{
	for (size_t i = 0; i < table->target_count; i++) {
		mailsrv_list_use_target(list, table->targets[i]);
	}
}

/*! \brief Makes the list's targets the table's; the table's others are
 *         retired (no entry points to them any more). */
static void take_targets(mailsrv_table_t *table, mailsrv_list_t *list, retired_t *retired)
{
	for (size_t i = 0; i < table->target_count; i++) {
		if (!mailsrv_list_has_target(list, table->targets[i])) {
			retire(retired, table->targets[i]);
		}
	}
	free(table->targets);
	table->targets = mailsrv_list_take_targets(list, &table->target_count);
}

/*! \brief After a failure entries use targets of both: the table keeps all. */
static void keep_all_targets(mailsrv_table_t *table, mailsrv_list_t *list)
{
	size_t taken = 0;
	mailsrv_target_t **own = mailsrv_list_take_targets(list, &taken);
	if (taken == 0) {
		return; // (realloc() to 0 bytes would free the table's array.)
	}
	mailsrv_target_t **all = realloc(table->targets, (table->target_count + taken) *
	                                 sizeof(*all));
	if (all == NULL) {
		// The list's targets leak: freeing them could leave entries dangling.
		free(own);
		return;
	}
	// Targets reused from the table are in both arrays: keep one pointer.
	size_t count = table->target_count;
	for (size_t i = 0; i < taken; i++) {
		bool reused = false;
		for (size_t j = 0; j < table->target_count && !reused; j++) {
			reused = (all[j] == own[i]);
		}
		if (!reused) {
			all[count++] = own[i];
		}
	}
	table->targets = all;
	table->target_count = count;
	free(own);
}

int mailsrv_table_apply(mailsrv_table_t *table, mailsrv_list_t *list,
                        mailsrv_table_diff_t *diff)
{
	*diff = (mailsrv_table_diff_t){ 0 };
	retired_t *retired = calloc(1, sizeof(*retired));
	if (retired == NULL) {
		return KNOT_ENOMEM;
	}

	reuse_targets(table, list);

	// Adds and switches first: a domain in both lists never disappears.
	int ret = KNOT_EOK;
	size_t count = mailsrv_list_count(list);
	for (size_t i = 0; i < count && ret == KNOT_EOK; i++) {
		const mailsrv_list_entry_t *entry = mailsrv_list_entry(list, i);
		const uint8_t *name = mailsrv_list_name(list, entry);
		const mailsrv_target_t *target = mailsrv_list_target(list, entry);

		rcu_read_lock();
		struct cds_lfht_node *node = find_node(table, name, knot_dname_size(name));
		const mailsrv_target_t *old = (node != NULL) ?
		        caa_container_of(node, table_entry_t, node)->target : &mailsrv_ancestor;
		rcu_read_unlock();
		if (node != NULL && old == target) {
			continue;
		}
		ret = put_entry(table, name, target, retired);
		// A name that becomes (or stops being) a parent only is added (removed).
		bool was_listed = (old != &mailsrv_ancestor), listed = (target != &mailsrv_ancestor);
		if (ret == KNOT_EOK && listed) {
			was_listed ? diff->changed++ : diff->added++;
		} else if (ret == KNOT_EOK && was_listed) {
			diff->removed++;
		}
	}
	if (ret != KNOT_EOK) {
		keep_all_targets(table, list);
		retired_commit(retired);
		return ret;
	}

	// Every name of the list is in the table now: with as many entries as
	// the list, the table holds no other name and nothing is to be removed.
	struct cds_lfht_iter iter;
	table_entry_t *entry;
	rcu_read_lock();
	for_each_entry(table->ht, &iter, entry) {
		// The table holds the list and more: once the counts are equal,
		// nothing is left to remove.
		if (table->count == count) {
			break;
		}
		if (mailsrv_list_find(list, entry->name) == NULL &&
		    cds_lfht_del(table->ht, &entry->node) == 0) {
			count_entry(table, entry, -1);
			diff->removed += (entry->target != &mailsrv_ancestor);
			retire(retired, entry);
		}
	}
	rcu_read_unlock();

	take_targets(table, list, retired);
	retired_commit(retired);

	return KNOT_EOK;
}
