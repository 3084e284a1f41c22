/* group_test: grouping of identical stacks and the top user frame, on
 * stores made through the builder. */
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
#include "gotrex/group.h"
#include "gotrex/store.h"
#include "gotrex/util.h"

#include "test_util.h"

/* ------------------------------------------------------------------ */
/* Helpers */

static char tmpdir[PATH_MAX];

static uint32_t
frame(struct gx_builder *b, const char *func, const char *file, uint32_t line,
      const char *args, uint32_t offset, uint32_t flags)
{
	struct gx_frame_rec f;

	memset(&f, 0, sizeof(f));
	f.func = gx_builder_cstr(b, func);
	f.file = gx_builder_cstr(b, file);
	f.line = line;
	f.flags = flags;
	f.args = args ? gx_builder_cstr(b, args) : 0;
	f.offset = offset;
	return gx_builder_frame(b, &f);
}

static void
add_g(struct gx_builder *b, uint64_t id, enum gx_gstate state, const char *reason,
      gx_stack st, gx_stack create, int64_t wait_ns, uint32_t count)
{
	struct gx_goroutine_rec g;

	memset(&g, 0, sizeof(g));
	g.id = id;
	g.created_ns = GX_TIME_NONE;
	g.ended_ns = GX_TIME_NONE;
	g.wait_since_ns = GX_TIME_NONE;
	g.wait_ns = wait_ns;
	g.stack = st;
	g.create_stack = create;
	g.reason = gx_builder_cstr(b, reason);
	g.count = count;
	g.state = (uint8_t)state;
	gx_builder_goroutine(b, &g);
}

static uint64_t
gid(const struct gx_store *s, uint32_t index)
{
	const struct gx_goroutine_rec *g = gx_store_goroutine(s, index);

	assert_non_null(g);
	return g->id;
}

/* Members of group k as goroutine ids, written to ids (at most max). */
static size_t
member_ids(const struct gx_store *s, const struct gx_groups *gr, size_t k,
           uint64_t *ids, size_t max)
{
	const struct gx_group *g = &gr->v[k];
	size_t i;

	assert_true(g->first + (size_t)g->count <= gr->nmembers);
	assert_true(g->count <= max);
	for (i = 0; i < g->count; i++)
		ids[i] = gid(s, gr->members[g->first + i]);
	return g->count;
}

static const char *
fn_name(const struct gx_store *s, const struct gx_frame_rec *f)
{
	assert_non_null(f);
	return gx_store_str(s, f->func, NULL);
}

/* ------------------------------------------------------------------ */
/* A small store with every way two goroutines can differ. */

