/* dump_agg: the debug=1 text of pprof profiles (goroutine, goroutineleak,
 * threadcreate, mutex, block), parsed line by line, and its loader.
 *
 * One pass over the bytes; a record's PCs and frames are collected in
 * arrays reused from one record to the next and handed to the callback
 * when the record ends (empty line, next '@' line, end of text). */
#include "config.h"

#include "gotrex/dump_agg.h"

#include <stdlib.h>
#include <string.h>

#include "gotrex/gofunc.h"
#include "gotrex/util.h"

#define WARN_MAX 20 /* "unexpected line" warnings before they are only counted */

struct parser {
	const char *name;
	struct gx_diag *d;
	gx_agg_record_fn fn;
	void *ctx;
	struct gx_agg_info *info;
	long count;
	bool stop;
	uint64_t lineno;
	uint64_t unexpected;      /* lines we did not understand */

	bool open;                /* a record is being collected */
	bool in_frames;           /* its '#' frame lines have begun */
	struct gx_agg_record r;
	uint64_t *pcs;
	size_t npcs, cappcs;
	struct gx_agg_frame *frames;
	size_t nframes, capframes;
};

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
starts(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	return n >= k && memcmp(s, lit, k) == 0;
}

static struct gx_dump_text
txt(const char *p, size_t n)
{
	struct gx_dump_text t;

	t.p = n ? p : NULL;
	t.n = n;
	return t;
}

/* Decimal digits at s[*i]; saturates at UINT64_MAX (*ovf set). False when
 * there is no digit. */
static bool
scan_dec(const char *s, size_t n, size_t *i, uint64_t *v, bool *ovf)
{
	size_t j = *i;
	uint64_t x = 0;

	while (j < n && is_digit(s[j])) {
		unsigned dg = (unsigned)(s[j] - '0');

		if (x > (UINT64_MAX - dg) / 10) {
			x = UINT64_MAX;
			*ovf = true;
		} else {
			x = x * 10 + dg;
		}
		j++;
	}
	if (j == *i)
		return false;
	*i = j;
	*v = x;
	return true;
}

/* "0x" and hex digits at s[*i]. */
static bool
scan_hex(const char *s, size_t n, size_t *i, uint64_t *v, bool *ovf)
{
	size_t j = *i;
	uint64_t x = 0;

	if (j + 2 >= n || s[j] != '0' || (s[j + 1] != 'x' && s[j + 1] != 'X') ||
	    gx_hexval(s[j + 2]) < 0)
		return false;
	for (j += 2; j < n && gx_hexval(s[j]) >= 0; j++) {
		if (x >> 60)
			*ovf = true;
		x = (x << 4) | (uint64_t)gx_hexval(s[j]);
	}
	*i = j;
	*v = x;
	return true;
}

static void warn(struct parser *p, uint64_t line, const char *fmt, ...) GX_PRINTF(3, 4);

static void
warn(struct parser *p, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gx_diag_vadd(p->d, GX_WARNING, p->name, line, GX_NOWHERE, fmt, ap);
	va_end(ap);
}

static void
unexpected(struct parser *p, const char *what)
{
	if (p->unexpected++ < WARN_MAX)
		warn(p, p->lineno, "%s; line ignored", what);
}

static uint64_t
sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void
finish(struct parser *p)
{
	if (!p->open)
		return;
	p->open = false;
	p->in_frames = false;
	p->r.pcs = p->pcs;
	p->r.npcs = p->npcs;
	p->r.frames = p->frames;
	p->r.nframes = p->nframes;
	p->info->records++;
	p->info->sum_count = sat_add(p->info->sum_count, p->r.count);
	p->info->sum_cycles = sat_add(p->info->sum_cycles, p->r.cycles);
	p->count++;
	if (p->fn != NULL && p->fn(p->ctx, &p->r) != 0)
		p->stop = true;
}

/* "N @ 0x.. 0x.." (count profiles) or "CYCLES N @ 0x.." (mutex, block).
 * Returns false when the line is not a record line. */
