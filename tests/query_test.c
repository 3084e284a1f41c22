/* query_test: the query language's parser (every operator, precedence,
 * aliases, durations, ranges, regex flags, every error with its position
 * and message) and its evaluator, on stores made through the builder: a
 * goroutine dump and a small trace with spans, logs and regions. */
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
#include "gotrex/query.h"
#include "gotrex/store.h"
#include "gotrex/util.h"

#include "test_util.h"

#define MS 1000000LL
#define SEC 1000000000LL
#define T0 5000000LL /* the trace's first timestamp */

static char tmpdir[PATH_MAX];
static struct gx_store *dump_store, *trace_store;

/* ------------------------------------------------------------------ */
/* Stores */

static uint32_t
frame(struct gx_builder *b, const char *func, const char *file, uint32_t line, uint32_t flags)
{
	struct gx_frame_rec f;

	memset(&f, 0, sizeof(f));
	f.func = gx_builder_cstr(b, func);
	f.file = gx_builder_cstr(b, file);
	f.line = line;
	f.flags = flags;
	return gx_builder_frame(b, &f);
}

/* A stack from "func@file:line" strings, innermost first, NULL-ended. */
static gx_stack
stack(struct gx_builder *b, ...)
{
	uint32_t fr[16];
	size_t n = 0;
	const char *spec;
	va_list ap;

	va_start(ap, b);
	while ((spec = va_arg(ap, const char *)) != NULL && n < 16) {
		char func[128], file[128];
		unsigned line = 0;
		uint32_t flags = 0;

		if (spec[0] == '+') {
			flags = GX_FRAME_CREATED_BY;
			spec++;
		}
		assert_int_equal(sscanf(spec, "%127[^@]@%127[^:]:%u", func, file, &line), 3);
		fr[n++] = frame(b, func, file, line, flags);
	}
	va_end(ap);
	return gx_builder_stack(b, fr, n);
}

static uint32_t
add_g(struct gx_builder *b, uint64_t id, enum gx_gstate state, const char *reason,
      gx_stack st, gx_stack create, int64_t wait_ns, uint8_t flags, const char *labels)
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
	g.labels = labels ? gx_builder_cstr(b, labels) : 0;
	g.count = 1;
	g.state = (uint8_t)state;
	g.flags = flags;
	return gx_builder_goroutine(b, &g);
}

static struct gx_store *
make_dump(void)
{
	struct gx_builder *b = gx_builder_new(tmpdir);
	gx_stack mainc = stack(b, "main.main@/app/main.go:12", NULL);
	const int64_t min = 60 * SEC;

	gx_builder_meta(b)->format = GX_FMT_DUMP_TEXT;
	add_g(b, 1, GX_G_RUNNING, "running", stack(b, "main.main@/app/main.go:10", NULL), 0, 0, 0,
	      NULL);
	add_g(b, 2, GX_G_WAITING, "chan receive",
	      stack(b, "main.consume@/app/main.go:20", "main.run@/app/run.go:5", NULL), mainc,
	      5 * min, GX_G_WAIT_APPROX, NULL);
	add_g(b, 3, GX_G_WAITING, "chan send", stack(b, "main.produce@/app/main.go:30", NULL),
	      stack(b, "main.spawn@/app/spawn.go:7", NULL), 0, 0, NULL);
	add_g(b, 4, GX_G_WAITING, "sync.Mutex.Lock",
	      stack(b, "sync.(*Mutex).lockSlow@/go/src/sync/mutex.go:100",
	            "main.(*Bank).Transfer@/app/bank.go:30", NULL),
	      0, 2 * min, GX_G_WAIT_APPROX, NULL);
	add_g(b, 5, GX_G_WAITING, "semacquire",
	      stack(b, "sync.runtime_Semacquire@/go/src/runtime/sema.go:62",
	            "sync.(*WaitGroup).Wait@/go/src/sync/waitgroup.go:116",
	            "main.waitAll@/app/main.go:50", NULL),
	      0, 0, 0, NULL);
	add_g(b, 6, GX_G_WAITING, "IO wait",
	      stack(b, "internal/poll.runtime_pollWait@/go/src/runtime/netpoll.go:351",
	            "net.(*conn).Read@/go/src/net/net.go:194", NULL),
	      0, 83 * min, GX_G_WAIT_APPROX, NULL);
	add_g(b, 7, GX_G_WAITING, "select", stack(b, "main.loop@/app/loop.go:9", NULL), 0, 0, 0,
	      NULL);
	add_g(b, 8, GX_G_WAITING, "sleep", stack(b, "time.Sleep@/go/src/runtime/time.go:300",
	                                          "main.tick@/app/Tick.go:3", NULL),
	      0, 1 * min, GX_G_WAIT_APPROX, NULL);
	add_g(b, 9, GX_G_SYSCALL, "syscall", stack(b, "syscall.Syscall@/go/src/syscall/s.go:1", NULL),
	      0, 3 * min, GX_G_WAIT_APPROX | GX_G_LOCKED, NULL);
	add_g(b, 10, GX_G_RUNNABLE, "runnable", stack(b, "main.work@/app/main.go:70", NULL), 0, 0, 0,
	      NULL);
	add_g(b, 11, GX_G_WAITING, "select (no cases)", stack(b, "main.forever@/app/main.go:80", NULL),
	      0, 0, 0, NULL);
	add_g(b, 12, GX_G_WAITING, "chan receive (nil chan)",
	      stack(b, "main.nilrecv@/app/main.go:90", NULL), 0, 0, 0, NULL);
	add_g(b, 13, GX_G_WAITING, "sync.RWMutex.RLock",
	      stack(b, "sync.(*RWMutex).RLock@/go/src/sync/rwmutex.go:71",
	            "main.read@/app/db.go:11", NULL),
	      0, 0, 0, "{job: ingest, tenant: \"a b\", route: \"/api/v1 users\"}");
	add_g(b, 20, GX_G_WAITING, "semacquire",
	      stack(b, "sync.runtime_SemacquireMutex@/go/src/runtime/sema.go:77",
	            "sync.(*Mutex).lockSlow@/go/src/sync/mutex.go:171",
	            "main.old@/app/old.go:1", "+main.main@/app/main.go:99", NULL),
	      0, 0, 0, "{\"job\":\"reindex\"}");
	add_g(b, 21, GX_G_WAITING, "finalizer wait", stack(b, "runtime.runfinq@/go/src/runtime/mfinal.go:193", NULL),
	      0, 0, GX_G_SYSTEM, NULL);
	add_g(b, 30, GX_G_WAITING, "chan receive (durable)",
	      stack(b, "main.bubble@/app/main.go:100", NULL), 0, 0, 0, NULL);
	add_g(b, 31, GX_G_WAITING, "", stack(b, "main.mystery@/app/main.go:110", NULL), 0, 0, 0,
	      NULL);
	return store_finish(b, tmpdir);
}

