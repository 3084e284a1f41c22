/* timeline: states over time from per-goroutine spans; binary searches and
 * a cache of cumulative-time summaries (see gotrex/timeline.h). */
#include "config.h"

#include "gotrex/timeline.h"

#include <stdlib.h>
#include <string.h>

#include "gotrex/util.h"

/* Spans between two summary rows, at least; a goroutine with no more spans
 * than this needs no summary. */
#define DEFAULT_INTERVAL 16
/* Summary rows of one goroutine, at most: a longer history gets a wider
 * interval, so one summary stays under 1 MiB. */
#define MAX_ROWS 16384
#define DEFAULT_BUDGET ((size_t)64 << 20)
/* Events at one instant looked at for an unblock, at most. */
#define MAX_TIES 4096

#define NST GX_G_STATE_COUNT

struct summary {
	uint64_t *cum;    /* rows * NST: time per state before span row*interval */
	uint32_t rows;
	uint32_t interval;
	bool built;
};

struct gx_timeline {
	const struct gx_store *s;
	struct summary *g;   /* per goroutine index */
	size_t ng;
	size_t bytes, budget, builds;
	uint32_t interval;
};

static unsigned
st(const struct gx_span_rec *sp)
{
	return sp->state < NST ? sp->state : GX_G_UNKNOWN;
}

/* b - a when b > a, else 0; no overflow whatever the values. */
static uint64_t
len(int64_t a, int64_t b)
{
	return b > a ? (uint64_t)b - (uint64_t)a : 0;
}

