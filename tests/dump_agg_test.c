/* dump_agg: the debug=1 text of pprof profiles, on real Go 1.26 output
 * (tests/data/pprof, written by pprofgen/main.go in one run with the
 * protobufs beside it: the delays expected here are the ones
 * `go tool pprof -raw` reads from mutex.pb.gz and block.pb.gz), and on
 * hand-made snippets for the forms and damage Go does not write. */
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
#include "gotrex/dump_agg.h"
#include "gotrex/input.h"
#include "gotrex/load.h"
#include "gotrex/store.h"
#include "gotrex/util.h"

#include "test_util.h"

/* ------------------------------------------------------------------ */
/* helpers */

static char *
read_data(const char *name, size_t *len)
{
	return data_file_read("pprof", name, len);
}

#define MAXR 16
#define MAXF 16

struct rec {
	uint64_t count, cycles, npcs, pc0;
	char labels[128];
	size_t nframes;
	struct {
		char func[96], file[96];
		uint64_t pc, offset, line, source_line;
	} f[MAXF];
	uint64_t source_line;
};

struct got {
	struct rec r[MAXR];
	size_t n;
};

static void
copy_t(char *dst, size_t cap, struct gx_dump_text t)
{
	size_t n = t.n < cap ? t.n : cap - 1;

	if (n > 0)
		memcpy(dst, t.p, n);
	dst[n] = '\0';
}

static int
collect(void *ctx, const struct gx_agg_record *r)
{
	struct got *g = ctx;
	struct rec *x;
	size_t i;

	if (g->n >= MAXR)
		return 0;
	x = &g->r[g->n++];
	memset(x, 0, sizeof(*x));
	x->count = r->count;
	x->cycles = r->cycles;
	x->npcs = r->npcs;
	x->pc0 = r->npcs ? r->pcs[0] : 0;
	x->source_line = r->source_line;
	copy_t(x->labels, sizeof(x->labels), r->labels);
	x->nframes = r->nframes;
	for (i = 0; i < r->nframes && i < MAXF; i++) {
		copy_t(x->f[i].func, sizeof(x->f[i].func), r->frames[i].func);
		copy_t(x->f[i].file, sizeof(x->f[i].file), r->frames[i].file);
		x->f[i].pc = r->frames[i].pc;
		x->f[i].offset = r->frames[i].offset;
		x->f[i].line = r->frames[i].line;
		x->f[i].source_line = r->frames[i].source_line;
	}
	return 0;
}

static long
scan(const char *text, struct got *g, struct gx_agg_info *info, struct gx_diag *d)
{
	memset(g, 0, sizeof(*g));
	return gx_agg_scan(text, strlen(text), "t.txt", collect, g, info, d);
}

static struct gx_store *
load(const char *name, struct gx_diag *d)
{
	return data_file_load("pprof", name, d);
}

/* ------------------------------------------------------------------ */
/* Real profiles */

static void
test_goroutine_debug1(void **state)
{
	struct gx_diag d = { 0 };
	struct gx_agg_info info;
	struct got g;
	size_t len;
	char *text = read_data("goroutine-debug1.txt", &len);
	long n;

	(void)state;
	memset(&g, 0, sizeof(g));
	n = gx_agg_scan(text, len, "goroutine-debug1.txt", collect, &g, &info, &d);
	gx_diag_print(&d, stderr);
	assert_int_equal(d.n, 0);
	assert_int_equal(n, 5);
	assert_int_equal(info.kind, GX_AGG_COUNT);
	assert_int_equal(info.profile, GX_PROFILE_GOROUTINE);
	assert_true(info.has_total);
	assert_int_equal(info.total, 9);
	assert_int_equal(info.sum_count, 9);
	assert_int_equal(g.r[0].count, 3);
	assert_int_equal(g.r[0].npcs, 5);
	assert_int_equal(g.r[0].pc0, 0x47ea0e);
	assert_int_equal(g.r[0].nframes, 1); /* runtime frames at the leaf are hidden */
	assert_string_equal(g.r[0].f[0].func, "main.blockedRecv");
	assert_int_equal(g.r[0].f[0].pc, 0x4e4cd8);
	assert_int_equal(g.r[0].f[0].offset, 0x18);
	assert_string_equal(g.r[0].f[0].file, "/tmp/pprofgen/main.go");
	assert_int_equal(g.r[0].f[0].line, 33);
	assert_string_equal(g.r[0].labels, "");
	assert_int_equal(g.r[2].count, 2);
	assert_string_equal(g.r[2].labels, "{\"job\":\"ingest\", \"tenant\":\"ac\\\"me\"}");
	assert_int_equal(g.r[2].source_line, 8);
	/* columns padded with several TABs */
	assert_int_equal(g.r[3].nframes, 6);
	assert_int_equal(g.r[3].npcs, 9);
	assert_string_equal(g.r[3].f[3].func, "main.write");
	assert_int_equal(g.r[3].f[3].offset, 0x139);
	assert_string_equal(g.r[3].f[3].file, "/tmp/pprofgen/main.go");
	assert_int_equal(g.r[3].f[3].line, 50);
	assert_string_equal(g.r[3].f[5].func, "runtime.main");
	assert_int_equal(g.r[3].f[5].line, 290);
	assert_string_equal(g.r[4].labels, "{\"job\":\"report\"}");
	free(text);
	gx_diag_clear(&d);
}

