/* waitgraph: who waits for whom, and who is stuck for good.
 *
 * Reads only the store, so dumps and traces are analysed alike.
 *
 *  - Every goroutine gets a wait (enum gx_wait_kind) from its wait reason
 *    and its frames, and, when it is blocked on a synchronisation object,
 *    a resource: the object (channel, mutex, RWMutex side, WaitGroup,
 *    Cond) identified by its address when the frames' arguments give it,
 *    otherwise a resource of its own ("a select in main.f").
 *  - Every resource points at the goroutines that could release it, each
 *    edge with its evidence (struct gx_wg_edge): an argument that passes
 *    the object or a struct containing it, a shared argument, the creator
 *    or the children, the RWMutex rules, the trace's unblock history.
 *    Ownership is never recorded by Go, so all of these but the runtime's
 *    own statements are inferences; each edge says how strong it is.
 *  - The deadlock analysis: the stuck set (blocked on resources nobody
 *    live can release, propagated to a fixed point), the cycles among the
 *    stuck (Tarjan SCC), the deadlock time and a fingerprint.
 *
 * Memory is linear in goroutines plus frame arguments; edges kept per
 * resource are capped (GX_WG_EDGES_MAX) but liveness uses all of them. */
#ifndef GOTREX_WAITGRAPH_H
#define GOTREX_WAITGRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gotrex/store.h"
#include "gotrex/util.h"

/* ------------------------------------------------------------------ */
/* What a goroutine waits for */

enum gx_wait_kind {
	GX_WAIT_NONE = 0,    /* not blocked: running, runnable, syscall, dead */
	GX_WAIT_SLEEP,       /* time.Sleep: wakes by itself */
	GX_WAIT_IO,          /* network poller / fd: the outside world wakes it */
	GX_WAIT_SYSTEM,      /* GC, idle runtime goroutines, trace reader, ... */
	GX_WAIT_CHAN_RECV,
	GX_WAIT_CHAN_SEND,
	GX_WAIT_SELECT,
	GX_WAIT_NIL_CHAN,    /* send/receive on a nil channel: never wakes */
	GX_WAIT_SELECT_NONE, /* select {}: never wakes */
	GX_WAIT_MUTEX,       /* sync.Mutex.Lock (also RWMutex.Lock behind another writer) */
	GX_WAIT_RLOCK,       /* RWMutex.RLock: waits for a writer */
	GX_WAIT_WLOCK,       /* RWMutex.Lock: waits for readers to leave */
	GX_WAIT_WAITGROUP,
	GX_WAIT_COND,
	GX_WAIT_SEMA,        /* "semacquire" the frames did not refine */
	GX_WAIT_OTHER,       /* blocked on something we cannot name */
	GX_WAIT_KIND_COUNT
};

/* "chan receive", "mutex", ... (stable; used in JSON and metrics). */
const char *gx_wait_kind_name(enum gx_wait_kind k);

/* The object kinds resources are made of. */
enum gx_res_kind {
	GX_RES_CHAN = 0,
	GX_RES_SELECT,       /* a select's cases (never identified by address) */
	GX_RES_MUTEX,
	GX_RES_RW_READERS,   /* RWMutex, seen from its blocked readers */
	GX_RES_RW_WRITER,    /* RWMutex, seen from its blocked writer */
	GX_RES_WAITGROUP,
	GX_RES_COND,
	GX_RES_SEMA,
	GX_RES_OTHER,
	GX_RES_KIND_COUNT
};

const char *gx_res_kind_name(enum gx_res_kind k); /* "channel", "mutex", ... */

/* Where the end status of a goroutine comes from. */
enum gx_wg_status {
	GX_WG_LIVE = 0,      /* not blocked, or blocked on something that happens by itself */
	GX_WG_RELEASABLE,    /* blocked; a live goroutine (or the runtime) may release it */
	GX_WG_UNDETERMINED,  /* blocked; the input does not tell (e.g. a possible timer channel) */
	GX_WG_STUCK,         /* blocked for good: see enum gx_wg_proof */
};

