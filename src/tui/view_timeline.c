/* view_timeline: the timeline pane of a trace. One row per row of the
 * goroutine list (same order, same filter, scrolled with it), time across.
 * A cell shows the state that took most of its time slice (the dominant
 * state; ties go to the more interesting one: running, syscall, runnable,
 * waiting), from gotrex/timeline.h: a screen costs O(rows * columns *
 * (log spans + K)), never a walk over every span. The time cursor is a
 * column; the list and the stack show the goroutines as they were then. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gotrex/text.h"
#include "gotrex/timeline.h"
#include "gotrex/tui_view.h"

/* Spans looked back for a stack when the span at the cursor has none. */
#define LOOKBACK 64
/* Columns between two labels of the time axis, at least. */
#define TICK_GAP 3

struct tl {
	struct gx_timeline *tl;
	int64_t start, end;        /* the trace */
	int64_t t0;                /* time at the left edge of the first cell */
	int64_t cell;              /* ns per column */
	bool need_fit;             /* fit the trace at the next draw (width now known) */
	int64_t seen_cursor;       /* the cursor the window last followed */
	int cols;                  /* columns of cells at the last draw */
	int idw;                   /* goroutine id digits */
	uint8_t *cells;
	size_t cap;
};

/* Cell glyphs by state: shapes differ, so colour is not needed. */
static const char *const glyph_utf8[GX_G_STATE_COUNT] = {
	[GX_G_UNKNOWN] = "?",
	[GX_G_NOTEXIST] = " ",
	[GX_G_RUNNABLE] = "\xe2\x96\x92",  /* ▒ */
	[GX_G_RUNNING] = "\xe2\x96\x88",   /* █ */
	[GX_G_SYSCALL] = "\xe2\x96\x93",   /* ▓ */
	[GX_G_WAITING] = "\xe2\x94\x80",   /* ─ */
	[GX_G_DEAD] = "\xc2\xb7",          /* · */
};
static const char *const glyph_ascii[GX_G_STATE_COUNT] = {
	[GX_G_UNKNOWN] = "?",
	[GX_G_NOTEXIST] = " ",
	[GX_G_RUNNABLE] = "=",
	[GX_G_RUNNING] = "#",
	[GX_G_SYSCALL] = "%",
	[GX_G_WAITING] = "-",
	[GX_G_DEAD] = ".",
};

static enum tui_role
cell_role(unsigned st)
{
	switch (st) {
	case GX_G_RUNNING: return TUI_ROLE_TL_RUNNING;
	case GX_G_RUNNABLE: return TUI_ROLE_TL_RUNNABLE;
	case GX_G_SYSCALL: return TUI_ROLE_TL_SYSCALL;
	case GX_G_WAITING: return TUI_ROLE_TL_WAITING;
	case GX_G_DEAD: return TUI_ROLE_TL_DEAD;
	case GX_G_NOTEXIST: return TUI_ROLE_TL_NOTEXIST;
	case GX_TL_EMPTY: return TUI_ROLE_DEFAULT;
	default: return TUI_ROLE_UNKNOWN;
	}
}

static const char *
cell_glyph(unsigned st, bool ascii)
{
	if (st >= GX_G_STATE_COUNT)
		return " ";
	return ascii ? glyph_ascii[st] : glyph_utf8[st];
}

/* ------------------------------------------------------------------ */
/* What the other panes ask of the timeline. */

bool
tui_timeline_available(const struct gx_store *s)
{
	const struct gx_store_meta *m = gx_store_meta(s);

	return m != NULL && (m->format == GX_FMT_TRACE_V2 || m->format == GX_FMT_TRACE_V1) &&
	       m->end_ns > m->start_ns;
}

unsigned
tui_timeline_set_cursor(struct tui_ctx *c, int64_t ns)
{
	const struct gx_store_meta *m = gx_store_meta(c->store);

	if (!tui_timeline_available(c->store))
		return TUI_NEXT_NONE;
	if (ns < m->start_ns)
		ns = m->start_ns;
	if (ns > m->end_ns)
		ns = m->end_ns;
	c->cursor_on = true;
	c->cursor_ns = ns;
	return TUI_NEXT_SELECT | TUI_NEXT_REDRAW_ALL;
}

