/* query_eval: evaluating a parsed query over the goroutines of a store. */
#include "config.h"

#include "query_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/text.h"
#include "gotrex/util.h"

/* Regex matching stops after this many steps, so that a pathological
 * pattern cannot hang the TUI on a long function name. */
#define MATCH_LIMIT 1000000

/* ------------------------------------------------------------------ */
/* Labels. */

/* One label token at s[*i]: a Go-quoted string or a bare word ending at
 * one of the stop characters. */
static void
label_token(const char *s, size_t n, size_t *i, const char *stop, struct gx_buf *b)
{
	size_t j = *i;

	gx_buf_reset(b);
	gx_buf_puts(b, "");
	if (j < n && s[j] == '"') {
		j++;
		while (j < n && s[j] != '"') {
			char c = s[j++];

			if (c != '\\' || j >= n) {
				gx_buf_putc(b, c);
				continue;
			}
			c = s[j++];
			switch (c) {
			case 'a': gx_buf_putc(b, '\a'); break;
			case 'b': gx_buf_putc(b, '\b'); break;
			case 'f': gx_buf_putc(b, '\f'); break;
			case 'n': gx_buf_putc(b, '\n'); break;
			case 'r': gx_buf_putc(b, '\r'); break;
			case 't': gx_buf_putc(b, '\t'); break;
			case 'v': gx_buf_putc(b, '\v'); break;
			case 'x':
			case 'u':
			case 'U': {
				size_t k, digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
				uint32_t v = 0;

				for (k = 0; k < digits && j < n && gx_hexval(s[j]) >= 0; k++, j++)
					v = (v << 4) | (uint32_t)gx_hexval(s[j]);
				if (c == 'x')
					gx_buf_putc(b, (char)v);
				else
					gx_buf_put_utf8(b, v);
				break;
			}
			default:
				gx_buf_putc(b, c);
				break;
			}
		}
		if (j < n)
			j++; /* closing quote */
	} else {
		size_t end;

		while (j < n && strchr(stop, s[j]) == NULL)
			j++;
		end = j;
		while (end > *i && s[end - 1] == ' ')
			end--;
		gx_buf_append(b, s + *i, end - *i);
	}
	*i = j;
}

size_t
gx_labels_split(const char *s, size_t n, struct gx_label **out)
{
	struct gx_label *v = NULL;
	size_t nv = 0, cap = 0, i = 0;
	struct gx_buf k = { 0 }, val = { 0 };

	while (i < n) {
		size_t before;

		while (i < n && (s[i] == ' ' || s[i] == '{' || s[i] == '}' || s[i] == ',' ||
		                 s[i] == '\t'))
			i++;
		if (i >= n)
			break;
		before = i;
		label_token(s, n, &i, ":=,}", &k);
		while (i < n && s[i] == ' ')
			i++;
		gx_buf_reset(&val);
		gx_buf_puts(&val, "");
		if (i < n && (s[i] == ':' || s[i] == '=')) {
			i++;
			while (i < n && s[i] == ' ')
				i++;
			label_token(s, n, &i, ",}", &val);
		}
		if (i == before)
			i++; /* cannot happen with the stops above; never loop */
		gx_grow(&v, &cap, nv + 1, sizeof(*v));
		v[nv].key = xstrndup(k.data, k.len);
		v[nv].value = xstrndup(val.data, val.len);
		nv++;
	}
	gx_buf_free(&k);
	gx_buf_free(&val);
	*out = v;
	return nv;
}

void
gx_labels_free(struct gx_label *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}

/* ------------------------------------------------------------------ */
/* A small map from uint32 to uint32 (open addressing). */

struct u32map {
	uint32_t *k;  /* key + 1; 0 is empty */
	uint32_t *v;
	size_t cap, n;
};

static size_t
map_slot(const struct u32map *m, uint32_t key)
{
	size_t h = (size_t)(key * 2654435761u) & (m->cap - 1);

	while (m->k[h] != 0 && m->k[h] != key + 1)
		h = (h + 1) & (m->cap - 1);
	return h;
}

