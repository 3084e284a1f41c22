/* pprof: profile.proto decoded by hand, and its loader.
 *
 * The top level is read once: small messages (sample types, mappings,
 * locations, functions) are decoded on the spot into flat tables, strings
 * are kept as views into the data, samples as the offset and length of
 * their bytes. Ids are resolved through sorted (id, index) arrays once
 * everything is read, since Go writes the string table last and any
 * writer may put the locations after the samples. */
#include "config.h"

#include "gotrex/pprof.h"

#include <stdlib.h>
#include <string.h>

#include "gotrex/gofunc.h"
#include "gotrex/util.h"

#define REPORT_MAX 5 /* problems of one kind reported one by one, then counted */

enum wire { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_SGROUP = 3, WT_EGROUP = 4, WT_I32 = 5 };

struct sv {
	const char *p;
	size_t n;
};

struct valuetype {
	int64_t type, unit;
};

struct function {
	uint64_t id;
	int64_t name, system_name, filename, start_line;
	uint64_t offset;
};

struct line {
	uint64_t function_id;
	int64_t line;
	uint32_t function; /* index into functions, UINT32_MAX when missing */
	uint64_t offset;   /* of the Line message */
};

struct location {
	uint64_t id, mapping_id, address;
	size_t first_line, nlines;
	uint64_t offset;
};

struct mapping {
	uint64_t id, start, limit, file_offset;
	int64_t filename, build_id;
};

struct span {
	size_t off, len;
};

struct idx {
	uint64_t id;
	uint32_t i;
};

/* Problems of one kind: the first REPORT_MAX each get an entry, the rest
 * are summed up at the end. */
struct tally {
	uint64_t n;
	const char *what;
};

struct gx_pprof {
	const uint8_t *data;
	size_t len;
	const char *name;

	struct sv *strings;
	size_t nstrings, capstrings;
	struct valuetype *stypes;
	size_t nstypes, capstypes;
	struct valuetype period_type;
	int64_t period, time_nanos, duration_nanos, default_sample_type;
	int64_t drop_frames, keep_frames;
	int64_t *comments;
	size_t ncomments, capcomments;
	struct mapping *mappings;
	size_t nmappings, capmappings;
	struct location *locs;
	size_t nlocs, caplocs;
	struct line *lines;
	size_t nlines, caplines;
	struct function *funcs;
	size_t nfuncs, capfuncs;
	struct span *samples;
	size_t nsamples, capsamples;
	bool damaged;
	bool overflow;     /* a table reached GX_PPROF_MAX_ENTRIES */

	struct idx *loc_ix, *func_ix, *map_ix;
	size_t nloc_ix;

	/* per-sample scratch */
	uint64_t *sloc;
	size_t capsloc;
	int64_t *svals;
	size_t capsvals;
	struct { int64_t key, str, num, unit; } *slab;
	size_t capslab;
	struct gx_pprof_frame *frames;
	size_t capframes;
	struct gx_pprof_label *labels;
	size_t caplabels;

	struct tally bad_string, missing_loc, missing_func, missing_map, bad_sample;
};

/* ------------------------------------------------------------------ */
/* Wire format */

struct rd {
	const uint8_t *p, *end;
};

static const char *
wire_name(unsigned wt)
{
	switch (wt) {
	case WT_VARINT: return "0 (varint)";
	case WT_I64: return "1 (64-bit)";
	case WT_LEN: return "2 (length-delimited)";
	case WT_SGROUP: return "3 (start group)";
	case WT_EGROUP: return "4 (end group)";
	case WT_I32: return "5 (32-bit)";
	}
	return wt == 6 ? "6 (invalid)" : "7 (invalid)";
}

static uint64_t
off(const struct gx_pprof *p, const uint8_t *at)
{
	return (uint64_t)(at - p->data);
}

static void perr(struct gx_pprof *p, struct gx_diag *d, const uint8_t *at, const char *fmt, ...)
	GX_PRINTF(4, 5);

static void
perr(struct gx_pprof *p, struct gx_diag *d, const uint8_t *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gx_diag_vadd(d, GX_ERROR, p->name, GX_NOWHERE, off(p, at), fmt, ap);
	va_end(ap);
}

static void pwarn(struct gx_pprof *p, struct gx_diag *d, struct tally *t, uint64_t at,
                  const char *fmt, ...) GX_PRINTF(5, 6);

static void
pwarn(struct gx_pprof *p, struct gx_diag *d, struct tally *t, uint64_t at, const char *fmt, ...)
{
	va_list ap;

	if (t->n++ >= REPORT_MAX)
		return;
	va_start(ap, fmt);
	gx_diag_vadd(d, GX_WARNING, p->name, GX_NOWHERE, at, fmt, ap);
	va_end(ap);
}

/* Tables stop growing at GX_PPROF_MAX_ENTRIES entries each, so that a
 * hostile profile of tiny messages cannot make us allocate many times its
 * size; the first entry left out is reported. */
static bool
full(struct gx_pprof *p, struct gx_diag *d, size_t n, const char *what, const uint8_t *at)
{
	if (n < GX_PPROF_MAX_ENTRIES)
		return false;
	if (!p->overflow) {
		p->overflow = true;
		perr(p, d, at, "more than %d %s; the rest of the profile's %s are left out",
		     GX_PPROF_MAX_ENTRIES, what, what);
	}
	return true;
}

/* 0 ok, -1 truncated, -2 longer than 10 bytes */
static int
rd_varint(struct rd *r, uint64_t *out)
{
	uint64_t v = 0;
	unsigned shift;

	for (shift = 0; shift < 70; shift += 7) {
		uint8_t c;

		if (r->p >= r->end)
			return -1;
		c = *r->p++;
		if (shift == 63 && (c & 0x7e) != 0)
			return -2; /* bits beyond 64 */
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*out = v;
			return 0;
		}
	}
	return -2;
}

struct field {
	uint32_t num;
	unsigned wt;
	uint64_t v;         /* varint, fixed64, fixed32 */
	struct rd sub;      /* WT_LEN payload */
	const uint8_t *at;  /* the key */
};

