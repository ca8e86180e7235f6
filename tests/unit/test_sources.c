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
#include <unistd.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <cmocka.h>

#include <libknot/dname.h>
#include <libknot/errcode.h>

#include "module/sources.h"
#include "tests/unit/testutil.h"


/*! \brief Sources of \a count 'domain' items, then the file \a path (or none). */
static mailsrv_sources_t *make(const uint8_t *const *names, size_t count, const char *path)
{
	mailsrv_sources_t *sources = mailsrv_sources_new();
	assert_non_null(sources);
	assert_int_equal(mailsrv_sources_add_items(sources, names, count), KNOT_EOK);
	if (path != NULL) {
		assert_int_equal(mailsrv_sources_add_file(sources, path), KNOT_EOK);
	}
	return sources;
}

/*! \brief Reads \a sources into a new list \a list; returns the result,
 *         states in \a states. */
static int read_into(const mailsrv_sources_t *sources, mailsrv_list_t **list,
                     mailsrv_source_state_t states[4], char err[MAILSRV_ERR_SIZE])
{
	assert_true(mailsrv_sources_count(sources) <= 4);
	*list = mailsrv_list_new();
	assert_non_null(*list);
	return mailsrv_sources_read(sources, *list, states, err);
}

static void test_items_and_file(void **state)
{
	(void)state;
	const char *path = test_write_text("src.txt", "b.example imap\nc.example\n");
	const uint8_t *domains[] = {
		(const uint8_t *)"\x01""a\x07""example",
		(const uint8_t *)"\x01""C\x07""EXAMPLE",
	};
	mailsrv_sources_t *sources = make(domains, 2, path);
	assert_int_equal(mailsrv_sources_count(sources), 2);
	assert_true(mailsrv_sources_external(sources));
	char desc[512];
	char expected[MAILSRV_ERR_SIZE];
	snprintf(expected, sizeof(expected), "'domain' items, %s", path);
	assert_string_equal(mailsrv_sources_describe(sources, desc, sizeof(desc)), expected);
	assert_string_equal(mailsrv_sources_describe_one(sources, 1, desc, sizeof(desc)), path);

	mailsrv_list_t *list;
	mailsrv_source_state_t states[4];
	char err[MAILSRV_ERR_SIZE] = "";
	assert_int_equal(read_into(sources, &list, states, err), KNOT_EOK);
	assert_int_equal(mailsrv_list_count(list), 4);
	assert_int_equal(mailsrv_list_stats(list).ancestors, 1); // example.
	assert_int_equal(mailsrv_list_stats(list).duplicates, 1); // c.example inline and in the file.
	assert_false(states[0].seen);  // Items have no state.
	assert_true(states[1].seen);
	assert_false(states[1].unterminated);
	mailsrv_list_free(list);
	mailsrv_sources_free(sources);

	// An inline domain conflicts with a file domain that has its own target.
	const uint8_t *other[] = { (const uint8_t *)"\x01""b\x07""example" };
	sources = make(other, 1, path);
	assert_int_equal(read_into(sources, &list, states, err), KNOT_EINVAL);
	snprintf(expected, sizeof(expected), "%s:1: domain 'b.example' listed again "
	         "with another target (first at item 'domain')", path);
	assert_string_equal(err, expected);
	mailsrv_list_free(list);
	mailsrv_sources_free(sources);

	// An invalid inline domain.
	const uint8_t *bad[] = { (const uint8_t *)"\x03""a_b\x07""example" };
	sources = make(bad, 1, NULL);
	assert_false(mailsrv_sources_external(sources));
	assert_int_equal(read_into(sources, &list, states, err), KNOT_EINVAL);
	assert_string_equal(err, "domain 'a_b.example.': invalid character '_'");
	mailsrv_list_free(list);
	mailsrv_sources_free(sources);

	// An inline IDN domain becomes an A-label.
	const uint8_t *idn[] = { (const uint8_t *)"\x07""B\xc3\xbc""cher\x07""example" };
	sources = make(idn, 1, NULL);
	assert_int_equal(read_into(sources, &list, states, err), KNOT_EOK);
	assert_non_null(mailsrv_list_find(list, (const uint8_t *)"\x0d""xn--bcher-kva\x07""example"));
	mailsrv_list_free(list);
	mailsrv_sources_free(sources);

	// No sources: nothing to read, nothing external.
	sources = make(NULL, 0, NULL);
	assert_true(mailsrv_sources_none(sources));
	assert_false(mailsrv_sources_external(sources));
	assert_int_equal(read_into(sources, &list, states, err), KNOT_EOK);
	assert_int_equal(mailsrv_list_count(list), 0);
	assert_string_equal(mailsrv_sources_describe(sources, desc, sizeof(desc)), "");
	mailsrv_list_free(list);
	mailsrv_sources_free(sources);
}

