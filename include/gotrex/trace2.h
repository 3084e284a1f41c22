/* trace2: the Go 1.22+ execution trace wire format, one generation at a
 * time.
 *
 * A v2 trace is a 16-byte header then batches; a generation is the set of
 * batches that share one generation number (Go 1.26: ended by a single
 * EndOfGeneration byte). This module reads one generation into memory
 * (memory is bounded by the largest generation, not the file), decodes its
 * strings, stacks, frequency, clock snapshot and CPU samples, and groups its
 * event batches by thread. The timed events themselves are decoded lazily by
 * the ordering (trace_order.h), which is what Go's internal/trace does too.
 *
 * Everything follows Go's reader (src/internal/trace: batch.go,
 * generation.go, base.go) so that what we accept, what we reject and where
 * we stop is what `go tool trace` does. Errors carry the byte offset of the
 * offending batch or byte. */
#ifndef GOTREX_TRACE2_H
#define GOTREX_TRACE2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gotrex/diag.h"
#include "gotrex/input.h"
#include "gotrex/util.h"

/* Header minor versions of the v2 format that we (and Go 1.26) read. */
#define GX_T2_GO122 22
#define GX_T2_GO123 23  /* also written by Go 1.24 */
#define GX_T2_GO125 25
#define GX_T2_GO126 26

/* Wire event types (tracev2/events.go). */
enum gx_t2_ev {
	GX_EV2_NONE = 0,
	GX_EV2_EVENT_BATCH, GX_EV2_STACKS, GX_EV2_STACK, GX_EV2_STRINGS,
	GX_EV2_STRING, GX_EV2_CPU_SAMPLES, GX_EV2_CPU_SAMPLE, GX_EV2_FREQUENCY,
	GX_EV2_PROCS_CHANGE, GX_EV2_PROC_START, GX_EV2_PROC_STOP,
	GX_EV2_PROC_STEAL, GX_EV2_PROC_STATUS,
	GX_EV2_GO_CREATE, GX_EV2_GO_CREATE_SYSCALL, GX_EV2_GO_START,
	GX_EV2_GO_DESTROY, GX_EV2_GO_DESTROY_SYSCALL, GX_EV2_GO_STOP,
	GX_EV2_GO_BLOCK, GX_EV2_GO_UNBLOCK, GX_EV2_GO_SYSCALL_BEGIN,
	GX_EV2_GO_SYSCALL_END, GX_EV2_GO_SYSCALL_END_BLOCKED, GX_EV2_GO_STATUS,
	GX_EV2_STW_BEGIN, GX_EV2_STW_END,
	GX_EV2_GC_ACTIVE, GX_EV2_GC_BEGIN, GX_EV2_GC_END,
	GX_EV2_GC_SWEEP_ACTIVE, GX_EV2_GC_SWEEP_BEGIN, GX_EV2_GC_SWEEP_END,
	GX_EV2_GC_MARK_ASSIST_ACTIVE, GX_EV2_GC_MARK_ASSIST_BEGIN,
	GX_EV2_GC_MARK_ASSIST_END, GX_EV2_HEAP_ALLOC, GX_EV2_HEAP_GOAL,
	GX_EV2_GO_LABEL, GX_EV2_USER_TASK_BEGIN, GX_EV2_USER_TASK_END,
	GX_EV2_USER_REGION_BEGIN, GX_EV2_USER_REGION_END, GX_EV2_USER_LOG,
	/* Go 1.23 */
	GX_EV2_GO_SWITCH, GX_EV2_GO_SWITCH_DESTROY, GX_EV2_GO_CREATE_BLOCKED,
	GX_EV2_GO_STATUS_STACK, GX_EV2_EXPERIMENTAL_BATCH,
	/* Go 1.25 */
	GX_EV2_SYNC, GX_EV2_CLOCK_SNAPSHOT,
	/* Go 1.26 */
	GX_EV2_END_OF_GENERATION,
	GX_EV2_NUM,
	/* Experimental (AllocFree, Go 1.23+). */
	GX_EV2_SPAN = 128, GX_EV2_SPAN_ALLOC, GX_EV2_SPAN_FREE,
	GX_EV2_HEAP_OBJECT, GX_EV2_HEAP_OBJECT_ALLOC, GX_EV2_HEAP_OBJECT_FREE,
	GX_EV2_GOROUTINE_STACK, GX_EV2_GOROUTINE_STACK_ALLOC,
	GX_EV2_GOROUTINE_STACK_FREE,
	GX_EV2_MAX_EXPERIMENTAL,
	/* Not on the wire: the reader's Sync event. */
	GX_EV2_SYNC_SYNTH = 255,
};

