/* cmd_stats: `gotrex stats [--json] [--no-cache] FILE`.
 *
 * What is in a file at a glance: goroutines by state and by the exact wait
 * reason the runtime printed, the goroutines that waited longest, the groups
 * of identical stacks, and the load's warnings. Plain text, or JSON for
 * scripts (the keys `goroutines` and `by_reason` are relied upon).
 *
 * The output is a list of sections (the table `sections` below); a section
 * says which inputs it applies to and writes itself as text and as JSON
 * members. A format with more to say (traces: events by kind, time span)
 * adds a section; the others stay as they are.
 *
 * Mutex and block profiles (records are stacks with contentions and a
 * delay, not goroutines) get the "contention" section instead of the
 * goroutine sections. --query EXPR narrows the groups and the contention
 * stacks to the records that match (stack regexes and all). */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/cli.h"
#include "gotrex/diag.h"
#include "gotrex/group.h"
#include "gotrex/input.h"
#include "gotrex/load.h"
#include "gotrex/pprof.h"
#include "gotrex/query.h"
#include "gotrex/store.h"
#include "gotrex/text.h"
#include "gotrex/util.h"

#define LONGEST_MAX 10      /* goroutines in "longest waiting" */
#define TEXT_GROUPS_MAX 50  /* groups shown in full in the text output */
#define TEXT_IDS_MAX 10     /* member ids listed per group in the text output */
#define JSON_IDS_MAX 100    /* member ids listed per group in JSON */

/* What every section can read. */
struct stats_ctx {
	const char *path;             /* borrowed: the FILE argument */
	struct gx_store *s;           /* borrowed */
	const struct gx_store_meta *meta;
	bool ascii;                   /* terminal without UTF-8 */
	uint64_t total;               /* goroutines represented */
	struct gx_groups groups;      /* owned */
	const char *query;            /* --query EXPR, NULL when none */
	uint32_t *sel;                /* goroutine indexes matching it (owned) */
	size_t nsel;
};

struct stats_section {
	const char *name;
	/* NULL: applies to every input. */
	bool (*applies)(const struct stats_ctx *c);
	void (*text)(struct stats_ctx *c, struct gx_buf *out);
	/* Appends one or more `"key": value` members, each preceded by ",\n". */
	void (*json)(struct stats_ctx *c, struct gx_buf *out);
};

/* ------------------------------------------------------------------ */
/* Small output helpers */

static void
put_esc(struct gx_buf *out, const struct stats_ctx *c, const char *s, size_t n)
{
	gx_text_escape(out, s, n, c->ascii);
}

static void
put_esc_str(struct gx_buf *out, const struct stats_ctx *c, gx_str id)
{
	size_t n;
	const char *s = gx_store_str(c->s, id, &n);

	gx_text_escape(out, s, n, c->ascii);
}

static void
put_json_cstr(struct gx_buf *out, const char *s)
{
	gx_text_json_string(out, s, strlen(s));
}

static void
put_json_str(struct gx_buf *out, const struct stats_ctx *c, gx_str id)
{
	size_t n;
	const char *s = gx_store_str(c->s, id, &n);

	gx_text_json_string(out, s, n);
}

static const char *
state_name(uint8_t st)
{
	return st < GX_G_STATE_COUNT ? gx_gstate_name((enum gx_gstate)st) : "unknown";
}

/* A reason key: the reason string id and whether the goroutine was
 * reported leaked. The loader keeps " (leaked)" as a flag, not in the
 * reason; it is put back so the text is what the runtime printed. */
static uint64_t
reason_key(const struct gx_goroutine_rec *g)
{
	return ((uint64_t)g->reason << 1) | ((g->flags & GX_G_LEAKED) ? 1u : 0u);
}

/* The text of a reason key into tmp (reset first); its length in *n. */
static const char *
reason_text(const struct stats_ctx *c, uint64_t key, struct gx_buf *tmp, size_t *n)
{
	size_t len;
	const char *s = gx_store_str(c->s, (gx_str)(key >> 1), &len);

	gx_buf_reset(tmp);
	gx_buf_append(tmp, s, len);
	if (key & 1)
		gx_buf_puts(tmp, " (leaked)");
	*n = tmp->len;
	return tmp->data != NULL ? tmp->data : "";
}

/* The reason as shown: the runtime's text, or the state when there is none. */
static void
put_reason(struct gx_buf *out, const struct stats_ctx *c, const struct gx_goroutine_rec *g)
{
	struct gx_buf tmp = {0};
	size_t n;
	const char *s = reason_text(c, reason_key(g), &tmp, &n);

	if (n == 0)
		gx_buf_puts(out, state_name(g->state));
	else
		put_esc(out, c, s, n);
	gx_buf_free(&tmp);
}

static void
put_json_reason(struct gx_buf *out, const struct stats_ctx *c, const struct gx_goroutine_rec *g)
{
	struct gx_buf tmp = {0};
	size_t n;
	const char *s = reason_text(c, reason_key(g), &tmp, &n);

	gx_text_json_string(out, s, n);
	gx_buf_free(&tmp);
}

/* A dump gives waits in whole minutes: "<1m" for none, "5m0s+" for five. */
static void
put_wait(struct gx_buf *out, const struct stats_ctx *c, int64_t ns, bool approx)
{
	if (approx && ns <= 0) {
		gx_buf_puts(out, "<1m");
		return;
	}
	gx_text_duration(out, ns, c->ascii);
	if (approx)
		gx_buf_putc(out, '+');
}

