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

#include "module/domain_list.h"
#include "tests/common/list_file.h"
#include "tests/unit/testutil.h"


typedef struct {
	const char *data;
	size_t len;            /* 0: strlen(data) */
	const char *error;     /* NULL: valid; "%s" stands for the path */
} file_case_t;

static const file_case_t bad_files[] = {
	{ "ok.example\nbad_name.example\n", 0,
	  "%s:2: domain 'bad_name.example': invalid character '_'" },
	{ "a.example b.example c.example\n", 0,
	  "%s:1: too many fields (expected a domain and an optional target)" },
	{ "a.example\n\n# c\nb..example\n", 0, "%s:4: domain 'b..example': empty label" },
	{ "a.example mail..x.\n", 0, "%s:1: target 'mail..x.': empty label" },
	{ "a.example .\n", 0,
	  "%s:1: target '.': '.' is not a host name (use the 'unavailable' item)" },
	{ ".\n", 0, "%s:1: domain '.': the root is not a mail domain" },
	{ "a.example\nnul\0x.example\n", 24, "%s:2: NUL byte" },
	{ "b\xc3\xbc""cher.example\n\xff.example\n", 0, "%s:2: domain '\\xff.example': "
	  "invalid IDN (string encoding error)" },
	{ "a.example mail.x.\nA.Example. imap\n", 0,
	  "%s:2: domain 'A.Example.' listed again with another target (first at %s:1)" },
	{ "a.example\na.example mail.x.\n", 0,
	  "%s:2: domain 'a.example' listed again with another target (first at %s:1)" },
	{ "a.example\rb.example\n", 0,
	  "%s:1: domain 'a.example\\x0db.example': invalid byte 0x0d" },
	{ "-a.example\n", 0, "%s:1: domain '-a.example': label starts or ends with a hyphen" },
};

static void test_bad_files(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		const file_case_t *c = &bad_files[i];
		char name[32];
		snprintf(name, sizeof(name), "bad%zu.txt", i);
		const char *path = test_write_file(name, c->data, c->len ? c->len : strlen(c->data));
		char expected[MAILSRV_ERR_SIZE];
		snprintf(expected, sizeof(expected), c->error, path, path);

		mailsrv_list_t *list = mailsrv_list_new();
		assert_non_null(list);
		char err[MAILSRV_ERR_SIZE] = "";
		print_message("# case %zu\n", i);
		assert_int_equal(test_list_add_file(list, path, err), KNOT_EINVAL);
		assert_string_equal(err, expected);
		mailsrv_list_free(list);
	}
}

/*! \brief Text of entry \a i: "domain target" or "domain -". */
static const char *entry_txt(const mailsrv_list_t *list, size_t i, char *buf)
{
	const mailsrv_list_entry_t *entry = mailsrv_list_entry(list, i);
	char name[KNOT_DNAME_TXT_MAXLEN + 1];
	knot_dname_to_str(name, mailsrv_list_name(list, entry), sizeof(name));
	const mailsrv_target_t *target = mailsrv_list_target(list, entry);
	if (target == NULL) {
		sprintf(buf, "%s -", name);
	} else {
		char wire[KNOT_DNAME_MAXLEN + 1];
		memcpy(wire, target->wire, target->size);
		wire[target->size] = '\0'; // Terminate a relative name for printing.
		char tname[KNOT_DNAME_TXT_MAXLEN + 1];
		knot_dname_to_str(tname, (uint8_t *)wire, sizeof(tname));
		sprintf(buf, "%s %s%s", name, tname, target->relative ? " (relative)" : "");
	}
	return buf;
}

