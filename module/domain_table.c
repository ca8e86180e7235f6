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

/*! \brief One domain. Kept small: a million of them must fit in ~64 MB. */
typedef struct {
	struct cds_lfht_node node;
	const mailsrv_target_t *target;
	uint8_t size;      /*!< Size of name (a name of 255 bytes cannot be listed). */
	uint8_t name[];
} table_entry_t;

/*! \brief An entry waiting for a grace period before it is freed. */
typedef struct {
	struct rcu_head rcu;
	table_entry_t *entry;
} retired_entry_t;

struct mailsrv_table {
	struct cds_lfht *ht;
	uint64_t seed;
	size_t count;
	mailsrv_target_t **targets;
	size_t target_count;
};

/*! \brief Lookup key. */
typedef struct {
	const uint8_t *name;
	size_t size;
} table_key_t;

static int entry_match(struct cds_lfht_node *node, const void *key)
{
	const table_entry_t *entry = caa_container_of(node, table_entry_t, node);
	const table_key_t *k = key;

	return entry->size == k->size && memcmp(entry->name, k->name, k->size) == 0;
}

static unsigned long key_hash(const mailsrv_table_t *table, const table_key_t *key)
{
	return XXH3_64bits_withSeed(key->name, key->size, table->seed);
}

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

	// No reader is left: entries can go at once.
	struct cds_lfht_iter iter;
	table_entry_t *entry;
	rcu_read_lock();
	cds_lfht_for_each_entry(table->ht, &iter, entry, node) {
		cds_lfht_del(table->ht, &entry->node);
		free(entry);
	}
	rcu_read_unlock();
	cds_lfht_destroy(table->ht, NULL);

	for (size_t i = 0; i < table->target_count; i++) {
		free(table->targets[i]);
	}
	free(table->targets);
	free(table);
}

bool mailsrv_table_lookup(const mailsrv_table_t *table, const uint8_t *name,
                          size_t size, const mailsrv_target_t **target)
{
	table_key_t key = { name, size };
	struct cds_lfht_iter iter;
	cds_lfht_lookup(table->ht, key_hash(table, &key), entry_match, &key, &iter);
	struct cds_lfht_node *node = cds_lfht_iter_get_node(&iter);
	if (node == NULL) {
		return false;
	}
	*target = caa_container_of(node, table_entry_t, node)->target;

	return true;
}

void mailsrv_table_adopt_targets(mailsrv_table_t *table, mailsrv_target_t **targets,
                                 size_t count)
{
	free(table->targets);
	table->targets = targets;
	table->target_count = count;
}

static void retired_free(struct rcu_head *head)
{
	retired_entry_t *retired = caa_container_of(head, retired_entry_t, rcu);
	free(retired->entry);
	free(retired);
}

/*! \brief Frees an unlinked entry once no reader can see it any more. */
static void retire(table_entry_t *entry)
{
	retired_entry_t *retired = malloc(sizeof(*retired));
	if (retired == NULL) {
		synchronize_rcu();
		free(entry);
		return;
	}
	retired->entry = entry;
	call_rcu(&retired->rcu, retired_free);
}

int mailsrv_table_set(mailsrv_table_t *table, const uint8_t *name,
                      const mailsrv_target_t *target)
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
	rcu_read_lock();
	struct cds_lfht_node *old = cds_lfht_add_replace(table->ht, key_hash(table, &key),
	                                                 entry_match, &key, &entry->node);
	rcu_read_unlock();

	if (old != NULL) {
		retire(caa_container_of(old, table_entry_t, node));
	} else {
		table->count++;
	}

	return KNOT_EOK;
}

int mailsrv_table_delete(mailsrv_table_t *table, const uint8_t *name)
{
	table_key_t key = { name, knot_dname_size(name) };
	struct cds_lfht_iter iter;
	rcu_read_lock();
	cds_lfht_lookup(table->ht, key_hash(table, &key), entry_match, &key, &iter);
	struct cds_lfht_node *node = cds_lfht_iter_get_node(&iter);
	int ret = (node != NULL) ? cds_lfht_del(table->ht, node) : -1;
	rcu_read_unlock();

	if (ret != 0) {
		return KNOT_ENOENT;
	}
	table->count--;
	retire(caa_container_of(node, table_entry_t, node));

	return KNOT_EOK;
}

size_t mailsrv_table_count(const mailsrv_table_t *table)
{
	return table->count;
}
