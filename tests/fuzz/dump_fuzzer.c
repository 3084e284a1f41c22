/* libFuzzer target: the text goroutine dump parser, streaming and
 * collecting, and the JSON-lines log unwrapping in front of it. Every
 * text the parser returns must lie inside the input; the unwrapped text
 * is no longer than the input plus a newline per line. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/diag.h"
#include "gotrex/dump.h"
#include "gotrex/logjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *lo, *hi;

static void
check(struct gx_dump_text t)
{
	if (t.n > 0 && (t.p < lo || t.p + t.n > hi))
		abort();
}

static void
check_frame(const struct gx_dump_frame *f)
{
	check(f->func);
	check(f->args);
	check(f->file);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gx_diag d = { 0 };
	struct gx_dump *dump;
	char *text = malloc(size + 1);
	size_t i, j, k;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	lo = text;
	hi = text + size;
	dump = gx_dump_parse(text, size, "fuzz", &d);
	for (i = 0; i < dump->ng; i++) {
		const struct gx_dump_goroutine *g = &dump->g[i];

		check(g->status);
		check(g->bracket);
		check(g->labels);
		for (j = 0; j < g->nframes; j++)
			check_frame(&g->frames[j]);
		if (g->created_by != NULL)
			check_frame(g->created_by);
		for (j = 0; j < g->nancestors; j++)
			for (k = 0; k < g->ancestors[j].nframes; k++)
				check_frame(&g->ancestors[j].frames[k]);
	}
	if (dump->info.headline.n > 0 &&
	    (dump->info.headline.p < dump->info.preamble ||
	     dump->info.headline.p + dump->info.headline.n >
	         dump->info.preamble + dump->info.preamble_len))
		abort();
	gx_dump_free(dump);
	gx_diag_clear(&d);
	if (gx_logjson_sniff(text, size)) {
		struct gx_logjson_stats st;
		size_t n, lines = 1;
		char *u = gx_logjson_unwrap(text, size, &n, &st);

		for (i = 0; i < size; i++)
			lines += text[i] == '\n';
		if (n > size + lines || u[n] != '\0' || strlen(u) > n)
			abort();
		dump = gx_dump_parse(u, n, "fuzz", &d);
		gx_dump_free(dump);
		gx_diag_clear(&d);
		free(u);
	}
	free(text);
	return 0;
}