static void
span(struct gx_builder *b, uint32_t g, int64_t a, int64_t z, enum gx_gstate st,
     const char *reason, gx_stack stk)
{
	struct gx_span_rec s;

	memset(&s, 0, sizeof(s));
	s.start_ns = T0 + a;
	s.end_ns = T0 + z;
	s.g = g;
	s.state = (uint8_t)st;
	s.reason = reason ? gx_builder_cstr(b, reason) : 0;
	s.stack = stk;
	gx_builder_span(b, &s);
}

static void
event(struct gx_builder *b, int64_t ns, enum gx_event_kind k, uint32_t g, const char *str)
{
	struct gx_event_rec e;

	memset(&e, 0, sizeof(e));
	e.ns = T0 + ns;
	e.kind = k;
	e.g = g;
	e.str = str ? gx_builder_cstr(b, str) : 0;
	gx_builder_event(b, &e);
}

/* Three goroutines over 2 s:
 *   g1 (id 1): running [0, 0.5s), "sync" in sync.(*Mutex).Lock [0.5s, 2s); region "work" 0.2..0.4s
 *   g2 (id 2): chan receive [0, 1.2s), running [1.2s, 1.3s), then gone; logs at 0.1s
 *   g3 (id 7): not yet [0, 1.5s), runnable [1.5, 1.6s), sleep [1.6s, 2s); region "late" from 1.7s */
static struct gx_store *
make_trace(void)
{
	struct gx_builder *b = gx_builder_new(tmpdir);
	struct gx_store_meta *m = gx_builder_meta(b);
	gx_stack lock = stack(b, "sync.(*Mutex).Lock@/go/src/sync/mutex.go:90",
	                      "main.transfer@/app/bank.go:40", NULL);
	gx_stack recv = stack(b, "main.consume@/app/main.go:20", NULL);
	gx_stack slp = stack(b, "time.Sleep@/go/src/runtime/time.go:300", NULL);
	uint32_t g1, g2, g3;
	struct gx_goroutine_rec *r;

	m->format = GX_FMT_TRACE_V2;
	m->start_ns = T0;
	m->end_ns = T0 + 2 * SEC;
	g1 = add_g(b, 1, GX_G_WAITING, "sync", lock, 0, 1500 * MS, 0, NULL);
	g2 = add_g(b, 2, GX_G_DEAD, "", recv, 0, 0, 0, NULL);
	g3 = add_g(b, 7, GX_G_WAITING, "sleep", slp, 0, 400 * MS, 0, NULL);
	r = gx_builder_goroutine_at(b, g2);
	r->ended_ns = T0 + 1300 * MS;
	r = gx_builder_goroutine_at(b, g3);
	r->created_ns = T0 + 1500 * MS;
	span(b, g1, 0, 500 * MS, GX_G_RUNNING, NULL, 0);
	span(b, g1, 500 * MS, 2 * SEC, GX_G_WAITING, "sync", lock); /* a trace says "sync" */
	span(b, g2, 0, 1200 * MS, GX_G_WAITING, "chan receive", recv);
	span(b, g2, 1200 * MS, 1300 * MS, GX_G_RUNNING, NULL, 0);
	span(b, g3, 0, 1500 * MS, GX_G_NOTEXIST, NULL, 0);
	span(b, g3, 1500 * MS, 1600 * MS, GX_G_RUNNABLE, NULL, 0);
	span(b, g3, 1600 * MS, 2 * SEC, GX_G_WAITING, "sleep", slp);
	event(b, 100 * MS, GX_EV_LOG, g2, "db: query took 5s");
	event(b, 200 * MS, GX_EV_REGION_BEGIN, g1, "work");
	event(b, 400 * MS, GX_EV_REGION_END, g1, "work");
	event(b, 1700 * MS, GX_EV_REGION_BEGIN, g3, "late");
	return store_finish(b, tmpdir);
}

