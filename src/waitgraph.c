/* waitgraph: goroutine -> resource -> goroutine, and the stuck set.
 *
 * Build, in linear passes (plus sorts):
 *  1. classify every goroutine (src/resource.c);
 *  2. resources: one per (kind, address) when the address is known, one
 *     per waiter otherwise;
 *  3. the argument index: every accurate pointer-like argument word of
 *     every frame outside the runtime, as (value, goroutine, frame),
 *     sorted by value; a distinct value is a "key";
 *  4. releaser candidates of each resource, strongest rule first:
 *       - keys in [addr - CONTAINER_MAX, addr] passed by goroutines that
 *         do not wait on it (the object, or a struct containing it);
 *       - RWMutex: readers wait for the pending writer; the writer waits
 *         for readers that may hold a read lock (a reader blocked with a
 *         user caller above it: recursive RLock);
 *       - children: goroutines started by the function that waits
 *         (WaitGroup, receive, select, Cond);
 *       - trace history: who unblocked goroutines waiting at the same
 *         place before, and whether the runtime (timers, poller) did;
 *       - goroutines that are not blocked and run a closure of the
 *         waiting function (weak), and, for a mutex, ones inside that
 *         function itself (weak);
 *       - children of the waiter that have not run yet (weak);
 *       - only when none of those found anyone: goroutines passing a
 *         pointer a waiter passes too (weak), and for a receive or
 *         select the creator of the waiter (weak), unless the receiving
 *         function takes no arguments (a possible timer channel: the
 *         waiter is then undetermined);
 *       - in a dump, a wait of the standard library's own goroutines
 *         (no user frame, under a minute) that at most weak evidence
 *         explains is undetermined if nothing releases it;
 *  5. liveness: from every live goroutine, release the resources it is a
 *     candidate for and wake their waiters, to a fixed point; whoever is
 *     still blocked is stuck (the greatest fixed point, so cycles stay
 *     stuck);
 *  6. cycles: Tarjan SCC over stuck -> stuck candidate edges; for each
 *     component, the shortest chain back to its lowest-id member;
 *  7. the deadlock time and the fingerprint.
 *
 * The runtime's "all goroutines are asleep" and the leak detector's
 * "leaked" override step 5: they are proof. */
#include "config.h"

#include "gotrex/waitgraph.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/gofunc.h"
#include "gotrex/scc.h"
#include "gotrex/store.h"
#include "gotrex/text.h"
#include "gotrex/util.h"
#include "waitgraph_impl.h"

/* A struct containing a sync object starts at most this far below it. */
#define CONTAINER_MAX 256
/* Arguments below this are small integers, not pointers. */
#define POINTER_MIN 0x10000
/* Successors kept per stuck goroutine for the cycle search. */
#define SUCC_MAX 256
/* Address-less RWMutex resources matched with each other at most. */
#define RW_UNKNOWN_MAX 1024
/* Goroutines blocked on mutexes considered for the lock-order hint. */
#define MUTEX_HINT_MAX 1024
/* App postings of one key walked for a shared-pointer hint, at most. */
#define SHARED_SCAN_MAX 4096
/* Frames of a goroutine that is not blocked looked at for a mutex's
 * possible holder, at most. */
#define LIVE_FRAMES_MAX 64

struct post {
	uint64_t v;
	uint32_t g;
	uint16_t frame;
	uint8_t user;     /* seen in a user frame */
	uint8_t app;      /* seen in a frame outside the Go distribution */
};

struct dep {          /* resource r depends on key k */
	uint32_t k;
	uint32_t r;
	uint8_t evidence; /* GX_EVID_ARG/CONTAINER or GX_EVID_SHARED */
	bool app_only;    /* only posters in their own code (post.app) count */
};

struct xedge {        /* explicit candidate: g may release r */
	uint32_t g;
	uint32_t r;
	uint8_t evidence;
	uint8_t strength;
	uint32_t count;
	int64_t ns;
};

struct gx_waitgraph {
	const struct gx_store *s;
	size_t n;
	struct gx_wg_goroutine *gw;
	bool *alive;

	struct gx_wg_resource *res;
	size_t nres, capres;
	uint32_t *waiters;
	struct gx_wg_edge *edges;
	size_t nedges;

	struct gx_deadlock dl;

	/* A dump of the same process joined to a trace (or NULL): join[g]
	 * is g's index in it, GX_NONE32 when the dump does not have it. */
	const struct gx_store *aux;
	uint32_t *join;
	size_t njoined;
};

/* The store and stack whose frames carry g's arguments: the joined
 * dump's when there is one, else g's own. */
static const struct gx_store *
arg_stack(const struct gx_waitgraph *w, size_t g, gx_stack *st)
{
	if (w->join != NULL && w->join[g] != GX_NONE32) {
		*st = gx_store_goroutine(w->aux, w->join[g])->stack;
		return w->aux;
	}
	*st = gx_store_goroutine(w->s, g)->stack;
	return w->s;
}

/* Innermost user functions of two stacks (in two stores) are equal. */
static bool
same_user_func(const struct gx_store *a, gx_stack sa, const struct gx_store *b, gx_stack sb)
{
	const struct gx_frame_rec *fa = NULL, *fb = NULL;
	size_t da = gx_store_stack_depth(a, sa), db = gx_store_stack_depth(b, sb), na, nb;
	const char *pa, *pb;

	for (size_t i = 0; i < da && fa == NULL; i++)
		if (gx_wg_user_frame(a, gx_store_stack_frame(a, sa, i)))
			fa = gx_store_stack_frame(a, sa, i);
	for (size_t i = 0; i < db && fb == NULL; i++)
		if (gx_wg_user_frame(b, gx_store_stack_frame(b, sb, i)))
			fb = gx_store_stack_frame(b, sb, i);
	if (fa == NULL || fb == NULL)
		return false;
	pa = gx_store_str(a, fa->func, &na);
	pb = gx_store_str(b, fb->func, &nb);
	return na == nb && memcmp(pa, pb, na) == 0;
}

/* ------------------------------------------------------------------ */
/* Names */

const char *
gx_wg_status_name(enum gx_wg_status s)
{
	switch (s) {
	case GX_WG_LIVE: return "live";
	case GX_WG_RELEASABLE: return "releasable";
	case GX_WG_UNDETERMINED: return "undetermined";
	case GX_WG_STUCK: return "stuck";
	}
	return "?";
}

const char *
gx_wg_undetermined_why(enum gx_wg_undetermined u)
{
	switch (u) {
	case GX_UND_NONE: break;
	case GX_UND_OPAQUE: return "the input gives neither its stack nor its wait reason";
	case GX_UND_TIMER:
		return "the receiving function takes no arguments, so the channel may be a timer's";
	case GX_UND_STD:
		return "only the standard library's own frames, and at most hints name who may "
		       "release it: its other end may hold the object through pointers the input "
		       "does not show";
	case GX_UND_STD_CALL:
		return "blocked inside the standard library, and a trace records no pointers to "
		       "link it to the goroutine at the other end (a slow response looks the same "
		       "as a leak)";
	case GX_UND_BEFORE_TRACE:
		return "blocked since before the trace began, and nothing in the trace shows "
		       "who could release it";
	}
	return "?";
}

const char *
gx_wg_proof_name(enum gx_wg_proof p)
{
	switch (p) {
	case GX_PROOF_NONE: return "none";
	case GX_PROOF_RUNTIME_DEADLOCK: return "runtime reported all goroutines asleep";
	case GX_PROOF_LEAKED: return "runtime reported it leaked";
	case GX_PROOF_BUBBLE_DEADLOCK: return "runtime reported its synctest bubble deadlocked";
	case GX_PROOF_PERMANENT: return "nil channel or empty select: can never wake";
	case GX_PROOF_NO_RELEASER: return "no goroutine in the input could release it";
	case GX_PROOF_RELEASERS_STUCK: return "every goroutine that could release it is stuck";
	}
	return "?";
}

bool
gx_wg_proof_is_proven(enum gx_wg_proof p)
{
	return p == GX_PROOF_RUNTIME_DEADLOCK || p == GX_PROOF_LEAKED || p == GX_PROOF_PERMANENT ||
	       p == GX_PROOF_BUBBLE_DEADLOCK;
}

const char *
gx_evidence_name(enum gx_evidence e)
{
	static const char *const names[GX_EVID_COUNT] = {
		[GX_EVID_ARG] = "arg",
		[GX_EVID_CONTAINER] = "container",
		[GX_EVID_SHARED] = "shared-arg",
		[GX_EVID_CHILD] = "child",
		[GX_EVID_PARENT] = "parent",
		[GX_EVID_RW_WRITER] = "rw-writer",
		[GX_EVID_RW_READER] = "rw-reader",
		[GX_EVID_HISTORY] = "history",
		[GX_EVID_RUNTIME] = "runtime",
		[GX_EVID_OTHER_LOCK] = "other-lock",
		[GX_EVID_SIBLING] = "sibling",
		[GX_EVID_PARTNER] = "partner",
		[GX_EVID_LOCK_ORDER] = "lock-order",
		[GX_EVID_HELD_ACROSS] = "held-across",
		[GX_EVID_SAME_FUNC] = "same-function",
		[GX_EVID_CLOSURE] = "closure",
		[GX_EVID_NEW_CHILD] = "new-child",
		[GX_EVID_CALLBACK] = "callback-owner",
	};
	return (unsigned)e < GX_EVID_COUNT ? names[e] : "?";
}

const char *
gx_strength_name(enum gx_strength s)
{
	switch (s) {
	case GX_STRENGTH_OBSERVED: return "observed";
	case GX_STRENGTH_INFERRED: return "inferred";
	case GX_STRENGTH_WEAK: return "weak";
	}
	return "?";
}

/* ------------------------------------------------------------------ */
/* Small helpers */

static int
cmp_post(const void *a, const void *b)
{
	const struct post *x = a, *y = b;

	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	if (x->app != y->app)
		return x->app ? -1 : 1; /* a key's app postings first: key_napp */
	if (x->g != y->g)
		return x->g < y->g ? -1 : 1;
	return (int)x->frame - (int)y->frame;
}

static int
cmp_dep_k(const void *a, const void *b)
{
	const struct dep *x = a, *y = b;

	if (x->k != y->k)
		return x->k < y->k ? -1 : 1;
	return x->r < y->r ? -1 : x->r > y->r;
}

