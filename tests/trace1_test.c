/* Unit tests of the v1 (Go 1.11-1.21) trace reader: header versions, a
 * small Go 1.21 trace built here byte by byte (expected text from
 * `go tool trace -d=parsed` of Go 1.26: GX_TRACE1_WRITE=DIR writes the
 * traces built here into DIR to run it on), cut at every byte and with
 * every byte changed (no crash, damage reported at a byte offset, what is
 * sound kept), regions. */
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
#include "gotrex/input.h"
#include "gotrex/trace1.h"
#include "gotrex/trace_order.h"
#include "gotrex/util.h"

#include "trace_bytes.h"

/* ------------------------------------------------------------------ */
/* Building v1 traces */

/* An event: type, then dt and its arguments (ended by END), encoded the
 * way the Go 1.21 runtime does: up to 3 values inline with their count in
 * the top two bits of the type byte, more behind a byte length. */
static void
ev(struct gx_buf *b, int typ, ...)
{
	struct gx_buf vals = { 0 };
	va_list ap;
	uint64_t v;
	int n = 0;

	va_start(ap, typ);
	while ((v = va_arg(ap, uint64_t)) != END) {
		put_uv(&vals, v);
		n++;
	}
	va_end(ap);
	if (n >= 1 && n <= 3) {
		gx_buf_putc(b, (char)(typ | (n - 1) << 6));
	} else {
		gx_buf_putc(b, (char)(typ | 3 << 6));
		put_uv(b, vals.len);
	}
	gx_buf_append(b, vals.data, vals.len);
	gx_buf_free(&vals);
}

static void
batch(struct gx_buf *b, uint64_t p, uint64_t ticks)
{
	gx_buf_putc(b, 0x41);
	put_uv(b, p);
	put_uv(b, ticks);
}

static void
str(struct gx_buf *b, uint64_t id, const char *s)
{
	gx_buf_putc(b, 0x25);
	put_uv(b, id);
	put_uv(b, strlen(s));
	gx_buf_puts(b, s);
}

enum {
	FREQ = 2, STACK = 3, GOMAXPROCS = 4, PROC_START = 5, PROC_STOP = 6,
	GC_START = 7, GC_DONE = 8, STW_START = 9, STW_DONE = 10, GO_CREATE = 13,
	GO_START = 14, GO_END = 15, GO_SCHED = 17, GO_BLOCK = 20, GO_BLOCK_SEND = 22,
	GO_SYSCALL = 28, GO_SYS_BLOCK = 30, GO_WAITING = 31, GO_IN_SYSCALL = 32,
	HEAP_ALLOC = 33, GO_START_LOCAL = 38, GO_UNBLOCK_LOCAL = 39,
	GO_SYS_EXIT = 29, GO_START_LABEL = 41, USER_TASK_CREATE = 45,
	USER_TASK_END = 46, USER_REGION = 47, USER_LOG = 48, CPU_SAMPLE = 49,
};

/* Two Ps: the start-up burst (goroutines 1 to 4 exist, 2 waits, 4 is in a
 * syscall, 1 runs), then goroutine creation, a task with a region and a
 * log, a syscall that did not block and one that did, a labelled start, a
 * channel send block, STW, GC, Gosched, a CPU sample; strings and stacks
 * inline and at the end, the frequency last. */
