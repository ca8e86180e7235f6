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

#include "module/zone_coverage.h"
#include "tests/unit/testutil.h"

static void test_insert_lookup(void **state)
{
	(void)state;
	const char *lines[] = { "example.com", "Example.ORG. imap", "own.example mx.example.net.",
	                        NULL };
	mailsrv_table_t *table = test_table(lines);
	assert_int_equal(mailsrv_table_count(table), 3);

	assert_target(table, "example.com.", "-");
	assert_target(table, "example.org.", "imap");
	assert_target(table, "own.example.", "mx.example.net.");

	// Parents exist without services; a child, a similar name do not.
	assert_target(table, "com.", "(parent)");
	assert_absent(table, "sub.example.com.");
	assert_absent(table, "example.co.");

	mailsrv_table_free(table);
}

static void test_case(void **state)
{
	(void)state;
	// Keys are lower-case wire names: callers lower-case query names first.
	const char *lines[] = { "Example.COM", NULL };
	mailsrv_table_t *table = test_table(lines);
	assert_target(table, "example.com.", "-");
	assert_absent(table, "Example.COM.");
	mailsrv_table_free(table);
}

/*! \brief The target object of a domain (to compare identities). */
static const mailsrv_target_t *target_of(const mailsrv_table_t *table, const char *domain)
{
	uint8_t name[KNOT_DNAME_MAXLEN];
	knot_dname_from_str(name, domain, sizeof(name));
	const mailsrv_target_t *found = NULL;
	rcu_read_lock();
	assert_true(mailsrv_table_lookup(table, name, knot_dname_size(name), &found));
	rcu_read_unlock();
	return found;
}

static void test_apply_difference(void **state)
{
	(void)state;
	const char *before[] = { "a.example", "b.example t1.example.", "c.example t2",
	                         "d.example", "e.example t2", NULL };
	mailsrv_table_t *table = test_table(before);
	const mailsrv_target_t *t1 = target_of(table, "b.example.");

	const char *after[] = { "a.example", "b.example t1.example.", "c.example t3",
	                        "f.example t2", "e.example", NULL };
	mailsrv_table_diff_t diff = test_apply(table, after);
	assert_int_equal(diff.added, 1);    // f
	assert_int_equal(diff.changed, 2);  // c: t2 -> t3, e: t2 -> configured
	assert_int_equal(diff.removed, 1);  // d
	assert_int_equal(mailsrv_table_count(table), 5);

	assert_target(table, "a.example.", "-");
	assert_target(table, "b.example.", "t1.example.");
	assert_target(table, "c.example.", "t3");
	assert_target(table, "e.example.", "-");
	assert_target(table, "f.example.", "t2");
	assert_absent(table, "d.example.");

	// An unchanged target keeps its object: b was not touched.
	assert_ptr_equal(target_of(table, "b.example."), t1);

	// The same list again changes nothing.
	diff = test_apply(table, after);
	assert_int_equal(diff.added + diff.changed + diff.removed, 0);

	// An empty list removes everything.
	const char *none[] = { NULL };
	diff = test_apply(table, none);
	assert_int_equal(diff.removed, 5);
	assert_int_equal(mailsrv_table_count(table), 0);
	assert_absent(table, "example."); // The parent went too.

	// A listed domain that becomes a parent only is removed, and back.
	const char *child[] = { "a.b.example", "b.example", NULL };
	diff = test_apply(table, child);
	assert_int_equal(diff.added, 2);
	const char *only_child[] = { "a.b.example", NULL };
	diff = test_apply(table, only_child);
	assert_int_equal(diff.removed, 1);
	assert_int_equal(diff.added + diff.changed, 0);
	assert_target(table, "b.example.", "(parent)");
	diff = test_apply(table, child);
	assert_int_equal(diff.added, 1);
	assert_int_equal(mailsrv_table_count(table), 2);

	mailsrv_table_free(table);
	rcu_barrier();
}