static int
setup(void **state)
{
	(void)state;
	if (tmpdir_make(tmpdir, sizeof(tmpdir), "query-test") != 0)
		return -1;
	dump_store = make_dump();
	trace_store = make_trace();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	gx_store_close(dump_store);
	gx_store_close(trace_store);
	rm_rf(tmpdir);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Helpers */

/* The deadlock hook: goroutine ids in the cycle and the stuck set. */
struct fake_dl {
	const struct gx_store *s;
	uint64_t cycle[4], stuck[4];
};

static bool
fake_member(const void *ctx, enum gx_query_set set, uint32_t g)
{
	const struct fake_dl *f = ctx;
	const struct gx_goroutine_rec *r = gx_store_goroutine(f->s, g);
	const uint64_t *v = set == GX_QUERY_SET_CYCLE ? f->cycle : f->stuck;
	size_t i;

	for (i = 0; i < 4; i++)
		if (v[i] != 0 && r != NULL && v[i] == r->id)
			return true;
	return false;
}

/* Run q; returns the matching ids as "1 2 3" or "ERR@pos: msg". Caller
 * frees. */
static char *
run(const struct gx_store *s, const struct gx_query_deadlock *dl, const char *text)
{
	struct gx_query_error err;
	struct gx_query *q = gx_query_parse(text, &err);
	struct gx_query_env env = { .store = s, .deadlock = dl };
	struct gx_buf b = { 0 };
	uint32_t *v;
	size_t n, i;

	if (q == NULL)
		return xasprintf("PARSE@%zu: %s", err.pos, err.msg);
	if (gx_query_select(q, &env, &v, &n, &err) < 0) {
		gx_query_free(q);
		return xasprintf("ERR@%zu: %s", err.pos, err.msg);
	}
	gx_buf_puts(&b, "");
	for (i = 0; i < n; i++)
		gx_buf_printf(&b, "%s%llu", i ? " " : "",
		              (unsigned long long)gx_store_goroutine(s, v[i])->id);
	free(v);
	gx_query_free(q);
	return gx_buf_take(&b);
}

#define CHECK(store, dl, query, want) do { \
		char *got_ = run((store), (dl), (query)); \
		if (strcmp(got_, (want)) != 0) \
			fail_msg("query %s: got \"%s\", want \"%s\"", (query), got_, (want)); \
		free(got_); \
	} while (0)
#define D(query, want) CHECK(dump_store, NULL, query, want)

/* ------------------------------------------------------------------ */
/* Parser: errors */

struct err_case {
	const char *q;
	size_t pos;
	const char *msg;
};

