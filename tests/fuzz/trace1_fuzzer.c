/* libFuzzer target for the v1 (Go 1.11-1.21) trace decoder, ordering,
 * checks and conversion: the bytes are a trace (when they start with
 * "go 1.") or, otherwise, the body of a trace whose header version the
 * first byte picks (11, 19 or 21). Every event is formatted and every view
 * of it taken. Anything may be rejected; nothing may crash, hang or read
 * out of bounds.
 *
 * Seeds: samples/ * /go1.21/trace.out (small real traces). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/diag.h"
#include "gotrex/input.h"
#include "gotrex/trace_order.h"
#include "gotrex/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
views(const struct gx_tev *ev)
{
	struct gx_tev_transition t;
	struct gx_tev_range r;
	struct gx_tev_metric m;
	struct gx_tev_task tk;
	struct gx_tev_region rg;
	struct gx_tev_log l;
	struct gx_tev_sync s;
	struct gx_tev_frame f;
	struct gx_t2_str label;
	int64_t g;
	uint64_t stk = gx_tev_stack(ev);
	size_t i, n = gx_tev_stack_depth(ev, stk);

	(void)gx_tev_transition(ev, &t);
	(void)gx_tev_range(ev, &r);
	(void)gx_tev_metric(ev, &m);
	(void)gx_tev_task(ev, &tk);
	(void)gx_tev_region(ev, &rg);
	(void)gx_tev_log(ev, &l);
	(void)gx_tev_sync(ev, &s);
	(void)gx_tev_label(ev, &label, &g);
	for (i = 0; i <= n; i++)
		(void)gx_tev_stack_frame(ev, stk, i, &f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int versions[] = { 11, 19, 21 };
	struct gx_diag d = { 0 };
	struct gx_input *in;
	struct gx_trace_reader *r;
	struct gx_buf out = { 0 };
	struct gx_tev ev;
	uint8_t *buf;
	size_t n;

	if (size == 0)
		return 0;
	if (size >= 5 && memcmp(data, "go 1.", 5) == 0) {
		buf = xmalloc(size);
		memcpy(buf, data, size);
		n = size;
	} else {
		char hdr[17];

		n = 16 + size - 1;
		buf = xmalloc(n);
		memset(hdr, 0, sizeof(hdr));
		snprintf(hdr, sizeof(hdr), "go 1.%d trace", versions[data[0] % 3]);
		memcpy(buf, hdr, 16);
		memcpy(buf + 16, data + 1, size - 1);
	}
	in = gx_input_open_memory("fuzz.trace", buf, n);
	free(buf);
	r = gx_trace_reader_new(in, &d);
	if (r != NULL) {
		while (gx_trace_reader_next(r, &ev, &d) > 0) {
			gx_tev_format(&ev, &out);
			views(&ev);
			gx_buf_reset(&out);
		}
		gx_trace_reader_free(r);
	}
	gx_buf_free(&out);
	gx_input_close(in);
	gx_diag_clear(&d);
	return 0;
}
