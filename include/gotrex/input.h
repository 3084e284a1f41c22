/* input: open a path or stdin, undo gzip, sniff the format from the bytes.
 *
 * Inputs are read with read()/gzread(), never mapped: a trace that is still
 * being written (or shrinks) must not kill us with SIGBUS. Reading streams,
 * so a loader can keep its memory bounded by what it decodes at a time. */
#ifndef GOTREX_INPUT_H
#define GOTREX_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "gotrex/diag.h"

enum gx_format {
	GX_FMT_UNKNOWN = 0,
	GX_FMT_TRACE_V2,      /* Go 1.22+ execution trace */
	GX_FMT_TRACE_V1,      /* Go 1.21 and older execution trace */
	GX_FMT_DUMP_TEXT,     /* panic / fatal error / SIGQUIT / debug=2 / runtime.Stack */
	GX_FMT_PPROF_DEBUG1,  /* "goroutine profile: total N" and mutex/block debug=1 text */
	GX_FMT_PPROF_PROTO,   /* profile.proto (gzip'd on the wire) */
};

/* Short stable name: "trace-v2", "dump", ... */
const char *gx_format_name(enum gx_format f);

/* Identity of a source file, recorded in the index to detect staleness. */
struct gx_source_id {
	uint64_t size;        /* bytes on disk (compressed size for .gz) */
	int64_t mtime_ns;
	uint64_t dev;
	uint64_t ino;
	uint64_t head_tail_hash; /* hash of the first and last 64 KiB on disk */
};

struct gx_input; /* opaque */

/* Open path ("-" for stdin). gzip'd data is unpacked transparently. On
 * failure returns NULL and adds an error naming the file to d. */
struct gx_input *gx_input_open(const char *path, struct gx_diag *d);
/* An input over bytes in memory (copied), for tests and fuzzers. */
struct gx_input *gx_input_open_memory(const char *name, const void *data, size_t len);
void gx_input_close(struct gx_input *in);

/* The name to show in messages: the path, or "<stdin>". */
const char *gx_input_name(const struct gx_input *in);
bool gx_input_is_stdin(const struct gx_input *in);
bool gx_input_was_gzip(const struct gx_input *in);

/* Format sniffed from the first (decompressed) bytes. */
enum gx_format gx_input_format(struct gx_input *in);

/* Identity of the file on disk; false for stdin and memory inputs. */
bool gx_input_identity(const struct gx_input *in, struct gx_source_id *id);

/* Read up to n decompressed bytes. Returns the count, 0 at the end, -1 on
 * error (an entry naming the file and the offset is added to d). */
ssize_t gx_input_read(struct gx_input *in, void *buf, size_t n, struct gx_diag *d);

/* Read one line (without its '\n'; a trailing '\r' is removed too) into
 * *line, valid until the next call. Returns the line's length, -1 at the end
 * or on error. Lines of any length are supported. */
ssize_t gx_input_getline(struct gx_input *in, const char **line, struct gx_diag *d);

/* Decompressed offset of the next byte to be returned. */
uint64_t gx_input_offset(const struct gx_input *in);

/* Does text hold a goroutine dump's marker: a header "goroutine N [" anywhere
 * on a line, or "panic: ", "fatal error: ", "SIGQUIT: quit"? */
bool gx_input_dump_marker(const void *text, size_t n);

/* Read everything that is left into a buffer the caller frees with free();
 * *len gets its size. Returns NULL on error. For small inputs (dumps). */
char *gx_input_slurp(struct gx_input *in, size_t *len, struct gx_diag *d);

#endif