void
tui_goroutine_state(const struct tui_ctx *c, uint32_t g, struct tui_gstate *out)
{
	const struct gx_goroutine_rec *r = gx_store_goroutine(c->store, g);
	const struct gx_span_rec *sp;
	size_t n, j, k;

	memset(out, 0, sizeof(*out));
	out->stack_ns = GX_TIME_NONE;
	if (r == NULL)
		return;
	out->flags = r->flags;
	sp = gx_store_spans(c->store, g, &n);
	if (!c->cursor_on || n == 0) {
		out->state = r->state;
		out->reason = r->reason;
		out->stack = r->stack;
		out->wait_ns = r->wait_ns;
		return;
	}
	out->at_cursor = true;
	j = gx_timeline_span_at(sp, n, c->cursor_ns);
	if (j == GX_TL_NOSPAN) {
		out->state = c->cursor_ns < sp[0].start_ns ? GX_G_NOTEXIST : GX_G_UNKNOWN;
		return;
	}
	out->state = sp[j].state < GX_G_STATE_COUNT ? sp[j].state : GX_G_UNKNOWN;
	out->reason = sp[j].reason;
	out->stack = sp[j].stack;
	if (out->state == GX_G_WAITING || out->state == GX_G_RUNNABLE ||
	    out->state == GX_G_SYSCALL) {
		const struct gx_store_meta *m = gx_store_meta(c->store);

		out->wait_ns = c->cursor_ns - sp[j].start_ns;
		out->since_start = r->created_ns == GX_TIME_NONE && m != NULL &&
		                   sp[j].start_ns <= m->start_ns;
	}
	if (out->stack != 0 || out->state == GX_G_DEAD || out->state == GX_G_NOTEXIST)
		return;
	/* Running spans carry no stack: it resumed where it last stopped. */
	for (k = 0; k < LOOKBACK && k < j; k++) {
		const struct gx_span_rec *e = &sp[j - 1 - k];

		if (e->stack != 0 && e->state != GX_G_NOTEXIST) {
			out->stack = e->stack;
			out->stack_ns = e->start_ns;
			return;
		}
	}
}

/* ------------------------------------------------------------------ */
/* The window: t0, cell, and the rows (from the list). */

static int
label_width(const struct tl *t)
{
	return 1 + t->idw + 1;  /* marker, id, space */
}

static bool
cursor_visible(const struct tl *t, int64_t ns)
{
	return ns >= t->t0 && (ns - t->t0) / t->cell < t->cols;
}

static void
fit(struct tl *t)
{
	t->cell = (t->end - t->start) / t->cols + 1;
	t->t0 = t->start;
}

static void
clamp_window(struct tl *t)
{
	int64_t span = t->end - t->start, total;

	if (t->cell < 1)
		t->cell = 1;
	if (t->cell > span / t->cols + 1)
		t->cell = span / t->cols + 1;
	total = t->cell * t->cols;  /* no overflow: cell <= span / cols + 1 */
	if (total > span) {
		t->t0 = t->start;
		return;
	}
	if (t->t0 > t->end + 1 - total)
		t->t0 = t->end + 1 - total;
	if (t->t0 < t->start)
		t->t0 = t->start;
}

/* Centre the window on ns. */
static void
centre(struct tl *t, int64_t ns)
{
	t->t0 = ns - (int64_t)(t->cols / 2) * t->cell;
	if (t->t0 > ns)
		t->t0 = t->start;  /* overflowed */
	clamp_window(t);
}

/* Before drawing: the columns the pane has now, the rows of the list, the
 * window following the cursor when it moved. */
static void
sync(struct tui_view *v)
{
	struct tl *t = v->priv;
	struct tui_ctx *c = v->ctx;
	struct tui_view *list = c->list;
	size_t rows = (size_t)tui_view_body_rows(v), top;
	int cols = v->width - label_width(t);

	t->cols = cols > 0 ? cols : 1;
	if (t->need_fit) {
		fit(t);
		t->need_fit = false;
	}
	if (c->cursor_on && c->cursor_ns != t->seen_cursor) {
		if (!cursor_visible(t, c->cursor_ns))
			centre(t, c->cursor_ns);
		t->seen_cursor = c->cursor_ns;
	}
	clamp_window(t);
	if (list == NULL) {
		v->lines = v->top = v->cur = 0;
		return;
	}
	/* the list's rows, aligned with its window when the selection shows */
	v->lines = list->lines;
	v->cur = list->cur;
	top = list->top;
	if (rows > 0 && v->cur >= top + rows)
		top = v->cur - rows + 1;
	if (v->cur < top)
		top = v->cur;
	v->top = top;
}

