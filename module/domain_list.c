/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libknot/dname.h>
#include <libknot/errcode.h>
#include <xxhash.h>

#include "module/domain_list.h"

const mailsrv_target_t mailsrv_ancestor = { .relative = false, .size = 0 };

/*! \brief A domain file read into the list (for positions in messages). */
typedef struct {
	char *path;
} mailsrv_list_file_t;

/*! \brief Open-addressing index of list items (0: free slot, else item + 1). */
typedef struct {
	uint32_t *slots;
	size_t mask;
	size_t used;
} mailsrv_list_index_t;

struct mailsrv_list {
	mailsrv_list_entry_t *entries; /*!< Domains in source order, then parents. */
	size_t count;                  /*!< Number of entries (domains and parents). */
	size_t ancestors;              /*!< Entries that are parents only. */
	size_t entries_max;
	uint8_t *names;                /*!< Wire names, one after another. */
	size_t names_size;
	size_t names_max;
	mailsrv_target_t **targets;    /*!< Distinct per-domain targets. */
	size_t target_count;
	size_t targets_max;
	mailsrv_list_file_t *files;    /*!< Domain files read. */
	size_t file_count;
	size_t files_max;
	size_t max_default_size;       /*!< Longest domain without its own target. */
	size_t max_size;               /*!< Longest domain. */
	size_t duplicates;             /*!< Domains listed again with the same target. */
	mailsrv_list_entry_t first_duplicate; /*!< Where the first one was listed again. */
	mailsrv_list_index_t by_name;
	mailsrv_list_index_t by_target;
};


/*! \brief Key bytes of an indexed item. */
typedef struct {
	const uint8_t *data;
	size_t size;
} item_key_t;

typedef item_key_t (*key_of_f)(const mailsrv_list_t *list, uint32_t item);

static item_key_t name_key(const mailsrv_list_t *list, uint32_t item)
{
	const uint8_t *name = list->names + list->entries[item].name;
	return (item_key_t){ name, knot_dname_size(name) };
}

static item_key_t target_key(const mailsrv_list_t *list, uint32_t item)
{
	const mailsrv_target_t *target = list->targets[item];
	return (item_key_t){ (const uint8_t *)target, mailsrv_target_bytes(target) };
}

/*! \brief Makes the index (or creates it) hold \a items under a load of 1/2. */
static int index_reserve(mailsrv_list_index_t *index, const mailsrv_list_t *list,
                         key_of_f key_of, size_t items)
{
	size_t old = index->slots == NULL ? 0 : index->mask + 1;
	if (items * 2 <= old) {
		return KNOT_EOK;
	}
	size_t size = old == 0 ? 1024 : old;
	while (size < items * 2) {
		size *= 2;
	}
	uint32_t *slots = calloc(size, sizeof(*slots));
	if (slots == NULL) {
		return KNOT_ENOMEM;
	}

	for (size_t i = 0; index->slots != NULL && i <= index->mask; i++) {
		uint32_t item = index->slots[i];
		if (item == 0) {
			continue;
		}
		item_key_t key = key_of(list, item - 1);
		size_t pos = XXH3_64bits(key.data, key.size) & (size - 1);
		while (slots[pos] != 0) {
			pos = (pos + 1) & (size - 1);
		}
		slots[pos] = item;
	}

	free(index->slots);
	index->slots = slots;
	index->mask = size - 1;

	return KNOT_EOK;
}

/*! \brief Finds the slot of \a key: the item with that key, or a free slot. */
static uint32_t *index_probe(const mailsrv_list_index_t *index, const mailsrv_list_t *list,
                             key_of_f key_of, item_key_t key)
{
	size_t pos = XXH3_64bits(key.data, key.size) & index->mask;
	while (index->slots[pos] != 0) {
		item_key_t other = key_of(list, index->slots[pos] - 1);
		if (other.size == key.size && memcmp(other.data, key.data, key.size) == 0) {
			break;
		}
		pos = (pos + 1) & index->mask;
	}

	return &index->slots[pos];
}

/*! \brief Finds the item with \a key, -1 if none. */
static int64_t index_find(const mailsrv_list_index_t *index, const mailsrv_list_t *list,
                          key_of_f key_of, item_key_t key)
{
	if (index->slots == NULL) {
		return -1;
	}

	return (int64_t)*index_probe(index, list, key_of, key) - 1;
}

