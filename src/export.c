/* export: the stacks of chosen goroutines as Go traceback text, folded
 * stacks or JSON, and atomic writes of the result. */
#include "config.h"

#include "gotrex/export.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gotrex/group.h"
#include "gotrex/query.h"
#include "gotrex/text.h"

#define MINUTE_NS ((int64_t)60000000000)

bool
gx_export_format_from_name(const char *name, enum gx_export_format *out)
{
	if (strcmp(name, "text") == 0)
		*out = GX_EXPORT_TEXT;
	else if (strcmp(name, "folded") == 0)
		*out = GX_EXPORT_FOLDED;
	else if (strcmp(name, "json") == 0)
		*out = GX_EXPORT_JSON;
	else
		return false;
	return true;
}

static void
esc_str(struct gx_buf *out, const struct gx_store *s, gx_str id)
{
	size_t n;
	const char *t = gx_store_str(s, id, &n);

	gx_text_escape(out, t, n, false);
}

static void
json_str(struct gx_buf *out, const struct gx_store *s, gx_str id)
{
	size_t n;
	const char *t = gx_store_str(s, id, &n);

	gx_text_json_string(out, t, n);
}

/* The status the runtime would print: the wait reason, or the status
 * string of the coarse state. */
static void
status_text(struct gx_buf *out, const struct gx_store *s, const struct gx_goroutine_rec *r,
            bool json)
{
	size_t n;
	const char *t = gx_store_str(s, r->reason, &n);

	if (n == 0) {
		switch (r->state) {
		case GX_G_RUNNING: t = "running"; break;
		case GX_G_RUNNABLE: t = "runnable"; break;
		case GX_G_SYSCALL: t = "syscall"; break;
		case GX_G_WAITING: t = "waiting"; break;
		case GX_G_DEAD: t = "dead"; break;
		default: t = "???"; break;
		}
		n = strlen(t);
	}
	if (json)
		gx_text_json_string(out, t, n);
	else
		gx_text_escape(out, t, n, false);
}

static bool
waits(const struct gx_goroutine_rec *r)
{
	return r->state == GX_G_WAITING || r->state == GX_G_SYSCALL;
}

/* A label key or value as the Go 1.26 runtime prints it (printquoted in
 * runtime/print.go): double-quoted, \n \r \t \\ \" escaped, printable ASCII
 * as is, other code points as \xNN, \uNNNN or \UNNNNNNNN; invalid UTF-8
 * reads as U+FFFD, as Go's range over a string does. */
static void
go_quoted(struct gx_buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n = strlen(s);

	gx_buf_putc(out, '"');
	while (i < n) {
		uint32_t c = p[i];
		size_t len = 1, k;

		if (c >= 0x80) {
			uint32_t min;

			len = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
			min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
			if (len == 0 || i + len > n) {
				c = 0xfffd;
				len = 1;
			} else {
				c &= 0x3f >> (len - 1);
				for (k = 1; k < len; k++) {
					if ((p[i + k] & 0xc0) != 0x80)
						break;
					c = (c << 6) | (p[i + k] & 0x3f);
				}
				if (k < len || c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
					c = 0xfffd;
					len = 1;
				}
			}
		}
		i += len;
		if (c == '\n')
			gx_buf_puts(out, "\\n");
		else if (c == '\r')
			gx_buf_puts(out, "\\r");
		else if (c == '\t')
			gx_buf_puts(out, "\\t");
		else if (c == '\\' || c == '"') {
			gx_buf_putc(out, '\\');
			gx_buf_putc(out, (char)c);
		} else if (c >= ' ' && c <= '~')
			gx_buf_putc(out, (char)c);
		else if (c < 127)
			gx_buf_printf(out, "\\x%02x", (unsigned)c);
		else if (c < 0x10000)
			gx_buf_printf(out, "\\u%04x", (unsigned)c);
		else
			gx_buf_printf(out, "\\U%08x", (unsigned)c);
	}
	gx_buf_putc(out, '"');
}