/* What the spec table says about one wire event type. */
struct gx_t2_spec {
	const char *name;      /* NULL: not an event type */
	uint8_t nargs;         /* arguments including the leading dt/time */
	bool timed;
	uint8_t stack_arg[2];  /* 1-based argument positions of stack ids (0 = none) */
	uint8_t string_arg[2]; /* 1-based positions of string ids */
	uint8_t start_ev;      /* for an "End"/"Active" event: its Begin */
	const char *args[5];   /* argument names, for experimental events */
};

/* The table itself, indexed by wire type; an entry with a NULL name is
 * not an event type. */
extern const struct gx_t2_spec gx_t2_specs[GX_EV2_MAX_EXPERIMENTAL];

/* The spec of type t (all of Go's table, whatever the version, as Go's
 * reader does), or NULL when t is not a known type. Inline: the ordering
 * asks once or twice per event. */
static inline const struct gx_t2_spec *
gx_t2_spec(unsigned t)
{
	if (t >= GX_EV2_MAX_EXPERIMENTAL || gx_t2_specs[t].name == NULL)
		return NULL;
	return &gx_t2_specs[t];
}
/* The highest wire type a header version defines (its "prefix"). */
unsigned gx_t2_version_max_event(int version);
/* Name of a wire type for messages: "GoStart", or "Invalid(N)". */
const char *gx_t2_event_name(unsigned t);

/* A small open-addressing map from uint64 keys to uint32 values. */
struct gx_u64map {
	uint64_t *keys;
	uint32_t *vals;
	uint8_t *used;
	size_t cap;   /* power of two or 0 */
	size_t n;
};
/* The map's hash of a key (a 64-bit finalizer: ids that differ in any bit
 * land apart). */
static inline size_t
gx_u64map_hash(uint64_t k)
{
	return (size_t)gx_mix64(k);
}
/* Returns a pointer to the value of key, or NULL. Inline: it is on the
 * decoder's per-event path. */
static inline uint32_t *
gx_u64map_get(const struct gx_u64map *m, uint64_t key)
{
	size_t i, mask = m->cap - 1;

	if (m->cap == 0)
		return NULL;
	for (i = gx_u64map_hash(key) & mask; m->used[i]; i = (i + 1) & mask)
		if (m->keys[i] == key)
			return &m->vals[i];
	return NULL;
}
/* Insert or find key; *found says whether it was there. Returns its value slot. */
uint32_t *gx_u64map_put(struct gx_u64map *m, uint64_t key, bool *found);
/* Remove key if present. */
void gx_u64map_del(struct gx_u64map *m, uint64_t key);
void gx_u64map_free(struct gx_u64map *m);
void gx_u64map_clear(struct gx_u64map *m);

struct gx_t2_batch {
	uint64_t m;           /* thread id, UINT64_MAX (-1) for none */
	uint64_t time;        /* base timestamp, ticks */
	uint8_t *data;        /* payload (owned by the generation) */
	uint32_t len;
	uint8_t exp;          /* experiment id, 0 for a plain batch */
	uint64_t off;         /* byte offset of the payload in the input */
	uint64_t hdr_off;     /* byte offset of the batch's first byte */
};

struct gx_t2_str {
	const char *s;        /* not NUL-terminated */
	uint32_t len;
};

struct gx_t2_frame {
	uint64_t pc;
	uint64_t func;        /* string id */
	uint64_t file;        /* string id */
	uint64_t line;
};

struct gx_t2_cpu_sample {
	int64_t time;         /* ns (converted after the frequency is known) */
	int64_t m, p, g;      /* -1 when none */
	uint64_t stack;       /* stack id */
};

