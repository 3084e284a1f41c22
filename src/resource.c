/* resource: what a goroutine waits on, from its wait reason and frames.
 *
 * The reason the runtime printed ("chan receive", "sync.Mutex.Lock", ...)
 * gives the kind of wait; "semacquire", an empty reason and "leaked" are
 * refined from the frame names. The object's address comes from the
 * arguments of the frames that name it (goroutine-dump-format.md §9.2):
 *
 *   runtime.chanrecv/chanrecv1/chanrecv2, chansend/chansend1  c (arg 0)
 *   internal/sync.(*Mutex).lockSlow, sync.(*Mutex).Lock       m (receiver)
 *   runtime.semacquire1(addr), *runtime_Semacquire*(addr)     the semaphore:
 *       mutex m+4, RWMutex readerSem rw+12, writerSem rw+8, WaitGroup wg+8
 *   sync.(*RWMutex).RLock/Lock, sync.(*WaitGroup).Wait,
 *   sync.(*Cond).Wait                                         receiver
 *   sync.runtime_notifyListWait(&c.notify)                    c+16
 *
 * An argument printed with '?' may be stale and is never used; neither is
 * "(...)" (inlined) nor "{...}" (an aggregate). Only the frames before the
 * first user frame are looked at, so a user function's own arguments are
 * never mistaken for the object. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "gotrex/gofunc.h"
#include "gotrex/store.h"
#include "gotrex/util.h"
#include "gotrex/waitgraph.h"
#include "waitgraph_impl.h"

/* Field offsets (64-bit layouts, §9.2). */
#define MUTEX_SEMA_OFF     4
#define RW_WRITERSEM_OFF   8
#define RW_READERSEM_OFF  12
#define WG_SEMA_OFF        8
#define COND_NOTIFY_OFF   16

/* Frames looked at for the object before giving up. */
#define SCAN_FRAMES 16

static const char *const wait_names[GX_WAIT_KIND_COUNT] = {
	[GX_WAIT_NONE] = "none",
	[GX_WAIT_SLEEP] = "sleep",
	[GX_WAIT_IO] = "io",
	[GX_WAIT_SYSTEM] = "system",
	[GX_WAIT_CHAN_RECV] = "chan receive",
	[GX_WAIT_CHAN_SEND] = "chan send",
	[GX_WAIT_SELECT] = "select",
	[GX_WAIT_NIL_CHAN] = "nil chan",
	[GX_WAIT_SELECT_NONE] = "select (no cases)",
	[GX_WAIT_MUTEX] = "mutex",
	[GX_WAIT_RLOCK] = "rwmutex rlock",
	[GX_WAIT_WLOCK] = "rwmutex lock",
	[GX_WAIT_WAITGROUP] = "waitgroup",
	[GX_WAIT_COND] = "cond",
	[GX_WAIT_SEMA] = "semaphore",
	[GX_WAIT_OTHER] = "other",
};

const char *
gx_wait_kind_name(enum gx_wait_kind k)
{
	return (unsigned)k < GX_WAIT_KIND_COUNT ? wait_names[k] : "?";
}

static const char *const res_names[GX_RES_KIND_COUNT] = {
	[GX_RES_CHAN] = "channel",
	[GX_RES_SELECT] = "select",
	[GX_RES_MUTEX] = "mutex",
	[GX_RES_RW_READERS] = "RWMutex",
	[GX_RES_RW_WRITER] = "RWMutex",
	[GX_RES_WAITGROUP] = "WaitGroup",
	[GX_RES_COND] = "Cond",
	[GX_RES_SEMA] = "semaphore",
	[GX_RES_OTHER] = "unknown object",
};

const char *
gx_res_kind_name(enum gx_res_kind k)
{
	return (unsigned)k < GX_RES_KIND_COUNT ? res_names[k] : "?";
}

enum gx_res_kind
gx_wg_res_kind(enum gx_wait_kind k)
{
	switch (k) {
	case GX_WAIT_CHAN_RECV:
	case GX_WAIT_CHAN_SEND: return GX_RES_CHAN;
	case GX_WAIT_SELECT: return GX_RES_SELECT;
	case GX_WAIT_MUTEX: return GX_RES_MUTEX;
	case GX_WAIT_RLOCK: return GX_RES_RW_READERS;
	case GX_WAIT_WLOCK: return GX_RES_RW_WRITER;
	case GX_WAIT_WAITGROUP: return GX_RES_WAITGROUP;
	case GX_WAIT_COND: return GX_RES_COND;
	case GX_WAIT_SEMA: return GX_RES_SEMA;
	case GX_WAIT_OTHER: return GX_RES_OTHER;
	default: return GX_RES_KIND_COUNT;
	}
}