static const struct err_case err_cases[] = {
	{ "wait>1x", 6, "expected a duration unit (ns, us, ms, s, m, h)" },
	{ "wait>1", 6, "expected a duration unit (ns, us, ms, s, m, h)" },
	{ "wait>", 5, "expected a duration (like 10ms, 1.5s or 2m)" },
	{ "wait>1sec", 6, "expected a duration unit (ns, us, ms, s, m, h)" },
	{ "wait>99999999999999999999s", 5, "duration too large" },
	{ "wait>9999999999h", 5, "duration too large" },
	{ "wait:1s", 4, "expected a comparison after wait: >, >=, < or <= (as in wait>1s)" },
	{ "wait=1s", 4, "expected a comparison after wait: >, >=, < or <= (as in wait>1s)" },
	{ "mutx", 0, "unknown filter 'mutx' (a state like mutex or chan; for a stack search write stack:mutx)" },
	{ "mutex and", 9, "expected a filter after 'and'" },
	{ "mutex or", 8, "expected a filter after 'or'" },
	{ "or mutex", 0, "expected a filter before 'or'" },
	{ "and", 0, "expected a filter before 'and'" },
	{ "mutex or or chan", 9, "expected a filter after 'or'" },
	{ "not", 3, "expected a filter (a state like mutex, a field like stack:, or '(')" },
	{ "(mutex", 6, "expected ')' to close the '(' at column 1" },
	{ "chan (mutex or io", 17, "expected ')' to close the '(' at column 6" },
	{ "mutex)", 5, "unexpected ')' with no '(' to close" },
	{ "()", 1, "expected a filter before ')'" },
	{ "foo:bar", 0, "unknown field 'foo' (expected state, reason, stack, created, id, wait, in, label, log or region)" },
	{ "state:bogus", 6, "expected a state (running, runnable, syscall, waiting, dead, blocked, chan, select, mutex, io, sleep, ...)" },
	{ "stack:", 6, "expected a value after 'stack:' (a word, a \"string\" or a /regex/)" },
	{ "stack:/a(b/", 10, "bad regex: missing closing parenthesis" },
	{ "reason:\"chan", 7, "unterminated string: expected a closing \"" },
	{ "id:", 3, "expected a goroutine id (a number, or a range like 10..20)" },
	{ "id:x", 3, "expected a goroutine id (a number, or a range like 10..20)" },
	{ "id:20..10", 3, "empty range: 10 is less than 20" },
	{ "id:..", 5, "expected a goroutine id after .." },
	{ "id:99999999999999999999", 3, "number too large" },
	{ "id:5x", 4, "expected a space, ')' or the end of the query" },
	{ "in:loop", 3, "expected cycle or stuck after 'in:'" },
	{ "state~mutex", 5, "expected ':' (only reason, stack, created, log and region take ~)" },
	{ "10ms", 4, "expected '..' (a window like 1.2s..1.5s) or 'before deadlock' after a time" },
	{ "10ms before lunch", 12, "expected 'deadlock' after 'before'" },
	{ "1.5s..1.2s", 0, "empty window: the end comes before the start" },
	{ "1..2", 1, "expected a duration unit (ns, us, ms, s, m, h)" },
	{ "last", 4, "expected a duration (like 10ms, 1.5s or 2m)" },
	{ "last 10", 7, "expected a duration unit (ns, us, ms, s, m, h)" },
	{ "last 1s first 1s", 8, "only one time window per query" },
	{ "mutex or last 10ms", 9, "a time window applies to the whole query: join it with 'and', not inside 'or' or 'not'" },
	{ "not last 10ms", 4, "a time window applies to the whole query: join it with 'and', not inside 'or' or 'not'" },
	{ "mutex #", 6, "expected a filter (a state like mutex, a field like stack:, or '(')" },
	{ "mutex,chan", 5, "expected a space, ')' or the end of the query" },
	{ "label:", 6, "expected a value after 'label:' (a word, a \"string\" or a /regex/)" },
	{ "label:job=", 10, "expected a value after '=' (a word, a \"string\" or a /regex/)" },
};

static void
test_parse_errors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < GX_ARRAY_SIZE(err_cases); i++) {
		struct gx_query_error err;
		struct gx_query *q = gx_query_parse(err_cases[i].q, &err);

		if (q != NULL)
			fail_msg("query \"%s\" parsed, want an error", err_cases[i].q);
		if (err.pos != err_cases[i].pos || strcmp(err.msg, err_cases[i].msg) != 0)
			fail_msg("query \"%s\": got @%zu \"%s\", want @%zu \"%s\"", err_cases[i].q,
			         err.pos, err.msg, err_cases[i].pos, err_cases[i].msg);
		assert_true(err.len >= 1);
	}
}

static void
test_too_deep(void **state)
{
	char buf[400];
	struct gx_query_error err;
	size_t i;

	(void)state;
	for (i = 0; i < 200; i++)
		buf[i] = '(';
	buf[200] = '\0';
	assert_null(gx_query_parse(buf, &err));
	assert_string_equal(err.msg, "too deeply nested");
	assert_int_equal(err.pos, 64);
	memset(buf, '!', 300);
	strcpy(buf + 300, "mutex");
	assert_null(gx_query_parse(buf, &err));
	assert_string_equal(err.msg, "too deeply nested");
	/* 60 levels are fine. */
	for (i = 0; i < 60; i++)
		buf[i] = '(';
	strcpy(buf + 60, "mutex");
	for (i = 0; i < 60; i++)
		buf[65 + i] = ')';
	buf[125] = '\0';
	{
		struct gx_query *q = gx_query_parse(buf, &err);

		assert_non_null(q);
		gx_query_free(q);
	}
}

