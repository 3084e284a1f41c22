/* view_stack: the stack of the goroutine (or group) the list selected:
 * its frames innermost first, the created-by frame and the creator. */
#include "config.h"

#include <stdlib.h>

#include "gotrex/group.h"
#include "gotrex/text.h"
#include "gotrex/tui_view.h"

enum kind {
	L_HEADER,     /* goroutine 18  waiting  chan send  ... */
	L_LABELS,
	L_GROUP,      /* members of the group */
	L_FUNC,       /* frame i: function and arguments */
	L_FILE,       /* frame i: file:line +offset */
	L_ELIDED,
	L_CREATED,    /* created by frame i of the create stack */
	L_CREATED_FILE,
	L_NOSTACK,
	L_BLANK,
};

struct sline {
	enum kind kind;
	uint32_t i;   /* frame index */
};

struct stackv {
	const struct gx_goroutine_rec *g;   /* borrowed from the store */
	const struct gx_frame_rec *top;     /* top user frame, borrowed */
	struct tui_gstate gs;               /* as shown: at the time cursor or final */
	struct sline *v;
	size_t n, cap;
};

static void
add(struct stackv *sv, enum kind k, uint32_t i)
{
	gx_grow(&sv->v, &sv->cap, sv->n + 1, sizeof(*sv->v));
	sv->v[sv->n++] = (struct sline){ k, i };
}

static unsigned
stack_refresh(struct tui_view *v)
{
	struct stackv *sv = v->priv;
	const struct gx_store *s = v->ctx->store;
	const struct tui_selection *sel = &v->ctx->sel;
	size_t depth, i, cdepth;

	sv->n = 0;
	sv->g = sel->g != GX_NONE32 ? gx_store_goroutine(s, sel->g) : NULL;
	sv->top = NULL;
	v->top = 0;
	v->cur = 0;
	v->hscroll = 0;
	if (sv->g == NULL) {
		v->lines = 0;
		return TUI_NEXT_REDRAW;
	}
	tui_goroutine_state(v->ctx, sel->g, &sv->gs);
	sv->top = gx_top_user_frame(s, sv->gs.stack);
	add(sv, L_HEADER, 0);
	if (sv->g->labels != 0)
		add(sv, L_LABELS, 0);
	if (sel->grouped && sel->nmembers > 1)
		add(sv, L_GROUP, 0);
	add(sv, L_BLANK, 0);
	depth = gx_store_stack_depth(s, sv->gs.stack);
	if (depth == 0)
		add(sv, L_NOSTACK, 0);
	for (i = 0; i < depth && i < UINT32_MAX; i++) {
		const struct gx_frame_rec *f = gx_store_stack_frame(s, sv->gs.stack, i);

		if (f == NULL)
			continue;
		if (f->flags & GX_FRAME_ELIDED) {
			add(sv, L_ELIDED, (uint32_t)i);
			continue;
		}
		add(sv, L_FUNC, (uint32_t)i);
		if (f->file != 0 || f->line != 0)
			add(sv, L_FILE, (uint32_t)i);
	}
	cdepth = gx_store_stack_depth(s, sv->g->create_stack);
	if (cdepth > 0 || sv->g->creator_id != 0) {
		add(sv, L_CREATED, 0);
		if (cdepth > 0) {
			const struct gx_frame_rec *f = gx_store_stack_frame(s, sv->g->create_stack, 0);

			if (f != NULL && (f->file != 0 || f->line != 0))
				add(sv, L_CREATED_FILE, 0);
		}
	}
	v->lines = sv->n;
	return TUI_NEXT_REDRAW;
}

static int
stack_open(struct tui_view *v)
{
	stack_refresh(v);
	return 0;
}

static void
stack_done(struct tui_view *v)
{
	struct stackv *sv = v->priv;

	free(sv->v);
}

