/* query_deadlock: membership of the stuck set and of the cycles, from the
 * wait-for graph, answered in O(1) per goroutine. */
#include "config.h"

#include "gotrex/query_deadlock.h"

#include <stdlib.h>
#include <string.h>

#include "gotrex/util.h"

#define BIT_STUCK 1u
#define BIT_CYCLE 2u

static bool
member(const void *ctx, enum gx_query_set set, uint32_t g)
{
	const struct gx_query_dl *d = ctx;

	if (g >= d->n)
		return false;
	return (d->bits[g] & (set == GX_QUERY_SET_CYCLE ? BIT_CYCLE : BIT_STUCK)) != 0;
}

void
gx_query_dl_init(struct gx_query_dl *d, const struct gx_waitgraph *w)
{
	const struct gx_deadlock *dl = gx_wg_deadlock(w);
	size_t i, k;

	memset(d, 0, sizeof(*d));
	d->n = gx_store_goroutine_count(gx_wg_store(w));
	d->bits = xcalloc(d->n ? d->n : 1, 1);
	d->hook.member = member;
	d->hook.ctx = d;
	d->hook.deadlock_ns = GX_TIME_NONE;
	if (dl == NULL)
		return;
	for (i = 0; i < dl->nstuck; i++)
		if (dl->stuck[i] < d->n)
			d->bits[dl->stuck[i]] |= BIT_STUCK;
	for (i = 0; i < dl->ncycles; i++)
		for (k = 0; k < dl->cycles[i].count; k++) {
			uint32_t g = dl->cycle_members[dl->cycles[i].first + k];

			if (g < d->n)
				d->bits[g] |= BIT_CYCLE;
		}
	d->hook.deadlock_ns = dl->found ? dl->deadlock_ns : GX_TIME_NONE;
}

void
gx_query_dl_free(struct gx_query_dl *d)
{
	free(d->bits);
	memset(d, 0, sizeof(*d));
}
