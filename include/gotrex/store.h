/* store: the event store. One index file of fixed-width little-endian
 * tables, built once per input through the builder below, written
 * atomically, and mapped read-only afterwards.
 *
 * The store knows no input format. Loaders call the builder; analysis,
 * query, views and outputs call the reader. Records hold indexes into other
 * tables, never pointers; every index read from a mapped file is checked by
 * the accessors, so a damaged index cannot make us read out of bounds. */
#ifndef GOTREX_STORE_H
#define GOTREX_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gotrex/diag.h"
#include "gotrex/input.h"

/* Bumped whenever a record layout or table meaning changes; an index of
 * another version is rebuilt. */
#define GX_STORE_VERSION 4

typedef uint32_t gx_str;   /* string id; 0 is the empty string */
typedef uint32_t gx_stack; /* stack id; 0 is "no stack" */
#define GX_NONE32 UINT32_MAX  /* "no goroutine", "no P" in index fields */
#define GX_TIME_NONE INT64_MIN /* unknown or not applicable time */

/* Coarse goroutine state; the exact runtime text is in the reason string. */
enum gx_gstate {
	GX_G_UNKNOWN = 0,  /* input does not say (debug=1 profiles) */
	GX_G_NOTEXIST,     /* not yet created / before the trace saw it */
	GX_G_RUNNABLE,
	GX_G_RUNNING,
	GX_G_SYSCALL,
	GX_G_WAITING,      /* blocked; reason says on what */
	GX_G_DEAD,
	GX_G_STATE_COUNT
};
const char *gx_gstate_name(enum gx_gstate s); /* "running", "waiting", ... */

/* Frame flags. */
#define GX_FRAME_RUNTIME  0x1u  /* function of the runtime or an internal package */
#define GX_FRAME_ELIDED   0x2u  /* "...additional frames elided..." marker */
#define GX_FRAME_INLINED  0x4u
#define GX_FRAME_CREATED_BY 0x8u /* the "created by" frame */

struct gx_frame_rec {
	gx_str func;      /* "main.(*Server).serve" */
	gx_str file;      /* "/app/server.go" */
	uint32_t line;
	uint32_t flags;   /* GX_FRAME_* */
	uint64_t pc;      /* 0 when unknown */
	gx_str args;      /* argument list text as printed, "(0xc000012345, 0x1)", or 0 */
	uint32_t offset;  /* the +0x.. offset into the function, 0 when unknown */
};

struct gx_stack_rec {
	uint32_t first;   /* index into the stack-frames table (frame ids) */
	uint32_t count;   /* frames, innermost first */
};

/* Goroutine flags. */
#define GX_G_LOCKED    0x01u /* locked to thread */
#define GX_G_SYSTEM    0x02u /* runtime-internal goroutine */
#define GX_G_LEAKED    0x04u /* reported leaked by the runtime (goroutineleak) */
#define GX_G_WAIT_APPROX 0x08u /* wait_ns known only to the minute (dumps) */
#define GX_G_SYNCTEST  0x10u /* in a synctest bubble */
#define GX_G_SYNTH_ID  0x20u /* id made up by the loader (profiles carry no
                                goroutine ids): GX_SYNTH_ID_BASE + n */
#define GX_G_WAIT_BEFORE_START 0x40u /* trace: its final wait began before
                                tracing did (wait_ns is a lower bound) */

/* Loaders of inputs without goroutine ids (pprof profiles: one record per
 * stack) number their records GX_SYNTH_ID_BASE + 1, + 2, ... in input
 * order. The runtime counts goroutine ids up from 1, so a real id never
 * gets there and a made-up id never joins a real one. */
#define GX_SYNTH_ID_BASE (UINT64_C(1) << 62)

