/* trace1: Go 1.11-1.21 execution traces, decoded, ordered, checked and
 * converted to v2 events the way Go 1.26's reader does it
 * (src/internal/trace/internal/tracev1/parser.go, order.go and
 * src/internal/trace/tracev1.go). See trace1.h. */
#include "config.h"

#include "gotrex/trace1.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/util.h"

/* v1 event types (runtime/trace.go of Go 1.21). */
enum {
	E_NONE, E_BATCH, E_FREQUENCY, E_STACK, E_GOMAXPROCS, E_PROC_START,
	E_PROC_STOP, E_GC_START, E_GC_DONE, E_STW_START, E_STW_DONE,
	E_GC_SWEEP_START, E_GC_SWEEP_DONE, E_GO_CREATE, E_GO_START, E_GO_END,
	E_GO_STOP, E_GO_SCHED, E_GO_PREEMPT, E_GO_SLEEP, E_GO_BLOCK,
	E_GO_UNBLOCK, E_GO_BLOCK_SEND, E_GO_BLOCK_RECV, E_GO_BLOCK_SELECT,
	E_GO_BLOCK_SYNC, E_GO_BLOCK_COND, E_GO_BLOCK_NET, E_GO_SYSCALL,
	E_GO_SYS_EXIT, E_GO_SYS_BLOCK, E_GO_WAITING, E_GO_IN_SYSCALL,
	E_HEAP_ALLOC, E_HEAP_GOAL, E_TIMER_GOROUTINE, E_FUTILE_WAKEUP, E_STRING,
	E_GO_START_LOCAL, E_GO_UNBLOCK_LOCAL, E_GO_SYS_EXIT_LOCAL,
	E_GO_START_LABEL, E_GO_BLOCK_GC, E_GC_MARK_ASSIST_START,
	E_GC_MARK_ASSIST_DONE, E_USER_TASK_CREATE, E_USER_TASK_END,
	E_USER_REGION, E_USER_LOG, E_CPU_SAMPLE, E_COUNT
};

/* EventDescriptions: name, the first header version with the event,
 * whether a stack id ends the arguments, the number of arguments after
 * the time (without the stack). */
static const struct {
	const char *name;
	uint8_t minver;
	bool stack;
	uint8_t nargs;
} desc[E_COUNT] = {
	[E_NONE] = { "None", 5, false, 0 },
	[E_BATCH] = { "Batch", 5, false, 2 },
	[E_FREQUENCY] = { "Frequency", 5, false, 1 },
	[E_STACK] = { "Stack", 5, false, 2 },
	[E_GOMAXPROCS] = { "Gomaxprocs", 5, true, 1 },
	[E_PROC_START] = { "ProcStart", 5, false, 1 },
	[E_PROC_STOP] = { "ProcStop", 5, false, 0 },
	[E_GC_START] = { "GCStart", 5, true, 1 },
	[E_GC_DONE] = { "GCDone", 5, false, 0 },
	[E_STW_START] = { "GCSTWStart", 5, false, 1 },
	[E_STW_DONE] = { "GCSTWDone", 5, false, 0 },
	[E_GC_SWEEP_START] = { "GCSweepStart", 5, true, 0 },
	[E_GC_SWEEP_DONE] = { "GCSweepDone", 5, false, 2 },
	[E_GO_CREATE] = { "GoCreate", 5, true, 2 },
	[E_GO_START] = { "GoStart", 5, false, 2 },
	[E_GO_END] = { "GoEnd", 5, false, 0 },
	[E_GO_STOP] = { "GoStop", 5, true, 0 },
	[E_GO_SCHED] = { "GoSched", 5, true, 0 },
	[E_GO_PREEMPT] = { "GoPreempt", 5, true, 0 },
	[E_GO_SLEEP] = { "GoSleep", 5, true, 0 },
	[E_GO_BLOCK] = { "GoBlock", 5, true, 0 },
	[E_GO_UNBLOCK] = { "GoUnblock", 5, true, 2 },
	[E_GO_BLOCK_SEND] = { "GoBlockSend", 5, true, 0 },
	[E_GO_BLOCK_RECV] = { "GoBlockRecv", 5, true, 0 },
	[E_GO_BLOCK_SELECT] = { "GoBlockSelect", 5, true, 0 },
	[E_GO_BLOCK_SYNC] = { "GoBlockSync", 5, true, 0 },
	[E_GO_BLOCK_COND] = { "GoBlockCond", 5, true, 0 },
	[E_GO_BLOCK_NET] = { "GoBlockNet", 5, true, 0 },
	[E_GO_SYSCALL] = { "GoSysCall", 5, true, 0 },
	[E_GO_SYS_EXIT] = { "GoSysExit", 5, false, 3 },
	[E_GO_SYS_BLOCK] = { "GoSysBlock", 5, false, 0 },
	[E_GO_WAITING] = { "GoWaiting", 5, false, 1 },
	[E_GO_IN_SYSCALL] = { "GoInSyscall", 5, false, 1 },
	[E_HEAP_ALLOC] = { "HeapAlloc", 5, false, 1 },
	[E_HEAP_GOAL] = { "HeapGoal", 5, false, 1 },
	[E_TIMER_GOROUTINE] = { "TimerGoroutine", 5, false, 1 },
	[E_FUTILE_WAKEUP] = { "FutileWakeup", 5, false, 0 },
	[E_STRING] = { "String", 7, false, 0 },
	[E_GO_START_LOCAL] = { "GoStartLocal", 7, false, 1 },
	[E_GO_UNBLOCK_LOCAL] = { "GoUnblockLocal", 7, true, 1 },
	[E_GO_SYS_EXIT_LOCAL] = { "GoSysExitLocal", 7, false, 2 },
	[E_GO_START_LABEL] = { "GoStartLabel", 8, false, 3 },
	[E_GO_BLOCK_GC] = { "GoBlockGC", 8, true, 0 },
	[E_GC_MARK_ASSIST_START] = { "GCMarkAssistStart", 9, true, 0 },
	[E_GC_MARK_ASSIST_DONE] = { "GCMarkAssistDone", 9, false, 0 },
	[E_USER_TASK_CREATE] = { "UserTaskCreate", 11, true, 3 },
	[E_USER_TASK_END] = { "UserTaskEnd", 11, true, 1 },
	[E_USER_REGION] = { "UserRegion", 11, true, 3 },
	[E_USER_LOG] = { "UserLog", 11, true, 2 },
	[E_CPU_SAMPLE] = { "CPUSample", 19, true, 3 },
};

/* Go's fake P ids. */
#define TIMER_P 1000001
#define NETPOLL_P 1000002
#define SYSCALL_P 1000003
#define GC_P 1000004
#define PROFILE_P 1000005

#define MAX_ARGS 8          /* more args than any event takes: an error */
#define LEN_LIMIT 2048      /* length-prefixed arguments */
#define STR_LIMIT 1000000
#define STACK_LIMIT 1000

/* One v1 event (tracev1.Event) plus where it was read. */
struct ev1 {
	int64_t ts;             /* ticks, then ns */
	uint64_t g;
	uint64_t args[4];
	uint64_t off;           /* input offset of its first byte */
	uint32_t stk;
	int32_t p;
	uint8_t type;
	uint8_t blocked;        /* GoSysCall: the next event of its g is GoSysBlock */
	uint8_t moved;          /* GoSysExit: given its real exit time */
};

/* The events of one P (all its batches, in file order). */
struct proc {
	int32_t pid;
	int64_t last_g_set;     /* lastGs[pid] */
	uint64_t last_g;
	struct ev1 *ev;
	size_t n, cap, head;
	bool done;
};

/* Block reasons and STW kinds the converter adds as strings (tracev1.go). */
enum {
	S_FOREVER, S_PREEMPTED, S_GOSCHED, S_SLEEP, S_CHAN_SEND, S_CHAN_RECV,
	S_NETWORK, S_SYNC, S_SYNC_COND, S_SELECT, S_EMPTY, S_MARK_ASSIST_WAIT,
	S_STW_UNKNOWN, S_LAST = S_STW_UNKNOWN + 17
};
static const char *const builtin[S_LAST] = {
	"forever", "preempted", "runtime.Gosched", "sleep", "chan send", "chan receive",
	"network", "sync", "sync.(*Cond).Wait", "select", "", "GC mark assist wait for work",
	"", "GC mark termination", "GC sweep termination", "write heap dump",
	"goroutine profile", "goroutine profile cleanup", "all goroutine stack trace",
	"read mem stats", "AllThreadsSyscall", "GOMAXPROCS", "start trace", "stop trace",
	"CountPagesInUse (test)", "ReadMetricsSlow (test)", "ReadMemStatsSlow (test)",
	"PageCachePagesLeaked (test)", "ResetDebugLog (test)",
};

struct task1 {
	uint64_t name;          /* string id */
	uint64_t parent;
};

struct gx_t1_reader {
	struct gx_input *in;
	const char *name;
	int version;
	uint8_t *data;          /* the input after the header */
	size_t len;
	uint64_t base;          /* input offset of data[0] */
	uint64_t total;         /* input size */

