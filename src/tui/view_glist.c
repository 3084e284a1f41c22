/* view_glist: the goroutine list, one row per goroutine or, grouped, one
 * row per set of identical stacks. Sorting and grouping are computed once
 * per change; drawing touches only the visible rows. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gotrex/group.h"
#include "gotrex/text.h"
#include "gotrex/tui_view.h"

enum col {
	COL_ID,
	COL_COUNT,     /* grouped only */
	COL_STATE,
	COL_WAIT,
	COL_FRAME,
	COL_N
};

static const struct {
	const char *name;
	bool desc;     /* natural direction: biggest first */
} cols[COL_N] = {
	[COL_ID] = { "id", false },
	[COL_COUNT] = { "count", true },
	[COL_STATE] = { "state", false },
	[COL_WAIT] = { "wait", true },
	[COL_FRAME] = { "frame", false },
};

/* The sort cycle of each mode. */
static const enum col cycle_flat[] = { COL_ID, COL_STATE, COL_WAIT, COL_FRAME };
static const enum col cycle_grouped[] = { COL_COUNT, COL_STATE, COL_WAIT, COL_FRAME, COL_ID };

#define STATE_W 8
#define WAIT_W 9
#define REASON_MIN 6
#define REASON_MAX 26

struct glist {
	const struct gx_store *s;  /* borrowed */
	size_t n;                  /* rows when flat: goroutine records (filtered) */
	size_t total;              /* goroutine records of the store */
	const uint32_t *base;      /* the filter's goroutine indexes (ctx->filter.g), or
	                              NULL for all */
	uint32_t *order;           /* flat: goroutine indexes in display order */
	struct gx_groups groups;
	bool have_groups;
	uint32_t *gorder;          /* grouped: group indexes in display order */
	bool grouped;
	enum col sort[2];          /* [grouped] */
	bool reverse[2];
	bool sorted[2];            /* the order of that mode is up to date */
	int idw, countw, reasonw;
	const struct tui_ctx *ctx; /* borrowed: the time cursor (timeline) */
	int64_t sorted_at;         /* flat: the cursor instant the order was sorted at */
};

/* One row's sort key; built for all rows once per sort. */
struct key {
	const char *reason;   /* borrowed from the store map */
	const char *func;
	int64_t wait;
	uint64_t count;
	uint64_t id;
	uint32_t idx;         /* goroutine or group index */
	uint8_t state;
	enum col col;
	bool rev;
};

static int
state_rank(uint8_t st)
{
	/* the most interesting first: what runs, then what waits */
	switch (st) {
	case GX_G_RUNNING: return 0;
	case GX_G_RUNNABLE: return 1;
	case GX_G_SYSCALL: return 2;
	case GX_G_WAITING: return 3;
	case GX_G_UNKNOWN: return 4;
	case GX_G_NOTEXIST: return 5;
	default: return 6;
	}
}

static int
cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int
key_cmp(const void *pa, const void *pb)
{
	const struct key *a = pa, *b = pb;
	int r = 0;

	switch (a->col) {
	case COL_COUNT:
		r = -cmp_u64(a->count, b->count);
		break;
	case COL_STATE:
		r = state_rank(a->state) - state_rank(b->state);
		if (r == 0)
			r = strcmp(a->reason, b->reason);
		break;
	case COL_WAIT:
		r = a->wait < b->wait ? 1 : (a->wait > b->wait ? -1 : 0);
		break;
	case COL_FRAME:
		r = strcmp(a->func, b->func);
		break;
	case COL_ID:
	case COL_N:
		break;
	}
	if (r == 0)
		r = cmp_u64(a->id, b->id);
	return a->rev ? -r : r;
}

static const char *
top_func(const struct gx_store *s, gx_stack st)
{
	const struct gx_frame_rec *f = gx_top_user_frame(s, st);

	return f != NULL ? gx_store_str(s, f->func, NULL) : "";
}

/* A mutex or block profile: its records are stacks with contentions and
 * a delay, not goroutines; the WAIT column shows the delay then. */