static void
test_error_format(void **state)
{
	struct gx_query_error err;
	char *s;

	(void)state;
	assert_null(gx_query_parse("wait>1x", &err));
	s = gx_query_error_format("wait>1x", &err);
	assert_string_equal(s, "wait>1x\n      ^ expected a duration unit (ns, us, ms, s, m, h)");
	free(s);
	/* Columns count code points; control characters show as '?'. */
	assert_null(gx_query_parse("stack:\"\xc3\xa9t\xc3\xa9\"\tfoo", &err));
	assert_int_equal(err.pos, 14);
	s = gx_query_error_format("stack:\"\xc3\xa9t\xc3\xa9\"\tfoo", &err);
	assert_string_equal(s, "stack:\"\xc3\xa9t\xc3\xa9\"?foo\n            ^ unknown filter 'foo' "
	                    "(a state like mutex or chan; for a stack search write stack:foo)");
	free(s);
	/* At the end. */
	assert_null(gx_query_parse("mutex and", &err));
	s = gx_query_error_format("mutex and", &err);
	assert_string_equal(s, "mutex and\n         ^ expected a filter after 'and'");
	free(s);
}

static void
test_parse_ok(void **state)
{
	static const char *const ok[] = {
		"", "   ", "mutex", "MUTEX", "Not mutex", "!mutex", "-mutex", "mutex chan",
		"mutex and chan", "mutex or chan", "(mutex)", "((mutex or chan) and not io)",
		"wait>1s", "wait >= 1.5s", "wait<250us", "wait<=2h", "wait>1m30s", "wait>10\xc2\xb5s",
		"id:1", "id:1..5", "id:10..", "id:..5", "id:1,3,5..7", "in:cycle", "in:stuck",
		"stack:foo", "stack:/^main\\./", "stack:/FOO/i", "stack~foo", "stack:\"a b\"",
		"stack:(*Mutex).Lock", "(stack:foo)", "/main\\.run/", "/x\\/y/", "created:/spawn/",
		"reason:\"chan receive\"", "reason:sync.Mutex.Lock", "reason~mutex", "reason:/^chan/",
		"label:job", "label:job=ingest", "label:\"a b\"=\"c d\"", "label:job=/^in/",
		"log:/timeout/", "region:work", "region~WORK",
		"1.2s..1.5s", "1.2s..", "..1.5s", "1.2s .. 1.5s", "last 10ms", "first 1s",
		"10ms before deadlock", "mutex 10ms before deadlock", "(mutex last 10ms) and chan",
		"state:running", "state:mutex", "blocked", "leaked", "locked", "system",
	};
	size_t i;

	(void)state;
	for (i = 0; i < GX_ARRAY_SIZE(ok); i++) {
		struct gx_query_error err;
		struct gx_query *q = gx_query_parse(ok[i], &err);

		if (q == NULL)
			fail_msg("query \"%s\": @%zu %s", ok[i], err.pos, err.msg);
		gx_query_free(q);
	}
}

static void
test_query_flags(void **state)
{
	struct gx_query_error err;
	struct gx_query *q;

	(void)state;
	q = gx_query_parse("", &err);
	assert_true(gx_query_is_empty(q));
	assert_false(gx_query_has_window(q));
	gx_query_free(q);
	q = gx_query_parse("mutex last 1s", &err);
	assert_false(gx_query_is_empty(q));
	assert_true(gx_query_has_window(q));
	assert_false(gx_query_needs_deadlock(q));
	gx_query_free(q);
	q = gx_query_parse("in:stuck", &err);
	assert_true(gx_query_needs_deadlock(q));
	gx_query_free(q);
	q = gx_query_parse("1ms before deadlock", &err);
	assert_true(gx_query_needs_deadlock(q));
	gx_query_free(q);
}

/* ------------------------------------------------------------------ */
/* Evaluation on a dump */

static void
test_aliases(void **state)
{
	(void)state;
	D("", "1 2 3 4 5 6 7 8 9 10 11 12 13 20 21 30 31");
	D("running", "1");
	D("runnable", "10");
	D("syscall", "9");
	D("dead", "");
	D("waiting", "2 3 4 5 6 7 8 11 12 13 20 21 30 31");
	D("chan", "2 3 12 30");
	D("select", "7 11");
	D("mutex", "4 13 20");     /* 20: semacquire inside sync.(*Mutex).lockSlow */
	D("wg", "5");              /* semacquire inside sync.(*WaitGroup).Wait */
	D("waitgroup", "5");
	D("sema", "");
	D("io", "6");
	D("sleep", "8");
	D("idle", "21");
	D("gc", "");
	D("cond", "");
	D("blocked", "2 3 4 5 7 11 12 13 20 30 31");
	D("leaked", "");
	D("locked", "9");
	D("system", "21");
	D("state:mutex", "4 13 20");
	D("STATE:Running", "1");
}

