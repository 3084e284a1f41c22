/* libFuzzer target for input: sniffing, gzip (inputs that start with the
 * gzip magic go through inflate), getline mixed with read, and slurp. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/diag.h"
#include "gotrex/input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint64_t sink;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gx_diag d = {0};
	struct gx_input *in;
	const char *line;
	ssize_t r;
	uint64_t sum = 0;
	char buf[100];
	size_t n;
	char *all;

	/* Lines, then whatever is left with read(). */
	in = gx_input_open_memory("fuzz", data, size);
	sum += (uint64_t)gx_input_format(in);
	while ((r = gx_input_getline(in, &line, &d)) >= 0) {
		sum += (uint64_t)r + (r > 0 ? (unsigned char)line[r - 1] : 0);
		if (line[r] != '\0')
			abort();
		if (sum % 7 == 0 && gx_input_read(in, buf, sizeof(buf), &d) < 0)
			break;
	}
	sum += gx_input_offset(in);
	gx_input_close(in);

	/* Slurp: the same bytes as the lines gave. */
	in = gx_input_open_memory("fuzz", data, size);
	all = gx_input_slurp(in, &n, &d);
	if (all != NULL && all[n] != '\0')
		abort();
	free(all);
	gx_input_close(in);
	gx_diag_clear(&d);
	sink = sum;
	return 0;
}