struct gx_goroutine_rec {
	uint64_t id;          /* goid */
	uint64_t creator_id;  /* goid of the creator, 0 when unknown */
	int64_t created_ns;   /* GX_TIME_NONE when unknown */
	int64_t ended_ns;     /* GX_TIME_NONE when alive at the end */
	int64_t wait_since_ns;/* start of the final wait, GX_TIME_NONE if not waiting */
	int64_t wait_ns;      /* how long it had waited at the end, 0 if unknown */
	uint64_t first_span;  /* where its spans start in the index (internal) */
	uint32_t span_count;
	gx_stack stack;       /* last known stack (dump: its stack) */
	gx_stack create_stack;/* where it was created ("created by") */
	gx_str start_func;    /* function it started in, 0 when unknown */
	gx_str reason;        /* exact text the runtime gave: "chan receive",
	                         "sync.Mutex.Lock", "running", "select" ... */
	gx_str labels;        /* pprof labels as text, 0 when none */
	uint32_t count;       /* goroutines this record stands for (debug=1: N), else 1 */
	uint32_t source_line; /* line of its header in a text input, 0 otherwise */
	uint8_t state;        /* enum gx_gstate at the end */
	uint8_t flags;        /* GX_G_* */
	uint16_t reserved;
	uint32_t reserved2;
	/* Mutex and block profiles (gx_store_meta.profile): the contention
	 * events recorded on this stack and their total delay. 0 otherwise. */
	uint64_t contentions;
	int64_t delay_ns;
};

/* A goroutine's state over [start_ns, end_ns). Spans of one goroutine are
 * contiguous in the table and sorted by time. */
struct gx_span_rec {
	int64_t start_ns;
	int64_t end_ns;
	uint32_t g;           /* goroutine index (not id) */
	uint8_t state;        /* enum gx_gstate */
	uint8_t reserved[3];
	gx_str reason;        /* wait reason / status text, 0 when none */
	gx_stack stack;       /* stack at the transition into this state */
};

enum gx_event_kind {
	GX_EV_NONE = 0,
	GX_EV_UNBLOCK,      /* g was made runnable by goroutine arg0 (id); stack = unblocker's */
	GX_EV_CREATE,       /* g created by goroutine arg0 (id); stack = creation site */
	GX_EV_LOG,          /* trace.Log: str = "category: message", arg0 = task id */
	GX_EV_REGION_BEGIN, /* str = region type, arg0 = task id */
	GX_EV_REGION_END,
	GX_EV_TASK_BEGIN,   /* str = task type, arg0 = task id, arg1 = parent task */
	GX_EV_TASK_END,
	GX_EV_GC_BEGIN,
	GX_EV_GC_END,
	GX_EV_STW_BEGIN,    /* str = STW reason */
	GX_EV_STW_END,
	GX_EV_KIND_COUNT
};

/* Events sorted by time (ties keep the order the loader gave them). */
struct gx_event_rec {
	int64_t ns;
	uint32_t kind;        /* enum gx_event_kind */
	uint32_t g;           /* goroutine index, GX_NONE32 when none */
	uint64_t arg0;
	uint64_t arg1;
	gx_str str;
	gx_stack stack;
};

/* A P (processor) running goroutine g over [start_ns, end_ns). */
struct gx_pspan_rec {
	int64_t start_ns;
	int64_t end_ns;
	uint32_t p;
	uint32_t g;           /* goroutine index, GX_NONE32 when idle */
};

/* Which profile a pprof input (debug=1 text or protobuf) was. */
enum gx_profile_kind {
	GX_PROFILE_NONE = 0,      /* not a profile: a trace or a dump */
	GX_PROFILE_GOROUTINE,     /* records are stacks, count = goroutines on it */
	GX_PROFILE_GOROUTINELEAK, /* Go 1.26+: every goroutine listed is leaked */
	GX_PROFILE_THREADCREATE,  /* stacks that created threads, with counts */
	GX_PROFILE_MUTEX,         /* contentions and delay per stack (the unlocker) */
	GX_PROFILE_BLOCK,         /* contentions and delay per stack (the blocked) */
	GX_PROFILE_CONTENTION,    /* mutex or block: the protobuf does not say which */
	GX_PROFILE_KIND_COUNT
};

