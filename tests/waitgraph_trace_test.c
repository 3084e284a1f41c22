/* waitgraph_trace_test: the trace evidence rules of the deadlock
 * analysis, and the join of a trace with a dump, on small stores built
 * through the store builder the way the trace model fills it (a wait
 * span ends, and the runnable span starts, at the unblock's time). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "gotrex/diag.h"
#include "gotrex/gofunc.h"
#include "gotrex/report.h"
#include "gotrex/store.h"
#include "gotrex/waitgraph.h"

static char tmpdir[] = "/tmp/gotrex-wgt.XXXXXX";
static int seq;

struct tb {
	struct gx_builder *b;
	bool dump;
};

static struct tb
tb_new(bool dump)
{
	struct tb t = { .b = gx_builder_new(tmpdir), .dump = dump };
	struct gx_store_meta *m = gx_builder_meta(t.b);

	m->format = dump ? GX_FMT_DUMP_TEXT : GX_FMT_TRACE_V2;
	if (!dump) {
		m->start_ns = 0;
		m->end_ns = 1000;
	}
	return t;
}

/* A stack from "func file:line" or "func(args) file:line" strings,
 * innermost first, ending with NULL. */
static gx_stack
stk(struct tb *t, ...)
{
	va_list ap;
	uint32_t ids[16];
	size_t n = 0;
	const char *f;

	va_start(ap, t);
	while ((f = va_arg(ap, const char *)) != NULL && n < 16) {
		struct gx_frame_rec r = { 0 };
		const char *sp = strchr(f, ' '), *par = NULL, *colon;
		size_t fn_end;

		assert_non_null(sp);
		fn_end = (size_t)(sp - f);
		for (const char *q = f; q < sp; q++)
			if (*q == '(')
				par = q;
		colon = strrchr(sp, ':');
		assert_non_null(colon);
		/* "(args)" after the name, but not a receiver "(*T)". */
		if (par != NULL && par < sp && par > f && par[-1] != '.') {
			r.args = gx_builder_str(t->b, par, (size_t)(sp - par));
			fn_end = (size_t)(par - f);
		}
		r.func = gx_builder_str(t->b, f, fn_end);
		r.file = gx_builder_str(t->b, sp + 1, (size_t)(colon - sp - 1));
		r.line = (uint32_t)atoi(colon + 1);
		if (gx_func_is_runtime(f, fn_end))
			r.flags |= GX_FRAME_RUNTIME;
		ids[n++] = gx_builder_frame(t->b, &r);
	}
	va_end(ap);
	return gx_builder_stack(t->b, ids, n);
}

static uint32_t
gor(struct tb *t, uint64_t id, uint64_t creator, enum gx_gstate st, const char *reason,
    gx_stack stack, int64_t since)
{
	struct gx_goroutine_rec g = { 0 };

	g.id = id;
	g.creator_id = creator;
	g.created_ns = GX_TIME_NONE;
	g.ended_ns = st == GX_G_DEAD ? 500 : GX_TIME_NONE;
	g.wait_since_ns = st == GX_G_WAITING ? since : GX_TIME_NONE;
	g.wait_ns = st == GX_G_WAITING && !t->dump ? 1000 - since : 0;
	g.state = (uint8_t)st;
	g.reason = reason ? gx_builder_cstr(t->b, reason) : 0;
	g.stack = stack;
	g.count = 1;
	return gx_builder_goroutine(t->b, &g);
}

static void
span(struct tb *t, uint32_t g, int64_t a, int64_t z, enum gx_gstate st, const char *reason,
     gx_stack stack)
{
	struct gx_span_rec s = { 0 };

	s.start_ns = a;
	s.end_ns = z;
	s.g = g;
	s.state = (uint8_t)st;
	s.reason = reason ? gx_builder_cstr(t->b, reason) : 0;
	s.stack = stack;
	gx_builder_span(t->b, &s);
}

/* g waits [a, z) with reason and stack, then (z < 1000) is woken by
 * goroutine id `by` (0: the runtime) with the waker's stack, and runs. */
