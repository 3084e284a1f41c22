/* store_build: the builder loaders call, and the writer of the index file.
 *
 * Strings, frames, stacks and goroutines live in memory (interned through
 * open-addressing hash tables). Spans, events and P spans go to temporary
 * spill files in the builder's tmpdir as they come, delta-coded (see the
 * record codec below), so the memory of a load does not grow with them.
 *
 * Records are packed into chains as they come (store_chains.c): spans one
 * chain per goroutine, events and P spans a chain each. A span whose
 * goroutine does not exist yet goes to a plain "late" spill instead.
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

#define SPILL_BLOCK (1u << 20)          /* bytes buffered before a spill write */
#define READ_BLOCK (1u << 20)           /* bytes per read of a spill file */
#define SPAN_RUN ((size_t)1 << 19)      /* spans held in memory, about 16 MB */
#define EVENT_RUN ((size_t)1 << 18)     /* events, P spans held, about 14 MB each */

/* Tests may lower the run length (before a builder is made) to exercise
 * many spills. */
size_t gx_store_span_run = SPAN_RUN;

/* ---- record codec: see store_codec.h ----------------------------- */

static const unsigned char zero_rec[CODEC_MAX_REC];

/* ---- spill files -------------------------------------------------- */

/* A block of encoded records in a spill file. Spans' blocks are small and
 * hold one goroutine-id range of a sorted run (lo_id..hi_id), so that the
 * writer reads only the blocks of the goroutines it is laying out. */
struct spill_blk {
	uint64_t off;           /* in the spill file */
	uint32_t len;           /* bytes */
	uint32_t nrec;
	uint64_t lo_id, hi_id;  /* sorted runs: goroutine ids of the first and last record */
};

struct spill {
	const char *dir;
	size_t rec;             /* record size */
	const struct codec *codec;
	int fd;                 /* -1 until the first flush */
	unsigned char *buf;     /* records not yet written, raw */
	size_t nbuf;            /* bytes in buf */
	size_t cap;             /* bytes buf can hold */
	unsigned char *enc;     /* encoding buffer */
	size_t enc_cap;
	struct spill_blk *blks;
	size_t nblks, blks_cap;
	uint32_t max_blk_len;   /* largest block, bytes */
	uint32_t max_blk_rec;   /* most records in one block */
	uint64_t count;         /* records in all */
	uint64_t file_bytes;    /* bytes in the file */
	int err;                /* errno of a failed write, 0 */
	bool in_memory;         /* no spill file could be created */
};

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

static void
spill_init(struct spill *s, const char *dir, size_t rec, size_t nrec, const struct codec *c)
{
	memset(s, 0, sizeof(*s));
	s->dir = dir;
	s->rec = rec;
	s->codec = c;
	s->fd = -1;
	s->cap = nrec * rec;
	s->buf = xmalloc(s->cap);
}

/* Make sure the spill file is open; false: keep everything in memory. */
static bool
spill_have_file(struct spill *s)
{
	if (!s->in_memory && s->fd < 0) {
		s->fd = gx_store_spill_open(s->dir);
		if (s->fd < 0)
			s->in_memory = true;
	}
	return !s->in_memory;
}

/* Write enc[0, n) at the end of the spill file. */
static void
spill_write(struct spill *s, size_t n)
{
	if (s->err == 0 && !gx_store_write_all(s->fd, s->enc, n))
		s->err = errno != 0 ? errno : EIO;
	s->file_bytes += n;
}

static void
spill_enc_reserve(struct spill *s, size_t need)
{
	if (s->enc_cap < need) {
		free(s->enc);
		s->enc_cap = need;
		s->enc = xmalloc(need);
	}
}

static void
spill_add_blk(struct spill *s, uint64_t off, size_t len, size_t nrec, uint64_t lo, uint64_t hi)
{
	struct spill_blk *k;

	gx_grow(&s->blks, &s->blks_cap, s->nblks + 1, sizeof(*s->blks));
	k = &s->blks[s->nblks++];
	k->off = off;
	k->len = (uint32_t)len;
	k->nrec = (uint32_t)nrec;
	k->lo_id = lo;
	k->hi_id = hi;
	if (k->len > s->max_blk_len)
		s->max_blk_len = k->len;
	if (k->nrec > s->max_blk_rec)
		s->max_blk_rec = k->nrec;
}

