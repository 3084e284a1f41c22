/* logjson: the log text of JSON-lines log files (docker json-file,
 * Fluentd, journalctl -o json). */
#include "config.h"

#include "gotrex/logjson.h"

#include <string.h>

#include "gotrex/input.h"
#include "gotrex/util.h"

/* Nesting deeper than this in a record is not a log record we know. */
#define DEPTH_MAX 32

enum key { KEY_OTHER, KEY_LOG, KEY_MESSAGE, KEY_STREAM };

static const char *
skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	return p;
}

/* Four hex digits at p (p + 4 <= end), or -1. */
static long
hex4(const char *p, const char *end)
{
	long v = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int h = gx_hexval(p[i]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* The string at *pp (at its '"'), decoded into out when out != NULL; *pp
 * goes past its closing quote. False when it does not end on this line. */
static bool
string_at(const char **pp, const char *end, struct gx_buf *out, uint64_t *bad)
{
	const char *p = *pp + 1;

	while (p < end && *p != '"') {
		const char *run = p;

		while (p < end && *p != '"' && *p != '\\')
			p++;
		if (out != NULL && p > run)
			gx_buf_append(out, run, (size_t)(p - run));
		if (p >= end || *p == '"')
			break;
		/* an escape */
		if (end - p < 2)
			return false;
		switch (p[1]) {
		case '"': case '\\': case '/':
			if (out != NULL)
				gx_buf_putc(out, p[1]);
			p += 2;
			break;
		case 'b': if (out != NULL) gx_buf_putc(out, '\b'); p += 2; break;
		case 'f': if (out != NULL) gx_buf_putc(out, '\f'); p += 2; break;
		case 'n': if (out != NULL) gx_buf_putc(out, '\n'); p += 2; break;
		case 'r': if (out != NULL) gx_buf_putc(out, '\r'); p += 2; break;
		case 't': if (out != NULL) gx_buf_putc(out, '\t'); p += 2; break;
		case 'u': {
			long c = hex4(p + 2, end), lo;

			if (c < 0) {
				(*bad)++;
				if (out != NULL)
					gx_buf_append(out, p, 2);
				p += 2;
				break;
			}
			p += 6;
			if (c >= 0xd800 && c <= 0xdbff && end - p >= 6 && p[0] == '\\' && p[1] == 'u' &&
			    (lo = hex4(p + 2, end)) >= 0xdc00 && lo <= 0xdfff) {
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			}
			if (out != NULL)
				gx_buf_put_utf8(out, c == 0 ? 0xfffd : (uint32_t)c); /* no NUL in the text */
			break;
		}
		default:
			(*bad)++;
			if (out != NULL)
				gx_buf_append(out, p, 2);
			p += 2;
			break;
		}
	}
	if (p >= end)
		return false;
	*pp = p + 1;
	return true;
}

/* Past the value at *pp (any JSON value, nested at most DEPTH_MAX). */
static bool
skip_value(const char **pp, const char *end, int depth, uint64_t *bad)
{
	const char *p = skip_ws(*pp, end);

	if (p >= end || depth > DEPTH_MAX)
		return false;
	if (*p == '"') {
		if (!string_at(&p, end, NULL, bad))
			return false;
	} else if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';

		p = skip_ws(p + 1, end);
		if (p < end && *p == close) {
			p++;
		} else {
			for (;;) {
				if (close == '}') {
					p = skip_ws(p, end);
					if (p >= end || *p != '"' || !string_at(&p, end, NULL, bad))
						return false;
					p = skip_ws(p, end);
					if (p >= end || *p != ':')
						return false;
					p++;
				}
				if (!skip_value(&p, end, depth + 1, bad))
					return false;
				p = skip_ws(p, end);
				if (p < end && *p == ',') {
					p++;
					continue;
				}
				if (p < end && *p == close) {
					p++;
					break;
				}
				return false;
			}
		}
	} else {
		const char *s = p;

		while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\t')
			p++;
		if (p == s)
			return false;
	}
	*pp = p;
	return true;
}

static enum key
key_of(const char *k, size_t n)
{
	if (n == 3 && memcmp(k, "log", 3) == 0)
		return KEY_LOG;
	if (n == 7 && memcmp(k, "MESSAGE", 7) == 0)
		return KEY_MESSAGE;
	if (n == 6 && memcmp(k, "stream", 6) == 0)
		return KEY_STREAM;
	return KEY_OTHER;
}

struct record {
	struct gx_buf key;    /* scratch: the key being read */
	struct gx_buf text;
	struct gx_buf stream;
	enum key kind;        /* KEY_LOG or KEY_MESSAGE: which gave the text */
	bool has_stream;
};

static void
record_free(struct record *r)
{
	gx_buf_free(&r->key);
	gx_buf_free(&r->text);
	gx_buf_free(&r->stream);
}

/* Parse one line as a JSON object with a "log" or "MESSAGE" string. */
static bool
record_of(const char *p, const char *end, struct record *r, uint64_t *bad)
{
	gx_buf_reset(&r->text);
	gx_buf_reset(&r->stream);
	r->kind = KEY_OTHER;
	r->has_stream = false;
	p = skip_ws(p, end);
	if (p >= end || *p != '{')
		return false;
	p = skip_ws(p + 1, end);
	while (p < end && *p == '"') {
		enum key k;

		gx_buf_reset(&r->key);
		if (!string_at(&p, end, &r->key, bad))
			return false;
		k = key_of(r->key.data, r->key.len);
		p = skip_ws(p, end);
		if (p >= end || *p != ':')
			return false;
		p = skip_ws(p + 1, end);
		if ((k == KEY_LOG || k == KEY_MESSAGE) && r->kind == KEY_OTHER && p < end && *p == '"') {
			if (!string_at(&p, end, &r->text, bad))
				return false;
			r->kind = k;
		} else if (k == KEY_STREAM && p < end && *p == '"') {
			if (!string_at(&p, end, &r->stream, bad))
				return false;
			r->has_stream = true;
		} else if (!skip_value(&p, end, 1, bad)) {
			return false;
		}
		p = skip_ws(p, end);
		if (p < end && *p == ',')
			p = skip_ws(p + 1, end);
	}
	p = skip_ws(p, end);
	return p < end && *p == '}' && skip_ws(p + 1, end) == end && r->kind != KEY_OTHER;
}

/* The end of the line at p (its '\n', or end). */
static const char *
line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl != NULL ? nl : end;
}

