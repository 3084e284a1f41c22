/* view_diag: the warnings of the load (and of the theme), one per line. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gotrex/tui_view.h"

struct dline {
	char *text;     /* formatted entry; owned */
	bool error;
};

struct diagv {
	struct dline *lines;
	size_t n;
};

static void
collect(struct diagv *dv, const struct gx_diag *d, size_t *cap)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		gx_grow(&dv->lines, cap, dv->n + 1, sizeof(*dv->lines));
		dv->lines[dv->n].error = d->v[i].severity == GX_ERROR;
		dv->lines[dv->n++].text = gx_diag_format(&d->v[i]);
	}
	if (d->dropped > 0) {
		gx_grow(&dv->lines, cap, dv->n + 1, sizeof(*dv->lines));
		dv->lines[dv->n].error = false;
		dv->lines[dv->n++].text = xasprintf("(%zu more messages not kept)", d->dropped);
	}
}

static int
diag_open(struct tui_view *v)
{
	struct diagv *dv = v->priv;
	size_t cap = 0;

	collect(dv, v->ctx->load_diag, &cap);
	collect(dv, &v->ctx->ui_diag, &cap);
	v->lines = dv->n > 0 ? dv->n : 1;
	return 0;
}

static void
diag_done(struct tui_view *v)
{
	struct diagv *dv = v->priv;
	size_t i;

	for (i = 0; i < dv->n; i++)
		free(dv->lines[i].text);
	free(dv->lines);
}

static void
diag_title(struct tui_view *v, struct tui_line *l)
{
	struct diagv *dv = v->priv;

	tui_line_printf(l, TUI_ROLE_TITLE, " Warnings: %zu  (q or Esc closes)", dv->n);
}

static void
diag_draw_line(struct tui_view *v, struct tui_line *l, size_t lineno)
{
	struct diagv *dv = v->priv;
	const struct dline *dl;

	if (dv->n == 0) {
		tui_line_lit(l, TUI_ROLE_DIM, " No warnings: the file loaded cleanly.");
		return;
	}
	dl = &dv->lines[lineno];
	tui_line_lit(l, TUI_ROLE_DEFAULT, " ");
	/* messages quote the input: escape */
	tui_line_text(l, dl->error ? TUI_ROLE_ERROR : TUI_ROLE_WARNING, dl->text,
	              strlen(dl->text));
}

static unsigned
diag_request(struct tui_view *v, enum tui_request req)
{
	switch (req) {
	case TUI_REQ_QUIT:
	case TUI_REQ_CLOSE:
	case TUI_REQ_WARNINGS:
		return TUI_NEXT_CLOSE;
	default:
		return tui_view_request(v, req);
	}
}

const struct tui_view_ops tui_diag_ops = {
	.name = "warnings",
	.flags = TUI_VIEW_OVERLAY,
	.private_size = sizeof(struct diagv),
	.open = diag_open,
	.title = diag_title,
	.draw_line = diag_draw_line,
	.request = diag_request,
	.done = diag_done,
};