/* Encode the buffered records as one block at the end of the file. */
static void
spill_flush_seq(struct spill *s)
{
	size_t n = s->nbuf / s->rec, i, len = 0;
	const unsigned char *prev = zero_rec;

	spill_enc_reserve(s, n * codec_max(s->codec));
	for (i = 0; i < n; i++) {
		const unsigned char *r = s->buf + i * s->rec;

		len += s->codec->put(prev, r, s->enc + len);
		prev = r;
	}
	spill_add_blk(s, s->file_bytes, len, n, 0, 0);
	spill_write(s, len);
	s->nbuf = 0;
}

static void
spill_add(struct spill *s, const void *r)
{
	if (s->nbuf + s->rec > s->cap) {
		if (spill_have_file(s))
			spill_flush_seq(s);
		else
			gx_grow(&s->buf, &s->cap, s->cap + s->rec, 1);
	}
	memcpy(s->buf + s->nbuf, r, s->rec);
	s->nbuf += s->rec;
	s->count++;
}

static void
spill_free(struct spill *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(s->buf);
	free(s->enc);
	free(s->blks);
	s->buf = NULL;
	s->enc = NULL;
	s->blks = NULL;
	s->fd = -1;
}

/* A reader of a spill file's blocks. */
struct spill_rd {
	unsigned char *raw;     /* bytes read */
	size_t raw_cap;
	unsigned char *recs;    /* decoded records */
	size_t recs_cap;        /* records */
};

static void
spill_rd_free(struct spill_rd *rd)
{
	free(rd->raw);
	free(rd->recs);
	memset(rd, 0, sizeof(*rd));
}

/* Read blocks [b0, b1) (adjacent in the file) with as few reads as their
 * size allows and call fn on the records of each. Returns 0 or an errno. */
static int
spill_read_blks(const struct spill *s, struct spill_rd *rd, size_t b0, size_t b1,
                void (*fn)(void *ctx, const void *recs, size_t n), void *ctx)
{
	size_t per = READ_BLOCK > s->max_blk_len ? READ_BLOCK : s->max_blk_len;

	if (s->err != 0)
		return s->err;
	if (rd->raw_cap < per) {
		free(rd->raw);
		rd->raw_cap = per;
		rd->raw = xmalloc(per);
	}
	if (rd->recs_cap < s->max_blk_rec) {
		free(rd->recs);
		rd->recs_cap = s->max_blk_rec;
		rd->recs = xreallocarray(NULL, rd->recs_cap, s->rec);
	}
	while (b0 < b1) {
		size_t e = b0, bytes = 0, got = 0, k;
		uint64_t at = s->blks[b0].off;

		while (e < b1 && bytes + s->blks[e].len <= per) {
			bytes += s->blks[e].len;
			e++;
		}
		while (got < bytes) {
			ssize_t r = pread(s->fd, rd->raw + got, bytes - got, (off_t)(at + got));

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return r < 0 ? errno : EIO;
			got += (size_t)r;
		}
		got = 0;
		for (k = b0; k < e; k++) {
			const struct spill_blk *bk = &s->blks[k];
			unsigned char *prev = NULL;
			size_t i, used = 0;

			for (i = 0; i < bk->nrec; i++) {
				unsigned char *rec = rd->recs + i * s->rec;
				size_t u;

				memset(rec, 0, s->rec);
				u = s->codec->get(prev != NULL ? prev : zero_rec,
				                  rd->raw + got + used, bk->len - used, rec);
				if (u == 0)
					return EIO;
				used += u;
				prev = rec;
			}
			if (used != bk->len)
				return EIO;
			fn(ctx, rd->recs, bk->nrec);
			got += bk->len;
		}
		b0 = e;
	}
	return 0;
}

/* Call fn on every record in order, a block at a time. Returns 0, or an
 * errno value. */
