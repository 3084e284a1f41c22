/* Unit tests of input: memory and file inputs, gzip transparency
 * (including concatenated members, truncated and corrupt data), getline
 * with long lines and CRLF, slurp, identity, and every sniffing case. */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "gotrex/diag.h"
#include "gotrex/input.h"
#include "gotrex/util.h"

#include "test_util.h"

static char tmpdir[PATH_MAX];

static int
setup(void **state)
{
	(void)state;
	return tmpdir_make(tmpdir, sizeof(tmpdir), "input-test");
}

static int
teardown(void **state)
{
	(void)state;
	rm_rf(tmpdir);
	return 0;
}

/* gzip-compress p[0..n) into a new buffer. */
static unsigned char *
gzip_bytes(const void *p, size_t n, size_t *out_len)
{
	z_stream z;
	size_t cap = compressBound((uLong)n) + 64;
	unsigned char *out = xmalloc(cap);

	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

static char *
read_all(struct gx_input *in, size_t *len, struct gx_diag *d)
{
	struct gx_buf b = {0};
	char tmp[777];
	ssize_t r;

	gx_buf_append(&b, "", 0);
	while ((r = gx_input_read(in, tmp, sizeof(tmp), d)) > 0)
		gx_buf_append(&b, tmp, (size_t)r);
	assert_true(r == 0 || r == -1);
	*len = b.len;
	return gx_buf_take(&b);
}

static enum gx_format
sniff_mem(const void *p, size_t n)
{
	struct gx_input *in = gx_input_open_memory("m", p, n);
	enum gx_format f = gx_input_format(in);

	gx_input_close(in);
	return f;
}

static enum gx_format
sniff_str(const char *s)
{
	return sniff_mem(s, strlen(s));
}

static void
test_memory_read(void **state)
{
	static const char text[] = "hello\nworld\n";
	struct gx_diag d = {0};
	struct gx_input *in = gx_input_open_memory("mem", text, strlen(text));
	char buf[4];
	char *all;
	size_t len;

	(void)state;
	assert_string_equal(gx_input_name(in), "mem");
	assert_false(gx_input_was_gzip(in));
	assert_false(gx_input_is_stdin(in));
	{
		struct gx_source_id id;

		assert_false(gx_input_identity(in, &id));
	}
	assert_int_equal(gx_input_offset(in), 0);
	assert_int_equal(gx_input_read(in, buf, 3, &d), 3);
	assert_memory_equal(buf, "hel", 3);
	assert_int_equal(gx_input_offset(in), 3);
	all = read_all(in, &len, &d);
	assert_int_equal(len, strlen(text) - 3);
	assert_string_equal(all, "lo\nworld\n");
	assert_int_equal(gx_input_offset(in), strlen(text));
	assert_int_equal(gx_input_read(in, buf, 3, &d), 0);
	assert_int_equal(d.n, 0);
	free(all);
	gx_input_close(in);
}

static void
test_gzip_memory_and_file(void **state)
{
	struct gx_diag d = {0};
	size_t n = 3 * 1000 * 1000, zlen, len, i;
	char *plain = xmalloc(n), *all;
	unsigned char *z;
	struct gx_input *in;
	char *path = xasprintf("%s/f", tmpdir);
	FILE *f;
	struct gx_source_id id;

	(void)state;
	for (i = 0; i < n; i++)
		plain[i] = (char)('a' + (i * 7 + i / 1000) % 26);
	memcpy(plain, "goroutine 1 [running]:\n", 23);
	z = gzip_bytes(plain, n, &zlen);

	in = gx_input_open_memory("z", z, zlen);
	assert_true(gx_input_was_gzip(in));
	assert_int_equal(gx_input_format(in), GX_FMT_DUMP_TEXT);
	all = read_all(in, &len, &d);
	assert_int_equal(len, n);
	assert_memory_equal(all, plain, n);
	assert_int_equal(gx_input_offset(in), n);
	assert_int_equal(d.n, 0);
	free(all);
	gx_input_close(in);

	/* The same through a file: identity is the on-disk (compressed) file. */
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(z, 1, zlen, f), zlen);
	fclose(f);
	in = gx_input_open(path, &d);
	assert_non_null(in);
	assert_string_equal(gx_input_name(in), path);
	assert_true(gx_input_was_gzip(in));
	assert_true(gx_input_identity(in, &id));
	assert_int_equal(id.size, zlen);
	assert_int_not_equal(id.ino, 0);
	all = gx_input_slurp(in, &len, &d);
	assert_non_null(all);
	assert_int_equal(len, n);
	assert_memory_equal(all, plain, n);
	free(all);
	gx_input_close(in);
	assert_int_equal(d.n, 0);

	free(z);
	free(plain);
	free(path);
}