static bool
record_line(struct parser *p, const char *c, size_t n)
{
	uint64_t a = 0, b = 0, pc;
	bool two = false, ovf = false, bad = false;
	size_t i = 0;

	if (!scan_dec(c, n, &i, &a, &ovf))
		return false;
	if (i < n && c[i] == ' ' && i + 1 < n && is_digit(c[i + 1])) {
		i++;
		scan_dec(c, n, &i, &b, &ovf);
		two = true;
	}
	if (!(n >= i + 2 && c[i] == ' ' && c[i + 1] == '@' && (n == i + 2 || c[i + 2] == ' ')))
		return false;
	i += 2;
	finish(p);
	if (p->stop)
		return true;
	memset(&p->r, 0, sizeof(p->r));
	p->npcs = 0;
	p->nframes = 0;
	p->open = true;
	p->r.source_line = p->lineno;
	if (p->info->kind == GX_AGG_COUNT) {
		p->r.count = a;
		if (two)
			warn(p, p->lineno, "two numbers before '@' in a count profile; the first is the count");
	} else {
		p->r.cycles = two ? a : 0;
		p->r.count = two ? b : a;
		if (!two)
			warn(p, p->lineno, "one number before '@' where cycles and a count were expected");
	}
	if (ovf)
		warn(p, p->lineno, "number too large; taken as %llu", (unsigned long long)UINT64_MAX);
	while (i < n) {
		if (c[i] == ' ' || c[i] == '\t') {
			i++;
			continue;
		}
		ovf = false;
		if (!scan_hex(c, n, &i, &pc, &ovf) || ovf) {
			bad = true;
			break;
		}
		gx_grow(&p->pcs, &p->cappcs, p->npcs + 1, sizeof(*p->pcs));
		p->pcs[p->npcs++] = pc;
	}
	if (bad)
		warn(p, p->lineno, "bad PC at column %zu of the '@' line; the rest of the line is ignored",
		     i + 1);
	return true;
}

/* "#\t0xPC\tFUNC+0xOFF\tFILE:LINE" (TAB runs between the columns) or
 * "#\t0xPC" for an unknown function. */
static void
frame_line(struct parser *p, const char *c, size_t n)
{
	struct gx_agg_frame f;
	size_t i = 1, s, e;
	bool ovf = false;

	memset(&f, 0, sizeof(f));
	f.source_line = p->lineno;
	while (i < n && (c[i] == '\t' || c[i] == ' '))
		i++;
	if (!scan_hex(c, n, &i, &f.pc, &ovf) || ovf || (i < n && c[i] != '\t' && c[i] != ' ')) {
		unexpected(p, "a '#' line without a PC");
		return;
	}
	while (i < n && c[i] == '\t')
		i++;
	if (i < n) {
		size_t k;

		s = i;
		while (i < n && c[i] != '\t')
			i++;
		e = i;
		/* the offset is after the last "+0x" */
		for (k = e; k > s + 2; k--) {
			size_t j = k - 3;

			if (c[j] == '+' && c[j + 1] == '0' && c[j + 2] == 'x') {
				size_t h = j + 1;
				uint64_t off = 0;
				bool o2 = false;

				if (scan_hex(c, e, &h, &off, &o2) && h == e) {
					f.offset = off;
					e = j;
				}
				break;
			}
		}
		f.func = txt(c + s, e - s);
		while (i < n && c[i] == '\t')
			i++;
		if (i < n) {
			size_t colon = n;

			s = i;
			for (k = n; k > s; k--) {
				if (c[k - 1] == ':') {
					colon = k - 1;
					break;
				}
			}
			if (colon < n) {
				size_t j = colon + 1;
				uint64_t line = 0;
				bool o2 = false;

				if (scan_dec(c, n, &j, &line, &o2) && j == n) {
					f.line = line;
					f.file = txt(c + s, colon - s);
				} else {
					f.file = txt(c + s, n - s);
				}
			} else {
				f.file = txt(c + s, n - s);
			}
		}
		if (f.func.n == 0)
			unexpected(p, "a '#' line with an empty function");
	}
	gx_grow(&p->frames, &p->capframes, p->nframes + 1, sizeof(*p->frames));
	p->frames[p->nframes++] = f;
	p->in_frames = true;
}

