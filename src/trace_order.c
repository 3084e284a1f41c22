/* trace_order: the ordering of Go 1.22+ trace events, as Go's reader does
 * it (src/internal/trace/reader.go, order.go, batchcursor.go).
 *
 * The rules here are Go's, case by case: which events wait for a sequence
 * number, which context each needs, what each does to the goroutine, proc
 * and thread states. Reproducing them exactly is what makes `gotrex
 * events` print the same stream as `go tool trace -d=parsed`. */
#include "config.h"

#include "gotrex/trace_order.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/trace1.h"
#include "gotrex/util.h"

/* Wire statuses (tracev2). */
enum { GO_BAD, GO_RUNNABLE, GO_RUNNING, GO_SYSCALL, GO_WAITING, GO_NSTATUS };
enum { PROC_BAD, PROC_RUNNING, PROC_IDLE, PROC_SYSCALL, PROC_SYSCALL_ABANDONED, PROC_NSTATUS };
enum { GC_UNDETERMINED, GC_NOT_RUNNING, GC_RUNNING };

static const uint8_t go_status_to_state[GO_NSTATUS] = {
	[GO_RUNNABLE] = GX_TGO_RUNNABLE, [GO_RUNNING] = GX_TGO_RUNNING,
	[GO_WAITING] = GX_TGO_WAITING, [GO_SYSCALL] = GX_TGO_SYSCALL,
};
static const uint8_t proc_status_to_state[PROC_NSTATUS] = {
	[PROC_RUNNING] = GX_TPROC_RUNNING, [PROC_IDLE] = GX_TPROC_IDLE,
	[PROC_SYSCALL] = GX_TPROC_RUNNING, [PROC_SYSCALL_ABANDONED] = GX_TPROC_IDLE,
};

static const char *
go_status_name(unsigned s)
{
	switch (s) {
	case GO_RUNNABLE: return "Runnable";
	case GO_RUNNING: return "Running";
	case GO_SYSCALL: return "Syscall";
	case GO_WAITING: return "Waiting";
	}
	return "Bad";
}

static const char *
proc_status_name(unsigned s)
{
	switch (s) {
	case PROC_RUNNING: return "Running";
	case PROC_IDLE: return "Idle";
	case PROC_SYSCALL: return "Syscall";
	}
	return "Bad";
}

struct seq {
	uint64_t gen, seq;
};

static bool
seq_succeeds(struct seq a, struct seq b)
{
	return a.gen == b.gen && a.seq == b.seq + 1;
}

struct range {
	uint8_t typ;     /* the Begin event type */
	uint64_t desc;   /* string id (STW kind) */
};

struct ranges {
	struct range *v;
	size_t n, cap;
};

struct region {
	uint64_t task;
	char *name;
	size_t len;
};

struct gstate {
	int64_t id;
	uint8_t status;
	struct seq seq;
	struct region *regions;
	size_t nreg, capreg;
	struct ranges rs;
};

struct pstate {
	int64_t id;
	uint8_t status;
	struct seq seq;
	struct ranges rs;
};

struct mstate {
	int64_t id;
	int64_t g, p;
};

struct task {
	char *name;
	size_t len;
	uint64_t parent;
};

/* Id -> slot. Ids below IDMAP_DENSE (goroutine, proc and task ids are
 * small counters in practice) are in a direct table, the rest in a hash
 * map: which of the two holds an id depends on the id alone. The table
 * grows to the largest small id seen, so at most 4 MiB. */
#define IDMAP_DENSE (1u << 20)
#define IDMAP_NONE UINT32_MAX

struct idmap {
	uint32_t *dense;    /* slot, IDMAP_NONE when none */
	size_t ndense;
	struct gx_u64map map;
};

static inline uint32_t
idmap_get(const struct idmap *m, uint64_t id)
{
	const uint32_t *ix;

	if (id < m->ndense)
		return m->dense[id];
	if (id < IDMAP_DENSE)
		return IDMAP_NONE;
	ix = gx_u64map_get(&m->map, id);
	return ix != NULL ? *ix : IDMAP_NONE;
}

static void
idmap_put(struct idmap *m, uint64_t id, uint32_t ix)
{
	bool found;

	if (id < IDMAP_DENSE) {
		if (id >= m->ndense) {
			size_t n = m->ndense ? m->ndense : 64;

			while (n <= id)
				n *= 2;
			m->dense = xreallocarray(m->dense, n, sizeof(*m->dense));
			memset(m->dense + m->ndense, 0xff, (n - m->ndense) * sizeof(*m->dense));
			m->ndense = n;
		}
		m->dense[id] = ix;
		return;
	}
	*gx_u64map_put(&m->map, id, &found) = ix;
}

static void
idmap_del(struct idmap *m, uint64_t id)
{
	if (id < m->ndense)
		m->dense[id] = IDMAP_NONE;
	else if (id >= IDMAP_DENSE)
		gx_u64map_del(&m->map, id);
}

static void
idmap_free(struct idmap *m)
{
	free(m->dense);
	gx_u64map_free(&m->map);
	memset(m, 0, sizeof(*m));
}

/* A pool of records addressed through a map from id to slot. */
#define POOL(T) struct { struct idmap map; T *v; size_t n, cap; uint32_t *free; size_t nfree, capfree; }

struct ordering {
	int ver;
	POOL(struct gstate) g;
	POOL(struct pstate) p;
	POOL(struct mstate) m;
	POOL(struct task) t;
	uint64_t gc_seq;
	int gc_state;
	uint64_t initial_gen;
	/* The queue of completed events (a ring; qcap is a power of two). */
	struct gx_tev *q;
	size_t qstart, qlen, qcap;
	/* When set (the queue is empty and the reader wants an event), the
	 * next push goes here, the reader's event, instead of the queue:
	 * most advances make one event, which then is not copied twice. */
	struct gx_tev *direct;
	bool direct_done;
	/* The error of the last failed advance. */
	char err[256];
	uint64_t err_off;
};


static uint32_t
pool_alloc(struct idmap *map, size_t *n, size_t *cap, void **v, size_t elem,
           uint32_t **fr, size_t *nfree, uint64_t key)
{
	uint32_t ix;

	if (*nfree > 0) {
		ix = (*fr)[--*nfree];
	} else {
		gx_grow(v, cap, *n + 1, elem);
		ix = (uint32_t)(*n)++;
	}
	memset((char *)*v + (size_t)ix * elem, 0, elem);
	idmap_put(map, key, ix);
	return ix;
}

#define POOL_FUNCS(fn, field, T) \
	static T * \
	fn##get(struct ordering *o, int64_t id) \
	{ \
		uint32_t ix = idmap_get(&o->field.map, (uint64_t)id); \
		return ix != IDMAP_NONE ? &o->field.v[ix] : NULL; \
	} \
	static T * \
	fn##new(struct ordering *o, int64_t id) \
	{ \
		void *v = o->field.v; \
		uint32_t ix = pool_alloc(&o->field.map, &o->field.n, &o->field.cap, &v, \
		                         sizeof(T), &o->field.free, &o->field.nfree, (uint64_t)id); \
		o->field.v = v; \
		return &o->field.v[ix]; \
	}
POOL_FUNCS(g, g, struct gstate)
POOL_FUNCS(p, p, struct pstate)
POOL_FUNCS(m, m, struct mstate)
POOL_FUNCS(t, t, struct task)

static void
pool_release(struct idmap *map, uint32_t **fr, size_t *nfree, size_t *capfree, uint64_t key)
{
	uint32_t ix = idmap_get(map, key);

	if (ix == IDMAP_NONE)
		return;
	gx_grow(fr, capfree, *nfree + 1, sizeof(**fr));
	(*fr)[(*nfree)++] = ix;
	idmap_del(map, key);
}

