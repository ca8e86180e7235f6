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
#include <sys/time.h>
#include <unistd.h>
#include <cmocka.h>

#include <urcu.h>
#include <libknot/dname.h>
#include <libknot/errcode.h>

#include "module/registry.h"
#include "tests/unit/testutil.h"

static char dir[] = "/tmp/mailsrv-registry-XXXXXX";
static char path[64];
static int file_age = 100; // Seconds: each write gets a distinct, non-racy time.

/*! \brief Writes the domain file with a modification time in the past. */
static void write_list(const char *content)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	struct timeval times[2];
	gettimeofday(&times[0], NULL);
	times[0].tv_sec -= file_age--;
	times[1] = times[0];
	assert_int_equal(utimes(path, times), 0);
}

static mailsrv_sources_t sources(void)
{
	static const uint8_t *domains[] = { (const uint8_t *)"\x06""inline\x07""example" };
	static const char *files[1];
	files[0] = path;
	return (mailsrv_sources_t){ domains, 1, files, 1 };
}

static mailsrv_shared_t *get(mailsrv_outcome_t outcome, mailsrv_shared_info_t *info)
{
	mailsrv_sources_t src = sources();
	mailsrv_shared_t *shared = NULL;
	assert_int_equal(mailsrv_registry_get(&src, &shared, info), KNOT_EOK);
	assert_int_equal(info->outcome, outcome);
	return shared;
}

static void test_share_and_reload(void **state)
{
	(void)state;
	write_list("a.example\nb.example imap\n");
	size_t reads = mailsrv_registry_reads();
	mailsrv_shared_info_t info;

	mailsrv_shared_t *one = get(MAILSRV_BUILT, &info);
	assert_int_equal(info.domains, 3);
	assert_int_equal(mailsrv_registry_reads(), reads + 1);

	// Another zone of the same configuration shares the table: no read.
	mailsrv_shared_t *two = get(MAILSRV_SHARED, &info);
	assert_ptr_equal(one, two);
	assert_int_equal(mailsrv_registry_reads(), reads + 1);

	// A changed file is read once and applied as a difference.
	write_list("a.example\nb.example pop\nc.example\n");
	mailsrv_shared_t *three = get(MAILSRV_RELOADED, &info);
	assert_ptr_equal(three, one);
	assert_int_equal(info.domains, 4);
	assert_int_equal(info.diff.added, 1);
	assert_int_equal(info.diff.changed, 1);
	assert_int_equal(info.diff.removed, 0);
	get(MAILSRV_SHARED, &info);
	assert_int_equal(mailsrv_registry_reads(), reads + 2);

	assert_target(mailsrv_shared_table(one), "b.example.", "pop");

	for (int i = 0; i < 4; i++) {
		mailsrv_registry_put(one);
	}
	rcu_barrier();
}

static void test_bad_list_keeps_table(void **state)
{
	(void)state;
	write_list("a.example\n");
	mailsrv_shared_info_t info;
	mailsrv_shared_t *shared = get(MAILSRV_BUILT, &info);
	size_t reads = mailsrv_registry_reads();

	write_list("a.example\nb.example\nbad_name.example\n");
	get(MAILSRV_KEPT, &info);
	char expected[MAILSRV_ERR_SIZE];
	snprintf(expected, sizeof(expected), "%s:3: domain 'bad_name.example': "
	         "invalid character '_'", path);
	assert_string_equal(info.error, expected);
	assert_int_equal(info.domains, 2);

	// The same bad file is not read (nor reported) again.
	get(MAILSRV_KEPT_AGAIN, &info);
	assert_int_equal(mailsrv_registry_reads(), reads + 1);

	// The old list keeps answering.
	const mailsrv_table_t *table = mailsrv_shared_table(shared);
	assert_target(table, "a.example.", "-");
	assert_target(table, "inline.example.", "-");
	assert_absent(table, "b.example.");

	// A missing file: the same.
	remove(path);
	get(MAILSRV_KEPT, &info);
	snprintf(expected, sizeof(expected), "%s: cannot open (No such file or directory)", path);
	assert_string_equal(info.error, expected);
	assert_target(table, "a.example.", "-");

	// Fixed: applied.
	write_list("a.example\nb.example\n");
	get(MAILSRV_RELOADED, &info);
	assert_target(table, "b.example.", "-");

	for (int i = 0; i < 5; i++) {
		mailsrv_registry_put(shared);
	}
	rcu_barrier();
}

/*!
 * \brief The configuration check reads a changed list once and load() uses
 *        that read, with a relative target to fit or without one (NULL).
 */
static void check_then_get(const mailsrv_target_t *target)
{
	write_list("a.example\n");
	mailsrv_sources_t src = sources();
	char err[MAILSRV_ERR_SIZE] = "";
	size_t reads = mailsrv_registry_reads();

	// The check reads the list; the first load uses that read.
	assert_int_equal(mailsrv_registry_check(&src, target, err), KNOT_EOK);
	mailsrv_shared_info_t info;
	mailsrv_shared_t *shared = get(MAILSRV_BUILT, &info);
	assert_int_equal(mailsrv_registry_reads(), reads + 1);

	// Unchanged: neither the check nor the loads read anything.
	assert_int_equal(mailsrv_registry_check(&src, target, err), KNOT_EOK);
	get(MAILSRV_SHARED, &info);
	assert_int_equal(mailsrv_registry_reads(), reads + 1);

	// Changed: one read by the check, none by the loads.
	write_list("a.example\nc.example\n");
	assert_int_equal(mailsrv_registry_check(&src, target, err), KNOT_EOK);
	assert_int_equal(mailsrv_registry_check(&src, target, err), KNOT_EOK);
	get(MAILSRV_RELOADED, &info);
	get(MAILSRV_SHARED, &info);
	assert_int_equal(mailsrv_registry_reads(), reads + 2);

	// Invalid: the check fails and the table is kept.
	write_list("a.example\na.example mx.\n");
	assert_int_equal(mailsrv_registry_check(&src, target, err), KNOT_EINVAL);
	char expected[MAILSRV_ERR_SIZE];
	snprintf(expected, sizeof(expected), "%s:2: domain 'a.example' listed again with "
	         "another target (first at %s:1)", path, path);
	assert_string_equal(err, expected);
	assert_int_equal(info.domains, 3);

	for (int i = 0; i < 4; i++) {
		mailsrv_registry_put(shared);
	}
	rcu_barrier();
}

