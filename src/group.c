/* group: goroutines with identical stacks.
 *
 * Two passes, both hash tables, so a million goroutines group in linear
 * time:
 *
 * 1. Stack ids are interned with the arguments of their frames, so two
 *    goroutines parked at the same place usually have different stack ids.
 *    Each stack id in use is mapped to a canonical one: the first stack id
 *    seen with the same (function, file, line, elided/created-by marker) of
 *    every frame. Arguments and +0x offsets are left out.
 * 2. Goroutines are grouped by the exact tuple (state, reason string id,
 *    leaked flag, canonical stack, canonical creation stack); the flag is
 *    part of the reason text the runtime printed ("chan send (leaked)"). The creation stack (the
 *    "created by" frame) is part of the key, as in panicparse's buckets.
 *
 * Members are visited in index order, which is goroutine-id order (the
 * store sorts goroutines by id), so each group's members come out by id. */
#include "config.h"

#include "gotrex/group.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/gofunc.h"
#include "gotrex/util.h"

/* The frame flags that are part of a frame's identity. */
#define KEY_FLAGS (GX_FRAME_ELIDED | GX_FRAME_CREATED_BY)

static uint64_t
stack_hash(const struct gx_store *s, gx_stack st, size_t depth)
{
	uint64_t h = gx_mix64(depth + 0x9e3779b97f4a7c15ULL);
	size_t i;

	for (i = 0; i < depth; i++) {
		const struct gx_frame_rec *f = gx_store_stack_frame(s, st, i);
		uint64_t a, b;

		if (f == NULL)
			continue;
		a = ((uint64_t)f->func << 32) | f->file;
		b = ((uint64_t)f->line << 32) | (f->flags & KEY_FLAGS);
		h = gx_mix64(h ^ a) * 31 + gx_mix64(b ^ (h >> 7));
	}
	return h;
}

static bool
frame_same(const struct gx_frame_rec *a, const struct gx_frame_rec *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return a->func == b->func && a->file == b->file && a->line == b->line &&
	       (a->flags & KEY_FLAGS) == (b->flags & KEY_FLAGS);
}

static bool
stack_same(const struct gx_store *s, gx_stack a, gx_stack b, size_t depth)
{
	size_t i;

	if (a == b)
		return true;
	if (gx_store_stack_depth(s, b) != depth)
		return false;
	for (i = 0; i < depth; i++)
		if (!frame_same(gx_store_stack_frame(s, a, i), gx_store_stack_frame(s, b, i)))
			return false;
	return true;
}

/* Open-addressing table of canonical stacks, keyed by frame hash. */
struct stack_slot {
	uint64_t hash;
	gx_stack id;   /* 0: empty slot (stack 0 is never stored here) */
};

struct canon {
	const struct gx_store *s;
	gx_stack *map;          /* stack id -> canonical id + 1; 0 = not yet */
	size_t nmap;
	struct stack_slot *t;
	size_t cap;             /* power of two */
	size_t used;
};

static void
canon_grow(struct canon *c)
{
	struct stack_slot *old = c->t;
	size_t oldcap = c->cap, i;

	c->cap = oldcap ? oldcap * 2 : 1024;
	c->t = xcalloc(c->cap, sizeof(*c->t));
	for (i = 0; i < oldcap; i++) {
		size_t j;

		if (old[i].id == 0)
			continue;
		for (j = old[i].hash & (c->cap - 1); c->t[j].id != 0; j = (j + 1) & (c->cap - 1))
			;
		c->t[j] = old[i];
	}
	free(old);
}

static gx_stack
canon_of(struct canon *c, gx_stack st)
{
	size_t depth, j;
	uint64_t h;

	if (st == 0)
		return 0;
	if (st < c->nmap && c->map[st] != 0)
		return c->map[st] - 1;
	depth = gx_store_stack_depth(c->s, st);
	if (depth == 0) {
		/* Empty or out of range: the same as no stack. */
		if (st < c->nmap)
			c->map[st] = 1;
		return 0;
	}
	if ((c->used + 1) * 2 > c->cap)
		canon_grow(c);
	h = stack_hash(c->s, st, depth);
	for (j = h & (c->cap - 1); c->t[j].id != 0; j = (j + 1) & (c->cap - 1)) {
		if (c->t[j].hash == h && stack_same(c->s, st, c->t[j].id, depth)) {
			if (st < c->nmap)
				c->map[st] = c->t[j].id + 1;
			return c->t[j].id;
		}
	}
	c->t[j].hash = h;
	c->t[j].id = st;
	c->used++;
	if (st < c->nmap)
		c->map[st] = st + 1;
	return st;
}

/* Open-addressing table of groups, keyed by the exact tuple. */
struct gkey {
	gx_str reason;
	gx_stack stack;
	gx_stack create;
	uint8_t state;
	uint8_t leaked;  /* the runtime printed " (leaked)" after the reason */
};

struct group_slot {
	struct gkey k;
	uint32_t group;  /* group number + 1; 0: empty slot */
};

static uint64_t
gkey_hash(const struct gkey *k)
{
	return gx_mix64(((uint64_t)k->stack << 32 | k->create) ^
	             gx_mix64(((uint64_t)k->reason << 16) | ((uint64_t)k->leaked << 8) | k->state));
}