static struct gx_store *
small_store(void)
{
	struct gx_builder *b = gx_builder_new(tmpdir);
	uint32_t fr[4];
	gx_stack lock_a, lock_b, lock_c, lock_line, run, cr1, cr2, rt_only;

	assert_non_null(b);
	/* Same places, different arguments and offsets: distinct stack ids. */
	fr[0] = frame(b, "runtime.gopark", "/go/src/runtime/proc.go", 435, "(0x1, 0x2)", 0xce, GX_FRAME_RUNTIME);
	fr[1] = frame(b, "sync.(*Mutex).Lock", "/go/src/sync/mutex.go", 90, "(0xc000010000)", 0x5d, 0);
	fr[2] = frame(b, "main.worker", "/app/main.go", 42, "(0xc000010000, 0x1)", 0x2c, 0);
	lock_a = gx_builder_stack(b, fr, 3);
	fr[0] = frame(b, "runtime.gopark", "/go/src/runtime/proc.go", 435, "(0x9, 0x9)", 0xce, GX_FRAME_RUNTIME);
	fr[1] = frame(b, "sync.(*Mutex).Lock", "/go/src/sync/mutex.go", 90, "(0xc000020000)", 0x5d, 0);
	fr[2] = frame(b, "main.worker", "/app/main.go", 42, "(0xc000020000, 0x2)", 0x30, 0);
	lock_b = gx_builder_stack(b, fr, 3);
	fr[2] = frame(b, "main.worker", "/app/main.go", 42, "(...)", 0, 0);
	lock_c = gx_builder_stack(b, fr, 3);
	fr[2] = frame(b, "main.worker", "/app/main.go", 47, "(0xc000020000, 0x2)", 0x30, 0);
	lock_line = gx_builder_stack(b, fr, 3);
	fr[0] = frame(b, "main.main", "/app/main.go", 20, "()", 0x34, 0);
	run = gx_builder_stack(b, fr, 1);
	fr[0] = frame(b, "main.main", "/app/main.go", 30, NULL, 0x80, GX_FRAME_CREATED_BY);
	cr1 = gx_builder_stack(b, fr, 1);
	fr[0] = frame(b, "main.main", "/app/main.go", 31, NULL, 0x90, GX_FRAME_CREATED_BY);
	cr2 = gx_builder_stack(b, fr, 1);
	fr[0] = frame(b, "runtime.gopark", "/go/src/runtime/proc.go", 435, "(0x1, 0x2)", 0xce, GX_FRAME_RUNTIME);
	fr[1] = frame(b, "runtime.goparkunlock", "/go/src/runtime/proc.go", 441, "(...)", 0, GX_FRAME_RUNTIME);
	fr[2] = frame(b, "runtime.bgsweep", "/go/src/runtime/mgcsweep.go", 279, "(0x0)", 0x94, GX_FRAME_RUNTIME);
	rt_only = gx_builder_stack(b, fr, 3);
	assert_int_not_equal(lock_a, lock_b);
	assert_int_not_equal(lock_a, lock_c);

	add_g(b, 1, GX_G_RUNNING, "running", run, 0, 0, 1);
	/* One group of four (ids 3, 5, 9, 12), added out of order. */
	add_g(b, 9, GX_G_WAITING, "sync.Mutex.Lock", lock_a, cr1, 3 * 60000000000LL, 1);
	add_g(b, 3, GX_G_WAITING, "sync.Mutex.Lock", lock_a, cr1, 60000000000LL, 1);
	add_g(b, 5, GX_G_WAITING, "sync.Mutex.Lock", lock_b, cr1, 0, 1);
	add_g(b, 12, GX_G_WAITING, "sync.Mutex.Lock", lock_c, cr1, 0, 1);
	/* Each of these differs from that group in one thing. */
	add_g(b, 4, GX_G_WAITING, "chan receive", lock_a, cr1, 0, 1);   /* reason */
	add_g(b, 6, GX_G_WAITING, "sync.Mutex.Lock", lock_line, cr1, 0, 1); /* a line */
	add_g(b, 7, GX_G_RUNNABLE, "sync.Mutex.Lock", lock_a, cr1, 0, 1); /* state */
	add_g(b, 8, GX_G_WAITING, "sync.Mutex.Lock", lock_b, cr2, 0, 1); /* creator */
	add_g(b, 13, GX_G_WAITING, "sync.Mutex.Lock", lock_a, cr1, 0, 1); /* leaked */
	gx_builder_goroutine_at(b, gx_builder_find_goroutine(b, 13))->flags |= GX_G_LEAKED;
	/* A debug=1-style record standing for 3 goroutines. */
	add_g(b, 20, GX_G_WAITING, "GC sweep wait", rt_only, 0, 0, 3);
	/* Two goroutines without a stack. */
	add_g(b, 30, GX_G_WAITING, "select", 0, 0, 0, 1);
	add_g(b, 31, GX_G_WAITING, "select", 0, 0, 0, 1);
	return store_finish(b, tmpdir);
}

