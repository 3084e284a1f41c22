/* export_test: the three export formats on stores made through the
 * builder (header modifiers, labels, elided/inlined/cgo frames, created
 * by, hostile names), and the atomic file writer. */
#include "config.h"

#include <dirent.h>
#include <limits.h>
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
#include "gotrex/export.h"
#include "gotrex/store.h"
#include "gotrex/util.h"

#include "test_util.h"

static char tmpdir[PATH_MAX];
static struct gx_store *st;

static uint32_t
frame(struct gx_builder *b, const char *func, const char *file, uint32_t line,
      const char *args, uint32_t offset, uint32_t flags)
{
	struct gx_frame_rec f;

	memset(&f, 0, sizeof(f));
	f.func = gx_builder_cstr(b, func);
	f.file = file ? gx_builder_cstr(b, file) : 0;
	f.line = line;
	f.flags = flags;
	f.args = args ? gx_builder_cstr(b, args) : 0;
	f.offset = offset;
	return gx_builder_frame(b, &f);
}

static void
add_g(struct gx_builder *b, uint64_t id, enum gx_gstate state, const char *reason,
      gx_stack stack, gx_stack create, uint64_t creator, int64_t wait_ns, uint8_t flags,
      const char *labels, uint32_t count)
{
	struct gx_goroutine_rec g;

	memset(&g, 0, sizeof(g));
	g.id = id;
	g.creator_id = creator;
	g.created_ns = GX_TIME_NONE;
	g.ended_ns = GX_TIME_NONE;
	g.wait_since_ns = GX_TIME_NONE;
	g.wait_ns = wait_ns;
	g.stack = stack;
	g.create_stack = create;
	g.reason = reason ? gx_builder_cstr(b, reason) : 0;
	g.labels = labels ? gx_builder_cstr(b, labels) : 0;
	g.count = count;
	g.state = (uint8_t)state;
	g.flags = flags;
	gx_builder_goroutine(b, &g);
}

