/* view_query: the bar above the status line — the query bar (`/`) with
 * its live error, the filter it applies, its history; the marks; the
 * export prompt (`e`) and its overwrite question. */
#include "config.h"

#include "gotrex/tui_bar.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gotrex/export.h"
#include "gotrex/query.h"
#include "gotrex/text.h"

#define CTRL(c) ((c) & 0x1f)
#define TEXT_MAX 4096      /* bytes of a query or a file name */
#define HISTORY_MAX 200    /* entries kept (memory and file) */
#define DEFAULT_EXPORT "gotrex-export.txt"

enum mode {
	BAR_OFF = 0,
	BAR_QUERY,
	BAR_EXPORT,
	BAR_CONFIRM,   /* the export file exists: overwrite? */
};

struct tui_bar {
	struct tui_ctx *c;         /* borrowed */
	enum mode mode;
	char *text;                /* the line being edited, NUL-terminated */
	size_t len, cap, pos;      /* pos: byte offset of the cursor */
	bool has_err;              /* query: err is about text */
	struct gx_query_error err;
	char *error;               /* export: the last failure, shown under the prompt */
	/* history, oldest first */
	char **hist;
	size_t nhist, hcap;
	size_t hpos;               /* nhist while editing a new line */
	char *draft;               /* the new line, kept while browsing the history */
	char *hist_path;           /* owned, or NULL */
	char *export_name;         /* last file name used */
};

/* ------------------------------------------------------------------ */
/* Marks */

void
tui_ctx_mark(struct tui_ctx *c, uint32_t g, bool on)
{
	size_t n = gx_store_goroutine_count(c->store);

	if (g >= n)
		return;
	if (c->marks == NULL) {
		if (!on)
			return;
		c->marks = xcalloc(n, 1);
	}
	if (on && !c->marks[g]) {
		c->marks[g] = 1;
		c->nmarked++;
	} else if (!on && c->marks[g]) {
		c->marks[g] = 0;
		c->nmarked--;
	}
}

/* ------------------------------------------------------------------ */
/* The filter */

unsigned
tui_filter_clear(struct tui_ctx *c)
{
	struct tui_filter *f = &c->filter;
	bool was = f->active;

	free(f->query);
	free(f->g);
	free(f->in);
	memset(f, 0, sizeof(*f));
	return was ? TUI_NEXT_FILTER | TUI_NEXT_RELAYOUT | TUI_NEXT_REDRAW_ALL : TUI_NEXT_NONE;
}

static bool
blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0';
}

unsigned
tui_filter_apply(struct tui_ctx *c, const char *text, struct gx_query_error *err)
{
	struct gx_query *q;
	struct gx_query_env env = { .store = c->store, .deadlock = NULL };
	struct tui_filter nf = { 0 };
	size_t ng = gx_store_goroutine_count(c->store), i;
	int64_t start = 0, end = 0;

	if (blank(text))
		return tui_filter_clear(c) | TUI_NEXT_REDRAW_ALL;
	q = gx_query_parse(text, err);
	if (q == NULL)
		return 0;
	if (gx_query_needs_deadlock(q))
		env.deadlock = tui_ctx_deadlock_hook(c);
	if (gx_query_select(q, &env, &nf.g, &nf.n, err) != 0) {
		gx_query_free(q);
		return 0;
	}
	if (gx_query_window(q, &env, &start, &end, err) == 1) {
		nf.has_window = true;
		nf.start_ns = start;
		nf.end_ns = end;
	}
	gx_query_free(q);
	nf.active = true;
	nf.query = xstrdup(text);
	nf.in = xcalloc(ng > 0 ? ng : 1, 1);
	for (i = 0; i < nf.n; i++) {
		const struct gx_goroutine_rec *g = gx_store_goroutine(c->store, nf.g[i]);

		if (g == NULL)
			continue;
		nf.in[nf.g[i]] = 1;
		nf.goroutines += g->count > 0 ? g->count : 1;
	}
	tui_filter_clear(c);
	c->filter = nf;
	return TUI_NEXT_FILTER | TUI_NEXT_RELAYOUT | TUI_NEXT_REDRAW_ALL;
}