enum gx_wg_proof {
	GX_PROOF_NONE = 0,
	GX_PROOF_RUNTIME_DEADLOCK, /* "all goroutines are asleep - deadlock!" (proven) */
	GX_PROOF_LEAKED,           /* the runtime's leak detector said so (proven) */
	GX_PROOF_BUBBLE_DEADLOCK,  /* synctest: "all goroutines in bubble are blocked" (proven) */
	GX_PROOF_PERMANENT,        /* nil channel or select {} (proven) */
	GX_PROOF_NO_RELEASER,      /* no goroutine in the input could release it (inferred) */
	GX_PROOF_RELEASERS_STUCK,  /* every goroutine that could release it is stuck (inferred) */
};

/* Why a blocked goroutine is undetermined. */
enum gx_wg_undetermined {
	GX_UND_NONE = 0,
	GX_UND_OPAQUE,        /* the input gives neither its stack nor its reason */
	GX_UND_TIMER,         /* receiving function takes no arguments: may be a timer channel */
	GX_UND_STD,           /* a standard library goroutine's wait that only hints explain */
	GX_UND_BEFORE_TRACE,  /* blocked since before the trace began; nothing in it names a releaser */
	GX_UND_STD_CALL,      /* trace: blocked inside the standard library, at most hinted */
};

const char *gx_wg_status_name(enum gx_wg_status s);
const char *gx_wg_proof_name(enum gx_wg_proof p);
/* A sentence: "the receiving function takes no arguments, so ...". */
const char *gx_wg_undetermined_why(enum gx_wg_undetermined u);
/* Whether a proof is the runtime's own statement rather than our inference. */
bool gx_wg_proof_is_proven(enum gx_wg_proof p);

/* How an address was found. */
enum gx_addr_src {
	GX_ADDR_NONE = 0,
	GX_ADDR_ARG,         /* first argument of the frame that names the object */
	GX_ADDR_SEMA,        /* semaphore address minus the field offset */
	GX_ADDR_RECEIVER,    /* receiver of a sync method */
};

struct gx_wg_goroutine {
	uint8_t kind;        /* enum gx_wait_kind */
	uint8_t status;      /* enum gx_wg_status */
	uint8_t proof;       /* enum gx_wg_proof when status is GX_WG_STUCK */
	uint8_t addr_src;    /* enum gx_addr_src */
	uint32_t resource;   /* resource index, GX_NONE32 when not waiting on one */
	uint64_t addr;       /* object address, 0 when unknown */
	uint32_t site_frame; /* index in its stack of the innermost user frame, GX_NONE32 */
	uint32_t wait_frame; /* index of the frame that named the object, GX_NONE32 */
	bool possible_timer; /* receiving function takes no arguments: may be a timer channel */
	bool opaque;         /* blocked, but the input gives neither its stack nor its reason */
	uint8_t undetermined;/* enum gx_wg_undetermined when status is GX_WG_UNDETERMINED */
};

/* ------------------------------------------------------------------ */
/* Evidence */

