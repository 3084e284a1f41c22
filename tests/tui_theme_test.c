/* tui_theme_test: the theme parser, the built-in default and the files in
 * themes/. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gotrex/tui_theme.h"

static void
test_builtin_is_clean(void **state)
{
	struct tui_theme t = { 0 };
	struct gx_diag d = { 0 };
	size_t i;

	(void)state;
	/* every line of the compiled-in default parses, and it sets every role */
	for (i = 0; i < TUI_ROLE_COUNT; i++)
		t.style[i] = (struct tui_style){ 99, 99, 0 };
	assert_int_equal(tui_theme_parse(&t, tui_builtin_theme, strlen(tui_builtin_theme),
	                                 "builtin", &d), 0);
	assert_int_equal(d.n, 0);
	for (i = 0; i < TUI_ROLE_COUNT; i++) {
		assert_int_not_equal(t.style[i].fg, 99);
		assert_int_not_equal(t.style[i].bg, 99);
	}
	/* spot checks against themes/default.theme */
	assert_int_equal(t.style[TUI_ROLE_RUNTIME_FRAME].fg, 8);   /* bright-black */
	assert_int_equal(t.style[TUI_ROLE_SELECTION].bg, 6);       /* cyan */
	assert_int_equal(t.style[TUI_ROLE_HEADER].attrs, TUI_ATTR_BOLD | TUI_ATTR_UNDERLINE);
	gx_diag_clear(&d);
}

static void
test_parse_lines(void **state)
{
	struct tui_theme t = { 0 };
	struct gx_diag d = { 0 };
	const char *text =
		"# comment\n"
		"\n"
		"color waiting color196 default bold   # trailing comment\r\n"
		"color running 46 17\n"
		"color dead bright-white black dim italic\n"
		"colour dead red red\n"           /* 6: unknown setting */
		"color nosuchrole red red\n"      /* 7: unknown role */
		"color dead red 256\n"            /* 8: bad colour */
		"color dead red red sparkly\n"    /* 9: bad attribute */
		"color dead red\n";               /* 10: too few words */

	(void)state;
	tui_theme_init_default(&t);
	assert_int_equal(tui_theme_parse(&t, text, strlen(text), "x.theme", &d), 5);
	assert_int_equal(t.style[TUI_ROLE_WAITING].fg, 196);
	assert_int_equal(t.style[TUI_ROLE_WAITING].bg, TUI_COLOR_DEFAULT);
	assert_int_equal(t.style[TUI_ROLE_WAITING].attrs, TUI_ATTR_BOLD);
	assert_int_equal(t.style[TUI_ROLE_RUNNING].fg, 46);
	assert_int_equal(t.style[TUI_ROLE_RUNNING].bg, 17);
	/* the bad lines left "dead" as line 5 set it */
	assert_int_equal(t.style[TUI_ROLE_DEAD].fg, 15);
	assert_int_equal(t.style[TUI_ROLE_DEAD].bg, 0);
	assert_int_equal(t.style[TUI_ROLE_DEAD].attrs, TUI_ATTR_DIM | TUI_ATTR_ITALIC);
	assert_int_equal(d.n, 5);
	assert_int_equal(d.v[0].line, 6);
	assert_int_equal(d.v[1].line, 7);
	assert_int_equal(d.v[2].line, 8);
	assert_int_equal(d.v[3].line, 9);
	assert_int_equal(d.v[4].line, 10);
	assert_string_equal(d.v[1].source, "x.theme");
	assert_non_null(strstr(d.v[1].message, "nosuchrole"));
	gx_diag_clear(&d);
	tui_theme_free(&t);
}

static void
test_nul_and_no_newline(void **state)
{
	struct tui_theme t = { 0 };
	struct gx_diag d = { 0 };
	const char text[] = "color dead red\0 red\ncolor dead blue yellow";

	(void)state;
	tui_theme_init_default(&t);
	assert_int_equal(tui_theme_parse(&t, text, sizeof(text) - 1, "n", &d), 1);
	assert_int_equal(d.v[0].line, 1);
	assert_int_equal(t.style[TUI_ROLE_DEAD].fg, 4);
	assert_int_equal(t.style[TUI_ROLE_DEAD].bg, 3);
	gx_diag_clear(&d);
	tui_theme_free(&t);
}

static void
test_load_named_and_missing(void **state)
{
	struct tui_theme t = { 0 };
	struct gx_diag d = { 0 };

	(void)state;
	/* mono comes from the source tree's themes/ in a build tree */
	assert_int_equal(tui_theme_load(&t, "mono", &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(t.style[TUI_ROLE_SELECTION].fg, TUI_COLOR_DEFAULT);
	assert_int_equal(t.style[TUI_ROLE_SELECTION].attrs, TUI_ATTR_REVERSE | TUI_ATTR_BOLD);
	assert_non_null(strstr(t.name, "mono.theme"));
	tui_theme_free(&t);

	/* every shipped theme parses without a warning */
	assert_int_equal(tui_theme_load(&t, "light", &d), 0);
	assert_int_equal(d.n, 0);
	tui_theme_free(&t);
	assert_int_equal(tui_theme_load(&t, "default", &d), 0);
	assert_int_equal(d.n, 0);
	assert_non_null(strstr(t.name, "default.theme"));
	tui_theme_free(&t);

	assert_int_equal(tui_theme_load(&t, "no-such-theme", &d), -1);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.v[0].message, "no-such-theme"));
	gx_diag_clear(&d);
	tui_theme_free(&t);

	assert_int_equal(tui_theme_load(&t, "/nonexistent/x.theme", &d), -1);
	assert_int_equal(d.errors, 1);
	gx_diag_clear(&d);
	tui_theme_free(&t);

	assert_int_equal(tui_theme_load(&t, NULL, &d), 0);
	assert_int_equal(d.n, 0);
	tui_theme_free(&t);
}

static void
test_role_names_unique(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < TUI_ROLE_COUNT; i++) {
		assert_non_null(tui_roles[i].name);
		assert_int_equal(tui_role_lookup(tui_roles[i].name), (int)i);
	}
	assert_int_equal(tui_role_lookup("bogus"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_is_clean),
		cmocka_unit_test(test_parse_lines),
		cmocka_unit_test(test_nul_and_no_newline),
		cmocka_unit_test(test_load_named_and_missing),
		cmocka_unit_test(test_role_names_unique),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
