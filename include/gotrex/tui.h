/* tui: the terminal UI, `gotrex FILE`. */
#ifndef GOTREX_TUI_H
#define GOTREX_TUI_H

#include <stdbool.h>

#include "gotrex/diag.h"
#include "gotrex/store.h"

struct gx_tui_opts {
	const char *path;        /* the file as the user named it (for the status line) */
	const char *theme;       /* --theme NAME|PATH, or $GOTREX_THEME, or NULL */
	bool force_ascii;        /* --ascii: no UTF-8 even if the locale has it */
	const struct gx_store *join; /* a dump of the same process joined to the trace
	                                (goroutine ids), or NULL */
	const char *join_path;   /* its name, for the status line */
};

/* Run the UI over an open store until the user quits. load_diag holds the
 * warnings of the load (shown with `w`). Checks that stdout is a terminal
 * and TERM usable first; on failure prints why to stderr and returns 2
 * without touching the terminal. Returns the exit status. */
int gx_tui_run(const struct gx_tui_opts *o, const struct gx_store *s,
               const struct gx_diag *load_diag);

#endif
