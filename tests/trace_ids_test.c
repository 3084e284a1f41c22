/* Unit tests of the decoder's and the loader's id lookups with ids that
 * real traces do not have: goroutine, proc and thread ids above 2^20 and
 * stack and string ids far apart. The decoder (trace2.c, trace_order.c)
 * and the loader (trace_model.c) find small, dense ids through direct
 * tables and the others through hash maps; the samples and fresh
 * recordings of trace_crosscheck.sh only ever take the first way.
 *
 * The trace is trace_build.h's, with every id remapped (build_trace_ids).
 * The expected text is what `go tool trace -d=parsed` (Go 1.26) prints
 * for exactly these bytes; for the small ids it is built_go of
 * trace_decode_test.c, and the first test checks that the remapping with
 * the same ids gives build_trace's bytes. */
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
#include "gotrex/trace_event.h"
#include "gotrex/trace_model.h"
#include "gotrex/trace_order.h"
#include "gotrex/util.h"

#include "trace_build.h"

/* Above IDMAP_DENSE (2^20) of the ordering and DENSE_IDS of the loader;
 * stack and string ids far above 4 times their count + 1024, so that the
 * generation keeps them in its maps only. */
static const struct trace_ids big_ids = {
	(1ull << 40) + 1, (1ull << 40) + 7,
	(1ull << 21), (1ull << 21) + 1,
	(1ull << 41) + 10, (1ull << 41) + 11,
	(1ull << 35) + 1, (1ull << 35) + 2,
	(1ull << 36),
};

/* `gotrex events` of a trace in memory; returns the status of the last
 * gx_trace_reader_next. */
static int
events_text(const void *p, size_t n, struct gx_buf *out, struct gx_diag *d)
{
	struct gx_input *in = gx_input_open_memory("t.out", p, n);
	struct gx_trace_reader *r = gx_trace_reader_new(in, d);
	struct gx_tev ev;
	int rc;

	assert_non_null(r);
	while ((rc = gx_trace_reader_next(r, &ev, d)) > 0) {
		gx_tev_format(&ev, out);
		gx_buf_putc(out, '\n');
	}
	gx_buf_putc(out, '\0');
	gx_trace_reader_free(r);
	gx_input_close(in);
	return rc;
}

/* The remapping with the ids it had is build_trace's trace, byte for
 * byte (so that the big ids' trace is that trace with other ids; both
 * come from build_trace_ids, and this keeps build_trace the small-ids
 * case that built_go describes). */
static void
test_same_trace(void **state)
{
	struct gx_buf a = { 0 }, b = { 0 };
	size_t g1;

	(void)state;
	build_trace(&a, &g1);
	build_trace_ids(&b, &small_ids, NULL);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	gx_buf_free(&a);
	gx_buf_free(&b);
}