static void
test_operators(void **state)
{
	(void)state;
	D("chan or mutex", "2 3 4 12 13 20 30");
	D("chan mutex", "");
	D("chan and id:2..3", "2 3");
	D("chan id:2..3", "2 3");
	D("not waiting", "1 9 10");
	D("!waiting", "1 9 10");
	D("-waiting", "1 9 10");
	D("not not running", "1");
	/* not > and > or */
	D("chan or mutex and id:4", "2 3 4 12 30");
	D("(chan or mutex) and id:4", "4");
	D("id:2 or id:3 id:3", "2 3");
	D("not chan and waiting", "4 5 6 7 8 11 13 20 21 31");
	D("not (chan or waiting)", "1 9 10");
	D("not chan or running", "1 4 5 6 7 8 9 10 11 13 20 21 31");
	D("chan AND NOT id:2 OR io", "3 6 12 30");
}

static void
test_fields(void **state)
{
	(void)state;
	D("id:13", "13");
	D("id:10..20", "10 11 12 13 20");
	D("id:..3", "1 2 3");
	D("id:30..", "30 31");
	D("id:1,3,9..10", "1 3 9 10");
	D("reason:\"chan receive\"", "2");
	D("reason:sync.Mutex.Lock", "4");
	D("reason~mutex", "4 13");
	D("reason~MUTEX", "4 13");
	D("reason:/^chan/", "2 3 12 30");
	D("reason:/^CHAN/", "");
	D("reason:/^CHAN/i", "2 3 12 30");
	D("reason~/^CHAN/", "2 3 12 30");
	D("reason:running", "1");
	D("reason:waiting", "31"); /* no reason text: the state's name */
	D("stack:Transfer", "4");
	D("stack:transfer", "");
	D("stack~transfer", "4");
	D("stack:/transfer/i", "4");
	D("stack:/^main\\.(consume|produce)$/", "2 3");
	D("/^main\\.(consume|produce)$/", "2 3");
	D("stack:(*Mutex).lockSlow", "4 20");
	D("stack:\"sync.(*RWMutex)\"", "13");
	D("stack:bank.go", "4");
	D("stack:/bank\\.go:30$/", "4");
	D("stack:run.go:5", "2");
	/* A value that starts with '/' but is not /regex/ is a word. */
	D("stack:/app/bank.go", "4");
	D("stack:/app/bank.go:30", "4");
	D("/app/bank", "4");
	D("stack:/app/ba/", "");          /* not a regex (the first / is followed by "ba"): a word */
	D("stack:/bank.go:3/", "4");      /* a regex */
	D("stack:/BANK/i", "4");
	D("stack:/BANK/ix", "");          /* "/BANK/ix" is a word */
	D("label:route=/api/v1", "");
	D("label:route=\"/api/v1 users\" stack:/db/", "13");
	D("stack:Tick.go", "8");
	D("stack:/tick\\.go/i", "8");
	D("created:main.main", "2 20");
	D("created:/spawn/", "3");
	D("created:spawn.go:7", "3");
	D("created:consume", "");
	D("label:job", "13 20");
	D("label:job=ingest", "13");
	D("label:tenant=\"a b\"", "13");
	D("label:tenant=a", "");
	D("label:job=/^re/", "20");
	D("label:route=\"/api/v1 users\"", "13");
	D("label:nope", "");
}

static void
test_wait(void **state)
{
	(void)state;
	/* Dumps know whole minutes only; no minutes counts as 0. */
	D("wait>1m", "2 4 6 9");
	D("wait>=1m", "2 4 6 8 9");
	D("wait>=2m", "2 4 6 9");
	D("wait>5m", "6");
	D("wait>1h", "6");
	D("wait>1h24m", "");
	D("wait<1m", "3 5 7 11 12 13 20 21 30 31");
	D("wait<=1m", "3 5 7 8 11 12 13 20 21 30 31");
	D("wait>=90s", "2 4 6 9");
	D("wait > 0.5h", "6");
	D("wait>4999999999ns", "2 4 6 8 9");
}

static void
test_dump_needs(void **state)
{
	struct fake_dl dl = { .s = NULL };
	struct gx_query_deadlock hook = { .member = fake_member, .ctx = &dl,
	                                  .deadlock_ns = GX_TIME_NONE };

	(void)state;
	dl.s = dump_store;
	dl.cycle[0] = 4;
	dl.cycle[1] = 13;
	dl.stuck[0] = 4;
	dl.stuck[1] = 13;
	dl.stuck[2] = 20;
	D("in:cycle", "ERR@0: deadlock analysis not available");
	D("mutex and in:stuck", "ERR@10: deadlock analysis not available");
	CHECK(dump_store, &hook, "in:cycle", "4 13");
	CHECK(dump_store, &hook, "in:stuck and not in:cycle", "20");
	D("last 10ms", "ERR@0: a time window needs a trace: the input has no timeline (goroutine dump)");
	D("mutex 1s..2s", "ERR@6: a time window needs a trace: the input has no timeline (goroutine dump)");
	CHECK(dump_store, &hook, "10ms before deadlock",
	      "ERR@0: a time window needs a trace: the input has no timeline (goroutine dump)");
	D("log:/x/", "ERR@0: log: needs a trace (trace.Log events); the input has no events (goroutine dump)");
	D("chan or region:work", "ERR@8: region: needs a trace (trace regions); the input has no events (goroutine dump)");
}