	/* Decoding. */
	struct proc *procs;
	size_t nprocs, capprocs;
	struct gx_u64map procidx;   /* pid -> index in procs */
	struct ev1 *cpu;            /* CPU samples */
	size_t ncpu, capcpu;
	int64_t ticks_per_sec;
	struct gx_u64map timer_g;
	struct gx_t2_str *inl;      /* UserLog messages (inline strings) */
	size_t ninl, capinl;
	struct gx_u64map inl_idx;   /* hash of message -> first index (chained by scan) */
	uint64_t max_str;

	/* The table the events refer to. */
	struct gx_t2_gen gen;
	uint64_t inline_base;       /* string id of inline string 0 */
	uint64_t builtin_id[S_LAST];

	/* Ordered events. */
	struct ev1 *ev;
	size_t nev, capev, pos;

	/* Conversion (traceV1Converter). */
	bool pre_init;
	struct gx_u64map created_pre;   /* g -> 1 */
	struct gx_u64map seen_procs;
	struct gx_u64map proc_m_idx;    /* p -> index in proc_m */
	int64_t *proc_m;
	size_t nproc_m, capproc_m;
	struct gx_u64map task_idx;      /* task id -> index in tasks */
	struct task1 *tasks;
	size_t ntasks, captasks;
	uint64_t last_stw;
	int64_t last_ts;
	struct gx_tev *extra;
	size_t nextra, capextra, extra_head;
	uint64_t syncs;
	bool done;
	int final_rc;

	struct gx_trace_stats st;
};

/* ------------------------------------------------------------------ */
/* Header */

