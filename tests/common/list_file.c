/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdlib.h>

#include <libknot/errcode.h>

#include "module/source_file.h"
#include "tests/common/list_file.h"

int test_list_add_file(mailsrv_list_t *list, const char *path, char err[MAILSRV_ERR_SIZE])
{
	char *data = NULL;
	size_t size = 0;
	mailsrv_source_state_t state;
	int ret = mailsrv_file_read(path, &data, &size, &state, err);
	if (ret == KNOT_EOK) {
		ret = mailsrv_list_add_text(list, path, data, size, err);
		free(data);
	}

	return ret;
}
