/* trace_event: one decoded, ordered event of a Go 1.22+ execution trace.
 *
 * This is what the ordering (trace_order.h) yields, one at a time, in
 * exactly the order Go's internal/trace Reader yields them. The event is
 * the wire event plus what the ordering learned: the scheduling context
 * (thread, proc, goroutine) of the emitting thread just before the event,
 * the state a resource left in a transition, and values carried across
 * generations (task names, the STW kind of an STWEnd).
 *
 * Accessors give the meaning (the same views as Go's Event: Kind,
 * StateTransition, Range, Task, Region, Log, Metric, Label, Sync,
 * Experimental); gx_tev_format() prints Go's Event.String() text. An event
 * refers to the tables of its generation and is valid until the next call
 * to gx_trace_reader_next(). */
#ifndef GOTREX_TRACE_EVENT_H
#define GOTREX_TRACE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gotrex/trace2.h"
#include "gotrex/util.h"

/* Go's EventKind. */
enum gx_tev_kind {
	GX_TEV_BAD = 0,
	GX_TEV_SYNC,
	GX_TEV_METRIC,
	GX_TEV_LABEL,
	GX_TEV_STACK_SAMPLE,
	GX_TEV_RANGE_BEGIN,
	GX_TEV_RANGE_ACTIVE,
	GX_TEV_RANGE_END,
	GX_TEV_TASK_BEGIN,
	GX_TEV_TASK_END,
	GX_TEV_REGION_BEGIN,
	GX_TEV_REGION_END,
	GX_TEV_LOG,
	GX_TEV_STATE_TRANSITION,
	GX_TEV_EXPERIMENTAL,
	GX_TEV_KIND_COUNT
};
const char *gx_tev_kind_name(enum gx_tev_kind k); /* "StateTransition" */

/* Go's GoState (the reader's public states, not the wire values). */
enum gx_tgo_state {
	GX_TGO_UNDETERMINED = 0,
	GX_TGO_NOTEXIST,
	GX_TGO_RUNNABLE,
	GX_TGO_RUNNING,
	GX_TGO_WAITING,
	GX_TGO_SYSCALL,
};
const char *gx_tgo_state_name(unsigned s); /* "Running", "Bad" */

/* Go's ProcState. */
enum gx_tproc_state {
	GX_TPROC_UNDETERMINED = 0,
	GX_TPROC_NOTEXIST,
	GX_TPROC_RUNNING,
	GX_TPROC_IDLE,
};
const char *gx_tproc_state_name(unsigned s);

enum gx_tres_kind {
	GX_TRES_NONE = 0,
	GX_TRES_GOROUTINE,
	GX_TRES_PROC,
	GX_TRES_THREAD,
};

#define GX_TNONE (-1)          /* no thread / proc / goroutine */
#define GX_TNO_TASK UINT64_MAX /* Go's NoTask */

struct gx_tev {
	uint8_t type;          /* wire type (enum gx_t2_ev), GX_EV2_SYNC_SYNTH for Sync */
	int64_t ns;            /* ns, Go's conversion, strictly increasing over the trace */
	int64_t m, p, g;       /* scheduling context before the event, GX_TNONE when none */
	uint64_t args[4];      /* wire arguments after the time, then what the ordering adds */
	uint64_t off;          /* input offset of the wire event (0 for synthesized ones) */
	struct gx_t2_gen *gen; /* its generation's tables; NULL for a Sync after the last one */
};

enum gx_tev_kind gx_tev_kind(const struct gx_tev *e);

/* A string of the event's generation; "" when unknown. */
struct gx_t2_str gx_tev_string(const struct gx_tev *e, uint64_t id);

/* Stack of the event (its first stack argument), 0 when none. For a
 * StackSample it is the sample's stack. */
uint64_t gx_tev_stack(const struct gx_tev *e);

struct gx_tev_frame {
	uint64_t pc;
	struct gx_t2_str func;
	struct gx_t2_str file;
	uint64_t line;
};
/* Number of frames of stack id in the event's generation. */
size_t gx_tev_stack_depth(const struct gx_tev *e, uint64_t stack);
/* Frame i (0 = innermost) of stack id; false when out of range. */
bool gx_tev_stack_frame(const struct gx_tev *e, uint64_t stack, size_t i, struct gx_tev_frame *f);

struct gx_tev_transition {
	enum gx_tres_kind res;  /* GOROUTINE or PROC */
	int64_t id;
	unsigned from, to;      /* enum gx_tgo_state or gx_tproc_state */
	struct gx_t2_str reason;
	uint64_t stack;         /* stack of the transitioning resource, 0 when none */
};
bool gx_tev_transition(const struct gx_tev *e, struct gx_tev_transition *t);

struct gx_tev_range {
	const char *name;       /* "GC concurrent mark phase", "GC incremental sweep",
	                           "GC mark assist", or "stop-the-world" (see stw_kind) */
	struct gx_t2_str stw_kind; /* for STW ranges: the kind, else "" */
	enum gx_tres_kind scope;
	int64_t scope_id;
};
bool gx_tev_range(const struct gx_tev *e, struct gx_tev_range *r);

struct gx_tev_metric {
	const char *name;       /* "/sched/gomaxprocs:threads", ... */
	uint64_t value;
};
bool gx_tev_metric(const struct gx_tev *e, struct gx_tev_metric *m);

struct gx_tev_task {
	uint64_t id, parent;    /* parent GX_TNO_TASK when none */
	struct gx_t2_str type;
};
bool gx_tev_task(const struct gx_tev *e, struct gx_tev_task *t);

struct gx_tev_region {
	uint64_t task;
	struct gx_t2_str type;
};
bool gx_tev_region(const struct gx_tev *e, struct gx_tev_region *r);

struct gx_tev_log {
	uint64_t task;
	struct gx_t2_str category, message;
};
bool gx_tev_log(const struct gx_tev *e, struct gx_tev_log *l);

/* Label: the string and the goroutine (the context's). */
bool gx_tev_label(const struct gx_tev *e, struct gx_t2_str *label, int64_t *g);

struct gx_tev_sync {
	uint64_t n;
	bool has_snapshot;
	int64_t trace_ns;
	uint64_t mono;
	uint64_t wall_sec, wall_nsec; /* as written (Unix time) */
};
bool gx_tev_sync(const struct gx_tev *e, struct gx_tev_sync *s);

/* Append Go's Event.String() for e (no final newline beyond what Go's
 * String() has). Text from the trace is escaped like Go's %q where Go
 * quotes, and control bytes are escaped where Go prints raw names. */
void gx_tev_format(const struct gx_tev *e, struct gx_buf *out);

/* Append s quoted like Go's strconv.Quote. */
void gx_tev_quote(struct gx_buf *out, const char *s, size_t n);

#endif
