/* store_build: the builder loaders call, and the writer of the index file.
 *
 * Strings, frames, stacks and goroutines live in memory (interned through
 * open-addressing hash tables). Spans, events and P spans are packed into
 * chains as they come (store_chains.c, the codec in store_codec.h), spilled
 * to a temporary file in the builder's tmpdir as they grow, so the memory
 * of a load does not grow with them: spans one chain per goroutine, events
 * and P spans a chain each, and spans whose goroutine does not exist yet
 * one "late" chain.
 *
 * At write time goroutines are sorted by id; the index maps the builder's
 * goroutine indexes in events and P spans to the sorted ones (the reader
 * applies it), so their chains are copied as they are. Spans are laid out
 * by (goroutine, start): a goroutine's chain is copied too, unless its
 * spans came out of order or late: then it is unpacked, sorted (stably) and
 * packed again, as are events that came out of time order. */
#include "config.h"

#include "gotrex/store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gotrex/pipe.h"
#include "gotrex/util.h"
#include "store_codec.h"
#include "store_file.h"
#include "store_chains.h"

#define WRITE_BLOCK (1u << 20)          /* bytes buffered before an index write */
#define SPAN_RUN ((size_t)1 << 19)      /* spans held in memory, packed: about 5 MB */
#define EVENT_RUN ((size_t)1 << 18)     /* events, P spans held, packed: about 3 MB each */

/* Tests may lower the run length (before a builder is made) to exercise
 * many spills. */
size_t gx_store_span_run = SPAN_RUN;

/* ---- temporary files -------------------------------------------- */

static int
make_temp(const char *dir, const char *stem, char **path_out)
{
	char *path = xasprintf("%s/%sXXXXXX", dir, stem);
	int fd = mkstemp(path);

	if (fd >= 0)
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (path_out != NULL && fd >= 0)
		*path_out = path;
	else
		free(path);
	return fd;
}

static const char *
tmp_dir(void)
{
	const char *t = getenv("TMPDIR");

	return t != NULL && *t != '\0' ? t : "/tmp";
}

int
gx_store_spill_open(const char *dir)
{
	char *path;
	int fd = -1;

	if (dir != NULL)
		fd = make_temp(dir, ".gotrex-spill-", &path);
	if (fd < 0)
		fd = make_temp(tmp_dir(), "gotrex-spill-", &path);
	if (fd < 0)
		return -1;
	unlink(path);
	free(path);
	return fd;
}

bool
gx_store_write_all(int fd, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		s += w;
		n -= (size_t)w;
	}
	return true;
}

/* ---- hash tables -------------------------------------------------- */

/* Open addressing; a slot holds id + 1, 0 is empty. */
struct htab {
	uint32_t *slot;
	size_t mask;    /* capacity - 1, capacity a power of two */
	size_t n;
};

static void
htab_init(struct htab *h)
{
	h->mask = 1023;
	h->slot = xcalloc(h->mask + 1, sizeof(*h->slot));
	h->n = 0;
}

/* Find key: eq(ctx, id) says whether entry id matches. Returns the slot
 * index: holding the match, or the empty slot where it would go. */
static size_t
htab_find(const struct htab *h, uint64_t hash, bool (*eq)(const void *ctx, uint32_t id),
          const void *ctx)
{
	size_t i = (size_t)hash & h->mask;

	while (h->slot[i] != 0) {
		if (eq(ctx, h->slot[i] - 1))
			return i;
		i = (i + 1) & h->mask;
	}
	return i;
}

/* Insert id at the empty slot i; grows (rehashing with hashof) when more
 * than half full. */
static void
htab_insert(struct htab *h, size_t i, uint32_t id,
            uint64_t (*hashof)(const void *ctx, uint32_t id), const void *ctx)
{
	h->slot[i] = id + 1;
	h->n++;
	if (h->n * 2 > h->mask + 1) {
		size_t ncap = (h->mask + 1) * 2, j, k;
		uint32_t *ns = xcalloc(ncap, sizeof(*ns));

		for (j = 0; j <= h->mask; j++) {
			if (h->slot[j] == 0)
				continue;
			k = (size_t)hashof(ctx, h->slot[j] - 1) & (ncap - 1);
			while (ns[k] != 0)
				k = (k + 1) & (ncap - 1);
			ns[k] = h->slot[j];
		}
		free(h->slot);
		h->slot = ns;
		h->mask = ncap - 1;
	}
}


/* ---- the builder -------------------------------------------------- */

struct gx_builder {
	char *tmpdir;

	struct gx_buf blob;          /* strings, each followed by a NUL */
	uint64_t *soff;              /* nstr + 1 start offsets */
	size_t nstr, soff_cap;
	struct htab strh;
	const char *key_s;           /* lookup key while probing */
	size_t key_n;