size_t
gx_timeline_upper(const struct gx_span_rec *spans, size_t n, int64_t t)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (spans[mid].start_ns <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t
gx_timeline_span_at(const struct gx_span_rec *spans, size_t n, int64_t t)
{
	size_t j = gx_timeline_upper(spans, n, t);

	if (j == 0)
		return GX_TL_NOSPAN;
	j--;
	if (t < spans[j].end_ns || (j + 1 == n && t == spans[j].end_ns))
		return j;
	return GX_TL_NOSPAN;
}

size_t
gx_timeline_next_transition(const struct gx_span_rec *spans, size_t n, int64_t t)
{
	size_t j = gx_timeline_upper(spans, n, t);

	if (j == 0)
		j = 1;  /* the first span's start is not a transition */
	return j < n ? j : GX_TL_NOSPAN;
}

size_t
gx_timeline_prev_transition(const struct gx_span_rec *spans, size_t n, int64_t t)
{
	/* the first span with start >= t, then one back */
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (spans[mid].start_ns < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo >= 2 ? lo - 1 : GX_TL_NOSPAN;
}

bool
gx_timeline_unblock_at(const struct gx_store *s, uint32_t g, int64_t t, struct gx_event_rec *out)
{
	struct gx_event_cursor c;
	struct gx_event_rec *chunk = xmalloc(GX_EVENTS_CHUNK * sizeof(*chunk));
	size_t got, ties = 0;
	bool found = false, past = false;

	gx_store_events_seek(s, t, &c);
	while (!found && !past && (got = gx_store_events_read(s, &c, chunk, GX_EVENTS_CHUNK)) > 0) {
		for (size_t i = 0; i < got; i++) {
			if (chunk[i].ns < t)
				continue;
			if (chunk[i].ns > t || ties++ >= MAX_TIES) {
				past = true;
				break;
			}
			if (chunk[i].kind == GX_EV_UNBLOCK && chunk[i].g == g) {
				*out = chunk[i];
				found = true;
				break;
			}
		}
	}
	free(chunk);
	return found;
}

int
gx_timeline_state_rank(unsigned state)
{
	switch (state) {
	case GX_G_RUNNING: return 0;
	case GX_G_SYSCALL: return 1;
	case GX_G_RUNNABLE: return 2;
	case GX_G_WAITING: return 3;
	case GX_G_UNKNOWN: return 4;
	case GX_G_DEAD: return 5;
	case GX_G_NOTEXIST: return 6;
	default: return 7;
	}
}

uint8_t
gx_timeline_dominant(const uint64_t hist[GX_G_STATE_COUNT])
{
	unsigned s, best = GX_TL_EMPTY;

	for (s = 0; s < NST; s++) {
		if (hist[s] == 0)
			continue;
		if (best == GX_TL_EMPTY || hist[s] > hist[best] ||
		    (hist[s] == hist[best] &&
		     gx_timeline_state_rank(s) < gx_timeline_state_rank(best)))
			best = s;
	}
	return (uint8_t)best;
}

struct gx_timeline *
gx_timeline_new(const struct gx_store *s, size_t budget)
{
	struct gx_timeline *tl = xcalloc(1, sizeof(*tl));

	tl->s = s;
	tl->ng = gx_store_goroutine_count(s);
	tl->g = xcalloc(tl->ng > 0 ? tl->ng : 1, sizeof(*tl->g));
	tl->budget = budget > 0 ? budget : DEFAULT_BUDGET;
	tl->interval = DEFAULT_INTERVAL;
	return tl;
}

static void
drop_all(struct gx_timeline *tl)
{
	size_t i;

	for (i = 0; i < tl->ng; i++) {
		free(tl->g[i].cum);
		tl->g[i] = (struct summary){ 0 };
	}
	tl->bytes = 0;
}

void
gx_timeline_free(struct gx_timeline *tl)
{
	if (tl == NULL)
		return;
	drop_all(tl);
	free(tl->g);
	free(tl);
}

size_t
gx_timeline_cached_bytes(const struct gx_timeline *tl)
{
	return tl->bytes;
}

size_t
gx_timeline_builds(const struct gx_timeline *tl)
{
	return tl->builds;
}

void
gx_timeline_set_interval(struct gx_timeline *tl, uint32_t k)
{
	drop_all(tl);
	tl->interval = k > 0 ? k : DEFAULT_INTERVAL;
}

/* The summary of goroutine g, built on first use; NULL when its spans are
 * few enough to walk. One pass over its spans, once. */
static const struct summary *
summary(struct gx_timeline *tl, size_t g, const struct gx_span_rec *sp, size_t n)
{
	struct summary *sm;
	uint64_t acc[NST] = { 0 };
	size_t interval = tl->interval, rows, bytes, i;

	if (g >= tl->ng || n <= interval)
		return NULL;
	sm = &tl->g[g];
	if (sm->built)
		return sm;
	if (n / interval >= MAX_ROWS)
		interval = n / MAX_ROWS + 1;
	rows = (n - 1) / interval + 1;
	bytes = rows * NST * sizeof(uint64_t);
	if (tl->bytes + bytes > tl->budget)
		drop_all(tl);
	sm->cum = xreallocarray(NULL, rows * NST, sizeof(uint64_t));
	sm->rows = (uint32_t)rows;
	sm->interval = (uint32_t)interval;
	for (i = 0; i < n; i++) {
		if (i % interval == 0)
			memcpy(&sm->cum[(i / interval) * NST], acc, sizeof(acc));
		acc[st(&sp[i])] += len(sp[i].start_ns, sp[i].end_ns);
	}
	sm->built = true;
	tl->bytes += bytes;
	tl->builds++;
	return sm;
}

/* F(t): time per state from the first span up to instant t. */
static void
cum_at(struct gx_timeline *tl, size_t g, const struct gx_span_rec *sp, size_t n, int64_t t,
       uint64_t out[NST])
{
	size_t j = gx_timeline_upper(sp, n, t), from = 0, i;
	const struct summary *sm;

	memset(out, 0, NST * sizeof(uint64_t));
	if (j == 0)
		return;
	j--;
	sm = summary(tl, g, sp, n);
	if (sm != NULL) {
		size_t row = j / sm->interval;

		if (row < sm->rows) {
			memcpy(out, &sm->cum[row * NST], NST * sizeof(uint64_t));
			from = row * sm->interval;
		}
	}
	for (i = from; i < j; i++)
		out[st(&sp[i])] += len(sp[i].start_ns, sp[i].end_ns);
	out[st(&sp[j])] += len(sp[j].start_ns, sp[j].end_ns < t ? sp[j].end_ns : t);
}

void
gx_timeline_hist(struct gx_timeline *tl, size_t g, int64_t t0, int64_t t1,
                 uint64_t out[GX_G_STATE_COUNT])
{
	size_t n, s;
	const struct gx_span_rec *sp = gx_store_spans(tl->s, g, &n);
	uint64_t a[NST], b[NST];

	memset(out, 0, NST * sizeof(uint64_t));
	if (n == 0 || t1 <= t0)
		return;
	cum_at(tl, g, sp, n, t0, a);
	cum_at(tl, g, sp, n, t1, b);
	for (s = 0; s < NST; s++)
		out[s] = b[s] > a[s] ? b[s] - a[s] : 0;
}

/* t0 + i * step, saturated to the int64 range. */
static int64_t
at(int64_t t0, size_t i, int64_t step)
{
	int64_t off, r;

	if (i > (size_t)INT64_MAX || __builtin_mul_overflow((int64_t)i, step, &off))
		return INT64_MAX;
	if (__builtin_add_overflow(t0, off, &r))
		return off > 0 ? INT64_MAX : INT64_MIN;
	return r;
}

/* F(t) at increasing t along a row: the span index moves forward by a
 * galloping search from where it was, and the full-span sums are carried
 * over (or taken from the summary when the jump is long), so a cell costs
 * O(log of the spans it covers) plus at most one summary interval. */
struct walker {
	const struct gx_span_rec *sp;
	size_t n;
	const struct summary *sm;  /* NULL: few spans */
	size_t u;                  /* spans starting at or before the last t */
	uint64_t base[NST];        /* full durations of spans [0, max(u, 1) - 1) */
};

static size_t
gallop(const struct gx_span_rec *sp, size_t n, size_t from, int64_t t)
{
	size_t lo = from, step = 1, hi;

	while (lo < n && step <= n - lo && sp[lo + step - 1].start_ns <= t) {
		lo += step;
		step *= 2;
	}
	hi = step <= n - lo ? lo + step : n;
	/* the answer is in [lo, hi]: spans before lo start at or before t */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sp[mid].start_ns <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
walk_to(struct walker *w, int64_t t, uint64_t out[NST])
{
	const struct gx_span_rec *sp = w->sp;
	size_t u = gallop(sp, w->n, w->u, t), from = w->u > 0 ? w->u - 1 : 0, to, i;

	if (u == 0) {
		memset(out, 0, NST * sizeof(uint64_t));
		return;
	}
	to = u - 1;  /* the span at t */
	if (w->sm != NULL && to - from > w->sm->interval) {
		size_t row = to / w->sm->interval;

		if (row < w->sm->rows) {
			memcpy(w->base, &w->sm->cum[row * NST], sizeof(w->base));
			from = row * w->sm->interval;
		}
	}
	for (i = from; i < to; i++)
		w->base[st(&sp[i])] += len(sp[i].start_ns, sp[i].end_ns);
	w->u = u;
	memcpy(out, w->base, NST * sizeof(uint64_t));
	out[st(&sp[to])] += len(sp[to].start_ns, sp[to].end_ns < t ? sp[to].end_ns : t);
}

void
gx_timeline_row(struct gx_timeline *tl, size_t g, int64_t t0, int64_t cell_ns, size_t ncells,
                uint8_t *cells)
{
	size_t n, i, s;
	const struct gx_span_rec *sp = gx_store_spans(tl->s, g, &n);
	uint64_t prev[NST], next[NST], h[NST];
	int64_t first, last;
	bool have_prev = false;
	struct walker w;

	if (cell_ns < 1)
		cell_ns = 1;
	memset(cells, GX_TL_EMPTY, ncells);
	if (n == 0 || ncells == 0)
		return;
	memset(&w, 0, sizeof(w));
	w.sp = sp;
	w.n = n;
	w.sm = summary(tl, g, sp, n);
	/* cells wholly before the first span or after the last are empty */
	first = sp[0].start_ns;
	last = sp[n - 1].end_ns;
	for (i = 0; i < ncells; i++) {
		int64_t a = at(t0, i, cell_ns), b = at(t0, i + 1, cell_ns);

		if (a >= last)
			break;
		if (b <= first)
			continue;
		/* cells are contiguous: F(a) is the previous cell's F(b) */
		if (!have_prev)
			walk_to(&w, a, prev);
		walk_to(&w, b, next);
		for (s = 0; s < NST; s++)
			h[s] = next[s] > prev[s] ? next[s] - prev[s] : 0;
		cells[i] = gx_timeline_dominant(h);
		memcpy(prev, next, sizeof(prev));
		have_prev = true;
	}
}