static void
wait_woken(struct tb *t, uint32_t g, int64_t a, int64_t z, const char *reason, gx_stack st,
           uint64_t by, gx_stack bystk)
{
	struct gx_event_rec e = { 0 };

	span(t, g, a, z, GX_G_WAITING, reason, st);
	if (z >= 1000)
		return;
	span(t, g, z, z + 1, GX_G_RUNNABLE, NULL, 0);
	span(t, g, z + 1, z + 2, GX_G_RUNNING, NULL, 0);
	e.ns = z;
	e.kind = GX_EV_UNBLOCK;
	e.g = g;
	e.arg0 = by;
	e.stack = bystk;
	gx_builder_event(t->b, &e);
}

static void
log_event(struct tb *t, uint32_t g, int64_t ns, const char *msg)
{
	struct gx_event_rec e = { 0 };

	e.ns = ns;
	e.kind = GX_EV_LOG;
	e.g = g;
	e.str = gx_builder_cstr(t->b, msg);
	gx_builder_event(t->b, &e);
}

static struct gx_store *
tb_open(struct tb *t)
{
	char path[256];
	struct gx_diag d = { 0 };
	struct gx_source_id src = { 1, 2, 3, 4, 5 };
	struct gx_store *s;

	snprintf(path, sizeof path, "%s/s%d.gxi", tmpdir, seq++);
	assert_int_equal(gx_builder_write(t->b, path, &src, "test", &d), 0);
	gx_builder_free(t->b);
	s = gx_store_open(path, &d);
	assert_non_null(s);
	gx_diag_clear(&d);
	unlink(path);
	return s;
}

static const struct gx_wg_goroutine *
wgid(const struct gx_store *s, const struct gx_waitgraph *w, uint64_t id)
{
	uint32_t g = gx_store_find_goroutine(s, id);

	assert_true(g != GX_NONE32);
	return gx_wg_goroutine(w, g);
}

/* The edge of id's resource from releaser rid with evidence ev, or NULL. */
static const struct gx_wg_edge *
edge_ev(const struct gx_store *s, const struct gx_waitgraph *w, uint64_t id, uint64_t rid,
        enum gx_evidence ev)
{
	const struct gx_wg_goroutine *x = wgid(s, w, id);
	uint32_t rg = rid == 0 ? GX_NONE32 : gx_store_find_goroutine(s, rid);
	size_t n;
	const struct gx_wg_edge *e = gx_wg_edges(w, x->resource, &n);

	for (size_t i = 0; i < n; i++)
		if (e[i].g == rg && e[i].evidence == ev)
			return &e[i];
	return NULL;
}

static bool
in_stuck(const struct gx_store *s, const struct gx_waitgraph *w, uint64_t id)
{
	const struct gx_deadlock *dl = gx_wg_deadlock(w);

	for (size_t i = 0; i < dl->nstuck; i++)
		if (gx_store_goroutine(s, dl->stuck[i])->id == id)
			return true;
	return false;
}

/* ------------------------------------------------------------------ */

/* History: a mutex site whose waiters a goroutine released before. The
 * unblock is found although the runnable span starts at its very time. */
static void
test_history(void **state)
{
	struct tb t = tb_new(false);
	gx_stack lock = stk(&t, "sync.(*Mutex).Lock sync/mutex.go:46", "main.update main.go:10", NULL);
	gx_stack unlock = stk(&t, "sync.(*Mutex).Unlock sync/mutex.go:60", "main.update main.go:12", NULL);
	uint32_t g1, g2, g3;
	struct gx_store *s;
	struct gx_waitgraph *w;
	const struct gx_wg_edge *e;

	(void)state;
	g1 = gor(&t, 1, 0, GX_G_WAITING, "sync", lock, 600);
	g2 = gor(&t, 2, 0, GX_G_WAITING, "sync", lock, 700);
	g3 = gor(&t, 3, 0, GX_G_RUNNING, "running", unlock, 0);
	wait_woken(&t, g2, 100, 200, "sync", lock, 3, unlock);
	wait_woken(&t, g1, 300, 400, "sync", lock, 3, unlock);
	span(&t, g1, 600, 1000, GX_G_WAITING, "sync", lock);
	span(&t, g2, 700, 1000, GX_G_WAITING, "sync", lock);
	span(&t, g3, 0, 1000, GX_G_RUNNING, NULL, 0);
	s = tb_open(&t);
	w = gx_waitgraph_build(s);
	assert_int_equal(wgid(s, w, 1)->kind, GX_WAIT_MUTEX);
	e = edge_ev(s, w, 1, 3, GX_EVID_HISTORY);
	assert_non_null(e);
	assert_int_equal(e->strength, GX_STRENGTH_OBSERVED);
	assert_int_equal(e->count, 2);
	assert_true(e->ns == 400);
	assert_int_equal(wgid(s, w, 1)->status, GX_WG_RELEASABLE);
	assert_int_equal(wgid(s, w, 2)->status, GX_WG_RELEASABLE);
	assert_false(gx_wg_deadlock(w)->found);
	gx_waitgraph_free(w);
	gx_store_close(s);
}

