/* dump: the text goroutine dump grammar, on real Go 1.26 output recorded
 * into tests/data/dump/ (the Go programs that made it are described in
 * tests/data/dump/README) and on hand-made damaged snippets. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "gotrex/diag.h"
#include "gotrex/dump.h"
#include "gotrex/input.h"
#include "gotrex/logprefix.h"
#include "gotrex/store.h"
#include "gotrex/util.h"

#include "test_util.h"

/* ------------------------------------------------------------------ */
/* helpers */

static char *
read_data(const char *name, size_t *len)
{
	return data_file_read("dump", name, len);
}

struct parsed {
	char *text;
	struct gx_dump *dump;
	struct gx_diag diag;
};

static struct parsed *
parse_file(const char *name)
{
	struct parsed *p = xcalloc(1, sizeof(*p));
	size_t len;

	p->text = read_data(name, &len);
	p->dump = gx_dump_parse(p->text, len, name, &p->diag);
	return p;
}

static struct parsed *
parse_str(const char *s)
{
	struct parsed *p = xcalloc(1, sizeof(*p));

	p->text = xstrdup(s);
	p->dump = gx_dump_parse(p->text, strlen(s), "t.txt", &p->diag);
	return p;
}

static void
parsed_free(struct parsed *p)
{
	gx_dump_free(p->dump);
	gx_diag_clear(&p->diag);
	free(p->text);
	free(p);
}

static bool
eq(struct gx_dump_text t, const char *s)
{
	return t.n == strlen(s) && (t.n == 0 || memcmp(t.p, s, t.n) == 0);
}

#define assert_text(t, s)                                                        \
	do {                                                                     \
		struct gx_dump_text t_ = (t);                                    \
		if (!eq(t_, (s)))                                                \
			fail_msg("got \"%.*s\", want \"%s\"", (int)t_.n,         \
			         t_.p != NULL ? t_.p : "", (s));                 \
	} while (0)

static const struct gx_dump_goroutine *
find_g(const struct gx_dump *d, uint64_t id)
{
	size_t i;

	for (i = 0; i < d->ng; i++)
		if (d->g[i].id == id)
			return &d->g[i];
	fail_msg("goroutine %llu not found", (unsigned long long)id);
	return NULL;
}

/* The formatted text of the first diagnostic containing needle, or fail. */
static void
assert_diag(const struct gx_diag *d, const char *needle)
{
	if (diag_has(d, needle))
		return;
	fail_msg("no diagnostic contains \"%s\" (%zu entries)", needle, d->n);
}

/* ------------------------------------------------------------------ */
/* real dumps */

static void
test_debug2(void **state)
{
	struct parsed *p = parse_file("debug2.txt");
	const struct gx_dump *d = p->dump;
	const struct gx_dump_goroutine *g;

	(void)state;
	assert_int_equal(p->diag.n, 0);
	assert_int_equal(d->ng, 16);
	assert_null(d->info.preamble);
	assert_null(d->info.trailer);
	assert_false(d->info.all_asleep);
	assert_false(d->info.prefixed);

	g = &d->g[0];
	assert_int_equal(g->id, 1);
	assert_text(g->status, "running");
	assert_int_equal(g->state, GX_G_RUNNING);
	assert_int_equal(g->source_line, 1);
	assert_int_equal(g->nframes, 4);
	assert_text(g->frames[0].func, "runtime/pprof.writeGoroutineStacks");
	assert_text(g->frames[0].args, "({0x56dfb8, 0xd6c04dde050})");
	assert_text(g->frames[0].file, "/usr/local/go/src/runtime/pprof/pprof.go");
	assert_int_equal(g->frames[0].line, 819);
	assert_int_equal(g->frames[0].offset, 0x6b);
	assert_true(g->frames[0].flags & GX_DUMP_FRAME_HAS_OFFSET);
	assert_false(g->frames[0].flags & GX_DUMP_FRAME_HAS_PC);
	assert_text(g->frames[3].func, "main.main");
	assert_text(g->frames[3].args, "()");
	assert_null(g->created_by);
	assert_false(g->flags & GX_DUMP_G_CREATOR);

	g = find_g(d, 8);
	assert_text(g->status, "chan receive (nil chan)");
	assert_int_equal(g->state, GX_G_WAITING);
	assert_text(g->created_by->func, "main.main");
	assert_int_equal(g->creator_id, 1);
	assert_true(g->flags & GX_DUMP_G_CREATOR);
	assert_text(g->created_by->file, "/tmp/gd/forms/main.go");
	assert_int_equal(g->created_by->line, 37);
	assert_int_equal(g->created_by->offset, 0x7b);
	assert_true(g->created_by->flags & GX_DUMP_FRAME_CREATED_BY);

	assert_text(find_g(d, 9)->status, "select (no cases)");
	assert_text(find_g(d, 10)->status, "sleep");
	g = find_g(d, 11);
	assert_text(g->status, "chan receive");
	assert_text(g->bracket, "chan receive, locked to thread");
	assert_true(g->flags & GX_DUMP_G_LOCKED);

	/* 150-deep recursion: 50 frames, "...51 frames elided...", 50 */
	g = find_g(d, 12);
	assert_int_equal(g->nframes, 101);
	assert_true(g->frames[50].flags & GX_DUMP_FRAME_ELIDED);
	assert_int_equal(g->frames[50].elided, 51);
	assert_text(g->frames[50].func, "...51 frames elided...");
	assert_text(g->frames[100].func, "main.deep");
	assert_text(g->frames[100].args, "(0x0?, 0x0?)");

	/* aggregate arguments cut at ten words */
	g = find_g(d, 14);
	assert_text(g->frames[0].args,
	            "({0x0, 0x0, 0x0, {0x0, 0x0}, {0x0, 0x0, 0x0}}, {0x0, 0x0, ...}, ...)");

	/* inlined frames */
	g = find_g(d, 15);
	assert_text(g->status, "sync.Mutex.Lock");
	assert_int_equal(g->nframes, 5);
	assert_text(g->frames[2].func, "internal/sync.(*Mutex).Lock");
	assert_true(g->frames[2].flags & GX_DUMP_FRAME_INLINED);
	assert_false(g->frames[2].flags & GX_DUMP_FRAME_HAS_OFFSET);
	assert_int_equal(g->frames[2].line, 70);

	assert_text(find_g(d, 16)->status, "sync.RWMutex.RLock");
	assert_text(find_g(d, 18)->status, "sync.WaitGroup.Wait");
	assert_text(find_g(d, 19)->status, "sync.Cond.Wait");
	assert_text(find_g(d, 20)->status, "select");
	assert_text(find_g(d, 21)->status, "chan send");
	g = find_g(d, 22);
	assert_text(g->status, "IO wait");
	assert_text(g->frames[0].func, "internal/poll.runtime_pollWait");
	parsed_free(p);
}

