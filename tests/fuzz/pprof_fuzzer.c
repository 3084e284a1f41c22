/* libFuzzer target: the profile.proto decoder (every resolved text must
 * lie inside the input or be empty; values and labels are read) and the
 * pprof loader into a builder. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/diag.h"
#include "gotrex/input.h"
#include "gotrex/pprof.h"
#include "gotrex/store.h"
#include "gotrex/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *lo, *hi;

static void
check(const char *p, size_t n)
{
	if (n > 0 && (p < lo || p + n > hi))
		abort();
}

static int
visit(void *ctx, const struct gx_pprof_sample *s)
{
	struct gx_buf *b = ctx;
	size_t i;
	int64_t sum = 0;

	for (i = 0; i < s->nvalues; i++)
		sum ^= s->values[i];
	for (i = 0; i < s->nframes; i++) {
		check(s->frames[i].func, s->frames[i].func_len);
		check(s->frames[i].file, s->frames[i].file_len);
		sum ^= s->frames[i].line;
	}
	for (i = 0; i < s->nlabels; i++) {
		check(s->labels[i].key, s->labels[i].key_len);
		check(s->labels[i].str, s->labels[i].str_len);
		check(s->labels[i].unit, s->labels[i].unit_len);
	}
	gx_buf_reset(b);
	gx_pprof_format_labels(b, s->labels, s->nlabels);
	return sum == 0x7fffffffffffffffLL; /* never in practice; keeps sum used */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gx_diag d = { 0 };
	struct gx_buf b = { 0 };
	struct gx_pprof *p;
	struct gx_input *in;
	struct gx_builder *bld;
	char *copy = malloc(size + 1);

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	lo = copy;
	hi = copy + size;
	p = gx_pprof_parse(copy, size, "fuzz", &d);
	gx_pprof_kind(p);
	gx_pprof_samples(p, visit, &b, &d);
	gx_pprof_free(p);
	gx_buf_free(&b);
	gx_diag_clear(&d);

	in = gx_input_open_memory("fuzz", data, size);
	bld = gx_builder_new(NULL);
	gx_pprof_load(in, bld, &d);
	gx_builder_free(bld);
	gx_input_close(in);
	gx_diag_clear(&d);
	free(copy);
	return 0;
}
