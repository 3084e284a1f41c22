/* keys: the one key table. Dispatch and the help pane both read it. */
#include "config.h"

#include "gotrex/tui_keys.h"

#include <curses.h>
#include <stdio.h>

#define CTRL(c) ((c) & 0x1f)

const struct tui_keymap_entry tui_keymap[] = {
	{ .req = TUI_REQ_MOVE_DOWN, .name = "move-down", .keys = { 'j', KEY_DOWN },
	  .section = "Movement", .help = "next line" },
	{ .req = TUI_REQ_MOVE_UP, .name = "move-up", .keys = { 'k', KEY_UP },
	  .section = "Movement", .help = "previous line" },
	{ .req = TUI_REQ_PAGE_DOWN, .name = "page-down", .keys = { KEY_NPAGE, CTRL('f') },
	  .section = "Movement", .help = "next page" },
	{ .req = TUI_REQ_PAGE_UP, .name = "page-up", .keys = { KEY_PPAGE, CTRL('b') },
	  .section = "Movement", .help = "previous page" },
	{ .req = TUI_REQ_MOVE_TOP, .name = "move-top", .keys = { 'g', KEY_HOME },
	  .section = "Movement", .help = "first line (timeline: cursor to the trace start)" },
	{ .req = TUI_REQ_MOVE_BOTTOM, .name = "move-bottom", .keys = { 'G', KEY_END },
	  .section = "Movement", .help = "last line (timeline: cursor to the trace end)" },
	{ .req = TUI_REQ_SCROLL_LEFT, .name = "scroll-left", .keys = { 'h', KEY_LEFT },
	  .section = "Movement", .help = "scroll the pane left (timeline: time cursor back a column)" },
	{ .req = TUI_REQ_SCROLL_RIGHT, .name = "scroll-right", .keys = { 'l', KEY_RIGHT },
	  .section = "Movement", .help = "scroll the pane right (timeline: cursor forward)" },
	{ .req = TUI_REQ_NEXT_PANE, .name = "next-pane", .keys = { '\t' },
	  .section = "Panes", .help = "focus the next pane" },
	{ .req = TUI_REQ_PREV_PANE, .name = "prev-pane", .keys = { KEY_BTAB },
	  .section = "Panes", .help = "focus the previous pane" },
	{ .req = TUI_REQ_ENTER, .name = "enter", .keys = { '\n', KEY_ENTER },
	  .section = "Panes", .help = "open the selection (list: focus its stack)" },
	{ .req = TUI_REQ_GROUP_TOGGLE, .name = "group", .keys = { '=' },
	  .section = "Goroutine list", .help = "group goroutines with identical stacks, or ungroup" },
	{ .req = TUI_REQ_SORT_NEXT, .name = "sort", .keys = { 's', '>' },
	  .section = "Goroutine list", .help = "sort by the next column" },
	{ .req = TUI_REQ_SORT_REVERSE, .name = "sort-reverse", .keys = { 'S', '<' },
	  .section = "Goroutine list", .help = "reverse the sort order" },
	{ .req = TUI_REQ_MARK, .name = "mark", .keys = { ' ' },
	  .section = "Goroutine list", .help = "mark or unmark the goroutine (grouped: the group)" },
	{ .req = TUI_REQ_EXPORT, .name = "export", .keys = { 'e' },
	  .section = "Goroutine list", .help = "export the marked goroutines (none: those listed) to a file" },
	{ .req = TUI_REQ_QUERY, .name = "query", .keys = { '/' },
	  .section = "Query", .help = "open the query bar (filter the goroutines; Esc clears)" },
	{ .req = TUI_REQ_WAITGRAPH, .name = "wait-graph", .keys = { 'W' },
	  .section = "Wait graph", .help = "show or hide the wait-graph pane (cycles, stuck goroutines)" },
	{ .req = TUI_REQ_EXPAND, .name = "expand", .keys = { '+' },
	  .section = "Wait graph", .help = "expand the node (in the pane also Right, Enter)" },
	{ .req = TUI_REQ_COLLAPSE, .name = "collapse", .keys = { '-' },
	  .section = "Wait graph", .help = "collapse the node (in the pane also Left)" },
	{ .req = TUI_REQ_DEADLOCK_TIME, .name = "deadlock-time", .keys = { 'D' },
	  .section = "Wait graph", .help = "move the timeline cursor to the deadlock time" },
	{ .req = TUI_REQ_NEXT_TRANSITION, .name = "next-transition", .keys = { 'n' },
	  .section = "Timeline", .help = "the selected goroutine's next state change (moves the time cursor)" },
	{ .req = TUI_REQ_PREV_TRANSITION, .name = "prev-transition", .keys = { 'N' },
	  .section = "Timeline", .help = "its previous state change" },
	{ .req = TUI_REQ_ZOOM_IN, .name = "zoom-in", .keys = { 'z' },
	  .section = "Timeline", .help = "zoom in (around the time cursor)" },
	{ .req = TUI_REQ_ZOOM_OUT, .name = "zoom-out", .keys = { 'Z' },
	  .section = "Timeline", .help = "zoom out" },
	{ .req = TUI_REQ_ZOOM_FIT, .name = "zoom-fit", .keys = { '0' },
	  .section = "Timeline", .help = "show the whole trace" },
	{ .req = TUI_REQ_PAN_LEFT, .name = "pan-left", .keys = { '[' },
	  .section = "Timeline", .help = "pan earlier by a quarter of the width" },
	{ .req = TUI_REQ_PAN_RIGHT, .name = "pan-right", .keys = { ']' },
	  .section = "Timeline", .help = "pan later" },
	{ .req = TUI_REQ_HELP, .name = "help", .keys = { '?', KEY_F(1) },
	  .section = "General", .help = "this help" },
	{ .req = TUI_REQ_WARNINGS, .name = "warnings", .keys = { 'w' },
	  .section = "General", .help = "show the load warnings" },
	{ .req = TUI_REQ_CLOSE, .name = "close", .keys = { 27 /* Esc */, KEY_BACKSPACE },
	  .section = "General", .help = "close help or warnings; else clear the filter" },
	{ .req = TUI_REQ_REDRAW, .name = "redraw", .keys = { CTRL('l') },
	  .section = "General", .help = "redraw the screen" },
	{ .req = TUI_REQ_QUIT, .name = "quit", .keys = { 'q', KEY_F(10) },
	  .section = "General", .help = "quit (in help or warnings: close them)" },
};

