/* gofunc: classify Go function names as printed in stacks. */
#include "config.h"

#include "gotrex/gofunc.h"

#include <string.h>

size_t
gx_func_package_len(const char *func, size_t n)
{
	size_t i, dot = 0;
	bool have_dot = false;

	/* The import path ends before any receiver "(*T)" or type arguments
	 * "[...]" (raw shape names may contain '/' and '.'). The package
	 * ends at the first '.' after the last '/' before that; a '.' in
	 * the last path element is escaped as %2e by the compiler. One
	 * pass: a '/' forgets the '.' seen before it. */
	for (i = 0; i < n; i++) {
		char c = func[i];

		if (c == '(' || c == '[')
			break;
		if (c == '/')
			have_dot = false;
		else if (c == '.' && !have_dot) {
			have_dot = true;
			dot = i;
		}
	}
	return have_dot ? dot : 0;
}

static bool
has_prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && memcmp(s, p, k) == 0;
}

static bool
pkg_is(const char *func, size_t plen, const char *pkg)
{
	size_t k = strlen(pkg);

	return plen == k && memcmp(func, pkg, k) == 0;
}

/* gx_func_is_runtime with the package length already known. */
static bool
runtime_pkg(const char *func, size_t n, size_t plen)
{
	if (n == 0)
		return false;
	if (plen == 0) {
		/* "panic" is runtime.gopanic as tracebacks print it; other
		 * names without a package are C symbols. */
		return n == 5 && memcmp(func, "panic", 5) == 0;
	}
	return pkg_is(func, plen, "runtime") || has_prefix(func, plen, "runtime/") ||
	       has_prefix(func, plen, "internal/");
}

bool
gx_func_is_runtime(const char *func, size_t n)
{
	return runtime_pkg(func, n, n == 0 ? 0 : gx_func_package_len(func, n));
}

bool
gx_func_is_plumbing(const char *func, size_t n)
{
	static const char *const pkgs[] = {
		"sync", "sync/atomic", "iter", "unique", "weak", "os/signal",
	};
	size_t plen = gx_func_package_len(func, n), i;

	if (runtime_pkg(func, n, plen))
		return true;
	if (plen == 0)
		return false;
	for (i = 0; i < sizeof(pkgs) / sizeof(pkgs[0]); i++)
		if (pkg_is(func, plen, pkgs[i]))
			return true;
	if (pkg_is(func, plen, "time")) {
		const char *f = func + plen + 1;
		size_t fn = n - plen - 1;

		return (fn == 5 && memcmp(f, "Sleep", 5) == 0) ||
		       (fn == 5 && memcmp(f, "sleep", 5) == 0);
	}
	return false;
}

bool
gx_func_is_std(const char *func, size_t n)
{
	/* The first path elements of the Go distribution's packages (Go
	 * 1.26's src/). A module without a dot in its path ("gd", "myapp",
	 * `go mod init` of a local program) is the user's: cmd/go's own rule
	 * (no dot) would take it for the library's. A package added to a
	 * later Go counts as the user's until it is listed here, which only
	 * means the library rules do not apply to it. */
	static const char *const roots[] = {
		"archive", "arena", "bufio", "builtin", "bytes", "cmp", "compress",
		"container", "context", "crypto", "database", "debug", "embed", "encoding",
		"errors", "expvar", "flag", "fmt", "go", "hash", "html", "image", "index",
		"internal", "io", "iter", "log", "maps", "math", "mime", "net", "os", "path",
		"plugin", "reflect", "regexp", "runtime", "simd", "slices", "sort",
		"strconv", "strings", "structs", "sync", "syscall", "testing", "text",
		"time", "unicode", "unique", "unsafe", "vendor", "weak",
	};
	size_t plen = gx_func_package_len(func, n), root = 0;

	while (root < plen && func[root] != '/')
		root++;
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
		if (pkg_is(func, root, roots[i]))
			return true;
	return false;
}

/* Length of name without a trailing run of decimal digits. */
static size_t
strip_digits(const char *func, size_t n)
{
	while (n > 0 && func[n - 1] >= '0' && func[n - 1] <= '9')
		n--;
	return n;
}

static bool
has_suffix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && memcmp(s + n - k, p, k) == 0;
}

size_t
gx_func_closure_parent_len(const char *func, size_t n)
{
	static const char *const kinds[] = { ".func", ".gowrap", ".deferwrap", "-range", "." };
	size_t plen = gx_func_package_len(func, n), end = n;
	bool closure = false;

	/* Strip suffixes from the end ("F.func2.1": ".1", the closure
	 * nested in F.func2, then ".func2"), never into the package path. */
	for (;;) {
		size_t d = strip_digits(func, end), k;

		if (d == end || d <= plen)
			break;
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (has_suffix(func, d, kinds[k]) && d - strlen(kinds[k]) > plen)
				break;
		if (k == sizeof(kinds) / sizeof(kinds[0]))
			break;
		end = d - strlen(kinds[k]);
		closure = true;
	}
	return closure ? end : 0;
}