/* ------------------------------------------------------------------ */
/* Evaluation on a trace */

#define T(query, want) CHECK(trace_store, NULL, query, want)

static void
test_trace_final(void **state)
{
	(void)state;
	/* Without a window: the state at the end of the trace. */
	T("", "1 2 7");
	T("mutex", "1");
	T("sema", "");
	T("reason:sync", "1");
	T("chan", "");
	T("dead", "2");
	T("sleep", "7");
	T("wait>1s", "1");
	T("wait>100ms", "1 7");
	T("stack:consume", "2");
}

static void
test_trace_windows(void **state)
{
	struct fake_dl dl = { .s = NULL };
	struct gx_query_deadlock hook = { .member = fake_member, .ctx = &dl,
	                                  .deadlock_ns = T0 + 1900 * MS };
	struct gx_query_deadlock none = { .member = fake_member, .ctx = &dl,
	                                  .deadlock_ns = GX_TIME_NONE };
	struct gx_query_error err;
	struct gx_query *q;
	struct gx_query_env env = { .store = trace_store, .deadlock = &hook };
	int64_t a, z;

	(void)state;
	dl.s = trace_store;
	dl.cycle[0] = 1;
	dl.stuck[0] = 1;
	dl.stuck[1] = 7;
	/* Alive in the window. */
	T("0s..0.1s", "1 2");
	T("1.55s..", "1 7");
	T("..1s", "1 2");
	T("last 100ms", "1 7");
	T("first 1ms", "1 2");
	/* States inside the window: a span overlapping it. */
	T("mutex 0..0.4s", "");
	T("mutex 0s..0.4s", "");
	T("mutex 0.4s..0.6s", "1");
	T("running 0.4s..0.6s", "1");
	T("running last 1s", "2");
	T("chan 1s..1.25s", "2");
	T("chan 1.2s..1.25s", "");   /* spans are [start, end) */
	T("runnable last 450ms", "7");
	T("runnable last 350ms", "");
	T("not mutex 0.4s..0.6s", "2");
	T("reason:\"chan receive\" ..1s", "2");
	T("reason:running 1.25s..1.26s", "2");
	/* How long a wait had lasted by the window's end. */
	T("wait>1s ..1.1s", "2");
	T("wait>1s ..1.6s", "1 2");
	T("wait<100ms 0.5s..0.55s", "1");
	/* Logs and regions. */
	T("log:/took/", "2");
	T("log:/took/ 0.2s..", "");
	T("log:\"db: query\"", "2");
	T("region:work", "1");
	T("region:work 0.3s..0.35s", "1");
	T("region:work 0.5s..", "");
	T("region:late", "7");
	T("region:late last 10ms", "7");
	T("region:late ..1.65s", "");
	T("region~WOR", "1");
	/* Before the deadlock: [1.89s, 1.9s]. */
	CHECK(trace_store, NULL, "10ms before deadlock", "ERR@0: deadlock analysis not available");
	CHECK(trace_store, &none, "mutex 10ms before deadlock",
	      "ERR@6: no deadlock was found in this input");
	CHECK(trace_store, &hook, "10ms before deadlock", "1 7");
	CHECK(trace_store, &hook, "in:stuck and sleep 10ms before deadlock", "7");
	CHECK(trace_store, &hook, "in:cycle 500ms before deadlock", "1");
	CHECK(trace_store, &hook, "chan 1s before deadlock", "2");
	/* The resolved window. */
	q = gx_query_parse("mutex 10ms before deadlock", &err);
	assert_non_null(q);
	assert_int_equal(gx_query_window(q, &env, &a, &z, &err), 1);
	assert_int_equal(a, T0 + 1890 * MS);
	assert_int_equal(z, T0 + 1900 * MS);
	gx_query_free(q);
	q = gx_query_parse("1.2s..1.5s", &err);
	assert_int_equal(gx_query_window(q, &env, &a, &z, &err), 1);
	assert_int_equal(a, T0 + 1200 * MS);
	assert_int_equal(z, T0 + 1500 * MS);
	gx_query_free(q);
	q = gx_query_parse("last 1m", &err);
	assert_int_equal(gx_query_window(q, &env, &a, &z, &err), 1);
	assert_int_equal(a, T0); /* clamped to the start */
	assert_int_equal(z, T0 + 2 * SEC);
	gx_query_free(q);
	q = gx_query_parse("mutex", &err);
	assert_int_equal(gx_query_window(q, &env, &a, &z, &err), 0);
	gx_query_free(q);
}