static void test_good_file(void **state)
{
	(void)state;
	const char data[] =
		"# mail domains\r\n"
		"example.com\r\n"
		"  Example.ORG.   mail.example.org.   # own target\n"
		"\n"
		"\t\n"
		"example.net\timap\n"
		"sub.example.net imap\n"
		"example.com\n"                 /* equal duplicate */
		"last.example";                 /* no final newline */
	const char *path = test_write_file("good.txt", data, sizeof(data) - 1);

	mailsrv_list_t *list = mailsrv_list_new();
	assert_non_null(list);
	char err[MAILSRV_ERR_SIZE] = "";
	assert_int_equal(test_list_add_file(list, path, err), KNOT_EOK);
	assert_string_equal(err, "");

	const char *expected[] = {
		"example.com. -",
		"example.org. mail.example.org.",
		"example.net. imap. (relative)",
		"sub.example.net. imap. (relative)",
		"last.example. -",
	};
	assert_int_equal(mailsrv_list_count(list), 5);
	for (size_t i = 0; i < mailsrv_list_count(list); i++) {
		char buf[600];
		assert_string_equal(entry_txt(list, i, buf), expected[i]);
	}
	assert_int_equal(mailsrv_list_stats(list).duplicates, 1);
	assert_int_equal(mailsrv_list_stats(list).targets, 2); // imap is stored once.
	assert_int_equal((*mailsrv_list_entry(list, 3)).line, 7);
	mailsrv_list_free(list);
}

static void test_empty_and_comments(void **state)
{
	(void)state;
	const char *files[] = { "", "# only\n# comments\n", "\n\n\r\n" };
	for (size_t i = 0; i < 3; i++) {
		const char *path = test_write_file("empty.txt", files[i], strlen(files[i]));
		mailsrv_list_t *list = mailsrv_list_new();
		assert_non_null(list);
		char err[MAILSRV_ERR_SIZE] = "";
		assert_int_equal(test_list_add_file(list, path, err), KNOT_EOK);
		assert_int_equal(mailsrv_list_count(list), 0);
		mailsrv_list_free(list);
	}
}

