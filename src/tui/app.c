/* app: the TUI's terminal setup and restore, layout, status line, the key
 * loop and the request chain. The only TUI file besides draw.c that talks
 * to curses. */
#include "config.h"

#include "gotrex/tui.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "gotrex/tui_bar.h"
#include "gotrex/tui_screen.h"
#include "gotrex/tui_term.h"
#include "gotrex/tui_theme.h"
#include "gotrex/tui_view.h"
#include "gotrex/util.h"
#include "gotrex/waitgraph.h"

/* The layout: panes stacked top to bottom in the main area, the status
 * line below. A later pane (timeline, wait tree, query bar) is one more
 * slot; an overlay (help, warnings) covers the whole main area. */
#define SLOTS_MAX 8

struct slot {
	struct tui_view *view;  /* owned */
	int weight;             /* share of the rows left after the minimums; 0 = fixed */
	int min_rows;
	bool focusable;
};

struct app {
	struct tui_ctx ctx;
	struct tui_screen scr;
	struct tui_theme theme;
	struct slot slots[SLOTS_MAX];
	size_t nslots;
	size_t focus;              /* slot with the keyboard focus */
	struct tui_view *overlay;  /* owned, or NULL */
	struct tui_bar *bar;       /* query bar and export prompt, above the status line */
	bool use_color;
	bool too_small;
	int quit_signal;           /* a signal asked us to quit */
	bool quit;
	bool analysed;             /* the first screen is up: analysis tried */
};

/* The status line says whether there is a deadlock when the analysis is
 * done. Small inputs are analysed before the first screen (milliseconds),
 * medium ones as soon as it is up (a 100 000-goroutine dump takes about
 * 0.3 s), bigger ones when W, D or a query asks for it. */
#define FIRST_GOROUTINES_MAX 20000
#define FIRST_EVENTS_MAX 200000
#define EAGER_GOROUTINES_MAX 200000
#define EAGER_EVENTS_MAX 2000000

/* Process-wide: the signal pipe and whether curses is active (for the
 * fatal-error hook, which gets no argument). */
static int sig_pipe[2] = { -1, -1 };
static bool curses_active;
static SCREEN *curses_screen;
static FILE *curses_in;

static void
restore_terminal(void)
{
	if (curses_active) {
		curses_active = false;
		endwin();
		fflush(stdout);
	}
}

static void
on_signal(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;

	if (sig_pipe[1] >= 0 && write(sig_pipe[1], &c, 1) < 0) {
		/* the pipe is full: a signal is pending anyway */
	}
	errno = saved;
}

static const int caught[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH };

static int
install_signals(void)
{
	struct sigaction sa;
	size_t i;

	if (pipe(sig_pipe) != 0)
		return -1;
	for (i = 0; i < 2; i++) {
		fcntl(sig_pipe[i], F_SETFL, fcntl(sig_pipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < GX_ARRAY_SIZE(caught); i++)
		sigaction(caught[i], &sa, NULL);
	return 0;
}

static void
uninstall_signals(void)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < GX_ARRAY_SIZE(caught); i++)
		sigaction(caught[i], &sa, NULL);
	for (i = 0; i < 2; i++) {
		if (sig_pipe[i] >= 0)
			close(sig_pipe[i]);
		sig_pipe[i] = -1;
	}
}

/* ------------------------------------------------------------------ */
/* Layout */

static void
layout(struct app *a)
{
	int avail = LINES - 1 - tui_bar_rows(a->bar), y = 0, minsum = 0, wsum = 0, wseen = 0,
	    left, given = 0;
	size_t i;

	a->too_small = LINES < 6 || COLS < 24;
	for (i = 0; i < a->nslots; i++) {
		minsum += a->slots[i].min_rows;
		wsum += a->slots[i].weight;
	}
	if (avail < minsum)
		a->too_small = true;
	left = avail > minsum ? avail - minsum : 0;
	for (i = 0; i < a->nslots; i++) {
		struct slot *s = &a->slots[i];
		int h = s->min_rows;

		if (s->weight > 0) {
			int share;

			/* the last weighted slot takes what rounding left over */
			wseen += s->weight;
			share = wseen == wsum ? left - given : left * s->weight / wsum;
			given += share;
			h += share;
		}
		s->view->y = y;
		s->view->x = 0;
		s->view->width = COLS;
		s->view->height = h;
		s->view->focused = a->overlay == NULL && i == a->focus;
		y += h;
	}
	if (a->overlay != NULL) {
		a->overlay->y = 0;
		a->overlay->x = 0;
		a->overlay->width = COLS;
		a->overlay->height = avail > 0 ? avail : 0;
		a->overlay->focused = true;
	}
}