/* A long history (hundreds of waits of one goroutine, woken by G3 or a
 * timer, and unblocks while it already ran, which are not wakes of a
 * wait): each (site, waker) counted once per wake, with the last time.
 * The expected figures follow from the loop that makes the store. */
static void
test_history_many(void **state)
{
	struct tb t = tb_new(false);
	gx_stack lock = stk(&t, "sync.(*Mutex).Lock sync/mutex.go:46", "main.update main.go:10", NULL);
	gx_stack unlock = stk(&t, "sync.(*Mutex).Unlock sync/mutex.go:60", "main.update main.go:12", NULL);
	gx_stack other = stk(&t, "main.poke main.go:30", NULL);
	uint32_t g1, g2, g3, g4;
	struct gx_store *s;
	struct gx_waitgraph *w;
	const struct gx_wg_edge *e;

	(void)state;
	g1 = gor(&t, 1, 0, GX_G_WAITING, "sync", lock, 700);
	g2 = gor(&t, 2, 0, GX_G_WAITING, "sync", lock, 600);
	g3 = gor(&t, 3, 0, GX_G_RUNNING, "running", unlock, 0);
	g4 = gor(&t, 4, 0, GX_G_RUNNING, "running", other, 0);
	/* k = 0..199: G2 waits [3k, 3k+1), woken by the runtime when k % 4
	 * == 3 (50 times, last at 3*199+1 = 598), else by G3 (150 times,
	 * last at 3*198+1 = 595); at 3k+2, running, G4 "unblocks" it. */
	for (int64_t k = 0; k < 200; k++) {
		struct gx_event_rec ev = { 0 };

		wait_woken(&t, g2, 3 * k, 3 * k + 1, "sync", lock, k % 4 == 3 ? 0 : 3, unlock);
		ev.ns = 3 * k + 2;
		ev.kind = GX_EV_UNBLOCK;
		ev.g = g2;
		ev.arg0 = 4;
		ev.stack = other;
		gx_builder_event(t.b, &ev);
	}
	span(&t, g2, 600, 1000, GX_G_WAITING, "sync", lock);
	span(&t, g1, 0, 700, GX_G_RUNNING, NULL, 0);
	span(&t, g1, 700, 1000, GX_G_WAITING, "sync", lock);
	span(&t, g3, 0, 1000, GX_G_RUNNING, NULL, 0);
	span(&t, g4, 0, 1000, GX_G_RUNNING, NULL, 0);
	s = tb_open(&t);
	w = gx_waitgraph_build(s);
	e = edge_ev(s, w, 1, 3, GX_EVID_HISTORY);
	assert_non_null(e);
	assert_int_equal(e->count, 150);
	assert_true(e->ns == 595);
	e = edge_ev(s, w, 1, 0, GX_EVID_RUNTIME);
	assert_non_null(e);
	assert_int_equal(e->count, 50);
	assert_true(e->ns == 598);
	assert_null(edge_ev(s, w, 1, 4, GX_EVID_HISTORY)); /* it never woke a wait */
	assert_int_equal(wgid(s, w, 1)->status, GX_WG_RELEASABLE);
	assert_int_equal(wgid(s, w, 2)->status, GX_WG_RELEASABLE);
	gx_waitgraph_free(w);
	gx_store_close(s);
}

