/* libFuzzer target for the index reader: the bytes become an index file,
 * which is opened and walked through every accessor, following every id.
 * A damaged index must be refused or read in bounds.
 *
 * Random bytes rarely get past the header checks, so the first input byte
 * picks a mode: odd, the rest of the input is the whole file; even, the
 * rest is XORed over a valid index built at start-up (every table filled),
 * starting at an offset taken from the next two bytes. */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gotrex/diag.h"
#include "gotrex/store.h"
#include "gotrex/util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *path;
static unsigned char *sample;
static size_t sample_len;

static void
build_sample(void)
{
	struct gx_builder *b = gx_builder_new(NULL);
	struct gx_diag d = {0};
	struct gx_source_id id = { 1, 2, 3, 4, 5 };
	uint32_t fr[3];
	gx_stack st;
	int i;
	FILE *f;
	long n;

	for (i = 0; i < 3; i++) {
		struct gx_frame_rec r;
		char name[32];

		memset(&r, 0, sizeof(r));
		snprintf(name, sizeof(name), "main.f%d", i);
		r.func = gx_builder_cstr(b, name);
		r.file = gx_builder_cstr(b, "/app/main.go");
		r.line = (uint32_t)(10 + i);
		r.args = gx_builder_cstr(b, "(0xc000012345)");
		fr[i] = gx_builder_frame(b, &r);
	}
	st = gx_builder_stack(b, fr, 3);
	for (i = 0; i < 4; i++) {
		struct gx_goroutine_rec g;
		struct gx_span_rec s;
		struct gx_event_rec e;
		struct gx_pspan_rec p;

		memset(&g, 0, sizeof(g));
		g.id = (uint64_t)(40 - i);
		g.stack = st;
		g.reason = gx_builder_cstr(b, i % 2 ? "chan receive" : "select");
		g.labels = gx_builder_cstr(b, "{\"k\":\"v\"}");
		gx_builder_goroutine(b, &g);
		memset(&s, 0, sizeof(s));
		s.g = (uint32_t)i;
		s.start_ns = 100 * i;
		s.end_ns = 100 * i + 50;
		s.stack = st;
		s.reason = g.reason;
		gx_builder_span(b, &s);
		memset(&e, 0, sizeof(e));
		e.ns = 10 * i;
		e.kind = GX_EV_LOG;
		e.g = (uint32_t)i;
		e.str = gx_builder_cstr(b, "cat: msg");
		e.stack = st;
		gx_builder_event(b, &e);
		memset(&p, 0, sizeof(p));
		p.p = (uint32_t)i;
		p.g = (uint32_t)i;
		gx_builder_pspan(b, &p);
	}
	gx_builder_meta(b)->headline = gx_builder_cstr(b, "fatal error: deadlock");
	gx_diag_add(&d, GX_WARNING, "x", 3, GX_NOWHERE, "w");
	gx_builder_diags(b, &d);
	gx_diag_clear(&d);
	if (gx_builder_write(b, path, &id, "fuzz", &d) != 0)
		gx_fatal("store_fuzzer: cannot write the sample index");
	gx_builder_free(b);
	f = fopen(path, "rb");
	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0)
		gx_fatal("store_fuzzer: cannot read the sample index");
	rewind(f);
	sample_len = (size_t)n;
	sample = xmalloc(sample_len);
	if (fread(sample, 1, sample_len, f) != sample_len)
		gx_fatal("store_fuzzer: cannot read the sample index");
	fclose(f);
}

static void
remove_file(void)
{
	unlink(path);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *t = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	path = xasprintf("%s/gotrex-store-fuzz-%ld.gxi", t != NULL && *t ? t : "/tmp",
	                 (long)getpid());
	build_sample();
	atexit(remove_file);
	return 0;
}

static volatile uint64_t sink;

