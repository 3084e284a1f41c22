/* trace_model: ordered Go 1.22+ trace events -> the store (see
 * trace_model.h). */
#include "config.h"

#include "gotrex/trace_model.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/gofunc.h"
#include "gotrex/trace1.h"
#include "gotrex/trace_order.h"
#include "gotrex/util.h"

/* What the model knows of one goroutine. */
struct mg {
	uint32_t bi;          /* builder index */
	uint8_t state;        /* enum gx_gstate */
	bool seen_create;
	int64_t since;        /* start of the current state */
	gx_str reason;
	gx_stack stack;       /* stack at the transition into the current state */
	gx_stack last_stack;  /* last known stack */
	int64_t run_p;        /* P it runs on, -1 */
	int64_t created_ns, ended_ns;
	uint64_t creator;
	gx_stack create_stack;
	gx_str start_func;
	bool system;          /* started in a runtime function */
	bool from_start;      /* in this state since before tracing began */
};

/* Ids below DENSE_IDS (goroutine ids and a generation's stack ids are
 * small counters in practice) are looked up in direct tables, the rest
 * in hash maps; which one holds an id depends on the id alone. A table
 * grows to the largest small id seen: at most 4 MiB each. */
#define DENSE_IDS (1u << 20)
#define DENSE_NONE UINT32_MAX

/* Id of the current generation -> what the builder made of it, for ids
 * below DENSE_IDS; DENSE_NONE when not made yet. Emptied at each
 * generation (ids start over), [0, hi) being what was set. */
struct gencache {
	uint32_t *v;
	size_t n, hi;
};

struct model {
	struct gx_builder *b;
	struct gx_diag *d;
	struct gx_u64map gidx;   /* goid -> index in gs (goids >= DENSE_IDS) */
	uint32_t *gdense;        /* goid -> index in gs, DENSE_NONE */
	size_t ngdense;
	struct mg *gs;
	size_t ngs, capgs;
	struct gx_u64map stacks; /* stack id of the current generation -> gx_stack (ids >= DENSE_IDS) */
	struct gencache sdense;  /* stack id -> gx_stack */
	struct gencache rdense;  /* string id of a GoStop/GoBlock reason -> gx_str */
	uint32_t *frames;
	size_t capframes;
	struct gx_buf scratch;
	int64_t start_ns, end_ns; /* store clock: 0 is the first event */
	int64_t base_ns;          /* Go's timestamp of the first event */
	bool have_start;
	gx_str s_running, s_runnable, s_syscall;
};

static gx_str
str(struct model *m, struct gx_t2_str s)
{
	return s.len > 0 ? gx_builder_str(m->b, s.s, s.len) : 0;
}

/* The slot of id in a direct table (grown as needed, new entries
 * DENSE_NONE); id < DENSE_IDS. */
static uint32_t *
dense_slot(uint32_t **v, size_t *n, uint64_t id)
{
	if (id >= *n) {
		size_t nn = *n ? *n : 256;

		while (nn <= id)
			nn *= 2;
		*v = xreallocarray(*v, nn, sizeof(**v));
		memset(*v + *n, 0xff, (nn - *n) * sizeof(**v));
		*n = nn;
	}
	return &(*v)[id];
}

static gx_stack
make_stack(struct model *m, const struct gx_tev *ev, uint64_t id)
{
	size_t i, n;

	n = gx_tev_stack_depth(ev, id);
	gx_grow(&m->frames, &m->capframes, n + 1, sizeof(*m->frames));
	for (i = 0; i < n; i++) {
		struct gx_tev_frame f;
		struct gx_frame_rec r;

		if (!gx_tev_stack_frame(ev, id, i, &f))
			break;
		memset(&r, 0, sizeof(r));
		r.func = str(m, f.func);
		r.file = str(m, f.file);
		r.line = f.line > UINT32_MAX ? UINT32_MAX : (uint32_t)f.line;
		r.pc = f.pc;
		if (gx_func_is_runtime(f.func.s, f.func.len))
			r.flags |= GX_FRAME_RUNTIME;
		m->frames[i] = gx_builder_frame(m->b, &r);
	}
	return n > 0 ? gx_builder_stack(m->b, m->frames, i) : 0;
}

