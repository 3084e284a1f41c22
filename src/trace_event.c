/* trace_event: the views of an ordered trace event, and Go's
 * Event.String() text for it (src/internal/trace/event.go, resources.go,
 * value.go). */
#include "config.h"

#include "gotrex/trace_event.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gotrex/text.h"

static const char *const kind_names[GX_TEV_KIND_COUNT] = {
	[GX_TEV_BAD] = "Bad",
	[GX_TEV_SYNC] = "Sync",
	[GX_TEV_METRIC] = "Metric",
	[GX_TEV_LABEL] = "Label",
	[GX_TEV_STACK_SAMPLE] = "StackSample",
	[GX_TEV_RANGE_BEGIN] = "RangeBegin",
	[GX_TEV_RANGE_ACTIVE] = "RangeActive",
	[GX_TEV_RANGE_END] = "RangeEnd",
	[GX_TEV_TASK_BEGIN] = "TaskBegin",
	[GX_TEV_TASK_END] = "TaskEnd",
	[GX_TEV_REGION_BEGIN] = "RegionBegin",
	[GX_TEV_REGION_END] = "RegionEnd",
	[GX_TEV_LOG] = "Log",
	[GX_TEV_STATE_TRANSITION] = "StateTransition",
	[GX_TEV_EXPERIMENTAL] = "Experimental",
};

const char *
gx_tev_kind_name(enum gx_tev_kind k)
{
	if ((unsigned)k >= GX_TEV_KIND_COUNT)
		return kind_names[0];
	return kind_names[k];
}

const char *
gx_tgo_state_name(unsigned s)
{
	static const char *const n[] = { "Undetermined", "NotExist", "Runnable", "Running", "Waiting", "Syscall" };

	return s < GX_ARRAY_SIZE(n) ? n[s] : "Bad";
}

const char *
gx_tproc_state_name(unsigned s)
{
	static const char *const n[] = { "Undetermined", "NotExist", "Running", "Idle" };

	return s < GX_ARRAY_SIZE(n) ? n[s] : "Bad";
}

enum gx_tev_kind
gx_tev_kind(const struct gx_tev *e)
{
	switch (e->type) {
	case GX_EV2_SYNC_SYNTH: return GX_TEV_SYNC;
	case GX_EV2_CPU_SAMPLE: return GX_TEV_STACK_SAMPLE;
	case GX_EV2_PROCS_CHANGE: case GX_EV2_HEAP_ALLOC: case GX_EV2_HEAP_GOAL:
		return GX_TEV_METRIC;
	case GX_EV2_PROC_START: case GX_EV2_PROC_STOP: case GX_EV2_PROC_STEAL:
	case GX_EV2_PROC_STATUS: case GX_EV2_GO_CREATE: case GX_EV2_GO_CREATE_SYSCALL:
	case GX_EV2_GO_START: case GX_EV2_GO_DESTROY: case GX_EV2_GO_DESTROY_SYSCALL:
	case GX_EV2_GO_STOP: case GX_EV2_GO_BLOCK: case GX_EV2_GO_UNBLOCK:
	case GX_EV2_GO_SYSCALL_BEGIN: case GX_EV2_GO_SYSCALL_END:
	case GX_EV2_GO_SYSCALL_END_BLOCKED: case GX_EV2_GO_STATUS:
	case GX_EV2_GO_SWITCH: case GX_EV2_GO_SWITCH_DESTROY:
	case GX_EV2_GO_CREATE_BLOCKED: case GX_EV2_GO_STATUS_STACK:
		return GX_TEV_STATE_TRANSITION;
	case GX_EV2_STW_BEGIN: case GX_EV2_GC_BEGIN: case GX_EV2_GC_SWEEP_BEGIN:
	case GX_EV2_GC_MARK_ASSIST_BEGIN:
		return GX_TEV_RANGE_BEGIN;
	case GX_EV2_GC_ACTIVE: case GX_EV2_GC_SWEEP_ACTIVE: case GX_EV2_GC_MARK_ASSIST_ACTIVE:
		return GX_TEV_RANGE_ACTIVE;
	case GX_EV2_STW_END: case GX_EV2_GC_END: case GX_EV2_GC_SWEEP_END:
	case GX_EV2_GC_MARK_ASSIST_END:
		return GX_TEV_RANGE_END;
	case GX_EV2_GO_LABEL: return GX_TEV_LABEL;
	case GX_EV2_USER_TASK_BEGIN: return GX_TEV_TASK_BEGIN;
	case GX_EV2_USER_TASK_END: return GX_TEV_TASK_END;
	case GX_EV2_USER_REGION_BEGIN: return GX_TEV_REGION_BEGIN;
	case GX_EV2_USER_REGION_END: return GX_TEV_REGION_END;
	case GX_EV2_USER_LOG: return GX_TEV_LOG;
	}
	if (e->type >= GX_EV2_SPAN && e->type < GX_EV2_MAX_EXPERIMENTAL)
		return GX_TEV_EXPERIMENTAL;
	return GX_TEV_BAD;
}

