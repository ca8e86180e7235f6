/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief Source: a domain file ('domain-file'). Its state is what stat()
 *        tells (identity, size, times), so that an unchanged file is never
 *        read again; a file written in place counts as complete once it has
 *        not changed for a while.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libknot/errcode.h>
#include <libknot/error.h>

#include "module/source.h"
#include "module/source_file.h"

/*! \brief A file changed this recently may still be being written... */
#define SETTLE_NS		200000000ull
/*! \brief ...and this recently, if its last line has no line end. */
#define SETTLE_UNTERMINATED_NS	1000000000ull

typedef struct {
	mailsrv_source_t base;
	char path[];
} file_t;

/*! \brief Seconds within which a change may not show in a file's times
 *         (file systems store them with a coarse clock, FAT even 2 s). */
#define RACY_SECONDS	2

/*! \brief Fills a file state from stat() data taken now. */
static void state_from_stat(const struct stat *st, mailsrv_source_state_t *state)
{
	struct timespec clock;
	clock_gettime(CLOCK_REALTIME, &clock);
	*state = (mailsrv_source_state_t){
		.seen = true,
		.dev = st->st_dev,
		.ino = st->st_ino,
		.size = st->st_size,
		.mtime = st->st_mtim,
		.ctime = st->st_ctim,
		.racy = clock.tv_sec - st->st_mtim.tv_sec <= RACY_SECONDS,
	};
}

/*! \brief The state of the file now; all zero if it cannot be stat()ed,
 *         which differs from any state of a file that was read. */
static void file_look(const mailsrv_source_t *source, mailsrv_source_state_t *state)
{
	struct stat st;
	if (stat(((const file_t *)source)->path, &st) != 0) {
		*state = (mailsrv_source_state_t){ 0 };
		return;
	}
	state_from_stat(&st, state);
}

/*! \brief Another identity, size or time, or a racy read that is old enough
 *         for a later change to show in the times. */
static bool file_changed(const mailsrv_source_state_t *known,
                         const mailsrv_source_state_t *now)
{
	if (known->dev != now->dev || known->ino != now->ino || known->size != now->size ||
	    known->mtime.tv_sec != now->mtime.tv_sec || known->mtime.tv_nsec != now->mtime.tv_nsec ||
	    known->ctime.tv_sec != now->ctime.tv_sec || known->ctime.tv_nsec != now->ctime.tv_nsec) {
		return true;
	}
	if (!known->racy) {
		return false;
	}

	// A racy read is confirmed by one more read once any later change
	// would have moved the times.
	struct timespec clock;
	clock_gettime(CLOCK_REALTIME, &clock);
	return clock.tv_sec - known->mtime.tv_sec > RACY_SECONDS;
}

/*! \brief Do two states of one open file differ (size or times)? */
static bool state_moved(const mailsrv_source_state_t *a, const mailsrv_source_state_t *b)
{
	return a->size != b->size ||
	       a->mtime.tv_sec != b->mtime.tv_sec || a->mtime.tv_nsec != b->mtime.tv_nsec ||
	       a->ctime.tv_sec != b->ctime.tv_sec || a->ctime.tv_nsec != b->ctime.tv_nsec;
}

int mailsrv_file_read(const char *path, char **data, size_t *size,
                      mailsrv_source_state_t *state, char err[MAILSRV_ERR_SIZE])
{
	// O_NONBLOCK: a FIFO (or a device) must not hold the server in open() or
	// read(); it is refused below as not a regular file.
	// strerrordesc_np(): untranslated, so no locale lock in a server thread.
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		int ret = knot_map_errno();
		snprintf(err, MAILSRV_ERR_SIZE, "%s: cannot open (%s)", path,
		         strerrordesc_np(errno));
		return ret;
	}

	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, MAILSRV_ERR_SIZE, "%s: not a regular file", path);
		close(fd);
		return KNOT_EINVAL;
	}

	state_from_stat(&st, state);

	size_t max = st.st_size + 1, len = 0;
	char *buf = NULL;
	int ret = KNOT_EOK;
	for (;;) {
		if (buf == NULL || len == max) { // First pass, or the file grew.
			max = (buf == NULL) ? max : max * 2;
			char *grown = realloc(buf, max);
			if (grown == NULL) {
				ret = KNOT_ENOMEM;
				snprintf(err, MAILSRV_ERR_SIZE, "%s: out of memory", path);
				break;
			}
			buf = grown;
		}
		ssize_t got = read(fd, buf + len, max - len);
		if (got > 0) {
			len += got;
		} else if (got == 0) {
			break;
		} else if (errno != EINTR) {
			ret = knot_map_errno();
			snprintf(err, MAILSRV_ERR_SIZE, "%s: cannot read (%s)", path,
			         strerrordesc_np(errno));
			break;
		}
	}

	// A write during the read may have torn it.
	mailsrv_source_state_t after;
	if (ret == KNOT_EOK && fstat(fd, &st) == 0 &&
	    (state_from_stat(&st, &after), state_moved(state, &after))) {
		snprintf(err, MAILSRV_ERR_SIZE, "%s: changed while it was read", path);
		ret = KNOT_EBUSY;
	}
	close(fd);

	if (ret != KNOT_EOK) {
		free(buf);
		return ret;
	}
	*data = buf;
	*size = len;

	return KNOT_EOK;
}

static size_t file_identity(const mailsrv_source_t *source, uint8_t *buf)
{
	const char *path = ((const file_t *)source)->path;
	size_t len = strlen(path) + 1;
	if (buf != NULL) {
		buf[0] = 'f';
		memcpy(buf + 1, path, len);
	}

	return 1 + len;
}

static int file_read(const mailsrv_source_t *source, mailsrv_list_t *list,
                     mailsrv_source_state_t *state, char err[MAILSRV_ERR_SIZE])
{
	const char *path = ((const file_t *)source)->path;
	char *data = NULL;
	size_t size = 0;
	int ret = mailsrv_file_read(path, &data, &size, state, err);
	if (ret == KNOT_EOK) {
		state->unterminated = (size > 0 && data[size - 1] != '\n');
		ret = mailsrv_list_add_text(list, path, data, size, err);
		free(data);
	}

	return ret;
}

static uint64_t file_settle(const mailsrv_source_state_t *state)
{
	struct timespec clock;
	clock_gettime(CLOCK_REALTIME, &clock);
	uint64_t now = (uint64_t)clock.tv_sec * 1000000000ull + clock.tv_nsec;
	uint64_t mtime = (uint64_t)state->mtime.tv_sec * 1000000000ull + state->mtime.tv_nsec;
	uint64_t settle = state->unterminated ? SETTLE_UNTERMINATED_NS : SETTLE_NS;
	// A time in the future (another clock) waits for the whole time.
	uint64_t age = (now > mtime) ? now - mtime : 0;

	return age < settle ? settle - age : 0;
}

static void file_describe(const mailsrv_source_t *source, char *buf, size_t size)
{
	snprintf(buf, size, "%s", ((const file_t *)source)->path);
}

static void file_free(mailsrv_source_t *source)
{
	free(source);
}

static const mailsrv_source_kind_t FILE_KIND = {
	.identity = file_identity,
	.look = file_look,
	.changed = file_changed,
	.read = file_read,
	.settle = file_settle,
	.describe = file_describe,
	.free = file_free,
};

mailsrv_source_t *mailsrv_source_file_new(const char *path)
{
	size_t len = strlen(path) + 1;
	file_t *file = malloc(sizeof(*file) + len);
	if (file == NULL) {
		return NULL;
	}
	file->base.kind = &FILE_KIND;
	memcpy(file->path, path, len);

	return &file->base;
}