/* ------------------------------------------------------------------ */
/* Drawing */

static void
stamp(struct gx_buf *b, const struct tl *t, int64_t ns)
{
	gx_text_timestamp(b, ns - t->start);
}

static void
tl_title(struct tui_view *v, struct tui_line *l)
{
	struct tl *t = v->priv;
	struct gx_buf b = { 0 };
	int64_t last;

	sync(v);
	last = t->t0 + t->cell * t->cols;
	if (last > t->end || last < t->t0)
		last = t->end;
	tui_line_lit(l, TUI_ROLE_TITLE, " Timeline ");
	stamp(&b, t, t->t0);
	gx_buf_puts(&b, " - ");
	stamp(&b, t, last);
	gx_buf_printf(&b, "  %s ", v->ctx->glyphs->bullet);
	gx_text_duration(&b, t->cell, v->ctx->ascii);
	gx_buf_puts(&b, "/col");
	if (v->ctx->cursor_on) {
		gx_buf_printf(&b, "  %s cursor ", v->ctx->glyphs->bullet);
		stamp(&b, t, v->ctx->cursor_ns);
	}
	tui_line_lit(l, TUI_ROLE_TITLE, b.data);
	gx_buf_free(&b);
}

/* Digits after the point of an axis label for a tick step (1, 2 or 5
 * times a power of ten, in ns). */
static int
tick_decimals(int64_t step)
{
	int d = 9;

	while (d > 0 && step >= 10) {
		step /= 10;
		d--;
	}
	return d;
}

/* "1.25s": seconds from the trace start with the step's decimals. */
static void
tick_label(char *buf, size_t size, int64_t rel, int dec)
{
	int64_t sec = rel / 1000000000, frac = rel % 1000000000;
	int k;

	for (k = dec; k < 9; k++)
		frac /= 10;
	if (dec > 0)
		snprintf(buf, size, "%lld.%0*llds", (long long)sec, dec, (long long)frac);
	else
		snprintf(buf, size, "%llds", (long long)sec);
}

/* A tick step giving labels room: the smallest 1, 2, 5 x 10^k ns whose
 * columns hold the longest label and a gap. */
static int64_t
tick_step(const struct tl *t, int *dec)
{
	static const int64_t m[] = { 1, 2, 5 };
	int64_t p;
	size_t i;
	char buf[48];

	for (p = 1; p <= INT64_MAX / 10; p *= 10) {
		for (i = 0; i < GX_ARRAY_SIZE(m); i++) {
			int64_t step = m[i] * p;
			int w;

			*dec = tick_decimals(step);
			tick_label(buf, sizeof(buf), t->end - t->start, *dec);
			w = (int)strlen(buf) + TICK_GAP;
			if (step / t->cell >= w)
				return step;
		}
	}
	*dec = 0;
	return INT64_MAX;
}

/* The time axis: a tick and a label every step, the cursor marked. */
static void
tl_header(struct tui_view *v, struct tui_line *l)
{
	struct tl *t = v->priv;
	int cols = t->cols, col, used = -1, i, dec;
	char (*slot)[8] = xcalloc((size_t)cols, sizeof(*slot));
	enum tui_role *role = xcalloc((size_t)cols, sizeof(*role));
	int64_t step = tick_step(t, &dec), rel;
	struct gx_buf run = { 0 };

	tui_line_pad(l, TUI_ROLE_TL_AXIS, label_width(t));
	for (i = 0; i < cols; i++) {
		strcpy(slot[i], " ");
		role[i] = TUI_ROLE_TL_AXIS;
	}
	/* the first tick at or after t0 */
	rel = t->t0 - t->start;
	rel = step < INT64_MAX ? (rel + step - 1) / step * step : 0;
	for (; rel >= 0 && rel <= t->end - t->start; rel += step) {
		char buf[48];
		int k, len;

		col = (int)((t->start + rel - t->t0) / t->cell);
		if (col >= cols)
			break;
		tick_label(buf, sizeof(buf), rel, dec);
		len = (int)strlen(buf);
		if (col > used) {
			strcpy(slot[col], "|");
			used = col;
		}
		if (col + len < cols && col + 1 > used) {
			for (k = 0; k < len; k++)
				slot[col + 1 + k][0] = buf[k];
			used = col + len;
		}
		if (step > INT64_MAX - rel)
			break;
	}
	if (v->ctx->cursor_on && cursor_visible(t, v->ctx->cursor_ns)) {
		col = (int)((v->ctx->cursor_ns - t->t0) / t->cell);
		snprintf(slot[col], sizeof(slot[col]), "%s", v->ctx->ascii ? "v" : "\xe2\x96\xbc");
		role[col] = TUI_ROLE_TL_CURSOR;
	}
	for (i = 0; i < cols; i++) {
		gx_buf_puts(&run, slot[i]);
		if (i + 1 == cols || role[i + 1] != role[i]) {
			tui_line_lit(l, role[i], run.data);
			gx_buf_reset(&run);
		}
	}
	gx_buf_free(&run);
	free(slot);
	free(role);
}

