/* waitgraph_test: the evidence rules on small hand-made and real dumps
 * (tests/data/waitgraph/), the argument parser and the fingerprint's
 * name normalisation. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gotrex/diag.h"
#include "gotrex/load.h"
#include "gotrex/report.h"
#include "gotrex/store.h"
#include "gotrex/waitgraph.h"

/* ------------------------------------------------------------------ */
/* Argument lists */

static void
test_args_plain(void **state)
{
	struct gx_arg a[16];
	const char *s = "(0xc000012340, {0x4b5e2a, 0x5}, 0x1?)";
	size_t n;

	(void)state;
	n = gx_args_parse(s, strlen(s), a, 16);
	assert_int_equal(n, 4);
	assert_true(a[0].value == 0xc000012340ULL);
	assert_int_equal(a[0].top, 0);
	assert_int_equal(a[0].depth, 0);
	assert_false(a[0].inaccurate);
	assert_int_equal(a[1].top, 1);
	assert_int_equal(a[1].depth, 1);
	assert_int_equal(a[2].top, 1);
	assert_true(a[2].value == 5);
	assert_int_equal(a[3].top, 2);
	assert_true(a[3].inaccurate);
}

static void
test_args_odd(void **state)
{
	struct gx_arg a[4];
	const char *s;

	(void)state;
	/* Inlined, elided, offsets too large, empty struct. */
	assert_int_equal(gx_args_parse("(...)", 5, a, 4), 0);
	assert_int_equal(gx_args_parse("({})", 4, a, 4), 0);
	s = "(_, 0x10, ...)";
	assert_int_equal(gx_args_parse(s, strlen(s), a, 4), 1);
	assert_int_equal(a[0].top, 1);
	/* Cut short, unbalanced, overflowing, bare "0x": no crash, no read past n. */
	s = "(0x12, {0x3";
	assert_int_equal(gx_args_parse(s, 5, a, 4), 1);
	s = "(}}}, 0xffffffffffffffffff, 0x, 0x7)";
	assert_int_equal(gx_args_parse(s, strlen(s), a, 4), 1);
	assert_true(a[0].value == 7);
	/* At most max words. */
	s = "(0x1, 0x2, 0x3, 0x4, 0x5)";
	assert_int_equal(gx_args_parse(s, strlen(s), a, 4), 4);
	assert_int_equal(gx_args_parse(NULL, 0, a, 4), 0);
}

/* ------------------------------------------------------------------ */
/* Fingerprint names */

static void
check_norm(const char *in, const char *want)
{
	char *got = gx_fingerprint_func(in, strlen(in));

	assert_string_equal(got, want);
	free(got);
}

static void
test_fingerprint_func(void **state)
{
	(void)state;
	check_norm("main.worker", "main.worker");
	check_norm("main.main.func3", "main.main.func");
	check_norm("main.(*S).run.func1.2", "main.(*S).run.func");
	check_norm("main.main.gowrap1", "main.main");
	check_norm("main.Map[...]", "main.Map");
	check_norm("pkg.(*T[...]).M[...]", "pkg.(*T).M");
	check_norm("main.functional", "main.functional");
	check_norm("main.func1x", "main.func1x");
	check_norm("testing.tRunner.deferwrap1", "testing.tRunner");
}

static void
test_fingerprint_lines(void **state)
{
	char a1[] = "mutex|main.f", a2[] = "chan send|main.g", a3[] = "mutex|main.f";
	char b1[] = "chan send|main.g", b2[] = "mutex|main.f";
	char c1[] = "chan send|main.h";
	char *a[] = { a1, a2, a3 }, *b[] = { b1, b2 }, *c[] = { c1 };
	char fa[13], fb[13], fc[13];

	(void)state;
	gx_fingerprint_lines(a, 3, fa);
	gx_fingerprint_lines(b, 2, fb);
	gx_fingerprint_lines(c, 1, fc);
	assert_int_equal(strlen(fa), 12);
	assert_string_equal(fa, fb);   /* order and repeats do not matter */
	assert_string_not_equal(fa, fc);
	gx_fingerprint_lines(NULL, 0, fc);
	assert_string_equal(fc, "");
}

/* ------------------------------------------------------------------ */
/* Hand-made dumps */

struct loaded {
	struct gx_store *s;
	struct gx_waitgraph *w;
};

static struct loaded
load(const char *name)
{
	struct loaded l;
	struct gx_load_opts o = { .no_cache = true };
	struct gx_diag d = { 0 };
	const char *top = getenv("top_srcdir");
	char path[4096];

	snprintf(path, sizeof path, "%s/tests/data/waitgraph/%s", top ? top : ".", name);
	l.s = gx_load(path, &o, &d);
	if (l.s == NULL)
		gx_diag_print(&d, stderr);
	assert_non_null(l.s);
	gx_diag_clear(&d);
	l.w = gx_waitgraph_build(l.s);
	return l;
}

