/* store_chains: the builder's packed record chains (see store_chains.h). */
#include "config.h"

#include "store_chains.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gotrex/util.h"
#include "store_codec.h"
#include "store_file.h"

#define STAGE_BYTES (1u << 20) /* spill writes are gathered up to this */
#define MAP_RELEASE (32u << 20) /* spill bytes read before the map is let go */

struct chain {
	unsigned char *buf;        /* packed bytes not flushed yet */
	size_t len, cap;
	uint64_t count;
	unsigned char last[CODEC_MAX_REC]; /* the next record is coded against it */
	bool unsorted;
};

/* A flushed piece of one chain. */
struct segment {
	uint64_t off;
	uint64_t len;
	uint32_t g;
};

struct gx_chains {
	char *dir;
	const struct codec *codec;
	size_t rec_size;
	int64_t (*key)(const void *rec);
	struct chain *ch;
	size_t nch;
	size_t held, flush_recs;   /* records in memory, and the bound */
	int fd;                    /* spill file, -1 until the first flush */
	bool in_memory;            /* no spill file could be made: keep all */
	int err;
	uint64_t file_bytes;
	unsigned char *stage;
	size_t nstage;
	struct segment *seg;
	size_t nseg, seg_cap;
	/* after finish */
	const unsigned char *map;
	size_t map_len;
	size_t mapped_read;        /* bytes read through the map since the
	                              last MADV_DONTNEED */
	size_t *by_g;              /* segment indexes grouped by goroutine */
	size_t *g_first;           /* nch + 1 starts into by_g */
};

struct gx_chains *
gx_chains_new(const char *tmpdir, size_t flush_recs, const struct codec *codec,
              size_t rec_size, int64_t (*key)(const void *rec))
{
	struct gx_chains *c = xcalloc(1, sizeof(*c));

	if (rec_size > CODEC_MAX_REC)
		gx_fatal("store_chains: record too big");
	c->dir = tmpdir != NULL ? xstrdup(tmpdir) : NULL;
	c->codec = codec;
	c->rec_size = rec_size;
	c->key = key;
	c->flush_recs = flush_recs > 0 ? flush_recs : 1;
	c->fd = -1;
	return c;
}

void
gx_chains_free(struct gx_chains *c)
{
	size_t g;

	if (c == NULL)
		return;
	for (g = 0; g < c->nch; g++)
		free(c->ch[g].buf);
	free(c->ch);
	if (c->map != NULL)
		munmap((void *)c->map, c->map_len);
	if (c->fd >= 0)
		close(c->fd);
	free(c->stage);
	free(c->seg);
	free(c->by_g);
	free(c->g_first);
	free(c->dir);
	free(c);
}

/* Append n bytes to the spill file; the first failure is kept. */
static void
spill_write(struct gx_chains *c, const void *p, size_t n)
{
	if (n > 0 && c->err == 0 && !gx_store_write_all(c->fd, p, n))
		c->err = errno != 0 ? errno : EIO;
	c->file_bytes += n;
}

static void
stage_flush(struct gx_chains *c)
{
	spill_write(c, c->stage, c->nstage);
	c->nstage = 0;
}

/* Every chain's bytes in memory become a segment of the spill file. */
static void
flush(struct gx_chains *c)
{
	size_t g;

	c->held = 0;
	if (c->in_memory)
		return;
	if (c->fd < 0) {
		c->fd = gx_store_spill_open(c->dir);
		if (c->fd < 0) {
			c->in_memory = true;
			return;
		}
		c->stage = xmalloc(STAGE_BYTES);
	}
	for (g = 0; g < c->nch; g++) {
		struct chain *ch = &c->ch[g];
		struct segment *s;

		if (ch->len == 0)
			continue;
		gx_grow(&c->seg, &c->seg_cap, c->nseg + 1, sizeof(*c->seg));
		s = &c->seg[c->nseg++];
		s->off = c->file_bytes + c->nstage;
		s->len = ch->len;
		s->g = (uint32_t)g;
		if (c->nstage + ch->len > STAGE_BYTES)
			stage_flush(c);
		if (ch->len > STAGE_BYTES) {
			spill_write(c, ch->buf, ch->len);
		} else {
			memcpy(c->stage + c->nstage, ch->buf, ch->len);
			c->nstage += ch->len;
		}
		ch->len = 0;
	}
	stage_flush(c);
}

