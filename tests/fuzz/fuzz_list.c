/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief Fuzz target: the domain-list parser, fed whole files of any bytes.
 *
 * Each input is the content of a domain file, read through the module's
 * own file path (mailsrv_list_add_file). Invariants:
 * - a refused file gives KNOT_EINVAL and one line of printable text that
 *   starts with "FILE:LINE: " (LINE > 0) or "FILE: ";
 * - an accepted file holds lower-case host names of at most 255 bytes,
 *   targets that fit, and nothing twice; written out again and parsed, it
 *   gives the same entries (round trip);
 * - with its parents added, every parent of an entry is in the list;
 * - applied to a table that holds the previous accepted input (a reload),
 *   the table holds exactly the new list.
 */

#include <string.h>

#include <urcu.h>
#include <libknot/dname.h>
#include <libknot/errcode.h>

#include "module/domain_list.h"
#include "tests/common/list_file.h"
#include "module/domain_table.h"
#include "tests/fuzz/util.h"

static memfile_t input;
static memfile_t rewritten;
static mailsrv_table_t *table;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	rcu_register_thread();
	memfile_init(&input);
	memfile_init(&rewritten);
	table = mailsrv_table_new(0);
	FUZZ_CHECK(table != NULL, "out of memory");

	return 0;
}

/*! \brief Checks the message of a refused file. */
static void check_error(int ret, const char *err)
{
	FUZZ_CHECK(ret == KNOT_EINVAL, "ret %d (%s)", ret, err);
	size_t len = strlen(input.path);
	FUZZ_CHECK(strncmp(err, input.path, len) == 0, "'%s'", err);
	const char *rest = err + len;
	if (rest[0] == ':' && rest[1] >= '1' && rest[1] <= '9') {
		rest++;
		while (*rest >= '0' && *rest <= '9') {
			rest++;
		}
	}
	FUZZ_CHECK(rest[0] == ':' && rest[1] == ' ' && rest[2] != '\0', "'%s'", err);
	for (const char *c = err; *c != '\0'; c++) {
		// Messages go to logs: no control bytes, no raw bytes of the file.
		FUZZ_CHECK(*c >= 0x20 && *c < 0x7f, "byte 0x%02x in '%s'", (uint8_t)*c, err);
	}
}

/*! \brief Checks that \a name is a lower-case host name. */
static void check_host_name(const uint8_t *name, size_t size)
{
	FUZZ_CHECK(size >= 1 && size <= KNOT_DNAME_MAXLEN, "size %zu", size);
	for (size_t i = 0; i < size; i += 1 + name[i]) {
		uint8_t len = name[i];
		FUZZ_CHECK(len <= KNOT_DNAME_MAXLABELLEN && i + len < size, "label at %zu", i);
		if (len == 0) {
			FUZZ_CHECK(i == size - 1, "root label inside the name");
			break;
		}
		FUZZ_CHECK(name[i + 1] != '-' && name[i + len] != '-', "hyphen at a label end");
		for (size_t j = i + 1; j <= i + len; j++) {
			uint8_t c = name[j];
			FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-',
			           "byte 0x%02x", c);
		}
	}
}

/*! \brief Checks the entries of an accepted file (before parents are added). */
static void check_entries(const mailsrv_list_t *list)
{
	FUZZ_CHECK(mailsrv_list_stats(list).ancestors == 0, "parents before mailsrv_list_add_ancestors()");
	for (size_t i = 0; i < mailsrv_list_count(list); i++) {
		const mailsrv_list_entry_t *entry = mailsrv_list_entry(list, i);
		const uint8_t *name = mailsrv_list_name(list, entry);
		size_t size = knot_dname_size(name);
		check_host_name(name, size);
		FUZZ_CHECK(size > 1, "the root listed");
		FUZZ_CHECK(mailsrv_list_find(list, name) == entry, "entry %zu twice", i);
		FUZZ_CHECK(entry->source == 1 && entry->line > 0, "position of entry %zu", i);

		const mailsrv_target_t *target = mailsrv_list_target(list, entry);
		if (target == NULL) {
			continue;
		}
		FUZZ_CHECK(target->size > (target->relative ? 0 : 1), "empty target");
		check_host_name(target->wire, target->size);
		FUZZ_CHECK(target->relative == (target->wire[target->size - 1] != '\0'),
		           "relative target with a root label, or absolute without");
		FUZZ_CHECK(!target->relative || target->size + size <= KNOT_DNAME_MAXLEN,
		           "relative target does not fit");
	}
}

