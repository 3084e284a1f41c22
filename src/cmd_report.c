/* cmd_report: `gotrex report [--json | --format=text|json|openmetrics]
 * [--no-cache] FILE...`: the deadlock report of each input.
 *
 * Exit status: 0 when no input has a stuck goroutine, 1 when one has
 * (a deadlock, a leak, a stuck set), 2 on an error (bad usage, an input
 * that cannot be loaded, output that cannot be written). */
#include "config.h"

#include <langinfo.h>
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
	        "usage: gotrex report [--json | --format=text|json|openmetrics] [--no-cache] FILE...\n"
	        "\n"
	        "Find deadlocks: wait-for cycles, goroutines stuck for good, a fingerprint\n"
	        "of the hang. Exit status: 0 nothing stuck, 1 stuck goroutines found, 2 error.\n");
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
	size_t npaths = 0, nin = 0;
	bool opts = true, failed = false;
	const char *cs;
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
	cs = nl_langinfo(CODESET);
	ro.ascii = cs == NULL || strcmp(cs, "UTF-8") != 0;

	stores = xcalloc(npaths, sizeof *stores);
	in = xcalloc(npaths, sizeof *in);
	for (size_t i = 0; i < npaths; i++) {
		struct gx_store *s = gx_load(paths[i], &lo, &d);

		if (s == NULL) {
			if (d.n == 0)
				fprintf(stderr, "gotrex report: %s: cannot load\n", paths[i]);
			failed = true;
			continue;
		}
		stores[nin] = s;
		in[nin].name = paths[i];
		in[nin].w = gx_waitgraph_build(s);
		nin++;
	}
	gx_diag_print(&d, stderr);

	gx_report_write(in, nin, &ro, &out);
	rc = failed ? 2 : gx_report_any_deadlock(in, nin) ? 1 : 0;
	if (out.len > 0 && fwrite(out.data, 1, out.len, stdout) != out.len)
		rc = 2;
	if (fflush(stdout) != 0)
		rc = 2;

	for (size_t i = 0; i < nin; i++) {
		gx_waitgraph_free((struct gx_waitgraph *)in[i].w);
		gx_store_close(stores[i]);
	}
	gx_buf_free(&out);
	gx_diag_clear(&d);
	free(stores);
	free(in);
	free(paths);
	return rc;
}