/* ------------------------------------------------------------------ */
/* Drawing */

/* The facts of the status line: input, counts, position, warnings, and
 * the deadlock verdict when the analysis is done and dl_note is set. */
static void
status_facts(struct app *a, struct tui_line *l, bool dl_note)
{
	struct tui_ctx *c = &a->ctx;
	const struct gx_store_meta *m = gx_store_meta(c->store);
	const char *sep = c->glyphs->bullet;
	size_t warn = tui_ctx_warning_count(c);

	tui_line_init(l, &a->scr, LINES - 1, 0, COLS);
	tui_line_lit(l, TUI_ROLE_STATUS, " ");
	tui_line_text(l, TUI_ROLE_STATUS, c->path, strlen(c->path));
	if (c->join_path != NULL) {
		tui_line_lit(l, TUI_ROLE_STATUS, " + ");
		tui_line_text(l, TUI_ROLE_STATUS, c->join_path, strlen(c->join_path));
	}
	tui_line_printf(l, TUI_ROLE_STATUS, " %s %s %s %llu goroutine%s", sep,
	                gx_format_name(m != NULL ? (enum gx_format)m->format : GX_FMT_UNKNOWN),
	                sep, (unsigned long long)c->goroutines, c->goroutines == 1 ? "" : "s");
	if (c->sel.total > 0)
		tui_line_printf(l, TUI_ROLE_STATUS, " %s %s %zu/%zu", sep,
		                c->sel.grouped ? "group" : "row", c->sel.pos, c->sel.total);
	if (c->nmarked > 0)
		tui_line_printf(l, TUI_ROLE_STATUS, " %s %zu marked", sep, c->nmarked);
	tui_line_printf(l, TUI_ROLE_STATUS, " %s ", sep);
	if (warn > 0)
		tui_line_printf(l, TUI_ROLE_STATUS_WARN, "%zu warning%s (w)", warn,
		                warn == 1 ? "" : "s");
	else
		tui_line_lit(l, TUI_ROLE_STATUS, "no warnings");
	if (dl_note) {
		char note[64];

		snprintf(note, sizeof(note), "deadlock: %llu stuck (W)",
		         (unsigned long long)gx_wg_deadlock(c->wg)->stuck_goroutines);
		/* whole or not at all: a cut verdict reads wrong */
		if (l->col + 3 + (int)strlen(note) <= COLS) {
			tui_line_printf(l, TUI_ROLE_STATUS, " %s ", sep);
			tui_line_lit(l, TUI_ROLE_STATUS_WARN, note);
		}
	}
}

static void
draw_status(struct app *a)
{
	struct tui_ctx *c = &a->ctx;
	const char *sep = c->glyphs->bullet;
	struct tui_line l;
	const char *right = "? help  q quit ";
	bool dl_note = c->wg != NULL && gx_wg_deadlock(c->wg)->found;
	int msg_w = c->message != NULL
	            ? 3 + tui_text_width(c->message, strlen(c->message), c->ascii) : 0;

	status_facts(a, &l, dl_note);
	if (dl_note && msg_w > 0 && l.col + msg_w > COLS)
		status_facts(a, &l, false); /* the one-shot message first */
	if (c->message != NULL && l.col + msg_w > COLS) {
		/* a long message (an export's path, an error) wins over the facts */
		tui_line_init(&l, &a->scr, LINES - 1, 0, COLS);
		tui_line_lit(&l, TUI_ROLE_STATUS, " ");
		tui_line_lit(&l, TUI_ROLE_STATUS, c->message);
		tui_line_fill(&l, TUI_ROLE_STATUS);
		return;
	}
	if (c->message != NULL) {
		tui_line_printf(&l, TUI_ROLE_STATUS, " %s ", sep);
		tui_line_lit(&l, TUI_ROLE_STATUS, c->message);
	}
	if (l.col + (int)strlen(right) + 1 < COLS) {
		tui_line_pad(&l, TUI_ROLE_STATUS, COLS - (int)strlen(right));
		tui_line_lit(&l, TUI_ROLE_STATUS, right);
	}
	tui_line_fill(&l, TUI_ROLE_STATUS);
}

