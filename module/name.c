/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <idn2.h>

#include "module/name.h"

const uint8_t mailsrv_host_byte[256] = {
	['-'] = '-', ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
	['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
	['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f',
	['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l',
	['M'] = 'm', ['N'] = 'n', ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r',
	['S'] = 's', ['T'] = 't', ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x',
	['Y'] = 'y', ['Z'] = 'z',
	['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f',
	['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l',
	['m'] = 'm', ['n'] = 'n', ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r',
	['s'] = 's', ['t'] = 't', ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x',
	['y'] = 'y', ['z'] = 'z',
};

/*! \brief Checks one label against the host name rules (RFC 1123 2.1). */
static bool check_label(const uint8_t *label, size_t len, char reason[MAILSRV_REASON_SIZE])
{
	if (len == 0) {
		snprintf(reason, MAILSRV_REASON_SIZE, "empty label");
		return false;
	}
	if (len > KNOT_DNAME_MAXLABELLEN) {
		snprintf(reason, MAILSRV_REASON_SIZE, "label longer than 63 bytes");
		return false;
	}

	for (size_t i = 0; i < len; i++) {
		uint8_t c = label[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-') {
			continue;
		}
		if (c == '\0') {
			snprintf(reason, MAILSRV_REASON_SIZE, "NUL byte");
		} else if (c > 0x20 && c < 0x7f) {
			snprintf(reason, MAILSRV_REASON_SIZE, "invalid character '%c'", c);
		} else {
			snprintf(reason, MAILSRV_REASON_SIZE, "invalid byte 0x%02x", c);
		}
		return false;
	}

	if (label[0] == '-' || label[len - 1] == '-') {
		snprintf(reason, MAILSRV_REASON_SIZE, "label starts or ends with a hyphen");
		return false;
	}

	return true;
}

/*! \brief Parses an ASCII host name. */
static bool parse_ascii(const char *txt, size_t len, mailsrv_name_t *out,
                        char reason[MAILSRV_REASON_SIZE])
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

	// One pass checks, lowers and copies the bytes; check_label() tells the
	// reason of a bad label (in the order it checks).
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && txt[i] != '.') {
			uint8_t c = mailsrv_host_byte[(uint8_t)txt[i]];
			size_t pos = out->size + 1 + i - start;
			if (c == 0) {
				const char *end = memchr(txt + i, '.', len - i);
				size_t label_len = (end != NULL ? end : txt + len) - (txt + start);
				return check_label((const uint8_t *)txt + start, label_len, reason);
			}
			if (pos < KNOT_DNAME_MAXLEN) { // Else too long: refused below.
				out->wire[pos] = c;
			}
			continue;
		}
		const uint8_t *label = (const uint8_t *)txt + start;
		size_t label_len = i - start;
		if (label_len == 0 || label_len > KNOT_DNAME_MAXLABELLEN ||
		    label[0] == '-' || label[label_len - 1] == '-') {
			return check_label(label, label_len, reason);
		}
		// The root label of an absolute name takes one more byte.
		if (out->size + 1 + label_len + 1 > KNOT_DNAME_MAXLEN) {
			snprintf(reason, MAILSRV_REASON_SIZE, "name longer than 255 bytes");
			return false;
		}
		out->wire[out->size] = label_len;
		out->size += 1 + label_len;
		start = i + 1;
	}

	if (out->absolute) {
		out->wire[out->size++] = '\0';
	}

	return true;
}

bool mailsrv_name_parse(const char *txt, size_t len, mailsrv_name_t *out,
                        char reason[MAILSRV_REASON_SIZE])
{
	size_t i = 0;
	while (i < len && (uint8_t)txt[i] < 0x80) {
		i++;
	}
	if (i == len) {
		return parse_ascii(txt, len, out, reason);
	}

	// U-labels: libidn2 needs a NUL-terminated UTF-8 string.
	char utf8[4 * KNOT_DNAME_MAXLEN];
	if (memchr(txt, '\0', len) != NULL) {
		snprintf(reason, MAILSRV_REASON_SIZE, "NUL byte");
		return false;
	}
	if (len >= sizeof(utf8)) {
		snprintf(reason, MAILSRV_REASON_SIZE, "name longer than 255 bytes");
		return false;
	}
	memcpy(utf8, txt, len);
	utf8[len] = '\0';

	char *ascii = NULL;
	int ret = idn2_to_ascii_8z(utf8, &ascii, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
	if (ret != IDN2_OK) {
		snprintf(reason, MAILSRV_REASON_SIZE, "invalid IDN (%s)", idn2_strerror(ret));
		return false;
	}
	bool valid = parse_ascii(ascii, strlen(ascii), out, reason);
	idn2_free(ascii);

	return valid;
}

size_t mailsrv_name_raw_text(const uint8_t *name, char txt[KNOT_DNAME_MAXLEN + 1])
{
	size_t len = 0;
	for (const uint8_t *label = name; *label != '\0'; label += 1 + *label) {
		memcpy(txt + len, label + 1, *label);
		len += *label;
		txt[len++] = '.';
	}
	if (len == 0) {
		txt[len++] = '.';
	}
	txt[len] = '\0';

	return len;
}

bool mailsrv_name_from_wire(const uint8_t *name, mailsrv_name_t *out,
                            char reason[MAILSRV_REASON_SIZE])
{
	// A dot inside a label (an escape in the configuration) is refused
	// first; then the text gets the same rules and IDN conversion.
	for (const uint8_t *label = name; *label != '\0'; label += 1 + *label) {
		if (memchr(label + 1, '.', *label) != NULL) {
			snprintf(reason, MAILSRV_REASON_SIZE, "invalid character '.'");
			return false;
		}
	}
	char txt[KNOT_DNAME_MAXLEN + 1];
	size_t len = mailsrv_name_raw_text(name, txt);

	return mailsrv_name_parse(txt, len, out, reason);
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

bool mailsrv_name_is_host(const mailsrv_name_t *name, const char *hint,
                          char reason[MAILSRV_REASON_SIZE])
{
	if (name->size == 1 && name->absolute) {
		snprintf(reason, MAILSRV_REASON_SIZE, "'.' is not a host name (%s)", hint);
		return false;
	}

	return true;
}

bool mailsrv_target_parse(const char *txt, size_t len, mailsrv_name_t *out,
                          char reason[MAILSRV_REASON_SIZE])
{
	return mailsrv_name_parse(txt, len, out, reason) &&
	       mailsrv_name_is_host(out, MAILSRV_TARGET_HINT, reason);
}