static void
test_durations(void **state)
{
	static const struct {
		const char *q;
		int64_t start;
	} c[] = {
		{ "1ns..", 1 }, { "1us..", 1000 }, { "1\xc2\xb5s..", 1000 }, { "1\xce\xbcs..", 1000 },
		{ "1ms..", MS }, { "1s..", SEC }, { "1m..", 60 * SEC }, { "1h..", 3600 * SEC },
		{ "1.5s..", 1500 * MS }, { "0.001s..", MS }, { ".5s..", 500 * MS },
		{ "1m30s..", 90 * SEC }, { "1h1m1s1ms..", 3661 * SEC + MS }, { "2.25ms..", 2250000 },
		{ "0.1ns..", 0 },
	};
	struct gx_query_env env = { .store = trace_store };
	size_t i;

	(void)state;
	for (i = 0; i < GX_ARRAY_SIZE(c); i++) {
		struct gx_query_error err;
		struct gx_query *q = gx_query_parse(c[i].q, &err);
		int64_t a = 0, z = 0;

		if (q == NULL)
			fail_msg("%s: %s", c[i].q, err.msg);
		assert_int_equal(gx_query_window(q, &env, &a, &z, &err), 1);
		if (a - T0 != c[i].start)
			fail_msg("%s: start %lld, want %lld", c[i].q, (long long)(a - T0),
			         (long long)c[i].start);
		gx_query_free(q);
	}
}

static size_t
split(const char *s, struct gx_label **v)
{
	return gx_labels_split(s, strlen(s), v);
}

static void
test_labels_split(void **state)
{
	struct gx_label *v;
	size_t n;

	(void)state;
	n = split("{job: ingest, tenant: \"a b\\\"c\", x: \"\\u00e9\\t\"}", &v);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].key, "job");
	assert_string_equal(v[0].value, "ingest");
	assert_string_equal(v[1].key, "tenant");
	assert_string_equal(v[1].value, "a b\"c");
	assert_string_equal(v[2].key, "x");
	assert_string_equal(v[2].value, "\xc3\xa9\t");
	gx_labels_free(v, n);
	n = split("{\"job\":\"ingest\", \"tenant\":\"acme\"}", &v);
	assert_int_equal(n, 2);
	assert_string_equal(v[1].key, "tenant");
	assert_string_equal(v[1].value, "acme");
	gx_labels_free(v, n);
	n = split("a=1,b=2", &v);
	assert_int_equal(n, 2);
	assert_string_equal(v[1].key, "b");
	assert_string_equal(v[1].value, "2");
	gx_labels_free(v, n);
	/* Damaged: no crash, no endless loop. */
	n = split("{\"unterminated", &v);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].key, "unterminated");
	gx_labels_free(v, n);
	n = gx_labels_split("", 0, &v);
	assert_int_equal(n, 0);
	gx_labels_free(v, n);
}

static void
test_reason_class(void **state)
{
	(void)state;
	assert_string_equal(gx_query_reason_class("chan receive", 12), "chan");
	assert_string_equal(gx_query_reason_class("chan send (durable)", 19), "chan");
	assert_string_equal(gx_query_reason_class("select (no cases)", 17), "select");
	assert_string_equal(gx_query_reason_class("sync.RWMutex.Lock", 17), "mutex");
	assert_string_equal(gx_query_reason_class("IO wait", 7), "io");
	assert_string_equal(gx_query_reason_class("GC sweep wait", 13), "gc");
	assert_string_equal(gx_query_reason_class("brand new reason", 16), "other");
	/* Trace block reasons. */
	assert_string_equal(gx_query_reason_class("network", 7), "io");
	assert_string_equal(gx_query_reason_class("sync.(*Cond).Wait", 17), "cond");
	assert_string_equal(gx_query_reason_class("sync", 4), "sema");
	assert_string_equal(gx_query_reason_class("system goroutine wait", 21), "idle");
	assert_string_equal(gx_query_reason_class("GC background sweeper wait", 26), "gc");
	assert_non_null(gx_query_aliases[0].name);
}

/* A regex that backtracks catastrophically stops at the match limit
 * instead of hanging: it just does not match. */
static void
test_regex_limit(void **state)
{
	(void)state;
	D("stack:/^(a+)+$/", "");
	D("stack:/(x+x+)+y/", "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_too_deep),
		cmocka_unit_test(test_error_format),
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_query_flags),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_wait),
		cmocka_unit_test(test_dump_needs),
		cmocka_unit_test(test_trace_final),
		cmocka_unit_test(test_trace_windows),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_labels_split),
		cmocka_unit_test(test_reason_class),
		cmocka_unit_test(test_regex_limit),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