/* Meta flags. */
#define GX_META_TRUNCATED       0x1u /* input ended early; lost_bytes says how much */
#define GX_META_GLOBAL_DEADLOCK 0x2u /* the runtime itself reported all goroutines asleep */
#define GX_META_BUBBLE_DEADLOCK 0x4u /* the runtime reported the one synctest bubble
                                        in the input deadlocked: its goroutines
                                        (GX_G_SYNCTEST) are blocked for good */

struct gx_store_meta {
	uint32_t format;      /* enum gx_format of the source */
	uint32_t flags;       /* GX_META_* */
	int64_t start_ns;     /* time covered by the input; 0,0 for a dump. Every
	                         time in the store counts ns from the input's
	                         start (a trace's first event), so start_ns is 0 */
	int64_t end_ns;
	uint64_t lost_bytes;  /* bytes of a damaged or truncated input not decoded */
	gx_str go_version;    /* "go1.26" when known */
	gx_str headline;      /* "fatal error: all goroutines are asleep - deadlock!",
	                         "panic: ...", "SIGQUIT: quit", or 0 */
	gx_str preamble;      /* all text before the first goroutine, verbatim */
	gx_str trailer;       /* text after the last goroutine */
	uint32_t profile;     /* enum gx_profile_kind */
};

/* ------------------------------------------------------------------ */
/* Builder: what loaders call. Not thread-safe. Memory: strings, frames,
 * stacks and goroutines are kept in memory; spans, events and P spans are
 * spilled to temporary files as they come, so a big trace does not grow
 * the builder without bound. */

struct gx_builder;

/* tmpdir: where spill files go (the cache directory), NULL for $TMPDIR. */
struct gx_builder *gx_builder_new(const char *tmpdir);
void gx_builder_free(struct gx_builder *b);
/* Pack and spill spans, events and P spans on a worker thread from now
 * on, while the caller goes on loading (nothing changes when no thread can
 * be started). The builder stays single-caller. */
void gx_builder_async(struct gx_builder *b);

/* Interning: the same content gives the same id. */
gx_str gx_builder_str(struct gx_builder *b, const char *s, size_t n);
gx_str gx_builder_cstr(struct gx_builder *b, const char *s);
uint32_t gx_builder_frame(struct gx_builder *b, const struct gx_frame_rec *f);
gx_stack gx_builder_stack(struct gx_builder *b, const uint32_t *frame_ids, size_t n);

/* Goroutines: add returns the goroutine's index; records may be changed
 * through gx_builder_goroutine_at() until the store is written (the pointer
 * is valid until the next add). Goroutine ids are unique: adding an id twice
 * returns the first index. first_span/span_count are filled by the builder. */
uint32_t gx_builder_goroutine(struct gx_builder *b, const struct gx_goroutine_rec *g);
struct gx_goroutine_rec *gx_builder_goroutine_at(struct gx_builder *b, uint32_t index);
/* Index of a goroutine id, or GX_NONE32. */
uint32_t gx_builder_find_goroutine(const struct gx_builder *b, uint64_t id);
uint32_t gx_builder_goroutine_count(const struct gx_builder *b);

/* Spans may come in any order; they are sorted by (goroutine, start) when
 * written. Events should come in nondecreasing time (else they are sorted
 * when written, with a warning). */
void gx_builder_span(struct gx_builder *b, const struct gx_span_rec *s);
void gx_builder_event(struct gx_builder *b, const struct gx_event_rec *e);
void gx_builder_pspan(struct gx_builder *b, const struct gx_pspan_rec *p);

struct gx_store_meta *gx_builder_meta(struct gx_builder *b);

/* Keep the load's diagnostics in the index, so a reopen shows them. */
void gx_builder_diags(struct gx_builder *b, const struct gx_diag *d);

/* Write the index to path atomically (temporary file in the same
 * directory, fsync, rename). Returns 0, or -1 with an error in d. */
int gx_builder_write(struct gx_builder *b, const char *path,
                     const struct gx_source_id *source, const char *loader,
                     struct gx_diag *d);