static int
spill_each(const struct spill *s, struct spill_rd *rd,
           void (*fn)(void *ctx, const void *recs, size_t n), void *ctx)
{
	int e = spill_read_blks(s, rd, 0, s->nblks, fn, ctx);

	if (e != 0)
		return e;
	if (s->nbuf > 0)
		fn(ctx, s->buf, s->nbuf / s->rec);
	return 0;
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
	struct spill late;          /* spans that came before their goroutine */
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
	spill_init(&b->late, b->tmpdir, sizeof(struct gx_span_rec),
	           SPILL_BLOCK / sizeof(struct gx_span_rec), &span_codec);
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
	spill_free(&b->late);
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
		spill_add(&b->late, &m->u.span);
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
	if (n >= SPILL_BLOCK) {
		/* big tables (the strings, a chunk of spans) go out as they are */
		wr_flush(w);
		if (w->err == 0 && !gx_store_write_all(w->fd, s, n))
			w->err = errno != 0 ? errno : EIO;
		return;
	}
	while (n > 0) {
		size_t k = SPILL_BLOCK - w->n;

		if (k > n)
			k = n;
		memcpy(w->buf + w->n, s, k);
		w->n += k;
		s += k;
		n -= k;
		if (w->n == SPILL_BLOCK)
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
table_begin(struct writer *w, struct gx_table_dir *t, unsigned which)
{
	wr_pad(w);
	memset(t, 0, sizeof(*t));
	t->offset = w->pos;
	t->rec_size = gx_table_rec_size[which];
}

static void
table_end(struct writer *w, struct gx_table_dir *t, unsigned which)
{
	t->count = (w->pos - t->offset) / gx_table_rec_size[which];
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

static void
late_count_fn(void *ctx, const void *recs, size_t n)
{
	struct late_spans *ls = ctx;
	const struct gx_span_rec *s = recs;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i].g < ls->ng)
			ls->first[s[i].g + 1]++;
		else
			ls->dropped++;
	}
}

static void
late_gather_fn(void *ctx, const void *recs, size_t n)
{
	struct late_spans *ls = ctx;
	const struct gx_span_rec *s = recs;
	size_t i;

	/* first[g] is the next free slot of g while gathering */
	for (i = 0; i < n; i++)
		if (s[i].g < ls->ng)
			ls->v[ls->first[s[i].g]++] = s[i];
}