static bool
wait_approx(const struct stats_ctx *c, const struct gx_goroutine_rec *g)
{
	return (g->flags & GX_G_WAIT_APPROX) || c->meta->format == GX_FMT_DUMP_TEXT ||
	       c->meta->format == GX_FMT_PPROF_DEBUG1;
}

static void
put_frame_where(struct gx_buf *out, const struct stats_ctx *c, const struct gx_frame_rec *f)
{
	if (f == NULL) {
		gx_buf_puts(out, "(no stack)");
		return;
	}
	put_esc_str(out, c, f->func);
	gx_buf_putc(out, ' ');
	put_esc_str(out, c, f->file);
	gx_buf_printf(out, ":%" PRIu32, f->line);
}

static void
json_frame(struct gx_buf *out, const struct stats_ctx *c, const struct gx_frame_rec *f)
{
	if (f == NULL) {
		gx_buf_puts(out, "null");
		return;
	}
	gx_buf_puts(out, "{\"func\": ");
	put_json_str(out, c, f->func);
	gx_buf_puts(out, ", \"file\": ");
	put_json_str(out, c, f->file);
	gx_buf_printf(out, ", \"line\": %" PRIu32, f->line);
	if (f->flags & GX_FRAME_ELIDED)
		gx_buf_puts(out, ", \"elided\": true");
	gx_buf_putc(out, '}');
}

/* ------------------------------------------------------------------ */
/* Counting by key */

struct count {
	uint64_t key;     /* reason_key() for reasons, enum gx_gstate for states */
	uint64_t n;
};

struct counts {
	struct count *v;
	size_t n;
	uint32_t *slot;   /* open addressing: index into v + 1, 0 = empty */
	size_t cap;
};

static size_t
key_hash(uint64_t k)
{
	k *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(k ^ (k >> 29));
}

static void
counts_add(struct counts *t, uint64_t key, uint64_t n)
{
	size_t j;

	if ((t->n + 1) * 2 > t->cap) {
		size_t i;

		free(t->slot);
		t->cap = t->cap ? t->cap * 2 : 64;
		t->slot = xcalloc(t->cap, sizeof(*t->slot));
		for (i = 0; i < t->n; i++) {
			for (j = key_hash(t->v[i].key) & (t->cap - 1); t->slot[j] != 0;
			     j = (j + 1) & (t->cap - 1))
				;
			t->slot[j] = (uint32_t)i + 1;
		}
		t->v = xreallocarray(t->v, t->cap / 2, sizeof(*t->v));
	}
	for (j = key_hash(key) & (t->cap - 1); t->slot[j] != 0; j = (j + 1) & (t->cap - 1)) {
		if (t->v[t->slot[j] - 1].key == key) {
			t->v[t->slot[j] - 1].n += n;
			return;
		}
	}
	t->v[t->n].key = key;
	t->v[t->n].n = n;
	t->slot[j] = (uint32_t)++t->n;
}

static void
counts_free(struct counts *t)
{
	free(t->v);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

static const struct gx_store *sort_store;

/* Most first, then by the reason's text (bytes), so the order is stable. */
static int
cmp_reason_count(const void *a, const void *b)
{
	const struct count *x = a, *y = b;
	size_t nx, ny;
	const char *sx, *sy;
	int r;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	sx = gx_store_str(sort_store, (gx_str)(x->key >> 1), &nx);
	sy = gx_store_str(sort_store, (gx_str)(y->key >> 1), &ny);
	r = memcmp(sx, sy, nx < ny ? nx : ny);
	if (r != 0)
		return r;
	if (nx != ny)
		return (nx > ny) - (nx < ny);
	return (x->key > y->key) - (x->key < y->key);
}

static int
cmp_state_count(const void *a, const void *b)
{
	const struct count *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return (x->key > y->key) - (x->key < y->key);
}

static void
count_states(const struct stats_ctx *c, struct count *v, size_t *n)
{
	size_t i, total = gx_store_goroutine_count(c->s);
	uint64_t by[GX_G_STATE_COUNT + 1];

	memset(by, 0, sizeof(by));
	for (i = 0; i < total; i++) {
		const struct gx_goroutine_rec *g = gx_store_goroutine(c->s, i);

		by[g->state < GX_G_STATE_COUNT ? g->state : GX_G_STATE_COUNT] += g->count;
	}
	*n = 0;
	for (i = 0; i <= GX_G_STATE_COUNT; i++) {
		if (by[i] == 0)
			continue;
		v[*n].key = (uint32_t)i;
		v[(*n)++].n = by[i];
	}
	if (*n > 1)
		qsort(v, *n, sizeof(*v), cmp_state_count);
}

static void
count_reasons(const struct stats_ctx *c, struct counts *t)
{
	size_t i, total = gx_store_goroutine_count(c->s);

	memset(t, 0, sizeof(*t));
	for (i = 0; i < total; i++) {
		const struct gx_goroutine_rec *g = gx_store_goroutine(c->s, i);

		counts_add(t, reason_key(g), g->count);
	}
	sort_store = c->s;
	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), cmp_reason_count);
	sort_store = NULL;
}

/* Whether a goes before b in "longest waiting": a longer wait, or the same
 * wait and a is the user's goroutine while b is the runtime's (a dump
 * without minutes gives every goroutine the same wait, and the user's are
 * what matter). */
