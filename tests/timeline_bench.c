/* timeline_bench: what one timeline screen costs on a real trace. A
 * benchmark, not a test (built by make check, not run by it).
 *
 *     tests/timeline_bench TRACE [COLS [ROWS [FRAMES]]]
 *
 * Loads TRACE (through the index cache), takes the ROWS goroutines with
 * the most spans (the worst rows a screen can have), and times the cell
 * computation of whole screens of COLS columns as the timeline pane does
 * it: the first screen at "fit" (summaries built there), then FRAMES
 * redraws at several zoom levels, panning by a quarter of the width (at
 * x1, the fit, there is nothing to pan: the same screen again); for scale, one
 * walk over every span of those rows (what drawing without summaries
 * would cost per screen at least). Times are CPU-bound wall clock. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gotrex/load.h"
#include "gotrex/timeline.h"
#include "gotrex/util.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

struct row {
	size_t g, n;
};

static int
by_spans(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : 0;
}

static unsigned sink;

static void
screen(struct gx_timeline *tl, const struct row *rows, size_t nrows, int64_t t0, int64_t cell,
       uint8_t *cells, size_t cols)
{
	size_t r, c;

	for (r = 0; r < nrows; r++) {
		gx_timeline_row(tl, rows[r].g, t0, cell, cols, cells);
		for (c = 0; c < cols; c++)
			sink += cells[c];
	}
}

int
main(int argc, char **argv)
{
	struct gx_load_opts o = { 0 };
	struct gx_diag d = { 0 };
	struct gx_store *s;
	const struct gx_store_meta *m;
	size_t cols = argc > 2 ? (size_t)atol(argv[2]) : 200;
	size_t nrows = argc > 3 ? (size_t)atol(argv[3]) : 50;
	size_t frames = argc > 4 ? (size_t)atol(argv[4]) : 200;
	size_t ng, i, f, total = 0;
	struct row *rows;
	struct gx_timeline *tl;
	uint8_t *cells;
	int64_t span, fitcell;
	static const int64_t zooms[] = { 1, 16, 256, 4096, 65536 };
	double t;

	if (argc < 2 || cols == 0 || nrows == 0) {
		fprintf(stderr, "usage: timeline_bench TRACE [COLS [ROWS [FRAMES]]]\n");
		return 2;
	}
	t = now_ms();
	s = gx_load(argv[1], &o, &d);
	if (s == NULL) {
		gx_diag_print(&d, stderr);
		return 1;
	}
	printf("load (index cached or built): %.1f ms\n", now_ms() - t);
	m = gx_store_meta(s);
	span = m->end_ns - m->start_ns;
	ng = gx_store_goroutine_count(s);
	rows = xcalloc(ng > 0 ? ng : 1, sizeof(*rows));
	for (i = 0; i < ng; i++) {
		rows[i].g = i;
		gx_store_spans(s, i, &rows[i].n);
	}
	qsort(rows, ng, sizeof(*rows), by_spans);
	if (nrows > ng)
		nrows = ng;
	for (i = 0; i < nrows; i++)
		total += rows[i].n;
	printf("%zu goroutines; the %zu busiest have %zu spans (most: %zu); trace %.3f s; "
	       "screen %zu columns x %zu rows\n", ng, nrows, total, nrows > 0 ? rows[0].n : 0,
	       (double)span / 1e9, cols, nrows);
	cells = xcalloc(cols, 1);
	tl = gx_timeline_new(s, 0);
	fitcell = span / (int64_t)cols + 1;

	t = now_ms();
	screen(tl, rows, nrows, m->start_ns, fitcell, cells, cols);
	printf("first screen at fit (builds %zu summaries, %zu KiB): %.2f ms\n",
	       gx_timeline_builds(tl), gx_timeline_cached_bytes(tl) / 1024, now_ms() - t);
	for (i = 0; i < GX_ARRAY_SIZE(zooms); i++) {
		int64_t cell = fitcell / zooms[i] > 0 ? fitcell / zooms[i] : 1;
		int64_t t0 = m->start_ns, stepns = cell * (int64_t)(cols / 4 > 0 ? cols / 4 : 1);
		double worst = 0, sum = 0;

		for (f = 0; f < frames; f++) {
			double a = now_ms(), e;

			screen(tl, rows, nrows, t0, cell, cells, cols);
			e = now_ms() - a;
			sum += e;
			if (e > worst)
				worst = e;
			/* pan right as the pane does (the window stays inside the
			 * trace); back to the start at the end */
			t0 = t0 + stepns + cell * (int64_t)cols <= m->end_ns ? t0 + stepns : m->start_ns;
		}
		printf("zoom x%-6lld (%lld ns/col): %zu pans, %.3f ms per screen (worst %.3f ms)\n",
		       (long long)zooms[i], (long long)cell, frames, sum / (double)frames, worst);
	}
	/* for scale: one walk over every span of those rows */
	t = now_ms();
	for (i = 0; i < nrows; i++) {
		size_t n, k;
		const struct gx_span_rec *sp = gx_store_spans(s, rows[i].g, &n);

		for (k = 0; k < n; k++)
			sink += sp[k].state + (unsigned)(sp[k].end_ns - sp[k].start_ns);
	}
	printf("one walk over the %zu spans of those rows: %.2f ms\n", total, now_ms() - t);
	gx_timeline_free(tl);
	free(cells);
	free(rows);
	gx_store_close(s);
	gx_diag_clear(&d);
	return sink == 0xdeadbeef;
}
