/* trace2: reading Go 1.22+ execution traces one generation at a time.
 *
 * The rules (what is an error, what ends a generation, how timestamps are
 * converted) follow Go's reader in src/internal/trace (batch.go,
 * generation.go, base.go); see doc comments in trace2.h. */
#include "config.h"

#include "gotrex/trace2.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/util.h"

#define MAX_BATCH_SIZE (64u << 10)
#define MAX_FRAMES_PER_STACK 128u
#define MAX_STRING_SIZE 1024u
#define READ_BUF_SIZE (128u << 10)

/* ------------------------------------------------------------------ */
/* The spec table (tracev2/events.go). */

#define S(...) { __VA_ARGS__ }
const struct gx_t2_spec gx_t2_specs[GX_EV2_MAX_EXPERIMENTAL] = {
	[GX_EV2_EVENT_BATCH] = { .name = "EventBatch", .nargs = 4 },
	[GX_EV2_STACKS] = { .name = "Stacks" },
	[GX_EV2_STACK] = { .name = "Stack", .nargs = 2 },
	[GX_EV2_STRINGS] = { .name = "Strings" },
	[GX_EV2_STRING] = { .name = "String", .nargs = 1 },
	[GX_EV2_CPU_SAMPLES] = { .name = "CPUSamples" },
	[GX_EV2_CPU_SAMPLE] = { .name = "CPUSample", .nargs = 5, .stack_arg = S(4) },
	[GX_EV2_FREQUENCY] = { .name = "Frequency", .nargs = 1 },
	[GX_EV2_EXPERIMENTAL_BATCH] = { .name = "ExperimentalBatch", .nargs = 4 },
	[GX_EV2_SYNC] = { .name = "Sync" },
	[GX_EV2_END_OF_GENERATION] = { .name = "EndOfGeneration" },

	[GX_EV2_PROCS_CHANGE] = { .name = "ProcsChange", .nargs = 3, .timed = true, .stack_arg = S(2) },
	[GX_EV2_PROC_START] = { .name = "ProcStart", .nargs = 3, .timed = true },
	[GX_EV2_PROC_STOP] = { .name = "ProcStop", .nargs = 1, .timed = true },
	[GX_EV2_PROC_STEAL] = { .name = "ProcSteal", .nargs = 4, .timed = true },
	[GX_EV2_PROC_STATUS] = { .name = "ProcStatus", .nargs = 3, .timed = true },
	[GX_EV2_GO_CREATE] = { .name = "GoCreate", .nargs = 4, .timed = true, .stack_arg = S(3, 2) },
	[GX_EV2_GO_CREATE_SYSCALL] = { .name = "GoCreateSyscall", .nargs = 2, .timed = true },
	[GX_EV2_GO_START] = { .name = "GoStart", .nargs = 3, .timed = true },
	[GX_EV2_GO_DESTROY] = { .name = "GoDestroy", .nargs = 1, .timed = true },
	[GX_EV2_GO_DESTROY_SYSCALL] = { .name = "GoDestroySyscall", .nargs = 1, .timed = true },
	[GX_EV2_GO_STOP] = { .name = "GoStop", .nargs = 3, .timed = true, .stack_arg = S(2), .string_arg = S(1) },
	[GX_EV2_GO_BLOCK] = { .name = "GoBlock", .nargs = 3, .timed = true, .stack_arg = S(2), .string_arg = S(1) },
	[GX_EV2_GO_UNBLOCK] = { .name = "GoUnblock", .nargs = 4, .timed = true, .stack_arg = S(3) },
	[GX_EV2_GO_SYSCALL_BEGIN] = { .name = "GoSyscallBegin", .nargs = 3, .timed = true, .stack_arg = S(2) },
	[GX_EV2_GO_SYSCALL_END] = { .name = "GoSyscallEnd", .nargs = 1, .timed = true, .start_ev = GX_EV2_GO_SYSCALL_BEGIN },
	[GX_EV2_GO_SYSCALL_END_BLOCKED] = { .name = "GoSyscallEndBlocked", .nargs = 1, .timed = true, .start_ev = GX_EV2_GO_SYSCALL_BEGIN },
	[GX_EV2_GO_STATUS] = { .name = "GoStatus", .nargs = 4, .timed = true },
	[GX_EV2_STW_BEGIN] = { .name = "STWBegin", .nargs = 3, .timed = true, .stack_arg = S(2), .string_arg = S(1) },
	[GX_EV2_STW_END] = { .name = "STWEnd", .nargs = 1, .timed = true, .start_ev = GX_EV2_STW_BEGIN },
	[GX_EV2_GC_ACTIVE] = { .name = "GCActive", .nargs = 2, .timed = true, .start_ev = GX_EV2_GC_BEGIN },
	[GX_EV2_GC_BEGIN] = { .name = "GCBegin", .nargs = 3, .timed = true, .stack_arg = S(2) },
	[GX_EV2_GC_END] = { .name = "GCEnd", .nargs = 2, .timed = true, .start_ev = GX_EV2_GC_BEGIN },
	[GX_EV2_GC_SWEEP_ACTIVE] = { .name = "GCSweepActive", .nargs = 2, .timed = true, .start_ev = GX_EV2_GC_SWEEP_BEGIN },
	[GX_EV2_GC_SWEEP_BEGIN] = { .name = "GCSweepBegin", .nargs = 2, .timed = true, .stack_arg = S(1) },
	[GX_EV2_GC_SWEEP_END] = { .name = "GCSweepEnd", .nargs = 3, .timed = true, .start_ev = GX_EV2_GC_SWEEP_BEGIN },
	[GX_EV2_GC_MARK_ASSIST_ACTIVE] = { .name = "GCMarkAssistActive", .nargs = 2, .timed = true, .start_ev = GX_EV2_GC_MARK_ASSIST_BEGIN },
	[GX_EV2_GC_MARK_ASSIST_BEGIN] = { .name = "GCMarkAssistBegin", .nargs = 2, .timed = true, .stack_arg = S(1) },
	[GX_EV2_GC_MARK_ASSIST_END] = { .name = "GCMarkAssistEnd", .nargs = 1, .timed = true, .start_ev = GX_EV2_GC_MARK_ASSIST_BEGIN },
	[GX_EV2_HEAP_ALLOC] = { .name = "HeapAlloc", .nargs = 2, .timed = true },
	[GX_EV2_HEAP_GOAL] = { .name = "HeapGoal", .nargs = 2, .timed = true },
	[GX_EV2_GO_LABEL] = { .name = "GoLabel", .nargs = 2, .timed = true, .string_arg = S(1) },
	[GX_EV2_USER_TASK_BEGIN] = { .name = "UserTaskBegin", .nargs = 5, .timed = true, .stack_arg = S(4), .string_arg = S(3) },
	[GX_EV2_USER_TASK_END] = { .name = "UserTaskEnd", .nargs = 3, .timed = true, .stack_arg = S(2) },
	[GX_EV2_USER_REGION_BEGIN] = { .name = "UserRegionBegin", .nargs = 4, .timed = true, .stack_arg = S(3), .string_arg = S(2) },
	[GX_EV2_USER_REGION_END] = { .name = "UserRegionEnd", .nargs = 4, .timed = true, .stack_arg = S(3), .string_arg = S(2), .start_ev = GX_EV2_USER_REGION_BEGIN },
	[GX_EV2_USER_LOG] = { .name = "UserLog", .nargs = 5, .timed = true, .stack_arg = S(4), .string_arg = S(2, 3) },
	[GX_EV2_GO_SWITCH] = { .name = "GoSwitch", .nargs = 3, .timed = true },
	[GX_EV2_GO_SWITCH_DESTROY] = { .name = "GoSwitchDestroy", .nargs = 3, .timed = true },
	[GX_EV2_GO_CREATE_BLOCKED] = { .name = "GoCreateBlocked", .nargs = 4, .timed = true, .stack_arg = S(3, 2) },
	[GX_EV2_GO_STATUS_STACK] = { .name = "GoStatusStack", .nargs = 5, .timed = true, .stack_arg = S(4) },
	[GX_EV2_CLOCK_SNAPSHOT] = { .name = "ClockSnapshot", .nargs = 4, .timed = true },

	[GX_EV2_SPAN] = { .name = "Span", .nargs = 4, .timed = true, .args = { "dt", "id", "npages_value", "kindclass" } },
	[GX_EV2_SPAN_ALLOC] = { .name = "SpanAlloc", .nargs = 4, .timed = true, .args = { "dt", "id", "npages_value", "kindclass" } },
	[GX_EV2_SPAN_FREE] = { .name = "SpanFree", .nargs = 2, .timed = true, .args = { "dt", "id" } },
	[GX_EV2_HEAP_OBJECT] = { .name = "HeapObject", .nargs = 3, .timed = true, .args = { "dt", "id", "type" } },
	[GX_EV2_HEAP_OBJECT_ALLOC] = { .name = "HeapObjectAlloc", .nargs = 3, .timed = true, .args = { "dt", "id", "type" } },
	[GX_EV2_HEAP_OBJECT_FREE] = { .name = "HeapObjectFree", .nargs = 2, .timed = true, .args = { "dt", "id" } },
	[GX_EV2_GOROUTINE_STACK] = { .name = "GoroutineStack", .nargs = 3, .timed = true, .args = { "dt", "id", "order" } },
	[GX_EV2_GOROUTINE_STACK_ALLOC] = { .name = "GoroutineStackAlloc", .nargs = 3, .timed = true, .args = { "dt", "id", "order" } },
	[GX_EV2_GOROUTINE_STACK_FREE] = { .name = "GoroutineStackFree", .nargs = 2, .timed = true, .args = { "dt", "id" } },
};
#undef S