/*!
 * \brief Finds the item with the key of \a item, or indexes \a item.
 *
 * \return The earlier item with that key, \a item if it was indexed,
 *         -1 if out of memory.
 */
static int64_t index_put(mailsrv_list_index_t *index, const mailsrv_list_t *list,
                         key_of_f key_of, uint32_t item)
{
	if (index_reserve(index, list, key_of, index->used + 1) != KNOT_EOK) {
		return -1;
	}

	uint32_t *slot = index_probe(index, list, key_of, key_of(list, item));
	if (*slot != 0) {
		return *slot - 1;
	}
	*slot = item + 1;
	index->used++;

	return item;
}

/*! \brief Makes room for \a more elements of \a size bytes in \a array. */
static int reserve(void *array, size_t *max, size_t count, size_t more, size_t size)
{
	if (count + more <= *max) {
		return KNOT_EOK;
	}
	size_t new_max = *max == 0 ? 64 : *max * 2;
	while (new_max < count + more) {
		new_max *= 2;
	}
	void *grown = realloc(*(void **)array, new_max * size);
	if (grown == NULL) {
		return KNOT_ENOMEM;
	}
	*(void **)array = grown;
	*max = new_max;

	return KNOT_EOK;
}

mailsrv_list_t *mailsrv_list_new(void)
{
	return calloc(1, sizeof(mailsrv_list_t));
}

/*! \brief Frees what the list holds. */
static void release(mailsrv_list_t *list)
{
	for (size_t i = 0; i < list->target_count; i++) {
		free(list->targets[i]);
	}
	for (size_t i = 0; i < list->file_count; i++) {
		free(list->files[i].path);
	}
	free(list->targets);
	free(list->files);
	free(list->entries);
	free(list->names);
	free(list->by_name.slots);
	free(list->by_target.slots);
}

void mailsrv_list_free(mailsrv_list_t *list)
{
	if (list != NULL) {
		release(list);
		free(list);
	}
}

void mailsrv_list_clear(mailsrv_list_t *list)
{
	release(list);
	memset(list, 0, sizeof(*list));
}

size_t mailsrv_list_count(const mailsrv_list_t *list)
{
	return list->count;
}

const mailsrv_list_entry_t *mailsrv_list_entry(const mailsrv_list_t *list, size_t i)
{
	return &list->entries[i];
}

mailsrv_list_stats_t mailsrv_list_stats(const mailsrv_list_t *list)
{
	return (mailsrv_list_stats_t){
		.ancestors = list->ancestors,
		.targets = list->target_count,
		.duplicates = list->duplicates,
		.max_default_size = list->max_default_size,
		.max_size = list->max_size,
		.first_duplicate = list->duplicates > 0 ? &list->first_duplicate : NULL,
	};
}

const uint8_t *mailsrv_list_name(const mailsrv_list_t *list, const mailsrv_list_entry_t *entry)
{
	return list->names + entry->name;
}

const mailsrv_target_t *mailsrv_list_target(const mailsrv_list_t *list,
                                            const mailsrv_list_entry_t *entry)
{
	if (entry->target == MAILSRV_LIST_ANCESTOR) {
		return &mailsrv_ancestor;
	}
	return entry->target == 0 ? NULL : list->targets[entry->target - 1];
}

const char *mailsrv_list_position(const mailsrv_list_t *list,
                                  const mailsrv_list_entry_t *entry, char *buf, size_t size)
{
	if (entry->source == 0) {
		snprintf(buf, size, "item 'domain'");
	} else {
		snprintf(buf, size, "%s:%u", list->files[entry->source - 1].path, entry->line);
	}

	return buf;
}

/*!
 * \brief Returns the index + 1 of a target equal to \a name, adding it if new.
 *
 * \return Index + 1, or 0 if out of memory.
 */
static uint32_t intern_target(mailsrv_list_t *list, const mailsrv_name_t *name)
{
	if (reserve(&list->targets, &list->targets_max, list->target_count, 1,
	            sizeof(*list->targets)) != KNOT_EOK) {
		return 0;
	}
	mailsrv_target_t *target = mailsrv_target_new(name);
	if (target == NULL) {
		return 0;
	}
	list->targets[list->target_count] = target;
	int64_t found = index_put(&list->by_target, list, target_key, list->target_count);
	if (found < 0) {
		free(target);
		return 0;
	}
	if ((size_t)found != list->target_count) {
		free(target);
	} else {
		list->target_count++;
	}

	return found + 1;
}