static void test_check_then_get(void **state)
{
	(void)state;
	mailsrv_target_t *target = malloc(sizeof(*target) + 5);
	*target = (mailsrv_target_t){ .relative = true, .size = 5 };
	memcpy(target->wire, "\x04""mail", 5);
	check_then_get(target);
	free(target);
}

static void test_check_absolute_target(void **state)
{
	(void)state;
	// No relative target to fit (an absolute one): the list read by the
	// check still waits for load().
	check_then_get(NULL);
}

static void test_first_load_fails(void **state)
{
	(void)state;
	// No table yet and an invalid list: an empty table, the error reported.
	write_list("bad..example\n");
	mailsrv_shared_info_t info;
	mailsrv_shared_t *shared = get(MAILSRV_EMPTY, &info);
	char expected[MAILSRV_ERR_SIZE];
	snprintf(expected, sizeof(expected), "%s:1: domain 'bad..example': empty label", path);
	assert_string_equal(info.error, expected);
	assert_int_equal(mailsrv_table_count(mailsrv_shared_table(shared)), 0);
	get(MAILSRV_KEPT_AGAIN, &info);

	// Fixed: applied to that table.
	write_list("good.example\n");
	get(MAILSRV_RELOADED, &info);
	assert_target(mailsrv_shared_table(shared), "good.example.", "-");
	assert_target(mailsrv_shared_table(shared), "inline.example.", "-");

	for (int i = 0; i < 3; i++) {
		mailsrv_registry_put(shared);
	}
	rcu_barrier();
}

/*! \brief Asserts what mailsrv_registry_coverage() reports (NULL: nothing). */
static void assert_coverage(mailsrv_shared_t *shared, const char *first, size_t outside,
                            size_t zones)
{
	mailsrv_coverage_t coverage;
	size_t zone_count = 0;
	bool report = mailsrv_registry_coverage(shared, &coverage, &zone_count);
	assert_int_equal(report, first != NULL);
	if (first != NULL) {
		char name[KNOT_DNAME_TXT_MAXLEN + 1] = "";
		if (coverage.outside > 0) {
			knot_dname_to_str(name, coverage.first, sizeof(name));
		}
		assert_string_equal(name, first);
		assert_int_equal(coverage.outside, outside);
		assert_int_equal(zone_count, zones);
	}
}

static void attach(mailsrv_shared_t *shared, mailsrv_zone_t *zone, const uint8_t *apex)
{
	assert_int_equal(mailsrv_registry_attach(shared, zone, apex), KNOT_EOK);
}

static void test_coverage_once_per_change(void **state)
{
	(void)state;
	write_list("a.example.com\nb.example.org\n");
	mailsrv_shared_info_t info;
	mailsrv_shared_t *shared = get(MAILSRV_BUILT, &info);
	mailsrv_zone_t zones[3];

	attach(shared, &zones[0], (const uint8_t *)"\x07""example\x03""com");
	assert_coverage(shared, "inline.example.", 2, 1);
	assert_coverage(shared, NULL, 0, 0);  // no change, no check

	// Apexes are matched whatever their case.
	attach(shared, &zones[1], (const uint8_t *)"\x07""EXAMPLE\x03""Org");
	assert_coverage(shared, "inline.example.", 1, 2);
	attach(shared, &zones[2], (const uint8_t *)"\x07""example");
	assert_coverage(shared, "", 0, 3);

	// A new list is checked again.
	write_list("a.example.com\nb.example.org\nc.example.net\n");
	get(MAILSRV_RELOADED, &info);
	assert_coverage(shared, "c.example.net.", 1, 3);

	// Due only after a quiet second; the same result is not reported again.
	mailsrv_registry_detach(shared, &zones[1]);
	attach(shared, &zones[1], (const uint8_t *)"\x07""example\x03""org");
	assert_false(mailsrv_registry_coverage_due(shared));
	usleep(1100000);
	assert_true(mailsrv_registry_coverage_due(shared));
	assert_coverage(shared, NULL, 0, 0);
	assert_false(mailsrv_registry_coverage_due(shared));

	for (int i = 0; i < 3; i++) {
		mailsrv_registry_detach(shared, &zones[i]);
	}
	assert_coverage(shared, "a.example.com.", 4, 0);
	mailsrv_registry_put(shared);
	mailsrv_registry_put(shared);
	rcu_barrier();
}

static int setup(void **state)
{
	(void)state;
	rcu_register_thread();
	if (mkdtemp(dir) == NULL) {
		return -1;
	}
	snprintf(path, sizeof(path), "%s/domains.txt", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	remove(path);
	rmdir(dir);
	rcu_unregister_thread();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_share_and_reload),
		cmocka_unit_test(test_bad_list_keeps_table),
		cmocka_unit_test(test_check_then_get),
		cmocka_unit_test(test_check_absolute_target),
		cmocka_unit_test(test_first_load_fails),
		cmocka_unit_test(test_coverage_once_per_change),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
