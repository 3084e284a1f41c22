/* trace_build.h: a small Go 1.26 trace (two generations, two threads)
 * built byte by byte, for the trace unit tests. What Go makes of it is in
 * trace_decode_test.c (built_go, from `go tool trace -d=parsed`).
 * trace_ids_test.c builds the same trace with other ids (build_trace_ids). */
#ifndef GOTREX_TESTS_TRACE_BUILD_H
#define GOTREX_TESTS_TRACE_BUILD_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gotrex/input.h"
#include "gotrex/store.h"
#include "gotrex/trace2.h"
#include "gotrex/trace_model.h"
#include "gotrex/util.h"

#include "trace_bytes.h"

/* Events: type then varints, ended by END. */
static void
put_ev(struct gx_buf *b, int typ, ...)
{
	va_list ap;
	uint64_t v;

	gx_buf_putc(b, (char)typ);
	va_start(ap, typ);
	while ((v = va_arg(ap, uint64_t)) != END)
		put_uv(b, v);
	va_end(ap);
}

static void
put_batch(struct gx_buf *t, uint64_t gen, uint64_t m, uint64_t time, const struct gx_buf *payload)
{
	gx_buf_putc(t, GX_EV2_EVENT_BATCH);
	put_uv(t, gen);
	put_uv(t, m);
	put_uv(t, time);
	put_uv(t, payload->len);
	gx_buf_append(t, payload->data, payload->len);
}

#define NONE UINT64_MAX

/* The ids in the trace: build_trace uses small_ids, the ones Go's own
 * output for it (built_go) has; trace_ids_test.c gives others. */
struct trace_ids {
	uint64_t g1, g7;          /* goroutines 1 and 7 */
	uint64_t p0, p1;          /* procs 0 and 1 */
	uint64_t m10, m11;        /* threads 10 and 11 */
	uint64_t stk1, stk2;      /* stacks 1 and 2 */
	uint64_t str;             /* string id i becomes str + i (3..8) */
};

static const struct trace_ids small_ids = { 1, 7, 0, 1, 10, 11, 1, 2, 0 };

/* Two Go 1.26 generations on two threads, every id through x; the offset
 * where the first generation ends goes to *gen1_end (if not NULL). */