static void
build(struct gx_buf *t)
{
	gx_buf_append(t, "go 1.21 trace\0\0\0", 16);
	batch(t, 0, 1000);
	str(t, 1, "main.main");
	str(t, 2, "/src/main.go");
	str(t, 3, "task");
	str(t, 4, "region");
	str(t, 5, "cat");
	str(t, 6, "GC (dedicated)");
	ev(t, GO_CREATE, U(1), U(1), U(1), U(0), END);
	ev(t, GO_CREATE, U(1), U(2), U(1), U(0), END);
	ev(t, GO_WAITING, U(1), U(2), END);
	ev(t, GO_CREATE, U(1), U(3), U(1), U(0), END);
	ev(t, GO_CREATE, U(1), U(4), U(1), U(0), END);
	ev(t, GO_IN_SYSCALL, U(1), U(4), END);
	ev(t, PROC_START, U(1), U(7), END);
	ev(t, GO_START, U(1), U(1), U(1), END);
	ev(t, GOMAXPROCS, U(1), U(2), U(0), END);
	ev(t, HEAP_ALLOC, U(5), U(4096), END);
	ev(t, GO_CREATE, U(5), U(5), U(1), U(2), END);
	ev(t, USER_TASK_CREATE, U(1), U(1), U(0), U(3), U(2), END);
	ev(t, USER_REGION, U(1), U(1), U(0), U(4), U(2), END);
	ev(t, USER_LOG, U(1), U(1), U(5), U(2), END);
	put_uv(t, 5);
	gx_buf_puts(t, "hello");
	ev(t, USER_REGION, U(1), U(1), U(1), U(4), U(2), END);
	ev(t, USER_TASK_END, U(1), U(1), U(2), END);
	ev(t, CPU_SAMPLE, U(0), U(1020), U(0), U(1), U(2), END);
	ev(t, GO_SYSCALL, U(1), U(2), END);
	ev(t, GO_SYSCALL, U(3), U(2), END);
	ev(t, GO_SYS_BLOCK, U(2), END);
	ev(t, GO_START_LABEL, U(2), U(5), U(1), U(6), END);
	ev(t, GO_BLOCK_SEND, U(3), U(2), END);
	ev(t, GO_SYS_EXIT, U(2), U(1), U(2), U(1033), END);
	ev(t, GO_START_LOCAL, U(1), U(1), END);
	ev(t, GO_UNBLOCK_LOCAL, U(2), U(5), U(2), END);
	ev(t, STW_START, U(1), U(1), END);
	ev(t, STW_DONE, U(1), END);
	ev(t, GC_START, U(1), U(0), U(2), END);
	ev(t, GC_DONE, U(2), END);
	ev(t, GO_SCHED, U(1), U(2), END);
	ev(t, GO_START, U(1), U(5), U(3), END);
	ev(t, GO_END, U(1), END);
	ev(t, PROC_STOP, U(1), END);
	batch(t, 1, 1100);
	ev(t, PROC_START, U(0), U(8), END);
	ev(t, GO_START, U(1), U(3), U(1), END);
	ev(t, GO_BLOCK, U(1), U(0), END);
	ev(t, PROC_STOP, U(1), END);
	batch(t, 0, 2000);
	ev(t, STACK, U(1), U(1), U(0x1000), U(1), U(2), U(10), END);
	ev(t, STACK, U(2), U(2), U(0x2000), U(1), U(2), U(20), U(0x1000), U(1), U(2), U(10), END);
	gx_buf_putc(t, FREQ);
	put_uv(t, 15625000);
}

/* `TZ=UTC go tool trace -d=parsed` (Go 1.26) of build(). */
static const char built_go[] =
#include "trace1_built.inc"
	;

struct run {
	struct gx_diag d;
	struct gx_buf text;
	struct gx_trace_stats st;
	int rc;
	bool opened;
	size_t events;
};

/* With GX_TRACE1_WRITE=DIR, write t to DIR/name (to run Go on it). */
static void
save(const struct gx_buf *t, const char *name)
{
	const char *dir = getenv("GX_TRACE1_WRITE");
	char path[4096];
	FILE *f;

	if (dir == NULL)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(t->data, 1, t->len, f), t->len);
	fclose(f);
}

static void
run_bytes(struct run *r, const void *p, size_t n)
{
	struct gx_input *in = gx_input_open_memory("t.trace", p, n);
	struct gx_trace_reader *tr;
	struct gx_tev e;

	memset(r, 0, sizeof(*r));
	tr = gx_trace_reader_new(in, &r->d);
	r->opened = tr != NULL;
	if (tr != NULL) {
		while ((r->rc = gx_trace_reader_next(tr, &e, &r->d)) > 0) {
			gx_tev_format(&e, &r->text);
			gx_buf_putc(&r->text, '\n');
			r->events++;
		}
		/* It keeps saying the same after the end. */
		assert_int_equal(gx_trace_reader_next(tr, &e, &r->d), r->rc);
		gx_trace_reader_stats(tr, &r->st);
		gx_trace_reader_free(tr);
	}
	gx_input_close(in);
}

static void
run_free(struct run *r)
{
	gx_diag_clear(&r->d);
	gx_buf_free(&r->text);
}

static const char *
text(const struct run *r)
{
	return r->text.data != NULL ? r->text.data : "";
}

/* ------------------------------------------------------------------ */