static void
unload(struct loaded *l)
{
	gx_waitgraph_free(l->w);
	gx_store_close(l->s);
}

static const struct gx_wg_goroutine *
wgid(const struct loaded *l, uint64_t id)
{
	uint32_t g = gx_store_find_goroutine(l->s, id);

	assert_true(g != GX_NONE32);
	return gx_wg_goroutine(l->w, g);
}

/* The strongest edge of id's resource to releaser rid (the object itself
 * before a container), or NULL. */
static const struct gx_wg_edge *
edge(const struct loaded *l, uint64_t id, uint64_t rid)
{
	const struct gx_wg_goroutine *x = wgid(l, id);
	uint32_t rg = gx_store_find_goroutine(l->s, rid);
	size_t n;
	const struct gx_wg_edge *e = gx_wg_edges(l->w, x->resource, &n);

	const struct gx_wg_edge *best = NULL;

	for (size_t i = 0; i < n; i++)
		if (e[i].g == rg && (best == NULL || e[i].strength < best->strength ||
		                     (e[i].strength == best->strength && e[i].evidence < best->evidence)))
			best = &e[i];
	return best;
}

static uint64_t
id_of(const struct loaded *l, uint32_t g)
{
	return gx_store_goroutine(l->s, g)->id;
}

static void
test_arg_cycle(void **state)
{
	struct loaded l = load("arg_cycle.txt");
	const struct gx_deadlock *dl = gx_wg_deadlock(l.w);
	const struct gx_wg_edge *e;

	(void)state;
	assert_true(wgid(&l, 10)->addr == 0xc000010040ULL);
	assert_int_equal(wgid(&l, 10)->addr_src, GX_ADDR_RECEIVER);
	assert_int_equal(wgid(&l, 10)->kind, GX_WAIT_MUTEX);
	/* G11 passes the mutex G10 waits for: the object itself. */
	e = edge(&l, 10, 11);
	assert_non_null(e);
	assert_int_equal(e->evidence, GX_EVID_ARG);
	assert_int_equal(e->strength, GX_STRENGTH_INFERRED);
	assert_true(e->value == 0xc000010040ULL);
	assert_null(edge(&l, 10, 1)); /* main passes nothing */
	assert_int_equal(dl->nstuck, 2);
	assert_int_equal(wgid(&l, 10)->status, GX_WG_STUCK);
	assert_int_equal(wgid(&l, 10)->proof, GX_PROOF_RELEASERS_STUCK);
	assert_int_equal(wgid(&l, 1)->status, GX_WG_LIVE);
	assert_int_equal(dl->ncycles, 1);
	assert_int_equal(dl->cycles[0].count, 2);
	assert_false(dl->cycles[0].weak);
	assert_int_equal(id_of(&l, dl->cycle_members[0]), 10);
	assert_int_equal(id_of(&l, dl->cycle_members[1]), 11);
	assert_int_equal(strlen(dl->fingerprint), GX_FINGERPRINT_LEN);
	unload(&l);
}

static void
test_fingerprint_stable(void **state)
{
	struct loaded a = load("arg_cycle.txt"), b = load("arg_cycle_rerun.txt");
	struct loaded c = load("wg_gone.txt");

	(void)state;
	/* Other ids, addresses, lines, order and counts: same hang. */
	assert_int_equal(gx_wg_deadlock(b.w)->nstuck, 3);
	assert_string_equal(gx_wg_deadlock(a.w)->fingerprint, gx_wg_deadlock(b.w)->fingerprint);
	/* Another hang: another fingerprint. */
	assert_string_not_equal(gx_wg_deadlock(a.w)->fingerprint, gx_wg_deadlock(c.w)->fingerprint);
	unload(&a);
	unload(&b);
	unload(&c);
}

static void
test_chan_live_producer(void **state)
{
	struct loaded l = load("chan_live.txt");
	const struct gx_wg_edge *e;

	(void)state;
	assert_int_equal(wgid(&l, 5)->kind, GX_WAIT_CHAN_RECV);
	assert_true(wgid(&l, 5)->addr == 0xc000020000ULL);
	assert_int_equal(wgid(&l, 5)->addr_src, GX_ADDR_ARG);
	e = edge(&l, 5, 6);
	assert_non_null(e);
	assert_int_equal(e->evidence, GX_EVID_ARG);
	assert_int_equal(wgid(&l, 5)->status, GX_WG_RELEASABLE);
	assert_false(gx_wg_deadlock(l.w)->found);
	unload(&l);
}