static void
text_frame_line(struct gx_buf *out, const struct gx_store *s, const struct gx_frame_rec *f)
{
	gx_buf_putc(out, '\t');
	esc_str(out, s, f->file);
	gx_buf_printf(out, ":%" PRIu32, f->line);
	if (f->offset != 0)
		gx_buf_printf(out, " +0x%" PRIx32, f->offset);
	gx_buf_putc(out, '\n');
}

/* The "created by" frame: the creation stack's innermost frame, or a
 * frame flagged as such in the stack. NULL when unknown. */
static const struct gx_frame_rec *
created_by_frame(const struct gx_store *s, const struct gx_goroutine_rec *r)
{
	size_t i, depth;

	if (r->create_stack != 0 && gx_store_stack_depth(s, r->create_stack) > 0)
		return gx_store_stack_frame(s, r->create_stack, 0);
	depth = gx_store_stack_depth(s, r->stack);
	for (i = 0; i < depth; i++) {
		const struct gx_frame_rec *f = gx_store_stack_frame(s, r->stack, i);

		if (f != NULL && (f->flags & GX_FRAME_CREATED_BY))
			return f;
	}
	return NULL;
}

void
gx_export_goroutine_text(struct gx_buf *out, const struct gx_store *s, uint32_t g,
                         unsigned flags)
{
	const struct gx_goroutine_rec *r = gx_store_goroutine(s, g);
	const struct gx_frame_rec *cb;
	size_t i, depth, n;

	if (r == NULL)
		return;
	gx_buf_printf(out, "goroutine %" PRIu64 " [", r->id);
	status_text(out, s, r, false);
	if (r->flags & GX_G_LEAKED)
		gx_buf_puts(out, " (leaked)");
	if (waits(r) && r->wait_ns >= MINUTE_NS)
		gx_buf_printf(out, ", %" PRId64 " minutes", r->wait_ns / MINUTE_NS);
	if (r->flags & GX_G_LOCKED)
		gx_buf_puts(out, ", locked to thread");
	if (r->labels != 0 && !(flags & GX_EXPORT_NO_LABELS)) {
		const char *t = gx_store_str(s, r->labels, &n);
		struct gx_label *v;
		size_t nl = gx_labels_split(t, n, &v);

		if (nl > 0) {
			gx_buf_puts(out, " labels:{");
			for (i = 0; i < nl; i++) {
				if (i > 0)
					gx_buf_puts(out, ", ");
				go_quoted(out, v[i].key);
				gx_buf_puts(out, ": ");
				go_quoted(out, v[i].value);
			}
			gx_buf_putc(out, '}');
		}
		gx_labels_free(v, nl);
	}
	gx_buf_putc(out, ']');
	gx_buf_puts(out, ":\n");
	depth = gx_store_stack_depth(s, r->stack);
	for (i = 0; i < depth; i++) {
		const struct gx_frame_rec *f = gx_store_stack_frame(s, r->stack, i);

		if (f == NULL || (f->flags & GX_FRAME_CREATED_BY))
			continue;
		if (f->flags & GX_FRAME_ELIDED) {
			/* The loader keeps the marker line as the function. */
			if (gx_store_str(s, f->func, &n)[0] == '.' && n > 3)
				esc_str(out, s, f->func);
			else
				gx_buf_puts(out, "...additional frames elided...");
			gx_buf_putc(out, '\n');
			continue;
		}
		esc_str(out, s, f->func);
		if (f->args != 0)
			esc_str(out, s, f->args);
		else if (f->file == 0 && f->line == 0)
			; /* a cgo frame: "non-Go function at pc=0x..." stands alone */
		else
			gx_buf_puts(out, "(...)");
		gx_buf_putc(out, '\n');
		if (f->file != 0 || f->line != 0)
			text_frame_line(out, s, f);
	}
	cb = created_by_frame(s, r);
	if (cb != NULL) {
		gx_buf_puts(out, "created by ");
		esc_str(out, s, cb->func);
		if (r->creator_id != 0)
			gx_buf_printf(out, " in goroutine %" PRIu64, r->creator_id);
		gx_buf_putc(out, '\n');
		text_frame_line(out, s, cb);
	}
}