static void
build_trace_ids(struct gx_buf *t, const struct trace_ids *x, size_t *gen1_end)
{
	struct gx_buf b = { 0 };
	uint64_t gen;

	gx_buf_append(t, "go 1.26 trace\0\0\0", 16);
	for (gen = 1; gen <= 2; gen++) {
		uint64_t base = gen * 1000;

		gx_buf_reset(&b);
		gx_buf_putc(&b, GX_EV2_SYNC);
		put_ev(&b, GX_EV2_FREQUENCY, U(15625000), END);
		put_ev(&b, GX_EV2_CLOCK_SNAPSHOT, U(1), U(base * 64), U(1700000000), U(gen), END);
		put_batch(t, gen, NONE, base, &b);

		/* Thread 10 runs goroutines on P 0. */
		gx_buf_reset(&b);
		if (gen == 1) {
			put_ev(&b, GX_EV2_PROC_STATUS, U(1), x->p0, U(1), END);
			put_ev(&b, GX_EV2_GO_STATUS, U(1), x->g1, x->m10, U(2), END);
			put_ev(&b, GX_EV2_GO_CREATE, U(2), x->g7, x->stk1, x->stk2, END);
			put_ev(&b, GX_EV2_USER_LOG, U(1), U(0), x->str + 4, x->str + 5, x->stk2, END);
			put_ev(&b, GX_EV2_GO_BLOCK, U(5), x->str + 3, x->stk2, END);
			put_ev(&b, GX_EV2_GO_START, U(1), x->g7, U(1), END);
			put_ev(&b, GX_EV2_GO_DESTROY, U(9), END);
			put_ev(&b, GX_EV2_PROC_STOP, U(1), END);
		} else {
			put_ev(&b, GX_EV2_PROC_STATUS, U(1), x->p0, U(2), END);
			put_ev(&b, GX_EV2_PROC_START, U(1), x->p0, U(1), END);
			put_ev(&b, GX_EV2_GO_STATUS, U(1), x->g1, NONE, U(4), END);
			put_ev(&b, GX_EV2_GO_UNBLOCK, U(1), x->g1, U(1), U(0), END);
			put_ev(&b, GX_EV2_GO_START, U(1), x->g1, U(2), END);
			put_ev(&b, GX_EV2_GO_DESTROY, U(3), END);
			put_ev(&b, GX_EV2_PROC_STOP, U(1), END);
		}
		put_batch(t, gen, x->m10, base + 10, &b);

		/* Thread 11 starts P 1, whose ProcStart waits for its status. */
		gx_buf_reset(&b);
		if (gen == 1) {
			put_ev(&b, GX_EV2_PROC_START, U(1), x->p1, U(1), END);
			put_ev(&b, GX_EV2_HEAP_ALLOC, U(2), U(4096), END);
			put_ev(&b, GX_EV2_PROC_STOP, U(1), END);
		} else {
			put_ev(&b, GX_EV2_PROC_STATUS, U(1), x->p1, U(2), END);
			put_ev(&b, GX_EV2_PROC_START, U(1), x->p1, U(1), END);
			put_ev(&b, GX_EV2_PROC_STOP, U(1), END);
		}
		put_batch(t, gen, x->m11, base + 2, &b);
		if (gen == 1) {
			/* P 1's status comes late, on a thread-less batch. */
			gx_buf_reset(&b);
			put_ev(&b, GX_EV2_PROC_STATUS, U(1), x->p1, U(2), END);
			put_batch(t, gen, NONE, base + 1, &b);

			gx_buf_reset(&b);
			gx_buf_putc(&b, GX_EV2_STACKS);
			put_ev(&b, GX_EV2_STACK, x->stk1, U(1), U(0x401000), x->str + 6, x->str + 7, U(10), END);
			put_ev(&b, GX_EV2_STACK, x->stk2, U(1), U(0x401234), x->str + 8, x->str + 7, U(20), END);
			put_batch(t, gen, NONE, base + 100, &b);
		}
		gx_buf_reset(&b);
		gx_buf_putc(&b, GX_EV2_STRINGS);
		if (gen == 1) {
			static const char *const s[] = { "chan receive", "phase", "start \"q\"\n",
			                                 "main.worker", "/tmp/x.go", "main.main" };
			size_t i;

			for (i = 0; i < GX_ARRAY_SIZE(s); i++) {
				put_ev(&b, GX_EV2_STRING, x->str + i + 3, U(strlen(s[i])), END);
				gx_buf_puts(&b, s[i]);
			}
		}
		put_batch(t, gen, NONE, base + 101, &b);
		gx_buf_putc(t, GX_EV2_END_OF_GENERATION);
		if (gen == 1 && gen1_end != NULL)
			*gen1_end = t->len;
	}
	gx_buf_free(&b);
}

/* The trace with small_ids; the offset where the first generation ends in
 * *gen1_end. */
static void
build_trace(struct gx_buf *t, size_t *gen1_end)
{
	build_trace_ids(t, &small_ids, gen1_end);
}

/* The n trace bytes at p through gx_trace_load into a store, written to a
 * new file whose name goes to path (the caller unlinks it) and opened.
 * Inline: trace_decode_test.c does not load. */
static inline struct gx_store *
trace_store_load(const void *p, size_t n, struct gx_diag *d, char *path, size_t pathsz)
{
	struct gx_input *in = gx_input_open_memory("t.out", p, n);
	struct gx_builder *b = gx_builder_new(NULL);
	const char *tmp = getenv("TMPDIR");
	struct gx_store *s;
	int fd;

	snprintf(path, pathsz, "%s/gotrex-trace-test-XXXXXX", tmp != NULL ? tmp : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(gx_trace_load(in, b, d), 0);
	assert_int_equal(gx_builder_write(b, path, NULL, "trace-v2/test", d), 0);
	gx_builder_free(b);
	gx_input_close(in);
	s = gx_store_open(path, d);
	assert_non_null(s);
	return s;
}

#endif
