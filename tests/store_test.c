/* Unit tests of the event store: builder, index writer and reader. Every
 * table goes through a round trip; goroutines are re-sorted by id with the
 * indexes in spans, events and P spans remapped; spans are laid out by
 * (goroutine, start) also when the chunked layout is used; spill files are
 * really used; damaged indexes are refused or stay in bounds. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "gotrex/diag.h"
#include "gotrex/store.h"
#include "gotrex/util.h"

#include "test_util.h"

/* From src/store_file.h: spans held in memory before they are spilled. */
extern size_t gx_store_span_run;

static char tmpdir[PATH_MAX];

static int
setup(void **state)
{
	(void)state;
	return tmpdir_make(tmpdir, sizeof(tmpdir), "store-test");
}

static int
teardown(void **state)
{
	(void)state;
	rm_rf(tmpdir);
	return 0;
}

static char *
tpath(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static size_t
count_files(void)
{
	DIR *dir = opendir(tmpdir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(dir);
	while ((e = readdir(dir)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(dir);
	return n;
}

/* Read every accessor of s, following every id, so that ASan sees any
 * read out of bounds. Returns a checksum so the reads are not optimised
 * away. */
static uint64_t
walk(const struct gx_store *s)
{
	uint64_t sum = 0;
	size_t i, j, n, ng = gx_store_goroutine_count(s);
	const struct gx_event_rec *ev;
	const struct gx_pspan_rec *ps;
	const struct gx_store_meta *m = gx_store_meta(s);
	const char *str;
	size_t len;

	sum += strlen(gx_store_loader(s));
	sum += gx_store_source(s)->size;
	str = gx_store_str(s, m->headline, &len);
	sum += len + strlen(str);
	str = gx_store_str(s, m->go_version, &len);
	sum += len + strlen(str);
	for (i = 0; i < gx_store_stack_count(s) + 2; i++) {
		size_t depth = gx_store_stack_depth(s, (gx_stack)i);

		for (j = 0; j <= depth; j++) {
			const struct gx_frame_rec *f = gx_store_stack_frame(s, (gx_stack)i, j);

			if (f == NULL)
				continue;
			str = gx_store_str(s, f->func, &len);
			sum += len + strlen(str) + f->line;
			str = gx_store_str(s, f->file, &len);
			sum += len + strlen(str);
			str = gx_store_str(s, f->args, &len);
			sum += len;
		}
	}
	for (i = 0; i <= ng; i++) {
		const struct gx_goroutine_rec *g = gx_store_goroutine(s, i);
		const struct gx_span_rec *sp;

		if (g == NULL) {
			assert_true(i == ng);
			continue;
		}
		sum += g->id + gx_store_find_goroutine(s, g->id);
		sum += strlen(gx_store_str(s, g->reason, NULL));
		sum += strlen(gx_store_str(s, g->labels, NULL));
		sum += gx_store_stack_depth(s, g->stack);
		sp = gx_store_spans(s, i, &n);
		for (j = 0; j < n; j++) {
			sum += (uint64_t)sp[j].start_ns + sp[j].g;
			sum += strlen(gx_store_str(s, sp[j].reason, NULL));
			sum += gx_store_stack_depth(s, sp[j].stack);
		}
	}
	ev = gx_store_events(s, &n);
	for (j = 0; j < n; j++) {
		sum += (uint64_t)ev[j].ns + ev[j].arg0;
		sum += strlen(gx_store_str(s, ev[j].str, NULL));
	}
	ps = gx_store_pspans(s, &n);
	for (j = 0; j < n; j++)
		sum += (uint64_t)ps[j].start_ns + ps[j].p;
	for (j = 0; j <= gx_store_diag_count(s); j++)
		sum += strlen(gx_store_diag(s, j));
	return sum;
}

static uint32_t
frame(struct gx_builder *b, const char *func, const char *file, uint32_t line)
{
	struct gx_frame_rec f;

	memset(&f, 0, sizeof(f));
	f.func = gx_builder_cstr(b, func);
	f.file = gx_builder_cstr(b, file);
	f.line = line;
	f.pc = 0x401000 + line;
	return gx_builder_frame(b, &f);
}

static struct gx_goroutine_rec
grec(uint64_t id)
{
	struct gx_goroutine_rec g;

	memset(&g, 0, sizeof(g));
	g.id = id;
	g.created_ns = GX_TIME_NONE;
	g.ended_ns = GX_TIME_NONE;
	g.wait_since_ns = GX_TIME_NONE;
	g.count = 1;
	return g;
}

/* A small store with every table filled; written to path. */
static void
build_sample(const char *path)
{
	struct gx_builder *b = gx_builder_new(tmpdir);
	struct gx_diag d = {0}, ld = {0};
	struct gx_source_id src = { 1234, 5678, 9, 10, 0xabcdef };
	struct gx_goroutine_rec g;
	struct gx_span_rec sp;
	struct gx_event_rec ev;
	struct gx_pspan_rec ps;
	struct gx_store_meta *m;
	uint32_t fr[3], i17, i3, i42;
	gx_stack st1, st2;

	fr[0] = frame(b, "main.worker", "/app/main.go", 42);
	fr[1] = frame(b, "main.main", "/app/main.go", 20);
	fr[2] = frame(b, "runtime.gopark", "/go/src/runtime/proc.go", 435);
	st1 = gx_builder_stack(b, fr, 2);
	st2 = gx_builder_stack(b, fr + 1, 2);

	/* Goroutines added out of id order: 17, 3, 42. */
	g = grec(17);
	g.stack = st1;
	g.reason = gx_builder_cstr(b, "chan receive");
	g.state = GX_G_WAITING;
	i17 = gx_builder_goroutine(b, &g);
	g = grec(3);
	g.stack = st2;
	g.state = GX_G_RUNNING;
	g.labels = gx_builder_cstr(b, "{\"job\":\"x\"}");
	i3 = gx_builder_goroutine(b, &g);
	g = grec(42);
	g.creator_id = 3;
	i42 = gx_builder_goroutine(b, &g);
	assert_int_equal(i17, 0);
	assert_int_equal(i3, 1);
	assert_int_equal(i42, 2);

	/* Spans out of order, for goroutines 17 and 42 (none for 3). */
	memset(&sp, 0, sizeof(sp));
	sp.g = i42;
	sp.start_ns = 300;
	sp.end_ns = 400;
	sp.state = GX_G_WAITING;
	sp.reason = gx_builder_cstr(b, "select");
	gx_builder_span(b, &sp);
	sp.g = i17;
	sp.start_ns = 200;
	sp.end_ns = 250;
	sp.state = GX_G_RUNNING;
	sp.reason = 0;
	sp.stack = st1;
	gx_builder_span(b, &sp);
	sp.start_ns = 100;
	sp.end_ns = 200;
	sp.state = GX_G_RUNNABLE;
	gx_builder_span(b, &sp);
	sp.g = i42;
	sp.start_ns = 100;
	sp.end_ns = 300;
	sp.state = GX_G_RUNNING;
	sp.stack = 0;
	gx_builder_span(b, &sp);

	memset(&ev, 0, sizeof(ev));
	ev.ns = 10;
	ev.kind = GX_EV_CREATE;
	ev.g = i42;
	ev.arg0 = 3;
	ev.stack = st2;
	gx_builder_event(b, &ev);
	ev.ns = 20;
	ev.kind = GX_EV_LOG;
	ev.g = i17;
	ev.arg0 = 1;
	ev.str = gx_builder_cstr(b, "db: slow query");
	ev.stack = 0;
	gx_builder_event(b, &ev);
	ev.kind = GX_EV_GC_BEGIN; /* same time: keeps its order */
	ev.g = GX_NONE32;
	ev.arg0 = 2;
	ev.str = 0;
	gx_builder_event(b, &ev);

	memset(&ps, 0, sizeof(ps));
	ps.start_ns = 100;
	ps.end_ns = 250;
	ps.p = 1;
	ps.g = i17;
	gx_builder_pspan(b, &ps);
	ps.p = 0;
	ps.g = GX_NONE32;
	gx_builder_pspan(b, &ps);

	m = gx_builder_meta(b);
	m->format = GX_FMT_DUMP_TEXT;
	m->flags = GX_META_GLOBAL_DEADLOCK;
	m->start_ns = 0;
	m->end_ns = 400;
	m->go_version = gx_builder_cstr(b, "go1.26");
	m->headline = gx_builder_cstr(b, "fatal error: all goroutines are asleep - deadlock!");

	gx_diag_add(&ld, GX_WARNING, "in.txt", 7, GX_NOWHERE, "odd line");
	gx_builder_diags(b, &ld);
	gx_diag_clear(&ld);

	assert_int_equal(gx_builder_write(b, path, &src, "test-loader/1", &d), 0);
	assert_int_equal(d.errors, 0);
	gx_builder_free(b);
	gx_diag_clear(&d);
}

static void
test_round_trip(void **state)
{
	char *path = tpath("rt.gxi");
	struct gx_diag d = {0};
	struct gx_store *s;
	const struct gx_goroutine_rec *g;
	const struct gx_span_rec *sp;
	const struct gx_event_rec *ev;
	const struct gx_pspan_rec *ps;
	const struct gx_frame_rec *f;
	const struct gx_store_meta *m;
	struct stat st;
	size_t n, len;

	(void)state;
	build_sample(path);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	s = gx_store_open(path, &d);
	assert_non_null(s);
	assert_int_equal(d.n, 0);

	assert_string_equal(gx_store_loader(s), "test-loader/1");
	assert_int_equal(gx_store_source(s)->size, 1234);
	assert_int_equal(gx_store_source(s)->mtime_ns, 5678);
	assert_int_equal(gx_store_source(s)->dev, 9);
	assert_int_equal(gx_store_source(s)->ino, 10);
	assert_int_equal(gx_store_source(s)->head_tail_hash, 0xabcdef);

	m = gx_store_meta(s);
	assert_int_equal(m->format, GX_FMT_DUMP_TEXT);
	assert_int_equal(m->flags, GX_META_GLOBAL_DEADLOCK);
	assert_int_equal(m->end_ns, 400);
	assert_string_equal(gx_store_str(s, m->go_version, &len), "go1.26");
	assert_int_equal(len, 6);
	assert_string_equal(gx_store_str(s, m->headline, NULL),
	                    "fatal error: all goroutines are asleep - deadlock!");
	assert_string_equal(gx_store_str(s, 0, &len), "");
	assert_int_equal(len, 0);

	/* Goroutines sorted by id: 3, 17, 42. */
	assert_int_equal(gx_store_goroutine_count(s), 3);
	assert_int_equal(gx_store_goroutine(s, 0)->id, 3);
	assert_int_equal(gx_store_goroutine(s, 1)->id, 17);
	assert_int_equal(gx_store_goroutine(s, 2)->id, 42);
	assert_null(gx_store_goroutine(s, 3));
	assert_int_equal(gx_store_find_goroutine(s, 17), 1);
	assert_int_equal(gx_store_find_goroutine(s, 42), 2);
	assert_int_equal(gx_store_find_goroutine(s, 3), 0);
	assert_int_equal(gx_store_find_goroutine(s, 4), GX_NONE32);
	assert_int_equal(gx_store_find_goroutine(s, 0), GX_NONE32);
	assert_int_equal(gx_store_find_goroutine(s, 1000), GX_NONE32);

	g = gx_store_goroutine(s, 1);
	assert_string_equal(gx_store_str(s, g->reason, NULL), "chan receive");
	assert_int_equal(g->state, GX_G_WAITING);
	assert_int_equal(gx_store_stack_depth(s, g->stack), 2);
	f = gx_store_stack_frame(s, g->stack, 0);
	assert_non_null(f);
	assert_string_equal(gx_store_str(s, f->func, NULL), "main.worker");
	assert_string_equal(gx_store_str(s, f->file, NULL), "/app/main.go");
	assert_int_equal(f->line, 42);
	assert_int_equal(f->pc, 0x401000 + 42);
	f = gx_store_stack_frame(s, g->stack, 1);
	assert_string_equal(gx_store_str(s, f->func, NULL), "main.main");
	assert_null(gx_store_stack_frame(s, g->stack, 2));
	g = gx_store_goroutine(s, 0);
	assert_string_equal(gx_store_str(s, g->labels, NULL), "{\"job\":\"x\"}");
	f = gx_store_stack_frame(s, g->stack, 1);
	assert_string_equal(gx_store_str(s, f->func, NULL), "runtime.gopark");
	assert_int_equal(gx_store_goroutine(s, 2)->creator_id, 3);

	/* Spans: none for 3; two for 17 sorted by start; two for 42. */
	sp = gx_store_spans(s, 0, &n);
	assert_int_equal(n, 0);
	sp = gx_store_spans(s, 1, &n);
	assert_int_equal(n, 2);
	assert_int_equal(sp[0].start_ns, 100);
	assert_int_equal(sp[0].state, GX_G_RUNNABLE);
	assert_int_equal(sp[1].start_ns, 200);
	assert_int_equal(sp[0].g, 1);
	assert_int_equal(sp[1].g, 1);
	sp = gx_store_spans(s, 2, &n);
	assert_int_equal(n, 2);
	assert_int_equal(sp[0].start_ns, 100);
	assert_int_equal(sp[1].start_ns, 300);
	assert_string_equal(gx_store_str(s, sp[1].reason, NULL), "select");
	assert_int_equal(sp[0].g, 2);
	assert_int_equal(gx_store_goroutine(s, 2)->span_count, 2);
	/* A dropped goroutine's spans come back the same when asked again. */
	gx_store_spans_drop(s, 2);
	sp = gx_store_spans(s, 2, &n);
	assert_int_equal(n, 2);
	assert_int_equal(sp[1].start_ns, 300);
	assert_string_equal(gx_store_str(s, sp[1].reason, NULL), "select");
	sp = gx_store_spans(s, 3, &n);
	assert_null(sp);
	assert_int_equal(n, 0);

	/* Events in time order, ties in the order given, g remapped; counted
	 * before they are unpacked. */
	assert_int_equal(gx_store_event_count(s), 3);
	ev = gx_store_events(s, &n);
	assert_int_equal(n, 3);
	assert_int_equal(ev[0].kind, GX_EV_CREATE);
	assert_int_equal(ev[0].g, 2);
	assert_int_equal(gx_store_stack_depth(s, ev[0].stack), 2);
	assert_int_equal(ev[1].kind, GX_EV_LOG);
	assert_int_equal(ev[1].g, 1);
	assert_string_equal(gx_store_str(s, ev[1].str, NULL), "db: slow query");
	assert_int_equal(ev[2].kind, GX_EV_GC_BEGIN);
	assert_int_equal(ev[2].g, GX_NONE32);

	ps = gx_store_pspans(s, &n);
	assert_int_equal(n, 2);
	assert_int_equal(ps[0].p, 1);
	assert_int_equal(ps[0].g, 1);
	assert_int_equal(ps[1].g, GX_NONE32);

	assert_int_equal(gx_store_diag_count(s), 1);
	assert_string_equal(gx_store_diag(s, 0), "in.txt:7: warning: odd line");
	assert_string_equal(gx_store_diag(s, 1), "");

	/* Out-of-range ids give empty answers. */
	assert_string_equal(gx_store_str(s, 99999, &len), "");
	assert_int_equal(gx_store_stack_depth(s, 99999), 0);
	assert_null(gx_store_stack_frame(s, 99999, 0));
	assert_int_equal(gx_store_stack_depth(s, 0), 0);
	walk(s);

	gx_store_close(s);
	free(path);
}

static void
test_interning(void **state)
{
	struct gx_builder *b = gx_builder_new(tmpdir);
	struct gx_goroutine_rec g = grec(5), *gp;
	char big[3000];
	gx_str a, c;
	uint32_t f1, f2, f3, ids[2];
	gx_stack s1, s2, s3;
	int i;

	(void)state;
	assert_int_equal(gx_builder_cstr(b, ""), 0);
	assert_int_equal(gx_builder_str(b, "xyz", 0), 0);
	a = gx_builder_cstr(b, "sync.(*Mutex).Lock");
	assert_int_not_equal(a, 0);
	assert_int_equal(gx_builder_str(b, "sync.(*Mutex).Lock", 18), a);
	assert_int_not_equal(gx_builder_str(b, "sync.(*Mutex).Loc", 17), a);
	/* Embedded NUL: a different string. */
	assert_int_not_equal(gx_builder_str(b, "a\0b", 3), gx_builder_str(b, "a", 1));
	assert_int_equal(gx_builder_str(b, "a\0b", 3), gx_builder_str(b, "a\0b", 3));
	/* Many strings, to grow the hash table; each gets back its id. */
	memset(big, 'x', sizeof(big));
	for (i = 0; i < 5000; i++) {
		char buf[32];

		snprintf(buf, sizeof(buf), "s%d", i);
		c = gx_builder_cstr(b, buf);
		assert_int_equal(gx_builder_cstr(b, buf), c);
	}
	c = gx_builder_str(b, big, sizeof(big));
	assert_int_equal(gx_builder_str(b, big, sizeof(big)), c);
	assert_int_equal(gx_builder_cstr(b, "sync.(*Mutex).Lock"), a);

	f1 = frame(b, "main.a", "/a.go", 1);
	f2 = frame(b, "main.b", "/a.go", 2);
	f3 = frame(b, "main.a", "/a.go", 1);
	assert_int_equal(f1, f3);
	assert_int_not_equal(f1, f2);
	ids[0] = f1;
	ids[1] = f2;
	s1 = gx_builder_stack(b, ids, 2);
	s2 = gx_builder_stack(b, ids, 1);
	s3 = gx_builder_stack(b, ids, 2);
	assert_int_not_equal(s1, 0);
	assert_int_equal(s1, s3);
	assert_int_not_equal(s1, s2);
	assert_int_equal(gx_builder_stack(b, ids, 0), 0);
	ids[0] = f2;
	ids[1] = f1;
	assert_int_not_equal(gx_builder_stack(b, ids, 2), s1);

	/* A goroutine id added twice keeps its first index and record. */
	g.reason = a;
	assert_int_equal(gx_builder_goroutine(b, &g), 0);
	g.reason = 0;
	assert_int_equal(gx_builder_goroutine(b, &g), 0);
	assert_int_equal(gx_builder_goroutine_count(b), 1);
	gp = gx_builder_goroutine_at(b, 0);
	assert_non_null(gp);
	assert_int_equal(gp->reason, a);
	assert_null(gx_builder_goroutine_at(b, 1));
	assert_int_equal(gx_builder_find_goroutine(b, 5), 0);
	assert_int_equal(gx_builder_find_goroutine(b, 6), GX_NONE32);
	for (i = 0; i < 3000; i++) {
		struct gx_goroutine_rec h = grec(1000000 + (uint64_t)i * 7919);

		assert_int_equal(gx_builder_goroutine(b, &h), (uint32_t)i + 1);
	}
	for (i = 0; i < 3000; i++)
		assert_int_equal(gx_builder_find_goroutine(b, 1000000 + (uint64_t)i * 7919),
		                 (uint32_t)i + 1);
	gx_builder_free(b);
}

/* Is a deleted spill file of dir open in this process? */
static bool
spill_file_open(void)
{
	DIR *fds = opendir("/proc/self/fd");
	struct dirent *e;
	bool found = false;

	if (fds == NULL)
		return false;
	while ((e = readdir(fds)) != NULL) {
		char *p = xasprintf("/proc/self/fd/%s", e->d_name);
		char target[PATH_MAX];
		ssize_t r = readlink(p, target, sizeof(target) - 1);

		free(p);
		if (r <= 0)
			continue;
		target[r] = '\0';
		if (strncmp(target, tmpdir, strlen(tmpdir)) == 0 &&
		    strstr(target, ".gotrex-spill-") != NULL)
			found = true;
	}
	closedir(fds);
	return found;
}

/* Many spans, in scrambled order, spilled every 5000 spans:
 * each goroutine's spans come out contiguous and sorted, none lost. */
static void
test_many_spans(void **state)
{
	enum { NG = 97, NS = 200000 };
	char *path = tpath("many.gxi");
	struct gx_builder *b;
	struct gx_diag d = {0};
	struct gx_store *s;
	uint64_t want_sum = 0, got_sum = 0, total = 0, x = 12345;
	size_t i, j, n;
	size_t saved = gx_store_span_run;

	(void)state;
	assert_false(spill_file_open());
	gx_store_span_run = 5000;
	b = gx_builder_new(tmpdir);
	gx_store_span_run = saved;
	for (i = 0; i < NG; i++) {
		/* ids descending so the sort has work to do */
		struct gx_goroutine_rec g = grec(1000 - i);

		gx_builder_goroutine(b, &g);
	}
	for (i = 0; i < NS; i++) {
		struct gx_span_rec sp;

		memset(&sp, 0, sizeof(sp));
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		sp.g = (uint32_t)((x >> 33) % NG);
		sp.start_ns = (int64_t)((x >> 20) % 1000000);
		sp.end_ns = sp.start_ns + 1;
		sp.stack = (gx_stack)i; /* identifies the span */
		sp.state = GX_G_RUNNING;
		want_sum += (uint64_t)i * 31 + (uint64_t)sp.start_ns + (1000 - sp.g);
		gx_builder_span(b, &sp);
	}
	/* More than a spill block went by: the spill file must exist. */
	assert_true(spill_file_open());

	assert_int_equal(gx_builder_write(b, path, NULL, "t", &d), 0);
	gx_builder_free(b);
	assert_false(spill_file_open());

	s = gx_store_open(path, &d);
	assert_non_null(s);
	assert_int_equal(gx_store_goroutine_count(s), NG);
	for (i = 0; i < NG; i++) {
		const struct gx_goroutine_rec *g = gx_store_goroutine(s, i);
		const struct gx_span_rec *sp = gx_store_spans(s, i, &n);

		assert_int_equal(g->id, 1000 - (NG - 1) + i);
		assert_int_equal(g->span_count, n);
		total += n;
		for (j = 0; j < n; j++) {
			assert_int_equal(sp[j].g, i);
			if (j > 0)
				assert_true(sp[j - 1].start_ns <= sp[j].start_ns);
			/* equal starts keep the order they were given in */
			if (j > 0 && sp[j - 1].start_ns == sp[j].start_ns)
				assert_true(sp[j - 1].stack < sp[j].stack);
			got_sum += (uint64_t)sp[j].stack * 31 + (uint64_t)sp[j].start_ns + g->id;
		}
	}
	assert_int_equal(total, NS);
	assert_int_equal(got_sum, want_sum);
	gx_store_close(s);
	gx_diag_clear(&d);
	free(path);
}

/* Goroutines with many spans, spilled many times: copied when their spans
 * came in order, unpacked and sorted when not; a span given before its
 * goroutine existed is merged in. */
static void
test_big_goroutines(void **state)
{
	char *path = tpath("big.gxi");
	size_t saved = gx_store_span_run;
	int round;

	(void)state;
	for (round = 0; round < 2; round++) {
		struct gx_builder *b;
		struct gx_diag d = {0};
		struct gx_store *s;
		const struct gx_span_rec *sp;
		struct gx_span_rec r;
		size_t i, n;
		struct gx_goroutine_rec g;

		gx_store_span_run = 1000;
		b = gx_builder_new(tmpdir);
		gx_store_span_run = saved;
		memset(&r, 0, sizeof(r));
		if (round == 1) {
			/* a span for goroutine index 2 before it is added */
			r.g = 2;
			r.start_ns = 5;
			gx_builder_span(b, &r);
		}
		g = grec(30);
		gx_builder_goroutine(b, &g); /* index 0: in order */
		g = grec(20);
		gx_builder_goroutine(b, &g); /* index 1: out of order */
		g = grec(10);
		gx_builder_goroutine(b, &g); /* index 2: small */
		for (i = 0; i < 3000; i++) {
			r.g = 0;
			r.start_ns = (int64_t)i;
			r.stack = (gx_stack)i;
			gx_builder_span(b, &r);
			r.g = 1;
			r.start_ns = (int64_t)(3000 - i);
			gx_builder_span(b, &r);
		}
		r.g = 2;
		r.start_ns = 1;
		gx_builder_span(b, &r);
		assert_int_equal(gx_builder_write(b, path, NULL, "t", &d), 0);
		gx_builder_free(b);
		s = gx_store_open(path, &d);
		assert_non_null(s);
		/* sorted by id: 10, 20, 30 */
		sp = gx_store_spans(s, 0, &n);
		assert_int_equal(n, round == 1 ? 2 : 1);
		assert_int_equal(sp[0].start_ns, 1);
		sp = gx_store_spans(s, 1, &n);
		assert_int_equal(n, 3000);
		for (i = 0; i < n; i++) {
			assert_int_equal(sp[i].start_ns, (int64_t)i + 1);
			assert_int_equal(sp[i].g, 1);
		}
		sp = gx_store_spans(s, 2, &n);
		assert_int_equal(n, 3000);
		for (i = 0; i < n; i++) {
			assert_int_equal(sp[i].start_ns, (int64_t)i);
			assert_int_equal(sp[i].stack, i);
			assert_int_equal(sp[i].g, 2);
		}
		gx_store_close(s);
		assert_int_equal(d.n, 0);
	}
	free(path);
}

static void
test_events_order(void **state)
{
	char *path = tpath("ev.gxi");
	struct gx_builder *b = gx_builder_new(tmpdir);
	struct gx_diag d = {0};
	struct gx_store *s;
	const struct gx_event_rec *ev;
	static const int64_t times[] = { 5, 5, 7, 3, 7, 9, 1, 9 };
	size_t i, n;
	char *msg;

	(void)state;
	for (i = 0; i < GX_ARRAY_SIZE(times); i++) {
		struct gx_event_rec e;

		memset(&e, 0, sizeof(e));
		e.ns = times[i];
		e.kind = GX_EV_LOG;
		e.g = GX_NONE32;
		e.arg0 = i;
		gx_builder_event(b, &e);
	}
	assert_int_equal(gx_builder_write(b, path, NULL, "t", &d), 0);
	gx_builder_free(b);
	/* The out-of-order events are reported and sorted. */
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].severity, GX_WARNING);
	msg = gx_diag_format(&d.v[0]);
	assert_non_null(strstr(msg, "2 events came out of time order"));
	free(msg);
	s = gx_store_open(path, &d);
	assert_non_null(s);
	ev = gx_store_events(s, &n);
	assert_int_equal(n, 8);
	{
		/* stable: by time, ties in the order given */
		static const uint64_t want[] = { 6, 3, 0, 1, 2, 4, 5, 7 };

		for (i = 0; i < n; i++)
			assert_int_equal(ev[i].arg0, want[i]);
	}
	gx_store_close(s);
	gx_diag_clear(&d);
	free(path);
}

/* Seeking by time over several chunks of events, with runs of equal times
 * that straddle the chunks' edges (10 events per instant: 4096 is no
 * multiple of 10), before and after the events are unpacked: the first
 * event read at or after t is the first one at t. */
static void
test_events_seek(void **state)
{
	char *path = tpath("seek.gxi");
	struct gx_builder *b = gx_builder_new(tmpdir);
	struct gx_diag d = {0};
	struct gx_store *s;
	enum { NEV = 3 * GX_EVENTS_CHUNK + 123, PER = 10 };
	struct gx_event_rec *chunk = xmalloc(GX_EVENTS_CHUNK * sizeof(*chunk));
	size_t i, n;

	(void)state;
	for (i = 0; i < NEV; i++) {
		struct gx_event_rec e;

		memset(&e, 0, sizeof(e));
		e.ns = (int64_t)(i / PER) * 7;
		e.kind = GX_EV_LOG;
		e.g = GX_NONE32;
		e.arg0 = i;
		gx_builder_event(b, &e);
	}
	assert_int_equal(gx_builder_write(b, path, NULL, "t", &d), 0);
	gx_builder_free(b);
	s = gx_store_open(path, &d);
	assert_non_null(s);
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1)
			(void)gx_store_events(s, &n); /* now served from the array */
		for (int64_t t = -3; t <= (int64_t)(NEV / PER) * 7 + 7; t += 1) {
			struct gx_event_cursor c;
			size_t got, want = 0;
			bool seen = false;

			/* the model: the first event at or after t */
			while (want < NEV && (int64_t)(want / PER) * 7 < t)
				want++;
			gx_store_events_seek(s, t, &c);
			while (!seen && (got = gx_store_events_read(s, &c, chunk, GX_EVENTS_CHUNK)) > 0)
				for (i = 0; i < got && !seen; i++)
					if (chunk[i].ns >= t) {
						assert_int_equal(chunk[i].arg0, want);
						seen = true;
					}
			assert_true(seen == (want < NEV));
		}
	}
	free(chunk);
	gx_store_close(s);
	gx_diag_clear(&d);
	free(path);
}

