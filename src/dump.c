/* dump: parse text goroutine dumps in one pass over the bytes.
 *
 * The text is split into lines with memchr; each line has the learned log
 * prefix removed (gotrex/logprefix.h) and is classified by its first bytes
 * (doc: goroutine-dump-format.md §2.2). A goroutine is collected in arrays
 * reused from one goroutine to the next and handed to the callback when its
 * block ends, so the hot path does no allocation per line or per goroutine. */
#include "config.h"

#include "gotrex/dump.h"

#include <stdlib.h>
#include <string.h>

#include "gotrex/gofunc.h"
#include "gotrex/logprefix.h"
#include "gotrex/util.h"

enum pstate {
	ST_OUT,   /* outside any goroutine block */
	ST_BLOCK, /* inside a block: frames expected */
	ST_GAP,   /* blank line(s) after a block; the goroutine is still open
	             for an ancestor section */
	ST_SUSPECT, /* a line that is not part of a stack: the block ended
	               there, unless stack lines follow (text from another
	               writer interleaved with the dump) */
};

enum need {
	NEED_NONE,
	NEED_FILE,     /* the last frame wants its file line */
	NEED_FILE_OPT, /* the same, but it may be missing (cgo) */
	NEED_CB_FILE,  /* the created-by frame wants its file line */
};

struct anc {
	uint64_t id;
	size_t first, n; /* into p->aframes */
	bool has_cb;
	struct gx_dump_frame cb;
};

struct parser {
	const char *text;
	size_t len;
	const char *name;
	struct gx_diag *d;
	gx_dump_goroutine_fn fn;
	void *ctx;
	struct gx_dump_info *info;

	struct gx_logprefix lp;
	uint64_t lineno;
	enum pstate state;
	enum need need;
	bool stop;
	long count;

	bool seen_header;
	size_t preamble_end; /* offset of the first header's line */
	struct gx_buf trailer;
	struct gx_buf pend;  /* ST_SUSPECT: the lines in question, '\n'-joined */
	size_t npend;
	struct gx_dump_text pend_first; /* the first of them, in the input */
	uint64_t pend_first_line;

	/* the open goroutine */
	bool open;
	bool warned;      /* one "unexpected line" warning per goroutine */
	struct gx_dump_goroutine g;
	struct gx_dump_frame *frames;
	size_t nframes, capframes;
	bool has_cb;
	struct gx_dump_frame cb;
	bool in_anc;
	struct anc *anc;
	size_t nanc, capanc;
	struct gx_dump_frame *aframes;
	size_t naframes, capaframes;
	struct gx_dump_ancestor *anc_out;
	size_t capanc_out;
};

/* ------------------------------------------------------------------ */
/* Small scanners. All take (pointer, length) and never read past it. */

static bool
starts(const char *s, size_t n, const char *lit, size_t k)
{
	return n >= k && memcmp(s, lit, k) == 0;
}
#define STARTS(s, n, lit) starts((s), (n), (lit), sizeof(lit) - 1)

static bool
ends(const char *s, size_t n, const char *lit, size_t k)
{
	return n >= k && memcmp(s + n - k, lit, k) == 0;
}
#define ENDS(s, n, lit) ends((s), (n), (lit), sizeof(lit) - 1)

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Decimal digits at s[*i..n): at least one. Saturates at UINT64_MAX and
 * sets *ovf. */
static bool
scan_dec(const char *s, size_t n, size_t *i, uint64_t *v, bool *ovf)
{
	size_t j = *i;
	uint64_t x = 0;

	if (j >= n || !is_digit(s[j]))
		return false;
	for (; j < n && is_digit(s[j]); j++) {
		unsigned dgt = (unsigned)(s[j] - '0');

		if (x > (UINT64_MAX - dgt) / 10) {
			x = UINT64_MAX;
			if (ovf != NULL)
				*ovf = true;
		} else {
			x = x * 10 + dgt;
		}
	}
	*i = j;
	*v = x;
	return true;
}

/* The whole of s[0..n) is decimal. */
static bool
all_dec(const char *s, size_t n, uint64_t *v, bool *ovf)
{
	size_t i = 0;

	return scan_dec(s, n, &i, v, ovf) && i == n;
}

/* The whole of s[0..n) is "0x" + hex digits (saturating). */
static bool
all_hex0x(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (n < 3 || s[0] != '0' || s[1] != 'x')
		return false;
	for (i = 2; i < n; i++) {
		int h = gx_hexval(s[i]);

		if (h < 0)
			return false;
		x = x > (UINT64_MAX >> 4) ? UINT64_MAX : (x << 4) | (uint64_t)h;
	}
	*v = x;
	return true;
}

static struct gx_dump_text
txt(const char *p, size_t n)
{
	struct gx_dump_text t = { p, n };

	return t;
}

static bool
txt_eq(struct gx_dump_text t, const char *lit)
{
	size_t k = strlen(lit);

	return t.n == k && memcmp(t.p, lit, k) == 0;
}

/* ------------------------------------------------------------------ */
/* Status → coarse state */

enum gx_gstate
gx_dump_status_state(const char *s, size_t n)
{
	static const struct {
		const char *s;
		enum gx_gstate st;
	} tab[] = {
		{ "running", GX_G_RUNNING },
		{ "copystack", GX_G_RUNNING },
		{ "runnable", GX_G_RUNNABLE },
		{ "preempted", GX_G_RUNNABLE },
		{ "syscall", GX_G_SYSCALL },
		{ "dead", GX_G_DEAD },
		{ "moribund", GX_G_DEAD },
		{ "idle", GX_G_UNKNOWN },
		{ "???", GX_G_UNKNOWN },
		{ "enqueue", GX_G_UNKNOWN },
	};
	size_t i;

	if (n == 0)
		return GX_G_UNKNOWN;
	for (i = 0; i < GX_ARRAY_SIZE(tab); i++)
		if (strlen(tab[i].s) == n && memcmp(tab[i].s, s, n) == 0)
			return tab[i].st;
	/* "waiting", "leaked", "waiting for cgo callback" and every wait
	 * reason, known or not: the runtime prints a reason only for a
	 * waiting (or leaked) goroutine. */
	return GX_G_WAITING;
}