static void
test_runtime_stack(void **state)
{
	struct parsed *p = parse_file("runtime-stack.txt");
	const struct gx_dump_goroutine *g;

	(void)state;
	assert_int_equal(p->diag.n, 0);
	assert_int_equal(p->dump->ng, 16);
	g = &p->dump->g[0];
	assert_int_equal(g->id, 1);
	assert_int_equal(g->nframes, 1);
	assert_text(g->frames[0].func, "main.main");
	assert_int_equal(g->frames[0].line, 66);
	assert_int_equal(g->frames[0].offset, 0x406);
	assert_int_equal(p->dump->g[1].source_line, 5);
	parsed_free(p);
}

static void
test_panic(void **state)
{
	struct parsed *p = parse_file("panic-nilmap.txt");
	const struct gx_dump_goroutine *g;

	(void)state;
	assert_int_equal(p->diag.n, 0);
	assert_int_equal(p->dump->ng, 1);
	assert_string_equal(p->dump->info.preamble, "panic: assignment to entry in nil map\n");
	assert_text(p->dump->info.headline, "panic: assignment to entry in nil map");
	assert_null(p->dump->info.trailer);
	assert_false(p->dump->info.all_asleep);
	g = &p->dump->g[0];
	assert_int_equal(g->source_line, 3);
	assert_text(g->status, "running");
	parsed_free(p);

	p = parse_file("panic-signal.txt");
	assert_int_equal(p->diag.n, 0);
	assert_text(p->dump->info.headline,
	            "panic: runtime error: invalid memory address or nil pointer dereference");
	assert_non_null(strstr(p->dump->info.preamble,
	                       "\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x5196c8]\n"));
	parsed_free(p);

	/* GOTRACEBACK=all, a multi-line value, recovered and panicked again */
	p = parse_file("panic-repanic-all.txt");
	assert_int_equal(p->diag.n, 0);
	assert_int_equal(p->dump->ng, 16);
	assert_string_equal(p->dump->info.preamble,
	                    "panic: first\n\tmultiline [recovered]\n\tpanic: again: first\n\tmultiline\n");
	assert_text(p->dump->info.headline, "panic: first");
	g = &p->dump->g[0];
	assert_int_equal(g->nframes, 3);
	assert_text(g->frames[1].func, "panic");
	assert_text(g->frames[1].args, "({0x52d240?, 0x56d210?})");
	parsed_free(p);
}

static void
test_deadlock(void **state)
{
	struct parsed *p = parse_file("deadlock.txt");
	const struct gx_dump_goroutine *g;

	(void)state;
	assert_int_equal(p->diag.n, 0);
	assert_true(p->dump->info.all_asleep);
	assert_text(p->dump->info.headline, "fatal error: all goroutines are asleep - deadlock!");
	assert_int_equal(p->dump->ng, 3);
	assert_text(p->dump->g[0].status, "sync.WaitGroup.Wait");
	g = find_g(p->dump, 18);
	assert_text(g->status, "sync.Mutex.Lock");
	assert_int_equal(g->nframes, 5);
	assert_text(g->frames[0].func, "internal/sync.runtime_SemacquireMutex");
	assert_text(g->frames[0].args, "(0x0?, 0x0?, 0x0?)");
	assert_text(g->frames[1].args, "(0x1bfafad86000)");
	assert_int_equal(g->creator_id, 1);
	assert_text(find_g(p->dump, 19)->status, "chan send");
	parsed_free(p);

	/* runtime.Goexit in main: the same message, then "exit status 2" */
	p = parse_file("goexit-deadlock.txt");
	assert_int_equal(p->diag.n, 0);
	assert_true(p->dump->info.all_asleep);
	assert_int_equal(p->dump->ng, 1);
	assert_string_equal(p->dump->info.trailer, "exit status 2\n");
	parsed_free(p);
}

static void
test_sigquit(void **state)
{
	struct parsed *p = parse_file("sigquit.txt");
	const struct gx_dump_goroutine *g;
	const struct gx_dump_frame *f;

	(void)state;
	assert_int_equal(p->diag.n, 0);
	assert_int_equal(p->dump->ng, 23);
	assert_string_equal(p->dump->info.preamble, "SIGQUIT: quit\nPC=0x48c9c1 m=0 sigcode=0\n");
	assert_text(p->dump->info.headline, "SIGQUIT: quit");
	assert_non_null(p->dump->info.trailer);
	assert_true(strncmp(p->dump->info.trailer, "rax    0xca\nrbx    0x0\n", 23) == 0);
	assert_non_null(strstr(p->dump->info.trailer, "\ngs     0x0\n"));

	g = &p->dump->g[0];
	assert_int_equal(g->id, 0);
	assert_text(g->status, "idle");
	assert_int_equal(g->state, GX_G_UNKNOWN);
	assert_true(g->flags & GX_DUMP_G_GP);
	assert_true(g->flags & GX_DUMP_G_SYSTEM);
	assert_int_equal(g->gp, 0x6826a0);
	assert_int_equal(g->m, 0);
	assert_int_equal(g->mp, 0x683460);
	f = &g->frames[0];
	assert_text(f->func, "runtime.futex");
	assert_text(f->file, "/usr/local/go/src/runtime/sys_linux_amd64.s");
	assert_int_equal(f->line, 569);
	assert_int_equal(f->offset, 0x21);
	assert_int_equal(f->fp, 0x7ffcd8d04698);
	assert_int_equal(f->sp, 0x7ffcd8d04690);
	assert_int_equal(f->pc, 0x48c9c1);
	assert_int_equal(f->flags & (GX_DUMP_FRAME_HAS_PC | GX_DUMP_FRAME_HAS_SP | GX_DUMP_FRAME_HAS_OFFSET),
	                 GX_DUMP_FRAME_HAS_PC | GX_DUMP_FRAME_HAS_SP | GX_DUMP_FRAME_HAS_OFFSET);
	/* an inlined frame at level 2 has neither offset nor pc */
	f = &g->frames[3];
	assert_text(f->func, "runtime.mPark");
	assert_true(f->flags & GX_DUMP_FRAME_INLINED);
	assert_int_equal(f->pc, 0);

	g = find_g(p->dump, 1);
	assert_text(g->status, "sleep");
	assert_int_equal(g->m, -1); /* m=nil */
	assert_int_equal(g->gp, 0x10b42e84c1e0);
	assert_false(g->flags & GX_DUMP_G_SYSTEM);
	assert_text(g->frames[g->nframes - 1].func, "runtime.goexit");
	assert_text(g->frames[g->nframes - 1].args, "({})");

	/* system goroutines: started in package runtime */
	g = find_g(p->dump, 2);
	assert_text(g->status, "force gc (idle)");
	assert_true(g->flags & GX_DUMP_G_SYSTEM);
	assert_text(g->created_by->func, "runtime.init.7");
	assert_text(find_g(p->dump, 3)->status, "GC sweep wait");
	assert_true(find_g(p->dump, 3)->flags & GX_DUMP_G_SYSTEM);
	parsed_free(p);
}