static bool
map_get(const struct u32map *m, uint32_t key, uint32_t *val)
{
	size_t h;

	if (m->cap == 0 || key == UINT32_MAX)
		return false;
	h = map_slot(m, key);
	if (m->k[h] == 0)
		return false;
	*val = m->v[h];
	return true;
}

static void
map_put(struct u32map *m, uint32_t key, uint32_t val)
{
	size_t h, i;

	if (key == UINT32_MAX)
		return;
	if ((m->n + 1) * 2 > m->cap) {
		struct u32map big = { 0 };

		big.cap = m->cap ? m->cap * 2 : 64;
		big.k = xcalloc(big.cap, sizeof(*big.k));
		big.v = xcalloc(big.cap, sizeof(*big.v));
		for (i = 0; i < m->cap; i++) {
			if (m->k[i] == 0)
				continue;
			h = map_slot(&big, m->k[i] - 1);
			big.k[h] = m->k[i];
			big.v[h] = m->v[i];
			big.n++;
		}
		free(m->k);
		free(m->v);
		*m = big;
	}
	h = map_slot(m, key);
	if (m->k[h] == 0)
		m->n++;
	m->k[h] = key + 1;
	m->v[h] = val;
}

static void
map_free(struct u32map *m)
{
	free(m->k);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/* ------------------------------------------------------------------ */
/* Evaluation. */

struct ev {
	struct gx_query *q;
	const struct gx_store *s;
	const struct gx_query_deadlock *dl;
	bool win;
	int64_t w0, w1;
	size_t nstacks;
	struct u32map reasons; /* reason id -> QC_* mask */
	uint8_t *sema;         /* per stack id: refined class bit index + 1, 0 unknown */
	pcre2_match_context *mctx;
	struct gx_buf scratch;
};

static bool
match_text(struct ev *e, const struct qmatch *m, const char *s, size_t n)
{
	int rc;

	if (m->kind == QM_EXACT)
		return n == m->len && memcmp(s, m->text, n) == 0;
	if (m->re == NULL)
		return false;
	rc = pcre2_match(m->re, (PCRE2_SPTR)s, n, 0, 0, e->q->md, e->mctx);
	return rc >= 0;
}

static bool
func_has(const char *f, size_t n, const char *needle)
{
	size_t l = strlen(needle);
	size_t i;

	for (i = 0; i + l <= n; i++)
		if (memcmp(f + i, needle, l) == 0)
			return true;
	return false;
}

/* What a semacquire is really waiting for, from its frames
 * (goroutine-dump-format.md §5.3). */
static uint32_t
refine_sema_uncached(struct ev *e, gx_stack st)
{
	size_t i, depth = gx_store_stack_depth(e->s, st);

	for (i = 0; i < depth; i++) {
		const struct gx_frame_rec *f = gx_store_stack_frame(e->s, st, i);
		const char *fn;
		size_t n;

		if (f == NULL)
			continue;
		fn = gx_store_str(e->s, f->func, &n);
		if (func_has(fn, n, "sync.(*WaitGroup).Wait"))
			return QC_WG;
		if (func_has(fn, n, "sync.(*Mutex).") || func_has(fn, n, "sync.(*RWMutex)."))
			return QC_MUTEX;
		if (func_has(fn, n, "sync.(*Cond).Wait"))
			return QC_COND;
		if (func_has(fn, n, "internal/poll.(*fdMutex)") ||
		    func_has(fn, n, "internal/poll.(*FD)."))
			return QC_IO;
	}
	return QC_SEMA;
}

static uint32_t
refine_sema(struct ev *e, gx_stack st)
{
	uint32_t m;

	if (st >= e->nstacks)
		return refine_sema_uncached(e, st);
	if (e->sema == NULL)
		e->sema = xcalloc(e->nstacks, 1);
	if (e->sema[st] == 0) {
		m = refine_sema_uncached(e, st);
		e->sema[st] = (uint8_t)(__builtin_ctz(m) + 1);
	}
	return 1u << (e->sema[st] - 1);
}

static uint32_t
reason_mask(struct ev *e, gx_str reason)
{
	uint32_t m;
	const char *t;
	size_t n;

	if (map_get(&e->reasons, reason, &m))
		return m;
	t = gx_store_str(e->s, reason, &n);
	m = gx_query__reason_mask(t, n);
	map_put(&e->reasons, reason, m);
	return m;
}

static uint32_t
class_of(struct ev *e, unsigned state, gx_str reason, gx_stack st)
{
	uint32_t m;

	switch (state) {
	case GX_G_RUNNING:
		return QC_RUNNING;
	case GX_G_RUNNABLE:
		return QC_RUNNABLE;
	case GX_G_SYSCALL:
		return QC_SYSCALL;
	case GX_G_DEAD:
		return QC_DEAD;
	case GX_G_WAITING:
		m = reason_mask(e, reason) & ~(uint32_t)QC_STATUS;
		if (m == 0)
			m = QC_UNKNOWNWAIT;
		m |= QC_WAITING;
		break;
	case GX_G_UNKNOWN:
		m = reason_mask(e, reason);
		break;
	default:
		return 0;
	}
	if (m & QC_SEMA)
		m = (m & ~(uint32_t)QC_SEMA) | refine_sema(e, st);
	return m;
}

static bool
stack_match_uncached(struct ev *e, const struct qmatch *m, gx_stack st, size_t max_frames)
{
	size_t i, depth = gx_store_stack_depth(e->s, st);

	if (depth > max_frames)
		depth = max_frames;
	for (i = 0; i < depth; i++) {
		const struct gx_frame_rec *f = gx_store_stack_frame(e->s, st, i);
		const char *t;
		size_t n;

		if (f == NULL)
			continue;
		t = gx_store_str(e->s, f->func, &n);
		if (match_text(e, m, t, n))
			return true;
		t = gx_store_str(e->s, f->file, &n);
		gx_buf_reset(&e->scratch);
		gx_buf_append(&e->scratch, t, n);
		gx_buf_printf(&e->scratch, ":%u", (unsigned)f->line);
		if (match_text(e, m, e->scratch.data, e->scratch.len))
			return true;
	}
	return false;
}

/* Cached per stack id in nd->cache: 0 unknown, 1 no, 2 yes. */
static bool
stack_match(struct ev *e, struct qnode *nd, gx_stack st, size_t max_frames)
{
	bool r;

	if (st == 0)
		return false;
	if (st >= e->nstacks)
		return stack_match_uncached(e, &nd->m, st, max_frames);
	if (nd->cache == NULL) {
		nd->cache = xcalloc(e->nstacks, 1);
		nd->ncache = e->nstacks;
	}
	if (nd->cache[st] == 0) {
		r = stack_match_uncached(e, &nd->m, st, max_frames);
		nd->cache[st] = r ? 2 : 1;
	}
	return nd->cache[st] == 2;
}

static bool
created_match(struct ev *e, struct qnode *nd, const struct gx_goroutine_rec *r)
{
	size_t i, depth;

	if (r->create_stack != 0)
		return stack_match(e, nd, r->create_stack, 1);
	/* No creation stack: the "created by" frame kept in the stack. */
	depth = gx_store_stack_depth(e->s, r->stack);
	for (i = 0; i < depth; i++) {
		const struct gx_frame_rec *f = gx_store_stack_frame(e->s, r->stack, i);
		const char *t;
		size_t n;

		if (f == NULL || !(f->flags & GX_FRAME_CREATED_BY))
			continue;
		t = gx_store_str(e->s, f->func, &n);
		if (match_text(e, &nd->m, t, n))
			return true;
		t = gx_store_str(e->s, f->file, &n);
		gx_buf_reset(&e->scratch);
		gx_buf_append(&e->scratch, t, n);
		gx_buf_printf(&e->scratch, ":%u", (unsigned)f->line);
		if (match_text(e, &nd->m, e->scratch.data, e->scratch.len))
			return true;
	}
	return false;
}

static int64_t
span_end(const struct gx_span_rec *sp)
{
	return sp->end_ns == GX_TIME_NONE ? INT64_MAX : sp->end_ns;
}

/* The spans of g that may overlap the window: [*first, *first + *n). Each
 * still has to be checked with overlaps(). */
static const struct gx_span_rec *
window_spans(struct ev *e, uint32_t g, size_t *n)
{
	size_t cnt, lo = 0, hi;
	const struct gx_span_rec *sp = gx_store_spans(e->s, g, &cnt);

	hi = cnt;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (span_end(&sp[mid]) <= e->w0)
			lo = mid + 1;
		else
			hi = mid;
	}
	hi = lo;
	while (hi < cnt && sp[hi].start_ns <= e->w1)
		hi++;
	*n = hi - lo;
	return sp + lo;
}

