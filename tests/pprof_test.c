/* pprof: profile.proto decoding on real Go 1.26 profiles (tests/data/pprof,
 * written by pprofgen/main.go; every number expected below was read with
 * `go tool pprof -raw` / `-traces` from the same files, or from the debug=1
 * text Go wrote in the same run), and on hand-made protobufs for the wire
 * forms and damage Go does not write. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "gotrex/diag.h"
#include "gotrex/input.h"
#include "gotrex/load.h"
#include "gotrex/pprof.h"
#include "gotrex/store.h"
#include "gotrex/util.h"

#include "test_util.h"

/* ------------------------------------------------------------------ */
/* helpers */

/* The gunzipped bytes of a data file, through the input module. */
static char *
read_data(const char *name, size_t *len)
{
	struct gx_diag d = { 0 };
	char *path = data_file_path("pprof", name);
	struct gx_input *in = gx_input_open(path, &d);
	char *data;

	if (in == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(gx_input_format(in), GX_FMT_PPROF_PROTO);
	data = gx_input_slurp(in, len, &d);
	assert_non_null(data);
	assert_int_equal(d.n, 0);
	gx_input_close(in);
	free(path);
	return data;
}

#define MAXS 16
#define MAXF 16

struct fr {
	char func[128], file[128];
	int64_t line;
	uint64_t addr;
	bool inlined;
};

struct smp {
	int64_t v[2];
	size_t nv;
	struct fr f[MAXF];
	size_t nf;
	char labels[256];
};

struct got {
	struct smp s[MAXS];
	size_t n;
};

static void
copy_sv(char *dst, size_t cap, const char *p, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, p, n);
	dst[n] = '\0';
}

static int
collect(void *ctx, const struct gx_pprof_sample *s)
{
	struct got *g = ctx;
	struct smp *m;
	struct gx_buf b = { 0 };
	size_t i;

	if (g->n >= MAXS)
		return 0;
	m = &g->s[g->n++];
	memset(m, 0, sizeof(*m));
	for (i = 0; i < s->nvalues && i < 2; i++)
		m->v[i] = s->values[i];
	m->nv = s->nvalues;
	for (i = 0; i < s->nframes && i < MAXF; i++) {
		copy_sv(m->f[i].func, sizeof(m->f[i].func), s->frames[i].func, s->frames[i].func_len);
		copy_sv(m->f[i].file, sizeof(m->f[i].file), s->frames[i].file, s->frames[i].file_len);
		m->f[i].line = s->frames[i].line;
		m->f[i].addr = s->frames[i].address;
		m->f[i].inlined = s->frames[i].inlined;
	}
	m->nf = s->nframes;
	gx_pprof_format_labels(&b, s->labels, s->nlabels);
	if (b.data != NULL)
		copy_sv(m->labels, sizeof(m->labels), b.data, b.len);
	gx_buf_free(&b);
	return 0;
}

/* Decode bytes and collect every sample. */
static struct gx_pprof *
decode(const void *data, size_t len, struct got *g, struct gx_diag *d)
{
	struct gx_pprof *p = gx_pprof_parse(data, len, "t.pb", d);

	memset(g, 0, sizeof(*g));
	gx_pprof_samples(p, collect, g, d);
	return p;
}

static void
print_diag(const struct gx_diag *d)
{
	gx_diag_print(d, stderr);
}

/* ------------------------------------------------------------------ */
/* A small protobuf writer for hand-made profiles */

static void
pb_varint(struct gx_buf *b, uint64_t v)
{
	while (v >= 0x80) {
		gx_buf_putc(b, (char)(v | 0x80));
		v >>= 7;
	}
	gx_buf_putc(b, (char)v);
}

static void
pb_key(struct gx_buf *b, unsigned num, unsigned wt)
{
	pb_varint(b, ((uint64_t)num << 3) | wt);
}

static void
pb_uint(struct gx_buf *b, unsigned num, uint64_t v)
{
	pb_key(b, num, 0);
	pb_varint(b, v);
}

static void
pb_bytes(struct gx_buf *b, unsigned num, const void *p, size_t n)
{
	pb_key(b, num, 2);
	pb_varint(b, n);
	gx_buf_append(b, p, n);
}

