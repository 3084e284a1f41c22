/* util: allocation wrappers, growable buffer, hashing. */
#include "config.h"

#include "gotrex/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void (*fatal_cleanup)(void);

void
gx_set_fatal_cleanup(void (*fn)(void))
{
	fatal_cleanup = fn;
}

void
gx_fatal(const char *fmt, ...)
{
	va_list ap;

	if (fatal_cleanup != NULL)
		fatal_cleanup();
	fputs("gotrex: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		gx_fatal("out of memory allocating %zu bytes", n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p;

	if (n == 0 || size == 0)
		n = size = 1;
	p = calloc(n, size);
	if (p == NULL)
		gx_fatal("out of memory allocating %zu x %zu bytes", n, size);
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	void *q;

	if (size != 0 && n > SIZE_MAX / size)
		gx_fatal("allocation size overflow (%zu x %zu)", n, size);
	q = realloc(p, n != 0 && size != 0 ? n * size : 1);
	if (q == NULL)
		gx_fatal("out of memory allocating %zu x %zu bytes", n, size);
	return q;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		gx_fatal("bad format string \"%s\"", fmt);
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void
gx_grow(void *v, size_t *cap, size_t need, size_t elem)
{
	void **pv = v;
	size_t c = *cap;

	if (need <= c)
		return;
	if (c < 8)
		c = 8;
	while (c < need) {
		if (c > SIZE_MAX / 2)
			gx_fatal("allocation size overflow");
		c *= 2;
	}
	*pv = xreallocarray(*pv, c, elem);
	*cap = c;
}

void
gx_buf_append(struct gx_buf *b, const void *p, size_t n)
{
	if (n > SIZE_MAX - b->len - 1)
		gx_fatal("buffer size overflow");
	gx_grow(&b->data, &b->cap, b->len + n + 1, 1);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
gx_buf_puts(struct gx_buf *b, const char *s)
{
	gx_buf_append(b, s, strlen(s));
}

void
gx_buf_putc(struct gx_buf *b, char c)
{
	gx_buf_append(b, &c, 1);
}

void
gx_buf_printf(struct gx_buf *b, const char *fmt, ...)
{
	va_list ap, ap2;
	int n;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		gx_fatal("bad format string \"%s\"", fmt);
	gx_grow(&b->data, &b->cap, b->len + (size_t)n + 1, 1);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	va_end(ap);
}

void
gx_buf_reset(struct gx_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
gx_buf_put_utf8(struct gx_buf *b, uint32_t c)
{
	if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		c = 0xfffd;
	if (c < 0x80) {
		gx_buf_putc(b, (char)c);
	} else if (c < 0x800) {
		gx_buf_putc(b, (char)(0xc0 | (c >> 6)));
		gx_buf_putc(b, (char)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		gx_buf_putc(b, (char)(0xe0 | (c >> 12)));
		gx_buf_putc(b, (char)(0x80 | ((c >> 6) & 0x3f)));
		gx_buf_putc(b, (char)(0x80 | (c & 0x3f)));
	} else {
		gx_buf_putc(b, (char)(0xf0 | (c >> 18)));
		gx_buf_putc(b, (char)(0x80 | ((c >> 12) & 0x3f)));
		gx_buf_putc(b, (char)(0x80 | ((c >> 6) & 0x3f)));
		gx_buf_putc(b, (char)(0x80 | (c & 0x3f)));
	}
}

char *
gx_buf_take(struct gx_buf *b)
{
	char *p = b->data;

	if (p == NULL)
		p = xstrdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void
gx_buf_free(struct gx_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

uint64_t
gx_hash64(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = seed;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}


int
gx_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