/*!
 * \brief Appends an entry unless its name is listed already.
 *
 * \return The index of the entry with that name (the new one is the last),
 *         -1 if out of memory.
 */
static int64_t append_entry(mailsrv_list_t *list, const uint8_t *name, size_t name_size,
                            uint32_t target_idx, uint32_t source, uint32_t line)
{
	if (reserve(&list->entries, &list->entries_max, list->count, 1,
	            sizeof(*list->entries)) != KNOT_EOK ||
	    reserve(&list->names, &list->names_max, list->names_size, name_size, 1) != KNOT_EOK) {
		return -1;
	}

	memcpy(list->names + list->names_size, name, name_size);
	list->entries[list->count] = (mailsrv_list_entry_t){
		.name = list->names_size,
		.target = target_idx,
		.line = line,
		.source = source,
	};

	int64_t found = index_put(&list->by_name, list, name_key, list->count);
	if (found == (int64_t)list->count) {
		list->count++;
		list->names_size += name_size;
	}

	return found;
}

/*!
 * \brief Adds one domain with an optional target; equal duplicates are
 *        counted and dropped.
 *
 * \param first  Output: the earlier entry of a domain listed again with
 *               another target.
 *
 * \return KNOT_EOK, KNOT_EEXIST (listed again with another target),
 *         KNOT_ENOMEM.
 */
static int add_domain(mailsrv_list_t *list, const uint8_t *name, size_t name_size,
                      const mailsrv_name_t *target, uint32_t source, uint32_t line,
                      int64_t *first)
{
	uint32_t target_idx = 0;
	if (target != NULL && (target_idx = intern_target(list, target)) == 0) {
		return KNOT_ENOMEM;
	}

	size_t before = list->count;
	int64_t found = append_entry(list, name, name_size, target_idx, source, line);
	if (found < 0) {
		return KNOT_ENOMEM;
	}
	if (list->count > before) {
		if (target_idx == 0 && name_size > list->max_default_size) {
			list->max_default_size = name_size;
		}
		if (name_size > list->max_size) {
			list->max_size = name_size;
		}
		return KNOT_EOK;
	}

	const mailsrv_list_entry_t *entry = &list->entries[found];
	if (entry->target == target_idx) {
		if (list->duplicates++ == 0) {
			list->first_duplicate = (mailsrv_list_entry_t){
				.name = entry->name, .source = source, .line = line };
		}
		return KNOT_EOK;
	}
	*first = found;

	return KNOT_EEXIST;
}

/*!
 * \brief Writes the error of a domain listed again with another target.
 *
 * \param what  The domain as written, for the message.
 */
static int conflict_error(const mailsrv_list_t *list, int64_t first, const char *what,
                          char err[MAILSRV_ERR_SIZE])
{
	char pos[MAILSRV_ERR_SIZE / 4]; // With what, within err.
	snprintf(err, MAILSRV_ERR_SIZE, "%s listed again with another target "
	         "(first at %s)", what,
	         mailsrv_list_position(list, &list->entries[first], pos, sizeof(pos)));

	return KNOT_EINVAL;
}

/*!
 * \brief Checks a parsed domain and its optional target as a list entry and
 *        makes the domain absolute (a trailing dot is optional).
 *
 * \param in_target  Output: the reason concerns the target.
 */
static bool check_entry(mailsrv_name_t *domain, const mailsrv_name_t *target,
                        char reason[MAILSRV_REASON_SIZE], bool *in_target)
{
	*in_target = false;
	if (domain->size == 1 && domain->absolute) {
		snprintf(reason, MAILSRV_REASON_SIZE, "the root is not a mail domain");
		return false;
	}
	if (!domain->absolute) {
		domain->wire[domain->size++] = '\0';
		domain->absolute = true;
	}
	if (target == NULL) {
		return true;
	}

	*in_target = true;
	if (!mailsrv_name_is_host(target, MAILSRV_TARGET_HINT, reason)) {
		return false;
	}
	if (!target->absolute && !mailsrv_relative_fits(target->size, domain->size)) {
		snprintf(reason, MAILSRV_REASON_SIZE,
		         "makes a name longer than 255 bytes with this domain");
		return false;
	}

	return true;
}

