/* trace_build.h: a small Go 1.26 trace (two generations, two threads)
 * built byte by byte, for the trace unit tests. What Go makes of it is in
 * trace_decode_test.c (built_go, from `go tool trace -d=parsed`). */
#ifndef GOTREX_TESTS_TRACE_BUILD_H
#define GOTREX_TESTS_TRACE_BUILD_H

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "gotrex/trace2.h"
#include "gotrex/util.h"

static void
put_uv(struct gx_buf *b, uint64_t v)
{
	do {
		uint8_t c = v & 0x7f;

		v >>= 7;
		if (v != 0)
			c |= 0x80;
		gx_buf_putc(b, (char)c);
	} while (v != 0);
}

/* Events: type then varints, ended by UINT64_MAX - 1 (a marker; -1 itself
 * is a real value). */
#define END (UINT64_MAX - 1)

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

#define U(x) ((uint64_t)(x))
#define NONE UINT64_MAX

/* Two Go 1.26 generations on two threads; returns the offset where the
 * first generation ends in *gen1_end. */
static void
build_trace(struct gx_buf *t, size_t *gen1_end)
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
			put_ev(&b, GX_EV2_PROC_STATUS, U(1), U(0), U(1), END);
			put_ev(&b, GX_EV2_GO_STATUS, U(1), U(1), U(10), U(2), END);
			put_ev(&b, GX_EV2_GO_CREATE, U(2), U(7), U(1), U(2), END);
			put_ev(&b, GX_EV2_USER_LOG, U(1), U(0), U(4), U(5), U(2), END);
			put_ev(&b, GX_EV2_GO_BLOCK, U(5), U(3), U(2), END);
			put_ev(&b, GX_EV2_GO_START, U(1), U(7), U(1), END);
			put_ev(&b, GX_EV2_GO_DESTROY, U(9), END);
			put_ev(&b, GX_EV2_PROC_STOP, U(1), END);
		} else {
			put_ev(&b, GX_EV2_PROC_STATUS, U(1), U(0), U(2), END);
			put_ev(&b, GX_EV2_PROC_START, U(1), U(0), U(1), END);
			put_ev(&b, GX_EV2_GO_STATUS, U(1), U(1), NONE, U(4), END);
			put_ev(&b, GX_EV2_GO_UNBLOCK, U(1), U(1), U(1), U(0), END);
			put_ev(&b, GX_EV2_GO_START, U(1), U(1), U(2), END);
			put_ev(&b, GX_EV2_GO_DESTROY, U(3), END);
			put_ev(&b, GX_EV2_PROC_STOP, U(1), END);
		}
		put_batch(t, gen, 10, base + 10, &b);

		/* Thread 11 starts P 1, whose ProcStart waits for its status. */
		gx_buf_reset(&b);
		if (gen == 1) {
			put_ev(&b, GX_EV2_PROC_START, U(1), U(1), U(1), END);
			put_ev(&b, GX_EV2_HEAP_ALLOC, U(2), U(4096), END);
			put_ev(&b, GX_EV2_PROC_STOP, U(1), END);
		} else {
			put_ev(&b, GX_EV2_PROC_STATUS, U(1), U(1), U(2), END);
			put_ev(&b, GX_EV2_PROC_START, U(1), U(1), U(1), END);
			put_ev(&b, GX_EV2_PROC_STOP, U(1), END);
		}
		put_batch(t, gen, 11, base + 2, &b);
		if (gen == 1) {
			/* P 1's status comes late, on a thread-less batch. */
			gx_buf_reset(&b);
			put_ev(&b, GX_EV2_PROC_STATUS, U(1), U(1), U(2), END);
			put_batch(t, gen, NONE, base + 1, &b);

			gx_buf_reset(&b);
			gx_buf_putc(&b, GX_EV2_STACKS);
			put_ev(&b, GX_EV2_STACK, U(1), U(1), U(0x401000), U(6), U(7), U(10), END);
			put_ev(&b, GX_EV2_STACK, U(2), U(1), U(0x401234), U(8), U(7), U(20), END);
			put_batch(t, gen, NONE, base + 100, &b);
		}
		gx_buf_reset(&b);
		gx_buf_putc(&b, GX_EV2_STRINGS);
		if (gen == 1) {
			static const char *const s[] = { "chan receive", "phase", "start \"q\"\n",
			                                 "main.worker", "/tmp/x.go", "main.main" };
			size_t i;

			for (i = 0; i < GX_ARRAY_SIZE(s); i++) {
				put_ev(&b, GX_EV2_STRING, U(i + 3), U(strlen(s[i])), END);
				gx_buf_puts(&b, s[i]);
			}
		}
		put_batch(t, gen, NONE, base + 101, &b);
		gx_buf_putc(t, GX_EV2_END_OF_GENERATION);
		if (gen == 1)
			*gen1_end = t->len;
	}
	gx_buf_free(&b);
}

#endif