static void
test_bad_goroutine_indexes(void **state)
{
	char *path = tpath("bad.gxi");
	struct gx_builder *b = gx_builder_new(tmpdir);
	struct gx_diag d = {0};
	struct gx_goroutine_rec g = grec(1);
	struct gx_span_rec sp;
	struct gx_event_rec e;
	struct gx_store *s;
	const struct gx_event_rec *ev;
	size_t n;

	(void)state;
	gx_builder_goroutine(b, &g);
	memset(&sp, 0, sizeof(sp));
	sp.g = 0;
	gx_builder_span(b, &sp);
	sp.g = 7; /* no such goroutine */
	gx_builder_span(b, &sp);
	memset(&e, 0, sizeof(e));
	e.g = 9;
	gx_builder_event(b, &e);
	assert_int_equal(gx_builder_write(b, path, NULL, "t", &d), 0);
	gx_builder_free(b);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.n, 2); /* a span dropped, an event detached */
	s = gx_store_open(path, &d);
	assert_non_null(s);
	gx_store_spans(s, 0, &n);
	assert_int_equal(n, 1);
	ev = gx_store_events(s, &n);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].g, GX_NONE32);
	gx_store_close(s);
	gx_diag_clear(&d);
	free(path);
}

static void
test_empty_store(void **state)
{
	char *path = tpath("empty.gxi");
	struct gx_builder *b = gx_builder_new(NULL);
	struct gx_diag d = {0};
	struct gx_store *s;
	size_t n;

	(void)state;
	assert_int_equal(gx_builder_write(b, path, NULL, NULL, &d), 0);
	gx_builder_free(b);
	s = gx_store_open(path, &d);
	assert_non_null(s);
	assert_int_equal(gx_store_goroutine_count(s), 0);
	assert_int_equal(gx_store_find_goroutine(s, 1), GX_NONE32);
	gx_store_events(s, &n);
	assert_int_equal(n, 0);
	assert_string_equal(gx_store_loader(s), "");
	walk(s);
	gx_store_close(s);
	free(path);
}

