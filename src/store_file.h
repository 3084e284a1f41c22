/* store_file: the on-disk layout of an index file, shared by the builder
 * (store_build.c) and the reader (store_read.c). Private to the store.
 *
 * The file is a header followed by tables. Every table is an array of
 * fixed-width records in host byte order (little-endian on every platform
 * we build for; the endian field rejects a file from another byte order),
 * starting at a multiple of 8 bytes. The header's directory gives each
 * table's offset, record count and record size. */
#ifndef GOTREX_STORE_FILE_H
#define GOTREX_STORE_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "gotrex/store.h"

#define GX_INDEX_MAGIC "GOTREXIX"
#define GX_INDEX_ENDIAN 0x01020304u
#define GX_INDEX_LOADER_MAX 64

enum gx_table {
	GX_T_STR_OFFS,     /* uint64_t start offsets into the blob; strings + 1 entries */
	GX_T_STR_BLOB,     /* bytes; every string followed by a NUL */
	GX_T_FRAMES,       /* struct gx_frame_rec */
	GX_T_STACKS,       /* struct gx_stack_rec */
	GX_T_STACK_FRAMES, /* uint32_t frame ids */
	GX_T_GOROUTINES,   /* struct gx_goroutine_rec, sorted by id */
	GX_T_SPANS,        /* struct gx_span_rec, sorted by (g, start) */
	GX_T_EVENTS,       /* struct gx_event_rec, sorted by time */
	GX_T_PSPANS,       /* struct gx_pspan_rec */
	GX_T_DIAGS,        /* struct gx_diag_rec */
	GX_T_COUNT
};

struct gx_table_dir {
	uint64_t offset;
	uint64_t count;
	uint32_t rec_size;
	uint32_t reserved;
};

/* A diagnostic of the load that built the index. */
struct gx_diag_rec {
	uint32_t severity;   /* enum gx_severity */
	gx_str source;
	gx_str message;
	gx_str formatted;    /* "FILE:LINE: warning: msg" as gx_diag_format gives */
	uint64_t line;
	uint64_t offset;
};

struct gx_index_header {
	char magic[8];
	uint32_t version;    /* GX_STORE_VERSION */
	uint32_t endian;     /* GX_INDEX_ENDIAN as written by the builder */
	uint64_t file_size;
	uint32_t header_size;
	uint32_t table_count;
	struct gx_source_id source;
	char loader[GX_INDEX_LOADER_MAX]; /* NUL-terminated */
	struct gx_store_meta meta;
	struct gx_table_dir tables[GX_T_COUNT];
};

_Static_assert(sizeof(struct gx_frame_rec) == 32, "frame record size");
_Static_assert(sizeof(struct gx_stack_rec) == 8, "stack record size");
_Static_assert(sizeof(struct gx_goroutine_rec) == 112, "goroutine record size");
_Static_assert(sizeof(struct gx_span_rec) == 32, "span record size");
_Static_assert(sizeof(struct gx_event_rec) == 40, "event record size");
_Static_assert(sizeof(struct gx_pspan_rec) == 24, "pspan record size");
_Static_assert(sizeof(struct gx_store_meta) == 56, "meta size");
_Static_assert(sizeof(struct gx_source_id) == 40, "source id size");
_Static_assert(sizeof(struct gx_diag_rec) == 32, "diag record size");
_Static_assert(sizeof(struct gx_table_dir) == 24, "table directory entry size");
_Static_assert(sizeof(struct gx_index_header) % 8 == 0, "header size");

/* Spans gathered in memory at a time while writing (tests lower it). */
extern size_t gx_store_span_budget;
/* Spans sorted into one spill run; read when a builder is made (tests
 * lower it to get many runs). */
extern size_t gx_store_span_run;

/* For gx_load: the structured form of stored diagnostic i, to replay it
 * into a struct gx_diag. Returns 0, or -1 when i is out of range. */
int gx_store_diag_entry(const struct gx_store *s, size_t i, enum gx_severity *sev,
                        const char **source, uint64_t *line, uint64_t *offset,
                        const char **message);

/* Record size of each table. */
static const uint32_t gx_table_rec_size[GX_T_COUNT] = {
	[GX_T_STR_OFFS] = sizeof(uint64_t),
	[GX_T_STR_BLOB] = 1,
	[GX_T_FRAMES] = sizeof(struct gx_frame_rec),
	[GX_T_STACKS] = sizeof(struct gx_stack_rec),
	[GX_T_STACK_FRAMES] = sizeof(uint32_t),
	[GX_T_GOROUTINES] = sizeof(struct gx_goroutine_rec),
	[GX_T_SPANS] = sizeof(struct gx_span_rec),
	[GX_T_EVENTS] = sizeof(struct gx_event_rec),
	[GX_T_PSPANS] = sizeof(struct gx_pspan_rec),
	[GX_T_DIAGS] = sizeof(struct gx_diag_rec),
};

#endif
