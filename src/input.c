/* input: buffered reading of a path, stdin or memory, gzip undone with
 * zlib's inflate, and format sniffing from the first decompressed bytes.
 *
 * We drive inflate ourselves rather than through gzread: one code path for
 * files, pipes and memory, concatenated gzip members, and exact messages
 * and offsets for truncated or corrupt data. */
#include "config.h"

#include "gotrex/input.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "gotrex/util.h"

#define RAW_CHUNK (64 * 1024)
#define PEEK_SIZE (64 * 1024)
#define BUF_INIT (256 * 1024)
#define HASH_SPAN (64 * 1024)
#define SLURP_MAX ((size_t)1 << 30)
#define LINE_MAX_BYTES ((size_t)256 << 20) /* longest line getline returns */

struct gx_input {
	char *name;
	int fd;                 /* -1 for memory inputs */
	bool is_stdin;
	bool gzip;
	bool regular;

	/* raw (on-disk) bytes */
	unsigned char *mem;     /* memory input: all of it */
	size_t mem_len, mem_pos;
	unsigned char *raw;
	size_t raw_len, raw_pos;
	bool raw_eof;

	z_stream z;
	bool z_init;
	bool z_member_done;     /* the current gzip member ended */

	/* decompressed bytes: buf[start, end) not yet returned */
	unsigned char *buf;
	size_t cap, start, end;
	size_t scan;            /* getline: bytes from start known to hold no '\n' */
	uint64_t off;           /* decompressed offset of buf[start] */
	bool eof;               /* no more bytes after end */

	/* a read error met while filling; reported when the reader reaches it */
	char *err;
	uint64_t err_off;
	bool err_reported;
	char *warn;             /* a warning to report once (trailing garbage) */
	uint64_t warn_off;

	enum gx_format fmt;
	bool have_id;
	struct gx_source_id id;
};

const char *
gx_format_name(enum gx_format f)
{
	switch (f) {
	case GX_FMT_UNKNOWN:
		return "unknown";
	case GX_FMT_TRACE_V2:
		return "trace-v2";
	case GX_FMT_TRACE_V1:
		return "trace-v1";
	case GX_FMT_DUMP_TEXT:
		return "dump";
	case GX_FMT_PPROF_DEBUG1:
		return "pprof-debug1";
	case GX_FMT_PPROF_PROTO:
		return "pprof-proto";
	}
	return "unknown";
}

/* ---- raw bytes ---------------------------------------------------- */

/* Read more raw bytes into in->raw. Returns >0, 0 at the end, -1 on error
 * (in->err set). */
static ssize_t
raw_fill(struct gx_input *in)
{
	ssize_t r;

	if (in->raw_pos < in->raw_len)
		return (ssize_t)(in->raw_len - in->raw_pos);
	in->raw_pos = in->raw_len = 0;
	if (in->raw_eof)
		return 0;
	if (in->fd < 0) {
		size_t n = in->mem_len - in->mem_pos;

		if (n > RAW_CHUNK)
			n = RAW_CHUNK;
		memcpy(in->raw, in->mem + in->mem_pos, n);
		in->mem_pos += n;
		r = (ssize_t)n;
	} else {
		do
			r = read(in->fd, in->raw, RAW_CHUNK);
		while (r < 0 && errno == EINTR);
		if (r < 0) {
			in->err = xasprintf("read failed: %s", strerror(errno));
			return -1;
		}
	}
	if (r == 0)
		in->raw_eof = true;
	in->raw_len = (size_t)r;
	return r;
}

static bool
at_gzip_magic(struct gx_input *in)
{
	/* Both magic bytes must be in the raw buffer; pull more if needed. */
	if (in->raw_len - in->raw_pos == 1 && !in->raw_eof) {
		unsigned char first = in->raw[in->raw_pos];

		in->raw_pos = in->raw_len = 0;
		in->raw[0] = first;
		if (in->fd < 0) {
			if (in->mem_pos < in->mem_len)
				in->raw[1] = in->mem[in->mem_pos++];
			else
				return false;
		} else {
			ssize_t r;

			do
				r = read(in->fd, in->raw + 1, 1);
			while (r < 0 && errno == EINTR);
			if (r <= 0) {
				in->raw_len = 1;
				if (r == 0)
					in->raw_eof = true;
				return false;
			}
		}
		in->raw_len = 2;
	}
	return in->raw_len - in->raw_pos >= 2 && in->raw[in->raw_pos] == 0x1f &&
	       in->raw[in->raw_pos + 1] == 0x8b;
}