static void
json_frame(struct gx_buf *out, const struct gx_store *s, const struct gx_frame_rec *f, bool full)
{
	if (f == NULL) {
		gx_buf_puts(out, "null");
		return;
	}
	gx_buf_puts(out, "{\"func\": ");
	json_str(out, s, f->func);
	gx_buf_puts(out, ", \"file\": ");
	json_str(out, s, f->file);
	gx_buf_printf(out, ", \"line\": %" PRIu32, f->line);
	if (full) {
		gx_buf_puts(out, ", \"args\": ");
		json_str(out, s, f->args);
		gx_buf_printf(out, ", \"offset\": %" PRIu32, f->offset);
		if (f->flags & GX_FRAME_ELIDED)
			gx_buf_puts(out, ", \"elided\": true");
	}
	gx_buf_putc(out, '}');
}

void
gx_export_json_goroutine(struct gx_buf *out, const struct gx_store *s, uint32_t g,
                         bool with_stack)
{
	const struct gx_goroutine_rec *r = gx_store_goroutine(s, g);
	const struct gx_frame_rec *cb;
	size_t i, n, depth, nl;

	if (r == NULL) {
		gx_buf_puts(out, "null");
		return;
	}
	gx_buf_printf(out, "{\"id\": %" PRIu64 ", \"state\": ", r->id);
	gx_text_json_string(out, gx_gstate_name((enum gx_gstate)r->state),
	                    strlen(gx_gstate_name((enum gx_gstate)r->state)));
	gx_buf_puts(out, ", \"reason\": ");
	status_text(out, s, r, true);
	gx_buf_printf(out, ", \"wait_ns\": %" PRId64 ", \"wait_approx\": %s, \"locked\": %s",
	              r->wait_ns, (r->flags & GX_G_WAIT_APPROX) ? "true" : "false",
	              (r->flags & GX_G_LOCKED) ? "true" : "false");
	gx_buf_puts(out, ", \"labels\": ");
	if (r->labels == 0) {
		gx_buf_puts(out, "null");
	} else {
		const char *t = gx_store_str(s, r->labels, &n);
		struct gx_label *v;

		nl = gx_labels_split(t, n, &v);
		gx_buf_putc(out, '{');
		for (i = 0; i < nl; i++) {
			if (i > 0)
				gx_buf_puts(out, ", ");
			gx_text_json_string(out, v[i].key, strlen(v[i].key));
			gx_buf_puts(out, ": ");
			gx_text_json_string(out, v[i].value, strlen(v[i].value));
		}
		gx_buf_putc(out, '}');
		gx_labels_free(v, nl);
	}
	gx_buf_puts(out, ", \"top_frame\": ");
	json_frame(out, s, gx_top_user_frame(s, r->stack), false);
	gx_buf_puts(out, ", \"created_by\": ");
	cb = created_by_frame(s, r);
	if (cb == NULL) {
		gx_buf_puts(out, "null");
	} else {
		gx_buf_puts(out, "{\"func\": ");
		json_str(out, s, cb->func);
		gx_buf_puts(out, ", \"file\": ");
		json_str(out, s, cb->file);
		gx_buf_printf(out, ", \"line\": %" PRIu32 ", \"goroutine\": ", cb->line);
		if (r->creator_id != 0)
			gx_buf_printf(out, "%" PRIu64 "}", r->creator_id);
		else
			gx_buf_puts(out, "null}");
	}
	if (with_stack) {
		bool first = true;

		gx_buf_puts(out, ", \"stack\": [");
		depth = gx_store_stack_depth(s, r->stack);
		for (i = 0; i < depth; i++) {
			const struct gx_frame_rec *f = gx_store_stack_frame(s, r->stack, i);

			if (f == NULL || (f->flags & GX_FRAME_CREATED_BY))
				continue;
			if (!first)
				gx_buf_puts(out, ", ");
			first = false;
			json_frame(out, s, f, true);
		}
		gx_buf_putc(out, ']');
	}
	gx_buf_putc(out, '}');
}

/* ------------------------------------------------------------------ */
/* Folded stacks */

