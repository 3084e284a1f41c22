/* cli: the sub-commands. Each takes the arguments after its name and
 * returns the process exit status; main.c only dispatches. */
#ifndef GOTREX_CLI_H
#define GOTREX_CLI_H

struct gx_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;   /* "stats [--json] FILE" */
	const char *summary; /* one line for --help */
};

/* The table of sub-commands, ended by an entry with name == NULL. */
extern const struct gx_command gx_commands[];

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
