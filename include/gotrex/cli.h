/* cli: the sub-commands. Each takes the arguments after its name and
 * returns the process exit status; main.c only dispatches. */
#ifndef GOTREX_CLI_H
#define GOTREX_CLI_H

#include <stdbool.h>

#include "gotrex/diag.h"
#include "gotrex/load.h"
#include "gotrex/query.h"

struct gx_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;   /* "stats [--json] FILE" */
	const char *summary; /* one line for --help */
};

/* The table of sub-commands, ended by an entry with name == NULL. */
extern const struct gx_command gx_commands[];

/* Load path for sub-command cmd ("stats"). On failure the load's errors
 * (or "gotrex CMD: PATH: cannot load") go to stderr, d is cleared and NULL
 * is returned; on success the load's warnings are left in d. */
struct gx_store *gx_cli_load(const char *cmd, const char *path,
                             const struct gx_load_opts *o, struct gx_diag *d);

/* A query that cannot be read, to stderr: "gotrex CMD: error in the
 * query:", the query, and a caret under the bad spot with what was
 * expected there. */
void gx_cli_query_error(const char *cmd, const char *expr, const struct gx_query_error *err);

/* True when the locale's character set is not UTF-8: text is then
 * escaped to ASCII. Call after setlocale(). */
bool gx_cli_ascii(void);

/* `gotrex [options] FILE`: the TUI, when the first argument is not a
 * sub-command (argv[0] is the program name). In src/tui/cmd.c. */
int gx_cmd_tui(int argc, char **argv);

int gx_cmd_stats(int argc, char **argv);
int gx_cmd_events(int argc, char **argv);
int gx_cmd_index(int argc, char **argv);
int gx_cmd_query(int argc, char **argv);
int gx_cmd_export(int argc, char **argv);
int gx_cmd_report(int argc, char **argv);

#endif