/* The batches of one thread, in file order. */
struct gx_t2_mlist {
	uint64_t m;
	struct gx_t2_batch *b;
	size_t n, cap;
};

/* A direct id -> index table beside a map whose ids are small and dense
 * (stack and string ids count up from 1 within a generation): v[id] is
 * the index + 1, 0 for none. Used only when all says it covers every id
 * of the map; otherwise lookups go to the map. */
struct gx_t2_dense {
	uint32_t *v;
	size_t n, cap;
	bool all;
};

/* One decoded generation. Reused from one generation to the next. */
struct gx_t2_gen {
	uint64_t gen;
	int version;
	double freq;          /* ns per tick, as Go computes it */
	bool has_freq;
	bool has_snap;
	uint64_t snap_time;   /* ticks */
	uint64_t snap_mono;
	uint64_t snap_sec, snap_nsec;
	uint64_t min_ts;      /* smallest batch time, ticks */
	uint64_t start_off;   /* input offset of its first batch */
	uint64_t end_off;     /* input offset just past its last byte */
	bool partial;         /* read up to a read error (before Go 1.26, Go
	                         still decodes such a generation) */

	struct gx_t2_mlist *ms; /* event batches by thread, in order of first appearance */
	size_t nms, capms;
	struct gx_u64map mindex;

	struct gx_u64map strings; /* id -> index in strv */
	struct gx_t2_dense strings_dense;
	struct gx_t2_str *strv;
	size_t nstr, capstr;

	struct gx_u64map stacks;  /* id -> index in stackv */
	struct gx_t2_dense stacks_dense;
	struct { uint32_t first, n; } *stackv;
	size_t nstack, capstack;
	uint64_t *stack_pcs;
	size_t npcs, cappcs;

	struct gx_u64map pcs;     /* pc -> index in framev; first frame seen wins */
	struct gx_t2_frame *framev;
	size_t nframe, capframe;

	struct gx_t2_cpu_sample *cpu;
	size_t ncpu, capcpu;

	/* Strings made while ordering (task names carried across generations). */
	char **extra;
	uint32_t *extra_len;
	size_t nextra, capextra;

	size_t nexp_batches;      /* experimental batches seen (kept, not decoded) */

	/* Owned memory: batch payloads and string bytes. */
	uint8_t **blocks;
	size_t nblocks, capblocks;
};

void gx_t2_gen_init(struct gx_t2_gen *g);
void gx_t2_gen_reset(struct gx_t2_gen *g);
void gx_t2_gen_free(struct gx_t2_gen *g);

/* The index of id in a map with a dense table beside it, or -1. */
static inline int64_t
gx_t2_dense_get(const struct gx_t2_dense *d, const struct gx_u64map *m, uint64_t id)
{
	const uint32_t *ix;

	if (d->all)
		return id < d->n && d->v[id] != 0 ? (int64_t)d->v[id] - 1 : -1;
	ix = gx_u64map_get(m, id);
	return ix != NULL ? (int64_t)*ix : -1;
}

/* String id -> bytes; id 0 is "". False when the id is unknown. */
static inline bool
gx_t2_gen_string(const struct gx_t2_gen *g, uint64_t id, struct gx_t2_str *out)
{
	int64_t ix;

	out->s = "";
	out->len = 0;
	if (id == 0)
		return true;
	ix = gx_t2_dense_get(&g->strings_dense, &g->strings, id);
	if (ix < 0)
		return false;
	*out = g->strv[ix];
	return true;
}

/* Stack id -> its PCs (innermost first); id 0 is the empty stack. */
static inline bool
gx_t2_gen_stack(const struct gx_t2_gen *g, uint64_t id, const uint64_t **pcs, size_t *n)
{
	int64_t ix;

	*pcs = NULL;
	*n = 0;
	if (id == 0)
		return true;
	ix = gx_t2_dense_get(&g->stacks_dense, &g->stacks, id);
	if (ix < 0)
		return false;
	*pcs = g->stack_pcs + g->stackv[ix].first;
	*n = g->stackv[ix].n;
	return true;
}
/* PC -> frame (the first one seen in this generation). */
const struct gx_t2_frame *gx_t2_gen_frame(const struct gx_t2_gen *g, uint64_t pc);
/* Add a string made while ordering; returns its extra id (0 for ""). */
uint64_t gx_t2_gen_add_extra(struct gx_t2_gen *g, const char *s, size_t n);
bool gx_t2_gen_extra(const struct gx_t2_gen *g, uint64_t id, struct gx_t2_str *out);

