/* report: the deadlock report in text, JSON and OpenMetrics. */
#include "config.h"

#include "gotrex/report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/group.h"
#include "gotrex/input.h"
#include "gotrex/store.h"
#include "gotrex/text.h"
#include "gotrex/util.h"
#include "gotrex/waitgraph.h"

#define DEFAULT_WINDOW_NS 10000000 /* 10 ms */
#define WINDOW_SPANS_MAX 20        /* spans shown per goroutine in the window */
#define TEXT_RELEASERS_MAX 3       /* releaser lines per stuck goroutine */
#define JSON_RELEASERS_MAX 16

bool
gx_report_any_deadlock(const struct gx_report_input *in, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (gx_wg_deadlock(in[i].w)->found)
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* Shared bits */

/* A trace time as the report shows it: from the trace's first event
 * (Go's own clock starts anywhere, such as at boot). */
static int64_t
rel_ns(const struct gx_store *s, int64_t ns)
{
	const struct gx_store_meta *m = gx_store_meta(s);

	if (m == NULL || ns == GX_TIME_NONE ||
	    (m->format != GX_FMT_TRACE_V2 && m->format != GX_FMT_TRACE_V1) || ns < m->start_ns)
		return ns;
	return ns - m->start_ns;
}

static const struct gx_goroutine_rec *
grec(const struct gx_waitgraph *w, uint32_t g)
{
	return gx_store_goroutine(gx_wg_store(w), g);
}

static void
esc_str(struct gx_buf *out, const struct gx_store *s, gx_str id, bool ascii)
{
	size_t n;
	const char *p = gx_store_str(s, id, &n);

	gx_text_escape(out, p, n, ascii);
}

static void
json_str(struct gx_buf *out, const struct gx_store *s, gx_str id)
{
	size_t n;
	const char *p = gx_store_str(s, id, &n);

	gx_text_json_string(out, p, n);
}

static void
json_cstr(struct gx_buf *out, const char *p)
{
	gx_text_json_string(out, p, strlen(p));
}

/* The edge of resource r to goroutine g, or NULL (edges are capped). */
static const struct gx_wg_edge *
edge_to(const struct gx_waitgraph *w, uint32_t r, uint32_t g)
{
	size_t n;
	const struct gx_wg_edge *e = gx_wg_edges(w, r, &n);
	const struct gx_wg_edge *best = NULL;

	for (size_t i = 0; i < n; i++)
		if (e[i].g == g && (best == NULL || e[i].strength < best->strength ||
		                    (e[i].strength == best->strength && e[i].evidence < best->evidence)))
			best = &e[i];
	return best;
}

static const char *
release_verb(const struct gx_waitgraph *w, uint32_t r)
{
	const struct gx_wg_resource *R = gx_wg_resource(w, r);

	if (R == NULL)
		return "released by";
	switch ((enum gx_res_kind)R->kind) {
	case GX_RES_MUTEX:
	case GX_RES_RW_WRITER:
	case GX_RES_RW_READERS:
		return "held by";
	case GX_RES_CHAN:
	case GX_RES_SELECT:
		return "to be served by";
	case GX_RES_WAITGROUP:
	case GX_RES_COND:
		return "to be signalled by";
	default:
		return "released by";
	}
}

/* "G123", or "#n" for a profile's n-th record (its id is made up). */
static void
put_gid(struct gx_buf *out, const struct gx_goroutine_rec *g)
{
	char id[32];

	if (!(g->flags & GX_G_SYNTH_ID))
		gx_buf_putc(out, 'G');
	gx_buf_puts(out, gx_store_format_id(g, id, sizeof(id)));
}

static void
put_wait(struct gx_buf *out, const struct gx_store *s, const struct gx_goroutine_rec *g, bool ascii)
{
	const struct gx_store_meta *meta = gx_store_meta(s);
	bool dump = meta != NULL && meta->format == GX_FMT_DUMP_TEXT;

	if ((g->flags & GX_G_WAIT_APPROX) || dump) {
		if (g->wait_ns <= 0)
			gx_buf_puts(out, "<1m");
		else {
			gx_text_duration(out, g->wait_ns, ascii);
			gx_buf_putc(out, '+');
		}
		return;
	}
	if (g->wait_ns > 0) {
		gx_text_duration(out, g->wait_ns, ascii);
		if (g->flags & GX_G_WAIT_BEFORE_START)
			gx_buf_putc(out, '+'); /* and before the trace began */
	} else {
		gx_buf_puts(out, "?");
	}
}



/* ------------------------------------------------------------------ */
/* Text */

/* Window events of the stuck goroutines, grouped by goroutine: copies
 * (the store's events are read a chunk at a time, never all at once). */
struct wev {
	uint32_t g;
	uint32_t i;           /* index in the event table: the order of ties */
	struct gx_event_rec ev;
};

static int
cmp_wev(const void *a, const void *b)
{
	const struct wev *x = a, *y = b;

	if (x->g != y->g)
		return x->g < y->g ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The events in [t - window, t] that concern a stuck goroutine: who woke
 * it, its logs and regions. */
static struct wev *
window_events(const struct gx_waitgraph *w, int64_t t, int64_t window, size_t *n)
{
	const struct gx_store *s = gx_wg_store(w);
	const struct gx_deadlock *dl = gx_wg_deadlock(w);
	size_t ng = gx_store_goroutine_count(s), cap = 0, got, at = 0;
	uint8_t *stuck = xcalloc(ng + 1, 1);
	struct wev *v = NULL;
	struct gx_event_cursor cur = { 0 };
	struct gx_event_rec *chunk = xmalloc(GX_EVENTS_CHUNK * sizeof *chunk);
	bool past = false;

	*n = 0;
	for (size_t i = 0; i < dl->nstuck; i++)
		if (dl->stuck[i] < ng)
			stuck[dl->stuck[i]] = 1;
	/* Events are in time order: up to t. */
	while (!past && (got = gx_store_events_read(s, &cur, chunk, GX_EVENTS_CHUNK)) > 0) {
		for (size_t i = 0; i < got; i++, at++) {
			const struct gx_event_rec *e = &chunk[i];
			uint32_t k = e->kind;

			if (e->ns > t) {
				past = true;
				break;
			}
			if (e->ns < t - window || e->g >= ng || !stuck[e->g])
				continue;
			if (k != GX_EV_UNBLOCK && k != GX_EV_LOG && k != GX_EV_REGION_BEGIN &&
			    k != GX_EV_REGION_END)
				continue;
			gx_grow(&v, &cap, *n + 1, sizeof *v);
			v[(*n)++] = (struct wev){ .g = e->g, .i = (uint32_t)at, .ev = *e };
		}
	}
	free(chunk);
	if (*n > 1)
		qsort(v, *n, sizeof *v, cmp_wev);
	free(stuck);
	return v;
}

/* One line of what a stuck goroutine did before the deadlock: a span it
 * entered (ev NULL), or an event about it (sp NULL). */
struct wstep {
	const struct gx_span_rec *sp;
	const struct gx_event_rec *ev;
	bool before;          /* a span that began before the window */
};

/* Walk what g did in [t - window, t]: its state changes, who woke it, its
 * logs and regions, in time order, the last WINDOW_SPANS_MAX of them; step
 * is called on each. Returns how many earlier ones were left out. */
static size_t
window_walk(const struct gx_waitgraph *w, uint32_t g, int64_t t, int64_t window,
            const struct wev *wv, size_t nwv, void (*step)(void *ctx, const struct wstep *st),
            void *ctx)
{
	const struct gx_store *s = gx_wg_store(w);
	size_t nsp, first = 0, lo = 0, hi = nwv, total = 0, skip, e, i, left_out;
	const struct gx_span_rec *sp = gx_store_spans(s, g, &nsp);

	while (first < nsp && sp[first].end_ns != GX_TIME_NONE && sp[first].end_ns < t - window)
		first++;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (wv[mid].g < g)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Keep the last WINDOW_SPANS_MAX steps: count them first. */
	for (size_t k = first; k < nsp && sp[k].start_ns <= t; k++)
		total++;
	for (size_t k = lo; k < nwv && wv[k].g == g; k++)
		total++;
	left_out = skip = total > WINDOW_SPANS_MAX ? total - WINDOW_SPANS_MAX : 0;
	for (e = lo, i = first; (i < nsp && sp[i].start_ns <= t) || (e < nwv && wv[e].g == g);) {
		bool span = i < nsp && sp[i].start_ns <= t &&
		            !(e < nwv && wv[e].g == g && wv[e].ev.ns <= sp[i].start_ns);
		struct wstep st = { NULL, NULL, false };

		if (span) {
			st.sp = &sp[i++];
			st.before = st.sp->start_ns < t - window;
		} else {
			st.ev = &wv[e++].ev;
		}
		if (skip > 0) {
			skip--;
			continue;
		}
		step(ctx, &st);
	}
	/* Nothing here keeps g's spans: do not hold every stuck
	 * goroutine's at once. */
	gx_store_spans_drop(s, g);
	return left_out;
}

struct text_step {
	struct gx_buf *out;
	const struct gx_store *s;
	bool ascii;
	size_t shown;
};

static void
text_step(void *ctx, const struct wstep *st)
{
	struct text_step *ts = ctx;
	struct gx_buf *out = ts->out;
	const struct gx_store *s = ts->s;
	bool ascii = ts->ascii;
	const struct gx_frame_rec *f;

	ts->shown++;
	gx_buf_puts(out, "        ");
	if (st->ev != NULL) {
		const struct gx_event_rec *e = st->ev;

		f = gx_top_user_frame(s, e->stack);
		gx_text_timestamp(out, rel_ns(s, e->ns));
		switch ((enum gx_event_kind)e->kind) {
		case GX_EV_UNBLOCK:
			if (e->arg0 != 0)
				gx_buf_printf(out, "  woken by G%" PRIu64, e->arg0);
			else
				gx_buf_puts(out, "  woken by the runtime (timer or network poller)");
			if (f != NULL) {
				gx_buf_puts(out, " in ");
				esc_str(out, s, f->func, ascii);
			}
			break;
		case GX_EV_LOG:
			gx_buf_puts(out, "  log ");
			esc_str(out, s, e->str, ascii);
			break;
		case GX_EV_REGION_BEGIN:
		case GX_EV_REGION_END:
			gx_buf_printf(out, "  region %s ", e->kind == GX_EV_REGION_BEGIN ? "begins" : "ends");
			esc_str(out, s, e->str, ascii);
			break;
		default:
			break;
		}
	} else {
		const struct gx_span_rec *sp = st->sp;
		size_t n;
		const char *r = gx_store_str(s, sp->reason, &n);

		f = gx_top_user_frame(s, sp->stack);
		gx_text_timestamp(out, rel_ns(s, sp->start_ns));
		gx_buf_printf(out, "  %s", sp->state < GX_G_STATE_COUNT
		              ? gx_gstate_name((enum gx_gstate)sp->state) : "?");
		if (n > 0) {
			gx_buf_puts(out, " (");
			gx_text_escape(out, r, n, ascii);
			gx_buf_putc(out, ')');
		}
		if (f != NULL) {
			gx_buf_puts(out, " in ");
			esc_str(out, s, f->func, ascii);
		}
		if (st->before)
			gx_buf_puts(out, " (since before the window)");
	}
	gx_buf_putc(out, '\n');
}

/* What g did in [t - window, t], as text. */
static void
text_window(struct gx_buf *out, const struct gx_waitgraph *w, uint32_t g, int64_t t,
            int64_t window, const struct wev *wv, size_t nwv, bool ascii)
{
	struct gx_buf lines = { 0 };
	struct text_step ts = { &lines, gx_wg_store(w), ascii, 0 };
	size_t left_out;

	gx_buf_puts(out, "      in the ");
	gx_text_duration(out, window, ascii);
	gx_buf_puts(out, " before the deadlock:\n");
	left_out = window_walk(w, g, t, window, wv, nwv, text_step, &ts);
	if (left_out > 0)
		gx_buf_printf(out, "        (%zu earlier line%s left out)\n", left_out,
		              left_out == 1 ? "" : "s");
	if (lines.len > 0)
		gx_buf_append(out, lines.data, lines.len);
	if (ts.shown == 0)
		gx_buf_puts(out, "        (nothing recorded)\n");
	gx_buf_free(&lines);
}

/* "chan receive in main.worker": the runtime's reason (else the wait's
 * kind) and the innermost user frame. */
static void
put_wait_site(struct gx_buf *out, const struct gx_waitgraph *w, uint32_t g, bool ascii)
{
	const struct gx_store *s = gx_wg_store(w);
	const struct gx_goroutine_rec *gr = grec(w, g);

	if (gr->reason != 0)
		esc_str(out, s, gr->reason, ascii);
	else
		gx_buf_puts(out, gx_wait_kind_name((enum gx_wait_kind)gx_wg_goroutine(w, g)->kind));
	gx_buf_puts(out, " in ");
	gx_wg_describe_site(w, g, out, ascii);
}

static void
text_one(struct gx_buf *out, const struct gx_report_input *in, const struct gx_report_opts *o)
{
	const struct gx_waitgraph *w = in->w;
	const struct gx_store *s = gx_wg_store(w);
	const struct gx_deadlock *dl = gx_wg_deadlock(w);
	const struct gx_store_meta *meta = gx_store_meta(s);
	bool ascii = o->ascii;
	int64_t window = o->window_ns > 0 ? o->window_ns : DEFAULT_WINDOW_NS;
	bool trace = meta != NULL && (meta->format == GX_FMT_TRACE_V2 || meta->format == GX_FMT_TRACE_V1);
	/* The deadlock is older than the trace, which shows nothing before it. */
	bool before = trace && dl->before_start;
	struct wev *wv = NULL;
	size_t nwv = 0;

	gx_text_escape(out, in->name, strlen(in->name), ascii);
	if (in->joined != NULL) {
		size_t nj;

		gx_wg_joined_store(w, &nj);
		gx_buf_puts(out, " + ");
		gx_text_escape(out, in->joined, strlen(in->joined), ascii);
		gx_buf_printf(out, " (joined: %zu goroutine%s in both)", nj, nj == 1 ? "" : "s");
	}
	if (!dl->found) {
		gx_buf_puts(out, ": no deadlock found: no goroutine is stuck");
		if (dl->nundetermined > 0)
			gx_buf_printf(out, " (%zu blocked goroutine%s undetermined)", dl->nundetermined,
			              dl->nundetermined == 1 ? "" : "s");
		gx_buf_puts(out, "\n");
	} else {
		gx_buf_printf(out, ": deadlock: %" PRIu64 " goroutine%s stuck", dl->stuck_goroutines,
		              dl->stuck_goroutines == 1 ? "" : "s");
		if (dl->ncycles > 0)
			gx_buf_printf(out, ", %zu wait-for cycle%s", dl->ncycles, dl->ncycles == 1 ? "" : "s");
		gx_buf_printf(out, "\nfingerprint: %s\n", dl->fingerprint);
	}
	if (dl->runtime_reported && meta != NULL) {
		gx_buf_puts(out, "the runtime said: ");
		esc_str(out, s, meta->headline, ascii);
		gx_buf_puts(out, "\n");
	}
	if (dl->deadlock_ns != GX_TIME_NONE && before) {
		gx_buf_puts(out, "deadlocked: before the trace began (every stuck goroutine was "
		                 "blocked already when it started");
		if (meta != NULL && meta->end_ns > meta->start_ns) {
			gx_buf_puts(out, "; it covers ");
			gx_text_duration(out, meta->end_ns - meta->start_ns, ascii);
		}
		gx_buf_puts(out, ")\n");
	} else if (dl->deadlock_ns != GX_TIME_NONE) {
		gx_buf_puts(out, "deadlocked at: ");
		gx_text_timestamp(out, rel_ns(s, dl->deadlock_ns));
		gx_buf_puts(out, " into the trace (when the last stuck goroutine blocked");
		if (meta != NULL && meta->end_ns >= dl->deadlock_ns) {
			gx_buf_puts(out, "; ");
			gx_text_duration(out, meta->end_ns - dl->deadlock_ns, ascii);
			gx_buf_puts(out, " before its end");
		}
		gx_buf_puts(out, ")\n");
		if (trace)
			wv = window_events(w, dl->deadlock_ns, window, &nwv);
	}

	for (size_t c = 0; c < dl->ncycles; c++) {
		const struct gx_wg_cycle *cy = &dl->cycles[c];
		const uint32_t *m = dl->cycle_members + cy->first;

		gx_buf_printf(out, "\ncycle %zu (%s):\n", c + 1,
		              cy->weak ? "inferred from weak hints" : "inferred");
		for (uint32_t i = 0; i < cy->count; i++) {
			uint32_t g = m[i], next = m[(i + 1) % cy->count];
			const struct gx_wg_goroutine *x = gx_wg_goroutine(w, g);
			const struct gx_wg_edge *e = edge_to(w, x->resource, next);

			if (i == 0)
				gx_buf_printf(out, "  G%" PRIu64 " waits for ", grec(w, g)->id);
			else
				gx_buf_puts(out, "  which waits for ");
			gx_wg_describe_resource(w, x->resource, out, ascii);
			if (gx_wg_resource(w, x->resource) != NULL &&
			    gx_wg_resource(w, x->resource)->addr != 0) {
				/* Address-less resources already name the site. */
				gx_buf_puts(out, " in ");
				gx_wg_describe_site(w, g, out, ascii);
			}
			gx_buf_printf(out, ", %s G%" PRIu64, release_verb(w, x->resource),
			              grec(w, next)->id);
			if (e != NULL) {
				gx_buf_puts(out, "\n      (");
				gx_wg_describe_edge(w, e, out, ascii);
				gx_buf_puts(out, ")");
			}
			gx_buf_puts(out, i + 1 == cy->count ? ".\n" : ",\n");
		}
	}

	if (dl->found) {
		gx_buf_printf(out, "\nstuck (%zu):\n", dl->nstuck);
		for (size_t i = 0; i < dl->nstuck; i++) {
			uint32_t g = dl->stuck[i];
			const struct gx_goroutine_rec *gr = grec(w, g);
			const struct gx_wg_goroutine *x = gx_wg_goroutine(w, g);
			size_t ne;
			const struct gx_wg_edge *e = gx_wg_edges(w, x->resource, &ne);

			gx_buf_puts(out, "  ");
			put_gid(out, gr);
			if (gr->count > 1)
				gx_buf_printf(out, " (x%" PRIu32 ")", gr->count);
			gx_buf_puts(out, " ");
			put_wait_site(out, w, g, ascii);
			gx_buf_puts(out, ", waiting ");
			put_wait(out, s, gr, ascii);
			gx_buf_puts(out, "\n      on ");
			if (x->resource != GX_NONE32)
				gx_wg_describe_resource(w, x->resource, out, ascii);
			else
				gx_buf_puts(out, gx_wait_kind_name((enum gx_wait_kind)x->kind));
			gx_buf_printf(out, ": %s (%s)\n", gx_wg_proof_name((enum gx_wg_proof)x->proof),
			              gx_wg_proof_is_proven((enum gx_wg_proof)x->proof) ? "proven" : "inferred");
			for (size_t j = 0; j < ne && j < TEXT_RELEASERS_MAX; j++) {
				gx_buf_puts(out, "      could be released by ");
				gx_wg_describe_edge(w, &e[j], out, ascii);
				gx_buf_puts(out, "\n");
			}
			if (ne > TEXT_RELEASERS_MAX)
				gx_buf_printf(out, "      ... and %zu more\n", ne - TEXT_RELEASERS_MAX);
			if (trace && dl->deadlock_ns != GX_TIME_NONE && !before)
				text_window(out, w, g, dl->deadlock_ns, window, wv, nwv, ascii);
		}
	}
	if (dl->nundetermined > 0) {
		gx_buf_printf(out, "\nblocked, undetermined (%zu):\n", dl->nundetermined);
		for (size_t i = 0; i < dl->nundetermined; i++) {
			uint32_t g = dl->undetermined[i];
			const struct gx_goroutine_rec *gr = grec(w, g);
			const struct gx_wg_goroutine *x = gx_wg_goroutine(w, g);

			gx_buf_puts(out, "  ");
			put_gid(out, gr);
			gx_buf_putc(out, ' ');
			if (x->opaque) {
				/* nothing to name: neither a reason nor a frame */
				gx_buf_puts(out, "blocked");
			} else {
				put_wait_site(out, w, g, ascii);
			}
			gx_buf_printf(out, ": %s\n", gx_wg_undetermined_why((enum gx_wg_undetermined)x->undetermined));
		}
	}
	free(wv);
}

/* ------------------------------------------------------------------ */
/* JSON */

static void
json_ids(struct gx_buf *out, const struct gx_waitgraph *w, const uint32_t *v, size_t n)
{
	gx_buf_putc(out, '[');
	for (size_t i = 0; i < n; i++)
		gx_buf_printf(out, "%s%" PRIu64, i ? ", " : "", grec(w, v[i])->id);
	gx_buf_putc(out, ']');
}

struct json_step {
	struct gx_buf *out;
	const struct gx_store *s;
	size_t n;
};

static void
json_step(void *ctx, const struct wstep *st)
{
	struct json_step *js = ctx;
	struct gx_buf *out = js->out;
	const struct gx_store *s = js->s;
	const struct gx_frame_rec *f;

	gx_buf_puts(out, js->n++ ? ", {" : "{");
	if (st->ev != NULL) {
		const struct gx_event_rec *e = st->ev;
		static const char *const kinds[GX_EV_KIND_COUNT] = {
			[GX_EV_UNBLOCK] = "woken", [GX_EV_LOG] = "log",
			[GX_EV_REGION_BEGIN] = "region_begin", [GX_EV_REGION_END] = "region_end",
		};
		const char *k = e->kind < GX_EV_KIND_COUNT && kinds[e->kind] ? kinds[e->kind] : "event";

		f = gx_top_user_frame(s, e->stack);
		gx_buf_printf(out, "\"ns\": %" PRId64 ", \"kind\": \"%s\"", rel_ns(s, e->ns), k);
		if (e->kind == GX_EV_UNBLOCK) {
			gx_buf_puts(out, ", \"by\": ");
			if (e->arg0 != 0)
				gx_buf_printf(out, "%" PRIu64, e->arg0);
			else
				gx_buf_puts(out, "null"); /* the runtime: a timer or the network poller */
			gx_buf_puts(out, ", \"function\": ");
			if (f != NULL)
				json_str(out, s, f->func);
			else
				gx_buf_puts(out, "null");
		} else {
			gx_buf_puts(out, ", \"text\": ");
			json_str(out, s, e->str);
		}
	} else {
		const struct gx_span_rec *sp = st->sp;

		f = gx_top_user_frame(s, sp->stack);
		gx_buf_printf(out, "\"ns\": %" PRId64 ", \"kind\": \"state\", \"state\": \"%s\"",
		              rel_ns(s, sp->start_ns),
		              sp->state < GX_G_STATE_COUNT ? gx_gstate_name((enum gx_gstate)sp->state) : "?");
		gx_buf_puts(out, ", \"reason\": ");
		if (sp->reason != 0)
			json_str(out, s, sp->reason);
		else
			gx_buf_puts(out, "null");
		gx_buf_puts(out, ", \"function\": ");
		if (f != NULL)
			json_str(out, s, f->func);
		else
			gx_buf_puts(out, "null");
		gx_buf_printf(out, ", \"since_before_window\": %s", st->before ? "true" : "false");
	}
	gx_buf_putc(out, '}');
}

/* What g did in [t - window, t], as a JSON object. */
static void
json_window(struct gx_buf *out, const struct gx_waitgraph *w, uint32_t g, int64_t t,
            int64_t window, const struct wev *wv, size_t nwv)
{
	struct gx_buf steps = { 0 };
	struct json_step js = { &steps, gx_wg_store(w), 0 };
	size_t left_out = window_walk(w, g, t, window, wv, nwv, json_step, &js);

	gx_buf_printf(out, ", \"before_deadlock\": {\"window_ns\": %" PRId64 ", \"left_out\": %zu, "
	              "\"steps\": [", window, left_out);
	if (steps.len > 0)
		gx_buf_append(out, steps.data, steps.len);
	gx_buf_puts(out, "]}");
	gx_buf_free(&steps);
}

static void
json_one(struct gx_buf *out, const struct gx_report_input *in, const char *indent,
         int64_t window)
{
	const struct gx_waitgraph *w = in->w;
	const struct gx_store *s = gx_wg_store(w);
	const struct gx_deadlock *dl = gx_wg_deadlock(w);
	const struct gx_store_meta *meta = gx_store_meta(s);
	struct gx_buf t = { 0 };
	bool trace = meta != NULL && (meta->format == GX_FMT_TRACE_V2 || meta->format == GX_FMT_TRACE_V1);
	bool windows = trace && dl->found && dl->deadlock_ns != GX_TIME_NONE;
	struct wev *wv = NULL;
	size_t nwv = 0;

	if (windows)
		wv = window_events(w, dl->deadlock_ns, window, &nwv);
	gx_buf_printf(out, "%s{\n%s  \"file\": ", indent, indent);
	json_cstr(out, in->name);
	gx_buf_printf(out, ",\n%s  \"format\": ", indent);
	json_cstr(out, gx_format_name(meta ? (enum gx_format)meta->format : GX_FMT_UNKNOWN));
	if (in->joined != NULL) {
		size_t nj;

		gx_wg_joined_store(w, &nj);
		gx_buf_printf(out, ",\n%s  \"joined\": ", indent);
		json_cstr(out, in->joined);
		gx_buf_printf(out, ",\n%s  \"joined_goroutines\": %zu", indent, nj);
	}
	gx_buf_printf(out, ",\n%s  \"deadlock\": %s", indent, dl->found ? "true" : "false");
	gx_buf_printf(out, ",\n%s  \"runtime_reported\": %s", indent,
	              dl->runtime_reported ? "true" : "false");
	gx_buf_printf(out, ",\n%s  \"fingerprint\": ", indent);
	if (dl->found)
		json_cstr(out, dl->fingerprint);
	else
		gx_buf_puts(out, "null");
	gx_buf_printf(out, ",\n%s  \"deadlock_ns\": ", indent);
	if (dl->deadlock_ns != GX_TIME_NONE)
		gx_buf_printf(out, "%" PRId64, rel_ns(s, dl->deadlock_ns));
	else
		gx_buf_puts(out, "null");
	gx_buf_printf(out, ",\n%s  \"deadlock_before_start\": %s", indent,
	              dl->before_start ? "true" : "false");
	gx_buf_printf(out, ",\n%s  \"stuck_goroutines\": %" PRIu64, indent, dl->stuck_goroutines);
	gx_buf_printf(out, ",\n%s  \"stuck\": ", indent);
	json_ids(out, w, dl->stuck, dl->nstuck);
	gx_buf_printf(out, ",\n%s  \"cycles\": [", indent);
	for (size_t c = 0; c < dl->ncycles; c++) {
		gx_buf_puts(out, c ? ", " : "");
		json_ids(out, w, dl->cycle_members + dl->cycles[c].first, dl->cycles[c].count);
	}
	gx_buf_printf(out, "],\n%s  \"cycles_weak\": [", indent);
	for (size_t c = 0; c < dl->ncycles; c++)
		gx_buf_printf(out, "%s%s", c ? ", " : "", dl->cycles[c].weak ? "true" : "false");
	gx_buf_printf(out, "],\n%s  \"undetermined\": ", indent);
	json_ids(out, w, dl->undetermined, dl->nundetermined);
	gx_buf_printf(out, ",\n%s  \"goroutines\": [", indent);
	for (size_t i = 0; i < dl->nstuck + dl->nundetermined; i++) {
		uint32_t g = i < dl->nstuck ? dl->stuck[i] : dl->undetermined[i - dl->nstuck];
		const struct gx_goroutine_rec *gr = grec(w, g);
		const struct gx_wg_goroutine *x = gx_wg_goroutine(w, g);
		size_t ne;
		const struct gx_wg_edge *e = gx_wg_edges(w, x->resource, &ne);

		gx_buf_printf(out, "%s\n%s    {\"id\": %" PRIu64 ", \"count\": %" PRIu32, i ? "," : "",
		              indent, gr->id, gr->count ? gr->count : 1);
		gx_buf_printf(out, ", \"status\": \"%s\"", gx_wg_status_name((enum gx_wg_status)x->status));
		gx_buf_printf(out, ", \"wait\": \"%s\", \"reason\": ",
		              gx_wait_kind_name((enum gx_wait_kind)x->kind));
		json_str(out, s, gr->reason);
		gx_buf_puts(out, ", \"function\": ");
		gx_buf_reset(&t);
		gx_wg_describe_site(w, g, &t, false);
		{
			const struct gx_frame_rec *f = x->site_frame == GX_NONE32 ? NULL
			        : gx_store_stack_frame(s, gr->stack, x->site_frame);

			if (f != NULL)
				json_str(out, s, f->func);
			else
				gx_buf_puts(out, "null");
		}
		gx_buf_puts(out, ", \"object\": ");
		if (x->addr != 0)
			gx_buf_printf(out, "\"0x%" PRIx64 "\"", x->addr);
		else
			gx_buf_puts(out, "null");
		gx_buf_puts(out, ", \"resource\": ");
		gx_buf_reset(&t);
		if (x->resource != GX_NONE32) {
			gx_wg_describe_resource(w, x->resource, &t, false);
			gx_text_json_string(out, t.data, t.len);
		} else {
			gx_buf_puts(out, "null");
		}
		gx_buf_printf(out, ", \"wait_ns\": %" PRId64 ", \"wait_approx\": %s", gr->wait_ns,
		              (gr->flags & GX_G_WAIT_APPROX) ? "true" : "false");
		gx_buf_printf(out, ", \"wait_before_start\": %s",
		              (gr->flags & GX_G_WAIT_BEFORE_START) ? "true" : "false");
		if (x->status == GX_WG_UNDETERMINED) {
			gx_buf_puts(out, ", \"undetermined_why\": ");
			json_cstr(out, gx_wg_undetermined_why((enum gx_wg_undetermined)x->undetermined));
		}
		if (x->status == GX_WG_STUCK) {
			gx_buf_puts(out, ", \"proof\": ");
			json_cstr(out, gx_wg_proof_name((enum gx_wg_proof)x->proof));
			gx_buf_printf(out, ", \"proven\": %s",
			              gx_wg_proof_is_proven((enum gx_wg_proof)x->proof) ? "true" : "false");
		}
		gx_buf_puts(out, ", \"releasers\": [");
		for (size_t j = 0; j < ne && j < JSON_RELEASERS_MAX; j++) {
			const struct gx_goroutine_rec *rg = e[j].g == GX_NONE32 ? NULL : grec(w, e[j].g);

			gx_buf_printf(out, "%s{\"id\": ", j ? ", " : "");
			if (rg != NULL)
				gx_buf_printf(out, "%" PRIu64, rg->id);
			else
				gx_buf_puts(out, "null");
			gx_buf_printf(out, ", \"evidence\": \"%s\", \"strength\": \"%s\", \"text\": ",
			              gx_evidence_name((enum gx_evidence)e[j].evidence),
			              gx_strength_name((enum gx_strength)e[j].strength));
			gx_buf_reset(&t);
			gx_wg_describe_edge(w, &e[j], &t, false);
			gx_text_json_string(out, t.data, t.len);
			gx_buf_putc(out, '}');
		}
		gx_buf_puts(out, "]");
		if (windows && x->status == GX_WG_STUCK)
			json_window(out, w, g, dl->deadlock_ns, window, wv, nwv);
		gx_buf_puts(out, "}");
	}
	gx_buf_printf(out, "\n%s  ]\n%s}", indent, indent);
	gx_buf_free(&t);
	free(wv);
}

/* ------------------------------------------------------------------ */
/* OpenMetrics */

/* A label value: escaped for the terminal first (no control bytes), then
 * backslash and double quote escaped as the exposition format wants. */
static void
om_label(struct gx_buf *out, const char *p, size_t n)
{
	struct gx_buf t = { 0 };

	gx_text_escape(&t, p, n, true);
	for (size_t i = 0; i < t.len; i++) {
		char c = t.data[i];

		if (c == '\\' || c == '"')
			gx_buf_putc(out, '\\');
		gx_buf_putc(out, c);
	}
	gx_buf_free(&t);
}

static void
om_family(struct gx_buf *out, const char *name, const char *type, const char *unit,
          const char *help)
{
	gx_buf_printf(out, "# TYPE %s %s\n", name, type);
	if (unit != NULL)
		gx_buf_printf(out, "# UNIT %s %s\n", name, unit);
	gx_buf_printf(out, "# HELP %s %s\n", name, help);
}

static void
om_file(struct gx_buf *out, const char *name, const struct gx_report_input *in)
{
	gx_buf_printf(out, "%s{file=\"", name);
	om_label(out, in->name, strlen(in->name));
	gx_buf_putc(out, '"');
}

static int
cmp_reason(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

static void
om_write(struct gx_buf *out, const struct gx_report_input *in, size_t n)
{
	om_family(out, "gotrex_blocked_goroutines", "gauge", NULL,
	          "Goroutines blocked at the end of the input, by the runtime's wait reason.");
	for (size_t i = 0; i < n; i++) {
		const struct gx_store *s = gx_wg_store(in[i].w);
		size_t ng = gx_store_goroutine_count(s), nr = 0;
		uint64_t (*rs)[2] = xcalloc(ng + 1, sizeof *rs); /* (reason id, count) */

		for (size_t g = 0; g < ng; g++) {
			const struct gx_goroutine_rec *gr = gx_store_goroutine(s, g);

			if (gr->state != GX_G_WAITING)
				continue;
			rs[nr][0] = gr->reason;
			rs[nr][1] = gr->count ? gr->count : 1;
			nr++;
		}
		if (nr > 1)
			qsort(rs, nr, sizeof *rs, cmp_reason);
		for (size_t j = 0; j < nr;) {
			uint64_t sum = 0;
			size_t k = j, len;
			const char *r = gx_store_str(s, (gx_str)rs[j][0], &len);

			while (k < nr && rs[k][0] == rs[j][0])
				sum += rs[k++][1];
			om_file(out, "gotrex_blocked_goroutines", &in[i]);
			gx_buf_puts(out, ",reason=\"");
			om_label(out, len ? r : "waiting", len ? len : 7);
			gx_buf_printf(out, "\"} %" PRIu64 "\n", sum);
			j = k;
		}
		free(rs);
	}

	om_family(out, "gotrex_longest_wait_seconds", "gauge", "seconds",
	          "Longest wait of a blocked goroutine (dumps: whole minutes only).");
	for (size_t i = 0; i < n; i++) {
		const struct gx_store *s = gx_wg_store(in[i].w);
		int64_t longest = 0;

		for (size_t g = 0; g < gx_store_goroutine_count(s); g++) {
			const struct gx_goroutine_rec *gr = gx_store_goroutine(s, g);

			if (gr->state == GX_G_WAITING && gr->wait_ns > longest)
				longest = gr->wait_ns;
		}
		om_file(out, "gotrex_longest_wait_seconds", &in[i]);
		gx_buf_printf(out, "} %" PRId64 ".%09" PRId64 "\n", longest / 1000000000,
		              longest % 1000000000);
	}

	om_family(out, "gotrex_stuck_goroutines", "gauge", NULL,
	          "Goroutines blocked for good (stuck set).");
	for (size_t i = 0; i < n; i++) {
		om_file(out, "gotrex_stuck_goroutines", &in[i]);
		gx_buf_printf(out, "} %" PRIu64 "\n", gx_wg_deadlock(in[i].w)->stuck_goroutines);
	}

	om_family(out, "gotrex_deadlock_cycles", "gauge", NULL,
	          "Wait-for cycles among the stuck goroutines.");
	for (size_t i = 0; i < n; i++) {
		om_file(out, "gotrex_deadlock_cycles", &in[i]);
		gx_buf_printf(out, "} %zu\n", gx_wg_deadlock(in[i].w)->ncycles);
	}

	om_family(out, "gotrex_deadlock", "gauge", NULL,
	          "1 when a stuck set was found; the fingerprint label identifies the hang.");
	for (size_t i = 0; i < n; i++) {
		const struct gx_deadlock *dl = gx_wg_deadlock(in[i].w);

		om_file(out, "gotrex_deadlock", &in[i]);
		gx_buf_printf(out, ",fingerprint=\"%s\"} %d\n", dl->fingerprint, dl->found ? 1 : 0);
	}
	gx_buf_puts(out, "# EOF\n");
}

/* ------------------------------------------------------------------ */

void
gx_report_write(const struct gx_report_input *in, size_t n, const struct gx_report_opts *o,
                struct gx_buf *out)
{
	switch (o->format) {
	case GX_REPORT_TEXT:
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				gx_buf_puts(out, "\n");
			text_one(out, &in[i], o);
		}
		break;
	case GX_REPORT_JSON:
		if (n == 1) {
			json_one(out, &in[0], "", o->window_ns > 0 ? o->window_ns : DEFAULT_WINDOW_NS);
			gx_buf_puts(out, "\n");
		} else {
			gx_buf_puts(out, "[\n");
			for (size_t i = 0; i < n; i++) {
				json_one(out, &in[i], "  ",
				         o->window_ns > 0 ? o->window_ns : DEFAULT_WINDOW_NS);
				gx_buf_puts(out, i + 1 < n ? ",\n" : "\n");
			}
			gx_buf_puts(out, "]\n");
		}
		break;
	case GX_REPORT_OPENMETRICS:
		om_write(out, in, n);
		break;
	}
}