static void
test_crash(void **state)
{
	struct parsed *p = parse_file("crash.txt");
	size_t i, zeros = 0;

	(void)state;
	assert_int_equal(p->diag.n, 0);
	assert_text(p->dump->info.headline, "SIGQUIT: quit");
	/* one dump of all goroutines, then each other M's own g0 after
	 * "-----": goroutine 0 comes once per M */
	for (i = 0; i < p->dump->ng; i++)
		zeros += p->dump->g[i].id == 0;
	assert_int_equal(zeros, 6);
	assert_int_equal(p->dump->ng, 28);
	/* the last M's g0 has its register lines right after its frames */
	assert_int_equal(p->dump->g[p->dump->ng - 1].id, 0);
	assert_null(strstr(p->dump->info.trailer, "-----"));
	assert_true(strncmp(p->dump->info.trailer, "rax ", 4) == 0);
	parsed_free(p);
}

static void
test_system_panic(void **state)
{
	struct parsed *p = parse_file("system-panic.txt");
	const struct gx_dump_goroutine *g;

	(void)state;
	assert_int_equal(p->diag.n, 0);
	assert_int_equal(p->dump->ng, 22);
	g = &p->dump->g[0];
	assert_int_equal(g->id, 1);
	assert_int_equal(g->m, 3);
	assert_int_equal(g->mp, 0x1f176158f008);
	assert_text(g->status, "running");
	assert_text(g->frames[0].func, "panic");
	assert_text(g->frames[1].file, "/usr/local/go/src/internal/runtime/maps/runtime_faststr.go");
	assert_false(g->flags & GX_DUMP_G_SYSTEM); /* runtime.main is the user's */
	parsed_free(p);
}

static void
test_labels(void **state)
{
	struct parsed *p = parse_file("labels-debug2.txt");
	const struct gx_dump_goroutine *g;

	(void)state;
	assert_int_equal(p->diag.n, 0);
	g = &p->dump->g[p->dump->ng - 1];
	assert_int_equal(g->id, 35);
	assert_text(g->status, "chan receive");
	assert_text(g->labels, "{\"job\": \"ingest\", \"tenant\": \"a b\"}");
	assert_text(g->bracket, "chan receive labels:{\"job\": \"ingest\", \"tenant\": \"a b\"}");
	assert_int_equal(g->unknown_elems, 0);
	assert_int_equal(p->dump->g[0].labels.n, 0);
	parsed_free(p);
}

static void
test_synctest(void **state)
{
	struct parsed *p = parse_file("synctest-deadlock.txt");
	const struct gx_dump_goroutine *g;

	(void)state;
	assert_int_equal(p->diag.n, 0);
	assert_int_equal(p->dump->ng, 5);
	assert_text(p->dump->info.headline,
	            "panic: deadlock: all goroutines in bubble are blocked [recovered, repanicked]");
	assert_false(p->dump->info.all_asleep);
	assert_string_equal(p->dump->info.trailer, "FAIL\tgd/synct\t0.006s\nFAIL\n");
	g = find_g(p->dump, 21);
	assert_text(g->status, "chan receive (durable)");
	assert_true(g->flags & GX_DUMP_G_DURABLE);
	assert_true(g->flags & GX_DUMP_G_SYNCTEST);
	assert_int_equal(g->bubble, 1);
	assert_int_equal(g->creator_id, 20);
	g = find_g(p->dump, 24);
	assert_text(g->status, "select (durable)");
	assert_text(g->created_by->func, "gd/synct.TestDeadlock.func1");
	parsed_free(p);
}

static void
test_leaked(void **state)
{
	struct parsed *p = parse_file("goroutineleak-debug2.txt");
	const struct gx_dump_goroutine *g;

	(void)state;
	assert_int_equal(p->diag.n, 0);
	assert_int_equal(p->dump->ng, 5);
	g = find_g(p->dump, 7);
	assert_text(g->status, "chan send");
	assert_text(g->bracket, "chan send (leaked)");
	assert_true(g->flags & GX_DUMP_G_LEAKED);
	assert_int_equal(g->state, GX_G_WAITING);
	assert_false(find_g(p->dump, 10)->flags & GX_DUMP_G_LEAKED);
	parsed_free(p);
}

static void
test_ancestors(void **state)
{
	struct parsed *p = parse_file("ancestors.txt");
	const struct gx_dump_goroutine *g;
	const struct gx_dump_ancestor *a;

	(void)state;
	assert_int_equal(p->diag.n, 0);
	assert_int_equal(p->dump->ng, 4);
	g = find_g(p->dump, 21);
	assert_int_equal(g->nframes, 1);
	assert_int_equal(g->creator_id, 20);
	assert_text(g->created_by->func, "main.spawn");
	assert_int_equal(g->nancestors, 3);
	a = &g->ancestors[0];
	assert_int_equal(a->id, 20);
	assert_int_equal(a->nframes, 1);
	assert_text(a->frames[0].func, "main.spawn");
	assert_text(a->frames[0].args, "(...)");
	assert_false(a->frames[0].flags & GX_DUMP_FRAME_INLINED);
	assert_int_equal(a->frames[0].offset, 0x69);
	assert_text(a->created_by->func, "main.spawn");
	assert_int_equal(a->created_by->line, 14);
	assert_int_equal(g->ancestors[1].id, 19);
	assert_text(g->ancestors[1].created_by->func, "main.main");
	a = &g->ancestors[2];
	assert_int_equal(a->id, 1);
	assert_null(a->created_by);
	assert_text(a->frames[0].func, "main.main");
	parsed_free(p);
}

static void
test_unavailable(void **state)
{
	struct parsed *p = parse_file("unavailable.txt");
	const struct gx_dump_goroutine *g;

	(void)state;
	assert_int_equal(p->diag.n, 0);
	assert_int_equal(p->dump->ng, 2);
	g = &p->dump->g[1];
	assert_int_equal(g->id, 18);
	assert_text(g->status, "running");
	assert_int_equal(g->state, GX_G_RUNNING);
	assert_true(g->flags & GX_DUMP_G_UNAVAILABLE);
	assert_int_equal(g->nframes, 0);
	assert_text(g->created_by->func, "main.main");
	assert_string_equal(p->dump->info.trailer, "exit status 2\n");
	parsed_free(p);
}

/* A runtime throw: "runtime:" lines, the g0 stack under "runtime stack:"
 * (no header) before the first goroutine, 22 million frames elided. */
static void
test_stack_overflow(void **state)
{
	struct parsed *p = parse_file("stack-overflow.txt");
	const struct gx_dump_goroutine *g;

	(void)state;
	assert_int_equal(p->diag.n, 0);
	assert_int_equal(p->dump->ng, 5);
	assert_text(p->dump->info.headline, "fatal error: stack overflow");
	assert_true(strncmp(p->dump->info.preamble,
	                    "runtime: goroutine stack exceeds 1000000000-byte limit\n", 55) == 0);
	assert_non_null(strstr(p->dump->info.preamble, "\nruntime stack:\nruntime.throw("));
	assert_string_equal(p->dump->info.trailer, "exit status 2\n");
	g = &p->dump->g[0];
	assert_int_equal(g->id, 1);
	assert_int_equal(g->source_line, 13);
	assert_int_equal(g->nframes, 101);
	assert_int_equal(g->frames[50].elided, 22369478);
	assert_text(g->frames[100].func, "runtime.goexit");
	assert_false(g->flags & GX_DUMP_G_SYSTEM);
	assert_true(find_g(p->dump, 17)->flags & GX_DUMP_G_SYSTEM);
	parsed_free(p);

	p = parse_file("concurrent-map-writes.txt");
	assert_int_equal(p->diag.n, 0);
	assert_int_equal(p->dump->ng, 1);
	assert_text(p->dump->info.headline, "fatal error: concurrent map writes");
	assert_false(p->dump->info.all_asleep);
	g = &p->dump->g[0];
	assert_int_equal(g->id, 6);
	assert_text(g->frames[0].func, "internal/runtime/maps.fatal");
	assert_int_equal(g->creator_id, 1);
	parsed_free(p);
}