/* Go's timestamp conversion: int64(float64(ticks) * freq), with the
 * out-of-range result amd64 gives (INT64_MIN). */
static inline int64_t
gx_t2_ticks_to_ns(double freq, uint64_t ticks)
{
	double d = (double)ticks * freq;

	/* Go converts with CVTTSD2SQ on amd64: NaN and out-of-range values
	 * become INT64_MIN. C leaves them undefined, so do it by hand. */
	if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
		return INT64_MIN;
	return (int64_t)d;
}

/* An error with the byte offset it is about. */
struct gx_t2_err {
	uint64_t off;         /* GX_NOWHERE when not about one byte */
	char msg[256];
};

/* Reads generations off an input. */
struct gx_t2_reader {
	struct gx_input *in;
	int version;
	uint8_t *buf;         /* read buffer */
	size_t pos, len;
	uint64_t buf_off;     /* input offset of buf[0] */
	bool eof;
	bool input_error;
	/* Before Go 1.26, the first batch of the next generation ends the
	 * current one; it is kept here ("spilled"). */
	bool has_spill;
	uint64_t spill_gen;
	struct gx_t2_batch spill;
	uint8_t *spill_block;
	bool read_any;        /* a generation was returned */
	uint64_t dropped;     /* Go 1.26: bytes of an unfinished generation
	                         without event batches, dropped at the end */
	bool spill_err;       /* a read error follows the generation just read */
	struct gx_t2_err spill_error;
};

/* Read and check the 16-byte header. Returns the minor version (22..26) or
 * -1 with err filled (not a trace, v1 trace, unsupported version). */
int gx_t2_read_header(const uint8_t *p, size_t n, struct gx_t2_err *err);

/* Start reading a v2 trace whose header has been consumed from in (the
 * reader reads from the input's current position; offsets in errors are
 * input offsets). */
void gx_t2_reader_init(struct gx_t2_reader *r, struct gx_input *in, int version);
void gx_t2_reader_free(struct gx_t2_reader *r);

/* Read the next generation into g (reset first).
 * Returns 1 with a generation, 0 at the clean end of the trace, -1 on error
 * (err filled). For versions before 1.26, a read error after at least one
 * batch of a generation still returns 1 with what was read, and the error
 * is reported by the next call (this is what Go does: see
 * readGenerationWithSpill). */
int gx_t2_read_generation(struct gx_t2_reader *r, struct gx_t2_gen *g, struct gx_t2_err *err);

/* Sort elements [0, n) with Go's slices.SortFunc algorithm (pdqsort,
 * not stable): equal elements end up exactly where Go puts them, which
 * matters where Go sorts by time and ties are possible. less(ctx, i, j)
 * compares elements i and j; swap(ctx, i, j) exchanges them. */
void gx_t2_pdqsort(void *ctx, size_t n, bool (*less)(void *, size_t, size_t),
                   void (*swap)(void *, size_t, size_t));

/* Decode an unsigned LEB128 varint as Go's binary.Uvarint does: returns the
 * number of bytes used, 0 when p[0..n) ends first, -1 on overflow (more than
 * 64 bits). Inline: every argument of every event goes through it. */
static inline int
gx_t2_uvarint(const uint8_t *p, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	unsigned s = 0;
	size_t i;

	if (n > 0 && p[0] < 0x80) {
		*v = p[0];
		return 1;
	}
	for (i = 0; i < n; i++) {
		uint8_t b = p[i];

		if (i == 10)
			return -1;
		if (b < 0x80) {
			if (i == 9 && b > 1)
				return -1;
			*v = x | (uint64_t)b << s;
			return (int)i + 1;
		}
		x |= (uint64_t)(b & 0x7f) << s;
		s += 7;
	}
	*v = 0;
	return 0;
}

#endif
