/* trace1: Go 1.11 to 1.21 execution traces ("v1" format), decoded into the
 * same ordered event stream (trace_event.h) as Go 1.22+ traces.
 *
 * A v1 trace has no generations: per-P batches of events with inline
 * arguments, a string dictionary, stacks and the clock frequency at the end
 * (written by trace.Stop). The whole input is read, decoded, merged into
 * one order by Go 1.21's rules (per-goroutine sequence numbers, then time),
 * checked, and converted to v2 events exactly as Go's reader does it
 * (src/internal/trace/internal/tracev1 and tracev1.go in Go 1.26):
 * synthesized GoStatus and ProcStatus events for the state at trace start,
 * GoSyscallBegin/End pairs for syscalls that did not block, GoLabel after a
 * labelled GoStart, one Sync before the first event and one after the last.
 * The result is one generation; `gotrex events` on a v1 trace prints what
 * `go tool trace -d=parsed` prints.
 *
 * Where Go gives up on a damaged trace (truncated file, no frequency
 * event, an order that cannot be made consistent), we keep what is sound:
 * the decoding stops at the first bad byte, the ordering keeps the events
 * it could place, the checks keep the events before the first bad one, and
 * a warning names the byte offset. Without the frequency event (a trace
 * that was never stopped) times are in clock ticks, not nanoseconds, and a
 * warning says so.
 *
 * Memory: the whole input plus about 80 bytes per event. */
#ifndef GOTREX_TRACE1_H
#define GOTREX_TRACE1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gotrex/diag.h"
#include "gotrex/input.h"
#include "gotrex/trace2.h"
#include "gotrex/trace_event.h"
#include "gotrex/trace_order.h"

/* Header minor versions of the v1 format that we (and Go 1.26) read: 11 is
 * written by Go 1.11 to 1.18, 19 by Go 1.19 and 1.20, 21 by Go 1.21. */
#define GX_T1_GO111 11
#define GX_T1_GO119 19
#define GX_T1_GO121 21

/* Look at a 16-byte trace header. Returns 11, 19 or 21 for a v1 trace we
 * read; 0 when it is not a pre-1.22 header (not a trace, or a v2 one: the
 * v2 reader decides); -1 for an older trace format we do not read (Go 1.5
 * to 1.10), with err filled. */
int gx_t1_read_header(const uint8_t *p, size_t n, struct gx_t2_err *err);

struct gx_t1_reader;

/* Read and decode the rest of a v1 trace of the given version whose header
 * has been consumed from in. Warnings about damage go to d. NULL only when
 * nothing at all can be read (the message in d). */
struct gx_t1_reader *gx_t1_reader_new(struct gx_input *in, int version, struct gx_diag *d);
void gx_t1_reader_free(struct gx_t1_reader *r);

/* Same contract as gx_trace_reader_next(): 1 with an event, 0 at the end,
 * -1 when Go's conversion fails on an event (error in d, with its offset);
 * the event is valid until the next call. */
int gx_t1_reader_next(struct gx_t1_reader *r, struct gx_tev *ev, struct gx_diag *d);

/* Counts: generations is 1 once the whole trace was read without damage. */
void gx_t1_reader_stats(const struct gx_t1_reader *r, struct gx_trace_stats *s);

#endif