unsigned
gx_t2_version_max_event(int version)
{
	switch (version) {
	case GX_T2_GO122: return GX_EV2_USER_LOG;
	case GX_T2_GO123: return GX_EV2_EXPERIMENTAL_BATCH;
	case GX_T2_GO125: return GX_EV2_CLOCK_SNAPSHOT;
	case GX_T2_GO126: return GX_EV2_END_OF_GENERATION;
	}
	return 0;
}

const char *
gx_t2_event_name(unsigned t)
{
	static _Thread_local char buf[32];
	const struct gx_t2_spec *s = gx_t2_spec(t);

	if (s != NULL)
		return s->name;
	snprintf(buf, sizeof(buf), "Invalid(%u)", t);
	return buf;
}

/* ------------------------------------------------------------------ */
/* uint64 map (gx_u64map_get is inline in trace2.h) */

static void
u64map_rehash(struct gx_u64map *m, size_t ncap)
{
	struct gx_u64map n = { 0 };
	size_t i;

	n.cap = ncap;
	n.keys = xcalloc(ncap, sizeof(*n.keys));
	n.vals = xcalloc(ncap, sizeof(*n.vals));
	n.used = xcalloc(ncap, 1);
	for (i = 0; i < m->cap; i++) {
		bool found;

		if (m->used[i])
			*gx_u64map_put(&n, m->keys[i], &found) = m->vals[i];
	}
	gx_u64map_free(m);
	*m = n;
}

uint32_t *
gx_u64map_put(struct gx_u64map *m, uint64_t key, bool *found)
{
	size_t i;

	if ((m->n + 1) * 4 > m->cap * 3)
		u64map_rehash(m, m->cap ? m->cap * 2 : 16);
	for (i = gx_u64map_hash(key) & (m->cap - 1); m->used[i]; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			*found = true;
			return &m->vals[i];
		}
	}
	m->used[i] = 1;
	m->keys[i] = key;
	m->vals[i] = 0;
	m->n++;
	*found = false;
	return &m->vals[i];
}