static void
test_write_failure_leaves_nothing(void **state)
{
	char *sub = tpath("target-is-a-dir");
	struct gx_builder *b = gx_builder_new(tmpdir);
	struct gx_diag d = {0};
	size_t before;

	(void)state;
	assert_int_equal(mkdir(sub, 0700), 0);
	before = count_files();
	/* rename() of a file over a directory fails */
	assert_int_equal(gx_builder_write(b, sub, NULL, "t", &d), -1);
	assert_int_equal(d.errors, 1);
	assert_int_equal(count_files(), before);
	gx_diag_clear(&d);
	/* A directory that does not exist. */
	{
		char *p = tpath("no/such/dir/x.gxi");

		assert_int_equal(gx_builder_write(b, p, NULL, "t", &d), -1);
		assert_int_equal(d.errors, 1);
		assert_non_null(strstr(d.v[0].message, "cannot create a temporary file"));
		free(p);
	}
	gx_diag_clear(&d);
	gx_builder_free(b);
	rmdir(sub);
	free(sub);
}

static unsigned char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = xmalloc((size_t)n);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

static void
write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

/* Truncated at every point: always refused (the size is in the header). */
static void
test_truncated(void **state)
{
	char *path = tpath("trunc-src.gxi"), *bad = tpath("trunc.gxi");
	unsigned char *data;
	size_t len, cut;

	(void)state;
	build_sample(path);
	data = read_file(path, &len);
	for (cut = 0; cut < len; cut += (cut < 600 ? 1 : 7)) {
		struct gx_diag d = {0};
		struct gx_store *s;

		write_file(bad, data, cut);
		s = gx_store_open(bad, &d);
		assert_null(s);
		assert_int_equal(d.errors, 1);
		assert_non_null(strstr(d.v[0].message, "index"));
		gx_diag_clear(&d);
	}
	free(data);
	free(path);
	free(bad);
}

