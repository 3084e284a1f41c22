/* load: from a path to a mapped store, through the index cache.
 *
 * The cache key is the input's absolute path, device and inode; an index
 * is reused when the source identity recorded in it (size, mtime, head and
 * tail hash), its loader and its store version match; otherwise it is
 * rebuilt. stdin, --no-cache and an unwritable cache give a private index:
 * built into a temporary file, mapped, and unlinked at once. */
#include "config.h"

#include "gotrex/load.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gotrex/dump.h"
#include "gotrex/dump_agg.h"
#include "gotrex/pprof.h"
#include "gotrex/trace_model.h"
#include "gotrex/util.h"
#include "store_file.h"

/* Bump a loader's version when what it writes into the store changes
 * without a store format change: its cached indexes are rebuilt. */
struct loader_entry {
	enum gx_format fmt;
	const char *name;
	int version;
	gx_loader_fn fn;
};

static struct loader_entry loaders[] = {
	{ GX_FMT_TRACE_V2, "trace-v2", 1, gx_trace_load },
	{ GX_FMT_TRACE_V1, "trace-v1", 1, gx_trace_load },
	{ GX_FMT_DUMP_TEXT, "dump", 1, gx_dump_load },
	{ GX_FMT_PPROF_DEBUG1, "pprof-debug1", 1, gx_agg_load },
	{ GX_FMT_PPROF_PROTO, "pprof-proto", 1, gx_pprof_load },
};

static gx_loader_fn test_loaders[GX_FMT_PPROF_PROTO + 1];

void
gx_load_set_loader(enum gx_format f, gx_loader_fn fn)
{
	if ((size_t)f < GX_ARRAY_SIZE(test_loaders))
		test_loaders[f] = fn;
}

static const struct loader_entry *
find_loader(enum gx_format f)
{
	size_t i;

	for (i = 0; i < GX_ARRAY_SIZE(loaders); i++)
		if (loaders[i].fmt == f)
			return &loaders[i];
	return NULL;
}

/* What a user would call each format, for "cannot read X yet". */
static const char *
format_desc(enum gx_format f)
{
	switch (f) {
	case GX_FMT_TRACE_V2:
		return "Go 1.22+ execution trace";
	case GX_FMT_TRACE_V1:
		return "Go 1.21-or-older execution trace";
	case GX_FMT_DUMP_TEXT:
		return "goroutine dump";
	case GX_FMT_PPROF_DEBUG1:
		return "debug=1 pprof profile text";
	case GX_FMT_PPROF_PROTO:
		return "pprof protobuf profile";
	case GX_FMT_UNKNOWN:
		break;
	}
	return "unknown input";
}

/* A stamp of the running executable, so that indexes built by another
 * build of gotrex (whose loaders may differ) are rebuilt. */
static uint64_t
exe_stamp(void)
{
	static uint64_t stamp;
	static bool done;
	struct stat st;

	if (!done) {
		done = true;
		if (stat("/proc/self/exe", &st) == 0) {
			int64_t m = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;

			stamp = gx_hash64(&m, sizeof(m), GX_HASH_SEED);
			stamp = gx_hash64(&st.st_size, sizeof(st.st_size), stamp);
			stamp = gx_hash64(&st.st_ino, sizeof(st.st_ino), stamp);
		}
	}
	return stamp;
}

static char *
loader_name(const struct loader_entry *le, bool test)
{
	if (test)
		return xasprintf("test:%s", le->name);
	return xasprintf("%s/%d gotrex-%s %08llx", le->name, le->version, PACKAGE_VERSION,
	                 (unsigned long long)(exe_stamp() & 0xffffffffu));
}

char *
gx_load_cache_dir(const struct gx_load_opts *o)
{
	const char *x = getenv("XDG_CACHE_HOME");
	const char *home;

	if (o != NULL && o->cache_dir != NULL)
		return xstrdup(o->cache_dir);
	if (x != NULL && x[0] == '/')
		return xasprintf("%s/gotrex", x);
	home = getenv("HOME");
	if (home == NULL || home[0] == '\0') {
		struct passwd *pw = getpwuid(getuid());

		home = pw != NULL ? pw->pw_dir : NULL;
	}
	if (home == NULL || home[0] == '\0')
		return NULL;
	return xasprintf("%s/.cache/gotrex", home);
}

