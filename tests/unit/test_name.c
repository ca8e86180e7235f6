/*  Copyright (C) 2026 mod-mailsrv authors
 *  SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "module/name.h"

typedef struct {
	const char *txt;
	size_t len;           /* 0: strlen(txt) */
	const char *wire;     /* NULL: invalid */
	size_t wire_size;
	bool absolute;
	const char *reason;
} name_case_t;

#define W(s) s, sizeof(s) - 1

static const name_case_t cases[] = {
	{ "example.com", 0, W("\x07""example\x03""com"), false, NULL },
	{ "example.com.", 0, W("\x07""example\x03""com\x00"), true, NULL },
	{ "Mail.EXAMPLE.com.", 0, W("\x04""mail\x07""example\x03""com\x00"), true, NULL },
	{ "imap", 0, W("\x04""imap"), false, NULL },
	{ "xn--bcher-kva.example", 0, W("\x0d""xn--bcher-kva\x07""example"), false, NULL },
	{ "a-b.0-9", 0, W("\x03""a-b\x03""0-9"), false, NULL },
	{ ".", 0, W("\x00"), true, NULL },
	{ "example..com", 0, NULL, 0, false, "empty label" },
	{ ".example.com", 0, NULL, 0, false, "empty label" },
	{ "example.com..", 0, NULL, 0, false, "empty label" },
	{ "foo_bar.com", 0, NULL, 0, false, "invalid character '_'" },
	{ "foo\\.bar", 0, NULL, 0, false, "invalid character '\\'" },
	{ "foo bar", 0, NULL, 0, false, "invalid byte 0x20" },
	{ "foo\tbar", 0, NULL, 0, false, "invalid byte 0x09" },
	{ "b\xc3\xbc""cher.de", 0, NULL, 0, false,
	  "non-ASCII byte 0xc3 (write IDN names as A-labels, xn--...)" },
	{ "nul\0byte", 8, NULL, 0, false, "NUL byte" },
	{ "-start.com", 0, NULL, 0, false, "label starts or ends with a hyphen" },
	{ "end-.com", 0, NULL, 0, false, "label starts or ends with a hyphen" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", 0,
	  NULL, 0, false, "label longer than 63 bytes" },
};

static void test_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const name_case_t *c = &cases[i];
		mailsrv_name_t name;
		const char *reason = NULL;
		char buf[64];
		size_t len = c->len ? c->len : strlen(c->txt);
		bool ok = mailsrv_name_parse(c->txt, len, &name, &reason, buf);
		print_message("# case %zu: %s\n", i, c->txt);
		if (c->wire != NULL) {
			assert_true(ok);
			assert_int_equal(name.size, c->wire_size);
			assert_memory_equal(name.wire, c->wire, c->wire_size);
			assert_int_equal(name.absolute, c->absolute);
		} else {
			assert_false(ok);
			assert_string_equal(reason, c->reason);
		}
	}
}

/*! \brief Builds "a.a.a...." with \a labels labels of \a len bytes. */
static size_t long_name(char *buf, int labels, int len, bool dot)
{
	size_t pos = 0;
	for (int i = 0; i < labels; i++) {
		memset(buf + pos, 'a', len);
		pos += len;
		buf[pos++] = '.';
	}
	if (!dot) {
		pos--;
	}
	buf[pos] = '\0';
	return pos;
}

static void test_length_limits(void **state)
{
	(void)state;
	char txt[600];
	mailsrv_name_t name;
	const char *reason = NULL;
	char buf[64];

	// 4 x 63-byte labels: 4 * 64 + 1 = 257 bytes.
	size_t len = long_name(txt, 4, 63, true);
	assert_false(mailsrv_name_parse(txt, len, &name, &reason, buf));
	assert_string_equal(reason, "name longer than 255 bytes");

	// 3 x 63 + one of 61: 3 * 64 + 62 + 1 = 255 bytes, the maximum.
	len = long_name(txt, 3, 63, false);
	txt[len++] = '.';
	memset(txt + len, 'b', 61);
	len += 61;
	assert_true(mailsrv_name_parse(txt, len, &name, &reason, buf));
	assert_int_equal(name.size, 254); // Relative: without the root label.
	txt[len++] = '.';
	assert_true(mailsrv_name_parse(txt, len, &name, &reason, buf));
	assert_int_equal(name.size, 255);

	// One byte more does not fit: 3 x 63 + one of 62 is 256 bytes.
	len = long_name(txt, 3, 63, false);
	txt[len++] = '.';
	memset(txt + len, 'b', 62);
	len += 62;
	assert_false(mailsrv_name_parse(txt, len, &name, &reason, buf));
	assert_string_equal(reason, "name longer than 255 bytes");
}

static void test_check_wire(void **state)
{
	(void)state;
	const char *reason = NULL;
	char buf[64];
	assert_true(mailsrv_name_check_wire((const uint8_t *)"\x07""example\x03""com", &reason, buf));
	assert_false(mailsrv_name_check_wire((const uint8_t *)"\x07""exa.ple\x03""com", &reason, buf));
	assert_string_equal(reason, "invalid character '.'");
	assert_false(mailsrv_name_check_wire((const uint8_t *)"\x03""a_b\x03""com", &reason, buf));
	assert_string_equal(reason, "invalid character '_'");
}

static void test_quote(void **state)
{
	(void)state;
	char buf[24];
	assert_string_equal(mailsrv_name_quote("ab\x01\xff", 4, buf, sizeof(buf)),
	                    "ab\\x01\\xff");
	assert_string_equal(mailsrv_name_quote("0123456789abcdefghijklmn", 24, buf,
	                                       sizeof(buf)), "0123456789abcdef...");
}

static void test_target_new(void **state)
{
	(void)state;
	mailsrv_name_t name;
	const char *reason;
	char buf[64];
	assert_true(mailsrv_name_parse("imap", 4, &name, &reason, buf));
	mailsrv_target_t *target = mailsrv_target_new(&name);
	assert_non_null(target);
	assert_true(target->relative);
	assert_int_equal(target->size, 5);
	assert_memory_equal(target->wire, "\x04""imap", 5);
	assert_int_equal(mailsrv_target_bytes(target), sizeof(*target) + 5);
	free(target);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_length_limits),
		cmocka_unit_test(test_check_wire),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_target_new),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