/* samples/09-healthy-busy (no deadlock: its mutex is held ~1 ms every
 * 20 ms) recorded by Go 1.26 while three busy loops starved it of CPU.
 * At the trace's end G290 is runnable at main.go:237, inside
 * updateSharedTotals' critical section, and G289 and G291-G298 wait at its
 * Lock (main.go:235), some for 200 ms. The history names only G289 and
 * G298 as releasers, both waiting: without G290 that read as a deadlock. */
static void
test_starved_mutex(void **state)
{
	struct loaded l = load("starved-mutex.trace");
	const struct gx_wg_edge *e;

	(void)state;
	assert_int_equal(wgid(&l, 291)->kind, GX_WAIT_MUTEX);
	assert_int_equal(wgid(&l, 290)->kind, GX_WAIT_NONE);
	e = edge(&l, 291, 290);
	assert_non_null(e);
	assert_int_equal(e->evidence, GX_EVID_SAME_FUNC);
	assert_int_equal(e->strength, GX_STRENGTH_WEAK);
	assert_int_equal(wgid(&l, 291)->status, GX_WG_RELEASABLE);
	assert_int_equal(wgid(&l, 289)->status, GX_WG_RELEASABLE);
	assert_false(gx_wg_deadlock(l.w)->found);
	unload(&l);
}

/* A crowd: 80 goroutines wait for a mutex in main.a (main.go:10), 30 in
 * main.b (main.go:20), all passing the pointer 0xc000123000; 5 runnable
 * goroutines in main.work pass it too. The address of the mutex is not in
 * the dump. Candidate releasers of a waiter's mutex by that shared pointer
 * (counted per posting, one each here): the goroutines that pass it, are
 * alive, do not wait on that resource and do not wait at the same site.
 * The counts come from that rule applied to the file as built, and are
 * what the counting per site must give (it replaced a walk over every
 * posting for every resource, which took 20 s on 100 000 goroutines). */
static void
test_crowd_counts(void **state)
{
	struct loaded l = load("crowd.txt");
	const struct gx_wg_goroutine *a = wgid(&l, 101), *b = wgid(&l, 181);
	const struct gx_wg_resource *ra, *rb;

	(void)state;
	assert_int_equal(a->kind, GX_WAIT_MUTEX);
	assert_int_equal(b->kind, GX_WAIT_MUTEX);
	ra = gx_wg_resource(l.w, a->resource);
	rb = gx_wg_resource(l.w, b->resource);
	assert_non_null(ra);
	assert_non_null(rb);
	/* Without its address, each waiter's mutex is a resource of its own. */
	assert_true(ra->addr == 0 && rb->addr == 0);
	assert_int_equal(ra->nwaiters, 1);
	assert_int_equal(rb->nwaiters, 1);
	/* a: the 30 in main.b and the 5 runners; b: the 80 in main.a and the 5 */
	assert_int_equal(ra->releasers, 30 + 5);
	assert_int_equal(rb->releasers, 80 + 5);
	assert_int_equal(a->status, GX_WG_RELEASABLE);
	assert_false(gx_wg_deadlock(l.w)->found);
	unload(&l);
}

/* The five dumps below are real (tests/data/waitgraph/http_hammer): the
 * leak of samples/07 (G13 and 19 more queryBackend goroutines blocked for
 * ever in a chan send) while a client polls the same server. Each caught
 * the HTTP machinery at a moment that read as stuck before, and each
 * must give exactly the 20 leaked goroutines. */
static void
assert_leak_only(const struct loaded *l)
{
	const struct gx_deadlock *dl = gx_wg_deadlock(l->w);

	assert_true(dl->found);
	assert_int_equal(dl->nstuck, 20);
	assert_int_equal(wgid(l, 13)->status, GX_WG_STUCK);
}

/* G9 (net/http's conn.serve) waits in connReader.abortPendingRead for
 * the background read to end (server.go: cr.cond.Wait()). That read is
 * G109, which G9 started in startBackgroundRead and which has not run
 * yet: runnable, its only frame the go statement's wrapper. */
static void
test_new_child(void **state)
{
	struct loaded l = load("http-new-child.txt");
	const struct gx_wg_edge *e;

	(void)state;
	assert_int_equal(wgid(&l, 9)->kind, GX_WAIT_COND);
	e = edge(&l, 9, 109);
	assert_non_null(e);
	assert_int_equal(e->evidence, GX_EVID_NEW_CHILD);
	assert_int_equal(e->strength, GX_STRENGTH_WEAK);
	assert_int_equal(wgid(&l, 9)->status, GX_WG_RELEASABLE);
	assert_leak_only(&l);
	unload(&l);
}

