/* query_parse: the query language's parser, its error messages, the
 * aliases and the classification of wait reasons. */
#include "config.h"

#include "query_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gotrex/util.h"

/* Nesting of parentheses and "not" beyond this is refused, so a hostile
 * query cannot exhaust the stack of the parser or the evaluator. */
#define MAX_DEPTH 64

/* ------------------------------------------------------------------ */
/* Wait reasons (goroutine-dump-format.md §5) and aliases. */

struct reason_class {
	const char *text;
	uint32_t mask;
};

#define W QC_WAITING
static const struct reason_class reason_classes[] = {
	/* status strings (§5.1) */
	{ "running", QC_RUNNING },
	{ "copystack", QC_RUNNING },
	{ "runnable", QC_RUNNABLE },
	{ "preempted", QC_RUNNABLE },
	{ "syscall", QC_SYSCALL },
	{ "dead", QC_DEAD },
	{ "waiting", W | QC_UNKNOWNWAIT },
	{ "idle", W | QC_IDLE },
	{ "waiting for cgo callback", W | QC_IDLE },
	/* channels */
	{ "chan receive", W | QC_CHAN },
	{ "chan send", W | QC_CHAN },
	{ "chan receive (nil chan)", W | QC_CHAN },
	{ "chan send (nil chan)", W | QC_CHAN },
	{ "select", W | QC_SELECT },
	{ "select (no cases)", W | QC_SELECT },
	{ "coroutine", W | QC_OTHERSYNC },
	/* sync */
	{ "sync.Mutex.Lock", W | QC_MUTEX },
	{ "sync.RWMutex.RLock", W | QC_MUTEX },
	{ "sync.RWMutex.Lock", W | QC_MUTEX },
	{ "sync.Cond.Wait", W | QC_COND },
	{ "sync.WaitGroup.Wait", W | QC_WG },
	{ "semacquire", W | QC_SEMA },
	{ "synctest.Run", W | QC_OTHERSYNC },
	{ "synctest.Wait", W | QC_OTHERSYNC },
	/* I/O, sleep */
	{ "IO wait", W | QC_IO },
	{ "sleep", W | QC_SLEEP },
	/* GC */
	{ "GC assist marking", W | QC_GC },
	{ "garbage collection", W | QC_GC },
	{ "garbage collection scan", W | QC_GC },
	{ "GC assist wait", W | QC_GC },
	{ "GC sweep wait", W | QC_GC },
	{ "GC scavenge wait", W | QC_GC },
	{ "wait for GC cycle", W | QC_GC },
	{ "GC worker (idle)", W | QC_GC },
	{ "GC worker (active)", W | QC_GC },
	{ "GC mark termination", W | QC_GC },
	{ "GC weak to strong wait", W | QC_GC },
	{ "stopping the world", W | QC_GC },
	/* idle and runtime-internal */
	{ "dumping heap", W | QC_IDLE },
	{ "panicwait", W | QC_IDLE },
	{ "finalizer wait", W | QC_IDLE },
	{ "force gc (idle)", W | QC_IDLE },
	{ "GOMAXPROCS updater (idle)", W | QC_IDLE },
	{ "trace reader (blocked)", W | QC_IDLE },
	{ "debug call", W | QC_IDLE },
	{ "flushing proc caches", W | QC_IDLE },
	{ "trace goroutine status", W | QC_IDLE },
	{ "trace proc status", W | QC_IDLE },
	{ "page trace flush", W | QC_IDLE },
	{ "cleanup wait", W | QC_IDLE },
	{ "timer goroutine (idle)", W | QC_IDLE },
	{ "unknown wait reason", W | QC_UNKNOWNWAIT },
	/* Execution traces (Go 1.22+) give coarser block reasons
	 * (traceBlockReasonStrings in runtime/traceruntime.go). */
	{ "unspecified", W | QC_UNKNOWNWAIT },
	{ "forever", W | QC_CHAN | QC_SELECT }, /* select {} or a nil channel */
	{ "network", W | QC_IO },
	{ "sync.(*Cond).Wait", W | QC_COND },
	{ "sync", W | QC_SEMA },                /* refined by the stack, as semacquire */
	{ "GC mark assist wait for work", W | QC_GC },
	{ "GC background sweeper wait", W | QC_GC },
	{ "wait until GC ends", W | QC_GC },
	{ "system goroutine wait", W | QC_IDLE },
	{ "wait for debug call", W | QC_IDLE },
	{ "synctest", W | QC_OTHERSYNC },
};
#undef W

static const char *const reason_suffixes[] = {
	" (durable)", " (synctest)", " (scan)", " (leaked)",
};