/* ------------------------------------------------------------------ */
/* Argument lists */

size_t
gx_args_parse(const char *s, size_t n, struct gx_arg *out, size_t max)
{
	size_t i = 0, got = 0;
	unsigned depth = 0, top = 0;

	if (s == NULL)
		return 0;
	if (n > 0 && s[0] == '(')
		i = 1;
	while (i < n && got < max) {
		char c = s[i];

		if (c == '{') {
			depth++;
			i++;
		} else if (c == '}') {
			if (depth > 0)
				depth--;
			i++;
		} else if (c == ',') {
			if (depth == 0 && top < UINT16_MAX)
				top++;
			i++;
		} else if (c == ')' && depth == 0) {
			break;
		} else if (c == '0' && i + 1 < n && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
			uint64_t v = 0;
			size_t j = i + 2, digits = 0;
			bool overflow = false;
			int h;

			while (j < n && (h = gx_hexval(s[j])) >= 0) {
				if (v >> 60)
					overflow = true;
				v = (v << 4) | (uint64_t)h;
				j++;
				digits++;
			}
			if (digits > 0 && !overflow) {
				out[got].value = v;
				out[got].top = (uint16_t)top;
				out[got].depth = depth > 255 ? 255 : (uint8_t)depth;
				out[got].inaccurate = j < n && s[j] == '?';
				got++;
			}
			i = j > i + 2 ? j : i + 2;
		} else {
			i++;
		}
	}
	return got;
}

/* The first argument of frame f if it is printed, top-level and accurate. */
static bool
first_arg(const struct gx_store *s, const struct gx_frame_rec *f, uint64_t *v)
{
	size_t n;
	const char *a = gx_store_str(s, f->args, &n);
	struct gx_arg w[2];

	if (n == 0 || (f->flags & GX_FRAME_INLINED))
		return false;
	if (gx_args_parse(a, n, w, 1) != 1)
		return false;
	if (w[0].top != 0 || w[0].depth != 0 || w[0].inaccurate || w[0].value == 0)
		return false;
	*v = w[0].value;
	return true;
}

/* ------------------------------------------------------------------ */
/* Frame names */

static bool
eq(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	return n == k && memcmp(s, lit, k) == 0;
}

static bool
ends(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	return n >= k && memcmp(s + n - k, lit, k) == 0;
}

static bool
starts(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	return n >= k && memcmp(s, lit, k) == 0;
}

bool
gx_wg_user_frame(const struct gx_store *s, const struct gx_frame_rec *f)
{
	size_t n;
	const char *fn;

	if (f == NULL || (f->flags & (GX_FRAME_CREATED_BY | GX_FRAME_ELIDED)))
		return false;
	fn = gx_store_str(s, f->func, &n);
	return n > 0 && !gx_func_is_plumbing(fn, n);
}

bool
gx_wg_wrapper_frame(const struct gx_store *s, const struct gx_frame_rec *f)
{
	size_t n, i;
	const char *fn = gx_store_str(s, f->func, &n);
	static const char *const wraps[] = { ".gowrap", ".deferwrap" };

	/* "...gowrapN" at the end of the name. */
	i = n;
	while (i > 0 && fn[i - 1] >= '0' && fn[i - 1] <= '9')
		i--;
	for (size_t k = 0; k < GX_ARRAY_SIZE(wraps); k++)
		if (ends(fn, i, wraps[k]))
			return true;
	return false;
}

bool
gx_wg_go_wrapper(const struct gx_store *s, const struct gx_goroutine_rec *g,
                 const struct gx_frame_rec *f)
{
	const struct gx_frame_rec *c;
	size_t n;
	const char *fn;

	if (gx_wg_wrapper_frame(s, f))
		return true;
	/* Before Go 1.22 the wrapper of `go f(x)` is "caller.funcN", at the
	 * file and line of the go statement, as the created-by frame is;
	 * level-1 tracebacks hide it, level 2 shows it. */
	if (g == NULL || gx_store_stack_depth(s, g->create_stack) == 0)
		return false;
	c = gx_store_stack_frame(s, g->create_stack, 0);
	if (c == NULL || c->file != f->file || c->line != f->line || f->line == 0)
		return false;
	fn = gx_store_str(s, f->func, &n);
	for (size_t i = 0; i + 5 < n; i++)
		if (memcmp(fn + i, ".func", 5) == 0)
			return true;
	return false;
}

