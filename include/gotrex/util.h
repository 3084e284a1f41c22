/* util: allocation that fails cleanly, a growable byte buffer, hashing.
 *
 * Every allocation wrapper aborts with a message on failure, after calling
 * the cleanup hook registered with gx_set_fatal_cleanup() (the TUI uses it
 * to restore the terminal). Only main.c and the TUI loop may exit otherwise. */
#ifndef GOTREX_UTIL_H
#define GOTREX_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define GX_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define GX_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define GX_MALLOC __attribute__((malloc, returns_nonnull))

/* Allocation. Sizes are checked for overflow; zero sizes are allowed and
 * return a unique pointer. Caller frees with free(). */
void *xmalloc(size_t n) GX_MALLOC;
void *xcalloc(size_t n, size_t size) GX_MALLOC;
void *xreallocarray(void *p, size_t n, size_t size) __attribute__((returns_nonnull));
char *xstrdup(const char *s) GX_MALLOC;
char *xstrndup(const char *s, size_t n) GX_MALLOC;
char *xasprintf(const char *fmt, ...) GX_MALLOC GX_PRINTF(1, 2);
char *xvasprintf(const char *fmt, va_list ap) GX_MALLOC GX_PRINTF(1, 0);

/* Grow *v (an array of *cap elements of size elem) so it holds at least
 * need elements; doubles the capacity. */
void gx_grow(void *v, size_t *cap, size_t need, size_t elem);

/* Called before aborting on allocation failure (e.g. endwin()). */
void gx_set_fatal_cleanup(void (*fn)(void));
/* Print "gotrex: <message>" to stderr, run the cleanup hook, abort. */
void gx_fatal(const char *fmt, ...) __attribute__((noreturn)) GX_PRINTF(1, 2);

/* A growable byte buffer; always NUL-terminated when data != NULL.
 * Zero-initialise it ({0}); free with gx_buf_free(). */
struct gx_buf {
	char *data;
	size_t len;
	size_t cap;
};

void gx_buf_append(struct gx_buf *b, const void *p, size_t n);
void gx_buf_puts(struct gx_buf *b, const char *s);
void gx_buf_putc(struct gx_buf *b, char c);
void gx_buf_printf(struct gx_buf *b, const char *fmt, ...) GX_PRINTF(2, 3);
void gx_buf_reset(struct gx_buf *b);
/* Code point c as UTF-8; a surrogate or one past U+10FFFF as U+FFFD. */
void gx_buf_put_utf8(struct gx_buf *b, uint32_t c);
/* Hand the data to the caller (free() it) and reset the buffer. */
char *gx_buf_take(struct gx_buf *b);
void gx_buf_free(struct gx_buf *b);

/* 64-bit FNV-1a (not for security). Fingerprints and cache keys are made
 * with it, so it must never change. */
uint64_t gx_hash64(const void *p, size_t n, uint64_t seed);
#define GX_HASH_SEED 0xcbf29ce484222325ULL

/* Spread the bits of a 64-bit value (the murmur3 finaliser), for hash
 * tables keyed by ids or by combined hashes. */
static inline uint64_t
gx_mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* The value of a hexadecimal digit, or -1. */
int gx_hexval(char c);

#endif