/* G10 (the transport's readLoop) is blocked in a chan send on a channel
 * made in readLoop; G49, runnable, is in readLoop.func4, the body's EOF
 * callback, a closure of readLoop that receives from it. */
static void
test_closure(void **state)
{
	struct loaded l = load("http-closure.txt");
	const struct gx_wg_edge *e;

	(void)state;
	assert_int_equal(wgid(&l, 10)->kind, GX_WAIT_CHAN_SEND);
	e = edge(&l, 10, 49);
	assert_non_null(e);
	assert_int_equal(e->evidence, GX_EVID_CLOSURE);
	assert_int_equal(wgid(&l, 10)->status, GX_WG_RELEASABLE);
	assert_int_equal(wgid(&l, 11)->status, GX_WG_RELEASABLE);
	assert_leak_only(&l);
	unload(&l);
}

/* G10 (readLoop) waits in a select for the response body to be read,
 * G11 (writeLoop) in a select for the next request; each only passes
 * the persistConn the other passes (weak). The body's reader is G49,
 * runnable in io.Copy: nothing in the dump leads from it to them. Waits
 * inside the standard library that only hints explain: undetermined. */
static void
test_std_weak(void **state)
{
	struct loaded l = load("http-body-read.txt");

	(void)state;
	assert_int_equal(wgid(&l, 10)->kind, GX_WAIT_SELECT);
	assert_int_equal(wgid(&l, 10)->status, GX_WG_UNDETERMINED);
	assert_int_equal(wgid(&l, 11)->status, GX_WG_UNDETERMINED);
	assert_leak_only(&l);
	unload(&l);
}

/* http_hammer2: G10809 is a transport's writeLoop in its select, and no
 * goroutine passes its persistConn: its readLoop, which closes the
 * connection's closech on the way out, is not in the dump. Nothing names
 * a releaser, but a library goroutine waiting under a minute is not
 * judged on that alone. */
static void
test_std_no_evidence(void **state)
{
	struct loaded l = load("http-lone-writeloop.txt");
	const struct gx_deadlock *dl = gx_wg_deadlock(l.w);

	(void)state;
	assert_int_equal(wgid(&l, 10809)->kind, GX_WAIT_SELECT);
	assert_int_equal(wgid(&l, 10809)->status, GX_WG_UNDETERMINED);
	assert_int_equal(dl->nstuck, 20);
	unload(&l);
}

/* The same dump with G10's and G11's headers saying "[select, 5
 * minutes]", as Go prints a wait of a minute or more: that is no passing
 * moment but a response body never closed, and they are judged as usual
 * (stuck, each other's only weak candidate: a cycle). */
static void
test_std_weak_long_wait(void **state)
{
	struct loaded l = load("http-body-leak.txt");
	const struct gx_deadlock *dl = gx_wg_deadlock(l.w);

	(void)state;
	assert_int_equal(wgid(&l, 10)->status, GX_WG_STUCK);
	assert_int_equal(wgid(&l, 11)->status, GX_WG_STUCK);
	assert_int_equal(dl->nstuck, 22);
	unload(&l);
}

/* Every leaked sender was started by main.handleSearch.func1 in G9, the
 * connection's goroutine. G9 also started G134, the connection's
 * background read (IO wait, passing pointers) in startBackgroundRead: a
 * sibling from another function's go statement is no receiver of theirs
 * (taking it for one hid the whole leak). */
static void
test_sibling_other_site(void **state)
{
	struct loaded l = load("http-sibling.txt");

	(void)state;
	assert_null(edge(&l, 13, 134));
	assert_leak_only(&l);
	unload(&l);
}

/* http_hammer2: 20 leaked main.queryBackend(ctx, q, results) goroutines
 * (G7 and 19 more) in a server under load. Each passes its context as
 * {0x7a5520, ptr}: 0x7a5520 is the itab of the context's concrete type,
 * which G71-G73 (the transport's dialConn) pass as well. A type word
 * names no shared object: it is no evidence, and the leak stays stuck. */
static void
test_iface_type_word(void **state)
{
	struct loaded l = load("http-ctx-itab.txt");
	const struct gx_deadlock *dl = gx_wg_deadlock(l.w);

	(void)state;
	assert_null(edge(&l, 7, 71));
	assert_int_equal(wgid(&l, 7)->status, GX_WG_STUCK);
	assert_true(dl->found);
	assert_int_equal(dl->nstuck, 20);
	unload(&l);
}