/* Waited a minute (the GC stamps waitsince, the header prints whole
 * minutes, plural even for 1), panic with GOTRACEBACK=all. */
static void
test_minutes(void **state)
{
	struct parsed *p = parse_file("minutes-panic-all.txt");
	const struct gx_dump_goroutine *g;

	(void)state;
	assert_int_equal(p->diag.n, 0);
	assert_int_equal(p->dump->ng, 4);
	assert_text(p->dump->info.headline, "panic: boom after wait");
	assert_false(p->dump->g[0].flags & GX_DUMP_G_MINUTES);
	g = find_g(p->dump, 7);
	assert_text(g->status, "sync.Mutex.Lock");
	assert_int_equal(g->wait_minutes, 1);
	assert_true(g->flags & GX_DUMP_G_MINUTES);
	g = find_g(p->dump, 9);
	assert_text(g->status, "chan receive");
	assert_text(g->bracket, "chan receive, 1 minutes, locked to thread");
	assert_int_equal(g->wait_minutes, 1);
	assert_true(g->flags & GX_DUMP_G_LOCKED);
	parsed_free(p);
}

/* ------------------------------------------------------------------ */
/* header forms (composed from the runtime's goroutineheader) */

static void
test_header_forms(void **state)
{
	struct parsed *p = parse_str(
		"goroutine 5 [chan receive (scan)]:\n"
		"main.f()\n\t/a.go:1\n\n"
		"goroutine 6 [chan receive (scan), 12 minutes, locked to thread]:\n"
		"main.f()\n\t/a.go:1\n\n"
		"goroutine 7 [sleep (durable), 2 minutes, synctest bubble 3]:\n"
		"main.f()\n\t/a.go:1\n\n"
		"goroutine 8 [select (scan) (durable), synctest group 4]:\n"
		"main.f()\n\t/a.go:1\n\n"
		"goroutine 9 [leaked]:\n"
		"main.f()\n\t/a.go:1\n\n"
		"goroutine 10 [running] {job: ingest, tenant: \"a ]b\"}:\n"
		"main.f()\n\t/a.go:1\n\n"
		"goroutine 11 [some new reason, 1 minute, brand new element]:\n"
		"main.f()\n\t/a.go:1\n\n"
		"goroutine 12 [select, 18446744073709551615000 minutes]:\n"
		"main.f()\n\t/a.go:1\n\n"
		"goroutine 13 gp=0xc000102380 m=nil [chan receive]:\n"
		"main.f()\n\t/a.go:1\n\n"
		"goroutine 14 [runnable, locked to thread labels:{\"k\": \"a ], b\\\"}\"}]:\n"
		"main.f()\n\t/a.go:1\n\n"
		"goroutine 15 [syscall, 3 minutes]:\n"
		"main.f()\n\t/a.go:1\n\n"
		"goroutine 16 [preempted]:\n"
		"goroutine 17 [???]:\n"
		"goroutine 18 [running]:\n"
		"goroutine 19 [dead]:\n");
	const struct gx_dump *d = p->dump;
	const struct gx_dump_goroutine *g;

	(void)state;
	assert_int_equal(p->diag.n, 0);
	assert_int_equal(d->ng, 15);
	g = find_g(d, 5);
	assert_text(g->status, "chan receive");
	assert_true(g->flags & GX_DUMP_G_SCAN);
	g = find_g(d, 6);
	assert_text(g->status, "chan receive");
	assert_int_equal(g->wait_minutes, 12);
	assert_int_equal(g->flags & (GX_DUMP_G_SCAN | GX_DUMP_G_MINUTES | GX_DUMP_G_LOCKED),
	                 GX_DUMP_G_SCAN | GX_DUMP_G_MINUTES | GX_DUMP_G_LOCKED);
	g = find_g(d, 7);
	assert_text(g->status, "sleep (durable)");
	assert_int_equal(g->wait_minutes, 2);
	assert_int_equal(g->bubble, 3);
	assert_true(g->flags & GX_DUMP_G_DURABLE);
	g = find_g(d, 8);
	assert_text(g->status, "select");
	assert_int_equal(g->flags & (GX_DUMP_G_SCAN | GX_DUMP_G_DURABLE | GX_DUMP_G_SYNCTEST),
	                 GX_DUMP_G_SCAN | GX_DUMP_G_DURABLE | GX_DUMP_G_SYNCTEST);
	assert_int_equal(g->bubble, 4);
	g = find_g(d, 9);
	assert_text(g->status, "leaked");
	assert_true(g->flags & GX_DUMP_G_LEAKED);
	assert_int_equal(g->state, GX_G_WAITING);
	g = find_g(d, 10);
	assert_text(g->status, "running");
	assert_text(g->labels, "{job: ingest, tenant: \"a ]b\"}");
	g = find_g(d, 11);
	assert_text(g->status, "some new reason");
	assert_int_equal(g->state, GX_G_WAITING);
	assert_int_equal(g->wait_minutes, 1);
	assert_int_equal(g->unknown_elems, 1);
	assert_text(g->bracket, "some new reason, 1 minute, brand new element");
	g = find_g(d, 12);
	assert_int_equal(g->wait_minutes, UINT64_MAX);
	g = find_g(d, 13);
	assert_int_equal(g->gp, 0xc000102380);
	assert_int_equal(g->m, -1);
	assert_int_equal(g->mp, 0);
	g = find_g(d, 14);
	assert_text(g->status, "runnable");
	assert_int_equal(g->state, GX_G_RUNNABLE);
	assert_true(g->flags & GX_DUMP_G_LOCKED);
	assert_int_equal(g->unknown_elems, 0);
	assert_text(g->labels, "{\"k\": \"a ], b\\\"}\"}");
	assert_int_equal(find_g(d, 15)->state, GX_G_SYSCALL);
	assert_int_equal(find_g(d, 16)->state, GX_G_RUNNABLE);
	assert_int_equal(find_g(d, 17)->state, GX_G_UNKNOWN);
	g = find_g(d, 18);
	assert_int_equal(g->state, GX_G_RUNNING);
	assert_int_equal(g->nframes, 0); /* "[running]:" with no frames */
	assert_int_equal(find_g(d, 19)->state, GX_G_DEAD);
	parsed_free(p);
}

/* ------------------------------------------------------------------ */
/* frame forms */