uint32_t
gx_query__reason_mask(const char *reason, size_t n)
{
	size_t i;
	bool again = true;

	while (again) {
		again = false;
		for (i = 0; i < GX_ARRAY_SIZE(reason_suffixes); i++) {
			size_t sl = strlen(reason_suffixes[i]);

			if (n > sl && memcmp(reason + n - sl, reason_suffixes[i], sl) == 0) {
				n -= sl;
				again = true;
			}
		}
	}
	for (i = 0; i < GX_ARRAY_SIZE(reason_classes); i++)
		if (strlen(reason_classes[i].text) == n &&
		    memcmp(reason_classes[i].text, reason, n) == 0)
			return reason_classes[i].mask;
	return 0;
}

struct alias {
	const char *name;
	uint32_t mask;
	uint32_t gflags;
	const char *help;
};

static const struct alias aliases[] = {
	{ "running", QC_RUNNING, 0, "on a CPU" },
	{ "runnable", QC_RUNNABLE, 0, "ready, waiting for a CPU (also preempted)" },
	{ "syscall", QC_SYSCALL, 0, "in a system call" },
	{ "waiting", QC_WAITING, 0, "waiting for any reason" },
	{ "dead", QC_DEAD, 0, "exited" },
	{ "blocked", QC_BLOCKED, 0,
	  "blocked on synchronisation: chan, select, mutex, cond, wg, sema, coroutine, synctest, unknown" },
	{ "chan", QC_CHAN, 0, "chan send or receive (nil-channel and durable forms too)" },
	{ "select", QC_SELECT, 0, "select, select (no cases)" },
	{ "mutex", QC_MUTEX, 0, "sync.Mutex.Lock, sync.RWMutex.RLock/Lock (and semacquire, or a trace's sync, in them)" },
	{ "cond", QC_COND, 0, "sync.Cond.Wait" },
	{ "wg", QC_WG, 0, "sync.WaitGroup.Wait (and semacquire in it)" },
	{ "waitgroup", QC_WG, 0, "same as wg" },
	{ "sema", QC_SEMA, 0, "semacquire the stack does not explain" },
	{ "io", QC_IO, 0, "IO wait (network poller), internal/poll fd locks" },
	{ "sleep", QC_SLEEP, 0, "time.Sleep" },
	{ "gc", QC_GC, 0, "garbage collector waits" },
	{ "idle", QC_IDLE, 0, "runtime idle and housekeeping waits (finalizer wait, ...)" },
	{ "leaked", 0, GX_G_LEAKED, "reported leaked by the runtime" },
	{ "locked", 0, GX_G_LOCKED, "locked to its thread" },
	{ "system", 0, GX_G_SYSTEM, "runtime-internal goroutine" },
};

const struct gx_query_alias gx_query_aliases[] = {
	{ "running", "on a CPU" },
	{ "runnable", "ready, waiting for a CPU (also preempted)" },
	{ "syscall", "in a system call" },
	{ "waiting", "waiting for any reason" },
	{ "dead", "exited" },
	{ "blocked", "blocked on synchronisation: chan, select, mutex, cond, wg, sema, ..." },
	{ "chan", "chan send or receive" },
	{ "select", "select, select (no cases)" },
	{ "mutex", "sync.Mutex.Lock, sync.RWMutex.RLock/Lock" },
	{ "cond", "sync.Cond.Wait" },
	{ "wg", "sync.WaitGroup.Wait" },
	{ "sema", "semacquire the stack does not explain" },
	{ "io", "IO wait" },
	{ "sleep", "time.Sleep" },
	{ "gc", "garbage collector waits" },
	{ "idle", "runtime idle and housekeeping waits" },
	{ "leaked", "reported leaked by the runtime" },
	{ "locked", "locked to its thread" },
	{ "system", "runtime-internal goroutine" },
	{ NULL, NULL },
};

const char *
gx_query_reason_class(const char *reason, size_t n)
{
	uint32_t m = gx_query__reason_mask(reason, n);
	size_t i;

	m &= ~(uint32_t)QC_WAITING;
	for (i = 0; i < GX_ARRAY_SIZE(aliases); i++)
		if (aliases[i].mask == m && m != 0)
			return aliases[i].name;
	return "other";
}

static const struct alias *
find_alias(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < GX_ARRAY_SIZE(aliases); i++)
		if (strlen(aliases[i].name) == n && strncasecmp(aliases[i].name, s, n) == 0)
			return &aliases[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Errors. */

char *
gx_query_error_format(const char *text, const struct gx_query_error *e)
{
	struct gx_buf b = { 0 };
	size_t i, n = strlen(text), col = 0, pos = e->pos > n ? n : e->pos;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];

		gx_buf_putc(&b, (c < 0x20 || c == 0x7f) ? '?' : (char)c);
	}
	gx_buf_putc(&b, '\n');
	for (i = 0; i < pos; i++)
		if (((unsigned char)text[i] & 0xc0) != 0x80)
			col++;
	for (i = 0; i < col; i++)
		gx_buf_putc(&b, ' ');
	gx_buf_printf(&b, "^ %s", e->msg);
	return gx_buf_take(&b);
}

