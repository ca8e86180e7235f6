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

#include <libknot/consts.h>
#include <libknot/dname.h>

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
	/* IDN: U-labels become A-labels (IDNA 2008, UTS #46 mapping). */
	{ "B\xc3\xbc""cher.de", 0, W("\x0d""xn--bcher-kva\x02""de"), false, NULL },
	{ "m\xc3\xbc""nchen.example.", 0, W("\x0e""xn--mnchen-3ya\x07""example\x00"), true, NULL },
	{ "\xff\xfe.example", 0, NULL, 0, false, "invalid IDN (string encoding error)" },
	{ "a\xe2\x80\x8d""b.example", 0, NULL, 0, false,
	  "invalid IDN (string contains a forbidden context-j character)" },
	{ "b\xc3\xbc""cher_x.de", 0, NULL, 0, false, "invalid character '_'" },
	{ "b\xc3\xbc""\0x.de", 7, NULL, 0, false, "NUL byte" },
	{ "nul\0byte", 8, NULL, 0, false, "NUL byte" },
	{ "-start.com", 0, NULL, 0, false, "label starts or ends with a hyphen" },
	{ "end-.com", 0, NULL, 0, false, "label starts or ends with a hyphen" },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", 0,
	  NULL, 0, false, "label longer than 63 bytes" },
};

/*! \brief The inline name size is libknot's. */
static void test_name_size(void **state)
{
	(void)state;
	const char *names[] = { ".", "com.", "example.com.", "_imaps._tcp.d0000001.example.",
	                        "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z." };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint8_t wire[KNOT_DNAME_MAXLEN];
		assert_non_null(knot_dname_from_str(wire, names[i], sizeof(wire)));
		assert_int_equal(mailsrv_name_size(wire), knot_dname_size(wire));
	}
}

static void test_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const name_case_t *c = &cases[i];
		mailsrv_name_t name;
		char reason[MAILSRV_REASON_SIZE] = "";
		size_t len = c->len ? c->len : strlen(c->txt);
		bool ok = mailsrv_name_parse(c->txt, len, &name, reason);
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
	char reason[MAILSRV_REASON_SIZE];

	// 4 x 63-byte labels: 4 * 64 + 1 = 257 bytes.
	size_t len = long_name(txt, 4, 63, true);
	assert_false(mailsrv_name_parse(txt, len, &name, reason));
	assert_string_equal(reason, "name longer than 255 bytes");

	// 3 x 63 + one of 61: 3 * 64 + 62 + 1 = 255 bytes, the maximum.
	len = long_name(txt, 3, 63, false);
	txt[len++] = '.';
	memset(txt + len, 'b', 61);
	len += 61;
	assert_true(mailsrv_name_parse(txt, len, &name, reason));
	assert_int_equal(name.size, 254); // Relative: without the root label.
	txt[len++] = '.';
	assert_true(mailsrv_name_parse(txt, len, &name, reason));
	assert_int_equal(name.size, 255);

	// One byte more does not fit: 3 x 63 + one of 62 is 256 bytes.
	len = long_name(txt, 3, 63, false);
	txt[len++] = '.';
	memset(txt + len, 'b', 62);
	len += 62;
	assert_false(mailsrv_name_parse(txt, len, &name, reason));
	assert_string_equal(reason, "name longer than 255 bytes");
}

static void test_from_wire(void **state)
{
	(void)state;
	char reason[MAILSRV_REASON_SIZE];
	mailsrv_name_t name;
	assert_true(mailsrv_name_from_wire((const uint8_t *)"\x07""Example\x03""COM", &name, reason));
	assert_int_equal(name.size, 13);
	assert_memory_equal(name.wire, "\x07""example\x03""com\x00", 13);
	assert_true(name.absolute);
	assert_false(mailsrv_name_from_wire((const uint8_t *)"\x07""exa.ple\x03""com", &name, reason));
	assert_string_equal(reason, "invalid character '.'");
	assert_false(mailsrv_name_from_wire((const uint8_t *)"\x03""a_b\x03""com", &name, reason));
	assert_string_equal(reason, "invalid character '_'");
	assert_true(mailsrv_name_from_wire((const uint8_t *)"\x07""b\xc3\xbc""cher\x02""de", &name, reason));
	assert_memory_equal(name.wire, "\x0d""xn--bcher-kva\x02""de\x00", 17);
	assert_true(mailsrv_name_from_wire((const uint8_t *)"", &name, reason));
	assert_int_equal(name.size, 1);

	char txt[KNOT_DNAME_MAXLEN + 1];
	assert_int_equal(mailsrv_name_raw_text((const uint8_t *)"\x01""a\x02""bc", txt), 5);
	assert_string_equal(txt, "a.bc.");
	assert_int_equal(mailsrv_name_raw_text((const uint8_t *)"", txt), 1);
	assert_string_equal(txt, ".");
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
	char reason[MAILSRV_REASON_SIZE];
	assert_true(mailsrv_name_parse("imap", 4, &name, reason));
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
		cmocka_unit_test(test_name_size),
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_length_limits),
		cmocka_unit_test(test_from_wire),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_target_new),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