static void
draw(struct app *a)
{
	size_t i;

	if (a->too_small) {
		struct tui_line l;

		erase();
		tui_line_init(&l, &a->scr, 0, 0, COLS);
		tui_line_lit(&l, TUI_ROLE_ERROR, "terminal too small");
		refresh();
		return;
	}
	if (a->overlay != NULL) {
		tui_view_draw(a->overlay, &a->scr);
	} else {
		for (i = 0; i < a->nslots; i++)
			tui_view_draw(a->slots[i].view, &a->scr);
	}
	for (i = 0; i < (size_t)tui_bar_rows(a->bar); i++) {
		struct tui_line l;
		int y = LINES - 1 - tui_bar_rows(a->bar) + (int)i;

		tui_line_init(&l, &a->scr, y, 0, COLS);
		tui_bar_draw_line(a->bar, &l, (int)i);
		tui_line_fill(&l, TUI_ROLE_DEFAULT);
	}
	draw_status(a);
	refresh();
}

/* ------------------------------------------------------------------ */
/* Requests */

static void handle(struct app *a, struct tui_view *from, unsigned next);

static void
open_overlay(struct app *a, const struct tui_view_ops *ops)
{
	struct tui_view *v;

	if (a->overlay != NULL && a->overlay->ops == ops)
		return;
	v = tui_view_new(ops, &a->ctx);
	if (v == NULL)
		return;
	tui_view_free(a->overlay);
	a->overlay = v;
	layout(a);
	clear();
}

static void
set_focus(struct app *a, size_t slot)
{
	if (slot < a->nslots && a->slots[slot].focusable)
		a->focus = slot;
	layout(a);
}

static void
cycle_focus(struct app *a, int dir)
{
	size_t i, n = a->nslots, f = a->focus;

	for (i = 0; i < n; i++) {
		f = (f + n + (size_t)(dir > 0 ? 1 : n - 1)) % n;
		if (a->slots[f].focusable)
			break;
	}
	set_focus(a, f);
}

/* W: the wait-graph pane, below the others; it takes the focus. */
static unsigned
toggle_waitgraph(struct app *a)
{
	size_t i;

	for (i = 0; i < a->nslots; i++) {
		if (a->slots[i].view->ops != &tui_waitgraph_ops)
			continue;
		tui_view_free(a->slots[i].view);
		memmove(&a->slots[i], &a->slots[i + 1], (a->nslots - i - 1) * sizeof(a->slots[0]));
		a->nslots--;
		if (a->focus >= a->nslots || a->focus == i)
			a->focus = 0;
		else if (a->focus > i)
			a->focus--;
		layout(a);
		clear();
		return TUI_NEXT_REDRAW_ALL;
	}
	if (a->nslots == SLOTS_MAX)
		return TUI_NEXT_NONE;
	a->slots[a->nslots] = (struct slot){ .view = tui_view_new(&tui_waitgraph_ops, &a->ctx),
	                                     .weight = 9, .min_rows = 4, .focusable = true };
	if (a->slots[a->nslots].view == NULL)
		return TUI_NEXT_NONE;
	a->focus = a->nslots++;
	layout(a);
	clear();
	/* show the selection's node if it has one */
	a->slots[a->focus].view->ops->selection_changed(a->slots[a->focus].view);
	return TUI_NEXT_REDRAW_ALL;
}