/* ------------------------------------------------------------------ */
/* Parser. */

struct parser {
	const char *s;
	size_t n;
	size_t i;
	struct gx_query *q;
	struct gx_query_error *err;
	bool failed;
	int depth;
};

static void fail(struct parser *p, size_t pos, size_t len, const char *fmt, ...)
	GX_PRINTF(4, 5);

static void
fail(struct parser *p, size_t pos, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	p->err->pos = pos;
	p->err->len = len ? len : 1;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static char
peek(const struct parser *p, size_t k)
{
	return p->i + k < p->n ? p->s[p->i + k] : '\0';
}

static void
skip_ws(struct parser *p)
{
	while (p->i < p->n && is_space(p->s[p->i]))
		p->i++;
}

/* Length of the identifier at p->i, 0 if none. */
static size_t
ident_len(const struct parser *p, size_t at)
{
	size_t j = at;

	if (j >= p->n || !is_alpha(p->s[j]))
		return 0;
	while (j < p->n && (is_alpha(p->s[j]) || is_digit(p->s[j])))
		j++;
	return j - at;
}

/* Is the identifier at p->i the keyword kw (case-insensitive), as a whole
 * word? */
static bool
at_keyword(const struct parser *p, const char *kw)
{
	size_t l = ident_len(p, p->i);

	return l == strlen(kw) && strncasecmp(p->s + p->i, kw, l) == 0;
}

static uint32_t
new_node(struct parser *p, enum qn_kind kind, size_t pos)
{
	struct gx_query *q = p->q;
	struct qnode *nd;

	gx_grow(&q->nodes, &q->cap, q->n + 1, sizeof(*q->nodes));
	nd = &q->nodes[q->n];
	memset(nd, 0, sizeof(*nd));
	nd->kind = kind;
	nd->pos = pos;
	return (uint32_t)q->n++;
}

static void
end_node(struct parser *p, uint32_t idx)
{
	p->q->nodes[idx].len = p->i - p->q->nodes[idx].pos;
}

/* A number of nanoseconds: "10ms", "1.5s", "1m30s", "250us", "2h". */
static bool
parse_duration(struct parser *p, int64_t *out)
{
	static const struct {
		const char *name;
		int64_t ns;
	} units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 }, { "\xce\xbcs", 1000 },
		{ "ms", 1000000 }, { "s", 1000000000 }, { "m", 60000000000LL },
		{ "h", 3600000000000LL },
	};
	uint64_t total = 0;
	bool first = true;

	for (;;) {
		uint64_t ip = 0, frac = 0, scale = 1;
		size_t start = p->i, u0, ul, k;
		int64_t unit = 0;
		bool digits = false;

		while (p->i < p->n && is_digit(p->s[p->i])) {
			unsigned d = (unsigned)(p->s[p->i] - '0');

			if (ip > (UINT64_MAX - d) / 10) {
				fail(p, start, p->i - start + 1, "duration too large");
				return false;
			}
			ip = ip * 10 + d;
			p->i++;
			digits = true;
		}
		if (peek(p, 0) == '.' && is_digit(peek(p, 1))) {
			p->i++;
			while (p->i < p->n && is_digit(p->s[p->i])) {
				if (scale < 1000000000000000000ULL) {
					frac = frac * 10 + (unsigned)(p->s[p->i] - '0');
					scale *= 10;
				}
				p->i++;
			}
			digits = true;
		}
		if (!digits) {
			if (first) {
				fail(p, p->i, 1, "expected a duration (like 10ms, 1.5s or 2m)");
				return false;
			}
			break;
		}
		u0 = p->i;
		while (p->i < p->n && (((p->s[p->i] | 0x20) >= 'a' && (p->s[p->i] | 0x20) <= 'z') ||
		                       (unsigned char)p->s[p->i] >= 0x80))
			p->i++;
		ul = p->i - u0;
		for (k = 0; k < GX_ARRAY_SIZE(units); k++)
			if (strlen(units[k].name) == ul && memcmp(units[k].name, p->s + u0, ul) == 0)
				unit = units[k].ns;
		if (unit == 0 && ul == 0 && first && ip == 0 && frac == 0) {
			/* "0" needs no unit, as in Go. */
			*out = 0;
			return true;
		}
		if (unit == 0) {
			fail(p, u0, ul, "expected a duration unit (ns, us, ms, s, m, h)");
			return false;
		}
		if (ip > (uint64_t)INT64_MAX / (uint64_t)unit) {
			fail(p, start, p->i - start, "duration too large");
			return false;
		}
		ip = ip * (uint64_t)unit;
		/* frac/scale of a unit; both below 10^18, unit below 4*10^12:
		 * divide first to stay in range, exactly for the common cases. */
		if (frac != 0) {
			long double f = (long double)frac / (long double)scale * (long double)unit;

			ip += (uint64_t)(f + 0.5L);
		}
		if (ip > (uint64_t)INT64_MAX - total) {
			fail(p, start, p->i - start, "duration too large");
			return false;
		}
		total += ip;
		first = false;
		if (!is_digit(peek(p, 0)))
			break;
	}
	*out = (int64_t)total;
	return true;
}

