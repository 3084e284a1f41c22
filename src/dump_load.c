/* dump_load: the text goroutine dump loader — parse (dump.c), then feed the
 * store builder one goroutine at a time. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gotrex/dump.h"
#include "gotrex/gofunc.h"
#include "gotrex/logjson.h"
#include "gotrex/util.h"

/* A front cache from text in the input buffer to builder ids, so that text
 * seen before (the same frame printed in many goroutines, or many times in
 * one recursion) is interned once. Keys point into the slurped input,
 * which outlives the load; open addressing, hashes kept for growth. */
struct cent {
	uint64_t h;    /* 0: empty */
	const char *p;
	size_t n;
	uint32_t tag;  /* frame flags; 0 for strings */
	uint32_t id;
};

struct cache {
	struct cent *v;
	size_t cap, n; /* cap is a power of two */
};

static uint64_t
fast_hash(const char *p, size_t n, uint64_t seed)
{
	uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ULL), w;

	while (n >= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
		p += 8;
		n -= 8;
	}
	w = 0;
	if (n > 0)
		memcpy(&w, p, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	return h | 1; /* never 0 */
}

static struct cent *
cache_slot(struct cache *c, uint64_t h, const char *p, size_t n, uint32_t tag)
{
	size_t i;

	if (c->cap == 0 || (c->n + 1) * 2 > c->cap) {
		struct cache g;
		size_t k;

		g.cap = c->cap == 0 ? 1024 : c->cap * 2;
		g.n = c->n;
		g.v = xcalloc(g.cap, sizeof(*g.v));
		for (k = 0; k < c->cap; k++) {
			struct cent *e = &c->v[k];

			if (e->h == 0)
				continue;
			for (i = e->h & (g.cap - 1); g.v[i].h != 0; i = (i + 1) & (g.cap - 1))
				;
			g.v[i] = *e;
		}
		free(c->v);
		*c = g;
	}
	for (i = h & (c->cap - 1);; i = (i + 1) & (c->cap - 1)) {
		struct cent *e = &c->v[i];

		if (e->h == 0 ||
		    (e->h == h && e->n == n && e->tag == tag && memcmp(e->p, p, n) == 0))
			return e;
	}
}

struct load {
	struct gx_builder *b;
	struct gx_diag *d;
	const char *name;
	uint32_t *ids;        /* frame ids of the stack being built (reused) */
	size_t capids;
	struct gx_buf scratch;
	struct cache strs;    /* text → gx_str */
	struct cache frames;  /* a frame's raw lines → frame id */
	uint64_t duplicates;
	uint64_t first_dup_line;
	uint64_t first_dup_id;
	uint64_t bubble;      /* the synctest bubble id seen, when bubbles == 1 */
	unsigned bubbles;     /* distinct bubble ids seen: 0, 1, or 2 for more */
};

static uint32_t
clamp32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static gx_str
str(struct load *l, struct gx_dump_text t)
{
	struct cent *e;
	uint64_t h;

	if (t.n == 0)
		return 0;
	h = fast_hash(t.p, t.n, 0);
	e = cache_slot(&l->strs, h, t.p, t.n, 0);
	if (e->h == 0) {
		e->h = h;
		e->p = t.p;
		e->n = t.n;
		e->id = gx_builder_str(l->b, t.p, t.n);
		l->strs.n++;
	}
	return e->id;
}

static uint32_t frame_id_uncached(struct load *l, const struct gx_dump_frame *f);

/* raw holds everything the frame was parsed from when it covers the file
 * line (or there is none): then equal raw text means an equal frame. */
static uint32_t
frame_id(struct load *l, const struct gx_dump_frame *f)
{
	struct cent *e;
	uint64_t h;

	if (f->raw.n == 0 ||
	    (!(f->flags & GX_DUMP_FRAME_NO_FILE) &&
	     !(f->file.p >= f->raw.p && f->file.p + f->file.n <= f->raw.p + f->raw.n)))
		return frame_id_uncached(l, f);
	h = fast_hash(f->raw.p, f->raw.n, f->flags);
	e = cache_slot(&l->frames, h, f->raw.p, f->raw.n, f->flags);
	if (e->h == 0) {
		e->h = h;
		e->tag = f->flags;
		e->p = f->raw.p;
		e->n = f->raw.n;
		e->id = frame_id_uncached(l, f);
		l->frames.n++;
	}
	return e->id;
}