bool
gx_logjson_sniff(const char *text, size_t len)
{
	const char *p = text, *end = text + len, *e;
	struct record r = { 0 };
	uint64_t bad = 0;
	bool ok;

	while (p < end && (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t'))
		p++;
	if (p >= end || *p != '{')
		return false;
	e = line_end(p, end);
	ok = record_of(p, e, &r, &bad);
	record_free(&r);
	return ok;
}

char *
gx_logjson_unwrap(const char *text, size_t len, size_t *outlen, struct gx_logjson_stats *st)
{
	const char *end = text + len;
	struct gx_buf out = { 0 }, want = { 0 };
	struct record r = { 0 };
	bool have_want = false;

	memset(st, 0, sizeof(*st));
	st->one_to_one = true;
	/* The stream the dump is in: that of the first record with a
	 * dump's line. */
	for (const char *p = text; p < end && !have_want;) {
		const char *e = line_end(p, end);

		if (record_of(p, e, &r, &st->bad_escapes) && r.has_stream &&
		    r.text.len > 0 && gx_input_dump_marker(r.text.data, r.text.len)) {
			if (r.stream.len > 0)
				gx_buf_append(&want, r.stream.data, r.stream.len);
			have_want = true;
		}
		p = e < end ? e + 1 : end;
	}
	st->bad_escapes = 0;
	for (const char *p = text; p < end;) {
		const char *e = line_end(p, end);

		if (!record_of(p, e, &r, &st->bad_escapes)) {
			gx_buf_append(&out, p, (size_t)(e - p));
			gx_buf_putc(&out, '\n');
			st->other_lines++;
		} else if (have_want && r.has_stream &&
		           (r.stream.len != want.len ||
		            (want.len > 0 && memcmp(r.stream.data, want.data, want.len) != 0))) {
			st->dropped++;
			st->one_to_one = false;
		} else {
			const char *nl = r.text.len > 0 ? memchr(r.text.data, '\n', r.text.len) : NULL;

			if (r.text.len > 0)
				gx_buf_append(&out, r.text.data, r.text.len);
			if (r.kind == KEY_MESSAGE) {
				if (nl != NULL)
					st->one_to_one = false;
				gx_buf_putc(&out, '\n');
			} else if (nl == NULL || nl != r.text.data + r.text.len - 1) {
				st->one_to_one = false; /* a piece of a line, or several lines */
			}
			st->records++;
		}
		p = e < end ? e + 1 : end;
	}
	record_free(&r);
	gx_buf_free(&want);
	*outlen = out.len;
	return out.data != NULL ? gx_buf_take(&out) : xstrdup("");
}
