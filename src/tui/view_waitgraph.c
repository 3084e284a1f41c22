/* view_waitgraph: the wait graph as a tree. The roots are a summary line,
 * each wait-for cycle, each stuck goroutine and each blocked goroutine
 * whose fate the input does not tell; a goroutine expands to the resource
 * it waits for, a resource to the goroutines that could release it (each
 * edge with its evidence and strength) and its other waiters, and so on.
 * Children are made when a node is first expanded; a goroutine already on
 * the path from the root is named, not expanded again.
 *
 * Also the TUI's access to the analysis (built once, on first use). */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/query_deadlock.h"
#include "gotrex/text.h"
#include "gotrex/tui_bar.h"
#include "gotrex/tui_view.h"
#include "gotrex/waitgraph.h"

/* ------------------------------------------------------------------ */
/* The analysis, shared by the pane and the query bar */

struct gx_waitgraph *
tui_ctx_waitgraph(struct tui_ctx *c)
{
	if (c->wg == NULL)
		c->wg = c->join != NULL ? gx_waitgraph_build_joined(c->store, c->join)
		                        : gx_waitgraph_build(c->store);
	return c->wg;
}

const struct gx_query_deadlock *
tui_ctx_deadlock_hook(struct tui_ctx *c)
{
	if (c->qdl == NULL) {
		c->qdl = xcalloc(1, sizeof(*c->qdl));
		gx_query_dl_init(c->qdl, tui_ctx_waitgraph(c));
	}
	return &c->qdl->hook;
}

void
tui_ctx_free_analysis(struct tui_ctx *c)
{
	tui_filter_clear(c);
	free(c->marks);
	c->marks = NULL;
	c->nmarked = 0;
	if (c->qdl != NULL) {
		gx_query_dl_free(c->qdl);
		free(c->qdl);
		c->qdl = NULL;
	}
	gx_waitgraph_free(c->wg);
	c->wg = NULL;
}

/* ------------------------------------------------------------------ */
/* The tree */

enum nkind {
	N_SUMMARY,     /* the deadlock in one line */
	N_CYCLE,
	N_G,           /* a goroutine (see enum role) */
	N_RES,         /* the resource its parent goroutine waits for */
	N_INFO,        /* a line of text about the parent */
};

enum role {
	R_STUCK,       /* root: in the stuck set */
	R_UNDET,       /* root: blocked, undetermined */
	R_MEMBER,      /* in a cycle */
	R_RELEASER,    /* could release the parent resource (edge e) */
	R_WAITER,      /* waits for the parent resource too */
};

#define WAITERS_SHOWN 50

struct node {
	uint8_t kind;      /* enum nkind */
	uint8_t role;      /* enum role, for N_G */
	bool expanded;
	bool made;         /* children made */
	uint16_t depth;
	uint32_t parent;   /* node index, GX_NONE32 for a root */
	uint32_t g;        /* goroutine, GX_NONE32 */
	uint32_t r;        /* N_RES: the resource; R_RELEASER: the edge's resource */
	uint32_t e;        /* R_RELEASER: edge index in gx_wg_edges(r) */
	uint32_t cycle;    /* N_CYCLE */
	uint32_t first, n; /* children: nodes[first .. first+n) */
	char *text;        /* N_INFO: owned */
};

struct wgview {
	struct gx_waitgraph *w;   /* borrowed from the ctx */
	bool ascii;
	struct node *nodes;
	size_t nnodes, cap;
	size_t nroots;            /* roots are nodes[0 .. nroots) */
	uint32_t *vis;            /* visible nodes in display order */
	size_t nvis, viscap;
	struct gx_buf tmp;
};

static uint32_t
add_node(struct wgview *wv, struct node nd)
{
	gx_grow(&wv->nodes, &wv->cap, wv->nnodes + 1, sizeof(*wv->nodes));
	wv->nodes[wv->nnodes] = nd;
	return (uint32_t)wv->nnodes++;
}

static struct node
mk(enum nkind k, uint32_t parent, uint16_t depth)
{
	return (struct node){ .kind = (uint8_t)k, .parent = parent, .depth = depth,
	                      .g = GX_NONE32, .r = GX_NONE32, .e = GX_NONE32,
	                      .cycle = GX_NONE32 };
}