/* ------------------------------------------------------------------ */
/* History: in memory, and in a file of one query per line, rewritten
 * atomically (temporary file, fsync, rename) after each new entry. */

char *
tui_bar_history_path(void)
{
	const char *st = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	if (st != NULL && st[0] == '/')
		return xasprintf("%s/gotrex/history", st);
	if (home != NULL && home[0] == '/')
		return xasprintf("%s/.local/state/gotrex/history", home);
	return NULL;
}

static bool
printable_line(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return n > 0 && n <= TEXT_MAX;
}

static void
hist_push(struct tui_bar *b, const char *s)
{
	size_t n = strlen(s);

	if (!printable_line(s, n))
		return;
	if (b->nhist > 0 && strcmp(b->hist[b->nhist - 1], s) == 0)
		return;
	if (b->nhist == HISTORY_MAX) {
		free(b->hist[0]);
		memmove(b->hist, b->hist + 1, (b->nhist - 1) * sizeof(*b->hist));
		b->nhist--;
	}
	gx_grow(&b->hist, &b->hcap, b->nhist + 1, sizeof(*b->hist));
	b->hist[b->nhist++] = xstrdup(s);
}

static void
hist_load(struct tui_bar *b)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (b->hist_path == NULL || (f = fopen(b->hist_path, "r")) == NULL)
		return;
	while ((n = getline(&line, &cap, f)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		/* a line that is not a query we could have written is skipped */
		if ((size_t)n == strlen(line))
			hist_push(b, line);
	}
	free(line);
	fclose(f);
}

static int
mkdirs(char *dir)
{
	char *p;

	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(dir, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

static void
hist_save(struct tui_bar *b)
{
	char *dir, *slash, *tmp;
	FILE *f;
	size_t i;
	int fd, ok;

	if (b->hist_path == NULL)
		return;
	dir = xstrdup(b->hist_path);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		mkdirs(dir);
	}
	free(dir);
	tmp = xasprintf("%s.XXXXXX", b->hist_path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		free(tmp);
		return;   /* the history is a convenience: no place, no file */
	}
	f = fdopen(fd, "w");
	if (f == NULL) {
		close(fd);
		unlink(tmp);
		free(tmp);
		return;
	}
	for (i = 0; i < b->nhist; i++)
		fprintf(f, "%s\n", b->hist[i]);
	ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, b->hist_path) != 0)
		unlink(tmp);
	free(tmp);
}

/* ------------------------------------------------------------------ */
/* The line editor */

static void
set_text(struct tui_bar *b, const char *s)
{
	size_t n = strlen(s);

	if (n > TEXT_MAX)
		n = TEXT_MAX;
	gx_grow(&b->text, &b->cap, n + 1, 1);
	memcpy(b->text, s, n);
	b->text[n] = '\0';
	b->len = b->pos = n;
}

static bool
is_cont(char ch)
{
	return ((unsigned char)ch & 0xc0) == 0x80;
}

static size_t
prev_char(const struct tui_bar *b, size_t pos)
{
	if (pos == 0)
		return 0;
	pos--;
	while (pos > 0 && is_cont(b->text[pos]))
		pos--;
	return pos;
}

static size_t
next_char(const struct tui_bar *b, size_t pos)
{
	if (pos >= b->len)
		return b->len;
	pos++;
	while (pos < b->len && is_cont(b->text[pos]))
		pos++;
	return pos;
}

static void
delete_range(struct tui_bar *b, size_t from, size_t to)
{
	if (from >= to || to > b->len)
		return;
	memmove(b->text + from, b->text + to, b->len - to + 1);
	b->len -= to - from;
	b->pos = from;
}

static void
insert_byte(struct tui_bar *b, char ch)
{
	if (b->len >= TEXT_MAX)
		return;
	gx_grow(&b->text, &b->cap, b->len + 2, 1);
	memmove(b->text + b->pos + 1, b->text + b->pos, b->len - b->pos + 1);
	b->text[b->pos++] = ch;
	b->len++;
}