static void
gstate_clear(struct gstate *s)
{
	size_t i;

	for (i = 0; i < s->nreg; i++)
		free(s->regions[i].name);
	free(s->regions);
	free(s->rs.v);
	s->regions = NULL;
	s->nreg = s->capreg = 0;
	s->rs.v = NULL;
	s->rs.n = s->rs.cap = 0;
}

static void
gdelete(struct ordering *o, int64_t id)
{
	struct gstate *s = gget(o, id);

	if (s == NULL)
		return;
	gstate_clear(s);
	pool_release(&o->g.map, &o->g.free, &o->g.nfree, &o->g.capfree, (uint64_t)id);
}

static void
ordering_free(struct ordering *o)
{
	size_t i;

	/* Slots on the free list were cleared on release. */
	for (i = 0; i < o->g.n; i++)
		gstate_clear(&o->g.v[i]);
	idmap_free(&o->g.map);
	free(o->g.v);
	free(o->g.free);
	for (i = 0; i < o->p.n; i++)
		free(o->p.v[i].rs.v);
	idmap_free(&o->p.map);
	free(o->p.v);
	free(o->p.free);
	idmap_free(&o->m.map);
	free(o->m.v);
	free(o->m.free);
	for (i = 0; i < o->t.n; i++)
		free(o->t.v[i].name);
	idmap_free(&o->t.map);
	free(o->t.v);
	free(o->t.free);
	free(o->q);
}

/* A new slot at the end of the queue (filled by the caller). */
static struct gx_tev *
q_push(struct ordering *o)
{
	if (o->qlen == o->qcap) {
		size_t oldcap = o->qcap, i;
		struct gx_tev *nq;

		o->qcap = oldcap ? oldcap * 2 : 8;
		nq = xreallocarray(NULL, o->qcap, sizeof(*nq));
		for (i = 0; i < o->qlen; i++)
			nq[i] = o->q[(o->qstart + i) & (oldcap - 1)];
		free(o->q);
		o->q = nq;
		o->qstart = 0;
	}
	return &o->q[(o->qstart + o->qlen++) & (o->qcap - 1)];
}

static inline bool
q_pop(struct ordering *o, struct gx_tev *e)
{
	if (o->qlen == 0)
		return false;
	*e = o->q[o->qstart];
	o->qstart = (o->qstart + 1) & (o->qcap - 1);
	o->qlen--;
	return true;
}

/* ------------------------------------------------------------------ */
/* Advancing one event */

struct ctx {
	int64_t g, p, m;
};

enum { NOT_HAVE, MAY_HAVE, MUST_HAVE };

static int GX_PRINTF(3, 4)
fail(struct ordering *o, const struct gx_tev *ev, const char *fmt, ...)
{
	va_list ap;

	o->err_off = ev->off;
	va_start(ap, fmt);
	vsnprintf(o->err, sizeof(o->err), fmt, ap);
	va_end(ap);
	return -1;
}

static int
validate_ctx(struct ordering *o, const struct gx_tev *ev, struct ctx c, int m, int p, int g)
{
	const char *what;

	if (m == MUST_HAVE && c.m == GX_TNONE)
		what = "expected a thread but didn't have one";
	else if (m == NOT_HAVE && c.m != GX_TNONE)
		what = "expected no thread but had one";
	else if (p == MUST_HAVE && c.p == GX_TNONE)
		what = "expected a proc but didn't have one";
	else if (p == NOT_HAVE && c.p != GX_TNONE)
		what = "expected no proc but had one";
	else if (g == MUST_HAVE && c.g == GX_TNONE)
		what = "expected a goroutine but didn't have one";
	else if (g == NOT_HAVE && c.g != GX_TNONE)
		what = "expected no goroutine but had one";
	else
		return 0;
	return fail(o, ev, "%s: %s", gx_t2_event_name(ev->type), what);
}

#define USER_GO(o, ev, c) validate_ctx(o, ev, c, MUST_HAVE, MUST_HAVE, MUST_HAVE)

static void
push(struct ordering *o, const struct gx_tev *ev, int64_t m, int64_t p, int64_t g)
{
	struct gx_tev *e;

	if (o->direct != NULL) {
		e = o->direct;
		o->direct = NULL;
		o->direct_done = true;
	} else {
		e = q_push(o);
	}
	*e = *ev;
	e->m = m;
	e->p = p;
	e->g = g;
}

static void
push_made(struct ordering *o, const struct gx_tev *ev, const struct ctx *c, uint8_t typ,
          uint64_t a0, uint64_t a1)
{
	struct gx_tev e;

	memset(&e, 0, sizeof(e));
	e.type = typ;
	e.ns = ev->ns;
	e.gen = ev->gen;
	e.off = ev->off;
	e.args[0] = a0;
	e.args[1] = a1;
	push(o, &e, c->m, c->p, c->g);
}

static uint8_t
range_start_type(uint8_t typ)
{
	const struct gx_t2_spec *s = gx_t2_spec(typ);

	return s != NULL && s->start_ev != 0 ? s->start_ev : typ;
}

static bool
ranges_has(const struct ranges *r, struct range x)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->v[i].typ == x.typ && r->v[i].desc == x.desc)
			return true;
	return false;
}

static void
ranges_add(struct ranges *r, struct range x)
{
	gx_grow(&r->v, &r->cap, r->n + 1, sizeof(*r->v));
	r->v[r->n++] = x;
}

static int
range_begin(struct ordering *o, const struct gx_tev *ev, struct ranges *r, struct range x)
{
	if (ranges_has(r, x))
		return fail(o, ev, "discovered event already in-flight for when starting event %s",
		            gx_t2_event_name(x.typ));
	ranges_add(r, x);
	return 0;
}

static int
range_active(struct ordering *o, const struct gx_tev *ev, struct ranges *r, struct range x, bool initial)
{
	if (initial) {
		if (ranges_has(r, x))
			return fail(o, ev, "found named active range already in first gen: %s",
			            gx_t2_event_name(x.typ));
		ranges_add(r, x);
	} else if (!ranges_has(r, x)) {
		return fail(o, ev, "resource is missing active range: %s", gx_t2_event_name(x.typ));
	}
	return 0;
}

static int
range_end(struct ordering *o, const struct gx_tev *ev, struct ranges *r, uint64_t *desc)
{
	uint8_t st = range_start_type(ev->type);
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (r->v[i].typ == st) {
			*desc = r->v[i].desc;
			r->v[i] = r->v[r->n - 1];
			r->n--;
			return 0;
		}
	}
	return fail(o, ev, "tried to end event %s, but not in-flight", gx_t2_event_name(st));
}


/* Returns 1 advanced, 0 not ready, -1 error. c is the current context; *nc
 * the new one for the thread. */
/* The event's type name, for messages (looked up only when one is made). */
#define EVNAME gx_t2_event_name(ev->type)