static void
pb_msg(struct gx_buf *b, unsigned num, struct gx_buf *sub)
{
	pb_bytes(b, num, sub->data != NULL ? sub->data : "", sub->len);
	gx_buf_free(sub);
}

static void
pb_str(struct gx_buf *b, const char *s)
{
	pb_bytes(b, 6, s, strlen(s));
}

static void
pb_valuetype(struct gx_buf *b, unsigned num, uint64_t type, uint64_t unit)
{
	struct gx_buf m = { 0 };

	pb_uint(&m, 1, type);
	pb_uint(&m, 2, unit);
	pb_msg(b, num, &m);
}

/* Location id with one line per function id given (innermost first). */
static void
pb_location(struct gx_buf *b, uint64_t id, uint64_t addr, const uint64_t *fids, size_t n)
{
	struct gx_buf m = { 0 };
	size_t i;

	pb_uint(&m, 1, id);
	pb_uint(&m, 3, addr);
	for (i = 0; i < n; i++) {
		struct gx_buf l = { 0 };

		pb_uint(&l, 1, fids[i]);
		pb_uint(&l, 2, 10 + fids[i]);
		pb_msg(&m, 4, &l);
	}
	pb_msg(b, 4, &m);
}

static void
pb_function(struct gx_buf *b, uint64_t id, uint64_t name, uint64_t file)
{
	struct gx_buf m = { 0 };

	pb_uint(&m, 1, id);
	pb_uint(&m, 2, name);
	pb_uint(&m, 3, name);
	pb_uint(&m, 4, file);
	pb_msg(b, 5, &m);
}

/* strings: 0 "", 1 goroutine, 2 count, 3 main.a, 4 main.b, 5 a.go,
 * 6 contentions, 7 delay, 8 nanoseconds, 9 key, 10 value */
static void
pb_strings(struct gx_buf *b)
{
	static const char *const s[] = { "", "goroutine", "count", "main.a", "main.b", "a.go",
	                                  "contentions", "delay", "nanoseconds", "key", "value" };
	size_t i;

	for (i = 0; i < GX_ARRAY_SIZE(s); i++)
		pb_str(b, s[i]);
}

/* ------------------------------------------------------------------ */
/* Real profiles */

static void
test_goroutine_proto(void **state)
{
	struct gx_diag d = { 0 };
	struct got g;
	size_t len;
	char *data = read_data("goroutine.pb.gz", &len);
	struct gx_pprof *p = decode(data, len, &g, &d);
	struct gx_pprof_stats st;
	const char *t, *u;
	size_t tn, un;

	(void)state;
	print_diag(&d);
	assert_int_equal(d.n, 0);
	assert_int_equal(gx_pprof_kind(p), GX_PROFILE_GOROUTINE);
	assert_true(gx_pprof_sample_type(p, 0, &t, &tn, &u, &un));
	assert_int_equal(tn, 9);
	assert_memory_equal(t, "goroutine", 9);
	assert_int_equal(un, 5);
	assert_memory_equal(u, "count", 5);
	gx_pprof_get_stats(p, &st);
	assert_int_equal(st.locations, 17);
	assert_int_equal(st.mappings, 3);
	assert_false(st.damaged);
	/* go tool pprof -raw: 3: 1 2 3 4 / 2: 1 5 6 7 / 2: 1 2 3 8 (labels) /
	 * 1: 9..16 / 1: 1 2 3 17 (labels) */
	assert_int_equal(g.n, 5);
	assert_int_equal(g.s[0].v[0], 3);
	assert_int_equal(g.s[1].v[0], 2);
	assert_int_equal(g.s[2].v[0], 2);
	assert_int_equal(g.s[3].v[0], 1);
	assert_int_equal(g.s[4].v[0], 1);
	assert_int_equal(g.s[0].nv, 1);
	assert_int_equal(g.s[0].nf, 4);
	assert_string_equal(g.s[0].f[0].func, "runtime.gopark");
	assert_string_equal(g.s[0].f[0].file, "/usr/local/go/src/runtime/proc.go");
	assert_int_equal(g.s[0].f[0].line, 462);
	assert_int_equal(g.s[0].f[0].addr, 0x47ea0d);
	assert_string_equal(g.s[0].f[1].func, "runtime.chanrecv");
	assert_int_equal(g.s[0].f[1].line, 667);
	assert_string_equal(g.s[0].f[2].func, "runtime.chanrecv1");
	assert_string_equal(g.s[0].f[3].func, "main.blockedRecv");
	assert_string_equal(g.s[0].f[3].file, "/tmp/pprofgen/main.go");
	assert_int_equal(g.s[0].f[3].line, 33);
	assert_false(g.s[0].f[3].inlined);
	assert_string_equal(g.s[0].labels, "");
	assert_int_equal(g.s[3].nf, 8);
	assert_string_equal(g.s[3].f[7].func, "runtime.main");
	/* The same label sets as Go's own debug=1 text of this run prints
	 * them (goroutine-debug1.txt: "# labels: ..."). */
	assert_string_equal(g.s[2].labels, "{\"job\":\"ingest\", \"tenant\":\"ac\\\"me\"}");
	assert_string_equal(g.s[4].labels, "{\"job\":\"report\"}");
	gx_pprof_free(p);
	free(data);
	gx_diag_clear(&d);
}

