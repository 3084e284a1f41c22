/* timeline_test: the timeline's binary searches and summaries against a
 * brute-force walk over every span, on synthetic stores made with the
 * store builder: random histories (gaps, zero-length and very long
 * spans), every summary interval, a budget small enough to evict, hostile
 * times (out of order, overlapping, at the int64 limits). */
#include "config.h"

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
#include "gotrex/timeline.h"
#include "gotrex/util.h"

#include "test_util.h"

static char tmpdir[PATH_MAX];
static char path[PATH_MAX + 32];

static int
setup(void **state)
{
	(void)state;
	if (tmpdir_make(tmpdir, sizeof(tmpdir), "timeline-test") != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/index", tmpdir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	rm_rf(tmpdir);
	return 0;
}

/* A small deterministic generator (xorshift). */
static uint64_t rng = 88172645463325252ULL;

static uint64_t
rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n > 0 ? rng % n : 0;
}

static struct gx_store *
open_store(struct gx_builder *b)
{
	struct gx_diag d = { 0 };
	struct gx_store *s;

	assert_int_equal(gx_builder_write(b, path, NULL, "timeline-test", &d), 0);
	gx_builder_free(b);
	s = gx_store_open(path, &d);
	assert_non_null(s);
	gx_diag_clear(&d);
	return s;
}

/* ng goroutines with random contiguous histories (and some gaps) from
 * time base; returns the store. */
static struct gx_store *
random_store(size_t ng, size_t maxspans, int64_t base)
{
	struct gx_builder *b = gx_builder_new(tmpdir);
	size_t i, k;

	for (i = 0; i < ng; i++) {
		struct gx_goroutine_rec g = { .id = i + 1, .count = 1 };
		uint32_t gi = gx_builder_goroutine(b, &g);
		size_t nsp = rnd(maxspans + 1);
		int64_t t = base + (int64_t)rnd(1000);

		for (k = 0; k < nsp; k++) {
			struct gx_span_rec sp = { 0 };
			uint64_t r = rnd(100);
			int64_t d = r < 10 ? 0 : r < 90 ? (int64_t)rnd(50) + 1 : (int64_t)rnd(100000);

			if (rnd(10) == 0)
				t += (int64_t)rnd(200); /* a gap */
			sp.start_ns = t;
			sp.end_ns = t + d;
			sp.g = gi;
			sp.state = (uint8_t)(1 + rnd(GX_G_STATE_COUNT - 1));
			sp.reason = gx_builder_cstr(b, "r");
			gx_builder_span(b, &sp);
			t += d;
		}
	}
	return open_store(b);
}

/* The reference: every span's overlap with [t0, t1). */
static void
brute_hist(const struct gx_span_rec *sp, size_t n, int64_t t0, int64_t t1,
           uint64_t out[GX_G_STATE_COUNT])
{
	size_t i;

	memset(out, 0, GX_G_STATE_COUNT * sizeof(uint64_t));
	for (i = 0; i < n; i++) {
		int64_t a = sp[i].start_ns > t0 ? sp[i].start_ns : t0;
		int64_t b = sp[i].end_ns < t1 ? sp[i].end_ns : t1;
		unsigned s = sp[i].state < GX_G_STATE_COUNT ? sp[i].state : GX_G_UNKNOWN;

		if (b > a)
			out[s] += (uint64_t)(b - a);
	}
}

static size_t
brute_span_at(const struct gx_span_rec *sp, size_t n, int64_t t)
{
	size_t i, found = GX_TL_NOSPAN;

	for (i = 0; i < n; i++)
		if (sp[i].start_ns <= t)
			found = i;
	if (found == GX_TL_NOSPAN)
		return found;
	if (t < sp[found].end_ns || (found + 1 == n && t == sp[found].end_ns))
		return found;
	return GX_TL_NOSPAN;
}

static void
check_rows(struct gx_timeline *tl, const struct gx_store *s, size_t trials)
{
	size_t ng = gx_store_goroutine_count(s), tr;

	for (tr = 0; tr < trials; tr++) {
		size_t g = rnd(ng), n, c, ncells = 1 + rnd(120);
		const struct gx_span_rec *sp = gx_store_spans(s, g, &n);
		int64_t cell = 1 + (int64_t)rnd(rnd(2) ? 50 : 20000);
		int64_t t0 = (int64_t)rnd(n > 0 ? (uint64_t)(sp[n - 1].end_ns + 100) : 1000) - 500;
		uint8_t cells[128];
		uint64_t want[GX_G_STATE_COUNT], got[GX_G_STATE_COUNT];

		gx_timeline_row(tl, g, t0, cell, ncells, cells);
		for (c = 0; c < ncells; c++) {
			int64_t a = t0 + (int64_t)c * cell;

			brute_hist(sp, n, a, a + cell, want);
			assert_int_equal(cells[c], gx_timeline_dominant(want));
			gx_timeline_hist(tl, g, a, a + cell, got);
			assert_memory_equal(got, want, sizeof(want));
		}
	}
}

