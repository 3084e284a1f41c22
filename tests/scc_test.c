/* scc_test: Tarjan SCC on hand-made graphs: cycles, self-loops, DAGs,
 * out-of-range successors, and a chain and a ring of a million nodes (the
 * iterative version must not overflow the stack). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "gotrex/scc.h"

/* Build CSR from an edge list. */
static void
csr(uint32_t n, const uint32_t (*e)[2], size_t ne, uint32_t **off, uint32_t **adj)
{
	uint32_t *o = calloc(n + 1, sizeof *o), *a = malloc((ne + 1) * sizeof *a), *c;

	for (size_t i = 0; i < ne; i++)
		o[e[i][0] + 1]++;
	for (uint32_t v = 0; v < n; v++)
		o[v + 1] += o[v];
	c = calloc(n + 1, sizeof *c);
	for (size_t i = 0; i < ne; i++)
		a[o[e[i][0]] + c[e[i][0]]++] = e[i][1];
	free(c);
	*off = o;
	*adj = a;
}

static void
test_two_cycles_and_tail(void **state)
{
	/* 0<->1, 2->3->4->2, 5->0 (tail into a cycle), 6 alone. */
	static const uint32_t e[][2] = { {0, 1}, {1, 0}, {2, 3}, {3, 4}, {4, 2}, {5, 0} };
	uint32_t *off, *adj, comp[7], nc;

	(void)state;
	csr(7, e, 6, &off, &adj);
	nc = gx_scc(7, off, adj, comp);
	assert_int_equal(nc, 4); /* {0,1} {2,3,4} {5} {6} */
	assert_int_equal(comp[0], comp[1]);
	assert_int_equal(comp[2], comp[3]);
	assert_int_equal(comp[3], comp[4]);
	assert_int_not_equal(comp[0], comp[2]);
	assert_int_not_equal(comp[5], comp[0]);
	assert_int_not_equal(comp[6], comp[0]);
	/* Reverse topological numbering: 5 points into {0,1}, so later. */
	assert_true(comp[5] > comp[0]);
	assert_false(gx_scc_self_loop(0, off, adj));
	free(off);
	free(adj);
}

static void
test_self_loop(void **state)
{
	static const uint32_t e[][2] = { {0, 0}, {1, 2} };
	uint32_t *off, *adj, comp[3], nc;

	(void)state;
	csr(3, e, 2, &off, &adj);
	nc = gx_scc(3, off, adj, comp);
	assert_int_equal(nc, 3);
	assert_true(gx_scc_self_loop(0, off, adj));
	assert_false(gx_scc_self_loop(1, off, adj));
	free(off);
	free(adj);
}

static void
test_out_of_range_ignored(void **state)
{
	static const uint32_t e[][2] = { {0, 7}, {0, 1}, {1, 0}, {1, UINT32_MAX} };
	uint32_t *off, *adj, comp[2], nc;

	(void)state;
	csr(2, e, 4, &off, &adj);
	nc = gx_scc(2, off, adj, comp);
	assert_int_equal(nc, 1);
	assert_int_equal(comp[0], comp[1]);
	free(off);
	free(adj);
}

static void
test_empty(void **state)
{
	uint32_t off[1] = { 0 };

	(void)state;
	assert_int_equal(gx_scc(0, off, NULL, NULL), 0);
}

#define BIG 1000000u

static void
test_million_chain_and_ring(void **state)
{
	uint32_t *off = malloc((BIG + 1) * sizeof *off), *adj = malloc(BIG * sizeof *adj);
	uint32_t *comp = malloc(BIG * sizeof *comp), nc;

	(void)state;
	/* A chain 0 -> 1 -> ... -> BIG-1: BIG components, each node alone,
	 * numbered from the end of the chain (reverse topological). */
	for (uint32_t v = 0; v < BIG; v++) {
		off[v] = v;
		adj[v] = v + 1 < BIG ? v + 1 : v; /* last node: self-loop */
	}
	off[BIG] = BIG;
	nc = gx_scc(BIG, off, adj, comp);
	assert_int_equal(nc, BIG);
	assert_int_equal(comp[BIG - 1], 0);
	assert_int_equal(comp[0], BIG - 1);
	assert_true(gx_scc_self_loop(BIG - 1, off, adj));

	/* Close it into a ring: one component. */
	adj[BIG - 1] = 0;
	nc = gx_scc(BIG, off, adj, comp);
	assert_int_equal(nc, 1);
	assert_int_equal(comp[0], comp[BIG / 2]);
	assert_int_equal(comp[0], comp[BIG - 1]);
	free(off);
	free(adj);
	free(comp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_cycles_and_tail),
		cmocka_unit_test(test_self_loop),
		cmocka_unit_test(test_out_of_range_ignored),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_million_chain_and_ring),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
