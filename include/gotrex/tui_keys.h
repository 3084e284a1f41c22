/* tui_keys: every key of the TUI, declared once.
 *
 * tui_keymap[] maps keys to requests and carries the help text: the key
 * dispatch (tui_key_request) and the help pane both read it, so what `?`
 * shows is what the keys do. A request travels from the focused pane to
 * the other panes and then to the app (see tui_view.h). */
#ifndef GOTREX_TUI_KEYS_H
#define GOTREX_TUI_KEYS_H

#include <stddef.h>

enum tui_request {
	TUI_REQ_NONE = 0,
	/* movement, handled by every scrolling pane (view.c) */
	TUI_REQ_MOVE_UP,
	TUI_REQ_MOVE_DOWN,
	TUI_REQ_PAGE_UP,
	TUI_REQ_PAGE_DOWN,
	TUI_REQ_MOVE_TOP,
	TUI_REQ_MOVE_BOTTOM,
	TUI_REQ_SCROLL_LEFT,
	TUI_REQ_SCROLL_RIGHT,
	/* panes */
	TUI_REQ_NEXT_PANE,
	TUI_REQ_PREV_PANE,
	TUI_REQ_ENTER,
	/* goroutine list */
	TUI_REQ_GROUP_TOGGLE,
	TUI_REQ_SORT_NEXT,
	TUI_REQ_SORT_REVERSE,
	TUI_REQ_MARK,
	TUI_REQ_EXPORT,
	/* query bar (view_query.c) */
	TUI_REQ_QUERY,
	/* wait graph (view_waitgraph.c) */
	TUI_REQ_WAITGRAPH,
	TUI_REQ_EXPAND,
	TUI_REQ_COLLAPSE,
	TUI_REQ_DEADLOCK_TIME,
	/* timeline (view_timeline.c) */
	TUI_REQ_ZOOM_IN,
	TUI_REQ_ZOOM_OUT,
	TUI_REQ_ZOOM_FIT,
	TUI_REQ_PAN_LEFT,
	TUI_REQ_PAN_RIGHT,
	TUI_REQ_NEXT_TRANSITION,
	TUI_REQ_PREV_TRANSITION,
	/* app */
	TUI_REQ_HELP,
	TUI_REQ_WARNINGS,
	TUI_REQ_CLOSE,
	TUI_REQ_REDRAW,
	TUI_REQ_QUIT,
	TUI_REQ_COUNT
};

#define TUI_KEYS_MAX 4

struct tui_keymap_entry {
	enum tui_request req;
	const char *name;            /* "move-down" */
	int keys[TUI_KEYS_MAX];      /* curses key codes; 0 ends the list early */
	const char *section;         /* help heading: "Movement", ... */
	const char *help;            /* one line */
};

/* In help order; each request appears once. */
extern const struct tui_keymap_entry tui_keymap[];
extern const size_t tui_keymap_count;

/* The request bound to a key, or TUI_REQ_NONE. */
enum tui_request tui_key_request(int key);

/* A key's name for the help pane: "j", "Down", "PgDn", "Ctrl-F", "Tab".
 * Returns a static string or writes into buf (size >= 16). */
const char *tui_key_name(int key, char *buf, size_t size);

#endif