static bool
parse_u64(struct parser *p, uint64_t *out, const char *what)
{
	uint64_t v = 0;
	size_t start = p->i;

	if (!is_digit(peek(p, 0))) {
		fail(p, p->i, 1, "expected %s", what);
		return false;
	}
	while (p->i < p->n && is_digit(p->s[p->i])) {
		unsigned d = (unsigned)(p->s[p->i] - '0');

		if (v > (UINT64_MAX - d) / 10) {
			fail(p, start, p->i - start + 1, "number too large");
			return false;
		}
		v = v * 10 + d;
		p->i++;
	}
	*out = v;
	return true;
}

/* Does the term just parsed end where it should? */
static bool
expect_boundary(struct parser *p)
{
	char c = peek(p, 0);

	if (p->i >= p->n || is_space(c) || c == '(' || c == ')')
		return true;
	fail(p, p->i, 1, "expected a space, ')' or the end of the query");
	return false;
}

static bool
compile_match(struct parser *p, struct qmatch *m, uint32_t opts, size_t pos)
{
	int ec;
	PCRE2_SIZE eo;

	m->re = pcre2_compile((PCRE2_SPTR)m->text, m->len, opts, &ec, &eo, NULL);
	if (m->re == NULL) {
		PCRE2_UCHAR msg[120];

		pcre2_get_error_message(ec, msg, sizeof(msg));
		if (opts & PCRE2_LITERAL)
			fail(p, pos, 1, "bad text: %s", (const char *)msg);
		else
			fail(p, pos + (eo > m->len ? m->len : eo), 1, "bad regex: %s", (const char *)msg);
		return false;
	}
	(void)pcre2_jit_compile(m->re, PCRE2_JIT_COMPLETE);
	return true;
}

/* Is the '/' at p->i a /regex/ or /regex/i? It is when a closing '/'
 * follows and ends the value (a space, ')', '=' for label keys, or the end
 * comes next); otherwise the value is a word that starts with '/', such as
 * a path: stack:/app/main.go, label:route=/search. */
static bool
regex_ahead(const struct parser *p)
{
	size_t j = p->i + 1;
	char c;

	while (j < p->n && p->s[j] != '/') {
		if (p->s[j] == '\\' && j + 1 < p->n)
			j++;
		j++;
	}
	if (j >= p->n)
		return false;
	j++;
	if (j < p->n && p->s[j] == 'i')
		j++;
	c = j < p->n ? p->s[j] : '\0';
	return j >= p->n || is_space(c) || c == ')' || c == '=';
}

enum text_mode {
	TM_EXACT,    /* "name:" word/string means the whole text */
	TM_SUB,      /* "name:" word/string means a substring */
};

/* A value: a word, a "string" or a /regex/[i]. With tilde, words and
 * strings are case-insensitive substrings and regexes case-insensitive.
 * stop_eq: a word also ends at '=' (label keys). */