const size_t tui_keymap_count = sizeof(tui_keymap) / sizeof(tui_keymap[0]);

enum tui_request
tui_key_request(int key)
{
	size_t i, k;

	if (key == 0)
		return TUI_REQ_NONE;
	for (i = 0; i < tui_keymap_count; i++)
		for (k = 0; k < TUI_KEYS_MAX && tui_keymap[i].keys[k] != 0; k++)
			if (tui_keymap[i].keys[k] == key)
				return tui_keymap[i].req;
	return TUI_REQ_NONE;
}

const char *
tui_key_name(int key, char *buf, size_t size)
{
	switch (key) {
	case KEY_DOWN: return "Down";
	case KEY_UP: return "Up";
	case KEY_LEFT: return "Left";
	case KEY_RIGHT: return "Right";
	case KEY_NPAGE: return "PgDn";
	case KEY_PPAGE: return "PgUp";
	case KEY_HOME: return "Home";
	case KEY_END: return "End";
	case KEY_BTAB: return "Shift-Tab";
	case KEY_ENTER: return "KpEnter";
	case KEY_BACKSPACE: return "Backspace";
	case '\t': return "Tab";
	case '\n': return "Enter";
	case ' ': return "Space";
	case 27: return "Esc";
	default:
		break;
	}
	if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(buf, size, "F%d", key - KEY_F(0));
	else if (key > 0 && key < 0x20)
		snprintf(buf, size, "Ctrl-%c", key + 'A' - 1);
	else if (key > 0x20 && key < 0x7f)
		snprintf(buf, size, "%c", key);
	else
		snprintf(buf, size, "key-%d", key);
	return buf;
}
