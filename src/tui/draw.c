/* draw: the line API of tui_view.h over curses, and theme → attributes. */
#include "config.h"

#include "gotrex/tui_screen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "gotrex/text.h"

const struct tui_glyphs tui_glyphs_utf8 = {
	.hline = "\xe2\x94\x80",      /* ─ */
	.arrow_up = "\xe2\x96\xb2",   /* ▲ */
	.arrow_down = "\xe2\x96\xbc", /* ▼ */
	.times = "\xc3\x97",          /* × */
	.ellipsis = "\xe2\x80\xa6",   /* … */
	.ge = "\xe2\x89\xa5",         /* ≥ */
	.bullet = "\xc2\xb7",         /* · */
	.marker = "\xe2\x96\xb6",     /* ▶ */
};

const struct tui_glyphs tui_glyphs_ascii = {
	.hline = "-",
	.arrow_up = "^",
	.arrow_down = "v",
	.times = "x",
	.ellipsis = "~",
	.ge = ">=",
	.bullet = "|",
	.marker = ">",
};

static attr_t
curses_attrs(unsigned a)
{
	attr_t r = A_NORMAL;

	if (a & TUI_ATTR_BOLD)
		r |= A_BOLD;
	if (a & TUI_ATTR_DIM)
		r |= A_DIM;
	if (a & TUI_ATTR_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & TUI_ATTR_REVERSE)
		r |= A_REVERSE;
	if (a & TUI_ATTR_STANDOUT)
		r |= A_STANDOUT;
	if (a & TUI_ATTR_BLINK)
		r |= A_BLINK;
#ifdef A_ITALIC
	if (a & TUI_ATTR_ITALIC)
		r |= A_ITALIC;
#endif
	return r;
}

/* A theme colour the terminal may not have: bright-X becomes X in bold,
 * bright-black the default colour dimmed, anything else the default. */
static short
fit_color(short c, bool fg, attr_t *extra, bool have_default)
{
	if (c >= COLORS) {
		if (c >= 8 && c < 16 && c != 8) {
			if (fg)
				*extra |= A_BOLD;
			c = (short)(c - 8);
		} else {
			if (c == 8 && fg)
				*extra |= A_DIM;
			c = TUI_COLOR_DEFAULT;
		}
	}
	if (c == TUI_COLOR_DEFAULT && !have_default)
		c = fg ? COLOR_WHITE : COLOR_BLACK;
	return c;
}

void
tui_screen_setup(struct tui_screen *scr, const struct tui_theme *t, bool use_color)
{
	bool have_default = false;
	size_t i;

	if (use_color)
		have_default = use_default_colors() == OK;
	for (i = 0; i < TUI_ROLE_COUNT; i++) {
		const struct tui_style *st = &t->style[i];
		attr_t a = curses_attrs(st->attrs);

		if (use_color && (size_t)COLOR_PAIRS > i + 1) {
			attr_t extra = A_NORMAL;
			short fg = fit_color(st->fg, true, &extra, have_default);
			short bg = fit_color(st->bg, false, &extra, have_default);

			init_pair((short)(i + 1), fg, bg);
			a |= COLOR_PAIR((int)i + 1) | extra;
		} else {
			a |= curses_attrs(tui_roles[i].mono_attrs);
		}
		scr->attr[i] = a;
	}
}

void
tui_screen_free(struct tui_screen *scr)
{
	gx_buf_free(&scr->scratch);
}

void
tui_line_init(struct tui_line *l, struct tui_screen *scr, int y, int x, int width)
{
	*l = (struct tui_line){
		.scr = scr, .y = y, .x = x, .width = width < 0 ? 0 : width,
		.sel_role = -1, .ascii = scr->ascii,
	};
}

/* Decode one UTF-8 sequence of safe text; 0 on a bad byte. */
static size_t
utf8_next(const unsigned char *s, size_t n, wchar_t *cp)
{
	mbstate_t st;
	size_t r;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	memset(&st, 0, sizeof(st));
	r = mbrtowc(cp, (const char *)s, n, &st);
	if (r == (size_t)-1 || r == (size_t)-2 || r == 0)
		return 0;
	return r;
}

static int
cp_width(wchar_t c)
{
	int w;

	if (c < 0x80)
		return (c < 0x20 || c == 0x7f) ? -1 : 1;
	w = wcwidth(c);
	return w;
}

static attr_t
role_attr(const struct tui_line *l, enum tui_role role)
{
	if (l->sel_role >= 0)
		role = (enum tui_role)l->sel_role;
	return l->scr->attr[role];
}

/* Draw safe text: printable UTF-8 (or ASCII). Anything else that slips
 * through is drawn as '?'. Clips to the line and honours skip. */