/* `go tool trace -d=parsed` (Go 1.26) of build_trace_ids(&big_ids). */
static const char big_go[] =
	"M=-1 P=-1 G=-1 Sync Time=64000 N=1 Trace=64064 Mono=64000 Wall=2023-11-14T22:13:20.000000001Z\n"
	"M=-1 P=-1 G=-1 StateTransition Time=64128 ProcID=2097153 Undetermined->Idle Reason=\"\"\n"
	"M=2199023255563 P=-1 G=-1 StateTransition Time=64192 ProcID=2097153 Idle->Running Reason=\"\"\n"
	"M=2199023255563 P=2097153 G=-1 Metric Time=64320 Name=\"/memory/classes/heap/objects:bytes\" Value=Value{Uint64(4096)}\n"
	"M=2199023255563 P=2097153 G=-1 StateTransition Time=64384 ProcID=2097153 Running->Idle Reason=\"\"\n"
	"M=2199023255562 P=-1 G=-1 StateTransition Time=64704 ProcID=2097152 Undetermined->Running Reason=\"\"\n"
	"M=2199023255562 P=2097152 G=-1 StateTransition Time=64768 GoID=1099511627777 Undetermined->Running Reason=\"\"\n"
	"M=2199023255562 P=2097152 G=1099511627777 StateTransition Time=64896 GoID=1099511627783 NotExist->Runnable Reason=\"\"\n"
	"TransitionStack=\n"
	"\tmain.worker @ 0x401000\n"
	"\t\t/tmp/x.go:10\n"
	"\n"
	"Stack=\n"
	"\tmain.main @ 0x401234\n"
	"\t\t/tmp/x.go:20\n"
	"\n"
	"M=2199023255562 P=2097152 G=1099511627777 Log Time=64960 Task=0 Category=\"phase\" Message=\"start \\\"q\\\"\\n\"\n"
	"Stack=\n"
	"\tmain.main @ 0x401234\n"
	"\t\t/tmp/x.go:20\n"
	"\n"
	"M=2199023255562 P=2097152 G=1099511627777 StateTransition Time=65280 GoID=1099511627777 Running->Waiting Reason=\"chan receive\"\n"
	"TransitionStack=\n"
	"\tmain.main @ 0x401234\n"
	"\t\t/tmp/x.go:20\n"
	"\n"
	"Stack=\n"
	"\tmain.main @ 0x401234\n"
	"\t\t/tmp/x.go:20\n"
	"\n"
	"M=2199023255562 P=2097152 G=-1 StateTransition Time=65344 GoID=1099511627783 Runnable->Running Reason=\"\"\n"
	"M=2199023255562 P=2097152 G=1099511627783 StateTransition Time=65920 GoID=1099511627783 Running->NotExist Reason=\"\"\n"
	"M=2199023255562 P=2097152 G=-1 StateTransition Time=65984 ProcID=2097152 Running->Idle Reason=\"\"\n"
	"M=-1 P=-1 G=-1 Sync Time=128000 N=2 Trace=128064 Mono=128000 Wall=2023-11-14T22:13:20.000000002Z\n"
	"M=2199023255563 P=-1 G=-1 StateTransition Time=128192 ProcID=2097153 Idle->Idle Reason=\"\"\n"
	"M=2199023255563 P=-1 G=-1 StateTransition Time=128256 ProcID=2097153 Idle->Running Reason=\"\"\n"
	"M=2199023255563 P=2097153 G=-1 StateTransition Time=128320 ProcID=2097153 Running->Idle Reason=\"\"\n"
	"M=2199023255562 P=-1 G=-1 StateTransition Time=128704 ProcID=2097152 Idle->Idle Reason=\"\"\n"
	"M=2199023255562 P=-1 G=-1 StateTransition Time=128768 ProcID=2097152 Idle->Running Reason=\"\"\n"
	"M=2199023255562 P=2097152 G=-1 StateTransition Time=128832 GoID=1099511627777 Waiting->Waiting Reason=\"\"\n"
	"M=2199023255562 P=2097152 G=-1 StateTransition Time=128896 GoID=1099511627777 Waiting->Runnable Reason=\"\"\n"
	"M=2199023255562 P=2097152 G=-1 StateTransition Time=128960 GoID=1099511627777 Runnable->Running Reason=\"\"\n"
	"M=2199023255562 P=2097152 G=1099511627777 StateTransition Time=129152 GoID=1099511627777 Running->NotExist Reason=\"\"\n"
	"M=2199023255562 P=2097152 G=-1 StateTransition Time=129216 ProcID=2097152 Running->Idle Reason=\"\"\n"
	"M=-1 P=-1 G=-1 Sync Time=129217 N=3\n";

