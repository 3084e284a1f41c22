/* gofunc: package paths and runtime/plumbing classification of Go
 * function names as the runtime prints them. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gotrex/gofunc.h"

static size_t
pkglen(const char *f)
{
	return gx_func_package_len(f, strlen(f));
}

static bool
rt(const char *f)
{
	return gx_func_is_runtime(f, strlen(f));
}

static bool
plumb(const char *f)
{
	return gx_func_is_plumbing(f, strlen(f));
}

static void
test_package_len(void **state)
{
	(void)state;
	assert_int_equal(pkglen("main.main"), 4);
	assert_int_equal(pkglen("main.main.func1"), 4);
	assert_int_equal(pkglen("net/http.(*conn).serve"), 8);
	assert_int_equal(pkglen("github.com/a/b.v2/pkg.F"), strlen("github.com/a/b.v2/pkg"));
	assert_int_equal(pkglen("gopkg.in/yaml%2ev2.Unmarshal"), strlen("gopkg.in/yaml%2ev2"));
	assert_int_equal(pkglen("internal/sync.(*Mutex).lockSlow"), 13);
	assert_int_equal(pkglen("runtime.gopark"), 7);
	/* generics: the shape names in brackets hold '/' and '.' */
	assert_int_equal(pkglen("main.Map[...]"), 4);
	assert_int_equal(pkglen("x/y.(*List[go.shape.struct { a/b.T }]).Push"), 3);
	/* no package */
	assert_int_equal(pkglen("panic"), 0);
	assert_int_equal(pkglen(""), 0);
	assert_int_equal(pkglen("a/b/c"), 0);
	/* length-bounded: no reading past n */
	assert_int_equal(gx_func_package_len("main.main", 3), 0);
}

static void
test_is_runtime(void **state)
{
	(void)state;
	assert_true(rt("runtime.gopark"));
	assert_true(rt("runtime.goexit"));
	assert_true(rt("runtime/pprof.writeGoroutineStacks"));
	assert_true(rt("runtime/debug.Stack"));
	assert_true(rt("internal/poll.runtime_pollWait"));
	assert_true(rt("internal/sync.runtime_SemacquireMutex"));
	assert_true(rt("internal/runtime/syscall/linux.Syscall6"));
	assert_true(rt("panic"));
	assert_false(rt("main.main"));
	assert_false(rt("runtimex.F"));
	assert_false(rt("sync.(*Mutex).Lock"));
	assert_false(rt("sync.runtime_SemacquireWaitGroup"));
	assert_false(rt("github.com/x/internal/y.F"));
	assert_false(rt("github.com/x/runtime.F"));
	assert_false(rt("non-Go function"));
	assert_false(rt("myCfunc"));
	assert_false(rt(""));
}

static void
test_is_plumbing(void **state)
{
	(void)state;
	assert_true(plumb("runtime.chanrecv1"));
	assert_true(plumb("sync.(*Mutex).Lock"));
	assert_true(plumb("sync.(*WaitGroup).Wait"));
	assert_true(plumb("sync.runtime_SemacquireRWMutexR"));
	assert_true(plumb("sync/atomic.(*Int64).Add"));
	assert_true(plumb("time.Sleep"));
	assert_true(plumb("iter.Pull[...].func1"));
	assert_true(plumb("os/signal.signal_recv"));
	assert_true(plumb("internal/poll.(*FD).Read"));
	assert_false(plumb("time.NewTimer"));
	assert_false(plumb("time.(*Timer).Stop"));
	assert_false(plumb("main.worker"));
	assert_false(plumb("net/http.(*conn).serve"));
	assert_false(plumb("syncx.F"));
}

static bool
std(const char *f)
{
	return gx_func_is_std(f, strlen(f));
}

static void
test_is_std(void **state)
{
	(void)state;
	assert_true(std("net/http.(*persistConn).readLoop"));
	assert_true(std("io.(*pipe).read"));
	assert_true(std("database/sql.(*DB).conn"));
	assert_true(std("runtime.gopark"));
	assert_false(std("main.main"));
	assert_false(std("main.worker.func1"));
	assert_false(std("github.com/x/y.F"));
	assert_false(std("golang.org/x/sync/errgroup.(*Group).Wait"));
	assert_false(std("example.com/v2.F"));
	assert_true(std("vendor/golang.org/x/net/http2/hpack.(*Decoder).Write"));
	assert_true(std("testing.tRunner"));
	/* modules without a dot in their path (`go mod init myapp`) */
	assert_false(std("gd/synct.TestDeadlock.func1"));
	assert_false(std("myapp/store.(*DB).Get"));
	assert_false(std("gotrex/samples/internal/rec.Start"));
	assert_false(std("netx.F"));
	assert_false(std("iox/y.F"));
	assert_false(std("panic"));
	assert_false(std(""));
}

/* The enclosing function of a closure, as its name says it. */
static void
assert_parent(const char *func, const char *want)
{
	size_t n = gx_func_closure_parent_len(func, strlen(func));

	if (want == NULL) {
		assert_int_equal(n, 0);
		return;
	}
	assert_int_equal(n, strlen(want));
	assert_memory_equal(func, want, n);
}

static void
test_closure_parent(void **state)
{
	(void)state;
	assert_parent("main.main.func1", "main.main");
	assert_parent("main.main.func12.3", "main.main");
	assert_parent("main.main.func1.2.1", "main.main");
	assert_parent("net/http.(*persistConn).readLoop.func4", "net/http.(*persistConn).readLoop");
	assert_parent("net/http.(*connReader).startBackgroundRead.gowrap2",
	              "net/http.(*connReader).startBackgroundRead");
	assert_parent("main.worker.deferwrap1", "main.worker");
	assert_parent("main.F-range1", "main.F");
	assert_parent("main.F-range1.func2", "main.F");
	assert_parent("example.com/a.b/c.F[...].func1", "example.com/a.b/c.F[...]");
	assert_parent("main.main", NULL);
	assert_parent("main.func1", NULL);     /* a function named func1 */
	assert_parent("main.F2", NULL);
	assert_parent("example.com/v2.F", NULL);
	assert_parent("", NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_package_len),
		cmocka_unit_test(test_is_runtime),
		cmocka_unit_test(test_is_plumbing),
		cmocka_unit_test(test_closure_parent),
		cmocka_unit_test(test_is_std),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
