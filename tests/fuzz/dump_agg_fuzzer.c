/* libFuzzer target: the debug=1 profile text parser (every text it
 * returns must lie inside the input) and its loader into a builder. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/diag.h"
#include "gotrex/dump_agg.h"
#include "gotrex/input.h"
#include "gotrex/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *lo, *hi;

static void
check(struct gx_dump_text t)
{
	if (t.n > 0 && (t.p < lo || t.p + t.n > hi))
		abort();
}

static int
visit(void *ctx, const struct gx_agg_record *r)
{
	size_t i;

	(void)ctx;
	check(r->labels);
	for (i = 0; i < r->nframes; i++) {
		check(r->frames[i].func);
		check(r->frames[i].file);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gx_diag d = { 0 };
	struct gx_agg_info info;
	struct gx_input *in;
	struct gx_builder *b;
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	lo = text;
	hi = text + size;
	gx_agg_scan(text, size, "fuzz", visit, NULL, &info, &d);
	check(info.name);
	check(info.header);
	check(info.params);
	gx_diag_clear(&d);

	in = gx_input_open_memory("fuzz", data, size);
	b = gx_builder_new(NULL);
	gx_agg_load(in, b, &d);
	gx_builder_free(b);
	gx_input_close(in);
	gx_diag_clear(&d);
	free(text);
	return 0;
}