static void
test_mutex_block_debug1(void **state)
{
	struct gx_diag d = { 0 };
	struct gx_agg_info info;
	struct got g;
	size_t len;
	char *text = read_data("mutex-debug1.txt", &len);
	long n;

	(void)state;
	memset(&g, 0, sizeof(g));
	n = gx_agg_scan(text, len, "mutex-debug1.txt", collect, &g, &info, &d);
	assert_int_equal(d.n, 0);
	assert_int_equal(n, 2);
	assert_int_equal(info.kind, GX_AGG_MUTEX);
	assert_int_equal(info.profile, GX_PROFILE_MUTEX);
	assert_int_equal(info.cycles_per_second, 2596128505);
	assert_int_equal(info.sampling_period, 1);
	assert_int_equal(g.r[0].cycles, 141229894);
	assert_int_equal(g.r[0].count, 1);
	assert_int_equal(g.r[1].cycles, 43889859);
	assert_int_equal(g.r[1].count, 8);
	/* what the runtime wrote into mutex.pb.gz in the same run */
	assert_int_equal(gx_agg_cycles_to_ns(g.r[0].cycles, info.cycles_per_second), 54400193);
	assert_int_equal(gx_agg_cycles_to_ns(g.r[1].cycles, info.cycles_per_second), 16905888);
	assert_int_equal(g.r[0].nframes, 3); /* all frames, runtime ones included */
	assert_string_equal(g.r[0].f[0].func, "sync.(*Mutex).Unlock");
	assert_string_equal(g.r[0].f[2].func, "main.main.gowrap2");
	free(text);

	text = read_data("block-debug1.txt", &len);
	memset(&g, 0, sizeof(g));
	n = gx_agg_scan(text, len, "block-debug1.txt", collect, &g, &info, &d);
	assert_int_equal(d.n, 0);
	assert_int_equal(n, 2);
	assert_int_equal(info.kind, GX_AGG_BLOCK);
	assert_int_equal(info.profile, GX_PROFILE_BLOCK);
	assert_int_equal(info.sampling_period, 0);
	assert_int_equal(gx_agg_cycles_to_ns(g.r[0].cycles, info.cycles_per_second), 70781906);
	assert_int_equal(gx_agg_cycles_to_ns(g.r[1].cycles, info.cycles_per_second), 29083516);
	assert_int_equal(g.r[0].count, 9);
	assert_int_equal(g.r[1].count, 1);
	free(text);
	gx_diag_clear(&d);
}

