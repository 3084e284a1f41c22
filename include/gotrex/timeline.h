/* timeline: goroutine states over time, for the TUI's timeline pane, its
 * time cursor and stepping through state transitions. Curses-free.
 *
 * A goroutine's spans (gx_store_spans) are contiguous and sorted by start
 * time, so "the state at instant t" is one binary search. Drawing a
 * zoomed-out timeline needs the time spent in each state over a cell
 * [t0, t1); that is F(t1) - F(t0), where F(t) is the time per state from
 * the goroutine's first span up to t. F comes from a table of cumulative
 * state times taken every K spans (the summary), built lazily once per
 * goroutine and cached within a memory budget: F(t) is a binary search, one
 * table row and a walk of fewer than K spans. A screen of R rows and C
 * columns costs O(R * C * (log spans + K)), whatever the trace's size.
 *
 * Nothing here trusts the spans: times out of order or overlapping give
 * wrong pictures, never out-of-bounds reads or overflow. */
#ifndef GOTREX_TIMELINE_H
#define GOTREX_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "gotrex/store.h"

#define GX_TL_NOSPAN ((size_t)-1)
/* A cell no span covers (outside the trace, or a gap between spans). */
#define GX_TL_EMPTY 0xffu

/* The span in effect at instant t: the last span with start_ns <= t, if t
 * is before its end (the last span also covers its own end instant, so
 * the trace's end instant still has a state). GX_TL_NOSPAN otherwise. */
size_t gx_timeline_span_at(const struct gx_span_rec *spans, size_t n, int64_t t);

/* Index of the first span whose start is > t (n when none). */
size_t gx_timeline_upper(const struct gx_span_rec *spans, size_t n, int64_t t);

/* State transitions are the starts of spans 1..n-1 (a first span starts
 * with the trace or the goroutine's first appearance, not a transition).
 * Next: the first transition strictly after t; prev: the last one strictly
 * before t. Return a span index (the state entered), or GX_TL_NOSPAN. */
size_t gx_timeline_next_transition(const struct gx_span_rec *spans, size_t n, int64_t t);
size_t gx_timeline_prev_transition(const struct gx_span_rec *spans, size_t n, int64_t t);

/* The GX_EV_UNBLOCK event that made goroutine index g runnable at instant
 * t, into *out: false when there is none. Events are sorted by time: the
 * store seeks to t (gx_store_events_seek) and reads from there. */
bool gx_timeline_unblock_at(const struct gx_store *s, uint32_t g, int64_t t,
                            struct gx_event_rec *out);

/* How interesting a state is when two fill a cell equally: running,
 * syscall, runnable, waiting, unknown, dead, not yet created. Lower is
 * more interesting. */
int gx_timeline_state_rank(unsigned state);

/* The summary cache over one store. */
struct gx_timeline;

/* budget: bytes of summaries kept (0: a default of 64 MiB). When full, the
 * cache is emptied and rebuilt for what is drawn next. */
struct gx_timeline *gx_timeline_new(const struct gx_store *s, size_t budget);
void gx_timeline_free(struct gx_timeline *tl);

/* Nanoseconds goroutine index g spent in each state over [t0, t1), as
 * out[state] (GX_G_STATE_COUNT entries). */
void gx_timeline_hist(struct gx_timeline *tl, size_t g, int64_t t0, int64_t t1,
                      uint64_t out[GX_G_STATE_COUNT]);

/* The cell's state from a histogram: the state that took the most time
 * (the dominant state), ties to the more interesting state (rank above);
 * GX_TL_EMPTY when no time is covered at all. */
uint8_t gx_timeline_dominant(const uint64_t hist[GX_G_STATE_COUNT]);

/* One timeline row: cells[i] = the dominant state of goroutine index g
 * over [t0 + i*cell_ns, t0 + (i+1)*cell_ns), for i < ncells. cell_ns >= 1. */
void gx_timeline_row(struct gx_timeline *tl, size_t g, int64_t t0, int64_t cell_ns,
                     size_t ncells, uint8_t *cells);

/* For tests and measurements: summary bytes held now, summaries built so
 * far, and a smaller checkpoint interval (0 restores the default). */
size_t gx_timeline_cached_bytes(const struct gx_timeline *tl);
size_t gx_timeline_builds(const struct gx_timeline *tl);
void gx_timeline_set_interval(struct gx_timeline *tl, uint32_t k);

#endif