static bool
wait_ahead(const struct gx_goroutine_rec *a, const struct gx_goroutine_rec *b)
{
	if (a->wait_ns != b->wait_ns)
		return a->wait_ns > b->wait_ns;
	return !(a->flags & GX_G_SYSTEM) && (b->flags & GX_G_SYSTEM);
}

/* The blocked goroutines (waiting or in a syscall), longest wait first,
 * the runtime's own after the user's, then by id. Returns how many were
 * put in out[0..LONGEST_MAX). */
static size_t
longest_waiting(const struct stats_ctx *c, uint32_t *out)
{
	size_t i, n = 0, total = gx_store_goroutine_count(c->s);

	for (i = 0; i < total; i++) {
		const struct gx_goroutine_rec *g = gx_store_goroutine(c->s, i);
		size_t j;

		if (g->state != GX_G_WAITING && g->state != GX_G_SYSCALL)
			continue;
		/* Insertion into a sorted top list; goroutines come by id, so
		 * among equals the earlier one stays ahead. */
		for (j = n; j > 0; j--) {
			const struct gx_goroutine_rec *o = gx_store_goroutine(c->s, out[j - 1]);

			if (!wait_ahead(g, o))
				break;
		}
		if (j >= LONGEST_MAX)
			continue;
		if (n < LONGEST_MAX)
			n++;
		memmove(out + j + 1, out + j, (n - 1 - j) * sizeof(*out));
		out[j] = (uint32_t)i;
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* Sections */

static void
summary_text(struct stats_ctx *c, struct gx_buf *out)
{
	const struct gx_store_meta *m = c->meta;
	size_t n;

	gx_buf_puts(out, "file: ");
	put_esc(out, c, c->path, strlen(c->path));
	gx_buf_printf(out, "\nformat: %s\n", gx_format_name((enum gx_format)m->format));
	gx_store_str(c->s, m->go_version, &n);
	if (n > 0) {
		gx_buf_puts(out, "go version: ");
		put_esc_str(out, c, m->go_version);
		gx_buf_putc(out, '\n');
	}
	gx_store_str(c->s, m->headline, &n);
	if (n > 0) {
		gx_buf_puts(out, "headline: ");
		put_esc_str(out, c, m->headline);
		gx_buf_putc(out, '\n');
	}
	if (m->flags & GX_META_GLOBAL_DEADLOCK)
		gx_buf_puts(out, "the runtime reported a global deadlock\n");
	if (m->flags & GX_META_BUBBLE_DEADLOCK)
		gx_buf_puts(out, "the runtime reported a synctest bubble deadlocked\n");
	if (m->flags & GX_META_TRUNCATED)
		gx_buf_printf(out, "input truncated: %" PRIu64 " bytes not decoded\n", m->lost_bytes);
	gx_buf_printf(out, "goroutines: %" PRIu64 "\n", c->total);
}

static void
summary_json(struct stats_ctx *c, struct gx_buf *out)
{
	const struct gx_store_meta *m = c->meta;
	size_t n;

	gx_buf_puts(out, ",\n  \"file\": ");
	put_json_cstr(out, c->path);
	gx_buf_puts(out, ",\n  \"format\": ");
	put_json_cstr(out, gx_format_name((enum gx_format)m->format));
	gx_buf_puts(out, ",\n  \"go_version\": ");
	gx_store_str(c->s, m->go_version, &n);
	if (n > 0)
		put_json_str(out, c, m->go_version);
	else
		gx_buf_puts(out, "null");
	gx_buf_puts(out, ",\n  \"headline\": ");
	gx_store_str(c->s, m->headline, &n);
	if (n > 0)
		put_json_str(out, c, m->headline);
	else
		gx_buf_puts(out, "null");
	gx_buf_printf(out, ",\n  \"runtime_deadlock\": %s",
	              (m->flags & GX_META_GLOBAL_DEADLOCK) ? "true" : "false");
	gx_buf_printf(out, ",\n  \"truncated\": %s", (m->flags & GX_META_TRUNCATED) ? "true" : "false");
	gx_buf_printf(out, ",\n  \"lost_bytes\": %" PRIu64, m->lost_bytes);
	gx_buf_printf(out, ",\n  \"goroutines\": %" PRIu64, c->total);
	gx_buf_printf(out, ",\n  \"records\": %zu", gx_store_goroutine_count(c->s));
}

static void
states_text(struct stats_ctx *c, struct gx_buf *out)
{
	struct count v[GX_G_STATE_COUNT + 1];
	size_t n, i;

	count_states(c, v, &n);
	gx_buf_puts(out, "\nby state:\n");
	for (i = 0; i < n; i++)
		gx_buf_printf(out, "%10" PRIu64 "  %s\n", v[i].n, state_name((uint8_t)v[i].key));
}

static void
states_json(struct stats_ctx *c, struct gx_buf *out)
{
	struct count v[GX_G_STATE_COUNT + 1];
	size_t n, i;

	count_states(c, v, &n);
	gx_buf_puts(out, ",\n  \"by_state\": {");
	for (i = 0; i < n; i++) {
		gx_buf_puts(out, i ? ", " : "");
		put_json_cstr(out, state_name((uint8_t)v[i].key));
		gx_buf_printf(out, ": %" PRIu64, v[i].n);
	}
	gx_buf_putc(out, '}');
}

static void
reasons_text(struct stats_ctx *c, struct gx_buf *out)
{
	struct counts t;
	struct gx_buf tmp = {0};
	size_t i, n;

	count_reasons(c, &t);
	gx_buf_puts(out, "\nby reason:\n");
	for (i = 0; i < t.n; i++) {
		const char *s = reason_text(c, t.v[i].key, &tmp, &n);

		gx_buf_printf(out, "%10" PRIu64 "  ", t.v[i].n);
		if (n == 0)
			gx_buf_puts(out, "(none)");
		else
			put_esc(out, c, s, n);
		gx_buf_putc(out, '\n');
	}
	gx_buf_free(&tmp);
	counts_free(&t);
}

static void
reasons_json(struct stats_ctx *c, struct gx_buf *out)
{
	struct counts t;
	struct gx_buf tmp = {0};
	size_t i, n;

	count_reasons(c, &t);
	gx_buf_puts(out, ",\n  \"by_reason\": {");
	for (i = 0; i < t.n; i++) {
		const char *s = reason_text(c, t.v[i].key, &tmp, &n);

		gx_buf_puts(out, i ? ",\n    " : "\n    ");
		gx_text_json_string(out, s, n);
		gx_buf_printf(out, ": %" PRIu64, t.v[i].n);
	}
	gx_buf_puts(out, t.n ? "\n  }" : "}");
	gx_buf_free(&tmp);
	counts_free(&t);
}

static void
longest_text(struct stats_ctx *c, struct gx_buf *out)
{
	uint32_t top[LONGEST_MAX];
	size_t n = longest_waiting(c, top), i;

	gx_buf_puts(out, "\nlongest waiting:\n");
	if (n == 0)
		gx_buf_puts(out, "  (no goroutine is blocked)\n");
	for (i = 0; i < n; i++) {
		const struct gx_goroutine_rec *g = gx_store_goroutine(c->s, top[i]);
		size_t mark = out->len;
		char id[32];

		gx_buf_printf(out, "  goroutine %-8s ", gx_store_format_id(g, id, sizeof(id)));
		put_wait(out, c, g->wait_ns, wait_approx(c, g));
		while (out->len - mark < 30)
			gx_buf_putc(out, ' ');
		gx_buf_puts(out, " [");
		put_reason(out, c, g);
		gx_buf_puts(out, "] ");
		put_frame_where(out, c, gx_top_user_frame(c->s, g->stack));
		gx_buf_putc(out, '\n');
	}
}

static void
longest_json(struct stats_ctx *c, struct gx_buf *out)
{
	uint32_t top[LONGEST_MAX];
	size_t n = longest_waiting(c, top), i;

	gx_buf_puts(out, ",\n  \"longest_waiting\": [");
	for (i = 0; i < n; i++) {
		const struct gx_goroutine_rec *g = gx_store_goroutine(c->s, top[i]);

		gx_buf_printf(out, "%s{\"id\": %" PRIu64 ", \"state\": ", i ? ",\n    " : "\n    ", g->id);
		put_json_cstr(out, state_name(g->state));
		gx_buf_puts(out, ", \"reason\": ");
		put_json_reason(out, c, g);
		gx_buf_printf(out, ", \"wait_ns\": %" PRId64 ", \"wait_approx\": %s, \"top_frame\": ",
		              g->wait_ns, wait_approx(c, g) ? "true" : "false");
		json_frame(out, c, gx_top_user_frame(c->s, g->stack));
		gx_buf_putc(out, '}');
	}
	gx_buf_puts(out, n ? "\n  ]" : "]");
}

static void
group_stack_text(struct gx_buf *out, const struct stats_ctx *c, gx_stack st)
{
	size_t depth = gx_store_stack_depth(c->s, st), i;

	if (depth == 0)
		gx_buf_puts(out, "      (no stack)\n");
	for (i = 0; i < depth; i++) {
		const struct gx_frame_rec *f = gx_store_stack_frame(c->s, st, i);

		if (f == NULL)
			continue;
		if (f->flags & GX_FRAME_ELIDED) {
			gx_buf_puts(out, "      ...additional frames elided...\n");
			continue;
		}
		gx_buf_puts(out, (f->flags & GX_FRAME_CREATED_BY) ? "      created by " : "      ");
		put_esc_str(out, c, f->func);
		gx_buf_puts(out, "\n          ");
		put_esc_str(out, c, f->file);
		gx_buf_printf(out, ":%" PRIu32 "\n", f->line);
	}
}

static void
groups_text(struct stats_ctx *c, struct gx_buf *out)
{
	const struct gx_groups *gr = &c->groups;
	size_t i, j;

	gx_buf_printf(out, "\ngroups of identical stacks: %zu\n", gr->n);
	for (i = 0; i < gr->n && i < TEXT_GROUPS_MAX; i++) {
		const struct gx_group *k = &gr->v[i];
		const struct gx_goroutine_rec *g = gx_store_goroutine(c->s, k->sample);

		gx_buf_printf(out, "\n  %" PRIu64 " goroutine%s [", k->goroutines,
		              k->goroutines == 1 ? "" : "s");
		put_reason(out, c, g);
		gx_buf_puts(out, "]");
		if (g->state == GX_G_WAITING || g->state == GX_G_SYSCALL) {
			gx_buf_puts(out, ", longest wait ");
			put_wait(out, c, k->max_wait_ns, wait_approx(c, g));
		}
		gx_buf_puts(out, "\n    top: ");
		put_frame_where(out, c, gx_top_user_frame(c->s, g->stack));
		gx_buf_puts(out, "\n    ids:");
		for (j = 0; j < k->count && j < TEXT_IDS_MAX; j++) {
			const struct gx_goroutine_rec *m = gx_store_goroutine(c->s, gr->members[k->first + j]);
			char id[32];

			gx_buf_printf(out, " %s", gx_store_format_id(m, id, sizeof(id)));
		}
		if (k->count > TEXT_IDS_MAX)
			gx_buf_printf(out, " ... (%" PRIu32 " more)", k->count - TEXT_IDS_MAX);
		gx_buf_putc(out, '\n');
		group_stack_text(out, c, g->stack);
		if (g->create_stack != 0)
			group_stack_text(out, c, g->create_stack);
	}
	if (gr->n > TEXT_GROUPS_MAX)
		gx_buf_printf(out, "\n  ... %zu more groups (all of them with --json)\n",
		              gr->n - TEXT_GROUPS_MAX);
}

static void
json_stack(struct gx_buf *out, const struct stats_ctx *c, gx_stack st)
{
	size_t depth = gx_store_stack_depth(c->s, st), i;

	gx_buf_putc(out, '[');
	for (i = 0; i < depth; i++) {
		gx_buf_puts(out, i ? ", " : "");
		json_frame(out, c, gx_store_stack_frame(c->s, st, i));
	}
	gx_buf_putc(out, ']');
}

static void
groups_json(struct stats_ctx *c, struct gx_buf *out)
{
	const struct gx_groups *gr = &c->groups;
	size_t i, j;

	gx_buf_puts(out, ",\n  \"groups\": [");
	for (i = 0; i < gr->n; i++) {
		const struct gx_group *k = &gr->v[i];
		const struct gx_goroutine_rec *g = gx_store_goroutine(c->s, k->sample);

		gx_buf_printf(out, "%s{\"goroutines\": %" PRIu64 ", \"state\": ",
		              i ? ",\n    " : "\n    ", k->goroutines);
		put_json_cstr(out, state_name(g->state));
		gx_buf_puts(out, ", \"reason\": ");
		put_json_reason(out, c, g);
		gx_buf_printf(out, ", \"max_wait_ns\": %" PRId64 ",\n     \"top_frame\": ", k->max_wait_ns);
		json_frame(out, c, gx_top_user_frame(c->s, g->stack));
		gx_buf_puts(out, ",\n     \"ids\": [");
		for (j = 0; j < k->count && j < JSON_IDS_MAX; j++) {
			const struct gx_goroutine_rec *m = gx_store_goroutine(c->s, gr->members[k->first + j]);

			gx_buf_printf(out, "%s%" PRIu64, j ? ", " : "", m->id);
		}
		gx_buf_printf(out, "], \"ids_truncated\": %s,\n     \"stack\": ",
		              k->count > JSON_IDS_MAX ? "true" : "false");
		json_stack(out, c, g->stack);
		gx_buf_puts(out, ",\n     \"created_by\": ");
		json_stack(out, c, g->create_stack);
		gx_buf_putc(out, '}');
	}
	gx_buf_puts(out, gr->n ? "\n  ]" : "]");
}

/* The diagnostics of the load that built the index, as the index keeps
 * them: the same whether the index was just built or reused, and without
 * this run's notes about the cache itself. */
static void
warnings_text(struct stats_ctx *c, struct gx_buf *out)
{
	size_t n = gx_store_diag_count(c->s), i;

	if (n == 0)
		return;
	gx_buf_printf(out, "\nwarnings: %zu\n", n);
	for (i = 0; i < n; i++) {
		const char *msg = gx_store_diag(c->s, i);

		if (msg == NULL)
			continue;
		gx_buf_puts(out, "  ");
		put_esc(out, c, msg, strlen(msg));
		gx_buf_putc(out, '\n');
	}
}

static void
warnings_json(struct stats_ctx *c, struct gx_buf *out)
{
	size_t n = gx_store_diag_count(c->s), i, k = 0;

	gx_buf_puts(out, ",\n  \"warnings\": [");
	for (i = 0; i < n; i++) {
		const char *msg = gx_store_diag(c->s, i);

		if (msg == NULL)
			continue;
		gx_buf_puts(out, k++ ? ",\n    " : "\n    ");
		gx_text_json_string(out, msg, strlen(msg));
	}
	gx_buf_puts(out, k ? "\n  ]" : "]");
}

/* ------------------------------------------------------------------ */
/* Profiles: which one; for mutex and block profiles, contention and
 * delay per stack. */

static bool
is_profile(const struct stats_ctx *c)
{
	return c->meta->profile != GX_PROFILE_NONE;
}

static bool
is_contention(const struct stats_ctx *c)
{
	uint32_t k = c->meta->profile;

	return k == GX_PROFILE_MUTEX || k == GX_PROFILE_BLOCK || k == GX_PROFILE_CONTENTION;
}

static bool
not_contention(const struct stats_ctx *c)
{
	return !is_contention(c);
}

static const char *
profile_name(const struct stats_ctx *c)
{
	uint32_t k = c->meta->profile;

	return k < GX_PROFILE_KIND_COUNT ? gx_profile_kind_name((enum gx_profile_kind)k) : "";
}

/* The records of the contention section: the selection or all. */
static const struct stats_ctx *sort_ctx;

static int
cmp_delay(const void *a, const void *b)
{
	const struct gx_goroutine_rec *x = gx_store_goroutine(sort_ctx->s, *(const uint32_t *)a);
	const struct gx_goroutine_rec *y = gx_store_goroutine(sort_ctx->s, *(const uint32_t *)b);

	if (x->delay_ns != y->delay_ns)
		return x->delay_ns > y->delay_ns ? -1 : 1;
	if (x->contentions != y->contentions)
		return x->contentions > y->contentions ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* Record indexes, most delay first; *n gets their number. */
static uint32_t *
contention_stacks(const struct stats_ctx *c, size_t *n, uint64_t *cont, int64_t *delay)
{
	size_t i, total = c->query ? c->nsel : gx_store_goroutine_count(c->s);
	uint32_t *v = xcalloc(total + 1, sizeof(*v));

	*cont = 0;
	*delay = 0;
	for (i = 0; i < total; i++) {
		const struct gx_goroutine_rec *g;

		v[i] = c->query ? c->sel[i] : (uint32_t)i;
		g = gx_store_goroutine(c->s, v[i]);
		*cont = *cont > UINT64_MAX - g->contentions ? UINT64_MAX : *cont + g->contentions;
		*delay = *delay > INT64_MAX - g->delay_ns ? INT64_MAX : *delay + g->delay_ns;
	}
	sort_ctx = c;
	if (total > 1)
		qsort(v, total, sizeof(*v), cmp_delay);
	sort_ctx = NULL;
	*n = total;
	return v;
}

static void
profile_text(struct stats_ctx *c, struct gx_buf *out)
{
	gx_buf_printf(out, "profile: %s\n", profile_name(c));
}

static void
profile_json(struct stats_ctx *c, struct gx_buf *out)
{
	gx_buf_puts(out, ",\n  \"profile\": ");
	put_json_cstr(out, profile_name(c));
}

static void
contention_text(struct stats_ctx *c, struct gx_buf *out)
{
	uint64_t cont;
	int64_t delay;
	size_t n, i;
	uint32_t *v = contention_stacks(c, &n, &cont, &delay);

	if (c->query != NULL) {
		gx_buf_puts(out, "query: ");
		put_esc(out, c, c->query, strlen(c->query));
		gx_buf_putc(out, '\n');
	}
	gx_buf_printf(out, "contentions: %" PRIu64 "\ndelay: ", cont);
	gx_text_duration(out, delay, c->ascii);
	gx_buf_printf(out, "\n\nstacks by delay: %zu\n", n);
	for (i = 0; i < n && i < TEXT_GROUPS_MAX; i++) {
		const struct gx_goroutine_rec *g = gx_store_goroutine(c->s, v[i]);

		gx_buf_printf(out, "\n  %" PRIu64 " contention%s, delay ", g->contentions,
		              g->contentions == 1 ? "" : "s");
		gx_text_duration(out, g->delay_ns, c->ascii);
		gx_buf_puts(out, "\n    top: ");
		put_frame_where(out, c, gx_top_user_frame(c->s, g->stack));
		gx_buf_putc(out, '\n');
		group_stack_text(out, c, g->stack);
	}
	if (n > TEXT_GROUPS_MAX)
		gx_buf_printf(out, "\n  ... %zu more stacks (all of them with --json)\n",
		              n - TEXT_GROUPS_MAX);
	free(v);
}

static void
contention_json(struct stats_ctx *c, struct gx_buf *out)
{
	uint64_t cont;
	int64_t delay;
	size_t n, i;
	uint32_t *v = contention_stacks(c, &n, &cont, &delay);

	gx_buf_printf(out, ",\n  \"contentions\": %" PRIu64 ",\n  \"delay_ns\": %" PRId64, cont,
	              delay);
	gx_buf_puts(out, ",\n  \"stacks\": [");
	for (i = 0; i < n; i++) {
		const struct gx_goroutine_rec *g = gx_store_goroutine(c->s, v[i]);

		gx_buf_printf(out, "%s{\"contentions\": %" PRIu64 ", \"delay_ns\": %" PRId64
		              ",\n     \"top_frame\": ", i ? ",\n    " : "\n    ", g->contentions,
		              g->delay_ns);
		json_frame(out, c, gx_top_user_frame(c->s, g->stack));
		gx_buf_puts(out, ",\n     \"stack\": ");
		json_stack(out, c, g->stack);
		gx_buf_putc(out, '}');
	}
	gx_buf_puts(out, n ? "\n  ]" : "]");
	free(v);
}

static void
query_json(struct stats_ctx *c, struct gx_buf *out)
{
	uint64_t m = 0;
	size_t i;

	for (i = 0; i < c->nsel; i++)
		m += gx_store_goroutine(c->s, c->sel[i])->count;
	gx_buf_puts(out, ",\n  \"query\": ");
	put_json_cstr(out, c->query);
	gx_buf_printf(out, ",\n  \"matched_records\": %zu,\n  \"matched_goroutines\": %" PRIu64,
	              c->nsel, m);
}

static void
query_text(struct stats_ctx *c, struct gx_buf *out)
{
	if (is_contention(c))
		return; /* said in the contention section */
	gx_buf_puts(out, "\nquery: ");
	put_esc(out, c, c->query, strlen(c->query));
	gx_buf_printf(out, " (%zu records match; the groups below are theirs)\n", c->nsel);
}

static bool
has_query(const struct stats_ctx *c)
{
	return c->query != NULL;
}

/* ------------------------------------------------------------------ */
/* Traces: the time the trace covers, the state transitions of its
 * goroutines, and the events of gotrex's model by kind (`gotrex events`
 * lists Go's own events one by one). */

static bool
has_timeline(const struct stats_ctx *c)
{
	return c->meta->format == GX_FMT_TRACE_V2 || c->meta->format == GX_FMT_TRACE_V1;
}

static const char *const event_kind_names[GX_EV_KIND_COUNT] = {
	[GX_EV_NONE] = "none",
	[GX_EV_UNBLOCK] = "unblock",
	[GX_EV_CREATE] = "create",
	[GX_EV_LOG] = "log",
	[GX_EV_REGION_BEGIN] = "region begin",
	[GX_EV_REGION_END] = "region end",
	[GX_EV_TASK_BEGIN] = "task begin",
	[GX_EV_TASK_END] = "task end",
	[GX_EV_GC_BEGIN] = "GC begin",
	[GX_EV_GC_END] = "GC end",
	[GX_EV_STW_BEGIN] = "stop-the-world begin",
	[GX_EV_STW_END] = "stop-the-world end",
};

struct trace_counts {
	uint64_t into[GX_G_STATE_COUNT]; /* transitions into each state */
	uint64_t events[GX_EV_KIND_COUNT];
	uint64_t other_events;           /* kinds this gotrex does not know */
	uint64_t pspans;
};

/* A transition is a span that follows another span of the same goroutine:
 * the first span only says where the goroutine was when the trace began. */
static void
count_trace(const struct stats_ctx *c, struct trace_counts *t)
{
	size_t g, i, n;
	struct gx_event_cursor cur = { 0 };
	struct gx_event_rec *chunk = xmalloc(GX_EVENTS_CHUNK * sizeof *chunk);

	memset(t, 0, sizeof(*t));
	for (g = 0; g < gx_store_goroutine_count(c->s); g++) {
		const struct gx_span_rec *sp = gx_store_spans(c->s, g, &n);

		for (i = 1; i < n; i++)
			if (sp[i].state < GX_G_STATE_COUNT)
				t->into[sp[i].state]++;
		gx_store_spans_drop(c->s, g);
	}
	/* a chunk at a time: a big trace's events do not all fit in memory */
	while ((n = gx_store_events_read(c->s, &cur, chunk, GX_EVENTS_CHUNK)) > 0) {
		for (i = 0; i < n; i++) {
			if (chunk[i].kind < GX_EV_KIND_COUNT)
				t->events[chunk[i].kind]++;
			else
				t->other_events++;
		}
	}
	free(chunk);
	t->pspans = gx_store_pspan_count(c->s);
}

static void
timeline_text(struct stats_ctx *c, struct gx_buf *out)
{
	struct trace_counts t;
	size_t i;

	count_trace(c, &t);
	gx_buf_puts(out, "\ntime span: ");
	gx_text_duration(out, c->meta->end_ns - c->meta->start_ns, c->ascii);
	gx_buf_puts(out, " (");
	gx_text_timestamp(out, c->meta->start_ns);
	gx_buf_puts(out, " to ");
	gx_text_timestamp(out, c->meta->end_ns);
	gx_buf_puts(out, " from the first event)\n");
	gx_buf_puts(out, "\nstate transitions, by the state entered:\n");
	for (i = 0; i < GX_G_STATE_COUNT; i++)
		if (t.into[i] > 0)
			gx_buf_printf(out, "%10" PRIu64 "  %s\n", t.into[i], state_name((uint8_t)i));
	gx_buf_puts(out, "\nevents by kind:\n");
	for (i = 1; i < GX_EV_KIND_COUNT; i++)
		if (t.events[i] > 0)
			gx_buf_printf(out, "%10" PRIu64 "  %s\n", t.events[i], event_kind_names[i]);
	if (t.other_events > 0)
		gx_buf_printf(out, "%10" PRIu64 "  other\n", t.other_events);
	gx_buf_printf(out, "%10" PRIu64 "  processor spans\n", (uint64_t)t.pspans);
}

static void
timeline_json(struct stats_ctx *c, struct gx_buf *out)
{
	struct trace_counts t;
	size_t i;
	int k = 0;

	count_trace(c, &t);
	gx_buf_printf(out, ",\n  \"start_ns\": %" PRId64 ",\n  \"end_ns\": %" PRId64
	              ",\n  \"transitions\": {", c->meta->start_ns, c->meta->end_ns);
	for (i = 0; i < GX_G_STATE_COUNT; i++) {
		if (t.into[i] == 0)
			continue;
		gx_buf_puts(out, k++ ? ", " : "");
		put_json_cstr(out, state_name((uint8_t)i));
		gx_buf_printf(out, ": %" PRIu64, t.into[i]);
	}
	gx_buf_puts(out, "},\n  \"events_by_kind\": {");
	k = 0;
	for (i = 1; i < GX_EV_KIND_COUNT; i++) {
		if (t.events[i] == 0)
			continue;
		gx_buf_puts(out, k++ ? ", " : "");
		put_json_cstr(out, event_kind_names[i]);
		gx_buf_printf(out, ": %" PRIu64, t.events[i]);
	}
	if (t.other_events > 0)
		gx_buf_printf(out, "%s\"other\": %" PRIu64, k ? ", " : "", t.other_events);
	gx_buf_printf(out, "},\n  \"processor_spans\": %" PRIu64, (uint64_t)t.pspans);
}

static const struct stats_section sections[] = {
	{ .name = "summary", .text = summary_text, .json = summary_json },
	{ .name = "profile", .applies = is_profile, .text = profile_text, .json = profile_json },
	{ .name = "query", .applies = has_query, .text = query_text, .json = query_json },
	{ .name = "by_state", .applies = not_contention, .text = states_text, .json = states_json },
	{ .name = "by_reason", .applies = not_contention, .text = reasons_text, .json = reasons_json },
	{ .name = "longest_waiting", .applies = not_contention, .text = longest_text,
	  .json = longest_json },
	{ .name = "groups", .applies = not_contention, .text = groups_text, .json = groups_json },
	{ .name = "contention", .applies = is_contention, .text = contention_text,
	  .json = contention_json },
	/* Sections about one format go here, with .applies set. */
	{ .name = "timeline", .applies = has_timeline, .text = timeline_text, .json = timeline_json },
	{ .name = "warnings", .text = warnings_text, .json = warnings_json },
};

/* ------------------------------------------------------------------ */

static void
usage(FILE *f)
{
	fprintf(f, "usage: gotrex stats [--json] [--no-cache] [--query EXPR] FILE\n"
	           "  --json        machine-readable output\n"
	           "  --no-cache    build a private index instead of using the cache\n"
	           "  --query EXPR  groups (and mutex/block profile stacks) of the matching\n"
	           "                records only, e.g. --query 'stack:/^main\\./'\n");
}

int
gx_cmd_stats(int argc, char **argv)
{
	struct gx_load_opts o = {0};
	struct gx_diag d = {0};
	struct stats_ctx c;
	struct gx_buf out = {0};
	const char *path = NULL;
	bool json = false, opts = true;
	const char *query = NULL;
	size_t i;
	int rc = 0;

	for (i = 1; i < (size_t)argc; i++) {
		const char *a = argv[i];

		if (opts && strcmp(a, "--json") == 0) {
			json = true;
		} else if (opts && strcmp(a, "--no-cache") == 0) {
			o.no_cache = true;
		} else if (opts && strcmp(a, "--query") == 0) {
			if (i + 1 >= (size_t)argc) {
				usage(stderr);
				return 2;
			}
			query = argv[++i];
		} else if (opts && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
			usage(stdout);
			return 0;
		} else if (opts && strcmp(a, "--") == 0) {
			opts = false;
		} else if (opts && a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "gotrex stats: unknown option '%s'\n", a);
			usage(stderr);
			return 2;
		} else if (path == NULL) {
			path = a;
		} else {
			fprintf(stderr, "gotrex stats: one FILE only\n");
			usage(stderr);
			return 2;
		}
	}
	if (path == NULL) {
		usage(stderr);
		return 2;
	}

	memset(&c, 0, sizeof(c));
	c.path = path;
	c.ascii = gx_cli_ascii();
	c.s = gx_cli_load("stats", path, &o, &d);
	if (c.s == NULL)
		return 2;
	c.meta = gx_store_meta(c.s);
	for (i = 0; i < gx_store_goroutine_count(c.s); i++)
		c.total += gx_store_goroutine(c.s, i)->count;
	if (query != NULL) {
		struct gx_query_error err;
		struct gx_query_env env = { .store = c.s, .deadlock = NULL, .lean = true };
		struct gx_query *q = gx_query_parse(query, &err);

		if (q == NULL || gx_query_select(q, &env, &c.sel, &c.nsel, &err) != 0) {
			char *msg = gx_query_error_format(query, &err);

			fprintf(stderr, "gotrex stats: error in the query:\n%s\n", msg);
			free(msg);
			gx_query_free(q);
			gx_store_close(c.s);
			gx_diag_clear(&d);
			return 2;
		}
		gx_query_free(q);
		c.query = query;
	}
	if (c.query != NULL) {
		static const uint32_t none[1];

		/* NULL would mean all of them */
		gx_group_build(c.s, c.nsel > 0 ? c.sel : none, c.nsel, &c.groups);
	}
	else
		gx_group_build(c.s, NULL, 0, &c.groups);

	if (json)
		gx_buf_puts(&out, "{\n  \"gotrex_stats\": 1");
	for (i = 0; i < GX_ARRAY_SIZE(sections); i++) {
		const struct stats_section *sec = &sections[i];

		if (sec->applies != NULL && !sec->applies(&c))
			continue;
		if (json)
			sec->json(&c, &out);
		else
			sec->text(&c, &out);
	}
	if (json)
		gx_buf_puts(&out, "\n}\n");

	if (out.len > 0 && fwrite(out.data, 1, out.len, stdout) != out.len)
		rc = 2;
	if (fflush(stdout) != 0)
		rc = 2;
	if (rc != 0)
		fprintf(stderr, "gotrex stats: cannot write the output\n");
	gx_buf_free(&out);
	gx_groups_free(&c.groups);
	free(c.sel);
	gx_store_close(c.s);
	gx_diag_clear(&d);
	return rc;
}
