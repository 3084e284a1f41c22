/* store_file: the on-disk layout of an index file, shared by the builder
 * (store_build.c) and the reader (store_read.c). Private to the store.
 *
 * The file is a header followed by tables, each starting at a multiple of
 * 8 bytes. Most tables are arrays of fixed-width records in host byte
 * order (little-endian on every platform we build for; the endian field
 * rejects a file from another byte order). The three big ones, spans,
 * events and P spans, are packed with the delta codec of store_codec.h
 * (about a quarter of the size: writing the index is most of its cost):
 * spans one sequence per goroutine, at the goroutine's first_span byte,
 * events and P spans one sequence each, their goroutine indexes mapped
 * through the GMAP table when unpacked. The reader unpacks a sequence the
 * first time it is asked for. The header's directory gives each table's
 * offset, its size in records (packed tables: in bytes) and the record
 * size (packed tables: 1), and for packed tables the records they hold. */
#ifndef GOTREX_STORE_FILE_H
#define GOTREX_STORE_FILE_H

#include <stdbool.h>
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
	GX_T_GOROUTINES,   /* struct gx_goroutine_rec, sorted by id; first_span
	                      is a byte offset into the packed spans */
	GX_T_SPANS,        /* packed struct gx_span_rec, by (g, start) */
	GX_T_EVENTS,       /* packed struct gx_event_rec, sorted by time */
	GX_T_PSPANS,       /* packed struct gx_pspan_rec */
	GX_T_DIAGS,        /* struct gx_diag_rec */
	GX_T_GMAP,         /* uint32_t: the goroutine index in events and P
	                      spans (the builder's) -> the goroutine table's */
	GX_T_COUNT
};

struct gx_table_dir {
	uint64_t offset;
	uint64_t count;      /* records; packed tables: bytes */
	uint32_t rec_size;   /* packed tables: 1 */
	uint32_t reserved;
	uint64_t records;    /* packed tables: records packed in; else 0 */
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
_Static_assert(sizeof(struct gx_table_dir) == 32, "table directory entry size");
_Static_assert(sizeof(struct gx_index_header) % 8 == 0, "header size");

/* Spans held in memory before they are spilled; read when a builder is
 * made (tests lower it to get many spills). */
extern size_t gx_store_span_run;

/* A temporary file in dir (or $TMPDIR), already unlinked; -1 on failure. */
int gx_store_spill_open(const char *dir);
/* write(2) all of p, retrying; false with errno set on failure. */
bool gx_store_write_all(int fd, const void *p, size_t n);

/* For gx_load: the structured form of stored diagnostic i, to replay it
 * into a struct gx_diag. Returns 0, or -1 when i is out of range. */
int gx_store_diag_entry(const struct gx_store *s, size_t i, enum gx_severity *sev,
                        const char **source, uint64_t *line, uint64_t *offset,
                        const char **message);

/* Packed tables (see the top). */
static inline int
gx_table_packed(unsigned t)
{
	return t == GX_T_SPANS || t == GX_T_EVENTS || t == GX_T_PSPANS;
}

/* Record size of each table. */
static const uint32_t gx_table_rec_size[GX_T_COUNT] = {
	[GX_T_STR_OFFS] = sizeof(uint64_t),
	[GX_T_STR_BLOB] = 1,
	[GX_T_FRAMES] = sizeof(struct gx_frame_rec),
	[GX_T_STACKS] = sizeof(struct gx_stack_rec),
	[GX_T_STACK_FRAMES] = sizeof(uint32_t),
	[GX_T_GOROUTINES] = sizeof(struct gx_goroutine_rec),
	[GX_T_SPANS] = 1,
	[GX_T_EVENTS] = 1,
	[GX_T_PSPANS] = 1,
	[GX_T_DIAGS] = sizeof(struct gx_diag_rec),
	[GX_T_GMAP] = sizeof(uint32_t),
};

#endif