struct gx_t2_str
gx_tev_string(const struct gx_tev *e, uint64_t id)
{
	struct gx_t2_str s = { "", 0 };

	if (e->gen != NULL)
		gx_t2_gen_string(e->gen, id, &s);
	return s;
}

uint64_t
gx_tev_stack(const struct gx_tev *e)
{
	const struct gx_t2_spec *spec;

	if (e->type == GX_EV2_SYNC_SYNTH)
		return 0;
	if (e->type == GX_EV2_CPU_SAMPLE)
		return e->args[0];
	spec = gx_t2_spec(e->type);
	if (spec == NULL || spec->stack_arg[0] == 0)
		return 0;
	return e->args[spec->stack_arg[0] - 1];
}

size_t
gx_tev_stack_depth(const struct gx_tev *e, uint64_t stack)
{
	const uint64_t *pcs;
	size_t n;

	if (e->gen == NULL || !gx_t2_gen_stack(e->gen, stack, &pcs, &n))
		return 0;
	return n;
}

bool
gx_tev_stack_frame(const struct gx_tev *e, uint64_t stack, size_t i, struct gx_tev_frame *f)
{
	const uint64_t *pcs;
	const struct gx_t2_frame *fr;
	size_t n;

	if (e->gen == NULL || !gx_t2_gen_stack(e->gen, stack, &pcs, &n) || i >= n)
		return false;
	fr = gx_t2_gen_frame(e->gen, pcs[i]);
	f->pc = pcs[i];
	f->line = 0;
	f->func.s = f->file.s = "";
	f->func.len = f->file.len = 0;
	if (fr == NULL)
		return true;
	f->line = fr->line;
	gx_t2_gen_string(e->gen, fr->func, &f->func);
	gx_t2_gen_string(e->gen, fr->file, &f->file);
	return true;
}

static void
go_tr(struct gx_tev_transition *t, int64_t id, unsigned from, unsigned to)
{
	t->res = GX_TRES_GOROUTINE;
	t->id = id;
	t->from = from;
	t->to = to;
}

static void
proc_tr(struct gx_tev_transition *t, int64_t id, unsigned from, unsigned to)
{
	t->res = GX_TRES_PROC;
	t->id = id;
	t->from = from;
	t->to = to;
}

/* Wire status -> public state. */
static unsigned
go_state(uint64_t status)
{
	static const uint8_t m[] = { GX_TGO_UNDETERMINED, GX_TGO_RUNNABLE, GX_TGO_RUNNING,
	                             GX_TGO_SYSCALL, GX_TGO_WAITING };

	return status < GX_ARRAY_SIZE(m) ? m[status] : GX_TGO_UNDETERMINED;
}

