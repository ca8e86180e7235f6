/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*! \file \brief Helpers for the unit tests: lists and tables from text. */

#pragma once

#include "module/domain_list.h"
#include "module/domain_table.h"

/*! \brief The test program's temporary directory (test_dir_setup()). */
extern char test_dir[];

/*! \brief cmocka group setup: makes test_dir. */
int test_dir_setup(void **state);

/*! \brief cmocka group teardown: removes test_dir with what is in it. */
int test_dir_teardown(void **state);

/*! \brief Writes \a len bytes to a file of test_dir; returns its path (a
 *         static buffer). */
const char *test_write_file(const char *name, const char *data, size_t len);

/*! \brief test_write_file() of a string. */
const char *test_write_text(const char *name, const char *text);

/*! \brief Parses a host name; fails the test if it is invalid. */
mailsrv_name_t test_name(const char *txt);

/*!
 * \brief A list from lines "DOMAIN [TARGET]" (NULL-terminated),
 *        with the parents as knotd's load does; fails the test on any error.
 */
mailsrv_list_t *test_list(const char *const *lines);

/*! \brief A table holding the domains of \a lines (see test_list()). */
mailsrv_table_t *test_table(const char *const *lines);

/*! \brief Applies \a lines to \a table, returns what changed. */
mailsrv_table_diff_t test_apply(mailsrv_table_t *table, const char *const *lines);

/*!
 * \brief Looks a domain up under the read lock, as a query hook does.
 *
 * \param target  Output: the target as text ("-" for the configured one,
 *                "(parent)" for a parent only, a relative one without a dot).
 */
bool test_lookup(const mailsrv_table_t *table, const char *domain, char target[512]);

/*! \brief Asserts that \a domain is in the table with the target \a expected
 *         (as test_lookup() writes it). A macro: failures name the caller's line. */
#define assert_target(table, domain, expected) do { \
	char target_[512]; \
	assert_true(test_lookup((table), (domain), target_)); \
	assert_string_equal(target_, (expected)); \
} while (0)

/*! \brief Asserts that \a domain is not in the table. */
#define assert_absent(table, domain) do { \
	char target_[512]; \
	assert_false(test_lookup((table), (domain), target_)); \
} while (0)