/* http_hammer2 again: leaked G52 prints its context's data pointer
 * 0x20907d0f6730, dead since the select; the memory was freed and is now
 * the request that G66 (the transport's persistConn.roundTrip, blocked
 * but releasable) passes. A pointer the waiter passes in its own code
 * counts only where others pass it in theirs: G66 is no candidate. */
static void
test_shared_app_only(void **state)
{
	struct loaded l = load("http-reused-addr.txt");
	const struct gx_deadlock *dl = gx_wg_deadlock(l.w);

	(void)state;
	assert_null(edge(&l, 52, 66));
	assert_int_equal(wgid(&l, 52)->status, GX_WG_STUCK);
	assert_int_equal(dl->nstuck, 20);
	unload(&l);
}

/* A user's deadlock through the standard library (pipe_mutex/main.go):
 * G19 (main.produce) holds mu and is blocked in io.(*pipe).write; G18
 * (main.consume) waits for mu before it reads the pipe. Both only pass
 * the pipe (weak evidence), but G19 is a user's goroutine, not one of the
 * library's own, so the weak-evidence rule for those leaves it alone. */
static void
test_std_user_goroutine(void **state)
{
	struct loaded l = load("pipe-mutex.txt");
	const struct gx_deadlock *dl = gx_wg_deadlock(l.w);

	(void)state;
	assert_int_equal(wgid(&l, 19)->kind, GX_WAIT_SELECT);
	assert_int_equal(wgid(&l, 18)->kind, GX_WAIT_MUTEX);
	assert_int_equal(wgid(&l, 19)->status, GX_WG_STUCK);
	assert_int_equal(wgid(&l, 18)->status, GX_WG_STUCK);
	assert_true(dl->found);
	assert_int_equal(dl->nstuck, 2);
	assert_int_equal(dl->ncycles, 1);
	unload(&l);
}

/* G2853 waits in "semacquire" with net.(*conn).Read on top: the runtime
 * hid the frames of a GC start waiting for the semaphore that stops the
 * world, which G1 holds while it writes this dump. A runtime wait, not a
 * user's. */
static void
test_runtime_sema(void **state)
{
	struct loaded l = load("gc-sema.txt");

	(void)state;
	assert_int_equal(wgid(&l, 2853)->kind, GX_WAIT_SYSTEM);
	assert_int_equal(wgid(&l, 2853)->status, GX_WG_LIVE);
	assert_int_equal(wgid(&l, 9)->status, GX_WG_RELEASABLE);
	assert_leak_only(&l);
	unload(&l);
}

static void
test_permanent(void **state)
{
	struct loaded l = load("permanent.txt");

	(void)state;
	assert_int_equal(wgid(&l, 7)->kind, GX_WAIT_NIL_CHAN);
	assert_int_equal(wgid(&l, 7)->proof, GX_PROOF_PERMANENT);
	assert_int_equal(wgid(&l, 8)->kind, GX_WAIT_SELECT_NONE);
	assert_int_equal(wgid(&l, 8)->proof, GX_PROOF_PERMANENT);
	assert_true(gx_wg_proof_is_proven(GX_PROOF_PERMANENT));
	assert_int_equal(gx_wg_deadlock(l.w)->nstuck, 2);
	assert_int_equal(gx_wg_deadlock(l.w)->ncycles, 0);
	unload(&l);
}

static void
test_waitgroup_child(void **state)
{
	struct loaded l = load("wg_child.txt"), m = load("wg_gone.txt");
	const struct gx_wg_edge *e;

	(void)state;
	assert_int_equal(wgid(&l, 1)->kind, GX_WAIT_WAITGROUP);
	assert_true(wgid(&l, 1)->addr == 0xc000030000ULL);
	e = edge(&l, 1, 20);
	assert_non_null(e);
	assert_int_equal(e->evidence, GX_EVID_CHILD);
	assert_int_equal(wgid(&l, 1)->status, GX_WG_RELEASABLE);
	assert_false(gx_wg_deadlock(l.w)->found);
	/* The worker that would call Done is gone; another child of main
	 * (not started by the waiting function) does not count. */
	assert_null(edge(&m, 1, 21));
	assert_int_equal(wgid(&m, 1)->status, GX_WG_STUCK);
	assert_int_equal(wgid(&m, 1)->proof, GX_PROOF_NO_RELEASER);
	unload(&l);
	unload(&m);
}

static void
test_possible_timer(void **state)
{
	struct loaded l = load("timer.txt");

	(void)state;
	assert_true(wgid(&l, 3)->possible_timer);
	assert_int_equal(wgid(&l, 3)->status, GX_WG_UNDETERMINED);
	assert_false(gx_wg_deadlock(l.w)->found);
	assert_int_equal(gx_wg_deadlock(l.w)->nundetermined, 1);
	unload(&l);
}