void
gx_u64map_del(struct gx_u64map *m, uint64_t key)
{
	size_t i, j, mask = m->cap - 1;

	if (m->cap == 0)
		return;
	for (i = gx_u64map_hash(key) & mask; m->used[i]; i = (i + 1) & mask)
		if (m->keys[i] == key)
			break;
	if (!m->used[i])
		return;
	/* Backward-shift deletion keeps linear probing chains intact. */
	m->used[i] = 0;
	m->n--;
	for (j = (i + 1) & mask; m->used[j]; j = (j + 1) & mask) {
		size_t home = gx_u64map_hash(m->keys[j]) & mask;

		/* Move j to i when i lies cyclically in [home, j). */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->keys[i] = m->keys[j];
			m->vals[i] = m->vals[j];
			m->used[i] = 1;
			m->used[j] = 0;
			i = j;
		}
	}
}

void
gx_u64map_clear(struct gx_u64map *m)
{
	if (m->cap != 0)
		memset(m->used, 0, m->cap);
	m->n = 0;
}

void
gx_u64map_free(struct gx_u64map *m)
{
	free(m->keys);
	free(m->vals);
	free(m->used);
	memset(m, 0, sizeof(*m));
}

/* ------------------------------------------------------------------ */
/* Errors */

static void GX_PRINTF(3, 4)
seterr(struct gx_t2_err *err, uint64_t off, const char *fmt, ...)
{
	va_list ap;

	err->off = off;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

int
gx_t2_read_header(const uint8_t *p, size_t n, struct gx_t2_err *err)
{
	static const char prefix[] = "go 1.";
	size_t i = sizeof(prefix) - 1;
	unsigned long v = 0;
	size_t digits = 0;

	if (n < 16 || memcmp(p, prefix, i) != 0) {
		seterr(err, 0, "bad file format: not a Go execution trace?");
		return -1;
	}
	while (i < 16 && p[i] >= '0' && p[i] <= '9' && digits < 6) {
		v = v * 10 + (unsigned long)(p[i] - '0');
		i++;
		digits++;
	}
	if (digits == 0 || i + 9 > 16 || memcmp(p + i, " trace\0\0\0", 9) != 0) {
		seterr(err, i, "bad file format: not a Go execution trace?");
		return -1;
	}
	switch (v) {
	case 22: case 23: case 25: case 26:
		return (int)v;
	case 5: case 7: case 8: case 9: case 10: case 11: case 19: case 21:
		seterr(err, 0, "trace format of go 1.%lu (Go 1.21 and older) is not supported; "
		       "supported versions: go 1.22 to 1.26", v);
		return -1;
	}
	seterr(err, 0, "unknown or unsupported trace version go 1.%lu; "
	       "supported versions: go 1.22 to 1.26 (header minors 22, 23, 25, 26)", v);
	return -1;
}


/* ------------------------------------------------------------------ */
/* Go's slices.SortFunc (pattern-defeating quicksort), reproduced step by
 * step so that ties are broken the same way. */

struct pdq {
	void *ctx;
	bool (*less)(void *, size_t, size_t);
	void (*swap)(void *, size_t, size_t);
};

#define LESS(i, j) s->less(s->ctx, (size_t)(i), (size_t)(j))
#define SWAP(i, j) s->swap(s->ctx, (size_t)(i), (size_t)(j))

static void
pdq_insertion(struct pdq *s, long a, long b)
{
	long i, j;

	for (i = a + 1; i < b; i++)
		for (j = i; j > a && LESS(j, j - 1); j--)
			SWAP(j, j - 1);
}

static void
pdq_sift_down(struct pdq *s, long lo, long hi, long first)
{
	long root = lo;

	for (;;) {
		long child = 2 * root + 1;

		if (child >= hi)
			return;
		if (child + 1 < hi && LESS(first + child, first + child + 1))
			child++;
		if (!LESS(first + root, first + child))
			return;
		SWAP(first + root, first + child);
		root = child;
	}
}

static void
pdq_heapsort(struct pdq *s, long a, long b)
{
	long first = a, hi = b - a, i;

	for (i = (hi - 1) / 2; i >= 0; i--)
		pdq_sift_down(s, i, hi, first);
	for (i = hi - 1; i >= 0; i--) {
		SWAP(first, first + i);
		pdq_sift_down(s, 0, i, first);
	}
}

static long
pdq_partition(struct pdq *s, long a, long b, long pivot, bool *already)
{
	long i = a + 1, j = b - 1;

	SWAP(a, pivot);
	while (i <= j && LESS(i, a))
		i++;
	while (i <= j && !LESS(j, a))
		j--;
	if (i > j) {
		SWAP(j, a);
		*already = true;
		return j;
	}
	SWAP(i, j);
	i++;
	j--;
	for (;;) {
		while (i <= j && LESS(i, a))
			i++;
		while (i <= j && !LESS(j, a))
			j--;
		if (i > j)
			break;
		SWAP(i, j);
		i++;
		j--;
	}
	SWAP(j, a);
	*already = false;
	return j;
}

static long
pdq_partition_equal(struct pdq *s, long a, long b, long pivot)
{
	long i = a + 1, j = b - 1;

	SWAP(a, pivot);
	for (;;) {
		while (i <= j && !LESS(a, i))
			i++;
		while (i <= j && LESS(a, j))
			j--;
		if (i > j)
			break;
		SWAP(i, j);
		i++;
		j--;
	}
	return i;
}

static bool
pdq_partial_insertion(struct pdq *s, long a, long b)
{
	long i = a + 1, step, j;

	for (step = 0; step < 5; step++) {
		while (i < b && !LESS(i, i - 1))
			i++;
		if (i == b)
			return true;
		if (b - a < 50)
			return false;
		SWAP(i, i - 1);
		if (i - a >= 2) {
			for (j = i - 1; j >= 1; j--) {
				if (!LESS(j, j - 1))
					break;
				SWAP(j, j - 1);
			}
		}
		if (b - i >= 2) {
			for (j = i + 1; j < b; j++) {
				if (!LESS(j, j - 1))
					break;
				SWAP(j, j - 1);
			}
		}
	}
	return false;
}

static unsigned
bits_len(unsigned long x)
{
	unsigned n = 0;

	while (x != 0) {
		n++;
		x >>= 1;
	}
	return n;
}

static void
pdq_break_patterns(struct pdq *s, long a, long b)
{
	long length = b - a, idx;
	uint64_t random = (uint64_t)length;
	unsigned long modulus;

	if (length < 8)
		return;
	modulus = 1UL << bits_len((unsigned long)length);
	for (idx = a + (length / 4) * 2 - 1; idx <= a + (length / 4) * 2 + 1; idx++) {
		long other;

		random ^= random << 13;
		random ^= random >> 7;
		random ^= random << 17;
		other = (long)((unsigned long)random & (modulus - 1));
		if (other >= length)
			other -= length;
		SWAP(idx, a + other);
	}
}

static void
pdq_order2(struct pdq *s, long *a, long *b, int *swaps)
{
	if (LESS(*b, *a)) {
		long t = *a;

		(*swaps)++;
		*a = *b;
		*b = t;
	}
}

static long
pdq_median(struct pdq *s, long a, long b, long c, int *swaps)
{
	pdq_order2(s, &a, &b, swaps);
	pdq_order2(s, &b, &c, swaps);
	pdq_order2(s, &a, &b, swaps);
	return b;
}

enum { HINT_UNKNOWN, HINT_INCREASING, HINT_DECREASING };

static long
pdq_choose_pivot(struct pdq *s, long a, long b, int *hint)
{
	long l = b - a, i = a + l / 4 * 1, j = a + l / 4 * 2, k = a + l / 4 * 3;
	int swaps = 0;

	if (l >= 8) {
		if (l >= 50) {
			i = pdq_median(s, i - 1, i, i + 1, &swaps);
			j = pdq_median(s, j - 1, j, j + 1, &swaps);
			k = pdq_median(s, k - 1, k, k + 1, &swaps);
		}
		j = pdq_median(s, i, j, k, &swaps);
	}
	*hint = swaps == 0 ? HINT_INCREASING : swaps == 12 ? HINT_DECREASING : HINT_UNKNOWN;
	return j;
}

static void
pdq_sort(struct pdq *s, long a, long b, unsigned limit)
{
	bool was_balanced = true, was_partitioned = true;

	for (;;) {
		long length = b - a, pivot, mid, i, j;
		int hint;
		bool already;

		if (length <= 12) {
			pdq_insertion(s, a, b);
			return;
		}
		if (limit == 0) {
			pdq_heapsort(s, a, b);
			return;
		}
		if (!was_balanced) {
			pdq_break_patterns(s, a, b);
			limit--;
		}
		pivot = pdq_choose_pivot(s, a, b, &hint);
		if (hint == HINT_DECREASING) {
			for (i = a, j = b - 1; i < j; i++, j--)
				SWAP(i, j);
			pivot = (b - 1) - (pivot - a);
			hint = HINT_INCREASING;
		}
		if (was_balanced && was_partitioned && hint == HINT_INCREASING &&
		    pdq_partial_insertion(s, a, b))
			return;
		if (a > 0 && !LESS(a - 1, pivot)) {
			a = pdq_partition_equal(s, a, b, pivot);
			continue;
		}
		mid = pdq_partition(s, a, b, pivot, &already);
		was_partitioned = already;
		if (mid - a < b - mid) {
			was_balanced = mid - a >= length / 8;
			pdq_sort(s, a, mid, limit);
			a = mid + 1;
		} else {
			was_balanced = b - mid >= length / 8;
			pdq_sort(s, mid + 1, b, limit);
			b = mid;
		}
	}
}

#undef LESS
#undef SWAP

void
gx_t2_pdqsort(void *ctx, size_t n, bool (*less)(void *, size_t, size_t),
              void (*swap)(void *, size_t, size_t))
{
	struct pdq s = { ctx, less, swap };

	pdq_sort(&s, 0, (long)n, bits_len(n));
}

/* ------------------------------------------------------------------ */
/* Generations */

void
gx_t2_gen_init(struct gx_t2_gen *g)
{
	memset(g, 0, sizeof(*g));
}

void
gx_t2_gen_reset(struct gx_t2_gen *g)
{
	size_t i;

	for (i = 0; i < g->nblocks; i++)
		free(g->blocks[i]);
	g->nblocks = 0;
	for (i = 0; i < g->nms; i++)
		g->ms[i].n = 0;
	g->nms = 0;
	gx_u64map_clear(&g->mindex);
	gx_u64map_clear(&g->strings);
	g->strings_dense.all = false;
	g->nstr = 0;
	gx_u64map_clear(&g->stacks);
	g->stacks_dense.all = false;
	g->nstack = 0;
	g->npcs = 0;
	gx_u64map_clear(&g->pcs);
	g->nframe = 0;
	g->ncpu = 0;
	for (i = 0; i < g->nextra; i++)
		free(g->extra[i]);
	g->nextra = 0;
	g->nexp_batches = 0;
	g->gen = 0;
	g->freq = 0;
	g->has_freq = false;
	g->has_snap = false;
	g->snap_time = g->snap_mono = g->snap_sec = g->snap_nsec = 0;
	g->min_ts = 0;
	g->partial = false;
	g->start_off = g->end_off = 0;
}

void
gx_t2_gen_free(struct gx_t2_gen *g)
{
	size_t i;

	gx_t2_gen_reset(g);
	for (i = 0; i < g->capms; i++)
		free(g->ms[i].b);
	free(g->ms);
	gx_u64map_free(&g->mindex);
	gx_u64map_free(&g->strings);
	free(g->strings_dense.v);
	free(g->strv);
	gx_u64map_free(&g->stacks);
	free(g->stacks_dense.v);
	free(g->stackv);
	free(g->stack_pcs);
	gx_u64map_free(&g->pcs);
	free(g->framev);
	free(g->cpu);
	free(g->extra);
	free(g->extra_len);
	free(g->blocks);
	memset(g, 0, sizeof(*g));
}

static void
gen_own(struct gx_t2_gen *g, uint8_t *block)
{
	gx_grow(&g->blocks, &g->capblocks, g->nblocks + 1, sizeof(*g->blocks));
	g->blocks[g->nblocks++] = block;
}

const struct gx_t2_frame *
gx_t2_gen_frame(const struct gx_t2_gen *g, uint64_t pc)
{
	uint32_t *ix = gx_u64map_get(&g->pcs, pc);

	return ix != NULL ? &g->framev[*ix] : NULL;
}

uint64_t
gx_t2_gen_add_extra(struct gx_t2_gen *g, const char *s, size_t n)
{
	/* Go dedups these; the ids are never shown, so we do not. */
	if (n == 0)
		return 0;
	gx_grow(&g->extra, &g->capextra, g->nextra + 1, sizeof(*g->extra));
	g->extra_len = xreallocarray(g->extra_len, g->capextra, sizeof(*g->extra_len));
	g->extra[g->nextra] = xstrndup(s, n);
	g->extra_len[g->nextra] = (uint32_t)n;
	return ++g->nextra;
}

bool
gx_t2_gen_extra(const struct gx_t2_gen *g, uint64_t id, struct gx_t2_str *out)
{
	out->s = "";
	out->len = 0;
	if (id == 0)
		return true;
	if (id > g->nextra)
		return false;
	out->s = g->extra[id - 1];
	out->len = g->extra_len[id - 1];
	return true;
}

/* A cursor over one batch's payload, for the structural batches. */
struct cur {
	const uint8_t *p;
	size_t n, i;
	uint64_t off;   /* input offset of p[0] */
};

/* Go's binary.ReadUvarint over a bytes.Reader: "EOF" when nothing is
 * left, "unexpected EOF" when it ends inside the varint. */
static int
cur_uvarint(struct cur *c, uint64_t *v, struct gx_t2_err *err, const char *what)
{
	int k = gx_t2_uvarint(c->p + c->i, c->n - c->i, v);

	if (k > 0) {
		c->i += (size_t)k;
		return 0;
	}
	if (k < 0)
		seterr(err, c->off + c->i, "%s: varint overflows a 64-bit integer", what);
	else if (c->i == c->n)
		seterr(err, c->off + c->i, "%s: EOF", what);
	else
		seterr(err, c->off + c->n, "%s: unexpected EOF", what);
	return -1;
}

static int
add_strings(struct gx_t2_gen *g, const struct gx_t2_batch *b, struct gx_t2_err *err)
{
	struct cur c = { b->data, b->len, 1, b->off };

	while (c.i < c.n) {
		uint64_t ev_off = c.off + c.i, id, len;
		uint8_t ev = c.p[c.i++];
		bool found;
		uint32_t *slot;

		if (ev != GX_EV2_STRING) {
			seterr(err, ev_off, "expected string event, got %u", ev);
			return -1;
		}
		if (cur_uvarint(&c, &id, err, "reading string id") < 0 ||
		    cur_uvarint(&c, &len, err, "reading string length") < 0)
			return -1;
		if (len > MAX_STRING_SIZE) {
			seterr(err, ev_off, "invalid string size %llu, maximum is %u",
			       (unsigned long long)len, MAX_STRING_SIZE);
			return -1;
		}
		if (len > c.n - c.i) {
			seterr(err, c.off + c.n, "failed to read full string: read %zu but wanted %llu",
			       c.n - c.i, (unsigned long long)len);
			return -1;
		}
		/* Id 0 always exists (it is ""), so inserting it is a conflict. */
		if (id == 0 || gx_u64map_get(&g->strings, id) != NULL) {
			seterr(err, ev_off, "multiple strings with the same ID: id=%llu",
			       (unsigned long long)id);
			return -1;
		}
		slot = gx_u64map_put(&g->strings, id, &found);
		gx_grow(&g->strv, &g->capstr, g->nstr + 1, sizeof(*g->strv));
		g->strv[g->nstr].s = (const char *)c.p + c.i;
		g->strv[g->nstr].len = (uint32_t)len;
		*slot = (uint32_t)g->nstr++;
		c.i += len;
	}
	return 0;
}

static int
add_stacks(struct gx_t2_gen *g, const struct gx_t2_batch *b, struct gx_t2_err *err)
{
	struct cur c = { b->data, b->len, 1, b->off };

	while (c.i < c.n) {
		uint64_t ev_off = c.off + c.i, id, nframes, k;
		uint8_t ev = c.p[c.i++];
		size_t first = g->npcs;
		bool found;
		uint32_t *slot;

		if (ev != GX_EV2_STACK) {
			seterr(err, ev_off, "expected stack event, got %u", ev);
			return -1;
		}
		if (cur_uvarint(&c, &id, err, "reading stack id") < 0 ||
		    cur_uvarint(&c, &nframes, err, "reading stack frame count") < 0)
			return -1;
		if (nframes > MAX_FRAMES_PER_STACK) {
			seterr(err, ev_off, "invalid stack size %llu, maximum is %u",
			       (unsigned long long)nframes, MAX_FRAMES_PER_STACK);
			return -1;
		}
		for (k = 0; k < nframes; k++) {
			struct gx_t2_frame f;

			if (cur_uvarint(&c, &f.pc, err, "reading frame PC") < 0 ||
			    cur_uvarint(&c, &f.func, err, "reading frame funcID") < 0 ||
			    cur_uvarint(&c, &f.file, err, "reading frame fileID") < 0 ||
			    cur_uvarint(&c, &f.line, err, "reading frame line") < 0)
				return -1;
			gx_grow(&g->stack_pcs, &g->cappcs, g->npcs + 1, sizeof(*g->stack_pcs));
			g->stack_pcs[g->npcs++] = f.pc;
			slot = gx_u64map_put(&g->pcs, f.pc, &found);
			if (!found) {
				gx_grow(&g->framev, &g->capframe, g->nframe + 1, sizeof(*g->framev));
				g->framev[g->nframe] = f;
				*slot = (uint32_t)g->nframe++;
			}
		}
		if (id == 0 || gx_u64map_get(&g->stacks, id) != NULL) {
			seterr(err, ev_off, "multiple stacks with the same ID: id=%llu",
			       (unsigned long long)id);
			return -1;
		}
		slot = gx_u64map_put(&g->stacks, id, &found);
		gx_grow(&g->stackv, &g->capstack, g->nstack + 1, sizeof(*g->stackv));
		g->stackv[g->nstack].first = (uint32_t)first;
		g->stackv[g->nstack].n = (uint32_t)nframes;
		*slot = (uint32_t)g->nstack++;
	}
	return 0;
}

static int
add_cpu_samples(struct gx_t2_gen *g, const struct gx_t2_batch *b, struct gx_t2_err *err)
{
	struct cur c = { b->data, b->len, 1, b->off };

	while (c.i < c.n) {
		uint64_t ev_off = c.off + c.i, ts, m, p, gid, stk;
		uint8_t ev = c.p[c.i++];
		struct gx_t2_cpu_sample *s;

		if (ev != GX_EV2_CPU_SAMPLE) {
			seterr(err, ev_off, "expected CPU sample event, got %u", ev);
			return -1;
		}
		if (cur_uvarint(&c, &ts, err, "reading CPU sample time") < 0 ||
		    cur_uvarint(&c, &m, err, "reading CPU sample M") < 0 ||
		    cur_uvarint(&c, &p, err, "reading CPU sample P") < 0 ||
		    cur_uvarint(&c, &gid, err, "reading CPU sample G") < 0 ||
		    cur_uvarint(&c, &stk, err, "reading CPU sample stack") < 0)
			return -1;
		gx_grow(&g->cpu, &g->capcpu, g->ncpu + 1, sizeof(*g->cpu));
		s = &g->cpu[g->ncpu++];
		s->time = (int64_t)ts; /* raw ticks until the frequency is known */
		s->m = (int64_t)m;
		s->p = (int64_t)p;
		s->g = gid == 0 ? -1 : (int64_t)gid;
		s->stack = stk;
	}
	return 0;
}

static int
set_sync_batch(struct gx_t2_gen *g, const struct gx_t2_batch *b, int ver, struct gx_t2_err *err)
{
	struct cur c = { b->data, b->len, 0, b->off };
	uint64_t last = b->time;

	if (ver >= GX_T2_GO125)
		c.i = 1; /* the Sync byte */
	while (c.i < c.n) {
		uint64_t ev_off = c.off + c.i, f, dt;
		uint8_t ev = c.p[c.i++];

		if (ev == GX_EV2_FREQUENCY) {
			if (g->has_freq) {
				seterr(err, ev_off, "found multiple frequency events");
				return -1;
			}
			if (cur_uvarint(&c, &f, err, "reading frequency") < 0)
				return -1;
			g->freq = 1.0 / ((double)f / 1e9);
			g->has_freq = g->freq != 0;
		} else if (ev == GX_EV2_CLOCK_SNAPSHOT && ver >= GX_T2_GO125) {
			if (g->has_snap) {
				seterr(err, ev_off, "found multiple clock snapshot events");
				return -1;
			}
			g->has_snap = true;
			if (cur_uvarint(&c, &dt, err, "reading clock snapshot") < 0)
				return -1;
			last += dt;
			g->snap_time = last;
			if (cur_uvarint(&c, &g->snap_mono, err, "reading clock snapshot") < 0 ||
			    cur_uvarint(&c, &g->snap_sec, err, "reading clock snapshot") < 0 ||
			    cur_uvarint(&c, &g->snap_nsec, err, "reading clock snapshot") < 0)
				return -1;
		} else {
			seterr(err, ev_off, "expected frequency or clock snapshot event, got %u", ev);
			return -1;
		}
	}
	return 0;
}

static int
process_batch(struct gx_t2_gen *g, const struct gx_t2_batch *b, int ver, struct gx_t2_err *err)
{
	uint8_t first = b->len > 0 ? b->data[0] : 0;
	bool plain = b->exp == 0 && b->len > 0;
	struct gx_t2_mlist *ml;
	uint32_t *slot;
	bool found;

	if (plain && first == GX_EV2_STRINGS)
		return add_strings(g, b, err);
	if (plain && first == GX_EV2_STACKS)
		return add_stacks(g, b, err);
	if (plain && first == GX_EV2_CPU_SAMPLES)
		return add_cpu_samples(g, b, err);
	if (plain && ((first == GX_EV2_FREQUENCY && ver < GX_T2_GO125) ||
	              (first == GX_EV2_SYNC && ver >= GX_T2_GO125)))
		return set_sync_batch(g, b, ver, err);
	if (b->exp != 0) {
		g->nexp_batches++;
		return 0;
	}
	if (plain && first == GX_EV2_END_OF_GENERATION) {
		seterr(err, b->off, "unexpected EndOfGeneration batch; broken trace?");
		return -1;
	}
	slot = gx_u64map_put(&g->mindex, b->m, &found);
	if (!found) {
		size_t oldcap = g->capms;

		gx_grow(&g->ms, &g->capms, g->nms + 1, sizeof(*g->ms));
		if (g->capms > oldcap)
			memset(g->ms + oldcap, 0, (g->capms - oldcap) * sizeof(*g->ms));
		*slot = (uint32_t)g->nms;
		g->ms[g->nms].m = b->m;
		g->nms++;
	}
	ml = &g->ms[*slot];
	gx_grow(&ml->b, &ml->cap, ml->n + 1, sizeof(*ml->b));
	ml->b[ml->n++] = *b;
	return 0;
}

/* Check that every frame's strings exist (generation.go validateStackStrings). */
/* Make the dense table of map m when its ids are small enough: at most
 * a few times as many slots as ids (so memory stays in proportion to the
 * generation whatever ids a trace makes up). */
static void
dense_build(struct gx_t2_dense *d, const struct gx_u64map *m)
{
	uint64_t max = 0;
	size_t i;

	d->all = false;
	if (m->n >= UINT32_MAX)
		return;
	for (i = 0; i < m->cap; i++)
		if (m->used[i] && m->keys[i] > max)
			max = m->keys[i];
	if (max > 4 * (uint64_t)m->n + 1024)
		return;
	gx_grow(&d->v, &d->cap, (size_t)max + 1, sizeof(*d->v));
	memset(d->v, 0, ((size_t)max + 1) * sizeof(*d->v));
	for (i = 0; i < m->cap; i++)
		if (m->used[i])
			d->v[m->keys[i]] = m->vals[i] + 1;
	d->n = (size_t)max + 1;
	d->all = true;
}

static int
validate_stack_strings(const struct gx_t2_gen *g, struct gx_t2_err *err)
{
	size_t i;

	for (i = 0; i < g->nframe; i++) {
		const struct gx_t2_frame *f = &g->framev[i];
		struct gx_t2_str s;

		if (!gx_t2_gen_string(g, f->func, &s)) {
			seterr(err, g->start_off, "found invalid func string ID %llu for frame at pc %#llx",
			       (unsigned long long)f->func, (unsigned long long)f->pc);
			return -1;
		}
		if (!gx_t2_gen_string(g, f->file, &s)) {
			seterr(err, g->start_off, "found invalid file string ID %llu for frame at pc %#llx",
			       (unsigned long long)f->file, (unsigned long long)f->pc);
			return -1;
		}
	}
	return 0;
}

static bool
cpu_less(void *ctx, size_t i, size_t j)
{
	const struct gx_t2_cpu_sample *v = ctx;

	return v[i].time < v[j].time;
}

static void
cpu_swap(void *ctx, size_t i, size_t j)
{
	struct gx_t2_cpu_sample *v = ctx, t = v[i];

	v[i] = v[j];
	v[j] = t;
}

static int
finish_generation(struct gx_t2_gen *g, int ver, struct gx_t2_err *err)
{
	size_t i;

	if (!g->has_freq) {
		seterr(err, g->start_off, "no frequency event found in generation %llu",
		       (unsigned long long)g->gen);
		return -1;
	}
	if (ver >= GX_T2_GO125 && !g->has_snap) {
		seterr(err, g->start_off, "no clock snapshot event found in generation %llu",
		       (unsigned long long)g->gen);
		return -1;
	}
	dense_build(&g->strings_dense, &g->strings);
	dense_build(&g->stacks_dense, &g->stacks);
	if (validate_stack_strings(g, err) < 0)
		return -1;
	for (i = 0; i < g->ncpu; i++)
		g->cpu[i].time = gx_t2_ticks_to_ns(g->freq, (uint64_t)g->cpu[i].time);
	gx_t2_pdqsort(g->cpu, g->ncpu, cpu_less, cpu_swap);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Reading batches */

void
gx_t2_reader_init(struct gx_t2_reader *r, struct gx_input *in, int version)
{
	memset(r, 0, sizeof(*r));
	r->in = in;
	r->version = version;
	r->buf = xmalloc(READ_BUF_SIZE);
	r->buf_off = gx_input_offset(in);
}

void
gx_t2_reader_free(struct gx_t2_reader *r)
{
	free(r->buf);
	free(r->spill_block);
	memset(r, 0, sizeof(*r));
}

static uint64_t
rd_off(const struct gx_t2_reader *r)
{
	return r->buf_off + r->pos;
}

/* Make at least one byte available. Returns false at the end or on error. */
static bool
rd_fill(struct gx_t2_reader *r)
{
	ssize_t k;

	if (r->pos < r->len)
		return true;
	if (r->eof)
		return false;
	r->buf_off += r->len;
	r->pos = r->len = 0;
	k = gx_input_read(r->in, r->buf, READ_BUF_SIZE, NULL);
	if (k <= 0) {
		r->eof = true;
		if (k < 0)
			r->input_error = true;
		return false;
	}
	r->len = (size_t)k;
	return true;
}

static int
rd_byte(struct gx_t2_reader *r)
{
	if (!rd_fill(r))
		return -1;
	return r->buf[r->pos++];
}

/* binary.ReadUvarint over the stream: 0 ok, -1 error (err filled). */
static int
rd_uvarint(struct gx_t2_reader *r, uint64_t *v, const char *what, struct gx_t2_err *err)
{
	uint64_t x = 0, start = rd_off(r);
	unsigned s = 0;
	int i;

	for (i = 0; i < 10; i++) {
		int b = rd_byte(r);

		if (b < 0) {
			seterr(err, rd_off(r), "%s: %s", what,
			       r->input_error ? "read error" : i == 0 ? "EOF" : "unexpected EOF");
			return -1;
		}
		if (b < 0x80) {
			if (i == 9 && b > 1)
				break;
			*v = x | (uint64_t)b << s;
			return 0;
		}
		x |= (uint64_t)(b & 0x7f) << s;
		s += 7;
	}
	seterr(err, start, "%s: varint overflows a 64-bit integer", what);
	return -1;
}

enum { RB_OK = 0, RB_EOF = 1, RB_ERR = -1 };

/* batch.go readBatch. The payload is malloc'd into *block. A lone
 * EndOfGeneration byte comes back as a one-byte batch with gen 0. */
static int
read_batch(struct gx_t2_reader *r, struct gx_t2_batch *b, uint8_t **block,
           uint64_t *gen, struct gx_t2_err *err)
{
	uint64_t start = rd_off(r), m, ts, size;
	int t = rd_byte(r), e;
	size_t got = 0;

	*gen = 0;
	*block = NULL;
	memset(b, 0, sizeof(*b));
	if (t < 0) {
		if (r->input_error) {
			seterr(err, start, "read error");
			return RB_ERR;
		}
		return RB_EOF;
	}
	if (t == GX_EV2_END_OF_GENERATION) {
		*block = xmalloc(1);
		(*block)[0] = (uint8_t)t;
		b->m = UINT64_MAX;
		b->data = *block;
		b->len = 1;
		b->off = start;
		b->hdr_off = start;
		return RB_OK;
	}
	if (t != GX_EV2_EVENT_BATCH && t != GX_EV2_EXPERIMENTAL_BATCH) {
		seterr(err, start, "expected batch event, got event %d", t);
		return RB_ERR;
	}
	if (t == GX_EV2_EXPERIMENTAL_BATCH) {
		e = rd_byte(r);
		if (e < 0) {
			/* Go returns the bare io.EOF here, which its callers
			 * take for a clean end of the trace. */
			if (r->input_error) {
				seterr(err, start, "read error");
				return RB_ERR;
			}
			return RB_EOF;
		}
		b->exp = (uint8_t)e;
	}
	if (rd_uvarint(r, gen, "error reading batch gen", err) < 0 ||
	    rd_uvarint(r, &m, "error reading batch M ID", err) < 0 ||
	    rd_uvarint(r, &ts, "error reading batch timestamp", err) < 0 ||
	    rd_uvarint(r, &size, "error reading batch size", err) < 0)
		return RB_ERR;
	if (size > MAX_BATCH_SIZE) {
		seterr(err, start, "invalid batch size %llu, maximum is %u",
		       (unsigned long long)size, MAX_BATCH_SIZE);
		return RB_ERR;
	}
	b->m = m;
	b->hdr_off = start;
	b->time = ts;
	b->len = (uint32_t)size;
	b->off = rd_off(r);
	*block = xmalloc(size);
	while (got < size && rd_fill(r)) {
		size_t k = r->len - r->pos;

		if (k > size - got)
			k = size - got;
		memcpy(*block + got, r->buf + r->pos, k);
		r->pos += k;
		got += k;
	}
	if (got != size) {
		free(*block);
		*block = NULL;
		seterr(err, start, "failed to read full batch: read %zu but wanted %llu%s",
		       got, (unsigned long long)size, r->input_error ? " (read error)" : "");
		return RB_ERR;
	}
	b->data = *block;
	return RB_OK;
}

static void
gen_note_batch(struct gx_t2_gen *g, const struct gx_t2_batch *b)
{
	if (g->min_ts == 0 || b->time < g->min_ts)
		g->min_ts = b->time;
}

/* Go 1.26+: a generation ends with an EndOfGeneration byte. */
static int
read_generation_126(struct gx_t2_reader *r, struct gx_t2_gen *g, struct gx_t2_err *err)
{
	bool first = true;

	for (;;) {
		struct gx_t2_batch b;
		uint8_t *block;
		uint64_t gen, start = rd_off(r);
		int rc = read_batch(r, &b, &block, &gen, err);

		if (first) {
			g->start_off = start;
			first = false;
		}
		if (rc == RB_EOF) {
			/* Like Go, a generation without event batches that
			 * ends at EOF is taken for the end of the trace; we
			 * still say that its bytes were dropped. */
			r->dropped = rd_off(r) - g->start_off;
			if (g->nms != 0) {
				seterr(err, rd_off(r), "incomplete generation found; trace likely truncated "
				       "(%llu bytes of generation %llu lost)",
				       (unsigned long long)(rd_off(r) - g->start_off),
				       (unsigned long long)g->gen);
				return -1;
			}
			return 0;
		}
		if (rc == RB_ERR)
			return -1;
		gen_own(g, block);
		if (g->gen == 0)
			g->gen = gen;
		if (b.exp == 0 && b.len > 0 && b.data[0] == GX_EV2_END_OF_GENERATION)
			break;
		if (gen == 0) {
			seterr(err, start, "invalid generation number %llu", (unsigned long long)gen);
			return -1;
		}
		if (gen != g->gen) {
			seterr(err, start, "broken trace: missing end-of-generation event, "
			       "or generations are interleaved");
			return -1;
		}
		gen_note_batch(g, &b);
		if (process_batch(g, &b, r->version, err) < 0)
			return -1;
	}
	g->end_off = rd_off(r);
	if (finish_generation(g, r->version, err) < 0)
		return -1;
	return 1;
}

/* Before Go 1.26: the first batch of generation N+1 ends generation N. */
static int
read_generation_spill(struct gx_t2_reader *r, struct gx_t2_gen *g, struct gx_t2_err *err)
{
	bool first = true;

	if (r->spill_err) {
		*err = r->spill_error;
		r->spill_err = false;
		r->eof = true;
		return -1;
	}
	if (r->has_spill) {
		g->gen = r->spill_gen;
		g->min_ts = r->spill.time;
		g->start_off = r->spill.hdr_off;
		first = false;
		gen_own(g, r->spill_block);
		r->spill_block = NULL;
		r->has_spill = false;
		if (process_batch(g, &r->spill, r->version, err) < 0)
			return -1;
	} else if (r->read_any) {
		/* A generation was read up to the end: we are done. */
		return 0;
	}
	for (;;) {
		struct gx_t2_batch b;
		uint8_t *block;
		uint64_t gen, start = rd_off(r);
		int rc = read_batch(r, &b, &block, &gen, err);

		if (first) {
			g->start_off = start;
			first = false;
		}
		if (rc == RB_EOF)
			break;
		if (rc == RB_ERR) {
			if (g->gen != 0) {
				/* Maybe the first batch of the next generation
				 * is broken: go on with what we have, report
				 * the error after it. */
				r->spill_err = true;
				r->spill_error = *err;
				g->partial = true;
				break;
			}
			return -1;
		}
		if (gen == 0) {
			free(block);
			seterr(err, start, "invalid generation number %llu", (unsigned long long)gen);
			return -1;
		}
		if (g->gen == 0)
			g->gen = gen;
		if (gen == g->gen + 1) {
			r->has_spill = true;
			r->spill_gen = gen;
			r->spill = b;
			r->spill_block = block;
			break;
		}
		gen_own(g, block);
		if (gen != g->gen) {
			seterr(err, start, "generations out of order");
			return -1;
		}
		gen_note_batch(g, &b);
		if (process_batch(g, &b, r->version, err) < 0)
			return -1;
	}
	g->end_off = r->has_spill ? r->spill.hdr_off : rd_off(r);
	/* Remember that something was read, so that the end of the input
	 * after this generation is a clean end (reader.go: r.gen != nil &&
	 * r.spill == nil). */
	r->read_any = true;
	if (finish_generation(g, r->version, err) < 0) {
		r->spill_err = false;
		return -1;
	}
	return 1;
}

int
gx_t2_read_generation(struct gx_t2_reader *r, struct gx_t2_gen *g, struct gx_t2_err *err)
{
	gx_t2_gen_reset(g);
	g->version = r->version;
	err->off = GX_NOWHERE;
	err->msg[0] = '\0';
	if (r->version >= GX_T2_GO126)
		return read_generation_126(r, g, err);
	return read_generation_spill(r, g, err);
}