static void
stack_title(struct tui_view *v, struct tui_line *l)
{
	struct stackv *sv = v->priv;
	const struct tui_selection *sel = &v->ctx->sel;

	if (sv->g == NULL) {
		tui_line_lit(l, TUI_ROLE_TITLE, " Stack");
		return;
	}
	if (sel->grouped)
		tui_line_printf(l, TUI_ROLE_TITLE, " Stack of %llu goroutine%s (group %zu/%zu)",
		                (unsigned long long)sel->group_goroutines,
		                sel->group_goroutines == 1 ? "" : "s", sel->pos, sel->total);
	else
		tui_line_printf(l, TUI_ROLE_TITLE, " Stack of goroutine %llu",
		                (unsigned long long)sv->g->id);
	{
		size_t depth = gx_store_stack_depth(v->ctx->store, sv->gs.stack);

		tui_line_printf(l, TUI_ROLE_TITLE, "  %zu frame%s", depth, depth == 1 ? "" : "s");
	}
}

static void
draw_location(struct tui_line *l, const struct gx_store *s, const struct gx_frame_rec *f)
{
	size_t len;
	const char *file = gx_store_str(s, f->file, &len);

	tui_line_lit(l, TUI_ROLE_DEFAULT, "        ");
	tui_line_text(l, TUI_ROLE_LOCATION, file, len);
	tui_line_printf(l, TUI_ROLE_LOCATION, ":%u", f->line);
	if (f->offset != 0)
		tui_line_printf(l, TUI_ROLE_DIM, " +0x%x", f->offset);
}

static void
draw_header(struct tui_view *v, struct tui_line *l)
{
	struct stackv *sv = v->priv;
	const struct gx_store *s = v->ctx->store;
	const struct gx_goroutine_rec *g = sv->g;
	const struct tui_gstate *gs = &sv->gs;
	enum tui_role sr = tui_state_role(gs->state);
	struct gx_buf b = { 0 };
	size_t len;
	const char *reason = gx_store_str(s, gs->reason, &len);

	tui_line_printf(l, TUI_ROLE_USER_FRAME, " goroutine %llu", (unsigned long long)g->id);
	tui_line_lit(l, TUI_ROLE_DEFAULT, "  ");
	tui_line_lit(l, sr, gx_gstate_name((enum gx_gstate)gs->state));
	if (len > 0) {
		tui_line_lit(l, TUI_ROLE_DEFAULT, " [");
		tui_line_text(l, sr, reason, len);
		tui_line_lit(l, TUI_ROLE_DEFAULT, "]");
	}
	tui_format_wait(&b, gs->wait_ns,
	                gs->at_cursor ? (gs->since_start ? GX_G_WAIT_BEFORE_START : 0u) : g->flags,
	                v->ctx);
	if (b.len > 0)
		tui_line_printf(l, TUI_ROLE_DEFAULT, " for %s", b.data);
	if (gs->at_cursor) {
		const struct gx_store_meta *m = gx_store_meta(s);
		int64_t t0 = m != NULL ? m->start_ns : 0;

		gx_buf_reset(&b);
		gx_text_timestamp(&b, v->ctx->cursor_ns - t0);
		tui_line_printf(l, TUI_ROLE_DEFAULT, " at %s", b.data);
		if (gs->stack != 0 && gs->stack_ns != GX_TIME_NONE) {
			/* the span had no stack: the last one recorded before */
			gx_buf_reset(&b);
			gx_text_timestamp(&b, gs->stack_ns - t0);
			tui_line_printf(l, TUI_ROLE_DIM, "  (stack as of %s)", b.data);
		}
	}
	gx_buf_free(&b);
	if (g->flags & GX_G_LOCKED)
		tui_line_lit(l, TUI_ROLE_DIM, "  locked to thread");
	if (g->flags & GX_G_SYSTEM)
		tui_line_lit(l, TUI_ROLE_DIM, "  runtime goroutine");
	if (g->flags & GX_G_LEAKED)
		tui_line_lit(l, TUI_ROLE_ERROR, "  leaked");
	if (g->flags & GX_G_SYNCTEST)
		tui_line_lit(l, TUI_ROLE_DIM, "  synctest bubble");
}