/* "--- mutex:" headers are followed by "key=value" lines. */
static bool
param_line(struct parser *p, const char *c, size_t n)
{
	const char *eq = memchr(c, '=', n);
	size_t i;
	uint64_t v = 0;
	bool ovf = false;

	if (eq == NULL || eq == c)
		return false;
	i = (size_t)(eq - c) + 1;
	if (starts(c, n, "cycles/second=")) {
		if (!scan_dec(c, n, &i, &v, &ovf) || i != n || ovf || v > INT64_MAX)
			warn(p, p->lineno, "bad cycles/second; delays cannot be given in time");
		else
			p->info->cycles_per_second = (int64_t)v;
	} else if (starts(c, n, "sampling period=")) {
		if (scan_dec(c, n, &i, &v, &ovf) && i == n && !ovf && v <= INT64_MAX)
			p->info->sampling_period = (int64_t)v;
		else
			warn(p, p->lineno, "bad sampling period");
	} else {
		size_t k;

		for (k = 0; k < (size_t)(eq - c); k++)
			if (c[k] == ' ' || c[k] == '#' || c[k] == '\t')
				return false;
	}
	if (p->info->params.n == 0)
		p->info->params.p = c;
	p->info->params.n = (size_t)(c + n - p->info->params.p);
	return true;
}

/* The first line: which profile. */
static int
header(struct parser *p, const char *c, size_t n)
{
	struct gx_agg_info *in = p->info;
	static const char total[] = " profile: total ";
	size_t i;

	in->header = txt(c, n);
	if (starts(c, n, "--- ") && n > 5 && c[n - 1] == ':') {
		in->name = txt(c + 4, n - 5);
		if (n == 10 && memcmp(c + 4, "mutex", 5) == 0) {
			in->kind = GX_AGG_MUTEX;
			in->profile = GX_PROFILE_MUTEX;
		} else if (n == 15 && memcmp(c + 4, "contention", 10) == 0) {
			in->kind = GX_AGG_BLOCK;
			in->profile = GX_PROFILE_BLOCK;
		} else {
			in->kind = GX_AGG_BLOCK;
			in->profile = GX_PROFILE_CONTENTION;
			warn(p, p->lineno, "unknown profile \"%.*s\"; read as a contention profile",
			     (int)(n - 5 > 64 ? 64 : n - 5), c + 4);
		}
		return 0;
	}
	for (i = 0; i < n && ((c[i] >= 'a' && c[i] <= 'z') || (c[i] >= 'A' && c[i] <= 'Z') ||
	                      is_digit(c[i]) || c[i] == '_' || c[i] == '.' || c[i] == '/');
	     i++)
		;
	if (i > 0 && n - i > sizeof(total) - 1 && memcmp(c + i, total, sizeof(total) - 1) == 0) {
		size_t j = i + sizeof(total) - 1;
		bool ovf = false;

		in->kind = GX_AGG_COUNT;
		in->name = txt(c, i);
		if (i == 9 && memcmp(c, "goroutine", 9) == 0)
			in->profile = GX_PROFILE_GOROUTINE;
		else if (i == 13 && memcmp(c, "goroutineleak", 13) == 0)
			in->profile = GX_PROFILE_GOROUTINELEAK;
		else if (i == 12 && memcmp(c, "threadcreate", 12) == 0)
			in->profile = GX_PROFILE_THREADCREATE;
		else {
			in->profile = GX_PROFILE_GOROUTINE;
			warn(p, p->lineno, "unknown profile \"%.*s\"; read as a goroutine profile",
			     (int)(i > 64 ? 64 : i), c);
		}
		if (scan_dec(c, n, &j, &in->total, &ovf) && j == n && !ovf)
			in->has_total = true;
		else
			warn(p, p->lineno, "bad total in the header");
		return 0;
	}
	if (starts(c, n, "heap profile:"))
		gx_diag_add(p->d, GX_ERROR, p->name, p->lineno, GX_NOWHERE,
		            "a heap profile has no goroutine stacks; gotrex reads goroutine, "
		            "goroutineleak, threadcreate, mutex and block profiles");
	else
		gx_diag_add(p->d, GX_ERROR, p->name, p->lineno, GX_NOWHERE,
		            "not a debug=1 profile: expected \"goroutine profile: total N\", "
		            "\"--- mutex:\" or \"--- contention:\"");
	return -1;
}