static void
test_rows_against_brute_force(void **state)
{
	struct gx_store *s;
	struct gx_timeline *tl;
	uint32_t k;

	(void)state;
	s = random_store(40, 400, 0);
	tl = gx_timeline_new(s, 0);
	/* default interval (32), then small ones so every path is taken */
	check_rows(tl, s, 300);
	assert_true(gx_timeline_builds(tl) > 0);
	assert_true(gx_timeline_cached_bytes(tl) > 0);
	for (k = 1; k <= 7; k += 3) {
		gx_timeline_set_interval(tl, k);
		assert_int_equal(gx_timeline_cached_bytes(tl), 0);
		check_rows(tl, s, 200);
	}
	gx_timeline_free(tl);
	gx_store_close(s);
}

static void
test_budget_evicts(void **state)
{
	struct gx_store *s;
	struct gx_timeline *tl;

	(void)state;
	s = random_store(30, 600, 1000000);
	/* room for about one summary at a time */
	tl = gx_timeline_new(s, 2048);
	gx_timeline_set_interval(tl, 4);
	check_rows(tl, s, 300);
	assert_true(gx_timeline_cached_bytes(tl) <= 2048 + 600 / 4 * 8 * GX_G_STATE_COUNT);
	assert_true(gx_timeline_builds(tl) > 30);
	gx_timeline_free(tl);
	gx_store_close(s);
}

static void
test_span_at_and_transitions(void **state)
{
	struct gx_store *s;
	size_t ng, g;

	(void)state;
	s = random_store(25, 60, 5000);
	ng = gx_store_goroutine_count(s);
	for (g = 0; g < ng; g++) {
		size_t n, i;
		const struct gx_span_rec *sp = gx_store_spans(s, g, &n);
		int64_t t, lo = n > 0 ? sp[0].start_ns - 5 : 0, hi = n > 0 ? sp[n - 1].end_ns + 5 : 10;

		for (t = lo; t <= hi; t += 1 + (int64_t)rnd(7)) {
			size_t next = GX_TL_NOSPAN, prev = GX_TL_NOSPAN;

			assert_int_equal(gx_timeline_span_at(sp, n, t), brute_span_at(sp, n, t));
			for (i = 1; i < n; i++) {
				if (next == GX_TL_NOSPAN && sp[i].start_ns > t)
					next = i;
				if (sp[i].start_ns < t)
					prev = i;
			}
			assert_int_equal(gx_timeline_next_transition(sp, n, t), next);
			assert_int_equal(gx_timeline_prev_transition(sp, n, t), prev);
		}
	}
	gx_store_close(s);
}

/* A hand-made history whose picture is known. */
static void
test_known_row(void **state)
{
	struct gx_builder *b = gx_builder_new(tmpdir);
	struct gx_goroutine_rec g = { .id = 17, .count = 1 };
	static const struct { int64_t a, z; uint8_t st; } h[] = {
		{ 0, 100, GX_G_NOTEXIST },
		{ 100, 150, GX_G_RUNNABLE },
		{ 150, 160, GX_G_RUNNING },
		{ 160, 400, GX_G_WAITING },
		{ 400, 450, GX_G_RUNNABLE },  /* woken by G18 at 400 */
		{ 450, 500, GX_G_RUNNING },   /* ties with runnable in [400, 500) */
		{ 500, 600, GX_G_DEAD },
	};
	struct gx_store *s;
	struct gx_timeline *tl;
	uint8_t cells[8];
	const struct gx_span_rec *sp;
	struct gx_event_rec ev;
	size_t i, n;
	uint32_t gi, g18;

	(void)state;
	gi = gx_builder_goroutine(b, &g);
	g.id = 18;
	g18 = gx_builder_goroutine(b, &g);
	for (i = 0; i < GX_ARRAY_SIZE(h); i++) {
		struct gx_span_rec r = { .start_ns = h[i].a, .end_ns = h[i].z, .g = gi,
		                         .state = h[i].st };

		gx_builder_span(b, &r);
	}
	{
		struct gx_event_rec e = { .ns = 400, .kind = GX_EV_UNBLOCK, .g = g18, .arg0 = 17 };

		gx_builder_event(b, &e);  /* another goroutine's unblock at the same time */
		e.g = gi;
		e.arg0 = 18;
		gx_builder_event(b, &e);
	}
	s = open_store(b);
	tl = gx_timeline_new(s, 0);
	gi = gx_store_find_goroutine(s, 17);
	sp = gx_store_spans(s, gi, &n);
	assert_int_equal(n, GX_ARRAY_SIZE(h));
	/* cells of 100 ns from -100: empty, not yet, runnable (50 vs running
	 * 10 vs waiting 40), waiting, waiting, runnable = running (tie: running),
	 * dead, empty */
	gx_timeline_row(tl, gi, -100, 100, 8, cells);
	assert_int_equal(cells[0], GX_TL_EMPTY);
	assert_int_equal(cells[1], GX_G_NOTEXIST);
	assert_int_equal(cells[2], GX_G_RUNNABLE);
	assert_int_equal(cells[3], GX_G_WAITING);
	assert_int_equal(cells[4], GX_G_WAITING);
	assert_int_equal(cells[5], GX_G_RUNNING);
	assert_int_equal(cells[6], GX_G_DEAD);
	assert_int_equal(cells[7], GX_TL_EMPTY);
	/* the instant of the trace's end still has a state; after it none */
	assert_int_equal(gx_timeline_span_at(sp, n, 600), 6);
	assert_int_equal(gx_timeline_span_at(sp, n, 601), GX_TL_NOSPAN);
	assert_int_equal(gx_timeline_span_at(sp, n, -1), GX_TL_NOSPAN);
	assert_int_equal(gx_timeline_span_at(sp, n, 160), 3);
	/* stepping from 160: next is the wake-up at 400, previous the start at 150 */
	assert_int_equal(gx_timeline_next_transition(sp, n, 160), 4);
	assert_int_equal(gx_timeline_prev_transition(sp, n, 160), 2);
	assert_int_equal(gx_timeline_prev_transition(sp, n, 100), GX_TL_NOSPAN);
	assert_int_equal(gx_timeline_next_transition(sp, n, -50), 1);
	assert_int_equal(gx_timeline_next_transition(sp, n, 500), GX_TL_NOSPAN);
	assert_true(gx_timeline_unblock_at(s, gi, sp[4].start_ns, &ev));
	assert_int_equal(ev.arg0, 18);
	assert_false(gx_timeline_unblock_at(s, gi, 450, &ev));
	gx_timeline_free(tl);
	gx_store_close(s);
}