/* ------------------------------------------------------------------ */
/* Reader: a mapped index. All accessors are bounds-checked: an id out of
 * range gives the empty string, an empty stack, or NULL. */

struct gx_store;

/* Map and validate an index file. Returns NULL with an error in d when the
 * file is not a valid index of this version (the caller then rebuilds). */
struct gx_store *gx_store_open(const char *path, struct gx_diag *d);
void gx_store_close(struct gx_store *s);

/* Source identity and loader recorded when the index was built. */
const struct gx_source_id *gx_store_source(const struct gx_store *s);
const char *gx_store_loader(const struct gx_store *s);
const struct gx_store_meta *gx_store_meta(const struct gx_store *s);

/* Strings are NUL-terminated in the map; len may be NULL. */
const char *gx_store_str(const struct gx_store *s, gx_str id, size_t *len);

size_t gx_store_stack_depth(const struct gx_store *s, gx_stack id);
/* Frame i (0 = innermost) of a stack, or NULL. */
const struct gx_frame_rec *gx_store_stack_frame(const struct gx_store *s, gx_stack id, size_t i);
size_t gx_store_stack_count(const struct gx_store *s);

/* Goroutines are sorted by id. */
size_t gx_store_goroutine_count(const struct gx_store *s);
const struct gx_goroutine_rec *gx_store_goroutine(const struct gx_store *s, size_t index);
/* Index of goroutine id, or GX_NONE32. Binary search. */
uint32_t gx_store_find_goroutine(const struct gx_store *s, uint64_t id);
/* A goroutine's id as people read it: "123", or "#n" for the n-th record
 * of a profile (made-up ids, GX_G_SYNTH_ID). Returns buf. */
char *gx_store_format_id(const struct gx_goroutine_rec *g, char *buf, size_t n);

/* The spans of goroutine index g (empty when out of range). Spans, events
 * and P spans are packed in the index and unpacked on the first call (not
 * thread-safe); the array stays valid until gx_store_close, or for spans
 * until gx_store_spans_drop of that goroutine. */
const struct gx_span_rec *gx_store_spans(const struct gx_store *s, size_t g, size_t *n);
/* Free goroutine g's unpacked spans: for a pass over every goroutine that
 * keeps none of them, so that it does not hold all of them at once. */
void gx_store_spans_drop(const struct gx_store *s, size_t g);
const struct gx_event_rec *gx_store_events(const struct gx_store *s, size_t *n);
/* The events in order, a chunk at a time, without unpacking them all (a
 * big trace holds hundreds of MB of them): up to cap events after the
 * cursor's last into buf; 0 at the end. A cursor starts zeroed ({0}). */
struct gx_event_cursor {
	uint64_t pos;               /* bytes of the packed table read */
	uint64_t done;              /* events returned */
	struct gx_event_rec prev;   /* the last one as packed (its g not mapped) */
};
size_t gx_store_events_read(const struct gx_store *s, struct gx_event_cursor *c,
                            struct gx_event_rec *buf, size_t cap);
/* A cap for it that reads quickly and keeps little: 160 KiB of events. */
#define GX_EVENTS_CHUNK 4096
/* A cursor from which gx_store_events_read gives the events at or after
 * time ns (and up to GX_EVENTS_CHUNK before them, which the caller skips).
 * The first call reads every event once to note where each chunk starts
 * (a few hundred KiB for millions of events); later ones decode at most
 * a chunk before the answer. Not thread-safe. */
void gx_store_events_seek(const struct gx_store *s, int64_t ns, struct gx_event_cursor *c);
const struct gx_pspan_rec *gx_store_pspans(const struct gx_store *s, size_t *n);
/* How many events and P spans the index holds, without unpacking them. */
size_t gx_store_event_count(const struct gx_store *s);
size_t gx_store_pspan_count(const struct gx_store *s);

/* Diagnostics of the load that built the index, formatted. */
size_t gx_store_diag_count(const struct gx_store *s);
const char *gx_store_diag(const struct gx_store *s, size_t i);

#endif
