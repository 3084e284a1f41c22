/* commands: the table of sub-commands main.c dispatches to. */
#include "config.h"

#include <langinfo.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/cli.h"

const struct gx_command gx_commands[] = {
	{ .name = "report", .run = gx_cmd_report, .usage = "report [--json|--format=F] FILE...", .summary = "deadlocks: wait-for cycles, stuck goroutines, fingerprint (exit 1 if found)" },
	{ .name = "stats", .run = gx_cmd_stats, .usage = "stats [--json] FILE", .summary = "goroutines by state and wait reason, groups of identical stacks" },
	{ .name = "query", .run = gx_cmd_query, .usage = "query [--json] FILE EXPR", .summary = "list the goroutines that match a query (exit 1 if none)" },
	{ .name = "export", .run = gx_cmd_export, .usage = "export FILE [--query EXPR] [--format text|folded|json] [-o OUT]", .summary = "write the matching goroutines' stacks: Go dump text, folded stacks, JSON" },
	{ .name = "events", .run = gx_cmd_events, .usage = "events FILE", .summary = "the ordered events of a trace, exactly as go tool trace -d=parsed prints them" },
	{ .name = "index", .run = gx_cmd_index, .usage = "index [--force] [--no-cache] FILE...", .summary = "build or refresh the cached index of each file" },
	{ .name = NULL },
};

struct gx_store *
gx_cli_load(const char *cmd, const char *path, const struct gx_load_opts *o,
            struct gx_diag *d)
{
	struct gx_store *s = gx_load(path, o, d);

	if (s == NULL) {
		gx_diag_print(d, stderr);
		if (d->n == 0)
			fprintf(stderr, "gotrex %s: %s: cannot load\n", cmd, path);
		gx_diag_clear(d);
	}
	return s;
}

bool
gx_cli_ascii(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs == NULL || strcmp(cs, "UTF-8") != 0;
}

void
gx_cli_query_error(const char *cmd, const char *expr, const struct gx_query_error *err)
{
	char *msg = gx_query_error_format(expr, err);
	char *nl = strchr(msg, '\n');

	fprintf(stderr, "gotrex %s: error in the query:\n", cmd);
	if (nl != NULL) {
		*nl = '\0';
		fprintf(stderr, "  %s\n  %s\n", msg, nl + 1);
	} else {
		fprintf(stderr, "  %s\n", msg);
	}
	free(msg);
}