/* Is goroutine g node i or one of its ancestors? */
static bool
on_path(const struct wgview *wv, uint32_t i, uint32_t g)
{
	while (i != GX_NONE32) {
		const struct node *n = &wv->nodes[i];

		if (n->kind == N_G && n->g == g)
			return true;
		i = n->parent;
	}
	return false;
}

/* Whether node i would have children (without making them). */
static bool
expandable(const struct wgview *wv, uint32_t i)
{
	const struct node *n = &wv->nodes[i];
	const struct gx_wg_goroutine *x;

	switch ((enum nkind)n->kind) {
	case N_CYCLE:
	case N_RES:
		return true;
	case N_G:
		if (n->role == R_RELEASER || n->role == R_STUCK)
			return true;  /* the evidence, the proof */
		if (n->g == GX_NONE32)
			return false;
		if (n->parent != GX_NONE32 && on_path(wv, n->parent, n->g))
			return false;
		x = gx_wg_goroutine(wv->w, n->g);
		return x != NULL && x->kind != GX_WAIT_NONE;
	default:
		return false;
	}
}

static void
add_info(struct wgview *wv, uint32_t parent, uint16_t depth, char *text)
{
	struct node nd = mk(N_INFO, parent, depth);

	nd.text = text;
	add_node(wv, nd);
}

/* Make node i's children (appended contiguously). */
static void
make_children(struct wgview *wv, uint32_t i)
{
	struct node n = wv->nodes[i];
	const struct gx_deadlock *dl = gx_wg_deadlock(wv->w);
	uint16_t d = (uint16_t)(n.depth + 1);
	size_t first = wv->nnodes, k;

	if (n.made)
		return;
	switch ((enum nkind)n.kind) {
	case N_CYCLE: {
		const struct gx_wg_cycle *cy = &dl->cycles[n.cycle];

		for (k = 0; k < cy->count; k++) {
			struct node c = mk(N_G, i, d);

			c.g = dl->cycle_members[cy->first + k];
			c.role = R_MEMBER;
			add_node(wv, c);
		}
		break;
	}
	case N_G: {
		const struct gx_wg_goroutine *x = gx_wg_goroutine(wv->w, n.g);

		if (n.role == R_RELEASER) {
			/* the edge's evidence in full, then (unless it is on the
			 * path already) what the releaser waits for itself */
			size_t ne = 0;
			const struct gx_wg_edge *e = gx_wg_edges(wv->w, n.r, &ne);

			if (n.e < ne) {
				struct gx_buf b = { 0 };

				gx_wg_describe_edge(wv->w, &e[n.e], &b, wv->ascii);
				add_info(wv, i, d, gx_buf_take(&b));
			}
			if (x == NULL || on_path(wv, n.parent, n.g))
				break;
		}
		if (x == NULL)
			break;
		if (n.role == R_STUCK)
			add_info(wv, i, d, xasprintf("stuck: %s (%s)",
			                             gx_wg_proof_name((enum gx_wg_proof)x->proof),
			                             gx_wg_proof_is_proven((enum gx_wg_proof)x->proof) ?
			                             "proven" : "inferred"));
		if (x->resource != GX_NONE32) {
			struct node c = mk(N_RES, i, d);

			c.g = n.g;
			c.r = x->resource;
			add_node(wv, c);
		} else if (x->opaque) {
			add_info(wv, i, d, xstrdup("blocked; the input gives neither its stack nor its reason"));
		} else {
			add_info(wv, i, d, xasprintf("waits: %s (%s)",
			                             gx_wait_kind_name((enum gx_wait_kind)x->kind),
			                             gx_wg_status_name((enum gx_wg_status)x->status)));
		}
		if (x->status == GX_WG_UNDETERMINED && !x->opaque)
			add_info(wv, i, d, xasprintf("undetermined: %s",
			                             gx_wg_undetermined_why((enum gx_wg_undetermined)x->undetermined)));
		else if (x->possible_timer)
			add_info(wv, i, d, xstrdup("the receiving function takes no arguments: "
			                           "the channel may be a timer's"));
		break;
	}
	case N_RES: {
		const struct gx_wg_resource *r = gx_wg_resource(wv->w, n.r);
		size_t ne = 0, nw = 0, shown = 0;
		const struct gx_wg_edge *e = gx_wg_edges(wv->w, n.r, &ne);
		const uint32_t *wt = gx_wg_waiters(wv->w, n.r, &nw);

		for (k = 0; k < ne; k++) {
			struct node c = mk(N_G, i, d);

			c.g = e[k].g;
			c.r = n.r;
			c.e = (uint32_t)k;
			c.role = R_RELEASER;
			add_node(wv, c);
		}
		if (ne == 0)
			add_info(wv, i, d, xstrdup("nobody in the input could release it"));
		else if (r != NULL && r->releasers > ne)
			add_info(wv, i, d, xasprintf("... and %" PRIu32 " more that could release it",
			                             r->releasers - (uint32_t)ne));
		for (k = 0; k < nw; k++) {
			struct node c = mk(N_G, i, d);

			if (wt[k] == n.g)
				continue;
			if (shown == WAITERS_SHOWN) {
				add_info(wv, i, d, xasprintf("... and %zu more waiting for it", nw - k));
				break;
			}
			c.g = wt[k];
			c.role = R_WAITER;
			add_node(wv, c);
			shown++;
		}
		break;
	}
	default:
		break;
	}
	wv->nodes[i].made = true;
	wv->nodes[i].first = (uint32_t)first;
	wv->nodes[i].n = (uint32_t)(wv->nnodes - first);
}