static void
test_mutex_block_proto(void **state)
{
	struct gx_diag d = { 0 };
	struct got g;
	size_t len;
	char *data = read_data("mutex.pb.gz", &len);
	struct gx_pprof *p = decode(data, len, &g, &d);

	(void)state;
	assert_int_equal(d.n, 0);
	assert_int_equal(gx_pprof_kind(p), GX_PROFILE_CONTENTION);
	/* go tool pprof -raw: 1 54400193: 1 2 / 8 16905888: 3 4; location 1
	 * is sync.(*Mutex).Unlock inlined into main.holder */
	assert_int_equal(g.n, 2);
	assert_int_equal(g.s[0].nv, 2);
	assert_int_equal(g.s[0].v[0], 1);
	assert_int_equal(g.s[0].v[1], 54400193);
	assert_int_equal(g.s[1].v[0], 8);
	assert_int_equal(g.s[1].v[1], 16905888);
	assert_int_equal(g.s[0].nf, 3);
	assert_string_equal(g.s[0].f[0].func, "sync.(*Mutex).Unlock");
	assert_true(g.s[0].f[0].inlined);
	assert_int_equal(g.s[0].f[0].line, 65);
	assert_string_equal(g.s[0].f[1].func, "main.holder");
	assert_false(g.s[0].f[1].inlined);
	assert_int_equal(g.s[0].f[0].addr, g.s[0].f[1].addr);
	assert_string_equal(g.s[0].f[2].func, "main.main.gowrap2");
	gx_pprof_free(p);
	free(data);

	data = read_data("block.pb.gz", &len);
	p = decode(data, len, &g, &d);
	assert_int_equal(d.n, 0);
	assert_int_equal(gx_pprof_kind(p), GX_PROFILE_CONTENTION);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.s[0].v[0], 9);
	assert_int_equal(g.s[0].v[1], 70781906);
	assert_int_equal(g.s[1].v[0], 1);
	assert_int_equal(g.s[1].v[1], 29083516);
	assert_string_equal(g.s[1].f[0].func, "sync.(*WaitGroup).Wait");
	gx_pprof_free(p);
	free(data);
	gx_diag_clear(&d);
}

/* Through gx_load: the store holds what the header of pprof.h says. */
static struct gx_store *
load(const char *name, struct gx_diag *d)
{
	return data_file_load("pprof", name, d);
}