static bool
parse_text(struct parser *p, struct qmatch *m, enum text_mode mode, bool tilde,
           bool stop_eq, const char *field)
{
	size_t start = p->i;
	char c = peek(p, 0);
	struct gx_buf b = { 0 };
	uint32_t opts = 0;

	if (c == '/' && regex_ahead(p)) {
		size_t re0 = ++p->i;

		while (p->s[p->i] != '/') {
			if (p->s[p->i] == '\\')
				p->i++;
			p->i++;
		}
		m->text = xstrndup(p->s + re0, p->i - re0);
		m->len = p->i - re0;
		m->kind = QM_RE;
		p->i++;
		if (peek(p, 0) == 'i') {
			opts |= PCRE2_CASELESS;
			p->i++;
		}
		if (tilde)
			opts |= PCRE2_CASELESS;
		return compile_match(p, m, opts, re0);
	}
	if (c == '"') {
		p->i++;
		for (;;) {
			if (p->i >= p->n) {
				gx_buf_free(&b);
				fail(p, start, 1, "unterminated string: expected a closing \"");
				return false;
			}
			c = p->s[p->i++];
			if (c == '"')
				break;
			if (c == '\\' && p->i < p->n) {
				c = p->s[p->i++];
				if (c == 'n')
					c = '\n';
				else if (c == 't')
					c = '\t';
				else if (c != '"' && c != '\\')
					gx_buf_putc(&b, '\\');
			}
			gx_buf_putc(&b, c);
		}
	} else {
		int depth = 0;

		while (p->i < p->n) {
			c = p->s[p->i];
			if (is_space(c) || c == '"' || (stop_eq && c == '='))
				break;
			if (c == '(')
				depth++;
			else if (c == ')' && depth-- == 0)
				break;
			gx_buf_putc(&b, c);
			p->i++;
		}
		if (b.len == 0) {
			fail(p, p->i, 1, "expected a value after %s (a word, a \"string\" or a /regex/)",
			     field);
			return false;
		}
	}
	m->len = b.len;
	m->text = b.data ? gx_buf_take(&b) : xstrdup("");
	if (tilde) {
		m->kind = QM_SUB;
		return compile_match(p, m, PCRE2_LITERAL | PCRE2_CASELESS, start);
	}
	if (mode == TM_EXACT) {
		m->kind = QM_EXACT;
		return true;
	}
	m->kind = QM_SUB;
	return compile_match(p, m, PCRE2_LITERAL, start);
}

/* id:N, id:N..M, id:N.., id:..M, comma-separated. */
static bool
parse_ids(struct parser *p, uint32_t idx)
{
	size_t cap = 0;

	for (;;) {
		struct qrange r = { 0, UINT64_MAX };
		size_t item = p->i;
		struct qnode *nd;

		if (peek(p, 0) == '.' && peek(p, 1) == '.') {
			p->i += 2;
			if (!parse_u64(p, &r.hi, "a goroutine id after .."))
				return false;
		} else {
			if (!parse_u64(p, &r.lo, "a goroutine id (a number, or a range like 10..20)"))
				return false;
			if (peek(p, 0) == '.' && peek(p, 1) == '.') {
				p->i += 2;
				if (is_digit(peek(p, 0))) {
					if (!parse_u64(p, &r.hi, "a goroutine id"))
						return false;
				}
			} else {
				r.hi = r.lo;
			}
		}
		if (r.hi < r.lo) {
			fail(p, item, p->i - item, "empty range: %llu is less than %llu",
			     (unsigned long long)r.hi, (unsigned long long)r.lo);
			return false;
		}
		nd = &p->q->nodes[idx];
		gx_grow(&nd->ranges, &cap, nd->nranges + 1, sizeof(*nd->ranges));
		nd->ranges[nd->nranges++] = r;
		if (peek(p, 0) != ',')
			return true;
		p->i++;
	}
}

static uint32_t parse_or(struct parser *p);

static const char fields_list[] =
	"state, reason, stack, created, id, wait, in, label, log or region";

static uint32_t
parse_field(struct parser *p, size_t start, size_t il)
{
	const char *name = p->s + start;
	char sep = peek(p, 0);
	bool tilde = sep == '~';
	uint32_t idx;
	char field[24];

#define IS(f) (il == strlen(f) && strncasecmp(name, f, il) == 0)
	snprintf(field, sizeof(field), "'%.*s%c'", (int)(il > 10 ? 10 : il), name, sep);
	p->i++; /* the ':' or '~' */
	if (IS("reason") || IS("stack") || IS("created") || IS("log") || IS("region")) {
		enum qn_kind k = IS("reason") ? QN_REASON : IS("stack") ? QN_STACK :
		                 IS("created") ? QN_CREATED : IS("log") ? QN_LOG : QN_REGION;
		enum text_mode mode = (k == QN_REASON || k == QN_REGION) ? TM_EXACT : TM_SUB;

		idx = new_node(p, k, start);
		if (!parse_text(p, &p->q->nodes[idx].m, mode, tilde, false, field))
			return idx;
		end_node(p, idx);
		return idx;
	}
	if (tilde) {
		fail(p, p->i - 1, 1, "expected ':' (only reason, stack, created, log and region take ~)");
		return 0;
	}
	if (IS("state")) {
		size_t l = ident_len(p, p->i);
		const struct alias *a = l ? find_alias(p->s + p->i, l) : NULL;

		if (a == NULL) {
			fail(p, p->i, l, "expected a state (running, runnable, syscall, waiting, dead, "
			     "blocked, chan, select, mutex, io, sleep, ...)");
			return 0;
		}
		idx = new_node(p, QN_CLASS, start);
		p->q->nodes[idx].mask = a->mask;
		p->q->nodes[idx].gflags = a->gflags;
		p->i += l;
		end_node(p, idx);
		return idx;
	}
	if (IS("label")) {
		idx = new_node(p, QN_LABEL, start);
		if (!parse_text(p, &p->q->nodes[idx].m, TM_EXACT, false, true, field))
			return idx;
		if (peek(p, 0) == '=') {
			p->i++;
			p->q->nodes[idx].has_value = true;
			if (!parse_text(p, &p->q->nodes[idx].v, TM_EXACT, false, false, "'='"))
				return idx;
		}
		end_node(p, idx);
		return idx;
	}
	if (IS("id")) {
		idx = new_node(p, QN_ID, start);
		parse_ids(p, idx);
		end_node(p, idx);
		return idx;
	}
	if (IS("in")) {
		idx = new_node(p, QN_IN, start);
		if (at_keyword(p, "cycle")) {
			p->q->nodes[idx].set = GX_QUERY_SET_CYCLE;
			p->i += 5;
		} else if (at_keyword(p, "stuck")) {
			p->q->nodes[idx].set = GX_QUERY_SET_STUCK;
			p->i += 5;
		} else {
			fail(p, p->i, ident_len(p, p->i), "expected cycle or stuck after 'in:'");
			return idx;
		}
		p->q->needs_deadlock = true;
		end_node(p, idx);
		return idx;
	}
	if (IS("wait")) {
		fail(p, p->i - 1, 1, "expected a comparison after wait: >, >=, < or <= (as in wait>1s)");
		return 0;
	}
#undef IS
	fail(p, start, il, "unknown field '%.*s' (expected %s)", (int)(il > 40 ? 40 : il), name,
	     fields_list);
	return 0;
}