/*! \brief Writes a wire name, or the labels of a relative target, as text. */
static size_t name_txt(const uint8_t *wire, size_t size, bool relative, char *out)
{
	uint8_t name[KNOT_DNAME_MAXLEN + 1];
	memcpy(name, wire, size);
	name[size] = '\0';
	char txt[KNOT_DNAME_TXT_MAXLEN + 1];
	FUZZ_CHECK(knot_dname_to_str(txt, name, sizeof(txt)) != NULL, "no text");
	size_t len = strlen(txt) - (relative ? 1 : 0);
	memcpy(out, txt, len);

	return len;
}

/*! \brief Writes the list as a domain file and parses it again. */
static mailsrv_list_t *rewrite(const mailsrv_list_t *list)
{
	char *text = malloc(mailsrv_list_count(list) * (2 * KNOT_DNAME_TXT_MAXLEN + 2) + 1);
	FUZZ_CHECK(text != NULL, "out of memory");
	size_t len = 0;
	for (size_t i = 0; i < mailsrv_list_count(list); i++) {
		const mailsrv_list_entry_t *entry = mailsrv_list_entry(list, i);
		const uint8_t *name = mailsrv_list_name(list, entry);
		len += name_txt(name, knot_dname_size(name), false, text + len);
		const mailsrv_target_t *target = mailsrv_list_target(list, entry);
		if (target != NULL) {
			text[len++] = ' ';
			len += name_txt(target->wire, target->size, target->relative, text + len);
		}
		text[len++] = '\n';
	}
	memfile_set(&rewritten, text, len);
	free(text);

	char err[MAILSRV_ERR_SIZE] = "";
	mailsrv_list_t *again = mailsrv_list_new();
	FUZZ_CHECK(again != NULL, "out of memory");
	int ret = test_list_add_file(again, rewritten.path, err);
	FUZZ_CHECK(ret == KNOT_EOK, "the list written out is refused: %s", err);
	return again;
}

/*! \brief Are two entries (of two lists) the same domain with the same target? */
static bool same_entry(const mailsrv_list_t *a, const mailsrv_list_entry_t *ea,
                       const mailsrv_list_t *b, const mailsrv_list_entry_t *eb)
{
	if (!knot_dname_is_equal(mailsrv_list_name(a, ea), mailsrv_list_name(b, eb))) {
		return false;
	}
	const mailsrv_target_t *ta = mailsrv_list_target(a, ea);
	const mailsrv_target_t *tb = mailsrv_list_target(b, eb);
	if (ta == NULL || tb == NULL || ta == &mailsrv_ancestor || tb == &mailsrv_ancestor) {
		return ta == tb;
	}

	return mailsrv_target_bytes(ta) == mailsrv_target_bytes(tb) &&
	       memcmp(ta, tb, mailsrv_target_bytes(ta)) == 0;
}

static void check_round_trip(const mailsrv_list_t *list, const mailsrv_list_t *again)
{
	FUZZ_CHECK(mailsrv_list_count(again) == mailsrv_list_count(list), "%zu entries, %zu after a round trip",
	           mailsrv_list_count(list), mailsrv_list_count(again));
	FUZZ_CHECK(mailsrv_list_stats(again).duplicates == 0, "duplicates after a round trip");
	for (size_t i = 0; i < mailsrv_list_count(list); i++) {
		FUZZ_CHECK(same_entry(list, mailsrv_list_entry(list, i), again, mailsrv_list_entry(again, i)),
		           "entry %zu differs after a round trip", i);
	}
}

