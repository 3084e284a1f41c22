/* commands: the table of sub-commands main.c dispatches to. */
#include "config.h"

#include <stddef.h>

#include "gotrex/cli.h"

const struct gx_command gx_commands[] = {
	{ .name = "events", .run = gx_cmd_events, .usage = "events FILE", .summary = "the events of a Go 1.22+ trace, as go tool trace -d=parsed prints them" },
	{ .name = "index", .run = gx_cmd_index, .usage = "index [--force] [--no-cache] FILE...", .summary = "build or refresh the cached index of each file" },
	{ .name = NULL },
};
