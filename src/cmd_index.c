/* cmd_index: `gotrex index [--force] [--no-cache] FILE...` builds or
 * refreshes the cached index of each file and says what it did. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/cli.h"
#include "gotrex/diag.h"
#include "gotrex/load.h"
#include "gotrex/store.h"
#include "gotrex/text.h"
#include "gotrex/util.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: gotrex index [--force] [--no-cache] FILE...\n"
	           "  --force     rebuild the index even when it is fresh\n"
	           "  --no-cache  build a private index and do not keep it\n");
}

static void
put_escaped(FILE *f, const char *s)
{
	struct gx_buf b = {0};

	gx_text_escape(&b, s, strlen(s), false);
	fputs(b.data != NULL ? b.data : "", f);
	gx_buf_free(&b);
}

int
gx_cmd_index(int argc, char **argv)
{
	struct gx_load_opts o;
	int i, status = 0, nfiles = 0;
	bool opts_done = false;

	memset(&o, 0, sizeof(o));
	for (i = 1; i < argc; i++) {
		if (opts_done || argv[i][0] != '-' || strcmp(argv[i], "-") == 0) {
			nfiles++;
			continue;
		}
		if (strcmp(argv[i], "--") == 0)
			opts_done = true;
		else if (strcmp(argv[i], "--force") == 0)
			o.force_rebuild = true;
		else if (strcmp(argv[i], "--no-cache") == 0)
			o.no_cache = true;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "gotrex index: unknown option '");
			put_escaped(stderr, argv[i]);
			fprintf(stderr, "'\n");
			usage(stderr);
			return 2;
		}
	}
	if (nfiles == 0) {
		usage(stderr);
		return 2;
	}

	opts_done = false;
	for (i = 1; i < argc; i++) {
		struct gx_diag d = {0};
		struct gx_load_info info;
		struct gx_store *s;
		const char *path = argv[i];
		uint64_t spans = 0;
		size_t g, ng, nev;

		if (!opts_done && strcmp(path, "--") == 0) {
			opts_done = true;
			continue;
		}
		if (!opts_done && path[0] == '-' && strcmp(path, "-") != 0)
			continue;
		s = gx_load_ex(path, &o, &info, &d);
		gx_diag_print(&d, stderr);
		gx_diag_clear(&d);
		if (s == NULL) {
			status = 2;
			gx_load_info_free(&info);
			continue;
		}
		ng = gx_store_goroutine_count(s);
		for (g = 0; g < ng; g++)
			spans += gx_store_goroutine(s, g)->span_count;
		nev = gx_store_event_count(s);
		put_escaped(stdout, strcmp(path, "-") == 0 ? "<stdin>" : path);
		printf(": %s, index ", gx_format_name(info.format));
		if (info.index_path != NULL)
			put_escaped(stdout, info.index_path);
		else
			fputs("(private, not kept)", stdout);
		printf(", %zu goroutines, %llu spans, %zu events, ", ng,
		       (unsigned long long)spans, nev);
		if (info.reused)
			printf("reused\n");
		else
			printf("built in %.1f ms\n", info.build_ms);
		gx_store_close(s);
		gx_load_info_free(&info);
	}
	if (fflush(stdout) != 0)
		status = 2;
	return status;
}