static void
test_load_store(void **state)
{
	struct gx_diag d = { 0 };
	struct gx_store *s = load("goroutine-debug1.txt", &d);
	const struct gx_goroutine_rec *g;
	const struct gx_frame_rec *f;
	uint64_t total = 0;
	size_t i, n;

	(void)state;
	assert_non_null(s);
	assert_int_equal(gx_store_meta(s)->format, GX_FMT_PPROF_DEBUG1);
	assert_int_equal(gx_store_meta(s)->profile, GX_PROFILE_GOROUTINE);
	assert_string_equal(gx_store_str(s, gx_store_meta(s)->headline, &n),
	                    "goroutine profile: total 9");
	assert_int_equal(gx_store_goroutine_count(s), 5);
	for (i = 0; i < 5; i++) {
		g = gx_store_goroutine(s, i);
		assert_int_equal(g->id, GX_SYNTH_ID_BASE + i + 1);
		assert_true(g->flags & GX_G_SYNTH_ID);
		assert_int_equal(g->state, GX_G_UNKNOWN);
		assert_int_equal(g->reason, 0);
		total += g->count;
	}
	assert_int_equal(total, 9);
	g = gx_store_goroutine(s, 3);
	assert_int_equal(gx_store_stack_depth(s, g->stack), 6);
	f = gx_store_stack_frame(s, g->stack, 0);
	assert_string_equal(gx_store_str(s, f->func, &n), "runtime/pprof.writeRuntimeProfile");
	assert_true(f->flags & GX_FRAME_RUNTIME);
	assert_int_equal(f->pc, 0x4d0990);
	assert_int_equal(f->offset, 0xb0);
	assert_int_equal(f->line, 851);
	assert_string_equal(gx_store_str(s, g->start_func, &n), "runtime.main");
	assert_string_equal(gx_store_str(s, gx_store_goroutine(s, 2)->labels, &n),
	                    "{\"job\":\"ingest\", \"tenant\":\"ac\\\"me\"}");
	gx_store_close(s);

	s = load("goroutineleak-debug1.txt", &d);
	assert_non_null(s);
	assert_int_equal(gx_store_meta(s)->profile, GX_PROFILE_GOROUTINELEAK);
	total = 0;
	for (i = 0; i < gx_store_goroutine_count(s); i++) {
		g = gx_store_goroutine(s, i);
		assert_true(g->flags & GX_G_LEAKED);
		assert_int_equal(g->state, GX_G_WAITING);
		total += g->count;
	}
	assert_int_equal(total, 8); /* "goroutineleak profile: total 8" */
	gx_store_close(s);

	s = load("mutex-debug1.txt", &d);
	assert_non_null(s);
	assert_int_equal(gx_store_meta(s)->profile, GX_PROFILE_MUTEX);
	g = gx_store_goroutine(s, 0);
	assert_int_equal(g->count, 0);
	assert_int_equal(g->contentions, 1);
	assert_int_equal(g->delay_ns, 54400193);
	g = gx_store_goroutine(s, 1);
	assert_int_equal(g->contentions, 8);
	assert_int_equal(g->delay_ns, 16905888);
	gx_store_close(s);

	s = load("block-debug1.txt", &d);
	assert_non_null(s);
	assert_int_equal(gx_store_meta(s)->profile, GX_PROFILE_BLOCK);
	assert_int_equal(gx_store_goroutine(s, 0)->delay_ns, 70781906);
	gx_store_close(s);
	gx_diag_print(&d, stderr);
	assert_int_equal(d.n, 0);
	gx_diag_clear(&d);
}

/* ------------------------------------------------------------------ */
/* Hand-made */

static void
test_forms(void **state)
{
	static const char text[] =
		"\r\n\n"
		"goroutine profile: total 4\r\n"
		"2 @ 0x10 0x20 0x30\r\n"
		"# labels: {\"a\":\"b\"}\r\n"
		"#\t0x1f\tmain.f+0x1f\t\t\tC:/src/x.go:12\r\n"
		"#\t0x2f\n"
		"#\t0x3f\tmain.(*T).g[...]+0x3\t/a b/y.go:9\n"
		"1 @ 0x40\n"                     /* no empty line before it */
		"#\t0x3f\tmain.h+0x0\t/z.go:1\n"
		"1 @\n"                          /* no PCs, no frames */
		"\n";
	struct gx_diag d = { 0 };
	struct gx_agg_info info;
	struct got g;

	(void)state;
	assert_int_equal(scan(text, &g, &info, &d), 3);
	gx_diag_print(&d, stderr);
	assert_int_equal(d.n, 0);
	assert_int_equal(g.r[0].count, 2);
	assert_int_equal(g.r[0].npcs, 3);
	assert_string_equal(g.r[0].labels, "{\"a\":\"b\"}");
	assert_int_equal(g.r[0].nframes, 3);
	assert_string_equal(g.r[0].f[0].file, "C:/src/x.go");
	assert_int_equal(g.r[0].f[0].line, 12);
	assert_string_equal(g.r[0].f[1].func, ""); /* unknown function */
	assert_int_equal(g.r[0].f[1].pc, 0x2f);
	assert_string_equal(g.r[0].f[2].func, "main.(*T).g[...]");
	assert_string_equal(g.r[0].f[2].file, "/a b/y.go");
	assert_int_equal(g.r[1].count, 1);
	assert_string_equal(g.r[1].f[0].func, "main.h");
	assert_int_equal(g.r[2].npcs, 0);
	assert_int_equal(g.r[2].nframes, 0);
	gx_diag_clear(&d);
}