/* Every byte of the header and directory flipped, and random bytes all
 * over: open refuses, or the store opens and every accessor stays in
 * bounds (ASan checks). */
static void
test_flipped_bytes(void **state)
{
	char *path = tpath("flip-src.gxi"), *bad = tpath("flip.gxi");
	unsigned char *data;
	size_t len, i;
	uint64_t x = 99;
	unsigned opened = 0, refused = 0;

	(void)state;
	build_sample(path);
	data = read_file(path, &len);
	for (i = 0; i < len; i++) {
		static const unsigned char masks[] = { 0xff, 0x01, 0x80 };
		size_t k;

		for (k = 0; k < GX_ARRAY_SIZE(masks); k++) {
			struct gx_diag d = {0};
			struct gx_store *s;

			data[i] ^= masks[k];
			write_file(bad, data, len);
			data[i] ^= masks[k];
			s = gx_store_open(bad, &d);
			if (s != NULL) {
				walk(s);
				gx_store_close(s);
				opened++;
			} else {
				refused++;
			}
			gx_diag_clear(&d);
		}
	}
	/* Several random bytes at once. */
	for (i = 0; i < 300; i++) {
		struct gx_diag d = {0};
		struct gx_store *s;
		unsigned char *copy = xmalloc(len);
		int k;

		memcpy(copy, data, len);
		for (k = 0; k < 8; k++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			copy[(x >> 33) % len] = (unsigned char)(x >> 13);
		}
		write_file(bad, copy, len);
		free(copy);
		s = gx_store_open(bad, &d);
		if (s != NULL) {
			walk(s);
			gx_store_close(s);
		}
		gx_diag_clear(&d);
	}
	/* Flips in the magic, version, size and directory were refused; flips
	 * in record contents were opened and walked. */
	assert_true(opened > 0);
	assert_true(refused > 0);
	free(data);
	free(path);
	free(bad);
}

