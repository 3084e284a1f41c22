/* Unit tests for util (buffers, allocation helpers), diag and text
 * (escaping of untrusted text, JSON strings, durations). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gotrex/diag.h"
#include "gotrex/text.h"
#include "gotrex/util.h"

static char *
escaped(const char *s, size_t n, bool ascii)
{
	struct gx_buf b = {0};

	gx_text_escape(&b, s, n, ascii);
	return gx_buf_take(&b);
}

static void
test_escape_controls(void **state)
{
	char *s;

	(void)state;
	/* An ESC sequence that would change the terminal's title. */
	s = escaped("main.f\x1b]0;pwned\x07", 16, false);
	assert_string_equal(s, "main.f\\x1b]0;pwned\\x07");
	free(s);
	s = escaped("a\tb\nc\x7f", 6, false);
	assert_string_equal(s, "a\\x09b\\x0ac\\x7f");
	free(s);
	/* An embedded NUL is shown, not a terminator. */
	s = escaped("a\0b", 3, false);
	assert_string_equal(s, "a\\x00b");
	free(s);
}

static void
test_escape_utf8(void **state)
{
	char *s;

	(void)state;
	/* Valid UTF-8 passes; C1 control U+009B (CSI) is escaped. */
	s = escaped("\xc3\xa9t\xc3\xa9 \xc2\x9b", 8, false);
	assert_string_equal(s, "\xc3\xa9t\xc3\xa9 \\u{009b}");
	free(s);
	/* ASCII terminals get code points. */
	s = escaped("\xc3\xa9", 2, true);
	assert_string_equal(s, "\\u{00e9}");
	free(s);
	/* Invalid: lone continuation, overlong '/', truncated, surrogate. */
	s = escaped("\x80\xc0\xaf\xe2\x82", 5, false);
	assert_string_equal(s, "\\x80\\xc0\\xaf\\xe2\\x82");
	free(s);
	s = escaped("\xed\xa0\x80", 3, false);
	assert_string_equal(s, "\\xed\\xa0\\x80");
	free(s);
	/* 4-byte sequence kept. */
	s = escaped("\xf0\x9f\x98\x80", 4, false);
	assert_string_equal(s, "\xf0\x9f\x98\x80");
	free(s);
}

static void
test_json_string(void **state)
{
	struct gx_buf b = {0};

	(void)state;
	gx_text_json_string(&b, "a\"b\\c\n\x01\xff\xc3\xa9", 10);
	assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\u0001\\ufffd\xc3\xa9\"");
	gx_buf_free(&b);
}

static void
test_duration(void **state)
{
	static const struct {
		int64_t ns;
		const char *want;
	} cases[] = {
		{ 0, "0ns" },
		{ 812, "812ns" },
		{ 3200, "3.2us" },
		{ 41700000, "41.7ms" },
		{ 1842113000, "1.842113s" },
		{ 300000000000, "5m0s" },
		{ -1500, "-1.5us" },
		{ INT64_MIN, "-153722867m16s" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < GX_ARRAY_SIZE(cases); i++) {
		struct gx_buf b = {0};

		gx_text_duration(&b, cases[i].ns, true);
		assert_string_equal(b.data, cases[i].want);
		gx_buf_free(&b);
	}
}

static void
test_timestamp(void **state)
{
	struct gx_buf b = {0};

	(void)state;
	gx_text_timestamp(&b, 1842113999);
	assert_string_equal(b.data, "1.842113 s");
	gx_buf_free(&b);
}

static void
test_buf(void **state)
{
	struct gx_buf b = {0};
	char *p;
	int i;

	(void)state;
	for (i = 0; i < 1000; i++)
		gx_buf_printf(&b, "%d,", i);
	assert_int_equal(b.len, strlen(b.data));
	assert_memory_equal(b.data, "0,1,2,", 6);
	gx_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	gx_buf_append(&b, "x\0y", 3);
	assert_int_equal(b.len, 3);
	p = gx_buf_take(&b);
	assert_null(b.data);
	assert_memory_equal(p, "x\0y", 4);
	free(p);
}

static void
test_diag(void **state)
{
	struct gx_diag d = {0};
	char *s;
	int i;

	(void)state;
	gx_diag_add(&d, GX_WARNING, "dump.txt", 12, GX_NOWHERE, "bad frame %s", "x");
	gx_diag_add(&d, GX_ERROR, "trace.out", GX_NOWHERE, 4096, "bad batch");
	s = gx_diag_format(&d.v[0]);
	assert_string_equal(s, "dump.txt:12: warning: bad frame x");
	free(s);
	s = gx_diag_format(&d.v[1]);
	assert_string_equal(s, "trace.out: byte 4096: error: bad batch");
	free(s);
	assert_int_equal(d.errors, 1);
	/* A flood of complaints is bounded. */
	for (i = 0; i < 2 * GX_DIAG_MAX; i++)
		gx_diag_add(&d, GX_WARNING, "x", 1, GX_NOWHERE, "w");
	assert_int_equal(d.n, GX_DIAG_MAX);
	assert_int_equal(d.dropped, 2 * GX_DIAG_MAX - (GX_DIAG_MAX - 2));
	gx_diag_clear(&d);
	assert_int_equal(d.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_controls),
		cmocka_unit_test(test_escape_utf8),
		cmocka_unit_test(test_json_string),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_timestamp),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_diag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
