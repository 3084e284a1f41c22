/* view_help: every key, from the one key table (tui_keymap). */
#include "config.h"

#include <string.h>

#include "gotrex/tui_bar.h"
#include "gotrex/tui_keys.h"
#include "gotrex/tui_view.h"

/* Line i of the help: a section heading before the first key of each
 * section, then one line per request. Computed from the table. */
struct helpline {
	const char *section;            /* heading, or NULL */
	const struct tui_keymap_entry *e;
};

struct help {
	struct helpline lines[128];
	size_t n;
};

static void
push(struct help *h, const char *section, const struct tui_keymap_entry *e)
{
	if (h->n < GX_ARRAY_SIZE(h->lines))
		h->lines[h->n++] = (struct helpline){ section, e };
}

static int
help_open(struct tui_view *v)
{
	struct help *h = v->priv;
	const char *sec = NULL;
	size_t i;

	for (i = 0; i < tui_keymap_count; i++) {
		const struct tui_keymap_entry *e = &tui_keymap[i];

		if (sec == NULL || strcmp(sec, e->section) != 0) {
			if (sec != NULL)
				push(h, NULL, NULL);
			sec = e->section;
			push(h, sec, NULL);
		}
		push(h, NULL, e);
	}
	push(h, NULL, NULL);
	push(h, "Mouse", NULL);
	/* then a blank line and the query bar's rows (tui_query_help) */
	v->lines = h->n + 3 + tui_query_help_count;
	return 0;
}

static void
help_title(struct tui_view *v, struct tui_line *l)
{
	(void)v;
	tui_line_lit(l, TUI_ROLE_TITLE, " Help: keys  (q or Esc closes)");
}

#define KEYS_W 24
#define QKEYS_W 32   /* the query rows: examples are long */

static void
help_draw_line(struct tui_view *v, struct tui_line *l, size_t lineno)
{
	struct help *h = v->priv;
	const struct helpline *hl;
	char buf[32], keys[96];
	size_t k;

	if (lineno >= h->n + 3) {
		const struct tui_help_row *r = &tui_query_help[lineno - h->n - 3];

		if (r->section != NULL) {
			tui_line_lit(l, TUI_ROLE_HEADER, " ");
			tui_line_lit(l, TUI_ROLE_HEADER, r->section);
		} else if (r->key != NULL) {
			int start;

			tui_line_lit(l, TUI_ROLE_DEFAULT, "  ");
			start = l->col;
			tui_line_lit(l, TUI_ROLE_KEY, r->key);
			tui_line_pad(l, TUI_ROLE_DEFAULT, l->col + 2 > start + QKEYS_W ?
			                                  l->col + 2 : start + QKEYS_W);
			tui_line_lit(l, TUI_ROLE_DEFAULT, r->text);
		}
		return;
	}
	if (lineno == h->n + 2)
		return;
	if (lineno >= h->n) {
		/* the two lines after the "Mouse" heading */
		tui_line_lit(l, TUI_ROLE_DEFAULT, "  ");
		tui_line_field_lit(l, TUI_ROLE_KEY, lineno == h->n ? "click" : "wheel",
		                   KEYS_W, TUI_ALIGN_LEFT);
		tui_line_lit(l, TUI_ROLE_DEFAULT, lineno == h->n ? "focus a pane and select the line"
		                                                 : "scroll the pane under the pointer");
		return;
	}
	hl = &h->lines[lineno];
	if (hl->section != NULL) {
		tui_line_lit(l, TUI_ROLE_HEADER, " ");
		tui_line_lit(l, TUI_ROLE_HEADER, hl->section);
		return;
	}
	if (hl->e == NULL)
		return;
	keys[0] = '\0';
	for (k = 0; k < TUI_KEYS_MAX && hl->e->keys[k] != 0; k++) {
		if (k > 0)
			strncat(keys, ", ", sizeof(keys) - strlen(keys) - 1);
		strncat(keys, tui_key_name(hl->e->keys[k], buf, sizeof(buf)),
		        sizeof(keys) - strlen(keys) - 1);
	}
	tui_line_lit(l, TUI_ROLE_DEFAULT, "  ");
	tui_line_field_lit(l, TUI_ROLE_KEY, keys, KEYS_W, TUI_ALIGN_LEFT);
	tui_line_lit(l, TUI_ROLE_DEFAULT, hl->e->help);
}

static unsigned
help_request(struct tui_view *v, enum tui_request req)
{
	switch (req) {
	case TUI_REQ_QUIT:
	case TUI_REQ_CLOSE:
	case TUI_REQ_HELP:
		return TUI_NEXT_CLOSE;
	default:
		return tui_view_request(v, req);
	}
}

const struct tui_view_ops tui_help_ops = {
	.name = "help",
	.flags = TUI_VIEW_OVERLAY,
	.private_size = sizeof(struct help),
	.open = help_open,
	.title = help_title,
	.draw_line = help_draw_line,
	.request = help_request,
};
