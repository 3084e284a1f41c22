/* view: what every pane shares — creation, scrolling, the cursor, drawing
 * the title bar, the header row and the visible lines. */
#include "config.h"

#include "gotrex/tui_view.h"

#include <stdarg.h>
#include <stdlib.h>

#include "gotrex/text.h"
#include "gotrex/tui_screen.h"

#define HSCROLL_STEP 8
#define HSCROLL_MAX 4096

void
tui_ctx_message(struct tui_ctx *c, const char *fmt, ...)
{
	va_list ap;

	free(c->message);
	va_start(ap, fmt);
	c->message = xvasprintf(fmt, ap);
	va_end(ap);
}

size_t
tui_ctx_warning_count(const struct tui_ctx *c)
{
	size_t n = c->ui_diag.n + c->ui_diag.dropped;

	if (c->load_diag != NULL)
		n += c->load_diag->n + c->load_diag->dropped;
	return n;
}

enum tui_role
tui_state_role(unsigned state)
{
	switch (state) {
	case GX_G_RUNNING:
		return TUI_ROLE_RUNNING;
	case GX_G_RUNNABLE:
		return TUI_ROLE_RUNNABLE;
	case GX_G_WAITING:
		return TUI_ROLE_WAITING;
	case GX_G_SYSCALL:
		return TUI_ROLE_SYSCALL;
	case GX_G_DEAD:
	case GX_G_NOTEXIST:
		return TUI_ROLE_DEAD;
	default:
		return TUI_ROLE_UNKNOWN;
	}
}

void
tui_format_wait(struct gx_buf *out, int64_t wait_ns, unsigned flags, const struct tui_ctx *c)
{
	if (wait_ns <= 0)
		return;
	if (flags & GX_G_WAIT_APPROX) {
		/* the runtime prints whole minutes waited, rounded down */
		gx_buf_printf(out, "%s%lldm", c->glyphs->ge, (long long)(wait_ns / 60000000000LL));
		return;
	}
	if (wait_ns >= 1000000000 && wait_ns < 60 * INT64_C(1000000000))
		/* ms are enough here, and "12.345678s+" would not fit the column */
		gx_buf_printf(out, "%.3fs", (double)wait_ns / 1e9);
	else
		gx_text_duration(out, wait_ns, c->ascii);
	if (flags & GX_G_WAIT_BEFORE_START)
		gx_buf_putc(out, '+'); /* and before the trace began */
}

const char *
tui_basename(const char *path, size_t n, size_t *outlen)
{
	size_t i = n;

	while (i > 0 && path[i - 1] != '/')
		i--;
	*outlen = n - i;
	return path + i;
}

struct tui_view *
tui_view_new(const struct tui_view_ops *ops, struct tui_ctx *ctx)
{
	struct tui_view *v = xcalloc(1, sizeof(*v));

	v->ops = ops;
	v->ctx = ctx;
	v->priv = xcalloc(1, ops->private_size);
	if (ops->open != NULL && ops->open(v) != 0) {
		free(v->priv);
		free(v);
		return NULL;
	}
	return v;
}

void
tui_view_free(struct tui_view *v)
{
	if (v == NULL)
		return;
	if (v->ops->done != NULL)
		v->ops->done(v);
	free(v->priv);
	free(v);
}

static int
header_rows(const struct tui_view *v)
{
	return 1 + (v->ops->draw_header != NULL);
}

int
tui_view_body_rows(const struct tui_view *v)
{
	int r = v->height - header_rows(v);

	return r > 0 ? r : 0;
}

static bool
has_cursor(const struct tui_view *v)
{
	return (v->ops->flags & TUI_VIEW_CURSOR) != 0;
}

/* Keep top within [0, lines - rows] and the cursor visible. */
static void
clamp(struct tui_view *v)
{
	size_t rows = (size_t)tui_view_body_rows(v);
	size_t maxtop = v->lines > rows ? v->lines - rows : 0;

	if (v->lines == 0) {
		v->cur = v->top = 0;
		return;
	}
	if (v->cur >= v->lines)
		v->cur = v->lines - 1;
	if (has_cursor(v) && rows > 0) {
		if (v->cur < v->top)
			v->top = v->cur;
		else if (v->cur >= v->top + rows)
			v->top = v->cur - rows + 1;
	}
	if (v->top > maxtop)
		v->top = maxtop;
}

unsigned
tui_view_set_cur(struct tui_view *v, size_t line)
{
	unsigned next = TUI_NEXT_REDRAW;
	size_t old = v->cur;

	v->cur = line;
	clamp(v);
	if (v->cur != old && v->ops->select != NULL)
		next |= v->ops->select(v);
	return next;
}

unsigned
tui_view_scroll(struct tui_view *v, long delta)
{
	size_t rows = (size_t)tui_view_body_rows(v);

	if (delta < 0 && (size_t)-delta > v->top)
		v->top = 0;
	else
		v->top = (size_t)((long)v->top + delta);
	if (v->lines > rows && v->top > v->lines - rows)
		v->top = v->lines - rows;
	else if (v->lines <= rows)
		v->top = 0;
	if (has_cursor(v) && v->lines > 0) {
		size_t cur = v->cur;

		if (cur < v->top)
			cur = v->top;
		if (rows > 0 && cur >= v->top + rows)
			cur = v->top + rows - 1;
		if (cur != v->cur)
			return tui_view_set_cur(v, cur);
	}
	return TUI_NEXT_REDRAW;
}

