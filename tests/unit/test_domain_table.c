/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <urcu.h>
#include <libknot/dname.h>
#include <libknot/errcode.h>

#include "module/domain_table.h"

#define EXAMPLE_COM	(const uint8_t *)"\x07""example\x03""com"
#define EXAMPLE_ORG	(const uint8_t *)"\x07""example\x03""org"

static mailsrv_target_t *target(const char *wire, size_t size, bool relative)
{
	mailsrv_target_t *t = malloc(sizeof(*t) + size);
	assert_non_null(t);
	t->relative = relative;
	t->size = size;
	memcpy(t->wire, wire, size);
	return t;
}

/*! \brief Looks \a name up under the read lock, as a query hook does. */
static bool lookup(const mailsrv_table_t *table, const uint8_t *name,
                   const mailsrv_target_t **found)
{
	rcu_read_lock();
	bool ret = mailsrv_table_lookup(table, name, knot_dname_size(name), found);
	rcu_read_unlock();
	return ret;
}

static void test_insert_lookup(void **state)
{
	(void)state;
	mailsrv_table_t *table = mailsrv_table_new(0);
	assert_non_null(table);
	assert_int_equal(mailsrv_table_count(table), 0);

	mailsrv_target_t **targets = malloc(sizeof(*targets));
	targets[0] = target("\x04""imap", 5, true);
	mailsrv_table_adopt_targets(table, targets, 1);

	assert_int_equal(mailsrv_table_set(table, EXAMPLE_COM, NULL), KNOT_EOK);
	assert_int_equal(mailsrv_table_set(table, EXAMPLE_ORG, targets[0]), KNOT_EOK);
	assert_int_equal(mailsrv_table_count(table), 2);

	const mailsrv_target_t *found = (void *)1;
	assert_true(lookup(table, EXAMPLE_COM, &found));
	assert_null(found);
	assert_true(lookup(table, EXAMPLE_ORG, &found));
	assert_ptr_equal(found, targets[0]);

	// Not listed: a parent, a child, a name with a common prefix.
	assert_false(lookup(table, (const uint8_t *)"\x03""com", &found));
	assert_false(lookup(table, (const uint8_t *)"\x03""sub\x07""example\x03""com", &found));
	assert_false(lookup(table, (const uint8_t *)"\x07""example\x03""co", &found));

	mailsrv_table_free(table);
}

static void test_case(void **state)
{
	(void)state;
	// Keys are lower-case wire names: callers lower-case query names first.
	mailsrv_table_t *table = mailsrv_table_new(4);
	assert_int_equal(mailsrv_table_set(table, EXAMPLE_COM, NULL), KNOT_EOK);
	const mailsrv_target_t *found;
	assert_false(lookup(table, (const uint8_t *)"\x07""Example\x03""COM", &found));

	uint8_t lower[KNOT_DNAME_MAXLEN];
	knot_dname_copy_lower(lower, (const uint8_t *)"\x07""Example\x03""COM");
	assert_true(lookup(table, lower, &found));
	mailsrv_table_free(table);
}

static void test_replace_delete(void **state)
{
	(void)state;
	mailsrv_table_t *table = mailsrv_table_new(1);
	mailsrv_target_t **targets = malloc(2 * sizeof(*targets));
	targets[0] = target("\x04""mail\x03""one\x00", 10, false);
	targets[1] = target("\x04""mail\x03""two\x00", 10, false);
	mailsrv_table_adopt_targets(table, targets, 2);

	assert_int_equal(mailsrv_table_set(table, EXAMPLE_COM, targets[0]), KNOT_EOK);
	const mailsrv_target_t *found;
	assert_true(lookup(table, EXAMPLE_COM, &found));
	assert_ptr_equal(found, targets[0]);

	// Setting a present domain switches its target and keeps the count.
	assert_int_equal(mailsrv_table_set(table, EXAMPLE_COM, targets[1]), KNOT_EOK);
	assert_int_equal(mailsrv_table_count(table), 1);
	assert_true(lookup(table, EXAMPLE_COM, &found));
	assert_ptr_equal(found, targets[1]);

	assert_int_equal(mailsrv_table_delete(table, EXAMPLE_COM), KNOT_EOK);
	assert_int_equal(mailsrv_table_count(table), 0);
	assert_false(lookup(table, EXAMPLE_COM, &found));
	assert_int_equal(mailsrv_table_delete(table, EXAMPLE_COM), KNOT_ENOENT);

	mailsrv_table_free(table);
	rcu_barrier(); // Retired entries are freed before the leak check.
}

static void test_many(void **state)
{
	(void)state;
	// Grow well past the initial size: auto-resize must keep every entry.
	mailsrv_table_t *table = mailsrv_table_new(16);
	uint8_t name[64];
	for (int i = 0; i < 100000; i++) {
		int len = snprintf((char *)name + 1, sizeof(name) - 1, "d%d", i);
		name[0] = len;
		memcpy(name + 1 + len, "\x07""example\x00", 9);
		assert_int_equal(mailsrv_table_set(table, name, NULL), KNOT_EOK);
	}
	assert_int_equal(mailsrv_table_count(table), 100000);
	for (int i = 0; i < 100000; i += 7) {
		int len = snprintf((char *)name + 1, sizeof(name) - 1, "d%d", i);
		name[0] = len;
		memcpy(name + 1 + len, "\x07""example\x00", 9);
		const mailsrv_target_t *found;
		assert_true(lookup(table, name, &found));
		if (i % 2 == 0) {
			assert_int_equal(mailsrv_table_delete(table, name), KNOT_EOK);
			assert_false(lookup(table, name, &found));
		}
	}
	mailsrv_table_free(table);
	rcu_barrier();
}

static int setup(void **state)
{
	(void)state;
	rcu_register_thread();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rcu_unregister_thread();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_lookup),
		cmocka_unit_test(test_case),
		cmocka_unit_test(test_replace_delete),
		cmocka_unit_test(test_many),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