/* mkdir -p with mode 0700 for what we create. Returns 0 or an errno. */
static int
make_dirs(const char *dir)
{
	char *p = xstrdup(dir), *s;
	struct stat st;
	int e = 0;

	for (s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0700) != 0 && errno != EEXIST) {
				e = errno;
				break;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	if (e == 0 && (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)))
		e = errno != 0 ? errno : ENOTDIR;
	if (e == 0 && access(dir, W_OK | X_OK) != 0)
		e = errno;
	free(p);
	return e;
}

static char *
index_path(const char *dir, const char *path, const struct gx_source_id *id)
{
	char *abs = realpath(path, NULL);
	const char *key = abs != NULL ? abs : path;
	uint64_t h = gx_hash64(key, strlen(key), GX_HASH_SEED);
	char *r;

	h = gx_hash64(&id->dev, sizeof(id->dev), h);
	h = gx_hash64(&id->ino, sizeof(id->ino), h);
	r = xasprintf("%s/%016llx.gxi", dir, (unsigned long long)h);
	free(abs);
	return r;
}

/* The cache's size limit: GOTREX_CACHE_MAX in bytes, with an optional
 * K, M or G suffix; 8 GiB by default. An index can be several times the
 * size of its trace, so without a limit the cache only grows. */
static uint64_t
cache_limit(void)
{
	const char *v = getenv("GOTREX_CACHE_MAX");
	char *end;
	unsigned long long n;

	if (v == NULL || *v == '\0')
		return UINT64_C(8) << 30;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0 || end == v)
		return UINT64_C(8) << 30;
	switch (*end) {
	case 'k': case 'K': n = n > (ULLONG_MAX >> 10) ? ULLONG_MAX : n << 10; break;
	case 'm': case 'M': n = n > (ULLONG_MAX >> 20) ? ULLONG_MAX : n << 20; break;
	case 'g': case 'G': n = n > (ULLONG_MAX >> 30) ? ULLONG_MAX : n << 30; break;
	default: break;
	}
	return n;
}

/* A cache entry's name: 16 hex digits and ".gxi", nothing else is ours. */
static bool
is_index_name(const char *n)
{
	size_t i;

	for (i = 0; i < 16; i++)
		if (gx_hexval(n[i]) < 0)
			return false;
	return strcmp(n + 16, ".gxi") == 0;
}

struct cache_entry {
	char *path;
	int64_t mtime_ns;
	uint64_t size;
};

static int
cmp_oldest_first(const void *pa, const void *pb)
{
	const struct cache_entry *a = pa, *b = pb;

	return a->mtime_ns < b->mtime_ns ? -1 : a->mtime_ns > b->mtime_ns;
}

/* Remove the least recently used indexes (an index's mtime is set when it
 * is reused) until the cache is under its limit, never the one just
 * opened. A mapped index stays valid for whoever has it open. */
static void
trim_cache(const char *dir, const char *keep)
{
	DIR *dd = opendir(dir);
	struct dirent *e;
	struct cache_entry *v = NULL;
	size_t n = 0, cap = 0, i;
	uint64_t total = 0, limit = cache_limit();

	if (dd == NULL)
		return;
	while ((e = readdir(dd)) != NULL) {
		struct stat st;
		char *p;

		if (!is_index_name(e->d_name))
			continue;
		p = xasprintf("%s/%s", dir, e->d_name);
		if (lstat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(p);
			continue;
		}
		total += (uint64_t)st.st_size;
		if (strcmp(p, keep) == 0) {
			free(p);
			continue;
		}
		gx_grow(&v, &cap, n + 1, sizeof(*v));
		v[n].path = p;
		v[n].mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
		v[n].size = (uint64_t)st.st_size;
		n++;
	}
	closedir(dd);
	if (n > 0)
		qsort(v, n, sizeof(*v), cmp_oldest_first);
	for (i = 0; i < n; i++) {
		if (total > limit && unlink(v[i].path) == 0)
			total -= v[i].size;
		free(v[i].path);
	}
	free(v);
}