static void
test_gzip_concatenated(void **state)
{
	struct gx_diag d = {0};
	size_t l1, l2, len;
	unsigned char *a = gzip_bytes("first part\n", 11, &l1);
	unsigned char *b = gzip_bytes("second part\n", 12, &l2);
	unsigned char *both = xmalloc(l1 + l2 + 5);
	struct gx_input *in;
	char *all;

	(void)state;
	memcpy(both, a, l1);
	memcpy(both + l1, b, l2);
	in = gx_input_open_memory("cat", both, l1 + l2);
	all = read_all(in, &len, &d);
	assert_string_equal(all, "first part\nsecond part\n");
	assert_int_equal(d.n, 0);
	free(all);
	gx_input_close(in);

	/* Trailing garbage after the last member: ignored with a warning. */
	memcpy(both + l1 + l2, "junk!", 5);
	in = gx_input_open_memory("junk", both, l1 + l2 + 5);
	all = read_all(in, &len, &d);
	assert_string_equal(all, "first part\nsecond part\n");
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].severity, GX_WARNING);
	assert_int_equal(d.v[0].offset, 23);
	free(all);
	gx_diag_clear(&d);
	gx_input_close(in);
	free(a);
	free(b);
	free(both);
}

static void
test_gzip_truncated(void **state)
{
	size_t n = 200000, zlen, len, i;
	char *plain = xmalloc(n), *all, *msg;
	unsigned char *z;

	(void)state;
	for (i = 0; i < n; i++)
		plain[i] = (char)('0' + (i * 13 + i / 77) % 10);
	z = gzip_bytes(plain, n, &zlen);
	/* Cut at several points: the bytes before the cut come out, then an
	 * error naming the decompressed offset. */
	for (i = 2; i < zlen; i += zlen / 7) {
		struct gx_diag d = {0};
		struct gx_input *in = gx_input_open_memory("t.gz", z, i);

		all = read_all(in, &len, &d);
		assert_true(len < n);
		assert_memory_equal(all, plain, len);
		assert_int_equal(d.errors, 1);
		assert_int_equal(d.v[0].offset, len);
		msg = gx_diag_format(&d.v[0]);
		assert_non_null(strstr(msg, "t.gz: byte "));
		assert_non_null(strstr(msg, "truncated gzip data"));
		free(msg);
		/* Reading on gives -1 again, without a second message. */
		{
			char c;

			assert_int_equal(gx_input_read(in, &c, 1, &d), -1);
			assert_int_equal(d.n, 1);
		}
		free(all);
		gx_diag_clear(&d);
		gx_input_close(in);
	}
	free(z);
	free(plain);
}