/* Re-parse after each edit: the error is drawn while typing. */
static void
check(struct tui_bar *b)
{
	struct gx_query *q;

	free(b->error);
	b->error = NULL;
	b->has_err = false;
	if (b->mode != BAR_QUERY)
		return;
	q = gx_query_parse(b->text, &b->err);
	if (q == NULL)
		b->has_err = true;
	gx_query_free(q);
}

/* The editing keys; returns true when the key was one of them. */
static bool
edit(struct tui_bar *b, int ch)
{
	size_t p;

	switch (ch) {
	case KEY_LEFT:
	case CTRL('b'):
		b->pos = prev_char(b, b->pos);
		return true;
	case KEY_RIGHT:
	case CTRL('f'):
		b->pos = next_char(b, b->pos);
		return true;
	case KEY_HOME:
	case CTRL('a'):
		b->pos = 0;
		return true;
	case KEY_END:
	case CTRL('e'):
		b->pos = b->len;
		return true;
	case KEY_BACKSPACE:
	case 0x7f:
	case CTRL('h'):
		delete_range(b, prev_char(b, b->pos), b->pos);
		break;
	case KEY_DC:
	case CTRL('d'):
		delete_range(b, b->pos, next_char(b, b->pos));
		break;
	case CTRL('u'):
		delete_range(b, 0, b->pos);
		break;
	case CTRL('k'):
		delete_range(b, b->pos, b->len);
		break;
	case CTRL('w'):
		/* the word before the cursor, and the spaces after it */
		p = b->pos;
		while (p > 0 && b->text[p - 1] == ' ')
			p--;
		while (p > 0 && b->text[p - 1] != ' ')
			p--;
		delete_range(b, p, b->pos);
		break;
	default:
		if (ch < 0x20 || ch > 0xff || ch == 0x7f)
			return false;
		insert_byte(b, (char)ch);
		break;
	}
	check(b);
	return true;
}

static void
history_move(struct tui_bar *b, int dir)
{
	if (b->nhist == 0)
		return;
	if (dir < 0 && b->hpos > 0) {
		if (b->hpos == b->nhist) {
			free(b->draft);
			b->draft = xstrdup(b->text);
		}
		b->hpos--;
		set_text(b, b->hist[b->hpos]);
	} else if (dir > 0 && b->hpos < b->nhist) {
		b->hpos++;
		set_text(b, b->hpos == b->nhist ? (b->draft != NULL ? b->draft : "")
		                                : b->hist[b->hpos]);
	}
	check(b);
}

/* ------------------------------------------------------------------ */
/* Export */

static enum gx_export_format
format_of(const char *path, const char **name)
{
	const char *dot = strrchr(path, '.');

	if (dot != NULL && strchr(dot, '/') == NULL) {
		if (strcmp(dot, ".json") == 0) {
			*name = "json";
			return GX_EXPORT_JSON;
		}
		if (strcmp(dot, ".folded") == 0 || strcmp(dot, ".fold") == 0) {
			*name = "folded";
			return GX_EXPORT_FOLDED;
		}
	}
	*name = "text";
	return GX_EXPORT_TEXT;
}

/* What `e` exports: the marked goroutines, else those the filter lists,
 * else all; store order. */
static uint32_t *
export_set(const struct tui_ctx *c, size_t *n, const char **what)
{
	size_t ng = gx_store_goroutine_count(c->store), i, k = 0;
	uint32_t *v;

	if (c->nmarked > 0 && c->marks != NULL) {
		v = xreallocarray(NULL, c->nmarked, sizeof(*v));
		for (i = 0; i < ng && k < c->nmarked; i++)
			if (c->marks[i])
				v[k++] = (uint32_t)i;
		*what = "marked";
	} else if (c->filter.active) {
		v = xreallocarray(NULL, c->filter.n > 0 ? c->filter.n : 1, sizeof(*v));
		if (c->filter.n > 0)
			memcpy(v, c->filter.g, c->filter.n * sizeof(*v));
		k = c->filter.n;
		*what = "listed";
	} else {
		v = xreallocarray(NULL, ng > 0 ? ng : 1, sizeof(*v));
		for (i = 0; i < ng; i++)
			v[k++] = (uint32_t)i;
		*what = "all";
	}
	*n = k;
	return v;
}

