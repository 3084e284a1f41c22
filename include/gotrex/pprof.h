/* pprof: profile.proto (what pprof.Lookup(name).WriteTo(w, 0) and the
 * /debug/pprof endpoints write, gzip'd; the input module has already
 * undone the gzip), decoded without a protobuf library.
 * goroutine-dump-format.md §8; github.com/google/pprof proto/profile.proto.
 *
 * Two layers, as in dump.h:
 *   - gx_pprof_parse decodes the wire format into tables (string table,
 *     sample types, mappings, locations with their lines, functions) and
 *     keeps each sample's bytes; gx_pprof_samples then resolves one sample
 *     at a time into frames (innermost first, inlined frames expanded),
 *     values and labels, and hands it to a callback. Nothing of the store.
 *   - gx_pprof_load, the loader.
 *
 * Everything read is untrusted: every varint, length, string index and
 * id is checked. Fields may come in any order (Go writes the string table
 * last), repeated scalars packed or not, unknown fields are skipped by
 * their wire type. A field of the wrong wire type is reported and skipped;
 * bytes that cannot be read as protobuf at all stop the decoding of the
 * message they are in. Every problem names the byte offset in the
 * (gunzipped) profile: "FILE: byte N: error: expected a length-delimited
 * field (wire type 2) for Profile.sample (field 2), found wire type 0".
 * A sample that refers to a missing location, or a line to a missing
 * function, is reported (the first few of each kind, then a count), and
 * the frame is kept with what is known (its address).
 *
 * What the loader puts in the store, one goroutine record per sample:
 *   - id GX_SYNTH_ID_BASE + the sample's number (1, 2, ... in input order,
 *     which Go sorts by count, most first) and GX_G_SYNTH_ID: a profile has
 *     no goroutine ids (see dump_agg.h for why made-up ids are safe);
 *   - goroutine, goroutineleak and threadcreate profiles (sample type
 *     NAME/count): count = the sample's value, labels as Go's debug=1 text
 *     prints them ({"k":"v", ...}, pairs sorted, Go-quoted); state
 *     GX_G_UNKNOWN and no reason (the format does not say), except in a
 *     goroutineleak profile: GX_G_WAITING with GX_G_LEAKED;
 *   - mutex and block profiles (contentions/count, delay/nanoseconds):
 *     count 0 (these records are not goroutines), contentions and
 *     delay_ns from the values. The two profiles are written alike; the
 *     kind is GX_PROFILE_MUTEX when the innermost frame of every sample is
 *     an unlock (the mutex profile records the unlocker), GX_PROFILE_BLOCK
 *     when none is, GX_PROFILE_CONTENTION when it cannot be told;
 *   - the stack: one frame per Line of each Location, innermost first;
 *     all but the last Line of a Location are GX_FRAME_INLINED; pc = the
 *     location's address; a location without lines gives a frame with its
 *     address and no function;
 *   - meta: format GX_FMT_PPROF_PROTO, profile = the kind.
 * Other profiles (cpu, heap, ...) are refused with an error that says
 * which profile the file holds. */
#ifndef GOTREX_PPROF_H
#define GOTREX_PPROF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gotrex/diag.h"
#include "gotrex/input.h"
#include "gotrex/store.h"

/* A sample with more frames than this keeps the innermost ones. */
#define GX_PPROF_MAX_DEPTH 65536
/* Each table (samples, locations, lines, functions, mappings, strings)
 * keeps at most this many entries; the rest are reported and left out. */
#define GX_PPROF_MAX_ENTRIES (1 << 22)

struct gx_pprof; /* opaque: the decoded tables */

/* Decode data[0..len) (a serialized Profile, not gzip'd); data must
 * outlive the result. Never NULL: damaged input gives what could be
 * decoded, with errors in d. name is the file name for messages. */
struct gx_pprof *gx_pprof_parse(const void *data, size_t len, const char *name,
                                struct gx_diag *d);
void gx_pprof_free(struct gx_pprof *p);

/* String idx of the string table, bounds-checked: "" (len 0) when out of
 * range. Strings are not NUL-terminated; len must not be NULL. */
const char *gx_pprof_string(const struct gx_pprof *p, int64_t idx, size_t *len);

/* Counts of what was decoded. */
struct gx_pprof_stats {
	size_t samples, locations, functions, mappings, strings;
	size_t sample_types;
	bool damaged;          /* the top level could not be read to its end */
};
void gx_pprof_get_stats(const struct gx_pprof *p, struct gx_pprof_stats *st);

/* Sample type i ("goroutine"/"count", "delay"/"nanoseconds"); false when
 * i is out of range. */
bool gx_pprof_sample_type(const struct gx_pprof *p, size_t i, const char **type,
                          size_t *type_len, const char **unit, size_t *unit_len);

/* Which profile the sample types say (goroutine, goroutineleak,
 * threadcreate, or GX_PROFILE_CONTENTION for mutex and block);
 * GX_PROFILE_NONE for any other profile. */
enum gx_profile_kind gx_pprof_kind(const struct gx_pprof *p);

/* "goroutine", "goroutineleak", "threadcreate", "mutex", "block",
 * "contention" (mutex or block), "" for GX_PROFILE_NONE. */
const char *gx_profile_kind_name(enum gx_profile_kind k);

struct gx_pprof_frame {
	const char *func;      /* function name ("" when unknown), not NUL-terminated */
	size_t func_len;
	const char *file;
	size_t file_len;
	int64_t line;
	uint64_t address;      /* the location's address, 0 when unknown */
	bool inlined;          /* inlined into the next (outer) frame */
};

struct gx_pprof_label {
	const char *key;
	size_t key_len;
	const char *str;       /* "" when the label is a number */
	size_t str_len;
	int64_t num;
	const char *unit;
	size_t unit_len;
};

struct gx_pprof_sample {
	size_t index;          /* 0-based, in input order */
	uint64_t offset;       /* byte offset of the sample message */
	const int64_t *values; /* one per sample type (missing ones are 0) */
	size_t nvalues;
	const struct gx_pprof_frame *frames; /* innermost first */
	size_t nframes;
	const struct gx_pprof_label *labels;
	size_t nlabels;
};

/* Called once per sample; s and what it points to are valid only during
 * the call. Return nonzero to stop. */
typedef int (*gx_pprof_sample_fn)(void *ctx, const struct gx_pprof_sample *s);

/* Resolve and hand out every sample. Problems (a malformed sample, missing
 * locations or functions, bad string indexes) go into d. Returns the
 * number of samples handed out. */
size_t gx_pprof_samples(struct gx_pprof *p, gx_pprof_sample_fn fn, void *ctx,
                        struct gx_diag *d);

/* Labels as Go's debug=1 text prints them: {"k":"v", "k2":"v2"}, pairs
 * sorted, keys and values quoted like Go's %q (numeric labels unquoted).
 * Appends to out; appends nothing when n is 0. */
void gx_pprof_format_labels(struct gx_buf *out, const struct gx_pprof_label *v, size_t n);

/* The loader (gx_loader_fn, see gotrex/load.h). */
int gx_pprof_load(struct gx_input *in, struct gx_builder *b, struct gx_diag *d);

#endif
