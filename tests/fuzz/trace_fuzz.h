/* trace_fuzz.h: what the trace fuzzers share (included by each target,
 * not a module): turning fuzz bytes into a trace input, and decoding,
 * formatting and taking every view of every event. */
#ifndef GOTREX_TESTS_TRACE_FUZZ_H
#define GOTREX_TESTS_TRACE_FUZZ_H

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

/* The bytes as a trace input: as they are when they start with "go 1.",
 * otherwise the body of a trace whose header version the first byte picks
 * from versions[], so that random inputs get past the header. size > 0. */
static struct gx_input *
fuzz_trace_input(const uint8_t *data, size_t size, const int *versions, size_t nversions)
{
	struct gx_input *in;
	uint8_t *buf;
	char hdr[17];

	if (size >= 5 && memcmp(data, "go 1.", 5) == 0)
		return gx_input_open_memory("fuzz.trace", data, size);
	buf = xmalloc(16 + size - 1);
	memset(hdr, 0, sizeof(hdr));
	snprintf(hdr, sizeof(hdr), "go 1.%d trace", versions[data[0] % nversions]);
	memcpy(buf, hdr, 16);
	memcpy(buf + 16, data + 1, size - 1);
	in = gx_input_open_memory("fuzz.trace", buf, 16 + size - 1);
	free(buf);
	return in;
}

/* Decode and order every event, format it and take every view of it. */
static void
fuzz_trace_events(const uint8_t *data, size_t size, const int *versions, size_t nversions)
{
	struct gx_diag d = { 0 };
	struct gx_input *in = fuzz_trace_input(data, size, versions, nversions);
	struct gx_trace_reader *r = gx_trace_reader_new(in, &d);
	struct gx_buf out = { 0 };
	struct gx_tev ev;

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
}

#endif