static uint64_t
count_goroutines(const struct gx_store *s, const uint32_t *v, size_t n)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct gx_goroutine_rec *g = gx_store_goroutine(s, v[i]);

		if (g != NULL)
			sum += g->count > 0 ? g->count : 1;
	}
	return sum;
}

static char *
escaped(const char *s, bool ascii)
{
	struct gx_buf e = { 0 };

	gx_text_escape(&e, s, strlen(s), ascii);
	return gx_buf_take(&e);
}

static char *
first_error(const struct gx_diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].severity == GX_ERROR)
			return gx_diag_format(&d->v[i]);
	return d->n > 0 ? gx_diag_format(&d->v[0]) : xstrdup("export failed");
}

/* Write the export; on success close the bar with a status message, on
 * failure keep the prompt open with the error under it. */
static unsigned
do_export(struct tui_bar *b, bool force)
{
	struct tui_ctx *c = b->c;
	struct gx_diag d = { 0 };
	struct gx_export_file ef;
	const char *fmtname, *what;
	enum gx_export_format fmt = format_of(b->text, &fmtname);
	size_t n;
	uint32_t *v = export_set(c, &n, &what);
	char *path = xstrdup(b->text), *epath, *msg;
	uint64_t ngor = count_goroutines(c->store, v, n);

	(void)what;
	epath = escaped(path, c->ascii);
	free(b->error);
	b->error = NULL;
	if (gx_export_file_open(&ef, path, force, &d) != 0) {
		msg = first_error(&d);
		b->error = escaped(msg, c->ascii);
		free(msg);
	} else if (gx_export(ef.f, c->store, v, n, fmt, 0) != 0) {
		b->error = xasprintf("%s: cannot write: %s", epath, strerror(errno));
		gx_export_file_abort(&ef);
	} else if (gx_export_file_commit(&ef, &d) != 0) {
		msg = first_error(&d);
		b->error = escaped(msg, c->ascii);
		free(msg);
	}
	if (b->error == NULL) {
		tui_ctx_message(c, "wrote %llu goroutine%s to %s (%s)", (unsigned long long)ngor,
		                ngor == 1 ? "" : "s", epath, fmtname);
		free(b->export_name);
		b->export_name = path;
		path = NULL;
		b->mode = BAR_OFF;
	} else {
		b->mode = BAR_EXPORT;
	}
	gx_diag_clear(&d);
	free(path);
	free(epath);
	free(v);
	return TUI_NEXT_RELAYOUT | TUI_NEXT_REDRAW_ALL;
}

static unsigned
export_enter(struct tui_bar *b)
{
	struct stat st;

	if (blank(b->text)) {
		free(b->error);
		b->error = xstrdup("no file name");
		return TUI_NEXT_REDRAW_ALL;
	}
	{
		size_t n;
		const char *what;
		uint32_t *v = export_set(b->c, &n, &what);

		free(v);
		if (n == 0) {
			free(b->error);
			b->error = xstrdup("nothing to export: the filter lists no goroutine");
			return TUI_NEXT_RELAYOUT | TUI_NEXT_REDRAW_ALL;
		}
	}
	if (lstat(b->text, &st) == 0) {
		free(b->error);
		b->error = NULL;
		b->mode = BAR_CONFIRM;
		return TUI_NEXT_RELAYOUT | TUI_NEXT_REDRAW_ALL;
	}
	return do_export(b, false);
}

/* ------------------------------------------------------------------ */
/* The bar */

struct tui_bar *
tui_bar_new(struct tui_ctx *c, const char *history_path)
{
	struct tui_bar *b = xcalloc(1, sizeof(*b));

	b->c = c;
	b->hist_path = history_path != NULL ? xstrdup(history_path) : NULL;
	set_text(b, "");
	hist_load(b);
	return b;
}