static uint32_t
gencache_get(const struct gencache *c, uint64_t id)
{
	return id < c->n ? c->v[id] : DENSE_NONE;
}

static void
gencache_set(struct gencache *c, uint64_t id, uint32_t v)
{
	*dense_slot(&c->v, &c->n, id) = v;
	if (id >= c->hi)
		c->hi = (size_t)id + 1;
}

static void
gencache_clear(struct gencache *c)
{
	if (c->hi > 0)
		memset(c->v, 0xff, c->hi * sizeof(*c->v));
	c->hi = 0;
}

static gx_stack
stack(struct model *m, const struct gx_tev *ev, uint64_t id)
{
	uint32_t *slot;
	bool found;
	gx_stack st;

	if (id == 0 || ev->gen == NULL)
		return 0;
	if (id < DENSE_IDS) {
		st = gencache_get(&m->sdense, id);
		if (st != DENSE_NONE)
			return st;
		st = make_stack(m, ev, id);
		gencache_set(&m->sdense, id, st);
		return st;
	}
	slot = gx_u64map_put(&m->stacks, id, &found);
	if (found)
		return *slot;
	st = make_stack(m, ev, id);
	/* The slot may have moved while interning: look it up again. */
	*gx_u64map_put(&m->stacks, id, &found) = st;
	return st;
}

static struct mg *
goroutine(struct model *m, int64_t id)
{
	uint32_t *slot;
	bool found;
	struct gx_goroutine_rec r;
	struct mg *g;

	if ((uint64_t)id < m->ngdense && m->gdense[id] != DENSE_NONE)
		return &m->gs[m->gdense[id]];
	if ((uint64_t)id < DENSE_IDS) {
		slot = dense_slot(&m->gdense, &m->ngdense, (uint64_t)id);
		found = *slot != DENSE_NONE;
	} else {
		slot = gx_u64map_put(&m->gidx, (uint64_t)id, &found);
	}
	if (found)
		return &m->gs[*slot];
	*slot = (uint32_t)m->ngs;
	gx_grow(&m->gs, &m->capgs, m->ngs + 1, sizeof(*m->gs));
	g = &m->gs[m->ngs++];
	memset(g, 0, sizeof(*g));
	memset(&r, 0, sizeof(r));
	r.id = (uint64_t)id;
	r.created_ns = GX_TIME_NONE;
	r.ended_ns = GX_TIME_NONE;
	r.wait_since_ns = GX_TIME_NONE;
	r.count = 1;
	g->bi = gx_builder_goroutine(m->b, &r);
	g->state = GX_G_NOTEXIST;
	g->since = m->start_ns;
	g->run_p = -1;
	g->created_ns = GX_TIME_NONE;
	g->ended_ns = GX_TIME_NONE;
	return g;
}

static uint32_t
gindex(struct model *m, int64_t id)
{
	return id < 0 ? GX_NONE32 : goroutine(m, id)->bi;
}

static uint8_t
store_state(unsigned s)
{
	switch (s) {
	case GX_TGO_NOTEXIST: return GX_G_DEAD;
	case GX_TGO_RUNNABLE: return GX_G_RUNNABLE;
	case GX_TGO_RUNNING: return GX_G_RUNNING;
	case GX_TGO_WAITING: return GX_G_WAITING;
	case GX_TGO_SYSCALL: return GX_G_SYSCALL;
	}
	return GX_G_UNKNOWN;
}