static int
advance_event(struct ordering *o, struct gx_tev *ev, uint64_t gen, struct ctx c, struct ctx *nc)
{
	struct gstate *gs;
	struct pstate *ps;
	struct mstate *ms;
	struct seq sq;
	uint64_t desc = 0;

	*nc = c;
	switch (ev->type) {
	case GX_EV2_PROC_STATUS: {
		int64_t pid = (int64_t)ev->args[0];
		uint64_t status = ev->args[1];
		uint64_t old;

		if (status >= PROC_NSTATUS)
			return fail(o, ev, "invalid status for proc %" PRId64 ": %" PRIu64, pid, status);
		old = proc_status_to_state[status];
		ps = pget(o, pid);
		if (ps != NULL) {
			if (status == PROC_SYSCALL_ABANDONED && ps->status == PROC_SYSCALL) {
				old = GX_TPROC_RUNNING;
				ev->args[1] = PROC_SYSCALL;
			} else if (status == PROC_SYSCALL_ABANDONED && ps->status == PROC_SYSCALL_ABANDONED) {
				old = GX_TPROC_IDLE;
				ev->args[1] = PROC_SYSCALL_ABANDONED;
			} else if (ps->status != status) {
				return fail(o, ev, "inconsistent status for proc %" PRId64 ": old %s vs. new %s",
				            pid, proc_status_name(ps->status), proc_status_name((unsigned)status));
			}
			ps->seq = (struct seq){ gen, 0 };
		} else {
			ps = pnew(o, pid);
			ps->id = pid;
			ps->status = (uint8_t)status;
			ps->seq = (struct seq){ gen, 0 };
			old = gen == o->initial_gen ? GX_TPROC_UNDETERMINED : GX_TPROC_NOTEXIST;
		}
		ev->args[2] = old;
		if (status == PROC_RUNNING || status == PROC_SYSCALL)
			nc->p = pid;
		if (status == PROC_SYSCALL_ABANDONED && old == GX_TPROC_RUNNING) {
			bool found = false;
			size_t i;

			/* The P is about to be stolen; emit the event in
			 * the context of the thread it is bound to. */
			for (i = 0; i < o->m.n; i++) {
				struct mstate *mm = &o->m.v[i];

				if (mget(o, mm->id) != mm)
					continue;
				if (mm->p == pid) {
					c.m = mm->id;
					c.p = pid;
					c.g = mm->g;
					found = true;
				}
			}
			if (!found)
				return fail(o, ev, "failed to find sched context for proc %" PRId64
				            " that's about to be stolen", pid);
		}
		push(o, ev, c.m, c.p, c.g);
		return 1;
	}
	case GX_EV2_PROC_START: {
		int64_t pid = (int64_t)ev->args[0];

		sq = (struct seq){ gen, ev->args[1] };
		ps = pget(o, pid);
		if (ps == NULL || ps->status != PROC_IDLE || !seq_succeeds(sq, ps->seq) || c.p != GX_TNONE)
			return 0;
		if (validate_ctx(o, ev, c, MUST_HAVE, NOT_HAVE, MAY_HAVE) < 0)
			return -1;
		ps->status = PROC_RUNNING;
		ps->seq = sq;
		nc->p = pid;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	}
	case GX_EV2_PROC_STOP:
		ps = pget(o, c.p);
		if (ps == NULL)
			return fail(o, ev, "event %s for proc (%" PRId64 ") that doesn't exist", EVNAME, c.p);
		if (ps->status != PROC_RUNNING && ps->status != PROC_SYSCALL)
			return fail(o, ev, "%s event for proc that's not Running or Syscall", EVNAME);
		if (validate_ctx(o, ev, c, MUST_HAVE, MUST_HAVE, MAY_HAVE) < 0)
			return -1;
		ps->status = PROC_IDLE;
		nc->p = GX_TNONE;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	case GX_EV2_PROC_STEAL: {
		int64_t pid = (int64_t)ev->args[0], mid;
		uint8_t old;

		sq = (struct seq){ gen, ev->args[1] };
		ps = pget(o, pid);
		if (ps == NULL || (ps->status != PROC_SYSCALL && ps->status != PROC_SYSCALL_ABANDONED) ||
		    !seq_succeeds(sq, ps->seq))
			return 0;
		if (validate_ctx(o, ev, c, MUST_HAVE, MAY_HAVE, MAY_HAVE) < 0)
			return -1;
		old = ps->status;
		ev->args[3] = old;
		ps->status = PROC_IDLE;
		ps->seq = sq;
		if (old == PROC_SYSCALL_ABANDONED) {
			push(o, ev, c.m, c.p, c.g);
			return 1;
		}
		mid = (int64_t)ev->args[2];
		if (mid == c.m) {
			if (c.p != pid)
				return fail(o, ev, "tried to self-steal proc %" PRId64 " (thread %" PRId64
				            "), but got proc %" PRId64 " instead", pid, mid, c.p);
			nc->p = GX_TNONE;
			push(o, ev, c.m, c.p, c.g);
			return 1;
		}
		ms = mget(o, mid);
		if (ms == NULL)
			return fail(o, ev, "stole proc from non-existent thread %" PRId64, mid);
		if (ms->p != pid)
			return fail(o, ev, "tried to steal proc %" PRId64 " from thread %" PRId64
			            ", but got proc %" PRId64 " instead", pid, mid, ms->p);
		ms->p = GX_TNONE;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	}
	case GX_EV2_GO_STATUS:
	case GX_EV2_GO_STATUS_STACK: {
		int64_t gid = (int64_t)ev->args[0], mid = (int64_t)ev->args[1];
		uint64_t status = ev->args[2], old;

		if (status >= GO_NSTATUS)
			return fail(o, ev, "invalid status for goroutine %" PRId64 ": %" PRIu64, gid, status);
		old = go_status_to_state[status];
		gs = gget(o, gid);
		if (gs != NULL) {
			if (gs->status != status)
				return fail(o, ev, "inconsistent status for goroutine %" PRId64 ": old %s vs. new %s",
				            gid, go_status_name(gs->status), go_status_name((unsigned)status));
			gs->seq = (struct seq){ gen, 0 };
		} else if (gen == o->initial_gen) {
			gs = gnew(o, gid);
			gs->id = gid;
			gs->status = (uint8_t)status;
			gs->seq = (struct seq){ gen, 0 };
			old = GX_TGO_UNDETERMINED;
		} else {
			return fail(o, ev, "found goroutine status for new goroutine after the first generation: "
			            "id=%" PRId64 " status=%s", gid, go_status_name((unsigned)status));
		}
		ev->args[2] = old << 32 | status;
		if (status == GO_RUNNING) {
			nc->g = gid;
		} else if (status == GO_SYSCALL) {
			if (mid == GX_TNONE)
				return fail(o, ev, "found goroutine %" PRId64 " in syscall without a thread", gid);
			if (mid == c.m) {
				if (gen != o->initial_gen && c.g != gid)
					return fail(o, ev, "inconsistent thread for syscalling goroutine %" PRId64
					            ": thread has goroutine %" PRId64, gid, c.g);
				nc->g = gid;
			} else {
				ms = mget(o, mid);
				if (ms != NULL) {
					if (ms->g != gid)
						return fail(o, ev, "inconsistent thread for syscalling goroutine %"
						            PRId64 ": thread has goroutine %" PRId64, gid, ms->g);
					c.g = ms->g;
				} else {
					ms = mnew(o, mid);
					ms->id = mid;
					ms->g = gid;
					ms->p = GX_TNONE;
				}
				c.m = mid;
			}
		}
		push(o, ev, c.m, c.p, c.g);
		return 1;
	}
	case GX_EV2_GO_CREATE:
	case GX_EV2_GO_CREATE_BLOCKED: {
		int64_t ng = (int64_t)ev->args[0];

		if (validate_ctx(o, ev, c, MUST_HAVE, MUST_HAVE, MAY_HAVE) < 0)
			return -1;
		gs = gget(o, c.g);
		if (gs != NULL && gs->status != GO_RUNNING)
			return fail(o, ev, "%s event for goroutine that's not Running", EVNAME);
		if (gget(o, ng) != NULL)
			return fail(o, ev, "tried to create goroutine (%" PRId64 ") that already exists", ng);
		gs = gnew(o, ng);
		gs->id = ng;
		gs->status = ev->type == GX_EV2_GO_CREATE_BLOCKED ? GO_WAITING : GO_RUNNABLE;
		gs->seq = (struct seq){ gen, 0 };
		push(o, ev, c.m, c.p, c.g);
		return 1;
	}
	case GX_EV2_GO_DESTROY:
	case GX_EV2_GO_STOP:
	case GX_EV2_GO_BLOCK:
		if (USER_GO(o, ev, c) < 0)
			return -1;
		gs = gget(o, c.g);
		if (gs == NULL)
			return fail(o, ev, "event %s for goroutine (%" PRId64 ") that doesn't exist", EVNAME, c.g);
		if (gs->status != GO_RUNNING)
			return fail(o, ev, "%s event for goroutine that's not Running", EVNAME);
		if (ev->type == GX_EV2_GO_DESTROY)
			gdelete(o, c.g);
		else
			gs->status = ev->type == GX_EV2_GO_STOP ? GO_RUNNABLE : GO_WAITING;
		nc->g = GX_TNONE;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	case GX_EV2_GO_START: {
		int64_t gid = (int64_t)ev->args[0];

		sq = (struct seq){ gen, ev->args[1] };
		gs = gget(o, gid);
		if (gs == NULL || gs->status != GO_RUNNABLE || !seq_succeeds(sq, gs->seq))
			return 0;
		if (validate_ctx(o, ev, c, MUST_HAVE, MUST_HAVE, NOT_HAVE) < 0)
			return -1;
		gs->status = GO_RUNNING;
		gs->seq = sq;
		nc->g = gid;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	}
	case GX_EV2_GO_UNBLOCK: {
		int64_t gid = (int64_t)ev->args[0];

		sq = (struct seq){ gen, ev->args[1] };
		gs = gget(o, gid);
		if (gs == NULL || gs->status != GO_WAITING || !seq_succeeds(sq, gs->seq))
			return 0;
		gs->status = GO_RUNNABLE;
		gs->seq = sq;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	}
	case GX_EV2_GO_SWITCH:
	case GX_EV2_GO_SWITCH_DESTROY: {
		int64_t next = (int64_t)ev->args[0];
		struct gstate *cur, *ngs;
		struct ctx sc;

		if (USER_GO(o, ev, c) < 0)
			return -1;
		cur = gget(o, c.g);
		if (cur == NULL)
			return fail(o, ev, "event %s for goroutine (%" PRId64 ") that doesn't exist", EVNAME, c.g);
		if (cur->status != GO_RUNNING)
			return fail(o, ev, "%s event for goroutine that's not Running", EVNAME);
		sq = (struct seq){ gen, ev->args[1] };
		ngs = gget(o, next);
		if (ngs == NULL || ngs->status != GO_WAITING || !seq_succeeds(sq, ngs->seq))
			return 0;
		push(o, ev, c.m, c.p, c.g);
		if (ev->type == GX_EV2_GO_SWITCH) {
			cur->status = GO_WAITING;
			push_made(o, ev, &c, GX_EV2_GO_BLOCK, 0, 0);
		} else {
			gdelete(o, c.g);
			push_made(o, ev, &c, GX_EV2_GO_DESTROY, 0, 0);
			/* gdelete may have moved nothing, but re-fetch to be safe. */
			ngs = gget(o, next);
		}
		ngs->status = GO_RUNNING;
		ngs->seq = sq;
		nc->g = next;
		sc = c;
		sc.g = GX_TNONE;
		push_made(o, ev, &sc, GX_EV2_GO_START, (uint64_t)next, ev->args[1]);
		return 1;
	}
	case GX_EV2_GO_SYSCALL_BEGIN:
		if (USER_GO(o, ev, c) < 0)
			return -1;
		gs = gget(o, c.g);
		if (gs == NULL)
			return fail(o, ev, "event %s for goroutine (%" PRId64 ") that doesn't exist", EVNAME, c.g);
		if (gs->status != GO_RUNNING)
			return fail(o, ev, "%s event for goroutine that's not Running", EVNAME);
		gs->status = GO_SYSCALL;
		ps = pget(o, c.p);
		if (ps == NULL)
			return fail(o, ev, "uninitialized proc %" PRId64 " found during %s", c.p, EVNAME);
		ps->status = PROC_SYSCALL;
		sq = (struct seq){ gen, ev->args[0] };
		if (!seq_succeeds(sq, ps->seq))
			return fail(o, ev, "failed to advance %s: can't make sequence: %" PRIu64
			            " (gen=%" PRIu64 ") -> %" PRIu64 " (gen=%" PRIu64 ")", EVNAME,
			            ps->seq.seq, ps->seq.gen, sq.seq, sq.gen);
		ps->seq = sq;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	case GX_EV2_GO_SYSCALL_END:
		if (USER_GO(o, ev, c) < 0)
			return -1;
		gs = gget(o, c.g);
		if (gs == NULL)
			return fail(o, ev, "event %s for goroutine (%" PRId64 ") that doesn't exist", EVNAME, c.g);
		if (gs->status != GO_SYSCALL)
			return fail(o, ev, "%s event for goroutine that's not Syscall", EVNAME);
		gs->status = GO_RUNNING;
		ps = pget(o, c.p);
		if (ps == NULL)
			return fail(o, ev, "uninitialized proc %" PRId64 " found during %s", c.p, EVNAME);
		if (ps->status != PROC_SYSCALL)
			return fail(o, ev, "expected proc %" PRId64 " in state Syscall, but got %s instead",
			            c.p, proc_status_name(ps->status));
		ps->status = PROC_RUNNING;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	case GX_EV2_GO_SYSCALL_END_BLOCKED:
		if (c.p != GX_TNONE) {
			ps = pget(o, c.p);
			if (ps == NULL)
				return fail(o, ev, "uninitialized proc %" PRId64 " found during %s", c.p, EVNAME);
			if (ps->status == PROC_SYSCALL)
				return 0;
		}
		if (validate_ctx(o, ev, c, MUST_HAVE, MAY_HAVE, MUST_HAVE) < 0)
			return -1;
		gs = gget(o, c.g);
		if (gs == NULL)
			return fail(o, ev, "event %s for goroutine (%" PRId64 ") that doesn't exist", EVNAME, c.g);
		if (gs->status != GO_SYSCALL)
			return fail(o, ev, "%s event for goroutine that's not Syscall", EVNAME);
		nc->g = GX_TNONE;
		gs->status = GO_RUNNABLE;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	case GX_EV2_GO_CREATE_SYSCALL: {
		int64_t ng = (int64_t)ev->args[0];

		if (validate_ctx(o, ev, c, MUST_HAVE, MAY_HAVE, NOT_HAVE) < 0)
			return -1;
		if (gget(o, ng) != NULL)
			return fail(o, ev, "tried to create goroutine (%" PRId64 ") in syscall that already exists", ng);
		gs = gnew(o, ng);
		gs->id = ng;
		gs->status = GO_SYSCALL;
		gs->seq = (struct seq){ gen, 0 };
		nc->g = ng;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	}
	case GX_EV2_GO_DESTROY_SYSCALL:
		if (validate_ctx(o, ev, c, MUST_HAVE, MAY_HAVE, MUST_HAVE) < 0)
			return -1;
		gs = gget(o, c.g);
		if (gs == NULL)
			return fail(o, ev, "event %s for goroutine (%" PRId64 ") that doesn't exist", EVNAME, c.g);
		if (gs->status != GO_SYSCALL)
			return fail(o, ev, "%s event for goroutine that's not Syscall", EVNAME);
		gdelete(o, c.g);
		nc->g = GX_TNONE;
		if (c.p != GX_TNONE) {
			struct gx_tev extra;

			ps = pget(o, c.p);
			if (ps == NULL)
				return fail(o, ev, "found invalid proc %" PRId64 " during %s", c.p, EVNAME);
			if (ps->status != PROC_SYSCALL)
				return fail(o, ev, "proc %" PRId64 " in unexpected state %s during %s",
				            c.p, proc_status_name(ps->status), EVNAME);
			ps->status = PROC_SYSCALL_ABANDONED;
			nc->p = GX_TNONE;
			memset(&extra, 0, sizeof(extra));
			extra.type = GX_EV2_PROC_STEAL;
			extra.ns = ev->ns;
			extra.gen = ev->gen;
			extra.off = ev->off;
			extra.args[0] = (uint64_t)c.p;
			extra.args[3] = PROC_SYSCALL;
			push(o, &extra, c.m, c.p, c.g);
		}
		push(o, ev, c.m, c.p, c.g);
		return 1;
	case GX_EV2_USER_TASK_BEGIN: {
		uint64_t id = ev->args[0], parent = ev->args[1];
		struct gx_t2_str nm;
		struct task *t;

		if (tget(o, (int64_t)id) != NULL)
			return fail(o, ev, "task ID conflict: %" PRIu64, id);
		if (parent == 0) {
			parent = GX_TNO_TASK;
			ev->args[1] = GX_TNO_TASK;
		}
		if (!gx_t2_gen_string(ev->gen, ev->args[2], &nm))
			return fail(o, ev, "invalid string ID %" PRIu64 " for %s event", ev->args[2], EVNAME);
		t = tnew(o, (int64_t)id);
		t->name = xstrndup(nm.s, nm.len);
		t->len = nm.len;
		t->parent = parent;
		if (USER_GO(o, ev, c) < 0)
			return -1;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	}
	case GX_EV2_USER_TASK_END: {
		uint64_t id = ev->args[0];
		struct task *t = tget(o, (int64_t)id);

		if (t != NULL) {
			ev->args[2] = t->parent;
			ev->args[3] = gx_t2_gen_add_extra(ev->gen, t->name, t->len);
			free(t->name);
			t->name = NULL;
			pool_release(&o->t.map, &o->t.free, &o->t.nfree, &o->t.capfree, id);
		} else {
			ev->args[2] = GX_TNO_TASK;
			ev->args[3] = 0;
		}
		if (USER_GO(o, ev, c) < 0)
			return -1;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	}
	case GX_EV2_USER_REGION_BEGIN:
	case GX_EV2_USER_REGION_END: {
		struct gx_t2_str nm;

		if (USER_GO(o, ev, c) < 0)
			return -1;
		if (!gx_t2_gen_string(ev->gen, ev->args[1], &nm))
			return fail(o, ev, "invalid string ID %" PRIu64 " for %s event", ev->args[1], EVNAME);
		gs = gget(o, c.g);
		if (gs == NULL)
			return fail(o, ev, "encountered Ev%s without known state for current goroutine %" PRId64,
			            EVNAME, c.g);
		if (ev->type == GX_EV2_USER_REGION_BEGIN) {
			gx_grow(&gs->regions, &gs->capreg, gs->nreg + 1, sizeof(*gs->regions));
			gs->regions[gs->nreg].task = ev->args[0];
			gs->regions[gs->nreg].name = xstrndup(nm.s, nm.len);
			gs->regions[gs->nreg].len = nm.len;
			gs->nreg++;
		} else if (gs->nreg > 0) {
			struct region *top = &gs->regions[gs->nreg - 1];

			if (top->task != ev->args[0] || top->len != nm.len ||
			    memcmp(top->name, nm.s, nm.len) != 0)
				return fail(o, ev, "misuse of region in goroutine %" PRId64
				            ": region end does not match the inner-most active region start",
				            gs->id);
			free(top->name);
			gs->nreg--;
		}
		push(o, ev, c.m, c.p, c.g);
		return 1;
	}
	case GX_EV2_GC_ACTIVE: {
		uint64_t s = ev->args[0];

		if (gen == o->initial_gen) {
			if (o->gc_state != GC_UNDETERMINED)
				return fail(o, ev, "GCActive in the first generation isn't first GC event");
			o->gc_seq = s;
			o->gc_state = GC_RUNNING;
			push(o, ev, c.m, c.p, c.g);
			return 1;
		}
		if (s != o->gc_seq + 1)
			return 0;
		if (o->gc_state != GC_RUNNING)
			return fail(o, ev, "encountered GCActive while GC was not in progress");
		o->gc_seq = s;
		if (USER_GO(o, ev, c) < 0)
			return -1;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	}
	case GX_EV2_GC_BEGIN: {
		uint64_t s = ev->args[0];

		if (o->gc_state == GC_UNDETERMINED) {
			o->gc_seq = s;
			o->gc_state = GC_RUNNING;
			push(o, ev, c.m, c.p, c.g);
			return 1;
		}
		if (s != o->gc_seq + 1)
			return 0;
		if (o->gc_state == GC_RUNNING)
			return fail(o, ev, "encountered GCBegin while GC was already in progress");
		o->gc_seq = s;
		o->gc_state = GC_RUNNING;
		if (USER_GO(o, ev, c) < 0)
			return -1;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	}
	case GX_EV2_GC_END: {
		uint64_t s = ev->args[0];

		if (s != o->gc_seq + 1)
			return 0;
		if (o->gc_state == GC_NOT_RUNNING)
			return fail(o, ev, "encountered GCEnd when GC was not in progress");
		if (o->gc_state == GC_UNDETERMINED)
			return fail(o, ev, "encountered GCEnd when GC was in an undetermined state");
		o->gc_seq = s;
		o->gc_state = GC_NOT_RUNNING;
		if (USER_GO(o, ev, c) < 0)
			return -1;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	}
	case GX_EV2_PROCS_CHANGE:
	case GX_EV2_GO_LABEL:
	case GX_EV2_USER_LOG:
		if (USER_GO(o, ev, c) < 0)
			return -1;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	case GX_EV2_HEAP_ALLOC:
	case GX_EV2_HEAP_GOAL:
		if (validate_ctx(o, ev, c, MUST_HAVE, MUST_HAVE, MAY_HAVE) < 0)
			return -1;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	case GX_EV2_GC_SWEEP_BEGIN:
		if (validate_ctx(o, ev, c, MUST_HAVE, MUST_HAVE, MAY_HAVE) < 0)
			return -1;
		ps = pget(o, c.p);
		if (ps == NULL)
			return fail(o, ev, "%s for unknown proc %" PRId64, EVNAME, c.p);
		if (range_begin(o, ev, &ps->rs, (struct range){ range_start_type(ev->type), 0 }) < 0)
			return -1;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	case GX_EV2_GC_SWEEP_ACTIVE: {
		int64_t pid = (int64_t)ev->args[0];

		ps = pget(o, pid);
		if (ps == NULL)
			return fail(o, ev, "encountered GCSweepActive for unknown proc %" PRId64, pid);
		if (range_active(o, ev, &ps->rs, (struct range){ range_start_type(ev->type), 0 },
		                 gen == o->initial_gen) < 0)
			return -1;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	}
	case GX_EV2_GC_SWEEP_END:
		if (validate_ctx(o, ev, c, MUST_HAVE, MUST_HAVE, MAY_HAVE) < 0)
			return -1;
		ps = pget(o, c.p);
		if (ps == NULL)
			return fail(o, ev, "%s for unknown proc %" PRId64, EVNAME, c.p);
		if (range_end(o, ev, &ps->rs, &desc) < 0)
			return -1;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	case GX_EV2_STW_BEGIN:
	case GX_EV2_GC_MARK_ASSIST_BEGIN:
		if (USER_GO(o, ev, c) < 0)
			return -1;
		if (ev->type == GX_EV2_STW_BEGIN)
			desc = ev->args[0];
		gs = gget(o, c.g);
		if (gs == NULL)
			return fail(o, ev, "encountered event of type %u without known state for current goroutine %"
			            PRId64, ev->type, c.g);
		if (range_begin(o, ev, &gs->rs, (struct range){ range_start_type(ev->type), desc }) < 0)
			return -1;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	case GX_EV2_GC_MARK_ASSIST_ACTIVE: {
		int64_t gid = (int64_t)ev->args[0];

		gs = gget(o, gid);
		if (gs == NULL)
			return fail(o, ev, "uninitialized goroutine %" PRId64 " found during %s", gid, EVNAME);
		if (range_active(o, ev, &gs->rs, (struct range){ range_start_type(ev->type), 0 },
		                 gen == o->initial_gen) < 0)
			return -1;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	}
	case GX_EV2_STW_END:
	case GX_EV2_GC_MARK_ASSIST_END:
		if (USER_GO(o, ev, c) < 0)
			return -1;
		gs = gget(o, c.g);
		if (gs == NULL)
			return fail(o, ev, "encountered event of type %u without known state for current goroutine %"
			            PRId64, ev->type, c.g);
		if (range_end(o, ev, &gs->rs, &desc) < 0)
			return -1;
		if (ev->type == GX_EV2_STW_END)
			ev->args[0] = desc;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	case GX_EV2_SPAN: case GX_EV2_SPAN_ALLOC: case GX_EV2_SPAN_FREE:
	case GX_EV2_HEAP_OBJECT: case GX_EV2_HEAP_OBJECT_ALLOC: case GX_EV2_HEAP_OBJECT_FREE:
	case GX_EV2_GOROUTINE_STACK: case GX_EV2_GOROUTINE_STACK_ALLOC: case GX_EV2_GOROUTINE_STACK_FREE:
		if (validate_ctx(o, ev, c, MUST_HAVE, MAY_HAVE, MAY_HAVE) < 0)
			return -1;
		push(o, ev, c.m, c.p, c.g);
		return 1;
	}
	return fail(o, ev, "bad event type found while ordering: %s", EVNAME);
}

