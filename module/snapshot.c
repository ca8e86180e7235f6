/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libknot/dname.h>
#include <libknot/errcode.h>
#include <libknot/error.h>
#include <xxhash.h>

#include "module/snapshot.h"
#include "module/source_file.h"

#define SNAPSHOT_DIR	"mailsrv"
#define END_FORMAT	"# end: domains %zu, written %" PRIu64 ", xxh3 %016" PRIx64 "\n"

char *mailsrv_snapshot_path(const char *storage, const uint8_t *key, size_t key_size)
{
	char *path = NULL;
	if (asprintf(&path, "%s/" SNAPSHOT_DIR "/%016" PRIx64 ".snapshot", storage,
	             (uint64_t)XXH3_64bits(key, key_size)) < 0) {
		return NULL;
	}

	return path;
}

/*! \brief Output buffered for write(2), hashed on the way. */
typedef struct {
	int fd;
	XXH3_state_t *hash;
	size_t used;
	int ret;
	char buf[1 << 16];
} writer_t;

static void writer_flush(writer_t *w)
{
	for (size_t done = 0; done < w->used && w->ret == KNOT_EOK; ) {
		ssize_t got = write(w->fd, w->buf + done, w->used - done);
		if (got >= 0) {
			done += got;
		} else if (errno != EINTR) {
			w->ret = knot_map_errno();
		}
	}
	w->used = 0;
}

/*! \brief Appends text; \a hashed: part of what the end line's hash covers. */
static void writer_put(writer_t *w, const char *txt, size_t len, bool hashed)
{
	if (w->used + len > sizeof(w->buf)) {
		writer_flush(w);
	}
	if (hashed) {
		XXH3_64bits_update(w->hash, txt, len);
	}
	memcpy(w->buf + w->used, txt, len);
	w->used += len;
}

/*! \brief Writes a target as a domain file does: relative without a final dot. */
static size_t target_text(const mailsrv_target_t *target, char txt[KNOT_DNAME_MAXLEN + 1])
{
	uint8_t wire[KNOT_DNAME_MAXLEN + 1];
	memcpy(wire, target->wire, target->size);
	if (target->relative) {
		wire[target->size] = '\0';
	}
	size_t len = mailsrv_name_raw_text(wire, txt);

	return target->relative ? len - 1 : len;
}

/*! \brief Writes the list's domains and the end line. */
static void write_list(writer_t *w, const mailsrv_list_t *list, const char *sources)
{
	time_t now = time(NULL);
	char line[2 * (KNOT_DNAME_MAXLEN + 1) + 2];
	int len = snprintf(line, sizeof(line), "# mod-mailsrv: the last good list of %.400s\n",
	                   sources);
	writer_put(w, line, len, true);

	size_t domains = 0;
	for (size_t i = 0; i < mailsrv_list_count(list); i++) {
		const mailsrv_list_entry_t *entry = mailsrv_list_entry(list, i);
		if (entry->target == MAILSRV_LIST_ANCESTOR) {
			continue;
		}
		size_t pos = mailsrv_name_raw_text(mailsrv_list_name(list, entry), line);
		const mailsrv_target_t *target = mailsrv_list_target(list, entry);
		if (target != NULL) {
			line[pos++] = ' ';
			pos += target_text(target, line + pos);
		}
		line[pos++] = '\n';
		writer_put(w, line, pos, true);
		domains++;
	}

	len = snprintf(line, sizeof(line), END_FORMAT, domains, (uint64_t)now,
	               (uint64_t)XXH3_64bits_digest(w->hash));
	writer_put(w, line, len, false);
	writer_flush(w);
}

/*! \brief Makes the snapshot directory (the storage directory exists). */
static int make_dir(const char *path)
{
	char *dir = strdup(path);
	if (dir == NULL) {
		return KNOT_ENOMEM;
	}
	*strrchr(dir, '/') = '\0';
	int ret = (mkdir(dir, 0750) == 0 || errno == EEXIST) ? KNOT_EOK : knot_map_errno();
	free(dir);

	return ret;
}

int mailsrv_snapshot_write(const char *path, const mailsrv_list_t *list,
                           const char *sources, char err[MAILSRV_ERR_SIZE])
{
	char *tmp = NULL;
	writer_t *w = calloc(1, sizeof(*w));
	if (w != NULL && asprintf(&tmp, "%s.new", path) < 0) {
		tmp = NULL;
	}
	int ret = (w != NULL && tmp != NULL) ? KNOT_EOK : KNOT_ENOMEM;
	if (ret == KNOT_EOK && (ret = make_dir(path)) == KNOT_EOK) {
		w->fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
		w->hash = XXH3_createState();
		if (w->fd < 0) {
			ret = knot_map_errno();
		} else if (w->hash == NULL) {
			ret = KNOT_ENOMEM;
		} else {
			XXH3_64bits_reset(w->hash);
			write_list(w, list, sources);
			ret = w->ret;
		}
		// Synced before the rename: a crash leaves the old or the new one.
		if (w->fd >= 0 && ret == KNOT_EOK && fsync(w->fd) != 0) {
			ret = knot_map_errno();
		}
		if (w->fd >= 0 && close(w->fd) != 0 && ret == KNOT_EOK) {
			ret = knot_map_errno();
		}
		if (ret == KNOT_EOK && rename(tmp, path) != 0) {
			ret = knot_map_errno();
		}
		if (ret != KNOT_EOK && w->fd >= 0) {
			unlink(tmp);
		}
		XXH3_freeState(w->hash);
	}
	if (ret != KNOT_EOK) {
		snprintf(err, MAILSRV_ERR_SIZE, "%s: cannot write (%s)", path, knot_strerror(ret));
	}
	free(tmp);
	free(w);

	return ret;
}

