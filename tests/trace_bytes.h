/* trace_bytes.h: the varint writer and argument-list helpers that both
 * trace builders use, the v1 one in trace1_test.c and the v2 one in
 * trace_build.h (the two formats encode numbers the same way). */
#ifndef GOTREX_TESTS_TRACE_BYTES_H
#define GOTREX_TESTS_TRACE_BYTES_H

#include <stdint.h>

#include "gotrex/util.h"

/* Argument lists of uint64_t end with END, UINT64_MAX - 1 (a marker; -1
 * itself is a real value); U(x) makes an argument of x. */
#define END (UINT64_MAX - 1)
#define U(x) ((uint64_t)(x))

/* v as an unsigned LEB128 varint. */
static void
put_uv(struct gx_buf *b, uint64_t v)
{
	do {
		uint8_t c = v & 0x7f;

		v >>= 7;
		if (v != 0)
			c |= 0x80;
		gx_buf_putc(b, (char)c);
	} while (v != 0);
}

#endif