/* Produce up to n decompressed bytes into dst. Returns the count, 0 at
 * the end, -1 on error (in->err set; produced bytes before it are kept). */
static ssize_t
produce(struct gx_input *in, unsigned char *dst, size_t n, uint64_t at)
{
	if (!in->gzip) {
		ssize_t r;
		size_t k;

		if (in->raw_pos == in->raw_len && in->fd >= 0 && !in->raw_eof) {
			/* Straight into dst: no copy through the raw buffer. */
			do
				r = read(in->fd, dst, n > SSIZE_MAX ? SSIZE_MAX : n);
			while (r < 0 && errno == EINTR);
			if (r < 0) {
				in->err = xasprintf("read failed: %s", strerror(errno));
				return -1;
			}
			if (r == 0)
				in->raw_eof = true;
			return r;
		}
		r = raw_fill(in);
		if (r <= 0)
			return r;
		k = in->raw_len - in->raw_pos;
		if (k > n)
			k = n;
		memcpy(dst, in->raw + in->raw_pos, k);
		in->raw_pos += k;
		return (ssize_t)k;
	}
	for (;;) {
		size_t avail;
		ssize_t r;
		int ret;

		if (in->z_member_done) {
			r = raw_fill(in);
			if (r < 0)
				return -1;
			if (r == 0)
				return 0;
			if (!at_gzip_magic(in)) {
				/* Like gzip -d: what follows the last member is ignored. */
				in->warn = xstrdup("data after the end of the gzip stream ignored");
				in->warn_off = at;
				in->raw_eof = true;
				in->raw_pos = in->raw_len;
				return 0;
			}
			if (inflateReset(&in->z) != Z_OK) {
				in->err = xstrdup("corrupt gzip data (cannot reset the decompressor)");
				return -1;
			}
			in->z_member_done = false;
		}
		r = raw_fill(in);
		if (r < 0)
			return -1;
		if (r == 0) {
			in->err = xstrdup("truncated gzip data (unexpected end of file)");
			return -1;
		}
		avail = in->raw_len - in->raw_pos;
		in->z.next_in = in->raw + in->raw_pos;
		in->z.avail_in = (uInt)avail;
		in->z.next_out = dst;
		in->z.avail_out = (uInt)(n > UINT32_MAX ? UINT32_MAX : n);
		{
			uInt out0 = in->z.avail_out;

			ret = inflate(&in->z, Z_NO_FLUSH);
			in->raw_pos = in->raw_len - in->z.avail_in;
			if (ret == Z_STREAM_END)
				in->z_member_done = true;
			else if (ret != Z_OK && ret != Z_BUF_ERROR) {
				size_t got = out0 - in->z.avail_out;

				in->err = xasprintf("corrupt gzip data (%s)",
				                    in->z.msg != NULL ? in->z.msg : "inflate failed");
				in->err_off = at + got;
				if (got > 0)
					return (ssize_t)got;
				return -1;
			}
			if (out0 - in->z.avail_out > 0)
				return (ssize_t)(out0 - in->z.avail_out);
		}
	}
}

/* Add more decompressed bytes to the buffer (compacting or growing it).
 * Returns >0, 0 at the end, -1 on error. */
static ssize_t
fill(struct gx_input *in)
{
	ssize_t r;

	if (in->eof || in->err != NULL)
		return in->err != NULL ? -1 : 0;
	if (in->end == in->cap) {
		if (in->start > 0) {
			memmove(in->buf, in->buf + in->start, in->end - in->start);
			in->end -= in->start;
			in->start = 0;
		} else {
			gx_grow(&in->buf, &in->cap, in->cap + 1, 1);
		}
	}
	r = produce(in, in->buf + in->end, in->cap - in->end, in->off + (in->end - in->start));
	if (r > 0) {
		in->end += (size_t)r;
		return r;
	}
	if (r == 0) {
		in->eof = true;
		return 0;
	}
	if (in->err_off == 0)
		in->err_off = in->off + (in->end - in->start);
	return -1;
}