static void
test_header(void **state)
{
	struct gx_t2_err err;
	struct gx_diag d = { 0 };
	struct gx_input *in;

	(void)state;
	assert_int_equal(gx_t1_read_header((const uint8_t *)"go 1.11 trace\0\0\0", 16, &err), 11);
	assert_int_equal(gx_t1_read_header((const uint8_t *)"go 1.19 trace\0\0\0", 16, &err), 19);
	assert_int_equal(gx_t1_read_header((const uint8_t *)"go 1.21 trace\0\0\0", 16, &err), 21);
	/* v2 headers and non-traces are not ours. */
	assert_int_equal(gx_t1_read_header((const uint8_t *)"go 1.22 trace\0\0\0", 16, &err), 0);
	assert_int_equal(gx_t1_read_header((const uint8_t *)"go 1.26 trace\0\0\0", 16, &err), 0);
	assert_int_equal(gx_t1_read_header((const uint8_t *)"goroutine 1 [ru", 15, &err), 0);
	assert_int_equal(gx_t1_read_header((const uint8_t *)"go 1.21 traceXXX", 16, &err), 0);
	/* Go 1.5-1.10 and unknown old minors: rejected, naming what is read. */
	assert_int_equal(gx_t1_read_header((const uint8_t *)"go 1.5 trace\0\0\0\0", 16, &err), -1);
	assert_non_null(strstr(err.msg, "go 1.5"));
	assert_non_null(strstr(err.msg, "go 1.11 to 1.26"));
	assert_int_equal(gx_t1_read_header((const uint8_t *)"go 1.10 trace\0\0\0", 16, &err), -1);
	assert_int_equal(gx_t1_read_header((const uint8_t *)"go 1.20 trace\0\0\0", 16, &err), -1);

	/* Through the trace reader: an error naming the file. */
	in = gx_input_open_memory("old.trace", "go 1.10 trace\0\0\0\x41\x00\x01", 19);
	assert_null(gx_trace_reader_new(in, &d));
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.v[0].source, "old.trace");
	assert_non_null(strstr(d.v[0].message, "unsupported trace version go 1.10"));
	gx_input_close(in);
	gx_diag_clear(&d);
}

static void
test_built(void **state)
{
	struct gx_buf t = { 0 };
	struct run r;

	(void)state;
	setenv("TZ", "UTC", 1);
	build(&t);
	save(&t, "built.trace");
	run_bytes(&r, t.data, t.len);
	assert_true(r.opened);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.d.n, 0);
	assert_string_equal(text(&r), built_go);
	assert_true(r.st.generations == 1);
	assert_false(r.st.truncated);
	assert_true(r.st.lost_bytes == 0);
	run_free(&r);
	gx_buf_free(&t);
}

/* Cut at every byte: never a crash; a cut anywhere but between events
 * names its offset; every cut loses bytes or events and says so. */
static void
test_truncate_every_byte(void **state)
{
	struct gx_buf t = { 0 };
	struct run full, r;
	size_t cut;

	(void)state;
	setenv("TZ", "UTC", 1);
	build(&t);
	run_bytes(&full, t.data, t.len);
	for (cut = 0; cut < t.len; cut++) {
		run_bytes(&r, t.data, cut);
		if (cut < 16) {
			assert_false(r.opened);
			assert_true(r.d.errors == 1);
			run_free(&r);
			continue;
		}
		assert_true(r.opened);
		assert_int_equal(r.rc, 0);
		assert_true(r.d.errors == 0);
		if (cut > 16) {
			/* No frequency at least: a warning. */
			assert_true(r.d.n >= 1);
			assert_int_equal(r.d.v[0].severity, GX_WARNING);
			assert_true(r.st.truncated);
			assert_true(r.st.generations == 0);
		}
		/* Never more events than the whole trace. */
		assert_true(r.events <= full.events);
		run_free(&r);
	}
	run_free(&full);
	gx_buf_free(&t);
}

/* Every byte changed to a few values: never a crash or a hang, and an
 * entry in the diagnostics whenever the text differs. */
static void
test_corrupt(void **state)
{
	static const uint8_t vals[] = { 0x00, 0xff, 0x7f, 0x80, 0x41, 0xc3 };
	struct gx_buf t = { 0 };
	struct run full, r;
	size_t i, k;

	(void)state;
	setenv("TZ", "UTC", 1);
	build(&t);
	run_bytes(&full, t.data, t.len);
	for (i = 16; i < t.len; i++) {
		for (k = 0; k < GX_ARRAY_SIZE(vals); k++) {
			uint8_t *c = xmalloc(t.len);

			memcpy(c, t.data, t.len);
			if (c[i] == vals[k]) {
				free(c);
				continue;
			}
			c[i] = vals[k];
			run_bytes(&r, c, t.len);
			assert_true(r.opened);
			if (r.d.n == 0 && r.rc == 0 && strcmp(text(&r), text(&full)) != 0) {
				/* A changed value that is still a valid trace (an
				 * argument, a time delta, a string byte). */
				assert_true(r.st.generations == 1);
			}
			if (r.d.n > 0)
				assert_true(r.d.v[0].offset == GX_NOWHERE || r.d.v[0].offset < t.len);
			run_free(&r);
			free(c);
		}
	}
	run_free(&full);
	gx_buf_free(&t);
}

/* A trace whose order cannot be made consistent (a GoStart for a sequence
 * number nobody reaches): the events before are kept, the warning names
 * the stuck event's offset. */