/*! \brief The identity names the snapshot file of a list: its bytes must
 *         stay as they are ('d' and the name per item, 'f', the path and
 *         a NUL per file). */
static void test_identity(void **state)
{
	(void)state;
	const uint8_t *domains[] = { (const uint8_t *)"\x01""a\x02""ex" };
	mailsrv_sources_t *sources = make(domains, 1, "/x/y");
	size_t size;
	uint8_t *id = mailsrv_sources_identity(sources, &size);
	assert_int_equal(size, 1 + 6 + 1 + 5);
	assert_memory_equal(id, "d\x01""a\x02""ex\0f/x/y\0", size);
	free(id);
	mailsrv_sources_free(sources);
}

static void test_file_changed(void **state)
{
	(void)state;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	const char *path = test_write_text("old.txt", "a.example\n");
	mailsrv_sources_t *sources = make(NULL, 0, path);
	mailsrv_source_state_t known = { .seen = true, .dev = 1, .ino = 2, .size = 3,
	                                 .mtime = now, .ctime = now };
	mailsrv_source_state_t seen = known;
	assert_false(mailsrv_sources_changed(sources, &known, &seen));

	// Identity, size and both times count.
	seen.ino = 5;
	assert_true(mailsrv_sources_changed(sources, &known, &seen));
	seen = known;
	seen.size = 4;
	assert_true(mailsrv_sources_changed(sources, &known, &seen));
	seen = known;
	seen.mtime.tv_nsec ^= 1;
	assert_true(mailsrv_sources_changed(sources, &known, &seen));
	seen = known;
	seen.ctime.tv_sec -= 1;
	assert_true(mailsrv_sources_changed(sources, &known, &seen));

	// A racy read is trusted while a change could still hide in the same
	// time stamp, and checked once more after that.
	seen = known;
	known.racy = true;
	assert_false(mailsrv_sources_changed(sources, &known, &seen));
	known.mtime.tv_sec -= 10;
	seen.mtime = known.mtime;
	assert_true(mailsrv_sources_changed(sources, &known, &seen));

	// A file read well after its change is not racy, nor does it settle.
	struct timeval times[2] = { { now.tv_sec - 60, 0 }, { now.tv_sec - 60, 0 } };
	assert_int_equal(utimes(path, times), 0);
	mailsrv_list_t *list;
	mailsrv_source_state_t read[4], current;
	char err[MAILSRV_ERR_SIZE];
	assert_int_equal(read_into(sources, &list, read, err), KNOT_EOK);
	assert_false(read[0].racy);
	assert_int_equal(read[0].mtime.tv_sec, now.tv_sec - 60);
	mailsrv_sources_look(sources, &current);
	assert_false(mailsrv_sources_changed(sources, &read[0], &current));
	assert_false(mailsrv_sources_moved(sources, read));
	size_t which = 9;
	assert_int_equal(mailsrv_sources_settle(sources, read, &which), 0);
	assert_int_equal(which, 9);
	mailsrv_list_free(list);

	// Rewritten: moved since the read.
	test_write_text("old.txt", "a.example\nb.example\n");
	assert_true(mailsrv_sources_moved(sources, read));
	mailsrv_sources_free(sources);

	// Just written: racy, and settling for up to 200 ms (1 s without a
	// final line end).
	path = test_write_text("new.txt", "a.example\n");
	sources = make(NULL, 0, path);
	assert_int_equal(read_into(sources, &list, read, err), KNOT_EOK);
	assert_true(read[0].racy);
	uint64_t wait = mailsrv_sources_settle(sources, read, &which);
	assert_true(wait > 0 && wait <= 200000000ull);
	assert_int_equal(which, 0);
	mailsrv_list_free(list);
	mailsrv_sources_free(sources);
	path = test_write_text("unterminated.txt", "a.example");
	sources = make(NULL, 0, path);
	assert_int_equal(read_into(sources, &list, read, err), KNOT_EOK);
	assert_true(read[0].unterminated);
	wait = mailsrv_sources_settle(sources, read, &which);
	assert_true(wait > 200000000ull && wait <= 1000000000ull);
	mailsrv_list_free(list);

	// A missing file: no state, which differs from any state of one read.
	unlink(path);
	mailsrv_sources_look(sources, &current);
	assert_false(current.seen);
	assert_true(mailsrv_sources_changed(sources, &read[0], &current));
	assert_int_equal(read_into(sources, &list, read, err), KNOT_ENOENT);
	assert_false(read[0].seen);
	mailsrv_list_free(list);
	mailsrv_sources_free(sources);
}