static void
test_wrong_version_and_magic(void **state)
{
	char *path = tpath("ver.gxi");
	unsigned char *data;
	size_t len;
	struct gx_diag d = {0};
	uint32_t v;

	(void)state;
	build_sample(path);
	data = read_file(path, &len);
	memcpy(&v, data + 8, 4);
	assert_int_equal(v, GX_STORE_VERSION);
	v = GX_STORE_VERSION + 1;
	memcpy(data + 8, &v, 4);
	write_file(path, data, len);
	assert_null(gx_store_open(path, &d));
	assert_non_null(strstr(d.v[0].message, "another version"));
	gx_diag_clear(&d);

	v = GX_STORE_VERSION;
	memcpy(data + 8, &v, 4);
	data[0] = 'X';
	write_file(path, data, len);
	assert_null(gx_store_open(path, &d));
	assert_non_null(strstr(d.v[0].message, "bad magic"));
	gx_diag_clear(&d);

	/* Not a regular file; no file at all. */
	assert_null(gx_store_open(tmpdir, &d));
	assert_int_equal(d.errors, 1);
	gx_diag_clear(&d);
	unlink(path);
	assert_null(gx_store_open(path, &d));
	assert_int_equal(d.errors, 1);
	gx_diag_clear(&d);
	free(data);
	free(path);
}

