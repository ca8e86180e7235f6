/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tests/fuzz/util.h"

void memfile_init(memfile_t *file)
{
	file->fd = memfd_create("mailsrv-fuzz", MFD_CLOEXEC);
	if (file->fd < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(file->path, sizeof(file->path), "/proc/self/fd/%d", file->fd);
}

void memfile_set(memfile_t *file, const void *data, size_t size)
{
	if (ftruncate(file->fd, 0) != 0 ||
	    (size > 0 && pwrite(file->fd, data, size, 0) != (ssize_t)size)) {
		perror("memory file");
		abort();
	}
}