int mailsrv_list_add_name(mailsrv_list_t *list, const uint8_t *name,
                          const mailsrv_name_t *target, char err[MAILSRV_ERR_SIZE])
{
	char txt[KNOT_DNAME_MAXLEN + 1], quoted[80];
	size_t len = mailsrv_name_raw_text(name, txt);
	mailsrv_name_quote(txt, len, quoted, sizeof(quoted));

	mailsrv_name_t domain;
	char reason[MAILSRV_REASON_SIZE];
	bool in_target = false;
	if (!mailsrv_name_from_wire(name, &domain, reason) ||
	    !check_entry(&domain, target, reason, &in_target)) {
		snprintf(err, MAILSRV_ERR_SIZE, "domain '%s': %s%s", quoted,
		         in_target ? "target " : "", reason);
		return KNOT_EINVAL;
	}

	int64_t first;
	int ret = add_domain(list, domain.wire, domain.size, target, 0, 0, &first);
	if (ret != KNOT_EEXIST) {
		return ret;
	}
	char what[128];
	snprintf(what, sizeof(what), "domain '%s'", quoted);

	return conflict_error(list, first, what, err);
}

/*! \brief Splits the next field off [*pos, end) at spaces and tabs. */
static bool next_field(const char **pos, const char *end, const char **field,
                       size_t *len)
{
	const char *p = *pos;
	while (p < end && (*p == ' ' || *p == '\t')) {
		p++;
	}
	if (p == end) {
		*pos = p;
		return false;
	}
	*field = p;
	while (p < end && *p != ' ' && *p != '\t') {
		p++;
	}
	*len = p - *field;
	*pos = p;

	return true;
}

/*!
 * \brief Writes the error of an invalid field: FILE:LINE: KIND 'FIELD': REASON.
 *
 * Only for a bad line: formatting a message costs more than parsing a line.
 */
static int line_error(const char *path, uint32_t line, const char *field, size_t len,
                      const char *kind, const char *reason, char err[MAILSRV_ERR_SIZE])
{
	char quoted[80];
	mailsrv_name_quote(field, len, quoted, sizeof(quoted));
	snprintf(err, MAILSRV_ERR_SIZE, "%s:%u: %s '%s': %s", path, line, kind, quoted, reason);

	return KNOT_EINVAL;
}

/*! \brief Splits a line into at most two fields, without a comment. */
static int split_line(const char *path, uint32_t line, const char *pos, const char *end,
                      const char *fields[2], size_t lens[2], int *count,
                      char err[MAILSRV_ERR_SIZE])
{
	if (memchr(pos, '\0', end - pos) != NULL) {
		snprintf(err, MAILSRV_ERR_SIZE, "%s:%u: NUL byte", path, line);
		return KNOT_EINVAL;
	}
	if (end > pos && end[-1] == '\r') {
		end--;
	}
	const char *hash = memchr(pos, '#', end - pos);
	if (hash != NULL) {
		end = hash;
	}

	*count = 0;
	while (*count < 2 && next_field(&pos, end, &fields[*count], &lens[*count])) {
		(*count)++;
	}
	const char *extra;
	size_t extra_len;
	if (*count > 0 && next_field(&pos, end, &extra, &extra_len)) {
		snprintf(err, MAILSRV_ERR_SIZE, "%s:%u: too many fields (expected "
		         "a domain and an optional target)", path, line);
		return KNOT_EINVAL;
	}

	return KNOT_EOK;
}