/* D: the timeline's cursor to the moment the deadlock set in. */
static unsigned
deadlock_time(struct app *a)
{
	const struct gx_deadlock *dl;

	if (!tui_timeline_available(a->ctx.store)) {
		tui_ctx_message(&a->ctx, "no timeline (the input is not a trace)");
		return TUI_NEXT_NONE;
	}
	dl = gx_wg_deadlock(tui_ctx_waitgraph(&a->ctx));
	if (dl == NULL || !dl->found || dl->deadlock_ns == GX_TIME_NONE) {
		tui_ctx_message(&a->ctx, "no deadlock time: nothing is stuck for good");
		return TUI_NEXT_NONE;
	}
	tui_ctx_message(&a->ctx, "time cursor at the deadlock (the last stuck goroutine blocked)");
	return tui_timeline_set_cursor(&a->ctx, dl->deadlock_ns) | TUI_NEXT_REDRAW_ALL;
}

/* What the app itself does with a request nobody took. */
static unsigned
app_request(struct app *a, enum tui_request req)
{
	switch (req) {
	case TUI_REQ_QUERY:
	case TUI_REQ_EXPORT:
	case TUI_REQ_CLOSE: {
		unsigned next = tui_bar_request(a->bar, req);

		if (next & TUI_NEXT_UNHANDLED)
			return TUI_NEXT_NONE;
		handle(a, NULL, next);
		return TUI_NEXT_NONE;
	}
	case TUI_REQ_WAITGRAPH:
		return toggle_waitgraph(a);
	case TUI_REQ_DEADLOCK_TIME:
		return deadlock_time(a);
	case TUI_REQ_NEXT_PANE:
		cycle_focus(a, 1);
		return TUI_NEXT_REDRAW_ALL;
	case TUI_REQ_PREV_PANE:
		cycle_focus(a, -1);
		return TUI_NEXT_REDRAW_ALL;
	case TUI_REQ_ENTER:
		if (a->focus + 1 < a->nslots)
			cycle_focus(a, 1);
		return TUI_NEXT_REDRAW_ALL;
	case TUI_REQ_HELP:
		open_overlay(a, &tui_help_ops);
		return TUI_NEXT_REDRAW_ALL;
	case TUI_REQ_WARNINGS:
		open_overlay(a, &tui_diag_ops);
		return TUI_NEXT_REDRAW_ALL;
	case TUI_REQ_REDRAW:
		clear();
		return TUI_NEXT_REDRAW_ALL;
	case TUI_REQ_QUIT:
		return TUI_NEXT_QUIT;
	default:
		return TUI_NEXT_NONE;
	}
}

/* The chain: the focused pane (or the overlay), then the other panes in
 * layout order, then the app. */
static void
dispatch(struct app *a, enum tui_request req)
{
	unsigned next;
	size_t i;

	if (a->overlay != NULL) {
		struct tui_view *v = a->overlay;

		next = v->ops->request != NULL ? v->ops->request(v, req) : TUI_NEXT_UNHANDLED;
		if (!(next & TUI_NEXT_UNHANDLED)) {
			handle(a, v, next);
			return;
		}
		handle(a, NULL, app_request(a, req));
		return;
	}
	for (i = 0; i < a->nslots; i++) {
		size_t k = (a->focus + i) % a->nslots;
		struct tui_view *v = a->slots[k].view;

		if (v->ops->request == NULL)
			continue;
		/* movement belongs to the focused pane alone */
		if (i > 0 && req <= TUI_REQ_SCROLL_RIGHT)
			break;
		next = v->ops->request(v, req);
		if (!(next & TUI_NEXT_UNHANDLED)) {
			handle(a, v, next);
			return;
		}
	}
	handle(a, NULL, app_request(a, req));
}

static void
handle(struct app *a, struct tui_view *from, unsigned next)
{
	size_t i;

	if (next & TUI_NEXT_QUIT)
		a->quit = true;
	if (next & TUI_NEXT_CLOSE && from != NULL && from == a->overlay) {
		tui_view_free(a->overlay);
		a->overlay = NULL;
		layout(a);
		clear();
	}
	if (next & TUI_NEXT_FILTER) {
		for (i = 0; i < a->nslots; i++) {
			struct tui_view *v = a->slots[i].view;

			if (v->ops->filter_changed != NULL)
				v->ops->filter_changed(v);
		}
		/* the list published its new selection: the others follow */
		next |= TUI_NEXT_SELECT;
		from = a->ctx.list;
	}
	if (next & TUI_NEXT_SELECT) {
		for (i = 0; i < a->nslots; i++) {
			struct tui_view *v = a->slots[i].view;

			if (v != from && v->ops->selection_changed != NULL)
				v->ops->selection_changed(v);
		}
	}
	if (next & TUI_NEXT_RELAYOUT)
		layout(a);
}