	struct gx_frame_rec *frames;
	size_t nframes, frames_cap;
	struct htab frameh;
	const struct gx_frame_rec *key_f;

	struct gx_stack_rec *stacks;
	size_t nstacks, stacks_cap;
	uint32_t *sf;
	size_t nsf, sf_cap;
	struct htab stackh;
	const uint32_t *key_sf;

	struct gx_goroutine_rec *gs;
	size_t ng, gs_cap;
	struct htab gh;
	uint64_t key_gid;

	struct gx_pipe *pipe;        /* to the worker that sinks spans, events
	                                and P spans; NULL: done here */
	struct gx_chains *spans;     /* per goroutine (builder index) */
	struct gx_chains *late;      /* spans that came before their goroutine:
	                                one chain, in the order given */
	struct gx_chains *events, *pspans; /* one chain each */
	uint64_t g_bound;           /* 1 + the largest goroutine index in
	                               events and P spans */
	int64_t last_event_ns;
	uint64_t events_out_of_order;

	struct gx_store_meta meta;

	struct gx_diag_rec *diags;
	size_t ndiags, diags_cap;
};

static uint64_t
str_hash(const char *s, size_t n)
{
	return gx_mix64(gx_hash64(s, n, GX_HASH_SEED));
}

static bool
str_eq(const void *ctx, uint32_t id)
{
	const struct gx_builder *b = ctx;
	size_t len = (size_t)(b->soff[id + 1] - b->soff[id] - 1);

	return len == b->key_n && memcmp(b->blob.data + b->soff[id], b->key_s, len) == 0;
}

static uint64_t
str_hashof(const void *ctx, uint32_t id)
{
	const struct gx_builder *b = ctx;

	return str_hash(b->blob.data + b->soff[id], (size_t)(b->soff[id + 1] - b->soff[id] - 1));
}

static uint64_t
frame_hash(const struct gx_frame_rec *f)
{
	return gx_mix64(gx_hash64(f, sizeof(*f), GX_HASH_SEED));
}

static bool
frame_eq(const void *ctx, uint32_t id)
{
	const struct gx_builder *b = ctx;

	return memcmp(&b->frames[id], b->key_f, sizeof(*b->key_f)) == 0;
}

static uint64_t
frame_hashof(const void *ctx, uint32_t id)
{
	const struct gx_builder *b = ctx;

	return frame_hash(&b->frames[id]);
}

static uint64_t
stack_hash(const uint32_t *ids, size_t n)
{
	return gx_mix64(gx_hash64(ids, n * sizeof(*ids), GX_HASH_SEED ^ n));
}

static bool
stack_eq(const void *ctx, uint32_t id)
{
	const struct gx_builder *b = ctx;
	const struct gx_stack_rec *st = &b->stacks[id];

	return st->count == b->key_n &&
	       memcmp(b->sf + st->first, b->key_sf, b->key_n * sizeof(*b->sf)) == 0;
}

static uint64_t
stack_hashof(const void *ctx, uint32_t id)
{
	const struct gx_builder *b = ctx;

	return stack_hash(b->sf + b->stacks[id].first, b->stacks[id].count);
}

static bool
g_eq(const void *ctx, uint32_t id)
{
	const struct gx_builder *b = ctx;

	return b->gs[id].id == b->key_gid;
}

static uint64_t
g_hashof(const void *ctx, uint32_t id)
{
	const struct gx_builder *b = ctx;

	return gx_mix64(b->gs[id].id);
}

/* The order of a goroutine's spans. */
static int64_t
span_start(const void *rec)
{
	return ((const struct gx_span_rec *)rec)->start_ns;
}

struct gx_builder *
gx_builder_new(const char *tmpdir)
{
	struct gx_builder *b = xcalloc(1, sizeof(*b));

	b->tmpdir = xstrdup(tmpdir != NULL ? tmpdir : tmp_dir());
	/* string 0: "" */
	gx_buf_append(&b->blob, "", 1);
	gx_grow(&b->soff, &b->soff_cap, 2, sizeof(*b->soff));
	b->soff[0] = 0;
	b->soff[1] = 1;
	b->nstr = 1;
	htab_init(&b->strh);
	htab_init(&b->frameh);
	htab_init(&b->stackh);
	htab_init(&b->gh);
	/* stack 0: no stack */
	gx_grow(&b->stacks, &b->stacks_cap, 1, sizeof(*b->stacks));
	b->stacks[0].first = 0;
	b->stacks[0].count = 0;
	b->nstacks = 1;
	b->spans = gx_chains_new(b->tmpdir, gx_store_span_run, &span_codec,
	                         sizeof(struct gx_span_rec), span_start);
	b->late = gx_chains_new(b->tmpdir, gx_store_span_run, &span_codec,
	                        sizeof(struct gx_span_rec), NULL);
	b->events = gx_chains_new(b->tmpdir, EVENT_RUN, &event_codec,
	                          sizeof(struct gx_event_rec), NULL);
	b->pspans = gx_chains_new(b->tmpdir, EVENT_RUN, &pspan_codec,
	                          sizeof(struct gx_pspan_rec), NULL);
	b->last_event_ns = INT64_MIN;
	return b;
}