static void
one_line(struct parser *p, const char *c, size_t n)
{
	if (n == 0) {
		finish(p);
		return;
	}
	if (c[0] == '#') {
		if (!p->open) {
			unexpected(p, "a '#' line outside a record");
			return;
		}
		if (starts(c, n, "# labels: ")) {
			if (p->in_frames || p->r.labels.n != 0)
				unexpected(p, "a labels line among the frames");
			else
				p->r.labels = txt(c + 10, n - 10);
			return;
		}
		if (n > 1 && (c[1] == '\t' || c[1] == ' ')) {
			frame_line(p, c, n);
			return;
		}
		unexpected(p, "a '#' line that is neither labels nor a frame");
		return;
	}
	if (is_digit(c[0]) && record_line(p, c, n))
		return;
	if (p->info->kind != GX_AGG_COUNT && p->info->records == 0 && !p->open &&
	    param_line(p, c, n))
		return;
	finish(p);
	unexpected(p, "not a line of a debug=1 profile");
}

long
gx_agg_scan(const char *text, size_t len, const char *name, gx_agg_record_fn fn,
            void *ctx, struct gx_agg_info *info, struct gx_diag *d)
{
	struct parser p;
	size_t at = 0;
	bool have_header = false;

	memset(info, 0, sizeof(*info));
	memset(&p, 0, sizeof(p));
	p.name = name;
	p.d = d;
	p.fn = fn;
	p.ctx = ctx;
	p.info = info;
	while (at < len && !p.stop) {
		const char *c = text + at;
		const char *nl = memchr(c, '\n', len - at);
		size_t n = nl != NULL ? (size_t)(nl - c) : len - at;

		at += n + (nl != NULL);
		p.lineno++;
		if (n > 0 && c[n - 1] == '\r')
			n--;
		if (!have_header) {
			size_t k;

			for (k = 0; k < n && (c[k] == ' ' || c[k] == '\t'); k++)
				;
			if (k == n)
				continue;
			if (header(&p, c + k, n - k) != 0)
				goto out;
			have_header = true;
			continue;
		}
		one_line(&p, c, n);
	}
	finish(&p);
	if (!have_header) {
		gx_diag_add(d, GX_ERROR, name, GX_NOWHERE, GX_NOWHERE,
		            "empty input: no debug=1 profile header");
		goto out;
	}
	if (p.unexpected > WARN_MAX)
		warn(&p, GX_NOWHERE, "%llu more lines were not understood and ignored",
		     (unsigned long long)(p.unexpected - WARN_MAX));
	if (info->kind == GX_AGG_COUNT && info->has_total && !p.stop &&
	    info->total != info->sum_count)
		warn(&p, 1, "the header says total %llu, the records add up to %llu",
		     (unsigned long long)info->total, (unsigned long long)info->sum_count);
	if (info->kind != GX_AGG_COUNT && info->cycles_per_second == 0 && info->records > 0)
		warn(&p, 1, "no cycles/second line: delays cannot be given in time");
	if (info->kind == GX_AGG_MUTEX && info->records == 0 && info->sampling_period == 0)
		warn(&p, 1, "empty mutex profile: sampling period=0 says mutex profiling was off "
		     "(runtime.SetMutexProfileFraction)");
	else if (info->kind == GX_AGG_BLOCK && info->records == 0)
		warn(&p, 1, "empty block profile: was block profiling on (runtime.SetBlockProfileRate)?");
	if (p.count == 0 && info->kind == GX_AGG_COUNT && !(info->has_total && info->total == 0)) {
		gx_diag_add(d, GX_ERROR, name, GX_NOWHERE, GX_NOWHERE,
		            "no record (\"N @ 0x...\" line) in the profile");
		p.count = -1;
	}
out:
	info->lines = p.lineno;
	free(p.pcs);
	free(p.frames);
	return have_header ? p.count : -1;
}

int64_t
gx_agg_cycles_to_ns(uint64_t cycles, int64_t cycles_per_second)
{
	double ns;

	if (cycles_per_second <= 0)
		return 0;
	/* runtime/pprof: int64(float64(r.Cycles) / (float64(cyclesPerSecond) / 1e9)) */
	ns = (double)cycles / ((double)cycles_per_second / 1e9);
	if (!(ns < 9223372036854775807.0))
		return INT64_MAX;
	return (int64_t)ns;
}

/* ------------------------------------------------------------------ */
/* The loader */

