/* trace_model: the loader of Go 1.22+ execution traces. It runs the
 * ordered events (trace_order.h) through a model of goroutines and Ps and
 * feeds the store builder:
 *   - one goroutine record per goroutine: creator, creation time and
 *     stack, start function, end time, final state, wait reason and stack;
 *   - per-goroutine state spans (runnable, running, syscall, waiting with
 *     the block reason and stack); a goroutine already alive when tracing
 *     began gets its first span from the trace start;
 *   - P spans: which goroutine ran on which P, when;
 *   - events: goroutine creation and unblocking (who woke whom, with the
 *     waker's stack), user tasks, regions and logs, GC mark phases, STW;
 *   - meta: the time covered, truncation and bytes lost.
 * Times are Go's (ns on the trace clock), as `gotrex events` prints them. */
#ifndef GOTREX_TRACE_MODEL_H
#define GOTREX_TRACE_MODEL_H

#include "gotrex/diag.h"
#include "gotrex/input.h"
#include "gotrex/store.h"

/* A gx_loader_fn for GX_FMT_TRACE_V2 and GX_FMT_TRACE_V1 (trace_order.h
 * reads both). */
int gx_trace_load(struct gx_input *in, struct gx_builder *b, struct gx_diag *d);

#endif
