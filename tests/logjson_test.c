/* logjson_test: the log text of JSON-lines log files. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gotrex/diag.h"
#include "gotrex/load.h"
#include "gotrex/logjson.h"
#include "gotrex/store.h"

static char *
unwrap(const char *in, struct gx_logjson_stats *st)
{
	size_t n;
	char *out = gx_logjson_unwrap(in, strlen(in), &n, st);

	assert_non_null(out);
	assert_int_equal(strlen(out), n);
	return out;
}

static bool
sniff(const char *s)
{
	return gx_logjson_sniff(s, strlen(s));
}

static void
test_sniff(void **state)
{
	(void)state;
	assert_true(sniff("{\"log\":\"goroutine 1 [running]:\\n\",\"stream\":\"stderr\","
	                  "\"time\":\"2026-11-27T21:00:00.1Z\"}\n"));
	assert_true(sniff("\n\n  {\"stream\": \"stderr\", \"log\": \"x\"}"));
	assert_true(sniff("{\"__CURSOR\":\"s=1\",\"MESSAGE\":\"goroutine 1 [running]:\",\"PRIORITY\":\"3\"}"));
	assert_false(sniff("goroutine 1 [running]:\nmain.main()\n"));
	assert_false(sniff("{\"level\":\"info\",\"msg\":\"started\"}\n"));   /* no log text */
	assert_false(sniff("{\"log\": 3}\n"));                               /* not a string */
	assert_false(sniff("{\"log\":\"unterminated}\n"));
	assert_false(sniff("{\"log\":\"x\"} trailing\n"));
	assert_false(sniff(""));
}

/* docker's json-file: encoding/json escapes, HTML-escaped <>&, a line
 * over 16 KiB split into records without "\n", stdout records between
 * the dump's stderr ones, and a line that is no record. */
static void
test_docker(void **state)
{
	struct gx_logjson_stats st;
	char *out;

	(void)state;
	out = unwrap("{\"log\":\"goroutine 1 [chan send]:\\n\",\"stream\":\"stderr\",\"time\":\"t\"}\n"
	             "{\"log\":\"served \\u003cok\\u003e \\u0026 done\\n\",\"stream\":\"stdout\",\"time\":\"t\"}\n"
	             "{\"log\":\"main.ma\",\"stream\":\"stderr\",\"time\":\"t\"}\n"
	             "{\"log\":\"in()\\n\",\"stream\":\"stderr\",\"time\":\"t\"}\n"
	             "{\"log\":\"\\t/app/main.go:7 +0x1d\\n\",\"stream\":\"stderr\",\"time\":\"t\"}\n"
	             "not json\n",
	             &st);
	assert_string_equal(out, "goroutine 1 [chan send]:\nmain.main()\n\t/app/main.go:7 +0x1d\nnot json\n");
	assert_int_equal(st.records, 4);
	assert_int_equal(st.dropped, 1);
	assert_int_equal(st.other_lines, 1);
	assert_false(st.one_to_one);
	free(out);

	/* one record a line, nothing dropped: line numbers still hold */
	out = unwrap("{\"log\":\"goroutine 1 [running]:\\n\",\"stream\":\"stderr\"}\n"
	             "{\"log\":\"main.main()\\n\",\"stream\":\"stderr\"}\n",
	             &st);
	assert_string_equal(out, "goroutine 1 [running]:\nmain.main()\n");
	assert_true(st.one_to_one);
	free(out);

	/* an empty stream name is a stream like any other (found by the
	 * fuzzer: it compared NULL data) */
	out = unwrap("{\"log\":\"goroutine 1 [running]:\\n\",\"stream\":\"\"}\n"
	             "{\"log\":\"x\\n\",\"stream\":\"stdout\"}\n"
	             "{\"log\":\"main.main()\\n\",\"stream\":\"\"}\n",
	             &st);
	assert_string_equal(out, "goroutine 1 [running]:\nmain.main()\n");
	assert_int_equal(st.dropped, 1);
	free(out);
}

