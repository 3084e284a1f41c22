/* tui_view: panes of the TUI and what they share.
 *
 * A pane is a struct tui_view driven by a struct tui_view_ops (one pane per
 * file in src/tui/view_*.c, filled with designated initializers). Scrolling
 * and selection are written once in view.c. Panes read the store through
 * struct tui_ctx and draw only through the line API below; they never call
 * curses, so the model and the terminal meet in draw.c and app.c alone.
 *
 * Keys become requests (tui_keys.h). The focused pane gets a request first,
 * then the other panes of the layout, then the app. Handlers return a
 * "what next" bit-set (TUI_NEXT_*) instead of redrawing themselves. */
#ifndef GOTREX_TUI_VIEW_H
#define GOTREX_TUI_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gotrex/diag.h"
#include "gotrex/store.h"
#include "gotrex/tui_keys.h"
#include "gotrex/tui_theme.h"
#include "gotrex/util.h"

/* ------------------------------------------------------------------ */
/* What a handler asks for next. */

#define TUI_NEXT_NONE      0x00u
#define TUI_NEXT_UNHANDLED 0x01u /* not mine: pass the request on */
#define TUI_NEXT_REDRAW    0x02u /* redraw this pane */
#define TUI_NEXT_REDRAW_ALL 0x04u
#define TUI_NEXT_SELECT    0x08u /* the shared selection changed: tell every pane */
#define TUI_NEXT_RELAYOUT  0x10u /* panes appear/disappear or change size */
#define TUI_NEXT_CLOSE     0x20u /* close this (overlay) pane */
#define TUI_NEXT_QUIT      0x40u
#define TUI_NEXT_FILTER    0x80u /* the filter (ctx->filter) changed: tell every pane */

/* ------------------------------------------------------------------ */
/* Glyphs: UTF-8 or plain ASCII, chosen once from the locale. */

struct tui_glyphs {
	const char *hline;       /* "─" or "-" */
	const char *arrow_up;    /* sort direction "▲" or "^" */
	const char *arrow_down;  /* "▼" or "v" */
	const char *times;       /* group count "×" or "x" */
	const char *ellipsis;    /* truncated text "…" or "~" */
	const char *ge;          /* "≥" or ">=" */
	const char *bullet;      /* status separator "·" or "|" */
	const char *marker;      /* focused pane, top user frame: "▶" or ">" */
};

/* ------------------------------------------------------------------ */
/* What the panes share. */

/* The goroutine (or group) the list has selected; the stack pane shows it. */
struct tui_selection {
	uint32_t g;                /* goroutine index, GX_NONE32 when none */
	bool grouped;              /* the list shows groups */
	uint64_t group_goroutines; /* goroutines in the selected group */
	const uint32_t *members;   /* borrowed from the list: goroutine indexes of the group */
	size_t nmembers;
	size_t pos, total;         /* 1-based position in the list, rows in the list */
};

/* The query bar's filter (view_query.c). When active, the panes show only
 * the goroutines in it; marks are per goroutine index. */
struct tui_filter {
	bool active;
	char *query;               /* the text applied; owned */
	uint32_t *g;               /* matching goroutine indexes, store order; owned */
	size_t n;
	uint8_t *in;               /* per goroutine index: 1 when it matches; owned */
	uint64_t goroutines;       /* goroutines represented (sum of the records' count) */
	bool has_window;           /* the query set a time window (traces) */
	int64_t start_ns, end_ns;  /* the window, in the store's clock */
};

struct gx_waitgraph;
struct gx_query_dl;
struct gx_query_deadlock;

struct tui_ctx {
	const struct gx_store *store;   /* borrowed */
	const char *path;               /* as the user gave it; borrowed */
	const struct gx_diag *load_diag;/* warnings of the load; borrowed */
	struct gx_diag ui_diag;         /* the TUI's own (theme lines); owned */
	bool ascii;                     /* no UTF-8: escape and draw ASCII only */
	const struct tui_glyphs *glyphs;
	uint64_t goroutines;            /* sum of the records' count, computed once */
	/* The time cursor of the timeline (traces; view_timeline.c): while
	 * cursor_on, the panes show each goroutine as it was at cursor_ns (the
	 * store's clock). Move it with tui_timeline_set_cursor(). */
	bool cursor_on;
	int64_t cursor_ns;
	struct tui_view *list;          /* the goroutine list pane, set by it; borrowed */
	struct tui_selection sel;
	char *message;                  /* one-shot status message, or NULL; owned */
	/* query bar, marks, wait graph (view_query.c, view_waitgraph.c) */
	struct tui_filter filter;
	uint8_t *marks;                 /* per goroutine index, 1 when marked; owned */
	size_t nmarked;
	const struct gx_store *join;    /* a dump joined to the trace, or NULL; borrowed */
	const char *join_path;          /* its name as the user gave it; borrowed */
	struct gx_waitgraph *wg;        /* built on first use; owned */
	struct gx_query_dl *qdl;        /* the query hook over wg; owned */
};