static bool
overlaps(const struct ev *e, const struct gx_span_rec *sp)
{
	return sp->start_ns <= e->w1 && span_end(sp) > e->w0;
}

static bool
alive_in_window(struct ev *e, uint32_t g, const struct gx_goroutine_rec *r)
{
	size_t i, n, total;
	const struct gx_span_rec *sp;

	(void)gx_store_spans(e->s, g, &total);
	if (total == 0) {
		int64_t c = r->created_ns == GX_TIME_NONE ? INT64_MIN : r->created_ns;
		int64_t d = r->ended_ns == GX_TIME_NONE ? INT64_MAX : r->ended_ns;

		return c <= e->w1 && d >= e->w0;
	}
	sp = window_spans(e, g, &n);
	for (i = 0; i < n; i++)
		if (overlaps(e, &sp[i]) && sp[i].state != GX_G_NOTEXIST)
			return true;
	return false;
}

static bool
waitlike(struct ev *e, unsigned state, gx_str reason)
{
	if (state == GX_G_WAITING || state == GX_G_SYSCALL)
		return true;
	if (state == GX_G_UNKNOWN)
		return (reason_mask(e, reason) & (QC_WAITING | QC_SYSCALL)) != 0;
	return false;
}

static bool
cmp_ns(enum qcmp c, int64_t v, int64_t x)
{
	switch (c) {
	case QCMP_GT: return v > x;
	case QCMP_GE: return v >= x;
	case QCMP_LT: return v < x;
	case QCMP_LE: return v <= x;
	}
	return false;
}

