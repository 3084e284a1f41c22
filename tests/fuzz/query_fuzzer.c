/* query_fuzzer: the query parser and its error formatting on any bytes,
 * and every query that parses evaluated over a small trace store (spans,
 * a log, a region, labels) with a deadlock hook. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gotrex/diag.h"
#include "gotrex/query.h"
#include "gotrex/store.h"
#include "gotrex/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct gx_store *store;

static bool
member(const void *ctx, enum gx_query_set set, uint32_t g)
{
	(void)ctx;
	return set == GX_QUERY_SET_CYCLE ? g == 0 : g < 2;
}

static const struct gx_query_deadlock hook = {
	.member = member, .ctx = NULL, .deadlock_ns = 1500000000,
};

static void
add(struct gx_builder *b, uint64_t id, enum gx_gstate st, const char *reason, gx_stack stack,
    const char *labels)
{
	struct gx_goroutine_rec g;

	memset(&g, 0, sizeof(g));
	g.id = id;
	g.created_ns = g.ended_ns = g.wait_since_ns = GX_TIME_NONE;
	g.stack = stack;
	g.create_stack = stack;
	g.reason = gx_builder_cstr(b, reason);
	g.labels = labels ? gx_builder_cstr(b, labels) : 0;
	g.state = (uint8_t)st;
	g.count = 1;
	g.wait_ns = 90000000000LL;
	gx_builder_goroutine(b, &g);
}

static void
span(struct gx_builder *b, uint32_t g, int64_t a, int64_t z, enum gx_gstate st, const char *r)
{
	struct gx_span_rec s;

	memset(&s, 0, sizeof(s));
	s.g = g;
	s.start_ns = a;
	s.end_ns = z;
	s.state = (uint8_t)st;
	s.reason = r ? gx_builder_cstr(b, r) : 0;
	gx_builder_span(b, &s);
}

static void
event(struct gx_builder *b, int64_t ns, enum gx_event_kind k, uint32_t g, const char *str)
{
	struct gx_event_rec e;

	memset(&e, 0, sizeof(e));
	e.ns = ns;
	e.kind = k;
	e.g = g;
	e.str = gx_builder_cstr(b, str);
	gx_builder_event(b, &e);
}

static void
make_store(void)
{
	char dir[] = "/tmp/gx-query-fuzz-XXXXXX";
	struct gx_builder *b;
	struct gx_diag d = { 0 };
	struct gx_source_id src;
	struct gx_frame_rec f;
	uint32_t fr[2];
	gx_stack st;
	char *path;

	if (mkdtemp(dir) == NULL)
		abort();
	b = gx_builder_new(dir);
	memset(&f, 0, sizeof(f));
	f.func = gx_builder_cstr(b, "sync.(*Mutex).lockSlow");
	f.file = gx_builder_cstr(b, "/go/src/sync/mutex.go");
	f.line = 171;
	fr[0] = gx_builder_frame(b, &f);
	f.func = gx_builder_cstr(b, "main.(*Bank).Transfer");
	f.file = gx_builder_cstr(b, "/app/bank.go");
	f.line = 42;
	fr[1] = gx_builder_frame(b, &f);
	st = gx_builder_stack(b, fr, 2);
	gx_builder_meta(b)->format = GX_FMT_TRACE_V2;
	gx_builder_meta(b)->start_ns = 0;
	gx_builder_meta(b)->end_ns = 2000000000;
	add(b, 1, GX_G_WAITING, "semacquire", st, "{job: ingest}");
	add(b, 2, GX_G_WAITING, "chan receive", st, "{\"a\":\"b c\"}");
	add(b, 3, GX_G_RUNNING, "", 0, NULL);
	span(b, 0, 0, 500000000, GX_G_RUNNING, NULL);
	span(b, 0, 500000000, 2000000000, GX_G_WAITING, "semacquire");
	span(b, 1, 0, 2000000000, GX_G_WAITING, "chan receive");
	span(b, 2, 1000000000, 2000000000, GX_G_RUNNING, NULL);
	event(b, 100000000, GX_EV_LOG, 1, "db: slow");
	event(b, 200000000, GX_EV_REGION_BEGIN, 0, "work");
	event(b, 300000000, GX_EV_REGION_END, 0, "work");
	event(b, 400000000, GX_EV_REGION_BEGIN, 2, "late");
	path = xasprintf("%s/index", dir);
	memset(&src, 0, sizeof(src));
	if (gx_builder_write(b, path, &src, "fuzz", &d) != 0)
		abort();
	gx_builder_free(b);
	store = gx_store_open(path, &d);
	if (store == NULL)
		abort();
	unlink(path);
	rmdir(dir);
	free(path);
	gx_diag_clear(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gx_query_error err;
	struct gx_query *q;
	char *text, *msg;

	if (store == NULL)
		make_store();
	if (size > 4096)
		return 0;
	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	q = gx_query_parse(text, &err);
	if (q == NULL) {
		/* The position must be inside the text or just past it. */
		if (err.pos > strlen(text) || err.msg[0] == '\0')
			abort();
		msg = gx_query_error_format(text, &err);
		free(msg);
	} else {
		struct gx_query_env env = { .store = store, .deadlock = &hook };
		uint32_t *v = NULL;
		size_t n = 0;
		int64_t a, z;

		(void)gx_query_is_empty(q);
		(void)gx_query_window(q, &env, &a, &z, &err);
		if (gx_query_select(q, &env, &v, &n, &err) < 0 &&
		    (err.pos > strlen(text) || err.msg[0] == '\0'))
			abort();
		if (n > 3)
			abort();
		free(v);
		env.deadlock = NULL;
		(void)gx_query_select(q, &env, &v, &n, &err);
		free(v);
		gx_query_free(q);
	}
	free(text);
	return 0;
}
