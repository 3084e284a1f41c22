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
	        "usage: gotrex [--theme NAME|PATH] [--ascii] [--no-cache] FILE\n"
	        "\n"
	        "Open a Go goroutine dump or execution trace (plain or gzip'd; - is\n"
	        "stdin) in the terminal UI. Press ? in the UI for the keys.\n"
	        "\n"
	        "  --theme NAME|PATH  colours: a theme name (default, mono, ...) or a\n"
	        "                     theme file; also $GOTREX_THEME\n"
	        "  --ascii            draw plain ASCII even if the locale has UTF-8\n"
	        "  --no-cache         do not keep the index in the cache directory\n"
	        "\n"
	        "NO_COLOR=1 turns colours off (attributes only).\n");
}

int
gx_cmd_tui(int argc, char **argv)
{
	struct gx_tui_opts o = { 0 };
	struct gx_load_opts lo = { 0 };
	struct gx_diag d = { 0 };
	struct gx_store *s;
	const char *path = NULL;
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
		} else {
			fprintf(stderr, "gotrex: one file at a time for now (got '%s' and '%s')\n",
			        path, a);
			return 2;
		}
	}
	if (path == NULL) {
		usage(stderr);
		return 2;
	}
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
