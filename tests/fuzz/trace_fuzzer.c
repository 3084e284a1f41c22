/* libFuzzer target for the v2 trace decoder and the ordering: the bytes
 * are a trace (when they start with "go 1.") or, otherwise, the body of a
 * trace whose header version the first byte picks (22, 23, 25 or 26, so
 * that random inputs get past the header). Every event is formatted and
 * every view of it taken. Anything may be rejected; nothing may crash,
 * hang or read out of bounds. Every other input also goes through the
 * loader (trace_model) into a store builder.
 *
 * Seeds: the hand-made example and small real traces (tests/data). */
#include "config.h"

#include "gotrex/store.h"
#include "gotrex/trace_model.h"

#include "trace_fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int versions[] = { 22, 23, 25, 26 };

	if (size == 0)
		return 0;
	fuzz_trace_events(data, size, versions, GX_ARRAY_SIZE(versions));
	if (size % 2 == 1) {
		struct gx_diag d = { 0 };
		struct gx_builder *b = gx_builder_new(NULL);
		struct gx_input *in = fuzz_trace_input(data, size, versions, GX_ARRAY_SIZE(versions));

		(void)gx_trace_load(in, b, &d);
		gx_builder_free(b);
		gx_input_close(in);
		gx_diag_clear(&d);
	}
	return 0;
}