static void
test_gzip_corrupt(void **state)
{
	size_t n = 100000, zlen, len, i;
	char *plain = xmalloc(n), *all, *msg;
	unsigned char *z;
	struct gx_diag d = {0};
	struct gx_input *in;

	(void)state;
	for (i = 0; i < n; i++)
		plain[i] = (char)('a' + (i * 31 + i / 100) % 26);
	z = gzip_bytes(plain, n, &zlen);
	/* A bad block type in the first deflate block header. */
	z[10] |= 0x06;
	in = gx_input_open_memory("c.gz", z, zlen);
	all = read_all(in, &len, &d);
	assert_int_equal(d.errors, 1);
	msg = gx_diag_format(&d.v[0]);
	assert_non_null(strstr(msg, "c.gz: byte 0: error: corrupt gzip data"));
	free(msg);
	free(all);
	gx_diag_clear(&d);
	gx_input_close(in);

	/* A damaged CRC in the trailer: all data, then the error. */
	free(z);
	z = gzip_bytes(plain, n, &zlen);
	z[zlen - 8] ^= 0xff;
	in = gx_input_open_memory("c.gz", z, zlen);
	all = read_all(in, &len, &d);
	assert_int_equal(len, n);
	assert_int_equal(d.errors, 1);
	msg = gx_diag_format(&d.v[0]);
	assert_non_null(strstr(msg, "corrupt gzip data (incorrect data check)"));
	free(msg);
	free(all);
	gx_diag_clear(&d);
	gx_input_close(in);
	free(z);
	free(plain);
}

static void
test_getline(void **state)
{
	struct gx_diag d = {0};
	struct gx_buf b = {0};
	struct gx_input *in;
	const char *line;
	size_t big = 3 * 1000 * 1000 + 17, i;
	ssize_t r;

	(void)state;
	gx_buf_puts(&b, "first\r\n\n\r\nx\ty\n");
	for (i = 0; i < big; i++)
		gx_buf_putc(&b, (char)('A' + i % 26));
	gx_buf_puts(&b, "\r\n");
	gx_buf_append(&b, "nul\0inside\n", 11);
	gx_buf_puts(&b, "last without newline");

	in = gx_input_open_memory("lines", b.data, b.len);
	assert_int_equal(gx_input_getline(in, &line, &d), 5);
	assert_string_equal(line, "first");
	assert_int_equal(gx_input_offset(in), 7);
	assert_int_equal(gx_input_getline(in, &line, &d), 0);
	assert_string_equal(line, "");
	assert_int_equal(gx_input_getline(in, &line, &d), 0);
	assert_int_equal(gx_input_getline(in, &line, &d), 3);
	assert_string_equal(line, "x\ty");
	r = gx_input_getline(in, &line, &d);
	assert_int_equal(r, big);
	for (i = 0; i < big; i += 4099)
		assert_int_equal(line[i], 'A' + i % 26);
	assert_int_equal(line[big], '\0');
	assert_int_equal(gx_input_getline(in, &line, &d), 10);
	assert_memory_equal(line, "nul\0inside", 10);
	assert_int_equal(gx_input_getline(in, &line, &d), 20);
	assert_string_equal(line, "last without newline");
	assert_int_equal(gx_input_offset(in), b.len);
	assert_int_equal(gx_input_getline(in, &line, &d), -1);
	assert_int_equal(d.n, 0);
	gx_input_close(in);

	/* Mixed reads and getline. */
	in = gx_input_open_memory("mix", "ab\ncd\n", 6);
	{
		char c;

		assert_int_equal(gx_input_read(in, &c, 1, &d), 1);
		assert_int_equal(c, 'a');
	}
	assert_int_equal(gx_input_getline(in, &line, &d), 1);
	assert_string_equal(line, "b");
	assert_int_equal(gx_input_getline(in, &line, &d), 2);
	assert_string_equal(line, "cd");
	assert_int_equal(gx_input_getline(in, &line, &d), -1);
	gx_input_close(in);

	/* Empty input. */
	in = gx_input_open_memory("empty", "", 0);
	assert_int_equal(gx_input_getline(in, &line, &d), -1);
	assert_int_equal(gx_input_format(in), GX_FMT_UNKNOWN);
	gx_input_close(in);
	gx_buf_free(&b);
}