/* The visible nodes, depth first into expanded nodes. */
static void
visit(struct wgview *wv, uint32_t i)
{
	const struct node *n;
	uint32_t k;

	gx_grow(&wv->vis, &wv->viscap, wv->nvis + 1, sizeof(*wv->vis));
	wv->vis[wv->nvis++] = i;
	n = &wv->nodes[i];
	if (!n->expanded)
		return;
	for (k = 0; k < n->n; k++)
		visit(wv, n->first + k);
}

static void
relist(struct tui_view *v)
{
	struct wgview *wv = v->priv;
	size_t i;

	wv->nvis = 0;
	for (i = 0; i < wv->nroots; i++)
		visit(wv, (uint32_t)i);
	v->lines = wv->nvis;
}

static void
set_expanded(struct wgview *wv, uint32_t i, bool on)
{
	if (on) {
		if (!expandable(wv, i))
			return;
		make_children(wv, i);
	}
	wv->nodes[i].expanded = on;
}

static int
wg_open(struct tui_view *v)
{
	struct wgview *wv = v->priv;
	const struct gx_deadlock *dl;
	size_t i;

	wv->w = tui_ctx_waitgraph(v->ctx);
	wv->ascii = v->ctx->ascii;
	if (wv->w == NULL)
		return -1;
	dl = gx_wg_deadlock(wv->w);
	add_node(wv, mk(N_SUMMARY, GX_NONE32, 0));
	for (i = 0; dl != NULL && i < dl->ncycles; i++) {
		struct node c = mk(N_CYCLE, GX_NONE32, 0);

		c.cycle = (uint32_t)i;
		add_node(wv, c);
	}
	for (i = 0; dl != NULL && i < dl->nstuck; i++) {
		struct node c = mk(N_G, GX_NONE32, 0);

		c.g = dl->stuck[i];
		c.role = R_STUCK;
		add_node(wv, c);
	}
	for (i = 0; dl != NULL && i < dl->nundetermined; i++) {
		struct node c = mk(N_G, GX_NONE32, 0);

		c.g = dl->undetermined[i];
		c.role = R_UNDET;
		add_node(wv, c);
	}
	wv->nroots = wv->nnodes;
	/* the cycles open: their members are the first thing to see */
	for (i = 0; i < wv->nroots; i++)
		if (wv->nodes[i].kind == N_CYCLE)
			set_expanded(wv, (uint32_t)i, true);
	relist(v);
	return 0;
}

static void
wg_done(struct tui_view *v)
{
	struct wgview *wv = v->priv;
	size_t i;

	for (i = 0; i < wv->nnodes; i++)
		free(wv->nodes[i].text);
	free(wv->nodes);
	free(wv->vis);
	gx_buf_free(&wv->tmp);
}

