/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * Reader threads (registered with RCU) look domains up in a loop while a
 * writer applies random lists for a bounded time (MAILSRV_STRESS_SECONDS,
 * default 2). Every reader checks that the stable domains are always found
 * with the right target: a domain present before and after an update never
 * misses, not even for one lookup.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <urcu.h>
#include <libknot/dname.h>
#include <libknot/errcode.h>

#include "tests/unit/testutil.h"

#define FIXED     500   /* always listed, target never changes */
#define SWITCHING 500   /* always listed, target flips between two values */
#define VOLATILE  2000  /* listed at random */
#define READERS   3

static atomic_bool stop;
static atomic_ulong lookups;
static atomic_ulong errors;

/*! \brief Domain \a i of class \a cls in wire format. */
static size_t domain(uint8_t *out, char cls, int i)
{
	char txt[64];
	snprintf(txt, sizeof(txt), "%c%d.example.", cls, i);
	knot_dname_from_str(out, txt, KNOT_DNAME_MAXLEN);
	return knot_dname_size(out);
}

static bool target_is(const mailsrv_target_t *t, const char *wire, size_t size, bool relative)
{
	return t != NULL && t->relative == relative && t->size == size &&
	       memcmp(t->wire, wire, size) == 0;
}

static void fail_lookup(const char *what, char cls, int i)
{
	if (atomic_fetch_add(&errors, 1) < 10) {
		fprintf(stderr, "# %s: %c%d.example\n", what, cls, i);
	}
}

static void *reader(void *arg)
{
	mailsrv_table_t *table = arg;
	rcu_register_thread();
	unsigned seed = (unsigned)(uintptr_t)pthread_self();
	uint8_t name[KNOT_DNAME_MAXLEN];
	unsigned long count = 0;

	while (!atomic_load(&stop)) {
		int i = rand_r(&seed);
		char cls = "fsv"[i % 3];
		int n = (i / 3) % (cls == 'f' ? FIXED : cls == 's' ? SWITCHING : VOLATILE);
		size_t size = domain(name, cls, n);

		rcu_read_lock();
		const mailsrv_target_t *t = (void *)1;
		bool found = mailsrv_table_lookup(table, name, size, &t);
		if (cls == 'f' && !found) {
			fail_lookup("stable domain missing", cls, n);
		} else if (cls == 'f' && n % 2 == 0 && t != NULL) {
			fail_lookup("wrong target (expected the configured one)", cls, n);
		} else if (cls == 'f' && n % 2 == 1 && !target_is(t, "\x04""imap", 5, true)) {
			fail_lookup("wrong target (expected imap)", cls, n);
		} else if (cls == 's' && !found) {
			fail_lookup("switching domain missing", cls, n);
		} else if (cls == 's' && !target_is(t, "\x01""a\x00", 3, false) &&
		           !target_is(t, "\x01""b\x00", 3, false)) {
			fail_lookup("switching domain with a torn target", cls, n);
		} else if (cls == 'v' && found && t != NULL && !target_is(t, "\x02""mx", 3, true)) {
			fail_lookup("volatile domain with a torn target", cls, n);
		}
		rcu_read_unlock();
		count++;
	}

	atomic_fetch_add(&lookups, count);
	rcu_unregister_thread();
	return NULL;
}

/*! \brief A random list: the stable domains and some volatile ones. */
static mailsrv_list_t *random_list(unsigned *seed)
{
	mailsrv_list_t *list = mailsrv_list_new();
	assert_non_null(list);
	mailsrv_name_t imap = test_name("imap"), mx = test_name("mx");
	mailsrv_name_t a = test_name("a."), b = test_name("b.");
	uint8_t name[KNOT_DNAME_MAXLEN];
	char err[MAILSRV_ERR_SIZE];

	for (int i = 0; i < FIXED; i++) {
		domain(name, 'f', i);
		assert_int_equal(mailsrv_list_add_name(list, name, i % 2 ? &imap : NULL, err), KNOT_EOK);
	}
	for (int i = 0; i < SWITCHING; i++) {
		domain(name, 's', i);
		bool flip = rand_r(seed) % 2;
		assert_int_equal(mailsrv_list_add_name(list, name, flip ? &a : &b, err), KNOT_EOK);
	}
	for (int i = 0; i < VOLATILE; i++) {
		if (rand_r(seed) % 2) {
			domain(name, 'v', i);
			bool own = rand_r(seed) % 2;
			assert_int_equal(mailsrv_list_add_name(list, name, own ? &mx : NULL, err), KNOT_EOK);
		}
	}
	return list;
}

static void test_readers_and_writer(void **state)
{
	(void)state;
	const char *env = getenv("MAILSRV_STRESS_SECONDS");
	double seconds = env != NULL ? atof(env) : 2.0;
	unsigned seed = (unsigned)time(NULL);

	mailsrv_table_t *table = mailsrv_table_new(16);
	mailsrv_table_diff_t diff;
	mailsrv_list_t *list = random_list(&seed);
	assert_int_equal(mailsrv_table_apply(table, list, &diff), KNOT_EOK);
	mailsrv_list_free(list);

	pthread_t threads[READERS];
	for (int i = 0; i < READERS; i++) {
		assert_int_equal(pthread_create(&threads[i], NULL, reader, table), 0);
	}

	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	unsigned long updates = 0, changes = 0;
	do {
		list = random_list(&seed);
		assert_int_equal(mailsrv_table_apply(table, list, &diff), KNOT_EOK);
		mailsrv_list_free(list);
		changes += diff.added + diff.changed + diff.removed;
		updates++;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while ((now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9 < seconds);

	atomic_store(&stop, true);
	for (int i = 0; i < READERS; i++) {
		pthread_join(threads[i], NULL);
	}
	print_message("# %lu updates (%lu changes), %lu lookups, %lu errors\n", updates,
	              changes, (unsigned long)atomic_load(&lookups),
	              (unsigned long)atomic_load(&errors));

	assert_int_equal(atomic_load(&errors), 0);
	assert_true(updates >= 3);
	assert_true(atomic_load(&lookups) > 1000);
	mailsrv_table_free(table);
	rcu_barrier();
}

int main(void)
{
	rcu_register_thread();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readers_and_writer),
	};
	int ret = cmocka_run_group_tests(tests, NULL, NULL);
	rcu_unregister_thread();
	return ret;
}