static void
test_getline_truncated_gzip(void **state)
{
	static const char text[] = "one\ntwo\nthree\n";
	struct gx_diag d = {0};
	size_t zlen;
	unsigned char *z = gzip_bytes(text, strlen(text), &zlen);
	struct gx_input *in;
	const char *line;
	ssize_t r;
	int lines = 0;

	(void)state;
	/* Cut the 8-byte trailer: all the text comes out, then an error. */
	in = gx_input_open_memory("g.gz", z, zlen - 4);
	while ((r = gx_input_getline(in, &line, &d)) >= 0)
		lines++;
	assert_int_equal(lines, 3);
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.v[0].offset, strlen(text));
	gx_diag_clear(&d);
	gx_input_close(in);
	free(z);
}

static void
test_sniff_traces(void **state)
{
	(void)state;
	assert_int_equal(sniff_mem("go 1.26 trace\0\0\0\x01\x02", 18), GX_FMT_TRACE_V2);
	assert_int_equal(sniff_mem("go 1.22 trace\0\0\0", 16), GX_FMT_TRACE_V2);
	assert_int_equal(sniff_mem("go 1.23 trace\0\0\0", 16), GX_FMT_TRACE_V2);
	assert_int_equal(sniff_mem("go 1.21 trace\0\0\0", 16), GX_FMT_TRACE_V1);
	assert_int_equal(sniff_mem("go 1.11 trace\0\0\0", 16), GX_FMT_TRACE_V1);
	assert_int_equal(sniff_mem("go 1.5 trace\0\0\0\0", 16), GX_FMT_TRACE_V1);
	/* Malformed headers are not traces. */
	assert_int_equal(sniff_mem("go 1.x trace\0\0\0\0", 16), GX_FMT_UNKNOWN);
	assert_int_equal(sniff_mem("go 1.26 trace\0\0X", 16), GX_FMT_UNKNOWN);
	assert_int_equal(sniff_mem("go 1.26 trace\0\0", 15), GX_FMT_UNKNOWN);
	assert_int_equal(sniff_mem("go 1.26 tracer\0\0", 16), GX_FMT_UNKNOWN);
	/* A gzip'd trace is sniffed after decompression. */
	{
		size_t zlen;
		unsigned char *z = gzip_bytes("go 1.25 trace\0\0\0\x00\x01", 18, &zlen);

		assert_int_equal(sniff_mem(z, zlen), GX_FMT_TRACE_V2);
		free(z);
	}
}

static void
test_sniff_text(void **state)
{
	(void)state;
	assert_int_equal(sniff_str("goroutine profile: total 4\n3 @ 0x43e24e 0x40a46d\n#\t0x4a1f4c\tmain.worker+0x2c\t/app/main.go:42\n"),
	                 GX_FMT_PPROF_DEBUG1);
	assert_int_equal(sniff_str("--- mutex:\ncycles/second=2400000000\nsampling period=1\n"),
	                 GX_FMT_PPROF_DEBUG1);
	assert_int_equal(sniff_str("--- contention:\ncycles/second=2400000000\n"),
	                 GX_FMT_PPROF_DEBUG1);
	assert_int_equal(sniff_str("goroutine 1 [running]:\nmain.main()\n\t/app/main.go:5 +0x1d\n"),
	                 GX_FMT_DUMP_TEXT);
	assert_int_equal(sniff_str("2024-05-01T10:00:00.123456Z goroutine 7 [chan send, 3 minutes]:\n"),
	                 GX_FMT_DUMP_TEXT);
	assert_int_equal(sniff_str("[pod/api-1/app] goroutine 1 [select]:\n"), GX_FMT_DUMP_TEXT);
	assert_int_equal(sniff_str("panic: runtime error: index out of range [5] with length 3\n\n"),
	                 GX_FMT_DUMP_TEXT);
	assert_int_equal(sniff_str("fatal error: all goroutines are asleep - deadlock!\n"),
	                 GX_FMT_DUMP_TEXT);
	assert_int_equal(sniff_str("SIGQUIT: quit\nPC=0x46b1e1 m=0 sigcode=0\n"), GX_FMT_DUMP_TEXT);
	/* Plain text without a goroutine: still text (the dump loader says
	 * there are no goroutines). UTF-8 is text. */
	assert_int_equal(sniff_str("just a log line\nanother – with “quotes” and ü\n"),
	                 GX_FMT_DUMP_TEXT);
	/* A dump with a few control bytes (ANSI colours) still has a header. */
	assert_int_equal(sniff_str("\x1b[31mgoroutine 1 [running]:\x1b[0m\n\x1b[1m\x01\x02\n"),
	                 GX_FMT_DUMP_TEXT);
}