static void test_file_errors(void **state)
{
	(void)state;
	mailsrv_list_t *list = mailsrv_list_new();
	assert_non_null(list);
	char err[MAILSRV_ERR_SIZE] = "";
	char path[300], expected[MAILSRV_ERR_SIZE];

	snprintf(path, sizeof(path), "%s/missing.txt", test_dir);
	assert_int_equal(test_list_add_file(list, path, err), KNOT_ENOENT);
	snprintf(expected, sizeof(expected), "%s: cannot open (No such file or directory)", path);
	assert_string_equal(err, expected);

	assert_int_equal(test_list_add_file(list, test_dir, err), KNOT_EINVAL);
	snprintf(expected, sizeof(expected), "%s: not a regular file", test_dir);
	assert_string_equal(err, expected);

	// A FIFO without a writer: refused at once, open() must not wait.
	snprintf(path, sizeof(path), "%s/fifo", test_dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(test_list_add_file(list, path, err), KNOT_EINVAL);
	snprintf(expected, sizeof(expected), "%s: not a regular file", path);
	assert_string_equal(err, expected);
	unlink(path);
	mailsrv_list_free(list);
}

static void test_relative_target_length(void **state)
{
	(void)state;
	// A 252-byte domain: 63 x 3 labels + one of 58 (4 * 64 - 5 + 1 = 252).
	char domain[300];
	size_t pos = 0;
	for (int i = 0; i < 3; i++) {
		memset(domain + pos, 'a', 63);
		pos += 63;
		domain[pos++] = '.';
	}
	memset(domain + pos, 'b', 58);
	pos += 58;
	domain[pos] = '\0';

	char data[400];
	snprintf(data, sizeof(data), "%s\n", domain);
	const char *path = test_write_file("long.txt", data, strlen(data));
	mailsrv_list_t *list = mailsrv_list_new();
	assert_non_null(list);
	char err[MAILSRV_ERR_SIZE] = "";
	assert_int_equal(test_list_add_file(list, path, err), KNOT_EOK);

	// "ab" + 252 = 255 fits; "abc" + 252 does not, before every domain or
	// before domains without their own target.
	const mailsrv_relative_t fit[] = { { 0, 3 }, { 0, 0 }, { 3, 3 } };
	for (size_t i = 0; i < sizeof(fit) / sizeof(fit[0]); i++) {
		assert_int_equal(mailsrv_list_check_target(list, &fit[i], err), KNOT_EOK);
	}
	const mailsrv_relative_t unfit[] = { { 4, 4 }, { 0, 4 }, { 2, 4 } };
	char expected[MAILSRV_ERR_SIZE];
	snprintf(expected, sizeof(expected), "%s:1: domain '%s.': the relative target "
	         "makes a name longer than 255 bytes", path, domain);
	for (size_t i = 0; i < sizeof(unfit) / sizeof(unfit[0]); i++) {
		assert_int_equal(mailsrv_list_check_target(list, &unfit[i], err), KNOT_EINVAL);
		assert_string_equal(err, expected);
	}
	mailsrv_list_free(list);

	// A domain with its own target: only the names before every domain.
	snprintf(data, sizeof(data), "%s ab.\n", domain);
	path = test_write_file("long1.txt", data, strlen(data));
	list = mailsrv_list_new();
	assert_int_equal(test_list_add_file(list, path, err), KNOT_EOK);
	assert_int_equal(mailsrv_list_check_target(list, &(mailsrv_relative_t){ 3, 200 }, err),
	                 KNOT_EOK);
	assert_int_equal(mailsrv_list_check_target(list, &(mailsrv_relative_t){ 4, 200 }, err),
	                 KNOT_EINVAL);
	snprintf(expected, sizeof(expected), "%s:1: domain '%s.': the relative target "
	         "makes a name longer than 255 bytes", path, domain);
	assert_string_equal(err, expected);
	mailsrv_list_free(list);

	// The same for a per-domain target.
	snprintf(data, sizeof(data), "%s abc\n", domain);
	path = test_write_file("long2.txt", data, strlen(data));
	list = mailsrv_list_new();
	assert_int_equal(test_list_add_file(list, path, err), KNOT_EINVAL);
	snprintf(expected, sizeof(expected), "%s:1: target 'abc': makes a name "
	         "longer than 255 bytes with this domain", path);
	assert_string_equal(err, expected);
	mailsrv_list_free(list);
}

static void test_many(void **state)
{
	(void)state;
	// Enough domains to grow every array and index several times.
	size_t count = 50000;
	char *data = malloc(count * 32);
	size_t len = 0;
	for (size_t i = 0; i < count; i++) {
		len += sprintf(data + len, "d%zu.example t%zu\n", i, i % 3000);
	}
	const char *path = test_write_file("many.txt", data, len);
	free(data);

	mailsrv_list_t *list = mailsrv_list_new();
	assert_non_null(list);
	char err[MAILSRV_ERR_SIZE] = "";
	assert_int_equal(test_list_add_file(list, path, err), KNOT_EOK);
	assert_int_equal(mailsrv_list_count(list), count);
	assert_int_equal(mailsrv_list_stats(list).targets, 3000);
	char buf[600];
	assert_string_equal(entry_txt(list, 43210, buf), "d43210.example. t1210. (relative)");
	mailsrv_list_free(list);
}

static void test_find(void **state)
{
	(void)state;
	const char *path = test_write_file("find.txt", "a.example mx.\nB.example\n", 24);
	mailsrv_list_t *list = mailsrv_list_new();
	assert_non_null(list);
	char err[MAILSRV_ERR_SIZE];
	assert_int_equal(test_list_add_file(list, path, err), KNOT_EOK);
	const mailsrv_list_entry_t *entry = mailsrv_list_find(list, (const uint8_t *)"\x01""b\x07""example");
	assert_non_null(entry);
	assert_int_equal(entry->line, 2);
	assert_null(mailsrv_list_find(list, (const uint8_t *)"\x01""c\x07""example"));
	assert_true(mailsrv_list_has_target(list, mailsrv_list_target(list, mailsrv_list_entry(list, 0))));
	mailsrv_target_t *other = malloc(sizeof(*other) + 3);
	*other = (mailsrv_target_t){ .relative = false, .size = 3 };
	memcpy(other->wire, "\x01""x", 3);
	assert_false(mailsrv_list_has_target(list, other));
	free(other);
	assert_int_equal(mailsrv_list_stats(list).max_default_size, 11);
	mailsrv_list_free(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_empty_and_comments),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_relative_target_length),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_find),
	};
	return cmocka_run_group_tests(tests, test_dir_setup, test_dir_teardown);
}