static void
resize(struct app *a)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	layout(a);
	clear();
}

static void
mouse(struct app *a)
{
	MEVENT ev;
	struct tui_view *v = NULL;
	size_t i, slot = 0;

	if (getmouse(&ev) != OK)
		return;
	if (a->overlay != NULL) {
		v = a->overlay;
	} else {
		for (i = 0; i < a->nslots; i++) {
			struct tui_view *s = a->slots[i].view;

			if (ev.y >= s->y && ev.y < s->y + s->height) {
				v = s;
				slot = i;
			}
		}
	}
	if (v == NULL)
		return;
	if (ev.bstate & BUTTON4_PRESSED) {
		handle(a, v, tui_view_scroll(v, -3));
	} else if (ev.bstate & BUTTON5_PRESSED) {
		handle(a, v, tui_view_scroll(v, 3));
	} else if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) {
		size_t line = tui_view_line_at(v, ev.y);

		if (a->overlay == NULL)
			set_focus(a, slot);
		if (line != (size_t)-1 && (v->ops->flags & TUI_VIEW_CURSOR))
			handle(a, v, tui_view_set_cur(v, line));
		if (line != (size_t)-1 && v->ops->click != NULL)
			handle(a, v, v->ops->click(v, line, ev.x - v->x));
	}
}

static void
key(struct app *a, int ch)
{
	enum tui_request req;

	free(a->ctx.message);
	a->ctx.message = NULL;
	if (ch == KEY_RESIZE) {
		layout(a);
		clear();
		return;
	}
	if (tui_bar_active(a->bar)) {
		handle(a, NULL, tui_bar_key(a->bar, ch));
		return;
	}
	if (ch == KEY_MOUSE) {
		mouse(a);
		return;
	}
	req = tui_key_request(ch);
	if (req == TUI_REQ_NONE) {
		char buf[16];

		tui_ctx_message(&a->ctx, "%s: no such key (? for help)",
		                tui_key_name(ch, buf, sizeof(buf)));
		return;
	}
	dispatch(a, req);
}

static void
loop(struct app *a)
{
	struct pollfd pfd[2];
	int ch;

	pfd[0].fd = fileno(curses_in);
	pfd[0].events = POLLIN;
	pfd[1].fd = sig_pipe[0];
	pfd[1].events = POLLIN;
	if (gx_store_goroutine_count(a->ctx.store) <= FIRST_GOROUTINES_MAX &&
	    gx_store_event_count(a->ctx.store) <= FIRST_EVENTS_MAX)
		(void)tui_ctx_waitgraph(&a->ctx);
	while (!a->quit) {
		draw(a);
		if (a->ctx.wg == NULL && !a->analysed) {
			a->analysed = true;
			if (gx_store_goroutine_count(a->ctx.store) <= EAGER_GOROUTINES_MAX &&
			    gx_store_event_count(a->ctx.store) <= EAGER_EVENTS_MAX) {
				(void)tui_ctx_waitgraph(&a->ctx);
				continue; /* draw again, with the verdict */
			}
		}
		pfd[0].revents = pfd[1].revents = 0;
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN) {
			unsigned char sig[16];
			ssize_t n, i;

			while ((n = read(sig_pipe[0], sig, sizeof(sig))) > 0) {
				for (i = 0; i < n; i++) {
					if (sig[i] == SIGWINCH)
						resize(a);
					else
						a->quit_signal = sig[i];
				}
			}
			if (a->quit_signal != 0)
				break;
		}
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			break;
		while (!a->quit && (ch = getch()) != ERR)
			key(a, ch);
	}
}

/* ------------------------------------------------------------------ */
/* Setup */

static bool
locale_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

static bool
no_color_env(void)
{
	const char *nc = getenv("NO_COLOR");

	return nc != NULL && *nc != '\0';
}

