/* export: writing the stacks of chosen goroutines.
 *
 * Every output takes a list of goroutine indexes (a query's result, or the
 * goroutines marked in the TUI) and writes them in the order given:
 *
 *   text    Go's own traceback syntax, as the runtime prints it for pprof
 *           debug=2 and runtime.Stack, so gotrex, panicparse and people
 *           read it back:  "goroutine N [reason, M minutes]:" then
 *           "func(args)" / "\tfile:line +0xoff" lines, then
 *           "created by F in goroutine P"; blocks separated by an empty line.
 *   folded  Brendan Gregg's folded stacks for flame graphs: one line per
 *           distinct stack, functions outermost first joined by ';', a space
 *           and the number of goroutines. Lines sorted.
 *   json    an array of goroutine objects (see gx_export_json_goroutine).
 *
 * Text from the input is escaped (control characters become \xNN), so an
 * export cannot carry terminal escapes, and the structure of the text
 * format cannot be broken by a hostile function name. */
#ifndef GOTREX_EXPORT_H
#define GOTREX_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gotrex/diag.h"
#include "gotrex/store.h"
#include "gotrex/util.h"

enum gx_export_format {
	GX_EXPORT_TEXT,
	GX_EXPORT_FOLDED,
	GX_EXPORT_JSON,
};

/* Options of the text format. */
#define GX_EXPORT_NO_LABELS 0x1u /* leave pprof labels out of the headers. By default
                                    they are printed as Go 1.26 does with
                                    GODEBUG=tracebacklabels=1, inside the brackets:
                                    "goroutine 8 [running labels:{"job": "ingest"}]:" */

/* "text", "folded", "json"; false for anything else. */
bool gx_export_format_from_name(const char *name, enum gx_export_format *out);

/* Write goroutines gs[0..n) (store indexes; out-of-range ones are skipped)
 * to f. Returns 0, or -1 when writing failed (errno says why). */
int gx_export(FILE *f, const struct gx_store *s, const uint32_t *gs, size_t n,
              enum gx_export_format fmt, unsigned flags);

/* One goroutine's block in Go's syntax, each line ending in '\n' (no
 * separating empty line). */
void gx_export_goroutine_text(struct gx_buf *out, const struct gx_store *s, uint32_t g,
                              unsigned flags);

/* One goroutine as a JSON object:
 *   {"id", "state", "reason", "wait_ns", "wait_approx", "locked",
 *    "labels": {k: v} or null, "top_frame": frame or null,
 *    "created_by": frame + "goroutine" or null,
 *    "stack": [frame...] (only when with_stack)}
 * where a frame is {"func", "file", "line"} (+ "args", "offset" in stacks). */
void gx_export_json_goroutine(struct gx_buf *out, const struct gx_store *s, uint32_t g,
                              bool with_stack);

/* ------------------------------------------------------------------ */
/* Writing a file atomically: a temporary file in the same directory,
 * fsync'd, then moved into place. An existing file is replaced only with
 * force; without it the move fails rather than overwrite (even if the
 * file appeared while we wrote). */

struct gx_export_file {
	FILE *f;          /* write here between open and commit */
	char *path;       /* owned */
	char *tmp;        /* owned: the temporary name */
	bool force;
};

/* Returns 0, or -1 with an error naming the file in d (it exists and
 * force is false; the directory is not writable; ...). */
int gx_export_file_open(struct gx_export_file *ef, const char *path, bool force,
                        struct gx_diag *d);
/* Flush, fsync, close and move into place. Returns 0, or -1 with an error
 * in d (the temporary file is removed). Frees ef's members either way. */
int gx_export_file_commit(struct gx_export_file *ef, struct gx_diag *d);
/* Give up: close and remove the temporary file. */
void gx_export_file_abort(struct gx_export_file *ef);

#endif