static bool
is_contention(const struct gx_store *s)
{
	const struct gx_store_meta *m = gx_store_meta(s);

	return m != NULL && (m->profile == GX_PROFILE_MUTEX || m->profile == GX_PROFILE_BLOCK ||
	                     m->profile == GX_PROFILE_CONTENTION);
}

static void
fill_key(struct glist *gl, struct key *k, uint32_t gi, enum col col)
{
	const struct gx_goroutine_rec *g = gx_store_goroutine(gl->s, gi);

	k->reason = gx_store_str(gl->s, g->reason, NULL);
	k->func = col == COL_FRAME ? top_func(gl->s, g->stack) : "";
	k->wait = is_contention(gl->s) ? g->delay_ns : g->wait_ns;
	k->count = g->count;
	k->id = g->id;
	k->state = g->state;
	k->col = col;
	if (!gl->grouped && gl->ctx->cursor_on && col != COL_ID) {
		/* as the rows show it: at the time cursor */
		struct tui_gstate gs;

		tui_goroutine_state(gl->ctx, gi, &gs);
		k->reason = gx_store_str(gl->s, gs.reason, NULL);
		k->func = col == COL_FRAME ? top_func(gl->s, gs.stack) : "";
		k->wait = gs.wait_ns;
		k->state = gs.state;
	}
}

/* Sort the current mode's rows; O(n log n), once per change. */
static void
sort_rows(struct glist *gl)
{
	bool gr = gl->grouped;
	size_t n = gr ? gl->groups.n : gl->n, i;
	uint32_t *dst = gr ? gl->gorder : gl->order;
	enum col col = gl->sort[gr];
	struct key *k;

	if (!gr)
		gl->sorted_at = gl->ctx->cursor_on ? gl->ctx->cursor_ns : INT64_MIN;
	if (n == 0)
		return;
	if (!gr && col == COL_ID && !gl->reverse[0]) {
		/* the store (and so the filter) is sorted by id already */
		for (i = 0; i < n; i++)
			dst[i] = gl->base != NULL ? gl->base[i] : (uint32_t)i;
		return;
	}
	if (gr && col == COL_COUNT && !gl->reverse[1]) {
		/* gx_group_build's own order */
		for (i = 0; i < n; i++)
			dst[i] = (uint32_t)i;
		return;
	}
	k = xreallocarray(NULL, n, sizeof(*k));
	for (i = 0; i < n; i++) {
		if (gr) {
			const struct gx_group *grp = &gl->groups.v[i];

			fill_key(gl, &k[i], grp->sample, col);
			k[i].wait = grp->max_wait_ns;
			k[i].count = grp->goroutines;
			k[i].idx = (uint32_t)i;
		} else {
			uint32_t gi = gl->base != NULL ? gl->base[i] : (uint32_t)i;

			fill_key(gl, &k[i], gi, col);
			k[i].idx = gi;
		}
		k[i].rev = gl->reverse[gr];
	}
	qsort(k, n, sizeof(*k), key_cmp);
	for (i = 0; i < n; i++)
		dst[i] = k[i].idx;
	free(k);
}