static void
report(struct gx_input *in, struct gx_diag *d)
{
	if (in->warn != NULL) {
		if (d != NULL)
			gx_diag_add(d, GX_WARNING, in->name, GX_NOWHERE, in->warn_off, "%s", in->warn);
		free(in->warn);
		in->warn = NULL;
	}
	if (in->err != NULL && !in->err_reported && in->start == in->end) {
		if (d != NULL)
			gx_diag_add(d, GX_ERROR, in->name, GX_NOWHERE, in->err_off, "%s", in->err);
		in->err_reported = true;
	}
}

/* ---- sniffing ----------------------------------------------------- */

static bool
has_prefix(const unsigned char *p, size_t n, const char *s)
{
	size_t k = strlen(s);

	return n >= k && memcmp(p, s, k) == 0;
}

/* "go 1.NN trace" padded with NULs to 16 bytes: the minor, or -1. */
static int
trace_minor(const unsigned char *p, size_t n)
{
	size_t i = 5;
	int minor = 0;

	if (n < 16 || !has_prefix(p, n, "go 1."))
		return -1;
	if (p[i] < '0' || p[i] > '9')
		return -1;
	while (i < 16 && p[i] >= '0' && p[i] <= '9') {
		minor = minor * 10 + (p[i] - '0');
		if (minor > 1000)
			return -1;
		i++;
	}
	if (i + 6 > 16 || memcmp(p + i, " trace", 6) != 0)
		return -1;
	for (i += 6; i < 16; i++)
		if (p[i] != 0)
			return -1;
	return minor;
}

/* Length of the valid UTF-8 sequence at p, or 0. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	size_t k, i;
	uint32_t c;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		k = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		k = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		k = 4, c = p[0] & 0x07;
	else
		return 0;
	if (n < k)
		return 0;
	for (i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((k == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (k == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	return k;
}

/* Per mille of bytes that look like text (printable ASCII, whitespace,
 * valid UTF-8; a cut UTF-8 sequence at the very end counts as text). */
static unsigned
text_permille(const unsigned char *p, size_t n, bool *has_nul)
{
	size_t i = 0, good = 0;

	*has_nul = false;
	if (n == 0)
		return 0;
	while (i < n) {
		unsigned char c = p[i];
		size_t k;

		if (c == 0)
			*has_nul = true;
		if (c == '\t' || c == '\n' || c == '\r' || c == '\f' || (c >= 0x20 && c < 0x7f)) {
			good++;
			i++;
			continue;
		}
		if (c >= 0x80) {
			k = utf8_len(p + i, n - i);
			if (k == 0 && n - i < 4 && c >= 0xc2)
				k = n - i; /* cut by the end of the peek */
			if (k > 0) {
				good += k;
				i += k;
				continue;
			}
		}
		i++;
	}
	return (unsigned)(good * 1000 / n);
}

/* A goroutine header "goroutine N [" anywhere on a line, a line starting
 * (after any prefix) with "panic: ", "fatal error: " or "SIGQUIT: quit". */
bool
gx_input_dump_marker(const void *text, size_t n)
{
	const unsigned char *p = text;
	static const char *const markers[] = { "panic: ", "fatal error: ", "SIGQUIT: quit" };
	size_t i, j;

	for (i = 0; i + 12 < n; i++) {
		if (p[i] != 'g' || memcmp(p + i, "goroutine ", 10) != 0)
			continue;
		j = i + 10;
		if (j >= n || p[j] < '0' || p[j] > '9')
			continue;
		while (j < n && p[j] >= '0' && p[j] <= '9')
			j++;
		if (j + 1 < n && p[j] == ' ' && p[j + 1] == '[')
			return true;
	}
	for (i = 0; i < GX_ARRAY_SIZE(markers); i++) {
		size_t k = strlen(markers[i]);

		for (j = 0; j + k <= n; j++)
			if (p[j] == (unsigned char)markers[i][0] && memcmp(p + j, markers[i], k) == 0)
				return true;
	}
	return false;
}