/* The same history, but the goroutine that released them is gone. */
static void
test_history_releaser_gone(void **state)
{
	struct tb t = tb_new(false);
	gx_stack lock = stk(&t, "sync.(*Mutex).Lock sync/mutex.go:46", "main.update main.go:10", NULL);
	gx_stack unlock = stk(&t, "sync.(*Mutex).Unlock sync/mutex.go:60", "main.update main.go:12", NULL);
	uint32_t g1;
	struct gx_store *s;
	struct gx_waitgraph *w;

	(void)state;
	g1 = gor(&t, 1, 0, GX_G_WAITING, "sync", lock, 600);
	gor(&t, 3, 0, GX_G_DEAD, NULL, unlock, 0);
	wait_woken(&t, g1, 300, 400, "sync", lock, 3, unlock);
	span(&t, g1, 600, 1000, GX_G_WAITING, "sync", lock);
	s = tb_open(&t);
	w = gx_waitgraph_build(s);
	assert_null(edge_ev(s, w, 1, 3, GX_EVID_HISTORY)); /* not alive: no candidate */
	assert_int_equal(wgid(s, w, 1)->status, GX_WG_STUCK);
	assert_true(gx_wg_deadlock(w)->deadlock_ns == 600);
	gx_waitgraph_free(w);
	gx_store_close(s);
}

/* A timer (no goroutine) woke waiters at this site before. */
static void
test_history_runtime(void **state)
{
	struct tb t = tb_new(false);
	gx_stack recv = stk(&t, "runtime.chanrecv1 runtime/chan.go:509", "main.tick main.go:20", NULL);
	uint32_t g1;
	struct gx_store *s;
	struct gx_waitgraph *w;

	(void)state;
	g1 = gor(&t, 1, 0, GX_G_WAITING, "chan receive", recv, 900);
	wait_woken(&t, g1, 100, 200, "chan receive", recv, 0, 0);
	span(&t, g1, 900, 1000, GX_G_WAITING, "chan receive", recv);
	s = tb_open(&t);
	w = gx_waitgraph_build(s);
	assert_non_null(edge_ev(s, w, 1, 0, GX_EVID_RUNTIME));
	assert_int_equal(wgid(s, w, 1)->status, GX_WG_RELEASABLE);
	gx_waitgraph_free(w);
	gx_store_close(s);
}

/* 08's shape: publish sends holding the mutex its receiver needs. The
 * receiver was woken by publish's send site before (partner), and the
 * sender waits for the mutex waiter (held across). One cycle; the
 * deadlock time is the last block; the report shows the window. */
static void
test_partner_held_across(void **state)
{
	struct tb t = tb_new(false);
	gx_stack send = stk(&t, "runtime.chansend1 runtime/chan.go:161",
	                    "main.(*R).publish main.go:57", "main.loop main.go:84", NULL);
	gx_stack recv = stk(&t, "runtime.chanrecv2 runtime/chan.go:514",
	                    "main.(*R).apply main.go:62", NULL);
	gx_stack lock = stk(&t, "sync.(*Mutex).Lock sync/mutex.go:46",
	                    "main.(*R).apply main.go:64", NULL);
	gx_stack nap = stk(&t, "time.Sleep runtime/time.go:363", "main.(*R).apply main.go:63", NULL);
	uint32_t g10, g11;
	struct gx_store *s;
	struct gx_waitgraph *w;
	const struct gx_wg_edge *e;
	const struct gx_deadlock *dl;
	struct gx_report_input in;
	struct gx_report_opts o = { .format = GX_REPORT_TEXT };
	struct gx_buf out = { 0 };

	(void)state;
	g10 = gor(&t, 10, 1, GX_G_WAITING, "sync", lock, 996);
	g11 = gor(&t, 11, 1, GX_G_WAITING, "chan send", send, 300);
	wait_woken(&t, g10, 100, 299, "chan receive", recv, 11, send);
	span(&t, g11, 100, 300, GX_G_RUNNING, NULL, 0);
	span(&t, g11, 300, 1000, GX_G_WAITING, "chan send", send);
	wait_woken(&t, g10, 301, 990, "sleep", nap, 0, 0);
	log_event(&t, g10, 993, "apply: validating");
	span(&t, g10, 992, 996, GX_G_RUNNING, NULL, 0);
	span(&t, g10, 996, 1000, GX_G_WAITING, "sync", lock);
	s = tb_open(&t);
	w = gx_waitgraph_build(s);
	e = edge_ev(s, w, 11, 10, GX_EVID_PARTNER);
	assert_non_null(e);
	assert_int_equal(e->strength, GX_STRENGTH_OBSERVED);
	e = edge_ev(s, w, 10, 11, GX_EVID_HELD_ACROSS);
	assert_non_null(e);
	assert_int_equal(e->strength, GX_STRENGTH_WEAK);
	dl = gx_wg_deadlock(w);
	assert_int_equal(dl->nstuck, 2);
	assert_int_equal(dl->ncycles, 1);
	assert_int_equal(dl->cycles[0].count, 2);
	assert_true(dl->cycles[0].weak);
	assert_true(dl->deadlock_ns == 996);

	in = (struct gx_report_input){ .name = "t.out", .w = w };
	gx_report_write(&in, 1, &o, &out);
	assert_non_null(strstr(out.data, "woken by the runtime"));
	assert_non_null(strstr(out.data, "log apply: validating"));
	assert_non_null(strstr(out.data, "[partner, observed]"));
	assert_non_null(strstr(out.data, "[held-across, weak]"));
	gx_buf_free(&out);
	gx_waitgraph_free(w);
	gx_store_close(s);
}