/* What the wait reason says. GX_WAIT_KIND_COUNT: look at the frames. */
static enum gx_wait_kind
from_reason(const char *r, size_t n)
{
	static const char *const system[] = {
		"GC ", "garbage collection", "wait for GC cycle", "finalizer wait",
		"cleanup wait", "force gc (idle)", "GOMAXPROCS updater", "timer goroutine",
		"trace ", "page trace flush", "flushing proc caches", "dumping heap",
		"panicwait", "debug call", "stopping the world", "preempted", "idle",
		"mark wait", "Concurrent GC wait", "copystack", "waiting for cgo callback",
		/* execution traces' block reasons (runtime/traceruntime.go) */
		"system goroutine wait", "wait until GC ends", "wait for debug call",
	};

	if (eq(r, n, "IO wait") || eq(r, n, "network"))
		return GX_WAIT_IO;
	if (eq(r, n, "sleep"))
		return GX_WAIT_SLEEP;
	if (eq(r, n, "chan receive (nil chan)") || eq(r, n, "chan send (nil chan)"))
		return GX_WAIT_NIL_CHAN;
	if (eq(r, n, "select (no cases)"))
		return GX_WAIT_SELECT_NONE;
	if (starts(r, n, "chan receive"))
		return GX_WAIT_CHAN_RECV;
	if (starts(r, n, "chan send"))
		return GX_WAIT_CHAN_SEND;
	if (starts(r, n, "select"))
		return GX_WAIT_SELECT;
	if (eq(r, n, "sync.Mutex.Lock"))
		return GX_WAIT_MUTEX;
	if (eq(r, n, "sync.RWMutex.RLock"))
		return GX_WAIT_RLOCK;
	if (eq(r, n, "sync.RWMutex.Lock"))
		return GX_WAIT_WLOCK;
	if (starts(r, n, "sync.WaitGroup.Wait"))
		return GX_WAIT_WAITGROUP;
	if (eq(r, n, "sync.Cond.Wait") || eq(r, n, "sync.(*Cond).Wait"))
		return GX_WAIT_COND;
	for (size_t i = 0; i < GX_ARRAY_SIZE(system); i++)
		if (starts(r, n, system[i]))
			return GX_WAIT_SYSTEM;
	if (starts(r, n, "synctest.") || eq(r, n, "coroutine"))
		return GX_WAIT_OTHER;
	return GX_WAIT_KIND_COUNT; /* semacquire, "", "waiting", leaked, unknown */
}

/* Refine from the frame names, innermost first. */
static enum gx_wait_kind
from_frames(const struct gx_store *s, gx_stack st)
{
	size_t depth = gx_store_stack_depth(s, st);

	for (size_t i = 0; i < depth && i < SCAN_FRAMES; i++) {
		const struct gx_frame_rec *f = gx_store_stack_frame(s, st, i);
		size_t n;
		const char *fn;

		if (f == NULL)
			continue;
		fn = gx_store_str(s, f->func, &n);
		if (ends(fn, n, "(*Mutex).lockSlow") || eq(fn, n, "sync.(*Mutex).Lock"))
			return GX_WAIT_MUTEX;
		if (eq(fn, n, "sync.(*RWMutex).RLock") || eq(fn, n, "sync.runtime_SemacquireRWMutexR"))
			return GX_WAIT_RLOCK;
		if (eq(fn, n, "sync.(*RWMutex).Lock") || eq(fn, n, "sync.runtime_SemacquireRWMutex"))
			return GX_WAIT_WLOCK;
		if (eq(fn, n, "sync.(*WaitGroup).Wait"))
			return GX_WAIT_WAITGROUP;
		if (eq(fn, n, "sync.(*Cond).Wait") || ends(fn, n, "notifyListWait"))
			return GX_WAIT_COND;
		if (eq(fn, n, "runtime.chanrecv") || eq(fn, n, "runtime.chanrecv1") ||
		    eq(fn, n, "runtime.chanrecv2"))
			return GX_WAIT_CHAN_RECV;
		if (eq(fn, n, "runtime.chansend") || eq(fn, n, "runtime.chansend1"))
			return GX_WAIT_CHAN_SEND;
		if (eq(fn, n, "runtime.selectgo"))
			return GX_WAIT_SELECT;
		if (eq(fn, n, "runtime.block"))
			return GX_WAIT_SELECT_NONE;
		if (starts(fn, n, "internal/poll."))
			return GX_WAIT_IO;
		if (eq(fn, n, "time.Sleep"))
			return GX_WAIT_SLEEP;
		if (gx_wg_user_frame(s, f))
			break;
	}
	return GX_WAIT_KIND_COUNT;
}