static int
cmp_xedge_g(const void *a, const void *b)
{
	const struct xedge *x = a, *y = b;

	if (x->g != y->g)
		return x->g < y->g ? -1 : 1;
	return x->r < y->r ? -1 : x->r > y->r;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static bool
blocked_kind(enum gx_wait_kind k)
{
	return k != GX_WAIT_NONE && k != GX_WAIT_SLEEP && k != GX_WAIT_IO && k != GX_WAIT_SYSTEM;
}

static const char *
frame_func(const struct gx_store *s, gx_stack st, uint32_t i, size_t *n)
{
	const struct gx_frame_rec *f = i == GX_NONE32 ? NULL : gx_store_stack_frame(s, st, i);

	if (f == NULL) {
		*n = 0;
		return "";
	}
	return gx_store_str(s, f->func, n);
}

/* ------------------------------------------------------------------ */
/* Build state */

struct build {
	struct gx_waitgraph *w;
	const struct gx_store *s;
	size_t n;

	/* resources by (kind, addr) */
	uint32_t *rhash;
	size_t rhash_cap;

	/* argument index */
	struct post *posts;
	size_t nposts, capposts;
	uint64_t *key_v;          /* distinct values */
	uint32_t *key_first;      /* first posting of key k; key_first[nkeys] = nposts */
	uint32_t *key_napp;       /* key k's app postings, first in its run */
	size_t nkeys;
	uint32_t *post_key;       /* key of posting i */
	uint32_t *gkey_off;       /* per goroutine: its postings (by g) */
	uint32_t *gkey;           /* posting indexes grouped by g */

	struct dep *deps;
	size_t ndeps, capdeps;
	struct xedge *xe;
	size_t nxe, capxe;

	uint32_t *cand;           /* candidates found per resource (before the cap) */
	bool *runtime_release;    /* resource released by the runtime (trace history) */
	uint8_t *undetermined_res;/* enum gx_wg_undetermined: not judged, and why */
	uint8_t *weak_std_res;    /* a wait in the library, at most hinted: GX_UND_STD(_CALL) */

	/* Per stack id: its innermost user frame + 2, 1 when it has none,
	 * 0 when not yet looked at. A trace has millions of spans and
	 * events but few distinct stacks: each is looked at once. */
	uint32_t *ufirst;
	size_t nstacks;
	/* Classification of a blocked (reason, stack) pair, as history
	 * and lock order ask it of every span: key reason << 32 | stack. */
	struct cls_slot *cls;
	size_t cls_cap, cls_n;
	/* For counting a key's candidate posters without walking them all
	 * (site_index): per goroutine its wait site (valid when blocked at
	 * a user frame); per key, its alive postings and the wait sites of
	 * those, sorted, at site_off[k] .. site_off[k + 1]. */
	struct wsite *gsite;
	uint32_t *alive_posts;
	uint32_t *site_off;
	struct wsite *sites;
};

/* Where a goroutine waits, as same_site compares it. */
struct wsite {
	uint32_t func;
	uint32_t line;
	uint8_t kind;
	bool valid;
};

struct cls_slot {
	uint64_t key;
	bool used;
	struct gx_wg_goroutine c;
};

static uint32_t
res_lookup(struct build *b, uint8_t kind, uint64_t addr, bool create)
{
	struct gx_waitgraph *w = b->w;
	size_t mask = b->rhash_cap - 1, i = gx_mix64(addr * 31 + kind) & mask;

	while (b->rhash[i] != GX_NONE32) {
		const struct gx_wg_resource *r = &w->res[b->rhash[i]];

		if (r->kind == kind && r->addr == addr)
			return b->rhash[i];
		i = (i + 1) & mask;
	}
	if (!create)
		return GX_NONE32;
	gx_grow(&w->res, &w->capres, w->nres + 1, sizeof *w->res);
	memset(&w->res[w->nres], 0, sizeof w->res[w->nres]);
	w->res[w->nres].kind = kind;
	w->res[w->nres].addr = addr;
	w->res[w->nres].site_g = GX_NONE32;
	b->rhash[i] = (uint32_t)w->nres;
	return (uint32_t)w->nres++;
}

static void
add_dep(struct build *b, uint32_t k, uint32_t r, uint8_t ev, bool app_only)
{
	gx_grow(&b->deps, &b->capdeps, b->ndeps + 1, sizeof *b->deps);
	b->deps[b->ndeps] = (struct dep){ .k = k, .r = r, .evidence = ev, .app_only = app_only };
	b->ndeps++;
}

/* End of the postings of dep d's key that count for it: all of them, or
 * the app ones, which come first. */
static uint32_t
dep_end(const struct build *b, const struct dep *d)
{
	return d->app_only ? b->key_first[d->k] + b->key_napp[d->k] : b->key_first[d->k + 1];
}

/* The other side of an RWMutex (its writer for readers, its readers for
 * a writer): the resource of kind other at the same address, or, when the
 * address is not known, every resource of that kind whose address is not
 * known either (unknown[0..nunknown)). Sets *list (possibly to one) and
 * returns how many. */
static size_t
rw_other_side(struct build *b, uint8_t other, uint64_t addr, const uint32_t *unknown,
              size_t nunknown, uint32_t *one, const uint32_t **list)
{
	if (addr == 0) {
		*list = unknown;
		return nunknown;
	}
	*one = res_lookup(b, other, addr, false);
	*list = one;
	return *one != GX_NONE32 ? 1 : 0;
}

static void
add_xedge(struct build *b, uint32_t g, uint32_t r, uint8_t ev, uint8_t strength,
          uint32_t count, int64_t ns)
{
	gx_grow(&b->xe, &b->capxe, b->nxe + 1, sizeof *b->xe);
	b->xe[b->nxe] = (struct xedge){ .g = g, .r = r, .evidence = ev, .strength = strength,
	                                .count = count, .ns = ns };
	b->nxe++;
}

/* Can goroutine g act at all (exists and has not ended)? */
static bool
g_alive(const struct gx_store *s, size_t g)
{
	const struct gx_goroutine_rec *r = gx_store_goroutine(s, g);

	return r != NULL && r->state != GX_G_DEAD && r->state != GX_G_NOTEXIST;
}

/* 1 + 2: classify, make resources, list waiters. */
static void
build_resources(struct build *b)
{
	struct gx_waitgraph *w = b->w;
	const struct gx_store *s = b->s;
	size_t n = b->n, nw = 0;
	uint32_t *cnt;

	b->rhash_cap = 16;
	while (b->rhash_cap < 2 * n + 16)
		b->rhash_cap <<= 1;
	b->rhash = xmalloc(b->rhash_cap * sizeof *b->rhash);
	memset(b->rhash, 0xff, b->rhash_cap * sizeof *b->rhash);

	for (size_t g = 0; g < n; g++) {
		const struct gx_goroutine_rec *gr = gx_store_goroutine(s, g);
		struct gx_wg_goroutine *x = &w->gw[g];
		enum gx_res_kind rk;

		gx_wg_classify(s, gr, x);
		if (w->join != NULL && w->join[g] != GX_NONE32) {
			/* The dump of the same process names the object the
			 * trace cannot: take its address when the dump saw the
			 * goroutine blocked the same way at the same place. */
			const struct gx_goroutine_rec *dr = gx_store_goroutine(w->aux, w->join[g]);
			struct gx_wg_goroutine y;

			gx_wg_classify(w->aux, dr, &y);
			if (x->addr == 0 && y.addr != 0 && blocked_kind((enum gx_wait_kind)x->kind) &&
			    gx_wg_res_kind((enum gx_wait_kind)y.kind) ==
			    gx_wg_res_kind((enum gx_wait_kind)x->kind) &&
			    same_user_func(s, gr->stack, w->aux, dr->stack)) {
				x->addr = y.addr;
				x->addr_src = y.addr_src;
				x->wait_frame = GX_NONE32;
			}
		}
		x->resource = GX_NONE32;
		x->status = GX_WG_LIVE;
		x->proof = GX_PROOF_NONE;
		w->alive[g] = g_alive(s, g);
		rk = gx_wg_res_kind((enum gx_wait_kind)x->kind);
		if (rk == GX_RES_KIND_COUNT)
			continue;
		if (x->addr != 0) {
			x->resource = res_lookup(b, (uint8_t)rk, x->addr, true);
		} else {
			/* Address unknown: a resource of its own. */
			gx_grow(&w->res, &w->capres, w->nres + 1, sizeof *w->res);
			memset(&w->res[w->nres], 0, sizeof w->res[w->nres]);
			w->res[w->nres].kind = (uint8_t)rk;
			w->res[w->nres].site_g = (uint32_t)g;
			x->resource = (uint32_t)w->nres++;
		}
		w->res[x->resource].nwaiters++;
		nw++;
	}
	/* Waiters grouped by resource, each group by goroutine index (= by id). */
	w->waiters = xmalloc((nw ? nw : 1) * sizeof *w->waiters);
	cnt = xcalloc(w->nres + 1, sizeof *cnt);
	{
		uint32_t acc = 0;

		for (size_t r = 0; r < w->nres; r++) {
			w->res[r].first_waiter = acc;
			acc += w->res[r].nwaiters;
		}
	}
	for (size_t g = 0; g < n; g++) {
		uint32_t r = w->gw[g].resource;

		if (r != GX_NONE32)
			w->waiters[w->res[r].first_waiter + cnt[r]++] = (uint32_t)g;
	}
	free(cnt);
}

/* Is word j the type word of an interface argument: the first of a
 * two-word group whose second word is a pointer ({itab, data}; a string
 * is {data, small length})? Every goroutine passing a context.Context
 * of one concrete type passes the same itab: it names no shared object. */
static bool
iface_type_word(const struct gx_arg *a, size_t n, size_t j)
{
	return a[j].depth == 1 && j + 1 < n && a[j + 1].top == a[j].top && a[j + 1].depth == 1 &&
	       a[j + 1].value >= POINTER_MIN && (j == 0 || a[j - 1].top != a[j].top) &&
	       (j + 2 >= n || a[j + 2].top != a[j].top);
}

/* 3: the argument index. */
static void
build_index(struct build *b)
{
	const struct gx_store *s = b->s;
	struct gx_arg args[WG_ARGS_MAX];
	uint32_t *cnt;

	for (size_t g = 0; g < b->n; g++) {
		const struct gx_goroutine_rec *gr = gx_store_goroutine(s, g);
		size_t depth, start = b->nposts;

		const struct gx_store *as;
		gx_stack ast;

		if (gr == NULL || !b->w->alive[g])
			continue;
		as = arg_stack(b->w, g, &ast);
		depth = gx_store_stack_depth(as, ast);
		for (size_t i = 0; i < depth && i < UINT16_MAX; i++) {
			const struct gx_frame_rec *f = gx_store_stack_frame(as, ast, i);
			size_t fn_n, an, na;
			const char *fn, *a;
			bool user, app;

			if (f == NULL || (f->flags & (GX_FRAME_CREATED_BY | GX_FRAME_INLINED)))
				continue;
			fn = gx_store_str(as, f->func, &fn_n);
			if (gx_func_is_runtime(fn, fn_n))
				continue;
			a = gx_store_str(as, f->args, &an);
			if (an == 0)
				continue;
			user = gx_wg_user_frame(as, f);
			app = user && !gx_func_is_std(fn, fn_n);
			na = gx_args_parse(a, an, args, WG_ARGS_MAX);
			for (size_t j = 0; j < na; j++) {
				bool dup = false;

				if (args[j].inaccurate || args[j].value < POINTER_MIN ||
				    iface_type_word(args, na, j))
					continue;
				for (size_t p = start; p < b->nposts; p++)
					if (b->posts[p].v == args[j].value) {
						dup = true;
						if (user)
							b->posts[p].user = 1;
						if (app)
							b->posts[p].app = 1;
						break;
					}
				if (dup)
					continue;
				gx_grow(&b->posts, &b->capposts, b->nposts + 1, sizeof *b->posts);
				b->posts[b->nposts++] = (struct post){ .v = args[j].value, .g = (uint32_t)g,
				                                       .frame = (uint16_t)i, .user = user,
				                                       .app = app };
			}
		}
	}
	if (b->nposts > 1)
		qsort(b->posts, b->nposts, sizeof *b->posts, cmp_post);
	b->key_v = xmalloc((b->nposts + 1) * sizeof *b->key_v);
	b->key_first = xmalloc((b->nposts + 1) * sizeof *b->key_first);
	b->key_napp = xcalloc(b->nposts + 1, sizeof *b->key_napp);
	b->post_key = xmalloc((b->nposts + 1) * sizeof *b->post_key);
	for (size_t i = 0; i < b->nposts; i++) {
		if (i == 0 || b->posts[i].v != b->posts[i - 1].v) {
			b->key_v[b->nkeys] = b->posts[i].v;
			b->key_first[b->nkeys] = (uint32_t)i;
			b->nkeys++;
		}
		b->post_key[i] = (uint32_t)(b->nkeys - 1);
		if (b->posts[i].app)
			b->key_napp[b->nkeys - 1]++;
	}
	b->key_first[b->nkeys] = (uint32_t)b->nposts;

	/* Postings by goroutine. */
	b->gkey_off = xcalloc(b->n + 1, sizeof *b->gkey_off);
	b->gkey = xmalloc((b->nposts + 1) * sizeof *b->gkey);
	for (size_t i = 0; i < b->nposts; i++)
		b->gkey_off[b->posts[i].g + 1]++;
	for (size_t g = 0; g < b->n; g++)
		b->gkey_off[g + 1] += b->gkey_off[g];
	cnt = xcalloc(b->n + 1, sizeof *cnt);
	for (size_t i = 0; i < b->nposts; i++) {
		uint32_t g = b->posts[i].g;

		b->gkey[b->gkey_off[g] + cnt[g]++] = (uint32_t)i;
	}
	free(cnt);
}

/* First key with value >= v. */
static size_t
key_lower(const struct build *b, uint64_t v)
{
	size_t lo = 0, hi = b->nkeys;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (b->key_v[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Where goroutine g is blocked: its kind of wait and the function and
 * line of its innermost user frame; not valid when it is not blocked or
 * has no such frame. */
static struct wsite
wait_site(const struct gx_waitgraph *w, uint32_t g)
{
	const struct gx_wg_goroutine *x = &w->gw[g];
	const struct gx_frame_rec *f;
	struct wsite st = { 0, 0, 0, false };

	if (!blocked_kind((enum gx_wait_kind)x->kind) || x->site_frame == GX_NONE32)
		return st;
	f = gx_store_stack_frame(w->s, gx_store_goroutine(w->s, g)->stack, x->site_frame);
	if (f != NULL)
		st = (struct wsite){ f->func, f->line, x->kind, true };
	return st;
}

static bool
wsite_eq(const struct wsite *x, const struct wsite *y)
{
	return x->valid && y->valid && x->func == y->func && x->line == y->line &&
	       x->kind == y->kind;
}

/* Goroutines blocked the same way at the same place (identical
 * goroutines, as two receivers of one channel): one cannot be what the
 * other waits for. */
static bool
same_site(const struct gx_waitgraph *w, uint32_t a, uint32_t b)
{
	struct wsite x, y;

	if (w->gw[a].kind != w->gw[b].kind) /* cheap, and most often the answer */
		return false;
	x = wait_site(w, a);
	y = wait_site(w, b);
	return wsite_eq(&x, &y);
}

/* Is g a candidate releaser of r: it does not wait on r, can act, and
 * is not blocked just like the waiters of r? */
static bool
candidate(const struct gx_waitgraph *w, uint32_t g, uint32_t r)
{
	const struct gx_wg_resource *R = &w->res[r];

	if (w->gw[g].resource == r || !w->alive[g])
		return false;
	/* Blocked just like the waiters, on an object that is not known to
	 * differ (two receivers of one channel): not a candidate. */
	if (R->nwaiters > 0 && same_site(w, g, w->waiters[R->first_waiter]) &&
	    (R->addr == 0 || w->gw[g].addr == 0 || w->gw[g].addr == R->addr))
		return false;
	return true;
}

static int
cmp_wsite(const void *a, const void *b)
{
	const struct wsite *x = a, *y = b;

	if (x->func != y->func)
		return x->func < y->func ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x->kind > y->kind) - (x->kind < y->kind);
}

/* Build the per-key site index (once). A dump of 100 000 goroutines may
 * have a pointer that nearly all of them pass, and thousands of waiters
 * each a resource of its own: walking every posting per resource was
 * waiters x posters. */
static void
site_index(struct build *b)
{
	const struct gx_waitgraph *w = b->w;
	uint32_t n = 0;

	if (b->gsite != NULL)
		return;
	b->gsite = xcalloc(b->n + 1, sizeof(*b->gsite));
	for (size_t g = 0; g < b->n; g++)
		b->gsite[g] = wait_site(w, (uint32_t)g);
	b->alive_posts = xcalloc(b->nkeys + 1, sizeof(*b->alive_posts));
	b->site_off = xcalloc(b->nkeys + 1, sizeof(*b->site_off));
	b->sites = xreallocarray(NULL, b->nposts + 1, sizeof(*b->sites));
	for (size_t k = 0; k < b->nkeys; k++) {
		uint32_t first = n;

		b->site_off[k] = n;
		for (uint32_t p = b->key_first[k]; p < b->key_first[k + 1]; p++) {
			uint32_t g = b->posts[p].g;

			if (!w->alive[g])
				continue;
			b->alive_posts[k]++;
			if (b->gsite[g].valid)
				b->sites[n++] = b->gsite[g];
		}
		if (n - first > 1)
			qsort(b->sites + first, n - first, sizeof(*b->sites), cmp_wsite);
	}
	b->site_off[b->nkeys] = n;
}

/* Alive postings of key k by goroutines waiting at site st. */
static uint32_t
site_posts(const struct build *b, uint32_t k, const struct wsite *st)
{
	uint32_t lo = b->site_off[k], hi = b->site_off[k + 1], a;

	if (!st->valid)
		return 0;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (cmp_wsite(&b->sites[mid], st) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	a = lo;
	hi = b->site_off[k + 1];
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (cmp_wsite(&b->sites[mid], st) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - a;
}

/* Postings of key k by candidates of r. For a resource without an
 * address, candidate() leaves out exactly the goroutines that wait on r,
 * are dead, or wait at the site of r's first waiter: counted from the
 * site index instead of posting by posting. */
static uint32_t
key_candidates(struct build *b, uint32_t k, uint32_t r)
{
	const struct gx_waitgraph *w = b->w;
	const struct gx_wg_resource *R = &w->res[r];
	uint32_t c = 0;

	if (R->addr == 0 && b->key_first[k + 1] - b->key_first[k] > 64) {
		const struct wsite *rs = NULL;

		site_index(b);
		c = b->alive_posts[k];
		if (R->nwaiters > 0) {
			rs = &b->gsite[w->waiters[R->first_waiter]];
			c -= site_posts(b, k, rs);
		}
		/* r's own waiters that post k and were not left out above */
		for (uint32_t i = 0; i < R->nwaiters; i++) {
			uint32_t g = w->waiters[R->first_waiter + i];

			if (!w->alive[g] || (rs != NULL && wsite_eq(&b->gsite[g], rs)))
				continue;
			for (uint32_t p = b->gkey_off[g]; p < b->gkey_off[g + 1]; p++)
				if (b->post_key[b->gkey[p]] == k)
					c--;
		}
		return c;
	}
	for (uint32_t p = b->key_first[k]; p < b->key_first[k + 1]; p++)
		if (candidate(w, b->posts[p].g, r))
			c++;
	return c;
}

/* key_candidates counting only the postings made in the posters' own
 * code (post.app). A key all of whose postings are such is counted as
 * key_candidates does; otherwise its app postings (first in its run) are
 * walked, at most SHARED_SCAN_MAX of them (a lower bound is enough: the
 * count says whether there is a candidate, and how many are shown). */
static uint32_t
key_candidates_app(struct build *b, uint32_t k, uint32_t r)
{
	uint32_t first = b->key_first[k], napp = b->key_napp[k], c = 0;

	if (napp == b->key_first[k + 1] - first)
		return key_candidates(b, k, r);
	for (uint32_t p = first; p < first + napp && p - first < SHARED_SCAN_MAX; p++)
		if (candidate(b->w, b->posts[p].g, r))
			c++;
	return c;
}

/* Goroutine indexes sorted by creator id, for the children rule. */
struct by_creator {
	uint32_t *idx;
	size_t n;
};

static const struct gx_store *sort_store; /* qsort has no context argument in C11 */

static int
cmp_creator(const void *a, const void *b)
{
	const struct gx_goroutine_rec *x = gx_store_goroutine(sort_store, *(const uint32_t *)a);
	const struct gx_goroutine_rec *y = gx_store_goroutine(sort_store, *(const uint32_t *)b);

	if (x->creator_id != y->creator_id)
		return x->creator_id < y->creator_id ? -1 : 1;
	return cmp_u32(a, b);
}

static void
children_of(const struct build *b, const struct by_creator *bc, uint64_t id,
            size_t *first, size_t *count)
{
	size_t lo = 0, hi = bc->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (gx_store_goroutine(b->s, bc->idx[mid])->creator_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (lo < bc->n && gx_store_goroutine(b->s, bc->idx[lo])->creator_id == id)
		lo++;
	*count = lo - *first;
}

/* Were a and b started by the same function (the created-by frames
 * name the same function; unknown counts as the same)? */
static bool
same_create_func(const struct gx_store *s, const struct gx_goroutine_rec *a,
                 const struct gx_goroutine_rec *b)
{
	const struct gx_frame_rec *fa, *fb;

	if (gx_store_stack_depth(s, a->create_stack) == 0 ||
	    gx_store_stack_depth(s, b->create_stack) == 0)
		return true;
	fa = gx_store_stack_frame(s, a->create_stack, 0);
	fb = gx_store_stack_frame(s, b->create_stack, 0);
	return fa == NULL || fb == NULL || fa->func == fb->func;
}

/* Number of user frames (wrappers left out) of goroutine g's stack. */
static size_t
user_frames(const struct gx_store *s, const struct gx_goroutine_rec *g)
{
	size_t depth = gx_store_stack_depth(s, g->stack), c = 0;

	for (size_t i = 0; i < depth; i++) {
		const struct gx_frame_rec *f = gx_store_stack_frame(s, g->stack, i);

		if (gx_wg_user_frame(s, f) && !gx_wg_go_wrapper(s, g, f))
			c++;
	}
	return c;
}

/* Index of the innermost user frame of stack st, GX_NONE32 when none. */
static uint32_t
first_user(struct build *b, gx_stack st)
{
	const struct gx_store *s = b->s;
	size_t depth;
	uint32_t found = GX_NONE32;

	if (st < b->nstacks && b->ufirst[st] != 0)
		return b->ufirst[st] == 1 ? GX_NONE32 : b->ufirst[st] - 2;
	depth = gx_store_stack_depth(s, st);
	for (size_t i = 0; i < depth && i < UINT32_MAX - 2; i++)
		if (gx_wg_user_frame(s, gx_store_stack_frame(s, st, i))) {
			found = (uint32_t)i;
			break;
		}
	if (st < b->nstacks)
		b->ufirst[st] = found == GX_NONE32 ? 1 : found + 2;
	return found;
}

/* Site of a wait: reason and innermost user function, for history. */
static uint64_t
site_key(struct build *b, gx_stack st, gx_str reason)
{
	uint32_t i = first_user(b, st);
	const struct gx_frame_rec *f = i == GX_NONE32 ? NULL : gx_store_stack_frame(b->s, st, i);

	if (f != NULL)
		return gx_mix64(((uint64_t)f->func << 32 | f->line) ^ gx_mix64(reason + 1));
	return gx_mix64(gx_mix64(reason + 1) ^ st);
}

/* Where a stack is, for pairing a waker with the waiters it woke: the
 * innermost user frame's function and line; 0 when it has none. */
static uint64_t
loc_key(struct build *b, gx_stack st)
{
	uint32_t i = first_user(b, st);
	const struct gx_frame_rec *f = i == GX_NONE32 ? NULL : gx_store_stack_frame(b->s, st, i);

	return f != NULL ? gx_mix64((uint64_t)f->func << 32 | f->line) | 1 : 0;
}

/* gx_wg_classify of a goroutine waiting with reason at stack (a span of
 * a trace), looked up once per distinct pair. */
static struct gx_wg_goroutine
classify_wait(struct build *b, gx_str reason, gx_stack st)
{
	uint64_t key = (uint64_t)reason << 32 | st;
	size_t mask, i;

	if (2 * (b->cls_n + 1) > b->cls_cap) {
		size_t ncap = b->cls_cap ? 2 * b->cls_cap : 256;
		struct cls_slot *t = xcalloc(ncap, sizeof *t);

		for (size_t j = 0; j < b->cls_cap; j++) {
			if (!b->cls[j].used)
				continue;
			i = gx_mix64(b->cls[j].key) & (ncap - 1);
			while (t[i].used)
				i = (i + 1) & (ncap - 1);
			t[i] = b->cls[j];
		}
		free(b->cls);
		b->cls = t;
		b->cls_cap = ncap;
	}
	mask = b->cls_cap - 1;
	i = gx_mix64(key) & mask;
	while (b->cls[i].used) {
		if (b->cls[i].key == key)
			return b->cls[i].c;
		i = (i + 1) & mask;
	}
	{
		struct gx_goroutine_rec fake = { .state = GX_G_WAITING };

		fake.reason = reason;
		fake.stack = st;
		gx_wg_classify(b->s, &fake, &b->cls[i].c);
	}
	b->cls[i].used = true;
	b->cls[i].key = key;
	b->cls_n++;
	return b->cls[i].c;
}

struct hist {
	uint64_t site;
	uint32_t unblocker;   /* goroutine index, GX_NONE32 for the runtime;
	                         partner records: the goroutine that was woken */
	uint32_t count;       /* times seen (history and partners); 1 for lock order */
	int64_t ns;           /* history and partners: the last time */
};

static int
cmp_hist(const void *a, const void *b)
{
	const struct hist *x = a, *y = b;

	if (x->site != y->site)
		return x->site < y->site ? -1 : 1;
	if (x->unblocker != y->unblocker)
		return x->unblocker < y->unblocker ? -1 : 1;
	return x->ns < y->ns ? -1 : x->ns > y->ns;
}

/* Distinct (site, goroutine) records with a count and the last time:
 * an open-addressing table over the records array. */
struct hagg {
	struct hist *h;
	size_t n, cap;
	uint32_t *slot;          /* record index + 1, 0 when empty */
	size_t scap;
	size_t last;             /* record added to last + 1, 0 when none */
};

static void
hagg_add(struct hagg *a, uint64_t site, uint32_t who, int64_t ns)
{
	size_t mask, i;

	/* A goroutine is mostly woken at one place by one other: the same
	 * record as last time. */
	if (a->last != 0 && a->h[a->last - 1].site == site && a->h[a->last - 1].unblocker == who) {
		struct hist *x = &a->h[a->last - 1];

		if (x->count < UINT32_MAX)
			x->count++;
		if (ns > x->ns)
			x->ns = ns;
		return;
	}

	if (2 * (a->n + 1) > a->scap) {
		size_t ncap = a->scap ? 2 * a->scap : 1024;

		free(a->slot);
		a->slot = xcalloc(ncap, sizeof *a->slot);
		a->scap = ncap;
		for (size_t j = 0; j < a->n; j++) {
			i = gx_mix64(a->h[j].site ^ gx_mix64(a->h[j].unblocker)) & (ncap - 1);
			while (a->slot[i] != 0)
				i = (i + 1) & (ncap - 1);
			a->slot[i] = (uint32_t)(j + 1);
		}
	}
	mask = a->scap - 1;
	i = gx_mix64(site ^ gx_mix64(who)) & mask;
	while (a->slot[i] != 0) {
		struct hist *x = &a->h[a->slot[i] - 1];

		if (x->site == site && x->unblocker == who) {
			if (x->count < UINT32_MAX)
				x->count++;
			if (ns > x->ns)
				x->ns = ns;
			a->last = a->slot[i];
			return;
		}
		i = (i + 1) & mask;
	}
	if (a->n >= UINT32_MAX - 1)
		return; /* cannot happen with an index's event counts */
	gx_grow(&a->h, &a->cap, a->n + 1, sizeof *a->h);
	a->h[a->n] = (struct hist){ .site = site, .unblocker = who, .count = 1, .ns = ns };
	a->slot[i] = (uint32_t)(++a->n);
	a->last = a->n;
}

static void lock_order_of(struct build *b, uint32_t g, const struct gx_span_rec *sp, size_t nsp,
                          struct hist **out, size_t *nout, size_t *cap);

/* Goroutine index of each goroutine id, for the unblockers of millions
 * of events: an open-addressing table (ids are unique in a store). */
struct idmap {
	uint64_t *id;
	uint32_t *g;             /* GX_NONE32 when empty */
	size_t cap;
};

static void
idmap_init(struct idmap *m, const struct gx_store *s, size_t n)
{
	m->cap = 16;
	while (m->cap < 2 * n + 16)
		m->cap <<= 1;
	m->id = xcalloc(m->cap, sizeof *m->id);
	m->g = xmalloc(m->cap * sizeof *m->g);
	memset(m->g, 0xff, m->cap * sizeof *m->g);
	for (size_t g = 0; g < n; g++) {
		uint64_t id = gx_store_goroutine(s, g)->id;
		size_t i = gx_mix64(id) & (m->cap - 1);

		while (m->g[i] != GX_NONE32 && m->id[i] != id)
			i = (i + 1) & (m->cap - 1);
		if (m->g[i] == GX_NONE32) {
			m->id[i] = id;
			m->g[i] = (uint32_t)g;
		}
	}
}

/* As gx_store_find_goroutine: the index of goroutine id, GX_NONE32. */
static uint32_t
idmap_find(const struct idmap *m, const struct gx_store *s, uint64_t id)
{
	size_t i = gx_mix64(id) & (m->cap - 1);

	while (m->g[i] != GX_NONE32) {
		if (m->id[i] == id)
			return m->g[i];
		i = (i + 1) & (m->cap - 1);
	}
	/* Not one of the first n (a store with more goroutines than the
	 * graph takes): ask the store. */
	return gx_store_find_goroutine(s, id);
}

/* Unblock history from the trace: (site, unblocker) pairs; and partner
 * records (where the waker was, whom it woke) for channel waits. Each
 * distinct pair once, with how often and when last, sorted by site then
 * goroutine. With lock_order, also the lock order of every blocked
 * goroutine (lock_order_of) into *lord.
 *
 * The work is done goroutine by goroutine, so that only one goroutine's
 * spans are unpacked at a time (a big trace has far more spans than
 * memory wants to hold at once). */
/* Of an unblock event, what the history uses. */
struct unblock {
	int64_t ns;
	uint32_t u;           /* the unblocker's goroutine index, GX_NONE32 if none */
	gx_stack stack;       /* where the unblocker was */
};

static struct hist *
build_history(struct build *b, bool lock_order, size_t *nh, struct hist **part, size_t *npart,
              struct hist **lord, size_t *nlord)
{
	const struct gx_store *s = b->s;
	size_t nu = 0, caplord = 0;
	struct unblock *ub = NULL;
	struct hagg ha = { 0 }, pa = { 0 };
	size_t *off = NULL;
	struct idmap ids = { 0 };
	/* The last answers, reused while they hold. */
	bool have_last = false, have_ev = false;
	gx_stack last_stack = 0, last_ev_stack = 0;
	gx_str last_reason = 0;
	uint64_t last_site = 0, last_at = 0;
	int last_chan = -1;

	*nh = 0;
	*part = NULL;
	*npart = 0;
	*lord = NULL;
	*nlord = 0;
	if (gx_store_event_count(s) > 0) {
		/* The unblock events of each goroutine, in time order, as
		 * what is used of them (most of a trace's events are unblocks:
		 * 16 bytes each here, not all 40 of every event). Counted in
		 * one pass over the store's events, placed in a second. */
		struct gx_event_rec *chunk = xmalloc(GX_EVENTS_CHUNK * sizeof *chunk);
		struct gx_event_cursor cur = { 0 };
		size_t got;
		uint64_t last_id = 0;
		uint32_t last_u = GX_NONE32;

		off = xcalloc(b->n + 2, sizeof *off);
		while ((got = gx_store_events_read(s, &cur, chunk, GX_EVENTS_CHUNK)) > 0)
			for (size_t i = 0; i < got; i++)
				if (chunk[i].kind == GX_EV_UNBLOCK && chunk[i].g < b->n) {
					off[chunk[i].g + 2]++;
					nu++;
				}
		for (size_t g = 0; g < b->n; g++)
			off[g + 2] += off[g + 1];
		ub = xmalloc((nu + 1) * sizeof *ub);
		if (nu > 0)
			idmap_init(&ids, s, b->n);
		memset(&cur, 0, sizeof cur);
		while ((got = gx_store_events_read(s, &cur, chunk, GX_EVENTS_CHUNK)) > 0)
			for (size_t i = 0; i < got; i++) {
				const struct gx_event_rec *e = &chunk[i];

				if (e->kind != GX_EV_UNBLOCK || e->g >= b->n || off[e->g + 1] >= nu)
					continue;
				/* ids repeat in runs (a ping-pong): the last answer */
				if (e->arg0 != 0 && e->arg0 != last_id)
					last_u = idmap_find(&ids, s, last_id = e->arg0);
				ub[off[e->g + 1]++] = (struct unblock){
					e->ns, e->arg0 == 0 ? GX_NONE32 : last_u, e->stack
				};
			}
		free(chunk);
	}

	for (size_t g = 0; g < b->n; g++) {
		const struct gx_wg_goroutine *x = &b->w->gw[g];
		const struct gx_span_rec *sp;
		size_t nsp, lo = 0;
		bool lk = lock_order && blocked_kind((enum gx_wait_kind)x->kind) && !x->opaque &&
		          gx_store_stack_depth(s, gx_store_goroutine(s, g)->stack) > 0;

		if ((off == NULL || off[g] == off[g + 1]) && !lk)
			continue;
		sp = gx_store_spans(s, g, &nsp);
		for (size_t j = off != NULL ? off[g] : 0; off != NULL && j < off[g + 1]; j++) {
			const struct unblock *e = &ub[j];
			const struct gx_span_rec *w8;
			size_t at_span;
			uint32_t u;

			/* The span that was going on at the unblock: last start
			 * <= ns. Spans and this goroutine's events are both in
			 * time order: it only moves forward. */
			if (lo < nsp && sp[lo].start_ns <= e->ns) {
				/* Gallop, then bisect: unblocks are far fewer
				 * than spans. */
				size_t step = 1, hi;

				while (lo + step < nsp && sp[lo + step].start_ns <= e->ns) {
					lo += step;
					step *= 2;
				}
				hi = lo + step < nsp ? lo + step : nsp;
				lo++;
				while (lo < hi) {
					size_t mid = lo + (hi - lo) / 2;

					if (sp[mid].start_ns <= e->ns)
						lo = mid + 1;
					else
						hi = mid;
				}
			}
			/* The model ends the wait and starts the runnable span at the
			 * unblock's own time: the wait is the span just before. */
			at_span = lo;
			while (at_span > 0 && sp[at_span - 1].state != GX_G_WAITING &&
			       sp[at_span - 1].start_ns == e->ns)
				at_span--;
			if (at_span == 0 || sp[at_span - 1].state != GX_G_WAITING)
				continue;
			w8 = &sp[at_span - 1];
			u = e->u;
			/* The same wait as the last unblock's (a goroutine
			 * mostly blocks at a few places): the same answers. */
			if (w8->stack != last_stack || w8->reason != last_reason || !have_last) {
				have_last = true;
				last_stack = w8->stack;
				last_reason = w8->reason;
				last_site = site_key(b, w8->stack, w8->reason);
				last_chan = -1;
			}
			hagg_add(&ha, last_site, u, e->ns);
			if (u != GX_NONE32 && u != g) {
				uint64_t at = e->stack == last_ev_stack && have_ev ? last_at
				              : loc_key(b, e->stack);

				have_ev = true;
				last_ev_stack = e->stack;
				last_at = at;
				if (at == 0)
					continue;
				if (last_chan < 0) {
					enum gx_res_kind rk = gx_wg_res_kind((enum gx_wait_kind)classify_wait(
						b, w8->reason, w8->stack).kind);

					last_chan = rk == GX_RES_CHAN || rk == GX_RES_SELECT;
				}
				if (last_chan)
					hagg_add(&pa, at, (uint32_t)g, e->ns);
			}
		}
		if (lk)
			lock_order_of(b, (uint32_t)g, sp, nsp, lord, nlord, &caplord);
		gx_store_spans_drop(s, g);
	}
	free(off);
	free(ub);
	free(ids.id);
	free(ids.g);
	free(ha.slot);
	free(pa.slot);
	if (ha.n > 1)
		qsort(ha.h, ha.n, sizeof *ha.h, cmp_hist);
	if (pa.n > 1)
		qsort(pa.h, pa.n, sizeof *pa.h, cmp_hist);
	if (*nlord > 1)
		qsort(*lord, *nlord, sizeof **lord, cmp_hist);
	*nh = ha.n;
	*part = pa.h;
	*npart = pa.n;
	return ha.h;
}

/* First record of site in a sorted history. */
static size_t
hist_lower(const struct hist *h, size_t n, uint64_t site)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (h[mid].site < site)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Lock order seen in a trace: goroutine g blocked earlier on a mutex at
 * a lock site, got it, and every stack it blocked with since (its
 * current one included) still has the frame that locked: it holds that
 * lock. Records (lock site, holder) into *out. */
#define LOCK_ORDER_SPANS 256
static void
lock_order_of(struct build *b, uint32_t g, const struct gx_span_rec *sp, size_t nsp,
              struct hist **out, size_t *nout, size_t *cap)
{
	const struct gx_store *s = b->s;
	const struct gx_goroutine_rec *gr = gx_store_goroutine(s, g);
	size_t cd = gx_store_stack_depth(s, gr->stack), mc = cd, looked = 0;
	uint64_t here = loc_key(b, gr->stack);

	if (cd == 0 || nsp < 2)
		return;
	for (size_t k = nsp - 1; k-- > 0 && looked < LOCK_ORDER_SPANS && mc > 0;) {
		size_t sd, c = 0, ui = GX_NONE32;
		struct gx_wg_goroutine x;

		if (sp[k].state != GX_G_WAITING || sp[k].stack == 0)
			continue;
		looked++;
		sd = gx_store_stack_depth(s, sp[k].stack);
		/* Frames shared with the current stack, from the outermost. */
		while (c < sd && c < cd) {
			const struct gx_frame_rec *fa = gx_store_stack_frame(s, sp[k].stack, sd - 1 - c);
			const struct gx_frame_rec *fb = gx_store_stack_frame(s, gr->stack, cd - 1 - c);

			if (fa == NULL || fb == NULL || fa->func != fb->func)
				break;
			c++;
		}
		x = classify_wait(b, sp[k].reason, sp[k].stack);
		ui = x.site_frame;
		if (x.kind == GX_WAIT_MUTEX && ui != GX_NONE32 && sd - 1 - ui < c && sd - 1 - ui < mc) {
			uint64_t site = loc_key(b, sp[k].stack);

			if (site != 0 && site != here) {
				gx_grow(out, cap, *nout + 1, sizeof **out);
				(*out)[*nout] = (struct hist){ .site = site, .unblocker = g, .count = 1,
				                               .ns = sp[k].end_ns };
				(*nout)++;
			}
		}
		if (c < mc)
			mc = c;
	}
}

/* Was any dependency or edge added since (deps0, xe0) stronger than weak? */
static bool
strong_since(const struct build *b, size_t deps0, size_t xe0)
{
	for (size_t d = deps0; d < b->ndeps; d++)
		if (b->deps[d].evidence != GX_EVID_SHARED)
			return true;
	for (size_t i = xe0; i < b->nxe; i++)
		if (b->xe[i].strength != GX_STRENGTH_WEAK)
			return true;
	return false;
}

/* A wait of a minute or more is no passing moment: a transport's loop
 * that waits that long for a body read is the leak of a response body
 * never closed. (A dump prints no wait time below a minute.) */
#define PASSING_WAIT_NS (60 * INT64_C(1000000000))

/* One of the standard library's own goroutines (every frame of its stack
 * in it: an HTTP transport's or server's loops), not a user's goroutine
 * that called into it, blocked for under a minute. */
static bool
std_goroutine_wait(const struct build *b, uint32_t g)
{
	const struct gx_goroutine_rec *wg = gx_store_goroutine(b->s, g);
	size_t seen;

	return wg->wait_ns < PASSING_WAIT_NS &&
	       gx_wg_frames_all(b->s, wg->stack, SIZE_MAX, gx_func_is_std, &seen) && seen > 0;
}

/* A trace: blocked before tracing began. The trace saw nothing of how it
 * got there (a window of a running service, as /debug/pprof/trace takes),
 * and a site it never saw released says nothing about whether anything
 * will: an idle worker pool and a leak look the same. */
static bool
wait_before_trace(const struct build *b, uint32_t g)
{
	return (gx_store_goroutine(b->s, g)->flags & GX_G_WAIT_BEFORE_START) != 0;
}

/* Blocked inside the standard library (its innermost frame above sync and
 * the runtime is the library's: a net/http round trip, a transport's
 * loop), for under a minute. In a trace the other end is a goroutine
 * nothing links it to (a trace records no pointers): a slow backend's
 * response looks like a leak. A wait in the user's own code (a channel, a
 * sync.Mutex) is judged as usual. */
static bool
std_site_wait(const struct build *b, uint32_t g)
{
	const struct gx_goroutine_rec *wg = gx_store_goroutine(b->s, g);
	uint32_t fi = b->w->gw[g].site_frame;
	const struct gx_frame_rec *f =
		fi == GX_NONE32 ? NULL : gx_store_stack_frame(b->s, wg->stack, fi);
	const char *fn;
	size_t n;

	if (wg->wait_ns >= PASSING_WAIT_NS || f == NULL)
		return false;
	fn = gx_store_str(b->s, f->func, &n);
	return gx_func_is_std(fn, n);
}

/* Does r have waiters, each of them one that is(b, g)? */
static bool
all_waiters(const struct build *b, uint32_t r, bool (*is)(const struct build *, uint32_t))
{
	const struct gx_wg_resource *R = &b->w->res[r];

	for (uint32_t i = 0; i < R->nwaiters; i++)
		if (!is(b, b->w->waiters[R->first_waiter + i]))
			return false;
	return R->nwaiters > 0;
}

/* 4: candidates of every resource. */

/* Key of a closure's enclosing function by name. */
static uint64_t
parent_key(const char *fn, size_t n)
{
	return gx_hash64(fn, n, 0x636c6f73u);
}

/* Functions on goroutines' stacks, as struct hist (site the key,
 * unblocker the goroutine), sorted by key:
 *  - FUNCS_LIVE: every user function on the stacks of the goroutines that
 *    are not blocked, keyed by function: a mutex's holder may be one of
 *    them when it is inside the function that waits to lock it (a lock
 *    held briefly, its holder runnable on a starved machine);
 *  - FUNCS_LIVE_CLOSURES: their closures, keyed by the function they are
 *    defined in (parent_key): a closure shares the channels and locks its
 *    function made, so it may be the other end of a wait there;
 *  - FUNCS_STD: every standard-library function on any goroutine's stack,
 *    keyed by its name (parent_key): a library hands the caller a callback
 *    (a closure: net/http's body-EOF function readLoop.func4) that
 *    rendezvouses with the function that made it, running in a goroutine
 *    of its own (the connection's readLoop). Kept to the library: a user's
 *    closure leaked by a long-running function (main's) must not look
 *    released by it. */
enum funcs_kind { FUNCS_LIVE, FUNCS_LIVE_CLOSURES, FUNCS_STD };

static struct hist *
funcs_on_stacks(struct build *b, enum funcs_kind kind, size_t *n)
{
	const struct gx_store *s = b->s;
	struct hist *v = NULL;
	size_t cap = 0;

	*n = 0;
	for (size_t g = 0; g < b->n; g++) {
		const struct gx_goroutine_rec *gr = gx_store_goroutine(s, g);
		size_t depth;

		if ((gr->flags & GX_G_SYSTEM) ||
		    (kind != FUNCS_STD &&
		     (blocked_kind((enum gx_wait_kind)b->w->gw[g].kind) || !b->w->alive[g])))
			continue;
		depth = gx_store_stack_depth(s, gr->stack);
		for (size_t i = 0; i < depth && i < LIVE_FRAMES_MAX; i++) {
			const struct gx_frame_rec *f = gx_store_stack_frame(s, gr->stack, i);
			uint64_t key;
			size_t fn, pn;
			const char *name;

			if (!gx_wg_user_frame(s, f))
				continue;
			name = gx_store_str(s, f->func, &fn);
			switch (kind) {
			case FUNCS_LIVE:
				key = f->func;
				break;
			case FUNCS_LIVE_CLOSURES:
				pn = gx_func_closure_parent_len(name, fn);
				if (pn == 0)
					continue;
				key = parent_key(name, pn);
				break;
			default:
				if (!gx_func_is_std(name, fn))
					continue;
				key = parent_key(name, fn);
				break;
			}
			gx_grow(&v, &cap, *n + 1, sizeof(*v));
			v[(*n)++] = (struct hist){ .site = key, .unblocker = (uint32_t)g, .count = 1 };
		}
	}
	if (*n > 1)
		qsort(v, *n, sizeof(*v), cmp_hist);
	return v;
}

/* Weak edges from the goroutines of v under key to r, each goroutine
 * once, at most GX_WG_EDGES_MAX. The number added. */
static uint32_t
live_edges(struct build *b, const struct hist *v, size_t n, uint64_t key, uint32_t r, uint8_t ev)
{
	uint32_t added = 0;

	for (size_t lo = hist_lower(v, n, key); lo < n && v[lo].site == key && added < GX_WG_EDGES_MAX;
	     lo++) {
		uint32_t g = v[lo].unblocker;

		if (lo > 0 && v[lo - 1].site == key && v[lo - 1].unblocker == g)
			continue; /* the function twice on one stack */
		if (!candidate(b->w, g, r))
			continue;
		add_xedge(b, g, r, ev, GX_STRENGTH_WEAK, 1, GX_TIME_NONE);
		added++;
	}
	return added;
}

static void
build_candidates(struct build *b)
{
	struct gx_waitgraph *w = b->w;
	const struct gx_store *s = b->s;
	struct by_creator bc;
	struct hist *hist, *part, *lord = NULL;
	size_t nhist, npart, nlord = 0;
	const struct gx_store_meta *meta = gx_store_meta(s);
	bool trace = meta != NULL && (meta->format == GX_FMT_TRACE_V2 || meta->format == GX_FMT_TRACE_V1);
	uint32_t *tmutex = NULL;   /* trace: blocked on a mutex, address or not */
	size_t ntmutex = 0, ctm = 0;
	uint32_t *rw_unknown_w = NULL, *rw_unknown_r = NULL;
	size_t nrw_w = 0, nrw_r = 0, cw = 0, cr = 0;
	uint32_t *mutex_waiters = NULL;
	size_t nmutex_waiters = 0, cmw = 0;
	struct hist *lf, *lc, *stdf;
	size_t nlf, nlc, nstdf;
	uint32_t *key_seen;        /* r + 1 when key k was looked at for r */

	b->cand = xcalloc(w->nres + 1, sizeof *b->cand);
	b->runtime_release = xcalloc(w->nres + 1, sizeof *b->runtime_release);
	b->undetermined_res = xcalloc(w->nres + 1, sizeof *b->undetermined_res);
	b->weak_std_res = xcalloc(w->nres + 1, sizeof *b->weak_std_res);

	bc.n = b->n;
	bc.idx = xmalloc((b->n + 1) * sizeof *bc.idx);
	for (size_t g = 0; g < b->n; g++)
		bc.idx[g] = (uint32_t)g;
	sort_store = s;
	if (b->n > 1)
		qsort(bc.idx, b->n, sizeof *bc.idx, cmp_creator);
	hist = build_history(b, trace, &nhist, &part, &npart, &lord, &nlord);
	lf = funcs_on_stacks(b, FUNCS_LIVE, &nlf);
	lc = funcs_on_stacks(b, FUNCS_LIVE_CLOSURES, &nlc);
	stdf = funcs_on_stacks(b, FUNCS_STD, &nstdf);
	key_seen = xcalloc(b->nkeys + 1, sizeof(*key_seen));
	if (trace) {
		for (size_t g = 0; g < b->n; g++) {
			const struct gx_wg_goroutine *x = &w->gw[g];

			if (!blocked_kind((enum gx_wait_kind)x->kind) || x->opaque)
				continue;
			if (x->kind == GX_WAIT_MUTEX && ntmutex < MUTEX_HINT_MAX) {
				gx_grow(&tmutex, &ctm, ntmutex + 1, sizeof *tmutex);
				tmutex[ntmutex++] = (uint32_t)g;
			}
		}
	}
	for (size_t g = 0; g < b->n && nmutex_waiters < MUTEX_HINT_MAX; g++) {
		if (w->gw[g].kind != GX_WAIT_MUTEX || w->gw[g].addr == 0)
			continue;
		gx_grow(&mutex_waiters, &cmw, nmutex_waiters + 1, sizeof *mutex_waiters);
		mutex_waiters[nmutex_waiters++] = (uint32_t)g;
	}

	for (size_t r = 0; r < w->nres; r++) {
		const struct gx_wg_resource *R = &w->res[r];

		if (R->addr == 0 && R->kind == GX_RES_RW_WRITER && nrw_w < RW_UNKNOWN_MAX) {
			gx_grow(&rw_unknown_w, &cw, nrw_w + 1, sizeof *rw_unknown_w);
			rw_unknown_w[nrw_w++] = (uint32_t)r;
		}
		if (R->addr == 0 && R->kind == GX_RES_RW_READERS && nrw_r < RW_UNKNOWN_MAX) {
			gx_grow(&rw_unknown_r, &cr, nrw_r + 1, sizeof *rw_unknown_r);
			rw_unknown_r[nrw_r++] = (uint32_t)r;
		}
	}

	for (size_t r = 0; r < w->nres; r++) {
		struct gx_wg_resource *R = &w->res[r];
		const uint32_t *wt = w->waiters + R->first_waiter;
		uint32_t found = 0;
		bool all_timer = true;
		size_t deps0 = b->ndeps, xe0 = b->nxe;

		/* The object, or a struct containing it. */
		if (R->addr != 0) {
			uint64_t lo = R->kind == GX_RES_CHAN || R->addr < CONTAINER_MAX
			              ? R->addr : R->addr - CONTAINER_MAX;

			for (size_t k = key_lower(b, lo); k < b->nkeys && b->key_v[k] <= R->addr; k++) {
				uint32_t c = key_candidates(b, (uint32_t)k, (uint32_t)r);

				if (c == 0)
					continue;
				add_dep(b, (uint32_t)k, (uint32_t)r,
				        b->key_v[k] == R->addr ? GX_EVID_ARG : GX_EVID_CONTAINER, false);
				found += c;
			}
		}

		/* RWMutex rules. */
		if (R->kind == GX_RES_RW_READERS) {
			uint32_t one;
			const uint32_t *wl;
			size_t nl = rw_other_side(b, GX_RES_RW_WRITER, R->addr, rw_unknown_w, nrw_w,
			                          &one, &wl);

			for (size_t i = 0; i < nl; i++) {
				const struct gx_wg_resource *o = &w->res[wl[i]];

				for (uint32_t j = 0; j < o->nwaiters; j++) {
					add_xedge(b, w->waiters[o->first_waiter + j], (uint32_t)r,
					          GX_EVID_RW_WRITER,
					          R->addr ? GX_STRENGTH_INFERRED : GX_STRENGTH_WEAK, 1,
					          GX_TIME_NONE);
					found++;
				}
			}
		}
		if (R->kind == GX_RES_RW_WRITER) {
			uint32_t one;
			const uint32_t *rl;
			size_t nl = rw_other_side(b, GX_RES_RW_READERS, R->addr, rw_unknown_r, nrw_r,
			                          &one, &rl);

			for (size_t i = 0; i < nl; i++) {
				const struct gx_wg_resource *o = &w->res[rl[i]];

				for (uint32_t j = 0; j < o->nwaiters; j++) {
					uint32_t g = w->waiters[o->first_waiter + j];

					if (user_frames(s, gx_store_goroutine(s, g)) < 2)
						continue;
					add_xedge(b, g, (uint32_t)r, GX_EVID_RW_READER, GX_STRENGTH_WEAK, 1,
					          GX_TIME_NONE);
					found++;
				}
			}
		}

		/* Children started by the waiting function. */
		if (R->kind == GX_RES_WAITGROUP || R->kind == GX_RES_CHAN ||
		    R->kind == GX_RES_SELECT || R->kind == GX_RES_COND) {
			for (uint32_t i = 0; i < R->nwaiters; i++) {
				const struct gx_goroutine_rec *wg = gx_store_goroutine(s, wt[i]);
				const struct gx_wg_goroutine *x = &w->gw[wt[i]];
				size_t first, count, sn;
				const char *sf;

				if (x->kind == GX_WAIT_CHAN_SEND)
					continue;
				sf = frame_func(s, wg->stack, x->site_frame, &sn);
				children_of(b, &bc, wg->id, &first, &count);
				for (size_t c = first; c < first + count; c++) {
					uint32_t ch = bc.idx[c];
					const struct gx_goroutine_rec *cg = gx_store_goroutine(s, ch);
					size_t cn;
					const char *cf;

					if (ch == wt[i] || !w->alive[ch] || cg->id == wg->id)
						continue;
					cf = frame_func(s, cg->create_stack, 0, &cn);
					if (gx_store_stack_depth(s, cg->create_stack) > 0 &&
					    (cn != sn || memcmp(cf, sf, cn) != 0))
						continue;
					add_xedge(b, ch, (uint32_t)r, GX_EVID_CHILD,
					          R->kind == GX_RES_WAITGROUP ? GX_STRENGTH_INFERRED
					                                      : GX_STRENGTH_WEAK,
					          1, GX_TIME_NONE);
					found++;
				}
			}
		}

		/* Trace history of the waiters' sites. */
		if (nhist > 0) {
			for (uint32_t i = 0; i < R->nwaiters; i++) {
				const struct gx_goroutine_rec *wg = gx_store_goroutine(s, wt[i]);
				uint64_t site = site_key(b, wg->stack, wg->reason);

				/* One record per (site, unblocker). */
				for (size_t lo = hist_lower(hist, nhist, site);
				     lo < nhist && hist[lo].site == site; lo++) {
					uint32_t u = hist[lo].unblocker;

					if (u == GX_NONE32) {
						b->runtime_release[r] = true;
						add_xedge(b, GX_NONE32, (uint32_t)r, GX_EVID_RUNTIME,
						          GX_STRENGTH_OBSERVED, hist[lo].count, hist[lo].ns);
						found++;
					} else if (u != wt[i] && u < b->n && w->alive[u]) {
						add_xedge(b, u, (uint32_t)r, GX_EVID_HISTORY, GX_STRENGTH_OBSERVED,
						          hist[lo].count, hist[lo].ns);
						found++;
					}
				}
			}
		}

		/* Trace: the other end of the channel. Goroutines that a
		 * goroutine blocked here woke before (it handed them a value
		 * or took theirs) come back to this channel. */
		if (npart > 0 && (R->kind == GX_RES_CHAN || R->kind == GX_RES_SELECT)) {
			for (uint32_t i = 0; i < R->nwaiters; i++) {
				const struct gx_goroutine_rec *wg = gx_store_goroutine(s, wt[i]);
				uint64_t at = loc_key(b, wg->stack);

				/* One record per (site, woken goroutine). */
				for (size_t lo = at ? hist_lower(part, npart, at) : npart;
				     lo < npart && part[lo].site == at; lo++) {
					uint32_t u = part[lo].unblocker;

					if (u != wt[i] && u < b->n && w->gw[u].resource != r) {
						add_xedge(b, u, (uint32_t)r, GX_EVID_PARTNER, GX_STRENGTH_OBSERVED,
						          part[lo].count, part[lo].ns);
						found++;
					}
				}
			}
		}
		/* Trace: lock order. A goroutine that got this lock site's
		 * mutex earlier and is still in the function that locked it. */
		if (nlord > 0 && R->kind == GX_RES_MUTEX) {
			for (uint32_t i = 0; i < R->nwaiters; i++) {
				const struct gx_goroutine_rec *wg = gx_store_goroutine(s, wt[i]);
				uint64_t at = loc_key(b, wg->stack);
				size_t lo = at ? hist_lower(lord, nlord, at) : nlord;

				for (; lo < nlord && lord[lo].site == at; lo++) {
					uint32_t u = lord[lo].unblocker;

					if (u == wt[i] || w->gw[u].resource == r ||
					    (lo > 0 && lord[lo - 1].site == at && lord[lo - 1].unblocker == u))
						continue;
					add_xedge(b, u, (uint32_t)r, GX_EVID_LOCK_ORDER, GX_STRENGTH_INFERRED, 1,
					          lord[lo].ns);
					found++;
				}
			}
		}

		/* A goroutine that is not blocked, inside the function that
		 * waits for the mutex: it may be in the critical section. And
		 * for any wait, one inside a closure of the waiting function
		 * (it shares the channels and locks made there). */
		for (uint32_t i = 0; i < R->nwaiters && (nlf > 0 || nlc > 0); i++) {
			const struct gx_goroutine_rec *wg = gx_store_goroutine(s, wt[i]);
			uint32_t fi = first_user(b, wg->stack);
			const struct gx_frame_rec *f =
				fi == GX_NONE32 ? NULL : gx_store_stack_frame(s, wg->stack, fi);
			size_t fn;
			const char *name;

			if (f == NULL)
				continue;
			if (R->kind == GX_RES_MUTEX)
				found += live_edges(b, lf, nlf, f->func, (uint32_t)r, GX_EVID_SAME_FUNC);
			name = gx_store_str(s, f->func, &fn);
			found += live_edges(b, lc, nlc, parent_key(name, fn), (uint32_t)r, GX_EVID_CLOSURE);
		}

		/* A waiter inside a library's callback: the goroutines in the
		 * function that made it are its other end. */
		for (uint32_t i = 0; i < R->nwaiters && nstdf > 0; i++) {
			const struct gx_goroutine_rec *wg = gx_store_goroutine(s, wt[i]);
			uint32_t fi = w->gw[wt[i]].site_frame;
			const struct gx_frame_rec *f =
				fi == GX_NONE32 ? NULL : gx_store_stack_frame(s, wg->stack, fi);
			size_t fn, pn;
			const char *name;

			if (f == NULL)
				continue;
			name = gx_store_str(s, f->func, &fn);
			pn = gx_func_closure_parent_len(name, fn);
			if (pn > 0 && gx_func_is_std(name, pn))
				found += live_edges(b, stdf, nstdf, parent_key(name, pn), (uint32_t)r,
				                    GX_EVID_CALLBACK);
		}

		/* A goroutine the waiter started that has not run yet: its
		 * arguments are not shown (they are in the go statement's
		 * wrapper), so nothing says what it will release. */
		for (uint32_t i = 0; i < R->nwaiters; i++) {
			const struct gx_goroutine_rec *wg = gx_store_goroutine(s, wt[i]);
			size_t first, count;

			children_of(b, &bc, wg->id, &first, &count);
			for (size_t c = first; c < first + count; c++) {
				uint32_t ch = bc.idx[c];
				const struct gx_goroutine_rec *cg = gx_store_goroutine(s, ch);

				if (ch == wt[i] || cg->id == wg->id || !candidate(w, ch, (uint32_t)r) ||
				    blocked_kind((enum gx_wait_kind)w->gw[ch].kind) ||
				    (cg->state != GX_G_RUNNABLE && cg->state != GX_G_RUNNING) ||
				    user_frames(s, cg) != 0)
					continue;
				add_xedge(b, ch, (uint32_t)r, GX_EVID_NEW_CHILD, GX_STRENGTH_WEAK, 1,
				          GX_TIME_NONE);
				found++;
			}
		}

		/* Hints, only when nothing better was found, and only for a
		 * dump: a trace's history is better evidence than a hint, and
		 * a site the trace never saw unblocked has none. */
		if (found == 0 && nhist == 0) {
			for (uint32_t i = 0; i < R->nwaiters; i++) {
				uint32_t g = wt[i];

				for (uint32_t p = b->gkey_off[g]; p < b->gkey_off[g + 1]; p++) {
					const struct post *po = &b->posts[b->gkey[p]];
					uint32_t k = b->post_key[b->gkey[p]];
					uint32_t c;

					if (!po->user || key_seen[k] == (uint32_t)r + 1)
						continue;
					/* Waiters often pass the same pointers: each key
					 * once per resource (else a crowd of waiters costs
					 * waiters x posters). */
					key_seen[k] = (uint32_t)r + 1;
					/* A pointer the waiter passes in its own code
					 * counts only where others pass it in theirs:
					 * a dead argument's address may have been
					 * reused by the library's objects (a request,
					 * a connection) that everyone passes. */
					c = po->app ? key_candidates_app(b, k, (uint32_t)r)
					            : key_candidates(b, k, (uint32_t)r);
					if (c == 0)
						continue;
					add_dep(b, k, (uint32_t)r, GX_EVID_SHARED, po->app);
					found += c;
				}
			}
		}
		/* A mutex nobody is seen to hold: a goroutine blocked on
		 * another mutex may hold it (lock-order inversion). */
		if (found == 0 && nhist == 0 && R->kind == GX_RES_MUTEX) {
			for (size_t m = 0; m < nmutex_waiters; m++) {
				uint32_t g = mutex_waiters[m];

				if (!candidate(w, g, (uint32_t)r))
					continue;
				add_xedge(b, g, (uint32_t)r, GX_EVID_OTHER_LOCK, GX_STRENGTH_WEAK, 1,
				          GX_TIME_NONE);
				found++;
			}
		}
		if (found == 0 && nhist == 0) {
			for (uint32_t i = 0; i < R->nwaiters; i++)
				if (!w->gw[wt[i]].possible_timer)
					all_timer = false;
			if (R->nwaiters > 0 && all_timer &&
			    (R->kind == GX_RES_CHAN || R->kind == GX_RES_SELECT)) {
				b->undetermined_res[r] = GX_UND_TIMER;
			} else if (R->kind == GX_RES_CHAN || R->kind == GX_RES_SELECT) {
				for (uint32_t i = 0; i < R->nwaiters; i++) {
					const struct gx_goroutine_rec *wg = gx_store_goroutine(s, wt[i]);
					uint32_t p;

					if (w->gw[wt[i]].kind == GX_WAIT_CHAN_SEND || wg->creator_id == 0)
						continue;
					p = gx_store_find_goroutine(s, wg->creator_id);
					if (p == GX_NONE32 || p == wt[i] || !w->alive[p] ||
					    w->gw[p].resource == r)
						continue;
					add_xedge(b, p, (uint32_t)r, GX_EVID_PARENT, GX_STRENGTH_WEAK, 1,
					          GX_TIME_NONE);
					found++;
				}
			}
		}
		/* A send on a channel whose address the dump does not show
		 * (the sender is inlined): a live sibling (same creator, started
		 * by the same function: `go produce(ch); go consume(ch)`) that
		 * passes pointers in its own code may be its receiver. Weak.
		 * A goroutine the creator started elsewhere (an HTTP
		 * connection's background read beside the handlers' leaked
		 * senders), or one in the library only (`go http.Serve(ln,
		 * nil)` beside `go leak(ch)`), is no evidence. */
		if (found == 0 && nhist == 0 && R->kind == GX_RES_CHAN && R->addr == 0) {
			for (uint32_t i = 0; i < R->nwaiters; i++) {
				const struct gx_goroutine_rec *wg = gx_store_goroutine(s, wt[i]);
				size_t first, count;

				if (w->gw[wt[i]].kind != GX_WAIT_CHAN_SEND || wg->creator_id == 0)
					continue;
				children_of(b, &bc, wg->creator_id, &first, &count);
				for (size_t c = first; c < first + count; c++) {
					uint32_t sib = bc.idx[c];
					bool ptr = false;

					if (sib == wt[i] || blocked_kind((enum gx_wait_kind)w->gw[sib].kind) ||
					    !candidate(w, sib, (uint32_t)r) ||
					    !same_create_func(s, wg, gx_store_goroutine(s, sib)))
						continue;
					for (uint32_t p = b->gkey_off[sib]; p < b->gkey_off[sib + 1] && !ptr; p++)
						ptr = b->posts[b->gkey[p]].app;
					if (!ptr)
						continue;
					add_xedge(b, sib, (uint32_t)r, GX_EVID_SIBLING, GX_STRENGTH_WEAK, 1,
					          GX_TIME_NONE);
					found++;
				}
			}
		}
		/* A wait of the standard library's own goroutines that at
		 * most hints (weak evidence) say who may release. Its other
		 * end is often a live goroutine holding the object through
		 * pointers the input does not show (an HTTP transport's loop
		 * waits for whoever reads the response body, or for its read
		 * loop that is just exiting); a trace has no pointers at all:
		 * not judged unless something releases it. A user's goroutine
		 * blocked inside the library (an io.Pipe write) is judged as
		 * usual. */
		if (!strong_since(b, deps0, xe0)) {
			if (all_waiters(b, (uint32_t)r, std_goroutine_wait))
				b->weak_std_res[r] = GX_UND_STD;
			else if (trace && all_waiters(b, (uint32_t)r, std_site_wait))
				b->weak_std_res[r] = GX_UND_STD_CALL;
		}
		b->cand[r] = found;
		R->releasers = found;
	}

	/* Trace: a mutex nobody was seen to hold or release. Who may hold
	 * it: a goroutine blocked on another mutex (lock-order inversion),
	 * or one that waits for this mutex's waiter itself (a lock held
	 * across a send or a wait). Hints, weak. */
	if (trace) {
		size_t nx = b->nxe;

		for (size_t r = 0; r < w->nres; r++) {
			struct gx_wg_resource *R = &w->res[r];

			if (R->kind != GX_RES_MUTEX || b->cand[r] != 0)
				continue;
			/* Without addresses every waiter is a resource of its
			 * own: keep the hints per mutex few. */
			for (size_t m = 0; m < ntmutex && b->cand[r] < GX_WG_EDGES_MAX; m++) {
				uint32_t g = tmutex[m];

				if (!candidate(w, g, (uint32_t)r) ||
				    (R->addr != 0 && w->gw[g].addr == R->addr))
					continue;
				add_xedge(b, g, (uint32_t)r, GX_EVID_OTHER_LOCK, GX_STRENGTH_WEAK, 1,
				          GX_TIME_NONE);
				b->cand[r]++;
			}
		}
		for (size_t i = 0; i < nx; i++) {
			uint32_t wtr = b->xe[i].g, r, r2 = b->xe[i].r;

			if (wtr >= b->n || (r = w->gw[wtr].resource) == GX_NONE32 || r == r2 ||
			    w->res[r].kind != GX_RES_MUTEX || w->res[r].releasers != 0)
				continue;
			for (uint32_t j = 0; j < w->res[r2].nwaiters; j++) {
				uint32_t x = w->waiters[w->res[r2].first_waiter + j];

				if (x == wtr || w->gw[x].resource == r)
					continue;
				add_xedge(b, x, r, GX_EVID_HELD_ACROSS, GX_STRENGTH_WEAK, 1, GX_TIME_NONE);
				b->cand[r]++;
			}
		}
		for (size_t r = 0; r < w->nres; r++) {
			w->res[r].releasers = b->cand[r];
			if (b->cand[r] == 0 && !b->runtime_release[r] && b->undetermined_res[r] == 0 &&
			    all_waiters(b, (uint32_t)r, wait_before_trace))
				b->undetermined_res[r] = GX_UND_BEFORE_TRACE;
		}
	}
	free(bc.idx);
	free(lf);
	free(lc);
	free(stdf);
	free(key_seen);
	free(hist);
	free(part);
	free(lord);
	free(tmutex);
	free(rw_unknown_w);
	free(rw_unknown_r);
	free(mutex_waiters);
}

/* Dependencies, deduplicated (a key may be found twice for one resource). */
static void
dedup_deps(struct build *b)
{
	size_t o = 0;

	if (b->ndeps > 1)
		qsort(b->deps, b->ndeps, sizeof *b->deps, cmp_dep_k);
	for (size_t i = 0; i < b->ndeps; i++) {
		if (o > 0 && b->deps[o - 1].k == b->deps[i].k && b->deps[o - 1].r == b->deps[i].r)
			continue;
		b->deps[o++] = b->deps[i];
	}
	b->ndeps = o;
}

/* Resource r is released: its waiters that were held stuck only for
 * want of a releaser become releasable and go on the queue. */
static void
release_res(struct gx_waitgraph *w, uint32_t r, bool *released, uint32_t *queue, size_t *qt)
{
	released[r] = true;
	for (uint32_t i = 0; i < w->res[r].nwaiters; i++) {
		uint32_t g = w->waiters[w->res[r].first_waiter + i];
		struct gx_wg_goroutine *x = &w->gw[g];

		if (x->status == GX_WG_STUCK && x->proof == GX_PROOF_NONE) {
			x->status = GX_WG_RELEASABLE;
			queue[(*qt)++] = g;
		}
	}
}

/* 5: liveness to a fixed point. */
static void
propagate(struct build *b)
{
	struct gx_waitgraph *w = b->w;
	const struct gx_store *s = b->s;
	size_t n = b->n, qh = 0, qt = 0;
	uint32_t *queue = xmalloc((n + 1) * sizeof *queue);
	uint8_t *key_live = xcalloc(b->nkeys + 1, 1);
	bool *released = xcalloc(w->nres + 1, 1);
	uint32_t *kdep_off = xcalloc(b->nkeys + 1, sizeof *kdep_off);
	uint32_t *xoff = xcalloc(n + 1, sizeof *xoff);
	const struct gx_store_meta *meta = gx_store_meta(s);
	bool global = meta != NULL && (meta->flags & GX_META_GLOBAL_DEADLOCK);
	bool bubble = meta != NULL && (meta->flags & GX_META_BUBBLE_DEADLOCK);

	/* deps are sorted by key: offsets per key. */
	for (size_t i = 0; i < b->ndeps; i++)
		kdep_off[b->deps[i].k + 1]++;
	for (size_t k = 0; k < b->nkeys; k++)
		kdep_off[k + 1] += kdep_off[k];
	/* explicit edges sorted by g (runtime ones, g = NONE, last). */
	if (b->nxe > 1)
		qsort(b->xe, b->nxe, sizeof *b->xe, cmp_xedge_g);
	for (size_t i = 0; i < b->nxe; i++)
		if (b->xe[i].g < n)
			xoff[b->xe[i].g + 1]++;
	for (size_t g = 0; g < n; g++)
		xoff[g + 1] += xoff[g];

	/* Initial statuses. */
	for (size_t g = 0; g < n; g++) {
		struct gx_wg_goroutine *x = &w->gw[g];
		const struct gx_goroutine_rec *gr = gx_store_goroutine(s, g);
		enum gx_wait_kind k = (enum gx_wait_kind)x->kind;

		if (!blocked_kind(k)) {
			x->status = GX_WG_LIVE;
			if (w->alive[g])
				queue[qt++] = (uint32_t)g;
			continue;
		}
		if (gr->flags & GX_G_LEAKED) {
			x->status = GX_WG_STUCK;
			x->proof = GX_PROOF_LEAKED;
		} else if (global && !(gr->flags & GX_G_SYSTEM)) {
			x->status = GX_WG_STUCK;
			x->proof = GX_PROOF_RUNTIME_DEADLOCK;
		} else if (bubble && (gr->flags & GX_G_SYNCTEST)) {
			x->status = GX_WG_STUCK;
			x->proof = GX_PROOF_BUBBLE_DEADLOCK;
		} else if (k == GX_WAIT_NIL_CHAN || k == GX_WAIT_SELECT_NONE) {
			x->status = GX_WG_STUCK;
			x->proof = GX_PROOF_PERMANENT;
		} else if (x->opaque ||
		           (x->resource != GX_NONE32 && b->undetermined_res[x->resource])) {
			x->status = GX_WG_UNDETERMINED;
			x->undetermined = x->opaque ? GX_UND_OPAQUE : b->undetermined_res[x->resource];
			queue[qt++] = (uint32_t)g; /* may well be live: do not condemn others */
		} else {
			x->status = GX_WG_STUCK; /* until someone live releases it */
			x->proof = GX_PROOF_NONE;
		}
	}
	/* Resources the runtime released before. */
	for (size_t r = 0; r < w->nres; r++) {
		if (b->runtime_release[r])
			release_res(w, (uint32_t)r, released, queue, &qt);
	}

	/* Release from the live to a fixed point; then the waits only hints
	 * explain (weak_std_res) that are still blocked are not judged, and
	 * what they may release is released too, as for the undetermined. */
	for (;;) {
		while (qh < qt) {
			uint32_t g = queue[qh++];
			uint32_t rel[64];
			size_t nrel = 0;

			for (uint32_t p = b->gkey_off[g]; p < b->gkey_off[g + 1]; p++) {
				uint32_t pi = b->gkey[p], k = b->post_key[pi];
				/* A key is live for its deps once a live goroutine
				 * posts it (bit 1), for its app_only deps once one
				 * posts it in its own code (bit 2). */
				uint8_t want = b->posts[pi].app ? 3 : 1, had = key_live[k];

				if ((had & want) == want)
					continue;
				key_live[k] = (uint8_t)(had | want);
				for (uint32_t d = kdep_off[k]; d < kdep_off[k + 1]; d++) {
					uint32_t r = b->deps[d].r;

					if (b->deps[d].app_only ? !(want & 2) || (had & 2) : (had & 1))
						continue;
					if (w->gw[g].resource == r || released[r])
						continue;
					/* Released below, after this goroutine's keys. */
					if (nrel < GX_ARRAY_SIZE(rel))
						rel[nrel++] = r;
					else
						release_res(w, r, released, queue, &qt);
				}
			}
			for (uint32_t e = xoff[g]; e < xoff[g + 1]; e++) {
				uint32_t r = b->xe[e].r;

				if (released[r])
					continue;
				if (nrel < GX_ARRAY_SIZE(rel))
					rel[nrel++] = r;
				else
					release_res(w, r, released, queue, &qt);
			}
			for (size_t i = 0; i < nrel; i++)
				if (!released[rel[i]])
					release_res(w, rel[i], released, queue, &qt);
		}

		/* One pass marks them all: the stuck set only shrinks. */
		size_t before = qt;

		for (size_t g = 0; g < n; g++) {
			struct gx_wg_goroutine *x = &w->gw[g];

			if (x->status == GX_WG_STUCK && x->proof == GX_PROOF_NONE &&
			    x->resource != GX_NONE32 && b->weak_std_res[x->resource]) {
				x->status = GX_WG_UNDETERMINED;
				x->undetermined = b->weak_std_res[x->resource];
				queue[qt++] = (uint32_t)g;
			}
		}
		if (qt == before)
			break;
	}
	/* Still blocked: stuck, and why. */
	for (size_t g = 0; g < n; g++) {
		struct gx_wg_goroutine *x = &w->gw[g];

		if (x->status != GX_WG_STUCK || x->proof != GX_PROOF_NONE)
			continue;
		x->proof = x->resource != GX_NONE32 && b->cand[x->resource] > 0
		           ? GX_PROOF_RELEASERS_STUCK : GX_PROOF_NO_RELEASER;
	}
	free(queue);
	free(key_live);
	free(released);
	free(kdep_off);
	free(xoff);
}

/* Display edges of every resource: up to GX_WG_EDGES_MAX each. */
static void
build_edges(struct build *b)
{
	struct gx_waitgraph *w = b->w;
	size_t cap = 0;
	uint32_t *per = xcalloc(w->nres + 1, sizeof *per);
	struct gx_wg_edge *tmp = NULL;
	size_t ntmp = 0;
	uint32_t *cnt;

	for (size_t d = 0; d < b->ndeps; d++) {
		uint32_t k = b->deps[d].k, r = b->deps[d].r;

		for (uint32_t p = b->key_first[k]; p < dep_end(b, &b->deps[d]); p++) {
			const struct post *po = &b->posts[p];

			if (!candidate(w, po->g, r))
				continue;
			if (per[r] >= GX_WG_EDGES_MAX)
				break;
			per[r]++;
			gx_grow(&tmp, &cap, ntmp + 1, sizeof *tmp);
			tmp[ntmp++] = (struct gx_wg_edge){
				.resource = r, .g = po->g, .evidence = b->deps[d].evidence,
				.strength = b->deps[d].evidence == GX_EVID_SHARED ? GX_STRENGTH_WEAK
				                                                  : GX_STRENGTH_INFERRED,
				.frame = po->frame, .count = 1, .value = po->v, .ns = GX_TIME_NONE,
			};
		}
	}
	for (size_t i = 0; i < b->nxe; i++) {
		uint32_t r = b->xe[i].r;

		if (per[r] >= GX_WG_EDGES_MAX)
			continue;
		per[r]++;
		gx_grow(&tmp, &cap, ntmp + 1, sizeof *tmp);
		tmp[ntmp++] = (struct gx_wg_edge){
			.resource = r, .g = b->xe[i].g, .evidence = b->xe[i].evidence,
			.strength = b->xe[i].strength, .frame = UINT16_MAX,
			.count = b->xe[i].count, .value = 0, .ns = b->xe[i].ns,
		};
	}
	/* Group by resource, keeping the order within a resource. */
	w->edges = xmalloc((ntmp + 1) * sizeof *w->edges);
	w->nedges = ntmp;
	{
		uint32_t acc = 0;

		for (size_t r = 0; r < w->nres; r++) {
			w->res[r].first_edge = acc;
			w->res[r].nedges = per[r];
			acc += per[r];
		}
	}
	cnt = xcalloc(w->nres + 1, sizeof *cnt);
	for (size_t i = 0; i < ntmp; i++) {
		uint32_t r = tmp[i].resource;

		w->edges[w->res[r].first_edge + cnt[r]++] = tmp[i];
	}
	free(cnt);
	free(per);
	free(tmp);
}

/* ------------------------------------------------------------------ */
/* 6: cycles */

struct succ {
	uint32_t to;
	uint8_t strength;
};

static void
add_succ(struct succ **v, size_t *n, size_t *cap, uint32_t to, uint8_t strength)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].to == to) {
			if (strength < (*v)[i].strength)
				(*v)[i].strength = strength;
			return;
		}
	gx_grow(v, cap, *n + 1, sizeof **v);
	(*v)[*n].to = to;
	(*v)[*n].strength = strength;
	(*n)++;
}

/* What an edge of strength s costs a cycle. */
static uint32_t
edge_cost(uint8_t s)
{
	return s == GX_STRENGTH_OBSERVED ? 64 : s == GX_STRENGTH_INFERRED ? 65 : 256;
}

static void
find_cycles(struct build *b)
{
	struct gx_waitgraph *w = b->w;
	struct gx_deadlock *dl = &w->dl;
	size_t ns = dl->nstuck;
	uint32_t *pos = xmalloc((b->n + 1) * sizeof *pos); /* goroutine -> stuck index */
	uint32_t *off = xcalloc(ns + 1, sizeof *off);
	struct succ *adj = NULL, *tmp = NULL;
	size_t nadj = 0, capadj = 0, ntmp, captmp = 0, capm = 0, capc = 0, nm = 0;
	uint32_t *adjv, *comp, *csize, ncomp;
	uint32_t *rdep_off, *rdep; /* deps by resource */
	uint32_t *xr_off, *xr;     /* explicit edges by resource */

	for (size_t g = 0; g < b->n; g++)
		pos[g] = GX_NONE32;
	for (size_t i = 0; i < ns; i++)
		pos[dl->stuck[i]] = (uint32_t)i;

	rdep_off = xcalloc(w->nres + 1, sizeof *rdep_off);
	rdep = xmalloc((b->ndeps + 1) * sizeof *rdep);
	for (size_t d = 0; d < b->ndeps; d++)
		rdep_off[b->deps[d].r + 1]++;
	for (size_t r = 0; r < w->nres; r++)
		rdep_off[r + 1] += rdep_off[r];
	{
		uint32_t *c = xcalloc(w->nres + 1, sizeof *c);

		for (size_t d = 0; d < b->ndeps; d++)
			rdep[rdep_off[b->deps[d].r] + c[b->deps[d].r]++] = (uint32_t)d;
		free(c);
	}
	xr_off = xcalloc(w->nres + 1, sizeof *xr_off);
	xr = xmalloc((b->nxe + 1) * sizeof *xr);
	for (size_t i = 0; i < b->nxe; i++)
		xr_off[b->xe[i].r + 1]++;
	for (size_t r = 0; r < w->nres; r++)
		xr_off[r + 1] += xr_off[r];
	{
		uint32_t *c = xcalloc(w->nres + 1, sizeof *c);

		for (size_t i = 0; i < b->nxe; i++)
			xr[xr_off[b->xe[i].r] + c[b->xe[i].r]++] = (uint32_t)i;
		free(c);
	}

	for (size_t i = 0; i < ns; i++) {
		uint32_t g = dl->stuck[i], r = w->gw[g].resource;

		ntmp = 0;
		if (r != GX_NONE32) {
			for (uint32_t d = rdep_off[r]; d < rdep_off[r + 1] && ntmp < SUCC_MAX; d++) {
				const struct dep *dp = &b->deps[rdep[d]];

				for (uint32_t p = b->key_first[dp->k]; p < dep_end(b, dp); p++) {
					uint32_t h = b->posts[p].g;

					if (pos[h] == GX_NONE32 || !candidate(w, h, r))
						continue;
					add_succ(&tmp, &ntmp, &captmp, pos[h],
					         dp->evidence == GX_EVID_SHARED ? GX_STRENGTH_WEAK
					                                        : GX_STRENGTH_INFERRED);
					if (ntmp >= SUCC_MAX)
						break;
				}
			}
			for (uint32_t e = xr_off[r]; e < xr_off[r + 1] && ntmp < SUCC_MAX; e++) {
				const struct xedge *x = &b->xe[xr[e]];

				if (x->g >= b->n || pos[x->g] == GX_NONE32)
					continue;
				add_succ(&tmp, &ntmp, &captmp, pos[x->g], x->strength);
			}
		}
		off[i] = (uint32_t)nadj;
		for (size_t j = 0; j < ntmp; j++) {
			gx_grow(&adj, &capadj, nadj + 1, sizeof *adj);
			adj[nadj++] = tmp[j];
		}
	}
	off[ns] = (uint32_t)nadj;
	adjv = xmalloc((nadj + 1) * sizeof *adjv);
	for (size_t i = 0; i < nadj; i++)
		adjv[i] = adj[i].to;
	comp = xmalloc((ns + 1) * sizeof *comp);
	ncomp = gx_scc((uint32_t)ns, off, adjv, comp);
	csize = xcalloc(ncomp + 1, sizeof *csize);
	for (size_t i = 0; i < ns; i++)
		csize[comp[i]]++;

	/* For each cyclic component: the strongest chain through its first
	 * member (stuck is sorted by id, so the lowest id): the cheapest
	 * cycle, an observed edge costing least and a weak hint most
	 * (Dijkstra on the component; ties to the fewer hops, then to the
	 * lower ids). */
	{
		uint32_t *seen_comp = xcalloc(ncomp + 1, sizeof *seen_comp);
		uint32_t *parent = xmalloc((ns + 1) * sizeof *parent);
		uint32_t *dist = xmalloc((ns + 1) * sizeof *dist);
		uint32_t *touched = xmalloc((ns + 1) * sizeof *touched);
		uint8_t *pstr = xmalloc(ns + 1);
		uint8_t *done = xcalloc(ns + 1, 1);
		struct hn { uint32_t d, v; } *heap = NULL;
		size_t caph = 0;

		for (size_t i = 0; i < ns; i++) {
			parent[i] = GX_NONE32;
			dist[i] = UINT32_MAX;
		}
		for (size_t i = 0; i < ns; i++) {
			uint32_t c = comp[i], last = GX_NONE32, best = UINT32_MAX;
			uint8_t last_str = 0;
			bool weak = false;
			size_t len = 0, start, nt = 0, nh = 0;

			if (seen_comp[c])
				continue;
			if (csize[c] < 2 && !gx_scc_self_loop((uint32_t)i, off, adjv))
				continue;
			seen_comp[c] = 1;
			parent[i] = (uint32_t)i;
			dist[i] = 0;
			touched[nt++] = (uint32_t)i;
			gx_grow(&heap, &caph, 1, sizeof *heap);
			heap[nh++] = (struct hn){ 0, (uint32_t)i };
			while (nh > 0) {
				struct hn top = heap[0];
				uint32_t v = top.v;

				/* pop */
				heap[0] = heap[--nh];
				for (size_t k = 0;;) {
					size_t l = 2 * k + 1, r = l + 1, m = k;

					if (l < nh && (heap[l].d < heap[m].d || (heap[l].d == heap[m].d && heap[l].v < heap[m].v)))
						m = l;
					if (r < nh && (heap[r].d < heap[m].d || (heap[r].d == heap[m].d && heap[r].v < heap[m].v)))
						m = r;
					if (m == k)
						break;
					{ struct hn t = heap[k]; heap[k] = heap[m]; heap[m] = t; }
					k = m;
				}
				if (done[v] || top.d != dist[v])
					continue;
				done[v] = 1;
				for (uint32_t e = off[v]; e < off[v + 1]; e++) {
					uint32_t t = adj[e].to, nd;

					if (comp[t] != c)
						continue;
					nd = dist[v] + edge_cost(adj[e].strength);
					if (t == i) {
						if (nd < best) {
							best = nd;
							last = v;
							last_str = adj[e].strength;
						}
						continue;
					}
					if (nd < dist[t]) {
						if (dist[t] == UINT32_MAX)
							touched[nt++] = t;
						dist[t] = nd;
						parent[t] = v;
						pstr[t] = adj[e].strength;
						gx_grow(&heap, &caph, nh + 1, sizeof *heap);
						heap[nh] = (struct hn){ nd, t };
						for (size_t k = nh++; k > 0;) {
							size_t pk = (k - 1) / 2;

							if (heap[pk].d < heap[k].d || (heap[pk].d == heap[k].d && heap[pk].v <= heap[k].v))
								break;
							{ struct hn tt = heap[k]; heap[k] = heap[pk]; heap[pk] = tt; }
							k = pk;
						}
					}
				}
			}
			if (last != GX_NONE32) {
				/* Path i -> ... -> last (-> i): walk back from last. */
				start = nm;
				weak = last_str == GX_STRENGTH_WEAK;
				for (uint32_t v = last;; v = parent[v]) {
					gx_grow(&dl->cycle_members, &capm, nm + 1, sizeof *dl->cycle_members);
					dl->cycle_members[nm++] = dl->stuck[v];
					len++;
					if (v == i)
						break;
					if (pstr[v] == GX_STRENGTH_WEAK)
						weak = true;
				}
				/* Reverse into chain order starting at i. */
				for (size_t a = start, z = nm - 1; a < z; a++, z--) {
					uint32_t t = dl->cycle_members[a];

					dl->cycle_members[a] = dl->cycle_members[z];
					dl->cycle_members[z] = t;
				}
				gx_grow(&dl->cycles, &capc, dl->ncycles + 1, sizeof *dl->cycles);
				dl->cycles[dl->ncycles++] = (struct gx_wg_cycle){
					.first = (uint32_t)start, .count = (uint32_t)len, .weak = weak };
			}
			for (size_t j = 0; j < nt; j++) {
				parent[touched[j]] = GX_NONE32;
				dist[touched[j]] = UINT32_MAX;
				done[touched[j]] = 0;
			}
		}
		free(seen_comp);
		free(parent);
		free(dist);
		free(touched);
		free(pstr);
		free(done);
		free(heap);
	}
	free(pos);
	free(off);
	free(adj);
	free(tmp);
	free(adjv);
	free(comp);
	free(csize);
	free(rdep_off);
	free(rdep);
	free(xr_off);
	free(xr);
}

/* ------------------------------------------------------------------ */
/* 7 and the whole */

static void
collect(struct build *b)
{
	struct gx_waitgraph *w = b->w;
	struct gx_deadlock *dl = &w->dl;
	const struct gx_store *s = b->s;
	const struct gx_store_meta *meta = gx_store_meta(s);
	size_t cs = 0, cu = 0;

	dl->deadlock_ns = GX_TIME_NONE;
	dl->before_start = false;
	dl->runtime_reported = meta != NULL &&
	                       (meta->flags & (GX_META_GLOBAL_DEADLOCK | GX_META_BUBBLE_DEADLOCK));
	for (size_t g = 0; g < b->n; g++) {
		const struct gx_wg_goroutine *x = &w->gw[g];
		const struct gx_goroutine_rec *gr = gx_store_goroutine(s, g);

		if (x->status == GX_WG_STUCK) {
			gx_grow(&dl->stuck, &cs, dl->nstuck + 1, sizeof *dl->stuck);
			dl->stuck[dl->nstuck++] = (uint32_t)g;
			dl->stuck_goroutines += gr->count ? gr->count : 1;
			if (gr->wait_since_ns != GX_TIME_NONE &&
			    (dl->deadlock_ns == GX_TIME_NONE || gr->wait_since_ns > dl->deadlock_ns))
				dl->deadlock_ns = gr->wait_since_ns;
			dl->before_start = (dl->nstuck == 1 || dl->before_start) &&
			                   (gr->flags & GX_G_WAIT_BEFORE_START);
		} else if (x->status == GX_WG_UNDETERMINED) {
			gx_grow(&dl->undetermined, &cu, dl->nundetermined + 1, sizeof *dl->undetermined);
			dl->undetermined[dl->nundetermined++] = (uint32_t)g;
		}
	}
	dl->found = dl->nstuck > 0;
	if (dl->found)
		gx_wg_fingerprint(s, w->gw, dl->stuck, dl->nstuck, dl->fingerprint);
	else
		dl->fingerprint[0] = '\0';
}

struct gx_waitgraph *
gx_waitgraph_build(const struct gx_store *s)
{
	return gx_waitgraph_build_joined(s, NULL);
}

struct gx_waitgraph *
gx_waitgraph_build_joined(const struct gx_store *s, const struct gx_store *dump)
{
	struct gx_waitgraph *w = xcalloc(1, sizeof *w);
	struct build b = { 0 };

	w->s = s;
	w->n = gx_store_goroutine_count(s);
	if (w->n >= UINT32_MAX - 1)
		w->n = UINT32_MAX - 2;
	w->gw = xcalloc(w->n + 1, sizeof *w->gw);
	w->alive = xcalloc(w->n + 1, sizeof *w->alive);
	if (dump != NULL && dump != s) {
		w->aux = dump;
		w->join = xmalloc((w->n + 1) * sizeof *w->join);
		for (size_t g = 0; g < w->n; g++) {
			const struct gx_goroutine_rec *gr = gx_store_goroutine(s, g);

			w->join[g] = gr->flags & GX_G_SYNTH_ID ? GX_NONE32
			             : gx_store_find_goroutine(dump, gr->id);
			if (w->join[g] != GX_NONE32)
				w->njoined++;
		}
	}
	b.w = w;
	b.s = s;
	b.n = w->n;
	b.nstacks = gx_store_stack_count(s);
	b.ufirst = xcalloc(b.nstacks + 1, sizeof *b.ufirst);

	build_resources(&b);
	build_index(&b);
	build_candidates(&b);
	dedup_deps(&b);
	propagate(&b);
	build_edges(&b);
	collect(&b);
	find_cycles(&b);

	free(b.rhash);
	free(b.posts);
	free(b.key_v);
	free(b.key_first);
	free(b.key_napp);
	free(b.post_key);
	free(b.gkey_off);
	free(b.gkey);
	free(b.deps);
	free(b.xe);
	free(b.cand);
	free(b.runtime_release);
	free(b.undetermined_res);
	free(b.weak_std_res);
	free(b.ufirst);
	free(b.cls);
	free(b.gsite);
	free(b.alive_posts);
	free(b.site_off);
	free(b.sites);
	return w;
}

void
gx_waitgraph_free(struct gx_waitgraph *w)
{
	if (w == NULL)
		return;
	free(w->gw);
	free(w->alive);
	free(w->res);
	free(w->waiters);
	free(w->edges);
	free(w->dl.stuck);
	free(w->dl.undetermined);
	free(w->dl.cycles);
	free(w->dl.cycle_members);
	free(w->join);
	free(w);
}

const struct gx_store *
gx_wg_joined_store(const struct gx_waitgraph *w, size_t *njoined)
{
	if (njoined != NULL)
		*njoined = w->njoined;
	return w->aux;
}

uint32_t
gx_wg_joined(const struct gx_waitgraph *w, size_t g)
{
	return w->join != NULL && g < w->n ? w->join[g] : GX_NONE32;
}

/* ------------------------------------------------------------------ */
/* Accessors */

const struct gx_store *
gx_wg_store(const struct gx_waitgraph *w)
{
	return w->s;
}

const struct gx_wg_goroutine *
gx_wg_goroutine(const struct gx_waitgraph *w, size_t g)
{
	return g < w->n ? &w->gw[g] : NULL;
}

size_t
gx_wg_resource_count(const struct gx_waitgraph *w)
{
	return w->nres;
}

const struct gx_wg_resource *
gx_wg_resource(const struct gx_waitgraph *w, size_t r)
{
	return r < w->nres ? &w->res[r] : NULL;
}

const uint32_t *
gx_wg_waiters(const struct gx_waitgraph *w, size_t r, size_t *n)
{
	if (r >= w->nres) {
		*n = 0;
		return NULL;
	}
	*n = w->res[r].nwaiters;
	return w->waiters + w->res[r].first_waiter;
}

const struct gx_wg_edge *
gx_wg_edges(const struct gx_waitgraph *w, size_t r, size_t *n)
{
	if (r >= w->nres) {
		*n = 0;
		return NULL;
	}
	*n = w->res[r].nedges;
	return w->edges + w->res[r].first_edge;
}

const struct gx_deadlock *
gx_wg_deadlock(const struct gx_waitgraph *w)
{
	return &w->dl;
}

/* ------------------------------------------------------------------ */
/* Text */

static void
put_func(const struct gx_store *s, gx_stack st, uint32_t frame, struct gx_buf *out, bool ascii)
{
	size_t n;
	const char *fn = frame_func(s, st, frame, &n);

	if (n == 0)
		gx_buf_puts(out, "?");
	else
		gx_text_escape(out, fn, n, ascii);
}

void
gx_wg_describe_site(const struct gx_waitgraph *w, size_t g, struct gx_buf *out, bool ascii)
{
	const struct gx_goroutine_rec *gr = gx_store_goroutine(w->s, g);

	if (gr == NULL || g >= w->n) {
		gx_buf_puts(out, "?");
		return;
	}
	put_func(w->s, gr->stack, w->gw[g].site_frame, out, ascii);
}

void
gx_wg_describe_resource(const struct gx_waitgraph *w, size_t r, struct gx_buf *out, bool ascii)
{
	const struct gx_wg_resource *R = gx_wg_resource(w, r);

	if (R == NULL) {
		gx_buf_puts(out, "?");
		return;
	}
	gx_buf_puts(out, gx_res_kind_name((enum gx_res_kind)R->kind));
	if (R->addr != 0)
		gx_buf_printf(out, " 0x%" PRIx64, R->addr);
	if (R->kind == GX_RES_RW_READERS)
		gx_buf_puts(out, " (read side)");
	else if (R->kind == GX_RES_RW_WRITER)
		gx_buf_puts(out, " (write side)");
	if (R->addr == 0 && R->site_g != GX_NONE32) {
		if (R->kind != GX_RES_SELECT)
			gx_buf_puts(out, " (address not in the input)");
		gx_buf_puts(out, " in ");
		gx_wg_describe_site(w, R->site_g, out, ascii);
	}
}

void
gx_wg_describe_edge(const struct gx_waitgraph *w, const struct gx_wg_edge *e,
                    struct gx_buf *out, bool ascii)
{
	const struct gx_store *s = w->s;
	const struct gx_goroutine_rec *gr = e->g < w->n ? gx_store_goroutine(s, e->g) : NULL;

	if (gr != NULL)
		gx_buf_printf(out, "G%" PRIu64 " ", gr->id);
	switch ((enum gx_evidence)e->evidence) {
	case GX_EVID_ARG:
	case GX_EVID_CONTAINER:
	case GX_EVID_SHARED:
		gx_buf_printf(out, "passes 0x%" PRIx64 " in ", e->value);
		if (gr != NULL) {
			gx_stack ast;
			const struct gx_store *as = arg_stack(w, e->g, &ast);

			put_func(as, ast, e->frame, out, ascii);
			if (as != s)
				gx_buf_puts(out, " (per the dump)");
		}
		if (e->evidence == GX_EVID_ARG)
			gx_buf_puts(out, " (the object itself)");
		else if (e->evidence == GX_EVID_CONTAINER)
			gx_buf_puts(out, " (a struct that may contain it)");
		else
			gx_buf_puts(out, ", as a waiter does");
		break;
	case GX_EVID_CHILD:
		gx_buf_puts(out, "was started by the waiting function");
		break;
	case GX_EVID_PARENT:
		gx_buf_puts(out, "created the waiter and may hold the channel it handed over");
		break;
	case GX_EVID_RW_WRITER:
		gx_buf_puts(out, "waits to write-lock it: new readers queue behind a pending writer");
		break;
	case GX_EVID_OTHER_LOCK:
		gx_buf_puts(out, "is blocked on another mutex and may hold this one (lock-order inversion)");
		break;
	case GX_EVID_SIBLING:
		gx_buf_puts(out, "was started by the waiter's creator too and passes a pointer: "
		            "may receive from the channel");
		break;
	case GX_EVID_PARTNER:
		gx_buf_printf(out, "was woken %" PRIu32 " time%s before by a goroutine waiting here "
		              "(the other end of the channel)", e->count, e->count == 1 ? "" : "s");
		break;
	case GX_EVID_LOCK_ORDER:
		gx_buf_puts(out, "blocked on this lock site earlier and has not returned from that "
		            "function since: holds it (lock order seen in the trace)");
		break;
	case GX_EVID_HELD_ACROSS:
		gx_buf_puts(out, "waits for the waiter itself and may hold this mutex across that "
		            "wait (no holder seen in the trace)");
		break;
	case GX_EVID_SAME_FUNC:
		gx_buf_puts(out, "is not blocked and is inside the function that locks it: may hold it");
		break;
	case GX_EVID_CLOSURE:
		gx_buf_puts(out, "is not blocked and runs a closure of the waiting function: "
		            "shares its channels and locks");
		break;
	case GX_EVID_NEW_CHILD:
		gx_buf_puts(out, "was started by the waiter and has not run yet: "
		            "what it will do cannot be seen");
		break;
	case GX_EVID_CALLBACK:
		gx_buf_puts(out, "is inside the library function whose callback waits: "
		            "the callback's other end");
		break;
	case GX_EVID_RW_READER:
		gx_buf_puts(out, "is a blocked reader called from user code: may already hold a read lock (recursive RLock)");
		break;
	case GX_EVID_HISTORY:
		gx_buf_printf(out, "unblocked goroutines waiting here %" PRIu32 " time%s before", e->count,
		              e->count == 1 ? "" : "s");
		break;
	case GX_EVID_RUNTIME:
		gx_buf_printf(out, "the runtime (timer or network poller) unblocked goroutines waiting here %" PRIu32 " time%s before",
		              e->count, e->count == 1 ? "" : "s");
		break;
	default:
		gx_buf_puts(out, "?");
		break;
	}
	gx_buf_printf(out, " [%s, %s]", gx_evidence_name((enum gx_evidence)e->evidence),
	              gx_strength_name((enum gx_strength)e->strength));
}
