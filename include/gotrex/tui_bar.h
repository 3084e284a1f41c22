/* tui_bar: the bar above the status line (view_query.c): the query bar
 * (`/`), the export prompt (`e`) and its "overwrite? y/n" question.
 *
 * While the bar is open it takes the raw keys (a line editor: Left/Right,
 * Home/End, Backspace, Delete, Ctrl-U, Ctrl-W, Ctrl-A/E, Up/Down for the
 * history), not the key table. The query is parsed on every keystroke and
 * its error is drawn under the bar, a caret under the bad character. */
#ifndef GOTREX_TUI_BAR_H
#define GOTREX_TUI_BAR_H

#include <stdbool.h>
#include <stddef.h>

#include "gotrex/tui_keys.h"
#include "gotrex/tui_view.h"

struct tui_bar;

/* history_path: where the query history is kept (NULL: in memory only). */
struct tui_bar *tui_bar_new(struct tui_ctx *c, const char *history_path);
void tui_bar_free(struct tui_bar *b);

/* The history file's default place: $XDG_STATE_HOME/gotrex/history, else
 * ~/.local/state/gotrex/history; NULL when neither is known. Caller frees. */
char *tui_bar_history_path(void);

/* Open, the bar takes every key. */
bool tui_bar_active(const struct tui_bar *b);
/* Rows it takes above the status line (0 when closed). */
int tui_bar_rows(const struct tui_bar *b);

/* The requests it serves from the key table: TUI_REQ_QUERY opens the
 * query bar, TUI_REQ_EXPORT the export prompt, TUI_REQ_CLOSE clears an
 * applied filter. Returns TUI_NEXT_* (TUI_NEXT_UNHANDLED for others). */
unsigned tui_bar_request(struct tui_bar *b, enum tui_request req);
/* A key (curses code) while open. Returns TUI_NEXT_*. */
unsigned tui_bar_key(struct tui_bar *b, int ch);
/* Draw row `row` (< tui_bar_rows) of the bar. */
void tui_bar_draw_line(struct tui_bar *b, struct tui_line *l, int row);

/* Apply query text as the filter (as Enter in the bar does). Returns
 * TUI_NEXT_* with TUI_NEXT_FILTER on success, or 0 and an error in *err. */
struct gx_query_error;
unsigned tui_filter_apply(struct tui_ctx *c, const char *text, struct gx_query_error *err);
/* Clear the filter; TUI_NEXT_FILTER when there was one. */
unsigned tui_filter_clear(struct tui_ctx *c);

/* Static rows for the help pane: the bar's keys and the query language. */
struct tui_help_row {
	const char *section;  /* a heading row when key and text are NULL */
	const char *key;
	const char *text;
};
extern const struct tui_help_row tui_query_help[];
extern const size_t tui_query_help_count;

#endif