static void
test_sniff_proto(void **state)
{
	/* What Go writes first for a goroutine profile: period_type (11),
	 * period (12), sample_type (1), then a sample, locations, strings. */
	static const unsigned char prof[] = {
		0x5a, 0x04, 0x08, 0x01, 0x10, 0x02,             /* period_type {1, 2} */
		0x60, 0x01,                                     /* period 1 */
		0x0a, 0x04, 0x08, 0x01, 0x10, 0x02,             /* sample_type {1, 2} */
		0x12, 0x04, 0x08, 0x01, 0x10, 0x01,             /* sample {loc 1, value 1} */
		0x22, 0x04, 0x08, 0x01, 0x18, 0x10,             /* location {id 1, addr 16} */
		0x32, 0x00,                                     /* "" */
		0x32, 0x09, 'g', 'o', 'r', 'o', 'u', 't', 'i', 'n', 'e',
		0x32, 0x05, 'c', 'o', 'u', 'n', 't',
	};
	size_t zlen;
	unsigned char *z;
	struct gx_input *in;

	(void)state;
	assert_int_equal(sniff_mem(prof, sizeof(prof)), GX_FMT_PPROF_PROTO);
	z = gzip_bytes(prof, sizeof(prof), &zlen);
	in = gx_input_open_memory("p.pb.gz", z, zlen);
	assert_true(gx_input_was_gzip(in));
	assert_int_equal(gx_input_format(in), GX_FMT_PPROF_PROTO);
	gx_input_close(in);
	free(z);
	/* A length running past the end of a complete input: not a profile. */
	{
		unsigned char bad[sizeof(prof)];

		memcpy(bad, prof, sizeof(prof));
		bad[1] = 0x7f;
		assert_int_equal(sniff_mem(bad, sizeof(bad)), GX_FMT_UNKNOWN);
		memcpy(bad, prof, sizeof(prof));
		bad[0] = 0x5b; /* field 11 with wire type 3 */
		assert_int_equal(sniff_mem(bad, sizeof(bad)), GX_FMT_UNKNOWN);
		memcpy(bad, prof, sizeof(prof));
		bad[2] = 0x18; /* ValueType field 3 */
		assert_int_equal(sniff_mem(bad, sizeof(bad)), GX_FMT_UNKNOWN);
	}
}

static void
test_sniff_unknown(void **state)
{
	unsigned char junk[4096];
	uint64_t x = 7;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(junk); i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		junk[i] = (unsigned char)(x >> 56);
	}
	assert_int_equal(sniff_mem(junk, sizeof(junk)), GX_FMT_UNKNOWN);
	assert_int_equal(sniff_mem("\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0", 20),
	                 GX_FMT_UNKNOWN);
	assert_int_equal(sniff_mem("", 0), GX_FMT_UNKNOWN);
	/* A binary with the word "panic: " in it is not a dump. */
	memcpy(junk + 100, "panic: ", 7);
	assert_int_equal(sniff_mem(junk, sizeof(junk)), GX_FMT_UNKNOWN);
	/* Text with NULs is not text. */
	assert_int_equal(sniff_mem("abc\0def\0ghi\0", 12), GX_FMT_UNKNOWN);
	assert_string_equal(gx_format_name(GX_FMT_UNKNOWN), "unknown");
	assert_string_equal(gx_format_name(GX_FMT_TRACE_V2), "trace-v2");
	assert_string_equal(gx_format_name(GX_FMT_DUMP_TEXT), "dump");
}