static void
test_load_goroutine(void **state)
{
	struct gx_diag d = { 0 };
	struct gx_store *s = load("goroutine.pb.gz", &d);
	const struct gx_goroutine_rec *g;
	const struct gx_frame_rec *f;
	uint64_t total = 0;
	size_t i, n;

	(void)state;
	assert_non_null(s);
	assert_int_equal(gx_store_meta(s)->format, GX_FMT_PPROF_PROTO);
	assert_int_equal(gx_store_meta(s)->profile, GX_PROFILE_GOROUTINE);
	assert_int_equal(gx_store_goroutine_count(s), 5);
	for (i = 0; i < 5; i++) {
		g = gx_store_goroutine(s, i);
		assert_int_equal(g->id, GX_SYNTH_ID_BASE + i + 1);
		assert_true(g->flags & GX_G_SYNTH_ID);
		assert_false(g->flags & GX_G_LEAKED);
		assert_int_equal(g->state, GX_G_UNKNOWN);
		assert_int_equal(g->reason, 0);
		assert_int_equal(g->contentions, 0);
		total += g->count;
	}
	assert_int_equal(total, 9); /* the sum of the sample values */
	g = gx_store_goroutine(s, 0);
	assert_int_equal(g->count, 3);
	assert_int_equal(gx_store_stack_depth(s, g->stack), 4);
	f = gx_store_stack_frame(s, g->stack, 0);
	assert_string_equal(gx_store_str(s, f->func, &n), "runtime.gopark");
	assert_true(f->flags & GX_FRAME_RUNTIME);
	assert_int_equal(f->pc, 0x47ea0d);
	f = gx_store_stack_frame(s, g->stack, 3);
	assert_string_equal(gx_store_str(s, f->func, &n), "main.blockedRecv");
	assert_false(f->flags & GX_FRAME_RUNTIME);
	assert_string_equal(gx_store_str(s, g->start_func, &n), "main.blockedRecv");
	g = gx_store_goroutine(s, 2);
	assert_string_equal(gx_store_str(s, g->labels, &n),
	                    "{\"job\":\"ingest\", \"tenant\":\"ac\\\"me\"}");
	gx_store_close(s);
	gx_diag_clear(&d);
}

static void
test_load_leak_and_contention(void **state)
{
	struct gx_diag d = { 0 };
	struct gx_store *s = load("goroutineleak.pb.gz", &d);
	const struct gx_goroutine_rec *g;
	uint64_t total = 0;
	size_t i;

	(void)state;
	assert_non_null(s);
	assert_int_equal(gx_store_meta(s)->profile, GX_PROFILE_GOROUTINELEAK);
	assert_int_equal(gx_store_goroutine_count(s), 4);
	for (i = 0; i < 4; i++) {
		g = gx_store_goroutine(s, i);
		assert_true(g->flags & GX_G_LEAKED);
		assert_int_equal(g->state, GX_G_WAITING);
		total += g->count;
	}
	assert_int_equal(total, 8); /* go tool pprof -raw: 3 + 2 + 2 + 1 */
	gx_store_close(s);

	s = load("mutex.pb.gz", &d);
	assert_non_null(s);
	assert_int_equal(gx_store_meta(s)->profile, GX_PROFILE_MUTEX); /* leaves are Unlocks */
	assert_int_equal(gx_store_goroutine_count(s), 2);
	g = gx_store_goroutine(s, 0);
	assert_int_equal(g->count, 0);
	assert_int_equal(g->contentions, 1);
	assert_int_equal(g->delay_ns, 54400193);
	assert_true(gx_store_stack_frame(s, g->stack, 0)->flags & GX_FRAME_INLINED);
	g = gx_store_goroutine(s, 1);
	assert_int_equal(g->contentions, 8);
	assert_int_equal(g->delay_ns, 16905888);
	gx_store_close(s);

	s = load("block.pb.gz", &d);
	assert_non_null(s);
	assert_int_equal(gx_store_meta(s)->profile, GX_PROFILE_BLOCK);
	g = gx_store_goroutine(s, 0);
	assert_int_equal(g->contentions, 9);
	assert_int_equal(g->delay_ns, 70781906);
	gx_store_close(s);
	print_diag(&d);
	assert_int_equal(d.errors, 0);
	gx_diag_clear(&d);
}

/* ------------------------------------------------------------------ */
/* Hand-made */

/* A goroutine profile: sample 1 (count 5) at main.a <- main.b with the
 * locations packed, sample 2 (count 7) with them unpacked. Locations
 * and functions after the samples, strings first: any order is valid. */
static void
make_goroutine(struct gx_buf *b, bool packed_first)
{
	struct gx_buf m = { 0 }, pk = { 0 };
	uint64_t fa = 1, fb = 2;

	pb_strings(b);
	pb_valuetype(b, 1, 1, 2);
	/* sample 1 */
	if (packed_first) {
		pb_varint(&pk, 10);
		pb_varint(&pk, 20);
		pb_msg(&m, 1, &pk);
	} else {
		pb_uint(&m, 1, 10);
		pb_uint(&m, 1, 20);
	}
	pb_uint(&m, 2, 5);
	pb_msg(b, 2, &m);
	/* sample 2, with a label */
	pb_uint(&m, 1, 10);
	pb_uint(&m, 1, 20);
	pb_varint(&pk, 7);
	pb_msg(&m, 2, &pk);
	{
		struct gx_buf l = { 0 };

		pb_uint(&l, 1, 9);
		pb_uint(&l, 2, 10);
		pb_msg(&m, 3, &l);
	}
	pb_msg(b, 2, &m);
	pb_location(b, 10, 0x1000, &fa, 1);
	pb_location(b, 20, 0x2000, &fb, 1);
	pb_function(b, 1, 3, 5);
	pb_function(b, 2, 4, 5);
}