static void
walk(const struct gx_store *s)
{
	uint64_t sum = 0;
	size_t i, j, n, ng = gx_store_goroutine_count(s);
	const struct gx_event_rec *ev;
	const struct gx_pspan_rec *ps;
	const struct gx_store_meta *m = gx_store_meta(s);

	sum += strlen(gx_store_loader(s)) + gx_store_source(s)->size;
	sum += strlen(gx_store_str(s, m->headline, &n)) + n;
	sum += strlen(gx_store_str(s, m->go_version, NULL));
	sum += strlen(gx_store_str(s, m->preamble, NULL));
	sum += strlen(gx_store_str(s, m->trailer, NULL));
	for (i = 0; i < gx_store_stack_count(s) + 1 && i < 100000; i++) {
		size_t depth = gx_store_stack_depth(s, (gx_stack)i);

		for (j = 0; j <= depth && j < 100000; j++) {
			const struct gx_frame_rec *f = gx_store_stack_frame(s, (gx_stack)i, j);

			if (f == NULL)
				continue;
			sum += strlen(gx_store_str(s, f->func, NULL));
			sum += strlen(gx_store_str(s, f->file, NULL));
			sum += strlen(gx_store_str(s, f->args, NULL)) + f->line;
		}
	}
	for (i = 0; i <= ng && i < 100000; i++) {
		const struct gx_goroutine_rec *g = gx_store_goroutine(s, i);
		const struct gx_span_rec *sp;

		if (g == NULL)
			continue;
		sum += gx_store_find_goroutine(s, g->id);
		sum += strlen(gx_store_str(s, g->reason, NULL));
		sum += strlen(gx_store_str(s, g->labels, NULL));
		sum += strlen(gx_store_str(s, g->start_func, NULL));
		sum += gx_store_stack_depth(s, g->stack) + gx_store_stack_depth(s, g->create_stack);
		sp = gx_store_spans(s, i, &n);
		for (j = 0; j < n && j < 100000; j++)
			sum += (uint64_t)sp[j].start_ns + strlen(gx_store_str(s, sp[j].reason, NULL)) +
			       gx_store_stack_depth(s, sp[j].stack);
	}
	{
		/* the chunked reader first (from the packed table): the same
		 * events as the unpacked array below, in the same order */
		struct gx_event_cursor c = { 0 };
		struct gx_event_rec chunk[7];
		size_t got, seen = 0;

		while ((got = gx_store_events_read(s, &c, chunk, GX_ARRAY_SIZE(chunk))) > 0) {
			if (got > GX_ARRAY_SIZE(chunk))
				abort();
			for (j = 0; j < got; j++)
				sum += (uint64_t)chunk[j].ns + chunk[j].g;
			seen += got;
		}
		ev = gx_store_events(s, &n);
		if (seen != n)
			abort();
		if (n > 0 && (c = (struct gx_event_cursor){ 0 },
		              gx_store_events_read(s, &c, chunk, 1) != 1 ||
		              memcmp(&chunk[0], &ev[0], sizeof(ev[0])) != 0))
			abort();
	}
	for (j = 0; j < n && j < 100000; j++)
		sum += (uint64_t)ev[j].ns + strlen(gx_store_str(s, ev[j].str, NULL)) +
		       gx_store_stack_depth(s, ev[j].stack);
	ps = gx_store_pspans(s, &n);
	for (j = 0; j < n && j < 100000; j++)
		sum += (uint64_t)ps[j].start_ns + ps[j].g;
	for (j = 0; j <= gx_store_diag_count(s) && j < 100000; j++)
		sum += strlen(gx_store_diag(s, j));
	sink = sum;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gx_diag d = {0};
	struct gx_store *s;
	unsigned char *file;
	size_t len, i;
	int fd;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		file = xmalloc(size - 1);
		memcpy(file, data + 1, size - 1);
		len = size - 1;
	} else {
		size_t at = size >= 3 ? ((size_t)data[1] | (size_t)data[2] << 8) % sample_len : 0;

		file = xmalloc(sample_len);
		memcpy(file, sample, sample_len);
		len = sample_len;
		for (i = 3; i < size && at + i - 3 < len; i++)
			file[at + i - 3] ^= data[i];
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || (len > 0 && write(fd, file, len) != (ssize_t)len))
		gx_fatal("store_fuzzer: cannot write %s", path);
	close(fd);
	free(file);
	s = gx_store_open(path, &d);
	if (s != NULL) {
		walk(s);
		gx_store_close(s);
	}
	gx_diag_clear(&d);
	return 0;
}