static bool
pb_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	unsigned shift;

	*v = 0;
	for (shift = 0; shift < 70 && *p < end; shift += 7) {
		unsigned char c = *(*p)++;

		*v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return true;
	}
	return false;
}

/* A ValueType message: fields 1 and 2, varints. */
static bool
pb_valuetype_ok(const unsigned char *p, const unsigned char *end)
{
	while (p < end) {
		uint64_t key, v;

		if (!pb_varint(&p, end, &key) || (key != 0x08 && key != 0x10) ||
		    !pb_varint(&p, end, &v))
			return false;
	}
	return true;
}

/* Does the peek start like a profile.proto message? Every field in the
 * peek must have a number and wire type profile.proto allows; length-
 * delimited fields must fit the data (when the peek is all of it) and
 * ValueTypes must parse. */
static bool
looks_like_profile(const unsigned char *p, size_t n, bool whole)
{
	const unsigned char *end = p + n;
	unsigned fields = 0;

	while (p < end && fields < 64) {
		uint64_t key, v, num;
		unsigned wt;

		if (!pb_varint(&p, end, &key))
			return !whole && fields >= 2;
		num = key >> 3;
		wt = (unsigned)(key & 7);
		if (num < 1 || num > 16)
			return false;
		if (num <= 6 || num == 11 || num == 16) {
			if (wt != 2 && !(num == 13 && wt == 0))
				return false;
		} else if (wt != 0 && !(num == 13 && wt == 2)) {
			return false;
		}
		if (wt == 0) {
			if (!pb_varint(&p, end, &v))
				return !whole && fields >= 2;
		} else {
			if (!pb_varint(&p, end, &v))
				return !whole && fields >= 2;
			if (v > (uint64_t)(end - p)) {
				if (whole)
					return false;
				return fields >= 1 || v < ((uint64_t)1 << 32);
			}
			if ((num == 1 || num == 11) && !pb_valuetype_ok(p, p + v))
				return false;
			p += v;
		}
		fields++;
	}
	return fields >= 1;
}

static enum gx_format
sniff(const unsigned char *p, size_t n, bool whole)
{
	int minor;
	size_t i;
	bool nul;
	unsigned tp;

	if (n == 0)
		return GX_FMT_UNKNOWN;
	minor = trace_minor(p, n);
	if (minor >= 0)
		return minor >= 22 ? GX_FMT_TRACE_V2 : GX_FMT_TRACE_V1;

	/* debug=1 profiles: after blank lines only. */
	for (i = 0; i < n && (p[i] == '\n' || p[i] == '\r' || p[i] == ' ' || p[i] == '\t'); i++)
		;
	if (has_prefix(p + i, n - i, "goroutine profile: total ") ||
	    has_prefix(p + i, n - i, "goroutineleak profile: total ") ||
	    has_prefix(p + i, n - i, "threadcreate profile: total ") ||
	    has_prefix(p + i, n - i, "--- mutex:") ||
	    has_prefix(p + i, n - i, "--- contention:"))
		return GX_FMT_PPROF_DEBUG1;

	tp = text_permille(p, n, &nul);
	if (tp < 950 && looks_like_profile(p, n, whole))
		return GX_FMT_PPROF_PROTO;
	if (tp >= 800 && gx_input_dump_marker(p, n))
		return GX_FMT_DUMP_TEXT;
	if (tp >= 950 && !nul)
		return GX_FMT_DUMP_TEXT;
	return GX_FMT_UNKNOWN;
}

/* ---- opening ------------------------------------------------------ */

