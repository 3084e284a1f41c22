/* cmd_query: `gotrex query [--json] [--no-cache] FILE EXPR`.
 *
 * Lists the goroutines that match a query, one per line: id, status (the
 * runtime's wait reason or state), how long it has waited, and its top user
 * frame. --json gives an array of objects (gx_export_json_goroutine).
 * Exit status as grep: 0 when something matched, 1 when nothing did, 2 on
 * an error (bad query, unreadable input). */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/cli.h"
#include "gotrex/diag.h"
#include "gotrex/export.h"
#include "gotrex/group.h"
#include "gotrex/load.h"
#include "gotrex/query.h"
#include "gotrex/query_deadlock.h"
#include "gotrex/store.h"
#include "gotrex/text.h"
#include "gotrex/util.h"
#include "gotrex/waitgraph.h"

#define MINUTE_NS ((int64_t)60000000000)
#define STATUS_MAX 28 /* status column width at most */

static void
usage(FILE *f)
{
	fprintf(f,
	        "usage: gotrex query [--json] [--no-cache] FILE EXPR\n"
	        "List the goroutines of FILE that match the query EXPR ('' matches all).\n"
	        "Examples:  gotrex query dump.txt 'mutex wait>1m'\n"
	        "           gotrex query trace.out 'chan and stack:/^main\\./ last 10ms'\n"
	        "Exit status: 0 matches, 1 no match, 2 error. See doc/query.md for the language.\n");
}

static void
wait_text(struct gx_buf *out, const struct gx_goroutine_rec *r, bool ascii)
{
	if (r->state != GX_G_WAITING && r->state != GX_G_SYSCALL) {
		gx_buf_putc(out, '-');
	} else if (r->flags & GX_G_WAIT_APPROX) {
		gx_buf_printf(out, ">=%" PRId64 "m", r->wait_ns / MINUTE_NS);
	} else if (r->wait_ns == 0 && r->wait_since_ns == GX_TIME_NONE) {
		/* A dump without ", N minutes": less than a minute, or never
		 * measured by the runtime. */
		gx_buf_puts(out, "<1m");
	} else {
		gx_text_duration(out, r->wait_ns, ascii);
	}
}

static void
status_text(struct gx_buf *out, const struct gx_store *s, const struct gx_goroutine_rec *r,
            bool ascii)
{
	size_t n;
	const char *t = gx_store_str(s, r->reason, &n);

	if (n == 0) {
		t = gx_gstate_name((enum gx_gstate)r->state);
		n = strlen(t);
	}
	gx_text_escape(out, t, n, ascii);
}

/* Display width of an escaped ASCII-or-UTF-8 string: code points. */
static size_t
width(const char *s, size_t n)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

static void
pad(struct gx_buf *out, size_t have, size_t want)
{
	while (have++ < want)
		gx_buf_putc(out, ' ');
}

static int
print_text(const struct gx_store *s, const uint32_t *v, size_t n, bool ascii)
{
	struct gx_buf out = { 0 }, a = { 0 };
	size_t i, wid = 0, wst = 0, ww = 0;
	int rc = 0;

	/* Column widths. */
	for (i = 0; i < n; i++) {
		const struct gx_goroutine_rec *r = gx_store_goroutine(s, v[i]);
		size_t l;

		gx_buf_reset(&a);
		gx_buf_printf(&a, "%" PRIu64, r->id);
		if (a.len > wid)
			wid = a.len;
		gx_buf_reset(&a);
		status_text(&a, s, r, ascii);
		l = width(a.data, a.len);
		if (l > wst)
			wst = l > STATUS_MAX ? STATUS_MAX : l;
		gx_buf_reset(&a);
		wait_text(&a, r, ascii);
		l = width(a.data, a.len);
		if (l > ww)
			ww = l;
	}
	for (i = 0; i < n; i++) {
		const struct gx_goroutine_rec *r = gx_store_goroutine(s, v[i]);
		const struct gx_frame_rec *f = gx_top_user_frame(s, r->stack);
		size_t l, start;
		const char *t;

		start = out.len;
		gx_buf_printf(&out, "%" PRIu64, r->id);
		pad(&out, out.len - start, wid);
		gx_buf_puts(&out, "  ");
		start = out.len;
		status_text(&out, s, r, ascii);
		pad(&out, width(out.data + start, out.len - start), wst);
		gx_buf_puts(&out, "  ");
		gx_buf_reset(&a);
		wait_text(&a, r, ascii);
		pad(&out, width(a.data, a.len), ww);
		gx_buf_append(&out, a.data, a.len);
		gx_buf_puts(&out, "  ");
		if (f == NULL) {
			gx_buf_puts(&out, "(no stack)");
		} else {
			t = gx_store_str(s, f->func, &l);
			gx_text_escape(&out, t, l, ascii);
			gx_buf_puts(&out, "  ");
			t = gx_store_str(s, f->file, &l);
			gx_text_escape(&out, t, l, ascii);
			gx_buf_printf(&out, ":%" PRIu32, f->line);
		}
		gx_buf_putc(&out, '\n');
		if (out.len >= 1 << 16) {
			if (fwrite(out.data, 1, out.len, stdout) != out.len)
				rc = -1;
			gx_buf_reset(&out);
		}
	}
	if (out.len > 0 && fwrite(out.data, 1, out.len, stdout) != out.len)
		rc = -1;
	gx_buf_free(&out);
	gx_buf_free(&a);
	return rc;
}