static void
wg_title(struct tui_view *v, struct tui_line *l)
{
	struct wgview *wv = v->priv;
	const struct gx_deadlock *dl = gx_wg_deadlock(wv->w);
	size_t nj = 0;

	tui_line_lit(l, TUI_ROLE_TITLE, " Wait graph");
	if (dl != NULL && dl->found)
		tui_line_printf(l, TUI_ROLE_TITLE, ": %zu stuck, %zu cycle%s", dl->nstuck,
		                dl->ncycles, dl->ncycles == 1 ? "" : "s");
	if (gx_wg_joined_store(wv->w, &nj) != NULL)
		tui_line_printf(l, TUI_ROLE_TITLE, "  joined with the dump: %zu goroutine%s", nj,
		                nj == 1 ? "" : "s");
	tui_line_lit(l, TUI_ROLE_TITLE, "  (+/- expand, collapse)");
}

static const char *
arrow(const struct tui_ctx *c)
{
	return c->ascii ? "->" : "\xe2\x86\x92"; /* → */
}

/* "G24 sync.Mutex.Lock in main.lockAThenB" */
static void
draw_goroutine(struct tui_view *v, struct tui_line *l, uint32_t g)
{
	struct wgview *wv = v->priv;
	const struct gx_store *s = v->ctx->store;
	const struct gx_goroutine_rec *gr = gx_store_goroutine(s, g);
	const struct gx_wg_goroutine *x = gx_wg_goroutine(wv->w, g);
	size_t len;
	const char *str;

	if (gr == NULL || x == NULL) {
		tui_line_lit(l, TUI_ROLE_DIM, "?");
		return;
	}
	tui_line_printf(l, TUI_ROLE_USER_FRAME, "G%" PRIu64, gr->id);
	if (gr->count > 1)
		tui_line_printf(l, TUI_ROLE_COUNT_BADGE, " %s%" PRIu32, v->ctx->glyphs->times,
		                gr->count);
	tui_line_lit(l, TUI_ROLE_DEFAULT, " ");
	str = gx_store_str(s, gr->reason, &len);
	if (len > 0)
		tui_line_text(l, tui_state_role(gr->state), str, len);
	else
		tui_line_lit(l, tui_state_role(gr->state), x->kind != GX_WAIT_NONE ?
		             gx_wait_kind_name((enum gx_wait_kind)x->kind) :
		             gx_gstate_name((enum gx_gstate)gr->state));
	tui_line_lit(l, TUI_ROLE_DEFAULT, " in ");
	gx_buf_reset(&wv->tmp);
	gx_wg_describe_site(wv->w, g, &wv->tmp, v->ctx->ascii);
	tui_line_lit(l, TUI_ROLE_USER_FRAME, wv->tmp.data != NULL ? wv->tmp.data : "?");
}

static void
draw_cycle(struct tui_view *v, struct tui_line *l, const struct node *n)
{
	struct wgview *wv = v->priv;
	const struct gx_deadlock *dl = gx_wg_deadlock(wv->w);
	const struct gx_wg_cycle *cy = &dl->cycles[n->cycle];
	uint32_t k;

	tui_line_printf(l, TUI_ROLE_ERROR, "cycle %" PRIu32, n->cycle + 1);
	tui_line_printf(l, TUI_ROLE_DIM, " (%s): ", cy->weak ? "inferred from weak hints" : "inferred");
	for (k = 0; k < cy->count && l->col - l->skip < l->width; k++) {
		const struct gx_goroutine_rec *gr =
			gx_store_goroutine(v->ctx->store, dl->cycle_members[cy->first + k]);

		if (gr != NULL)
			tui_line_printf(l, TUI_ROLE_USER_FRAME, "G%" PRIu64 " %s ", gr->id, arrow(v->ctx));
	}
	if (cy->count > 0) {
		const struct gx_goroutine_rec *gr =
			gx_store_goroutine(v->ctx->store, dl->cycle_members[cy->first]);

		if (gr != NULL)
			tui_line_printf(l, TUI_ROLE_USER_FRAME, "G%" PRIu64, gr->id);
	}
}