static void
compute_identity(struct gx_input *in, const struct stat *st)
{
	unsigned char *tmp;
	uint64_t h = GX_HASH_SEED;
	size_t len;
	ssize_t r;
	off_t at;

	in->id.size = (uint64_t)st->st_size;
	in->id.mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	in->id.dev = (uint64_t)st->st_dev;
	in->id.ino = (uint64_t)st->st_ino;
	h = gx_hash64(&in->id.size, sizeof(in->id.size), h);
	tmp = xmalloc(HASH_SPAN);
	len = (uint64_t)st->st_size < HASH_SPAN ? (size_t)st->st_size : HASH_SPAN;
	do
		r = pread(in->fd, tmp, len, 0);
	while (r < 0 && errno == EINTR);
	if (r > 0)
		h = gx_hash64(tmp, (size_t)r, h);
	at = st->st_size > HASH_SPAN ? st->st_size - HASH_SPAN : 0;
	if (at > 0) {
		do
			r = pread(in->fd, tmp, HASH_SPAN, at);
		while (r < 0 && errno == EINTR);
		if (r > 0)
			h = gx_hash64(tmp, (size_t)r, h);
	}
	free(tmp);
	in->id.head_tail_hash = h;
	in->have_id = true;
}

/* Common part: detect gzip, fill the peek, sniff. */
static void
start(struct gx_input *in)
{
	in->raw = xmalloc(RAW_CHUNK);
	in->cap = BUF_INIT;
	in->buf = xmalloc(in->cap);
	if (raw_fill(in) > 0 && at_gzip_magic(in)) {
		memset(&in->z, 0, sizeof(in->z));
		if (inflateInit2(&in->z, 16 + MAX_WBITS) != Z_OK)
			gx_fatal("cannot initialise zlib");
		in->z_init = true;
		in->gzip = true;
	}
	while (in->end < PEEK_SIZE && fill(in) > 0)
		;
	in->fmt = sniff(in->buf, in->end, in->eof);
}

struct gx_input *
gx_input_open(const char *path, struct gx_diag *d)
{
	struct gx_input *in;
	struct stat st;
	int fd;

	if (strcmp(path, "-") == 0) {
		fd = fcntl(0, F_DUPFD_CLOEXEC, 3);
		if (fd < 0) {
			gx_diag_add(d, GX_ERROR, "<stdin>", GX_NOWHERE, GX_NOWHERE,
			            "cannot read standard input: %s", strerror(errno));
			return NULL;
		}
	} else {
		do
			fd = open(path, O_RDONLY | O_CLOEXEC);
		while (fd < 0 && errno == EINTR);
		if (fd < 0) {
			gx_diag_add(d, GX_ERROR, path, GX_NOWHERE, GX_NOWHERE,
			            "cannot open: %s", strerror(errno));
			return NULL;
		}
	}
	if (fstat(fd, &st) != 0) {
		gx_diag_add(d, GX_ERROR, path, GX_NOWHERE, GX_NOWHERE,
		            "cannot stat: %s", strerror(errno));
		close(fd);
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		gx_diag_add(d, GX_ERROR, path, GX_NOWHERE, GX_NOWHERE, "is a directory");
		close(fd);
		return NULL;
	}
	in = xcalloc(1, sizeof(*in));
	in->fd = fd;
	in->is_stdin = strcmp(path, "-") == 0;
	in->name = xstrdup(in->is_stdin ? "<stdin>" : path);
	in->regular = S_ISREG(st.st_mode);
	if (in->regular && !in->is_stdin)
		compute_identity(in, &st);
	start(in);
	report(in, d); /* a warning met during the peek */
	return in;
}

struct gx_input *
gx_input_open_memory(const char *name, const void *data, size_t len)
{
	struct gx_input *in = xcalloc(1, sizeof(*in));

	in->fd = -1;
	in->name = xstrdup(name != NULL ? name : "<memory>");
	in->mem = xmalloc(len);
	if (len > 0)
		memcpy(in->mem, data, len);
	in->mem_len = len;
	start(in);
	return in;
}

void
gx_input_close(struct gx_input *in)
{
	if (in == NULL)
		return;
	if (in->fd >= 0)
		close(in->fd);
	if (in->z_init)
		inflateEnd(&in->z);
	free(in->name);
	free(in->mem);
	free(in->raw);
	free(in->buf);
	free(in->err);
	free(in->warn);
	free(in);
}

const char *
gx_input_name(const struct gx_input *in)
{
	return in->name;
}