static unsigned
proc_state(uint64_t status)
{
	static const uint8_t m[] = { GX_TPROC_UNDETERMINED, GX_TPROC_RUNNING, GX_TPROC_IDLE,
	                             GX_TPROC_RUNNING, GX_TPROC_IDLE };

	return status < GX_ARRAY_SIZE(m) ? m[status] : GX_TPROC_UNDETERMINED;
}

bool
gx_tev_transition(const struct gx_tev *e, struct gx_tev_transition *t)
{
	memset(t, 0, sizeof(*t));
	t->reason.s = "";
	switch (e->type) {
	case GX_EV2_PROC_START:
		proc_tr(t, (int64_t)e->args[0], GX_TPROC_IDLE, GX_TPROC_RUNNING);
		break;
	case GX_EV2_PROC_STOP:
		proc_tr(t, e->p, GX_TPROC_RUNNING, GX_TPROC_IDLE);
		break;
	case GX_EV2_PROC_STEAL:
		/* args[3]: the status the P was stolen from (4 = abandoned). */
		proc_tr(t, (int64_t)e->args[0], e->args[3] == 4 ? GX_TPROC_IDLE : GX_TPROC_RUNNING,
		        GX_TPROC_IDLE);
		break;
	case GX_EV2_PROC_STATUS:
		proc_tr(t, (int64_t)e->args[0], (unsigned)e->args[2], proc_state(e->args[1]));
		break;
	case GX_EV2_GO_CREATE:
	case GX_EV2_GO_CREATE_BLOCKED:
		go_tr(t, (int64_t)e->args[0], GX_TGO_NOTEXIST,
		      e->type == GX_EV2_GO_CREATE_BLOCKED ? GX_TGO_WAITING : GX_TGO_RUNNABLE);
		t->stack = e->args[1];
		break;
	case GX_EV2_GO_CREATE_SYSCALL:
		go_tr(t, (int64_t)e->args[0], GX_TGO_NOTEXIST, GX_TGO_SYSCALL);
		break;
	case GX_EV2_GO_START:
		go_tr(t, (int64_t)e->args[0], GX_TGO_RUNNABLE, GX_TGO_RUNNING);
		break;
	case GX_EV2_GO_DESTROY:
		go_tr(t, e->g, GX_TGO_RUNNING, GX_TGO_NOTEXIST);
		break;
	case GX_EV2_GO_DESTROY_SYSCALL:
		go_tr(t, e->g, GX_TGO_SYSCALL, GX_TGO_NOTEXIST);
		break;
	case GX_EV2_GO_STOP:
	case GX_EV2_GO_BLOCK:
		go_tr(t, e->g, GX_TGO_RUNNING, e->type == GX_EV2_GO_STOP ? GX_TGO_RUNNABLE : GX_TGO_WAITING);
		t->reason = gx_tev_string(e, e->args[0]);
		t->stack = gx_tev_stack(e);
		break;
	case GX_EV2_GO_UNBLOCK:
	case GX_EV2_GO_SWITCH:
	case GX_EV2_GO_SWITCH_DESTROY:
		go_tr(t, (int64_t)e->args[0], GX_TGO_WAITING, GX_TGO_RUNNABLE);
		break;
	case GX_EV2_GO_SYSCALL_BEGIN:
		go_tr(t, e->g, GX_TGO_RUNNING, GX_TGO_SYSCALL);
		t->stack = gx_tev_stack(e);
		break;
	case GX_EV2_GO_SYSCALL_END:
		go_tr(t, e->g, GX_TGO_SYSCALL, GX_TGO_RUNNING);
		break;
	case GX_EV2_GO_SYSCALL_END_BLOCKED:
		go_tr(t, e->g, GX_TGO_SYSCALL, GX_TGO_RUNNABLE);
		break;
	case GX_EV2_GO_STATUS:
	case GX_EV2_GO_STATUS_STACK:
		go_tr(t, (int64_t)e->args[0], (unsigned)(e->args[2] >> 32),
		      go_state(e->args[2] & 0xffffffffu));
		t->stack = gx_tev_stack(e);
		break;
	default:
		return false;
	}
	return true;
}