void
gx_builder_free(struct gx_builder *b)
{
	if (b == NULL)
		return;
	gx_pipe_finish(b->pipe);
	free(b->tmpdir);
	gx_buf_free(&b->blob);
	free(b->soff);
	free(b->strh.slot);
	free(b->frames);
	free(b->frameh.slot);
	free(b->stacks);
	free(b->sf);
	free(b->stackh.slot);
	free(b->gs);
	free(b->gh.slot);
	gx_chains_free(b->spans);
	gx_chains_free(b->late);
	gx_chains_free(b->events);
	gx_chains_free(b->pspans);
	free(b->diags);
	free(b);
}

gx_str
gx_builder_str(struct gx_builder *b, const char *s, size_t n)
{
	uint64_t h;
	size_t i;
	gx_str id;

	if (n == 0)
		return 0;
	h = str_hash(s, n);
	b->key_s = s;
	b->key_n = n;
	i = htab_find(&b->strh, h, str_eq, b);
	if (b->strh.slot[i] != 0)
		return b->strh.slot[i] - 1;
	if (b->nstr >= UINT32_MAX - 1)
		gx_fatal("too many distinct strings for one index");
	id = (gx_str)b->nstr;
	gx_buf_append(&b->blob, s, n);
	gx_buf_append(&b->blob, "", 1);
	gx_grow(&b->soff, &b->soff_cap, b->nstr + 2, sizeof(*b->soff));
	b->soff[b->nstr + 1] = b->blob.len;
	b->nstr++;
	htab_insert(&b->strh, i, id, str_hashof, b);
	return id;
}

gx_str
gx_builder_cstr(struct gx_builder *b, const char *s)
{
	return s != NULL ? gx_builder_str(b, s, strlen(s)) : 0;
}

uint32_t
gx_builder_frame(struct gx_builder *b, const struct gx_frame_rec *f)
{
	struct gx_frame_rec k;
	uint64_t h;
	size_t i;
	uint32_t id;

	memset(&k, 0, sizeof(k));
	k.func = f->func;
	k.file = f->file;
	k.line = f->line;
	k.flags = f->flags;
	k.pc = f->pc;
	k.args = f->args;
	k.offset = f->offset;
	h = frame_hash(&k);
	b->key_f = &k;
	i = htab_find(&b->frameh, h, frame_eq, b);
	if (b->frameh.slot[i] != 0)
		return b->frameh.slot[i] - 1;
	if (b->nframes >= UINT32_MAX - 1)
		gx_fatal("too many distinct frames for one index");
	id = (uint32_t)b->nframes;
	gx_grow(&b->frames, &b->frames_cap, b->nframes + 1, sizeof(*b->frames));
	b->frames[b->nframes++] = k;
	htab_insert(&b->frameh, i, id, frame_hashof, b);
	return id;
}

gx_stack
gx_builder_stack(struct gx_builder *b, const uint32_t *frame_ids, size_t n)
{
	uint64_t h;
	size_t i, j;
	gx_stack id;

	if (n == 0)
		return 0;
	for (j = 0; j < n; j++)
		if (frame_ids[j] >= b->nframes)
			gx_fatal("gx_builder_stack: frame id %u out of range", frame_ids[j]);
	h = stack_hash(frame_ids, n);
	b->key_sf = frame_ids;
	b->key_n = n;
	i = htab_find(&b->stackh, h, stack_eq, b);
	if (b->stackh.slot[i] != 0)
		return b->stackh.slot[i] - 1;
	if (b->nstacks >= UINT32_MAX - 1 || n > UINT32_MAX || b->nsf > UINT32_MAX - n)
		gx_fatal("too many stacks for one index");
	id = (gx_stack)b->nstacks;
	gx_grow(&b->sf, &b->sf_cap, b->nsf + n, sizeof(*b->sf));
	memcpy(b->sf + b->nsf, frame_ids, n * sizeof(*b->sf));
	gx_grow(&b->stacks, &b->stacks_cap, b->nstacks + 1, sizeof(*b->stacks));
	b->stacks[b->nstacks].first = (uint32_t)b->nsf;
	b->stacks[b->nstacks].count = (uint32_t)n;
	b->nstacks++;
	b->nsf += n;
	htab_insert(&b->stackh, i, id, stack_hashof, b);
	return id;
}