static void
draw_summary(struct tui_view *v, struct tui_line *l)
{
	struct wgview *wv = v->priv;
	const struct gx_deadlock *dl = gx_wg_deadlock(wv->w);
	struct gx_buf b = { 0 };

	if (dl == NULL || !dl->found) {
		tui_line_lit(l, TUI_ROLE_DEFAULT, "no deadlock: no goroutine is stuck for good");
		if (dl != NULL && dl->nundetermined > 0)
			tui_line_printf(l, TUI_ROLE_DIM, " (%zu blocked, undetermined)", dl->nundetermined);
		return;
	}
	tui_line_printf(l, TUI_ROLE_ERROR, "deadlock: %" PRIu64 " goroutine%s stuck",
	                dl->stuck_goroutines, dl->stuck_goroutines == 1 ? "" : "s");
	if (dl->ncycles > 0)
		tui_line_printf(l, TUI_ROLE_ERROR, ", %zu wait-for cycle%s", dl->ncycles,
		                dl->ncycles == 1 ? "" : "s");
	if (dl->runtime_reported)
		tui_line_lit(l, TUI_ROLE_DIM, " (the runtime said so)");
	tui_line_printf(l, TUI_ROLE_DIM, "  fingerprint %s", dl->fingerprint);
	if (dl->deadlock_ns != GX_TIME_NONE) {
		const struct gx_store_meta *m = gx_store_meta(v->ctx->store);

		if (dl->before_start) {
			tui_line_lit(l, TUI_ROLE_DIM, "  before the trace began (D)");
		} else if (m != NULL && m->start_ns != GX_TIME_NONE && dl->deadlock_ns >= m->start_ns) {
			gx_text_duration(&b, dl->deadlock_ns - m->start_ns, v->ctx->ascii);
			tui_line_printf(l, TUI_ROLE_DIM, "  at %s into the trace (D)", b.data);
		}
	}
	gx_buf_free(&b);
}

static void
wg_draw_line(struct tui_view *v, struct tui_line *l, size_t lineno)
{
	struct wgview *wv = v->priv;
	uint32_t i = wv->vis[lineno];
	const struct node *n = &wv->nodes[i];
	const struct gx_wg_goroutine *x;
	const char *sign;

	tui_line_pad(l, TUI_ROLE_DEFAULT, 1 + 2 * n->depth);
	if (expandable(wv, i))
		sign = n->expanded ? (v->ctx->ascii ? "- " : "\xe2\x96\xbe ")    /* ▾ */
		                   : (v->ctx->ascii ? "+ " : "\xe2\x96\xb8 ");   /* ▸ */
	else
		sign = "  ";
	tui_line_lit(l, TUI_ROLE_DIM, sign);
	switch ((enum nkind)n->kind) {
	case N_SUMMARY:
		draw_summary(v, l);
		return;
	case N_CYCLE:
		draw_cycle(v, l, n);
		return;
	case N_INFO:
		tui_line_lit(l, TUI_ROLE_DIM, n->text);
		return;
	case N_RES:
		gx_buf_reset(&wv->tmp);
		gx_wg_describe_resource(wv->w, n->r, &wv->tmp, v->ctx->ascii);
		tui_line_lit(l, TUI_ROLE_DEFAULT, "waits for ");
		tui_line_lit(l, TUI_ROLE_WAITING, wv->tmp.data != NULL ? wv->tmp.data : "?");
		{
			size_t nw = 0;

			gx_wg_waiters(wv->w, n->r, &nw);
			if (nw > 1)
				tui_line_printf(l, TUI_ROLE_DIM, "  (%zu waiters)", nw);
		}
		return;
	case N_G:
		break;
	}
	switch ((enum role)n->role) {
	case R_RELEASER: {
		size_t ne = 0;
		const struct gx_wg_edge *e = gx_wg_edges(wv->w, n->r, &ne);

		/* who, then the evidence's kind and strength (the full
		 * evidence is its first child) */
		tui_line_lit(l, TUI_ROLE_DIM, "released by ");
		if (n->g != GX_NONE32)
			draw_goroutine(v, l, n->g);
		else
			tui_line_lit(l, TUI_ROLE_DEFAULT, "the runtime");
		if (n->e < ne)
			tui_line_printf(l, e[n->e].strength == GX_STRENGTH_WEAK ? TUI_ROLE_DIM
			                                                        : TUI_ROLE_WARNING,
			                " [%s, %s]",
			                gx_evidence_name((enum gx_evidence)e[n->e].evidence),
			                gx_strength_name((enum gx_strength)e[n->e].strength));
		if (n->g != GX_NONE32 && on_path(wv, n->parent, n->g))
			tui_line_lit(l, TUI_ROLE_DIM, "  (above)");
		return;
	}
	case R_WAITER:
		tui_line_lit(l, TUI_ROLE_DIM, "also waiting: ");
		draw_goroutine(v, l, n->g);
		return;
	default:
		break;
	}
	draw_goroutine(v, l, n->g);
	x = gx_wg_goroutine(wv->w, n->g);
	if (x == NULL)
		return;
	if (n->role == R_STUCK) {
		tui_line_lit(l, TUI_ROLE_ERROR, "  stuck");
		tui_line_printf(l, TUI_ROLE_DIM, " (%s)",
		                gx_wg_proof_is_proven((enum gx_wg_proof)x->proof) ? "proven" : "inferred");
	} else if (n->role == R_UNDET) {
		tui_line_lit(l, TUI_ROLE_WARNING, "  undetermined");
	}
}