/*! \brief Parses one line of a domain file: DOMAIN [TARGET] [# comment]. */
static int parse_line(mailsrv_list_t *list, uint32_t source, uint32_t line,
                      const char *pos, const char *end, char err[MAILSRV_ERR_SIZE])
{
	const char *path = list->files[source - 1].path;
	const char *fields[2];
	size_t lens[2];
	int count;

	// Most lines are a domain alone: host-name bytes and dots up to the line
	// end (or a CR). One scan finds that they need no splitting.
	const char *plain = pos;
	while (plain < end && (mailsrv_host_byte[(uint8_t)*plain] != 0 || *plain == '.')) {
		plain++;
	}
	if (plain == end || (plain + 1 == end && *plain == '\r')) {
		fields[0] = pos;
		lens[0] = plain - pos;
		count = (lens[0] > 0);
	} else {
		int ret = split_line(path, line, pos, end, fields, lens, &count, err);
		if (ret != KNOT_EOK) {
			return ret;
		}
	}
	if (count == 0) {
		return KNOT_EOK;
	}

	mailsrv_name_t domain, target;
	char reason[MAILSRV_REASON_SIZE];
	bool in_target = false;
	if (!mailsrv_name_parse(fields[0], lens[0], &domain, reason)) {
		return line_error(path, line, fields[0], lens[0], "domain", reason, err);
	}
	if (count == 2 && !mailsrv_name_parse(fields[1], lens[1], &target, reason)) {
		return line_error(path, line, fields[1], lens[1], "target", reason, err);
	}
	if (!check_entry(&domain, count == 2 ? &target : NULL, reason, &in_target)) {
		int bad = in_target ? 1 : 0;
		return line_error(path, line, fields[bad], lens[bad],
		                  in_target ? "target" : "domain", reason, err);
	}

	int64_t first;
	int ret = add_domain(list, domain.wire, domain.size, count == 2 ? &target : NULL,
	                     source, line, &first);
	if (ret != KNOT_EEXIST) {
		return ret;
	}
	char quoted[80];
	char where[MAILSRV_ERR_SIZE / 2];
	mailsrv_name_quote(fields[0], lens[0], quoted, sizeof(quoted));
	snprintf(where, sizeof(where), "%s:%u: domain '%s'", path, line, quoted);

	return conflict_error(list, first, where, err);
}

/*!
 * \brief Sizes the entries, the names and the index for one domain per line
 *        of \a data at once, instead of growing them (and rehashing the
 *        index) again and again while a large file is parsed.
 */
static int reserve_lines(mailsrv_list_t *list, const char *data, size_t size)
{
	size_t lines = 1;
	for (const char *pos = data; (pos = memchr(pos, '\n', data + size - pos)) != NULL; pos++) {
		lines++;
	}

	// A wire name is at most one byte longer than its text and line end.
	if (reserve(&list->entries, &list->entries_max, list->count, lines,
	            sizeof(*list->entries)) != KNOT_EOK ||
	    reserve(&list->names, &list->names_max, list->names_size, size + lines, 1) != KNOT_EOK ||
	    index_reserve(&list->by_name, list, name_key, list->count + lines) != KNOT_EOK) {
		return KNOT_ENOMEM;
	}

	return KNOT_EOK;
}

/*! \brief Adds a file to the list's files, for positions in messages. */
static mailsrv_list_file_t *add_file_source(mailsrv_list_t *list, const char *path)
{
	if (reserve(&list->files, &list->files_max, list->file_count, 1,
	            sizeof(*list->files)) != KNOT_EOK) {
		return NULL;
	}
	mailsrv_list_file_t *file = &list->files[list->file_count];
	*file = (mailsrv_list_file_t){ .path = strdup(path) };
	if (file->path == NULL) {
		return NULL;
	}
	list->file_count++;

	return file;
}

/*! \brief Parses the text of the list's file \a source (index + 1). */
static int parse_text(mailsrv_list_t *list, uint32_t source, const char *data, size_t size,
                      char err[MAILSRV_ERR_SIZE])
{
	int ret = reserve_lines(list, data, size);
	const char *pos = data, *end = data + size;
	for (uint32_t line = 1; ret == KNOT_EOK && pos < end; line++) {
		const char *eol = memchr(pos, '\n', end - pos);
		if (eol == NULL) {
			eol = end;
		}
		ret = parse_line(list, source, line, pos, eol, err);
		pos = eol + 1;
	}
	if (ret == KNOT_ENOMEM) {
		snprintf(err, MAILSRV_ERR_SIZE, "%s: out of memory", list->files[source - 1].path);
	}

	return ret;
}

int mailsrv_list_add_text(mailsrv_list_t *list, const char *path, const char *data,
                          size_t size, char err[MAILSRV_ERR_SIZE])
{
	mailsrv_list_file_t *file = add_file_source(list, path);
	if (file == NULL) {
		snprintf(err, MAILSRV_ERR_SIZE, "%s: out of memory", path);
		return KNOT_ENOMEM;
	}

	return parse_text(list, list->file_count, data, size, err);
}

