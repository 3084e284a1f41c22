/* tui_screen: the curses side of drawing, for app.c and draw.c only.
 * Panes draw through the line API of tui_view.h and never see this. */
#ifndef GOTREX_TUI_SCREEN_H
#define GOTREX_TUI_SCREEN_H

#include <curses.h>
#include <stdbool.h>

#include "gotrex/tui_theme.h"
#include "gotrex/tui_view.h"
#include "gotrex/util.h"

struct tui_screen {
	attr_t attr[TUI_ROLE_COUNT];  /* colour pair and attributes of each role */
	bool ascii;
	struct gx_buf scratch;        /* escaped text of the field being drawn */
};

/* Compute the roles' attributes from a theme; with use_color false only
 * attributes are used (NO_COLOR, terminals without colour). Call after
 * start_color() when use_color. */
void tui_screen_setup(struct tui_screen *scr, const struct tui_theme *t, bool use_color);
void tui_screen_free(struct tui_screen *scr);

/* A line on row y from column x, width columns wide. */
void tui_line_init(struct tui_line *l, struct tui_screen *scr, int y, int x, int width);

extern const struct tui_glyphs tui_glyphs_utf8;
extern const struct tui_glyphs tui_glyphs_ascii;

#endif