static bool
fresh(const struct gx_store *s, const struct gx_source_id *id, const char *loader)
{
	const struct gx_source_id *r = gx_store_source(s);

	return r->size == id->size && r->mtime_ns == id->mtime_ns && r->dev == id->dev &&
	       r->ino == id->ino && r->head_tail_hash == id->head_tail_hash &&
	       strcmp(gx_store_loader(s), loader) == 0;
}

static void
copy_diag(struct gx_diag *to, const struct gx_diag *from)
{
	size_t i;

	for (i = 0; i < from->n; i++) {
		const struct gx_diag_entry *e = &from->v[i];

		gx_diag_add(to, e->severity, e->source, e->line, e->offset, "%s", e->message);
	}
	to->dropped += from->dropped;
}

static void
replay_diags(const struct gx_store *s, struct gx_diag *d)
{
	size_t i, n = gx_store_diag_count(s);

	for (i = 0; i < n; i++) {
		enum gx_severity sev;
		const char *src, *msg;
		uint64_t line, off;

		if (gx_store_diag_entry(s, i, &sev, &src, &line, &off, &msg) == 0)
			gx_diag_add(d, sev, src, line, off, "%s", msg);
	}
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static const char *
tmp_dir(void)
{
	const char *t = getenv("TMPDIR");

	return t != NULL && *t != '\0' ? t : "/tmp";
}

/* Write b to a private index in dir, map it, unlink it. */
static struct gx_store *
private_index(struct gx_builder *b, const char *dir, const struct gx_source_id *id,
              const char *loader, struct gx_diag *d)
{
	char *path = xasprintf("%s/.gotrex-private-XXXXXX", dir);
	struct gx_store *s = NULL;
	int fd = mkstemp(path);

	if (fd < 0) {
		gx_diag_add(d, GX_ERROR, dir, GX_NOWHERE, GX_NOWHERE,
		            "cannot create a temporary index: %s", strerror(errno));
		free(path);
		return NULL;
	}
	close(fd);
	if (gx_builder_write(b, path, id, loader, d) == 0)
		s = gx_store_open(path, d);
	unlink(path);
	free(path);
	return s;
}

void
gx_load_info_free(struct gx_load_info *info)
{
	if (info == NULL)
		return;
	free(info->index_path);
	info->index_path = NULL;
}

struct gx_store *
gx_load_ex(const char *path, const struct gx_load_opts *o, struct gx_load_info *info,
           struct gx_diag *d)
{
	static const struct gx_load_opts no_opts;
	struct gx_load_info dummy;
	const struct loader_entry *le;
	struct gx_source_id id;
	struct gx_input *in;
	struct gx_builder *b = NULL;
	struct gx_store *s = NULL;
	struct gx_diag ld = {0};
	char *dir = NULL, *idx = NULL, *lname = NULL;
	const char *name;
	bool have_id, use_cache, dir_ok = false;
	gx_loader_fn fn;
	enum gx_format fmt;
	double t0;

	if (o == NULL)
		o = &no_opts;
	if (info == NULL)
		info = &dummy;
	memset(info, 0, sizeof(*info));

	in = gx_input_open(path, d);
	if (in == NULL)
		return NULL;
	name = gx_input_name(in);
	fmt = gx_input_format(in);
	info->format = fmt;
	if (fmt == GX_FMT_UNKNOWN) {
		gx_diag_add(d, GX_ERROR, name, GX_NOWHERE, GX_NOWHERE,
		            "not a Go execution trace or goroutine dump (expected a 'go 1.NN trace' "
		            "header, goroutine dump text, or a pprof profile)");
		goto out;
	}
	le = find_loader(fmt);
	fn = (size_t)fmt < GX_ARRAY_SIZE(test_loaders) ? test_loaders[fmt] : NULL;
	if (fn == NULL && le != NULL)
		fn = le->fn;
	if (le == NULL || fn == NULL) {
		gx_diag_add(d, GX_ERROR, name, GX_NOWHERE, GX_NOWHERE,
		            "this looks like a %s, which this gotrex cannot read yet",
		            format_desc(fmt));
		goto out;
	}
	lname = loader_name(le, fn != le->fn);

	have_id = gx_input_identity(in, &id);
	if (!have_id)
		memset(&id, 0, sizeof(id));
	dir = gx_load_cache_dir(o);
	if (dir != NULL) {
		int e = make_dirs(dir);

		dir_ok = e == 0;
		if (!dir_ok && have_id && !o->no_cache)
			gx_diag_add(d, GX_WARNING, dir, GX_NOWHERE, GX_NOWHERE,
			            "cannot use the cache directory (%s); using a private index",
			            strerror(e));
	} else if (have_id && !o->no_cache)
		gx_diag_add(d, GX_WARNING, name, GX_NOWHERE, GX_NOWHERE,
		            "no cache directory (neither XDG_CACHE_HOME nor HOME is set); "
		            "using a private index");
	use_cache = have_id && !o->no_cache && dir_ok;
	if (use_cache)
		idx = index_path(dir, path, &id);

	if (use_cache && !o->force_rebuild && access(idx, F_OK) == 0) {
		struct gx_diag od = {0};

		s = gx_store_open(idx, &od);
		if (s != NULL && fresh(s, &id, lname)) {
			/* Recently used: trim_cache removes the oldest first. */
			(void)utimensat(AT_FDCWD, idx, NULL, 0);
			replay_diags(s, d);
			info->reused = true;
			info->cached = true;
			info->index_path = idx;
			idx = NULL;
			gx_diag_clear(&od);
			goto out;
		}
		if (s == NULL && od.n > 0) {
			char *why = gx_diag_format(&od.v[0]);

			gx_diag_add(d, GX_NOTE, name, GX_NOWHERE, GX_NOWHERE,
			            "rebuilding the cached index (%s)", why);
			free(why);
		}
		gx_store_close(s);
		s = NULL;
		gx_diag_clear(&od);
	}

	/* Build. */
	t0 = now_ms();
	b = gx_builder_new(dir_ok ? dir : tmp_dir());
	gx_builder_async(b); /* packing and spilling on a second core */
	gx_builder_meta(b)->format = (uint32_t)fmt;
	if (fn(in, b, &ld) != 0) {
		if (ld.errors == 0)
			gx_diag_add(&ld, GX_ERROR, name, GX_NOWHERE, GX_NOWHERE,
			            "nothing usable in this %s", format_desc(fmt));
		copy_diag(d, &ld);
		goto out;
	}
	gx_builder_diags(b, &ld);
	copy_diag(d, &ld);
	if (use_cache) {
		struct gx_diag wd = {0};

		if (gx_builder_write(b, idx, &id, lname, &wd) == 0)
			s = gx_store_open(idx, &wd);
		if (s != NULL) {
			trim_cache(dir, idx);
			info->cached = true;
			info->index_path = idx;
			idx = NULL;
		} else {
			char *why = wd.n > 0 ? gx_diag_format(&wd.v[0]) : xstrdup("unknown error");

			gx_diag_add(d, GX_WARNING, name, GX_NOWHERE, GX_NOWHERE,
			            "cannot write the cached index (%s); using a private index", why);
			free(why);
		}
		gx_diag_clear(&wd);
	}
	if (s == NULL) {
		struct gx_diag pd = {0};

		s = private_index(b, dir_ok ? dir : tmp_dir(), have_id ? &id : NULL, lname, &pd);
		if (s == NULL && dir_ok)
			s = private_index(b, tmp_dir(), have_id ? &id : NULL, lname, &pd);
		if (s == NULL)
			copy_diag(d, &pd);
		gx_diag_clear(&pd);
	}
	info->build_ms = now_ms() - t0;

out:
	gx_builder_free(b);
	gx_diag_clear(&ld);
	gx_input_close(in);
	free(dir);
	free(idx);
	free(lname);
	if (info == &dummy)
		gx_load_info_free(&dummy);
	return s;
}

struct gx_store *
gx_load(const char *path, const struct gx_load_opts *o, struct gx_diag *d)
{
	return gx_load_ex(path, o, NULL, d);
}