/* Read one field. On failure reports an error in d and returns -1; the
 * rest of the enclosing message cannot be read then. what names the
 * message ("Profile", "Sample", ...). */
static int
rd_field(struct gx_pprof *p, struct gx_diag *d, struct rd *r, const char *what, struct field *f)
{
	uint64_t key, n;
	int e;

	f->at = r->p;
	e = rd_varint(r, &key);
	if (e != 0) {
		perr(p, d, f->at, "%s: %s field key in %s", e == -1 ? "truncated" : "malformed",
		     e == -1 ? "a" : "an overlong (more than 10 bytes)", what);
		return -1;
	}
	f->wt = (unsigned)(key & 7);
	if ((key >> 3) == 0 || (key >> 3) > 536870911) {
		perr(p, d, f->at, "expected a field key in %s, found field number %llu (byte 0x%02x)", what,
		     (unsigned long long)(key >> 3), (unsigned)*f->at);
		return -1;
	}
	f->num = (uint32_t)(key >> 3);
	switch (f->wt) {
	case WT_VARINT: {
		const uint8_t *vat = r->p;

		e = rd_varint(r, &f->v);
		if (e != 0) {
			perr(p, d, vat, "%s varint for %s field %u", e == -1 ? "truncated" : "overlong",
			     what, f->num);
			return -1;
		}
		return 0;
	}
	case WT_I64:
		if (r->end - r->p < 8) {
			perr(p, d, r->p, "truncated 64-bit value for %s field %u", what, f->num);
			return -1;
		}
		f->v = (uint64_t)r->p[0] | (uint64_t)r->p[1] << 8 | (uint64_t)r->p[2] << 16 |
		       (uint64_t)r->p[3] << 24 | (uint64_t)r->p[4] << 32 | (uint64_t)r->p[5] << 40 |
		       (uint64_t)r->p[6] << 48 | (uint64_t)r->p[7] << 56;
		r->p += 8;
		return 0;
	case WT_I32:
		if (r->end - r->p < 4) {
			perr(p, d, r->p, "truncated 32-bit value for %s field %u", what, f->num);
			return -1;
		}
		f->v = (uint64_t)r->p[0] | (uint64_t)r->p[1] << 8 | (uint64_t)r->p[2] << 16 |
		       (uint64_t)r->p[3] << 24;
		r->p += 4;
		return 0;
	case WT_LEN: {
		const uint8_t *lat = r->p;

		e = rd_varint(r, &n);
		if (e != 0) {
			perr(p, d, lat, "%s length for %s field %u", e == -1 ? "truncated" : "overlong",
			     what, f->num);
			return -1;
		}
		if (n > (uint64_t)(r->end - r->p)) {
			perr(p, d, lat,
			     "length %llu of %s field %u runs past the end of its message (%llu bytes left)",
			     (unsigned long long)n, what, f->num, (unsigned long long)(r->end - r->p));
			return -1;
		}
		f->sub.p = r->p;
		f->sub.end = r->p + n;
		r->p += n;
		return 0;
	}
	default:
		perr(p, d, f->at, "expected a field of wire type 0, 1, 2 or 5 in %s, found wire type %s "
		     "(field %u)", what, wire_name(f->wt), f->num);
		return -1;
	}
}

/* A field of the wrong wire type: reported, then skipped. */
static bool
want(struct gx_pprof *p, struct gx_diag *d, const struct field *f, unsigned wt, const char *field)
{
	if (f->wt == wt)
		return true;
	perr(p, d, f->at, "expected %s field (wire type %s) for %s (field %u), found wire type %s; "
	     "skipped", wt == WT_LEN ? "a length-delimited" : "a varint", wire_name(wt), field,
	     f->num, wire_name(f->wt));
	return false;
}

/* An int64/uint64 scalar: varint (fixed types are accepted too). */
static bool
want_scalar(struct gx_pprof *p, struct gx_diag *d, const struct field *f, const char *field)
{
	if (f->wt == WT_VARINT || f->wt == WT_I64 || f->wt == WT_I32)
		return true;
	return want(p, d, f, WT_VARINT, field);
}

