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

/* The Go distribution's code (standard library and runtime): the first
 * element of the package path is one of the Go distribution's ("net/http",
 * "io", "vendor/golang.org/x/net/..."). Not a module without a dot in its
 * path ("myapp/store"), as cmd/go's no-dot rule would have it. */
bool gx_func_is_std(const char *func, size_t n);

/* Length of the function a closure or go/defer wrapper is defined in:
 * "pkg.F" for "pkg.F.func1", "pkg.F.func2.1", "pkg.F.gowrap3",
 * "pkg.F.deferwrap1" and "pkg.F-range1"; 0 when func is none of those.
 * A closure shares its enclosing function's variables (the channels and
 * locks made there). */
size_t gx_func_closure_parent_len(const char *func, size_t n);

#endif