/* The object's address from the frames, for wait kind k. */
static void
find_addr(const struct gx_store *s, gx_stack st, enum gx_wait_kind k, struct gx_wg_goroutine *out)
{
	size_t depth = gx_store_stack_depth(s, st);

	for (size_t i = 0; i < depth && i < SCAN_FRAMES; i++) {
		const struct gx_frame_rec *f = gx_store_stack_frame(s, st, i);
		size_t n;
		const char *fn;
		uint64_t v, a = 0;
		uint8_t src = GX_ADDR_ARG;

		if (f == NULL)
			continue;
		if (gx_wg_user_frame(s, f))
			break;
		fn = gx_store_str(s, f->func, &n);
		if (!first_arg(s, f, &v))
			continue;
		switch (k) {
		case GX_WAIT_CHAN_RECV:
			if (eq(fn, n, "runtime.chanrecv") || eq(fn, n, "runtime.chanrecv1") ||
			    eq(fn, n, "runtime.chanrecv2"))
				a = v;
			break;
		case GX_WAIT_CHAN_SEND:
			if (eq(fn, n, "runtime.chansend") || eq(fn, n, "runtime.chansend1"))
				a = v;
			break;
		case GX_WAIT_MUTEX:
			if (ends(fn, n, "(*Mutex).lockSlow") || eq(fn, n, "sync.(*Mutex).Lock")) {
				a = v;
				src = GX_ADDR_RECEIVER;
			} else if (eq(fn, n, "runtime.semacquire1") || ends(fn, n, "runtime_SemacquireMutex")) {
				if (v >= MUTEX_SEMA_OFF)
					a = v - MUTEX_SEMA_OFF;
				src = GX_ADDR_SEMA;
			}
			break;
		case GX_WAIT_RLOCK:
			if (eq(fn, n, "sync.(*RWMutex).RLock")) {
				a = v;
				src = GX_ADDR_RECEIVER;
			} else if (eq(fn, n, "runtime.semacquire1") ||
			           eq(fn, n, "sync.runtime_SemacquireRWMutexR") ||
			           eq(fn, n, "sync.runtime_SemacquireMutex")) {
				if (v >= RW_READERSEM_OFF)
					a = v - RW_READERSEM_OFF;
				src = GX_ADDR_SEMA;
			}
			break;
		case GX_WAIT_WLOCK:
			if (eq(fn, n, "sync.(*RWMutex).Lock")) {
				a = v;
				src = GX_ADDR_RECEIVER;
			} else if (eq(fn, n, "runtime.semacquire1") ||
			           eq(fn, n, "sync.runtime_SemacquireRWMutex") ||
			           eq(fn, n, "sync.runtime_SemacquireMutex")) {
				if (v >= RW_WRITERSEM_OFF)
					a = v - RW_WRITERSEM_OFF;
				src = GX_ADDR_SEMA;
			}
			break;
		case GX_WAIT_WAITGROUP:
			if (eq(fn, n, "sync.(*WaitGroup).Wait")) {
				a = v;
				src = GX_ADDR_RECEIVER;
			} else if (eq(fn, n, "runtime.semacquire1") ||
			           eq(fn, n, "sync.runtime_SemacquireWaitGroup") ||
			           eq(fn, n, "sync.runtime_Semacquire")) {
				if (v >= WG_SEMA_OFF)
					a = v - WG_SEMA_OFF;
				src = GX_ADDR_SEMA;
			}
			break;
		case GX_WAIT_COND:
			if (eq(fn, n, "sync.(*Cond).Wait")) {
				a = v;
				src = GX_ADDR_RECEIVER;
			} else if (ends(fn, n, "notifyListWait")) {
				if (v >= COND_NOTIFY_OFF)
					a = v - COND_NOTIFY_OFF;
				src = GX_ADDR_SEMA;
			}
			break;
		default:
			return;
		}
		if (a != 0) {
			out->addr = a;
			out->addr_src = src;
			out->wait_frame = (uint32_t)i;
			return;
		}
	}
}

bool
gx_wg_frames_all(const struct gx_store *s, gx_stack st, size_t limit,
                 bool (*is)(const char *func, size_t n), size_t *seen)
{
	size_t depth = gx_store_stack_depth(s, st);

	*seen = 0;
	for (size_t i = 0; i < depth && i < limit; i++) {
		const struct gx_frame_rec *f = gx_store_stack_frame(s, st, i);
		size_t n;
		const char *fn;

		if (f == NULL || (f->flags & (GX_FRAME_CREATED_BY | GX_FRAME_ELIDED)))
			continue;
		fn = gx_store_str(s, f->func, &n);
		if (!is(fn, n))
			return false;
		(*seen)++;
	}
	return true;
}