/*! \brief Checks the end line of a snapshot; \a body: the size before it. */
static bool check_end(const char *data, size_t size, size_t *body, size_t *domains,
                      time_t *written)
{
	if (size == 0 || data[size - 1] != '\n') {
		return false;
	}
	const char *end = data + size - 1;
	while (end > data && end[-1] != '\n') {
		end--;
	}
	uint64_t when, hash;
	char line[128];
	size_t len = data + size - end;
	if (len >= sizeof(line)) {
		return false;
	}
	memcpy(line, end, len);
	line[len] = '\0';
	if (sscanf(line, "# end: domains %zu, written %" SCNu64 ", xxh3 %" SCNx64, domains,
	           &when, &hash) != 3) {
		return false;
	}
	*body = end - data;
	*written = when;

	return XXH3_64bits(data, *body) == hash;
}

/*! \brief Reads a snapshot and checks its end line; \a body: the size before it. */
static int read_verified(const char *path, char **data, size_t *body, size_t *domains,
                        time_t *written, char err[MAILSRV_ERR_SIZE])
{
	size_t size = 0;
	mailsrv_source_state_t state;
	int ret = mailsrv_file_read(path, data, &size, &state, err);
	if (ret != KNOT_EOK) {
		return ret;
	}
	if (!check_end(*data, size, body, domains, written)) {
		snprintf(err, MAILSRV_ERR_SIZE, "%s: damaged (no valid end line or checksum)", path);
		free(*data);
		*data = NULL;
		return KNOT_EMALF;
	}

	return KNOT_EOK;
}

int mailsrv_snapshot_read(const char *path, mailsrv_list_t *list, time_t *written,
                          char err[MAILSRV_ERR_SIZE])
{
	char *data = NULL;
	size_t body = 0, domains = 0;
	int ret = read_verified(path, &data, &body, &domains, written, err);
	if (ret == KNOT_EOK) {
		ret = mailsrv_list_add_text(list, path, data, body, err);
	}
	if (ret == KNOT_EOK && mailsrv_list_count(list) != domains) {
		snprintf(err, MAILSRV_ERR_SIZE, "%s: damaged (%zu domains, %zu expected)", path,
		         mailsrv_list_count(list), domains);
		ret = KNOT_EMALF;
	}
	if (ret == KNOT_EOK) {
		ret = mailsrv_list_add_ancestors(list);
	}
	free(data);

	return ret;
}

int mailsrv_snapshot_kept(const char *path, const mailsrv_list_t *list, size_t *domains,
                          size_t *kept, char err[MAILSRV_ERR_SIZE])
{
	char *data = NULL;
	size_t body = 0;
	time_t written;
	size_t expected = 0;
	int ret = read_verified(path, &data, &body, &expected, &written, err);
	if (ret != KNOT_EOK) {
		return ret;
	}

	// The checksum vouches for the lines: names as written, lower case, with
	// a final dot. Each one only needs its labels' lengths for the look-up.
	*domains = 0;
	*kept = 0;
	for (const char *pos = data, *end = data + body; ret == KNOT_EOK && pos < end; ) {
		const char *eol = memchr(pos, '\n', end - pos);
		eol = (eol == NULL) ? end : eol;
		uint8_t wire[KNOT_DNAME_MAXLEN + 1];
		size_t len = 0, label = 0;
		const char *c = pos;
		for (; *pos != '#' && c < eol && *c != ' ' && len < KNOT_DNAME_MAXLEN; c++) {
			if (*c == '.') {
				wire[label] = len - label;
				label = ++len;
			} else {
				wire[++len] = *c;
			}
		}
		if (len > 0 && label != len) {
			ret = KNOT_EMALF; // Not a name as the module writes them.
		} else if (len > 0) {
			wire[len] = '\0';
			const mailsrv_list_entry_t *found = mailsrv_list_find(list, wire);
			*kept += (found != NULL && found->target != MAILSRV_LIST_ANCESTOR);
			(*domains)++;
		}
		pos = eol + 1;
	}
	free(data);
	if (ret == KNOT_EOK && *domains != expected) {
		ret = KNOT_EMALF;
	}
	if (ret != KNOT_EOK) {
		snprintf(err, MAILSRV_ERR_SIZE, "%s: damaged (not as written)", path);
	}

	return ret;
}