static void
tl_draw_line(struct tui_view *v, struct tui_line *l, size_t lineno)
{
	struct tl *t = v->priv;
	struct tui_ctx *c = v->ctx;
	uint32_t g = c->list != NULL ? tui_glist_row_goroutine(c->list, lineno) : GX_NONE32;
	const struct gx_goroutine_rec *r = gx_store_goroutine(c->store, g);
	bool sel = lineno == v->cur;
	enum tui_role lr = sel ? (v->focused ? TUI_ROLE_SELECTION : TUI_ROLE_SELECTION_IDLE)
	                       : TUI_ROLE_DEFAULT;
	struct gx_buf run = { 0 };
	int i, cc = -1;
	char id[32];

	if (r == NULL)
		return;
	tui_line_lit(l, lr, sel ? c->glyphs->marker : " ");
	snprintf(id, sizeof(id), "%llu", (unsigned long long)r->id);
	tui_line_field_lit(l, lr, id, t->idw, TUI_ALIGN_RIGHT);
	gx_grow(&t->cells, &t->cap, (size_t)t->cols, 1);
	gx_timeline_row(t->tl, g, t->t0, t->cell, (size_t)t->cols, t->cells);
	if (c->cursor_on && cursor_visible(t, c->cursor_ns))
		cc = (int)((c->cursor_ns - t->t0) / t->cell);
	for (i = 0; i < t->cols; i++) {
		unsigned st = t->cells[i];
		enum tui_role ro = i == cc ? TUI_ROLE_TL_CURSOR : cell_role(st);

		gx_buf_puts(&run, i == cc ? (c->ascii ? "|" : "\xe2\x94\x82" /* │ */)
		                          : cell_glyph(st, c->ascii));
		if (i + 1 == t->cols || i + 1 == cc || i == cc ||
		    cell_role(t->cells[i + 1]) != ro || t->cells[i + 1] != st) {
			tui_line_lit(l, ro, run.data);
			gx_buf_reset(&run);
		}
	}
	gx_buf_free(&run);
}

/* ------------------------------------------------------------------ */
/* Requests */

static unsigned
zoom(struct tui_view *v, int dir)
{
	struct tl *t = v->priv;
	struct tui_ctx *c = v->ctx;
	int64_t anchor, col, old = t->cell;
	struct gx_buf b = { 0 };

	if (dir == 0) {
		fit(t);
	} else {
		anchor = c->cursor_on && cursor_visible(t, c->cursor_ns)
		         ? c->cursor_ns : t->t0 + (t->cols / 2) * t->cell;
		col = (anchor - t->t0) / t->cell;
		if (dir > 0)
			t->cell = t->cell / 2 > 0 ? t->cell / 2 : 1;
		else
			t->cell = t->cell <= (t->end - t->start) / t->cols ? t->cell * 2 : t->cell;
		t->t0 = anchor - col * t->cell;
		clamp_window(t);
		if (t->cell == old) {
			tui_ctx_message(c, dir > 0 ? "zoomed in all the way" : "the whole trace shows");
			return TUI_NEXT_REDRAW;
		}
	}
	clamp_window(t);
	gx_text_duration(&b, t->cell, c->ascii);
	tui_ctx_message(c, "timeline: %s/col", b.data);
	gx_buf_free(&b);
	return TUI_NEXT_REDRAW;
}