/*! \brief A read that fails at a source leaves the later ones unread: no
 *         state of theirs from an earlier read is kept (it would make the
 *         settling loop wait for, and blame, a file that was not read). */
static void test_failed_read_states(void **state)
{
	(void)state;
	char a[256];
	snprintf(a, sizeof(a), "%s", test_write_text("a.txt", "a.example\n"));
	const char *b = test_write_text("b.txt", "b.example\n");
	mailsrv_sources_t *sources = make(NULL, 0, a);
	assert_int_equal(mailsrv_sources_add_file(sources, b), KNOT_EOK);
	mailsrv_list_t *list;
	mailsrv_source_state_t states[4];
	char err[MAILSRV_ERR_SIZE];
	assert_int_equal(read_into(sources, &list, states, err), KNOT_EOK);
	assert_true(states[0].seen && states[1].seen);
	mailsrv_list_free(list);

	test_write_text("b.txt", "b.example\nc.example\n");
	test_write_text("a.txt", "bad_name.example\n");
	assert_int_equal(read_into(sources, &list, states, err), KNOT_EINVAL);
	assert_true(states[0].seen);
	assert_false(states[1].seen);
	assert_false(mailsrv_sources_moved(sources, states));
	mailsrv_list_free(list);
	mailsrv_sources_free(sources);
}

static void test_ancestors(void **state)
{
	(void)state;
	const char *path = test_write_text("parents.txt", "a.b.example.com\nb.example.com mx\n"
	                              "c.example.org\n");
	mailsrv_sources_t *sources = make(NULL, 0, path);
	mailsrv_list_t *list;
	mailsrv_source_state_t states[4];
	char err[MAILSRV_ERR_SIZE];
	assert_int_equal(read_into(sources, &list, states, err), KNOT_EOK);

	// Listed: 3; parents only: example.com, com, example.org, org.
	assert_int_equal(mailsrv_list_count(list), 7);
	assert_int_equal(mailsrv_list_stats(list).ancestors, 4);
	const char *parents[] = { "\x07""example\x03""com", "\x03""com",
	                          "\x07""example\x03""org", "\x03""org" };
	for (int i = 0; i < 4; i++) {
		const mailsrv_list_entry_t *e = mailsrv_list_find(list, (const uint8_t *)parents[i]);
		assert_non_null(e);
		assert_ptr_equal(mailsrv_list_target(list, e), &mailsrv_ancestor);
	}
	// A listed parent stays listed, with its own target.
	const mailsrv_list_entry_t *b = mailsrv_list_find(list,
	        (const uint8_t *)"\x01""b\x07""example\x03""com");
	assert_int_equal(b->target, 1);
	mailsrv_list_free(list);
	mailsrv_sources_free(sources);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_items_and_file),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_file_changed),
		cmocka_unit_test(test_failed_read_states),
		cmocka_unit_test(test_ancestors),
	};
	return cmocka_run_group_tests(tests, test_dir_setup, test_dir_teardown);
}
