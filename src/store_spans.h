/* store_spans: the builder's span chains. Private to the store.
 *
 * Every goroutine's spans are packed (store_codec.h) into a chain of its
 * own as they come, each span coded against the goroutine's previous one.
 * The index's span table is these chains laid end to end, so writing it
 * copies bytes instead of sorting and coding spans again. When the bytes
 * held in memory pass a bound, every chain's new bytes go to a spill file
 * as a segment; a chain is its segments in order, then what is still in
 * memory. A goroutine whose spans came out of start order is unpacked,
 * sorted and packed again when it is written. */
#ifndef GOTREX_STORE_SPANS_H
#define GOTREX_STORE_SPANS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gotrex/store.h"

struct gx_chains;

/* tmpdir: where the spill file goes (NULL: $TMPDIR); flush_bytes: bytes
 * held in memory before a flush. */
struct gx_chains *gx_chains_new(const char *tmpdir, size_t flush_bytes);
void gx_chains_free(struct gx_chains *c);

/* Append r to goroutine g's chain (g: the builder's goroutine index). */
void gx_chains_add(struct gx_chains *c, uint32_t g, const struct gx_span_rec *r);

/* Spans added to g, and whether they came in start order. */
uint64_t gx_chains_count(const struct gx_chains *c, uint32_t g);
bool gx_chains_sorted(const struct gx_chains *c, uint32_t g);

/* 0, or the errno of a failed spill write. */
int gx_chains_error(const struct gx_chains *c);

/* Done adding: get ready to read the chains back (again: a no-op).
 * Returns 0 or an errno. */
int gx_chains_finish(struct gx_chains *c);

/* Call out with the bytes of g's chain, in order (after finish). */
void gx_chains_bytes(struct gx_chains *c, uint32_t g,
                     void (*out)(void *ctx, const void *p, size_t n), void *ctx);

/* g's spans unpacked into *v (malloc'd; the caller frees it), in the
 * order they were added (after finish). Returns the count. */
size_t gx_chains_unpack(struct gx_chains *c, uint32_t g, struct gx_span_rec **v);

#endif
