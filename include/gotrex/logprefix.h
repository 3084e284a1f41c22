/* logprefix: recognise the per-line prefix a log pipeline put in front of
 * text we want to parse ("2026-11-27T14:26:35.123Z ", "[pod/web-1/app] ",
 * "Nov 27 14:26:35 host app[123]: ", "svc-1  | ", plain indentation).
 *
 * A prefix is learned from an example (the text in front of a line whose
 * content we recognised, such as a goroutine header) as a shape: runs of
 * letters/digits/underscore match any such run, interior runs of spaces
 * match any run of spaces, other bytes match themselves, and a '.' or ','
 * followed by a run (a fraction of seconds) may be missing. So the same
 * shape strips "…:35.123456Z " and "…:35Z ", "Nov  7 …" and "Nov 27 …",
 * "web-1  | " and "worker-1 | ". The last token must match its example
 * exactly, so a prefix never eats into the content after it.
 *
 * No allocation: a struct gx_logprefix is a fixed-size value. */
#ifndef GOTREX_LOGPREFIX_H
#define GOTREX_LOGPREFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GX_LOGPREFIX_MAX_SHAPES 8
#define GX_LOGPREFIX_MAX_TOKENS 48
#define GX_LOGPREFIX_MAX_LEN 256   /* longer examples are not learned */

struct gx_logprefix_token {
	uint8_t kind;     /* internal */
	uint8_t ch;       /* the byte, for a literal */
	uint8_t optional; /* fraction: may be absent together with the next token */
	uint8_t reserved;
	uint16_t len;     /* length in the example (used for the last token) */
};

struct gx_logprefix_shape {
	struct gx_logprefix_token tok[GX_LOGPREFIX_MAX_TOKENS];
	size_t ntok;
};

struct gx_logprefix {
	struct gx_logprefix_shape shape[GX_LOGPREFIX_MAX_SHAPES];
	size_t nshape;
	bool has_empty;   /* an example had no prefix at all */
};

void gx_logprefix_init(struct gx_logprefix *lp);

/* Learn the shape of one example prefix (the bytes in front of the
 * content). Returns true when the shape is known afterwards (learned now or
 * before), false when it cannot be used (too long, too many tokens, too
 * many shapes already). An empty example is recorded as "no prefix". */
bool gx_logprefix_learn(struct gx_logprefix *lp, const char *p, size_t n);

/* True when no non-empty shape has been learned. */
bool gx_logprefix_empty(const struct gx_logprefix *lp);

/* Length of the prefix of line[0..n) matching one of the learned shapes,
 * or -1 when none matches (the line is not from the prefixed stream).
 * A line that is exactly the prefix without its final run of spaces (log
 * shippers trim trailing blanks) matches with its whole length. When
 * nothing but "no prefix" was learned, every line matches with 0. */
long gx_logprefix_match(const struct gx_logprefix *lp, const char *line, size_t n);

#endif