static uint32_t
parse_wait(struct parser *p, size_t start)
{
	uint32_t idx = new_node(p, QN_WAIT, start);
	struct qnode *nd;
	enum qcmp cmp;
	int64_t ns;

	skip_ws(p);
	if (peek(p, 0) == '>' && peek(p, 1) == '=') {
		cmp = QCMP_GE;
		p->i += 2;
	} else if (peek(p, 0) == '<' && peek(p, 1) == '=') {
		cmp = QCMP_LE;
		p->i += 2;
	} else if (peek(p, 0) == '>') {
		cmp = QCMP_GT;
		p->i++;
	} else if (peek(p, 0) == '<') {
		cmp = QCMP_LT;
		p->i++;
	} else {
		fail(p, p->i, 1, "expected a comparison after wait: >, >=, < or <= (as in wait>1s)");
		return idx;
	}
	skip_ws(p);
	if (!parse_duration(p, &ns))
		return idx;
	nd = &p->q->nodes[idx];
	nd->cmp = cmp;
	nd->ns = ns;
	end_node(p, idx);
	return idx;
}

static uint32_t
add_window(struct parser *p, uint32_t idx)
{
	if (p->q->window >= 0) {
		fail(p, p->q->nodes[idx].pos, p->i - p->q->nodes[idx].pos,
		     "only one time window per query");
		return idx;
	}
	p->q->window = (int)idx;
	end_node(p, idx);
	return idx;
}

/* A window that starts with a time: "1.2s..1.5s", "1.2s..", "10ms before
 * deadlock"; or with "..": "..1.5s". */
static uint32_t
parse_time_window(struct parser *p)
{
	size_t start = p->i;
	uint32_t idx = new_node(p, QN_WINDOW, start);
	int64_t a = 0, b = 0;
	struct qnode *nd;

	if (peek(p, 0) == '.' && peek(p, 1) == '.') {
		p->i += 2;
		skip_ws(p);
		if (!parse_duration(p, &b))
			return idx;
		nd = &p->q->nodes[idx];
		nd->wkind = QW_RANGE;
		nd->has_b = true;
		nd->b = b;
		return add_window(p, idx);
	}
	if (!parse_duration(p, &a))
		return idx;
	nd = &p->q->nodes[idx];
	skip_ws(p);
	if (peek(p, 0) == '.' && peek(p, 1) == '.') {
		p->i += 2;
		nd->wkind = QW_RANGE;
		nd->has_a = true;
		nd->a = a;
		skip_ws(p);
		if (is_digit(peek(p, 0)) || (peek(p, 0) == '.' && is_digit(peek(p, 1)))) {
			if (!parse_duration(p, &b))
				return idx;
			nd = &p->q->nodes[idx];
			if (b < a) {
				fail(p, start, p->i - start, "empty window: the end comes before the start");
				return idx;
			}
			nd->has_b = true;
			nd->b = b;
		}
		return add_window(p, idx);
	}
	if (at_keyword(p, "before")) {
		p->i += 6;
		skip_ws(p);
		if (!at_keyword(p, "deadlock")) {
			fail(p, p->i, ident_len(p, p->i), "expected 'deadlock' after 'before'");
			return idx;
		}
		p->i += 8;
		nd->wkind = QW_BEFORE_DEADLOCK;
		nd->ns = a;
		p->q->needs_deadlock = true;
		return add_window(p, idx);
	}
	fail(p, p->i, 1, "expected '..' (a window like 1.2s..1.5s) or 'before deadlock' after a time");
	return idx;
}

