/* Unit tests of gx_load: the index cache (reuse when fresh, rebuild when
 * the source, the loader or the store version changes, or the index is
 * damaged), private indexes (no_cache, stdin, unwritable cache), warnings
 * kept in the index, and the errors for unknown and unsupported inputs.
 * A small loader registered through gx_load_set_loader stands in for the
 * real ones and counts its calls. */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "gotrex/diag.h"
#include "gotrex/input.h"
#include "gotrex/load.h"
#include "gotrex/store.h"
#include "gotrex/util.h"

#include "test_util.h"

static char tmpdir[PATH_MAX];
static char *cache;
static char *src;
static int calls;

/* Test loader: one goroutine per "goroutine N [" line, and a warning for
 * every line starting with "warn". */
static int
fake_loader(struct gx_input *in, struct gx_builder *b, struct gx_diag *d)
{
	const char *line;
	ssize_t n;
	uint64_t lineno = 0;
	int found = 0;

	calls++;
	while ((n = gx_input_getline(in, &line, d)) >= 0) {
		unsigned long long id;

		lineno++;
		if (sscanf(line, "goroutine %llu [", &id) == 1) {
			struct gx_goroutine_rec g;

			memset(&g, 0, sizeof(g));
			g.id = id;
			g.count = 1;
			g.source_line = (uint32_t)lineno;
			g.state = GX_G_WAITING;
			g.reason = gx_builder_cstr(b, "chan receive");
			gx_builder_goroutine(b, &g);
			found++;
		} else if (strncmp(line, "warn", 4) == 0) {
			gx_diag_add(d, GX_WARNING, gx_input_name(in), lineno, GX_NOWHERE,
			            "odd line here");
		}
	}
	if (found == 0) {
		gx_diag_add(d, GX_ERROR, gx_input_name(in), GX_NOWHERE, GX_NOWHERE,
		            "no goroutines found");
		return -1;
	}
	return 0;
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static size_t
count_dir(const char *dir)
{
	DIR *dd = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (dd == NULL)
		return 0;
	while ((e = readdir(dd)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(dd);
	return n;
}

static int
setup(void **state)
{
	(void)state;
	if (tmpdir_make(tmpdir, sizeof(tmpdir), "load-test") != 0)
		return -1;
	cache = xasprintf("%s/cache/gotrex", tmpdir);
	src = xasprintf("%s/dump.txt", tmpdir);
	gx_load_set_loader(GX_FMT_DUMP_TEXT, fake_loader);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	rm_rf(tmpdir);
	free(cache);
	free(src);
	return 0;
}

static struct gx_store *
load(const struct gx_load_opts *o, struct gx_load_info *info, struct gx_diag *d)
{
	struct gx_load_opts def;

	if (o == NULL) {
		memset(&def, 0, sizeof(def));
		def.cache_dir = cache;
		o = &def;
	}
	return gx_load_ex(src, o, info, d);
}

static void
test_cache_reuse_and_staleness(void **state)
{
	struct gx_diag d = {0};
	struct gx_load_info info;
	struct gx_store *s;
	struct stat st;
	char *idx;

	(void)state;
	write_text(src, "goroutine 1 [chan receive]:\nwarn me\ngoroutine 5 [select]:\n");
	calls = 0;

	/* First load builds the index, in a new 0700 cache directory. */
	s = load(NULL, &info, &d);
	assert_non_null(s);
	assert_int_equal(calls, 1);
	assert_false(info.reused);
	assert_true(info.cached);
	assert_int_equal(info.format, GX_FMT_DUMP_TEXT);
	assert_non_null(info.index_path);
	assert_int_equal(strncmp(info.index_path, cache, strlen(cache)), 0);
	assert_int_equal(stat(cache, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(info.index_path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	idx = xstrdup(info.index_path);
	gx_load_info_free(&info);
	assert_int_equal(gx_store_goroutine_count(s), 2);
	assert_int_equal(gx_store_meta(s)->format, GX_FMT_DUMP_TEXT);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.v[0].line, 2);
	assert_string_equal(d.v[0].message, "odd line here");
	gx_diag_clear(&d);
	gx_store_close(s);
	assert_int_equal(count_dir(cache), 1);

	/* Unchanged: reused, the loader is not called, the warning is back. */
	s = load(NULL, &info, &d);
	assert_non_null(s);
	assert_int_equal(calls, 1);
	assert_true(info.reused);
	assert_string_equal(info.index_path, idx);
	gx_load_info_free(&info);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].severity, GX_WARNING);
	assert_int_equal(d.v[0].line, 2);
	assert_string_equal(d.v[0].source, src);
	assert_string_equal(d.v[0].message, "odd line here");
	assert_int_equal(gx_store_goroutine_count(s), 2);
	gx_diag_clear(&d);
	gx_store_close(s);

	/* Changed content: rebuilt into the same index path. */
	write_text(src, "goroutine 1 [chan receive]:\ngoroutine 5 [select]:\ngoroutine 9 [IO wait]:\n");
	s = load(NULL, &info, &d);
	assert_non_null(s);
	assert_int_equal(calls, 2);
	assert_false(info.reused);
	assert_string_equal(info.index_path, idx);
	gx_load_info_free(&info);
	assert_int_equal(gx_store_goroutine_count(s), 3);
	assert_int_equal(d.n, 0);
	gx_store_close(s);
	assert_int_equal(count_dir(cache), 1);

	/* Only the mtime changes: rebuilt. */
	{
		struct timespec ts[2] = { { 1000000, 0 }, { 1000000, 0 } };

		assert_int_equal(utimensat(AT_FDCWD, src, ts, 0), 0);
	}
	s = load(NULL, &info, &d);
	assert_int_equal(calls, 3);
	gx_load_info_free(&info);
	gx_store_close(s);
	s = load(NULL, &info, &d);
	assert_int_equal(calls, 3);
	assert_true(info.reused);
	gx_load_info_free(&info);
	gx_store_close(s);

	/* force_rebuild. */
	{
		struct gx_load_opts o = { .cache_dir = cache, .force_rebuild = true };

		s = load(&o, &info, &d);
		assert_non_null(s);
		assert_int_equal(calls, 4);
		assert_false(info.reused);
		gx_load_info_free(&info);
		gx_store_close(s);
	}
	assert_int_equal(d.n, 0);
	free(idx);
}

static void
test_damaged_index_rebuilt(void **state)
{
	struct gx_diag d = {0};
	struct gx_load_info info;
	struct gx_store *s;
	char *idx;
	struct stat st;
	int cut;

	(void)state;
	write_text(src, "goroutine 3 [running]:\n");
	calls = 0;
	s = load(NULL, &info, &d);
	assert_non_null(s);
	idx = xstrdup(info.index_path);
	gx_load_info_free(&info);
	gx_store_close(s);
	assert_int_equal(stat(idx, &st), 0);

	/* Truncated at a few points, and with a wrong version. */
	for (cut = 0; cut < 4; cut++) {
		if (cut < 3) {
			assert_int_equal(truncate(idx, (off_t)(st.st_size * cut / 3)), 0);
		} else {
			int fd = open(idx, O_WRONLY);
			uint32_t v = GX_STORE_VERSION + 7;

			assert_true(fd >= 0);
			assert_int_equal(pwrite(fd, &v, 4, 8), 4);
			close(fd);
		}
		s = load(NULL, &info, &d);
		assert_non_null(s);
		assert_int_equal(calls, 2 + cut);
		assert_false(info.reused);
		gx_load_info_free(&info);
		assert_int_equal(gx_store_goroutine_count(s), 1);
		assert_int_equal(gx_store_goroutine(s, 0)->id, 3);
		/* a note says why it was rebuilt */
		assert_int_equal(d.n, 1);
		assert_int_equal(d.v[0].severity, GX_NOTE);
		assert_non_null(strstr(d.v[0].message, "rebuilding the cached index"));
		gx_diag_clear(&d);
		gx_store_close(s);
	}
	free(idx);
}

static void
test_private_indexes(void **state)
{
	struct gx_diag d = {0};
	struct gx_load_info info;
	struct gx_store *s;
	size_t before;

	(void)state;
	write_text(src, "goroutine 11 [sleep]:\n");
	calls = 0;
	/* no_cache: nothing is left in the cache directory. */
	{
		struct gx_load_opts o = { .cache_dir = cache, .no_cache = true };

		(void)count_dir(cache);
		before = count_dir(cache);
		s = load(&o, &info, &d);
		assert_non_null(s);
		assert_int_equal(calls, 1);
		assert_false(info.cached);
		assert_null(info.index_path);
		assert_int_equal(count_dir(cache), before);
		assert_int_equal(gx_store_goroutine(s, 0)->id, 11);
		gx_store_close(s);
	}
	/* A cache directory that cannot be created: a warning, and a private
	 * index in $TMPDIR. */
	{
		struct gx_load_opts o = { .cache_dir = "/proc/gotrex-cannot-exist/cache" };

		s = load(&o, &info, &d);
		assert_non_null(s);
		assert_int_equal(calls, 2);
		assert_false(info.cached);
		assert_int_equal(d.n, 1);
		assert_int_equal(d.v[0].severity, GX_WARNING);
		assert_non_null(strstr(d.v[0].message, "cannot use the cache directory"));
		gx_diag_clear(&d);
		gx_store_close(s);
	}
	/* stdin: read through "-", never cached. */
	{
		int saved = dup(0), fd = open(src, O_RDONLY);

		assert_true(saved >= 0 && fd >= 0);
		assert_int_equal(dup2(fd, 0), 0);
		close(fd);
		before = count_dir(cache);
		s = gx_load_ex("-", &(struct gx_load_opts){ .cache_dir = cache }, &info, &d);
		assert_int_equal(dup2(saved, 0), 0);
		close(saved);
		assert_non_null(s);
		assert_false(info.cached);
		assert_int_equal(calls, 3);
		assert_int_equal(count_dir(cache), before);
		assert_int_equal(gx_store_goroutine_count(s), 1);
		gx_store_close(s);
	}
	assert_int_equal(d.n, 0);
}

static void
test_errors(void **state)
{
	struct gx_diag d = {0};
	struct gx_load_opts o = { .cache_dir = cache };
	char *msg, *want;
	struct gx_store *s;
	struct stat before, after;

	(void)state;
	/* Unknown format: says what was expected. */
	{
		FILE *f = fopen(src, "wb");

		fwrite("\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0", 1, 16, f);
		fclose(f);
	}
	assert_null(load(&o, NULL, &d));
	assert_int_equal(d.errors, 1);
	msg = gx_diag_format(&d.v[0]);
	want = xasprintf("%s: error: not a Go execution trace or goroutine dump (expected a "
	                 "'go 1.NN trace' header, goroutine dump text, or a pprof profile)", src);
	assert_string_equal(msg, want);
	free(msg);
	free(want);
	gx_diag_clear(&d);

	/* Every format has a loader now: a Go 1.11 trace cut after one byte
	 * loads (there is nothing in it) with a warning at that byte. */
	{
		FILE *f = fopen(src, "wb");
		struct gx_store *v1;

		fwrite("go 1.11 trace\0\0\0\x01", 1, 17, f);
		fclose(f);
		gx_load_set_loader(GX_FMT_TRACE_V1, NULL);
		v1 = load(&o, NULL, &d);
		assert_non_null(v1);
		assert_int_equal(d.errors, 0);
		assert_true(d.n >= 1);
		assert_true(d.v[0].offset == 16);
		gx_store_close(v1);
	}
	gx_diag_clear(&d);

	/* The loader fails: its error comes through, no index is left. */
	write_text(src, "no dump here\n");
	calls = 0;
	assert_int_equal(stat(src, &before), 0);
	{
		size_t n0 = count_dir(cache);

		s = load(&o, NULL, &d);
		assert_null(s);
		assert_int_equal(calls, 1);
		assert_int_equal(count_dir(cache), n0);
	}
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.v[0].message, "no goroutines found");
	gx_diag_clear(&d);
	/* We never write to the input. */
	assert_int_equal(stat(src, &after), 0);
	assert_int_equal(before.st_size, after.st_size);
	assert_int_equal(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
	assert_int_equal(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);

	/* A missing file. */
	assert_null(gx_load("/nonexistent/gotrex.txt", &o, &d));
	assert_int_equal(d.errors, 1);
	gx_diag_clear(&d);
}

/* The cache stays under GOTREX_CACHE_MAX: building a new index removes the
 * least recently used ones (a reused index counts as used), never the one
 * just built. */
static void
test_cache_trimmed(void **state)
{
	struct gx_diag d = {0};
	struct gx_load_info info;
	struct gx_store *s;
	char *first, *other = xasprintf("%s/other.txt", tmpdir);
	struct gx_load_opts o;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.cache_dir = cache;
	rm_rf(cache);
	write_text(src, "goroutine 1 [chan receive]:\n");
	write_text(other, "goroutine 2 [select]:\n");

	/* A roomy cache keeps both. */
	setenv("GOTREX_CACHE_MAX", "1G", 1);
	s = gx_load_ex(src, &o, &info, &d);
	assert_non_null(s);
	first = xstrdup(info.index_path);
	gx_load_info_free(&info);
	gx_store_close(s);
	s = gx_load_ex(other, &o, &info, &d);
	assert_non_null(s);
	gx_load_info_free(&info);
	gx_store_close(s);
	assert_int_equal(count_dir(cache), 2);

	/* A cache of one byte: each new index pushes the others out. */
	setenv("GOTREX_CACHE_MAX", "1", 1);
	write_text(other, "goroutine 2 [select]:\ngoroutine 3 [select]:\n");
	s = gx_load_ex(other, &o, &info, &d);
	assert_non_null(s);
	assert_false(info.reused);
	assert_true(info.cached);
	assert_int_equal(access(info.index_path, F_OK), 0); /* the new one stays */
	assert_int_not_equal(access(first, F_OK), 0);       /* the old one went */
	assert_int_equal(count_dir(cache), 1);
	assert_int_equal(gx_store_goroutine_count(s), 2);
	gx_load_info_free(&info);
	gx_store_close(s);
	assert_int_equal(d.errors, 0);

	unsetenv("GOTREX_CACHE_MAX");
	gx_diag_clear(&d);
	free(first);
	free(other);
}

static void
test_cache_dir_default(void **state)
{
	char *dir;
	char *old_xdg = getenv("XDG_CACHE_HOME") ? xstrdup(getenv("XDG_CACHE_HOME")) : NULL;
	char *old_home = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;

	(void)state;
	setenv("XDG_CACHE_HOME", "/x/cache", 1);
	dir = gx_load_cache_dir(NULL);
	assert_string_equal(dir, "/x/cache/gotrex");
	free(dir);
	/* A relative XDG_CACHE_HOME is ignored, as the spec says. */
	setenv("XDG_CACHE_HOME", "rel", 1);
	setenv("HOME", "/home/u", 1);
	dir = gx_load_cache_dir(NULL);
	assert_string_equal(dir, "/home/u/.cache/gotrex");
	free(dir);
	unsetenv("XDG_CACHE_HOME");
	dir = gx_load_cache_dir(&(struct gx_load_opts){ .cache_dir = "/c" });
	assert_string_equal(dir, "/c");
	free(dir);
	if (old_xdg != NULL)
		setenv("XDG_CACHE_HOME", old_xdg, 1);
	if (old_home != NULL)
		setenv("HOME", old_home, 1);
	free(old_xdg);
	free(old_home);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_reuse_and_staleness),
		cmocka_unit_test(test_damaged_index_rebuilt),
		cmocka_unit_test(test_private_indexes),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_cache_trimmed),
		cmocka_unit_test(test_cache_dir_default),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
