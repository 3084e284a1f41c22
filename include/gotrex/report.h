/* report: the headless deadlock report of one or more analysed inputs,
 * as text (for people), JSON (for scripts) or OpenMetrics (for
 * Prometheus' textfile collector). Writes into a buffer; never prints.
 *
 * Text from the input is escaped (gx_text_escape for text, JSON string
 * escaping for JSON, label escaping for OpenMetrics). */
#ifndef GOTREX_REPORT_H
#define GOTREX_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "gotrex/util.h"
#include "gotrex/waitgraph.h"

enum gx_report_format {
	GX_REPORT_TEXT = 0,
	GX_REPORT_JSON,
	GX_REPORT_OPENMETRICS,
};

/* One analysed input. */
struct gx_report_input {
	const char *name;                 /* borrowed: the FILE as given */
	const char *joined;               /* borrowed: the dump joined to it, or NULL */
	const struct gx_waitgraph *w;     /* borrowed */
};

struct gx_report_opts {
	enum gx_report_format format;
	bool ascii;                       /* no UTF-8 on the terminal */
	int64_t window_ns;                /* "what they did before": 10 ms by default (0) */
};

/* The whole report of inputs in[0..n): text sections one after the
 * other; JSON one object (n == 1) or an array; OpenMetrics families with
 * a file label, ending with "# EOF". Trace times (the deadlock time, the
 * window before it; JSON "deadlock_ns") count from the trace's first
 * event. A trace joined with a dump says so ("joined", the number of
 * goroutine ids in both). */
void gx_report_write(const struct gx_report_input *in, size_t n,
                     const struct gx_report_opts *o, struct gx_buf *out);

/* Does any input have a stuck set (exit status 1)? */
bool gx_report_any_deadlock(const struct gx_report_input *in, size_t n);

#endif
