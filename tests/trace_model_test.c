/* Unit tests of the trace loader (trace_model): the two-generation trace
 * of trace_build.h goes through gx_trace_load into a store, which is read
 * back. The expected times, states and edges are those of Go's own event
 * stream for these bytes (built_go in trace_decode_test.c, from `go tool
 * trace -d=parsed`): e.g. G1 blocks at 65280 ("chan receive"), is
 * unblocked at 128896 by no goroutine, runs at 128960 and exits at 129152;
 * G7 is created by G1 at 64896, runs at 65344 and exits at 65920. */
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
#include "gotrex/input.h"
#include "gotrex/store.h"
#include "gotrex/trace_model.h"
#include "gotrex/util.h"

#include "trace_build.h"

static const char *
s_of(const struct gx_store *s, gx_str id)
{
	return gx_store_str(s, id, NULL);
}

static const struct gx_goroutine_rec *
find(const struct gx_store *s, uint64_t id)
{
	uint32_t i = gx_store_find_goroutine(s, id);

	assert_true(i != GX_NONE32);
	return gx_store_goroutine(s, i);
}

/* The store's clock starts at the first event; Go's clock (what `go tool
 * trace` prints) was 64000 there. T(x) is Go's time x on the store's clock. */
#define T(x) ((int64_t)(x) - 64000)

static void
test_model(void **state)
{
	struct gx_buf t = { 0 };
	struct gx_diag d = { 0 };
	char path[4096];
	struct gx_store *s;
	const struct gx_goroutine_rec *g1, *g7;
	const struct gx_span_rec *sp;
	const struct gx_event_rec *ev;
	const struct gx_store_meta *meta;
	size_t g1i, n, i;
	size_t g1gen;
	bool saw_create = false, saw_unblock = false, saw_log = false;

	(void)state;
	build_trace(&t, &g1gen);
	s = trace_store_load(t.data, t.len, &d, path, sizeof(path));
	assert_int_equal(d.errors, 0);

	meta = gx_store_meta(s);
	assert_int_equal(meta->format, GX_FMT_TRACE_V2);
	assert_true(meta->start_ns == T(64000));
	assert_true(meta->end_ns == T(129217));
	assert_int_equal(meta->flags & GX_META_TRUNCATED, 0);
	assert_string_equal(s_of(s, meta->go_version), "go1.26");

	assert_int_equal(gx_store_goroutine_count(s), 2);
	g1 = find(s, 1);
	g7 = find(s, 7);
	assert_int_equal(g7->creator_id, 1);
	assert_true(g7->created_ns == T(64896));
	assert_true(g7->ended_ns == T(65920));
	assert_string_equal(s_of(s, g7->start_func), "main.worker");
	assert_int_equal(g7->state, GX_G_DEAD);
	assert_true(gx_store_stack_depth(s, g7->create_stack) == 1);
	assert_string_equal(s_of(s, gx_store_stack_frame(s, g7->create_stack, 0)->func), "main.main");

	assert_true(g1->created_ns == GX_TIME_NONE); /* alive before the trace */
	assert_true(g1->ended_ns == T(129152));
	assert_int_equal(g1->state, GX_G_DEAD);

	/* G1: running from the start, waiting on a channel, runnable, running. */
	g1i = gx_store_find_goroutine(s, 1);
	sp = gx_store_spans(s, g1i, &n);
	assert_int_equal(n, 5);
	assert_int_equal(sp[0].state, GX_G_RUNNING);
	assert_true(sp[0].start_ns == T(64000) && sp[0].end_ns == T(65280));
	assert_int_equal(sp[1].state, GX_G_WAITING);
	assert_true(sp[1].start_ns == T(65280) && sp[1].end_ns == T(128896));
	assert_string_equal(s_of(s, sp[1].reason), "chan receive");
	assert_true(gx_store_stack_depth(s, sp[1].stack) == 1);
	assert_int_equal(sp[2].state, GX_G_RUNNABLE);
	assert_true(sp[2].start_ns == T(128896) && sp[2].end_ns == T(128960));
	assert_int_equal(sp[3].state, GX_G_RUNNING);
	assert_true(sp[3].start_ns == T(128960) && sp[3].end_ns == T(129152));
	assert_int_equal(sp[4].state, GX_G_DEAD);
	assert_true(sp[4].start_ns == T(129152) && sp[4].end_ns == T(129217));

	/* G7: not yet created, runnable, running, dead. */
	sp = gx_store_spans(s, gx_store_find_goroutine(s, 7), &n);
	assert_int_equal(n, 4);
	assert_int_equal(sp[0].state, GX_G_NOTEXIST);
	assert_true(sp[0].start_ns == T(64000) && sp[0].end_ns == T(64896));
	assert_int_equal(sp[1].state, GX_G_RUNNABLE);
	assert_true(sp[1].start_ns == T(64896) && sp[1].end_ns == T(65344));
	assert_int_equal(sp[2].state, GX_G_RUNNING);
	assert_true(sp[2].start_ns == T(65344) && sp[2].end_ns == T(65920));
	assert_int_equal(sp[3].state, GX_G_DEAD);
	assert_true(sp[3].start_ns == T(65920) && sp[3].end_ns == T(129217));

	ev = gx_store_events(s, &n);
	for (i = 0; i < n; i++) {
		if (ev[i].kind == GX_EV_CREATE && ev[i].g == gx_store_find_goroutine(s, 7)) {
			saw_create = true;
			assert_true(ev[i].ns == T(64896) && ev[i].arg0 == 1);
		}
		if (ev[i].kind == GX_EV_UNBLOCK) {
			saw_unblock = true;
			assert_true(ev[i].ns == T(128896));
			assert_int_equal(ev[i].g, g1i);
			assert_true(ev[i].arg0 == 0); /* no goroutine woke it */
		}
		if (ev[i].kind == GX_EV_LOG) {
			saw_log = true;
			assert_true(ev[i].ns == T(64960));
			assert_string_equal(s_of(s, ev[i].str), "phase: start \"q\"\n");
		}
	}
	assert_true(saw_create && saw_unblock && saw_log);

	/* P spans: G1 on P0 until it blocks, G7 on P0. */
	{
		const struct gx_pspan_rec *ps = gx_store_pspans(s, &n);
		bool g7_on_p0 = false;

		for (i = 0; i < n; i++)
			if (ps[i].g == gx_store_find_goroutine(s, 7) && ps[i].p == 0 &&
			    ps[i].start_ns == T(65344) && ps[i].end_ns == T(65920))
				g7_on_p0 = true;
		assert_true(g7_on_p0);
	}
	gx_store_close(s);
	unlink(path);
	gx_diag_clear(&d);
	gx_buf_free(&t);
}

/* A trace cut inside its second generation: the first one is kept and the
 * store says it is truncated. */
static void
test_model_truncated(void **state)
{
	struct gx_buf t = { 0 };
	struct gx_diag d = { 0 };
	char path[4096];
	struct gx_store *s;
	size_t g1gen;
	const struct gx_store_meta *meta;

	(void)state;
	build_trace(&t, &g1gen);
	s = trace_store_load(t.data, t.len - 3, &d, path, sizeof(path));
	meta = gx_store_meta(s);
	assert_true(meta->flags & GX_META_TRUNCATED);
	assert_true(meta->lost_bytes == t.len - 3 - g1gen);
	assert_true(d.n >= 1);
	assert_int_equal(gx_store_goroutine_count(s), 2);
	gx_store_close(s);
	unlink(path);
	gx_diag_clear(&d);
	gx_buf_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_model_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