static void
test_group_all(void **state)
{
	struct gx_store *s = small_store();
	struct gx_groups gr;
	uint64_t ids[16];
	size_t i, n, sum = 0;

	(void)state;
	assert_int_equal(gx_store_goroutine_count(s), 13);
	gx_group_build(s, NULL, 0, &gr);
	/* {3,5,9,12} {20 x3} {30,31} then singles 1, 4, 6, 7, 8, 13 by id. */
	assert_int_equal(gr.n, 9);
	assert_int_equal(gr.nmembers, 13);

	assert_int_equal(gr.v[0].goroutines, 4);
	n = member_ids(s, &gr, 0, ids, 16);
	assert_int_equal(n, 4);
	assert_int_equal(ids[0], 3);
	assert_int_equal(ids[1], 5);
	assert_int_equal(ids[2], 9);
	assert_int_equal(ids[3], 12);
	assert_int_equal(gid(s, gr.v[0].sample), 3);
	assert_int_equal(gr.v[0].max_wait_ns, 3 * 60000000000LL);

	assert_int_equal(gr.v[1].count, 1);
	assert_int_equal(gr.v[1].goroutines, 3);
	assert_int_equal(gid(s, gr.v[1].sample), 20);

	assert_int_equal(gr.v[2].goroutines, 2);
	n = member_ids(s, &gr, 2, ids, 16);
	assert_int_equal(ids[0], 30);
	assert_int_equal(ids[1], 31);

	{
		static const uint64_t singles[] = { 1, 4, 6, 7, 8, 13 };

		for (i = 0; i < GX_ARRAY_SIZE(singles); i++) {
			assert_int_equal(gr.v[3 + i].goroutines, 1);
			assert_int_equal(gr.v[3 + i].count, 1);
			assert_int_equal(gid(s, gr.v[3 + i].sample), singles[i]);
			assert_int_equal(gid(s, gr.members[gr.v[3 + i].first]), singles[i]);
		}
	}
	for (i = 0; i < gr.n; i++)
		sum += gr.v[i].count;
	assert_int_equal(sum, gr.nmembers);
	gx_groups_free(&gr);
	assert_null(gr.v);
	gx_store_close(s);
}

static void
test_group_subset(void **state)
{
	struct gx_store *s = small_store();
	struct gx_groups gr;
	uint32_t gs[8];
	uint64_t ids[16];
	size_t n;

	(void)state;
	/* Unsorted, with a duplicate and an index out of range. */
	gs[0] = gx_store_find_goroutine(s, 12);
	gs[1] = gx_store_find_goroutine(s, 4);
	gs[2] = gx_store_find_goroutine(s, 5);
	gs[3] = gx_store_find_goroutine(s, 12);
	gs[4] = 1000000;
	gs[5] = gx_store_find_goroutine(s, 3);
	gx_group_build(s, gs, 6, &gr);
	assert_int_equal(gr.nmembers, 4);
	assert_int_equal(gr.n, 2);
	n = member_ids(s, &gr, 0, ids, 16);
	assert_int_equal(n, 3);
	assert_int_equal(ids[0], 3);
	assert_int_equal(ids[1], 5);
	assert_int_equal(ids[2], 12);
	assert_int_equal(gr.v[0].max_wait_ns, 60000000000LL);
	assert_int_equal(gid(s, gr.v[1].sample), 4);
	gx_groups_free(&gr);

	/* Empty subset. */
	gx_group_build(s, gs, 0, &gr);
	assert_int_equal(gr.n, 0);
	assert_int_equal(gr.nmembers, 0);
	gx_groups_free(&gr);
	gx_store_close(s);
}

static void
test_top_user_frame(void **state)
{
	struct gx_store *s = small_store();
	const struct gx_goroutine_rec *g;
	const struct gx_frame_rec *f;

	(void)state;
	g = gx_store_goroutine(s, gx_store_find_goroutine(s, 3));
	f = gx_top_user_frame(s, g->stack);
	assert_string_equal(fn_name(s, f), "main.worker");
	assert_int_equal(f->line, 42);

	/* All runtime: the innermost frame. */
	g = gx_store_goroutine(s, gx_store_find_goroutine(s, 20));
	f = gx_top_user_frame(s, g->stack);
	assert_string_equal(fn_name(s, f), "runtime.gopark");

	g = gx_store_goroutine(s, gx_store_find_goroutine(s, 1));
	assert_string_equal(fn_name(s, gx_top_user_frame(s, g->stack)), "main.main");

	assert_null(gx_top_user_frame(s, 0));
	assert_null(gx_top_user_frame(s, 0x7fffffff));
	gx_store_close(s);
}