/* Read the late spill into ls. Returns 0 or an errno. */
static int
late_read(const struct gx_builder *b, struct spill_rd *rd, struct late_spans *ls)
{
	size_t g;
	int e;

	memset(ls, 0, sizeof(*ls));
	ls->ng = b->ng;
	ls->first = xcalloc(b->ng + 2, sizeof(*ls->first));
	if (b->late.count == 0)
		return 0;
	if ((e = spill_each(&b->late, rd, late_count_fn, ls)) != 0)
		return e;
	for (g = 0; g < b->ng; g++)
		ls->first[g + 1] += ls->first[g];
	ls->n = ls->first[b->ng];
	ls->v = xreallocarray(NULL, ls->n + 1, sizeof(*ls->v));
	if ((e = spill_each(&b->late, rd, late_gather_fn, ls)) != 0)
		return e;
	/* gathering moved every first[g] to first[g + 1]: shift back */
	memmove(ls->first + 1, ls->first, b->ng * sizeof(*ls->first));
	ls->first[0] = 0;
	return 0;
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
	struct spill_rd rd;
	char *dir = NULL, *tmp = NULL;
	size_t i, ng = b->ng;
	int fd, e, rc = -1;

	memset(&w, 0, sizeof(w));
	memset(&ls, 0, sizeof(ls));
	memset(&pk, 0, sizeof(pk));
	memset(&rd, 0, sizeof(rd));
	w.fd = -1;

	gx_pipe_finish(b->pipe);
	b->pipe = NULL;
	e = gx_chains_finish(b->spans);
	if (e == 0)
		e = gx_chains_finish(b->events);
	if (e == 0)
		e = gx_chains_finish(b->pspans);
	if (e != 0 || b->late.err) {
		e = e ? e : b->late.err;
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

	if ((e = late_read(b, &rd, &ls)) != 0)
		goto spill_error;
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
	w.buf = xmalloc(SPILL_BLOCK);

	/* The header goes first, once more at the end with the directory:
	 * packed tables know their size only once written. */
	wr_put(&w, &h, sizeof(h));
	b->soff[b->nstr] = b->blob.len;
	table_begin(&w, &h.tables[GX_T_STR_OFFS], GX_T_STR_OFFS);
	wr_put(&w, b->soff, (b->nstr + 1) * sizeof(*b->soff));
	table_end(&w, &h.tables[GX_T_STR_OFFS], GX_T_STR_OFFS);
	table_begin(&w, &h.tables[GX_T_STR_BLOB], GX_T_STR_BLOB);
	wr_put(&w, b->blob.data, b->blob.len);
	table_end(&w, &h.tables[GX_T_STR_BLOB], GX_T_STR_BLOB);
	table_begin(&w, &h.tables[GX_T_FRAMES], GX_T_FRAMES);
	wr_put(&w, b->frames, b->nframes * sizeof(*b->frames));
	table_end(&w, &h.tables[GX_T_FRAMES], GX_T_FRAMES);
	table_begin(&w, &h.tables[GX_T_STACKS], GX_T_STACKS);
	wr_put(&w, b->stacks, b->nstacks * sizeof(*b->stacks));
	table_end(&w, &h.tables[GX_T_STACKS], GX_T_STACKS);
	table_begin(&w, &h.tables[GX_T_STACK_FRAMES], GX_T_STACK_FRAMES);
	wr_put(&w, b->sf, b->nsf * sizeof(*b->sf));
	table_end(&w, &h.tables[GX_T_STACK_FRAMES], GX_T_STACK_FRAMES);

	/* Spans, one packed chain per goroutine in id order; boff[i] is where
	 * goroutine i's starts. A chain in order is copied as it is. */
	table_begin(&w, &h.tables[GX_T_SPANS], GX_T_SPANS);
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
	table_end(&w, &h.tables[GX_T_SPANS], GX_T_SPANS);

	/* Goroutines, sorted by id. */
	table_begin(&w, &h.tables[GX_T_GOROUTINES], GX_T_GOROUTINES);
	for (i = 0; i < ng; i++) {
		struct gx_goroutine_rec g = b->gs[order[i]];

		g.first_span = boff[i];
		g.span_count = cnt[i] > UINT32_MAX ? UINT32_MAX : (uint32_t)cnt[i];
		wr_put(&w, &g, sizeof(g));
	}
	table_end(&w, &h.tables[GX_T_GOROUTINES], GX_T_GOROUTINES);

	/* The goroutine map of events and P spans. */
	table_begin(&w, &h.tables[GX_T_GMAP], GX_T_GMAP);
	wr_put(&w, newidx, ng * sizeof(*newidx));
	table_end(&w, &h.tables[GX_T_GMAP], GX_T_GMAP);

	/* Events, in time order. */
	table_begin(&w, &h.tables[GX_T_EVENTS], GX_T_EVENTS);
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
	table_end(&w, &h.tables[GX_T_EVENTS], GX_T_EVENTS);

	table_begin(&w, &h.tables[GX_T_PSPANS], GX_T_PSPANS);
	gx_chains_bytes(b->pspans, 0, wr_put_fn, &w);
	h.tables[GX_T_PSPANS].records = gx_chains_count(b->pspans, 0);
	table_end(&w, &h.tables[GX_T_PSPANS], GX_T_PSPANS);
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

	table_begin(&w, &h.tables[GX_T_DIAGS], GX_T_DIAGS);
	wr_put(&w, b->diags, b->ndiags * sizeof(*b->diags));
	table_end(&w, &h.tables[GX_T_DIAGS], GX_T_DIAGS);
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
	goto out;

spill_error:
	gx_diag_add(d, GX_ERROR, path, GX_NOWHERE, GX_NOWHERE,
	            "cannot read back a temporary file: %s", strerror(e));
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
	spill_rd_free(&rd);
	free(dir);
	return rc;
}