bool
gx_tev_range(const struct gx_tev *e, struct gx_tev_range *r)
{
	memset(r, 0, sizeof(*r));
	r->stw_kind.s = "";
	switch (e->type) {
	case GX_EV2_STW_BEGIN:
	case GX_EV2_STW_END:
		r->name = "stop-the-world";
		r->stw_kind = gx_tev_string(e, e->args[0]);
		r->scope = GX_TRES_GOROUTINE;
		r->scope_id = e->g;
		return true;
	case GX_EV2_GC_BEGIN:
	case GX_EV2_GC_ACTIVE:
	case GX_EV2_GC_END:
		r->name = "GC concurrent mark phase";
		r->scope = GX_TRES_NONE;
		return true;
	case GX_EV2_GC_SWEEP_BEGIN:
	case GX_EV2_GC_SWEEP_ACTIVE:
	case GX_EV2_GC_SWEEP_END:
		r->name = "GC incremental sweep";
		r->scope = GX_TRES_PROC;
		r->scope_id = e->type == GX_EV2_GC_SWEEP_ACTIVE ? (int64_t)e->args[0] : e->p;
		return true;
	case GX_EV2_GC_MARK_ASSIST_BEGIN:
	case GX_EV2_GC_MARK_ASSIST_ACTIVE:
	case GX_EV2_GC_MARK_ASSIST_END:
		r->name = "GC mark assist";
		r->scope = GX_TRES_GOROUTINE;
		r->scope_id = e->type == GX_EV2_GC_MARK_ASSIST_ACTIVE ? (int64_t)e->args[0] : e->g;
		return true;
	}
	return false;
}

bool
gx_tev_metric(const struct gx_tev *e, struct gx_tev_metric *m)
{
	switch (e->type) {
	case GX_EV2_PROCS_CHANGE: m->name = "/sched/gomaxprocs:threads"; break;
	case GX_EV2_HEAP_ALLOC: m->name = "/memory/classes/heap/objects:bytes"; break;
	case GX_EV2_HEAP_GOAL: m->name = "/gc/heap/goal:bytes"; break;
	default: return false;
	}
	m->value = e->args[0];
	return true;
}

bool
gx_tev_task(const struct gx_tev *e, struct gx_tev_task *t)
{
	t->id = e->args[0];
	if (e->type == GX_EV2_USER_TASK_BEGIN) {
		t->parent = e->args[1];
		t->type = gx_tev_string(e, e->args[2]);
		return true;
	}
	if (e->type == GX_EV2_USER_TASK_END) {
		t->parent = e->args[2];
		t->type.s = "";
		t->type.len = 0;
		if (e->gen != NULL)
			gx_t2_gen_extra(e->gen, e->args[3], &t->type);
		return true;
	}
	return false;
}

bool
gx_tev_region(const struct gx_tev *e, struct gx_tev_region *r)
{
	if (e->type != GX_EV2_USER_REGION_BEGIN && e->type != GX_EV2_USER_REGION_END)
		return false;
	r->task = e->args[0];
	r->type = gx_tev_string(e, e->args[1]);
	return true;
}

bool
gx_tev_log(const struct gx_tev *e, struct gx_tev_log *l)
{
	if (e->type != GX_EV2_USER_LOG)
		return false;
	l->task = e->args[0];
	l->category = gx_tev_string(e, e->args[1]);
	l->message = gx_tev_string(e, e->args[2]);
	return true;
}

bool
gx_tev_label(const struct gx_tev *e, struct gx_t2_str *label, int64_t *g)
{
	if (e->type != GX_EV2_GO_LABEL)
		return false;
	*label = gx_tev_string(e, e->args[0]);
	*g = e->g;
	return true;
}