/* Lock order: G20 blocked on the lock at main.a:30 earlier, then went on
 * in the same frame and blocks at main.a:35: it holds that lock, which
 * G21 waits for at main.a:30. G22 blocked at main.a:30 too, but has left
 * main.a since (it blocks in main.b now): no holder. */
static void
test_lock_order(void **state)
{
	struct tb t = tb_new(false);
	gx_stack lockA = stk(&t, "sync.(*Mutex).Lock sync/mutex.go:46", "main.a main.go:30",
	                     "main.run main.go:5", NULL);
	gx_stack later = stk(&t, "runtime.chanrecv1 runtime/chan.go:509", "main.a main.go:35",
	                     "main.run main.go:5", NULL);
	gx_stack other = stk(&t, "runtime.chanrecv1 runtime/chan.go:509", "main.b main.go:70",
	                     "main.run main.go:6", NULL);
	uint32_t g20, g21, g22;
	struct gx_store *s;
	struct gx_waitgraph *w;
	const struct gx_wg_edge *e;

	(void)state;
	g20 = gor(&t, 20, 1, GX_G_WAITING, "chan receive", later, 400);
	g21 = gor(&t, 21, 1, GX_G_WAITING, "sync", lockA, 500);
	g22 = gor(&t, 22, 1, GX_G_WAITING, "chan receive", other, 450);
	gor(&t, 5, 1, GX_G_DEAD, NULL, 0, 0); /* unlocked A, then exited */
	wait_woken(&t, g20, 100, 200, "sync", lockA, 5, 0);
	wait_woken(&t, g22, 110, 210, "sync", lockA, 5, 0);
	span(&t, g20, 400, 1000, GX_G_WAITING, "chan receive", later);
	span(&t, g22, 450, 1000, GX_G_WAITING, "chan receive", other);
	span(&t, g21, 500, 1000, GX_G_WAITING, "sync", lockA);
	s = tb_open(&t);
	w = gx_waitgraph_build(s);
	e = edge_ev(s, w, 21, 20, GX_EVID_LOCK_ORDER);
	assert_non_null(e);
	assert_int_equal(e->strength, GX_STRENGTH_INFERRED);
	assert_true(e->ns == 200);
	assert_null(edge_ev(s, w, 21, 22, GX_EVID_LOCK_ORDER));
	/* G20's receive was never served, nor G22's: all stuck. */
	assert_true(in_stuck(s, w, 20) && in_stuck(s, w, 21) && in_stuck(s, w, 22));
	assert_int_equal(wgid(s, w, 21)->proof, GX_PROOF_RELEASERS_STUCK);
	gx_waitgraph_free(w);
	gx_store_close(s);
}

/* Two mutexes nobody was seen to hold or release: each waiter may hold
 * the other's (the dump rule, in a trace without addresses). */