/* journalctl -o json: each MESSAGE is a line without its "\n". */
static void
test_journald(void **state)
{
	struct gx_logjson_stats st;
	char *out;

	(void)state;
	out = unwrap("{\"__CURSOR\":\"a\",\"MESSAGE\":\"goroutine 1 [running]:\",\"_PID\":\"7\"}\n"
	             "{\"__CURSOR\":\"b\",\"MESSAGE\":\"main.main()\",\"_PID\":\"7\"}\n",
	             &st);
	assert_string_equal(out, "goroutine 1 [running]:\nmain.main()\n");
	assert_true(st.one_to_one);
	free(out);
}

static void
test_escapes(void **state)
{
	struct gx_logjson_stats st;
	char *out;

	(void)state;
	/* \" \\ \/ \t, a surrogate pair, a lone surrogate and \u0000 (no
	 * NUL in the text: U+FFFD), a bad escape kept as written */
	out = unwrap("{\"log\":\"a\\\"b\\\\c\\/d\\te \\ud83d\\ude00 \\ud800 \\u0000 \\q\\n\"}", &st);
	assert_string_equal(out, "a\"b\\c/d\te \xf0\x9f\x98\x80 \xef\xbf\xbd \xef\xbf\xbd \\q\n");
	assert_int_equal(st.bad_escapes, 1);
	free(out);
	/* nested values are skipped; the first "log" string wins */
	out = unwrap("{\"attrs\":{\"a\":[1,{\"b\":\"}\"}],\"c\":null},\"log\":\"x\\n\",\"n\":-1.5e3,"
	             "\"log\":\"y\\n\"}",
	             &st);
	assert_string_equal(out, "x\n");
	free(out);
	/* a cut record is a line like any other */
	out = unwrap("{\"log\":\"x\\u00", &st);
	assert_string_equal(out, "{\"log\":\"x\\u00\n");
	assert_int_equal(st.records, 0);
	assert_int_equal(st.other_lines, 1);
	free(out);
}

/* A real dump (samples/07's SIGQUIT, Go 1.26) as docker's json-file
 * driver stores it (tests/data/dump/gen/dockerjson: encoding/json, a
 * split line, stdout records between): the same goroutines and stacks as
 * the dump itself. */
static void
test_load_docker(void **state)
{
	const char *top = getenv("top_srcdir");
	char a[4096], b[4096];
	struct gx_load_opts o = { .no_cache = true };
	struct gx_diag d = { 0 };
	struct gx_store *plain, *docker;

	(void)state;
	snprintf(a, sizeof a, "%s/samples/07-goroutine-leak/go1.26/sigquit.txt", top ? top : ".");
	snprintf(b, sizeof b, "%s/tests/data/dump/docker-json.jsonl", top ? top : ".");
	plain = gx_load(a, &o, &d);
	assert_non_null(plain);
	gx_diag_clear(&d);
	docker = gx_load(b, &o, &d);
	assert_non_null(docker);
	assert_int_equal(d.n, 1); /* the note that says what was read */
	assert_non_null(strstr(d.v[0].message, "read as a JSON-lines log"));
	gx_diag_clear(&d);
	assert_int_equal(gx_store_goroutine_count(docker), gx_store_goroutine_count(plain));
	assert_true(gx_store_goroutine_count(plain) > 20);
	for (size_t i = 0; i < gx_store_goroutine_count(plain); i++) {
		const struct gx_goroutine_rec *x = gx_store_goroutine(plain, i);
		const struct gx_goroutine_rec *y = gx_store_goroutine(docker, i);
		size_t dx = gx_store_stack_depth(plain, x->stack);

		assert_int_equal(x->id, y->id);
		assert_string_equal(gx_store_str(plain, x->reason, NULL), gx_store_str(docker, y->reason, NULL));
		assert_int_equal(dx, gx_store_stack_depth(docker, y->stack));
		for (size_t f = 0; f < dx; f++)
			assert_string_equal(
				gx_store_str(plain, gx_store_stack_frame(plain, x->stack, f)->func, NULL),
				gx_store_str(docker, gx_store_stack_frame(docker, y->stack, f)->func, NULL));
	}
	gx_store_close(plain);
	gx_store_close(docker);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_docker),
		cmocka_unit_test(test_journald),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_load_docker),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