static void
test_top_user_frame_elided(void **state)
{
	struct gx_builder *b = gx_builder_new(tmpdir);
	struct gx_store *s;
	uint32_t fr[4];
	gx_stack st;

	(void)state;
	fr[0] = frame(b, "time.Sleep", "/go/src/runtime/time.go", 363, "(0x3b9aca00)", 0x15a, 0);
	fr[1] = frame(b, "", "", 0, NULL, 0, GX_FRAME_ELIDED);
	fr[2] = frame(b, "example.com/x/y.(*T).Run.func1", "/src/y.go", 12, "()", 0x1c, 0);
	st = gx_builder_stack(b, fr, 3);
	add_g(b, 1, GX_G_WAITING, "sleep", st, 0, 0, 1);
	s = store_finish(b, tmpdir);
	assert_string_equal(fn_name(s, gx_top_user_frame(s, gx_store_goroutine(s, 0)->stack)),
	                    "example.com/x/y.(*T).Run.func1");
	gx_store_close(s);
}

/* Many goroutines over few places, with arguments that make nearly every
 * stack id distinct: the groups are the places, counted exactly. */
static void
test_group_many(void **state)
{
	enum { N = 60000, PLACES = 97 };
	struct gx_builder *b = gx_builder_new(tmpdir);
	struct gx_store *s;
	struct gx_groups gr;
	uint64_t want[PLACES];
	uint32_t fr[3];
	size_t i, sum = 0;

	(void)state;
	memset(want, 0, sizeof(want));
	for (i = 0; i < N; i++) {
		/* Uneven group sizes: the quadratic residues mod PLACES. */
		size_t p = (i * i) % PLACES;
		char args[32];

		snprintf(args, sizeof(args), "(0x%zx)", i);
		fr[0] = frame(b, "runtime.gopark", "/go/src/runtime/proc.go", 435, args, 0, GX_FRAME_RUNTIME);
		fr[1] = frame(b, "main.worker", "/app/main.go", (uint32_t)(100 + p), args, 0, 0);
		fr[2] = frame(b, "main.run", "/app/main.go", 10, NULL, 0, 0);
		add_g(b, i + 1, GX_G_WAITING, "chan receive", gx_builder_stack(b, fr, 3), 0,
		      (int64_t)(i % 7) * 60000000000LL, 1);
		want[p]++;
	}
	s = store_finish(b, tmpdir);
	gx_group_build(s, NULL, 0, &gr);
	{
		size_t distinct = 0;

		for (i = 0; i < PLACES; i++)
			distinct += want[i] != 0;
		assert_int_equal(gr.n, distinct);
	}
	for (i = 0; i < gr.n; i++) {
		const struct gx_goroutine_rec *g = gx_store_goroutine(s, gr.v[i].sample);
		const struct gx_frame_rec *f = gx_store_stack_frame(s, g->stack, 1);
		size_t j;

		assert_non_null(f);
		assert_int_equal(gr.v[i].goroutines, want[f->line - 100]);
		if (i > 0)
			assert_true(gr.v[i - 1].goroutines >= gr.v[i].goroutines);
		/* Every member has that line, members ascend by id. */
		for (j = 0; j < gr.v[i].count; j++) {
			uint32_t m = gr.members[gr.v[i].first + j];
			const struct gx_goroutine_rec *mg = gx_store_goroutine(s, m);

			assert_int_equal(gx_store_stack_frame(s, mg->stack, 1)->line, f->line);
			if (j > 0)
				assert_true(gid(s, gr.members[gr.v[i].first + j - 1]) < mg->id);
		}
		sum += gr.v[i].count;
	}
	assert_int_equal(sum, N);
	gx_groups_free(&gr);
	gx_store_close(s);
}

static int
setup(void **state)
{
	(void)state;
	return tmpdir_make(tmpdir, sizeof(tmpdir), "group-test");
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
		cmocka_unit_test(test_group_all),
		cmocka_unit_test(test_group_subset),
		cmocka_unit_test(test_top_user_frame),
		cmocka_unit_test(test_top_user_frame_elided),
		cmocka_unit_test(test_group_many),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