static void
put(struct tui_line *l, enum tui_role role, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	attr_t a = role_attr(l, role);
	size_t i = 0;

	attrset(a);
	while (i < n) {
		wchar_t cp = 0;
		size_t len = l->ascii && p[i] >= 0x80 ? 0 : utf8_next(p + i, n - i, &cp);
		int w = len > 0 ? cp_width(cp) : -1;
		const char *out = (const char *)p + i;
		size_t outlen = len;
		int vis;

		if (w < 0) {
			out = "?";
			outlen = 1;
			w = 1;
			if (len == 0)
				len = 1;
		}
		vis = l->col - l->skip;
		if (vis + w > l->width)
			break;
		if (l->col >= l->skip) {
			mvaddnstr(l->y, l->x + vis, out, (int)outlen);
		} else if (l->col + w > l->skip) {
			/* a wide character cut by the left edge */
			int k;
			for (k = l->skip; k < l->col + w; k++)
				mvaddch(l->y, l->x + k - l->skip, ' ');
		}
		l->col += w;
		i += len;
	}
	/* A line that did not fit stops at its width for everything after. */
	if (i < n && l->col - l->skip < l->width)
		l->col = l->skip + l->width;
	attrset(A_NORMAL);
}

int
tui_text_width(const char *s, size_t n, bool ascii)
{
	struct gx_buf b = { 0 };
	const unsigned char *p;
	size_t i = 0;
	int w = 0;

	gx_text_escape(&b, s, n, ascii);
	p = (const unsigned char *)b.data;
	while (p != NULL && i < b.len) {
		wchar_t cp = 0;
		size_t len = ascii ? 1 : utf8_next(p + i, b.len - i, &cp);
		int cw = ascii ? 1 : (len > 0 ? cp_width(cp) : -1);

		if (len == 0)
			len = 1;
		w += cw < 0 ? 1 : cw;
		i += len;
	}
	gx_buf_free(&b);
	return w;
}

void
tui_line_text(struct tui_line *l, enum tui_role role, const char *s, size_t n)
{
	struct gx_buf *b = &l->scr->scratch;

	gx_buf_reset(b);
	gx_text_escape(b, s, n, l->ascii);
	if (b->len > 0)
		put(l, role, b->data, b->len);
}

void
tui_line_lit(struct tui_line *l, enum tui_role role, const char *s)
{
	put(l, role, s, strlen(s));
}

void
tui_line_printf(struct tui_line *l, enum tui_role role, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	put(l, role, s, strlen(s));
	free(s);
}

/* Width of safe text, and the byte length of its first `cols` columns. */
static int
safe_width(const char *s, size_t n, int cols, size_t *cut, bool ascii)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	int w = 0;

	*cut = n;
	while (i < n) {
		wchar_t cp = 0;
		size_t len = ascii && p[i] >= 0x80 ? 0 : utf8_next(p + i, n - i, &cp);
		int cw = len > 0 ? cp_width(cp) : -1;

		if (len == 0)
			len = 1;
		if (cw < 0)
			cw = 1;
		if (w + cw > cols && *cut == n)
			*cut = i;
		w += cw;
		i += len;
	}
	return w;
}

static void
field(struct tui_line *l, enum tui_role role, const char *s, size_t n, int width, int align)
{
	size_t cut;
	int w;

	if (width <= 0)
		return;
	w = safe_width(s, n, width - 1, &cut, l->ascii);
	if (w > width) {
		/* cut to width-1 columns, then the ellipsis */
		int start = l->col;

		put(l, role, s, cut);
		tui_line_pad(l, role, start + width - 1);
		tui_line_lit(l, TUI_ROLE_DIM, l->scr->ascii ? tui_glyphs_ascii.ellipsis
		                                            : tui_glyphs_utf8.ellipsis);
	} else if (align == TUI_ALIGN_RIGHT) {
		tui_line_pad(l, role, l->col + width - w);
		put(l, role, s, n);
	} else {
		int start = l->col;

		put(l, role, s, n);
		tui_line_pad(l, role, start + width);
	}
	tui_line_pad(l, TUI_ROLE_DEFAULT, l->col + 1);
}

void
tui_line_field(struct tui_line *l, enum tui_role role, const char *s, size_t n,
               int width, int align)
{
	struct gx_buf *b = &l->scr->scratch;
	char *copy;

	gx_buf_reset(b);
	gx_text_escape(b, s, n, l->ascii);
	if (b->len == 0) {
		field(l, role, "", 0, width, align);
		return;
	}
	/* put() does not use the scratch buffer, but keep field() independent */
	copy = xstrndup(b->data, b->len);
	field(l, role, copy, b->len, width, align);
	free(copy);
}

void
tui_line_field_lit(struct tui_line *l, enum tui_role role, const char *s, int width, int align)
{
	field(l, role, s, strlen(s), width, align);
}

void
tui_line_pad(struct tui_line *l, enum tui_role role, int col)
{
	attr_t a = role_attr(l, role);

	attrset(a);
	while (l->col < col && l->col - l->skip < l->width) {
		if (l->col >= l->skip)
			mvaddch(l->y, l->x + l->col - l->skip, ' ');
		l->col++;
	}
	attrset(A_NORMAL);
}

void
tui_line_fill(struct tui_line *l, enum tui_role role)
{
	tui_line_pad(l, role, l->skip + l->width);
}

void
tui_line_rule(struct tui_line *l, enum tui_role role, const char *glyph)
{
	size_t n = strlen(glyph);

	while (l->col - l->skip < l->width) {
		int before = l->col;

		put(l, role, glyph, n);
		if (l->col == before)
			break;
	}
}