/* The runtime's own code, but not internal/poll or internal/sync, whose
 * semaphores are locks of the user's objects. */
static bool
runtime_not_sema_user(const char *fn, size_t n)
{
	return gx_func_is_runtime(fn, n) && !starts(fn, n, "internal/poll.") &&
	       !starts(fn, n, "internal/sync.");
}

/* A "semacquire" wait with no frame of a semaphore user (sync,
 * internal/sync, internal/poll's fd lock) between the top of the stack
 * and its first user frame: a semaphore of the runtime itself, such as
 * the GC's or the one that stops the world, which the goroutine taking a
 * dump holds while it writes it. A dump hides those runtime frames, so
 * the user frame (the allocation that starts a GC) is on top. */
static bool
runtime_sema(const struct gx_store *s, gx_stack st, uint32_t site)
{
	size_t seen;

	return gx_wg_frames_all(s, st, site, runtime_not_sema_user, &seen);
}

/* A stack made only of runtime frames: a goroutine the runtime started
 * (a trace does not always say so: one that was runnable when tracing
 * began has no stack until it runs). */
static bool
runtime_only(const struct gx_store *s, gx_stack st)
{
	size_t seen;

	return gx_wg_frames_all(s, st, SIZE_MAX, gx_func_is_runtime, &seen) && seen > 0;
}

void
gx_wg_classify(const struct gx_store *s, const struct gx_goroutine_rec *g,
               struct gx_wg_goroutine *out)
{
	size_t n, depth;
	const char *r = gx_store_str(s, g->reason, &n);
	enum gx_wait_kind k;

	out->kind = GX_WAIT_NONE;
	out->addr = 0;
	out->addr_src = GX_ADDR_NONE;
	out->site_frame = GX_NONE32;
	out->wait_frame = GX_NONE32;
	out->possible_timer = false;
	out->opaque = false;
	out->undetermined = GX_UND_NONE;

	depth = gx_store_stack_depth(s, g->stack);
	for (size_t i = 0; i < depth; i++) {
		if (gx_wg_user_frame(s, gx_store_stack_frame(s, g->stack, i))) {
			out->site_frame = (uint32_t)i;
			break;
		}
	}

	if (g->state != GX_G_WAITING && !(g->flags & GX_G_LEAKED))
		return;
	/* The runtime's own goroutines (forcegc, sweeper, scavenger,
	 * finalizers, trace helpers) never take part in a user's deadlock;
	 * a trace gives them plain reasons ("chan receive", or none when
	 * they were already parked when tracing began). */
	if ((g->flags & GX_G_SYSTEM) || runtime_only(s, g->stack)) {
		out->kind = GX_WAIT_SYSTEM;
		return;
	}
	/* Blocked since before a trace began, never seen again, and the
	 * trace (Go 1.22) gave neither a stack nor a reason: nothing to
	 * judge it by. */
	if (n == 0 && depth == 0) {
		out->kind = GX_WAIT_OTHER;
		out->opaque = true;
		return;
	}
	k = from_reason(r, n);
	if (k == GX_WAIT_KIND_COUNT)
		k = from_frames(s, g->stack);
	/* A trace's "forever": a nil channel or select {}. */
	if (eq(r, n, "forever")) {
		if (k == GX_WAIT_CHAN_RECV || k == GX_WAIT_CHAN_SEND)
			k = GX_WAIT_NIL_CHAN;
		else if (k == GX_WAIT_SELECT || k == GX_WAIT_KIND_COUNT)
			k = GX_WAIT_SELECT_NONE;
	}
	if (k == GX_WAIT_KIND_COUNT)
		k = eq(r, n, "semacquire") ? GX_WAIT_SEMA : GX_WAIT_OTHER;
	if (k == GX_WAIT_SEMA && runtime_sema(s, g->stack, out->site_frame))
		k = GX_WAIT_SYSTEM;
	out->kind = (uint8_t)k;
	find_addr(s, g->stack, k, out);

	/* A receive (or select) in a function that takes no arguments: the
	 * channel was made inside it, is a global, or comes from a timer
	 * (time.Ticker/Timer/After), which nothing in a dump can show. */
	if ((k == GX_WAIT_CHAN_RECV || k == GX_WAIT_SELECT) && out->site_frame != GX_NONE32) {
		const struct gx_frame_rec *f = gx_store_stack_frame(s, g->stack, out->site_frame);
		size_t an;
		const char *a = f ? gx_store_str(s, f->args, &an) : NULL;

		if (f != NULL && !(f->flags & GX_FRAME_INLINED) && a != NULL &&
		    (eq(a, an, "()") || (an == 0 && f->args != 0)))
			out->possible_timer = true;
	}
}
