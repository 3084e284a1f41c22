/* term: is this a terminal the UI can use? Asked before curses starts,
 * because initscr() exits on a bad TERM and a pipe is no place for a UI. */
#include "config.h"

#include "gotrex/tui_term.h"

#include <curses.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <unistd.h>

int
tui_check_terminal(FILE **in)
{
	const char *term = getenv("TERM");
	int err = 0;
	const char *cup;

	if (!isatty(STDOUT_FILENO)) {
		fprintf(stderr, "gotrex: the terminal UI needs a terminal on standard output; "
		        "for a report in a pipe use: gotrex stats FILE\n");
		return -1;
	}
	if (term == NULL || *term == '\0') {
		fprintf(stderr, "gotrex: TERM is not set; set it to your terminal type "
		        "(e.g. TERM=xterm-256color)\n");
		return -1;
	}
	if (setupterm(term, STDOUT_FILENO, &err) != OK) {
		fprintf(stderr, "gotrex: terminal type '%s' is not known here (no terminfo entry)\n",
		        term);
		return -1;
	}
	cup = tigetstr("cup");
	if (cup == NULL || cup == (char *)-1) {
		fprintf(stderr, "gotrex: terminal type '%s' cannot move the cursor; "
		        "the UI needs a full-screen terminal\n", term);
		del_curterm(cur_term);
		return -1;
	}
	del_curterm(cur_term);
	if (isatty(STDIN_FILENO)) {
		*in = stdin;
	} else {
		/* stdin is the data ("gotrex - < dump"): keys come from the tty */
		*in = fopen("/dev/tty", "r");
		if (*in == NULL) {
			fprintf(stderr, "gotrex: cannot open /dev/tty for the keyboard: %s\n",
			        strerror(errno));
			return -1;
		}
	}
	return 0;
}
