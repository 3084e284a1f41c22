/* Unit tests of the builder's spill files: spans go out as packed chains,
 * one per goroutine, spilled every `run` spans; events and P spans in
 * delta-coded blocks. Random stores, built with many run lengths, must
 * come back from the index exactly as a plain in-memory model says:
 * goroutines by id, each one's spans stable-sorted by start (also spans
 * given before their goroutine existed, and goroutines whose spans came
 * out of order), events and P spans in order with their goroutine indexes
 * remapped, and extreme field values intact. */
#include "config.h"

#include <dirent.h>
#include <limits.h>
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
#include "gotrex/store.h"
#include "gotrex/util.h"

#include "test_util.h"

/* From src/store_file.h. */
extern size_t gx_store_span_run;

static char tmpdir[PATH_MAX];

static int
setup(void **state)
{
	(void)state;
	return tmpdir_make(tmpdir, sizeof(tmpdir), "spill-test");
}

static int
teardown(void **state)
{
	(void)state;
	rm_rf(tmpdir);
	return 0;
}

static uint64_t rng;

static uint64_t
next(void)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return rng >> 11 ^ rng << 29;
}

/* A value for a field: mostly small, sometimes an extreme. */
static uint64_t
any64(void)
{
	switch (next() % 8) {
	case 0: return 0;
	case 1: return UINT64_MAX;
	case 2: return (uint64_t)INT64_MIN;
	case 3: return (uint64_t)INT64_MAX;
	case 4: return next();
	default: return next() % 1000;
	}
}

static uint32_t
any32(void)
{
	return (uint32_t)any64();
}

/* One span as given, with the order it was given in. */
struct given {
	struct gx_span_rec r;
	size_t seq;
};

/* An event read back is the model's, its goroutine renumbered by newidx. */
static void
assert_event(const struct gx_event_rec *got, const struct gx_event_rec *want,
             const uint32_t *newidx)
{
	assert_int_equal(got->ns, want->ns);
	assert_int_equal(got->kind, want->kind);
	assert_int_equal(got->g, want->g == GX_NONE32 ? GX_NONE32 : newidx[want->g]);
	assert_int_equal(got->arg0, want->arg0);
	assert_int_equal(got->arg1, want->arg1);
	assert_int_equal(got->str, want->str);
	assert_int_equal(got->stack, want->stack);
}

static const struct gx_goroutine_rec *cmp_g;

