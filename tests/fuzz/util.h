/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

/*!
 * \file
 *
 * \brief Helpers of the fuzz targets: invariant checks, and files in memory
 *        that the domain-list parser opens by path (/proc/self/fd/N) like any
 *        other file, so that the module's whole file path runs without a disk.
 */

#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/*! \brief Stops with a message if an invariant does not hold: libFuzzer
 *         reports the abort as a finding and keeps the input. */
#define FUZZ_CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} \
} while (0)

/*! \brief A memory file and the path that opens it. */
typedef struct {
	int fd;
	char path[32];
} memfile_t;

/*! \brief Creates an empty memory file; aborts on failure. */
void memfile_init(memfile_t *file);

/*! \brief Makes \a data the whole content of the file; aborts on failure. */
void memfile_set(memfile_t *file, const void *data, size_t size);