static void
event(struct model *m, int64_t ns, uint32_t kind, uint32_t g, uint64_t a0, uint64_t a1,
      gx_str s, gx_stack stk)
{
	struct gx_event_rec e;

	memset(&e, 0, sizeof(e));
	e.ns = ns;
	e.kind = kind;
	e.g = g;
	e.arg0 = a0;
	e.arg1 = a1;
	e.str = s;
	e.stack = stk;
	gx_builder_event(m->b, &e);
}

/* End the current state of g at ns. */
static void
close_state(struct model *m, struct mg *g, int64_t ns)
{
	struct gx_span_rec s;

	if (g->state == GX_G_RUNNING && g->run_p >= 0) {
		struct gx_pspan_rec p;

		p.start_ns = g->since;
		p.end_ns = ns;
		p.p = g->run_p > UINT32_MAX - 1 ? UINT32_MAX - 1 : (uint32_t)g->run_p;
		p.g = g->bi;
		gx_builder_pspan(m->b, &p);
	}
	/* "Not yet created" and "dead" are spans too, so that a timeline
	 * covers the whole trace; empty ones are left out. */
	if ((g->state == GX_G_NOTEXIST || g->state == GX_G_DEAD) && ns <= g->since)
		return;
	memset(&s, 0, sizeof(s));
	s.start_ns = g->since;
	s.end_ns = ns;
	s.g = g->bi;
	s.state = g->state;
	s.reason = g->reason;
	s.stack = g->stack;
	gx_builder_span(m->b, &s);
}

/* The reason of a transition, interned once per generation and string
 * id: a GoStop's or GoBlock's reason is its string argument args[0]
 * (gx_tev_transition), the other transitions have none. */
static gx_str
reason(struct model *m, const struct gx_tev *ev, const struct gx_tev_transition *t)
{
	uint64_t id = ev->args[0];
	gx_str r;

	if ((ev->type != GX_EV2_GO_STOP && ev->type != GX_EV2_GO_BLOCK) || id >= DENSE_IDS)
		return str(m, t->reason);
	r = gencache_get(&m->rdense, id);
	if (r == DENSE_NONE) {
		r = str(m, t->reason);
		gencache_set(&m->rdense, id, r);
	}
	return r;
}

static void
on_goroutine(struct model *m, const struct gx_tev *ev, int64_t ns, const struct gx_tev_transition *t)
{
	uint8_t to = store_state(t->to);
	gx_stack tstk = stack(m, ev, t->stack);
	gx_stack estk = stack(m, ev, gx_tev_stack(ev));
	struct mg *g = goroutine(m, t->id);
	uint32_t bi;

	bi = g->bi;
	if (t->from == GX_TGO_UNDETERMINED) {
		/* Alive before tracing began: in this state since the start. */
		g->state = to;
		g->since = m->start_ns;
		g->from_start = true;
		g->reason = 0;
		g->stack = tstk;
		if (tstk != 0)
			g->last_stack = tstk;
		g->run_p = to == GX_G_RUNNING ? ev->p : -1;
		/* Its outermost frame tells whether the runtime started it. */
		if (t->stack != 0) {
			struct gx_tev_frame f;
			size_t depth = gx_tev_stack_depth(ev, t->stack);

			if (depth > 0 && gx_tev_stack_frame(ev, t->stack, depth - 1, &f))
				g->system = gx_func_is_runtime(f.func.s, f.func.len);
		}
		return;
	}
	if (t->from == t->to) {
		/* A status checkpoint of a later generation. */
		if (tstk != 0)
			g->last_stack = tstk;
		return;
	}
	close_state(m, g, ns);
	if (t->from == GX_TGO_NOTEXIST) {
		struct gx_tev_frame f;

		g->created_ns = ns;
		g->creator = ev->g >= 0 ? (uint64_t)ev->g : 0;
		g->create_stack = estk;
		if (t->stack != 0 && gx_tev_stack_frame(ev, t->stack, 0, &f)) {
			g->start_func = str(m, f.func);
			g->system = gx_func_is_runtime(f.func.s, f.func.len);
		}
		event(m, ns, GX_EV_CREATE, bi, g->creator, 0, 0, estk);
		g = goroutine(m, t->id);
	}
	if (t->from == GX_TGO_WAITING && t->to == GX_TGO_RUNNABLE) {
		event(m, ns, GX_EV_UNBLOCK, bi, ev->g >= 0 ? (uint64_t)ev->g : 0, 0, 0, estk);
	}
	g->state = to;
	g->since = ns;
	g->from_start = false;
	g->reason = to == GX_G_DEAD ? 0 : reason(m, ev, t);
	g->stack = tstk;
	if (tstk != 0)
		g->last_stack = tstk;
	g->run_p = to == GX_G_RUNNING ? ev->p : -1;
	if (to == GX_G_DEAD)
		g->ended_ns = ns;
}