static void
test_open_errors_and_identity(void **state)
{
	struct gx_diag d = {0};
	char *path = xasprintf("%s/f", tmpdir), *msg;
	struct gx_source_id a, b;
	struct gx_input *in;
	FILE *f;

	(void)state;
	assert_null(gx_input_open("/nonexistent/gotrex/x", &d));
	assert_int_equal(d.errors, 1);
	msg = gx_diag_format(&d.v[0]);
	assert_string_equal(msg, "/nonexistent/gotrex/x: error: cannot open: No such file or directory");
	free(msg);
	gx_diag_clear(&d);
	assert_null(gx_input_open(tmpdir, &d));
	assert_non_null(strstr(d.v[0].message, "is a directory"));
	gx_diag_clear(&d);

	f = fopen(path, "w");
	fputs("goroutine 1 [running]:\n", f);
	fclose(f);
	in = gx_input_open(path, &d);
	assert_non_null(in);
	assert_true(gx_input_identity(in, &a));
	assert_int_equal(a.size, 23);
	gx_input_close(in);
	/* Same size, other bytes: another identity. */
	f = fopen(path, "w");
	fputs("goroutine 2 [running]:\n", f);
	fclose(f);
	in = gx_input_open(path, &d);
	assert_true(gx_input_identity(in, &b));
	assert_int_equal(b.size, 23);
	assert_int_not_equal(a.head_tail_hash, b.head_tail_hash);
	gx_input_close(in);
	assert_int_equal(d.n, 0);
	free(path);
}

/* A plain file bigger than the peek, read with mixed calls: every byte
 * comes out once, in order. */
static void
test_plain_file(void **state)
{
	struct gx_diag d = {0};
	char *path = xasprintf("%s/f", tmpdir), *all;
	size_t n = 1000 * 1000, i, len, at = 0;
	char *plain = xmalloc(n);
	struct gx_input *in;
	const char *line;
	ssize_t r;
	FILE *f;

	(void)state;
	for (i = 0; i < n; i++)
		plain[i] = i % 61 == 60 ? '\n' : (char)('a' + i % 26);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(plain, 1, n, f), n);
	fclose(f);
	in = gx_input_open(path, &d);
	assert_non_null(in);
	assert_false(gx_input_was_gzip(in));
	assert_int_equal(gx_input_format(in), GX_FMT_DUMP_TEXT);
	for (i = 0; i < 100; i++) {
		r = gx_input_getline(in, &line, &d);
		assert_int_equal(r, 60);
		assert_memory_equal(line, plain + at, 60);
		at += 61;
		assert_int_equal(gx_input_offset(in), at);
	}
	all = gx_input_slurp(in, &len, &d);
	assert_non_null(all);
	assert_int_equal(len, n - at);
	assert_memory_equal(all, plain + at, len);
	free(all);
	gx_input_close(in);
	assert_int_equal(d.n, 0);
	free(plain);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory_read),
		cmocka_unit_test(test_gzip_memory_and_file),
		cmocka_unit_test(test_gzip_concatenated),
		cmocka_unit_test(test_gzip_truncated),
		cmocka_unit_test(test_gzip_corrupt),
		cmocka_unit_test(test_getline),
		cmocka_unit_test(test_getline_truncated_gzip),
		cmocka_unit_test(test_sniff_traces),
		cmocka_unit_test(test_sniff_text),
		cmocka_unit_test(test_sniff_proto),
		cmocka_unit_test(test_sniff_unknown),
		cmocka_unit_test(test_open_errors_and_identity),
		cmocka_unit_test(test_plain_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