void
tui_bar_free(struct tui_bar *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->nhist; i++)
		free(b->hist[i]);
	free(b->hist);
	free(b->text);
	free(b->draft);
	free(b->error);
	free(b->hist_path);
	free(b->export_name);
	free(b);
}

bool
tui_bar_active(const struct tui_bar *b)
{
	return b != NULL && b->mode != BAR_OFF;
}

int
tui_bar_rows(const struct tui_bar *b)
{
	if (!tui_bar_active(b))
		return 0;
	if (b->mode == BAR_QUERY && b->has_err)
		return 2;
	if (b->mode == BAR_EXPORT && b->error != NULL)
		return 2;
	return 1;
}

unsigned
tui_bar_request(struct tui_bar *b, enum tui_request req)
{
	switch (req) {
	case TUI_REQ_QUERY:
		b->mode = BAR_QUERY;
		/* start from the applied query, to refine it */
		set_text(b, b->c->filter.active ? b->c->filter.query : "");
		b->hpos = b->nhist;
		free(b->draft);
		b->draft = NULL;
		check(b);
		return TUI_NEXT_RELAYOUT | TUI_NEXT_REDRAW_ALL;
	case TUI_REQ_EXPORT:
		b->mode = BAR_EXPORT;
		set_text(b, b->export_name != NULL ? b->export_name : DEFAULT_EXPORT);
		check(b);
		return TUI_NEXT_RELAYOUT | TUI_NEXT_REDRAW_ALL;
	case TUI_REQ_CLOSE:
		if (!b->c->filter.active)
			return TUI_NEXT_UNHANDLED;
		tui_ctx_message(b->c, "filter cleared: %llu goroutine%s",
		                (unsigned long long)b->c->goroutines, b->c->goroutines == 1 ? "" : "s");
		return tui_filter_clear(b->c);
	default:
		return TUI_NEXT_UNHANDLED;
	}
}

static unsigned
query_enter(struct tui_bar *b)
{
	struct tui_ctx *c = b->c;
	unsigned next;
	bool had = c->filter.active;

	next = tui_filter_apply(c, b->text, &b->err);
	if (next == 0) {
		/* a parse error, or one of evaluation (a window on a dump) */
		b->has_err = true;
		return TUI_NEXT_RELAYOUT | TUI_NEXT_REDRAW_ALL;
	}
	b->mode = BAR_OFF;
	if (!blank(b->text)) {
		hist_push(b, b->text);
		hist_save(b);
	}
	if (c->filter.active)
		tui_ctx_message(c, "%llu of %llu goroutine%s match",
		                (unsigned long long)c->filter.goroutines,
		                (unsigned long long)c->goroutines, c->goroutines == 1 ? "" : "s");
	else if (had)
		tui_ctx_message(c, "filter cleared: %llu goroutine%s",
		                (unsigned long long)c->goroutines, c->goroutines == 1 ? "" : "s");
	return next | TUI_NEXT_RELAYOUT | TUI_NEXT_REDRAW_ALL;
}

unsigned
tui_bar_key(struct tui_bar *b, int ch)
{
	if (b->mode == BAR_CONFIRM) {
		if (ch == 'y' || ch == 'Y')
			return do_export(b, true);
		/* anything else: back to the name, to change it */
		b->mode = BAR_EXPORT;
		return TUI_NEXT_RELAYOUT | TUI_NEXT_REDRAW_ALL;
	}
	switch (ch) {
	case 27: /* Esc: close, keep the filter */
		b->mode = BAR_OFF;
		free(b->error);
		b->error = NULL;
		b->has_err = false;
		return TUI_NEXT_RELAYOUT | TUI_NEXT_REDRAW_ALL;
	case '\n':
	case '\r':
	case KEY_ENTER:
		return b->mode == BAR_QUERY ? query_enter(b) : export_enter(b);
	case KEY_UP:
	case CTRL('p'):
		if (b->mode == BAR_QUERY)
			history_move(b, -1);
		return TUI_NEXT_RELAYOUT | TUI_NEXT_REDRAW_ALL;
	case KEY_DOWN:
	case CTRL('n'):
		if (b->mode == BAR_QUERY)
			history_move(b, 1);
		return TUI_NEXT_RELAYOUT | TUI_NEXT_REDRAW_ALL;
	case KEY_RESIZE:
		return TUI_NEXT_RELAYOUT | TUI_NEXT_REDRAW_ALL;
	default:
		edit(b, ch);
		return TUI_NEXT_RELAYOUT | TUI_NEXT_REDRAW_ALL;
	}
}

