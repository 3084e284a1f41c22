/* group: goroutines with identical stacks, as panicparse buckets them.
 *
 * Two goroutines are in one group when they have the same state, the same
 * reason text and the same frames (function, file, line; arguments and
 * offsets ignored). Groups are what both `stats` and the TUI's grouped list
 * show. Reads only the store. */
#ifndef GOTREX_GROUP_H
#define GOTREX_GROUP_H

#include <stddef.h>
#include <stdint.h>

#include "gotrex/store.h"

struct gx_group {
	uint32_t first;       /* index of the first member in gx_groups.members */
	uint32_t count;       /* members (goroutine records) */
	uint64_t goroutines;  /* goroutines represented (sum of records' count) */
	uint32_t sample;      /* goroutine index of the first member */
	int64_t max_wait_ns;  /* longest wait among the members */
};

struct gx_groups {
	struct gx_group *v;   /* sorted: most goroutines first, then by sample id */
	size_t n;
	uint32_t *members;    /* goroutine indexes, grouped, each group by id */
	size_t nmembers;
};

/* Group the goroutine indexes gs[0..n) (a filtered subset, or all when gs
 * is NULL). Free with gx_groups_free(). */
void gx_group_build(const struct gx_store *s, const uint32_t *gs, size_t n,
                    struct gx_groups *out);
void gx_groups_free(struct gx_groups *g);

/* The innermost frame of a stack that is the user's code
 * (gx_func_is_plumbing false), or the innermost frame when none is;
 * NULL for an empty stack. */
const struct gx_frame_rec *gx_top_user_frame(const struct gx_store *s, gx_stack st);

#endif
