/* test_util.h: helpers shared by the cmocka tests (a private temporary
 * directory, a builder's store written and opened, the files under
 * tests/data, a diagnostic looked up by its text), so that each test file
 * does not carry its own copy.
 *
 * Everything is `static inline`: a test includes this after <cmocka.h>
 * and uses only what it needs, and unused inline functions do not warn. */
#ifndef GOTREX_TESTS_TEST_UTIL_H
#define GOTREX_TESTS_TEST_UTIL_H

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gotrex/diag.h"
#include "gotrex/load.h"
#include "gotrex/store.h"
#include "gotrex/util.h"

/* Make a new directory $TMPDIR/gotrex-NAME-XXXXXX (/tmp without TMPDIR)
 * and write its path to dir; 0, or -1 if it cannot be made (for a cmocka
 * setup function to return). */
static inline int
tmpdir_make(char *dir, size_t cap, const char *name)
{
	const char *t = getenv("TMPDIR");

	snprintf(dir, cap, "%s/gotrex-%s-XXXXXX", t != NULL && *t != '\0' ? t : "/tmp", name);
	return mkdtemp(dir) == NULL ? -1 : 0;
}

/* Remove dir and everything under it; rmdir's result. */
static inline int
rm_rf(const char *dir)
{
	DIR *dd = opendir(dir);
	struct dirent *e;

	if (dd != NULL) {
		while ((e = readdir(dd)) != NULL) {
			char *p;
			struct stat st;

			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			p = xasprintf("%s/%s", dir, e->d_name);
			if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
				rm_rf(p);
			else
				unlink(p);
			free(p);
		}
		closedir(dd);
	}
	return rmdir(dir);
}

/* Write b's store to dir/index, free b, and open the index (its file is
 * unlinked at once; the mapping stays). Fails the test if either step
 * fails. */
static inline struct gx_store *
store_finish(struct gx_builder *b, const char *dir)
{
	struct gx_diag d = { 0 };
	struct gx_source_id src;
	struct gx_store *s;
	char *path = xasprintf("%s/index", dir);

	memset(&src, 0, sizeof(src));
	assert_int_equal(gx_builder_write(b, path, &src, "test", &d), 0);
	gx_builder_free(b);
	s = gx_store_open(path, &d);
	if (s == NULL)
		gx_diag_print(&d, stderr);
	assert_non_null(s);
	unlink(path);
	free(path);
	gx_diag_clear(&d);
	return s;
}

/* $top_srcdir/tests/data/SUB/NAME (top_srcdir "." when unset); caller
 * frees. */
static inline char *
data_file_path(const char *sub, const char *name)
{
	const char *top = getenv("top_srcdir");

	return xasprintf("%s/tests/data/%s/%s", top != NULL ? top : ".", sub, name);
}

/* The bytes of tests/data/SUB/NAME as they are on disk, NUL-ended, their
 * count in *len; fails the test if the file cannot be opened. Caller
 * frees. */
static inline char *
data_file_read(const char *sub, const char *name, size_t *len)
{
	char *path = data_file_path(sub, name);
	FILE *f = fopen(path, "rb");
	struct gx_buf b = { 0 };
	char chunk[65536];
	size_t n;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		gx_buf_append(&b, chunk, n);
	fclose(f);
	free(path);
	*len = b.len;
	if (b.data == NULL)
		gx_buf_append(&b, "", 0);
	return gx_buf_take(&b);
}

/* tests/data/SUB/NAME through gx_load, without the index cache. */
static inline struct gx_store *
data_file_load(const char *sub, const char *name, struct gx_diag *d)
{
	struct gx_load_opts o = { .no_cache = true };
	char *path = data_file_path(sub, name);
	struct gx_store *s = gx_load(path, &o, d);

	free(path);
	return s;
}

/* Whether the formatted text of one of d's diagnostics contains needle. */
static inline bool
diag_has(const struct gx_diag *d, const char *needle)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		char *s = gx_diag_format(&d->v[i]);
		bool hit = strstr(s, needle) != NULL;

		free(s);
		if (hit)
			return true;
	}
	return false;
}

#endif