/*! \brief Every parent of every entry is in the list, as an entry. */
static void check_ancestors(const mailsrv_list_t *list, size_t listed)
{
	FUZZ_CHECK(mailsrv_list_count(list) == listed + mailsrv_list_stats(list).ancestors, "parents miscounted");
	for (size_t i = 0; i < mailsrv_list_count(list); i++) {
		const mailsrv_list_entry_t *entry = mailsrv_list_entry(list, i);
		const uint8_t *name = mailsrv_list_name(list, entry);
		FUZZ_CHECK((i >= listed) == (entry->target == MAILSRV_LIST_ANCESTOR),
		           "entry %zu: listed and parent entries mixed", i);
		if (name[0] == 0) {
			continue;
		}
		const uint8_t *parent = name + 1 + name[0];
		FUZZ_CHECK(parent[0] == 0 || mailsrv_list_find(list, parent) != NULL,
		           "a parent of entry %zu is missing", i);
	}
}

/*! \brief The table holds exactly the domains of \a list. */
static void check_table(const mailsrv_list_t *list)
{
	FUZZ_CHECK(mailsrv_table_count(table) == mailsrv_list_count(list) - mailsrv_list_stats(list).ancestors,
	           "table holds %zu domains, list %zu", mailsrv_table_count(table),
	           mailsrv_list_count(list) - mailsrv_list_stats(list).ancestors);
	rcu_read_lock();
	for (size_t i = 0; i < mailsrv_list_count(list); i++) {
		const mailsrv_list_entry_t *entry = mailsrv_list_entry(list, i);
		const uint8_t *name = mailsrv_list_name(list, entry);
		const mailsrv_target_t *found = NULL;
		bool in_table = mailsrv_table_lookup(table, name, knot_dname_size(name), &found);
		FUZZ_CHECK(in_table, "entry %zu not in the table", i);
		const mailsrv_target_t *target = mailsrv_list_target(list, entry);
		if (target == NULL || target == &mailsrv_ancestor) {
			FUZZ_CHECK(found == target, "entry %zu: wrong target", i);
		} else {
			FUZZ_CHECK(found != NULL && found != &mailsrv_ancestor &&
			           mailsrv_target_bytes(found) == mailsrv_target_bytes(target) &&
			           memcmp(found, target, mailsrv_target_bytes(target)) == 0,
			           "entry %zu: wrong target", i);
		}
	}
	rcu_read_unlock();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	memfile_set(&input, data, size);

	mailsrv_list_t *list = mailsrv_list_new();
	FUZZ_CHECK(list != NULL, "out of memory");
	char err[MAILSRV_ERR_SIZE] = "";
	int ret = test_list_add_file(list, input.path, err);
	if (ret != KNOT_EOK) {
		check_error(ret, err);
		mailsrv_list_free(list);
		return 0;
	}
	FUZZ_CHECK(err[0] == '\0', "accepted with a message: %s", err);
	check_entries(list);

	mailsrv_list_t *again = rewrite(list);
	check_round_trip(list, again);

	size_t listed = mailsrv_list_count(list);
	FUZZ_CHECK(mailsrv_list_add_ancestors(list) == KNOT_EOK, "out of memory");
	FUZZ_CHECK(mailsrv_list_add_ancestors(again) == KNOT_EOK, "out of memory");
	check_ancestors(list, listed);

	// The table takes the list's targets: check it against the twin list.
	mailsrv_table_diff_t diff;
	FUZZ_CHECK(mailsrv_table_apply(table, list, &diff) == KNOT_EOK, "out of memory");
	check_table(again);

	mailsrv_list_free(again);
	mailsrv_list_free(list);

	return 0;
}