struct folded {
	char *line;
	uint64_t count;
};

static int
cmp_folded(const void *a, const void *b)
{
	return strcmp(((const struct folded *)a)->line, ((const struct folded *)b)->line);
}

/* A function name in a folded line: escaped, and without the ';' that
 * separates frames. */
static void
folded_func(struct gx_buf *out, const struct gx_store *s, gx_str id)
{
	size_t start = out->len, i;

	esc_str(out, s, id);
	for (i = start; i < out->len; i++)
		if (out->data[i] == ';')
			out->data[i] = ':';
}

static int
export_folded(FILE *f, const struct gx_store *s, const uint32_t *gs, size_t n)
{
	struct folded *v = NULL;
	size_t nv = 0, cap = 0, i, j;
	struct gx_buf b = { 0 };
	int rc = 0;

	for (i = 0; i < n; i++) {
		const struct gx_goroutine_rec *r = gx_store_goroutine(s, gs[i]);
		size_t depth;
		bool any = false;

		if (r == NULL)
			continue;
		gx_buf_reset(&b);
		depth = gx_store_stack_depth(s, r->stack);
		for (j = depth; j > 0; j--) {
			const struct gx_frame_rec *fr = gx_store_stack_frame(s, r->stack, j - 1);

			if (fr == NULL || (fr->flags & GX_FRAME_CREATED_BY))
				continue;
			if (any)
				gx_buf_putc(&b, ';');
			any = true;
			if (fr->flags & GX_FRAME_ELIDED)
				gx_buf_puts(&b, "...");
			else
				folded_func(&b, s, fr->func);
		}
		if (!any)
			gx_buf_puts(&b, "[no stack]");
		gx_grow(&v, &cap, nv + 1, sizeof(*v));
		v[nv].line = xstrndup(b.data, b.len);
		v[nv].count = r->count ? r->count : 1;
		nv++;
	}
	if (nv > 0)
		qsort(v, nv, sizeof(*v), cmp_folded);
	for (i = 0; i < nv; i = j) {
		uint64_t total = 0;

		for (j = i; j < nv && strcmp(v[j].line, v[i].line) == 0; j++)
			total += v[j].count;
		if (fprintf(f, "%s %" PRIu64 "\n", v[i].line, total) < 0)
			rc = -1;
	}
	for (i = 0; i < nv; i++)
		free(v[i].line);
	free(v);
	gx_buf_free(&b);
	return rc;
}

int
gx_export(FILE *f, const struct gx_store *s, const uint32_t *gs, size_t n,
          enum gx_export_format fmt, unsigned flags)
{
	struct gx_buf b = { 0 };
	size_t i, written = 0;
	int rc = 0;

