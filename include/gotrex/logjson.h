/* logjson: take the log text out of JSON-lines log files, one JSON object
 * per line, the way log collectors store a program's output:
 *   docker's json-file driver  {"log":"goroutine 1 [running]:\n","stream":"stderr","time":"…"}
 *   Fluentd / Fluent Bit       {"log":"…", …}
 *   journalctl -o json         {"MESSAGE":"goroutine 1 [running]:", …}
 * so that a goroutine dump copied from such a file reads like the one the
 * program printed. A "log" value is taken as it is (docker splits a line
 * longer than 16 KiB into records without "\n", which join up again); a
 * "MESSAGE" value is a whole line. When records carry docker's "stream",
 * only the stream the dump is in is kept (stdout lines written meanwhile
 * would cut its stacks). Lines that are not such objects are kept as they
 * are. */
#ifndef GOTREX_LOGJSON_H
#define GOTREX_LOGJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Does the text start (after blank lines) with a JSON log record holding
 * a "log" or "MESSAGE" string? Only the first line is read. */
bool gx_logjson_sniff(const char *text, size_t len);

struct gx_logjson_stats {
	uint64_t records;     /* JSON records whose text was taken */
	uint64_t other_lines; /* lines kept as they were (not such a record) */
	uint64_t dropped;     /* records of another stream than the dump's */
	uint64_t bad_escapes; /* string escapes that were not JSON (kept as written) */
	bool one_to_one;      /* every kept record and line is one line of the
	                         result, in order: line numbers still hold */
};

/* The unwrapped text, NUL-terminated, malloc'd; *outlen its length. */
char *gx_logjson_unwrap(const char *text, size_t len, size_t *outlen,
                        struct gx_logjson_stats *st);

#endif