static bool
reason_match(struct ev *e, const struct qmatch *m, unsigned state, gx_str reason)
{
	size_t n;
	const char *t = gx_store_str(e->s, reason, &n);

	if (n == 0) {
		t = gx_gstate_name((enum gx_gstate)state);
		n = strlen(t);
	}
	return match_text(e, m, t, n);
}

static bool
labels_match(struct ev *e, const struct qnode *nd, gx_str labels)
{
	size_t n, i, nl;
	const char *t = gx_store_str(e->s, labels, &n);
	struct gx_label *v;
	bool r = false;

	if (n == 0)
		return false;
	nl = gx_labels_split(t, n, &v);
	for (i = 0; i < nl && !r; i++)
		r = match_text(e, &nd->m, v[i].key, strlen(v[i].key)) &&
		    (!nd->has_value || match_text(e, &nd->v, v[i].value, strlen(v[i].value)));
	gx_labels_free(v, nl);
	return r;
}

static bool
eval(struct ev *e, uint32_t idx, uint32_t g, const struct gx_goroutine_rec *r)
{
	struct qnode *nd = &e->q->nodes[idx];
	const struct gx_span_rec *sp;
	size_t i, n;

	switch (nd->kind) {
	case QN_ALL:
	case QN_WINDOW:
		return true;
	case QN_AND:
		for (i = 0; i < nd->nkids; i++)
			if (!eval(e, nd->kids[i], g, r))
				return false;
		return true;
	case QN_OR:
		for (i = 0; i < nd->nkids; i++)
			if (eval(e, nd->kids[i], g, r))
				return true;
		return false;
	case QN_NOT:
		return !eval(e, nd->kids[0], g, r);
	case QN_CLASS:
		if (nd->gflags != 0)
			return (r->flags & nd->gflags) != 0;
		if (!e->win)
			return (class_of(e, r->state, r->reason, r->stack) & nd->mask) != 0;
		sp = window_spans(e, g, &n);
		for (i = 0; i < n; i++)
			if (overlaps(e, &sp[i]) &&
			    (class_of(e, sp[i].state, sp[i].reason, sp[i].stack) & nd->mask) != 0)
				return true;
		return false;
	case QN_REASON:
		if (!e->win)
			return reason_match(e, &nd->m, r->state, r->reason);
		sp = window_spans(e, g, &n);
		for (i = 0; i < n; i++)
			if (overlaps(e, &sp[i]) && sp[i].state != GX_G_NOTEXIST &&
			    reason_match(e, &nd->m, sp[i].state, sp[i].reason))
				return true;
		return false;
	case QN_STACK:
		if (stack_match(e, nd, r->stack, SIZE_MAX))
			return true;
		if (!e->win)
			return false;
		sp = window_spans(e, g, &n);
		for (i = 0; i < n; i++)
			if (overlaps(e, &sp[i]) && stack_match(e, nd, sp[i].stack, SIZE_MAX))
				return true;
		return false;
	case QN_CREATED:
		return created_match(e, nd, r);
	case QN_LOG:
	case QN_REGION:
		return g < nd->ncache && nd->cache[g] != 0;
	case QN_LABEL:
		return labels_match(e, nd, r->labels);
	case QN_ID:
		for (i = 0; i < nd->nranges; i++)
			if (r->id >= nd->ranges[i].lo && r->id <= nd->ranges[i].hi)
				return true;
		return false;
	case QN_WAIT:
		if (!e->win)
			return waitlike(e, r->state, r->reason) && cmp_ns(nd->cmp, r->wait_ns, nd->ns);
		sp = window_spans(e, g, &n);
		for (i = 0; i < n; i++) {
			int64_t end = span_end(&sp[i]) < e->w1 ? span_end(&sp[i]) : e->w1;

			if (overlaps(e, &sp[i]) && waitlike(e, sp[i].state, sp[i].reason) &&
			    cmp_ns(nd->cmp, end - sp[i].start_ns, nd->ns))
				return true;
		}
		return false;
	case QN_IN:
		return e->dl != NULL && e->dl->member != NULL &&
		       e->dl->member(e->dl->ctx, nd->set, g);
	}
	return false;
}