static void
test_no_order(void **state)
{
	struct gx_buf t = { 0 };
	struct run r;
	size_t stuck;

	(void)state;
	gx_buf_append(&t, "go 1.21 trace\0\0\0", 16);
	batch(&t, 0, 100);
	ev(&t, GO_CREATE, U(1), U(1), U(0), U(0), END);
	ev(&t, PROC_START, U(1), U(3), END);
	ev(&t, GOMAXPROCS, U(1), U(1), U(0), END);
	stuck = t.len;
	ev(&t, GO_START, U(1), U(1), U(7), END);
	gx_buf_putc(&t, FREQ);
	put_uv(&t, 1000000000);
	run_bytes(&r, t.data, t.len);
	assert_true(r.opened);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.d.n, 1);
	assert_true(r.d.v[0].offset == stuck);
	assert_non_null(strstr(r.d.v[0].message, "no consistent ordering"));
	/* Sync, ProcStatus, Sync: GoCreate and Gomaxprocs belong to the
	 * start-up burst and make no event of their own; goroutine 1 gets its
	 * Runnable status at the Gomaxprocs. */
	assert_string_equal(text(&r),
		"M=-1 P=-1 G=-1 Sync Time=-1 N=1\n"
		"M=3 P=0 G=-1 StateTransition Time=1 ProcID=0 Undetermined->Running Reason=\"\"\n"
		"M=-1 P=-1 G=-1 StateTransition Time=2 GoID=1 Undetermined->Runnable Reason=\"\"\n"
		"M=-1 P=-1 G=-1 Sync Time=3 N=2\n");
	run_free(&r);
	gx_buf_free(&t);
}

/* Nested regions in two goroutines; then an end that does not match the
 * innermost region: the events before it are kept, the warning names its
 * offset. */
static void
regions_trace(struct gx_buf *t, bool misuse, size_t *bad)
{
	gx_buf_append(t, "go 1.21 trace\0\0\0", 16);
	batch(t, 0, 100);
	str(t, 1, "outer");
	str(t, 2, "inner");
	ev(t, GO_CREATE, U(1), U(1), U(0), U(0), END);
	ev(t, GO_CREATE, U(1), U(2), U(0), U(0), END);
	ev(t, PROC_START, U(1), U(3), END);
	ev(t, GO_START, U(1), U(1), U(1), END);
	ev(t, GOMAXPROCS, U(1), U(1), U(0), END);
	ev(t, USER_REGION, U(1), U(0), U(0), U(1), U(0), END);
	ev(t, USER_REGION, U(1), U(0), U(0), U(2), U(0), END);
	ev(t, GO_SCHED, U(1), U(0), END);
	ev(t, GO_START, U(1), U(2), U(1), END);
	ev(t, USER_REGION, U(1), U(0), U(0), U(1), U(0), END);
	ev(t, USER_REGION, U(1), U(0), U(1), U(1), U(0), END);
	ev(t, GO_END, U(1), END);
	ev(t, GO_START, U(1), U(1), U(2), END);
	*bad = t->len;
	ev(t, USER_REGION, U(1), U(0), U(1), U(misuse ? 1 : 2), U(0), END);
	ev(t, USER_REGION, U(1), U(0), U(1), U(1), U(0), END);
	ev(t, GO_END, U(1), END);
	ev(t, PROC_STOP, U(1), END);
	gx_buf_putc(t, FREQ);
	put_uv(t, 1000000000);
}

static void
test_regions(void **state)
{
	struct gx_buf t = { 0 };
	struct run r;
	size_t bad;

	(void)state;
	regions_trace(&t, false, &bad);
	save(&t, "regions.trace");
	run_bytes(&r, t.data, t.len);
	assert_int_equal(r.d.n, 0);
	assert_true(r.st.generations == 1);
	assert_non_null(strstr(text(&r), "RegionEnd Time=13 Task=0 Type=\"inner\""));
	assert_non_null(strstr(text(&r), "RegionEnd Time=14 Task=0 Type=\"outer\""));
	run_free(&r);
	gx_buf_free(&t);

	regions_trace(&t, true, &bad);
	save(&t, "regions-misuse.trace");
	run_bytes(&r, t.data, t.len);
	assert_int_equal(r.d.n, 1);
	assert_true(r.d.v[0].offset == bad);
	assert_non_null(strstr(r.d.v[0].message, "misuse of region in goroutine 1"));
	assert_null(strstr(text(&r), "RegionEnd Time=13"));
	assert_non_null(strstr(text(&r), "GoID=1 Runnable->Running"));
	run_free(&r);
	gx_buf_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_built),
		cmocka_unit_test(test_truncate_every_byte),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_no_order),
		cmocka_unit_test(test_regions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
