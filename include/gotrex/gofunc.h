/* gofunc: facts about Go function names as they appear in stacks, such as
 * "github.com/x/y.(*T).Method.func1" or "sync.(*Mutex).Lock". */
#ifndef GOTREX_GOFUNC_H
#define GOTREX_GOFUNC_H

#include <stdbool.h>
#include <stddef.h>

/* Length of the package path prefix of func ("net/http" for
 * "net/http.(*conn).serve", "main" for "main.main.func1"); 0 if none. */
size_t gx_func_package_len(const char *func, size_t n);

/* The runtime's own code: package runtime, runtime/..., internal/...
 * Loaders set GX_FRAME_RUNTIME from this. */
bool gx_func_is_runtime(const char *func, size_t n);

/* Not the user's code: runtime as above, plus the synchronisation and
 * scheduling layers a goroutine blocks through (sync, sync/atomic, time's
 * Sleep, os/signal, iter, unique, weak). The "top user frame" of a stack is
 * the innermost frame for which this is false. */
bool gx_func_is_plumbing(const char *func, size_t n);

#endif
