/* query: the query language of the TUI's query bar and of `--query`.
 *
 * A query is parsed once into a compiled form (regexes compiled with pcre2
 * at parse time, so a bad regex is reported while it is typed), then
 * evaluated over the goroutines of a store. Parsing needs no store and is
 * cheap enough to run on every keystroke. Every error carries the byte
 * position in the query text where it was found and what was expected.
 *
 * The grammar (doc/query.md has it with examples):
 *
 *   query   = [ or ]                          empty: every goroutine
 *   or      = and { "or" and }
 *   and     = unary { [ "and" ] unary }       juxtaposition is "and"
 *   unary   = ( "not" | "!" | "-" ) unary | primary
 *   primary = "(" or ")" | window | term
 *   window  = time ".." [ time ] | ".." time  from the start of the trace
 *           | "last" dur | "first" dur
 *           | dur "before" "deadlock"
 *   term    = alias                           mutex, chan, blocked, ...
 *           | "state:" alias
 *           | "reason" ( ":" text | "~" text )
 *           | ( "stack" | "created" | "log" ) ( ":" | "~" ) text
 *           | "region" ( ":" | "~" ) text
 *           | "label:" text [ "=" text ]
 *           | "id:" ids
 *           | "wait" ( ">" | ">=" | "<" | "<=" ) dur
 *           | "in:" ( "cycle" | "stuck" )
 *   text    = word | "quoted string" | /regex/ [ "i" ]
 *
 * Precedence: not > and > or. A window applies to the whole query: it must
 * be joined to the rest with "and" (not inside "or" or "not"), at most one
 * per query. */
#ifndef GOTREX_QUERY_H
#define GOTREX_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gotrex/store.h"

/* Where and why a query failed: pos is a byte offset into the query text
 * (pos == strlen(text) means "at the end"), len the bytes of the offending
 * part (at least 1 for drawing), msg says what was expected. */
struct gx_query_error {
	size_t pos;
	size_t len;
	char msg[192];
};

/* Two lines, without a final newline: the query (control characters shown
 * as '?') and a caret under the error's position followed by the message:
 *
 *     wait>1x
 *           ^ expected a duration unit (ns, us, ms, s, m, h)
 *
 * The caret column counts UTF-8 code points. Caller frees with free(). */
char *gx_query_error_format(const char *text, const struct gx_query_error *e);

struct gx_query; /* opaque */

/* Parse text (NUL-terminated). Returns NULL and fills *err on a syntax
 * error or a bad regex. Free with gx_query_free(). */
struct gx_query *gx_query_parse(const char *text, struct gx_query_error *err);
void gx_query_free(struct gx_query *q);

/* True when the query is empty (matches every goroutine). */
bool gx_query_is_empty(const struct gx_query *q);

/* What a query needs from the caller, to let a UI say it up front. */
bool gx_query_has_window(const struct gx_query *q);
bool gx_query_needs_deadlock(const struct gx_query *q); /* in:..., "before deadlock" */

/* ------------------------------------------------------------------ */
/* Evaluation. */

enum gx_query_set {
	GX_QUERY_SET_CYCLE, /* goroutine is in a deadlock cycle */
	GX_QUERY_SET_STUCK, /* goroutine is in the stuck set */
};

/* The deadlock analysis, supplied by the caller so that the query module
 * does not depend on it. member() is called with goroutine indexes (not
 * ids); ctx is passed back unchanged and must outlive the evaluation. */
struct gx_query_deadlock {
	bool (*member)(const void *ctx, enum gx_query_set set, uint32_t g);
	const void *ctx;
	int64_t deadlock_ns; /* when the deadlock set in, GX_TIME_NONE if none was found */
};

struct gx_query_env {
	const struct gx_store *store;             /* borrowed */
	const struct gx_query_deadlock *deadlock; /* borrowed; NULL: analysis not available */
	/* Free each goroutine's unpacked spans once it is judged, so that a
	 * windowed query over a big trace does not hold every span at once
	 * (one-shot callers; the TUI evaluates again and keeps them). */
	bool lean;
};

/* The time window the query asks for, resolved against the store (times
 * in the store's clock, both ends inclusive). Returns 1 and sets
 * *start and *end when the query has a window, 0 when it has none, -1 with
 * *err when it cannot be resolved (a dump has no timeline, no deadlock). */
int gx_query_window(const struct gx_query *q, const struct gx_query_env *env,
                    int64_t *start, int64_t *end, struct gx_query_error *err);

/* Evaluate q over every goroutine of env->store. On success returns 0
 * and sets *out to the matching goroutine indexes in store order (caller
 * frees with free(); NULL when *n is 0). Returns -1 with *err when the
 * query asks for something the input or the caller cannot give (a window
 * on a goroutine dump, in:cycle without deadlock analysis); err->pos then
 * points at the term that asked for it. */
int gx_query_select(struct gx_query *q, const struct gx_query_env *env,
                    uint32_t **out, size_t *n, struct gx_query_error *err);

/* ------------------------------------------------------------------ */
/* The names the language knows, for help screens and completion. */

struct gx_query_alias {
	const char *name;
	const char *help;
};
/* Ended by an entry with name == NULL. */
extern const struct gx_query_alias gx_query_aliases[];

/* Classification of a wait reason text (exact runtime text, suffixes like
 * " (durable)" allowed) into alias names: writes a short name of the
 * reason's class ("chan", "mutex", "io", ...) or "other". Exposed for the
 * views, which colour by the same classes. */
const char *gx_query_reason_class(const char *reason, size_t n);

/* pprof labels of a goroutine (gx_goroutine_rec.labels) split into pairs.
 * Accepts the forms inputs carry: `{key: value, k2: "quoted"}` (Go 1.26
 * traceback headers), `{"key":"value", ...}` (debug=1) and `key=value`
 * lists; Go-quoted strings are unquoted. */
struct gx_label {
	char *key;
	char *value;
};
/* Returns the number of pairs; *out gets them (caller frees with
 * gx_labels_free()). */
size_t gx_labels_split(const char *s, size_t n, struct gx_label **out);
void gx_labels_free(struct gx_label *v, size_t n);

#endif