static uint32_t
frame_id_uncached(struct load *l, const struct gx_dump_frame *f)
{
	struct gx_frame_rec r;

	memset(&r, 0, sizeof(r));
	r.func = str(l, f->func);
	r.file = str(l, f->file);
	/* Long argument lists hold pointers and are mostly unique: going
	 * through the front cache would only fill it. */
	r.args = f->args.n > 24 ? gx_builder_str(l->b, f->args.p, f->args.n) : str(l, f->args);
	r.line = clamp32(f->line);
	r.pc = f->pc;
	r.offset = clamp32(f->offset);
	if (f->flags & GX_DUMP_FRAME_ELIDED)
		r.flags |= GX_FRAME_ELIDED;
	else if (gx_func_is_runtime(f->func.p, f->func.n))
		r.flags |= GX_FRAME_RUNTIME;
	if (f->flags & GX_DUMP_FRAME_INLINED)
		r.flags |= GX_FRAME_INLINED;
	if (f->flags & GX_DUMP_FRAME_CREATED_BY)
		r.flags |= GX_FRAME_CREATED_BY;
	return gx_builder_frame(l->b, &r);
}

/* The function a goroutine started in: its outermost frame, not counting
 * runtime.goexit; unknown when the outer frames were cut off. */
static gx_str
start_func(struct load *l, const struct gx_dump_goroutine *g)
{
	size_t i;

	for (i = g->nframes; i > 0; i--) {
		const struct gx_dump_frame *f = &g->frames[i - 1];

		if (f->flags & GX_DUMP_FRAME_ELIDED)
			return 0;
		if (f->func.n == 14 && memcmp(f->func.p, "runtime.goexit", 14) == 0)
			continue;
		if (f->flags & GX_DUMP_FRAME_CGO)
			return 0;
		return str(l, f->func);
	}
	return 0;
}

static int
load_one(void *ctx, const struct gx_dump_goroutine *g)
{
	struct load *l = ctx;
	struct gx_goroutine_rec r;
	struct gx_span_rec s;
	uint32_t gi;
	size_t i;

	if (gx_builder_find_goroutine(l->b, g->id) != GX_NONE32) {
		/* GOTRACEBACK=crash prints an M's goroutine again; repeated
		 * dumps in one log repeat them all. The first one is kept. */
		if (l->duplicates++ == 0) {
			l->first_dup_line = g->source_line;
			l->first_dup_id = g->id;
		}
		return 0;
	}
	memset(&r, 0, sizeof(r));
	r.id = g->id;
	r.creator_id = (g->flags & GX_DUMP_G_CREATOR) ? g->creator_id : 0;
	r.created_ns = GX_TIME_NONE;
	r.ended_ns = GX_TIME_NONE;
	r.wait_since_ns = GX_TIME_NONE;
	if (g->flags & GX_DUMP_G_MINUTES) {
		r.wait_ns = g->wait_minutes > (uint64_t)INT64_MAX / 60000000000ULL
		                ? INT64_MAX
		                : (int64_t)(g->wait_minutes * 60000000000ULL);
		r.wait_since_ns = -r.wait_ns; /* the dump is the instant 0 */
		r.flags |= GX_G_WAIT_APPROX;
	}
	gx_grow(&l->ids, &l->capids, g->nframes + 1, sizeof(*l->ids));
	for (i = 0; i < g->nframes; i++)
		l->ids[i] = frame_id(l, &g->frames[i]);
	r.stack = g->nframes > 0 ? gx_builder_stack(l->b, l->ids, g->nframes) : 0;
	if (g->created_by != NULL) {
		uint32_t id = frame_id(l, g->created_by);

		r.create_stack = gx_builder_stack(l->b, &id, 1);
	}
	r.start_func = start_func(l, g);
	if ((g->flags & GX_DUMP_G_DURABLE) &&
	    !(g->status.n >= 9 && memcmp(g->status.p + g->status.n - 9, "(durable)", 9) == 0)) {
		gx_buf_reset(&l->scratch);
		gx_buf_append(&l->scratch, g->status.p, g->status.n);
		gx_buf_puts(&l->scratch, " (durable)");
		r.reason = gx_builder_str(l->b, l->scratch.data, l->scratch.len);
	} else {
		r.reason = str(l, g->status);
	}
	r.labels = str(l, g->labels);
	r.count = 1;
	r.source_line = clamp32(g->source_line);
	r.state = (uint8_t)g->state;
	if (g->flags & GX_DUMP_G_LOCKED)
		r.flags |= GX_G_LOCKED;
	if (g->flags & GX_DUMP_G_SYSTEM)
		r.flags |= GX_G_SYSTEM;
	if (g->flags & GX_DUMP_G_LEAKED)
		r.flags |= GX_G_LEAKED;
	if (g->flags & GX_DUMP_G_SYNCTEST) {
		r.flags |= GX_G_SYNCTEST;
		if (l->bubbles == 0 || (l->bubbles == 1 && g->bubble != l->bubble))
			l->bubbles++;
		l->bubble = g->bubble;
	}
	gi = gx_builder_goroutine(l->b, &r);
	/* One span: the state at the instant of the dump (time 0). */
	memset(&s, 0, sizeof(s));
	s.start_ns = 0;
	s.end_ns = 0;
	s.g = gi;
	s.state = r.state;
	s.reason = r.reason;
	s.stack = r.stack;
	gx_builder_span(l->b, &s);
	return 0;
}