static uint32_t
parse_primary(struct parser *p)
{
	size_t start, il;
	char c;

	skip_ws(p);
	start = p->i;
	c = peek(p, 0);
	if (p->i >= p->n) {
		fail(p, p->i, 1, "expected a filter (a state like mutex, a field like stack:, or '(')");
		return 0;
	}
	if (c == '(') {
		uint32_t idx;

		if (++p->depth > MAX_DEPTH) {
			fail(p, p->i, 1, "too deeply nested");
			return 0;
		}
		p->i++;
		idx = parse_or(p);
		if (p->failed)
			return idx;
		skip_ws(p);
		if (peek(p, 0) != ')' || p->i >= p->n) {
			fail(p, p->i, 1, "expected ')' to close the '(' at column %zu", start + 1);
			return idx;
		}
		p->i++;
		p->depth--;
		return idx;
	}
	if (c == ')') {
		fail(p, p->i, 1, "expected a filter before ')'");
		return 0;
	}
	if (is_digit(c) || c == '.') {
		uint32_t idx = parse_time_window(p);

		if (!p->failed)
			expect_boundary(p);
		return idx;
	}
	if (c == '/') {
		uint32_t idx = new_node(p, QN_STACK, start);

		if (parse_text(p, &p->q->nodes[idx].m, TM_SUB, false, false, "'/'")) {
			end_node(p, idx);
			expect_boundary(p);
		}
		return idx;
	}
	il = ident_len(p, p->i);
	if (il == 0) {
		fail(p, p->i, 1, "expected a filter (a state like mutex, a field like stack:, or '(')");
		return 0;
	}
	if (p->i + il < p->n && (p->s[p->i + il] == ':' || p->s[p->i + il] == '~')) {
		uint32_t idx;

		p->i += il;
		idx = parse_field(p, start, il);
		if (!p->failed)
			expect_boundary(p);
		return idx;
	}
	if (il == 4 && strncasecmp(p->s + p->i, "wait", 4) == 0) {
		size_t j = p->i + 4;
		uint32_t idx;

		while (j < p->n && is_space(p->s[j]))
			j++;
		if (j < p->n && (p->s[j] == '>' || p->s[j] == '<' || p->s[j] == '=')) {
			p->i += 4;
			idx = parse_wait(p, start);
			if (!p->failed)
				expect_boundary(p);
			return idx;
		}
	}
	if (at_keyword(p, "last") || at_keyword(p, "first")) {
		uint32_t idx = new_node(p, QN_WINDOW, start);
		bool last = at_keyword(p, "last");
		int64_t d;

		p->i += il;
		skip_ws(p);
		if (!parse_duration(p, &d))
			return idx;
		p->q->nodes[idx].wkind = last ? QW_LAST : QW_FIRST;
		p->q->nodes[idx].ns = d;
		add_window(p, idx);
		if (!p->failed)
			expect_boundary(p);
		return idx;
	}
	if (at_keyword(p, "and") || at_keyword(p, "or")) {
		fail(p, p->i, il, "expected a filter before '%.*s'", (int)il, p->s + p->i);
		return 0;
	}
	{
		const struct alias *a = find_alias(p->s + p->i, il);
		uint32_t idx;

		if (a == NULL) {
			fail(p, start, il, "unknown filter '%.*s' (a state like mutex or chan; "
			     "for a stack search write stack:%.*s)", (int)(il > 40 ? 40 : il),
			     p->s + start, (int)(il > 40 ? 40 : il), p->s + start);
			return 0;
		}
		idx = new_node(p, QN_CLASS, start);
		p->q->nodes[idx].mask = a->mask;
		p->q->nodes[idx].gflags = a->gflags;
		p->i += il;
		end_node(p, idx);
		expect_boundary(p);
		return idx;
	}
}

static uint32_t
parse_unary(struct parser *p)
{
	size_t start;
	uint32_t idx, kid;

	skip_ws(p);
	start = p->i;
	if (at_keyword(p, "not") || peek(p, 0) == '!' || peek(p, 0) == '-') {
		p->i += at_keyword(p, "not") ? 3 : 1;
		if (++p->depth > MAX_DEPTH) {
			fail(p, start, p->i - start, "too deeply nested");
			return 0;
		}
		kid = parse_unary(p);
		p->depth--;
		if (p->failed)
			return kid;
		idx = new_node(p, QN_NOT, start);
		p->q->nodes[idx].kids = xmalloc(sizeof(uint32_t));
		p->q->nodes[idx].kids[0] = kid;
		p->q->nodes[idx].nkids = 1;
		end_node(p, idx);
		return idx;
	}
	return parse_primary(p);
}

