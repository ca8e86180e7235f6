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

#include "tests/unit/testutil.h"

char test_dir[] = "/tmp/mailsrv-test-XXXXXX";

int test_dir_setup(void **state)
{
	(void)state;
	return mkdtemp(test_dir) == NULL ? -1 : 0;
}

int test_dir_teardown(void **state)
{
	(void)state;
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", test_dir);
	return system(cmd);
}

const char *test_write_file(const char *name, const char *data, size_t len)
{
	static char path[256];
	snprintf(path, sizeof(path), "%s/%s", test_dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

const char *test_write_text(const char *name, const char *text)
{
	return test_write_file(name, text, strlen(text));
}

mailsrv_name_t test_name(const char *txt)
{
	mailsrv_name_t name;
	char reason[MAILSRV_REASON_SIZE];
	if (!mailsrv_name_parse(txt, strlen(txt), &name, reason)) {
		fail_msg("invalid name '%s' (%s)", txt, reason);
	}
	return name;
}

mailsrv_list_t *test_list(const char *const *lines)
{
	mailsrv_list_t *list = mailsrv_list_new();
	assert_non_null(list);
	for (; *lines != NULL; lines++) {
		char domain[300], target[300];
		int fields = sscanf(*lines, "%299s %299s", domain, target);
		mailsrv_name_t name = test_name(domain);
		if (!name.absolute) {
			name.wire[name.size++] = '\0';
		}
		mailsrv_name_t target_name;
		if (fields == 2) {
			target_name = test_name(target);
		}
		char err[MAILSRV_ERR_SIZE] = "";
		int ret = mailsrv_list_add_name(list, name.wire, fields == 2 ? &target_name : NULL,
		                                err);
		if (ret != KNOT_EOK) {
			fail_msg("'%s': %s", *lines, err);
		}
	}
	assert_int_equal(mailsrv_list_add_ancestors(list), KNOT_EOK);
	return list;
}

mailsrv_table_t *test_table(const char *const *lines)
{
	mailsrv_table_t *table = mailsrv_table_new(0);
	assert_non_null(table);
	test_apply(table, lines);
	return table;
}

mailsrv_table_diff_t test_apply(mailsrv_table_t *table, const char *const *lines)
{
	mailsrv_list_t *list = test_list(lines);
	mailsrv_table_diff_t diff;
	assert_int_equal(mailsrv_table_apply(table, list, &diff), KNOT_EOK);
	mailsrv_list_free(list);
	return diff;
}

bool test_lookup(const mailsrv_table_t *table, const char *domain, char target[512])
{
	uint8_t name[KNOT_DNAME_MAXLEN];
	assert_non_null(knot_dname_from_str(name, domain, sizeof(name)));

	rcu_read_lock();
	const mailsrv_target_t *found = NULL;
	bool ret = mailsrv_table_lookup(table, name, knot_dname_size(name), &found);
	if (ret && found == NULL) {
		strcpy(target, "-");
	} else if (ret && found == &mailsrv_ancestor) {
		strcpy(target, "(parent)");
	} else if (ret) {
		uint8_t wire[KNOT_DNAME_MAXLEN + 1] = { 0 };
		memcpy(wire, found->wire, found->size);
		knot_dname_to_str(target, wire, 512);
		if (found->relative) {
			target[strlen(target) - 1] = '\0';
		}
	}
	rcu_read_unlock();

	return ret;
}
