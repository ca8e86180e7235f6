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
#include <dirent.h>
#include <pthread.h>
#include <time.h>

#include <urcu.h>
#include <libknot/dname.h>
#include <libknot/errcode.h>

#include "module/registry.h"
#include "module/snapshot.h"
#include "tests/unit/testutil.h"

#define L63 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

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

/*! \brief The sources of every test: an inline domain and the file \a path
 *         (made once, for the whole run). */
static const mailsrv_sources_t *sources(void)
{
	static mailsrv_sources_t *made;
	if (made == NULL) {
		const uint8_t *domains[] = { (const uint8_t *)"\x06""inline\x07""example" };
		made = mailsrv_sources_new();
		assert_non_null(made);
		assert_int_equal(mailsrv_sources_add_items(made, domains, 1), KNOT_EOK);
		assert_int_equal(mailsrv_sources_add_file(made, path), KNOT_EOK);
	}
	return made;
}

static unsigned removal_limit = 50;

/*!
 * \brief Visits the snapshots kept in the test directory: removes them, or
 *        returns the path of the last one (static buffer) in \a last.
 *
 * \return How many there were.
 */
static int snapshots(bool remove_them, const char **last)
{
	static char file[512];
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/mailsrv", dir);
	DIR *d = opendir(sub);
	int count = 0;
	struct dirent *e;
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.') {
			continue;
		}
		snprintf(file, sizeof(file), "%s/%s", sub, e->d_name);
		count++;
		if (remove_them) {
			assert_int_equal(unlink(file), 0);
		}
	}
	if (d != NULL) {
		closedir(d);
	}
	if (last != NULL) {
		*last = file;
	}
	return count;
}

static void clear_snapshots(void)
{
	snapshots(true, NULL);
}

/*! \brief The one snapshot in the test directory. */
static const char *snapshot_file(void)
{
	const char *file;
	assert_int_equal(snapshots(false, &file), 1);
	return file;
}

static const char *storage(void *ctx)
{
	(void)ctx;
	return dir;
}

static mailsrv_list_conf_t list_conf(const mailsrv_sources_t *src)
{
	return (mailsrv_list_conf_t){ .sources = src, .removal_limit = removal_limit,
	                              .storage = storage };
}

static mailsrv_relative_t conf_relative;

/*! \brief When the last get() returned: the registry notes its look at the
 *         files at the end of a get. */
static struct timespec last_get;

/*! \brief Waits until a get looks at the files again: loads closer than
 *         5 ms to the last one share its look (registry.c, LOOK_SHARED_NS). */
static void new_look(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long ms = (now.tv_sec - last_get.tv_sec) * 1000LL +
	               (now.tv_nsec - last_get.tv_nsec) / 1000000;
	if (ms < 10) {
		usleep((10 - ms) * 1000);
	}
}

static mailsrv_shared_t *get(mailsrv_outcome_t outcome, mailsrv_shared_info_t *info)
{
	mailsrv_list_conf_t conf = list_conf(sources());
	conf.relative = conf_relative;
	mailsrv_shared_t *shared = NULL;
	new_look();
	int ret = mailsrv_registry_get(&conf, &shared, info);
	clock_gettime(CLOCK_MONOTONIC, &last_get);
	assert_int_equal(ret, KNOT_EOK);
	assert_int_equal(info->outcome, outcome);
	return shared;
}

/*! \brief Drops \a refs references; the last frees the table. */
static void put(mailsrv_shared_t *shared, int refs)
{
	for (int i = 0; i < refs; i++) {
		mailsrv_registry_put(shared);
	}
	rcu_barrier();
}