static void
on_event(struct model *m, const struct gx_tev *ev)
{
	enum gx_tev_kind k = gx_tev_kind(ev);
	int64_t ns;

	/* The store's clock starts at the trace's first event (Go's own
	 * timestamps count from an arbitrary point, such as boot); `events`
	 * prints Go's clock, everything else reads the store's. */
	if (!m->have_start) {
		m->base_ns = ev->ns;
		m->have_start = true;
	}
	ns = ev->ns - m->base_ns;
	m->end_ns = ns;
	switch (k) {
	case GX_TEV_SYNC:
		/* A new generation: stack ids start over. */
		gx_u64map_clear(&m->stacks);
		gencache_clear(&m->sdense);
		gencache_clear(&m->rdense);
		break;
	case GX_TEV_STATE_TRANSITION: {
		struct gx_tev_transition t;

		if (gx_tev_transition(ev, &t) && t.res == GX_TRES_GOROUTINE && t.id >= 0)
			on_goroutine(m, ev, ns, &t);
		break;
	}
	case GX_TEV_RANGE_BEGIN:
	case GX_TEV_RANGE_ACTIVE:
	case GX_TEV_RANGE_END: {
		struct gx_tev_range r;
		bool end = k == GX_TEV_RANGE_END;

		if (!gx_tev_range(ev, &r))
			break;
		if (strcmp(r.name, "GC concurrent mark phase") == 0) {
			event(m, ns, end ? GX_EV_GC_END : GX_EV_GC_BEGIN, GX_NONE32,
			      k == GX_TEV_RANGE_ACTIVE, 0, 0, stack(m, ev, gx_tev_stack(ev)));
		} else if (strcmp(r.name, "stop-the-world") == 0) {
			event(m, ns, end ? GX_EV_STW_END : GX_EV_STW_BEGIN, gindex(m, ev->g), 0, 0,
			      str(m, r.stw_kind), stack(m, ev, gx_tev_stack(ev)));
		}
		break;
	}
	case GX_TEV_TASK_BEGIN:
	case GX_TEV_TASK_END: {
		struct gx_tev_task t;

		gx_tev_task(ev, &t);
		event(m, ns, k == GX_TEV_TASK_BEGIN ? GX_EV_TASK_BEGIN : GX_EV_TASK_END,
		      gindex(m, ev->g), t.id, t.parent, str(m, t.type), stack(m, ev, gx_tev_stack(ev)));
		break;
	}
	case GX_TEV_REGION_BEGIN:
	case GX_TEV_REGION_END: {
		struct gx_tev_region r;

		gx_tev_region(ev, &r);
		event(m, ns, k == GX_TEV_REGION_BEGIN ? GX_EV_REGION_BEGIN : GX_EV_REGION_END,
		      gindex(m, ev->g), r.task, 0, str(m, r.type), stack(m, ev, gx_tev_stack(ev)));
		break;
	}
	case GX_TEV_LOG: {
		struct gx_tev_log l;

		gx_tev_log(ev, &l);
		gx_buf_reset(&m->scratch);
		gx_buf_append(&m->scratch, l.category.s, l.category.len);
		gx_buf_puts(&m->scratch, ": ");
		gx_buf_append(&m->scratch, l.message.s, l.message.len);
		event(m, ns, GX_EV_LOG, gindex(m, ev->g), l.task, 0,
		      gx_builder_str(m->b, m->scratch.data, m->scratch.len), stack(m, ev, gx_tev_stack(ev)));
		break;
	}
	default:
		break;
	}
}