static int
cmp_given(const void *a, const void *b)
{
	const struct given *x = a, *y = b;
	uint64_t gx = cmp_g[x->r.g].id, gy = cmp_g[y->r.g].id;

	if (gx != gy)
		return gx < gy ? -1 : 1;
	if (x->r.start_ns != y->r.start_ns)
		return x->r.start_ns < y->r.start_ns ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Build a random store with run length `run` and check it against the
 * model; async: spans, events and P spans go through the worker thread. */
static void
check_config(size_t run, uint64_t seed, bool with_late, bool async)
{
	enum { NG = 40, NS = 6000, NE = 3000, NP = 1500 };
	char *path = xasprintf("%s/r%zu.gxi", tmpdir, run);
	struct gx_goroutine_rec gs[NG];
	struct given *sp = xcalloc(NS + 2 * 400, sizeof(*sp));
	struct gx_event_rec *ev = xcalloc(NE, sizeof(*ev));
	struct gx_pspan_rec *ps = xcalloc(NP, sizeof(*ps));
	uint64_t ids[NG];
	uint32_t newidx[NG];
	size_t ns = 0, ng = 0, i, j, n, k, dropped = 0;
	size_t saved_run = gx_store_span_run;
	struct gx_builder *b;
	struct gx_diag d = {0};
	struct gx_store *s;
	int64_t t = -1000;

	rng = seed;
	/* distinct ids, not in order */
	for (i = 0; i < NG; i++) {
		ids[i] = (next() % 100000) * NG + i;
		memset(&gs[i], 0, sizeof(gs[i]));
		gs[i].id = ids[i];
		gs[i].created_ns = gs[i].ended_ns = gs[i].wait_since_ns = GX_TIME_NONE;
		gs[i].count = 1;
	}

	gx_store_span_run = run;
	b = gx_builder_new(tmpdir);
	if (async)
		gx_builder_async(b);
	gx_store_span_run = saved_run;
	/* Goroutines come while spans do; goroutine 0 gets many in-order
	 * spans and goroutine 1 many out of order. */
	gx_builder_goroutine(b, &gs[0]);
	gx_builder_goroutine(b, &gs[1]);
	ng = 2;
	for (i = 0; i < NS; i++) {
		struct given *g = &sp[ns];

		if (ng < NG && next() % 150 == 0)
			gx_builder_goroutine(b, &gs[ng++]);
		memset(g, 0, sizeof(*g));
		switch (next() % 4) {
		case 0:
			g->r.g = 0;
			g->r.start_ns = t++;
			break;
		case 1:
			g->r.g = 1;
			g->r.start_ns = (int64_t)(next() % 5000) - 2500;
			break;
		default:
			g->r.g = (uint32_t)(next() % ng);
			/* ties: few distinct starts */
			g->r.start_ns = (int64_t)(next() % 64) - 8;
			if (next() % 200 == 0)
				g->r.start_ns = next() % 2 ? INT64_MIN : INT64_MAX;
			break;
		}
		g->r.end_ns = (int64_t)any64();
		g->r.state = (uint8_t)(next() % GX_G_STATE_COUNT);
		g->r.reason = any32();
		g->r.stack = any32();
		g->seq = ns;
		gx_builder_span(b, &g->r);
		ns++;
		if (with_late && i % 17 == 0 && ng < NG) {
			/* a span of a goroutine not added yet (a unique start,
			 * so where it sorts does not depend on its order) */
			g = &sp[ns];
			memset(g, 0, sizeof(*g));
			g->r.g = (uint32_t)(ng + next() % (NG - ng));
			g->r.start_ns = 1000000 + (int64_t)ns;
			g->r.end_ns = g->r.start_ns + 1;
			g->r.state = GX_G_RUNNABLE;
			g->seq = ns;
			gx_builder_span(b, &g->r);
			ns++;
		}
		if (with_late && i % 997 == 0) {
			/* a goroutine that will never exist: dropped */
			struct gx_span_rec r;

			memset(&r, 0, sizeof(r));
			r.g = NG + 5;
			gx_builder_span(b, &r);
			dropped++;
		}
	}
	while (ng < NG)
		gx_builder_goroutine(b, &gs[ng++]);

	for (i = 0; i < NE; i++) {
		memset(&ev[i], 0, sizeof(ev[i]));
		ev[i].ns = i == 0 ? INT64_MIN : (int64_t)(i * 3 + next() % 3);
		ev[i].kind = (uint32_t)(next() % 8);
		ev[i].g = next() % 5 == 0 ? GX_NONE32 : (uint32_t)(next() % NG);
		ev[i].arg0 = any64();
		ev[i].arg1 = any64();
		ev[i].str = any32();
		ev[i].stack = any32();
		gx_builder_event(b, &ev[i]);
	}
	for (i = 0; i < NP; i++) {
		memset(&ps[i], 0, sizeof(ps[i]));
		ps[i].start_ns = (int64_t)any64();
		ps[i].end_ns = (int64_t)any64();
		ps[i].p = any32();
		ps[i].g = next() % 4 == 0 ? GX_NONE32 : (uint32_t)(next() % NG);
		gx_builder_pspan(b, &ps[i]);
	}

	assert_int_equal(gx_builder_write(b, path, NULL, "t", &d), 0);
	gx_builder_free(b);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.n, dropped > 0 ? 1 : 0);

	/* The model: goroutines by id, spans by (id, start, given order). */
	qsort(ids, NG, sizeof(ids[0]), cmp_u64);
	for (i = 0; i < NG; i++)
		for (j = 0; j < NG; j++)
			if (ids[j] == gs[i].id)
				newidx[i] = (uint32_t)j;
	cmp_g = gs;
	qsort(sp, ns, sizeof(*sp), cmp_given);
	cmp_g = NULL;

	s = gx_store_open(path, &d);
	assert_non_null(s);
	assert_int_equal(gx_store_goroutine_count(s), NG);
	k = 0;
	for (i = 0; i < NG; i++) {
		const struct gx_span_rec *got = gx_store_spans(s, i, &n);

		assert_int_equal(gx_store_goroutine(s, i)->id, ids[i]);
		for (j = 0; j < n; j++, k++) {
			const struct gx_span_rec *w = &sp[k].r;

			assert_true(k < ns);
			assert_int_equal(newidx[w->g], i);
			assert_int_equal(got[j].g, i);
			assert_int_equal(got[j].start_ns, w->start_ns);
			assert_int_equal(got[j].end_ns, w->end_ns);
			assert_int_equal(got[j].state, w->state);
			assert_int_equal(got[j].reason, w->reason);
			assert_int_equal(got[j].stack, w->stack);
		}
	}
	assert_int_equal(k, ns);
	/* The events read a chunk at a time, before they are unpacked (from
	 * the packed table) and after (from the array): the model's, in order. */
	for (int pass = 0; pass < 2; pass++) {
		struct gx_event_cursor c = { 0 };
		struct gx_event_rec chunk[37];
		size_t got, at = 0, cap = 1;

		if (pass == 1)
			(void)gx_store_events(s, &n);
		while ((got = gx_store_events_read(s, &c, chunk, cap)) > 0) {
			assert_true(got <= cap);
			for (j = 0; j < got; j++, at++) {
				assert_true(at < NE);
				assert_event(&chunk[j], &ev[at], newidx);
			}
			cap = (cap + 5) % GX_ARRAY_SIZE(chunk) + 1; /* 1, 7, 13, ... 37, 6, ... */
		}
		assert_int_equal(at, NE);
		assert_int_equal(gx_store_events_read(s, &c, chunk, 1), 0);
	}
	{
		const struct gx_event_rec *e = gx_store_events(s, &n);

		assert_int_equal(n, NE);
		for (i = 0; i < NE; i++)
			assert_event(&e[i], &ev[i], newidx);
	}
	{
		const struct gx_pspan_rec *p = gx_store_pspans(s, &n);

		assert_int_equal(n, NP);
		for (i = 0; i < NP; i++) {
			assert_int_equal(p[i].start_ns, ps[i].start_ns);
			assert_int_equal(p[i].end_ns, ps[i].end_ns);
			assert_int_equal(p[i].p, ps[i].p);
			assert_int_equal(p[i].g, ps[i].g == GX_NONE32 ? GX_NONE32 : newidx[ps[i].g]);
		}
	}
	gx_store_close(s);
	gx_diag_clear(&d);
	unlink(path);
	free(path);
	free(sp);
	free(ev);
	free(ps);
}

/* Spills after every span, a few, many, never; several seeds each, half
 * of them through the worker thread. */
static void
test_runs(void **state)
{
	static const size_t runs[] = { 1, 7, 50, 100, 700, 1000, 1u << 17, (size_t)1 << 21 };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++)
		for (j = 0; j < 4; j++)
			check_config(runs[i], 7 + i * 31 + j, false, j % 2 == 1);
}

/* The same with spans given before their goroutine, and spans of a
 * goroutine that never comes. */
static void
test_late_spans(void **state)
{
	static const size_t runs[] = { 1, 13, 90, 500, 1u << 17 };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(runs) / sizeof(runs[0]); i++)
		for (j = 0; j < 3; j++)
			check_config(runs[i], 1000 + i * 7 + j, true, j == 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs),
		cmocka_unit_test(test_late_spans),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