int
gx_tui_run(const struct gx_tui_opts *o, const struct gx_store *s,
           const struct gx_diag *load_diag)
{
	struct app a;
	struct gx_diag tdiag = { 0 };
	FILE *in = NULL;
	size_t i;
	int status = 0;

	memset(&a, 0, sizeof(a));
	if (tui_theme_load(&a.theme, o->theme, &tdiag) != 0) {
		gx_diag_print(&tdiag, stderr);
		gx_diag_clear(&tdiag);
		tui_theme_free(&a.theme);
		return 2;
	}
	if (tui_check_terminal(&in) != 0) {
		gx_diag_clear(&tdiag);
		tui_theme_free(&a.theme);
		return 2;
	}
	a.ctx.store = s;
	a.ctx.path = o->path;
	a.ctx.join = o->join;
	a.ctx.join_path = o->join_path;
	a.ctx.load_diag = load_diag;
	a.ctx.ui_diag = tdiag;
	a.ctx.ascii = o->force_ascii || !locale_is_utf8();
	a.ctx.glyphs = a.ctx.ascii ? &tui_glyphs_ascii : &tui_glyphs_utf8;
	a.ctx.sel.g = GX_NONE32;
	for (i = 0; i < gx_store_goroutine_count(s); i++) {
		const struct gx_goroutine_rec *g = gx_store_goroutine(s, i);

		a.ctx.goroutines += g != NULL && g->count > 0 ? g->count : 1;
	}
	a.scr.ascii = a.ctx.ascii;

	if (install_signals() != 0) {
		fprintf(stderr, "gotrex: cannot set up signals: %s\n", strerror(errno));
		status = 2;
		goto out;
	}
	curses_in = in;
	curses_screen = newterm(NULL, stdout, in);
	if (curses_screen == NULL) {
		fprintf(stderr, "gotrex: cannot initialise the terminal\n");
		status = 2;
		goto out;
	}
	curses_active = true;
	gx_set_fatal_cleanup(restore_terminal);
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	a.use_color = !no_color_env() && has_colors() && start_color() == OK;
	tui_screen_setup(&a.scr, &a.theme, a.use_color);
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);

	a.slots[0] = (struct slot){ .view = tui_view_new(&tui_glist_ops, &a.ctx),
	                            .weight = 11, .min_rows = 4, .focusable = true };
	{
		char *hist = tui_bar_history_path();

		a.bar = tui_bar_new(&a.ctx, hist);
		free(hist);
	}
	a.slots[1] = (struct slot){ .view = tui_view_new(&tui_stack_ops, &a.ctx),
	                            .weight = 9, .min_rows = 3, .focusable = true };
	a.nslots = 2;
	/* a trace has a timeline; its rows are the list's, it sets the time cursor */
	if (tui_timeline_available(s))
		a.slots[a.nslots++] = (struct slot){ .view = tui_view_new(&tui_timeline_ops, &a.ctx),
		                                     .weight = 8, .min_rows = 4, .focusable = true };
	for (i = 0; i < a.nslots; i++)
		if (a.slots[i].view == NULL)
			gx_fatal("cannot open pane %zu", i);
	/* the list published its first selection while opening */
	handle(&a, a.slots[0].view, TUI_NEXT_SELECT);
	layout(&a);
	loop(&a);

	for (i = 0; i < a.nslots; i++)
		tui_view_free(a.slots[i].view);
	tui_view_free(a.overlay);
	tui_bar_free(a.bar);
	tui_ctx_free_analysis(&a.ctx);
	restore_terminal();
	gx_set_fatal_cleanup(NULL);
	delscreen(curses_screen);
	curses_screen = NULL;
out:
	uninstall_signals();
	if (in != NULL && in != stdin)
		fclose(in);
	curses_in = NULL;
	tui_screen_free(&a.scr);
	tui_theme_free(&a.theme);
	gx_diag_clear(&a.ctx.ui_diag);
	free(a.ctx.message);
	if (a.quit_signal != 0) {
		/* die of the signal, as the shell expects */
		signal(a.quit_signal, SIG_DFL);
		raise(a.quit_signal);
		return 128 + a.quit_signal;
	}
	return status;
}
