/* tui_term: checks of the terminal before curses starts. Separate from
 * app.c because <term.h> defines macros (lines, columns) that clash. */
#ifndef GOTREX_TUI_TERM_H
#define GOTREX_TUI_TERM_H

#include <stdio.h>

/* Check that stdout is a terminal whose TERM has a terminfo entry that
 * can address the cursor, and find the keyboard: stdin when it is a
 * terminal, else /dev/tty (the data came on stdin). Prints why not to
 * stderr and returns -1; else 0 with *in set (close it if != stdin). */
int tui_check_terminal(FILE **in);

#endif
