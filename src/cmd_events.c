/* cmd_events: `gotrex events FILE` prints the ordered events of a Go
 * execution trace (v1 traces, Go 1.11-1.21, come converted by trace1.h),
 * one Event.String() per event, in exactly the text of
 * `go tool trace -d=parsed FILE` (compare with TZ=UTC), so the two can be
 * diffed. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "gotrex/cli.h"
#include "gotrex/diag.h"
#include "gotrex/input.h"
#include "gotrex/trace_order.h"
#include "gotrex/util.h"


static void
events_usage(FILE *f)
{
	fprintf(f, "usage: gotrex events [--stats] [--count] FILE\n"
	           "Print the events of a Go execution trace (Go 1.11 and newer; traces of\n"
	           "Go 1.21 and older are converted as Go does) in the order and text of\n"
	           "`go tool trace -d=parsed FILE`. --stats adds a summary on stderr;\n"
	           "--count decodes and orders without printing the events (for timing).\n");
}

int
gx_cmd_events(int argc, char **argv)
{
	struct gx_diag d = { 0 };
	struct gx_input *in;
	struct gx_trace_reader *r;
	struct gx_buf out = { 0 };
	struct gx_tev ev;
	const char *path = NULL;
	bool stats = false, count = false;
	int i, rc, status = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--stats") == 0) {
			stats = true;
		} else if (strcmp(argv[i], "--count") == 0) {
			count = true;
			stats = true;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			events_usage(stdout);
			return 0;
		} else if (path == NULL && (argv[i][0] != '-' || strcmp(argv[i], "-") == 0)) {
			path = argv[i];
		} else {
			events_usage(stderr);
			return 2;
		}
	}
	if (path == NULL) {
		events_usage(stderr);
		return 2;
	}
	in = gx_input_open(path, &d);
	if (in == NULL) {
		gx_diag_print(&d, stderr);
		gx_diag_clear(&d);
		return 1;
	}
	r = gx_trace_reader_new(in, &d);
	if (r == NULL) {
		gx_diag_print(&d, stderr);
		gx_diag_clear(&d);
		gx_input_close(in);
		return 1;
	}
	while ((rc = gx_trace_reader_next(r, &ev, &d)) > 0) {
		if (count)
			continue;
		gx_tev_format(&ev, &out);
		gx_buf_putc(&out, '\n');
		if (out.len >= 1 << 16) {
			fwrite(out.data, 1, out.len, stdout);
			gx_buf_reset(&out);
		}
	}
	if (out.len > 0)
		fwrite(out.data, 1, out.len, stdout);
	gx_buf_free(&out);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "gotrex: events: error writing the output\n");
		status = 1;
	}
	if (stats) {
		struct gx_trace_stats st;

		gx_trace_reader_stats(r, &st);
		fprintf(stderr, "go 1.%d trace: %llu events, %llu complete generations, "
		        "%llu bytes used, %llu bytes lost%s\n", gx_trace_reader_version(r),
		        (unsigned long long)st.events, (unsigned long long)st.generations,
		        (unsigned long long)st.valid_bytes, (unsigned long long)st.lost_bytes,
		        st.truncated ? " (truncated)" : "");
		if (st.max_gen_bytes > 0)
			fprintf(stderr, "largest generation: %llu bytes\n",
			        (unsigned long long)st.max_gen_bytes);
	}
	gx_diag_print(&d, stderr);
	if (rc < 0 || d.errors > 0)
		status = 1;
	gx_diag_clear(&d);
	gx_trace_reader_free(r);
	gx_input_close(in);
	return status;
}
