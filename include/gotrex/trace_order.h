/* trace_order: Go 1.22+ trace events in exactly the order Go's reader
 * yields them.
 *
 * Per generation, each thread's batches are a cursor; cursors sit in a
 * min-heap by the time of their next event; the event on top is advanced
 * through a model of the scheduler (goroutine, proc and thread states with
 * per-generation sequence numbers, GC sequence, ranges, tasks, regions) and
 * when it cannot advance yet, the other cursors are tried in time order.
 * This is internal/trace's reader.go + order.go, not a timestamp sort: a
 * GoStart is never yielded before the GoUnblock it depends on, whatever
 * the clocks say.
 *
 * Memory is bounded by the largest generation plus the scheduler state. */
#ifndef GOTREX_TRACE_ORDER_H
#define GOTREX_TRACE_ORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "gotrex/diag.h"
#include "gotrex/input.h"
#include "gotrex/trace_event.h"

struct gx_trace_reader;

/* Read the header of a trace from in. NULL on error (not a trace, an
 * unknown version: the message says which are supported). A Go 1.11-1.21
 * ("v1") trace is read whole and converted by trace1.h into the same
 * events, as one generation. */
struct gx_trace_reader *gx_trace_reader_new(struct gx_input *in, struct gx_diag *d);
void gx_trace_reader_free(struct gx_trace_reader *r);

/* The header's minor version (11, 19, 21 for v1; 22, 23, 25, 26). */
int gx_trace_reader_version(const struct gx_trace_reader *r);

/* The next event into *ev. Returns 1 with an event, 0 at the end, -1 when
 * the trace is broken (the entry in d names the byte offset). After -1 or
 * 0, it keeps returning the same. A trace that simply ends early (killed
 * program) gives a warning with the number of bytes lost, then 0. */
int gx_trace_reader_next(struct gx_trace_reader *r, struct gx_tev *ev, struct gx_diag *d);

/* Counts so far. */
struct gx_trace_stats {
	uint64_t generations;    /* complete generations decoded */
	uint64_t events;         /* events yielded */
	uint64_t valid_bytes;    /* input offset where the last good generation ends */
	uint64_t lost_bytes;     /* bytes not used because of truncation or an error */
	bool truncated;          /* the trace ended in the middle of a generation */
	uint64_t max_gen_bytes;  /* bytes of the largest generation read (v2 only;
	                            what a load's memory is bounded by) */
};
void gx_trace_reader_stats(const struct gx_trace_reader *r, struct gx_trace_stats *s);

#endif