/* Which goroutines logged a matching message, or were in a matching
 * region, (inside the window): nd->cache[g] != 0. */
static void
scan_events(struct ev *e, struct qnode *nd)
{
	size_t ng = gx_store_goroutine_count(e->s), got, i;
	struct gx_event_cursor cur = { 0 };
	struct gx_event_rec *chunk = xmalloc(GX_EVENTS_CHUNK * sizeof *chunk);
	struct open {
		int64_t *t;
		uint8_t *hit;
		size_t n, cap, cap2;
	} **open = NULL;

	nd->cache = xcalloc(ng ? ng : 1, 1);
	nd->ncache = ng;
	if (nd->kind == QN_REGION && e->win)
		open = xcalloc(ng ? ng : 1, sizeof(*open));
	/* a chunk at a time: a big trace's events do not all fit in memory */
	while ((got = gx_store_events_read(e->s, &cur, chunk, GX_EVENTS_CHUNK)) > 0) {
		for (i = 0; i < got; i++) {
			const struct gx_event_rec *x = &chunk[i];
			const char *t;
			size_t n;

			if (x->g >= ng)
				continue;
			if (nd->kind == QN_LOG) {
				if (x->kind != GX_EV_LOG || (e->win && (x->ns < e->w0 || x->ns > e->w1)))
					continue;
				t = gx_store_str(e->s, x->str, &n);
				if (match_text(e, &nd->m, t, n))
					nd->cache[x->g] = 1;
				continue;
			}
			if (x->kind == GX_EV_REGION_BEGIN) {
				bool hit;

				t = gx_store_str(e->s, x->str, &n);
				hit = match_text(e, &nd->m, t, n);
				if (open == NULL) {
					if (hit)
						nd->cache[x->g] = 1;
					continue;
				}
				if (open[x->g] == NULL)
					open[x->g] = xcalloc(1, sizeof(**open));
				gx_grow(&open[x->g]->t, &open[x->g]->cap, open[x->g]->n + 1, sizeof(int64_t));
				gx_grow(&open[x->g]->hit, &open[x->g]->cap2, open[x->g]->n + 1, 1);
				open[x->g]->t[open[x->g]->n] = x->ns;
				open[x->g]->hit[open[x->g]->n] = hit;
				open[x->g]->n++;
			} else if (x->kind == GX_EV_REGION_END && open != NULL && open[x->g] != NULL &&
			           open[x->g]->n > 0) {
				size_t k = --open[x->g]->n;

				if (open[x->g]->hit[k] && open[x->g]->t[k] <= e->w1 && x->ns >= e->w0)
					nd->cache[x->g] = 1;
			}
		}
	}
	if (open != NULL) {
		for (i = 0; i < ng; i++) {
			size_t k;

			if (open[i] == NULL)
				continue;
			/* Regions still open at the end of the trace. */
			for (k = 0; k < open[i]->n; k++)
				if (open[i]->hit[k] && open[i]->t[k] <= e->w1)
					nd->cache[i] = 1;
			free(open[i]->t);
			free(open[i]->hit);
			free(open[i]);
		}
		free(open);
	}
	free(chunk);
}