static void
test_frame_forms(void **state)
{
	struct parsed *p = parse_str(
		"goroutine 1 [running]:\n"
		"main.(*T[...]).M[...](0x1, {0x2, 0x3}, 0x4?, _, ...)\n"
		"\tC:/work/app/main.go:12 +0x1d\n"
		"runtime.epollwait(0x4, 0x71c7118, 0xffffffff00000080, 0x0, 0xffffffff0028c1be, 0x0, 0x0, 0x0, 0x0, 0x0, ...)\n"
		"        /usr/lib/go/src/runtime/sys_linux_amd64.s:725 +0x20\n"
		"main.wrap()\n"
		"\t<autogenerated>:1 +0x25\n"
		"C.fn()\n"
		"\t??:0 +0x0\n"
		"non-Go function at pc=0x7f12a0\n"
		"non-Go function\n"
		"\t/src/x.c:12 pc=0x7f0001\n"
		"myCfunc\n"
		"\t/src/y.c:40 pc=0x7f0101\n"
		"runtime.cgocall(0x4b3d40, 0xc000051f30)\n"
		"\t/usr/local/go/src/runtime/cgocall.go:167 +0x3e fp=0xc000051f08 sp=0xc000051ed0\n"
		"...additional frames elided...\n"
		"created by main.start\n"
		"\t/app/main.go:7 +0x25\n");
	const struct gx_dump_goroutine *g;
	const struct gx_dump_frame *f;

	(void)state;
	g = &p->dump->g[0];
	assert_int_equal(g->nframes, 9);
	f = &g->frames[0];
	assert_text(f->func, "main.(*T[...]).M[...]");
	assert_text(f->args, "(0x1, {0x2, 0x3}, 0x4?, _, ...)");
	assert_text(f->file, "C:/work/app/main.go");
	assert_int_equal(f->line, 12);
	f = &g->frames[1]; /* spaces for the TAB, pre-1.17 flat arguments */
	assert_text(f->args, "(0x4, 0x71c7118, 0xffffffff00000080, 0x0, 0xffffffff0028c1be, 0x0, 0x0, 0x0, 0x0, 0x0, ...)");
	assert_int_equal(f->line, 725);
	f = &g->frames[2];
	assert_text(f->file, "<autogenerated>");
	assert_int_equal(f->line, 1);
	f = &g->frames[3];
	assert_text(f->file, "??");
	assert_int_equal(f->line, 0);
	f = &g->frames[4];
	assert_text(f->func, "non-Go function");
	assert_int_equal(f->pc, 0x7f12a0);
	assert_true(f->flags & GX_DUMP_FRAME_CGO);
	assert_true(f->flags & GX_DUMP_FRAME_NO_FILE);
	f = &g->frames[5];
	assert_text(f->func, "non-Go function");
	assert_text(f->file, "/src/x.c");
	assert_int_equal(f->line, 12);
	assert_int_equal(f->pc, 0x7f0001);
	f = &g->frames[6]; /* named by a cgo symbolizer */
	assert_text(f->func, "myCfunc");
	assert_text(f->file, "/src/y.c");
	assert_int_equal(f->line, 40);
	assert_int_equal(f->pc, 0x7f0101);
	assert_true(f->flags & GX_DUMP_FRAME_CGO);
	assert_int_equal(f->source_line, 13);
	f = &g->frames[7];
	assert_int_equal(f->fp, 0xc000051f08);
	assert_int_equal(f->sp, 0xc000051ed0);
	assert_int_equal(f->pc, 0);
	f = &g->frames[8];
	assert_true(f->flags & GX_DUMP_FRAME_ELIDED);
	assert_int_equal(f->elided, 0);
	assert_text(g->created_by->func, "main.start");
	assert_false(g->flags & GX_DUMP_G_CREATOR);
	parsed_free(p);
}

static void
test_diagnostics_inside(void **state)
{
	struct parsed *p = parse_str(
		"goroutine 3 [running]:\n"
		"runtime: g 3: unexpected return pc for main.f called from 0x0\n"
		"stack: frame={sp:0xc000050f90, fp:0xc000050fa0} stack=[0xc000050000,0xc000051000)\n"
		"000000c000050e90:  0000000000000000  000000000046b0d5 <runtime.gopark+0xf5>\n"
		"main.f()\n"
		"\t/a.go:3 +0x1\n"
		"\tstack=[0xc000050000-0xc000051000\n"
		"main.g()\n"
		"\t/a.go:9 +0x2\n");

	(void)state;
	assert_int_equal(p->diag.n, 0);
	assert_int_equal(p->dump->g[0].nframes, 2);
	assert_text(p->dump->g[0].frames[1].func, "main.g");
	parsed_free(p);
}

/* ------------------------------------------------------------------ */
/* damage */

static void
test_damaged(void **state)
{
	struct parsed *p = parse_str(
		"some log line\n"
		"goroutine 1 [chan receive]:\n"
		"main.a()\n"                        /* line 3: no file line */
		"main.b()\n"
		"\t/a.go:2 +0x1\n"
		"\t/a.go:3 +0x1\n"                  /* line 6: file line without function */
		"\n"
		"goroutine 2 [chan rec\n"           /* line 8: cut header */
		"main.c()\n"
		"\t/a.go:4\n"
		"\n"
		"goroutine 99999999999999999999999 [running]:\n" /* line 12 */
		"main.d()\n"
		"\t/a.go:5\n"
		"\n"
		"goroutine 3 [select]:\n"
		"main.e(0x1)\n"
		"\tno line number here\n"          /* line 18 */
		"created by main.main in goroutine 1\n"
		"goroutine 4 [running]: junk\n"     /* line 20 */
		"main.f()\n"
		"\t/a.go:99999999999999999999999 +0xffffffffffffffffff\n"
		"\n"
		"goroutine 5 [sleep]:\n"
		"main.g(0x1, 0x2");                 /* cut mid-line, no newline */
	const struct gx_dump *d = p->dump;
	const struct gx_dump_goroutine *g;

	(void)state;
	assert_int_equal(p->diag.errors, 0);
	assert_diag(&p->diag, "t.txt:3: warning: goroutine 1: function line without a file line");
	assert_diag(&p->diag, "t.txt:6: warning: goroutine 1: file line without a function line");
	assert_diag(&p->diag, "t.txt:8: warning: goroutine 2: header has no closing ']'");
	assert_diag(&p->diag, "t.txt:12: warning: goroutine id does not fit in 64 bits");
	assert_diag(&p->diag, "t.txt:18: warning: goroutine 3: file line without \":LINE\"");
	assert_diag(&p->diag, "t.txt:19: warning: goroutine 3: \"created by\" line without a file line");
	assert_diag(&p->diag, "t.txt:20: warning: goroutine 4: unexpected text after the header");
	assert_string_equal(d->info.preamble, "some log line\n");
	assert_int_equal(d->ng, 5);
	assert_int_equal(d->info.goroutines, 6);

	g = find_g(d, 1);
	assert_int_equal(g->nframes, 2);
	assert_true(g->frames[0].flags & GX_DUMP_FRAME_NO_FILE);
	assert_false(g->frames[1].flags & GX_DUMP_FRAME_NO_FILE);
	g = find_g(d, 2);
	assert_true(g->flags & GX_DUMP_G_BAD_HEADER);
	assert_int_equal(g->state, GX_G_UNKNOWN);
	assert_int_equal(g->nframes, 1);
	g = find_g(d, 3);
	assert_text(g->frames[0].file, "no line number here");
	assert_int_equal(g->frames[0].line, 0);
	assert_int_equal(g->creator_id, 1);
	g = find_g(d, 4);
	assert_text(g->status, "running");
	assert_int_equal(g->frames[0].line, UINT64_MAX);
	assert_int_equal(g->frames[0].offset, UINT64_MAX);
	g = find_g(d, 5);
	assert_int_equal(g->nframes, 0); /* "main.g(0x1, 0x2" is not a frame */
	assert_true(g->flags & GX_DUMP_G_TRUNCATED);
	assert_true(d->info.truncated);
	assert_diag(&p->diag, "t.txt:25: warning: input ends inside goroutine 5 (cut off?)");
	assert_string_equal(d->info.trailer, "main.g(0x1, 0x2\n");
	parsed_free(p);

	/* the input ends after a function line */
	p = parse_str("goroutine 5 [sleep]:\nmain.g(0x1, 0x2)\n");
	assert_diag(&p->diag, "t.txt:2: warning: input ends inside goroutine 5");
	assert_true(p->dump->info.truncated);
	assert_true(p->dump->g[0].flags & GX_DUMP_G_TRUNCATED);
	assert_int_equal(p->dump->g[0].nframes, 1);
	parsed_free(p);
}

