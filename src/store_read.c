/* store_read: the reader of an index file.
 *
 * Opening maps the file and checks the header and the table directory
 * (magic, version, byte order, size, every table within the file and
 * aligned). Records are not walked at open, so a reopen costs the same for
 * any size; instead every accessor checks the ids it follows, so a damaged
 * index gives empty answers, never a read out of bounds. The packed tables
 * (spans, events, P spans) are unpacked the first time they are asked for,
 * a goroutine's spans at a time, and kept until the store is closed. */
#include "config.h"

#include "gotrex/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gotrex/util.h"
#include "store_codec.h"
#include "store_file.h"

/* Records of a packed table unpacked. */
struct unpacked {
	void *v;
	size_t n;
	bool done;
};

/* Where each GX_EVENTS_CHUNK-th event starts, and its time. */
struct event_mark {
	struct gx_event_cursor at;
	int64_t ns;
};

struct event_marks {
	struct event_mark *v;
	size_t n;
};

struct gx_store {
	const unsigned char *map;
	size_t size;
	const struct gx_index_header *h;
	char loader[GX_INDEX_LOADER_MAX];
	const void *t[GX_T_COUNT];   /* table start */
	uint64_t n[GX_T_COUNT];      /* table record count (packed: bytes) */
	/* Unpacked records, made on first use; the pointers handed out stay
	 * valid until close. */
	struct unpacked *spans;      /* per goroutine */
	struct unpacked *events, *pspans;
	struct event_marks *marks;   /* gx_store_events_seek's, NULL until then */
};


const char *
gx_gstate_name(enum gx_gstate s)
{
	switch (s) {
	case GX_G_UNKNOWN:
		return "unknown";
	case GX_G_NOTEXIST:
		return "notexist";
	case GX_G_RUNNABLE:
		return "runnable";
	case GX_G_RUNNING:
		return "running";
	case GX_G_SYSCALL:
		return "syscall";
	case GX_G_WAITING:
		return "waiting";
	case GX_G_DEAD:
		return "dead";
	case GX_G_STATE_COUNT:
		break;
	}
	return "unknown";
}

static const char *
validate(const unsigned char *map, size_t size)
{
	const struct gx_index_header *h = (const void *)map;
	size_t t;

	if (size < sizeof(*h))
		return "file too short for an index header";
	if (memcmp(h->magic, GX_INDEX_MAGIC, 8) != 0)
		return "not a gotrex index (bad magic)";
	if (h->endian != GX_INDEX_ENDIAN)
		return "index written on a machine of another byte order";
	if (h->version != GX_STORE_VERSION)
		return "index of another version";
	if (h->file_size != size)
		return "index file size does not match its header (truncated?)";
	if (h->header_size != sizeof(*h) || h->table_count != GX_T_COUNT)
		return "bad index header size or table count";
	if (memchr(h->loader, '\0', sizeof(h->loader)) == NULL)
		return "bad loader name in index header";
	for (t = 0; t < GX_T_COUNT; t++) {
		const struct gx_table_dir *d = &h->tables[t];

		if (d->rec_size != gx_table_rec_size[t])
			return "bad record size in index table directory";
		if (gx_table_packed((unsigned)t) ? d->records > d->count : d->records != 0)
			return "bad record count of a packed index table";
		if (d->offset % 8 != 0 || d->offset < sizeof(*h) || d->offset > size)
			return "bad table offset in index table directory";
		if (d->count > (size - d->offset) / d->rec_size)
			return "index table runs past the end of the file";
	}
	{
		const struct gx_table_dir *b = &h->tables[GX_T_STR_BLOB];

		if (b->count > 0 && map[b->offset + b->count - 1] != '\0')
			return "index string table not terminated";
	}
	return NULL;
}

