/* diag: the warnings and errors of one operation, each naming the file and
 * the line or byte offset it is about.
 *
 * Library code never prints: it adds entries here and goes on where it can.
 * The caller (main.c, the TUI) decides how to show them. */
#ifndef GOTREX_DIAG_H
#define GOTREX_DIAG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gotrex/util.h"

enum gx_severity {
	GX_NOTE,
	GX_WARNING,
	GX_ERROR,
};

/* Where an entry points: a line (text inputs) or a byte offset (binary
 * inputs); GX_NOWHERE when neither applies. */
#define GX_NOWHERE UINT64_MAX

struct gx_diag_entry {
	enum gx_severity severity;
	char *source;   /* file name as the user gave it ("-" is "<stdin>") */
	uint64_t line;  /* 1-based, or GX_NOWHERE */
	uint64_t offset; /* byte offset, or GX_NOWHERE */
	char *message;  /* without the location prefix */
};

struct gx_diag {
	struct gx_diag_entry *v;
	size_t n;
	size_t cap;
	size_t errors;   /* entries with GX_ERROR */
	size_t dropped;  /* entries not kept after GX_DIAG_MAX */
};

/* At most this many entries are kept; the rest are counted in dropped, so
 * a hostile input cannot make us use unbounded memory for complaints. */
#define GX_DIAG_MAX 1000

void gx_diag_add(struct gx_diag *d, enum gx_severity sev, const char *source,
                 uint64_t line, uint64_t offset, const char *fmt, ...)
	GX_PRINTF(6, 7);
void gx_diag_vadd(struct gx_diag *d, enum gx_severity sev, const char *source,
                  uint64_t line, uint64_t offset, const char *fmt, va_list ap)
	GX_PRINTF(6, 0);

/* "FILE:LINE: warning: msg" or "FILE: byte N: error: msg"; caller frees. */
char *gx_diag_format(const struct gx_diag_entry *e);
/* Print every entry, one per line, then a line for dropped ones. */
void gx_diag_print(const struct gx_diag *d, FILE *f);
void gx_diag_clear(struct gx_diag *d);

#endif