static unsigned
pan(struct tui_view *v, int dir)
{
	struct tl *t = v->priv;
	int64_t d = (int64_t)(t->cols / 4 > 0 ? t->cols / 4 : 1) * t->cell, old = t->t0;

	t->t0 = dir > 0 ? (t->t0 < INT64_MAX - d ? t->t0 + d : t->t0)
	                : (t->t0 > INT64_MIN + d ? t->t0 - d : t->t0);
	clamp_window(t);
	return t->t0 != old ? TUI_NEXT_REDRAW : TUI_NEXT_NONE;
}

static unsigned
cursor_step(struct tui_view *v, int dir)
{
	struct tl *t = v->priv;
	int64_t ns = v->ctx->cursor_on ? v->ctx->cursor_ns : t->end;

	ns = dir > 0 ? (ns < t->end - t->cell ? ns + t->cell : t->end)
	             : (ns > t->start + t->cell ? ns - t->cell : t->start);
	return tui_timeline_set_cursor(v->ctx, ns);
}

/* "G17 running → waiting (sync.Mutex.Lock) at 1.842113 s", and for a
 * wake-up who woke it. */
static void
describe(struct tui_view *v, const struct gx_goroutine_rec *r, uint32_t g,
         const struct gx_span_rec *sp, size_t j)
{
	struct tl *t = v->priv;
	struct tui_ctx *c = v->ctx;
	const struct gx_store *s = c->store;
	struct gx_buf b = { 0 };
	struct gx_event_rec ev;
	bool woken = false;
	int64_t woke = GX_TIME_NONE;
	size_t len;
	const char *reason = gx_store_str(s, sp[j].reason, &len);

	gx_buf_printf(&b, "G%llu %s %s %s", (unsigned long long)r->id,
	              gx_gstate_name((enum gx_gstate)sp[j - 1].state), c->ascii ? "->" : "\xe2\x86\x92",
	              gx_gstate_name((enum gx_gstate)sp[j].state));
	if (len > 0) {
		gx_buf_puts(&b, " (");
		gx_text_escape(&b, reason, len, c->ascii);
		gx_buf_puts(&b, ")");
	}
	gx_buf_puts(&b, " at ");
	stamp(&b, t, sp[j].start_ns);
	if (sp[j].state == GX_G_RUNNABLE && sp[j - 1].state == GX_G_WAITING) {
		woken = gx_timeline_unblock_at(s, g, sp[j].start_ns, &ev);
	} else if (sp[j].state == GX_G_RUNNING && sp[j - 1].state == GX_G_RUNNABLE && j >= 2 &&
	           sp[j - 2].state == GX_G_WAITING) {
		woken = gx_timeline_unblock_at(s, g, sp[j - 1].start_ns, &ev);
		woke = sp[j - 1].start_ns;
	}
	if (woken) {
		if (ev.arg0 != 0)
			gx_buf_printf(&b, ", woken by G%llu", (unsigned long long)ev.arg0);
		else
			gx_buf_puts(&b, ", woken outside any goroutine");
		if (woke != GX_TIME_NONE) {
			gx_buf_puts(&b, " at ");
			stamp(&b, t, woke);
		}
	}
	tui_ctx_message(c, "%s", b.data);
	gx_buf_free(&b);
}

static unsigned
step(struct tui_view *v, int dir)
{
	struct tui_ctx *c = v->ctx;
	struct tl *t = v->priv;
	uint32_t g = c->sel.g;
	const struct gx_goroutine_rec *r = gx_store_goroutine(c->store, g);
	const struct gx_span_rec *sp;
	size_t n, j;
	int64_t at = c->cursor_on ? c->cursor_ns : t->end;
	unsigned next;

	if (r == NULL) {
		tui_ctx_message(c, "no goroutine selected");
		return TUI_NEXT_REDRAW;
	}
	sp = gx_store_spans(c->store, g, &n);
	j = dir > 0 ? gx_timeline_next_transition(sp, n, at)
	            : gx_timeline_prev_transition(sp, n, at);
	if (j == GX_TL_NOSPAN || j == 0) {
		tui_ctx_message(c, "G%llu: no %s state change", (unsigned long long)r->id,
		                dir > 0 ? "later" : "earlier");
		return TUI_NEXT_REDRAW;
	}
	next = tui_timeline_set_cursor(c, sp[j].start_ns);
	describe(v, r, g, sp, j);
	return next;
}

