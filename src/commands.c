/* commands: the table of sub-commands main.c dispatches to. */
#include "config.h"

#include <stddef.h>

#include "gotrex/cli.h"

const struct gx_command gx_commands[] = {
	{ .name = NULL },
};