static void
test_runtime_deadlock(void **state)
{
	struct loaded l = load("fatal.txt");
	const struct gx_deadlock *dl = gx_wg_deadlock(l.w);

	(void)state;
	assert_true(dl->runtime_reported);
	assert_int_equal(dl->nstuck, 2);
	assert_int_equal(wgid(&l, 1)->proof, GX_PROOF_RUNTIME_DEADLOCK);
	assert_int_equal(wgid(&l, 2)->proof, GX_PROOF_RUNTIME_DEADLOCK);
	assert_true(gx_wg_proof_is_proven(GX_PROOF_RUNTIME_DEADLOCK));
	unload(&l);
}

static void
test_rwmutex(void **state)
{
	struct loaded l = load("rwmutex.txt");
	const struct gx_deadlock *dl = gx_wg_deadlock(l.w);
	const struct gx_wg_edge *e;

	(void)state;
	/* readerSem at rw+12, writerSem at rw+8: one RWMutex at 0x60e5e0. */
	assert_true(wgid(&l, 8)->addr == 0x60e5e0);
	assert_true(wgid(&l, 10)->addr == 0x60e5e0);
	assert_true(wgid(&l, 11)->addr == 0x60e5e0);
	assert_int_equal(wgid(&l, 11)->kind, GX_WAIT_WLOCK);
	e = edge(&l, 8, 11);
	assert_non_null(e);
	assert_int_equal(e->evidence, GX_EVID_RW_WRITER);
	/* Only the reader with a user caller may hold a read lock. */
	e = edge(&l, 11, 10);
	assert_non_null(e);
	assert_int_equal(e->evidence, GX_EVID_RW_READER);
	assert_null(edge(&l, 11, 8));
	assert_int_equal(dl->nstuck, 3);
	assert_int_equal(dl->ncycles, 1);
	assert_int_equal(dl->cycles[0].count, 2);
	assert_int_equal(id_of(&l, dl->cycle_members[0]), 10);
	assert_int_equal(id_of(&l, dl->cycle_members[1]), 11);
	unload(&l);
}

static void
test_container(void **state)
{
	struct loaded l = load("container.txt");
	const struct gx_wg_edge *e;
	struct gx_buf b = { 0 };

	(void)state;
	e = edge(&l, 4, 5);
	assert_non_null(e);
	assert_int_equal(e->evidence, GX_EVID_CONTAINER);
	assert_true(e->value == 0xc000050000ULL);
	assert_int_equal(wgid(&l, 4)->status, GX_WG_RELEASABLE);
	gx_wg_describe_edge(l.w, e, &b, false);
	assert_non_null(strstr(b.data, "G5 passes 0xc000050000 in main.(*S).update"));
	assert_non_null(strstr(b.data, "inferred"));
	gx_buf_free(&b);
	unload(&l);
}

static void
test_report_formats(void **state)
{
	struct loaded l = load("arg_cycle.txt");
	struct gx_report_input in = { .name = "arg\x1b[31m.txt", .w = l.w };
	struct gx_report_opts o = { .format = GX_REPORT_TEXT };
	struct gx_buf b = { 0 };

	(void)state;
	gx_report_write(&in, 1, &o, &b);
	assert_non_null(strstr(b.data, "G10 waits for mutex 0xc000010040 in main.transfer, held by G11"));
	assert_null(strchr(b.data, '\x1b')); /* the name is escaped */
	gx_buf_reset(&b);
	o.format = GX_REPORT_JSON;
	gx_report_write(&in, 1, &o, &b);
	assert_non_null(strstr(b.data, "\"deadlock\": true"));
	assert_non_null(strstr(b.data, "\"stuck\": [10, 11]"));
	assert_non_null(strstr(b.data, "\"cycles\": [[10, 11]]"));
	gx_buf_reset(&b);
	o.format = GX_REPORT_OPENMETRICS;
	gx_report_write(&in, 1, &o, &b);
	assert_non_null(strstr(b.data, "gotrex_stuck_goroutines{file=\"arg\\\\x1b[31m.txt\"} 2\n"));
	assert_non_null(strstr(b.data, "reason=\"sync.Mutex.Lock\"} 2\n"));
	assert_true(b.len > 6 && strcmp(b.data + b.len - 6, "# EOF\n") == 0);
	assert_true(gx_report_any_deadlock(&in, 1));
	gx_buf_free(&b);
	unload(&l);
}