struct gx_store *
gx_store_open(const char *path, struct gx_diag *d)
{
	struct gx_store *s;
	struct stat st;
	const char *why;
	void *map;
	int fd;
	size_t t;

	do
		fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		gx_diag_add(d, GX_ERROR, path, GX_NOWHERE, GX_NOWHERE, "cannot open index: %s",
		            strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		gx_diag_add(d, GX_ERROR, path, GX_NOWHERE, GX_NOWHERE, "cannot open index: %s",
		            S_ISREG(st.st_mode) ? strerror(errno) : "not a regular file");
		close(fd);
		return NULL;
	}
	if ((uint64_t)st.st_size < sizeof(struct gx_index_header) ||
	    (uint64_t)st.st_size > SIZE_MAX) {
		gx_diag_add(d, GX_ERROR, path, GX_NOWHERE, GX_NOWHERE,
		            "damaged index: file too short for an index header");
		close(fd);
		return NULL;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		gx_diag_add(d, GX_ERROR, path, GX_NOWHERE, GX_NOWHERE, "cannot map index: %s",
		            strerror(errno));
		return NULL;
	}
	why = validate(map, (size_t)st.st_size);
	if (why != NULL) {
		gx_diag_add(d, GX_ERROR, path, GX_NOWHERE, GX_NOWHERE, "damaged index: %s", why);
		munmap(map, (size_t)st.st_size);
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->map = map;
	s->size = (size_t)st.st_size;
	s->h = map;
	memcpy(s->loader, s->h->loader, sizeof(s->loader));
	for (t = 0; t < GX_T_COUNT; t++) {
		s->t[t] = s->map + s->h->tables[t].offset;
		s->n[t] = s->h->tables[t].count;
	}
	s->spans = xcalloc((size_t)s->n[GX_T_GOROUTINES] + 1, sizeof(*s->spans));
	s->events = xcalloc(1, sizeof(*s->events));
	s->pspans = xcalloc(1, sizeof(*s->pspans));
	return s;
}

void
gx_store_close(struct gx_store *s)
{
	size_t g;

	if (s == NULL)
		return;
	for (g = 0; g < s->n[GX_T_GOROUTINES]; g++)
		free(s->spans[g].v);
	free(s->spans);
	free(s->events->v);
	free(s->events);
	free(s->pspans->v);
	free(s->pspans);
	if (s->marks != NULL) {
		free(s->marks->v);
		free(s->marks);
	}
	munmap((void *)s->map, s->size);
	free(s);
}

/* Unpack up to want records of size rec from in[0..avail) into u. A
 * damaged sequence gives the records before the damage. */
static void
unpack(struct unpacked *u, const struct codec *c, size_t rec,
       const unsigned char *in, uint64_t avail, uint64_t want)
{
	unsigned char prev[CODEC_MAX_REC];

	u->done = true;
	if (want > avail / c->nf)
		want = avail / c->nf; /* a record takes at least a byte a field */
	if (want == 0)
		return;
	memset(prev, 0, sizeof(prev));
	u->v = xreallocarray(NULL, (size_t)want, rec);
	u->n = codec_unpack(c, rec, prev, in, (size_t)avail, u->v, (size_t)want);
}

const struct gx_source_id *
gx_store_source(const struct gx_store *s)
{
	return &s->h->source;
}

const char *
gx_store_loader(const struct gx_store *s)
{
	return s->loader;
}

const struct gx_store_meta *
gx_store_meta(const struct gx_store *s)
{
	return &s->h->meta;
}

const char *
gx_store_str(const struct gx_store *s, gx_str id, size_t *len)
{
	const uint64_t *off = s->t[GX_T_STR_OFFS];
	const char *blob = s->t[GX_T_STR_BLOB];
	uint64_t a, b;

	if (len != NULL)
		*len = 0;
	if ((uint64_t)id + 1 >= s->n[GX_T_STR_OFFS])
		return "";
	a = off[id];
	b = off[id + 1];
	if (a >= b || b > s->n[GX_T_STR_BLOB] || blob[b - 1] != '\0')
		return "";
	if (len != NULL)
		*len = (size_t)(b - a - 1);
	return blob + a;
}

static const struct gx_stack_rec *
stack_rec(const struct gx_store *s, gx_stack id)
{
	const struct gx_stack_rec *st;

	if (id >= s->n[GX_T_STACKS])
		return NULL;
	st = (const struct gx_stack_rec *)s->t[GX_T_STACKS] + id;
	if (st->first > s->n[GX_T_STACK_FRAMES] ||
	    st->count > s->n[GX_T_STACK_FRAMES] - st->first)
		return NULL;
	return st;
}

size_t
gx_store_stack_depth(const struct gx_store *s, gx_stack id)
{
	const struct gx_stack_rec *st = stack_rec(s, id);

	return st != NULL ? st->count : 0;
}

const struct gx_frame_rec *
gx_store_stack_frame(const struct gx_store *s, gx_stack id, size_t i)
{
	const struct gx_stack_rec *st = stack_rec(s, id);
	uint32_t f;

	if (st == NULL || i >= st->count)
		return NULL;
	f = ((const uint32_t *)s->t[GX_T_STACK_FRAMES])[st->first + i];
	if (f >= s->n[GX_T_FRAMES])
		return NULL;
	return (const struct gx_frame_rec *)s->t[GX_T_FRAMES] + f;
}

size_t
gx_store_stack_count(const struct gx_store *s)
{
	return (size_t)s->n[GX_T_STACKS];
}

size_t
gx_store_goroutine_count(const struct gx_store *s)
{
	return (size_t)s->n[GX_T_GOROUTINES];
}

const struct gx_goroutine_rec *
gx_store_goroutine(const struct gx_store *s, size_t index)
{
	if (index >= s->n[GX_T_GOROUTINES])
		return NULL;
	return (const struct gx_goroutine_rec *)s->t[GX_T_GOROUTINES] + index;
}

uint32_t
gx_store_find_goroutine(const struct gx_store *s, uint64_t id)
{
	const struct gx_goroutine_rec *g = s->t[GX_T_GOROUTINES];
	size_t lo = 0, hi = (size_t)s->n[GX_T_GOROUTINES];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (g[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->n[GX_T_GOROUTINES] && g[lo].id == id && lo < GX_NONE32)
		return (uint32_t)lo;
	return GX_NONE32;
}

char *
gx_store_format_id(const struct gx_goroutine_rec *g, char *buf, size_t n)
{
	if (g->flags & GX_G_SYNTH_ID)
		snprintf(buf, n, "#%llu", (unsigned long long)(g->id - GX_SYNTH_ID_BASE));
	else
		snprintf(buf, n, "%llu", (unsigned long long)g->id);
	return buf;
}

const struct gx_span_rec *
gx_store_spans(const struct gx_store *s, size_t g, size_t *n)
{
	const struct gx_goroutine_rec *r = gx_store_goroutine(s, g);
	uint64_t bytes = s->n[GX_T_SPANS];
	struct unpacked *u;

	*n = 0;
	if (r == NULL || r->first_span > bytes)
		return NULL;
	u = &s->spans[g];
	if (!u->done) {
		struct gx_span_rec *v;
		size_t i;

		unpack(u, &span_codec, sizeof(*v), (const unsigned char *)s->t[GX_T_SPANS] +
		       r->first_span, bytes - r->first_span, r->span_count);
		/* the goroutine is the one asked for, whatever the bytes said */
		for (v = u->v, i = 0; i < u->n; i++)
			v[i].g = (uint32_t)g;
	}
	*n = u->n;
	return u->v;
}

void
gx_store_spans_drop(const struct gx_store *s, size_t g)
{
	if (g >= s->n[GX_T_GOROUTINES])
		return;
	free(s->spans[g].v);
	memset(&s->spans[g], 0, sizeof(s->spans[g]));
}

size_t
gx_store_event_count(const struct gx_store *s)
{
	return s->events->done ? s->events->n : (size_t)s->h->tables[GX_T_EVENTS].records;
}

size_t
gx_store_pspan_count(const struct gx_store *s)
{
	return s->pspans->done ? s->pspans->n : (size_t)s->h->tables[GX_T_PSPANS].records;
}

/* A goroutine index of a packed event or P span, mapped to the goroutine
 * table; GX_NONE32 when it names none. */
static uint32_t
map_g(const struct gx_store *s, uint32_t g)
{
	const uint32_t *map = s->t[GX_T_GMAP];

	if (g >= s->n[GX_T_GMAP] || map[g] >= s->n[GX_T_GOROUTINES])
		return GX_NONE32;
	return map[g];
}

/* Unpack packed table t (events or P spans, one sequence) into u, once,
 * mapping the goroutine index found g_off bytes into each record. */
static void
unpack_mapped(const struct gx_store *s, struct unpacked *u, unsigned t, const struct codec *c,
              size_t rec, size_t g_off)
{
	unsigned char *v;
	size_t i;
	uint32_t g;

	if (u->done)
		return;
	unpack(u, c, rec, s->t[t], s->n[t], s->h->tables[t].records);
	for (v = u->v, i = 0; i < u->n; i++) {
		memcpy(&g, v + i * rec + g_off, sizeof(g));
		g = map_g(s, g);
		memcpy(v + i * rec + g_off, &g, sizeof(g));
	}
}

const struct gx_event_rec *
gx_store_events(const struct gx_store *s, size_t *n)
{
	unpack_mapped(s, s->events, GX_T_EVENTS, &event_codec, sizeof(struct gx_event_rec),
	              offsetof(struct gx_event_rec, g));
	*n = s->events->n;
	return s->events->v;
}

size_t
gx_store_events_read(const struct gx_store *s, struct gx_event_cursor *c,
                     struct gx_event_rec *buf, size_t cap)
{
	const unsigned char *in = s->t[GX_T_EVENTS];
	uint64_t avail = s->n[GX_T_EVENTS], total = s->h->tables[GX_T_EVENTS].records;
	size_t k = 0;

	if (s->events->done) {
		/* unpacked already: serve the array */
		if (c->done < s->events->n) {
			k = s->events->n - (size_t)c->done < cap ? s->events->n - (size_t)c->done : cap;
			memcpy(buf, (const struct gx_event_rec *)s->events->v + c->done, k * sizeof(*buf));
			c->done += k;
		}
		return k;
	}
	for (; k < cap && c->done < total && c->pos < avail; k++) {
		size_t got = event_codec.get(&c->prev, in + c->pos, (size_t)(avail - c->pos), &buf[k]);

		if (got == 0) {
			c->pos = avail; /* damaged: what came before it, as gx_store_events */
			break;
		}
		c->pos += got;
		c->done++;
		c->prev = buf[k];
		buf[k].g = map_g(s, buf[k].g);
	}
	return k;
}

static struct event_marks *
event_marks(const struct gx_store *s)
{
	struct event_marks *m = xcalloc(1, sizeof(*m));
	struct gx_event_rec *chunk = xmalloc(GX_EVENTS_CHUNK * sizeof(*chunk));
	struct gx_event_cursor c = { 0 };
	size_t cap = 0, got;

	for (;;) {
		struct gx_event_cursor here = c;

		if ((got = gx_store_events_read(s, &c, chunk, GX_EVENTS_CHUNK)) == 0)
			break;
		gx_grow(&m->v, &cap, m->n + 1, sizeof(*m->v));
		m->v[m->n++] = (struct event_mark){ .at = here, .ns = chunk[0].ns };
	}
	free(chunk);
	return m;
}

void
gx_store_events_seek(const struct gx_store *s, int64_t ns, struct gx_event_cursor *c)
{
	struct event_marks *m;
	size_t lo = 0, hi;

	if (s->marks == NULL)
		((struct gx_store *)s)->marks = event_marks(s); /* a cache: logically const */
	m = s->marks;
	/* The last chunk that starts before ns: an equal time may have
	 * begun in the chunk before the one that starts at ns. */
	hi = m->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->v[mid].ns < ns)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		memset(c, 0, sizeof(*c));
	else
		*c = m->v[lo - 1].at;
}

const struct gx_pspan_rec *
gx_store_pspans(const struct gx_store *s, size_t *n)
{
	unpack_mapped(s, s->pspans, GX_T_PSPANS, &pspan_codec, sizeof(struct gx_pspan_rec),
	              offsetof(struct gx_pspan_rec, g));
	*n = s->pspans->n;
	return s->pspans->v;
}

size_t
gx_store_diag_count(const struct gx_store *s)
{
	return (size_t)s->n[GX_T_DIAGS];
}

const char *
gx_store_diag(const struct gx_store *s, size_t i)
{
	const struct gx_diag_rec *r;

	if (i >= s->n[GX_T_DIAGS])
		return "";
	r = (const struct gx_diag_rec *)s->t[GX_T_DIAGS] + i;
	return gx_store_str(s, r->formatted, NULL);
}

int
gx_store_diag_entry(const struct gx_store *s, size_t i, enum gx_severity *sev,
                    const char **source, uint64_t *line, uint64_t *offset,
                    const char **message)
{
	const struct gx_diag_rec *r;

	if (i >= s->n[GX_T_DIAGS])
		return -1;
	r = (const struct gx_diag_rec *)s->t[GX_T_DIAGS] + i;
	*sev = r->severity == GX_NOTE ? GX_NOTE : r->severity == GX_WARNING ? GX_WARNING : GX_ERROR;
	*source = gx_store_str(s, r->source, NULL);
	*line = r->line;
	*offset = r->offset;
	*message = gx_store_str(s, r->message, NULL);
	return 0;
}