/* Ids as people read them: a real id as it is, a profile's made-up id as
 * its record number. */
static void
test_format_id(void **state)
{
	struct gx_goroutine_rec g;
	char buf[32];

	(void)state;
	memset(&g, 0, sizeof(g));
	g.id = 17;
	assert_string_equal(gx_store_format_id(&g, buf, sizeof(buf)), "17");
	g.id = GX_SYNTH_ID_BASE + 3;
	g.flags = GX_G_SYNTH_ID;
	assert_string_equal(gx_store_format_id(&g, buf, sizeof(buf)), "#3");
	g.id = UINT64_MAX;
	g.flags = 0;
	assert_string_equal(gx_store_format_id(&g, buf, sizeof(buf)), "18446744073709551615");
	assert_string_equal(gx_store_format_id(&g, buf, 4), "184"); /* cut, terminated */
}

static void
test_gstate_names(void **state)
{
	(void)state;
	assert_string_equal(gx_gstate_name(GX_G_WAITING), "waiting");
	assert_string_equal(gx_gstate_name(GX_G_RUNNABLE), "runnable");
	assert_string_equal(gx_gstate_name(GX_G_STATE_COUNT), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_interning),
		cmocka_unit_test(test_many_spans),
		cmocka_unit_test(test_big_goroutines),
		cmocka_unit_test(test_events_order),
		cmocka_unit_test(test_events_seek),
		cmocka_unit_test(test_bad_goroutine_indexes),
		cmocka_unit_test(test_empty_store),
		cmocka_unit_test(test_write_failure_leaves_nothing),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_flipped_bytes),
		cmocka_unit_test(test_wrong_version_and_magic),
		cmocka_unit_test(test_gstate_names),
		cmocka_unit_test(test_format_id),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
