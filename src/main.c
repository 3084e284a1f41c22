/* main: argument parsing and dispatch only. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "gotrex/cli.h"

static void
usage(FILE *f)
{
	const struct gx_command *c;

	fprintf(f, "usage: gotrex [--theme NAME|PATH] [--ascii] FILE\n"
	           "                                   open the file in the terminal UI\n");
	for (c = gx_commands; c->name != NULL; c++)
		fprintf(f, "       gotrex %-20s %s\n", c->usage, c->summary);
	fprintf(f, "\nFILE is a Go execution trace or goroutine dump, plain or gzip'd; - is stdin.\n");
}

int
main(int argc, char **argv)
{
	const struct gx_command *c;

	setlocale(LC_ALL, "");
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("gotrex %s\n", PACKAGE_VERSION);
		return 0;
	}
	for (c = gx_commands; c->name != NULL; c++)
		if (strcmp(argv[1], c->name) == 0)
			return c->run(argc - 1, argv + 1);
	/* Not a sub-command: a file (or an option) for the TUI. */
	return gx_cmd_tui(argc, argv);
}