static void set_error(struct gx_query_error *err, const struct qnode *nd, const char *fmt, ...)
	GX_PRINTF(3, 4);

static void
set_error(struct gx_query_error *err, const struct qnode *nd, const char *fmt, ...)
{
	va_list ap;

	err->pos = nd->pos;
	err->len = nd->len ? nd->len : 1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

static bool
has_timeline(const struct gx_store *s)
{
	const struct gx_store_meta *m = gx_store_meta(s);

	return m != NULL && (m->format == GX_FMT_TRACE_V1 || m->format == GX_FMT_TRACE_V2);
}

static const char *
input_kind(const struct gx_store *s)
{
	const struct gx_store_meta *m = gx_store_meta(s);

	if (m != NULL && (m->format == GX_FMT_PPROF_DEBUG1 || m->format == GX_FMT_PPROF_PROTO))
		return "goroutine profile";
	return "goroutine dump";
}

static int
resolve_window(const struct gx_query *q, const struct gx_query_env *env, int64_t *w0,
               int64_t *w1, struct gx_query_error *err)
{
	const struct qnode *nd;
	const struct gx_store_meta *m;
	int64_t t;

	if (q->window < 0)
		return 0;
	nd = &q->nodes[q->window];
	if (!has_timeline(env->store)) {
		set_error(err, nd, "a time window needs a trace: the input has no timeline (%s)",
		          input_kind(env->store));
		return -1;
	}
	m = gx_store_meta(env->store);
	switch (nd->wkind) {
	case QW_RANGE:
		*w0 = nd->has_a ? m->start_ns + nd->a : m->start_ns;
		*w1 = nd->has_b ? m->start_ns + nd->b : m->end_ns;
		break;
	case QW_LAST:
		*w0 = m->end_ns - nd->ns;
		*w1 = m->end_ns;
		break;
	case QW_FIRST:
		*w0 = m->start_ns;
		*w1 = m->start_ns + nd->ns;
		break;
	case QW_BEFORE_DEADLOCK:
		if (env->deadlock == NULL) {
			set_error(err, nd, "deadlock analysis not available");
			return -1;
		}
		t = env->deadlock->deadlock_ns;
		if (t == GX_TIME_NONE) {
			set_error(err, nd, "no deadlock was found in this input");
			return -1;
		}
		*w0 = t - nd->ns;
		*w1 = t;
		break;
	}
	if (*w0 < m->start_ns && nd->wkind != QW_RANGE)
		*w0 = m->start_ns;
	return 1;
}

int
gx_query_window(const struct gx_query *q, const struct gx_query_env *env, int64_t *start,
                int64_t *end, struct gx_query_error *err)
{
	memset(err, 0, sizeof(*err));
	return resolve_window(q, env, start, end, err);
}

/* Everything the query asks for that the input or the caller cannot
 * give; the error names the first such term. */
static int
check_env(const struct gx_query *q, const struct gx_query_env *env, struct gx_query_error *err)
{
	size_t i;
	const struct qnode *bad = NULL;
	const char *why = NULL;

	for (i = 0; i < q->n; i++) {
		const struct qnode *nd = &q->nodes[i];
		const char *w = NULL;

		if (nd->kind == QN_IN && (env->deadlock == NULL || env->deadlock->member == NULL))
			w = "deadlock analysis not available";
		else if ((nd->kind == QN_LOG || nd->kind == QN_REGION) && !has_timeline(env->store))
			w = nd->kind == QN_LOG ? "log: needs a trace (trace.Log events); the input has no events" :
			    "region: needs a trace (trace regions); the input has no events";
		if (w != NULL && (bad == NULL || nd->pos < bad->pos)) {
			bad = nd;
			why = w;
		}
	}
	if (bad == NULL)
		return 0;
	if (bad->kind == QN_IN)
		set_error(err, bad, "%s", why);
	else
		set_error(err, bad, "%s (%s)", why, input_kind(env->store));
	return -1;
}

int
gx_query_select(struct gx_query *q, const struct gx_query_env *env, uint32_t **out, size_t *n,
                struct gx_query_error *err)
{
	struct ev e = { 0 };
	size_t ng, i, cap = 0;
	uint32_t *v = NULL;
	int w;

	memset(err, 0, sizeof(*err));
	*out = NULL;
	*n = 0;
	if (check_env(q, env, err) < 0)
		return -1;
	w = resolve_window(q, env, &e.w0, &e.w1, err);
	if (w < 0)
		return -1;
	e.win = w > 0;
	e.q = q;
	e.s = env->store;
	e.dl = env->deadlock;
	e.nstacks = gx_store_stack_count(e.s);
	e.mctx = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(e.mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(e.mctx, MATCH_LIMIT / 10);
	for (i = 0; i < q->n; i++)
		if (q->nodes[i].kind == QN_LOG || q->nodes[i].kind == QN_REGION)
			scan_events(&e, &q->nodes[i]);
	ng = gx_store_goroutine_count(e.s);
	for (i = 0; i < ng && i < UINT32_MAX; i++) {
		const struct gx_goroutine_rec *r = gx_store_goroutine(e.s, i);

		bool match;

		if (r == NULL)
			continue;
		match = (!e.win || alive_in_window(&e, (uint32_t)i, r)) &&
		        eval(&e, q->root, (uint32_t)i, r);
		if (env->lean)
			gx_store_spans_drop(e.s, i);
		if (!match)
			continue;
		gx_grow(&v, &cap, *n + 1, sizeof(*v));
		v[(*n)++] = (uint32_t)i;
	}
	for (i = 0; i < q->n; i++) {
		free(q->nodes[i].cache);
		q->nodes[i].cache = NULL;
		q->nodes[i].ncache = 0;
	}
	map_free(&e.reasons);
	free(e.sema);
	gx_buf_free(&e.scratch);
	pcre2_match_context_free(e.mctx);
	*out = v;
	return 0;
}