enum gx_evidence {
	GX_EVID_ARG = 0,      /* passes the object's address in a frame's arguments */
	GX_EVID_CONTAINER,    /* passes the address of a struct that contains it */
	GX_EVID_SHARED,       /* passes a pointer a waiter of it passes too */
	GX_EVID_CHILD,        /* was started by the function that waits */
	GX_EVID_PARENT,       /* created the waiter (and may hold the channel it handed over) */
	GX_EVID_RW_WRITER,    /* a writer waits for the RWMutex: new readers queue behind it */
	GX_EVID_RW_READER,    /* a blocked reader called from user code that may hold a read lock */
	GX_EVID_HISTORY,      /* trace: it unblocked goroutines waiting at this site before */
	GX_EVID_RUNTIME,      /* trace: the runtime (timer, poller) unblocked this site before */
	GX_EVID_OTHER_LOCK,   /* blocked on another mutex: may hold this one (lock-order inversion) */
	GX_EVID_SIBLING,      /* a live goroutine of the same creator passing a pointer: may receive */
	GX_EVID_PARTNER,      /* trace: was woken before by a goroutine blocked here (the channel's other end) */
	GX_EVID_LOCK_ORDER,   /* trace: blocked earlier on this lock site, and has not left that frame since */
	GX_EVID_HELD_ACROSS,  /* trace: waits for the waiter itself; may hold the mutex across that wait */
	GX_EVID_SAME_FUNC,    /* not blocked, and inside the function that waits to lock the mutex: may hold it */
	GX_EVID_CLOSURE,      /* not blocked, inside a closure of the waiting function: shares its channels and locks */
	GX_EVID_NEW_CHILD,    /* started by the waiter and not yet run: what it will touch cannot be seen */
	GX_EVID_CALLBACK,     /* in the library function whose callback (closure) the waiter is in */
	GX_EVID_COUNT
};

enum gx_strength {
	GX_STRENGTH_OBSERVED = 0, /* seen in the input (trace history) */
	GX_STRENGTH_INFERRED,     /* follows from addresses and Go's semantics */
	GX_STRENGTH_WEAK,         /* a hint only */
};

const char *gx_evidence_name(enum gx_evidence e);   /* "arg", "container", ... */
const char *gx_strength_name(enum gx_strength s);   /* "observed", "inferred", "weak" */

/* resource -> a goroutine that could release it. */
struct gx_wg_edge {
	uint32_t resource;
	uint32_t g;          /* goroutine index; GX_NONE32 for the runtime */
	uint8_t evidence;    /* enum gx_evidence */
	uint8_t strength;    /* enum gx_strength */
	uint16_t frame;      /* frame of g's stack the value was seen in, UINT16_MAX if none */
	uint32_t count;      /* history: times seen; otherwise 1 */
	uint64_t value;      /* the argument value matched, 0 if none */
	int64_t ns;          /* history: when last seen, GX_TIME_NONE otherwise */
};

#define GX_WG_EDGES_MAX 64  /* edges kept per resource (and evidence) for display */

struct gx_wg_resource {
	uint8_t kind;        /* enum gx_res_kind */
	uint8_t reserved[3];
	uint32_t site_g;     /* for a resource without address: its only waiter; else GX_NONE32 */
	uint64_t addr;       /* 0 when unknown */
	uint32_t first_waiter, nwaiters;  /* gx_wg_waiters() */
	uint32_t first_edge, nedges;      /* gx_wg_edges(), capped */
	uint32_t releasers;  /* candidate releasers found, before the cap */
};

/* ------------------------------------------------------------------ */
/* Deadlock */

#define GX_FINGERPRINT_LEN 12

struct gx_wg_cycle {
	uint32_t first;      /* into cycle_members */
	uint32_t count;      /* members in chain order: m[0] waits for m[1] ... for m[0] */
	bool weak;           /* some edge of the chain is only a hint */
};

struct gx_deadlock {
	bool found;                 /* stuck set non-empty */
	bool runtime_reported;      /* the runtime itself said all goroutines are asleep */
	uint32_t *stuck;            /* goroutine indexes, by id */
	size_t nstuck;
	uint64_t stuck_goroutines;  /* goroutines represented (records' count) */
	uint32_t *undetermined;     /* blocked, cannot tell; by id */
	size_t nundetermined;
	struct gx_wg_cycle *cycles;
	size_t ncycles;
	uint32_t *cycle_members;
	int64_t deadlock_ns;        /* trace: when the last stuck goroutine blocked; else GX_TIME_NONE */
	bool before_start;          /* trace: every stuck goroutine was blocked already when it
	                               began (deadlock_ns is its start: the deadlock is older) */
	char fingerprint[GX_FINGERPRINT_LEN + 1]; /* "" when nothing is stuck */
};