int
gx_t1_read_header(const uint8_t *p, size_t n, struct gx_t2_err *err)
{
	static const char prefix[] = "go 1.";
	size_t i = sizeof(prefix) - 1, digits = 0;
	unsigned long v = 0;

	if (n < 16 || memcmp(p, prefix, i) != 0)
		return 0;
	while (i < 16 && p[i] >= '0' && p[i] <= '9' && digits < 6) {
		v = v * 10 + (unsigned long)(p[i] - '0');
		i++;
		digits++;
	}
	if (digits == 0 || i + 9 > 16 || memcmp(p + i, " trace\0\0\0", 9) != 0)
		return 0;
	switch (v) {
	case GX_T1_GO111: case GX_T1_GO119: case GX_T1_GO121:
		return (int)v;
	}
	if (v >= 22)
		return 0;
	err->off = 0;
	snprintf(err->msg, sizeof(err->msg),
	         "unknown or unsupported trace version go 1.%lu: Go 1.10 and older traces are not "
	         "read (as by go tool trace); supported versions: go 1.11 to 1.26 "
	         "(header minors 11, 19, 21, 22, 23, 25, 26)", v);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Decoding (parser.go: collectBatchesAndCPUSamples, readRawEvent,
 * loadBatch and parseEvent in one pass in file order; per P the result is
 * what Go's batch-by-batch loading gives). */

struct dec {
	struct gx_t1_reader *r;
	size_t off;
	char msg[200];
};

static bool
dec_err(struct dec *d, const char *fmt, ...) GX_PRINTF(2, 3);

static bool
dec_err(struct dec *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	return false;
}

static bool
read_val(struct dec *d, uint64_t *v)
{
	int k = gx_t2_uvarint(d->r->data + d->off, d->r->len - d->off, v);

	if (k <= 0)
		return dec_err(d, "malformatted base-128 varint");
	d->off += (size_t)k;
	return true;
}

static bool
read_full(struct dec *d, uint64_t n, const uint8_t **out)
{
	if (n > d->r->len - d->off)
		return dec_err(d, "failed to read trace: unexpected EOF");
	*out = d->r->data + d->off;
	d->off += (size_t)n;
	return true;
}

static struct proc *
get_proc(struct gx_t1_reader *r, int32_t pid)
{
	bool found;
	uint32_t *slot = gx_u64map_put(&r->procidx, (uint64_t)(int64_t)pid, &found);
	struct proc *p;

	if (found)
		return &r->procs[*slot];
	gx_grow(&r->procs, &r->capprocs, r->nprocs + 1, sizeof(*r->procs));
	*slot = (uint32_t)r->nprocs;
	p = &r->procs[r->nprocs++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	return p;
}

static void
add_string(struct gx_t2_gen *g, uint64_t id, const char *s, size_t n)
{
	bool found;
	uint32_t *slot = gx_u64map_put(&g->strings, id, &found);

	if (found)
		return;
	gx_grow(&g->strv, &g->capstr, g->nstr + 1, sizeof(*g->strv));
	g->strv[g->nstr].s = s;
	g->strv[g->nstr].len = (uint32_t)n;
	*slot = (uint32_t)g->nstr++;
}

static bool
add_stack(struct dec *d, const uint64_t *args, size_t nargs)
{
	struct gx_t1_reader *r = d->r;
	struct gx_t2_gen *g = &r->gen;
	uint64_t size, id, i;
	uint32_t *slot;
	bool found;

	if (nargs < 2)
		return dec_err(d, "EvStack has wrong number of arguments: want at least 2, got %zu", nargs);
	size = args[1];
	if (size > STACK_LIMIT)
		return dec_err(d, "EvStack has bad number of frames: %" PRIu64, size);
	if ((uint64_t)nargs != 2 + 4 * size)
		return dec_err(d, "EvStack has wrong number of arguments: want %" PRIu64 ", got %zu",
		               2 + 4 * size, nargs);
	id = (uint32_t)args[0];
	if (id == 0 || size == 0)
		return true;
	slot = gx_u64map_put(&g->stacks, id, &found);
	if (!found) {
		gx_grow(&g->stackv, &g->capstack, g->nstack + 1, sizeof(*g->stackv));
		*slot = (uint32_t)g->nstack++;
	}
	/* A later stack with the same id replaces the earlier one (Go's map). */
	gx_grow(&g->stack_pcs, &g->cappcs, g->npcs + size, sizeof(*g->stack_pcs));
	g->stackv[*slot].first = (uint32_t)g->npcs;
	g->stackv[*slot].n = (uint32_t)size;
	for (i = 0; i < size; i++) {
		const uint64_t *f = args + 2 + i * 4;
		uint32_t *fs;

		g->stack_pcs[g->npcs++] = f[0];
		fs = gx_u64map_put(&g->pcs, f[0], &found);
		if (found)
			continue;
		gx_grow(&g->framev, &g->capframe, g->nframe + 1, sizeof(*g->framev));
		g->framev[g->nframe].pc = f[0];
		g->framev[g->nframe].func = f[1];
		g->framev[g->nframe].file = f[2];
		g->framev[g->nframe].line = f[3];
		*fs = (uint32_t)g->nframe++;
	}
	return true;
}

/* The id of an inline string (a UserLog message), deduplicated. */
static uint64_t
inline_string(struct gx_t1_reader *r, const uint8_t *s, size_t n)
{
	uint64_t h = gx_hash64(s, n, GX_HASH_SEED);
	uint32_t *slot;
	bool found;
	size_t i;

	/* The map holds the hash; on a hash collision with a different
	 * string, fall back to a scan. */
	slot = gx_u64map_put(&r->inl_idx, h, &found);
	if (found) {
		i = *slot;
		if (r->inl[i].len == n && memcmp(r->inl[i].s, s, n) == 0)
			return i;
		for (i = 0; i < r->ninl; i++)
			if (r->inl[i].len == n && memcmp(r->inl[i].s, s, n) == 0)
				return i;
	} else {
		*slot = (uint32_t)r->ninl;
	}
	gx_grow(&r->inl, &r->capinl, r->ninl + 1, sizeof(*r->inl));
	r->inl[r->ninl].s = (const char *)s;
	r->inl[r->ninl].len = (uint32_t)n;
	return r->ninl++;
}

/* parseEvent for an event with its arguments. */
static bool
parse_event(struct dec *d, unsigned typ, const uint64_t *args, size_t nargs,
            const uint8_t *sarg, size_t sarg_len, uint64_t start,
            struct proc **cur, uint64_t *last_g, int64_t *last_ts)
{
	struct gx_t1_reader *r = d->r;
	size_t want, i;
	struct ev1 *ev;
	struct proc *p;

	if (typ == E_STACK)
		return add_stack(d, args, nargs);
	want = desc[typ].nargs + (desc[typ].stack ? 1 : 0);
	if (typ != E_FREQUENCY && typ != E_TIMER_GOROUTINE)
		want++;
	if (nargs != want)
		return dec_err(d, "%s has wrong number of arguments: want %zu, got %zu",
		               desc[typ].name, want, nargs);
	switch (typ) {
	case E_FREQUENCY:
		r->ticks_per_sec = (int64_t)args[0];
		if (r->ticks_per_sec <= 0)
			return dec_err(d, "time stamps out of order (frequency %" PRId64 ")",
			               r->ticks_per_sec);
		return true;
	case E_TIMER_GOROUTINE: {
		bool found;

		*gx_u64map_put(&r->timer_g, args[0], &found) = 1;
		return true;
	}
	}
	p = *cur;
	gx_grow(&p->ev, &p->cap, p->n + 1, sizeof(*p->ev));
	ev = &p->ev[p->n];
	memset(ev, 0, sizeof(*ev));
	ev->type = (uint8_t)typ;
	ev->p = p->pid;
	ev->g = *last_g;
	ev->off = start;
	ev->ts = (int64_t)((uint64_t)*last_ts + args[0]);
	*last_ts = ev->ts;
	for (i = 1; i < want; i++) {
		if (i == want - 1 && desc[typ].stack)
			ev->stk = (uint32_t)args[i];
		else
			ev->args[i - 1] = args[i];
	}
	switch (typ) {
	case E_GO_START: case E_GO_START_LOCAL: case E_GO_START_LABEL:
		*last_g = ev->args[0];
		ev->g = *last_g;
		break;
	case E_GO_END: case E_GO_STOP: case E_GO_SCHED: case E_GO_PREEMPT:
	case E_GO_SLEEP: case E_GO_BLOCK: case E_GO_BLOCK_SEND: case E_GO_BLOCK_RECV:
	case E_GO_BLOCK_SELECT: case E_GO_BLOCK_SYNC: case E_GO_BLOCK_COND:
	case E_GO_BLOCK_NET: case E_GO_SYS_BLOCK: case E_GO_BLOCK_GC:
		*last_g = 0;
		break;
	case E_GO_SYS_EXIT: case E_GO_WAITING: case E_GO_IN_SYSCALL:
		ev->g = ev->args[0];
		break;
	case E_USER_LOG:
		ev->args[3] = inline_string(r, sarg != NULL ? sarg : (const uint8_t *)"", sarg_len);
		break;
	}
	p->n++;
	return true;
}

/* Decode one event at d->off. Returns 1, 0 at the end, -1 on error. */
static int
decode_one(struct dec *d, struct proc **cur, uint64_t *last_g, int64_t *last_ts)
{
	struct gx_t1_reader *r = d->r;
	uint64_t args[LEN_LIMIT + 4]; /* a varint takes at least one byte */
	size_t nargs = 0, narg, k;
	uint64_t start = r->base + d->off, v;
	const uint8_t *sarg = NULL, *buf = NULL;
	size_t sarg_len = 0;
	unsigned typ;
	uint8_t b;

	if (d->off >= r->len)
		return 0;
	b = r->data[d->off++];
	typ = b & 0x3f;
	narg = (size_t)(b >> 6) + 1;
	if (typ == E_NONE || typ >= E_COUNT || desc[typ].minver > r->version)
		return dec_err(d, "unknown event type %u", typ), -1;

	if (typ == E_STRING) {
		uint64_t id, ln;
		const uint8_t *s = NULL;

		if (!read_val(d, &id) || !read_val(d, &ln))
			return -1;
		if (*cur == NULL) {
			/* Before the first batch: Go skips it, never stores it. */
			if (!read_full(d, ln, &s))
				return -1;
			return 1;
		}
		if (id == 0)
			return dec_err(d, "string has invalid id 0"), -1;
		if (gx_u64map_get(&r->gen.strings, id) != NULL)
			return dec_err(d, "string has duplicate id %" PRIu64, id), -1;
		if (ln == 0)
			return dec_err(d, "string has invalid length 0"), -1;
		if (ln > STR_LIMIT)
			return dec_err(d, "string has too large length %" PRIu64, ln), -1;
		if (!read_full(d, ln, &s))
			return -1;
		add_string(&r->gen, id, (const char *)s, (size_t)ln);
		if (id > r->max_str)
			r->max_str = id;
		return 1;
	}
	if (typ == E_BATCH) {
		uint64_t pid, ticks;
		int32_t pid32;
		struct proc *p;

		if (narg != 2)
			return dec_err(d, "EvBatch has wrong number of arguments: got %zu, want 2", narg), -1;
		if (!read_val(d, &pid))
			return -1;
		if (pid != UINT64_MAX && pid > INT32_MAX)
			return dec_err(d, "processor ID %" PRIu64 " is larger than maximum of %d",
			               pid, INT32_MAX), -1;
		if (!read_val(d, &ticks))
			return -1;
		pid32 = pid == UINT64_MAX ? -1 : (int32_t)pid;
		/* parseEvent(EvBatch): lastGs[lastP] = lastG, then switch. */
		if (*cur != NULL)
			(*cur)->last_g = *last_g;
		p = get_proc(r, pid32);
		*cur = p;
		*last_g = p->last_g;
		*last_ts = (int64_t)ticks;
		return 1;
	}

	if (narg <= 3) {
		for (k = 0; k < narg; k++) {
			if (!read_val(d, &args[nargs++]))
				return dec_err(d, "failed to read event %u argument: malformatted base-128 varint",
				               typ), -1;
		}
	} else {
		size_t boff = 0;

		if (!read_val(d, &v))
			return dec_err(d, "failed to read event %u argument: malformatted base-128 varint",
			               typ), -1;
		if (v > LEN_LIMIT)
			return dec_err(d, "failed to read event %u argument: length-prefixed argument too "
			               "big: %" PRIu64 " bytes, limit is %d", typ, v, LEN_LIMIT), -1;
		if (!read_full(d, v, &buf))
			return -1;
		while (boff < v) {
			int kk;

			if (nargs >= GX_ARRAY_SIZE(args))
				return dec_err(d, "%s has too many arguments", desc[typ].name), -1;
			kk = gx_t2_uvarint(buf + boff, (size_t)v - boff, &args[nargs]);
			if (kk <= 0)
				return dec_err(d, "malformatted base-128 varint"), -1;
			boff += (size_t)kk;
			nargs++;
		}
		if (typ == E_USER_LOG) {
			uint64_t sz;

			if (!read_val(d, &sz))
				return -1;
			if (sz > STR_LIMIT)
				return dec_err(d, "string is too large (len=%" PRIu64 ")", sz), -1;
			if (sz > 0 && !read_full(d, sz, &sarg))
				return -1;
			sarg_len = (size_t)sz;
		}
	}
	if (*cur == NULL)
		return dec_err(d, "read event %u with current P of 0, but P has no batches yet", typ), -1;
	if (typ == E_CPU_SAMPLE) {
		struct ev1 *e;

		/* Go reads these in its first pass, where inline arguments are
		 * skipped: only the length-prefixed form has its 5 arguments. */
		if (narg <= 3)
			nargs = 0;
		if (nargs != 5)
			return dec_err(d, "CPU sample has wrong number of arguments: want 5, got %zu",
			               nargs), -1;
		gx_grow(&r->cpu, &r->capcpu, r->ncpu + 1, sizeof(*r->cpu));
		e = &r->cpu[r->ncpu++];
		memset(e, 0, sizeof(*e));
		e->type = E_CPU_SAMPLE;
		e->ts = (int64_t)args[1];
		e->p = (int32_t)args[2];
		e->g = args[3];
		e->args[1] = args[2];
		e->args[2] = args[3];
		e->stk = (uint32_t)args[4];
		e->off = start;
		return 1;
	}
	if (nargs > MAX_ARGS && typ != E_STACK)
		return dec_err(d, "%s has wrong number of arguments: got %zu", desc[typ].name, nargs), -1;
	return parse_event(d, typ, args, nargs, sarg, sarg_len, start, cur, last_g, last_ts) ? 1 : -1;
}

/* Decode the whole input. Stops at the first bad event; returns false
 * then, with the offset of that event and the message. */
static bool
decode(struct gx_t1_reader *r, uint64_t *bad_off, char *msg, size_t msglen)
{
	struct dec d = { .r = r, .off = 0 };
	struct proc *cur = NULL;
	uint64_t last_g = 0;
	int64_t last_ts = 0;

	for (;;) {
		size_t start = d.off;
		int rc = decode_one(&d, &cur, &last_g, &last_ts);

		if (rc == 0)
			return true;
		if (rc < 0) {
			*bad_off = r->base + start;
			snprintf(msg, msglen, "%s", d.msg);
			return false;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Ordering (parseEventBatches, order.go) */

enum { G_DEAD, G_RUNNABLE, G_RUNNING, G_WAITING };
#define NOSEQ UINT64_MAX
#define SEQINC (UINT64_MAX - 1)
#define UNORDERED UINT64_MAX
#define GARBAGE (UINT64_MAX - 1)

struct gst {
	uint64_t seq;
	int status;
};

static uint64_t
state_transition(const struct ev1 *ev, struct gst *init, struct gst *next)
{
	init->seq = next->seq = 0;
	init->status = next->status = G_DEAD;
	switch (ev->type) {
	case E_GO_CREATE:
		*init = (struct gst){ 0, G_DEAD };
		*next = (struct gst){ 1, G_RUNNABLE };
		return ev->args[0];
	case E_GO_WAITING: case E_GO_IN_SYSCALL:
		*init = (struct gst){ 1, G_RUNNABLE };
		*next = (struct gst){ 2, G_WAITING };
		return ev->g;
	case E_GO_START: case E_GO_START_LABEL:
		*init = (struct gst){ ev->args[1], G_RUNNABLE };
		*next = (struct gst){ ev->args[1] + 1, G_RUNNING };
		return ev->g;
	case E_GO_START_LOCAL:
		*init = (struct gst){ NOSEQ, G_RUNNABLE };
		*next = (struct gst){ SEQINC, G_RUNNING };
		return ev->g;
	case E_GO_BLOCK: case E_GO_BLOCK_SEND: case E_GO_BLOCK_RECV: case E_GO_BLOCK_SELECT:
	case E_GO_BLOCK_SYNC: case E_GO_BLOCK_COND: case E_GO_BLOCK_NET: case E_GO_SLEEP:
	case E_GO_SYS_BLOCK: case E_GO_BLOCK_GC:
		*init = (struct gst){ NOSEQ, G_RUNNING };
		*next = (struct gst){ NOSEQ, G_WAITING };
		return ev->g;
	case E_GO_SCHED: case E_GO_PREEMPT:
		*init = (struct gst){ NOSEQ, G_RUNNING };
		*next = (struct gst){ NOSEQ, G_RUNNABLE };
		return ev->g;
	case E_GO_UNBLOCK: case E_GO_SYS_EXIT:
		*init = (struct gst){ ev->args[1], G_WAITING };
		*next = (struct gst){ ev->args[1] + 1, G_RUNNABLE };
		return ev->args[0];
	case E_GO_UNBLOCK_LOCAL: case E_GO_SYS_EXIT_LOCAL:
		*init = (struct gst){ NOSEQ, G_WAITING };
		*next = (struct gst){ SEQINC, G_RUNNABLE };
		return ev->args[0];
	case E_GC_START:
		*init = (struct gst){ ev->args[0], G_DEAD };
		*next = (struct gst){ ev->args[0] + 1, G_DEAD };
		return GARBAGE;
	}
	return UNORDERED;
}

struct gtab {
	struct gx_u64map idx;
	struct gst *v;
	size_t n, cap;
};

static struct gst
gtab_get(const struct gtab *t, uint64_t g)
{
	uint32_t *ix = gx_u64map_get(&t->idx, g);

	return ix != NULL ? t->v[*ix] : (struct gst){ 0, G_DEAD };
}

static void
gtab_set(struct gtab *t, uint64_t g, struct gst s)
{
	bool found;
	uint32_t *ix = gx_u64map_put(&t->idx, g, &found);

	if (!found) {
		gx_grow(&t->v, &t->cap, t->n + 1, sizeof(*t->v));
		*ix = (uint32_t)t->n++;
	}
	t->v[*ix] = s;
}

static bool
transition_ready(uint64_t g, struct gst curr, struct gst init)
{
	return g == UNORDERED || ((init.seq == NOSEQ || init.seq == curr.seq) && init.status == curr.status);
}

struct fr {
	struct ev1 *ev;
	size_t proc;
};

struct frontier {
	struct fr *v;
	size_t n, cap;
};

static bool
fr_less(const struct frontier *h, size_t i, size_t j)
{
	return h->v[i].ev->ts < h->v[j].ev->ts;
}

static void
fr_swap(struct frontier *h, size_t i, size_t j)
{
	struct fr t = h->v[i];

	h->v[i] = h->v[j];
	h->v[j] = t;
}

static void
fr_push(struct frontier *h, struct fr x)
{
	size_t j;

	gx_grow(&h->v, &h->cap, h->n + 1, sizeof(*h->v));
	h->v[h->n++] = x;
	for (j = h->n - 1; j > 0;) {
		size_t i = (j - 1) / 2;

		if (!fr_less(h, j, i))
			break;
		fr_swap(h, i, j);
		j = i;
	}
}

static struct fr
fr_pop(struct frontier *h)
{
	size_t n = h->n - 1, i = 0;

	fr_swap(h, 0, n);
	for (;;) {
		size_t j1 = 2 * i + 1, j;

		if (j1 >= n)
			break;
		j = j1;
		if (j1 + 1 < n && fr_less(h, j1 + 1, j1))
			j = j1 + 1;
		if (!fr_less(h, j, i))
			break;
		fr_swap(h, i, j);
		i = j;
	}
	return h->v[--h->n];
}

static bool
cpu_less(void *ctx, size_t i, size_t j)
{
	struct ev1 *v = ctx;

	return v[i].ts < v[j].ts;
}

static void
cpu_swap(void *ctx, size_t i, size_t j)
{
	struct ev1 *v = ctx, t = v[i];

	v[i] = v[j];
	v[j] = t;
}

static void
push_event(struct gx_t1_reader *r, const struct ev1 *e)
{
	gx_grow(&r->ev, &r->capev, r->nev + 1, sizeof(*r->ev));
	r->ev[r->nev++] = *e;
}

/* The offset of the first event (in the file) that still waits. */
static uint64_t
first_waiting(const struct proc *all, size_t nall)
{
	uint64_t first = UINT64_MAX;
	size_t i;

	for (i = 0; i < nall; i++)
		if (all[i].head < all[i].n && all[i].ev[all[i].head].off < first)
			first = all[i].ev[all[i].head].off;
	return first;
}

/* Merge the Ps. False when no consistent order exists past some point
 * (then r->ev holds the events placed so far). */
static bool
merge(struct gx_t1_reader *r, uint64_t *bad_off, const char **why)
{
	struct frontier h = { 0 };
	struct gtab gs = { 0 };
	size_t *avail, navail, i, nall = r->nprocs + 1;
	struct proc *all;
	bool ok = true;
	uint64_t total = 0, work = 0, budget;

	gx_t2_pdqsort(r->cpu, r->ncpu, cpu_less, cpu_swap);
	/* allProcs: the Ps (Go walks a map here: its order is random, which
	 * only matters for events of two Ps with equal time stamps), then
	 * the CPU samples. */
	all = xcalloc(nall, sizeof(*all));
	if (r->nprocs > 0)
		memcpy(all, r->procs, r->nprocs * sizeof(*all));
	all[r->nprocs].pid = PROFILE_P;
	all[r->nprocs].ev = r->cpu;
	all[r->nprocs].n = r->ncpu;
	avail = xcalloc(nall, sizeof(*avail));
	for (i = 0; i < nall; i++)
		avail[i] = i;
	navail = nall;

	/* Each round looks at every P whose next event cannot go yet: with
	 * many such Ps (only a hostile trace has more than a few of them at
	 * once) that is quadratic, so the work has a budget: 64 looks per
	 * event on average, far above what real traces need. */
	for (i = 0; i < nall; i++)
		total += all[i].n;
	budget = 100000000u + 64 * total;
	for (;;) {
		long k;
		struct fr f;
		struct gst init, next, curr;
		uint64_t g;

		if (work > budget) {
			ok = false;
			*bad_off = first_waiting(all, nall);
			*why = "too many Ps wait for each other to order the events in reasonable time";
			break;
		}
		work += navail;
		for (k = 0; k < (long)navail; k++) {
			struct proc *p = &all[avail[k]];
			struct ev1 *ev;

			if (p->head == p->n) {
				p->done = true;
				avail[k] = avail[navail - 1];
				navail--;
				k--;
				continue;
			}
			ev = &p->ev[p->head];
			g = state_transition(ev, &init, &next);
			if (!transition_ready(g, gtab_get(&gs, g), init))
				continue;
			p->head++;
			fr_push(&h, (struct fr){ ev, avail[k] });
			avail[k] = avail[navail - 1];
			navail--;
			k--;
		}
		if (h.n == 0) {
			uint64_t first = first_waiting(all, nall);

			if (first != UINT64_MAX) {
				ok = false;
				*bad_off = first;
				*why = "no consistent ordering of events possible";
			}
			break;
		}
		f = fr_pop(&h);
		g = state_transition(f.ev, &init, &next);
		curr = gtab_get(&gs, g);
		if (g != UNORDERED && !transition_ready(g, curr, init)) {
			ok = false;
			*bad_off = f.ev->off;
			*why = "encountered impossible goroutine state transition";
			break;
		}
		push_event(r, f.ev);
		switch (r->ev[r->nev - 1].type) {
		case E_GO_START_LOCAL: r->ev[r->nev - 1].type = E_GO_START; break;
		case E_GO_UNBLOCK_LOCAL: r->ev[r->nev - 1].type = E_GO_UNBLOCK; break;
		case E_GO_SYS_EXIT_LOCAL: r->ev[r->nev - 1].type = E_GO_SYS_EXIT; break;
		}
		if (g != UNORDERED) {
			if (next.seq == NOSEQ)
				next.seq = curr.seq;
			else if (next.seq == SEQINC)
				next.seq = curr.seq + 1;
			gtab_set(&gs, g, next);
		}
		avail[navail++] = f.proc;
	}
	free(h.v);
	free(avail);
	free(all);
	gx_u64map_free(&gs.idx);
	free(gs.v);
	for (i = 0; i < r->nprocs; i++) {
		free(r->procs[i].ev);
		r->procs[i].ev = NULL;
	}
	free(r->cpu);
	r->cpu = NULL;
	return ok;
}

/* sort.Stable by time after fix_sys_exits: only the GoSysExit events
 * whose time it changed (flagged "moved") can be out of place; the rest is
 * in order. Sort the moved ones by (time, index) and merge them back by
 * (time, index): the order a stable sort gives. */
struct moved {
	int64_t ts;
	size_t i;
};

static int
cmp_moved(const void *a, const void *b)
{
	const struct moved *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static void
stable_sort(struct gx_t1_reader *r)
{
	struct moved *mv = NULL;
	size_t nmv = 0, capmv = 0, i, j, o;
	struct ev1 *out;

	for (i = 0; i < r->nev; i++) {
		if (!r->ev[i].moved)
			continue;
		gx_grow(&mv, &capmv, nmv + 1, sizeof(*mv));
		mv[nmv++] = (struct moved){ r->ev[i].ts, i };
	}
	if (nmv == 0)
		return;
	qsort(mv, nmv, sizeof(*mv), cmp_moved);
	out = xcalloc(r->nev, sizeof(*out));
	for (i = 0, j = 0, o = 0; o < r->nev;) {
		while (i < r->nev && r->ev[i].moved)
			i++;
		if (j < nmv && (i == r->nev || mv[j].ts < r->ev[i].ts ||
		                (mv[j].ts == r->ev[i].ts && mv[j].i < i)))
			out[o++] = r->ev[mv[j++].i];
		else
			out[o++] = r->ev[i++];
	}
	free(mv);
	free(r->ev);
	r->ev = out;
	r->capev = r->nev;
}

/* ------------------------------------------------------------------ */
/* Checks after ordering (parseEventBatches' tail, parse, postProcessTrace).
 * Each returns the index of the first bad event (r->nev when none). */

static size_t
check_sorted(const struct gx_t1_reader *r)
{
	size_t i;

	for (i = 1; i < r->nev; i++)
		if (r->ev[i].ts < r->ev[i - 1].ts)
			return i;
	return r->nev;
}

static size_t
fix_sys_exits(struct gx_t1_reader *r, const char **why)
{
	struct gx_u64map idx = { 0 };
	int64_t *blk = NULL;
	size_t nblk = 0, capblk = 0, i;

	for (i = 0; i < r->nev; i++) {
		struct ev1 *ev = &r->ev[i];
		uint32_t *slot;
		bool found;
		int64_t ts, block;

		switch (ev->type) {
		case E_GO_SYS_BLOCK: case E_GO_IN_SYSCALL:
			slot = gx_u64map_put(&idx, ev->g, &found);
			if (!found) {
				gx_grow(&blk, &capblk, nblk + 1, sizeof(*blk));
				*slot = (uint32_t)nblk++;
			}
			blk[*slot] = ev->ts;
			break;
		case E_GO_SYS_EXIT:
			ts = (int64_t)ev->args[2];
			if (ts == 0)
				break;
			slot = gx_u64map_get(&idx, ev->g);
			block = slot != NULL ? blk[*slot] : 0;
			if (block == 0) {
				*why = "stray syscall exit";
				goto out;
			}
			if (ts < block) {
				*why = "time stamps out of order";
				goto out;
			}
			ev->ts = ts;
			ev->moved = 1;
			break;
		}
	}
out:
	gx_u64map_free(&idx);
	free(blk);
	return i;
}

/* Go's int64(float64) on amd64: out of range and NaN give INT64_MIN. */
static int64_t
f2i(double d)
{
	if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
		return INT64_MIN;
	return (int64_t)d;
}

struct gdesc {
	int state;
	uint8_t ev_type;        /* type of g.ev, 0 when nil */
	bool has_create;
	uint64_t create_stack;  /* evCreate.Args[1] */
	bool mark_assist;
};

struct pdesc {
	bool running;
	uint64_t g;
	bool sweep;
};

/* An active region; the regions of one goroutine are a stack linked by
 * prev (1-based index of the one below, 0 at the bottom). */
struct region1 {
	uint64_t task, name;
	uint32_t prev;
};

static size_t
post_process(struct gx_t1_reader *r, char *why, size_t whylen)
{
	struct gx_u64map gidx = { 0 }, pidx = { 0 }, tasks = { 0 };
	struct gdesc *gs = NULL;
	struct pdesc *ps = NULL;
	size_t ngs = 0, capgs = 0, nps = 0, capps = 0, i;
	struct region1 *rs = NULL;  /* regions ever started */
	size_t nrs = 0, caprs = 0;
	struct gx_u64map rtop = { 0 }; /* g -> 1-based index of its innermost region */
	bool in_gc = false, in_stw = false, found;
	uint32_t *slot;

#define GSLOT(id) (slot = gx_u64map_put(&gidx, (id), &found), \
	(!found ? (gx_grow(&gs, &capgs, ngs + 1, sizeof(*gs)), memset(&gs[ngs], 0, sizeof(*gs)), \
	           *slot = (uint32_t)ngs++) : 0), &gs[*slot])
#define PSLOT(id) (slot = gx_u64map_put(&pidx, (uint64_t)(int64_t)(id), &found), \
	(!found ? (gx_grow(&ps, &capps, nps + 1, sizeof(*ps)), memset(&ps[nps], 0, sizeof(*ps)), \
	           *slot = (uint32_t)nps++) : 0), &ps[*slot])
#define FAIL(...) do { snprintf(why, whylen, __VA_ARGS__); goto out; } while (0)

	GSLOT(0)->state = G_RUNNING;
	for (i = 0; i < r->nev; i++) {
		struct ev1 *ev = &r->ev[i];
		const char *name = desc[ev->type].name;
		struct gdesc *g, *g1;
		struct pdesc *p;
		uint64_t k;
		size_t j;

/* checkRunning */
#define CHECK_RUNNING(allow0) do { \
	if (g->state != G_RUNNING) \
		FAIL("g %" PRIu64 " is not running while %s", ev->g, name); \
	if (p->g != ev->g) \
		FAIL("p %" PRId32 " is not running g %" PRIu64 " while %s", ev->p, ev->g, name); \
	if (!(allow0) && ev->g == 0) \
		FAIL("g 0 did %s", name); \
} while (0)

		switch (ev->type) {
		case E_PROC_START:
			p = PSLOT(ev->p);
			if (p->running)
				FAIL("p %" PRId32 " is running before start", ev->p);
			p->running = true;
			break;
		case E_PROC_STOP:
			p = PSLOT(ev->p);
			if (!p->running)
				FAIL("p %" PRId32 " is not running before stop", ev->p);
			if (p->g != 0)
				FAIL("p %" PRId32 " is running a goroutine %" PRIu64 " during stop", ev->p, p->g);
			p->running = false;
			break;
		case E_GC_START:
			if (in_gc)
				FAIL("previous GC is not ended before a new one");
			in_gc = true;
			ev->p = GC_P;
			break;
		case E_GC_DONE:
			if (!in_gc)
				FAIL("bogus GC end");
			in_gc = false;
			break;
		case E_STW_START:
			if (in_stw)
				FAIL("previous STW is not ended before a new one");
			in_stw = true;
			break;
		case E_STW_DONE:
			if (!in_stw)
				FAIL("bogus STW end");
			in_stw = false;
			break;
		case E_GC_SWEEP_START:
			p = PSLOT(ev->p);
			if (p->sweep)
				FAIL("previous sweeping is not ended before a new one");
			p->sweep = true;
			break;
		case E_GC_MARK_ASSIST_START:
			g = GSLOT(ev->g);
			if (g->mark_assist)
				FAIL("previous mark assist is not ended before a new one");
			g->mark_assist = true;
			break;
		case E_GC_MARK_ASSIST_DONE:
			GSLOT(ev->g)->mark_assist = false;
			break;
		case E_GC_SWEEP_DONE:
			p = PSLOT(ev->p);
			if (!p->sweep)
				FAIL("bogus sweeping end");
			p->sweep = false;
			break;
		case E_GO_WAITING:
		case E_GO_IN_SYSCALL:
			slot = gx_u64map_get(&gidx, ev->g);
			if (slot == NULL || gs[*slot].state != G_RUNNABLE)
				FAIL("g %" PRIu64 " is not runnable before %s", ev->g,
				     ev->type == E_GO_WAITING ? "EvGoWaiting" : "EvGoInSyscall");
			gs[*slot].state = G_WAITING;
			gs[*slot].ev_type = ev->type;
			break;
		case E_GO_CREATE: {
			struct gdesc zero = { 0 }, *gp;

			slot = gx_u64map_get(&gidx, ev->g);
			gp = slot != NULL ? &gs[*slot] : &zero;
			p = PSLOT(ev->p);
			g = gp;
			CHECK_RUNNING(true);
			if (gx_u64map_get(&gidx, ev->args[0]) != NULL)
				FAIL("g %" PRIu64 " already exists", ev->args[0]);
			g1 = GSLOT(ev->args[0]);
			g1->state = G_RUNNABLE;
			g1->ev_type = E_GO_CREATE;
			g1->has_create = true;
			g1->create_stack = ev->args[1];
			break;
		}
		case E_GO_START:
		case E_GO_START_LABEL:
			slot = gx_u64map_get(&gidx, ev->g);
			if (slot == NULL || gs[*slot].state != G_RUNNABLE)
				FAIL("g %" PRIu64 " is not runnable before start", ev->g);
			g = &gs[*slot];
			p = PSLOT(ev->p);
			if (p->g != 0)
				FAIL("p %" PRId32 " is already running g %" PRIu64 " while start g %" PRIu64,
				     ev->p, p->g, ev->g);
			g->state = G_RUNNING;
			p->g = ev->g;
			if (g->has_create) {
				ev->stk = (uint32_t)g->create_stack;
				g->has_create = false;
			}
			g->ev_type = 0;
			break;
		case E_GO_END:
		case E_GO_STOP:
		case E_GO_SCHED:
		case E_GO_PREEMPT:
		case E_GO_SYSCALL:
		case E_GO_SYS_BLOCK:
		case E_GO_SLEEP: case E_GO_BLOCK: case E_GO_BLOCK_SEND: case E_GO_BLOCK_RECV:
		case E_GO_BLOCK_SELECT: case E_GO_BLOCK_SYNC: case E_GO_BLOCK_COND:
		case E_GO_BLOCK_NET: case E_GO_BLOCK_GC: {
			struct gdesc zero = { 0 };

			slot = gx_u64map_get(&gidx, ev->g);
			g = slot != NULL ? &gs[*slot] : &zero;
			p = PSLOT(ev->p);
			CHECK_RUNNING(false);
			g = GSLOT(ev->g);
			switch (ev->type) {
			case E_GO_END: case E_GO_STOP:
				g->state = G_DEAD;
				p->g = 0;
				if (ev->type == E_GO_END) /* delete(activeRegions, ev.G) */
					gx_u64map_del(&rtop, ev->g);
				break;
			case E_GO_SCHED: case E_GO_PREEMPT:
				g->state = G_RUNNABLE;
				p->g = 0;
				g->ev_type = ev->type;
				break;
			case E_GO_SYSCALL:
				g->ev_type = ev->type;
				break;
			case E_GO_SYS_BLOCK:
				g->state = G_WAITING;
				p->g = 0;
				break;
			default:
				g->state = G_WAITING;
				g->ev_type = ev->type;
				p->g = 0;
				break;
			}
			break;
		}
		case E_GO_UNBLOCK: {
			struct gdesc zero = { 0 };

			slot = gx_u64map_get(&gidx, ev->g);
			g = slot != NULL ? &gs[*slot] : &zero;
			p = PSLOT(ev->p);
			if (g->state != G_RUNNING)
				FAIL("g %" PRIu64 " is not running while unpark", ev->g);
			if (ev->p != TIMER_P && p->g != ev->g)
				FAIL("p %" PRId32 " is not running g %" PRIu64 " while unpark", ev->p, ev->g);
			slot = gx_u64map_get(&gidx, ev->args[0]);
			if (slot == NULL || gs[*slot].state != G_WAITING)
				FAIL("g %" PRIu64 " is not waiting before unpark", ev->args[0]);
			g1 = &gs[*slot];
			if (g1->ev_type == E_GO_BLOCK_NET)
				ev->p = NETPOLL_P;
			g1->state = G_RUNNABLE;
			g1->ev_type = E_GO_UNBLOCK;
			break;
		}
		case E_GO_SYS_EXIT:
			slot = gx_u64map_get(&gidx, ev->g);
			if (slot == NULL || gs[*slot].state != G_WAITING)
				FAIL("g %" PRIu64 " is not waiting during syscall exit", ev->g);
			gs[*slot].state = G_RUNNABLE;
			gs[*slot].ev_type = E_GO_SYS_EXIT;
			break;
		case E_USER_TASK_CREATE:
			slot = gx_u64map_put(&tasks, ev->args[0], &found);
			if (found)
				FAIL("task id conflicts (id:%" PRIu64 ")", ev->args[0]);
			*slot = 1;
			break;
		case E_USER_TASK_END:
			gx_u64map_del(&tasks, ev->args[0]);
			break;
		case E_USER_REGION:
			k = ev->args[1];
			if (k == 0) {
				if (nrs >= UINT32_MAX - 1)
					FAIL("too many user regions");
				gx_grow(&rs, &caprs, nrs + 1, sizeof(*rs));
				slot = gx_u64map_put(&rtop, ev->g, &found);
				rs[nrs] = (struct region1){ ev->args[0], ev->args[2], found ? *slot : 0 };
				*slot = (uint32_t)++nrs;
			} else if (k == 1) {
				/* The innermost active region of this goroutine. */
				slot = gx_u64map_get(&rtop, ev->g);
				if (slot != NULL) {
					j = *slot - 1;
					if (rs[j].task != ev->args[0] || rs[j].name != ev->args[2])
						FAIL("misuse of region in goroutine %" PRIu64, ev->g);
					if (rs[j].prev != 0)
						*slot = rs[j].prev;
					else
						gx_u64map_del(&rtop, ev->g);
				}
			} else {
				FAIL("invalid user region mode: %" PRIu64, k);
			}
			break;
		}
		if (ev->stk != 0 && gx_u64map_get(&r->gen.stacks, ev->stk) == NULL)
			ev->stk = 0;
	}
out:
#undef GSLOT
#undef PSLOT
#undef FAIL
#undef CHECK_RUNNING
	gx_u64map_free(&gidx);
	gx_u64map_free(&pidx);
	gx_u64map_free(&tasks);
	gx_u64map_free(&rtop);
	free(gs);
	free(ps);
	free(rs);
	return i;
}

/* ------------------------------------------------------------------ */
/* Reading and preparing */

static void
warn(struct gx_t1_reader *r, struct gx_diag *d, uint64_t off, const char *fmt, ...) GX_PRINTF(4, 5);

static void
warn(struct gx_t1_reader *r, struct gx_diag *d, uint64_t off, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gx_diag_vadd(d, GX_WARNING, r->name, GX_NOWHERE, off, fmt, ap);
	va_end(ap);
	r->st.truncated = true;
}

/* Keep events [0, n); the rest are lost (from the offset of event n). */
static void
cut_events(struct gx_t1_reader *r, size_t n)
{
	uint64_t off;

	if (n >= r->nev)
		return;
	off = r->ev[n].off;
	if (off < r->st.valid_bytes)
		r->st.valid_bytes = off;
	r->nev = n;
}

static bool
read_all(struct gx_t1_reader *r, struct gx_diag *d)
{
	size_t cap = 0;

	r->base = gx_input_offset(r->in);
	for (;;) {
		ssize_t k;

		if (cap - r->len < 65536) {
			if (cap > SIZE_MAX / 4)
				break;
			gx_grow(&r->data, &cap, r->len + 65536, 1);
		}
		k = gx_input_read(r->in, r->data + r->len, cap - r->len, d);
		if (k < 0) {
			/* The input said why; decode what came before. */
			r->st.truncated = true;
			break;
		}
		if (k == 0)
			break;
		r->len += (size_t)k;
	}
	r->total = r->base + r->len;
	return true;
}

/* The string table the converter uses: the trace's strings, the inline
 * ones after the largest id, then the converter's own. */
static void
build_strings(struct gx_t1_reader *r)
{
	uint64_t max = r->max_str;
	size_t i;

	r->inline_base = max + 1;
	for (i = 0; i < r->ninl; i++)
		add_string(&r->gen, max + 1 + i, r->inl[i].s, r->inl[i].len);
	max += r->ninl;
	for (i = 0; i < S_LAST; i++) {
		r->builtin_id[i] = max + 1 + i;
		add_string(&r->gen, max + 1 + i, builtin[i], strlen(builtin[i]));
	}
}

/* For each GoSysCall: is the next event of the same goroutine a
 * GoSysBlock? (tracev1.go looks ahead for it.) */
static void
mark_blocking_syscalls(struct gx_t1_reader *r)
{
	struct gx_u64map next = { 0 };
	size_t i;

	for (i = r->nev; i > 0; i--) {
		struct ev1 *ev = &r->ev[i - 1];
		uint32_t *slot;
		bool found;

		if (ev->type == E_GO_SYSCALL) {
			slot = gx_u64map_get(&next, ev->g);
			ev->blocked = slot != NULL && *slot == E_GO_SYS_BLOCK;
		}
		*gx_u64map_put(&next, ev->g, &found) = ev->type;
	}
	gx_u64map_free(&next);
}

static void
prepare(struct gx_t1_reader *r, struct gx_diag *d)
{
	uint64_t bad = 0;
	char msg[256];
	const char *why = NULL;
	size_t i, n;
	double freq;
	int64_t min_ts;

	r->st.valid_bytes = r->total;
	if (!decode(r, &bad, msg, sizeof(msg))) {
		warn(r, d, bad, "v1 trace is truncated or broken here: %s; kept the events before, "
		     "lost the last %" PRIu64 " of %" PRIu64 " bytes", msg, r->total - bad, r->total);
		r->st.valid_bytes = bad;
	}
	if (!merge(r, &bad, &why))
		warn(r, d, bad, "%s: kept the %zu events that could be ordered before it", why, r->nev);
	n = check_sorted(r);
	if (n < r->nev) {
		warn(r, d, r->ev[n].off, "time stamps out of order: kept the %zu events before", n);
		cut_events(r, n);
	}
	n = fix_sys_exits(r, &why);
	if (n < r->nev) {
		warn(r, d, r->ev[n].off, "%s: kept the %zu events before", why, n);
		cut_events(r, n);
	}
	stable_sort(r);
	if (r->ticks_per_sec == 0) {
		if (r->nev > 0)
			warn(r, d, r->total, "no Frequency event (the trace was not stopped, or "
			     "cut short): times are in clock ticks from the first event, not nanoseconds");
		else
			warn(r, d, r->total, "no events and no Frequency event: the trace was cut short");
		freq = 1;
	} else {
		freq = 1e9 / (double)r->ticks_per_sec;
	}
	r->gen.freq = freq;
	r->gen.has_freq = r->ticks_per_sec != 0;
	min_ts = r->nev > 0 ? r->ev[0].ts : 0;
	for (i = 0; i < r->nev; i++) {
		struct ev1 *ev = &r->ev[i];
		ev->ts = f2i((double)(int64_t)((uint64_t)ev->ts - (uint64_t)min_ts) * freq);
		if (ev->type == E_GO_UNBLOCK && gx_u64map_get(&r->timer_g, ev->g) != NULL)
			ev->p = TIMER_P;
		if (ev->type == E_GO_SYS_EXIT)
			ev->p = SYSCALL_P;
	}
	n = post_process(r, msg, sizeof(msg));
	if (n < r->nev) {
		warn(r, d, r->ev[n].off, "inconsistent trace: %s: kept the %zu events before", msg, n);
		cut_events(r, n);
	}
	build_strings(r);
	mark_blocking_syscalls(r);
	if (!r->st.truncated)
		r->st.generations = 1;
	r->st.lost_bytes = r->total - r->st.valid_bytes;
}

struct gx_t1_reader *
gx_t1_reader_new(struct gx_input *in, int version, struct gx_diag *d)
{
	struct gx_t1_reader *r = xcalloc(1, sizeof(*r));

	r->in = in;
	r->name = gx_input_name(in);
	r->version = version;
	gx_t2_gen_init(&r->gen);
	r->gen.version = version;
	r->pre_init = true;
	r->last_ts = -1;
	if (!read_all(r, d)) {
		gx_t1_reader_free(r);
		return NULL;
	}
	prepare(r, d);
	return r;
}

void
gx_t1_reader_free(struct gx_t1_reader *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nprocs; i++)
		free(r->procs[i].ev);
	free(r->procs);
	gx_u64map_free(&r->procidx);
	free(r->cpu);
	gx_u64map_free(&r->timer_g);
	free(r->inl);
	gx_u64map_free(&r->inl_idx);
	gx_t2_gen_free(&r->gen);
	free(r->ev);
	gx_u64map_free(&r->created_pre);
	gx_u64map_free(&r->seen_procs);
	gx_u64map_free(&r->proc_m_idx);
	free(r->proc_m);
	gx_u64map_free(&r->task_idx);
	free(r->tasks);
	free(r->extra);
	free(r->data);
	free(r);
}

void
gx_t1_reader_stats(const struct gx_t1_reader *r, struct gx_trace_stats *s)
{
	*s = r->st;
}

/* ------------------------------------------------------------------ */
/* Conversion (tracev1.go) */

static bool
proc_m(struct gx_t1_reader *r, int64_t p, int64_t *m)
{
	uint32_t *ix = gx_u64map_get(&r->proc_m_idx, (uint64_t)p);

	if (ix == NULL)
		return false;
	*m = r->proc_m[*ix];
	return true;
}

static void
set_proc_m(struct gx_t1_reader *r, int64_t p, int64_t m)
{
	bool found;
	uint32_t *ix = gx_u64map_put(&r->proc_m_idx, (uint64_t)p, &found);

	if (!found) {
		gx_grow(&r->proc_m, &r->capproc_m, r->nproc_m + 1, sizeof(*r->proc_m));
		*ix = (uint32_t)r->nproc_m++;
	}
	r->proc_m[*ix] = m;
}

/* The thread of p, 0 when unknown (Go's map lookup without ok). */
static int64_t
proc_m0(struct gx_t1_reader *r, int64_t p)
{
	int64_t m = 0;

	proc_m(r, p, &m);
	return m;
}

static struct gx_tev *
add_extra(struct gx_t1_reader *r)
{
	struct gx_tev *e;

	if (r->extra_head == r->nextra)
		r->extra_head = r->nextra = 0;
	gx_grow(&r->extra, &r->capextra, r->nextra + 1, sizeof(*r->extra));
	e = &r->extra[r->nextra++];
	memset(e, 0, sizeof(*e));
	e->gen = &r->gen;
	return e;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The GoStatus(Runnable) events for goroutines that existed at trace start
 * and got no other status. Go walks a map here, in random order; we go by
 * goroutine id. */
static void
flush_created_pre(struct gx_t1_reader *r, int64_t ts)
{
	uint64_t *ids = xcalloc(r->created_pre.n + 1, sizeof(*ids));
	size_t i, n = 0;

	for (i = 0; i < r->created_pre.cap; i++)
		if (r->created_pre.used[i])
			ids[n++] = r->created_pre.keys[i];
	qsort(ids, n, sizeof(*ids), cmp_u64);
	for (i = 0; i < n; i++) {
		struct gx_tev *e = add_extra(r);

		e->type = GX_EV2_GO_STATUS;
		e->ns = ts;
		e->m = e->p = e->g = GX_TNONE;
		e->args[0] = ids[i];
		e->args[1] = UINT64_MAX;
		e->args[2] = 1; /* GoRunnable */
	}
	free(ids);
	gx_u64map_free(&r->created_pre);
}

/* convertEvent: 1 with *out, 0 to skip the event, -1 on error. */
static int
convert(struct gx_t1_reader *r, const struct ev1 *ev, struct gx_tev *out, struct gx_diag *d)
{
	uint8_t t = 0;
	uint64_t a[4];
	const struct gx_t2_spec *spec;
	int64_t m = GX_TNONE, p = ev->p;
	bool found;

	memcpy(a, ev->args, sizeof(a));
	memset(out, 0, sizeof(*out));
	out->gen = &r->gen;
	out->off = ev->off;
	out->ns = ev->ts;

#define SET(...) do { uint64_t tmp_[4] = { __VA_ARGS__ }; memcpy(a, tmp_, sizeof(a)); } while (0)
	switch (ev->type) {
	case E_GOMAXPROCS:
		t = GX_EV2_PROCS_CHANGE;
		if (r->pre_init) {
			r->pre_init = false;
			flush_created_pre(r, ev->ts);
			return 0;
		}
		break;
	case E_PROC_START:
		set_proc_m(r, p, (int64_t)ev->args[0]);
		if (gx_u64map_get(&r->seen_procs, (uint64_t)p) != NULL) {
			t = GX_EV2_PROC_START;
			SET((uint64_t)p);
		} else {
			*gx_u64map_put(&r->seen_procs, (uint64_t)p, &found) = 1;
			t = GX_EV2_PROC_STATUS;
			SET((uint64_t)p, 1 /* ProcRunning */);
		}
		break;
	case E_PROC_STOP:
		if (gx_u64map_get(&r->seen_procs, (uint64_t)p) != NULL) {
			t = GX_EV2_PROC_STOP;
			SET((uint64_t)p);
		} else {
			*gx_u64map_put(&r->seen_procs, (uint64_t)p, &found) = 1;
			t = GX_EV2_PROC_STATUS;
			SET((uint64_t)p, 2 /* ProcIdle */);
		}
		break;
	case E_GC_START: t = GX_EV2_GC_BEGIN; break;
	case E_GC_DONE: t = GX_EV2_GC_END; break;
	case E_STW_START: {
		uint64_t kind = ev->args[0], reason = 0;

		if (r->version < 21)
			reason = kind == 0 || kind == 1 ? kind + 1 : 0;
		else if (kind < 17)
			reason = kind;
		r->last_stw = r->builtin_id[S_STW_UNKNOWN + reason];
		t = GX_EV2_STW_BEGIN;
		SET(r->last_stw);
		break;
	}
	case E_STW_DONE:
		t = GX_EV2_STW_END;
		SET(r->last_stw);
		break;
	case E_GC_SWEEP_START: t = GX_EV2_GC_SWEEP_BEGIN; break;
	case E_GC_SWEEP_DONE: t = GX_EV2_GC_SWEEP_END; break;
	case E_GO_CREATE:
		if (r->pre_init) {
			*gx_u64map_put(&r->created_pre, ev->args[0], &found) = 1;
			return 0;
		}
		t = GX_EV2_GO_CREATE;
		break;
	case E_GO_START:
		if (r->pre_init) {
			t = GX_EV2_GO_STATUS;
			SET(ev->args[0], UINT64_MAX, 2 /* GoRunning */);
			gx_u64map_del(&r->created_pre, ev->args[0]);
		} else {
			t = GX_EV2_GO_START;
		}
		break;
	case E_GO_START_LABEL: {
		struct gx_tev *l = add_extra(r);

		l->type = GX_EV2_GO_LABEL;
		l->ns = ev->ts;
		l->g = (int64_t)ev->g;
		l->p = p;
		l->m = proc_m0(r, p);
		l->args[0] = ev->args[2];
		out->type = GX_EV2_GO_START;
		out->g = (int64_t)ev->g;
		out->p = p;
		out->m = l->m;
		memcpy(out->args, a, sizeof(a));
		return 1;
	}
	case E_GO_END: t = GX_EV2_GO_DESTROY; break;
	case E_GO_STOP: t = GX_EV2_GO_BLOCK; SET(r->builtin_id[S_FOREVER], ev->stk); break;
	case E_GO_SCHED: t = GX_EV2_GO_STOP; SET(r->builtin_id[S_GOSCHED], ev->stk); break;
	case E_GO_PREEMPT: t = GX_EV2_GO_STOP; SET(r->builtin_id[S_PREEMPTED], ev->stk); break;
	case E_GO_SLEEP: t = GX_EV2_GO_BLOCK; SET(r->builtin_id[S_SLEEP], ev->stk); break;
	case E_GO_BLOCK: t = GX_EV2_GO_BLOCK; SET(r->builtin_id[S_EMPTY], ev->stk); break;
	case E_GO_UNBLOCK: t = GX_EV2_GO_UNBLOCK; break;
	case E_GO_BLOCK_SEND: t = GX_EV2_GO_BLOCK; SET(r->builtin_id[S_CHAN_SEND], ev->stk); break;
	case E_GO_BLOCK_RECV: t = GX_EV2_GO_BLOCK; SET(r->builtin_id[S_CHAN_RECV], ev->stk); break;
	case E_GO_BLOCK_SELECT: t = GX_EV2_GO_BLOCK; SET(r->builtin_id[S_SELECT], ev->stk); break;
	case E_GO_BLOCK_SYNC: t = GX_EV2_GO_BLOCK; SET(r->builtin_id[S_SYNC], ev->stk); break;
	case E_GO_BLOCK_COND: t = GX_EV2_GO_BLOCK; SET(r->builtin_id[S_SYNC_COND], ev->stk); break;
	case E_GO_BLOCK_NET: t = GX_EV2_GO_BLOCK; SET(r->builtin_id[S_NETWORK], ev->stk); break;
	case E_GO_BLOCK_GC: t = GX_EV2_GO_BLOCK; SET(r->builtin_id[S_MARK_ASSIST_WAIT], ev->stk); break;
	case E_GO_SYSCALL:
		if (ev->blocked) {
			t = GX_EV2_GO_SYSCALL_BEGIN;
			SET(0, ev->stk);
		} else {
			struct gx_tev *e2;

			out->type = GX_EV2_GO_SYSCALL_BEGIN;
			out->g = (int64_t)ev->g;
			out->p = p;
			out->m = proc_m0(r, p);
			out->args[1] = ev->stk;
			e2 = add_extra(r);
			e2->type = GX_EV2_GO_SYSCALL_END;
			e2->ns = (int64_t)((uint64_t)ev->ts + 1);
			e2->g = out->g;
			e2->p = out->p;
			e2->m = out->m;
			return 1;
		}
		break;
	case E_GO_SYS_EXIT: t = GX_EV2_GO_SYSCALL_END_BLOCKED; break;
	case E_GO_SYS_BLOCK: return 0;
	case E_GO_WAITING:
		t = GX_EV2_GO_STATUS;
		SET(ev->args[0], UINT64_MAX, 4 /* GoWaiting */);
		gx_u64map_del(&r->created_pre, ev->args[0]);
		break;
	case E_GO_IN_SYSCALL:
		t = GX_EV2_GO_STATUS;
		SET(ev->args[0], UINT64_MAX, 3 /* GoSyscall */);
		gx_u64map_del(&r->created_pre, ev->args[0]);
		break;
	case E_HEAP_ALLOC: t = GX_EV2_HEAP_ALLOC; break;
	case E_HEAP_GOAL: t = GX_EV2_HEAP_GOAL; break;
	case E_GC_MARK_ASSIST_START: t = GX_EV2_GC_MARK_ASSIST_BEGIN; break;
	case E_GC_MARK_ASSIST_DONE: t = GX_EV2_GC_MARK_ASSIST_END; break;
	case E_USER_TASK_CREATE: {
		uint64_t parent = ev->args[1] == 0 ? GX_TNO_TASK : ev->args[1];
		uint32_t *ix;

		t = GX_EV2_USER_TASK_BEGIN;
		SET(ev->args[0], parent, ev->args[2], ev->stk);
		ix = gx_u64map_put(&r->task_idx, ev->args[0], &found);
		if (!found) {
			gx_grow(&r->tasks, &r->captasks, r->ntasks + 1, sizeof(*r->tasks));
			*ix = (uint32_t)r->ntasks++;
		}
		r->tasks[*ix].name = ev->args[2];
		r->tasks[*ix].parent = ev->args[1];
		break;
	}
	case E_USER_TASK_END: {
		uint32_t *ix = gx_u64map_get(&r->task_idx, ev->args[0]);

		t = GX_EV2_USER_TASK_END;
		if (ix != NULL) {
			struct gx_t2_str name = { "", 0 };
			struct task1 tk = r->tasks[*ix];

			gx_u64map_del(&r->task_idx, ev->args[0]);
			gx_t2_gen_string(&r->gen, tk.name, &name);
			SET(ev->args[0], ev->args[1], tk.parent, gx_t2_gen_add_extra(&r->gen, name.s, name.len));
		} else {
			SET(ev->args[0], ev->args[1], GX_TNO_TASK, 0);
		}
		break;
	}
	case E_USER_REGION:
		if (ev->args[1] == 0)
			t = GX_EV2_USER_REGION_BEGIN;
		else if (ev->args[1] == 1)
			t = GX_EV2_USER_REGION_END;
		SET(ev->args[0], ev->args[2], ev->stk);
		break;
	case E_USER_LOG:
		t = GX_EV2_USER_LOG;
		SET(ev->args[0], ev->args[1], r->inline_base + ev->args[3], ev->stk);
		break;
	case E_CPU_SAMPLE:
		t = GX_EV2_CPU_SAMPLE;
		SET(ev->stk, UINT64_MAX, (uint64_t)(int64_t)ev->p, ev->g);
		break;
	default:
		gx_diag_add(d, GX_ERROR, r->name, GX_NOWHERE, ev->off,
		            "unexpected event type %u (%s) in a v1 trace", ev->type,
		            desc[ev->type].name);
		return -1;
	}
#undef SET
	if (t == 0) {
		/* A UserRegion with a mode other than 0 or 1 (rejected before). */
		return 0;
	}
	spec = gx_t2_spec(t);
	if (desc[ev->type].stack && spec != NULL && spec->stack_arg[0] != 0)
		a[spec->stack_arg[0] - 1] = ev->stk;
	if (p != -1 && ev->type != E_CPU_SAMPLE)
		proc_m(r, p, &m);
	if (ev->type == E_PROC_STOP)
		gx_u64map_del(&r->proc_m_idx, (uint64_t)p);
	out->type = t;
	out->m = m;
	out->p = p;
	out->g = ev->g == 0 ? GX_TNONE : (int64_t)ev->g;
	memcpy(out->args, a, sizeof(a));
	return 1;
}

/* traceV1Converter.next: 1, 0 at the end, -1 on error. */
static int
conv_next(struct gx_t1_reader *r, struct gx_tev *out, struct gx_diag *d)
{
	for (;;) {
		int rc;

		if (r->extra_head < r->nextra) {
			*out = r->extra[r->extra_head++];
		} else {
			if (r->pos >= r->nev)
				return 0;
			rc = convert(r, &r->ev[r->pos++], out, d);
			if (rc < 0)
				return -1;
			if (rc == 0)
				continue;
		}
		if (out->ns <= r->last_ts)
			out->ns = r->last_ts + 1;
		r->last_ts = out->ns;
		return 1;
	}
}

static void
sync_event(struct gx_t1_reader *r, struct gx_tev *ev, int64_t ts, bool table)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = GX_EV2_SYNC_SYNTH;
	ev->ns = ts;
	ev->m = ev->p = ev->g = GX_TNONE;
	ev->args[0] = ++r->syncs;
	ev->gen = table ? &r->gen : NULL;
}

int
gx_t1_reader_next(struct gx_t1_reader *r, struct gx_tev *ev, struct gx_diag *d)
{
	int rc;

	if (r->done)
		return r->final_rc;
	if (r->syncs == 0 && r->nev > 0) {
		sync_event(r, ev, (int64_t)((uint64_t)r->ev[0].ts - 1), true);
		r->st.events++;
		return 1;
	}
	rc = conv_next(r, ev, d);
	if (rc == 0) {
		r->done = true;
		r->final_rc = 0;
		sync_event(r, ev, (int64_t)((uint64_t)r->last_ts + 1), false);
		r->st.events++;
		return 1;
	}
	if (rc < 0) {
		r->done = true;
		r->final_rc = -1;
		return -1;
	}
	r->st.events++;
	return 1;
}
