/* query_deadlock: the deadlock analysis (waitgraph) as the query
 * evaluator's hook, for the command line and the TUI. The query module
 * itself does not depend on the analysis; this adapter does. */
#ifndef GOTREX_QUERY_DEADLOCK_H
#define GOTREX_QUERY_DEADLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "gotrex/query.h"
#include "gotrex/store.h"
#include "gotrex/waitgraph.h"

struct gx_query_dl {
	struct gx_query_deadlock hook; /* pass &hook as gx_query_env.deadlock */
	uint8_t *bits;                 /* per goroutine: 1 stuck, 2 in a cycle */
	size_t n;
};

/* Fill d from an analysis already built (w is borrowed and must outlive
 * the evaluation). Free with gx_query_dl_free(). */
void gx_query_dl_init(struct gx_query_dl *d, const struct gx_waitgraph *w);
void gx_query_dl_free(struct gx_query_dl *d);

#endif