static void
draw_group(struct tui_view *v, struct tui_line *l)
{
	const struct tui_selection *sel = &v->ctx->sel;
	const struct gx_store *s = v->ctx->store;
	size_t i;

	tui_line_printf(l, TUI_ROLE_COUNT_BADGE, " %s%llu", v->ctx->glyphs->times,
	                (unsigned long long)sel->group_goroutines);
	tui_line_lit(l, TUI_ROLE_DEFAULT, " goroutines:");
	/* Only what fits is drawn; stop once past the right edge. */
	for (i = 0; i < sel->nmembers && l->col - l->skip < l->width; i++) {
		const struct gx_goroutine_rec *g = gx_store_goroutine(s, sel->members[i]);

		if (g != NULL)
			tui_line_printf(l, TUI_ROLE_DEFAULT, " %llu", (unsigned long long)g->id);
	}
}

static void
stack_draw_line(struct tui_view *v, struct tui_line *l, size_t lineno)
{
	struct stackv *sv = v->priv;
	const struct gx_store *s = v->ctx->store;
	const struct sline *sl = &sv->v[lineno];
	const struct gx_frame_rec *f = NULL;
	const char *str;
	size_t len;

	switch (sl->kind) {
	case L_HEADER:
		draw_header(v, l);
		return;
	case L_LABELS:
		str = gx_store_str(s, sv->g->labels, &len);
		tui_line_lit(l, TUI_ROLE_DIM, " labels: ");
		tui_line_text(l, TUI_ROLE_DEFAULT, str, len);
		return;
	case L_GROUP:
		draw_group(v, l);
		return;
	case L_BLANK:
		return;
	case L_NOSTACK:
		tui_line_lit(l, TUI_ROLE_DIM, "  (no stack recorded)");
		return;
	case L_ELIDED:
		tui_line_lit(l, TUI_ROLE_DIM, "  ...additional frames elided...");
		return;
	case L_FUNC:
	case L_FILE:
		f = gx_store_stack_frame(s, sv->gs.stack, sl->i);
		break;
	case L_CREATED:
	case L_CREATED_FILE:
		f = gx_store_stack_frame(s, sv->g->create_stack, 0);
		break;
	}
	if (sl->kind == L_CREATED) {
		tui_line_lit(l, TUI_ROLE_CREATED_BY, "  created by ");
		if (f != NULL) {
			str = gx_store_str(s, f->func, &len);
			tui_line_text(l, TUI_ROLE_CREATED_BY, str, len);
		} else {
			tui_line_lit(l, TUI_ROLE_DIM, "?");
		}
		if (sv->g->creator_id != 0)
			tui_line_printf(l, TUI_ROLE_CREATED_BY, " in goroutine %llu",
			                (unsigned long long)sv->g->creator_id);
		return;
	}
	if (f == NULL)
		return;
	if (sl->kind == L_FILE || sl->kind == L_CREATED_FILE) {
		draw_location(l, s, f);
		return;
	}
	{
		enum tui_role r = (f->flags & GX_FRAME_RUNTIME) ? TUI_ROLE_RUNTIME_FRAME
		                  : f == sv->top ? TUI_ROLE_TOP_FRAME : TUI_ROLE_USER_FRAME;

		tui_line_lit(l, TUI_ROLE_TOP_FRAME, " ");
		tui_line_lit(l, TUI_ROLE_TOP_FRAME, f == sv->top ? v->ctx->glyphs->marker : " ");
		str = gx_store_str(s, f->func, &len);
		tui_line_text(l, r, str, len);
		str = gx_store_str(s, f->args, &len);
		if (len > 0)
			tui_line_text(l, (f->flags & GX_FRAME_RUNTIME) ? TUI_ROLE_RUNTIME_FRAME
			                                               : TUI_ROLE_ARGS, str, len);
		if (f->flags & GX_FRAME_INLINED)
			tui_line_lit(l, TUI_ROLE_DIM, "  (inlined)");
	}
}

const struct tui_view_ops tui_stack_ops = {
	.name = "stack",
	.flags = 0,
	.private_size = sizeof(struct stackv),
	.open = stack_open,
	.title = stack_title,
	.draw_line = stack_draw_line,
	.request = tui_view_request,
	.selection_changed = stack_refresh,
	.done = stack_done,
};