/* window-*: a service's own /debug/pprof/trace, 1 s taken while it runs
 * (svc_window/main.go). Its idle workers, HTTP client loops and (with
 * -bug) leaked senders were blocked before the trace began, and the trace
 * never saw their sites released: nothing in it tells an idle pool from a
 * leak. Before, every one of them was "stuck": a healthy service's trace
 * reported a deadlock of 12. */
static void
assert_undetermined(const struct loaded *l, uint64_t id, enum gx_wg_undetermined why)
{
	assert_int_equal(wgid(l, id)->status, GX_WG_UNDETERMINED);
	assert_int_equal(wgid(l, id)->undetermined, why);
}

static const struct gx_goroutine_rec *
grid(const struct loaded *l, uint64_t id)
{
	return gx_store_goroutine(l->s, gx_store_find_goroutine(l->s, id));
}

static void
test_window_idle(void **state)
{
	struct loaded l = load("window-idle.trace");
	const struct gx_deadlock *dl = gx_wg_deadlock(l.w);

	(void)state;
	assert_false(dl->found);
	assert_int_equal(dl->nstuck, 0);
	assert_int_equal(dl->nundetermined, 11);
	for (uint64_t id = 8; id <= 15; id++) {   /* main.worker: chan receive */
		assert_true(grid(&l, id)->flags & GX_G_WAIT_BEFORE_START);
		assert_undetermined(&l, id, GX_UND_BEFORE_TRACE);
	}
	assert_undetermined(&l, 22, GX_UND_BEFORE_TRACE); /* writeLoop */
	/* readLoop of the connection that fetched the trace: it blocked
	 * 417 us before the end, in the library's own goroutine. */
	assert_false(grid(&l, 25)->flags & GX_G_WAIT_BEFORE_START);
	assert_undetermined(&l, 25, GX_UND_STD);
	unload(&l);
}

static void
test_window_bug(void **state)
{
	struct loaded l = load("window-bug.trace");
	const struct gx_deadlock *dl = gx_wg_deadlock(l.w);

	(void)state;
	/* The ABBA pair: each may hold the mutex the other waits for. */
	assert_true(dl->found);
	assert_int_equal(dl->nstuck, 2);
	assert_int_equal(dl->ncycles, 1);
	assert_true(dl->before_start);
	assert_int_equal(wgid(&l, 18)->status, GX_WG_STUCK);
	assert_int_equal(wgid(&l, 19)->status, GX_WG_STUCK);
	/* The leaked senders and the idle workers look alike here. */
	for (uint64_t id = 20; id <= 24; id++)
		assert_undetermined(&l, id, GX_UND_BEFORE_TRACE);
	assert_undetermined(&l, 8, GX_UND_BEFORE_TRACE);
	assert_undetermined(&l, 1, GX_UND_BEFORE_TRACE);

	/* The report says the deadlock is older than the trace, that the
	 * waits are lower bounds, and why the others are not judged. */
	struct gx_report_input in = { .name = "window-bug.trace", .w = l.w };
	struct gx_report_opts o = { .format = GX_REPORT_TEXT };
	struct gx_buf b = { 0 };

	gx_report_write(&in, 1, &o, &b);
	assert_non_null(strstr(b.data, "deadlocked: before the trace began"));
	assert_null(strstr(b.data, "deadlocked at:"));
	assert_null(strstr(b.data, "before the deadlock:")); /* no window: it is not in the trace */
	assert_non_null(strstr(b.data, "G18 mutex in main.abba1, waiting 1.001063s+\n"));
	assert_non_null(strstr(b.data, "G20 chan send in main.leak: blocked since before the trace began"));
	gx_buf_reset(&b);
	o.format = GX_REPORT_JSON;
	gx_report_write(&in, 1, &o, &b);
	assert_non_null(strstr(b.data, "\"deadlock_before_start\": true,"));
	assert_non_null(strstr(b.data, "\"wait_before_start\": true, \"undetermined_why\": \"blocked since"));
	gx_buf_free(&b);
	unload(&l);
}

/* The dump taken right after: the senders (main.leak(...), inlined: no
 * channel address) have one live sibling from main.main's go statements,
 * `go http.Serve(ln, nil)`, which passes pointers in the library only:
 * no receiver of theirs. All 7 are stuck. */
static void
test_window_bug_dump(void **state)
{
	struct loaded l = load("window-bug.txt");
	const struct gx_deadlock *dl = gx_wg_deadlock(l.w);

	(void)state;
	assert_true(dl->found);
	assert_int_equal(dl->nstuck, 7);
	assert_int_equal(dl->ncycles, 1);
	for (uint64_t id = 18; id <= 24; id++)
		assert_int_equal(wgid(&l, id)->status, GX_WG_STUCK);
	for (uint64_t id = 8; id <= 15; id++)
		assert_int_not_equal(wgid(&l, id)->status, GX_WG_STUCK);
	unload(&l);
}