#undef EVNAME

/* ordering.Advance. *mslot caches the thread's slot in o->m (UINT32_MAX:
 * not looked up yet); thread states are never released, so a slot stays
 * the thread's for good. */
static int
advance(struct ordering *o, struct gx_tev *ev, int64_t m, uint64_t gen, uint32_t *mslot)
{
	struct ctx c = { GX_TNONE, GX_TNONE, m }, nc;
	struct mstate *ms = NULL;
	int rc;

	if (o->initial_gen == 0)
		o->initial_gen = gen;
	if (m != GX_TNONE) {
		if (*mslot == UINT32_MAX) {
			uint32_t ix = idmap_get(&o->m.map, (uint64_t)m);

			if (ix != IDMAP_NONE) {
				*mslot = ix;
			} else {
				ms = mnew(o, m);
				ms->id = m;
				ms->g = GX_TNONE;
				ms->p = GX_TNONE;
				*mslot = (uint32_t)(ms - o->m.v);
			}
		}
		ms = &o->m.v[*mslot];
		c.p = ms->p;
		c.g = ms->g;
	}
	rc = advance_event(o, ev, gen, c, &nc);
	if (rc == 1 && m != GX_TNONE) {
		/* The pool may have grown during the advance. */
		ms = &o->m.v[*mslot];
		ms->p = nc.p;
		ms->g = nc.g;
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* The reader (reader.go) */

struct cursor {
	int64_t m;
	uint32_t mslot;     /* the thread's slot in the ordering, UINT32_MAX until known */
	size_t mi;          /* index into gen->ms */
	int64_t last_ts;
	size_t idx;         /* the batch in gen->ms[mi] being read */
	bool loaded;        /* its fields below are set */
	const uint8_t *data, *p, *end; /* its payload, the next event, the end */
	uint64_t data_off;  /* input offset of data[0] */
	uint64_t btime;     /* its base time, ticks */
	struct gx_tev ev;
};

struct gx_trace_reader {
	struct gx_input *in;
	int version;
	struct gx_t1_reader *v1; /* a Go 1.11-1.21 trace: trace1.c does it all */
	struct gx_t2_reader rd;
	struct gx_t2_gen gen;
	bool have_gen;
	struct ordering o;

	struct cursor *cur;
	size_t ncur, capcur;
	struct cursor **frontier;
	size_t nf, capf;
	size_t cpu_i;

	int64_t last_ts;
	uint64_t syncs;
	bool done;
	int final_rc;           /* what to return once done: 0 or -1 */
	bool pending;           /* an error to report on the next call */
	struct gx_t2_err perr;
	bool perr_trunc;

	struct gx_trace_stats st;
	struct gx_diag *d;      /* of the current call */
};

int
gx_trace_reader_version(const struct gx_trace_reader *r)
{
	return r->version;
}

void
gx_trace_reader_stats(const struct gx_trace_reader *r, struct gx_trace_stats *s)
{
	if (r->v1 != NULL) {
		gx_t1_reader_stats(r->v1, s);
		return;
	}
	*s = r->st;
}

struct gx_trace_reader *
gx_trace_reader_new(struct gx_input *in, struct gx_diag *d)
{
	struct gx_trace_reader *r;
	uint8_t hdr[16];
	size_t got = 0;
	struct gx_t2_err err;
	int v;

	while (got < sizeof(hdr)) {
		ssize_t k = gx_input_read(in, hdr + got, sizeof(hdr) - got, d);

		if (k < 0)
			return NULL;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	v = gx_t1_read_header(hdr, got, &err);
	if (v != 0) {
		struct gx_t1_reader *t1;

		if (v < 0) {
			gx_diag_add(d, GX_ERROR, gx_input_name(in), GX_NOWHERE, err.off, "%s", err.msg);
			return NULL;
		}
		t1 = gx_t1_reader_new(in, v, d);
		if (t1 == NULL)
			return NULL;
		r = xcalloc(1, sizeof(*r));
		r->in = in;
		r->version = v;
		r->v1 = t1;
		return r;
	}
	v = gx_t2_read_header(hdr, got, &err);
	if (v < 0) {
		gx_diag_add(d, GX_ERROR, gx_input_name(in), GX_NOWHERE, err.off, "%s", err.msg);
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->in = in;
	r->version = v;
	r->o.ver = v;
	gx_t2_reader_init(&r->rd, in, v);
	gx_t2_gen_init(&r->gen);
	r->st.valid_bytes = 16;
	return r;
}

void
gx_trace_reader_free(struct gx_trace_reader *r)
{
	if (r == NULL)
		return;
	if (r->v1 != NULL) {
		gx_t1_reader_free(r->v1);
		free(r);
		return;
	}
	gx_t2_reader_free(&r->rd);
	gx_t2_gen_free(&r->gen);
	ordering_free(&r->o);
	free(r->cur);
	free(r->frontier);
	free(r);
}

/* batchCursor.nextEvent: 1 with an event, 0 when the thread has no more,
 * -1 on a decoding error (err filled). */
static int
cursor_next(struct gx_trace_reader *r, struct cursor *bc, struct gx_t2_err *err)
{
	const struct gx_t2_spec *spec;
	const uint8_t *p;
	size_t n, i = 1;
	uint64_t dt;
	unsigned typ;
	int k, a;

	/* The next batch with an event (Go accepts empty ones). */
	while (bc->p == bc->end) {
		const struct gx_t2_mlist *ml = &r->gen.ms[bc->mi];
		const struct gx_t2_batch *b;

		if (bc->loaded) {
			bc->idx++;
			bc->last_ts = 0;
		}
		if (bc->idx >= ml->n) {
			bc->loaded = false;
			bc->p = bc->end = NULL;
			return 0;
		}
		b = &ml->b[bc->idx];
		bc->loaded = true;
		bc->data = bc->p = b->data;
		bc->end = b->len > 0 ? b->data + b->len : b->data;
		bc->data_off = b->off;
		bc->btime = b->time;
	}
	if (bc->last_ts == 0)
		bc->last_ts = gx_t2_ticks_to_ns(r->gen.freq, bc->btime);
	p = bc->p;
	n = (size_t)(bc->end - p);
	typ = p[0];
	/* Every field is set below (m, p, g by the ordering's push); no
	 * memset of the whole event on this path. */
	bc->ev.m = bc->ev.p = bc->ev.g = GX_TNONE;
	bc->ev.args[0] = bc->ev.args[1] = bc->ev.args[2] = bc->ev.args[3] = 0;
	bc->ev.off = bc->data_off + (uint64_t)(p - bc->data);
	bc->ev.gen = &r->gen;
	if (typ >= GX_EV2_MAX_EXPERIMENTAL) {
		err->off = bc->ev.off;
		snprintf(err->msg, sizeof(err->msg), "found invalid event type: %u", typ);
		return -1;
	}
	spec = gx_t2_spec(typ);
	if (spec == NULL || spec->nargs == 0 || !spec->timed) {
		err->off = bc->ev.off;
		snprintf(err->msg, sizeof(err->msg), "found event without a timestamp: type=%u", typ);
		return -1;
	}
	bc->ev.type = (uint8_t)typ;
	k = gx_t2_uvarint(p + i, n - i, &dt);
	if (k <= 0) {
		err->off = bc->ev.off + i;
		snprintf(err->msg, sizeof(err->msg), "found invalid uvarint for timestamp (%s event)", spec->name);
		return -1;
	}
	i += (size_t)k;
	for (a = 0; a < spec->nargs - 1; a++) {
		k = gx_t2_uvarint(p + i, n - i, &bc->ev.args[a]);
		if (k <= 0) {
			err->off = bc->ev.off + i;
			snprintf(err->msg, sizeof(err->msg), "found invalid uvarint (argument %d of %s event)",
			         a + 1, spec->name);
			return -1;
		}
		i += (size_t)k;
	}
	bc->ev.ns = (int64_t)((uint64_t)gx_t2_ticks_to_ns(r->gen.freq, dt) + (uint64_t)bc->last_ts);
	bc->last_ts = bc->ev.ns;
	bc->p += i;
	return 1;
}

/* The frontier heap, exactly as batchcursor.go keeps it. */
static size_t
heap_sift_up(struct cursor **h, size_t i)
{
	while (i > 0 && h[(i - 1) / 2]->ev.ns > h[i]->ev.ns) {
		struct cursor *t = h[(i - 1) / 2];

		h[(i - 1) / 2] = h[i];
		h[i] = t;
		i = (i - 1) / 2;
	}
	return i;
}

static size_t
min3(struct cursor **h, size_t n, size_t i0, size_t i1, size_t i2)
{
	size_t mi = i0;
	int64_t mt = INT64_MAX;

	if (i0 < n)
		mt = h[i0]->ev.ns;
	if (i1 < n && h[i1]->ev.ns < mt) {
		mt = h[i1]->ev.ns;
		mi = i1;
	}
	if (i2 < n && h[i2]->ev.ns < mt)
		mi = i2;
	return mi;
}

static void
heap_sift_down(struct cursor **h, size_t n, size_t i)
{
	for (;;) {
		size_t m = min3(h, n, i, 2 * i + 1, 2 * i + 2);
		struct cursor *t;

		if (m == i)
			break;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void
heap_insert(struct gx_trace_reader *r, struct cursor *bc)
{
	gx_grow(&r->frontier, &r->capf, r->nf + 1, sizeof(*r->frontier));
	r->frontier[r->nf++] = bc;
	heap_sift_up(r->frontier, r->nf - 1);
}

static void
heap_update(struct gx_trace_reader *r, size_t i)
{
	if (heap_sift_up(r->frontier, i) != i)
		return;
	heap_sift_down(r->frontier, r->nf, i);
}

static void
heap_remove(struct gx_trace_reader *r, size_t i)
{
	struct cursor **h = r->frontier, *t;

	while (i > 0) {
		t = h[(i - 1) / 2];
		h[(i - 1) / 2] = h[i];
		h[i] = t;
		i = (i - 1) / 2;
	}
	t = h[0];
	h[0] = h[r->nf - 1];
	h[r->nf - 1] = t;
	r->nf--;
	heap_sift_down(h, r->nf, 0);
}

static bool
cursor_less(void *ctx, size_t i, size_t j)
{
	struct cursor **v = ctx;

	return v[i]->ev.ns < v[j]->ev.ns;
}

static void
cursor_swap(void *ctx, size_t i, size_t j)
{
	struct cursor **v = ctx, *t = v[i];

	v[i] = v[j];
	v[j] = t;
}

static void
make_sync(struct gx_tev *ev, struct gx_t2_gen *gen, int64_t ns, uint64_t n)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = GX_EV2_SYNC_SYNTH;
	ev->m = ev->p = ev->g = GX_TNONE;
	ev->ns = ns;
	ev->args[0] = n;
	ev->gen = gen;
}

static void
cpu_event(struct gx_trace_reader *r, struct gx_tev *ev)
{
	const struct gx_t2_cpu_sample *s = &r->gen.cpu[r->cpu_i++];

	memset(ev, 0, sizeof(*ev));
	ev->type = GX_EV2_CPU_SAMPLE;
	ev->ns = s->time;
	ev->m = s->m;
	ev->p = s->p;
	ev->g = s->g;
	ev->args[0] = s->stack;
	ev->gen = &r->gen;
}

/* installGen: 1 with the generation's Sync event, -1 on error. */
static int
install_gen(struct gx_trace_reader *r, struct gx_tev *ev, struct gx_t2_err *err)
{
	size_t i;

	r->have_gen = true;
	r->cpu_i = 0;
	r->nf = 0;
	gx_grow(&r->cur, &r->capcur, r->gen.nms, sizeof(*r->cur));
	r->ncur = r->gen.nms;
	for (i = 0; i < r->gen.nms; i++) {
		struct cursor *bc = &r->cur[i];
		int rc;

		memset(bc, 0, sizeof(*bc));
		bc->m = (int64_t)r->gen.ms[i].m;
		bc->mslot = UINT32_MAX;
		bc->mi = i;
		rc = cursor_next(r, bc, err);
		if (rc < 0)
			return -1;
		if (rc == 0)
			continue;
		heap_insert(r, bc);
	}
	r->syncs++;
	make_sync(ev, &r->gen, gx_t2_ticks_to_ns(r->gen.freq, r->gen.min_ts), r->syncs);
	return 1;
}

static int
try_advance(struct gx_trace_reader *r, size_t i, struct gx_t2_err *err)
{
	struct cursor *bc = r->frontier[i];
	int rc = advance(&r->o, &bc->ev, bc->m, r->gen.gen, &bc->mslot);

	if (rc < 0) {
		err->off = r->o.err_off;
		snprintf(err->msg, sizeof(err->msg), "%s", r->o.err);
		return -1;
	}
	if (rc == 0)
		return 0;
	rc = cursor_next(r, bc, err);
	if (rc < 0)
		return -1;
	if (rc > 0)
		heap_update(r, i);
	else
		heap_remove(r, i);
	return 1;
}

/* reader.go ReadEvent without the deferred checks. 1 event, 0 end, -1 error. */
static int
read_event(struct gx_trace_reader *r, struct gx_tev *ev, struct gx_t2_err *err)
{
	size_t i;
	int rc;

	if (q_pop(&r->o, ev))
		return 1;
	if (r->nf == 0 && r->cpu_i >= r->gen.ncpu) {
		if (r->have_gen && !r->gen.partial) {
			r->st.generations++;
			r->st.valid_bytes = r->gen.end_off;
		}
		if (r->pending) {
			*err = r->perr;
			r->pending = false;
			return -1;
		}
		r->have_gen = false;
		rc = gx_t2_read_generation(&r->rd, &r->gen, err);
		if (rc > 0 && r->gen.end_off - r->gen.start_off > r->st.max_gen_bytes)
			r->st.max_gen_bytes = r->gen.end_off - r->gen.start_off;
		if (rc < 0) {
			/* Nothing of a generation that failed to read is
			 * emitted (reader.go drops it: r.gen = nil), not even
			 * the CPU samples of its batches read before the break. */
			r->cpu_i = r->gen.ncpu;
			r->pending = true;
			r->perr = *err;
			r->perr_trunc = r->rd.eof && !r->rd.input_error;
			r->syncs++;
			make_sync(ev, NULL, r->last_ts, r->syncs);
			return 1;
		}
		if (rc == 0) {
			r->done = true;
			r->final_rc = 0;
			if (r->rd.dropped > 0) {
				r->st.truncated = true;
				r->st.lost_bytes = r->rd.dropped;
				gx_diag_add(r->d, GX_WARNING, gx_input_name(r->in), GX_NOWHERE,
				            r->gen.start_off, "trace is truncated: it ends in generation %"
				            PRIu64 " before any of its events; kept %" PRIu64
				            " complete generation(s), lost the last %" PRIu64 " bytes",
				            r->gen.gen, r->st.generations, r->rd.dropped);
			}
			r->syncs++;
			make_sync(ev, NULL, r->last_ts, r->syncs);
			return 1;
		}
		/* A generation was read; a deferred read error (before 1.26)
		 * is reported after it. */
		return install_gen(r, ev, err);
	}
	if (r->cpu_i < r->gen.ncpu) {
		if (r->nf == 0 || r->gen.cpu[r->cpu_i].time < r->frontier[0]->ev.ns) {
			cpu_event(r, ev);
			return 1;
		}
	}
	if (r->nf == 0) {
		err->off = r->gen.start_off;
		snprintf(err->msg, sizeof(err->msg), "broken trace: frontier is empty in generation %" PRIu64,
		         r->gen.gen);
		return -1;
	}
	/* The queue is empty here: the first event the advance makes goes
	 * straight into ev. */
	r->o.direct = ev;
	r->o.direct_done = false;
	rc = try_advance(r, 0, err);
	if (rc == 0) {
		gx_t2_pdqsort(r->frontier, r->nf, cursor_less, cursor_swap);
		for (i = 1; i < r->nf; i++) {
			rc = try_advance(r, i, err);
			if (rc != 0)
				break;
		}
	}
	r->o.direct = NULL;
	if (rc < 0)
		return -1;
	if (rc == 0) {
		err->off = r->frontier[0]->ev.off;
		snprintf(err->msg, sizeof(err->msg),
		         "broken trace: failed to advance in generation %" PRIu64
		         " (no thread's next event can happen; first stuck: %s on thread %" PRId64 ")",
		         r->gen.gen, gx_t2_event_name(r->frontier[0]->ev.type), r->frontier[0]->m);
		return -1;
	}
	if (r->o.direct_done)
		return 1;
	if (!q_pop(&r->o, ev)) {
		err->off = GX_NOWHERE;
		snprintf(err->msg, sizeof(err->msg), "internal error: advance successful, but queue is empty");
		return -1;
	}
	return 1;
}

/* Event.validateTableIDs, plus the lookups Go would panic on. */
static int
validate_ids(const struct gx_tev *ev, struct gx_t2_err *err)
{
	const struct gx_t2_spec *spec;
	struct gx_t2_str s;
	const uint64_t *pcs;
	size_t n;
	int i;

	if (ev->type == GX_EV2_SYNC_SYNTH)
		return 0;
	if (ev->type == GX_EV2_CPU_SAMPLE) {
		if (!gx_t2_gen_stack(ev->gen, ev->args[0], &pcs, &n))
			goto badstack0;
		return 0;
	}
	spec = gx_t2_spec(ev->type);
	for (i = 0; i < 2; i++) {
		uint8_t a = spec->stack_arg[i];

		if (a != 0 && !gx_t2_gen_stack(ev->gen, ev->args[a - 1], &pcs, &n)) {
			err->off = ev->off;
			snprintf(err->msg, sizeof(err->msg), "found invalid stack ID %" PRIu64 " for event %s",
			         ev->args[a - 1], spec->name);
			return -1;
		}
	}
	for (i = 0; i < 2; i++) {
		uint8_t a = spec->string_arg[i];

		if (a != 0 && !gx_t2_gen_string(ev->gen, ev->args[a - 1], &s)) {
			err->off = ev->off;
			snprintf(err->msg, sizeof(err->msg), "found invalid string ID %" PRIu64 " for event %s",
			         ev->args[a - 1], spec->name);
			return -1;
		}
	}
	if (ev->type == GX_EV2_STW_END && !gx_t2_gen_string(ev->gen, ev->args[0], &s)) {
		err->off = ev->off;
		snprintf(err->msg, sizeof(err->msg), "STWEnd: the kind of its STWBegin (string %" PRIu64
		         ") is not in this generation", ev->args[0]);
		return -1;
	}
	return 0;
badstack0:
	err->off = ev->off;
	snprintf(err->msg, sizeof(err->msg), "found invalid stack ID %" PRIu64 " for CPU sample", ev->args[0]);
	return -1;
}

static uint64_t
drain_input(struct gx_trace_reader *r)
{
	uint64_t end = r->rd.buf_off + r->rd.len;
	uint8_t buf[16384];
	ssize_t k;

	if (r->rd.eof)
		return end;
	while ((k = gx_input_read(r->in, buf, sizeof(buf), NULL)) > 0)
		end += (uint64_t)k;
	return end;
}

int
gx_trace_reader_next(struct gx_trace_reader *r, struct gx_tev *ev, struct gx_diag *d)
{
	struct gx_t2_err err;
	int rc;

	if (r->v1 != NULL)
		return gx_t1_reader_next(r->v1, ev, d);
	if (r->done)
		return r->final_rc;
	err.off = GX_NOWHERE;
	err.msg[0] = '\0';
	r->d = d;
	rc = read_event(r, ev, &err);
	if (rc == 1 && validate_ids(ev, &err) < 0)
		rc = -1;
	if (rc == 1) {
		if (ev->ns <= r->last_ts)
			ev->ns = r->last_ts + 1;
		r->last_ts = ev->ns;
		r->st.events++;
		return 1;
	}
	if (rc < 0) {
		uint64_t total = drain_input(r);
		bool trunc = r->rd.eof && !r->rd.input_error && total <= r->rd.buf_off + r->rd.len;
		const char *name = gx_input_name(r->in);

		r->done = true;
		r->st.lost_bytes = total > r->st.valid_bytes ? total - r->st.valid_bytes : 0;
		if (trunc) {
			r->st.truncated = true;
			r->final_rc = 0;
			gx_diag_add(d, GX_WARNING, name, GX_NOWHERE, err.off,
			            "trace is truncated or its last generation is broken: %s; "
			            "kept %" PRIu64 " complete generation(s), lost the last %" PRIu64
			            " of %" PRIu64 " bytes", err.msg, r->st.generations,
			            r->st.lost_bytes, total);
			return 0;
		}
		r->final_rc = -1;
		gx_diag_add(d, GX_ERROR, name, GX_NOWHERE, err.off, "%s (kept %" PRIu64
		            " complete generation(s); %" PRIu64 " of %" PRIu64 " bytes not used)",
		            err.msg, r->st.generations, r->st.lost_bytes, total);
		return -1;
	}
	return 0;
}
