/* scc: Tarjan's algorithm with an explicit stack of (node, next edge)
 * frames instead of recursion. Memory: four arrays of n words plus the
 * frame stack (at most n frames). */
#include "config.h"

#include "gotrex/scc.h"

#include <stdlib.h>

#include "gotrex/util.h"

struct frame {
	uint32_t v;
	uint32_t next; /* index into adj of the next successor to look at */
};

uint32_t
gx_scc(uint32_t n, const uint32_t *off, const uint32_t *adj, uint32_t *comp)
{
	uint32_t *index, *low, *stack;
	unsigned char *on_stack;
	struct frame *call;
	uint32_t counter = 0, ncomp = 0, sp = 0, root;
	size_t csp = 0;

	if (n == 0)
		return 0;
	index = xmalloc((size_t)n * sizeof *index);
	low = xmalloc((size_t)n * sizeof *low);
	stack = xmalloc((size_t)n * sizeof *stack);
	on_stack = xcalloc(n, 1);
	call = xmalloc((size_t)n * sizeof *call);
	for (root = 0; root < n; root++) {
		index[root] = GX_SCC_NONE;
		comp[root] = GX_SCC_NONE;
	}

	for (root = 0; root < n; root++) {
		if (index[root] != GX_SCC_NONE)
			continue;
		/* "Call" root. */
		index[root] = low[root] = counter++;
		stack[sp++] = root;
		on_stack[root] = 1;
		call[csp].v = root;
		call[csp].next = off[root];
		csp++;
		while (csp > 0) {
			struct frame *f = &call[csp - 1];
			uint32_t v = f->v;

			if (f->next < off[v + 1]) {
				uint32_t w = adj[f->next++];

				if (w >= n)
					continue;
				if (index[w] == GX_SCC_NONE) {
					index[w] = low[w] = counter++;
					stack[sp++] = w;
					on_stack[w] = 1;
					call[csp].v = w;
					call[csp].next = off[w];
					csp++;
				} else if (on_stack[w] && index[w] < low[v]) {
					low[v] = index[w];
				}
				continue;
			}
			/* All successors done: v "returns". */
			if (low[v] == index[v]) {
				uint32_t w;

				do {
					w = stack[--sp];
					on_stack[w] = 0;
					comp[w] = ncomp;
				} while (w != v);
				ncomp++;
			}
			csp--;
			if (csp > 0) {
				uint32_t u = call[csp - 1].v;

				if (low[v] < low[u])
					low[u] = low[v];
			}
		}
	}
	free(index);
	free(low);
	free(stack);
	free(on_stack);
	free(call);
	return ncomp;
}

int
gx_scc_self_loop(uint32_t v, const uint32_t *off, const uint32_t *adj)
{
	uint32_t i;

	for (i = off[v]; i < off[v + 1]; i++)
		if (adj[i] == v)
			return 1;
	return 0;
}