	if (fmt == GX_EXPORT_FOLDED)
		return export_folded(f, s, gs, n) < 0 || ferror(f) ? -1 : 0;
	if (fmt == GX_EXPORT_JSON)
		gx_buf_puts(&b, "[");
	for (i = 0; i < n; i++) {
		if (gx_store_goroutine(s, gs[i]) == NULL)
			continue;
		if (fmt == GX_EXPORT_TEXT) {
			if (written > 0)
				gx_buf_putc(&b, '\n');
			gx_export_goroutine_text(&b, s, gs[i], flags);
		} else {
			gx_buf_puts(&b, written > 0 ? ",\n" : "\n");
			gx_export_json_goroutine(&b, s, gs[i], true);
		}
		written++;
		if (b.len >= 1 << 16) {
			if (fwrite(b.data, 1, b.len, f) != b.len)
				rc = -1;
			gx_buf_reset(&b);
		}
	}
	if (fmt == GX_EXPORT_JSON)
		gx_buf_puts(&b, written > 0 ? "\n]\n" : "]\n");
	if (b.len > 0 && fwrite(b.data, 1, b.len, f) != b.len)
		rc = -1;
	gx_buf_free(&b);
	return rc < 0 || ferror(f) ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* Atomic files */

static void
ef_free(struct gx_export_file *ef)
{
	free(ef->path);
	free(ef->tmp);
	ef->path = ef->tmp = NULL;
	ef->f = NULL;
}

int
gx_export_file_open(struct gx_export_file *ef, const char *path, bool force, struct gx_diag *d)
{
	struct stat st;
	char *dir, *dcopy;
	int fd;
	mode_t um;

	memset(ef, 0, sizeof(*ef));
	if (lstat(path, &st) == 0) {
		if (!force) {
			gx_diag_add(d, GX_ERROR, path, GX_NOWHERE, GX_NOWHERE,
			            "file exists (use --force to replace it)");
			return -1;
		}
		if (S_ISDIR(st.st_mode)) {
			gx_diag_add(d, GX_ERROR, path, GX_NOWHERE, GX_NOWHERE, "is a directory");
			return -1;
		}
	}
	dcopy = xstrdup(path);
	dir = dirname(dcopy);
	ef->tmp = xasprintf("%s/.gotrex-export-XXXXXX", dir);
	free(dcopy);
	fd = mkstemp(ef->tmp);
	if (fd < 0) {
		gx_diag_add(d, GX_ERROR, path, GX_NOWHERE, GX_NOWHERE,
		            "cannot create a temporary file beside it: %s", strerror(errno));
		ef_free(ef);
		return -1;
	}
	um = umask(0);
	umask(um);
	(void)fchmod(fd, 0666 & ~um);
	ef->f = fdopen(fd, "w");
	if (ef->f == NULL) {
		gx_diag_add(d, GX_ERROR, path, GX_NOWHERE, GX_NOWHERE, "%s", strerror(errno));
		close(fd);
		unlink(ef->tmp);
		ef_free(ef);
		return -1;
	}
	ef->path = xstrdup(path);
	ef->force = force;
	return 0;
}

void
gx_export_file_abort(struct gx_export_file *ef)
{
	if (ef->f != NULL)
		fclose(ef->f);
	if (ef->tmp != NULL)
		unlink(ef->tmp);
	ef_free(ef);
}

static void
sync_dir(const char *path)
{
	char *dcopy = xstrdup(path);
	int fd = open(dirname(dcopy), O_RDONLY | O_DIRECTORY);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dcopy);
}

int
gx_export_file_commit(struct gx_export_file *ef, struct gx_diag *d)
{
	int err = 0;

	if (fflush(ef->f) != 0 || ferror(ef->f))
		err = errno ? errno : EIO;
	if (err == 0 && fsync(fileno(ef->f)) != 0)
		err = errno;
	if (fclose(ef->f) != 0 && err == 0)
		err = errno;
	ef->f = NULL;
	if (err != 0) {
		gx_diag_add(d, GX_ERROR, ef->path, GX_NOWHERE, GX_NOWHERE, "write failed: %s",
		            strerror(err));
		goto fail;
	}
	if (ef->force) {
		if (rename(ef->tmp, ef->path) != 0) {
			gx_diag_add(d, GX_ERROR, ef->path, GX_NOWHERE, GX_NOWHERE, "%s",
			            strerror(errno));
			goto fail;
		}
	} else if (link(ef->tmp, ef->path) == 0) {
		/* link() never replaces: a file that appeared meanwhile is kept. */
		unlink(ef->tmp);
	} else if (errno == EEXIST) {
		gx_diag_add(d, GX_ERROR, ef->path, GX_NOWHERE, GX_NOWHERE,
		            "file exists (use --force to replace it)");
		goto fail;
	} else {
		struct stat st;

		/* A file system without hard links: check, then rename. */
		if (lstat(ef->path, &st) == 0) {
			gx_diag_add(d, GX_ERROR, ef->path, GX_NOWHERE, GX_NOWHERE,
			            "file exists (use --force to replace it)");
			goto fail;
		}
		if (rename(ef->tmp, ef->path) != 0) {
			gx_diag_add(d, GX_ERROR, ef->path, GX_NOWHERE, GX_NOWHERE, "%s",
			            strerror(errno));
			goto fail;
		}
	}
	sync_dir(ef->path);
	ef_free(ef);
	return 0;
fail:
	unlink(ef->tmp);
	ef_free(ef);
	return -1;
}