/* Hostile times: out of order, overlapping, at the limits of int64. Only
 * bounds and arithmetic are checked (the sanitizers watch). */
static void
test_hostile_times(void **state)
{
	struct gx_builder *b = gx_builder_new(tmpdir);
	struct gx_goroutine_rec g = { .id = 1, .count = 1 };
	static const int64_t t[][2] = {
		{ INT64_MIN, INT64_MAX }, { 5, -5 }, { INT64_MAX, INT64_MIN },
		{ 0, INT64_MAX }, { INT64_MIN, 0 }, { 3, 3 }, { 100, 50 },
	};
	struct gx_store *s;
	struct gx_timeline *tl;
	uint8_t cells[64];
	uint64_t h[GX_G_STATE_COUNT];
	size_t i, k, n;
	uint32_t gi = gx_builder_goroutine(b, &g);
	const struct gx_span_rec *sp;

	(void)state;
	for (k = 0; k < 10; k++)
		for (i = 0; i < GX_ARRAY_SIZE(t); i++) {
			struct gx_span_rec r = { .start_ns = t[i][0], .end_ns = t[i][1], .g = gi,
			                         .state = (uint8_t)(i * 37 + k) };

			gx_builder_span(b, &r);
		}
	s = open_store(b);
	tl = gx_timeline_new(s, 0);
	gx_timeline_set_interval(tl, 3);
	sp = gx_store_spans(s, 0, &n);
	gx_timeline_row(tl, 0, INT64_MIN, INT64_MAX, 64, cells);
	gx_timeline_row(tl, 0, INT64_MAX - 10, INT64_MAX, 64, cells);
	gx_timeline_row(tl, 0, -40, 3, 64, cells);
	gx_timeline_row(tl, 0, 0, 0, 64, cells);
	gx_timeline_hist(tl, 0, INT64_MIN, INT64_MAX, h);
	gx_timeline_hist(tl, 0, 10, -10, h);
	for (i = 0; i < GX_G_STATE_COUNT; i++)
		assert_int_equal(h[i], 0);
	gx_timeline_span_at(sp, n, INT64_MIN);
	gx_timeline_span_at(sp, n, INT64_MAX);
	gx_timeline_next_transition(sp, n, INT64_MAX);
	gx_timeline_prev_transition(sp, n, INT64_MIN);
	/* a goroutine index out of range is an empty row */
	gx_timeline_row(tl, 99, 0, 1, 64, cells);
	for (i = 0; i < 64; i++)
		assert_int_equal(cells[i], GX_TL_EMPTY);
	gx_timeline_free(tl);
	gx_store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_row),
		cmocka_unit_test(test_rows_against_brute_force),
		cmocka_unit_test(test_budget_evicts),
		cmocka_unit_test(test_span_at_and_transitions),
		cmocka_unit_test(test_hostile_times),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
