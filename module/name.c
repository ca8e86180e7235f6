/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "module/name.h"

/*! \brief Checks one label against the host name rules (RFC 1123 2.1). */
static bool check_label(const uint8_t *label, size_t len, const char **reason,
                        char reason_buf[64])
{
	if (len == 0) {
		*reason = "empty label";
		return false;
	}
	if (len > KNOT_DNAME_MAXLABELLEN) {
		*reason = "label longer than 63 bytes";
		return false;
	}

	for (size_t i = 0; i < len; i++) {
		uint8_t c = label[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-') {
			continue;
		}
		if (c == '\0') {
			*reason = "NUL byte";
		} else if (c >= 0x80) {
			snprintf(reason_buf, 64, "non-ASCII byte 0x%02x (write IDN "
			         "names as A-labels, xn--...)", c);
			*reason = reason_buf;
		} else if (c > 0x20 && c < 0x7f) {
			snprintf(reason_buf, 64, "invalid character '%c'", c);
			*reason = reason_buf;
		} else {
			snprintf(reason_buf, 64, "invalid byte 0x%02x", c);
			*reason = reason_buf;
		}
		return false;
	}

	if (label[0] == '-' || label[len - 1] == '-') {
		*reason = "label starts or ends with a hyphen";
		return false;
	}

	return true;
}

bool mailsrv_name_parse(const char *txt, size_t len, mailsrv_name_t *out,
                        const char **reason, char reason_buf[64])
{
	out->size = 0;
	out->absolute = false;

	if (len == 1 && txt[0] == '.') {
		out->wire[0] = '\0';
		out->size = 1;
		out->absolute = true;
		return true;
	}
	if (len > 0 && txt[len - 1] == '.') {
		out->absolute = true;
		len--;
	}

	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && txt[i] != '.') {
			continue;
		}
		const uint8_t *label = (const uint8_t *)txt + start;
		size_t label_len = i - start;
		if (!check_label(label, label_len, reason, reason_buf)) {
			return false;
		}
		// The root label of an absolute name takes one more byte.
		if (out->size + 1 + label_len + 1 > KNOT_DNAME_MAXLEN) {
			*reason = "name longer than 255 bytes";
			return false;
		}
		out->wire[out->size] = label_len;
		memcpy(out->wire + out->size + 1, label, label_len);
		for (size_t j = 1; j <= label_len; j++) {
			uint8_t *c = out->wire + out->size + j;
			if (*c >= 'A' && *c <= 'Z') {
				*c |= 0x20;
			}
		}
		out->size += 1 + label_len;
		start = i + 1;
	}

	if (out->absolute) {
		out->wire[out->size++] = '\0';
	}

	return true;
}

bool mailsrv_name_check_wire(const uint8_t *name, const char **reason,
                             char reason_buf[64])
{
	while (*name != '\0') {
		if (!check_label(name + 1, *name, reason, reason_buf)) {
			return false;
		}
		name += 1 + *name;
	}

	return true;
}

const char *mailsrv_name_quote(const char *txt, size_t len, char *buf, size_t size)
{
	const size_t keep = size > 8 ? size - 8 : 0; // Room for "\xNN...".
	size_t pos = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < len; i++) {
		if (pos >= keep) {
			snprintf(buf + pos, size - pos, "...");
			break;
		}
		uint8_t c = txt[i];
		if (c > 0x20 && c < 0x7f && c != '\\') {
			buf[pos++] = c;
			buf[pos] = '\0';
		} else {
			pos += snprintf(buf + pos, size - pos, "\\x%02x", c);
		}
	}

	return buf;
}

mailsrv_target_t *mailsrv_target_new(const mailsrv_name_t *name)
{
	mailsrv_target_t *target = malloc(sizeof(*target) + name->size);
	if (target == NULL) {
		return NULL;
	}
	target->relative = !name->absolute;
	target->size = name->size;
	memcpy(target->wire, name->wire, name->size);

	return target;
}