static void
test_damage(void **state)
{
	struct gx_diag d = { 0 };
	struct gx_agg_info info;
	struct got g;

	(void)state;
	/* a total that does not add up, junk lines, a bad PC */
	assert_int_equal(scan("goroutine profile: total 5\n"
	                      "2 @ 0x1 0xZZ\n"
	                      "#\t0x0\tmain.a+0x1\t/a.go:1\n"
	                      "hello\n"
	                      "# something else\n"
	                      "\n", &g, &info, &d), 1);
	assert_true(diag_has(&d, "t.txt:2: warning: bad PC at column 9"));
	assert_true(diag_has(&d, "t.txt:4: warning: not a line of a debug=1 profile; line ignored"));
	assert_true(diag_has(&d, "t.txt:5: warning: a '#' line outside a record; line ignored"));
	assert_true(diag_has(&d, "t.txt:1: warning: the header says total 5, the records add up to 2"));
	assert_int_equal(d.errors, 0);
	gx_diag_clear(&d);

	/* not a profile */
	assert_int_equal(scan("heap profile: 1: 2 [3: 4] @ heap/1048576\n", &g, &info, &d), -1);
	assert_true(diag_has(&d, "t.txt:1: error: a heap profile has no goroutine stacks"));
	gx_diag_clear(&d);
	assert_int_equal(scan("hello\n", &g, &info, &d), -1);
	assert_true(diag_has(&d, "not a debug=1 profile"));
	gx_diag_clear(&d);
	assert_int_equal(scan("\n\n", &g, &info, &d), -1);
	assert_true(diag_has(&d, "empty input"));
	gx_diag_clear(&d);
	/* a header and nothing else */
	assert_int_equal(scan("goroutine profile: total 3\n", &g, &info, &d), -1);
	assert_true(diag_has(&d, "no record"));
	gx_diag_clear(&d);
	/* total 0 is a valid answer (a leak profile without leaks) */
	assert_int_equal(scan("goroutineleak profile: total 0\n", &g, &info, &d), 0);
	assert_int_equal(info.profile, GX_PROFILE_GOROUTINELEAK);
	assert_int_equal(d.n, 0);
	/* mutex profiling off */
	assert_int_equal(scan("--- mutex:\ncycles/second=1000000000\nsampling period=0\n", &g, &info,
	                      &d), 0);
	assert_true(diag_has(&d, "mutex profiling was off"));
	gx_diag_clear(&d);
	/* a contention profile without cycles/second, one number per line */
	assert_int_equal(scan("--- contention:\n7 @ 0x1\n#\t0x0\tmain.a+0x1\t/a.go:1\n", &g, &info, &d),
	                 1);
	assert_true(diag_has(&d, "one number before '@'"));
	assert_true(diag_has(&d, "no cycles/second line"));
	assert_int_equal(g.r[0].count, 7);
	assert_int_equal(gx_agg_cycles_to_ns(100, 0), 0);
	assert_int_equal(gx_agg_cycles_to_ns(UINT64_MAX, 1), INT64_MAX);
	gx_diag_clear(&d);
	/* huge numbers saturate */
	assert_int_equal(scan("goroutine profile: total 99999999999999999999999\n"
	                      "99999999999999999999999 @ 0x1\n", &g, &info, &d), 1);
	assert_int_equal(g.r[0].count, UINT64_MAX);
	assert_true(diag_has(&d, "number too large"));
	gx_diag_clear(&d);
}

/* Every prefix of a real profile: no crash, every line number in range. */
static void
test_truncations(void **state)
{
	size_t len, i, k;
	char *text = read_data("goroutine-debug1.txt", &len);

	(void)state;
	for (i = 0; i <= len; i++) {
		struct gx_diag d = { 0 };
		struct gx_agg_info info;
		struct got g;

		memset(&g, 0, sizeof(g));
		gx_agg_scan(text, i, "t", collect, &g, &info, &d);
		for (k = 0; k < d.n; k++)
			assert_true(d.v[k].line == GX_NOWHERE || d.v[k].line <= info.lines);
		gx_diag_clear(&d);
	}
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_goroutine_debug1),
		cmocka_unit_test(test_mutex_block_debug1),
		cmocka_unit_test(test_load_store),
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_damage),
		cmocka_unit_test(test_truncations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