static bool
gkey_eq(const struct gkey *a, const struct gkey *b)
{
	return a->reason == b->reason && a->stack == b->stack &&
	       a->create == b->create && a->state == b->state && a->leaked == b->leaked;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* qsort has no context argument: the store is passed through this. */
static const struct gx_store *sort_store;

static int
cmp_group(const void *a, const void *b)
{
	const struct gx_group *x = a, *y = b;
	const struct gx_goroutine_rec *gx, *gy;

	if (x->goroutines != y->goroutines)
		return x->goroutines > y->goroutines ? -1 : 1;
	gx = gx_store_goroutine(sort_store, x->sample);
	gy = gx_store_goroutine(sort_store, y->sample);
	if (gx != NULL && gy != NULL && gx->id != gy->id)
		return gx->id < gy->id ? -1 : 1;
	return (x->sample > y->sample) - (x->sample < y->sample);
}

void
gx_group_build(const struct gx_store *s, const uint32_t *gs, size_t n,
               struct gx_groups *out)
{
	size_t total = gx_store_goroutine_count(s);
	struct canon c = { .s = s };
	struct group_slot *t = NULL;
	size_t cap = 16, ngroups = 0, groupcap = 0, nidx = 0, i;
	uint32_t *idx, *gof, *pos, *remap;
	struct gx_group *groups = NULL;

	memset(out, 0, sizeof(*out));

	/* The goroutines to group, valid and in index (= id) order, once each. */
	if (gs == NULL) {
		idx = xreallocarray(NULL, total, sizeof(*idx));
		for (i = 0; i < total; i++)
			idx[nidx++] = (uint32_t)i;
	} else {
		bool sorted = true;

		idx = xreallocarray(NULL, n, sizeof(*idx));
		for (i = 0; i < n; i++) {
			if (gs[i] >= total)
				continue;
			if (nidx > 0 && gs[i] <= idx[nidx - 1])
				sorted = false;
			idx[nidx++] = gs[i];
		}
		if (!sorted) {
			size_t j, k;

			qsort(idx, nidx, sizeof(*idx), cmp_u32);
			for (j = k = 0; j < nidx; j++)
				if (k == 0 || idx[j] != idx[k - 1])
					idx[k++] = idx[j];
			nidx = k;
		}
	}

	c.nmap = gx_store_stack_count(s) + 1;
	c.map = xcalloc(c.nmap, sizeof(*c.map));
	while (cap < nidx * 2)
		cap *= 2;
	t = xcalloc(cap, sizeof(*t));
	gof = xreallocarray(NULL, nidx, sizeof(*gof));

	for (i = 0; i < nidx; i++) {
		const struct gx_goroutine_rec *g = gx_store_goroutine(s, idx[i]);
		struct gkey k;
		size_t j;

		memset(&k, 0, sizeof(k));
		k.reason = g->reason;
		k.state = g->state;
		k.leaked = (g->flags & GX_G_LEAKED) != 0;
		k.stack = canon_of(&c, g->stack);
		k.create = canon_of(&c, g->create_stack);
		for (j = gkey_hash(&k) & (cap - 1); t[j].group != 0; j = (j + 1) & (cap - 1))
			if (gkey_eq(&t[j].k, &k))
				break;
		if (t[j].group == 0) {
			gx_grow(&groups, &groupcap, ngroups + 1, sizeof(*groups));
			memset(&groups[ngroups], 0, sizeof(groups[ngroups]));
			groups[ngroups].sample = idx[i];
			groups[ngroups].max_wait_ns = g->wait_ns;
			t[j].k = k;
			t[j].group = (uint32_t)++ngroups;
		}
		gof[i] = t[j].group - 1;
		groups[gof[i]].count++;
		groups[gof[i]].goroutines += g->count;
		if (g->wait_ns > groups[gof[i]].max_wait_ns)
			groups[gof[i]].max_wait_ns = g->wait_ns;
	}
	free(t);
	free(c.map);
	free(c.t);

	/* Order the groups, then lay the members out group after group. The
	 * position of group k before sorting is found through remap. */
	for (i = 0; i < ngroups; i++)
		groups[i].first = (uint32_t)i; /* remember the original number */
	sort_store = s;
	if (ngroups > 1)
		qsort(groups, ngroups, sizeof(*groups), cmp_group);
	sort_store = NULL;
	remap = xreallocarray(NULL, ngroups, sizeof(*remap));
	pos = xreallocarray(NULL, ngroups, sizeof(*pos));
	{
		uint32_t at = 0;

		for (i = 0; i < ngroups; i++) {
			remap[groups[i].first] = (uint32_t)i;
			groups[i].first = at;
			pos[i] = at;
			at += groups[i].count;
		}
	}
	out->members = xreallocarray(NULL, nidx, sizeof(*out->members));
	for (i = 0; i < nidx; i++)
		out->members[pos[remap[gof[i]]]++] = idx[i];
	out->nmembers = nidx;
	out->v = groups;
	out->n = ngroups;
	free(pos);
	free(remap);
	free(gof);
	free(idx);
}

void
gx_groups_free(struct gx_groups *g)
{
	if (g == NULL)
		return;
	free(g->v);
	free(g->members);
	memset(g, 0, sizeof(*g));
}

const struct gx_frame_rec *
gx_top_user_frame(const struct gx_store *s, gx_stack st)
{
	size_t depth = gx_store_stack_depth(s, st), i;
	const struct gx_frame_rec *first = NULL;

	for (i = 0; i < depth; i++) {
		const struct gx_frame_rec *f = gx_store_stack_frame(s, st, i);
		const char *fn;
		size_t len;

		if (f == NULL || (f->flags & (GX_FRAME_ELIDED | GX_FRAME_CREATED_BY)))
			continue;
		if (first == NULL)
			first = f;
		fn = gx_store_str(s, f->func, &len);
		if (!gx_func_is_plumbing(fn, len))
			return f;
	}
	if (first == NULL && depth > 0)
		first = gx_store_stack_frame(s, st, 0);
	return first;
}