bool
gx_tev_sync(const struct gx_tev *e, struct gx_tev_sync *s)
{
	if (e->type != GX_EV2_SYNC_SYNTH)
		return false;
	memset(s, 0, sizeof(*s));
	s->n = e->args[0];
	if (e->gen != NULL && e->gen->has_snap) {
		s->has_snapshot = true;
		s->trace_ns = gx_t2_ticks_to_ns(e->gen->freq, e->gen->snap_time);
		s->mono = e->gen->snap_mono;
		s->wall_sec = e->gen->snap_sec;
		s->wall_nsec = e->gen->snap_nsec;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Fast appends (formatting is most of the time of `gotrex events`). */

static void
put_u64(struct gx_buf *out, uint64_t v)
{
	char b[24];
	size_t i = sizeof(b);

	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	gx_buf_append(out, b + i, sizeof(b) - i);
}

static void
put_i64(struct gx_buf *out, int64_t v)
{
	if (v < 0) {
		gx_buf_putc(out, '-');
		put_u64(out, (uint64_t)0 - (uint64_t)v);
	} else {
		put_u64(out, (uint64_t)v);
	}
}

static void
put_hex(struct gx_buf *out, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char b[24];
	size_t i = sizeof(b);

	do {
		b[--i] = digits[v & 15];
		v >>= 4;
	} while (v != 0);
	gx_buf_append(out, b + i, sizeof(b) - i);
}

static void
put_s(struct gx_buf *out, const char *s)
{
	gx_buf_append(out, s, strlen(s));
}

/* ------------------------------------------------------------------ */
/* Go's %q */

/* Decode one UTF-8 sequence as Go's utf8.DecodeRune does: invalid input
 * gives (0xFFFD, 1). */
static uint32_t
decode_rune(const unsigned char *p, size_t n, size_t *w)
{
	uint32_t r;
	unsigned char c = p[0];

	*w = 1;
	if (c < 0x80)
		return c;
	if (c >= 0xc2 && c <= 0xdf && n >= 2 && (p[1] & 0xc0) == 0x80) {
		*w = 2;
		return (uint32_t)(c & 0x1f) << 6 | (p[1] & 0x3f);
	}
	if (c >= 0xe0 && c <= 0xef && n >= 3 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80) {
		r = (uint32_t)(c & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
		if (r >= 0x800 && (r < 0xd800 || r > 0xdfff)) {
			*w = 3;
			return r;
		}
		return 0xfffd;
	}
	if (c >= 0xf0 && c <= 0xf4 && n >= 4 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80 &&
	    (p[3] & 0xc0) == 0x80) {
		r = (uint32_t)(c & 0x07) << 18 | (uint32_t)(p[1] & 0x3f) << 12 |
		    (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
		if (r >= 0x10000 && r <= 0x10ffff) {
			*w = 4;
			return r;
		}
	}
	return 0xfffd;
}

/* unicode.IsPrint for non-ASCII runes: letters, marks, numbers,
 * punctuation and symbols. This approximation treats assigned-looking
 * code points as printable and excludes the non-graphic classes that
 * occur in practice: C1 controls, spaces other than U+0020, format
 * characters, separators, private use, surrogates, noncharacters and the
 * unassigned planes. */
static bool
is_print_nonascii(uint32_t r)
{
	if (r < 0xa0 || r == 0xa0 || r == 0xad)
		return false;
	if (r == 0x61c || r == 0x6dd || r == 0x70f || r == 0x1680 || r == 0x180e)
		return false;
	if ((r >= 0x2000 && r <= 0x200f) || (r >= 0x2028 && r <= 0x202f) ||
	    (r >= 0x205f && r <= 0x206f) || r == 0x3000 || r == 0xfeff ||
	    (r >= 0xfff0 && r <= 0xfffb))
		return false;
	if (r >= 0xd800 && r <= 0xf8ff) /* surrogates, private use */
		return false;
	if ((r & 0xfffe) == 0xfffe || (r >= 0xfdd0 && r <= 0xfdef))
		return false;
	if (r >= 0x323b0 && r < 0xe0100) /* unassigned planes, tags */
		return false;
	if (r >= 0xe01f0) /* private use planes */
		return false;
	return true;
}

void
gx_tev_quote(struct gx_buf *out, const char *str, size_t n)
{
	const unsigned char *p = (const unsigned char *)str;
	size_t i = 0;

	gx_buf_putc(out, '"');
	while (i < n) {
		size_t w, j = i;
		uint32_t r;

		/* A run of plain ASCII goes out as is. */
		while (j < n && p[j] >= 0x20 && p[j] < 0x7f && p[j] != '"' && p[j] != '\\')
			j++;
		if (j > i) {
			gx_buf_append(out, p + i, j - i);
			i = j;
			continue;
		}
		r = decode_rune(p + i, n - i, &w);

		if (w == 1 && r == 0xfffd) {
			gx_buf_printf(out, "\\x%02x", p[i]);
			i++;
			continue;
		}
		if (r == '"' || r == '\\') {
			gx_buf_putc(out, '\\');
			gx_buf_putc(out, (char)r);
		} else if (r < 0x80 && r >= 0x20 && r != 0x7f) {
			gx_buf_putc(out, (char)r);
		} else if (r >= 0x80 && is_print_nonascii(r)) {
			gx_buf_append(out, p + i, w);
		} else {
			switch (r) {
			case '\a': gx_buf_puts(out, "\\a"); break;
			case '\b': gx_buf_puts(out, "\\b"); break;
			case '\f': gx_buf_puts(out, "\\f"); break;
			case '\n': gx_buf_puts(out, "\\n"); break;
			case '\r': gx_buf_puts(out, "\\r"); break;
			case '\t': gx_buf_puts(out, "\\t"); break;
			case '\v': gx_buf_puts(out, "\\v"); break;
			default:
				if (r < 0x20 || r == 0x7f)
					gx_buf_printf(out, "\\x%02x", r);
				else if (r < 0x10000)
					gx_buf_printf(out, "\\u%04x", r);
				else
					gx_buf_printf(out, "\\U%08x", r);
			}
		}
		i += w;
	}
	gx_buf_putc(out, '"');
}

/* ------------------------------------------------------------------ */
/* Event.String() */

static void
put_quoted(struct gx_buf *out, struct gx_t2_str s)
{
	gx_tev_quote(out, s.s, s.len);
}

static void
put_raw(struct gx_buf *out, struct gx_t2_str s)
{
	/* Go prints function and file names as they are; we escape control
	 * bytes and invalid UTF-8 so a hostile trace cannot drive the
	 * terminal. Real names never contain them. */
	size_t i;

	for (i = 0; i < s.len; i++)
		if ((unsigned char)s.s[i] < 0x20 || (unsigned char)s.s[i] >= 0x7f)
			break;
	if (i == s.len)
		gx_buf_append(out, s.s, s.len);
	else
		gx_text_escape(out, s.s, s.len, false);
}

static void
print_stack(struct gx_buf *out, const struct gx_tev *e, uint64_t stack)
{
	size_t i, n = gx_tev_stack_depth(e, stack);

	for (i = 0; i < n; i++) {
		struct gx_tev_frame f;

		if (!gx_tev_stack_frame(e, stack, i, &f))
			break;
		gx_buf_putc(out, '\t');
		put_raw(out, f.func);
		put_s(out, " @ 0x");
		put_hex(out, f.pc);
		put_s(out, "\n\t\t");
		put_raw(out, f.file);
		gx_buf_putc(out, ':');
		put_u64(out, f.line);
		gx_buf_putc(out, '\n');
	}
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* time.Unix(sec, nsec).Format(time.RFC3339Nano) in the local zone. */
static void
put_wall(struct gx_buf *out, uint64_t usec, uint64_t unsec)
{
	int64_t sec = (int64_t)usec, nsec = (int64_t)unsec, days, secs, z, era, doe, yoe, y, doy, mp, d, m;
	long offset = 0;
	time_t tt;
	struct tm tm;

	if (nsec < 0 || nsec >= 1000000000) {
		int64_t k = nsec / 1000000000;

		sec = (int64_t)((uint64_t)sec + (uint64_t)k);
		nsec -= k * 1000000000;
		if (nsec < 0) {
			nsec += 1000000000;
			sec = (int64_t)((uint64_t)sec - 1);
		}
	}
	tt = (time_t)sec;
	if ((int64_t)tt == sec && localtime_r(&tt, &tm) != NULL)
		offset = tm.tm_gmtoff;
	if (__builtin_add_overflow(sec, (int64_t)offset, &sec))
		offset = 0;
	days = floor_div(sec, 86400);
	secs = sec - days * 86400;
	/* Civil date from days since 1970-01-01 (proleptic Gregorian). */
	z = days + 719468;
	era = floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y++;
	if (y < 0)
		gx_buf_printf(out, "-%04" PRId64, -y);
	else
		gx_buf_printf(out, "%04" PRId64, y);
	gx_buf_printf(out, "-%02" PRId64 "-%02" PRId64 "T%02" PRId64 ":%02" PRId64 ":%02" PRId64,
	              m, d, secs / 3600, secs / 60 % 60, secs % 60);
	if (nsec != 0) {
		char frac[32];
		int len;

		snprintf(frac, sizeof(frac), "%09" PRId64, nsec);
		for (len = 9; len > 0 && frac[len - 1] == '0'; len--)
			;
		frac[len] = '\0';
		gx_buf_printf(out, ".%s", frac);
	}
	if (offset == 0) {
		gx_buf_putc(out, 'Z');
	} else {
		long zone = offset / 60;

		gx_buf_putc(out, zone < 0 ? '-' : '+');
		if (zone < 0)
			zone = -zone;
		gx_buf_printf(out, "%02ld:%02ld", zone / 60, zone % 60);
	}
}

static void
put_resource(struct gx_buf *out, enum gx_tres_kind k, int64_t id)
{
	static const char *const names[] = { "None", "Goroutine", "Proc", "Thread" };

	if (k == GX_TRES_NONE)
		gx_buf_puts(out, "None");
	else
		gx_buf_printf(out, "%s(%" PRId64 ")", names[k], id);
}

void
gx_tev_format(const struct gx_tev *e, struct gx_buf *out)
{
	enum gx_tev_kind kind = gx_tev_kind(e);
	uint64_t stack;

	put_s(out, "M=");
	put_i64(out, e->m);
	put_s(out, " P=");
	put_i64(out, e->p);
	put_s(out, " G=");
	put_i64(out, e->g);
	gx_buf_putc(out, ' ');
	put_s(out, gx_tev_kind_name(kind));
	put_s(out, " Time=");
	put_i64(out, e->ns);
	switch (kind) {
	case GX_TEV_METRIC: {
		struct gx_tev_metric m = { 0 };

		gx_tev_metric(e, &m);
		gx_buf_printf(out, " Name=\"%s\" Value=Value{Uint64(%" PRIu64 ")}", m.name, m.value);
		break;
	}
	case GX_TEV_LABEL: {
		struct gx_t2_str l = { 0 };
		int64_t g = 0;

		gx_tev_label(e, &l, &g);
		gx_buf_puts(out, " Label=");
		put_quoted(out, l);
		gx_buf_puts(out, " Resource=");
		put_resource(out, GX_TRES_GOROUTINE, g);
		break;
	}
	case GX_TEV_RANGE_BEGIN:
	case GX_TEV_RANGE_ACTIVE:
	case GX_TEV_RANGE_END: {
		struct gx_tev_range r = { 0 };

		gx_tev_range(e, &r);
		gx_buf_puts(out, " Name=");
		if (r.scope == GX_TRES_GOROUTINE && strcmp(r.name, "stop-the-world") == 0) {
			struct gx_buf nm = { 0 };

			gx_buf_puts(&nm, "stop-the-world (");
			gx_buf_append(&nm, r.stw_kind.s, r.stw_kind.len);
			gx_buf_putc(&nm, ')');
			gx_tev_quote(out, nm.data, nm.len);
			gx_buf_free(&nm);
		} else {
			gx_buf_printf(out, "\"%s\"", r.name);
		}
		gx_buf_puts(out, " Scope=");
		put_resource(out, r.scope, r.scope_id);
		if (kind == GX_TEV_RANGE_END) {
			gx_buf_puts(out, " Attributes=[");
			if (e->type == GX_EV2_GC_SWEEP_END)
				gx_buf_printf(out, "\"bytes swept\"=Value{Uint64(%" PRIu64 ")} "
				              "\"bytes reclaimed\"=Value{Uint64(%" PRIu64 ")}",
				              e->args[0], e->args[1]);
			gx_buf_putc(out, ']');
		}
		break;
	}
	case GX_TEV_TASK_BEGIN:
	case GX_TEV_TASK_END: {
		struct gx_tev_task t = { 0 };

		gx_tev_task(e, &t);
		gx_buf_printf(out, " ID=%" PRIu64 " Parent=%" PRIu64 " Type=", t.id, t.parent);
		put_quoted(out, t.type);
		break;
	}
	case GX_TEV_REGION_BEGIN:
	case GX_TEV_REGION_END: {
		struct gx_tev_region r = { 0 };

		gx_tev_region(e, &r);
		gx_buf_printf(out, " Task=%" PRIu64 " Type=", r.task);
		put_quoted(out, r.type);
		break;
	}
	case GX_TEV_LOG: {
		struct gx_tev_log l = { 0 };

		gx_tev_log(e, &l);
		gx_buf_printf(out, " Task=%" PRIu64 " Category=", l.task);
		put_quoted(out, l.category);
		gx_buf_puts(out, " Message=");
		put_quoted(out, l.message);
		break;
	}
	case GX_TEV_STATE_TRANSITION: {
		struct gx_tev_transition t = { 0 };

		gx_tev_transition(e, &t);
		put_s(out, t.res == GX_TRES_GOROUTINE ? " GoID=" : " ProcID=");
		put_i64(out, t.id);
		gx_buf_putc(out, ' ');
		if (t.res == GX_TRES_GOROUTINE) {
			put_s(out, gx_tgo_state_name(t.from));
			put_s(out, "->");
			put_s(out, gx_tgo_state_name(t.to));
		} else {
			put_s(out, gx_tproc_state_name(t.from));
			put_s(out, "->");
			put_s(out, gx_tproc_state_name(t.to));
		}
		gx_buf_puts(out, " Reason=");
		put_quoted(out, t.reason);
		if (t.stack != 0) {
			gx_buf_puts(out, "\nTransitionStack=\n");
			print_stack(out, e, t.stack);
		}
		break;
	}
	case GX_TEV_EXPERIMENTAL: {
		const struct gx_t2_spec *spec = gx_t2_spec(e->type);
		int i;

		gx_buf_printf(out, " Name=%s Args=[", spec->name);
		for (i = 1; i < spec->nargs; i++)
			gx_buf_printf(out, "%s%s=Value{Uint64(%" PRIu64 ")}", i > 1 ? ", " : "",
			              spec->args[i], e->args[i - 1]);
		gx_buf_putc(out, ']');
		break;
	}
	case GX_TEV_SYNC: {
		struct gx_tev_sync s = { 0 };

		gx_tev_sync(e, &s);
		gx_buf_printf(out, " N=%" PRIu64, s.n);
		if (s.has_snapshot) {
			gx_buf_printf(out, " Trace=%" PRId64 " Mono=%" PRIu64 " Wall=", s.trace_ns, s.mono);
			put_wall(out, s.wall_sec, s.wall_nsec);
		}
		break;
	}
	default:
		break;
	}
	stack = gx_tev_stack(e);
	if (stack != 0) {
		gx_buf_puts(out, "\nStack=\n");
		print_stack(out, e, stack);
	}
}
