/* query_fuzzer: the query parser and its error formatting on any bytes. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/query.h"
#include "gotrex/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gx_query_error err;
	struct gx_query *q;
	char *text, *msg;

	if (size > 4096)
		return 0;
	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	q = gx_query_parse(text, &err);
	if (q == NULL) {
		/* The position must be inside the text or just past it. */
		if (err.pos > strlen(text) || err.msg[0] == '\0')
			abort();
		msg = gx_query_error_format(text, &err);
		free(msg);
	} else {
		(void)gx_query_is_empty(q);
		(void)gx_query_has_window(q);
		gx_query_free(q);
	}
	free(text);
	return 0;
}