static void
test_no_goroutines(void **state)
{
	struct parsed *p = parse_str("hello\nworld\ngoroutine is not a header\n");

	(void)state;
	assert_int_equal(p->dump->ng, 0);
	assert_int_equal(p->diag.errors, 1);
	assert_diag(&p->diag, "t.txt: error: no goroutine found: expected a Go goroutine dump");
	parsed_free(p);

	p = parse_str("");
	assert_int_equal(p->dump->ng, 0);
	assert_int_equal(p->diag.errors, 1);
	parsed_free(p);
}

static void
test_binary_noise(void **state)
{
	static const char text[] =
		"\xff\xfe\0garbage\r\n"
		"goroutine 7 [chan \xc3\x28 receive]:\r\n"
		"main.f\0x(0x1)\r\n"
		"\t/a\xff.go:3 +0x1\r\n"
		"\r\n";
	struct parsed *p = xcalloc(1, sizeof(*p));
	const struct gx_dump_goroutine *g;

	(void)state;
	p->text = xmalloc(sizeof(text));
	memcpy(p->text, text, sizeof(text));
	p->dump = gx_dump_parse(p->text, sizeof(text) - 1, "bin", &p->diag);
	assert_int_equal(p->dump->ng, 1);
	g = &p->dump->g[0];
	assert_int_equal(g->status.n, 15);
	assert_int_equal(g->frames[0].func.n, 8);
	assert_int_equal(g->frames[0].line, 3);
	assert_int_equal(p->dump->info.preamble_len, 11);
	assert_memory_equal(p->dump->info.preamble, "\xff\xfe\0garbage\n", 11);
	parsed_free(p);
}

/* ------------------------------------------------------------------ */
/* log prefixes: the real deadlock dump with a prefix on every line */

/* Prefix every line of a data file with pfx(i), i = line index. */
static char *
prefixed(const char *name, const char *(*pfx)(size_t i, char *buf), size_t *len)
{
	size_t n, i = 0;
	char *raw = read_data(name, &n), *s = raw;
	struct gx_buf b = { 0 };
	char buf[128];

	gx_buf_puts(&b, pfx(i++, buf));
	gx_buf_puts(&b, "log line before the dump\n");
	while (*s != '\0') {
		char *nl = strchr(s, '\n');
		size_t k = nl != NULL ? (size_t)(nl - s) : strlen(s);

		gx_buf_puts(&b, pfx(i++, buf));
		gx_buf_append(&b, s, k);
		gx_buf_putc(&b, '\n');
		s += k + (nl != NULL);
	}
	gx_buf_puts(&b, pfx(i++, buf));
	gx_buf_puts(&b, "log line after the dump\n");
	free(raw);
	*len = b.len;
	return gx_buf_take(&b);
}

static const char *
pfx_kubectl_ts(size_t i, char *buf)
{
	/* RFC3339Nano with trailing zeros trimmed: variable width */
	static const char *const frac[] = { ".123456789", ".5", "", ".12", ".000001" };

	snprintf(buf, 128, "2026-11-27T14:26:%02zu%sZ ", i % 60, frac[i % 5]);
	return buf;
}

static const char *
pfx_stdlog(size_t i, char *buf)
{
	snprintf(buf, 128, "2026/11/27 14:%02zu:35 ", i % 60);
	return buf;
}

static const char *
pfx_kubectl_pod(size_t i, char *buf)
{
	(void)i;
	snprintf(buf, 128, "[pod/web-7f9c4b-xkz2p/app] ");
	return buf;
}

static const char *
pfx_journald(size_t i, char *buf)
{
	snprintf(buf, 128, "Nov %2zu 14:26:35 host-1 app[%zu]: ", 1 + i % 30, 9 + i * 7);
	return buf;
}

static const char *
pfx_compose(size_t i, char *buf)
{
	(void)i;
	snprintf(buf, 128, "svc-1  | ");
	return buf;
}

static const char *
pfx_indent(size_t i, char *buf)
{
	(void)i;
	snprintf(buf, 128, "    ");
	return buf;
}

static const char *
pfx_quote(size_t i, char *buf)
{
	(void)i;
	snprintf(buf, 128, "> ");
	return buf;
}

static void
check_prefixed(const char *(*pfx)(size_t, char *))
{
	size_t len;
	char *text = prefixed("deadlock.txt", pfx, &len);
	struct gx_diag diag = { 0 };
	struct gx_dump *d = gx_dump_parse(text, len, "log", &diag);
	const struct gx_dump_goroutine *g;

	if (diag.n > 0)
		gx_diag_print(&diag, stderr);
	assert_int_equal(diag.n, 0);
	assert_true(d->info.prefixed);
	assert_int_equal(d->ng, 3);
	assert_true(d->info.all_asleep);
	assert_text(d->info.headline, "fatal error: all goroutines are asleep - deadlock!");
	/* the prefix is stripped from the text around the dump too */
	assert_string_equal(d->info.preamble,
	                    "log line before the dump\n"
	                    "fatal error: all goroutines are asleep - deadlock!\n");
	assert_string_equal(d->info.trailer, "log line after the dump\n");
	g = find_g(d, 18);
	assert_int_equal(g->source_line, 12);
	assert_text(g->status, "sync.Mutex.Lock");
	assert_int_equal(g->nframes, 5);
	assert_text(g->frames[4].func, "main.main.func1");
	assert_text(g->frames[4].file, "/tmp/gd/dl/main.go");
	assert_int_equal(g->frames[4].line, 9);
	assert_text(g->created_by->func, "main.main");
	assert_int_equal(g->creator_id, 1);
	gx_dump_free(d);
	gx_diag_clear(&diag);
	free(text);
}

