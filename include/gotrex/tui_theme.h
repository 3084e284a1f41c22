/* tui_theme: the colour roles of the TUI and the theme files that set them.
 *
 * A theme is a text file of lines
 *
 *     color <role> <fg> <bg> [attr...]
 *
 * (see the comment at the top of themes/default.theme). Parsing is
 * curses-free so it can be tested alone; draw.c turns a parsed theme into
 * curses attributes. */
#ifndef GOTREX_TUI_THEME_H
#define GOTREX_TUI_THEME_H

#include <stdbool.h>
#include <stddef.h>

#include "gotrex/diag.h"

/* Semantic roles. The names and help texts are in tui_roles[]. */
enum tui_role {
	TUI_ROLE_DEFAULT,
	TUI_ROLE_TITLE,
	TUI_ROLE_TITLE_FOCUS,
	TUI_ROLE_HEADER,
	TUI_ROLE_STATUS,
	TUI_ROLE_STATUS_WARN,
	TUI_ROLE_SELECTION,
	TUI_ROLE_SELECTION_IDLE,
	TUI_ROLE_RUNNING,
	TUI_ROLE_RUNNABLE,
	TUI_ROLE_WAITING,
	TUI_ROLE_SYSCALL,
	TUI_ROLE_DEAD,
	TUI_ROLE_UNKNOWN,
	TUI_ROLE_USER_FRAME,
	TUI_ROLE_RUNTIME_FRAME,
	TUI_ROLE_TOP_FRAME,
	TUI_ROLE_LOCATION,
	TUI_ROLE_ARGS,
	TUI_ROLE_CREATED_BY,
	TUI_ROLE_COUNT_BADGE,
	TUI_ROLE_KEY,
	TUI_ROLE_ERROR,
	TUI_ROLE_WARNING,
	TUI_ROLE_DIM,
	/* timeline cells by state, the time cursor and the time axis */
	TUI_ROLE_TL_RUNNING,
	TUI_ROLE_TL_RUNNABLE,
	TUI_ROLE_TL_SYSCALL,
	TUI_ROLE_TL_WAITING,
	TUI_ROLE_TL_DEAD,
	TUI_ROLE_TL_NOTEXIST,
	TUI_ROLE_TL_CURSOR,
	TUI_ROLE_TL_AXIS,
	TUI_ROLE_COUNT
};

/* Attribute bits of a theme entry (mapped to curses A_* in draw.c). */
#define TUI_ATTR_BOLD      0x01u
#define TUI_ATTR_DIM       0x02u
#define TUI_ATTR_UNDERLINE 0x04u
#define TUI_ATTR_REVERSE   0x08u
#define TUI_ATTR_STANDOUT  0x10u
#define TUI_ATTR_BLINK     0x20u
#define TUI_ATTR_ITALIC    0x40u

/* A colour: -1 is the terminal's default, 0..255 a palette index. */
#define TUI_COLOR_DEFAULT (-1)

struct tui_style {
	short fg;
	short bg;
	unsigned attrs;     /* TUI_ATTR_* */
};

struct tui_role_info {
	const char *name;   /* "runtime-frame", as written in theme files */
	unsigned mono_attrs; /* added when colours are off (NO_COLOR, mono terminal),
	                        so that e.g. the selection stays visible */
	const char *help;
};

/* Indexed by enum tui_role. */
extern const struct tui_role_info tui_roles[TUI_ROLE_COUNT];

struct tui_theme {
	struct tui_style style[TUI_ROLE_COUNT];
	char *name;         /* "default", or the path it came from; owned */
};

/* The text of themes/default.theme, compiled in (theme_builtin.c is
 * generated from the file at build time). */
extern const char tui_builtin_theme[];

/* Parse theme text over t (lines not given keep their current style).
 * Problems are added to d as warnings naming source and line; the rest of
 * the file still applies. Returns the number of problems. */
size_t tui_theme_parse(struct tui_theme *t, const char *text, size_t len,
                       const char *source, struct gx_diag *d);

/* Start from the built-in default theme. */
void tui_theme_init_default(struct tui_theme *t);

/* Load the theme spec: NULL or "" means "default". A spec with a '/' is a
 * path; otherwise NAME is looked up as NAME.theme in the installed theme
 * directory, then in the source tree's themes/ (so it works from a build
 * tree). "default" falls back to the built-in copy when no file is found.
 * The file applies over the built-in default. Returns 0, or -1 with an
 * error in d when a named theme is not found or cannot be read; warnings
 * about single lines are added to d too. */
int tui_theme_load(struct tui_theme *t, const char *spec, struct gx_diag *d);

void tui_theme_free(struct tui_theme *t);

/* Role by name, or -1. */
int tui_role_lookup(const char *name);

#endif