/* ------------------------------------------------------------------ */
/* Diagnostics */

static void
warn(struct parser *p, uint64_t line, const char *fmt, ...) GX_PRINTF(3, 4);

static void
warn(struct parser *p, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	if (p->d == NULL)
		return;
	va_start(ap, fmt);
	gx_diag_vadd(p->d, GX_WARNING, p->name, line, GX_NOWHERE, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------ */
/* Line grammar */

/* "goroutine " DEC ( " gp=.." | " m=.." | " mp=.." )* " [" ... Returns the
 * offset of '[' or 0 when this is not a header line. *id gets the id. */
static size_t
header_start(const char *c, size_t n, uint64_t *id, bool *ovf)
{
	size_t i = 10;

	if (!STARTS(c, n, "goroutine ") || !scan_dec(c, n, &i, id, ovf))
		return 0;
	while (i < n && c[i] == ' ') {
		size_t j = i + 1;

		if (j < n && c[j] == '[')
			return j;
		/* a key=value token */
		while (j < n && c[j] != ' ' && c[j] != '=' && c[j] != '[')
			j++;
		if (j >= n || c[j] != '=' || j == i + 1)
			return 0;
		while (j < n && c[j] != ' ')
			j++;
		i = j;
	}
	return 0;
}

/* The extra " key=value" tokens between the id and '['. */
static void
header_fields(const char *c, size_t lb, struct gx_dump_goroutine *g)
{
	size_t i = 10;

	while (i < lb && c[i] != ' ')
		i++;
	while (i + 1 < lb) {
		size_t k = i + 1, eq, e;

		e = k;
		while (e < lb && c[e] != ' ')
			e++;
		eq = k;
		while (eq < e && c[eq] != '=')
			eq++;
		if (eq < e) {
			const char *v = c + eq + 1;
			size_t vn = e - eq - 1;
			uint64_t x;

			if (eq - k == 2 && memcmp(c + k, "gp", 2) == 0 && all_hex0x(v, vn, &x)) {
				g->gp = x;
				g->flags |= GX_DUMP_G_GP;
			} else if (eq - k == 2 && memcmp(c + k, "mp", 2) == 0 && all_hex0x(v, vn, &x)) {
				g->mp = x;
			} else if (eq - k == 1 && c[k] == 'm') {
				if (all_dec(v, vn, &x, NULL) && x <= INT64_MAX)
					g->m = (int64_t)x;
			} else {
				g->unknown_elems++;
			}
		}
		i = e;
	}
}

/* From s[i] == '{', the offset just past the matching '}' outside Go
 * quoted strings, or 0 when there is none on the line. */
static size_t
skip_braces(const char *s, size_t n, size_t i)
{
	int depth = 0;
	bool q = false;

	for (; i < n; i++) {
		char ch = s[i];

		if (q) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				q = false;
			continue;
		}
		if (ch == '"') {
			q = true;
		} else if (ch == '{') {
			depth++;
		} else if (ch == '}') {
			if (--depth == 0)
				return i + 1;
		}
	}
	return 0;
}

/* Split the status element into status text and marker flags. */
static void
header_status(struct gx_dump_goroutine *g, const char *e, size_t n)
{
	size_t base = n;
	bool durable = false, stripped = false;

	if (ENDS(e, base, " (durable)")) {
		durable = true;
		base -= 10;
	}
	for (;;) {
		if (ENDS(e, base, " (scan)")) {
			g->flags |= GX_DUMP_G_SCAN;
			base -= 7;
		} else if (ENDS(e, base, " (leaked)")) {
			g->flags |= GX_DUMP_G_LEAKED;
			base -= 9;
		} else {
			break;
		}
		stripped = true;
	}
	if (durable)
		g->flags |= GX_DUMP_G_DURABLE;
	g->status = txt(e, durable && !stripped ? n : base);
	if (txt_eq(g->status, "leaked"))
		g->flags |= GX_DUMP_G_LEAKED;
}

/* One ", "-separated element after the status. */
static void
header_elem(struct gx_dump_goroutine *g, const char *e, size_t n)
{
	size_t i = 0;
	uint64_t v;

	if (scan_dec(e, n, &i, &v, NULL) &&
	    ((n - i == 8 && memcmp(e + i, " minutes", 8) == 0) ||
	     (n - i == 7 && memcmp(e + i, " minute", 7) == 0))) {
		g->wait_minutes = v;
		g->flags |= GX_DUMP_G_MINUTES;
		return;
	}
	if (n == 16 && memcmp(e, "locked to thread", 16) == 0) {
		g->flags |= GX_DUMP_G_LOCKED;
		return;
	}
	if ((STARTS(e, n, "synctest bubble ") && all_dec(e + 16, n - 16, &v, NULL)) ||
	    (STARTS(e, n, "synctest group ") && all_dec(e + 15, n - 15, &v, NULL))) {
		g->bubble = v;
		g->flags |= GX_DUMP_G_SYNCTEST;
		return;
	}
	g->unknown_elems++;
}

/* Parse a header line c[0..n) whose '[' is at lb into g. Returns false
 * when the header is damaged (no closing bracket). */
static bool
parse_header(struct parser *p, const char *c, size_t n, size_t lb,
             struct gx_dump_goroutine *g, uint64_t line)
{
	const char *rbp = memchr(c + lb, ']', n - lb);
	size_t i, st_end, rb, after, e0;
	bool first = true;

	g->m = -1;
	header_fields(c, lb, g);
	if (rbp == NULL) {
		g->bracket = txt(c + lb + 1, n - lb - 1);
		g->flags |= GX_DUMP_G_BAD_HEADER;
		g->state = GX_G_UNKNOWN;
		warn(p, line, "goroutine %llu: header has no closing ']'; status unknown",
		     (unsigned long long)g->id);
		return false;
	}
	rb = (size_t)(rbp - c);
	st_end = rb;
	/* Go 1.26 GODEBUG=tracebacklabels=1: "[status, ... labels:{"k": "v"}]";
	 * quoted values may hold ']' and ", ". */
	for (i = lb + 1; i + 9 <= rb; i++) {
		if (c[i] == ' ' && memcmp(c + i, " labels:{", 9) == 0) {
			size_t close = skip_braces(c, n, i + 8);

			if (close != 0 && close < n && c[close] == ']') {
				st_end = i;
				g->labels = txt(c + i + 8, close - (i + 8));
				rb = close;
			}
			break;
		}
	}
	g->bracket = txt(c + lb + 1, rb - lb - 1);
	/* elements */
	e0 = lb + 1;
	for (i = lb + 1; i <= st_end; i++) {
		if (i == st_end || (c[i] == ',' && i + 1 < st_end && c[i + 1] == ' ')) {
			if (first)
				header_status(g, c + e0, i - e0);
			else
				header_elem(g, c + e0, i - e0);
			first = false;
			e0 = i + 2;
			i++;
		}
	}
	g->state = gx_dump_status_state(g->status.p, g->status.n);
	/* after ']': ":" or " {labels}:" (both with optional blanks) */
	after = rb + 1;
	if (after + 1 < n && c[after] == ' ' && c[after + 1] == '{') {
		size_t close = skip_braces(c, n, after + 1);

		if (close != 0) {
			g->labels = txt(c + after + 1, close - after - 1);
			after = close;
		}
	}
	if (after < n && c[after] == ':')
		after++;
	while (after < n && (c[after] == ' ' || c[after] == '\t'))
		after++;
	if (after < n)
		warn(p, line, "goroutine %llu: unexpected text after the header",
		     (unsigned long long)g->id);
	return true;
}

/* "name(args)": split at the last '(' (names may contain "(*T)", argument
 * lists never contain parentheses). */
static bool
parse_func(const char *c, size_t n, struct gx_dump_frame *f)
{
	size_t i;

	if (n < 3 || c[n - 1] != ')')
		return false;
	for (i = n - 1; i > 0; i--)
		if (c[i - 1] == '(')
			break;
	if (i <= 1)
		return false;
	f->func = txt(c, i - 1);
	f->args = txt(c + i - 1, n - i + 1);
	if (txt_eq(f->args, "(...)"))
		f->flags |= GX_DUMP_FRAME_INLINED;
	return true;
}

/* The file line after its indentation: PATH ":" DEC [" +0x" HEX]
 * [" fp=0x" HEX " sp=0x" HEX " pc=0x" HEX], or the cgo "pc=0x" HEX forms.
 * Returns false when no ":LINE" was found (the path is kept). */
static bool
parse_file(const char *c, size_t n, struct gx_dump_frame *f)
{
	size_t e = n, k;
	uint64_t v;

	f->flags &= ~GX_DUMP_FRAME_NO_FILE;
	/* trailing " key=0x.." / " +0x.." tokens, right to left */
	for (;;) {
		size_t s = e;
		const char *t;
		size_t tn;

		while (s > 0 && c[s - 1] != ' ')
			s--;
		t = c + s;
		tn = e - s;
		if (tn > 1 && t[0] == '+' && all_hex0x(t + 1, tn - 1, &v)) {
			f->offset = v;
			f->flags |= GX_DUMP_FRAME_HAS_OFFSET;
		} else if (STARTS(t, tn, "pc=") && all_hex0x(t + 3, tn - 3, &v)) {
			f->pc = v;
			f->flags |= GX_DUMP_FRAME_HAS_PC;
		} else if (STARTS(t, tn, "sp=") && all_hex0x(t + 3, tn - 3, &v)) {
			f->sp = v;
			f->flags |= GX_DUMP_FRAME_HAS_SP;
		} else if (STARTS(t, tn, "fp=") && all_hex0x(t + 3, tn - 3, &v)) {
			f->fp = v;
			f->flags |= GX_DUMP_FRAME_HAS_SP;
		} else {
			break;
		}
		if (s == 0) {
			e = 0;
			break;
		}
		e = s - 1;
	}
	if (e == 0)
		return true; /* only "pc=0x..": a cgo frame without file */
	for (k = e; k > 0; k--)
		if (c[k - 1] == ':')
			break;
	if (k > 1 && all_dec(c + k, e - k, &v, NULL)) {
		f->file = txt(c, k - 1);
		f->line = v;
		return true;
	}
	f->file = txt(c, e);
	return false;
}

/* "...additional frames elided..." or "...N frames elided..." */
static bool
is_elision(const char *c, size_t n, uint64_t *count)
{
	size_t i = 3;

	*count = 0;
	if (n == 30 && memcmp(c, "...additional frames elided...", 30) == 0)
		return true;
	if (!STARTS(c, n, "...") || !scan_dec(c, n, &i, count, NULL))
		return false;
	return n - i == 17 && memcmp(c + i, " frames elided...", 17) == 0;
}

/* Runtime diagnostics that may sit inside a stack (§4.9): skipped. */
static bool
is_diagnostic(const char *c, size_t n)
{
	size_t i = 0;

	if (STARTS(c, n, "runtime: ") || STARTS(c, n, "stack: frame={") ||
	    STARTS(c, n, "panic during panic") || STARTS(c, n, "stack trace unavailable"))
		return true;
	/* hex dump: "000000c000051f58:  ..." */
	while (i < n && gx_hexval(c[i]) >= 0)
		i++;
	return i >= 8 && i < n && c[i] == ':';
}

/* ------------------------------------------------------------------ */
/* Goroutine assembly */

static struct gx_dump_frame *
push_frame(struct parser *p)
{
	struct gx_dump_frame *f;

	if (p->in_anc) {
		struct anc *a = &p->anc[p->nanc - 1];

		gx_grow(&p->aframes, &p->capaframes, p->naframes + 1, sizeof(*p->aframes));
		f = &p->aframes[p->naframes++];
		a->n++;
	} else {
		gx_grow(&p->frames, &p->capframes, p->nframes + 1, sizeof(*p->frames));
		f = &p->frames[p->nframes++];
	}
	memset(f, 0, sizeof(*f));
	f->source_line = p->lineno;
	return f;
}

static struct gx_dump_frame *
last_frame(struct parser *p)
{
	if (p->in_anc)
		return p->naframes > 0 ? &p->aframes[p->naframes - 1] : NULL;
	return p->nframes > 0 ? &p->frames[p->nframes - 1] : NULL;
}

static void
missing_file(struct parser *p)
{
	struct gx_dump_frame *f;

	if (p->need == NEED_FILE) {
		f = last_frame(p);
		warn(p, f != NULL ? f->source_line : p->lineno,
		     "goroutine %llu: function line without a file line",
		     (unsigned long long)p->g.id);
	} else if (p->need == NEED_CB_FILE) {
		f = p->in_anc ? &p->anc[p->nanc - 1].cb : &p->cb;
		warn(p, f->source_line, "goroutine %llu: \"created by\" line without a file line",
		     (unsigned long long)p->g.id);
	}
	p->need = NEED_NONE;
}

static bool
is_system(const struct gx_dump_goroutine *g)
{
	size_t i;

	if (g->id == 0)
		return true;
	/* the start function: the outermost frame but runtime.goexit */
	for (i = g->nframes; i > 0; i--) {
		const struct gx_dump_frame *f = &g->frames[i - 1];

		if (f->flags & GX_DUMP_FRAME_ELIDED)
			return false;
		if (txt_eq(f->func, "runtime.goexit"))
			continue;
		return STARTS(f->func.p, f->func.n, "runtime.") && !txt_eq(f->func, "runtime.main");
	}
	return false;
}

static void
finish(struct parser *p)
{
	struct gx_dump_goroutine *g = &p->g;
	size_t i;

	if (!p->open)
		return;
	missing_file(p);
	p->open = false;
	p->in_anc = false;
	g->frames = p->frames;
	g->nframes = p->nframes;
	g->created_by = p->has_cb ? &p->cb : NULL;
	gx_grow(&p->anc_out, &p->capanc_out, p->nanc, sizeof(*p->anc_out));
	for (i = 0; i < p->nanc; i++) {
		p->anc_out[i].id = p->anc[i].id;
		p->anc_out[i].frames = p->anc[i].n > 0 ? p->aframes + p->anc[i].first : NULL;
		p->anc_out[i].nframes = p->anc[i].n;
		p->anc_out[i].created_by = p->anc[i].has_cb ? &p->anc[i].cb : NULL;
	}
	g->ancestors = p->nanc > 0 ? p->anc_out : NULL;
	g->nancestors = p->nanc;
	if (is_system(g))
		g->flags |= GX_DUMP_G_SYSTEM;
	p->count++;
	if (p->fn != NULL && !p->stop && p->fn(p->ctx, g) != 0)
		p->stop = true;
}

static void
begin(struct parser *p, uint64_t id)
{
	memset(&p->g, 0, sizeof(p->g));
	p->g.id = id;
	p->g.m = -1;
	p->g.source_line = p->lineno;
	p->open = true;
	p->warned = false;
	p->nframes = 0;
	p->has_cb = false;
	p->in_anc = false;
	p->nanc = 0;
	p->naframes = 0;
	p->need = NEED_NONE;
}

/* ------------------------------------------------------------------ */
/* Text outside goroutine blocks */

static void
outside(struct parser *p, const char *c, size_t n)
{
	if (!p->seen_header)
		return; /* the preamble is taken from the raw bytes at the end */
	if (n == 0 && p->trailer.len == 0)
		return;
	gx_buf_append(&p->trailer, c, n);
	gx_buf_putc(&p->trailer, '\n');
}

/* Is c[0..n) a function line, TAB line or "created by" line? Used to check
 * a header found behind an unknown prefix. */
static bool
looks_like_body(const char *c, size_t n)
{
	return (n > 0 && c[0] == '\t') || (n > 2 && c[n - 1] == ')' && c[0] != ' ') ||
	       STARTS(c, n, "created by ");
}

/* A line that did not parse as a header may hold one behind a prefix we
 * have not learned yet ("goroutine N [" anywhere). If the next line, with
 * the same prefix removed, looks like a stack line, learn the prefix and
 * return its length; else -1. raw is the whole line. */
static long
find_prefixed_header(struct parser *p, const char *raw, size_t rawn, const char *next_end)
{
	const char *s = raw, *end = raw + rawn;

	while (s < end) {
		const char *g = memchr(s, 'g', (size_t)(end - s));
		uint64_t id;
		bool ovf = false;
		size_t off;

		if (g == NULL)
			return -1;
		off = (size_t)(g - raw);
		if (off > 0 && header_start(g, rawn - off, &id, &ovf) != 0) {
			struct gx_logprefix cand;
			const char *n2 = raw + rawn, *n2e;
			int tries;

			gx_logprefix_init(&cand);
			if (!gx_logprefix_learn(&cand, raw, off))
				return -1;
			/* The first of the next few lines with this prefix
			 * (other writers may come between) must be a stack
			 * line. */
			for (tries = 0; tries < 8; tries++) {
				long m;

				while (n2 < next_end && *n2 != '\n')
					n2++;
				if (n2 >= next_end)
					return -1;
				n2++;
				n2e = memchr(n2, '\n', (size_t)(next_end - n2));
				if (n2e == NULL)
					n2e = next_end;
				m = gx_logprefix_match(&cand, n2, (size_t)(n2e - n2) -
				                                  (n2e > n2 && n2e[-1] == '\r'));
				if (m < 0) {
					n2 = n2e;
					continue;
				}
				if (!looks_like_body(n2 + m, (size_t)(n2e - n2) - (size_t)m -
				                                 (n2e > n2 && n2e[-1] == '\r')) ||
				    !gx_logprefix_learn(&p->lp, raw, off))
					return -1;
				return (long)off;
			}
			return -1;
		}
		s = g + 1;
	}
	return -1;
}

/* ------------------------------------------------------------------ */
/* One line */

static void block_line(struct parser *p, const char *c, size_t n);

/* The file line c[0..n) directly follows the frame's function line:
 * make raw cover both. */
static void
extend_raw(struct gx_dump_frame *f, const char *c, size_t n)
{
	const char *e;

	if (f->raw.p == NULL)
		return;
	e = f->raw.p + f->raw.n;
	if (c == e + 1 || (c == e + 2 && e[0] == '\r'))
		f->raw.n = (size_t)(c + n - f->raw.p);
}

/* Lines with a place in a goroutine block (besides file lines). */
static bool
is_structural(const char *c, size_t n)
{
	struct gx_dump_frame tmp;
	uint64_t v;

	if (STARTS(c, n, "created by ") || STARTS(c, n, "[originating from goroutine ") ||
	    STARTS(c, n, "non-Go function") || is_elision(c, n, &v))
		return true;
	return n > 2 && c[0] != ' ' && c[0] != '\t' && parse_func(c, n, &tmp);
}

static void
pend_add(struct parser *p, const char *c, size_t n)
{
	if (p->npend == 0) {
		p->pend_first = txt(c, n);
		p->pend_first_line = p->lineno;
	}
	gx_buf_append(&p->pend, c, n);
	gx_buf_putc(&p->pend, '\n');
	p->npend++;
}

/* The suspect lines were text after the block: keep them as such. */
static void
pend_flush(struct parser *p)
{
	if (p->npend > 0 && p->seen_header)
		gx_buf_append(&p->trailer, p->pend.data, p->pend.len);
	gx_buf_reset(&p->pend);
	p->npend = 0;
}

#define MAX_SUSPECT 64

/* "\t[FILE:LINE ]pc=0x..": the file line of a symbolized cgo frame. */
static bool
is_cgo_file_line(const char *c, size_t n)
{
	size_t s = n;
	uint64_t v;

	while (s > 0 && c[s - 1] != ' ' && c[s - 1] != '\t')
		s--;
	return STARTS(c + s, n - s, "pc=") && all_hex0x(c + s + 3, n - s - 3, &v);
}

/* ST_SUSPECT: does this line continue the goroutine's stack? */
static void
suspect_line(struct parser *p, const char *c, size_t n)
{
	bool file = n > 0 && (c[0] == '\t' || c[0] == ' ');

	if (file && p->need == NEED_NONE && p->npend == 1 && is_cgo_file_line(c, n)) {
		/* A cgo symbolizer's frame: its name as the symbolizer gave
		 * it (no parentheses), then "\t[FILE:LINE ]pc=0x..". */
		struct gx_dump_frame *f;

		gx_buf_reset(&p->pend);
		p->npend = 0;
		p->state = ST_BLOCK;
		f = push_frame(p);
		f->source_line = p->pend_first_line;
		f->func = p->pend_first;
		f->raw = p->pend_first;
		f->flags = GX_DUMP_FRAME_CGO | GX_DUMP_FRAME_NO_FILE;
		p->need = NEED_FILE_OPT;
		block_line(p, c, n);
		return;
	}
	if ((file && p->need != NEED_NONE) || (!file && is_structural(c, n))) {
		/* it does: the suspect lines were foreign */
		gx_buf_reset(&p->pend);
		p->npend = 0;
		p->state = ST_BLOCK;
		block_line(p, c, n);
		return;
	}
	if (n > 0 && p->npend < MAX_SUSPECT && !(n == 5 && memcmp(c, "-----", 5) == 0)) {
		pend_add(p, c, n);
		return;
	}
	finish(p);
	pend_flush(p);
	p->state = ST_OUT;
	if (!(n == 5 && memcmp(c, "-----", 5) == 0))
		outside(p, c, n);
}

static void
block_line(struct parser *p, const char *c, size_t n)
{
	struct gx_dump_frame *f;
	uint64_t v;
	size_t i;

	if (n == 0) {
		/* the block ends; an ancestor section may still follow */
		missing_file(p);
		p->state = ST_GAP;
		return;
	}
	/* the file line of the previous function or created-by line */
	if (n > 0 && (c[0] == '\t' || c[0] == ' ')) {
		size_t k = 0;

		while (k < n && (c[k] == '\t' || c[k] == ' '))
			k++;
		if (p->need == NEED_FILE || p->need == NEED_FILE_OPT) {
			f = last_frame(p);
			p->need = NEED_NONE;
			if (f != NULL)
				extend_raw(f, c, n);
			if (f != NULL && !parse_file(c + k, n - k, f))
				warn(p, p->lineno, "goroutine %llu: file line without \":LINE\"",
				     (unsigned long long)p->g.id);
			return;
		}
		if (p->need == NEED_CB_FILE) {
			f = p->in_anc ? &p->anc[p->nanc - 1].cb : &p->cb;
			p->need = NEED_NONE;
			extend_raw(f, c, n);
			if (!parse_file(c + k, n - k, f))
				warn(p, p->lineno, "goroutine %llu: file line without \":LINE\"",
				     (unsigned long long)p->g.id);
			return;
		}
		if (n - k == 52 &&
		    memcmp(c + k, "goroutine running on other thread; stack unavailable", 52) == 0) {
			p->g.flags |= GX_DUMP_G_UNAVAILABLE;
			return;
		}
		if (STARTS(c + k, n - k, "stack=["))
			return; /* diagnostic, §4.9 */
		if (!p->warned) {
			warn(p, p->lineno, "goroutine %llu: file line without a function line",
			     (unsigned long long)p->g.id);
			p->warned = true;
		}
		return;
	}
	if (!is_structural(c, n)) {
		if (is_diagnostic(c, n))
			return;
		if (n == 5 && memcmp(c, "-----", 5) == 0) {
			/* GOTRACEBACK=crash: the next M's dump follows */
			finish(p);
			p->state = ST_OUT;
			return;
		}
		/* Trailing text ("exit status 2"), a register dump, the next
		 * dump's preamble, or a foreign line inside the dump: decided
		 * by what follows. */
		p->state = ST_SUSPECT;
		pend_add(p, c, n);
		return;
	}
	missing_file(p);
	if (STARTS(c, n, "created by ")) {
		struct gx_dump_frame *cb = &p->cb;
		const char *name = c + 11;
		size_t nn = n - 11;

		if (p->in_anc) {
			cb = &p->anc[p->nanc - 1].cb;
			p->anc[p->nanc - 1].has_cb = true;
		} else {
			p->has_cb = true;
		}
		memset(cb, 0, sizeof(*cb));
		cb->source_line = p->lineno;
		cb->flags = GX_DUMP_FRAME_CREATED_BY | GX_DUMP_FRAME_NO_FILE;
		/* " in goroutine N" */
		i = nn;
		while (i > 0 && is_digit(name[i - 1]))
			i--;
		if (i < nn && i >= 14 && memcmp(name + i - 14, " in goroutine ", 14) == 0) {
			bool ovf = false;

			if (all_dec(name + i, nn - i, &v, &ovf) && !ovf && !p->in_anc) {
				p->g.creator_id = v;
				p->g.flags |= GX_DUMP_G_CREATOR;
			}
			nn = i - 14;
		}
		cb->func = txt(name, nn);
		cb->raw = txt(c, n);
		p->need = NEED_CB_FILE;
		return;
	}
	if (is_elision(c, n, &v)) {
		f = push_frame(p);
		f->func = txt(c, n);
		f->raw = txt(c, n);
		f->elided = v;
		f->flags = GX_DUMP_FRAME_ELIDED;
		return;
	}
	if (STARTS(c, n, "[originating from goroutine ")) {
		bool ovf = false;

		i = 28;
		if (scan_dec(c, n, &i, &v, &ovf) && n - i == 2 && memcmp(c + i, "]:", 2) == 0) {
			struct anc *a;

			gx_grow(&p->anc, &p->capanc, p->nanc + 1, sizeof(*p->anc));
			a = &p->anc[p->nanc++];
			memset(a, 0, sizeof(*a));
			a->id = v;
			a->first = p->naframes;
			p->in_anc = true;
			return;
		}
	}
	if (STARTS(c, n, "non-Go function")) {
		f = push_frame(p);
		f->func = txt(c, 15);
		f->raw = txt(c, n);
		f->flags = GX_DUMP_FRAME_CGO | GX_DUMP_FRAME_NO_FILE;
		if (n > 15 && STARTS(c + 15, n - 15, " at pc=") &&
		    all_hex0x(c + 22, n - 22, &v)) {
			f->pc = v;
			f->flags |= GX_DUMP_FRAME_HAS_PC;
		} else {
			p->need = NEED_FILE_OPT;
		}
		return;
	}
	if (n > 0 && c[n - 1] == ')') {
		struct gx_dump_frame tmp;

		memset(&tmp, 0, sizeof(tmp));
		if (parse_func(c, n, &tmp)) {
			if (p->in_anc)
				tmp.flags &= ~GX_DUMP_FRAME_INLINED; /* all ancestor frames print (...) */
			f = push_frame(p);
			tmp.source_line = f->source_line;
			tmp.flags |= GX_DUMP_FRAME_NO_FILE;
			tmp.raw = txt(c, n);
			*f = tmp;
			p->need = NEED_FILE;
			return;
		}
	}
}

static void
header_line(struct parser *p, const char *c, size_t n, size_t lb, uint64_t id,
            bool ovf, const char *raw)
{
	finish(p);
	gx_buf_reset(&p->pend);
	p->npend = 0;
	if (!p->seen_header) {
		p->seen_header = true;
		p->preamble_end = (size_t)(raw - p->text);
	}
	gx_buf_reset(&p->trailer);
	p->info->goroutines++;
	if (ovf) {
		warn(p, p->lineno, "goroutine id does not fit in 64 bits; block skipped");
		p->state = ST_OUT;
		return;
	}
	begin(p, id);
	parse_header(p, c, n, lb, &p->g, p->lineno);
	p->state = ST_BLOCK;
}

static bool
try_prefixed_header(struct parser *p, const char *raw, size_t rawn, const char *end)
{
	long off = find_prefixed_header(p, raw, rawn, end);
	const char *c;
	size_t n, lb;
	uint64_t id = 0;
	bool ovf = false;

	if (off < 0)
		return false;
	c = raw + off;
	n = rawn - (size_t)off;
	lb = header_start(c, n, &id, &ovf);
	header_line(p, c, n, lb, id, ovf, raw);
	return true;
}

static void
one_line(struct parser *p, const char *raw, size_t rawn, const char *end)
{
	long pl = gx_logprefix_match(&p->lp, raw, rawn);
	const char *c = raw;
	size_t n = rawn, lb;
	uint64_t id = 0;
	bool ovf = false, foreign = pl < 0;

	if (!foreign) {
		c = raw + pl;
		n = rawn - (size_t)pl;
	}
	if (!foreign && n > 10 && c[0] == 'g' && (lb = header_start(c, n, &id, &ovf)) != 0) {
		if (!p->seen_header)
			gx_logprefix_learn(&p->lp, raw, (size_t)pl);
		header_line(p, c, n, lb, id, ovf, raw);
		return;
	}
	if (p->state == ST_BLOCK && !foreign) {
		block_line(p, c, n);
		return;
	}
	if (p->state == ST_SUSPECT && !foreign) {
		suspect_line(p, c, n);
		return;
	}
	if (p->state == ST_BLOCK || p->state == ST_SUSPECT) {
		/* A foreign line interleaved with the dump, or the next
		 * header behind a prefix of another shape. */
		if (rawn > 12 && memmem(raw, rawn, "goroutine ", 10) != NULL)
			try_prefixed_header(p, raw, rawn, end);
		return;
	}
	/* ST_OUT, ST_GAP */
	if (!foreign && n == 0) {
		if (p->state == ST_OUT)
			outside(p, c, n);
		return;
	}
	if (p->state == ST_GAP && !foreign && STARTS(c, n, "[originating from goroutine ")) {
		p->state = ST_BLOCK;
		block_line(p, c, n);
		return;
	}
	if (p->state == ST_GAP) {
		finish(p);
		p->state = ST_OUT;
	}
	/* a header behind a prefix we do not know yet */
	if (rawn > 12 && memmem(raw, rawn, "goroutine ", 10) != NULL &&
	    try_prefixed_header(p, raw, rawn, end))
		return;
	outside(p, c, n);
}

/* ------------------------------------------------------------------ */
/* Preamble, headline */

static void
build_preamble(struct parser *p)
{
	struct gx_buf b = { 0 };
	const char *s = p->text, *end = p->text + p->preamble_end;
	struct gx_dump_info *info = p->info;
	size_t hl_off = 0, hl_len = 0;
	int hl_prio = 0;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl != NULL ? nl : end;
		size_t n = (size_t)(le - s);
		long pl;
		const char *c = s;
		int prio = 0;

		if (n > 0 && s[n - 1] == '\r')
			n--;
		pl = gx_logprefix_match(&p->lp, s, n);
		if (pl > 0) {
			c = s + pl;
			n -= (size_t)pl;
		}
		if (STARTS(c, n, "panic: ") || STARTS(c, n, "fatal error: ")) {
			prio = 2;
		} else if (n > 5 && c[0] == 'S' && c[1] == 'I' && c[2] == 'G') {
			size_t i = 3;

			while (i < n && ((c[i] >= 'A' && c[i] <= 'Z') || is_digit(c[i])))
				i++;
			if (i > 3 && i + 1 < n && c[i] == ':' && c[i + 1] == ' ')
				prio = 1;
		} else if (STARTS(c, n, "Signal ") && n > 7 && is_digit(c[7])) {
			prio = 1;
		}
		if (prio > 0 && prio >= hl_prio) {
			hl_prio = prio;
			hl_off = b.len;
			hl_len = n;
		}
		if (STARTS(c, n, "fatal error: all goroutines are asleep - deadlock!") ||
		    (n > 0 && c[0] == '\t' &&
		     STARTS(c + 1, n - 1, "fatal error: all goroutines are asleep - deadlock!")))
			info->all_asleep = true;
		if (STARTS(c, n, "panic: deadlock: all goroutines in bubble are blocked") ||
		    STARTS(c, n, "panic: deadlock: main bubble goroutine has exited but blocked "
		                 "goroutines remain"))
			info->bubble_deadlock = true;
		gx_buf_append(&b, c, n);
		gx_buf_putc(&b, '\n');
		s = nl != NULL ? nl + 1 : end;
	}
	/* drop the blank lines before the first header */
	while (b.len > 0 && b.data[b.len - 1] == '\n' &&
	       (b.len == 1 || b.data[b.len - 2] == '\n'))
		b.len--;
	if (b.len > 0 && b.data != NULL)
		b.data[b.len] = '\0';
	if (b.len == 0 || (b.len == 1 && b.data[0] == '\n')) {
		gx_buf_free(&b);
		return;
	}
	info->preamble_len = b.len;
	info->preamble = gx_buf_take(&b);
	if (hl_prio > 0)
		info->headline = txt(info->preamble + hl_off, hl_len);
}

