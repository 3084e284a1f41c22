/* cmd_report: `gotrex report [--json | --format=text|json|openmetrics]
 * [--no-cache] FILE...`: the deadlock report of each input.
 *
 * Exit status: 0 when no input has a stuck goroutine, 1 when one has
 * (a deadlock, a leak, a stuck set), 2 on an error (bad usage, an input
 * that cannot be loaded, output that cannot be written). */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/cli.h"
#include "gotrex/diag.h"
#include "gotrex/load.h"
#include "gotrex/report.h"
#include "gotrex/store.h"
#include "gotrex/util.h"
#include "gotrex/waitgraph.h"

static void
usage(FILE *f)
{
	fprintf(f,
	        "usage: gotrex report [--json | --format=text|json|openmetrics] [--no-cache] [--no-join] FILE...\n"
	        "\n"
	        "Find deadlocks: wait-for cycles, goroutines stuck for good, a fingerprint\n"
	        "of the hang. An execution trace and a goroutine dump of the same process\n"
	        "(goroutine ids in common) make one report: the dump's frame arguments give\n"
	        "the trace's goroutines the addresses of what they wait on (--no-join: two\n"
	        "reports). Exit status: 0 nothing stuck, 1 stuck goroutines found, 2 error.\n");
}

static bool
is_trace(const struct gx_store *s)
{
	const struct gx_store_meta *m = gx_store_meta(s);

	return m != NULL && (m->format == GX_FMT_TRACE_V2 || m->format == GX_FMT_TRACE_V1);
}

static bool
is_dump(const struct gx_store *s)
{
	const struct gx_store_meta *m = gx_store_meta(s);

	return m != NULL && m->format == GX_FMT_DUMP_TEXT;
}

/* Are they of one process: do most of the dump's goroutine ids (at
 * least one) exist in the trace, which saw every goroutine alive? */
static bool
share_ids(const struct gx_store *trace, const struct gx_store *dump)
{
	size_t n = gx_store_goroutine_count(dump), hit = 0, real = 0;

	for (size_t i = 0; i < n; i++) {
		const struct gx_goroutine_rec *g = gx_store_goroutine(dump, i);

		if (g->flags & GX_G_SYNTH_ID)
			continue;
		real++;
		if (gx_store_find_goroutine(trace, g->id) != GX_NONE32)
			hit++;
	}
	return hit > 0 && 2 * hit > real;
}

int
gx_cmd_report(int argc, char **argv)
{
	struct gx_load_opts lo = { 0 };
	struct gx_report_opts ro = { 0 };
	struct gx_diag d = { 0 };
	struct gx_buf out = { 0 };
	const char **paths = xcalloc((size_t)argc + 1, sizeof *paths);
	struct gx_store **stores;
	struct gx_report_input *in;
	const char **names;
	size_t npaths = 0, nin = 0, nstores = 0;
	bool opts = true, failed = false, no_join = false;
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (opts && strcmp(a, "--json") == 0) {
			ro.format = GX_REPORT_JSON;
		} else if (opts && strncmp(a, "--format=", 9) == 0) {
			if (strcmp(a + 9, "text") == 0)
				ro.format = GX_REPORT_TEXT;
			else if (strcmp(a + 9, "json") == 0)
				ro.format = GX_REPORT_JSON;
			else if (strcmp(a + 9, "openmetrics") == 0)
				ro.format = GX_REPORT_OPENMETRICS;
			else {
				fprintf(stderr, "gotrex report: unknown format '%s'\n", a + 9);
				usage(stderr);
				free(paths);
				return 2;
			}
		} else if (opts && strcmp(a, "--no-cache") == 0) {
			lo.no_cache = true;
		} else if (opts && strcmp(a, "--no-join") == 0) {
			no_join = true;
		} else if (opts && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
			usage(stdout);
			free(paths);
			return 0;
		} else if (opts && strcmp(a, "--") == 0) {
			opts = false;
		} else if (opts && a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "gotrex report: unknown option '%s'\n", a);
			usage(stderr);
			free(paths);
			return 2;
		} else {
			paths[npaths++] = a;
		}
	}
	if (npaths == 0) {
		usage(stderr);
		free(paths);
		return 2;
	}
	ro.ascii = gx_cli_ascii();

	stores = xcalloc(npaths, sizeof *stores);
	in = xcalloc(npaths, sizeof *in);
	names = xcalloc(npaths, sizeof *names);
	for (size_t i = 0; i < npaths; i++) {
		struct gx_store *s = gx_load(paths[i], &lo, &d);

		if (s == NULL) {
			if (d.n == 0)
				fprintf(stderr, "gotrex report: %s: cannot load\n", paths[i]);
			failed = true;
			continue;
		}
		names[nstores] = paths[i];
		stores[nstores++] = s;
	}
	/* One trace and one dump of the same process: one joined report. */
	if (nstores == 2 && !no_join) {
		int t = is_trace(stores[0]) ? 0 : is_trace(stores[1]) ? 1 : -1;

		if (t >= 0 && is_dump(stores[1 - t]) && share_ids(stores[t], stores[1 - t])) {
			in[0].name = names[t];
			in[0].joined = names[1 - t];
			in[0].w = gx_waitgraph_build_joined(stores[t], stores[1 - t]);
			nin = 1;
		}
	}
	if (nin == 0) {
		for (size_t i = 0; i < nstores; i++) {
			in[nin].name = names[i];
			in[nin].w = gx_waitgraph_build(stores[i]);
			nin++;
		}
	}
	gx_diag_print(&d, stderr);

	gx_report_write(in, nin, &ro, &out);
	rc = failed ? 2 : gx_report_any_deadlock(in, nin) ? 1 : 0;
	if (out.len > 0 && fwrite(out.data, 1, out.len, stdout) != out.len)
		rc = 2;
	if (fflush(stdout) != 0)
		rc = 2;

	for (size_t i = 0; i < nin; i++)
		gx_waitgraph_free((struct gx_waitgraph *)in[i].w);
	for (size_t i = 0; i < nstores; i++)
		gx_store_close(stores[i]);
	free(names);
	gx_buf_free(&out);
	gx_diag_clear(&d);
	free(stores);
	free(in);
	free(paths);
	return rc;
}