static void
test_trace_other_lock(void **state)
{
	struct tb t = tb_new(false);
	gx_stack ab = stk(&t, "sync.(*Mutex).Lock sync/mutex.go:46", "main.lockAThenB main.go:66", NULL);
	gx_stack ba = stk(&t, "sync.(*Mutex).Lock sync/mutex.go:46", "main.lockBThenA main.go:78", NULL);
	gx_stack work = stk(&t, "runtime.chanrecv2 runtime/chan.go:514", "main.worker main.go:90", NULL);
	uint32_t g22, g23, g26;
	struct gx_store *s;
	struct gx_waitgraph *w;
	const struct gx_deadlock *dl;

	(void)state;
	g22 = gor(&t, 22, 1, GX_G_WAITING, "sync", ab, 100);
	g23 = gor(&t, 23, 1, GX_G_WAITING, "sync", ba, 101);
	g26 = gor(&t, 26, 1, GX_G_WAITING, "chan receive", work, 900);
	gor(&t, 1, 0, GX_G_RUNNING, "running", 0, 0);
	span(&t, g22, 100, 1000, GX_G_WAITING, "sync", ab);
	span(&t, g23, 101, 1000, GX_G_WAITING, "sync", ba);
	wait_woken(&t, g26, 50, 60, "chan receive", work, 1, 0);
	span(&t, g26, 900, 1000, GX_G_WAITING, "chan receive", work);
	s = tb_open(&t);
	w = gx_waitgraph_build(s);
	assert_non_null(edge_ev(s, w, 22, 23, GX_EVID_OTHER_LOCK));
	assert_non_null(edge_ev(s, w, 23, 22, GX_EVID_OTHER_LOCK));
	/* A worker on a channel (fed by live main) is no lock holder. */
	assert_null(edge_ev(s, w, 22, 26, GX_EVID_OTHER_LOCK));
	dl = gx_wg_deadlock(w);
	assert_int_equal(dl->nstuck, 2);
	assert_int_equal(dl->ncycles, 1);
	assert_true(dl->cycles[0].weak);
	assert_int_equal(wgid(s, w, 26)->status, GX_WG_RELEASABLE);
	gx_waitgraph_free(w);
	gx_store_close(s);
}

/* The runtime's goroutines as a trace shows them, a goroutine the trace
 * says nothing about, and "forever". */
static void
test_trace_system_forever(void **state)
{
	struct tb t = tb_new(false);
	gx_stack rt = stk(&t, "runtime.chanrecv1 runtime/chan.go:506",
	                  "runtime.unique_runtime_registerUniqueMapCleanup.func2 runtime/mgc.go:1797", NULL);
	gx_stack park = stk(&t, "runtime.gopark runtime/proc.go:462", "runtime.forcegchelper runtime/proc.go:375", NULL);
	gx_stack nilch = stk(&t, "runtime.chanrecv1 runtime/chan.go:509", "main.never main.go:9", NULL);
	gx_stack block = stk(&t, "main.park main.go:12", NULL);
	struct gx_goroutine_rec *r;
	uint32_t g2;
	struct gx_store *s;
	struct gx_waitgraph *w;
	const struct gx_deadlock *dl;

	(void)state;
	gor(&t, 6, 0, GX_G_WAITING, "chan receive", rt, 10);
	g2 = gor(&t, 2, 0, GX_G_WAITING, NULL, park, 0);
	r = gx_builder_goroutine_at(t.b, g2);
	r->flags |= GX_G_SYSTEM;
	gor(&t, 3, 0, GX_G_WAITING, NULL, 0, 0);
	gor(&t, 7, 1, GX_G_WAITING, "forever", nilch, 20);
	gor(&t, 8, 1, GX_G_WAITING, "forever", block, 30);
	gor(&t, 9, 1, GX_G_WAITING, "system goroutine wait", 0, 5);
	s = tb_open(&t);
	w = gx_waitgraph_build(s);
	assert_int_equal(wgid(s, w, 6)->kind, GX_WAIT_SYSTEM);
	assert_int_equal(wgid(s, w, 2)->kind, GX_WAIT_SYSTEM);
	assert_int_equal(wgid(s, w, 9)->kind, GX_WAIT_SYSTEM);
	assert_true(wgid(s, w, 3)->opaque);
	assert_int_equal(wgid(s, w, 3)->status, GX_WG_UNDETERMINED);
	assert_int_equal(wgid(s, w, 7)->kind, GX_WAIT_NIL_CHAN);
	assert_int_equal(wgid(s, w, 8)->kind, GX_WAIT_SELECT_NONE);
	dl = gx_wg_deadlock(w);
	assert_int_equal(dl->nstuck, 2);
	assert_true(in_stuck(s, w, 7) && in_stuck(s, w, 8));
	assert_int_equal(wgid(s, w, 7)->proof, GX_PROOF_PERMANENT);
	assert_int_equal(dl->nundetermined, 1);
	gx_waitgraph_free(w);
	gx_store_close(s);
}