/* ------------------------------------------------------------------ */
/* The graph */

struct gx_waitgraph;

/* Analyse a store. The store must outlive the graph. Caller frees with
 * gx_waitgraph_free(). */
struct gx_waitgraph *gx_waitgraph_build(const struct gx_store *s);
/* Analyse a trace s joined with a dump of the same process (NULL: as
 * gx_waitgraph_build): goroutines are matched by id; the dump's frame
 * arguments give the objects' addresses the trace does not have (when
 * the dump saw the goroutine blocked the same way in the same function)
 * and feed the argument rules. Both stores must outlive the graph. */
struct gx_waitgraph *gx_waitgraph_build_joined(const struct gx_store *s,
                                               const struct gx_store *dump);
void gx_waitgraph_free(struct gx_waitgraph *w);

/* The joined dump (NULL when none) and how many goroutine ids matched. */
const struct gx_store *gx_wg_joined_store(const struct gx_waitgraph *w, size_t *njoined);
/* Goroutine g's index in the joined dump, GX_NONE32 when none. */
uint32_t gx_wg_joined(const struct gx_waitgraph *w, size_t g);

const struct gx_store *gx_wg_store(const struct gx_waitgraph *w);

/* Per goroutine (store index); NULL when out of range. */
const struct gx_wg_goroutine *gx_wg_goroutine(const struct gx_waitgraph *w, size_t g);

size_t gx_wg_resource_count(const struct gx_waitgraph *w);
const struct gx_wg_resource *gx_wg_resource(const struct gx_waitgraph *w, size_t r);
/* Waiters (goroutine indexes, by id) and kept edges of resource r. */
const uint32_t *gx_wg_waiters(const struct gx_waitgraph *w, size_t r, size_t *n);
const struct gx_wg_edge *gx_wg_edges(const struct gx_waitgraph *w, size_t r, size_t *n);

const struct gx_deadlock *gx_wg_deadlock(const struct gx_waitgraph *w);

/* Text, input-derived parts escaped with gx_text_escape:
 * "mutex 0x6316c0", "channel (address not in the input) in main.f". */
void gx_wg_describe_resource(const struct gx_waitgraph *w, size_t r, struct gx_buf *out, bool ascii);
/* "G26 passes 0x1b0aedd24030 in main.lockBThenA, as G25 does (weak, inferred)". */
void gx_wg_describe_edge(const struct gx_waitgraph *w, const struct gx_wg_edge *e,
                         struct gx_buf *out, bool ascii);
/* The innermost user frame's function of goroutine g, escaped, or "?". */
void gx_wg_describe_site(const struct gx_waitgraph *w, size_t g, struct gx_buf *out, bool ascii);

/* ------------------------------------------------------------------ */
/* Helpers (exposed for the tests) */

/* One word of a Go frame's argument list. */
struct gx_arg {
	uint64_t value;
	uint16_t top;        /* index of the top-level argument it belongs to */
	uint8_t depth;       /* 0 for a top-level word, 1+ inside braces */
	bool inaccurate;     /* printed with '?' */
};

/* Parse "(0x1, {0x2, 0x3?}, ...)" (parentheses optional) into at most max
 * words; "...", "_" and anything unparsable are skipped. Returns the words
 * stored. Never reads past s[n). */
size_t gx_args_parse(const char *s, size_t n, struct gx_arg *out, size_t max);

/* The fingerprint of a list of normalised blocking signatures: sorted,
 * de-duplicated, hashed; 12 lowercase hex digits into out[13]. */
void gx_fingerprint_lines(char **lines, size_t n, char out[GX_FINGERPRINT_LEN + 1]);
/* A function name made stable across builds: "[...]" removed, ".funcN"
 * → ".func", ".gowrapN"/".deferwrapN" → "" (caller frees). */
char *gx_fingerprint_func(const char *f, size_t n);

#endif