static void
test_wire_forms(void **state)
{
	struct gx_buf b1 = { 0 }, b2 = { 0 };
	struct gx_diag d = { 0 };
	struct got g;
	struct gx_pprof *p;

	(void)state;
	make_goroutine(&b1, true);
	make_goroutine(&b2, false);
	p = decode(b1.data, b1.len, &g, &d);
	print_diag(&d);
	assert_int_equal(d.n, 0);
	assert_int_equal(gx_pprof_kind(p), GX_PROFILE_GOROUTINE);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.s[0].v[0], 5);
	assert_int_equal(g.s[1].v[0], 7);
	assert_int_equal(g.s[0].nf, 2);
	assert_string_equal(g.s[0].f[0].func, "main.a");
	assert_string_equal(g.s[0].f[0].file, "a.go");
	assert_int_equal(g.s[0].f[0].line, 11);
	assert_string_equal(g.s[0].f[1].func, "main.b");
	assert_int_equal(g.s[0].f[1].addr, 0x2000);
	assert_string_equal(g.s[1].labels, "{\"key\":\"value\"}");
	gx_pprof_free(p);
	p = decode(b2.data, b2.len, &g, &d);
	assert_int_equal(d.n, 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.s[0].v[0], 5);
	assert_int_equal(g.s[0].nf, 2);
	assert_string_equal(g.s[0].f[1].func, "main.b");
	gx_pprof_free(p);
	gx_buf_free(&b1);
	gx_buf_free(&b2);
}

static void
test_wrong_wire_type(void **state)
{
	struct gx_buf b = { 0 };
	struct gx_diag d = { 0 };
	struct got g;
	struct gx_pprof *p;
	size_t at;

	(void)state;
	make_goroutine(&b, true);
	at = b.len;
	pb_uint(&b, 2, 99); /* Profile.sample as a varint */
	p = decode(b.data, b.len, &g, &d);
	assert_int_equal(g.n, 2); /* reported and skipped; the rest is read */
	assert_int_equal(d.errors, 1);
	{
		char *msg = gx_diag_format(&d.v[0]);
		char *want = xasprintf("t.pb: byte %zu: error: expected a length-delimited field "
		                       "(wire type 2 (length-delimited)) for Profile.sample (field 2), "
		                       "found wire type 0 (varint); skipped", at);

		assert_string_equal(msg, want);
		free(msg);
		free(want);
	}
	gx_pprof_free(p);
	gx_buf_free(&b);
	gx_diag_clear(&d);
}

static void
test_bad_references(void **state)
{
	struct gx_buf b = { 0 }, m = { 0 };
	struct gx_diag d = { 0 };
	struct got g;
	struct gx_pprof *p;
	uint64_t fa = 1, missing = 77;

	(void)state;
	pb_strings(&b);
	pb_valuetype(&b, 1, 1, 2);
	pb_uint(&m, 1, 10);  /* ok */
	pb_uint(&m, 1, 555); /* no such location */
	pb_uint(&m, 1, 30);  /* location whose function is missing */
	pb_uint(&m, 2, 1);
	pb_msg(&b, 2, &m);
	pb_location(&b, 10, 0x1000, &fa, 1);
	pb_location(&b, 10, 0x9999, &fa, 1); /* duplicate id */
	pb_location(&b, 30, 0x3000, &missing, 1);
	pb_function(&b, 1, 1000, 5); /* name index out of range */
	p = decode(b.data, b.len, &g, &d);
	assert_int_equal(d.errors, 0);
	assert_true(diag_has(&d, "location id 10 was used before"));
	assert_true(diag_has(&d, "function id 77, which the profile does not have"));
	assert_true(diag_has(&d, "location id 555, which the profile does not have"));
	assert_true(diag_has(&d, "refers to string 1000; the string table has 11 strings"));
	assert_int_equal(g.n, 1);
	assert_int_equal(g.s[0].nf, 2);
	assert_string_equal(g.s[0].f[0].func, "");    /* name out of range */
	assert_string_equal(g.s[0].f[0].file, "a.go");
	assert_int_equal(g.s[0].f[0].addr, 0x1000);   /* the first location 10 */
	assert_string_equal(g.s[0].f[1].func, "");    /* function 77 is missing */
	assert_int_equal(g.s[0].f[1].addr, 0x3000);
	gx_pprof_free(p);
	gx_buf_free(&b);
	gx_diag_clear(&d);
}

