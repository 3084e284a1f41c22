/* text: escaping of untrusted text, JSON strings, durations. */
#include "config.h"

#include "gotrex/text.h"

#include <inttypes.h>
#include <stdio.h>

/* Decode one UTF-8 sequence at s[0..n). Returns its length and sets *cp,
 * or 0 when the bytes are not valid UTF-8 (overlong, surrogate, too big,
 * truncated). */
static size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) ||
	    (len == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

void
gx_text_escape(struct gx_buf *out, const char *s, size_t n, bool ascii_only)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = utf8_decode(p + i, n - i, &cp);

		if (len == 0) {
			gx_buf_printf(out, "\\x%02x", p[i]);
			i++;
			continue;
		}
		if (cp < 0x20 || cp == 0x7f) {
			gx_buf_printf(out, "\\x%02x", (unsigned)cp);
		} else if (cp >= 0x80 && cp < 0xa0) {
			gx_buf_printf(out, "\\u{%04" PRIx32 "}", cp);
		} else if (cp >= 0x80 && ascii_only) {
			gx_buf_printf(out, "\\u{%04" PRIx32 "}", cp);
		} else {
			gx_buf_append(out, p + i, len);
		}
		i += len;
	}
}

void
gx_text_json_string(struct gx_buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	gx_buf_putc(out, '"');
	while (i < n) {
		uint32_t cp;
		size_t len = utf8_decode(p + i, n - i, &cp);

		if (len == 0) {
			gx_buf_puts(out, "\\ufffd");
			i++;
			continue;
		}
		switch (cp) {
		case '"':
			gx_buf_puts(out, "\\\"");
			break;
		case '\\':
			gx_buf_puts(out, "\\\\");
			break;
		case '\n':
			gx_buf_puts(out, "\\n");
			break;
		case '\r':
			gx_buf_puts(out, "\\r");
			break;
		case '\t':
			gx_buf_puts(out, "\\t");
			break;
		default:
			if (cp < 0x20 || cp == 0x7f)
				gx_buf_printf(out, "\\u%04x", (unsigned)cp);
			else
				gx_buf_append(out, p + i, len);
		}
		i += len;
	}
	gx_buf_putc(out, '"');
}

void
gx_text_duration(struct gx_buf *out, int64_t ns, bool ascii_only)
{
	uint64_t u;

	if (ns < 0) {
		gx_buf_putc(out, '-');
		u = (uint64_t)0 - (uint64_t)ns;
	} else {
		u = (uint64_t)ns;
	}
	if (u < 1000)
		gx_buf_printf(out, "%" PRIu64 "ns", u);
	else if (u < 1000000)
		gx_buf_printf(out, "%.1f%s", (double)u / 1e3, ascii_only ? "us" : "\xc2\xb5s");
	else if (u < 1000000000)
		gx_buf_printf(out, "%.1fms", (double)u / 1e6);
	else if (u < 60ULL * 1000000000)
		gx_buf_printf(out, "%.6fs", (double)u / 1e9);
	else
		gx_buf_printf(out, "%" PRIu64 "m%" PRIu64 "s", (uint64_t)(u / 60000000000ULL),
		              (uint64_t)((u / 1000000000ULL) % 60));
}

void
gx_text_timestamp(struct gx_buf *out, int64_t ns)
{
	uint64_t u;

	if (ns < 0) {
		gx_buf_putc(out, '-');
		u = (uint64_t)0 - (uint64_t)ns;
	} else {
		u = (uint64_t)ns;
	}
	gx_buf_printf(out, "%" PRIu64 ".%06" PRIu64 " s", (uint64_t)(u / 1000000000ULL),
	              (uint64_t)((u % 1000000000ULL) / 1000));
}
