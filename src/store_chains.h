/* store_chains: the builder's packed record chains. Private to the store.
 *
 * Records (spans, events, P spans) are packed (store_codec.h) into chains
 * as they come, each record coded against the previous one of its chain:
 * spans one chain per goroutine, events and P spans one chain each. The
 * index's packed tables are these chains laid end to end, so writing the
 * index copies bytes instead of decoding, sorting and coding records
 * again. When the records held in memory pass a bound, every chain's new
 * bytes go to a spill file as a segment; a chain is its segments in
 * order, then what is still in memory. A chain whose records came out of
 * key order (spans: start time) is unpacked, sorted and packed again by
 * the writer. */
#ifndef GOTREX_STORE_CHAINS_H
#define GOTREX_STORE_CHAINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store_codec.h"

struct gx_chains;

/* tmpdir: where the spill file goes (NULL: $TMPDIR); flush_recs: records
 * held in memory before a spill; codec and rec_size: the records; key:
 * the order chains should be in (NULL: none checked). */
struct gx_chains *gx_chains_new(const char *tmpdir, size_t flush_recs,
                                const struct codec *codec, size_t rec_size,
                                int64_t (*key)(const void *rec));
void gx_chains_free(struct gx_chains *c);

/* Append rec to chain i (a goroutine's index, or 0). */
void gx_chains_add(struct gx_chains *c, uint32_t i, const void *rec);

/* Records added to chain i, and whether they came in key order. */
uint64_t gx_chains_count(const struct gx_chains *c, uint32_t i);
bool gx_chains_sorted(const struct gx_chains *c, uint32_t i);

/* Done adding: get ready to read the chains back (again: a no-op).
 * Returns 0 or an errno (of a failed spill write, too). */
int gx_chains_finish(struct gx_chains *c);

/* Call out with the bytes of chain i, in order (after finish). */
void gx_chains_bytes(struct gx_chains *c, uint32_t i,
                     void (*out)(void *ctx, const void *p, size_t n), void *ctx);

/* Chain i's records unpacked into *v (malloc'd; the caller frees it), in
 * the order they were added (after finish). Returns the count. */
size_t gx_chains_unpack(struct gx_chains *c, uint32_t i, void **v);

#endif