static gx_str
cstr_n(struct gx_builder *b, const char *s, size_t n)
{
	return s != NULL && n > 0 ? gx_builder_str(b, s, n) : 0;
}

/* A JSON-lines log (docker's json-file, journalctl -o json): the dump is
 * in its records' text. Says what was done, and when line numbers no
 * longer are the file's. Frees text. */
static char *
unwrap_json_log(char *text, size_t *len, const char *name, struct gx_diag *d)
{
	struct gx_logjson_stats st;
	char *u = gx_logjson_unwrap(text, *len, len, &st);

	free(text);
	gx_diag_add(d, GX_NOTE, name, GX_NOWHERE, GX_NOWHERE,
	            "read as a JSON-lines log: the text of %llu records%s%s",
	            (unsigned long long)st.records,
	            st.one_to_one ? "" : "; line numbers are those of that text, not of the file",
	            st.dropped > 0 ? "; records of other streams than the dump's left out" : "");
	if (st.bad_escapes > 0)
		gx_diag_add(d, GX_WARNING, name, GX_NOWHERE, GX_NOWHERE,
		            "%llu escapes in the JSON strings are not JSON; kept as written",
		            (unsigned long long)st.bad_escapes);
	return u;
}

int
gx_dump_load(struct gx_input *in, struct gx_builder *b, struct gx_diag *d)
{
	struct load l;
	struct gx_dump_info info;
	struct gx_store_meta *meta;
	size_t len = 0;
	char *text;
	long n;

	text = gx_input_slurp(in, &len, d);
	if (text == NULL)
		return -1;
	if (gx_logjson_sniff(text, len))
		text = unwrap_json_log(text, &len, gx_input_name(in), d);
	memset(&l, 0, sizeof(l));
	l.b = b;
	l.d = d;
	l.name = gx_input_name(in);
	n = gx_dump_scan(text, len, l.name, load_one, &l, &info, d);
	if (l.duplicates == 1)
		gx_diag_add(d, GX_NOTE, l.name, l.first_dup_line, GX_NOWHERE,
		            "goroutine %llu appears again; its first block is kept",
		            (unsigned long long)l.first_dup_id);
	else if (l.duplicates > 1)
		gx_diag_add(d, GX_NOTE, l.name, l.first_dup_line, GX_NOWHERE,
		            "goroutine %llu and %llu more goroutine blocks repeat an "
		            "id; the first block of each id is kept",
		            (unsigned long long)l.first_dup_id,
		            (unsigned long long)(l.duplicates - 1));
	meta = gx_builder_meta(b);
	meta->format = GX_FMT_DUMP_TEXT;
	meta->start_ns = 0;
	meta->end_ns = 0;
	if (info.all_asleep)
		meta->flags |= GX_META_GLOBAL_DEADLOCK;
	/* The panic does not say which bubble: only when there is one. */
	if (info.bubble_deadlock && l.bubbles == 1)
		meta->flags |= GX_META_BUBBLE_DEADLOCK;
	else if (info.bubble_deadlock)
		gx_diag_add(d, GX_NOTE, l.name, GX_NOWHERE, GX_NOWHERE,
		            "the runtime reported a synctest bubble deadlocked, but the dump "
		            "has goroutines of several bubbles and does not say which");
	if (info.truncated)
		meta->flags |= GX_META_TRUNCATED;
	meta->headline = cstr_n(b, info.headline.p, info.headline.n);
	meta->preamble = cstr_n(b, info.preamble, info.preamble_len);
	meta->trailer = cstr_n(b, info.trailer, info.trailer_len);
	gx_dump_info_free(&info);
	gx_buf_free(&l.scratch);
	free(l.strs.v);
	free(l.frames.v);
	free(l.ids);
	free(text);
	return n < 0 ? -1 : 0;
}
