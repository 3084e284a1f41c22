/* cmd_export: `gotrex export FILE [--query EXPR] [--format text|folded|json]
 *              [-o FILE] [--force] [--no-cache]`.
 *
 * Writes the stacks of the goroutines that match the query (all of them
 * without one): text in Go's own traceback syntax, folded stacks for flame
 * graphs, or JSON. -o writes atomically and never replaces an existing file
 * without --force. Exit status: 0 written, 1 nothing matched (nothing
 * written), 2 error. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/cli.h"
#include "gotrex/diag.h"
#include "gotrex/export.h"
#include "gotrex/load.h"
#include "gotrex/query.h"
#include "gotrex/query_deadlock.h"
#include "gotrex/store.h"
#include "gotrex/util.h"
#include "gotrex/waitgraph.h"

static void
usage(FILE *f)
{
	fprintf(f,
	        "usage: gotrex export FILE [--query EXPR] [--format text|folded|json]\n"
	        "                          [--no-labels] [-o OUT] [--force] [--no-cache]\n"
	        "Write the stacks of the goroutines of FILE that match EXPR (all without it):\n"
	        "  text    Go's traceback syntax (as runtime.Stack and pprof debug=2 print it;\n"
	        "          pprof labels as Go 1.26 prints them with GODEBUG=tracebacklabels=1,\n"
	        "          --no-labels leaves them out)\n"
	        "  folded  folded stacks for flame graphs (outermost first, ';', count)\n"
	        "  json    an array of goroutine objects with their stacks\n"
	        "-o OUT writes OUT atomically (- is stdout, the default); an existing OUT\n"
	        "is replaced only with --force.\n");
}

/* "--opt value" or "--opt=value": 1 with *val set, 0 when argv[*i] is
 * not this option, -1 when its value is missing. */
static int
opt_value(int argc, char **argv, int *i, const char *name, const char **val)
{
	size_t l = strlen(name);

	if (strncmp(argv[*i], name, l) == 0 && argv[*i][l] == '=') {
		*val = argv[*i] + l + 1;
		return 1;
	}
	if (strcmp(argv[*i], name) != 0)
		return 0;
	if (*i + 1 >= argc) {
		fprintf(stderr, "gotrex export: %s needs a value\n", name);
		return -1;
	}
	*val = argv[++*i];
	return 1;
}

int
gx_cmd_export(int argc, char **argv)
{
	struct gx_load_opts o = { 0 };
	struct gx_diag d = { 0 };
	struct gx_query_error err;
	struct gx_query *q;
	struct gx_store *s;
	struct gx_query_env env = { .lean = true };
	struct gx_waitgraph *wg = NULL;
	struct gx_query_dl dl = { .bits = NULL };
	struct gx_export_file ef;
	enum gx_export_format fmt = GX_EXPORT_TEXT;
	const char *path = NULL, *expr = "", *outpath = NULL, *val;
	bool force = false, opts = true;
	unsigned flags = 0;
	uint32_t *v = NULL;
	size_t n = 0;
	int i, rc = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r;

		if (opts && (r = opt_value(argc, argv, &i, "--query", &val)) != 0) {
			if (r < 0)
				return 2;
			expr = val;
		} else if (opts && (r = opt_value(argc, argv, &i, "--format", &val)) != 0) {
			if (r < 0)
				return 2;
			if (!gx_export_format_from_name(val, &fmt)) {
				fprintf(stderr, "gotrex export: unknown format '%s' (text, folded or json)\n",
				        val);
				return 2;
			}
		} else if (opts && ((r = opt_value(argc, argv, &i, "-o", &val)) != 0 ||
		                    (r = opt_value(argc, argv, &i, "--output", &val)) != 0)) {
			if (r < 0 || *val == '\0') {
				usage(stderr);
				return 2;
			}
			outpath = val;
		} else if (opts && strcmp(a, "--no-labels") == 0) {
			flags |= GX_EXPORT_NO_LABELS;
		} else if (opts && strcmp(a, "--force") == 0) {
			force = true;
		} else if (opts && strcmp(a, "--no-cache") == 0) {
			o.no_cache = true;
		} else if (opts && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
			usage(stdout);
			return 0;
		} else if (opts && strcmp(a, "--") == 0) {
			opts = false;
		} else if (opts && a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "gotrex export: unknown option '%s'\n", a);
			usage(stderr);
			return 2;
		} else if (path == NULL) {
			path = a;
		} else {
			fprintf(stderr, "gotrex export: one FILE only (the query goes after --query)\n");
			usage(stderr);
			return 2;
		}
	}
	if (path == NULL) {
		usage(stderr);
		return 2;
	}
	q = gx_query_parse(expr, &err);
	if (q == NULL) {
		gx_cli_query_error("export", expr, &err);
		return 2;
	}
	s = gx_cli_load("export", path, &o, &d);
	if (s == NULL) {
		gx_query_free(q);
		return 2;
	}
	gx_diag_print(&d, stderr); /* the load's warnings */
	gx_diag_clear(&d);
	env.store = s;
	/* The analysis only when the query asks for it (in:, before deadlock). */
	if (gx_query_needs_deadlock(q)) {
		wg = gx_waitgraph_build(s);
		gx_query_dl_init(&dl, wg);
		env.deadlock = &dl.hook;
	}
	if (gx_query_select(q, &env, &v, &n, &err) < 0) {
		gx_cli_query_error("export", expr, &err);
		rc = 2;
		goto out;
	}
	if (n == 0) {
		fprintf(stderr, "gotrex export: no goroutine matches the query; nothing written\n");
		rc = 1;
		goto out;
	}
	if (outpath == NULL || strcmp(outpath, "-") == 0) {
		if (gx_export(stdout, s, v, n, fmt, flags) < 0 || fflush(stdout) != 0) {
			fprintf(stderr, "gotrex export: cannot write the output\n");
			rc = 2;
		}
		goto out;
	}
	if (gx_export_file_open(&ef, outpath, force, &d) < 0) {
		gx_diag_print(&d, stderr);
		rc = 2;
		goto out;
	}
	if (gx_export(ef.f, s, v, n, fmt, flags) < 0) {
		gx_export_file_abort(&ef);
		fprintf(stderr, "gotrex export: %s: write failed\n", outpath);
		rc = 2;
		goto out;
	}
	if (gx_export_file_commit(&ef, &d) < 0) {
		gx_diag_print(&d, stderr);
		rc = 2;
	}
out:
	gx_diag_clear(&d);
	free(v);
	gx_query_free(q);
	gx_query_dl_free(&dl);
	gx_waitgraph_free(wg);
	gx_store_close(s);
	return rc;
}
