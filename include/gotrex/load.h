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

/* What a load did, for `gotrex index` and status lines. */
struct gx_load_info {
	enum gx_format format;
	bool reused;          /* a fresh cached index was mapped */
	bool cached;          /* the index is in the cache; false: private, unlinked */
	char *index_path;     /* the cached index (NULL when private); free with
	                         gx_load_info_free */
	double build_ms;      /* time to load and write the index; 0 when reused */
};

/* gx_load, also filling *info (which may be NULL). */
struct gx_store *gx_load_ex(const char *path, const struct gx_load_opts *o,
                            struct gx_load_info *info, struct gx_diag *d);
void gx_load_info_free(struct gx_load_info *info);

/* For tests: use fn to load format f (NULL restores the built-in loader).
 * A replaced loader is recorded as "test" in the index. */
void gx_load_set_loader(enum gx_format f, gx_loader_fn fn);

#endif