/* The end of an and-chain: end of input, ')' or "or". */
static bool
at_chain_end(struct parser *p, bool or_too)
{
	skip_ws(p);
	return p->i >= p->n || peek(p, 0) == ')' || (or_too && at_keyword(p, "or"));
}

static uint32_t
parse_chain(struct parser *p, bool is_or)
{
	uint32_t *kids = NULL;
	size_t n = 0, cap = 0, start;
	uint32_t idx;

	skip_ws(p);
	start = p->i;
	for (;;) {
		uint32_t k = is_or ? parse_chain(p, false) : parse_unary(p);

		if (p->failed) {
			free(kids);
			return 0;
		}
		gx_grow(&kids, &cap, n + 1, sizeof(*kids));
		kids[n++] = k;
		if (is_or) {
			skip_ws(p);
			if (!at_keyword(p, "or"))
				break;
			p->i += 2;
			if (at_chain_end(p, true)) {
				fail(p, p->i, 1, "expected a filter after 'or'");
				free(kids);
				return 0;
			}
		} else {
			if (at_chain_end(p, true))
				break;
			if (at_keyword(p, "and")) {
				p->i += 3;
				if (at_chain_end(p, true)) {
					fail(p, p->i, 1, "expected a filter after 'and'");
					free(kids);
					return 0;
				}
			}
		}
	}
	if (n == 1) {
		idx = kids[0];
		free(kids);
		return idx;
	}
	idx = new_node(p, is_or ? QN_OR : QN_AND, start);
	p->q->nodes[idx].kids = kids;
	p->q->nodes[idx].nkids = n;
	end_node(p, idx);
	return idx;
}

static uint32_t
parse_or(struct parser *p)
{
	return parse_chain(p, true);
}

/* Is every window reachable from the root through "and" only? */
static bool
window_ok(const struct gx_query *q, uint32_t idx, uint32_t w)
{
	const struct qnode *nd = &q->nodes[idx];
	size_t i;

	if (idx == w)
		return true;
	if (nd->kind != QN_AND)
		return false;
	for (i = 0; i < nd->nkids; i++)
		if (window_ok(q, nd->kids[i], w))
			return true;
	return false;
}

struct gx_query *
gx_query_parse(const char *text, struct gx_query_error *err)
{
	struct gx_query *q = xcalloc(1, sizeof(*q));
	struct parser p = { 0 };

	memset(err, 0, sizeof(*err));
	q->text = xstrdup(text);
	q->window = -1;
	p.s = q->text;
	p.n = strlen(text);
	p.q = q;
	p.err = err;
	skip_ws(&p);
	if (p.i >= p.n) {
		q->root = new_node(&p, QN_ALL, 0);
		goto done;
	}
	q->root = parse_or(&p);
	if (!p.failed) {
		skip_ws(&p);
		if (p.i < p.n) {
			if (peek(&p, 0) == ')')
				fail(&p, p.i, 1, "unexpected ')' with no '(' to close");
			else
				fail(&p, p.i, 1, "expected 'and', 'or' or the end of the query");
		}
	}
	if (!p.failed && q->window >= 0 && !window_ok(q, q->root, (uint32_t)q->window)) {
		const struct qnode *w = &q->nodes[q->window];

		fail(&p, w->pos, w->len, "a time window applies to the whole query: "
		     "join it with 'and', not inside 'or' or 'not'");
	}
	if (p.failed) {
		gx_query_free(q);
		return NULL;
	}
done:
	q->md = pcre2_match_data_create(1, NULL);
	return q;
}

static void
free_match(struct qmatch *m)
{
	free(m->text);
	pcre2_code_free(m->re);
}

void
gx_query_free(struct gx_query *q)
{
	size_t i;

	if (q == NULL)
		return;
	for (i = 0; i < q->n; i++) {
		struct qnode *nd = &q->nodes[i];

		free(nd->kids);
		free(nd->ranges);
		free(nd->cache);
		free_match(&nd->m);
		free_match(&nd->v);
	}
	free(q->nodes);
	pcre2_match_data_free(q->md);
	free(q->text);
	free(q);
}

bool
gx_query_is_empty(const struct gx_query *q)
{
	return q->nodes[q->root].kind == QN_ALL;
}

bool
gx_query_has_window(const struct gx_query *q)
{
	return q->window >= 0;
}

bool
gx_query_needs_deadlock(const struct gx_query *q)
{
	return q->needs_deadlock;
}
