/* cmd: `gotrex [options] FILE` — load the file, then run the TUI. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/cli.h"
#include "gotrex/load.h"
#include "gotrex/tui.h"

static void
usage(FILE *f)
{
	fprintf(f,
	        "usage: gotrex [--theme NAME|PATH] [--ascii] [--no-cache] FILE [DUMP]\n"
	        "\n"
	        "Open a Go goroutine dump or execution trace (plain or gzip'd; - is\n"
	        "stdin) in the terminal UI. Press ? in the UI for the keys.\n"
	        "A trace and a goroutine dump of the same process may be opened\n"
	        "together (in either order): goroutine ids join them, and the dump's\n"
	        "arguments give the wait graph the objects' addresses.\n"
	        "\n"
	        "  --theme NAME|PATH  colours: a theme name (default, mono, ...) or a\n"
	        "                     theme file; also $GOTREX_THEME\n"
	        "  --ascii            draw plain ASCII even if the locale has UTF-8\n"
	        "  --no-cache         do not keep the index in the cache directory\n"
	        "\n"
	        "NO_COLOR=1 turns colours off (attributes only).\n");
}

static bool
is_trace(const struct gx_store *s)
{
	const struct gx_store_meta *m = gx_store_meta(s);

	return m != NULL && (m->format == GX_FMT_TRACE_V2 || m->format == GX_FMT_TRACE_V1);
}

static const char *
shown(const char *path)
{
	return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

/* `gotrex TRACE DUMP` (either order): the trace is the main input, the
 * dump joins it by goroutine id. */
static int
run_joined(struct gx_tui_opts *o, const struct gx_load_opts *lo, const char *p1,
           const char *p2)
{
	struct gx_diag d = { 0 };
	struct gx_store *s1, *s2, *trace, *dump;
	const char *tpath, *dpath;
	size_t i, n, common = 0;
	int status;

	if (strcmp(p1, "-") == 0 && strcmp(p2, "-") == 0) {
		fprintf(stderr, "gotrex: stdin can be only one of the two files\n");
		return 2;
	}
	s1 = gx_load(p1, lo, &d);
	s2 = s1 != NULL ? gx_load(p2, lo, &d) : NULL;
	if (s1 == NULL || s2 == NULL) {
		gx_diag_print(&d, stderr);
		gx_diag_clear(&d);
		if (s1 != NULL)
			gx_store_close(s1);
		return 2;
	}
	if (is_trace(s1) == is_trace(s2)) {
		fprintf(stderr, "gotrex: two files open together must be an execution trace and a "
		        "goroutine dump of the same process ('%s' and '%s' are both %s)\n",
		        shown(p1), shown(p2), is_trace(s1) ? "traces" : "dumps");
		gx_store_close(s1);
		gx_store_close(s2);
		gx_diag_clear(&d);
		return 2;
	}
	trace = is_trace(s1) ? s1 : s2;
	dump = trace == s1 ? s2 : s1;
	tpath = shown(trace == s1 ? p1 : p2);
	dpath = shown(trace == s1 ? p2 : p1);
	n = gx_store_goroutine_count(dump);
	for (i = 0; i < n; i++) {
		const struct gx_goroutine_rec *g = gx_store_goroutine(dump, i);

		if (g != NULL && !(g->flags & GX_G_SYNTH_ID) &&
		    gx_store_find_goroutine(trace, g->id) != GX_NONE32)
			common++;
	}
	if (common == 0)
		gx_diag_add(&d, GX_WARNING, dpath, GX_NOWHERE, GX_NOWHERE,
		            "no goroutine id in common with %s: not a dump of the same process?",
		            tpath);
	o->path = tpath;
	o->join = dump;
	o->join_path = dpath;
	status = gx_tui_run(o, trace, &d);
	gx_store_close(s1);
	gx_store_close(s2);
	gx_diag_clear(&d);
	return status;
}

int
gx_cmd_tui(int argc, char **argv)
{
	struct gx_tui_opts o = { 0 };
	struct gx_load_opts lo = { 0 };
	struct gx_diag d = { 0 };
	struct gx_store *s;
	const char *path = NULL, *path2 = NULL;
	int i, status;
	bool opts_done = false;

	o.theme = getenv("GOTREX_THEME");
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!opts_done && strcmp(a, "--") == 0) {
			opts_done = true;
		} else if (!opts_done && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
			usage(stdout);
			return 0;
		} else if (!opts_done && strcmp(a, "--theme") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "gotrex: --theme needs a theme name or file\n");
				return 2;
			}
			o.theme = argv[++i];
		} else if (!opts_done && strncmp(a, "--theme=", 8) == 0) {
			o.theme = a + 8;
		} else if (!opts_done && strcmp(a, "--ascii") == 0) {
			o.force_ascii = true;
		} else if (!opts_done && strcmp(a, "--no-cache") == 0) {
			lo.no_cache = true;
		} else if (!opts_done && a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "gotrex: unknown option '%s'\n", a);
			usage(stderr);
			return 2;
		} else if (path == NULL) {
			path = a;
		} else if (path2 == NULL) {
			path2 = a;
		} else {
			fprintf(stderr, "gotrex: at most a trace and a dump (got '%s', '%s' and '%s')\n",
			        path, path2, a);
			return 2;
		}
	}
	if (path == NULL) {
		usage(stderr);
		return 2;
	}
	if (path2 != NULL)
		return run_joined(&o, &lo, path, path2);
	s = gx_load(path, &lo, &d);
	if (s == NULL) {
		gx_diag_print(&d, stderr);
		gx_diag_clear(&d);
		return 2;
	}
	o.path = strcmp(path, "-") == 0 ? "<stdin>" : path;
	status = gx_tui_run(&o, s, &d);
	gx_store_close(s);
	gx_diag_clear(&d);
	return status;
}
