/* text: turning input-derived text into safe output.
 *
 * Anything read from an input is untrusted: before it reaches a terminal,
 * control characters and invalid UTF-8 are escaped. JSON output gets its own
 * escaping. Durations and timestamps have one formatting everywhere. */
#ifndef GOTREX_TEXT_H
#define GOTREX_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gotrex/util.h"

/* Append s[0..n) with C0/C1 controls, DEL and invalid UTF-8 bytes written
 * as \xNN (and a literal backslash kept as is). Valid printable UTF-8 is
 * copied unchanged; with ascii_only, every non-ASCII code point becomes
 * \u{XXXX}, for terminals without UTF-8. */
void gx_text_escape(struct gx_buf *out, const char *s, size_t n, bool ascii_only);

/* Append s[0..n) as a JSON string literal, quotes included. Invalid UTF-8
 * bytes become U+FFFD. */
void gx_text_json_string(struct gx_buf *out, const char *s, size_t n);

/* Duration in ns, human-readable with a unit: "812ns", "3.2µs" (ascii:
 * "3.2us"), "41.7ms", "1.842113s", "5m0s". */
void gx_text_duration(struct gx_buf *out, int64_t ns, bool ascii_only);

/* Seconds with 6 decimals from the trace start: "1.842113 s". */
void gx_text_timestamp(struct gx_buf *out, int64_t ns);

#endif
