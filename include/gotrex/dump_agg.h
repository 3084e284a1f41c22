/* dump_agg: pprof profiles written with debug=1 (the "legacy" text).
 *
 *   goroutine profile: total 9          count profiles: goroutine,
 *   3 @ 0x47ea0e 0x4159ee 0x4e4cd9      goroutineleak (Go 1.26+), threadcreate
 *   # labels: {"job":"ingest"}
 *   #	0x4e4cd8	main.blockedRecv+0x18	/app/main.go:33
 *
 *   --- mutex:                          mutex ("--- mutex:") and block
 *   cycles/second=2596128505            ("--- contention:") profiles
 *   sampling period=1
 *   141229894 1 @ 0x4e41ac 0x4e4d18
 *   #	0x4e41ab	sync.(*Mutex).Unlock+0x4b	/go/src/sync/mutex.go:65
 *
 * (goroutine-dump-format.md §6.5, §6.6; runtime/pprof printCountProfile,
 * printStackRecord, writeProfileInternal.) The columns of the '#' lines are
 * padded with runs of TABs; a record ends at an empty line.
 *
 * Two layers, as in dump.h: a parser over text in memory that streams
 * records to a callback and knows nothing of the store, and gx_agg_load,
 * the loader.
 *
 * What the loader puts in the store, one goroutine record per '@' line:
 *   - id: GX_SYNTH_ID_BASE + the record's number (1, 2, ... in input
 *     order) with GX_G_SYNTH_ID set. The format has no goroutine ids; the
 *     store wants unique ids and sorts by them, so records keep the order
 *     of the input (most goroutines first), and a made-up id can never be
 *     taken for (or joined with) a real goroutine's;
 *   - count: N of "N @" (goroutines on that stack and label set) for count
 *     profiles; 0 for mutex and block profiles, whose records are not
 *     goroutines: contentions and delay_ns carry their numbers, the delay
 *     converted from cycles with the cycles/second line as the runtime
 *     does for the protobuf form (ns = cycles / (cycles per second / 1e9));
 *   - state GX_G_UNKNOWN and no reason: the format does not say; except in
 *     a goroutineleak profile, where every goroutine listed is blocked for
 *     good: GX_G_WAITING with GX_G_LEAKED (the deadlock analysis takes
 *     that as proof);
 *   - the stack: the '#' frames (function, file, line, pc, +0x offset),
 *     innermost first. A goroutine profile hides the runtime's frames at
 *     the innermost end; only their PCs are in the '@' line, and those are
 *     not kept as frames (they have no names);
 *   - labels: the "# labels:" text as printed;
 *   - meta: format GX_FMT_PPROF_DEBUG1, profile (enum gx_profile_kind),
 *     headline = the first line, preamble = the key=value lines under it.
 *
 * Problems go into the diag as "NAME:LINE: warning: ..."; parsing goes
 * on. Text without a header or without a single record is an error. */
#ifndef GOTREX_DUMP_AGG_H
#define GOTREX_DUMP_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gotrex/diag.h"
#include "gotrex/dump.h"
#include "gotrex/input.h"
#include "gotrex/store.h"

/* One '#' line. Texts are borrowed from the parsed buffer. */
struct gx_agg_frame {
	uint64_t pc;                /* the PC printed (call site: return PC - 1) */
	struct gx_dump_text func;   /* empty for an unknown function ("#\t0x..") */
	struct gx_dump_text file;
	uint64_t offset;            /* +0x.. after the function */
	uint64_t line;
	uint64_t source_line;       /* line of the '#' line in the input */
};

struct gx_agg_record {
	uint64_t count;             /* "N @": goroutines, or contention events */
	uint64_t cycles;            /* mutex/block: the first number; else 0 */
	const uint64_t *pcs;        /* the '@' PCs (return addresses), innermost first */
	size_t npcs;
	struct gx_dump_text labels; /* "{...}" of "# labels: ", empty when none */
	const struct gx_agg_frame *frames; /* innermost first */
	size_t nframes;
	uint64_t source_line;       /* line of the '@' line */
};

enum gx_agg_kind {
	GX_AGG_NONE = 0,
	GX_AGG_COUNT,               /* "NAME profile: total N" */
	GX_AGG_MUTEX,               /* "--- mutex:" */
	GX_AGG_BLOCK,               /* "--- contention:" */
};

struct gx_agg_info {
	enum gx_agg_kind kind;
	enum gx_profile_kind profile;
	struct gx_dump_text name;   /* "goroutine", "goroutineleak", "mutex", "contention" */
	struct gx_dump_text header; /* the header line as printed */
	struct gx_dump_text params; /* the key=value lines under a "---" header */
	uint64_t total;             /* "total N" (count profiles) */
	bool has_total;
	int64_t cycles_per_second;  /* "cycles/second=", 0 when absent */
	int64_t sampling_period;    /* "sampling period=" (mutex), 0 when absent */
	uint64_t records;           /* '@' lines */
	uint64_t sum_count;         /* sum of the records' counts (saturating) */
	uint64_t sum_cycles;        /* sum of the records' cycles (saturating) */
	uint64_t lines;
};

/* Called once per record, in input order; r and what it points to are
 * valid only during the call. Return nonzero to stop. */
typedef int (*gx_agg_record_fn)(void *ctx, const struct gx_agg_record *r);

/* Parse text[0..len) (any bytes). Fills *info and calls fn per record.
 * Returns the number of records, or -1 with an error in d when the text
 * is not a debug=1 profile or holds no record. */
long gx_agg_scan(const char *text, size_t len, const char *name, gx_agg_record_fn fn,
                 void *ctx, struct gx_agg_info *info, struct gx_diag *d);

/* Delay in ns of cycles at cycles_per_second, as runtime/pprof computes it
 * for the protobuf form; 0 when cycles_per_second is not positive,
 * INT64_MAX when it does not fit. */
int64_t gx_agg_cycles_to_ns(uint64_t cycles, int64_t cycles_per_second);

/* The loader (gx_loader_fn, see gotrex/load.h). */
int gx_agg_load(struct gx_input *in, struct gx_builder *b, struct gx_diag *d);

#endif