void
gx_chains_add(struct gx_chains *c, uint32_t i, const void *rec)
{
	unsigned char out[CODEC_MAX_REC * 2];
	struct chain *ch;
	size_t n;

	if (i >= c->nch) {
		size_t old = c->nch;

		gx_grow(&c->ch, &c->nch, (size_t)i + 1, sizeof(*c->ch));
		memset(c->ch + old, 0, (c->nch - old) * sizeof(*c->ch));
	}
	ch = &c->ch[i];
	if (c->key != NULL && ch->count > 0 && c->key(rec) < c->key(ch->last))
		ch->unsorted = true;
	n = c->codec->put(ch->last, rec, out);
	if (ch->len + n > ch->cap)
		gx_grow(&ch->buf, &ch->cap, ch->len + n, 1);
	memcpy(ch->buf + ch->len, out, n);
	ch->len += n;
	memcpy(ch->last, rec, c->rec_size);
	ch->count++;
	if (++c->held >= c->flush_recs)
		flush(c);
}

uint64_t
gx_chains_count(const struct gx_chains *c, uint32_t g)
{
	return g < c->nch ? c->ch[g].count : 0;
}

bool
gx_chains_sorted(const struct gx_chains *c, uint32_t g)
{
	return g >= c->nch || !c->ch[g].unsorted;
}

int
gx_chains_finish(struct gx_chains *c)
{
	size_t i, g, *at;

	if (c->g_first != NULL)
		return 0; /* finished already: a second write of the same builder */
	if (c->fd >= 0)
		stage_flush(c);
	if (c->err != 0)
		return c->err;
	if (c->file_bytes > 0) {
		void *m;

		if (c->file_bytes > SIZE_MAX)
			return EFBIG;
		m = mmap(NULL, (size_t)c->file_bytes, PROT_READ, MAP_PRIVATE, c->fd, 0);
		if (m == MAP_FAILED)
			return errno;
		c->map = m;
		c->map_len = (size_t)c->file_bytes;
	}
	/* Segments grouped by goroutine, each goroutine's in file order. */
	c->g_first = xcalloc(c->nch + 1, sizeof(*c->g_first));
	for (i = 0; i < c->nseg; i++)
		c->g_first[c->seg[i].g + 1]++;
	for (g = 0; g < c->nch; g++)
		c->g_first[g + 1] += c->g_first[g];
	c->by_g = xreallocarray(NULL, c->nseg + 1, sizeof(*c->by_g));
	at = xreallocarray(NULL, c->nch + 1, sizeof(*at));
	memcpy(at, c->g_first, (c->nch + 1) * sizeof(*at));
	for (i = 0; i < c->nseg; i++)
		c->by_g[at[c->seg[i].g]++] = i;
	free(at);
	return 0;
}

void
gx_chains_bytes(struct gx_chains *c, uint32_t g,
                void (*out)(void *ctx, const void *p, size_t n), void *ctx)
{
	size_t k;

	if (g >= c->nch || c->g_first == NULL)
		return;
	for (k = c->g_first[g]; k < c->g_first[g + 1]; k++) {
		const struct segment *s = &c->seg[c->by_g[k]];

		if (s->off > c->map_len || s->len > c->map_len - s->off)
			continue;
		out(ctx, c->map + s->off, (size_t)s->len);
		/* Pages read stay in the page cache, not in our memory. */
		c->mapped_read += (size_t)s->len;
		if (c->mapped_read >= MAP_RELEASE) {
			(void)madvise((void *)c->map, c->map_len, MADV_DONTNEED);
			c->mapped_read = 0;
		}
	}
	if (c->ch[g].len > 0)
		out(ctx, c->ch[g].buf, c->ch[g].len);
}

struct unpack_ctx {
	const struct gx_chains *c;
	unsigned char *v;
	size_t n, want;
	unsigned char prev[CODEC_MAX_REC];
};

static void
unpack_piece(void *ctx, const void *p, size_t len)
{
	struct unpack_ctx *u = ctx;
	size_t rs = u->c->rec_size;

	u->n += codec_unpack(u->c->codec, rs, u->prev, p, len, u->v + u->n * rs, u->want - u->n);
}

size_t
gx_chains_unpack(struct gx_chains *c, uint32_t i, void **v)
{
	struct unpack_ctx u;

	memset(&u, 0, sizeof(u));
	u.c = c;
	u.want = (size_t)gx_chains_count(c, i);
	u.v = xreallocarray(NULL, u.want + 1, c->rec_size);
	gx_chains_bytes(c, i, unpack_piece, &u);
	*v = u.v;
	return u.n;
}