uint32_t
gx_builder_goroutine(struct gx_builder *b, const struct gx_goroutine_rec *g)
{
	size_t i;
	uint32_t idx;

	b->key_gid = g->id;
	i = htab_find(&b->gh, gx_mix64(g->id), g_eq, b);
	if (b->gh.slot[i] != 0)
		return b->gh.slot[i] - 1;
	if (b->ng >= GX_NONE32 - 1)
		gx_fatal("too many goroutines for one index");
	idx = (uint32_t)b->ng;
	gx_grow(&b->gs, &b->gs_cap, b->ng + 1, sizeof(*b->gs));
	b->gs[b->ng] = *g;
	b->gs[b->ng].first_span = 0;
	b->gs[b->ng].span_count = 0;
	b->ng++;
	htab_insert(&b->gh, i, idx, g_hashof, b);
	return idx;
}

struct gx_goroutine_rec *
gx_builder_goroutine_at(struct gx_builder *b, uint32_t index)
{
	return index < b->ng ? &b->gs[index] : NULL;
}

uint32_t
gx_builder_find_goroutine(const struct gx_builder *b, uint64_t id)
{
	size_t i = (size_t)gx_mix64(id) & b->gh.mask;

	while (b->gh.slot[i] != 0) {
		if (b->gs[b->gh.slot[i] - 1].id == id)
			return b->gh.slot[i] - 1;
		i = (i + 1) & b->gh.mask;
	}
	return GX_NONE32;
}

uint32_t
gx_builder_goroutine_count(const struct gx_builder *b)
{
	return (uint32_t)b->ng;
}

static const struct gx_goroutine_rec *sort_gs;

static int
cmp_gid(const void *a, const void *b)
{
	uint64_t x = sort_gs[*(const uint32_t *)a].id, y = sort_gs[*(const uint32_t *)b].id;

	return x < y ? -1 : x > y;
}

/* Spans, events and P spans, on the builder's thread or the worker's. */
enum { SINK_SPAN, SINK_LATE, SINK_EVENT, SINK_PSPAN };

struct sink_msg {
	uint32_t kind;
	uint32_t pad;
	union {
		struct gx_span_rec span;
		struct gx_event_rec event;
		struct gx_pspan_rec pspan;
	} u;
};

static void
sink(struct gx_builder *b, const struct sink_msg *m)
{
	switch (m->kind) {
	case SINK_SPAN: {
		struct gx_span_rec r = m->u.span;

		r.g = 0; /* the chain says which goroutine: the reader sets it */
		gx_chains_add(b->spans, m->u.span.g, &r);
		break;
	}
	case SINK_LATE:
		gx_chains_add(b->late, 0, &m->u.span);
		break;
	case SINK_EVENT:
		gx_chains_add(b->events, 0, &m->u.event);
		break;
	default:
		gx_chains_add(b->pspans, 0, &m->u.pspan);
		break;
	}
}

static void
sink_consume(void *ctx, const void *recs, size_t n)
{
	const struct sink_msg *m = recs;
	size_t i;

	for (i = 0; i < n; i++)
		sink(ctx, &m[i]);
}

/* A message to fill: in the pipe's ring, or in *local when there is no
 * worker (then sink_put hands it over at once). */
static struct sink_msg *
sink_msg(struct gx_builder *b, struct sink_msg *local, uint32_t kind)
{
	struct sink_msg *m = b->pipe != NULL ? gx_pipe_slot(b->pipe) : local;

	m->kind = kind;
	return m;
}

static void
sink_put(struct gx_builder *b, struct sink_msg *m)
{
	if (b->pipe != NULL)
		gx_pipe_commit(b->pipe);
	else
		sink(b, m);
}

void
gx_builder_async(struct gx_builder *b)
{
	if (b->pipe == NULL)
		b->pipe = gx_pipe_start(sizeof(struct sink_msg), sink_consume, b);
}

void
gx_builder_span(struct gx_builder *b, const struct gx_span_rec *s)
{
	struct sink_msg local, *m;

	/* Whether its goroutine exists is decided here, where goroutines are
	 * added. */
	m = sink_msg(b, &local, s->g < b->ng ? SINK_SPAN : SINK_LATE);
	m->u.span = *s;
	memset(m->u.span.reserved, 0, sizeof(m->u.span.reserved));
	sink_put(b, m);
}