/* A trace joined with a dump of the same process: the dump's lockSlow
 * argument names the mutex, and the goroutine passing it in the dump
 * holds it. The fingerprint of the trace (runtime and wrapper frames in
 * its stacks) is the dump's. */
static void
test_join(void **state)
{
	struct tb t = tb_new(false), d = tb_new(true);
	gx_stack tlock = stk(&t, "sync.(*Mutex).Lock sync/mutex.go:46", "main.apply main.go:64",
	                     "main.main.gowrap1 main.go:20", NULL);
	gx_stack tsend = stk(&t, "runtime.chansend1 runtime/chan.go:161", "main.publish main.go:57", NULL);
	gx_stack dlock = stk(&d, "internal/sync.runtime_SemacquireMutex(0xc000010044?, 0x0?, 0x1?) runtime/sema.go:95",
	                     "internal/sync.(*Mutex).lockSlow(0xc000010040) internal/sync/mutex.go:149",
	                     "main.apply(...) main.go:64", NULL);
	gx_stack dsend = stk(&d, "main.publish(0xc000010040, 0x5) main.go:57", NULL);
	uint32_t g10, g11;
	struct gx_store *ts, *ds;
	struct gx_waitgraph *w, *wt, *wd;
	const struct gx_wg_edge *e;
	size_t nj;

	(void)state;
	g10 = gor(&t, 10, 1, GX_G_WAITING, "sync", tlock, 400);
	g11 = gor(&t, 11, 1, GX_G_WAITING, "chan send", tsend, 300);
	span(&t, g10, 400, 1000, GX_G_WAITING, "sync", tlock);
	span(&t, g11, 300, 1000, GX_G_WAITING, "chan send", tsend);
	gor(&d, 10, 1, GX_G_WAITING, "sync.Mutex.Lock", dlock, 0);
	gor(&d, 11, 1, GX_G_WAITING, "chan send", dsend, 0);
	ts = tb_open(&t);
	ds = tb_open(&d);
	(void)g10;
	(void)g11;

	wt = gx_waitgraph_build(ts);
	wd = gx_waitgraph_build(ds);
	w = gx_waitgraph_build_joined(ts, ds);
	assert_true(wgid(ts, wt, 10)->addr == 0);
	assert_true(wgid(ts, w, 10)->addr == 0xc000010040ULL);
	assert_true(gx_wg_joined_store(w, &nj) == ds);
	assert_int_equal(nj, 2);
	assert_true(gx_wg_joined(w, gx_store_find_goroutine(ts, 11)) == gx_store_find_goroutine(ds, 11));
	e = edge_ev(ts, w, 10, 11, GX_EVID_ARG);
	assert_non_null(e);
	assert_true(e->value == 0xc000010040ULL);
	assert_int_equal(e->strength, GX_STRENGTH_INFERRED);
	{
		struct gx_buf b = { 0 };

		gx_wg_describe_edge(w, e, &b, false);
		assert_non_null(strstr(b.data, "G11 passes 0xc000010040 in main.publish (per the dump)"));
		gx_buf_free(&b);
	}
	/* Trace alone, dump alone, joined: one hang, one fingerprint. */
	assert_true(gx_wg_deadlock(wt)->found && gx_wg_deadlock(wd)->found);
	assert_string_equal(gx_wg_deadlock(wt)->fingerprint, gx_wg_deadlock(wd)->fingerprint);
	assert_string_equal(gx_wg_deadlock(w)->fingerprint, gx_wg_deadlock(wd)->fingerprint);
	/* Not joined: a store with itself, or none. */
	gx_waitgraph_free(w);
	w = gx_waitgraph_build_joined(ts, ts);
	assert_null(gx_wg_joined_store(w, &nj));
	gx_waitgraph_free(w);
	gx_waitgraph_free(wt);
	gx_waitgraph_free(wd);
	gx_store_close(ts);
	gx_store_close(ds);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	return rmdir(tmpdir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_history_many),
		cmocka_unit_test(test_history_releaser_gone),
		cmocka_unit_test(test_history_runtime),
		cmocka_unit_test(test_partner_held_across),
		cmocka_unit_test(test_lock_order),
		cmocka_unit_test(test_trace_other_lock),
		cmocka_unit_test(test_trace_system_forever),
		cmocka_unit_test(test_join),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