static unsigned
tl_request(struct tui_view *v, enum tui_request req)
{
	struct tl *t = v->priv;
	struct tui_view *list = v->ctx->list;

	switch (req) {
	case TUI_REQ_MOVE_UP:
	case TUI_REQ_MOVE_DOWN:
	case TUI_REQ_PAGE_UP:
	case TUI_REQ_PAGE_DOWN:
		/* the rows are the list's: move its selection */
		return list != NULL ? tui_view_request(list, req) : TUI_NEXT_NONE;
	case TUI_REQ_MOVE_TOP:
		return tui_timeline_set_cursor(v->ctx, t->start);
	case TUI_REQ_MOVE_BOTTOM:
		return tui_timeline_set_cursor(v->ctx, t->end);
	case TUI_REQ_SCROLL_LEFT:
		return cursor_step(v, -1);
	case TUI_REQ_SCROLL_RIGHT:
		return cursor_step(v, 1);
	case TUI_REQ_ZOOM_IN:
		return zoom(v, 1);
	case TUI_REQ_ZOOM_OUT:
		return zoom(v, -1);
	case TUI_REQ_ZOOM_FIT:
		return zoom(v, 0);
	case TUI_REQ_PAN_LEFT:
		return pan(v, -1);
	case TUI_REQ_PAN_RIGHT:
		return pan(v, 1);
	case TUI_REQ_NEXT_TRANSITION:
		return step(v, 1);
	case TUI_REQ_PREV_TRANSITION:
		return step(v, -1);
	default:
		return TUI_NEXT_UNHANDLED;
	}
}

/* A query with a time window ("the last 10 ms before the deadlock"):
 * show the window, the cursor at its end (where the query judged the
 * goroutines). */
static unsigned
tl_filter_changed(struct tui_view *v)
{
	struct tl *t = v->priv;
	const struct tui_filter *f = &v->ctx->filter;
	int64_t a, z;

	if (!f->active || !f->has_window || f->end_ns <= f->start_ns)
		return TUI_NEXT_NONE;
	a = f->start_ns > t->start ? f->start_ns : t->start;
	z = f->end_ns < t->end ? f->end_ns : t->end;
	if (z <= a)
		return TUI_NEXT_NONE;
	t->cell = (z - a) / t->cols + 1;
	t->t0 = a;
	t->need_fit = false;
	clamp_window(t);
	t->seen_cursor = z;  /* in view: no re-centring */
	return tui_timeline_set_cursor(v->ctx, z);
}

/* ------------------------------------------------------------------ */

static int
tl_open(struct tui_view *v)
{
	struct tl *t = v->priv;
	const struct gx_store *s = v->ctx->store;
	const struct gx_store_meta *m = gx_store_meta(s);
	size_t n = gx_store_goroutine_count(s);
	uint64_t id = 0;

	if (!tui_timeline_available(s))
		return -1;
	t->start = m->start_ns;
	t->end = m->end_ns;
	t->tl = gx_timeline_new(s, 0);
	t->cols = 1;
	fit(t);
	t->need_fit = true;
	t->idw = 1;
	if (n > 0 && gx_store_goroutine(s, n - 1) != NULL)
		id = gx_store_goroutine(s, n - 1)->id;
	for (; id >= 10; id /= 10)
		t->idw++;
	if (t->idw < 2)
		t->idw = 2;
	/* The cursor starts at the end: the list shows what it showed
	 * without a timeline, the final states. */
	t->seen_cursor = m->end_ns;
	v->ctx->cursor_on = true;
	v->ctx->cursor_ns = m->end_ns;
	return 0;
}

static void
tl_done(struct tui_view *v)
{
	struct tl *t = v->priv;

	gx_timeline_free(t->tl);
	free(t->cells);
}

/* A click on the cells: the time cursor to that column's time. */
static unsigned
tl_click(struct tui_view *v, size_t lineno, int col)
{
	struct tl *t = v->priv;
	int k = col - label_width(t);

	(void)lineno;
	if (k < 0 || k >= t->cols || t->cell <= 0 || t->need_fit)
		return TUI_NEXT_NONE;
	return tui_timeline_set_cursor(v->ctx, t->t0 + (int64_t)k * t->cell);
}

const struct tui_view_ops tui_timeline_ops = {
	.name = "timeline",
	.flags = 0,
	.private_size = sizeof(struct tl),
	.open = tl_open,
	.title = tl_title,
	.draw_header = tl_header,
	.draw_line = tl_draw_line,
	.request = tl_request,
	.filter_changed = tl_filter_changed,
	.click = tl_click,
	.done = tl_done,
};