static int
digits(uint64_t v)
{
	int d = 1;

	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

/* Publish the row under the cursor as the shared selection. */
static unsigned
glist_select(struct tui_view *v)
{
	struct glist *gl = v->priv;
	struct tui_selection *sel = &v->ctx->sel;

	sel->grouped = gl->grouped;
	sel->total = v->lines;
	sel->pos = v->lines > 0 ? v->cur + 1 : 0;
	sel->members = NULL;
	sel->nmembers = 0;
	sel->group_goroutines = 0;
	if (v->lines == 0) {
		sel->g = GX_NONE32;
	} else if (gl->grouped) {
		const struct gx_group *grp = &gl->groups.v[gl->gorder[v->cur]];

		sel->g = grp->sample;
		sel->group_goroutines = grp->goroutines;
		if (grp->first <= gl->groups.nmembers &&
		    grp->count <= gl->groups.nmembers - grp->first) {
			sel->members = gl->groups.members + grp->first;
			sel->nmembers = grp->count;
		}
	} else {
		sel->g = gl->order[v->cur];
	}
	return TUI_NEXT_SELECT | TUI_NEXT_REDRAW;
}

/* Where goroutine gi is in the current order (O(rows), once per change),
 * (size_t)-1 when it is not listed. */
static size_t
find_row_or_none(struct glist *gl, uint32_t gi)
{
	size_t i;

	if (gi == GX_NONE32)
		return (size_t)-1;
	if (!gl->grouped) {
		for (i = 0; i < gl->n; i++)
			if (gl->order[i] == gi)
				return i;
		return (size_t)-1;
	}
	for (i = 0; i < gl->groups.n; i++) {
		const struct gx_group *grp = &gl->groups.v[gl->gorder[i]];
		size_t m;

		for (m = 0; m < grp->count && grp->first + m < gl->groups.nmembers; m++)
			if (gl->groups.members[grp->first + m] == gi)
				return i;
	}
	return (size_t)-1;
}

static size_t
find_row(struct glist *gl, uint32_t gi)
{
	size_t r = find_row_or_none(gl, gi);

	return r == (size_t)-1 ? 0 : r;
}

static unsigned
resort(struct tui_view *v)
{
	struct glist *gl = v->priv;
	uint32_t keep = v->ctx->sel.g;

	if (!gl->sorted[gl->grouped]) {
		sort_rows(gl);
		gl->sorted[gl->grouped] = true;
	}
	v->lines = gl->grouped ? gl->groups.n : gl->n;
	v->cur = find_row(gl, keep);
	v->top = v->cur > (size_t)tui_view_body_rows(v) / 2 ?
	         v->cur - (size_t)tui_view_body_rows(v) / 2 : 0;
	return glist_select(v) | TUI_NEXT_REDRAW_ALL;
}

/* A set of string ids (open addressing; 0 is the empty string and is
 * stored like any other id, UINT32_MAX marks a free slot). */
struct idset {
	uint32_t *v;
	size_t cap, n;
};

/* Add id; true when it was not in the set. */
static bool
seen_add(struct idset *set, uint32_t id)
{
	size_t i, k;

	if (set->n * 2 >= set->cap) {
		struct idset big = { 0 };

		big.cap = set->cap ? set->cap * 2 : 64;
		big.v = xreallocarray(NULL, big.cap, sizeof(*big.v));
		memset(big.v, 0xff, big.cap * sizeof(*big.v));
		for (k = 0; k < set->cap; k++)
			if (set->v[k] != UINT32_MAX)
				seen_add(&big, set->v[k]);
		free(set->v);
		*set = big;
	}
	if (id == UINT32_MAX)
		return false;
	for (i = (id * 2654435761u) & (set->cap - 1);; i = (i + 1) & (set->cap - 1)) {
		if (set->v[i] == id)
			return false;
		if (set->v[i] == UINT32_MAX) {
			set->v[i] = id;
			set->n++;
			return true;
		}
	}
}

static int
glist_open(struct tui_view *v)
{
	struct glist *gl = v->priv;
	const struct gx_store *s = v->ctx->store;
	size_t i;
	int rw = REASON_MIN;
	struct idset seen = { 0 };

	gl->s = s;
	gl->ctx = v->ctx;
	gl->n = gx_store_goroutine_count(s);
	gl->total = gl->n;
	v->ctx->list = v;
	gl->order = xreallocarray(NULL, gl->n, sizeof(*gl->order));
	gl->sort[0] = COL_ID;
	gl->sort[1] = COL_COUNT;
	gl->idw = 2;
	if (gl->n > 0) {
		const struct gx_goroutine_rec *last = gx_store_goroutine(s, gl->n - 1);

		if (last != NULL)
			gl->idw = (last->flags & GX_G_SYNTH_ID) ? digits(last->id - GX_SYNTH_ID_BASE) + 1
			        : digits(last->id) > 2 ? digits(last->id) : 2;
	}
	/* Column widths: one pass over all goroutines, once; each distinct
	 * reason string (there are few) is measured once. */
	for (i = 0; i < gl->n && rw < REASON_MAX; i++) {
		const struct gx_goroutine_rec *g = gx_store_goroutine(s, i);
		size_t len;
		const char *r;
		int w;

		if (g == NULL || !seen_add(&seen, g->reason))
			continue;
		r = gx_store_str(s, g->reason, &len);
		w = len > REASON_MAX ? REASON_MAX : tui_text_width(r, len, v->ctx->ascii);
		if (w > rw)
			rw = w;
	}
	free(seen.v);
	if (is_contention(s) && rw < 22)
		rw = 22; /* "18446744073709551615 contentions" is rarer than this */
	gl->reasonw = rw > REASON_MAX ? REASON_MAX : rw;
	gl->countw = 0;
	sort_rows(gl);
	gl->sorted[0] = true;
	v->lines = gl->n;
	glist_select(v);
	return 0;
}

static void
glist_done(struct tui_view *v)
{
	struct glist *gl = v->priv;

	if (v->ctx->list == v)
		v->ctx->list = NULL;
	free(gl->order);
	free(gl->gorder);
	if (gl->have_groups)
		gx_groups_free(&gl->groups);
}

/* Group the rows (all goroutines, or the filter's). */
static void
build_groups(struct glist *gl)
{
	uint64_t maxg = 1;
	size_t i;

	gx_group_build(gl->s, gl->base, gl->base != NULL ? gl->n : 0, &gl->groups);
	gl->have_groups = true;
	gl->gorder = xreallocarray(NULL, gl->groups.n > 0 ? gl->groups.n : 1, sizeof(*gl->gorder));
	for (i = 0; i < gl->groups.n; i++)
		if (gl->groups.v[i].goroutines > maxg)
			maxg = gl->groups.v[i].goroutines;
	gl->countw = digits(maxg) + 1;
	if (gl->countw < 6)
		gl->countw = 6;  /* "COUNT" and the sort arrow */
}

static unsigned
toggle_group(struct tui_view *v)
{
	struct glist *gl = v->priv;

	if (!gl->have_groups)
		build_groups(gl);
	gl->grouped = !gl->grouped;
	tui_ctx_message(v->ctx, gl->grouped ? "grouped: %zu stacks" : "ungrouped: %zu goroutines",
	                gl->grouped ? gl->groups.n : gl->n);
	return resort(v) | TUI_NEXT_RELAYOUT;
}

/* The query bar applied or cleared a filter: list only its goroutines. */
static unsigned
glist_filter_changed(struct tui_view *v)
{
	struct glist *gl = v->priv;
	const struct tui_filter *f = &v->ctx->filter;

	gl->base = f->active ? f->g : NULL;
	gl->n = f->active ? f->n : gl->total;
	free(gl->order);
	gl->order = xreallocarray(NULL, gl->n > 0 ? gl->n : 1, sizeof(*gl->order));
	if (gl->have_groups) {
		gx_groups_free(&gl->groups);
		free(gl->gorder);
		gl->gorder = NULL;
		gl->have_groups = false;
	}
	if (gl->grouped)
		build_groups(gl);
	gl->sorted[0] = gl->sorted[1] = false;
	return resort(v);
}

/* Another pane (the wait graph) selected a goroutine: show its row. */
static unsigned
glist_selection_changed(struct tui_view *v)
{
	struct glist *gl = v->priv;
	uint32_t g = v->ctx->sel.g;
	size_t row;

	if (g == GX_NONE32 || v->lines == 0)
		return TUI_NEXT_NONE;
	if (!gl->grouped && gl->sort[0] != COL_ID && v->ctx->cursor_on &&
	    gl->sorted_at != v->ctx->cursor_ns) {
		/* the time cursor moved: states and waits changed, so did the order */
		sort_rows(gl);
		gl->sorted[0] = true;
	}
	row = find_row_or_none(gl, g);
	if (row == (size_t)-1 || row == v->cur) {
		if (row == v->cur && gl->grouped)
			v->ctx->sel.pos = v->cur + 1;
		return TUI_NEXT_NONE;   /* not listed (filtered out): the stack shows it anyway */
	}
	v->cur = row;
	if (v->cur < v->top || v->cur >= v->top + (size_t)tui_view_body_rows(v))
		v->top = v->cur > (size_t)tui_view_body_rows(v) / 2 ?
		         v->cur - (size_t)tui_view_body_rows(v) / 2 : 0;
	glist_select(v);
	v->ctx->sel.g = g;      /* grouped: the goroutine asked for, not the group's sample */
	return TUI_NEXT_REDRAW;
}

/* Space: mark or unmark the row (grouped: every member), then go down. */
static unsigned
toggle_mark(struct tui_view *v)
{
	struct glist *gl = v->priv;
	struct tui_ctx *c = v->ctx;
	size_t k;
	bool on;

	if (v->lines == 0)
		return TUI_NEXT_NONE;
	if (gl->grouped) {
		const struct gx_group *grp = &gl->groups.v[gl->gorder[v->cur]];

		on = false;
		for (k = 0; k < grp->count && grp->first + k < gl->groups.nmembers; k++)
			if (c->marks == NULL || !c->marks[gl->groups.members[grp->first + k]])
				on = true;
		for (k = 0; k < grp->count && grp->first + k < gl->groups.nmembers; k++)
			tui_ctx_mark(c, gl->groups.members[grp->first + k], on);
	} else {
		uint32_t g = gl->order[v->cur];

		on = c->marks == NULL || !c->marks[g];
		tui_ctx_mark(c, g, on);
	}
	tui_ctx_message(c, "%zu marked (e exports them)", c->nmarked);
	if (v->cur + 1 < v->lines)
		return tui_view_set_cur(v, v->cur + 1) | TUI_NEXT_REDRAW_ALL;
	return TUI_NEXT_REDRAW_ALL;
}

static unsigned
glist_request(struct tui_view *v, enum tui_request req)
{
	struct glist *gl = v->priv;
	bool gr = gl->grouped;

	switch (req) {
	case TUI_REQ_GROUP_TOGGLE:
		return toggle_group(v);
	case TUI_REQ_MARK:
		return toggle_mark(v);
	case TUI_REQ_SORT_NEXT: {
		const enum col *cy = gr ? cycle_grouped : cycle_flat;
		size_t n = gr ? GX_ARRAY_SIZE(cycle_grouped) : GX_ARRAY_SIZE(cycle_flat), i;

		for (i = 0; i < n; i++)
			if (cy[i] == gl->sort[gr])
				break;
		gl->sort[gr] = cy[(i + 1) % n];
		gl->reverse[gr] = false;
		gl->sorted[gr] = false;
		tui_ctx_message(v->ctx, "sorted by %s", cols[gl->sort[gr]].name);
		return resort(v);
	}
	case TUI_REQ_SORT_REVERSE:
		gl->reverse[gr] = !gl->reverse[gr];
		gl->sorted[gr] = false;
		tui_ctx_message(v->ctx, "sorted by %s, %s", cols[gl->sort[gr]].name,
		                cols[gl->sort[gr]].desc != gl->reverse[gr] ? "descending" : "ascending");
		return resort(v);
	default:
		return tui_view_request(v, req);
	}
}

static bool
sorted_desc(const struct glist *gl)
{
	bool gr = gl->grouped;

	/* COL_ID and the others sort up; reverse flips */
	return cols[gl->sort[gr]].desc != gl->reverse[gr];
}

static void
glist_title(struct tui_view *v, struct tui_line *l)
{
	struct glist *gl = v->priv;
	const struct gx_store_meta *m = gx_store_meta(gl->s);
	size_t hl = 0;
	const char *headline = m != NULL ? gx_store_str(gl->s, m->headline, &hl) : "";

	const struct tui_filter *f = &v->ctx->filter;

	if (gl->grouped)
		tui_line_printf(l, TUI_ROLE_TITLE, " Goroutines: %zu groups of identical stacks%s",
		                gl->groups.n, f->active ? "," : "");
	else if (!f->active)
		tui_line_printf(l, TUI_ROLE_TITLE, " Goroutines: %llu",
		                (unsigned long long)v->ctx->goroutines);
	if (f->active)
		tui_line_printf(l, TUI_ROLE_TITLE, " %s%llu of %llu goroutines", gl->grouped ? "" : "Goroutines: ",
		                (unsigned long long)f->goroutines, (unsigned long long)v->ctx->goroutines);
	tui_line_printf(l, TUI_ROLE_TITLE, "  sort: %s %s", cols[gl->sort[gl->grouped]].name,
	                sorted_desc(gl) ? v->ctx->glyphs->arrow_down : v->ctx->glyphs->arrow_up);
	if (f->active) {
		tui_line_lit(l, TUI_ROLE_TITLE, "  filter: ");
		tui_line_text(l, TUI_ROLE_TITLE, f->query, strlen(f->query));
	}
	if (v->ctx->cursor_on) {
		/* STATE, REASON and WAIT are those at the time cursor */
		const struct gx_store_meta *tm = gx_store_meta(gl->s);
		struct gx_buf b = { 0 };

		gx_text_timestamp(&b, v->ctx->cursor_ns - (tm != NULL ? tm->start_ns : 0));
		tui_line_printf(l, TUI_ROLE_TITLE, "  at %s", b.data);
		gx_buf_free(&b);
	}
	if (hl > 0) {
		tui_line_lit(l, TUI_ROLE_TITLE, "  ");
		tui_line_text(l, TUI_ROLE_TITLE, headline, hl);
	}
}

static void
head(struct tui_line *l, const struct glist *gl, const struct tui_ctx *c, enum col col,
     const char *name, int width, int align)
{
	char buf[64];

	if (gl->sort[gl->grouped] == col)
		snprintf(buf, sizeof(buf), "%s%s", name,
		         sorted_desc(gl) ? c->glyphs->arrow_down : c->glyphs->arrow_up);
	else
		snprintf(buf, sizeof(buf), "%s", name);
	if (width > 0)
		tui_line_field_lit(l, TUI_ROLE_HEADER, buf, width, align);
	else
		tui_line_lit(l, TUI_ROLE_HEADER, buf);
}

static void
glist_header(struct tui_view *v, struct tui_line *l)
{
	struct glist *gl = v->priv;

	tui_line_lit(l, TUI_ROLE_HEADER, " ");
	if (gl->grouped)
		head(l, gl, v->ctx, COL_COUNT, "COUNT", gl->countw, TUI_ALIGN_RIGHT);
	head(l, gl, v->ctx, COL_ID, "ID", gl->idw + 1, TUI_ALIGN_RIGHT);
	head(l, gl, v->ctx, COL_STATE, "STATE", STATE_W, TUI_ALIGN_LEFT);
	tui_line_field_lit(l, TUI_ROLE_HEADER, "REASON", gl->reasonw, TUI_ALIGN_LEFT);
	head(l, gl, v->ctx, COL_WAIT,
	     is_contention(gl->s) ? "DELAY" : gl->grouped ? "MAXWAIT" : "WAIT", WAIT_W,
	     TUI_ALIGN_RIGHT);
	head(l, gl, v->ctx, COL_FRAME, "TOP USER FRAME", 0, TUI_ALIGN_LEFT);
}

static const char *
mark_of(const struct tui_view *v, size_t lineno)
{
	const struct glist *gl = v->priv;
	const struct tui_ctx *c = v->ctx;
	size_t k, on = 0;

	if (c->nmarked == 0 || c->marks == NULL)
		return " ";
	if (!gl->grouped)
		return c->marks[gl->order[lineno]] ? "*" : " ";
	{
		const struct gx_group *grp = &gl->groups.v[gl->gorder[lineno]];

		for (k = 0; k < grp->count && grp->first + k < gl->groups.nmembers; k++)
			on += c->marks[gl->groups.members[grp->first + k]] != 0;
		return on == 0 ? " " : on == k ? "*" : "+";
	}
}

static void
glist_draw_line(struct tui_view *v, struct tui_line *l, size_t lineno)
{
	struct glist *gl = v->priv;
	const struct gx_store *s = gl->s;
	const struct gx_goroutine_rec *g;
	const struct gx_frame_rec *top;
	struct gx_buf b = { 0 };
	struct tui_gstate gs;
	uint32_t gi;
	int64_t wait;
	size_t len;
	const char *str;
	char num[32];

	/* the mark column: * marked (grouped: every member), + some members */
	tui_line_lit(l, TUI_ROLE_KEY, mark_of(v, lineno));
	if (gl->grouped) {
		const struct gx_group *grp = &gl->groups.v[gl->gorder[lineno]];

		gi = grp->sample;
		g = gx_store_goroutine(s, gi);
		snprintf(num, sizeof(num), "%s%llu", v->ctx->glyphs->times,
		         (unsigned long long)grp->goroutines);
		tui_line_field_lit(l, TUI_ROLE_COUNT_BADGE, num, gl->countw, TUI_ALIGN_RIGHT);
		wait = grp->max_wait_ns;
	} else {
		gi = gl->order[lineno];
		g = gx_store_goroutine(s, gi);
		wait = g != NULL ? g->wait_ns : 0;
	}
	if (g == NULL)
		return;
	tui_goroutine_state(v->ctx, gi, &gs);
	if (gs.at_cursor)
		wait = gs.wait_ns;
	gx_store_format_id(g, num, sizeof(num)); /* a profile's record: #n */
	tui_line_field_lit(l, TUI_ROLE_DEFAULT, num, gl->idw + 1, TUI_ALIGN_RIGHT);
	tui_line_field_lit(l, tui_state_role(gs.state), gx_gstate_name((enum gx_gstate)gs.state),
	                   STATE_W, TUI_ALIGN_LEFT);
	str = gx_store_str(s, gs.reason, &len);
	if (is_contention(s) && !gl->grouped) {
		/* the profile's figures in place of a wait reason and a wait */
		snprintf(num, sizeof(num), "%llu contentions", (unsigned long long)g->contentions);
		tui_line_field_lit(l, TUI_ROLE_DEFAULT, num, gl->reasonw, TUI_ALIGN_LEFT);
		wait = g->delay_ns;
	} else {
		tui_line_field(l, tui_state_role(gs.state), str, len, gl->reasonw, TUI_ALIGN_LEFT);
	}
	tui_format_wait(&b, wait,
	                is_contention(s) ? 0
	                : gs.at_cursor ? (gs.since_start ? GX_G_WAIT_BEFORE_START : 0u)
	                : g->flags,
	                v->ctx);
	tui_line_field(l, TUI_ROLE_DEFAULT, b.data != NULL ? b.data : "", b.len, WAIT_W,
	               TUI_ALIGN_RIGHT);
	gx_buf_free(&b);
	top = gx_top_user_frame(s, gs.stack);
	if (top != NULL) {
		bool rt = (top->flags & GX_FRAME_RUNTIME) != 0;
		size_t flen, blen;
		const char *file = gx_store_str(s, top->file, &flen);
		const char *base = tui_basename(file, flen, &blen);

		str = gx_store_str(s, top->func, &len);
		tui_line_text(l, rt ? TUI_ROLE_RUNTIME_FRAME : TUI_ROLE_USER_FRAME, str, len);
		if (blen > 0) {
			tui_line_lit(l, TUI_ROLE_DEFAULT, "  ");
			tui_line_text(l, TUI_ROLE_LOCATION, base, blen);
			tui_line_printf(l, TUI_ROLE_LOCATION, ":%u", top->line);
		}
	} else {
		tui_line_lit(l, TUI_ROLE_DIM, "(no stack)");
	}
}

uint32_t
tui_glist_row_goroutine(const struct tui_view *v, size_t row)
{
	const struct glist *gl = v->priv;

	/* the rows as glist_draw_line draws them */
	if (row >= v->lines)
		return GX_NONE32;
	if (gl->grouped)
		return row < gl->groups.n ? gl->groups.v[gl->gorder[row]].sample : GX_NONE32;
	return row < gl->n ? gl->order[row] : GX_NONE32;
}

const struct tui_view_ops tui_glist_ops = {
	.name = "goroutines",
	.flags = TUI_VIEW_CURSOR,
	.private_size = sizeof(struct glist),
	.open = glist_open,
	.title = glist_title,
	.draw_header = glist_header,
	.draw_line = glist_draw_line,
	.request = glist_request,
	.select = glist_select,
	.selection_changed = glist_selection_changed,
	.filter_changed = glist_filter_changed,
	.done = glist_done,
};