void
gx_builder_event(struct gx_builder *b, const struct gx_event_rec *e)
{
	struct sink_msg local, *m;

	if (e->ns < b->last_event_ns)
		b->events_out_of_order++;
	else
		b->last_event_ns = e->ns;
	if (e->g != GX_NONE32 && e->g >= b->g_bound)
		b->g_bound = (uint64_t)e->g + 1;
	m = sink_msg(b, &local, SINK_EVENT);
	m->u.event = *e;
	sink_put(b, m);
}

void
gx_builder_pspan(struct gx_builder *b, const struct gx_pspan_rec *p)
{
	struct sink_msg local, *m;

	if (p->g != GX_NONE32 && p->g >= b->g_bound)
		b->g_bound = (uint64_t)p->g + 1;
	m = sink_msg(b, &local, SINK_PSPAN);
	m->u.pspan = *p;
	sink_put(b, m);
}

struct gx_store_meta *
gx_builder_meta(struct gx_builder *b)
{
	return &b->meta;
}

void
gx_builder_diags(struct gx_builder *b, const struct gx_diag *d)
{
	size_t i;

	for (i = 0; i <= d->n; i++) {
		struct gx_diag_rec *r;
		char *f;

		if (i == d->n && d->dropped == 0)
			break;
		gx_grow(&b->diags, &b->diags_cap, b->ndiags + 1, sizeof(*b->diags));
		r = &b->diags[b->ndiags++];
		memset(r, 0, sizeof(*r));
		if (i < d->n) {
			const struct gx_diag_entry *e = &d->v[i];

			r->severity = (uint32_t)e->severity;
			r->source = gx_builder_cstr(b, e->source);
			r->message = gx_builder_cstr(b, e->message);
			r->line = e->line;
			r->offset = e->offset;
			f = gx_diag_format(e);
		} else {
			r->severity = GX_NOTE;
			r->source = gx_builder_cstr(b, "gotrex");
			f = xasprintf("%zu more messages not shown", d->dropped);
			r->message = gx_builder_cstr(b, f);
			free(f);
			f = xasprintf("gotrex: %zu more messages not shown", d->dropped);
			r->line = r->offset = GX_NOWHERE;
		}
		r->formatted = gx_builder_cstr(b, f);
		free(f);
	}
}

/* ---- writing ------------------------------------------------------ */

struct writer {
	int fd;
	unsigned char *buf;
	size_t n;
	uint64_t pos;
	int err;
};

static void
wr_flush(struct writer *w)
{
	if (w->n > 0 && w->err == 0 && !gx_store_write_all(w->fd, w->buf, w->n))
		w->err = errno != 0 ? errno : EIO;
	w->n = 0;
}

static void
wr_put(struct writer *w, const void *p, size_t n)
{
	const unsigned char *s = p;

	w->pos += n;
	if (n >= WRITE_BLOCK) {
		/* big tables (the strings, a chunk of spans) go out as they are */
		wr_flush(w);
		if (w->err == 0 && !gx_store_write_all(w->fd, s, n))
			w->err = errno != 0 ? errno : EIO;
		return;
	}
	while (n > 0) {
		size_t k = WRITE_BLOCK - w->n;

		if (k > n)
			k = n;
		memcpy(w->buf + w->n, s, k);
		w->n += k;
		s += k;
		n -= k;
		if (w->n == WRITE_BLOCK)
			wr_flush(w);
	}
}

static void
wr_pad(struct writer *w)
{
	static const unsigned char zero[8];

	if (w->pos % 8 != 0)
		wr_put(w, zero, 8 - (size_t)(w->pos % 8));
}

/* A table as it is written: where it starts; packed tables count their
 * records as they go. */
static void
table_begin(struct writer *w, struct gx_index_header *h, enum gx_table t)
{
	struct gx_table_dir *d = &h->tables[t];

	wr_pad(w);
	memset(d, 0, sizeof(*d));
	d->offset = w->pos;
	d->rec_size = gx_table_rec_size[t];
}

static void
table_end(struct writer *w, struct gx_index_header *h, enum gx_table t)
{
	struct gx_table_dir *d = &h->tables[t];

	d->count = (w->pos - d->offset) / d->rec_size;
}

/* A table written in one piece. */
static void
table_put(struct writer *w, struct gx_index_header *h, enum gx_table t, const void *p,
          size_t n)
{
	table_begin(w, h, t);
	wr_put(w, p, n);
	table_end(w, h, t);
}

/* Writes records of one packed table through the codec; a sequence (a
 * goroutine's spans, all events) starts with pack_reset. */
struct packer {
	struct writer *w;
	const struct codec *c;
	struct gx_table_dir *t;
	unsigned char prev[CODEC_MAX_REC];
};

static void
pack_reset(struct packer *pk)
{
	memset(pk->prev, 0, sizeof(pk->prev));
}