/* Columns of text[0..n) once escaped. */
static int
width_of(const struct tui_bar *b, size_t n)
{
	return tui_text_width(b->text, n, b->c->ascii);
}

static const char *
prompt(const struct tui_bar *b, char *buf, size_t size)
{
	const struct tui_ctx *c = b->c;
	size_t n;
	const char *what;
	uint32_t *v;
	uint64_t ng;

	if (b->mode == BAR_QUERY)
		return "/";
	v = export_set(c, &n, &what);
	ng = count_goroutines(c->store, v, n);
	free(v);
	snprintf(buf, size, "export %s%llu goroutine%s to: ", strcmp(what, "marked") == 0 ?
	         "marked " : strcmp(what, "listed") == 0 ? "listed " : "all ",
	         (unsigned long long)ng, ng == 1 ? "" : "s");
	return buf;
}

void
tui_bar_draw_line(struct tui_bar *b, struct tui_line *l, int row)
{
	char buf[96];
	const char *p = prompt(b, buf, sizeof(buf));
	int pw = (int)strlen(p), cur = width_of(b, b->pos), skip = 0;
	const char *hint = b->mode == BAR_QUERY ? "Enter apply  Esc close  Up/Down history"
	                                        : "Enter write  Esc cancel";

	/* scroll so that the cursor stays on the line */
	if (pw + cur + 2 > l->width)
		skip = pw + cur + 2 - l->width;
	if (b->mode == BAR_CONFIRM) {
		if (row != 0)
			return;
		tui_line_lit(l, TUI_ROLE_WARNING, " ");
		tui_line_text(l, TUI_ROLE_WARNING, b->text, b->len);
		tui_line_lit(l, TUI_ROLE_WARNING, " exists: overwrite? y/n");
		tui_line_fill(l, TUI_ROLE_DEFAULT);
		return;
	}
	if (row == 0) {
		size_t end = next_char(b, b->pos);

		l->skip = skip;
		tui_line_lit(l, TUI_ROLE_KEY, p);
		tui_line_text(l, TUI_ROLE_DEFAULT, b->text, b->pos);
		/* the cursor: the character under it in reverse */
		if (b->pos < b->len)
			tui_line_text(l, TUI_ROLE_SELECTION, b->text + b->pos, end - b->pos);
		else
			tui_line_lit(l, TUI_ROLE_SELECTION, " ");
		if (end < b->len)
			tui_line_text(l, TUI_ROLE_DEFAULT, b->text + end, b->len - end);
		l->skip = 0;
		l->col -= skip;
		if (l->col + (int)strlen(hint) + 3 < l->width) {
			tui_line_pad(l, TUI_ROLE_DEFAULT, l->width - (int)strlen(hint) - 1);
			tui_line_lit(l, TUI_ROLE_DIM, hint);
		}
		return;
	}
	if (b->mode == BAR_EXPORT && b->error != NULL) {
		tui_line_lit(l, TUI_ROLE_ERROR, " ");
		tui_line_lit(l, TUI_ROLE_ERROR, b->error);
		return;
	}
	if (b->mode == BAR_QUERY && b->has_err) {
		size_t epos = b->err.pos <= b->len ? b->err.pos : b->len;
		size_t elen = b->err.len > 0 ? b->err.len : 1;
		int col = pw + width_of(b, epos) - skip, k, carets;
		int mlen = (int)strlen(b->err.msg);

		/* the caret under the bad part, the message beside it */
		carets = epos + elen <= b->len ? width_of(b, epos + elen) - width_of(b, epos) : 1;
		if (carets < 1)
			carets = 1;
		if (carets > 40)
			carets = 40;
		if (col < 0)
			col = 0;
		if (col + carets + 1 + mlen > l->width && col > mlen + 1) {
			/* no room on the right: the message goes left of the caret */
			tui_line_pad(l, TUI_ROLE_DEFAULT, col - mlen - 1);
			tui_line_lit(l, TUI_ROLE_ERROR, b->err.msg);
			tui_line_lit(l, TUI_ROLE_ERROR, " ");
			for (k = 0; k < carets; k++)
				tui_line_lit(l, TUI_ROLE_ERROR, "^");
			return;
		}
		tui_line_pad(l, TUI_ROLE_DEFAULT, col);
		for (k = 0; k < carets; k++)
			tui_line_lit(l, TUI_ROLE_ERROR, "^");
		tui_line_lit(l, TUI_ROLE_ERROR, " ");
		tui_line_lit(l, TUI_ROLE_ERROR, b->err.msg);
	}
}