/* Go 1.21: G1, the program's main, fetches the trace and blocks 104 us
 * into it in persistConn.roundTrip for the response, which comes after
 * the trace ends. Blocked inside net/http: a trace cannot link it to the
 * read loop at the other end. The goroutines blocked before the trace
 * (the ABBA pair too) have neither stack nor reason in Go 1.21's format. */
static void
test_window_go121(void **state)
{
	struct loaded l = load("window-bug-go121.trace");
	const struct gx_deadlock *dl = gx_wg_deadlock(l.w);

	(void)state;
	assert_false(dl->found);
	assert_false(grid(&l, 1)->flags & GX_G_WAIT_BEFORE_START);
	assert_undetermined(&l, 1, GX_UND_STD_CALL);
	assert_true(wgid(&l, 18)->opaque);
	assert_undetermined(&l, 18, GX_UND_OPAQUE);
	unload(&l);
}

/* A dump of samples/07 (tests/dump_stress.sh, 1 in about 1500): main's
 * G1 polls /health and waits in net/http's body-EOF callback
 * readLoop.func4 (`<-eofc`) for its connection's readLoop, G13, a
 * goroutine of its own, now in wroteRequest. Before, G1 was called stuck
 * beside the 20 leaked senders: nothing it passes names G13. */
static void
test_library_callback(void **state)
{
	struct loaded l = load("http-callback.txt");
	const struct gx_deadlock *dl = gx_wg_deadlock(l.w);
	const struct gx_wg_edge *e = edge(&l, 1, 13);

	(void)state;
	assert_non_null(e);
	assert_int_equal(e->evidence, GX_EVID_CALLBACK);
	assert_int_equal(e->strength, GX_STRENGTH_WEAK);
	assert_int_equal(wgid(&l, 1)->status, GX_WG_RELEASABLE);
	assert_int_equal(dl->nstuck, 20);
	assert_int_equal(wgid(&l, 16)->status, GX_WG_STUCK); /* main.queryBackend */
	unload(&l);
}

/* testing/synctest: "panic: deadlock: all goroutines in bubble are
 * blocked" is the runtime's proof for the goroutines of the (one) bubble.
 * Before, the report said "no deadlock found". */
static void
test_synctest_bubble(void **state)
{
	struct loaded l = load("../dump/synctest-deadlock.txt");
	const struct gx_deadlock *dl = gx_wg_deadlock(l.w);
	static const uint64_t bubble[] = { 20, 21, 22, 24 };

	(void)state;
	assert_true(dl->found);
	assert_true(dl->runtime_reported);
	assert_int_equal(dl->nstuck, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(wgid(&l, bubble[i])->status, GX_WG_STUCK);
		assert_int_equal(wgid(&l, bubble[i])->proof, GX_PROOF_BUBBLE_DEADLOCK);
	}
	assert_int_equal(wgid(&l, 19)->status, GX_WG_LIVE); /* the test runner, panicking */
	unload(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args_plain),
		cmocka_unit_test(test_args_odd),
		cmocka_unit_test(test_fingerprint_func),
		cmocka_unit_test(test_fingerprint_lines),
		cmocka_unit_test(test_arg_cycle),
		cmocka_unit_test(test_fingerprint_stable),
		cmocka_unit_test(test_chan_live_producer),
		cmocka_unit_test(test_starved_mutex),
		cmocka_unit_test(test_crowd_counts),
		cmocka_unit_test(test_permanent),
		cmocka_unit_test(test_waitgroup_child),
		cmocka_unit_test(test_possible_timer),
		cmocka_unit_test(test_runtime_deadlock),
		cmocka_unit_test(test_rwmutex),
		cmocka_unit_test(test_container),
		cmocka_unit_test(test_report_formats),
		cmocka_unit_test(test_new_child),
		cmocka_unit_test(test_closure),
		cmocka_unit_test(test_std_weak),
		cmocka_unit_test(test_std_weak_long_wait),
		cmocka_unit_test(test_std_no_evidence),
		cmocka_unit_test(test_sibling_other_site),
		cmocka_unit_test(test_runtime_sema),
		cmocka_unit_test(test_std_user_goroutine),
		cmocka_unit_test(test_iface_type_word),
		cmocka_unit_test(test_shared_app_only),
		cmocka_unit_test(test_window_idle),
		cmocka_unit_test(test_window_bug),
		cmocka_unit_test(test_window_bug_dump),
		cmocka_unit_test(test_window_go121),
		cmocka_unit_test(test_library_callback),
		cmocka_unit_test(test_synctest_bubble),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