/* Close every open state at the end and fill the goroutine records. */
static void
finish(struct model *m)
{
	size_t i;

	for (i = 0; i < m->ngs; i++) {
		struct mg *g = &m->gs[i];
		struct gx_goroutine_rec *r;

		close_state(m, g, m->end_ns);
		r = gx_builder_goroutine_at(m->b, g->bi);
		if (r == NULL)
			continue;
		r->creator_id = g->creator;
		r->created_ns = g->created_ns;
		r->ended_ns = g->ended_ns;
		r->create_stack = g->create_stack;
		r->start_func = g->start_func;
		r->stack = g->last_stack;
		r->state = g->state == GX_G_NOTEXIST ? GX_G_UNKNOWN : g->state;
		switch (g->state) {
		case GX_G_WAITING:
			r->reason = g->reason;
			r->wait_since_ns = g->since;
			r->wait_ns = m->end_ns - g->since;
			if (g->from_start)
				r->flags |= GX_G_WAIT_BEFORE_START;
			break;
		case GX_G_RUNNING: r->reason = m->s_running; break;
		case GX_G_RUNNABLE: r->reason = m->s_runnable; break;
		case GX_G_SYSCALL: r->reason = m->s_syscall; break;
		default: break;
		}
		if (g->system)
			r->flags |= GX_G_SYSTEM;
	}
}

int
gx_trace_load(struct gx_input *in, struct gx_builder *b, struct gx_diag *d)
{
	struct model m;
	struct gx_trace_reader *r;
	struct gx_trace_stats st;
	struct gx_store_meta *meta;
	struct gx_tev ev;
	int rc;
	static const char *const versions[] = {
		[GX_T1_GO111] = "go1.11-1.18", [GX_T1_GO119] = "go1.19-1.20", [GX_T1_GO121] = "go1.21",
		[GX_T2_GO122] = "go1.22", [GX_T2_GO123] = "go1.23", [GX_T2_GO125] = "go1.25",
		[GX_T2_GO126] = "go1.26",
	};

	r = gx_trace_reader_new(in, d);
	if (r == NULL)
		return -1;
	memset(&m, 0, sizeof(m));
	m.b = b;
	m.d = d;
	m.s_running = gx_builder_cstr(b, "running");
	m.s_runnable = gx_builder_cstr(b, "runnable");
	m.s_syscall = gx_builder_cstr(b, "syscall");
	while ((rc = gx_trace_reader_next(r, &ev, d)) > 0) {
		on_event(&m, &ev);
	}
	finish(&m);
	gx_trace_reader_stats(r, &st);
	meta = gx_builder_meta(b);
	meta->format = gx_trace_reader_version(r) < GX_T2_GO122 ? GX_FMT_TRACE_V1 : GX_FMT_TRACE_V2;
	meta->start_ns = m.have_start ? m.start_ns : 0;
	meta->end_ns = m.have_start ? m.end_ns : 0;
	meta->lost_bytes = st.lost_bytes;
	if (st.truncated || rc < 0)
		meta->flags |= GX_META_TRUNCATED;
	meta->go_version = gx_builder_cstr(b, versions[gx_trace_reader_version(r)]);
	gx_trace_reader_free(r);
	gx_u64map_free(&m.gidx);
	free(m.gdense);
	gx_u64map_free(&m.stacks);
	free(m.sdense.v);
	free(m.rdense.v);
	free(m.gs);
	free(m.frames);
	gx_buf_free(&m.scratch);
	return st.generations > 0 || rc >= 0 ? 0 : -1;
}