struct load {
	struct gx_builder *b;
	const struct gx_agg_info *info;
	uint32_t *ids;
	size_t capids;
	uint64_t next;
};

static gx_str
str(struct load *l, struct gx_dump_text t)
{
	return t.n > 0 ? gx_builder_str(l->b, t.p, t.n) : 0;
}

static int
load_one(void *ctx, const struct gx_agg_record *r)
{
	struct load *l = ctx;
	const struct gx_agg_info *in = l->info;
	struct gx_goroutine_rec g;
	struct gx_span_rec s;
	size_t i;
	uint32_t gi;

	gx_grow(&l->ids, &l->capids, r->nframes + 1, sizeof(*l->ids));
	for (i = 0; i < r->nframes; i++) {
		const struct gx_agg_frame *f = &r->frames[i];
		struct gx_frame_rec fr;

		memset(&fr, 0, sizeof(fr));
		fr.func = str(l, f->func);
		fr.file = str(l, f->file);
		fr.line = f->line > UINT32_MAX ? UINT32_MAX : (uint32_t)f->line;
		fr.pc = f->pc;
		fr.offset = f->offset > UINT32_MAX ? UINT32_MAX : (uint32_t)f->offset;
		if (f->func.n > 0 && gx_func_is_runtime(f->func.p, f->func.n))
			fr.flags |= GX_FRAME_RUNTIME;
		/* Whether a frame was inlined the text does not say (equal
		 * PCs on consecutive lines may as well be a recursion). */
		l->ids[i] = gx_builder_frame(l->b, &fr);
	}
	memset(&g, 0, sizeof(g));
	g.id = GX_SYNTH_ID_BASE + ++l->next;
	g.created_ns = GX_TIME_NONE;
	g.ended_ns = GX_TIME_NONE;
	g.wait_since_ns = GX_TIME_NONE;
	g.stack = r->nframes > 0 ? gx_builder_stack(l->b, l->ids, r->nframes) : 0;
	for (i = r->nframes; i > 0; i--) {
		const struct gx_agg_frame *f = &r->frames[i - 1];

		if (f->func.n == 0)
			break;
		if (f->func.n == 14 && memcmp(f->func.p, "runtime.goexit", 14) == 0)
			continue;
		g.start_func = str(l, f->func);
		break;
	}
	g.labels = str(l, r->labels);
	g.source_line = r->source_line > UINT32_MAX ? UINT32_MAX : (uint32_t)r->source_line;
	g.flags = GX_G_SYNTH_ID;
	g.state = GX_G_UNKNOWN;
	if (in->kind == GX_AGG_COUNT) {
		g.count = r->count > UINT32_MAX ? UINT32_MAX : (uint32_t)r->count;
		if (in->profile == GX_PROFILE_GOROUTINELEAK) {
			g.state = GX_G_WAITING;
			g.flags |= GX_G_LEAKED;
		}
	} else {
		g.count = 0;
		g.contentions = r->count;
		g.delay_ns = gx_agg_cycles_to_ns(r->cycles, in->cycles_per_second);
	}
	gi = gx_builder_goroutine(l->b, &g);
	memset(&s, 0, sizeof(s));
	s.g = gi;
	s.state = g.state;
	s.stack = g.stack;
	gx_builder_span(l->b, &s);
	return 0;
}

int
gx_agg_load(struct gx_input *in, struct gx_builder *b, struct gx_diag *d)
{
	struct gx_agg_info info;
	struct gx_store_meta *meta;
	struct load l;
	size_t len = 0;
	char *text;
	long n;

	text = gx_input_slurp(in, &len, d);
	if (text == NULL)
		return -1;
	memset(&l, 0, sizeof(l));
	l.b = b;
	l.info = &info;
	n = gx_agg_scan(text, len, gx_input_name(in), load_one, &l, &info, d);
	meta = gx_builder_meta(b);
	meta->format = GX_FMT_PPROF_DEBUG1;
	meta->profile = info.profile;
	meta->start_ns = 0;
	meta->end_ns = 0;
	meta->headline = info.header.n ? gx_builder_str(b, info.header.p, info.header.n) : 0;
	meta->preamble = info.params.n ? gx_builder_str(b, info.params.p, info.params.n) : 0;
	free(l.ids);
	free(text);
	return n < 0 ? -1 : 0;
}