/* Set the one-shot status message (shown until the next key). */
void tui_ctx_message(struct tui_ctx *c, const char *fmt, ...) GX_PRINTF(2, 3);

/* Warnings to show in the warnings pane: load's and the TUI's. */
size_t tui_ctx_warning_count(const struct tui_ctx *c);

/* ------------------------------------------------------------------ */
/* Drawing one screen line. A line is a row of a pane, clipped to its width
 * and scrolled left by `skip` columns. Text is measured in terminal columns.
 * Every function that takes input-derived text escapes it first. */

struct tui_screen; /* draw.c */

struct tui_line {
	struct tui_screen *scr;  /* borrowed */
	int y, x, width;         /* screen position and width */
	int col;                 /* next logical column (skip included) */
	int skip;                /* columns scrolled off to the left */
	int sel_role;            /* -1, or the role that overrides every role (selection) */
	bool ascii;
};

#define TUI_ALIGN_LEFT  0
#define TUI_ALIGN_RIGHT 1

/* Untrusted text (from the input): escaped, then drawn. */
void tui_line_text(struct tui_line *l, enum tui_role role, const char *s, size_t n);
/* Our own text (labels, glyphs); must be printable UTF-8 or ASCII. */
void tui_line_lit(struct tui_line *l, enum tui_role role, const char *s);
void tui_line_printf(struct tui_line *l, enum tui_role role, const char *fmt, ...)
	GX_PRINTF(3, 4);
/* Untrusted text in a field of `width` columns: escaped, cut with an
 * ellipsis when too long, padded with spaces, then one separating space. */
void tui_line_field(struct tui_line *l, enum tui_role role, const char *s, size_t n,
                    int width, int align);
/* Our own text in a field, as above. */
void tui_line_field_lit(struct tui_line *l, enum tui_role role, const char *s,
                        int width, int align);
/* Pad with spaces in role up to logical column col. */
void tui_line_pad(struct tui_line *l, enum tui_role role, int col);
/* Fill the rest of the line. */
void tui_line_fill(struct tui_line *l, enum tui_role role);
/* Repeat a glyph to the end of the line. */
void tui_line_rule(struct tui_line *l, enum tui_role role, const char *glyph);

/* Columns the text takes once escaped (for column widths). */
int tui_text_width(const char *s, size_t n, bool ascii);

/* ------------------------------------------------------------------ */
/* Goroutine facts as every pane shows them. */

/* The role that colours a state. */
enum tui_role tui_state_role(unsigned state);
/* How long it had waited: "41.7ms", "≥5m" (dumps give whole minutes),
 * "1.2s+" (a trace saw only its end);
 * nothing when unknown. wait_ns and flags as in gx_goroutine_rec. */
void tui_format_wait(struct gx_buf *out, int64_t wait_ns, unsigned flags,
                     const struct tui_ctx *c);
/* The last path element of a file name. */
const char *tui_basename(const char *path, size_t n, size_t *outlen);

/* A goroutine as the panes show it: at the time cursor when it is on (the
 * span then: state, reason, its stack or the last one recorded before,
 * time in that state), else its final record. */
struct tui_gstate {
	uint8_t state;         /* enum gx_gstate */
	gx_str reason;
	gx_stack stack;
	int64_t wait_ns;       /* time in the state (final: as in the record) */
	unsigned flags;        /* the record's GX_G_* */
	bool at_cursor;        /* taken at ctx->cursor_ns */
	bool since_start;      /* in that state since before the trace began:
	                          wait_ns is a lower bound */
	int64_t stack_ns;      /* GX_TIME_NONE, or (the span had no stack) the start
	                          of the earlier span whose stack is shown */
};
void tui_goroutine_state(const struct tui_ctx *c, uint32_t g, struct tui_gstate *out);

/* Timeline (view_timeline.c). Whether the store has one (a trace). */
bool tui_timeline_available(const struct gx_store *s);
/* Move the time cursor to ns (clamped to the trace; the timeline pane
 * scrolls to show it). Returns what a request handler returns: the
 * TUI_NEXT_* bits that redraw and refresh the panes; TUI_NEXT_NONE without
 * a timeline. */
unsigned tui_timeline_set_cursor(struct tui_ctx *c, int64_t ns);
/* The goroutine index a row of the goroutine list stands for (a group's
 * sample when grouped), GX_NONE32 when out of range (view_glist.c). */
