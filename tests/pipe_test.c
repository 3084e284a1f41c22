/* Unit tests of the pipe to a worker thread: every record arrives once,
 * in order, whatever the number (none, less than a batch, many times the
 * ring), and finish waits for the last one. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gotrex/pipe.h"

struct rec {
	uint64_t seq;
	uint64_t check;
};

struct sink {
	uint64_t next;      /* the seq expected next */
	uint64_t bad;       /* records out of order or damaged */
	uint64_t calls;
};

static void
consume(void *ctx, const void *recs, size_t n)
{
	struct sink *k = ctx;
	const struct rec *r = recs;
	size_t i;

	k->calls++;
	for (i = 0; i < n; i++) {
		if (r[i].seq != k->next || r[i].check != ~r[i].seq * 3)
			k->bad++;
		k->next = r[i].seq + 1;
	}
}

static void
run(uint64_t count)
{
	struct sink k;
	struct gx_pipe *p;
	uint64_t i;

	memset(&k, 0, sizeof(k));
	p = gx_pipe_start(sizeof(struct rec), consume, &k);
	assert_non_null(p);
	for (i = 0; i < count; i++) {
		struct rec *r = gx_pipe_slot(p);

		r->seq = i;
		r->check = ~i * 3;
		gx_pipe_commit(p);
	}
	gx_pipe_finish(p);
	/* finish returned: the worker is gone and saw everything */
	assert_int_equal(k.next, count);
	assert_int_equal(k.bad, 0);
	if (count == 0)
		assert_int_equal(k.calls, 0);
}

static void
test_counts(void **state)
{
	static const uint64_t counts[] = { 0, 1, 7, 4095, 4096, 4097, 65535, 65536, 65537,
	                                   1000003 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		run(counts[i]);
}

static void
test_finish_null(void **state)
{
	(void)state;
	gx_pipe_finish(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_finish_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