static int
print_json(const struct gx_store *s, const uint32_t *v, size_t n)
{
	struct gx_buf out = { 0 };
	size_t i;
	int rc = 0;

	gx_buf_putc(&out, '[');
	for (i = 0; i < n; i++) {
		gx_buf_puts(&out, i > 0 ? ",\n" : "\n");
		gx_export_json_goroutine(&out, s, v[i], false);
		if (out.len >= 1 << 16) {
			if (fwrite(out.data, 1, out.len, stdout) != out.len)
				rc = -1;
			gx_buf_reset(&out);
		}
	}
	gx_buf_puts(&out, n > 0 ? "\n]\n" : "]\n");
	if (fwrite(out.data, 1, out.len, stdout) != out.len)
		rc = -1;
	gx_buf_free(&out);
	return rc;
}

int
gx_cmd_query(int argc, char **argv)
{
	struct gx_load_opts o = { 0 };
	struct gx_diag d = { 0 };
	struct gx_query_error err;
	struct gx_query *q;
	struct gx_store *s;
	struct gx_query_env env = { .lean = true };
	struct gx_waitgraph *wg = NULL;
	struct gx_query_dl dl = { .bits = NULL };
	const char *path = NULL, *expr = NULL;
	bool json = false, opts = true, ascii;
	uint32_t *v = NULL;
	size_t n = 0;
	int i, rc;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (opts && strcmp(a, "--json") == 0) {
			json = true;
		} else if (opts && strcmp(a, "--no-cache") == 0) {
			o.no_cache = true;
		} else if (opts && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
			usage(stdout);
			return 0;
		} else if (opts && strcmp(a, "--") == 0) {
			opts = false;
		} else if (opts && a[0] == '-' && a[1] != '\0' && path != NULL && expr == NULL) {
			/* "-mutex" as the query: a negation, not an option. */
			expr = a;
		} else if (opts && a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "gotrex query: unknown option '%s'\n", a);
			usage(stderr);
			return 2;
		} else if (path == NULL) {
			path = a;
		} else if (expr == NULL) {
			expr = a;
		} else {
			fprintf(stderr, "gotrex query: too many arguments (quote the query: '%s ...')\n",
			        expr);
			usage(stderr);
			return 2;
		}
	}
	if (path == NULL || expr == NULL) {
		usage(stderr);
		return 2;
	}
	/* Parse first: a typo is reported without loading anything. */
	q = gx_query_parse(expr, &err);
	if (q == NULL) {
		gx_cli_query_error("query", expr, &err);
		return 2;
	}
	s = gx_cli_load("query", path, &o, &d);
	if (s == NULL) {
		gx_query_free(q);
		return 2;
	}
	gx_diag_print(&d, stderr); /* the load's warnings */
	gx_diag_clear(&d);
	ascii = gx_cli_ascii();
	env.store = s;
	/* The analysis only when the query asks for it (in:, before deadlock). */
	if (gx_query_needs_deadlock(q)) {
		wg = gx_waitgraph_build(s);
		gx_query_dl_init(&dl, wg);
		env.deadlock = &dl.hook;
	}
	if (gx_query_select(q, &env, &v, &n, &err) < 0) {
		gx_cli_query_error("query", expr, &err);
		rc = 2;
		goto out;
	}
	if ((json ? print_json(s, v, n) : print_text(s, v, n, ascii)) < 0 || fflush(stdout) != 0) {
		fprintf(stderr, "gotrex query: cannot write the output\n");
		rc = 2;
		goto out;
	}
	rc = n > 0 ? 0 : 1;
out:
	free(v);
	gx_query_free(q);
	gx_query_dl_free(&dl);
	gx_waitgraph_free(wg);
	gx_store_close(s);
	return rc;
}