/* A repeated scalar: one varint, or a packed run. push() gets each. */
static int
repeated(struct gx_pprof *p, struct gx_diag *d, const struct field *f, const char *field,
         void (*push)(void *, uint64_t), void *ctx)
{
	struct rd r;

	if (f->wt == WT_VARINT) {
		push(ctx, f->v);
		return 0;
	}
	if (f->wt != WT_LEN) {
		want(p, d, f, WT_VARINT, field);
		return -1;
	}
	r = f->sub;
	while (r.p < r.end) {
		const uint8_t *at = r.p;
		uint64_t v;

		if (rd_varint(&r, &v) != 0) {
			perr(p, d, at, "malformed varint in the packed %s", field);
			return -1;
		}
		push(ctx, v);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Messages */

static int
dec_valuetype(struct gx_pprof *p, struct gx_diag *d, struct rd r, struct valuetype *vt)
{
	struct field f;

	memset(vt, 0, sizeof(*vt));
	while (r.p < r.end) {
		if (rd_field(p, d, &r, "ValueType", &f) != 0)
			return -1;
		if (f.num == 1 && want_scalar(p, d, &f, "ValueType.type"))
			vt->type = (int64_t)f.v;
		else if (f.num == 2 && want_scalar(p, d, &f, "ValueType.unit"))
			vt->unit = (int64_t)f.v;
	}
	return 0;
}

static void
dec_mapping(struct gx_pprof *p, struct gx_diag *d, struct rd r)
{
	struct mapping m;
	struct field f;

	memset(&m, 0, sizeof(m));
	while (r.p < r.end) {
		if (rd_field(p, d, &r, "Mapping", &f) != 0)
			return;
		if (f.num > 6 || !want_scalar(p, d, &f, "a Mapping field"))
			continue;
		switch (f.num) {
		case 1: m.id = f.v; break;
		case 2: m.start = f.v; break;
		case 3: m.limit = f.v; break;
		case 4: m.file_offset = f.v; break;
		case 5: m.filename = (int64_t)f.v; break;
		case 6: m.build_id = (int64_t)f.v; break;
		}
	}
	if (full(p, d, p->nmappings, "mappings", r.p))
		return;
	gx_grow(&p->mappings, &p->capmappings, p->nmappings + 1, sizeof(*p->mappings));
	p->mappings[p->nmappings++] = m;
}

static void
dec_function(struct gx_pprof *p, struct gx_diag *d, struct rd r, const uint8_t *at)
{
	struct function fn;
	struct field f;

	memset(&fn, 0, sizeof(fn));
	fn.offset = off(p, at);
	while (r.p < r.end) {
		if (rd_field(p, d, &r, "Function", &f) != 0)
			return;
		if (f.num > 5 || !want_scalar(p, d, &f, "a Function field"))
			continue;
		switch (f.num) {
		case 1: fn.id = f.v; break;
		case 2: fn.name = (int64_t)f.v; break;
		case 3: fn.system_name = (int64_t)f.v; break;
		case 4: fn.filename = (int64_t)f.v; break;
		case 5: fn.start_line = (int64_t)f.v; break;
		}
	}
	if (full(p, d, p->nfuncs, "functions", at))
		return;
	gx_grow(&p->funcs, &p->capfuncs, p->nfuncs + 1, sizeof(*p->funcs));
	p->funcs[p->nfuncs++] = fn;
}

static void
dec_location(struct gx_pprof *p, struct gx_diag *d, struct rd r, const uint8_t *at)
{
	struct location loc;
	struct field f;
	size_t first = p->nlines;

	memset(&loc, 0, sizeof(loc));
	loc.offset = off(p, at);
	while (r.p < r.end) {
		if (rd_field(p, d, &r, "Location", &f) != 0) {
			p->nlines = first;
			return;
		}
		if (f.num == 4) {
			struct line ln;
			struct field g;
			struct rd s;

			if (!want(p, d, &f, WT_LEN, "Location.line"))
				continue;
			memset(&ln, 0, sizeof(ln));
			ln.offset = off(p, f.at);
			ln.function = UINT32_MAX;
			s = f.sub;
			while (s.p < s.end) {
				if (rd_field(p, d, &s, "Line", &g) != 0) {
					p->nlines = first;
					return;
				}
				if (g.num == 1 && want_scalar(p, d, &g, "Line.function_id"))
					ln.function_id = g.v;
				else if (g.num == 2 && want_scalar(p, d, &g, "Line.line"))
					ln.line = (int64_t)g.v;
			}
			if (full(p, d, p->nlines, "lines", f.at)) {
				p->nlines = first;
				return;
			}
			gx_grow(&p->lines, &p->caplines, p->nlines + 1, sizeof(*p->lines));
			p->lines[p->nlines++] = ln;
			continue;
		}
		if (f.num > 5 || !want_scalar(p, d, &f, "a Location field"))
			continue;
		switch (f.num) {
		case 1: loc.id = f.v; break;
		case 2: loc.mapping_id = f.v; break;
		case 3: loc.address = f.v; break;
		}
	}
	loc.first_line = first;
	loc.nlines = p->nlines - first;
	if (full(p, d, p->nlocs, "locations", at)) {
		p->nlines = first;
		return;
	}
	gx_grow(&p->locs, &p->caplocs, p->nlocs + 1, sizeof(*p->locs));
	p->locs[p->nlocs++] = loc;
}

static void
push_comment(void *ctx, uint64_t v)
{
	struct gx_pprof *p = ctx;

	if (p->ncomments >= 4096)
		return;
	gx_grow(&p->comments, &p->capcomments, p->ncomments + 1, sizeof(*p->comments));
	p->comments[p->ncomments++] = (int64_t)v;
}

static void
dec_profile(struct gx_pprof *p, struct gx_diag *d)
{
	struct rd r = { p->data, p->data + p->len };
	struct field f;

	while (r.p < r.end) {
		if (rd_field(p, d, &r, "Profile", &f) != 0) {
			p->damaged = true;
			return;
		}
		switch (f.num) {
		case 1:
			if (want(p, d, &f, WT_LEN, "Profile.sample_type")) {
				struct valuetype vt;

				if (dec_valuetype(p, d, f.sub, &vt) == 0) {
					if (p->nstypes >= 64)
						break; /* Go writes one or two */
					gx_grow(&p->stypes, &p->capstypes, p->nstypes + 1, sizeof(*p->stypes));
					p->stypes[p->nstypes++] = vt;
				}
			}
			break;
		case 2:
			if (want(p, d, &f, WT_LEN, "Profile.sample")) {
				if (full(p, d, p->nsamples, "samples", f.at))
					break;
				gx_grow(&p->samples, &p->capsamples, p->nsamples + 1, sizeof(*p->samples));
				p->samples[p->nsamples].off = (size_t)(f.sub.p - p->data);
				p->samples[p->nsamples].len = (size_t)(f.sub.end - f.sub.p);
				p->nsamples++;
			}
			break;
		case 3:
			if (want(p, d, &f, WT_LEN, "Profile.mapping"))
				dec_mapping(p, d, f.sub);
			break;
		case 4:
			if (want(p, d, &f, WT_LEN, "Profile.location"))
				dec_location(p, d, f.sub, f.at);
			break;
		case 5:
			if (want(p, d, &f, WT_LEN, "Profile.function"))
				dec_function(p, d, f.sub, f.at);
			break;
		case 6:
			if (want(p, d, &f, WT_LEN, "Profile.string_table")) {
				if (full(p, d, p->nstrings, "strings", f.at))
					break;
				gx_grow(&p->strings, &p->capstrings, p->nstrings + 1, sizeof(*p->strings));
				p->strings[p->nstrings].p = (const char *)f.sub.p;
				p->strings[p->nstrings].n = (size_t)(f.sub.end - f.sub.p);
				p->nstrings++;
			}
			break;
		case 7:
			if (want_scalar(p, d, &f, "Profile.drop_frames"))
				p->drop_frames = (int64_t)f.v;
			break;
		case 8:
			if (want_scalar(p, d, &f, "Profile.keep_frames"))
				p->keep_frames = (int64_t)f.v;
			break;
		case 9:
			if (want_scalar(p, d, &f, "Profile.time_nanos"))
				p->time_nanos = (int64_t)f.v;
			break;
		case 10:
			if (want_scalar(p, d, &f, "Profile.duration_nanos"))
				p->duration_nanos = (int64_t)f.v;
			break;
		case 11:
			if (want(p, d, &f, WT_LEN, "Profile.period_type"))
				dec_valuetype(p, d, f.sub, &p->period_type);
			break;
		case 12:
			if (want_scalar(p, d, &f, "Profile.period"))
				p->period = (int64_t)f.v;
			break;
		case 13:
			repeated(p, d, &f, "Profile.comment", push_comment, p);
			break;
		case 14:
			if (want_scalar(p, d, &f, "Profile.default_sample_type"))
				p->default_sample_type = (int64_t)f.v;
			break;
		default:
			break; /* unknown or unused: skipped by its wire type */
		}
	}
}

/* ------------------------------------------------------------------ */
/* Ids */

static int
cmp_idx(const void *a, const void *b)
{
	const struct idx *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/* Sorted (id, index) pairs; later duplicates of an id are reported and
 * left out. */
static struct idx *
build_index(struct gx_pprof *p, struct gx_diag *d, size_t n, uint64_t (*id_of)(const struct gx_pprof *, size_t),
            uint64_t (*off_of)(const struct gx_pprof *, size_t), const char *what, size_t *out_n)
{
	struct idx *v = xcalloc(n + 1, sizeof(*v));
	size_t i, k = 0;
	uint64_t dups = 0;

	for (i = 0; i < n; i++) {
		v[i].id = id_of(p, i);
		v[i].i = (uint32_t)i;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_idx);
	for (i = 0; i < n; i++) {
		if (v[i].id == 0) {
			if (dups++ < REPORT_MAX)
				gx_diag_add(d, GX_WARNING, p->name, GX_NOWHERE, off_of(p, v[i].i),
				            "%s without an id (0); nothing can refer to it", what);
			continue;
		}
		if (k > 0 && v[k - 1].id == v[i].id) {
			if (dups++ < REPORT_MAX)
				gx_diag_add(d, GX_WARNING, p->name, GX_NOWHERE, off_of(p, v[i].i),
				            "%s id %llu was used before (byte %llu); the first one is used",
				            what, (unsigned long long)v[i].id,
				            (unsigned long long)off_of(p, v[k - 1].i));
			continue;
		}
		v[k++] = v[i];
	}
	if (dups > REPORT_MAX)
		gx_diag_add(d, GX_WARNING, p->name, GX_NOWHERE, GX_NOWHERE,
		            "%llu more %s ids were 0 or repeated", (unsigned long long)(dups - REPORT_MAX),
		            what);
	*out_n = k;
	return v;
}

static uint32_t
find_id(const struct idx *v, size_t n, uint64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].id == id ? v[lo].i : UINT32_MAX;
}

static uint64_t loc_id(const struct gx_pprof *p, size_t i) { return p->locs[i].id; }
static uint64_t loc_off(const struct gx_pprof *p, size_t i) { return p->locs[i].offset; }
static uint64_t func_id(const struct gx_pprof *p, size_t i) { return p->funcs[i].id; }
static uint64_t func_off(const struct gx_pprof *p, size_t i) { return p->funcs[i].offset; }
static uint64_t map_id(const struct gx_pprof *p, size_t i) { return p->mappings[i].id; }
static uint64_t map_off(const struct gx_pprof *p, size_t i) { (void)p; (void)i; return GX_NOWHERE; }

static void
resolve(struct gx_pprof *p, struct gx_diag *d)
{
	size_t nf, nm, i;

	p->loc_ix = build_index(p, d, p->nlocs, loc_id, loc_off, "location", &p->nloc_ix);
	p->func_ix = build_index(p, d, p->nfuncs, func_id, func_off, "function", &nf);
	p->map_ix = build_index(p, d, p->nmappings, map_id, map_off, "mapping", &nm);
	for (i = 0; i < p->nlines; i++) {
		struct line *ln = &p->lines[i];

		if (ln->function_id == 0)
			continue;
		ln->function = find_id(p->func_ix, nf, ln->function_id);
		if (ln->function == UINT32_MAX)
			pwarn(p, d, &p->missing_func, ln->offset,
			      "a location's line refers to function id %llu, which the profile does not have",
			      (unsigned long long)ln->function_id);
	}
	for (i = 0; i < p->nlocs; i++) {
		const struct location *l = &p->locs[i];

		if (l->mapping_id != 0 && find_id(p->map_ix, nm, l->mapping_id) == UINT32_MAX)
			pwarn(p, d, &p->missing_map, l->offset,
			      "location %llu refers to mapping id %llu, which the profile does not have",
			      (unsigned long long)l->id, (unsigned long long)l->mapping_id);
	}
	if (p->missing_func.n > REPORT_MAX)
		gx_diag_add(d, GX_WARNING, p->name, GX_NOWHERE, GX_NOWHERE,
		            "%llu more references to missing functions",
		            (unsigned long long)(p->missing_func.n - REPORT_MAX));
	if (p->missing_map.n > REPORT_MAX)
		gx_diag_add(d, GX_WARNING, p->name, GX_NOWHERE, GX_NOWHERE,
		            "%llu more references to missing mappings",
		            (unsigned long long)(p->missing_map.n - REPORT_MAX));
}

/* ------------------------------------------------------------------ */
/* Public */

struct gx_pprof *
gx_pprof_parse(const void *data, size_t len, const char *name, struct gx_diag *d)
{
	struct gx_pprof *p = xcalloc(1, sizeof(*p));

	p->data = data;
	p->len = len;
	p->name = name;
	if (len == 0) {
		gx_diag_add(d, GX_ERROR, name, GX_NOWHERE, 0, "empty profile");
		p->damaged = true;
		return p;
	}
	dec_profile(p, d);
	if (p->nstrings > 0 && p->strings[0].n != 0)
		gx_diag_add(d, GX_WARNING, name, GX_NOWHERE, GX_NOWHERE,
		            "the string table does not begin with the empty string");
	resolve(p, d);
	return p;
}

void
gx_pprof_free(struct gx_pprof *p)
{
	if (p == NULL)
		return;
	free(p->strings);
	free(p->stypes);
	free(p->comments);
	free(p->mappings);
	free(p->locs);
	free(p->lines);
	free(p->funcs);
	free(p->samples);
	free(p->loc_ix);
	free(p->func_ix);
	free(p->map_ix);
	free(p->sloc);
	free(p->svals);
	free(p->slab);
	free(p->frames);
	free(p->labels);
	free(p);
}

const char *
gx_pprof_string(const struct gx_pprof *p, int64_t idx, size_t *len)
{
	if (idx < 0 || (uint64_t)idx >= p->nstrings) {
		*len = 0;
		return "";
	}
	*len = p->strings[idx].n;
	return p->strings[idx].n ? p->strings[idx].p : "";
}

/* A string index from the input: out of range is reported. */
static struct sv
string_at(struct gx_pprof *p, struct gx_diag *d, int64_t idx, uint64_t at, const char *what)
{
	struct sv s;

	if (idx < 0 || (uint64_t)idx >= p->nstrings) {
		pwarn(p, d, &p->bad_string, at,
		      "%s refers to string %lld; the string table has %zu strings", what,
		      (long long)idx, p->nstrings);
		s.p = "";
		s.n = 0;
		return s;
	}
	s = p->strings[idx];
	if (s.n == 0)
		s.p = "";
	return s;
}

void
gx_pprof_get_stats(const struct gx_pprof *p, struct gx_pprof_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->samples = p->nsamples;
	st->locations = p->nlocs;
	st->functions = p->nfuncs;
	st->mappings = p->nmappings;
	st->strings = p->nstrings;
	st->sample_types = p->nstypes;
	st->damaged = p->damaged;
}

bool
gx_pprof_sample_type(const struct gx_pprof *p, size_t i, const char **type, size_t *type_len,
                     const char **unit, size_t *unit_len)
{
	if (i >= p->nstypes)
		return false;
	*type = gx_pprof_string(p, p->stypes[i].type, type_len);
	*unit = gx_pprof_string(p, p->stypes[i].unit, unit_len);
	return true;
}

static bool
sv_is(const char *s, size_t n, const char *lit)
{
	return n == strlen(lit) && memcmp(s, lit, n) == 0;
}

enum gx_profile_kind
gx_pprof_kind(const struct gx_pprof *p)
{
	const char *t, *u, *t2, *u2;
	size_t tn, un, tn2, un2;

	if (!gx_pprof_sample_type(p, 0, &t, &tn, &u, &un))
		return GX_PROFILE_NONE;
	if (p->nstypes == 1 && sv_is(u, un, "count")) {
		if (sv_is(t, tn, "goroutine"))
			return GX_PROFILE_GOROUTINE;
		if (sv_is(t, tn, "goroutineleak"))
			return GX_PROFILE_GOROUTINELEAK;
		if (sv_is(t, tn, "threadcreate"))
			return GX_PROFILE_THREADCREATE;
		return GX_PROFILE_NONE;
	}
	if (p->nstypes == 2 && gx_pprof_sample_type(p, 1, &t2, &tn2, &u2, &un2) &&
	    sv_is(t, tn, "contentions") && sv_is(u, un, "count") && sv_is(t2, tn2, "delay") &&
	    sv_is(u2, un2, "nanoseconds"))
		return GX_PROFILE_CONTENTION;
	return GX_PROFILE_NONE;
}

const char *
gx_profile_kind_name(enum gx_profile_kind k)
{
	switch (k) {
	case GX_PROFILE_GOROUTINE: return "goroutine";
	case GX_PROFILE_GOROUTINELEAK: return "goroutineleak";
	case GX_PROFILE_THREADCREATE: return "threadcreate";
	case GX_PROFILE_MUTEX: return "mutex";
	case GX_PROFILE_BLOCK: return "block";
	case GX_PROFILE_CONTENTION: return "contention";
	case GX_PROFILE_NONE:
	case GX_PROFILE_KIND_COUNT:
		break;
	}
	return "";
}

struct sample_ctx {
	struct gx_pprof *p;
	size_t nloc, nvals, nlab;
	bool too_deep;
};

static void
push_loc(void *ctx, uint64_t v)
{
	struct sample_ctx *c = ctx;

	if (c->nloc >= GX_PPROF_MAX_DEPTH) {
		c->too_deep = true;
		return;
	}
	gx_grow(&c->p->sloc, &c->p->capsloc, c->nloc + 1, sizeof(*c->p->sloc));
	c->p->sloc[c->nloc++] = v;
}

static void
push_val(void *ctx, uint64_t v)
{
	struct sample_ctx *c = ctx;

	if (c->nvals >= 4096)
		return; /* Go writes one or two; more are useless and unbounded */
	gx_grow(&c->p->svals, &c->p->capsvals, c->nvals + 1, sizeof(*c->p->svals));
	c->p->svals[c->nvals++] = (int64_t)v;
}

/* Decode sample i into the scratch arrays. 0 ok, -1 malformed. */
static int
dec_sample(struct gx_pprof *p, struct gx_diag *d, size_t i, struct sample_ctx *c)
{
	struct rd r = { p->data + p->samples[i].off, p->data + p->samples[i].off + p->samples[i].len };
	struct field f, g;

	c->nloc = c->nvals = c->nlab = 0;
	c->too_deep = false;
	while (r.p < r.end) {
		if (rd_field(p, d, &r, "Sample", &f) != 0)
			return -1;
		switch (f.num) {
		case 1:
			if (repeated(p, d, &f, "Sample.location_id", push_loc, c) != 0)
				return -1;
			break;
		case 2:
			if (repeated(p, d, &f, "Sample.value", push_val, c) != 0)
				return -1;
			break;
		case 3: {
			struct rd s;

			if (!want(p, d, &f, WT_LEN, "Sample.label"))
				break;
			if (c->nlab >= 4096)
				break; /* labels beyond any real label set */
			gx_grow(&p->slab, &p->capslab, c->nlab + 1, sizeof(*p->slab));
			memset(&p->slab[c->nlab], 0, sizeof(p->slab[c->nlab]));
			s = f.sub;
			while (s.p < s.end) {
				if (rd_field(p, d, &s, "Label", &g) != 0)
					return -1;
				if (g.num < 1 || g.num > 4 || !want_scalar(p, d, &g, "a Label field"))
					continue;
				switch (g.num) {
				case 1: p->slab[c->nlab].key = (int64_t)g.v; break;
				case 2: p->slab[c->nlab].str = (int64_t)g.v; break;
				case 3: p->slab[c->nlab].num = (int64_t)g.v; break;
				case 4: p->slab[c->nlab].unit = (int64_t)g.v; break;
				}
			}
			c->nlab++;
			break;
		}
		default:
			break;
		}
	}
	return 0;
}

size_t
gx_pprof_samples(struct gx_pprof *p, gx_pprof_sample_fn fn, void *ctx, struct gx_diag *d)
{
	struct sample_ctx c;
	size_t i, done = 0;

	memset(&c, 0, sizeof(c));
	c.p = p;
	for (i = 0; i < p->nsamples; i++) {
		struct gx_pprof_sample s;
		uint64_t at = p->samples[i].off;
		size_t k, nframes = 0;

		if (dec_sample(p, d, i, &c) != 0) {
			p->bad_sample.n++;
			continue;
		}
		if (c.nvals != p->nstypes)
			gx_diag_add(d, GX_WARNING, p->name, GX_NOWHERE, at,
			            "sample with %zu values for %zu sample types", c.nvals, p->nstypes);
		while (c.nvals < p->nstypes)
			push_val(&c, 0);
		for (k = 0; k < c.nloc; k++) {
			uint32_t li = find_id(p->loc_ix, p->nloc_ix, p->sloc[k]);
			const struct location *l;
			size_t j;

			if (li == UINT32_MAX) {
				pwarn(p, d, &p->missing_loc, at,
				      "sample refers to location id %llu, which the profile does not have",
				      (unsigned long long)p->sloc[k]);
				continue;
			}
			l = &p->locs[li];
			if (nframes + (l->nlines ? l->nlines : 1) > GX_PPROF_MAX_DEPTH) {
				c.too_deep = true;
				break;
			}
			gx_grow(&p->frames, &p->capframes, nframes + l->nlines + 1, sizeof(*p->frames));
			if (l->nlines == 0) {
				struct gx_pprof_frame *fr = &p->frames[nframes++];

				memset(fr, 0, sizeof(*fr));
				fr->func = fr->file = "";
				fr->address = l->address;
				continue;
			}
			for (j = 0; j < l->nlines; j++) {
				const struct line *ln = &p->lines[l->first_line + j];
				struct gx_pprof_frame *fr = &p->frames[nframes++];
				struct sv name = { "", 0 }, file = { "", 0 };

				if (ln->function != UINT32_MAX) {
					const struct function *fun = &p->funcs[ln->function];

					name = string_at(p, d, fun->name, fun->offset, "a function's name");
					if (name.n == 0)
						name = string_at(p, d, fun->system_name, fun->offset,
						                 "a function's system name");
					file = string_at(p, d, fun->filename, fun->offset, "a function's file name");
				}
				fr->func = name.p;
				fr->func_len = name.n;
				fr->file = file.p;
				fr->file_len = file.n;
				fr->line = ln->line;
				fr->address = l->address;
				fr->inlined = j + 1 < l->nlines;
			}
		}
		if (c.too_deep)
			gx_diag_add(d, GX_WARNING, p->name, GX_NOWHERE, at,
			            "sample with more than %d frames; the outer ones are left out",
			            GX_PPROF_MAX_DEPTH);
		gx_grow(&p->labels, &p->caplabels, c.nlab + 1, sizeof(*p->labels));
		for (k = 0; k < c.nlab; k++) {
			struct gx_pprof_label *lb = &p->labels[k];
			struct sv key = string_at(p, d, p->slab[k].key, at, "a label's key");
			struct sv str = string_at(p, d, p->slab[k].str, at, "a label's value");
			struct sv unit = string_at(p, d, p->slab[k].unit, at, "a label's unit");

			lb->key = key.p;
			lb->key_len = key.n;
			lb->str = str.p;
			lb->str_len = str.n;
			lb->num = p->slab[k].num;
			lb->unit = unit.p;
			lb->unit_len = unit.n;
		}
		memset(&s, 0, sizeof(s));
		s.index = i;
		s.offset = at;
		s.values = p->svals;
		s.nvalues = c.nvals;
		s.frames = p->frames;
		s.nframes = nframes;
		s.labels = p->labels;
		s.nlabels = c.nlab;
		done++;
		if (fn != NULL && fn(ctx, &s) != 0)
			break;
	}
	if (p->bad_sample.n > 0)
		gx_diag_add(d, GX_WARNING, p->name, GX_NOWHERE, GX_NOWHERE,
		            "%llu malformed samples were left out", (unsigned long long)p->bad_sample.n);
	if (p->missing_loc.n > REPORT_MAX)
		gx_diag_add(d, GX_WARNING, p->name, GX_NOWHERE, GX_NOWHERE,
		            "%llu more references to missing locations",
		            (unsigned long long)(p->missing_loc.n - REPORT_MAX));
	if (p->bad_string.n > REPORT_MAX)
		gx_diag_add(d, GX_WARNING, p->name, GX_NOWHERE, GX_NOWHERE,
		            "%llu more string indexes out of range",
		            (unsigned long long)(p->bad_string.n - REPORT_MAX));
	p->missing_loc.n = p->bad_string.n = p->bad_sample.n = 0;
	return done;
}

/* ------------------------------------------------------------------ */
/* Labels as Go prints them */

/* Length of the valid UTF-8 sequence at s[0..n) and its code point; 0
 * when s[0] does not begin one. */
static size_t
utf8_dec(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t k, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		k = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		k = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		k = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < k)
		return 0;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return k;
}

/* Code points strconv.Quote escapes although they are valid: controls,
 * format characters, private use, noncharacters (an approximation of
 * unicode.IsPrint that covers what matters for a terminal). */
static bool
go_unprintable(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0xad ||
	       (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e) ||
	       (c >= 0x2060 && c <= 0x206f) || c == 0xfeff || (c >= 0xfff9 && c <= 0xfffb) ||
	       (c >= 0xe000 && c <= 0xf8ff) || (c & 0xfffe) == 0xfffe || c >= 0xf0000;
}

/* s quoted like Go's %q (strconv.Quote). */
static void
go_quote(struct gx_buf *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	gx_buf_putc(out, '"');
	while (i < n) {
		uint32_t c;
		size_t k = utf8_dec(u + i, n - i, &c);

		if (k == 0) {
			gx_buf_printf(out, "\\x%02x", u[i]);
			i++;
			continue;
		}
		i += k;
		switch (c) {
		case '"': gx_buf_puts(out, "\\\""); continue;
		case '\\': gx_buf_puts(out, "\\\\"); continue;
		case '\a': gx_buf_puts(out, "\\a"); continue;
		case '\b': gx_buf_puts(out, "\\b"); continue;
		case '\f': gx_buf_puts(out, "\\f"); continue;
		case '\n': gx_buf_puts(out, "\\n"); continue;
		case '\r': gx_buf_puts(out, "\\r"); continue;
		case '\t': gx_buf_puts(out, "\\t"); continue;
		case '\v': gx_buf_puts(out, "\\v"); continue;
		default: break;
		}
		if (!go_unprintable(c))
			gx_buf_append(out, u + i - k, k);
		else if (c < 0x80)
			gx_buf_printf(out, "\\x%02x", (unsigned)c);
		else if (c <= 0xffff)
			gx_buf_printf(out, "\\u%04x", (unsigned)c);
		else
			gx_buf_printf(out, "\\U%08x", (unsigned)c);
	}
	gx_buf_putc(out, '"');
}

static int
cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
gx_pprof_format_labels(struct gx_buf *out, const struct gx_pprof_label *v, size_t n)
{
	char **pairs;
	struct gx_buf one = { 0 };
	size_t i;

	if (n == 0)
		return;
	pairs = xcalloc(n, sizeof(*pairs));
	for (i = 0; i < n; i++) {
		gx_buf_reset(&one);
		go_quote(&one, v[i].key, v[i].key_len);
		gx_buf_putc(&one, ':');
		if (v[i].str_len == 0 && v[i].num != 0)
			gx_buf_printf(&one, "%lld", (long long)v[i].num);
		else
			go_quote(&one, v[i].str, v[i].str_len);
		pairs[i] = gx_buf_take(&one);
	}
	/* Go sorts the "key":"value" texts (label.go, labelMap.String). A
	 * NUL inside a key would cut the comparison short; %q has escaped
	 * every NUL to \x00 already. */
	if (n > 1)
		qsort(pairs, n, sizeof(*pairs), cmp_cstr);
	gx_buf_putc(out, '{');
	for (i = 0; i < n; i++) {
		if (i > 0)
			gx_buf_puts(out, ", ");
		gx_buf_puts(out, pairs[i]);
		free(pairs[i]);
	}
	gx_buf_putc(out, '}');
	free(pairs);
	gx_buf_free(&one);
}

/* ------------------------------------------------------------------ */
/* The loader */

struct pload {
	struct gx_builder *b;
	struct gx_diag *d;
	const char *name;
	enum gx_profile_kind kind;
	uint32_t *ids;
	size_t capids;
	uint64_t next;
	struct gx_buf lab;
	uint64_t unlock_leaves, other_leaves;
	struct tally neg, big;
};

/* The innermost function of a mutex profile's stack is the unlock that
 * handed the lock on: sync.(*Mutex).Unlock, (*RWMutex).RUnlock,
 * runtime.unlock, runtime._LostContendedRuntimeLock. */
static bool
is_unlock(const char *f, size_t n)
{
	size_t i = n;

	while (i > 0 && f[i - 1] != '.')
		i--;
	f += i;
	n -= i;
	return (n >= 6 && memcmp(f, "Unlock", 6) == 0) || (n >= 7 && memcmp(f, "RUnlock", 7) == 0) ||
	       (n >= 6 && memcmp(f, "unlock", 6) == 0) ||
	       sv_is(f, n, "_LostContendedRuntimeLock");
}

static int
pload_one(void *ctx, const struct gx_pprof_sample *s)
{
	struct pload *l = ctx;
	struct gx_goroutine_rec g;
	struct gx_span_rec sp;
	size_t i;
	uint32_t gi;
	int64_t v0 = s->nvalues > 0 ? s->values[0] : 0;
	int64_t v1 = s->nvalues > 1 ? s->values[1] : 0;

	gx_grow(&l->ids, &l->capids, s->nframes + 1, sizeof(*l->ids));
	for (i = 0; i < s->nframes; i++) {
		const struct gx_pprof_frame *f = &s->frames[i];
		struct gx_frame_rec fr;

		memset(&fr, 0, sizeof(fr));
		fr.func = f->func_len ? gx_builder_str(l->b, f->func, f->func_len) : 0;
		fr.file = f->file_len ? gx_builder_str(l->b, f->file, f->file_len) : 0;
		fr.line = f->line < 0 ? 0 : f->line > UINT32_MAX ? UINT32_MAX : (uint32_t)f->line;
		fr.pc = f->address;
		if (f->func_len > 0 && gx_func_is_runtime(f->func, f->func_len))
			fr.flags |= GX_FRAME_RUNTIME;
		if (f->inlined)
			fr.flags |= GX_FRAME_INLINED;
		l->ids[i] = gx_builder_frame(l->b, &fr);
	}
	memset(&g, 0, sizeof(g));
	g.id = GX_SYNTH_ID_BASE + ++l->next;
	g.created_ns = GX_TIME_NONE;
	g.ended_ns = GX_TIME_NONE;
	g.wait_since_ns = GX_TIME_NONE;
	g.stack = s->nframes > 0 ? gx_builder_stack(l->b, l->ids, s->nframes) : 0;
	for (i = s->nframes; i > 0; i--) {
		const struct gx_pprof_frame *f = &s->frames[i - 1];

		if (f->func_len == 0)
			break;
		if (sv_is(f->func, f->func_len, "runtime.goexit"))
			continue;
		g.start_func = gx_builder_str(l->b, f->func, f->func_len);
		break;
	}
	if (s->nlabels > 0) {
		gx_buf_reset(&l->lab);
		gx_pprof_format_labels(&l->lab, s->labels, s->nlabels);
		g.labels = gx_builder_str(l->b, l->lab.data, l->lab.len);
	}
	g.flags = GX_G_SYNTH_ID;
	g.state = GX_G_UNKNOWN;
	if (v0 < 0 || v1 < 0) {
		if (l->neg.n++ < REPORT_MAX)
			gx_diag_add(l->d, GX_WARNING, l->name, GX_NOWHERE, s->offset,
			            "sample with a negative value (%lld, %lld); taken as 0", (long long)v0,
			            (long long)v1);
		if (v0 < 0)
			v0 = 0;
		if (v1 < 0)
			v1 = 0;
	}
	if (l->kind == GX_PROFILE_CONTENTION) {
		g.contentions = (uint64_t)v0;
		g.delay_ns = v1;
		if (s->nframes > 0 && s->frames[0].func_len > 0) {
			if (is_unlock(s->frames[0].func, s->frames[0].func_len))
				l->unlock_leaves++;
			else
				l->other_leaves++;
		}
	} else {
		if (v0 > (int64_t)UINT32_MAX) {
			if (l->big.n++ < REPORT_MAX)
				gx_diag_add(l->d, GX_WARNING, l->name, GX_NOWHERE, s->offset,
				            "sample count %lld does not fit; taken as %lu", (long long)v0,
				            (unsigned long)UINT32_MAX);
			v0 = UINT32_MAX;
		}
		g.count = (uint32_t)v0;
		if (l->kind == GX_PROFILE_GOROUTINELEAK) {
			g.state = GX_G_WAITING;
			g.flags |= GX_G_LEAKED;
		}
	}
	gi = gx_builder_goroutine(l->b, &g);
	memset(&sp, 0, sizeof(sp));
	sp.g = gi;
	sp.state = g.state;
	sp.stack = g.stack;
	gx_builder_span(l->b, &sp);
	return 0;
}

int
gx_pprof_load(struct gx_input *in, struct gx_builder *b, struct gx_diag *d)
{
	struct gx_store_meta *meta;
	struct gx_pprof *p;
	struct pload l;
	const char *name = gx_input_name(in);
	size_t len = 0, errors0 = d->errors, n0;
	char *data;
	int rc = 0;

	data = gx_input_slurp(in, &len, d);
	if (data == NULL)
		return -1;
	n0 = d->n;
	p = gx_pprof_parse(data, len, name, d);
	memset(&l, 0, sizeof(l));
	l.b = b;
	l.d = d;
	l.name = name;
	l.kind = gx_pprof_kind(p);
	if (l.kind == GX_PROFILE_NONE) {
		const char *t = "", *u = "";
		size_t tn = 0, un = 0;

		if (!gx_pprof_sample_type(p, 0, &t, &tn, &u, &un))
			gx_diag_add(d, GX_ERROR, name, GX_NOWHERE, GX_NOWHERE,
			            "the profile has no sample type: cannot tell which profile it is");
		else
			gx_diag_add(d, GX_ERROR, name, GX_NOWHERE, GX_NOWHERE,
			            "a %.*s/%.*s profile (%zu sample types) has no goroutine stacks; gotrex "
			            "reads goroutine, goroutineleak, threadcreate, mutex and block profiles",
			            (int)(tn > 64 ? 64 : tn), t, (int)(un > 64 ? 64 : un), u,
			            p->nstypes);
		rc = -1;
	} else {
		gx_pprof_samples(p, pload_one, &l, d);
		if (l.neg.n > REPORT_MAX)
			gx_diag_add(d, GX_WARNING, name, GX_NOWHERE, GX_NOWHERE,
			            "%llu more samples with negative values",
			            (unsigned long long)(l.neg.n - REPORT_MAX));
		if (l.kind == GX_PROFILE_CONTENTION && l.unlock_leaves + l.other_leaves > 0) {
			if (l.other_leaves == 0)
				l.kind = GX_PROFILE_MUTEX;
			else if (l.unlock_leaves == 0)
				l.kind = GX_PROFILE_BLOCK;
		}
		/* A damaged profile that still gave samples is usable. */
		if (l.next == 0 && d->errors > errors0)
			rc = -1;
	}
	if (gx_input_was_gzip(in)) {
		size_t i;

		for (i = n0; i < d->n && d->v[i].offset == GX_NOWHERE; i++)
			;
		if (i < d->n)
			gx_diag_add(d, GX_NOTE, name, GX_NOWHERE, GX_NOWHERE,
			            "the byte offsets count in the gunzipped profile");
	}
	meta = gx_builder_meta(b);
	meta->format = GX_FMT_PPROF_PROTO;
	meta->profile = l.kind;
	meta->start_ns = 0;
	meta->end_ns = 0;
	gx_pprof_free(p);
	gx_buf_free(&l.lab);
	free(l.ids);
	free(data);
	return rc;
}