static void
test_prefix_kubectl_timestamps(void **state)
{
	(void)state;
	check_prefixed(pfx_kubectl_ts);
}

static void
test_prefix_stdlog(void **state)
{
	(void)state;
	check_prefixed(pfx_stdlog);
}

static void
test_prefix_kubectl_pod(void **state)
{
	(void)state;
	check_prefixed(pfx_kubectl_pod);
}

static void
test_prefix_journald(void **state)
{
	(void)state;
	check_prefixed(pfx_journald);
}

static void
test_prefix_compose(void **state)
{
	(void)state;
	check_prefixed(pfx_compose);
}

static void
test_prefix_indent(void **state)
{
	(void)state;
	check_prefixed(pfx_indent);
}

static void
test_prefix_quote(void **state)
{
	(void)state;
	check_prefixed(pfx_quote);
}

/* kubectl logs --prefix over two pods whose names have different shapes:
 * each header teaches its own prefix, lines of both are stripped. */
static void
test_prefix_two_shapes(void **state)
{
	struct parsed *p = parse_str(
		"[pod/api-7f9c/app] goroutine 1 [chan receive]:\n"
		"[pod/api-7f9c/app] main.main()\n"
		"[pod/worker_3/app] goroutine 5 [select]:\n"
		"[pod/api-7f9c/app] \t/app/main.go:8 +0x2d\n"
		"[pod/worker_3/app] main.loop()\n"
		"[pod/worker_3/app] \t/app/loop.go:20 +0x3c\n");
	const struct gx_dump_goroutine *g;

	(void)state;
	assert_int_equal(p->dump->ng, 2);
	g = find_g(p->dump, 5);
	assert_int_equal(g->nframes, 1);
	assert_text(g->frames[0].file, "/app/loop.go");
	assert_true(p->dump->info.prefixed);
	parsed_free(p);
}

static long
lp_match(const struct gx_logprefix *lp, const char *line)
{
	return gx_logprefix_match(lp, line, strlen(line));
}

/* The shape rules themselves. */
static void
test_logprefix_shapes(void **state)
{
	struct gx_logprefix lp;
	static const char ex[] = "2026-11-27T14:26:35.123Z ";

	(void)state;
	gx_logprefix_init(&lp);
	assert_true(gx_logprefix_empty(&lp));
	assert_int_equal(lp_match(&lp, "anything"), 0);
	assert_true(gx_logprefix_learn(&lp, ex, strlen(ex)));
	assert_false(gx_logprefix_empty(&lp));
	/* the same shape, other digits, a longer, shorter or missing fraction */
	assert_int_equal(lp_match(&lp, "2026-11-27T14:26:35.123Z goroutine 1 [running]:"), 25);
	assert_int_equal(lp_match(&lp, "2025-01-02T03:04:05.123456789Z \tx.go:1"), 31);
	assert_int_equal(lp_match(&lp, "2025-01-02T03:04:05Z main.main()"), 21);
	/* trailing blank trimmed by the shipper: the whole line is prefix */
	assert_int_equal(lp_match(&lp, "2025-01-02T03:04:05.5Z"), 22);
	/* the last blank is matched exactly: indentation after it is content */
	assert_int_equal(lp_match(&lp, "2025-01-02T03:04:05.5Z    /a.go:1"), 23);
	/* not this shape */
	assert_int_equal(lp_match(&lp, "main.main()"), -1);
	assert_int_equal(lp_match(&lp, "2025/01/02 03:04:05 x"), -1);
	assert_int_equal(lp_match(&lp, ""), -1);
	/* learning the same shape again adds nothing; an empty example
	 * lets unprefixed lines through as well */
	assert_true(gx_logprefix_learn(&lp, "1999-01-01T00:00:00.1Z ", 23));
	assert_int_equal(lp.nshape, 1);
	assert_true(gx_logprefix_learn(&lp, "", 0));
	assert_int_equal(lp_match(&lp, "main.main()"), 0);

	/* a prefix ending in a word: exactly as long as the example */
	gx_logprefix_init(&lp);
	assert_true(gx_logprefix_learn(&lp, "[x] ab", 6));
	assert_int_equal(lp_match(&lp, "[y] cdgoroutine 1 [running]:"), 6);
	assert_int_equal(lp_match(&lp, "[y] c"), -1);

	/* too long to be a prefix */
	{
		char big[GX_LOGPREFIX_MAX_LEN + 2];

		memset(big, 'a', sizeof(big));
		assert_false(gx_logprefix_learn(&lp, big, sizeof(big)));
	}
	/* too many tokens */
	{
		char many[2 * GX_LOGPREFIX_MAX_TOKENS + 2];
		size_t k;

		for (k = 0; k < sizeof(many); k++)
			many[k] = k % 2 ? '-' : 'a';
		assert_false(gx_logprefix_learn(&lp, many, sizeof(many)));
	}
}

/* Two services interleaved by docker compose, and a blank line whose
 * prefix lost its trailing space. */
static void
test_prefix_interleaved(void **state)
{
	struct parsed *p = parse_str(
		"web-1     | starting\n"
		"worker-1  | fatal error: all goroutines are asleep - deadlock!\n"
		"worker-1  |\n"
		"worker-1  | goroutine 1 [chan receive]:\n"
		"worker-1  | main.main()\n"
		"web-1     | GET /healthz 200\n"
		"worker-1  | \t/app/main.go:8 +0x2d\n"
		"worker-1  | \n"
		"worker-1  | goroutine 6 [select]:\n"
		"worker-1  | main.loop()\n"
		"worker-1  | \t/app/main.go:20 +0x3c\n"
		"worker-1  | created by main.main in goroutine 1\n"
		"worker-1  | \t/app/main.go:7 +0x25\n");
	const struct gx_dump_goroutine *g;

	(void)state;
	assert_int_equal(p->diag.n, 0);
	assert_int_equal(p->dump->ng, 2);
	assert_true(p->dump->info.all_asleep);
	assert_string_equal(p->dump->info.preamble,
	                    "starting\nfatal error: all goroutines are asleep - deadlock!\n");
	g = find_g(p->dump, 1);
	assert_int_equal(g->nframes, 1);
	assert_int_equal(g->frames[0].line, 8);
	g = find_g(p->dump, 6);
	assert_text(g->frames[0].func, "main.loop");
	assert_int_equal(g->created_by->line, 7);
	parsed_free(p);
}

/* ------------------------------------------------------------------ */
/* the loader, through the store */

static struct gx_store *
load_store(const char *text, size_t len, struct gx_diag *d, int *rc)
{
	struct gx_input *in = gx_input_open_memory("mem.txt", text, len);
	struct gx_builder *b = gx_builder_new(NULL);
	char path[] = "/tmp/gotrex-dump-test-XXXXXX";
	struct gx_source_id sid;
	struct gx_store *s = NULL;
	int fd;

	memset(&sid, 0, sizeof(sid));
	*rc = gx_dump_load(in, b, d);
	if (*rc == 0) {
		fd = mkstemp(path);
		assert_true(fd >= 0);
		close(fd);
		assert_int_equal(gx_builder_write(b, path, &sid, "dump", d), 0);
		s = gx_store_open(path, d);
		unlink(path);
	}
	gx_builder_free(b);
	gx_input_close(in);
	return s;
}