void
gx_dump_info_free(struct gx_dump_info *info)
{
	if (info == NULL)
		return;
	free(info->preamble);
	free(info->trailer);
	memset(info, 0, sizeof(*info));
}

long
gx_dump_scan(const char *text, size_t len, const char *name,
             gx_dump_goroutine_fn fn, void *ctx,
             struct gx_dump_info *info, struct gx_diag *d)
{
	struct parser p;
	const char *s = text, *end = text + len;

	memset(&p, 0, sizeof(p));
	memset(info, 0, sizeof(*info));
	p.text = text;
	p.len = len;
	p.name = name != NULL ? name : "<dump>";
	p.d = d;
	p.fn = fn;
	p.ctx = ctx;
	p.info = info;
	gx_logprefix_init(&p.lp);
	p.state = ST_OUT;
	while (s < end && !p.stop) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = (size_t)((nl != NULL ? nl : end) - s);

		p.lineno++;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		one_line(&p, s, n, end);
		s = nl != NULL ? nl + 1 : end;
	}
	if (p.open && (p.state == ST_BLOCK || p.state == ST_SUSPECT) &&
	    ((p.state == ST_BLOCK && (p.need == NEED_FILE || p.need == NEED_CB_FILE)) ||
	     (len > 0 && text[len - 1] != '\n'))) {
		/* A missing file line, or a last line without its newline:
		 * the dump was cut off (runtime.Stack's buffer, pprof's 64 MiB
		 * limit, a killed process). */
		p.g.flags |= GX_DUMP_G_TRUNCATED;
		info->truncated = true;
		warn(&p, p.lineno, "input ends inside goroutine %llu%s",
		     (unsigned long long)p.g.id,
		     len == ((size_t)64 << 20) ? " (pprof goroutine debug=2 output stops at 64 MiB)"
		                               : " (cut off?)");
		p.need = NEED_NONE;
	}
	finish(&p);
	pend_flush(&p);
	info->lines = p.lineno;
	info->prefixed = !gx_logprefix_empty(&p.lp);
	if (p.seen_header)
		build_preamble(&p);
	else
		p.preamble_end = 0;
	/* trailing blank lines of the trailer */
	while (p.trailer.len > 0 && p.trailer.data[p.trailer.len - 1] == '\n' &&
	       (p.trailer.len == 1 || p.trailer.data[p.trailer.len - 2] == '\n'))
		p.trailer.len--;
	if (p.trailer.len > 0) {
		p.trailer.data[p.trailer.len] = '\0';
		info->trailer_len = p.trailer.len;
		info->trailer = gx_buf_take(&p.trailer);
	}
	gx_buf_free(&p.trailer);
	gx_buf_free(&p.pend);
	free(p.frames);
	free(p.anc);
	free(p.aframes);
	free(p.anc_out);
	if (p.count == 0 && !p.stop) {
		if (d != NULL)
			gx_diag_add(d, GX_ERROR, p.name, GX_NOWHERE, GX_NOWHERE,
			            "no goroutine found: expected a Go goroutine dump, with "
			            "header lines like \"goroutine 1 [running]:\" (panic or "
			            "fatal error output, a SIGQUIT dump, runtime.Stack or "
			            "pprof goroutine debug=2)");
		return -1;
	}
	return p.count;
}