static void
test_big_ids_events(void **state)
{
	struct gx_buf t = { 0 }, out = { 0 };
	struct gx_diag d = { 0 };

	(void)state;
	setenv("TZ", "UTC", 1);
	build_trace_ids(&t, &big_ids, NULL);
	assert_int_equal(events_text(t.data, t.len, &out, &d), 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(out.data, big_go);
	gx_diag_clear(&d);
	gx_buf_free(&out);
	gx_buf_free(&t);
}

/* The store's clock starts at the first event (Go's time 64000). */
#define T(x) ((int64_t)(x) - 64000)

/* The loader on the big ids: what trace_model_test checks on the small
 * ones (from the same Go event stream), through the loader's hash maps
 * for goroutine, stack and reason string ids. */
static void
test_big_ids_model(void **state)
{
	struct gx_buf t = { 0 };
	struct gx_diag d = { 0 };
	struct gx_store *s;
	const struct gx_goroutine_rec *g1, *g7;
	const struct gx_span_rec *sp;
	const struct gx_pspan_rec *ps;
	const struct gx_event_rec *ev;
	char path[4096];
	uint32_t g1i, g7i;
	size_t n, i;
	bool saw_create = false, saw_unblock = false, g7_on_p0 = false;

	(void)state;
	build_trace_ids(&t, &big_ids, NULL);
	s = trace_store_load(t.data, t.len, &d, path, sizeof(path));
	assert_int_equal(d.errors, 0);

	assert_int_equal(gx_store_goroutine_count(s), 2);
	g1i = gx_store_find_goroutine(s, big_ids.g1);
	g7i = gx_store_find_goroutine(s, big_ids.g7);
	assert_true(g1i != GX_NONE32 && g7i != GX_NONE32);
	g1 = gx_store_goroutine(s, g1i);
	g7 = gx_store_goroutine(s, g7i);
	assert_true(g7->creator_id == big_ids.g1);
	assert_true(g7->created_ns == T(64896));
	assert_true(g7->ended_ns == T(65920));
	assert_string_equal(gx_store_str(s, g7->start_func, NULL), "main.worker");
	assert_true(gx_store_stack_depth(s, g7->create_stack) == 1);
	assert_string_equal(gx_store_str(s, gx_store_stack_frame(s, g7->create_stack, 0)->func, NULL),
	                    "main.main");
	assert_true(g1->created_ns == GX_TIME_NONE);
	assert_true(g1->ended_ns == T(129152));

	sp = gx_store_spans(s, g1i, &n);
	assert_int_equal(n, 5);
	assert_int_equal(sp[1].state, GX_G_WAITING);
	assert_true(sp[1].start_ns == T(65280) && sp[1].end_ns == T(128896));
	assert_string_equal(gx_store_str(s, sp[1].reason, NULL), "chan receive");
	assert_true(gx_store_stack_depth(s, sp[1].stack) == 1);
	assert_string_equal(gx_store_str(s, gx_store_stack_frame(s, sp[1].stack, 0)->func, NULL),
	                    "main.main");
	assert_int_equal(sp[3].state, GX_G_RUNNING);
	assert_true(sp[3].start_ns == T(128960) && sp[3].end_ns == T(129152));

	ev = gx_store_events(s, &n);
	for (i = 0; i < n; i++) {
		if (ev[i].kind == GX_EV_CREATE && ev[i].g == g7i) {
			saw_create = true;
			assert_true(ev[i].ns == T(64896) && ev[i].arg0 == big_ids.g1);
		}
		if (ev[i].kind == GX_EV_UNBLOCK) {
			saw_unblock = true;
			assert_true(ev[i].ns == T(128896));
			assert_int_equal(ev[i].g, g1i);
		}
	}
	assert_true(saw_create && saw_unblock);
	ps = gx_store_pspans(s, &n);
	for (i = 0; i < n; i++)
		if (ps[i].g == g7i && ps[i].p == big_ids.p0 &&
		    ps[i].start_ns == T(65344) && ps[i].end_ns == T(65920))
			g7_on_p0 = true;
	assert_true(g7_on_p0);
	gx_store_close(s);
	unlink(path);
	gx_diag_clear(&d);
	gx_buf_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_trace),
		cmocka_unit_test(test_big_ids_events),
		cmocka_unit_test(test_big_ids_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