/*! \brief Lines "dN.example" for N < \a count, of every \a step (NULL-terminated). */
static const char **many_lines(size_t count, size_t step)
{
	const char **lines = calloc(count + 1, sizeof(*lines));
	size_t n = 0;
	for (size_t i = 0; i < count; i++) {
		if (i % step != 0) {
			continue;
		}
		char *line = malloc(32);
		snprintf(line, 32, "d%zu.example", i);
		lines[n++] = line;
	}
	return lines;
}

static void free_lines(const char **lines)
{
	for (size_t i = 0; lines[i] != NULL; i++) {
		free((void *)lines[i]);
	}
	free(lines);
}

static void test_many(void **state)
{
	(void)state;
	// Grow well past the initial size: auto-resize must keep every entry.
	const char **all = many_lines(100000, 1), **half = many_lines(100000, 2);
	mailsrv_table_t *table = mailsrv_table_new(16);
	mailsrv_table_diff_t diff = test_apply(table, all);
	assert_int_equal(diff.added, 100000);
	assert_int_equal(mailsrv_table_count(table), 100000);
	char domain[64];
	for (int i = 0; i < 100000; i += 7) {
		snprintf(domain, sizeof(domain), "d%d.example.", i);
		assert_target(table, domain, "-");
	}
	// Half of them removed, from a table that resized on the way up.
	diff = test_apply(table, half);
	assert_int_equal(diff.removed, 50000);
	assert_int_equal(mailsrv_table_count(table), 50000);
	for (int i = 0; i < 100000; i += 7) {
		snprintf(domain, sizeof(domain), "d%d.example.", i);
		if (i % 2 == 0) {
			assert_target(table, domain, "-");
		} else {
			assert_absent(table, domain);
		}
	}
	mailsrv_table_free(table);
	free_lines(all);
	free_lines(half);
	rcu_barrier();
}

/*! \brief Counts the domains of \a table outside the zones \a apexes (text). */
static size_t outside(const mailsrv_table_t *table, const char *const *apexes,
                      char first[KNOT_DNAME_TXT_MAXLEN + 1])
{
	uint8_t names[8][KNOT_DNAME_MAXLEN];
	mailsrv_apex_t list[8];
	size_t count = 0;
	for (; apexes[count] != NULL; count++) {
		assert_non_null(knot_dname_from_str(names[count], apexes[count], KNOT_DNAME_MAXLEN));
		list[count] = (mailsrv_apex_t){ names[count], knot_dname_size(names[count]) };
	}
	mailsrv_coverage_t coverage;
	mailsrv_coverage_count(table, list, count, &coverage);
	first[0] = '\0';
	if (coverage.outside > 0) {
		knot_dname_to_str(first, coverage.first, KNOT_DNAME_TXT_MAXLEN + 1);
	}
	return coverage.outside;
}

static void test_coverage(void **state)
{
	(void)state;
	// Parents only (example.org., sub.example.org.) are no listed domains.
	const char *lines[] = { "example.com", "x.sub.example.org", "b.example.net",
	                        "a.example.net", "c.example.net imap", "z.example", NULL };
	mailsrv_table_t *table = test_table(lines);
	char first[KNOT_DNAME_TXT_MAXLEN + 1];

	assert_int_equal(outside(table, (const char *[]){ NULL }, first), 6);
	assert_string_equal(first, "example.com.");  // canonical order: com. first

	assert_int_equal(outside(table, (const char *[]){ "example.com.", "org.", NULL },
	                         first), 4);
	assert_string_equal(first, "z.example.");

	// A zone at a domain or any parent covers it; deeper or sibling zones do not.
	const char *zones[] = { "example.org.", "example.com.", "a.example.net.",
	                        "c.example.net.", "x.example.", "example.com.", NULL };
	assert_int_equal(outside(table, zones, first), 2);
	assert_string_equal(first, "z.example.");

	const char *net[] = { "sub.example.org.", "example.com.", "example.net.",
	                      "example.", NULL };
	assert_int_equal(outside(table, net, first), 0);
	assert_string_equal(first, "");

	assert_int_equal(outside(table, (const char *[]){ ".", NULL }, first), 0);

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
		cmocka_unit_test(test_apply_difference),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_coverage),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