/* ------------------------------------------------------------------ */
/* The whole parse in memory */

struct collect {
	struct gx_dump *dump;
	size_t capg, nframes, capframes, capanc, nanc;
	/* per goroutine: where its frames, created-by and ancestors went */
	struct cidx {
		size_t frames, cb, anc;
	} *idx;
	size_t capidx;
	/* per ancestor: its frames and created-by */
	struct cidx *aidx;
	size_t capaidx;
};

static size_t
collect_frames(struct collect *c, const struct gx_dump_frame *f, size_t n)
{
	size_t at = c->nframes;

	gx_grow(&c->dump->frames_, &c->capframes, c->nframes + n, sizeof(*f));
	if (n > 0)
		memcpy(c->dump->frames_ + at, f, n * sizeof(*f));
	c->nframes += n;
	return at;
}

static int
collect_one(void *ctx, const struct gx_dump_goroutine *g)
{
	struct collect *c = ctx;
	struct gx_dump *dump = c->dump;
	struct cidx *ix;
	size_t i;

	gx_grow(&dump->g, &c->capg, dump->ng + 1, sizeof(*dump->g));
	gx_grow(&c->idx, &c->capidx, dump->ng + 1, sizeof(*c->idx));
	dump->g[dump->ng] = *g;
	ix = &c->idx[dump->ng++];
	ix->frames = collect_frames(c, g->frames, g->nframes);
	ix->cb = g->created_by != NULL ? collect_frames(c, g->created_by, 1) : SIZE_MAX;
	ix->anc = c->nanc;
	for (i = 0; i < g->nancestors; i++) {
		const struct gx_dump_ancestor *a = &g->ancestors[i];
		struct cidx *ax;

		gx_grow(&dump->anc_, &c->capanc, c->nanc + 1, sizeof(*dump->anc_));
		gx_grow(&c->aidx, &c->capaidx, c->nanc + 1, sizeof(*c->aidx));
		dump->anc_[c->nanc] = *a;
		ax = &c->aidx[c->nanc++];
		ax->frames = collect_frames(c, a->frames, a->nframes);
		ax->cb = a->created_by != NULL ? collect_frames(c, a->created_by, 1) : SIZE_MAX;
	}
	return 0;
}