static int
setup(void **state)
{
	struct gx_builder *b;
	uint32_t fr[8], c;

	(void)state;
	if (tmpdir_make(tmpdir, sizeof(tmpdir), "export-test") != 0)
		return -1;
	b = gx_builder_new(tmpdir);
	gx_builder_meta(b)->format = GX_FMT_DUMP_TEXT;
	/* 42: everything a header can carry, and every kind of frame. */
	fr[0] = frame(b, "main.worker", "/app/main.go", 42, "(0xc000010000, 0x1)", 0x2c, 0);
	fr[1] = frame(b, "...10 frames elided...", NULL, 0, NULL, 0, GX_FRAME_ELIDED);
	fr[2] = frame(b, "main.inl", "/app/inl.go", 7, "(...)", 0, GX_FRAME_INLINED);
	fr[3] = frame(b, "non-Go function at pc=0x1234", NULL, 0, NULL, 0, 0);
	fr[4] = frame(b, "main.main", "/app/main.go", 20, "()", 0x34, 0);
	c = frame(b, "main.spawn", "/app/main.go", 30, NULL, 0x80, GX_FRAME_CREATED_BY);
	add_g(b, 42, GX_G_WAITING, "chan receive", gx_builder_stack(b, fr, 5),
	      gx_builder_stack(b, &c, 1), 7, 5 * 60000000000LL,
	      GX_G_WAIT_APPROX | GX_G_LOCKED | GX_G_LEAKED,
	      "{job: ingest, \"tenant\": \"a b\", \"k\\\"q\": \"\\u00e9\"}", 1);
	/* 3: a trace goroutine: no arguments, no offsets, no reason text,
	 * exact wait; the same stack twice (3 and 4) for folding. */
	fr[0] = frame(b, "main.f", "/app/f.go", 3, NULL, 0, 0);
	fr[1] = frame(b, "main.g;odd", "/app/g.go", 9, NULL, 0, 0);
	add_g(b, 3, GX_G_WAITING, NULL, gx_builder_stack(b, fr, 2), 0, 0, 61000000000LL, 0, NULL, 1);
	add_g(b, 4, GX_G_RUNNING, NULL, gx_builder_stack(b, fr, 2), 0, 0, 0, 0, NULL, 3);
	/* 5: hostile names; a created-by frame kept inside the stack. */
	fr[0] = frame(b, "evil\nfunc\x1b[31m", "/app/\x07.go", 1, "(\")", 0, 0);
	fr[1] = frame(b, "main.h", "/app/h.go", 2, NULL, 0, GX_FRAME_CREATED_BY);
	add_g(b, 5, GX_G_SYSCALL, "syscall", gx_builder_stack(b, fr, 2), 0, 0, 0, 0, NULL, 1);
	/* 6: no stack at all. */
	add_g(b, 6, GX_G_RUNNABLE, "runnable", 0, 0, 0, 0, 0, NULL, 1);
	st = store_finish(b, tmpdir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	gx_store_close(st);
	rm_rf(tmpdir);
	return 0;
}

/* Export goroutine ids (in that order) in fmt; caller frees. */
static char *
export_ids(enum gx_export_format fmt, const uint64_t *ids, size_t n, unsigned flags)
{
	uint32_t gs[16];
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	for (i = 0; i < n; i++) {
		gs[i] = ids[i] == 0 ? 999999 : gx_store_find_goroutine(st, ids[i]);
	}
	assert_int_equal(gx_export(f, st, gs, n, fmt, flags), 0);
	fclose(f);
	return buf;
}

static void
test_text(void **state)
{
	static const uint64_t ids[] = { 42, 3, 0 /* out of range: skipped */, 4, 5, 6 };
	char *s = export_ids(GX_EXPORT_TEXT, ids, GX_ARRAY_SIZE(ids), 0);

	(void)state;
	assert_string_equal(s,
		"goroutine 42 [chan receive (leaked), 5 minutes, locked to thread "
		"labels:{\"job\": \"ingest\", \"tenant\": \"a b\", \"k\\\"q\": \"\\u00e9\"}]:\n"
		"main.worker(0xc000010000, 0x1)\n"
		"\t/app/main.go:42 +0x2c\n"
		"...10 frames elided...\n"
		"main.inl(...)\n"
		"\t/app/inl.go:7\n"
		"non-Go function at pc=0x1234\n"
		"main.main()\n"
		"\t/app/main.go:20 +0x34\n"
		"created by main.spawn in goroutine 7\n"
		"\t/app/main.go:30 +0x80\n"
		"\n"
		"goroutine 3 [waiting, 1 minutes]:\n"
		"main.f(...)\n"
		"\t/app/f.go:3\n"
		"main.g;odd(...)\n"
		"\t/app/g.go:9\n"
		"\n"
		"goroutine 4 [running]:\n"
		"main.f(...)\n"
		"\t/app/f.go:3\n"
		"main.g;odd(...)\n"
		"\t/app/g.go:9\n"
		"\n"
		"goroutine 5 [syscall]:\n"
		"evil\\x0afunc\\x1b[31m(\")\n"
		"\t/app/\\x07.go:1\n"
		"created by main.h\n"
		"\t/app/h.go:2\n"
		"\n"
		"goroutine 6 [runnable]:\n");
	free(s);
	/* With GX_EXPORT_NO_LABELS the labels are left out. */
	s = export_ids(GX_EXPORT_TEXT, ids, 1, GX_EXPORT_NO_LABELS);
	assert_string_equal(s,
		"goroutine 42 [chan receive (leaked), 5 minutes, locked to thread]:\n"
		"main.worker(0xc000010000, 0x1)\n"
		"\t/app/main.go:42 +0x2c\n"
		"...10 frames elided...\n"
		"main.inl(...)\n"
		"\t/app/inl.go:7\n"
		"non-Go function at pc=0x1234\n"
		"main.main()\n"
		"\t/app/main.go:20 +0x34\n"
		"created by main.spawn in goroutine 7\n"
		"\t/app/main.go:30 +0x80\n");
	free(s);
}

static void
test_folded(void **state)
{
	static const uint64_t ids[] = { 42, 3, 4, 5, 6 };
	char *s = export_ids(GX_EXPORT_FOLDED, ids, GX_ARRAY_SIZE(ids), 0);

	(void)state;
	/* Sorted; 3 and 4 folded (4 stands for 3 goroutines); ';' in a
	 * name becomes ':'; created-by frames are not part of the stack. */
	assert_string_equal(s,
		"[no stack] 1\n"
		"evil\\x0afunc\\x1b[31m 1\n"
		"main.g:odd;main.f 4\n"
		"main.main;non-Go function at pc=0x1234;main.inl;...;main.worker 1\n");
	free(s);
}

static void
test_json(void **state)
{
	static const uint64_t ids[] = { 42, 5 };
	char *s = export_ids(GX_EXPORT_JSON, ids, GX_ARRAY_SIZE(ids), 0);
	struct gx_buf b = { 0 };

	(void)state;
	assert_non_null(strstr(s, "[\n{\"id\": 42, \"state\": \"waiting\", \"reason\": \"chan receive\", "
	                          "\"wait_ns\": 300000000000, \"wait_approx\": true, \"locked\": true, "
	                          "\"labels\": {\"job\": \"ingest\", \"tenant\": \"a b\", \"k\\\"q\": \"\xc3\xa9\"}, "
	                          "\"top_frame\": {\"func\": \"main.worker\", \"file\": \"/app/main.go\", \"line\": 42}, "
	                          "\"created_by\": {\"func\": \"main.spawn\", \"file\": \"/app/main.go\", \"line\": 30, \"goroutine\": 7}, "
	                          "\"stack\": [{\"func\": \"main.worker\", \"file\": \"/app/main.go\", \"line\": 42, "
	                          "\"args\": \"(0xc000010000, 0x1)\", \"offset\": 44}, "));
	assert_non_null(strstr(s, "\"elided\": true"));
	assert_non_null(strstr(s, "\"func\": \"evil\\nfunc\\u001b[31m\""));
	assert_non_null(strstr(s, "\"created_by\": {\"func\": \"main.h\", \"file\": \"/app/h.go\", \"line\": 2, \"goroutine\": null}"));
	assert_int_equal(s[strlen(s) - 2], ']');
	/* Without the stack, for `query --json`. */
	gx_export_json_goroutine(&b, st, gx_store_find_goroutine(st, 6), false);
	assert_string_equal(b.data, "{\"id\": 6, \"state\": \"runnable\", \"reason\": \"runnable\", "
	                            "\"wait_ns\": 0, \"wait_approx\": false, \"locked\": false, "
	                            "\"labels\": null, \"top_frame\": null, \"created_by\": null}");
	gx_buf_free(&b);
	free(s);
	s = export_ids(GX_EXPORT_JSON, ids, 0, 0);
	assert_string_equal(s, "[]\n");
	free(s);
}

static void
test_format_names(void **state)
{
	enum gx_export_format f;

	(void)state;
	assert_true(gx_export_format_from_name("text", &f));
	assert_int_equal(f, GX_EXPORT_TEXT);
	assert_true(gx_export_format_from_name("folded", &f));
	assert_int_equal(f, GX_EXPORT_FOLDED);
	assert_true(gx_export_format_from_name("json", &f));
	assert_int_equal(f, GX_EXPORT_JSON);
	assert_false(gx_export_format_from_name("yaml", &f));
}

static size_t
dir_entries(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' || (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0))
			n++;
	closedir(d);
	return n;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = xcalloc(1, 256);
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, 255, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
test_atomic_file(void **state)
{
	struct gx_export_file ef;
	struct gx_diag d = { 0 };
	char *path = xasprintf("%s/out.txt", tmpdir), *s, *msg;

	(void)state;
	/* A new file. */
	assert_int_equal(gx_export_file_open(&ef, path, false, &d), 0);
	assert_int_equal(dir_entries(), 1); /* the temporary file */
	fputs("one\n", ef.f);
	assert_int_equal(gx_export_file_commit(&ef, &d), 0);
	assert_int_equal(dir_entries(), 1);
	s = slurp(path);
	assert_string_equal(s, "one\n");
	free(s);
	/* An existing one is kept without force, with an error naming it. */
	assert_int_equal(gx_export_file_open(&ef, path, false, &d), -1);
	assert_int_equal(d.errors, 1);
	msg = gx_diag_format(&d.v[0]);
	assert_non_null(strstr(msg, "out.txt"));
	assert_non_null(strstr(msg, "file exists (use --force to replace it)"));
	free(msg);
	gx_diag_clear(&d);
	/* ...even when it appears while we write. */
	unlink(path);
	assert_int_equal(gx_export_file_open(&ef, path, false, &d), 0);
	fputs("two\n", ef.f);
	{
		FILE *f = fopen(path, "w");

		fputs("theirs\n", f);
		fclose(f);
	}
	assert_int_equal(gx_export_file_commit(&ef, &d), -1);
	assert_int_equal(d.errors, 1);
	gx_diag_clear(&d);
	s = slurp(path);
	assert_string_equal(s, "theirs\n");
	free(s);
	assert_int_equal(dir_entries(), 1);
	/* With force it is replaced. */
	assert_int_equal(gx_export_file_open(&ef, path, true, &d), 0);
	fputs("three\n", ef.f);
	assert_int_equal(gx_export_file_commit(&ef, &d), 0);
	s = slurp(path);
	assert_string_equal(s, "three\n");
	free(s);
	/* Abort leaves nothing behind. */
	assert_int_equal(gx_export_file_open(&ef, path, true, &d), 0);
	fputs("four\n", ef.f);
	gx_export_file_abort(&ef);
	assert_int_equal(dir_entries(), 1);
	s = slurp(path);
	assert_string_equal(s, "three\n");
	free(s);
	/* A directory that does not exist. */
	free(path);
	path = xasprintf("%s/no/such/dir/x.txt", tmpdir);
	assert_int_equal(gx_export_file_open(&ef, path, false, &d), -1);
	msg = gx_diag_format(&d.v[0]);
	assert_non_null(strstr(msg, "no/such/dir/x.txt"));
	free(msg);
	gx_diag_clear(&d);
	free(path);
	path = xasprintf("%s/out.txt", tmpdir);
	unlink(path);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_folded),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_format_names),
		cmocka_unit_test(test_atomic_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