static void
pack_put(struct packer *pk, const void *rec, size_t rec_size)
{
	unsigned char out[CODEC_MAX_REC * 2];

	wr_put(pk->w, out, pk->c->put(pk->prev, rec, out));
	memcpy(pk->prev, rec, rec_size);
	pk->t->records++;
}

/* The late spans (given before their goroutine), by goroutine: those of
 * goroutine index g (builder order) are late[first[g] .. first[g + 1]). */
struct late_spans {
	struct gx_span_rec *v;
	size_t n;
	size_t *first;
	size_t ng;
	uint64_t dropped;
};

/* The late spans into ls, grouped by goroutine (stably). */
static void
late_read(struct gx_builder *b, struct late_spans *ls)
{
	struct gx_span_rec *all;
	size_t n, i, g;

	memset(ls, 0, sizeof(*ls));
	ls->ng = b->ng;
	ls->first = xcalloc(b->ng + 2, sizeof(*ls->first));
	if (gx_chains_count(b->late, 0) == 0)
		return;
	n = gx_chains_unpack(b->late, 0, (void **)&all);
	for (i = 0; i < n; i++) {
		if (all[i].g < ls->ng)
			ls->first[all[i].g + 1]++;
		else
			ls->dropped++;
	}
	for (g = 0; g < b->ng; g++)
		ls->first[g + 1] += ls->first[g];
	ls->n = ls->first[b->ng];
	ls->v = xreallocarray(NULL, ls->n + 1, sizeof(*ls->v));
	/* first[g] is the next free slot of g while placing */
	for (i = 0; i < n; i++)
		if (all[i].g < ls->ng)
			ls->v[ls->first[all[i].g]++] = all[i];
	/* placing moved every first[g] to first[g + 1]: shift back */
	memmove(ls->first + 1, ls->first, b->ng * sizeof(*ls->first));
	ls->first[0] = 0;
	free(all);
}

static void
wr_put_fn(void *ctx, const void *p, size_t n)
{
	wr_put(ctx, p, n);
}

