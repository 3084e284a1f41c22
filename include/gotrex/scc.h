/* scc: strongly connected components of a directed graph (Tarjan),
 * iterative, so a chain of a million goroutines does not overflow the C
 * stack.
 *
 * The graph is given in compressed form: node v's successors are
 * adj[off[v] .. off[v + 1]), node ids 0 .. n-1. Successor ids >= n are
 * ignored (a damaged graph cannot make us read out of bounds). */
#ifndef GOTREX_SCC_H
#define GOTREX_SCC_H

#include <stddef.h>
#include <stdint.h>

#define GX_SCC_NONE UINT32_MAX

/* Component of every node into comp[0..n): component ids are numbered in
 * the order Tarjan completes them, which is a reverse topological order of
 * the condensation (a component's successors have smaller ids). Returns
 * the number of components. n must be < UINT32_MAX. */
uint32_t gx_scc(uint32_t n, const uint32_t *off, const uint32_t *adj, uint32_t *comp);

/* Whether node v has an edge to itself. */
int gx_scc_self_loop(uint32_t v, const uint32_t *off, const uint32_t *adj);

#endif
