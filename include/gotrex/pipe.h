/* pipe: fixed-size records handed from one thread to a worker thread that
 * consumes them in order, through a bounded ring (single producer, single
 * consumer). The index builder uses it so that packing and spilling spans
 * and events runs on a second core while the loader decodes the input.
 *
 * The producer's records become visible to the worker in batches; when the
 * ring is full the producer waits. Not for more than one producer. */
#ifndef GOTREX_PIPE_H
#define GOTREX_PIPE_H

#include <stddef.h>

struct gx_pipe;

/* consume(ctx, recs, n) runs on the worker thread with n >= 1 records in
 * the order they were put. Returns NULL when no thread can be started
 * (the caller then does the work itself). */
struct gx_pipe *gx_pipe_start(size_t rec_size,
                              void (*consume)(void *ctx, const void *recs, size_t n),
                              void *ctx);

/* A slot for the next record: fill it, then gx_pipe_commit. */
void *gx_pipe_slot(struct gx_pipe *p);
void gx_pipe_commit(struct gx_pipe *p);

/* Hand over every record put so far and wait until the worker has
 * consumed them, then stop the worker and free the pipe. NULL is fine. */
void gx_pipe_finish(struct gx_pipe *p);

#endif