bool
gx_input_is_stdin(const struct gx_input *in)
{
	return in->is_stdin;
}

bool
gx_input_was_gzip(const struct gx_input *in)
{
	return in->gzip;
}

enum gx_format
gx_input_format(struct gx_input *in)
{
	return in->fmt;
}

bool
gx_input_identity(const struct gx_input *in, struct gx_source_id *id)
{
	if (!in->have_id)
		return false;
	*id = in->id;
	return true;
}

uint64_t
gx_input_offset(const struct gx_input *in)
{
	return in->off;
}

/* ---- reading ------------------------------------------------------ */

static void
consume(struct gx_input *in, size_t n)
{
	in->start += n;
	in->off += n;
	in->scan = 0;
	if (in->start == in->end)
		in->start = in->end = 0;
}

ssize_t
gx_input_read(struct gx_input *in, void *dst, size_t n, struct gx_diag *d)
{
	unsigned char *out = dst;
	size_t got = 0;

	if (n > SSIZE_MAX)
		n = SSIZE_MAX;
	while (got < n) {
		size_t k = in->end - in->start;

		if (k == 0) {
			ssize_t r = fill(in);

			if (r == 0)
				break;
			if (r < 0) {
				if (got > 0)
					break;
				report(in, d);
				return -1;
			}
			continue;
		}
		if (k > n - got)
			k = n - got;
		memcpy(out + got, in->buf + in->start, k);
		got += k;
		consume(in, k);
	}
	if (got == 0)
		report(in, d);
	return (ssize_t)got;
}

ssize_t
gx_input_getline(struct gx_input *in, const char **line, struct gx_diag *d)
{
	for (;;) {
		size_t avail = in->end - in->start;
		unsigned char *p = in->buf + in->start;
		unsigned char *nl = NULL;
		size_t len;

		if (in->scan < avail)
			nl = memchr(p + in->scan, '\n', avail - in->scan);
		if (nl != NULL || (avail > 0 && (in->eof || in->err != NULL))) {
			/* A line, or the last line without its '\n'. */
			size_t used;

			if (nl != NULL) {
				len = (size_t)(nl - p);
				used = len + 1;
			} else {
				if (in->end == in->cap)
					gx_grow(&in->buf, &in->cap, in->cap + 1, 1);
				p = in->buf + in->start;
				len = avail;
				used = avail;
			}
			p[len] = '\0';
			if (len > 0 && p[len - 1] == '\r')
				p[--len] = '\0';
			*line = (const char *)p;
			consume(in, used);
			return (ssize_t)len;
		}
		in->scan = avail;
		if (avail >= LINE_MAX_BYTES) {
			if (!in->err_reported)
				gx_diag_add(d, GX_ERROR, in->name, GX_NOWHERE, in->off,
				            "line longer than %zu MiB", (size_t)LINE_MAX_BYTES >> 20);
			in->err_reported = true;
			*line = "";
			return -1;
		}
		{
			ssize_t r = fill(in);

			if (r > 0)
				continue;
			if (in->end > in->start)
				continue; /* emit the unterminated last line */
			report(in, d);
			*line = "";
			return -1;
		}
	}
}

char *
gx_input_slurp(struct gx_input *in, size_t *len, struct gx_diag *d)
{
	struct gx_buf b = {0};

	gx_buf_append(&b, "", 0);
	for (;;) {
		ssize_t r;

		gx_grow(&b.data, &b.cap, b.len + RAW_CHUNK + 1, 1);
		r = gx_input_read(in, b.data + b.len, b.cap - b.len - 1, d);
		if (r < 0) {
			gx_buf_free(&b);
			return NULL;
		}
		if (r == 0)
			break;
		b.len += (size_t)r;
		b.data[b.len] = '\0';
		if (b.len > SLURP_MAX) {
			gx_diag_add(d, GX_ERROR, in->name, GX_NOWHERE, in->off,
			            "input too large to read into memory (more than %zu MiB)",
			            SLURP_MAX >> 20);
			gx_buf_free(&b);
			return NULL;
		}
	}
	*len = b.len;
	return gx_buf_take(&b);
}