/* ------------------------------------------------------------------ */
/* Help: the bar's keys and the language, in one table. The examples are
 * those of doc/query.md (tests/tui_query.sh checks they are still there). */

const struct tui_help_row tui_query_help[] = {
	{ "Query bar (/)", NULL, NULL },
	{ NULL, "Enter", "apply the query (an empty one clears the filter)" },
	{ NULL, "Esc", "close the bar, keep the filter (Esc again clears it)" },
	{ NULL, "Up, Down", "previous, next query of the history" },
	{ NULL, "Left, Right, Home, End", "move in the line (also Ctrl-B, Ctrl-F, Ctrl-A, Ctrl-E)" },
	{ NULL, "Backspace, Delete", "delete the character before, under the cursor" },
	{ NULL, "Ctrl-U, Ctrl-K, Ctrl-W", "delete to the start, to the end, the word before" },
	{ NULL, NULL, NULL },
	{ "Query language (doc/query.md)", NULL, NULL },
	{ NULL, "states", "running runnable syscall waiting dead" },
	{ NULL, "waits", "chan select mutex cond wg sema io sleep gc idle blocked" },
	{ NULL, "flags", "leaked locked system   in:cycle in:stuck" },
	{ NULL, "text (T)", "reason:T reason~T stack:T stack~T /RE/ created:T" },
	{ NULL, "labels, traces", "label:K label:K=V   log:T region:T region~T" },
	{ NULL, "ids, waits", "id:17 id:40..50 id:1,5,9..12   wait>1m wait>=1s wait<10ms" },
	{ NULL, "combine", "not (! -)  and (or side by side)  or  ( )" },
	{ NULL, "windows", "1.2s..1.5s  last 10ms  first 10ms  10ms before deadlock" },
	{ NULL, "values", "word  \"quoted\"  /regex/  /regex/i   durations ns us ms s m h" },
	{ NULL, NULL, NULL },
	{ "Query examples", NULL, NULL },
	{ NULL, "mutex wait>1m", "blocked on a mutex for at least a minute" },
	{ NULL, "chan stack:/^main\\./", "on a channel, in a main.* function" },
	{ NULL, "blocked not in:stuck", "blocked, but something can still wake them" },
	{ NULL, "in:cycle", "the goroutines of a deadlock cycle" },
	{ NULL, "mutex 10ms before deadlock", "had a mutex wait in the 10 ms before the deadlock set in" },
	{ NULL, "running last 50ms", "ran in the last 50 ms of the trace" },
	{ NULL, "created:/http\\.\\(\\*Server\\)/", "started by net/http's server" },
	{ NULL, "label:tenant=acme reason~lock", "pprof label, wait reason containing \"lock\"" },
	{ NULL, "id:17 or id:40..50", "goroutine ids" },
};

const size_t tui_query_help_count = sizeof(tui_query_help) / sizeof(tui_query_help[0]);
