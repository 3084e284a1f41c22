/* libFuzzer target for the v2 trace decoder and the ordering: the bytes
 * are a trace (when they start with "go 1.") or, otherwise, the body of a
 * trace whose header version the first byte picks (22, 23, 25 or 26, so
 * that random inputs get past the header). Every event is formatted and
 * every view of it taken. Anything may be rejected; nothing may crash,
 * hang or read out of bounds. Every other input also goes through the
 * loader (trace_model) into a store builder.
 *
 * Seeds: the hand-made example and small real traces (tests/data). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/diag.h"
#include "gotrex/input.h"
#include "gotrex/store.h"
#include "gotrex/trace_model.h"
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
	static const int versions[] = { 22, 23, 25, 26 };
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
		snprintf(hdr, sizeof(hdr), "go 1.%d trace", versions[data[0] % 4]);
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
	if (size % 2 == 1) {
		struct gx_builder *b = gx_builder_new(NULL);

		if (size >= 5 && memcmp(data, "go 1.", 5) == 0) {
			in = gx_input_open_memory("fuzz.trace", data, size);
		} else {
			buf = xmalloc(16 + size - 1);
			memset(buf, 0, 16);
			snprintf((char *)buf, 16, "go 1.%d trace", versions[data[0] % 4]);
			memcpy(buf + 16, data + 1, size - 1);
			in = gx_input_open_memory("fuzz.trace", buf, 16 + size - 1);
			free(buf);
		}
		(void)gx_trace_load(in, b, &d);
		gx_builder_free(b);
		gx_input_close(in);
		gx_diag_clear(&d);
	}
	return 0;
}
