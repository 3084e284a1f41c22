/* libFuzzer target for the v1 (Go 1.11-1.21) trace decoder, ordering,
 * checks and conversion: the bytes are a trace (when they start with
 * "go 1.") or, otherwise, the body of a trace whose header version the
 * first byte picks (11, 19 or 21). Every event is formatted and every view
 * of it taken. Anything may be rejected; nothing may crash, hang or read
 * out of bounds.
 *
 * Seeds: samples/ * /go1.21/trace.out (small real traces). */
#include "config.h"

#include "trace_fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int versions[] = { 11, 19, 21 };

	if (size == 0)
		return 0;
	fuzz_trace_events(data, size, versions, GX_ARRAY_SIZE(versions));
	return 0;
}