uint32_t tui_glist_row_goroutine(const struct tui_view *list, size_t row);

/* ------------------------------------------------------------------ */
/* Panes. */

struct tui_view;

#define TUI_VIEW_OVERLAY 0x1u  /* takes the whole main area while open (help) */
#define TUI_VIEW_CURSOR  0x2u  /* has a selected line when focused */

struct tui_view_ops {
	const char *name;          /* "goroutines" */
	unsigned flags;            /* TUI_VIEW_* */
	size_t private_size;       /* bytes of v->priv, zeroed before open */
	/* Set up v->priv and v->lines. Returns 0, or -1 when the pane cannot open. */
	int (*open)(struct tui_view *v);
	/* The title bar text (our text and escaped input); optional. */
	void (*title)(struct tui_view *v, struct tui_line *l);
	/* A fixed column-header row under the title; optional. */
	void (*draw_header)(struct tui_view *v, struct tui_line *l);
	/* Draw line `lineno` (< v->lines). */
	void (*draw_line)(struct tui_view *v, struct tui_line *l, size_t lineno);
	/* Handle a request; return TUI_NEXT_UNHANDLED to pass it on. Optional. */
	unsigned (*request)(struct tui_view *v, enum tui_request req);
	/* The cursor moved to v->cur; return TUI_NEXT_* (SELECT to publish). Optional. */
	unsigned (*select)(struct tui_view *v);
	/* The shared selection changed (another pane published it). Optional. */
	unsigned (*selection_changed)(struct tui_view *v);
	/* ctx->filter changed (a query was applied or cleared). Optional. */
	unsigned (*filter_changed)(struct tui_view *v);
	/* Button 1 at column col (from the pane's left edge) of line lineno,
	 * after the cursor (if any) went there. Optional. */
	unsigned (*click)(struct tui_view *v, size_t lineno, int col);
	/* Free v->priv's contents (v->priv itself is freed by view.c). Optional. */
	void (*done)(struct tui_view *v);
};

struct tui_view {
	const struct tui_view_ops *ops;
	struct tui_ctx *ctx;       /* borrowed */
	void *priv;                /* owned */
	int y, x, height, width;   /* set by the layout; height includes the title */
	size_t lines;              /* lines of content */
	size_t top;                /* first line shown */
	size_t cur;                /* selected line */
	int hscroll;               /* columns scrolled left */
	bool focused;
};

/* Create and open a pane; NULL if open failed. Caller frees with tui_view_free. */
struct tui_view *tui_view_new(const struct tui_view_ops *ops, struct tui_ctx *ctx);
void tui_view_free(struct tui_view *v);

/* Rows for content: height minus the title and the header. */
int tui_view_body_rows(const struct tui_view *v);
/* Move the cursor to line (clamped), scroll it into view, call ops->select. */
unsigned tui_view_set_cur(struct tui_view *v, size_t line);
/* Scroll the window by delta lines; the cursor stays inside. */
unsigned tui_view_scroll(struct tui_view *v, long delta);
/* The movement requests every pane shares. */
unsigned tui_view_request(struct tui_view *v, enum tui_request req);
/* Content line at screen row y of the pane, or (size_t)-1. */
size_t tui_view_line_at(const struct tui_view *v, int y);
/* Draw the pane into its rectangle. */
void tui_view_draw(struct tui_view *v, struct tui_screen *scr);

/* The panes. */
extern const struct tui_view_ops tui_glist_ops;  /* goroutine list */
extern const struct tui_view_ops tui_stack_ops;  /* stack of the selection */
extern const struct tui_view_ops tui_help_ops;   /* keys, from tui_keymap */
extern const struct tui_view_ops tui_diag_ops;   /* load warnings */
extern const struct tui_view_ops tui_timeline_ops; /* states over time, time cursor */
extern const struct tui_view_ops tui_waitgraph_ops; /* wait-graph tree (view_waitgraph.c) */

/* The wait graph of ctx's store (joined with ctx->join), built on first
 * use and kept; the deadlock hook of the query language over it. */
struct gx_waitgraph *tui_ctx_waitgraph(struct tui_ctx *c);
const struct gx_query_deadlock *tui_ctx_deadlock_hook(struct tui_ctx *c);
/* Free what the ctx owns of the above (filter, marks, wait graph). */
void tui_ctx_free_analysis(struct tui_ctx *c);
/* Mark (on true) or unmark goroutine index g; keeps nmarked. */
void tui_ctx_mark(struct tui_ctx *c, uint32_t g, bool on);

#endif