static void test_share_and_reload(void **state)
{
	(void)state;
	write_list("a.example\nb.example imap\n");
	mailsrv_shared_info_t info;

	mailsrv_shared_t *one = get(MAILSRV_BUILT, &info);
	assert_int_equal(info.domains, 3);

	// Another zone of the same configuration shares the table: no read.
	mailsrv_shared_t *two = get(MAILSRV_SHARED, &info);
	assert_ptr_equal(one, two);

	// A changed file is read once and applied as a difference.
	write_list("a.example\nb.example pop\nc.example\n");
	mailsrv_shared_t *three = get(MAILSRV_RELOADED, &info);
	assert_ptr_equal(three, one);
	assert_int_equal(info.domains, 4);
	assert_int_equal(info.diff.added, 1);
	assert_int_equal(info.diff.changed, 1);
	assert_int_equal(info.diff.removed, 0);
	get(MAILSRV_SHARED, &info);

	assert_target(mailsrv_shared_table(one), "b.example.", "pop");

	// Loads right after a look at the files share it (the zones of one
	// reload): a change made in between is seen by the next look.
	write_list("a.example\n");
	mailsrv_list_conf_t conf = list_conf(sources());
	mailsrv_shared_t *four = NULL;
	assert_int_equal(mailsrv_registry_get(&conf, &four, &info), KNOT_EOK);
	assert_int_equal(info.outcome, MAILSRV_SHARED);
	assert_int_equal(info.domains, 4);
	mailsrv_registry_put(four);
	get(MAILSRV_RELOADED, &info);
	assert_int_equal(info.domains, 2);
	write_list("a.example\nb.example pop\nc.example\n");
	get(MAILSRV_RELOADED, &info);

	for (int i = 0; i < 6; i++) {
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

	write_list("a.example\nb.example\nbad_name.example\n");
	get(MAILSRV_KEPT, &info);
	char expected[MAILSRV_ERR_SIZE];
	snprintf(expected, sizeof(expected), "%s:3: domain 'bad_name.example': "
	         "invalid character '_'", path);
	assert_string_equal(info.error, expected);
	assert_int_equal(info.domains, 2);

	// The same bad file is not read (nor reported) again.
	get(MAILSRV_KEPT_AGAIN, &info);

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

/*! \brief The configuration check reads and validates, and keeps nothing. */
static void test_check(void **state)
{
	(void)state;
	mailsrv_list_conf_t conf = list_conf(sources());
	char err[MAILSRV_ERR_SIZE] = "";

	write_list("a.example\n");
	assert_int_equal(mailsrv_registry_check(&conf, err), KNOT_EOK);
	assert_int_equal(mailsrv_registry_check(&conf, err), KNOT_EOK);

	write_list("a.example\na.example mx.\n");
	assert_int_equal(mailsrv_registry_check(&conf, err), KNOT_EINVAL);
	char expected[MAILSRV_ERR_SIZE];
	snprintf(expected, sizeof(expected), "%s:2: domain 'a.example' listed again with "
	         "another target (first at %s:1)", path, path);
	assert_string_equal(err, expected);

	// A relative target must fit every domain without its own.
	char domain[300];
	snprintf(domain, sizeof(domain), "%s.%s.%s.%s\n", L63, L63, L63, "b123456789");
	write_list(domain);
	conf.relative = (mailsrv_relative_t){ .without_own = 60 };
	assert_int_equal(mailsrv_registry_check(&conf, err), KNOT_EINVAL);
	assert_non_null(strstr(err, "the relative target makes a name longer than 255 bytes"));

	// No table was made: the first get builds one.
	write_list("a.example\n");
	mailsrv_shared_info_t info;
	put(get(MAILSRV_BUILT, &info), 1);
}

static void test_first_load_fails(void **state)
{
	(void)state;
	// No table nor snapshot yet and an invalid list: an empty table, the
	// error reported.
	clear_snapshots();
	write_list("bad..example\n");
	mailsrv_shared_info_t info;
	mailsrv_shared_t *shared = get(MAILSRV_EMPTY, &info);
	char expected[MAILSRV_ERR_SIZE];
	snprintf(expected, sizeof(expected), "%s:1: domain 'bad..example': empty label", path);
	assert_string_equal(info.error, expected);
	snprintf(expected, sizeof(expected), "no snapshot %s/mailsrv/", dir);
	assert_memory_equal(info.snapshot, expected, strlen(expected));
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

static void ignore(mailsrv_zone_t *zone, const mailsrv_list_status_t *status)
{
	(void)zone;
	(void)status;
}

static void attach(mailsrv_shared_t *shared, mailsrv_zone_t *zone, const uint8_t *apex)
{
	zone->notify = ignore;
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

/*! \brief A relative target that does not fit: warned once, or refused with a read. */
static void test_target_change(void **state)
{
	(void)state;
	char domain[300];
	snprintf(domain, sizeof(domain), "%s.%s.%s.%s\n", L63, L63, L63, "b123456789");
	write_list(domain);
	mailsrv_shared_info_t info;
	mailsrv_shared_t *shared = get(MAILSRV_BUILT, &info);

	conf_relative = (mailsrv_relative_t){ .without_own = 60 };
	get(MAILSRV_SHARED, &info);
	assert_string_equal(info.unfit, "the relative target makes names longer than 255 bytes "
	                    "with the longest domain without its own target (204 bytes): such "
	                    "domains get no records");
	get(MAILSRV_SHARED, &info);
	assert_string_equal(info.unfit, "");

	// A changed list is checked against the target: refused...
	char changed[400];
	snprintf(changed, sizeof(changed), "a.example\n%s", domain);
	write_list(changed);
	get(MAILSRV_KEPT, &info);
	assert_non_null(strstr(info.error, "the relative target makes a name longer than 255 bytes"));
	// ...and read again with another target.
	conf_relative = (mailsrv_relative_t){ 0 };
	get(MAILSRV_RELOADED, &info);
	assert_int_equal(info.domains, 3);
	put(shared, 5);
}

/*! \brief A restart (no table) with a bad list answers from the snapshot. */
static void test_restart_from_snapshot(void **state)
{
	(void)state;
	clear_snapshots();
	write_list("a.example\nb.example imap\nc.example mx.example.org.\n");
	mailsrv_shared_info_t info;
	put(get(MAILSRV_BUILT, &info), 1);
	assert_string_equal(info.snapshot, "");

	// The snapshot is a domain file with a checked end line.
	const char *file = snapshot_file();
	FILE *f = fopen(file, "r");
	assert_non_null(f);
	char text[1024] = "";
	size_t len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	assert_non_null(strstr(text, "\ninline.example.\na.example.\nb.example. imap\n"
	                             "c.example. mx.example.org.\n# end: domains 4, written "));

	for (int i = 0; i < 2; i++) {
		write_list(i == 0 ? "a.example\nbad_name.example\n" : "");
		if (i == 1) {
			remove(path);  // missing file
		}
		mailsrv_shared_t *shared = get(MAILSRV_SNAPSHOT, &info);
		assert_int_equal(info.domains, 4);
		assert_true(time(NULL) - info.snapshot_time < 10);
		const mailsrv_table_t *table = mailsrv_shared_table(shared);
		assert_target(table, "b.example.", "imap");
		assert_target(table, "c.example.", "mx.example.org.");
		assert_target(table, "inline.example.", "-");
		assert_target(table, "example.", "(parent)");
		put(shared, 1);
	}

	// A good list again: built from it, and the snapshot follows it.
	write_list("d.example\n");
	mailsrv_shared_t *shared = get(MAILSRV_BUILT, &info);
	assert_absent(mailsrv_shared_table(shared), "a.example.");
	put(shared, 1);
	write_list("bad..example\n");
	shared = get(MAILSRV_SNAPSHOT, &info);
	assert_int_equal(info.domains, 2);
	assert_target(mailsrv_shared_table(shared), "d.example.", "-");
	put(shared, 1);
}

/*! \brief A damaged snapshot is not used, and says why. */
static void test_damaged_snapshot(void **state)
{
	(void)state;
	clear_snapshots();
	write_list("a.example\nb.example\n");
	mailsrv_shared_info_t info;
	put(get(MAILSRV_BUILT, &info), 1);
	const char *file = snapshot_file();

	static const struct { long offset; const char *bytes; const char *why; } cases[] = {
		{ 60, "X", "damaged (no valid end line or checksum)" },   // a changed byte
		{ -5, "\n", "damaged (no valid end line or checksum)" },  // cut end line
		{ 0, NULL, "damaged (no valid end line or checksum)" },   // empty
	};
	// The end line's count does not match the lines (the hash covers the lines).
	write_list("a.example\nb.example\n");
	put(get(MAILSRV_BUILT, &info), 1);
	FILE *f = fopen(file, "r");
	assert_non_null(f);
	char text[1024];
	size_t len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	char *count = strstr(text, "# end: domains 3,");
	assert_non_null(count);
	count[15] = '4';
	f = fopen(file, "w");
	fputs(text, f);
	fclose(f);
	write_list("bad..example\n");
	mailsrv_shared_t *shared = get(MAILSRV_EMPTY, &info);
	char expected[MAILSRV_ERR_SIZE];
	snprintf(expected, sizeof(expected), "%s: damaged (3 domains, 4 expected)", file);
	assert_string_equal(info.snapshot, expected);
	put(shared, 1);
	// Against a good file, the comparison for the removal limit finds it too,
	// and the file is taken.
	write_list("a.example\n");
	put(get(MAILSRV_BUILT, &info), 1);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_list("a.example\nb.example\n");
		put(get(MAILSRV_BUILT, &info), 1);
		if (cases[i].bytes == NULL) {
			assert_int_equal(truncate(file, 0), 0);
		} else {
			f = fopen(file, "r+");
			assert_non_null(f);
			assert_int_equal(fseek(f, cases[i].offset, cases[i].offset < 0 ? SEEK_END : SEEK_SET), 0);
			fputs(cases[i].bytes, f);
			fclose(f);
		}
		write_list("bad..example\n");
		shared = get(MAILSRV_EMPTY, &info);
		snprintf(expected, sizeof(expected), "%s: %s", file, cases[i].why);
		assert_string_equal(info.snapshot, expected);
		assert_int_equal(mailsrv_table_count(mailsrv_shared_table(shared)), 0);
		put(shared, 1);
	}
}

/*! \brief Writes \a count domains "dN.example" from \a first. */
static void write_many(size_t first, size_t count)
{
	size_t size = count * 16 + 1, len = 0;
	char *text = malloc(size);
	for (size_t i = first; i < first + count; i++) {
		len += snprintf(text + len, size - len, "d%zu.example\n", i);
	}
	write_list(text);
	free(text);
}

static void test_removal_limit(void **state)
{
	(void)state;
	write_many(0, 2000);
	mailsrv_shared_info_t info;
	mailsrv_shared_t *shared = get(MAILSRV_BUILT, &info);

	// 901 of 2,001 kept (the inline domain too): refused.
	write_many(1100, 900);
	get(MAILSRV_KEPT, &info);
	assert_string_equal(info.error, "the new list would remove 1100 of 2001 domains (54%), "
	                    "more than removal-limit 50%; if that is intended, set "
	                    "removal-limit to 100 and reload");
	assert_int_equal(info.domains, 2001);
	get(MAILSRV_KEPT_AGAIN, &info);

	// Up to the limit is allowed; another limit reads the same files again.
	removal_limit = 54;
	get(MAILSRV_KEPT, &info);
	removal_limit = 55;
	get(MAILSRV_RELOADED, &info);
	assert_int_equal(info.diff.removed, 1100);

	// Off with 100.
	write_many(5000, 10);
	removal_limit = 100;
	get(MAILSRV_RELOADED, &info);
	assert_int_equal(info.domains, 11);
	removal_limit = 50;

	// Below 1,000 domains, no limit.
	write_many(7000, 1);
	get(MAILSRV_RELOADED, &info);
	put(shared, 7);
}

/*! \brief The removal limit holds against the snapshot at a restart. */
static void test_restart_removal_limit(void **state)
{
	(void)state;
	clear_snapshots();
	write_many(0, 2000);
	mailsrv_shared_info_t info;
	put(get(MAILSRV_BUILT, &info), 1);

	write_many(1500, 500);
	mailsrv_shared_t *shared = get(MAILSRV_SNAPSHOT, &info);
	assert_string_equal(info.error, "the new list would remove 1500 of 2001 domains (74%), "
	                    "more than removal-limit 50%; if that is intended, set "
	                    "removal-limit to 100 and reload");
	assert_int_equal(info.domains, 2001);
	assert_target(mailsrv_shared_table(shared), "d0.example.", "-");
	put(shared, 1);

	removal_limit = 100;
	shared = get(MAILSRV_BUILT, &info);
	assert_int_equal(info.domains, 501);
	assert_absent(mailsrv_shared_table(shared), "d0.example.");
	put(shared, 1);
	removal_limit = 50;
}

/*! \brief Rewrites the list in place, a line at a time, until told to stop. */
static void *rewriter(void *arg)
{
	volatile bool *stop = arg;
	for (unsigned n = 0; !*stop; n++) {
		FILE *f = fopen(path, "w");
		for (int i = 0; i < 20 && !*stop; i++) {
			fprintf(f, "w%u-%d.example\n", n, i);
			fflush(f);
			usleep(20000);
		}
		fclose(f);
	}
	return NULL;
}

static double seconds_between(struct timespec a, struct timespec b)
{
	return (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
}

/*! \brief A file being written is not taken until it settles. */
static void test_settling(void **state)
{
	(void)state;
	write_list("a.example\n");
	mailsrv_shared_info_t info;
	mailsrv_shared_t *shared = get(MAILSRV_BUILT, &info);

	// Written just now without a final line end: taken after a second.
	FILE *f = fopen(path, "w");
	fputs("a.example\nb.example", f);
	fclose(f);
	struct timespec start, end;
	clock_gettime(CLOCK_MONOTONIC, &start);
	get(MAILSRV_RELOADED, &info);
	clock_gettime(CLOCK_MONOTONIC, &end);
	assert_true(seconds_between(start, end) >= 0.9);
	assert_target(mailsrv_shared_table(shared), "b.example.", "-");

	// Rewritten all the time: refused after a bounded wait, the list kept.
	volatile bool stop = false;
	pthread_t thread;
	assert_int_equal(pthread_create(&thread, NULL, rewriter, (void *)&stop), 0);
	usleep(100000);
	clock_gettime(CLOCK_MONOTONIC, &start);
	get(MAILSRV_KEPT, &info);
	clock_gettime(CLOCK_MONOTONIC, &end);
	stop = true;
	pthread_join(thread, NULL);
	assert_true(seconds_between(start, end) < 3);
	char expected[MAILSRV_ERR_SIZE];
	snprintf(expected, sizeof(expected), "%s: still being written", path);
	assert_string_equal(info.error, expected);
	assert_target(mailsrv_shared_table(shared), "b.example.", "-");
	put(shared, 3);
}

/*! \brief What the zones' counters are told. */
static mailsrv_list_status_t told;
static unsigned tellings;

static void remember(mailsrv_zone_t *zone, const mailsrv_list_status_t *status)
{
	(void)zone;
	told = *status;
	tellings++;
}

static void test_status(void **state)
{
	(void)state;
	write_list("a.example\nb.example\n");
	mailsrv_shared_info_t info;
	mailsrv_shared_t *shared = get(MAILSRV_BUILT, &info);
	mailsrv_zone_t zone = { .notify = remember };
	tellings = 0;
	assert_int_equal(mailsrv_registry_attach(shared, &zone, (const uint8_t *)"\x07""example"),
	                 KNOT_EOK);
	assert_int_equal(tellings, 1);
	assert_int_equal(told.domains, 3);
	uint64_t now = time(NULL);
	assert_true(told.read_at + 5 >= now && told.read_at <= now);
	assert_int_equal(told.stale_since, 0);

	write_list("bad..example\n");
	get(MAILSRV_KEPT, &info);
	assert_int_equal(tellings, 2);
	assert_true(told.stale_since + 5 >= now);
	uint64_t since = told.stale_since;

	// Another bad list: stale since the first.
	write_list("bad...example\n");
	get(MAILSRV_KEPT, &info);
	assert_int_equal(told.stale_since, since);

	write_list("a.example\n");
	get(MAILSRV_RELOADED, &info);
	assert_int_equal(told.domains, 2);
	assert_int_equal(told.stale_since, 0);

	mailsrv_registry_detach(shared, &zone);
	put(shared, 4);
}

/*! \brief The coverage check tells where each zone's mail domains are. */
static void test_zone_domains(void **state)
{
	(void)state;
	write_list("a.example.com\nb.x.example.org\nc.example.net mx.example.org.\n");
	mailsrv_shared_info_t info;
	mailsrv_shared_t *shared = get(MAILSRV_BUILT, &info);
	mailsrv_zone_t apex, below, own, none;
	attach(shared, &apex, (const uint8_t *)"\x01""a\x07""example\x03""com");
	attach(shared, &below, (const uint8_t *)"\x07""example\x03""org");
	attach(shared, &own, (const uint8_t *)"\x01""c\x07""example\x03""net");
	attach(shared, &none, (const uint8_t *)"\x07""example\x04""test");
	mailsrv_zone_t *zones[] = { &apex, &below, &own, &none };
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(mailsrv_zone_domains(zones[i]), MAILSRV_DOMAINS_ANY); // not known yet
	}

	mailsrv_coverage_t coverage;
	size_t zones_count;
	mailsrv_registry_coverage(shared, &coverage, &zones_count);
	assert_int_equal(mailsrv_zone_domains(&apex), MAILSRV_DOMAINS_APEX_DEFAULT);
	assert_int_equal(mailsrv_zone_domains(&below), MAILSRV_DOMAINS_ANY);
	assert_int_equal(mailsrv_zone_domains(&own), MAILSRV_DOMAINS_APEX);
	assert_int_equal(mailsrv_zone_domains(&none), MAILSRV_DOMAINS_NONE);

	// A change of the list: not known again, until the next check.
	write_list("a.example.com\nsub.a.example.com\nexample.test\n");
	get(MAILSRV_RELOADED, &info);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(mailsrv_zone_domains(zones[i]), MAILSRV_DOMAINS_ANY);
	}
	mailsrv_registry_coverage(shared, &coverage, &zones_count);
	assert_int_equal(mailsrv_zone_domains(&apex), MAILSRV_DOMAINS_ANY);
	assert_int_equal(mailsrv_zone_domains(&below), MAILSRV_DOMAINS_NONE);
	assert_int_equal(mailsrv_zone_domains(&own), MAILSRV_DOMAINS_NONE);
	assert_int_equal(mailsrv_zone_domains(&none), MAILSRV_DOMAINS_APEX_DEFAULT);

	for (size_t i = 0; i < 4; i++) {
		mailsrv_registry_detach(shared, zones[i]);
	}
	put(shared, 2);
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
	clear_snapshots();
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/mailsrv", dir);
	rmdir(sub);
	rmdir(dir);
	rcu_unregister_thread();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_share_and_reload),
		cmocka_unit_test(test_bad_list_keeps_table),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_target_change),
		cmocka_unit_test(test_first_load_fails),
		cmocka_unit_test(test_coverage_once_per_change),
		cmocka_unit_test(test_zone_domains),
		cmocka_unit_test(test_restart_from_snapshot),
		cmocka_unit_test(test_damaged_snapshot),
		cmocka_unit_test(test_removal_limit),
		cmocka_unit_test(test_restart_removal_limit),
		cmocka_unit_test(test_settling),
		cmocka_unit_test(test_status),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
