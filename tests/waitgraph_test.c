/* waitgraph_test: the evidence rules on small hand-made dumps
 * (tests/data/waitgraph/), the argument parser and the fingerprint's
 * name normalisation. */
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
#include "gotrex/report.h"
#include "gotrex/store.h"
#include "gotrex/waitgraph.h"

/* ------------------------------------------------------------------ */
/* Argument lists */

static void
test_args_plain(void **state)
{
	struct gx_arg a[16];
	const char *s = "(0xc000012340, {0x4b5e2a, 0x5}, 0x1?)";
	size_t n;

	(void)state;
	n = gx_args_parse(s, strlen(s), a, 16);
	assert_int_equal(n, 4);
	assert_true(a[0].value == 0xc000012340ULL);
	assert_int_equal(a[0].top, 0);
	assert_int_equal(a[0].depth, 0);
	assert_false(a[0].inaccurate);
	assert_int_equal(a[1].top, 1);
	assert_int_equal(a[1].depth, 1);
	assert_int_equal(a[2].top, 1);
	assert_true(a[2].value == 5);
	assert_int_equal(a[3].top, 2);
	assert_true(a[3].inaccurate);
}

static void
test_args_odd(void **state)
{
	struct gx_arg a[4];
	const char *s;

	(void)state;
	/* Inlined, elided, offsets too large, empty struct. */
	assert_int_equal(gx_args_parse("(...)", 5, a, 4), 0);
	assert_int_equal(gx_args_parse("({})", 4, a, 4), 0);
	s = "(_, 0x10, ...)";
	assert_int_equal(gx_args_parse(s, strlen(s), a, 4), 1);
	assert_int_equal(a[0].top, 1);
	/* Cut short, unbalanced, overflowing, bare "0x": no crash, no read past n. */
	s = "(0x12, {0x3";
	assert_int_equal(gx_args_parse(s, 5, a, 4), 1);
	s = "(}}}, 0xffffffffffffffffff, 0x, 0x7)";
	assert_int_equal(gx_args_parse(s, strlen(s), a, 4), 1);
	assert_true(a[0].value == 7);
	/* At most max words. */
	s = "(0x1, 0x2, 0x3, 0x4, 0x5)";
	assert_int_equal(gx_args_parse(s, strlen(s), a, 4), 4);
	assert_int_equal(gx_args_parse(NULL, 0, a, 4), 0);
}

/* ------------------------------------------------------------------ */
/* Fingerprint names */

static void
check_norm(const char *in, const char *want)
{
	char *got = gx_fingerprint_func(in, strlen(in));

	assert_string_equal(got, want);
	free(got);
}

static void
test_fingerprint_func(void **state)
{
	(void)state;
	check_norm("main.worker", "main.worker");
	check_norm("main.main.func3", "main.main.func");
	check_norm("main.(*S).run.func1.2", "main.(*S).run.func");
	check_norm("main.main.gowrap1", "main.main");
	check_norm("main.Map[...]", "main.Map");
	check_norm("pkg.(*T[...]).M[...]", "pkg.(*T).M");
	check_norm("main.functional", "main.functional");
	check_norm("main.func1x", "main.func1x");
	check_norm("testing.tRunner.deferwrap1", "testing.tRunner");
}

static void
test_fingerprint_lines(void **state)
{
	char a1[] = "mutex|main.f", a2[] = "chan send|main.g", a3[] = "mutex|main.f";
	char b1[] = "chan send|main.g", b2[] = "mutex|main.f";
	char c1[] = "chan send|main.h";
	char *a[] = { a1, a2, a3 }, *b[] = { b1, b2 }, *c[] = { c1 };
	char fa[13], fb[13], fc[13];

	(void)state;
	gx_fingerprint_lines(a, 3, fa);
	gx_fingerprint_lines(b, 2, fb);
	gx_fingerprint_lines(c, 1, fc);
	assert_int_equal(strlen(fa), 12);
	assert_string_equal(fa, fb);   /* order and repeats do not matter */
	assert_string_not_equal(fa, fc);
	gx_fingerprint_lines(NULL, 0, fc);
	assert_string_equal(fc, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args_plain),
		cmocka_unit_test(test_args_odd),
		cmocka_unit_test(test_fingerprint_func),
		cmocka_unit_test(test_fingerprint_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