unsigned
tui_view_request(struct tui_view *v, enum tui_request req)
{
	size_t rows = (size_t)tui_view_body_rows(v);
	size_t page = rows > 1 ? rows - 1 : 1;

	if (!has_cursor(v)) {
		switch (req) {
		case TUI_REQ_MOVE_DOWN:
			return tui_view_scroll(v, 1);
		case TUI_REQ_MOVE_UP:
			return tui_view_scroll(v, -1);
		case TUI_REQ_PAGE_DOWN:
			return tui_view_scroll(v, (long)page);
		case TUI_REQ_PAGE_UP:
			return tui_view_scroll(v, -(long)page);
		case TUI_REQ_MOVE_TOP:
			return tui_view_scroll(v, -(long)v->top);
		case TUI_REQ_MOVE_BOTTOM:
			return tui_view_scroll(v, (long)v->lines);
		default:
			break;
		}
	}
	switch (req) {
	case TUI_REQ_MOVE_DOWN:
		return v->cur + 1 < v->lines ? tui_view_set_cur(v, v->cur + 1) : TUI_NEXT_NONE;
	case TUI_REQ_MOVE_UP:
		return v->cur > 0 ? tui_view_set_cur(v, v->cur - 1) : TUI_NEXT_NONE;
	case TUI_REQ_PAGE_DOWN:
		if (v->lines == 0)
			return TUI_NEXT_NONE;
		v->top += page;
		return tui_view_set_cur(v, v->cur + page < v->lines ? v->cur + page : v->lines - 1);
	case TUI_REQ_PAGE_UP:
		v->top = v->top > page ? v->top - page : 0;
		return tui_view_set_cur(v, v->cur > page ? v->cur - page : 0);
	case TUI_REQ_MOVE_TOP:
		return tui_view_set_cur(v, 0);
	case TUI_REQ_MOVE_BOTTOM:
		return tui_view_set_cur(v, v->lines > 0 ? v->lines - 1 : 0);
	case TUI_REQ_SCROLL_LEFT:
		if (v->hscroll == 0)
			return TUI_NEXT_NONE;
		v->hscroll = v->hscroll > HSCROLL_STEP ? v->hscroll - HSCROLL_STEP : 0;
		return TUI_NEXT_REDRAW;
	case TUI_REQ_SCROLL_RIGHT:
		if (v->hscroll + HSCROLL_STEP > HSCROLL_MAX)
			return TUI_NEXT_NONE;
		v->hscroll += HSCROLL_STEP;
		return TUI_NEXT_REDRAW;
	default:
		return TUI_NEXT_UNHANDLED;
	}
}

size_t
tui_view_line_at(const struct tui_view *v, int y)
{
	int row = y - v->y - header_rows(v);
	size_t line;

	if (row < 0 || row >= tui_view_body_rows(v))
		return (size_t)-1;
	line = v->top + (size_t)row;
	return line < v->lines ? line : (size_t)-1;
}

void
tui_view_draw(struct tui_view *v, struct tui_screen *scr)
{
	struct tui_line l;
	int rows, r, y = v->y;
	enum tui_role tr = v->focused ? TUI_ROLE_TITLE_FOCUS : TUI_ROLE_TITLE;

	if (v->height <= 0 || v->width <= 0)
		return;
	clamp(v);
	tui_line_init(&l, scr, y++, v->x, v->width);
	l.sel_role = (int)tr;  /* the whole bar in the title colours */
	/* focus shows in the text too, for NO_COLOR and mono terminals */
	tui_line_lit(&l, tr, v->focused ? v->ctx->glyphs->marker : " ");
	if (v->ops->title != NULL)
		v->ops->title(v, &l);
	rows = tui_view_body_rows(v);
	if (!has_cursor(v) && v->lines > (size_t)rows && rows > 0) {
		size_t last = v->top + (size_t)rows;

		tui_line_printf(&l, tr, "  [%zu-%zu/%zu]", v->top + 1,
		                last < v->lines ? last : v->lines, v->lines);
	}
	tui_line_fill(&l, tr);
	if (v->ops->draw_header != NULL && y < v->y + v->height) {
		tui_line_init(&l, scr, y++, v->x, v->width);
		l.skip = v->hscroll;
		v->ops->draw_header(v, &l);
		tui_line_fill(&l, TUI_ROLE_HEADER);
	}
	for (r = 0; r < rows; r++, y++) {
		size_t line = v->top + (size_t)r;

		tui_line_init(&l, scr, y, v->x, v->width);
		l.skip = v->hscroll;
		if (line < v->lines) {
			if (has_cursor(v) && line == v->cur)
				l.sel_role = v->focused ? TUI_ROLE_SELECTION : TUI_ROLE_SELECTION_IDLE;
			v->ops->draw_line(v, &l, line);
			tui_line_fill(&l, TUI_ROLE_DEFAULT);
		} else {
			tui_line_fill(&l, TUI_ROLE_DEFAULT);
		}
	}
}