const mailsrv_list_entry_t *mailsrv_list_find(const mailsrv_list_t *list,
                                              const uint8_t *name)
{
	item_key_t key = { name, knot_dname_size(name) };
	int64_t found = index_find(&list->by_name, list, name_key, key);

	return found < 0 ? NULL : &list->entries[found];
}

/*! \brief The index of a target equal to \a target, -1 if none. */
static int64_t find_target(const mailsrv_list_t *list, const mailsrv_target_t *target)
{
	item_key_t key = { (const uint8_t *)target, mailsrv_target_bytes(target) };

	return index_find(&list->by_target, list, target_key, key);
}

bool mailsrv_list_has_target(const mailsrv_list_t *list, const mailsrv_target_t *target)
{
	return find_target(list, target) >= 0;
}

void mailsrv_list_use_target(mailsrv_list_t *list, const mailsrv_target_t *target)
{
	int64_t idx = find_target(list, target);
	if (idx >= 0 && list->targets[idx] != target) {
		free(list->targets[idx]);
		list->targets[idx] = (mailsrv_target_t *)target;
	}
}

mailsrv_target_t **mailsrv_list_take_targets(mailsrv_list_t *list, size_t *count)
{
	mailsrv_target_t **targets = list->targets;
	*count = list->target_count;
	list->targets = NULL;
	list->target_count = 0;
	list->targets_max = 0;
	free(list->by_target.slots);
	list->by_target = (mailsrv_list_index_t){ 0 };

	return targets;
}

int mailsrv_list_add_ancestors(mailsrv_list_t *list)
{
	// Domains of a list mostly share their parent with the domain before:
	// that parent (with its parents) is in the list already.
	uint8_t last_parent[KNOT_DNAME_MAXLEN];
	size_t last_size = 0;
	size_t listed = list->count;
	for (size_t i = 0; i < listed; i++) {
		uint8_t name[KNOT_DNAME_MAXLEN];
		memcpy(name, mailsrv_list_name(list, &list->entries[i]),
		       knot_dname_size(mailsrv_list_name(list, &list->entries[i])));
		const uint8_t *first = name + 1 + name[0];
		size_t first_size = knot_dname_size(first);
		if (first_size == last_size && memcmp(first, last_parent, first_size) == 0) {
			continue;
		}
		memcpy(last_parent, first, first_size);
		last_size = first_size;
		// Up the tree until a name that is in the list (with its parents).
		for (const uint8_t *parent = first; *parent != '\0'; parent += 1 + *parent) {
			size_t size = knot_dname_size(parent);
			size_t before = list->count;
			int64_t found = append_entry(list, parent, size, MAILSRV_LIST_ANCESTOR, 0, 0);
			if (found < 0) {
				return KNOT_ENOMEM;
			}
			if (list->count == before) {
				break;
			}
			list->ancestors++;
		}
	}

	return KNOT_EOK;
}

int mailsrv_list_check_target(const mailsrv_list_t *list, const mailsrv_relative_t *relative,
                              char err[MAILSRV_ERR_SIZE])
{
	if (relative->without_own == 0) {
		return KNOT_EOK;
	}

	for (size_t i = 0; i < list->count; i++) {
		const mailsrv_list_entry_t *entry = &list->entries[i];
		const uint8_t *name = mailsrv_list_name(list, entry);
		size_t size = (entry->target == 0) ? relative->without_own : relative->all;
		if (entry->target == MAILSRV_LIST_ANCESTOR ||
		    mailsrv_relative_fits(size, knot_dname_size(name))) {
			continue;
		}
		char txt[KNOT_DNAME_TXT_MAXLEN + 1];
		char pos[MAILSRV_ERR_SIZE / 2];
		snprintf(err, MAILSRV_ERR_SIZE, "%s: domain '%s': the relative target "
		         "makes a name longer than 255 bytes",
		         mailsrv_list_position(list, entry, pos, sizeof(pos)),
		         knot_dname_to_str(txt, name, sizeof(txt)));
		return KNOT_EINVAL;
	}

	return KNOT_EOK;
}
