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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_package_len),
		cmocka_unit_test(test_is_runtime),
		cmocka_unit_test(test_is_plumbing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