/* Publish the node's goroutine as the selection. */
static unsigned
wg_select(struct tui_view *v)
{
	struct wgview *wv = v->priv;
	uint32_t g;

	if (v->cur >= wv->nvis)
		return TUI_NEXT_REDRAW;
	g = wv->nodes[wv->vis[v->cur]].g;
	if (g == GX_NONE32 || g == v->ctx->sel.g)
		return TUI_NEXT_REDRAW;
	v->ctx->sel.g = g;
	return TUI_NEXT_SELECT | TUI_NEXT_REDRAW;
}

/* Another pane selected a goroutine: go to its first visible node. */
static unsigned
wg_selection_changed(struct tui_view *v)
{
	struct wgview *wv = v->priv;
	uint32_t g = v->ctx->sel.g;
	size_t k;

	if (g == GX_NONE32 || (v->cur < wv->nvis && wv->nodes[wv->vis[v->cur]].g == g))
		return TUI_NEXT_NONE;
	for (k = 0; k < wv->nvis; k++) {
		if (wv->nodes[wv->vis[k]].g == g) {
			v->cur = k;
			if (v->cur < v->top || v->cur >= v->top + (size_t)tui_view_body_rows(v))
				v->top = v->cur;
			return TUI_NEXT_REDRAW;
		}
	}
	return TUI_NEXT_NONE;
}

static unsigned
toggle(struct tui_view *v, int how)
{
	struct wgview *wv = v->priv;
	uint32_t i;

	if (v->cur >= wv->nvis)
		return TUI_NEXT_NONE;
	i = wv->vis[v->cur];
	if (how < 0 && !wv->nodes[i].expanded) {
		/* collapsing a leaf or a closed node goes to its parent */
		uint32_t p = wv->nodes[i].parent;
		size_t k;

		if (p == GX_NONE32)
			return TUI_NEXT_NONE;
		for (k = 0; k < wv->nvis; k++)
			if (wv->vis[k] == p)
				return tui_view_set_cur(v, k);
		return TUI_NEXT_NONE;
	}
	if (how > 0 && wv->nodes[i].expanded) {
		/* already open: step to the first child */
		return wv->nodes[i].n > 0 ? tui_view_set_cur(v, v->cur + 1) : TUI_NEXT_NONE;
	}
	if (how == 0)
		how = wv->nodes[i].expanded ? -1 : 1;
	if (how > 0 && !expandable(wv, i))
		return TUI_NEXT_NONE;
	set_expanded(wv, i, how > 0);
	relist(v);
	return TUI_NEXT_REDRAW;
}

static unsigned
wg_request(struct tui_view *v, enum tui_request req)
{
	switch (req) {
	case TUI_REQ_EXPAND:
	case TUI_REQ_SCROLL_RIGHT:
		return v->focused ? toggle(v, 1) : TUI_NEXT_UNHANDLED;
	case TUI_REQ_COLLAPSE:
	case TUI_REQ_SCROLL_LEFT:
		return v->focused ? toggle(v, -1) : TUI_NEXT_UNHANDLED;
	case TUI_REQ_ENTER:
		return v->focused ? toggle(v, 0) : TUI_NEXT_UNHANDLED;
	default:
		return v->focused ? tui_view_request(v, req) : TUI_NEXT_UNHANDLED;
	}
}

const struct tui_view_ops tui_waitgraph_ops = {
	.name = "wait-graph",
	.flags = TUI_VIEW_CURSOR,
	.private_size = sizeof(struct wgview),
	.open = wg_open,
	.title = wg_title,
	.draw_line = wg_draw_line,
	.request = wg_request,
	.select = wg_select,
	.selection_changed = wg_selection_changed,
	.done = wg_done,
};