/* Stable merge sort of spans by start time. */
static void
span_msort(struct gx_span_rec *v, struct gx_span_rec *tmp, size_t n)
{
	size_t mid, i, j, k;

	if (n < 2)
		return;
	if (n <= 16) {
		for (i = 1; i < n; i++) {
			struct gx_span_rec x = v[i];

			for (j = i; j > 0 && v[j - 1].start_ns > x.start_ns; j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
		return;
	}
	mid = n / 2;
	span_msort(v, tmp, mid);
	span_msort(v + mid, tmp, n - mid);
	if (v[mid - 1].start_ns <= v[mid].start_ns)
		return;
	memcpy(tmp, v, mid * sizeof(*v));
	i = 0, j = mid, k = 0;
	while (i < mid && j < n)
		v[k++] = tmp[i].start_ns <= v[j].start_ns ? tmp[i++] : v[j++];
	while (i < mid)
		v[k++] = tmp[i++];
}

static void
sort_spans(struct gx_span_rec *v, size_t n)
{
	size_t i;
	struct gx_span_rec *tmp;

	for (i = 1; i < n; i++)
		if (v[i - 1].start_ns > v[i].start_ns)
			break;
	if (i >= n)
		return;
	tmp = xmalloc((n / 2 + 1) * sizeof(*tmp));
	span_msort(v, tmp, n);
	free(tmp);
}

/* Events and P spans whose goroutine index never came to be a goroutine:
 * the reader gives them none. */
static uint64_t
count_bad_g(struct gx_chains *c, size_t rec_size, size_t g_off, size_t ng)
{
	unsigned char *v;
	size_t n = gx_chains_unpack(c, 0, (void **)&v), i;
	uint64_t bad = 0;

	for (i = 0; i < n; i++) {
		uint32_t g;

		memcpy(&g, v + i * rec_size + g_off, sizeof(g));
		if (g != GX_NONE32 && g >= ng)
			bad++;
	}
	free(v);
	return bad;
}

static void
event_msort(struct gx_event_rec *v, struct gx_event_rec *tmp, size_t n)
{
	size_t mid, i, j, k;

	if (n < 2)
		return;
	mid = n / 2;
	event_msort(v, tmp, mid);
	event_msort(v + mid, tmp, n - mid);
	if (v[mid - 1].ns <= v[mid].ns)
		return;
	memcpy(tmp, v, mid * sizeof(*v));
	i = 0, j = mid, k = 0;
	while (i < mid && j < n)
		v[k++] = tmp[i].ns <= v[j].ns ? tmp[i++] : v[j++];
	while (i < mid)
		v[k++] = tmp[i++];
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

int
gx_builder_write(struct gx_builder *b, const char *path,
                 const struct gx_source_id *source, const char *loader,
                 struct gx_diag *d)
{
	struct gx_index_header h;
	struct packer pk;
	struct writer w;
	struct late_spans ls;
	uint64_t bad_g = 0;
	uint32_t *order = NULL, *newidx = NULL;
	uint64_t *boff = NULL, *cnt = NULL;
	char *dir = NULL, *tmp = NULL;
	size_t i, ng = b->ng;
	int fd, e, rc = -1;

	memset(&w, 0, sizeof(w));
	memset(&ls, 0, sizeof(ls));
	memset(&pk, 0, sizeof(pk));
	w.fd = -1;

	gx_pipe_finish(b->pipe);
	b->pipe = NULL;
	e = gx_chains_finish(b->spans);
	if (e == 0)
		e = gx_chains_finish(b->events);
	if (e == 0)
		e = gx_chains_finish(b->pspans);
	if (e == 0)
		e = gx_chains_finish(b->late);
	if (e != 0) {
		gx_diag_add(d, GX_ERROR, path, GX_NOWHERE, GX_NOWHERE,
		            "cannot write a temporary file in %s: %s", b->tmpdir, strerror(e));
		return -1;
	}

	/* Goroutines sorted by id. */
	order = xreallocarray(NULL, ng, sizeof(*order));
	newidx = xreallocarray(NULL, ng, sizeof(*newidx));
	for (i = 0; i < ng; i++)
		order[i] = (uint32_t)i;
	sort_gs = b->gs;
	qsort(order, ng, sizeof(*order), cmp_gid);
	sort_gs = NULL;
	for (i = 0; i < ng; i++)
		newidx[order[i]] = (uint32_t)i;

	late_read(b, &ls);
	if (ls.dropped > 0)
		gx_diag_add(d, GX_WARNING, path, GX_NOWHERE, GX_NOWHERE,
		            "%llu spans of unknown goroutines dropped",
		            (unsigned long long)ls.dropped);

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, GX_INDEX_MAGIC, 8);
	h.version = GX_STORE_VERSION;
	h.endian = GX_INDEX_ENDIAN;
	h.header_size = sizeof(h);
	h.table_count = GX_T_COUNT;
	if (source != NULL)
		h.source = *source;
	if (loader != NULL) {
		size_t n = strlen(loader);

		if (n >= GX_INDEX_LOADER_MAX)
			n = GX_INDEX_LOADER_MAX - 1;
		memcpy(h.loader, loader, n);
	}
	h.meta = b->meta;
	if (h.meta.profile >= GX_PROFILE_KIND_COUNT)
		h.meta.profile = GX_PROFILE_NONE;

	dir = dir_of(path);
	fd = make_temp(dir, ".gotrex-index-", &tmp);
	if (fd < 0) {
		gx_diag_add(d, GX_ERROR, path, GX_NOWHERE, GX_NOWHERE,
		            "cannot create a temporary file in %s: %s", dir, strerror(errno));
		goto out;
	}
	w.fd = fd;
	w.buf = xmalloc(WRITE_BLOCK);

	/* The header goes first, once more at the end with the directory:
	 * packed tables know their size only once written. */
	wr_put(&w, &h, sizeof(h));
	b->soff[b->nstr] = b->blob.len;
	table_put(&w, &h, GX_T_STR_OFFS, b->soff, (b->nstr + 1) * sizeof(*b->soff));
	table_put(&w, &h, GX_T_STR_BLOB, b->blob.data, b->blob.len);
	table_put(&w, &h, GX_T_FRAMES, b->frames, b->nframes * sizeof(*b->frames));
	table_put(&w, &h, GX_T_STACKS, b->stacks, b->nstacks * sizeof(*b->stacks));
	table_put(&w, &h, GX_T_STACK_FRAMES, b->sf, b->nsf * sizeof(*b->sf));

	/* Spans, one packed chain per goroutine in id order; boff[i] is where
	 * goroutine i's starts. A chain in order is copied as it is. */
	table_begin(&w, &h, GX_T_SPANS);
	pk.w = &w;
	pk.c = &span_codec;
	pk.t = &h.tables[GX_T_SPANS];
	boff = xreallocarray(NULL, ng + 1, sizeof(*boff));
	cnt = xreallocarray(NULL, ng + 1, sizeof(*cnt));
	for (i = 0; i < ng; i++) {
		uint32_t g = order[i];
		size_t nlate = ls.first[g + 1] - ls.first[g];

		boff[i] = w.pos - h.tables[GX_T_SPANS].offset;
		cnt[i] = gx_chains_count(b->spans, g) + nlate;
		if (nlate == 0 && gx_chains_sorted(b->spans, g)) {
			gx_chains_bytes(b->spans, g, wr_put_fn, &w);
			h.tables[GX_T_SPANS].records += cnt[i];
		} else {
			struct gx_span_rec *v;
			size_t n = gx_chains_unpack(b->spans, g, (void **)&v), j;

			v = xreallocarray(v, n + nlate + 1, sizeof(*v));
			if (nlate > 0)
				memcpy(v + n, ls.v + ls.first[g], nlate * sizeof(*v));
			n += nlate;
			cnt[i] = n;
			sort_spans(v, n);
			pack_reset(&pk);
			for (j = 0; j < n; j++) {
				v[j].g = 0;
				pack_put(&pk, &v[j], sizeof(v[j]));
			}
			free(v);
		}
	}
	table_end(&w, &h, GX_T_SPANS);

	/* Goroutines, sorted by id. */
	table_begin(&w, &h, GX_T_GOROUTINES);
	for (i = 0; i < ng; i++) {
		struct gx_goroutine_rec g = b->gs[order[i]];

		g.first_span = boff[i];
		g.span_count = cnt[i] > UINT32_MAX ? UINT32_MAX : (uint32_t)cnt[i];
		wr_put(&w, &g, sizeof(g));
	}
	table_end(&w, &h, GX_T_GOROUTINES);

	/* The goroutine map of events and P spans. */
	table_put(&w, &h, GX_T_GMAP, newidx, ng * sizeof(*newidx));

	/* Events, in time order. */
	table_begin(&w, &h, GX_T_EVENTS);
	if (b->events_out_of_order == 0) {
		gx_chains_bytes(b->events, 0, wr_put_fn, &w);
		h.tables[GX_T_EVENTS].records = gx_chains_count(b->events, 0);
	} else {
		struct gx_event_rec *v, *t;
		size_t n = gx_chains_unpack(b->events, 0, (void **)&v);

		t = xreallocarray(NULL, n / 2 + 1, sizeof(*t));
		event_msort(v, t, n);
		free(t);
		pk.w = &w;
		pk.c = &event_codec;
		pk.t = &h.tables[GX_T_EVENTS];
		pack_reset(&pk);
		for (i = 0; i < n; i++)
			pack_put(&pk, &v[i], sizeof(v[i]));
		free(v);
		gx_diag_add(d, GX_WARNING, path, GX_NOWHERE, GX_NOWHERE,
		            "%llu events came out of time order and were sorted",
		            (unsigned long long)b->events_out_of_order);
	}
	table_end(&w, &h, GX_T_EVENTS);

	table_begin(&w, &h, GX_T_PSPANS);
	gx_chains_bytes(b->pspans, 0, wr_put_fn, &w);
	h.tables[GX_T_PSPANS].records = gx_chains_count(b->pspans, 0);
	table_end(&w, &h, GX_T_PSPANS);
	if (b->g_bound > ng) {
		bad_g = count_bad_g(b->events, sizeof(struct gx_event_rec),
		                    offsetof(struct gx_event_rec, g), ng);
		bad_g += count_bad_g(b->pspans, sizeof(struct gx_pspan_rec),
		                     offsetof(struct gx_pspan_rec, g), ng);
	}
	if (bad_g > 0)
		gx_diag_add(d, GX_WARNING, path, GX_NOWHERE, GX_NOWHERE,
		            "%llu events of unknown goroutines kept without a goroutine",
		            (unsigned long long)bad_g);

	table_put(&w, &h, GX_T_DIAGS, b->diags, b->ndiags * sizeof(*b->diags));
	wr_pad(&w);
	h.file_size = w.pos;

	wr_flush(&w);
	if (w.err == 0 && pwrite(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
		w.err = errno != 0 ? errno : EIO;
	if (w.err == 0 && fsync(fd) != 0)
		w.err = errno;
	if (close(fd) != 0 && w.err == 0)
		w.err = errno;
	w.fd = -1;
	if (w.err != 0) {
		gx_diag_add(d, GX_ERROR, path, GX_NOWHERE, GX_NOWHERE,
		            "cannot write the index: %s", strerror(w.err));
		goto out;
	}
	if (rename(tmp, path) != 0) {
		gx_diag_add(d, GX_ERROR, path, GX_NOWHERE, GX_NOWHERE,
		            "cannot rename %s into place: %s", tmp, strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	{
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd >= 0) {
			(void)fsync(dfd);
			close(dfd);
		}
	}
	rc = 0;
out:
	if (w.fd >= 0)
		close(w.fd);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	free(w.buf);
	free(ls.v);
	free(ls.first);
	free(cnt);
	free(boff);
	free(order);
	free(newidx);
	free(dir);
	return rc;
}