static void
test_malformed(void **state)
{
	static const unsigned char overlong[] = { 0x12, 0x80, 0x80, 0x80, 0x80, 0x80,
	                                          0x80, 0x80, 0x80, 0x80, 0x80, 0x01 };
	static const unsigned char group[] = { 0x32, 0x00, 0x13 };
	static const unsigned char past[] = { 0x32, 0x00, 0x12, 0x05, 0x08 };
	static const unsigned char zero[] = { 0x00 };
	struct gx_diag d = { 0 };
	struct got g;
	struct gx_pprof *p;
	struct gx_pprof_stats st;

	(void)state;
	p = decode(overlong, sizeof(overlong), &g, &d);
	assert_true(diag_has(&d, "t.pb: byte 1: error: overlong length for Profile field 2"));
	gx_pprof_get_stats(p, &st);
	assert_true(st.damaged);
	gx_pprof_free(p);
	gx_diag_clear(&d);

	p = decode(group, sizeof(group), &g, &d);
	assert_true(diag_has(&d, "t.pb: byte 2: error: expected a field of wire type 0, 1, 2 or 5 "
	                         "in Profile, found wire type 3 (start group) (field 2)"));
	gx_pprof_free(p);
	gx_diag_clear(&d);

	p = decode(past, sizeof(past), &g, &d);
	assert_true(diag_has(&d, "t.pb: byte 3: error: length 5 of Profile field 2 runs past the "
	                         "end of its message (1 bytes left)"));
	gx_pprof_free(p);
	gx_diag_clear(&d);

	p = decode(zero, sizeof(zero), &g, &d);
	assert_true(diag_has(&d, "byte 0: error: expected a field key in Profile, found field number 0"));
	gx_pprof_free(p);
	gx_diag_clear(&d);

	p = decode("", 0, &g, &d);
	assert_true(diag_has(&d, "empty profile"));
	assert_int_equal(gx_pprof_kind(p), GX_PROFILE_NONE);
	gx_pprof_free(p);
	gx_diag_clear(&d);
}

static void
test_other_profile_refused(void **state)
{
	struct gx_buf b = { 0 }, m = { 0 };
	struct gx_diag d = { 0 };
	struct gx_store *s;
	char path[] = "/tmp/gotrex-pprof-test-XXXXXX";
	int fd;
	struct gx_load_opts o = { .no_cache = true };

	(void)state;
	pb_str(&b, "");
	pb_str(&b, "samples");
	pb_str(&b, "count");
	pb_str(&b, "cpu");
	pb_str(&b, "nanoseconds");
	pb_valuetype(&b, 1, 1, 2);
	pb_valuetype(&b, 1, 3, 4);
	pb_uint(&m, 2, 1);
	pb_uint(&m, 2, 10000000);
	pb_msg(&b, 2, &m);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b.data, b.len), (ssize_t)b.len);
	close(fd);
	s = gx_load(path, &o, &d);
	assert_null(s);
	assert_true(diag_has(&d, "a samples/count profile (2 sample types) has no goroutine stacks"));
	unlink(path);
	gx_buf_free(&b);
	gx_diag_clear(&d);
}