static const char *
sstr(const struct gx_store *s, gx_str id)
{
	return gx_store_str(s, id, NULL);
}

static void
test_load(void **state)
{
	size_t len;
	char *text = read_data("synctest-deadlock.txt", &len);
	struct gx_diag d = { 0 };
	const struct gx_goroutine_rec *g;
	const struct gx_frame_rec *f;
	const struct gx_span_rec *sp;
	const struct gx_store_meta *m;
	struct gx_store *s;
	size_t n;
	int rc;

	(void)state;
	s = load_store(text, len, &d, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(s);
	m = gx_store_meta(s);
	assert_int_equal(m->format, GX_FMT_DUMP_TEXT);
	assert_false(m->flags & GX_META_GLOBAL_DEADLOCK);
	assert_string_equal(sstr(s, m->headline),
	                    "panic: deadlock: all goroutines in bubble are blocked [recovered, repanicked]");
	assert_string_equal(sstr(s, m->trailer), "FAIL\tgd/synct\t0.006s\nFAIL\n");
	assert_int_equal(gx_store_goroutine_count(s), 5);

	g = gx_store_goroutine(s, gx_store_find_goroutine(s, 22));
	assert_non_null(g);
	assert_int_equal(g->state, GX_G_WAITING);
	assert_string_equal(sstr(s, g->reason), "chan receive (durable)");
	assert_int_equal(g->creator_id, 21);
	assert_int_equal(g->source_line, 38);
	assert_true(g->flags & GX_G_SYNCTEST);
	assert_string_equal(sstr(s, g->start_func), "gd/synct.TestDeadlock.func1.1");
	assert_int_equal(gx_store_stack_depth(s, g->stack), 1);
	f = gx_store_stack_frame(s, g->stack, 0);
	assert_string_equal(sstr(s, f->func), "gd/synct.TestDeadlock.func1.1");
	assert_string_equal(sstr(s, f->file), "/tmp/gd/synct/main_test.go");
	assert_string_equal(sstr(s, f->args), "()");
	assert_int_equal(f->line, 12);
	assert_int_equal(f->offset, 0x19);
	assert_false(f->flags & GX_FRAME_RUNTIME);
	assert_int_equal(gx_store_stack_depth(s, g->create_stack), 1);
	f = gx_store_stack_frame(s, g->create_stack, 0);
	assert_string_equal(sstr(s, f->func), "gd/synct.TestDeadlock.func1");
	assert_true(f->flags & GX_FRAME_CREATED_BY);
	sp = gx_store_spans(s, gx_store_find_goroutine(s, 22), &n);
	assert_int_equal(n, 1);
	assert_int_equal(sp[0].state, GX_G_WAITING);
	assert_string_equal(sstr(s, sp[0].reason), "chan receive (durable)");
	assert_int_equal(sp[0].stack, g->stack);

	/* the running goroutine: a panic frame is a runtime frame */
	g = gx_store_goroutine(s, gx_store_find_goroutine(s, 19));
	assert_int_equal(g->state, GX_G_RUNNING);
	assert_string_equal(sstr(s, g->start_func), "testing.tRunner");
	f = gx_store_stack_frame(s, g->stack, 2);
	assert_string_equal(sstr(s, f->func), "panic");
	assert_true(f->flags & GX_FRAME_RUNTIME);
	gx_store_close(s);
	gx_diag_clear(&d);
	free(text);

	/* the global deadlock flag, minutes, locked, leaked */
	text = xstrdup("fatal error: all goroutines are asleep - deadlock!\n\n"
	               "goroutine 1 [chan receive, 3 minutes, locked to thread]:\n"
	               "main.main()\n\t/app/main.go:8 +0x2d\n\n"
	               "goroutine 7 [chan send (leaked)]:\n"
	               "main.f(...)\n\t/app/main.go:12\n"
	               "...additional frames elided...\n"
	               "created by main.main in goroutine 1\n\t/app/main.go:7 +0x25\n\n"
	               "goroutine 7 [running]:\n");
	s = load_store(text, strlen(text), &d, &rc);
	assert_int_equal(rc, 0);
	m = gx_store_meta(s);
	assert_true(m->flags & GX_META_GLOBAL_DEADLOCK);
	assert_string_equal(sstr(s, m->preamble), "fatal error: all goroutines are asleep - deadlock!\n");
	assert_int_equal(m->trailer, 0);
	assert_int_equal(gx_store_goroutine_count(s), 2);
	assert_diag(&d, "mem.txt:14: note: goroutine 7 appears again; its first block is kept");
	g = gx_store_goroutine(s, gx_store_find_goroutine(s, 1));
	assert_int_equal(g->wait_ns, 3 * 60000000000LL);
	assert_true(g->flags & GX_G_WAIT_APPROX);
	assert_true(g->flags & GX_G_LOCKED);
	g = gx_store_goroutine(s, gx_store_find_goroutine(s, 7));
	assert_string_equal(sstr(s, g->reason), "chan send");
	assert_true(g->flags & GX_G_LEAKED);
	assert_int_equal(g->start_func, 0); /* outer frames elided */
	f = gx_store_stack_frame(s, g->stack, 0);
	assert_true(f->flags & GX_FRAME_INLINED);
	f = gx_store_stack_frame(s, g->stack, 1);
	assert_true(f->flags & GX_FRAME_ELIDED);
	gx_store_close(s);
	gx_diag_clear(&d);
	free(text);

	/* nothing usable */
	text = xstrdup("just a log\n");
	s = load_store(text, strlen(text), &d, &rc);
	assert_int_equal(rc, -1);
	assert_null(s);
	assert_diag(&d, "mem.txt: error: no goroutine found");
	gx_diag_clear(&d);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debug2),
		cmocka_unit_test(test_runtime_stack),
		cmocka_unit_test(test_panic),
		cmocka_unit_test(test_deadlock),
		cmocka_unit_test(test_sigquit),
		cmocka_unit_test(test_crash),
		cmocka_unit_test(test_system_panic),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_synctest),
		cmocka_unit_test(test_leaked),
		cmocka_unit_test(test_ancestors),
		cmocka_unit_test(test_unavailable),
		cmocka_unit_test(test_minutes),
		cmocka_unit_test(test_stack_overflow),
		cmocka_unit_test(test_header_forms),
		cmocka_unit_test(test_frame_forms),
		cmocka_unit_test(test_diagnostics_inside),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_no_goroutines),
		cmocka_unit_test(test_binary_noise),
		cmocka_unit_test(test_prefix_kubectl_timestamps),
		cmocka_unit_test(test_prefix_stdlog),
		cmocka_unit_test(test_prefix_kubectl_pod),
		cmocka_unit_test(test_prefix_journald),
		cmocka_unit_test(test_prefix_compose),
		cmocka_unit_test(test_prefix_indent),
		cmocka_unit_test(test_prefix_quote),
		cmocka_unit_test(test_prefix_interleaved),
		cmocka_unit_test(test_prefix_two_shapes),
		cmocka_unit_test(test_logprefix_shapes),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