struct gx_dump *
gx_dump_parse(const char *text, size_t len, const char *name, struct gx_diag *d)
{
	struct collect c;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.dump = xcalloc(1, sizeof(*c.dump));
	gx_dump_scan(text, len, name, collect_one, &c, &c.dump->info, d);
	/* the arrays have stopped moving: point into them */
	for (i = 0; i < c.nanc; i++) {
		struct gx_dump_ancestor *a = &c.dump->anc_[i];

		a->frames = a->nframes > 0 ? c.dump->frames_ + c.aidx[i].frames : NULL;
		a->created_by = c.aidx[i].cb != SIZE_MAX ? c.dump->frames_ + c.aidx[i].cb : NULL;
	}
	for (i = 0; i < c.dump->ng; i++) {
		struct gx_dump_goroutine *g = &c.dump->g[i];

		g->frames = g->nframes > 0 ? c.dump->frames_ + c.idx[i].frames : NULL;
		g->created_by = c.idx[i].cb != SIZE_MAX ? c.dump->frames_ + c.idx[i].cb : NULL;
		g->ancestors = g->nancestors > 0 ? c.dump->anc_ + c.idx[i].anc : NULL;
	}
	free(c.idx);
	free(c.aidx);
	return c.dump;
}

void
gx_dump_free(struct gx_dump *dump)
{
	if (dump == NULL)
		return;
	gx_dump_info_free(&dump->info);
	free(dump->g);
	free(dump->frames_);
	free(dump->anc_);
	free(dump);
}
