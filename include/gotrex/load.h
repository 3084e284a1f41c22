/* load: from a path to a mapped store. Sniffs the format, picks the loader,
 * reuses the cached index when it is fresh, rebuilds it when it is stale,
 * of another version or damaged. */
#ifndef GOTREX_LOAD_H
#define GOTREX_LOAD_H

#include <stdbool.h>

#include "gotrex/diag.h"
#include "gotrex/input.h"
#include "gotrex/store.h"

/* What every loader implements: read the input, feed the builder, report
 * problems in d (with file and line or offset) and keep going where it
 * can. Returns 0 when the input gave something usable, -1 when it did not. */
typedef int (*gx_loader_fn)(struct gx_input *in, struct gx_builder *b, struct gx_diag *d);

struct gx_load_opts {
	const char *cache_dir; /* NULL: $XDG_CACHE_HOME/gotrex or ~/.cache/gotrex */
	bool no_cache;         /* build a private index, unlinked after mapping */
	bool force_rebuild;
};

/* Open path ("-" = stdin) as a store. NULL on failure, with errors in d;
 * warnings of the load (this time or when the index was built) are in d too. */
struct gx_store *gx_load(const char *path, const struct gx_load_opts *o, struct gx_diag *d);

/* The cache directory in use (for messages); caller frees. */
char *gx_load_cache_dir(const struct gx_load_opts *o);

#endif
