/* fingerprint: the same id for the same hang in another run or build.
 *
 * What changes between two runs of the same bug: goroutine ids, addresses
 * and other argument values, line numbers and +0x offsets (a build with an
 * unrelated edit), how many goroutines sit at one place, the order the
 * dump lists them in, the traceback level (SIGQUIT dumps show runtime and
 * wrapper frames that pprof debug=2 and fatal errors hide), the index of
 * closures (".func3" becomes ".func4" when a closure is added above) and
 * generic shapes. What does not change: which functions block, on what
 * kind of object, called from which functions.
 *
 * So one line per stuck goroutine: the kind of wait, then the user
 * frames' function names from the blocking one outwards (at most
 * FP_FRAMES, runtime/sync plumbing and go/defer wrappers left out,
 * names normalised); lines sorted and de-duplicated; 64-bit FNV-1a of
 * the result, the first 12 hex digits. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/store.h"
#include "gotrex/util.h"
#include "gotrex/waitgraph.h"
#include "waitgraph_impl.h"

#define FP_FRAMES 8

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

char *
gx_fingerprint_func(const char *f, size_t n)
{
	struct gx_buf b = { 0 };
	size_t i = 0;

	while (i < n) {
		/* "[...]" or a raw shape list "[go.shape.int,...]": drop. */
		if (f[i] == '[') {
			size_t depth = 0;

			while (i < n) {
				if (f[i] == '[')
					depth++;
				else if (f[i] == ']' && --depth == 0) {
					i++;
					break;
				}
				i++;
			}
			continue;
		}
		if (f[i] == '.') {
			static const char *const drop[] = { "gowrap", "deferwrap" };
			static const char *const keep[] = { "func" };
			bool done = false;

			for (size_t k = 0; k < GX_ARRAY_SIZE(drop) && !done; k++) {
				size_t l = strlen(drop[k]), j = i + 1 + l;

				if (j <= n && memcmp(f + i + 1, drop[k], l) == 0 && j < n + 1) {
					size_t e = j;

					while (e < n && is_digit(f[e]))
						e++;
					if (e > j && (e == n || f[e] == '.')) {
						i = e;
						done = true;
					}
				}
			}
			for (size_t k = 0; k < GX_ARRAY_SIZE(keep) && !done; k++) {
				size_t l = strlen(keep[k]), j = i + 1 + l;

				if (j <= n && memcmp(f + i + 1, keep[k], l) == 0) {
					size_t e = j;

					while (e < n && is_digit(f[e]))
						e++;
					if (e > j && (e == n || f[e] == '.')) {
						gx_buf_append(&b, f + i, 1 + l);
						i = e;
						done = true;
					}
				}
			}
			/* Nested closure indexes ".func1.2": ".N" after a closure. */
			if (!done && i + 1 < n && is_digit(f[i + 1]) && b.len >= 4 &&
			    memcmp(b.data + b.len - 4, "func", 4) == 0) {
				size_t e = i + 1;

				while (e < n && is_digit(f[e]))
					e++;
				if (e == n || f[e] == '.') {
					i = e;
					done = true;
				}
			}
			if (done)
				continue;
		}
		gx_buf_putc(&b, f[i]);
		i++;
	}
	if (b.data == NULL)
		gx_buf_puts(&b, "");
	return gx_buf_take(&b);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
gx_fingerprint_lines(char **lines, size_t n, char out[GX_FINGERPRINT_LEN + 1])
{
	uint64_t h = GX_HASH_SEED;

	out[0] = '\0';
	if (n == 0)
		return;
	qsort(lines, n, sizeof *lines, cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(lines[i], lines[i - 1]) == 0)
			continue;
		h = gx_hash64(lines[i], strlen(lines[i]) + 1, h); /* NUL separates */
	}
	snprintf(out, GX_FINGERPRINT_LEN + 1, "%012" PRIx64, h >> 16);
}

void
gx_wg_fingerprint(const struct gx_store *s, const struct gx_wg_goroutine *gw,
                  const uint32_t *idx, size_t n, char out[GX_FINGERPRINT_LEN + 1])
{
	char **lines = xcalloc(n ? n : 1, sizeof *lines);

	for (size_t i = 0; i < n; i++) {
		const struct gx_goroutine_rec *g = gx_store_goroutine(s, idx[i]);
		const struct gx_wg_goroutine *w = &gw[idx[i]];
		struct gx_buf b = { 0 };
		size_t depth = g ? gx_store_stack_depth(s, g->stack) : 0, used = 0;

		gx_buf_puts(&b, gx_wait_kind_name((enum gx_wait_kind)w->kind));
		for (size_t f = 0; f < depth && used < FP_FRAMES; f++) {
			const struct gx_frame_rec *fr = gx_store_stack_frame(s, g->stack, f);
			size_t fn_n;
			const char *fn;
			char *norm;

			if (!gx_wg_user_frame(s, fr) || gx_wg_go_wrapper(s, g, fr))
				continue;
			fn = gx_store_str(s, fr->func, &fn_n);
			norm = gx_fingerprint_func(fn, fn_n);
			gx_buf_putc(&b, '|');
			gx_buf_puts(&b, norm);
			free(norm);
			used++;
		}
		lines[i] = gx_buf_take(&b);
	}
	gx_fingerprint_lines(lines, n, out);
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}