static void
test_labels_quoting(void **state)
{
	struct gx_pprof_label v[3];
	struct gx_buf b = { 0 };

	(void)state;
	memset(v, 0, sizeof(v));
	v[0].key = "z";
	v[0].key_len = 1;
	v[0].str = "a\tb\x01\xff\xc3\xa9\"\\";
	v[0].str_len = 9;
	v[1].key = "a";
	v[1].key_len = 1;
	v[1].str = "";
	v[1].str_len = 0;
	v[2].key = "n";
	v[2].key_len = 1;
	v[2].num = -42;
	/* %q as Go prints it: strconv.Quote("a\tb\x01\xffé\"\\") */
	gx_pprof_format_labels(&b, v, 3);
	assert_string_equal(b.data, "{\"a\":\"\", \"n\":-42, \"z\":\"a\\tb\\x01\\xffé\\\"\\\\\"}");
	gx_buf_reset(&b);
	gx_pprof_format_labels(&b, v, 0);
	assert_int_equal(b.len, 0);
	gx_buf_free(&b);
}

/* Every prefix and many one-byte changes of a real profile: no crash, no
 * hang, offsets inside the data. */
static void
test_truncation_and_flips(void **state)
{
	size_t len, i, k;
	char *data = read_data("mutex.pb.gz", &len);
	char *copy = xmalloc(len);

	(void)state;
	for (i = 0; i <= len; i++) {
		struct gx_diag d = { 0 };
		struct got g;
		struct gx_pprof *p = decode(data, i, &g, &d);

		for (k = 0; k < d.n; k++)
			assert_true(d.v[k].offset == GX_NOWHERE || d.v[k].offset <= i);
		gx_pprof_free(p);
		gx_diag_clear(&d);
	}
	for (i = 0; i < len; i++) {
		static const unsigned char flips[] = { 0x00, 0xff, 0x80, 0x7f, 0x02 };

		for (k = 0; k < sizeof(flips); k++) {
			struct gx_diag d = { 0 };
			struct got g;
			struct gx_pprof *p;

			memcpy(copy, data, len);
			copy[i] = (char)flips[k];
			p = decode(copy, len, &g, &d);
			gx_pprof_free(p);
			gx_diag_clear(&d);
		}
	}
	free(copy);
	free(data);
}

static int
count_frames(void *ctx, const struct gx_pprof_sample *s)
{
	*(size_t *)ctx = s->nframes;
	return 0;
}

/* The limits that keep a hostile profile from taking unbounded memory. */
static void
test_limits(void **state)
{
	struct gx_buf b = { 0 }, m = { 0 }, pk = { 0 };
	struct gx_diag d = { 0 };
	struct gx_pprof *p;
	struct gx_pprof_stats st;
	uint64_t fa = 1;
	size_t i, nf = 0;

	(void)state;
	pb_strings(&b);
	pb_valuetype(&b, 1, 1, 2);
	for (i = 0; i < GX_PPROF_MAX_DEPTH + 10; i++)
		pb_varint(&pk, 10);
	pb_msg(&m, 1, &pk);
	pb_uint(&m, 2, 1);
	pb_msg(&b, 2, &m);
	pb_location(&b, 10, 0x1000, &fa, 1);
	pb_function(&b, 1, 3, 5);
	p = gx_pprof_parse(b.data, b.len, "t.pb", &d);
	gx_pprof_samples(p, count_frames, &nf, &d);
	assert_int_equal(nf, GX_PPROF_MAX_DEPTH);
	assert_true(diag_has(&d, "sample with more than 65536 frames"));
	gx_pprof_free(p);
	gx_buf_free(&b);
	gx_diag_clear(&d);

	/* one string more than a table may hold: 2 bytes each */
	for (i = 0; i < (size_t)GX_PPROF_MAX_ENTRIES + 1; i++)
		pb_bytes(&b, 6, "", 0);
	p = gx_pprof_parse(b.data, b.len, "t.pb", &d);
	gx_pprof_get_stats(p, &st);
	assert_int_equal(st.strings, GX_PPROF_MAX_ENTRIES);
	assert_int_equal(d.errors, 1);
	assert_true(diag_has(&d, "more than 4194304 strings"));
	gx_pprof_free(p);
	gx_buf_free(&b);
	gx_diag_clear(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_goroutine_proto),
		cmocka_unit_test(test_mutex_block_proto),
		cmocka_unit_test(test_load_goroutine),
		cmocka_unit_test(test_load_leak_and_contention),
		cmocka_unit_test(test_wire_forms),
		cmocka_unit_test(test_wrong_wire_type),
		cmocka_unit_test(test_bad_references),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_other_profile_refused),
		cmocka_unit_test(test_labels_quoting),
		cmocka_unit_test(test_truncation_and_flips),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
