/* theme: colour roles and the theme file parser (curses-free). */
#include "config.h"

#include "gotrex/tui_theme.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotrex/util.h"

#define MONO_SEL (TUI_ATTR_REVERSE | TUI_ATTR_BOLD)

const struct tui_role_info tui_roles[TUI_ROLE_COUNT] = {
	[TUI_ROLE_DEFAULT]        = { .name = "default", .help = "everything else" },
	[TUI_ROLE_TITLE]          = { .name = "title", .mono_attrs = TUI_ATTR_REVERSE,
	                              .help = "pane title bar" },
	[TUI_ROLE_TITLE_FOCUS]    = { .name = "title-focus", .mono_attrs = MONO_SEL,
	                              .help = "title bar of the focused pane" },
	[TUI_ROLE_HEADER]         = { .name = "header", .mono_attrs = TUI_ATTR_BOLD,
	                              .help = "column headers" },
	[TUI_ROLE_STATUS]         = { .name = "status", .mono_attrs = TUI_ATTR_REVERSE,
	                              .help = "status line" },
	[TUI_ROLE_STATUS_WARN]    = { .name = "status-warn", .mono_attrs = MONO_SEL,
	                              .help = "warnings count on the status line" },
	[TUI_ROLE_SELECTION]      = { .name = "selection", .mono_attrs = MONO_SEL,
	                              .help = "selected line, focused pane" },
	[TUI_ROLE_SELECTION_IDLE] = { .name = "selection-idle", .mono_attrs = TUI_ATTR_REVERSE,
	                              .help = "selected line, other panes" },
	[TUI_ROLE_RUNNING]        = { .name = "running", .mono_attrs = TUI_ATTR_BOLD, .help = "state running" },
	[TUI_ROLE_RUNNABLE]       = { .name = "runnable", .help = "state runnable" },
	[TUI_ROLE_WAITING]        = { .name = "waiting", .help = "state waiting" },
	[TUI_ROLE_SYSCALL]        = { .name = "syscall", .help = "state syscall" },
	[TUI_ROLE_DEAD]           = { .name = "dead", .mono_attrs = TUI_ATTR_DIM, .help = "state dead" },
	[TUI_ROLE_UNKNOWN]        = { .name = "unknown", .help = "state unknown" },
	[TUI_ROLE_USER_FRAME]     = { .name = "user-frame", .help = "frame of user code" },
	[TUI_ROLE_RUNTIME_FRAME]  = { .name = "runtime-frame", .mono_attrs = TUI_ATTR_DIM,
	                              .help = "frame of the runtime" },
	[TUI_ROLE_TOP_FRAME]      = { .name = "top-frame", .mono_attrs = TUI_ATTR_BOLD, .help = "top user frame" },
	[TUI_ROLE_LOCATION]       = { .name = "location", .help = "file:line" },
	[TUI_ROLE_ARGS]           = { .name = "args", .mono_attrs = TUI_ATTR_DIM, .help = "argument lists" },
	[TUI_ROLE_CREATED_BY]     = { .name = "created-by", .help = "created-by frame" },
	[TUI_ROLE_COUNT_BADGE]    = { .name = "count", .mono_attrs = TUI_ATTR_BOLD, .help = "goroutines in a group" },
	[TUI_ROLE_KEY]            = { .name = "key", .mono_attrs = TUI_ATTR_BOLD, .help = "key names in help" },
	[TUI_ROLE_ERROR]          = { .name = "error", .mono_attrs = TUI_ATTR_BOLD, .help = "errors" },
	[TUI_ROLE_WARNING]        = { .name = "warning", .help = "warnings" },
	[TUI_ROLE_DIM]            = { .name = "dim", .mono_attrs = TUI_ATTR_DIM, .help = "secondary text" },
	[TUI_ROLE_TL_RUNNING]     = { .name = "timeline-running", .mono_attrs = TUI_ATTR_BOLD,
	                              .help = "timeline: running" },
	[TUI_ROLE_TL_RUNNABLE]    = { .name = "timeline-runnable", .help = "timeline: runnable" },
	[TUI_ROLE_TL_SYSCALL]     = { .name = "timeline-syscall", .help = "timeline: in a syscall" },
	[TUI_ROLE_TL_WAITING]     = { .name = "timeline-waiting", .help = "timeline: waiting" },
	[TUI_ROLE_TL_DEAD]        = { .name = "timeline-dead", .mono_attrs = TUI_ATTR_DIM,
	                              .help = "timeline: ended" },
	[TUI_ROLE_TL_NOTEXIST]    = { .name = "timeline-notexist", .mono_attrs = TUI_ATTR_DIM,
	                              .help = "timeline: not yet created" },
	[TUI_ROLE_TL_CURSOR]      = { .name = "timeline-cursor", .mono_attrs = TUI_ATTR_BOLD,
	                              .help = "the time cursor" },
	[TUI_ROLE_TL_AXIS]        = { .name = "timeline-axis", .help = "the time axis" },
};

static const struct {
	const char *name;
	unsigned bit;
} attr_names[] = {
	{ "normal", 0 },
	{ "bold", TUI_ATTR_BOLD },
	{ "dim", TUI_ATTR_DIM },
	{ "underline", TUI_ATTR_UNDERLINE },
	{ "reverse", TUI_ATTR_REVERSE },
	{ "standout", TUI_ATTR_STANDOUT },
	{ "blink", TUI_ATTR_BLINK },
	{ "italic", TUI_ATTR_ITALIC },
};

static const char *const color_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

int
tui_role_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < TUI_ROLE_COUNT; i++)
		if (strcmp(tui_roles[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Parse a colour word; false when it is not one. */
static bool
parse_color(const char *w, short *out)
{
	const char *num = w;
	char *end;
	long v;
	size_t i;

	if (strcmp(w, "default") == 0) {
		*out = TUI_COLOR_DEFAULT;
		return true;
	}
	for (i = 0; i < 8; i++) {
		if (strcmp(w, color_names[i]) == 0) {
			*out = (short)i;
			return true;
		}
		if (strncmp(w, "bright-", 7) == 0 && strcmp(w + 7, color_names[i]) == 0) {
			*out = (short)(i + 8);
			return true;
		}
	}
	if (strncmp(w, "color", 5) == 0)
		num = w + 5;
	if (*num < '0' || *num > '9')
		return false;
	errno = 0;
	v = strtol(num, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0 || v > 255)
		return false;
	*out = (short)v;
	return true;
}

static bool
parse_attr(const char *w, unsigned *bits)
{
	size_t i;

	for (i = 0; i < GX_ARRAY_SIZE(attr_names); i++)
		if (strcmp(w, attr_names[i].name) == 0) {
			*bits |= attr_names[i].bit;
			return true;
		}
	return false;
}

/* Split line into at most max words (modifies line). */
static size_t
split_words(char *line, char **w, size_t max)
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			break;
		if (n == max)
			return max + 1;
		w[n++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '#')
			p++;
		if (*p == '#') {
			*p = '\0';
			break;
		}
		if (*p != '\0')
			*p++ = '\0';
	}
	return n;
}

#define WORDS_MAX 12

size_t
tui_theme_parse(struct tui_theme *t, const char *text, size_t len,
                const char *source, struct gx_diag *d)
{
	size_t problems = 0, pos = 0;
	uint64_t lineno = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
		const char *start = text + pos;
		char *line = xstrndup(start, n);
		char *w[WORDS_MAX];
		size_t nw, i;
		struct tui_style st = { 0 };
		int role;

		pos += n + (nl != NULL);
		lineno++;
		if (n > 0 && line[n - 1] == '\r')
			line[n - 1] = '\0';
		if (memchr(start, '\0', n) != NULL) {
			gx_diag_add(d, GX_WARNING, source, lineno, GX_NOWHERE,
			            "NUL byte in theme line; line ignored");
			problems++;
			goto next;
		}
		nw = split_words(line, w, WORDS_MAX);
		if (nw == 0)
			goto next;
		if (nw > WORDS_MAX) {
			gx_diag_add(d, GX_WARNING, source, lineno, GX_NOWHERE,
			            "too many words; line ignored");
			problems++;
			goto next;
		}
		if (strcmp(w[0], "color") != 0) {
			gx_diag_add(d, GX_WARNING, source, lineno, GX_NOWHERE,
			            "unknown setting '%.40s' (expected 'color')", w[0]);
			problems++;
			goto next;
		}
		if (nw < 4) {
			gx_diag_add(d, GX_WARNING, source, lineno, GX_NOWHERE,
			            "expected: color <role> <fg> <bg> [attr...]");
			problems++;
			goto next;
		}
		role = tui_role_lookup(w[1]);
		if (role < 0) {
			gx_diag_add(d, GX_WARNING, source, lineno, GX_NOWHERE,
			            "unknown role '%.40s'", w[1]);
			problems++;
			goto next;
		}
		if (!parse_color(w[2], &st.fg) || !parse_color(w[3], &st.bg)) {
			gx_diag_add(d, GX_WARNING, source, lineno, GX_NOWHERE,
			            "bad colour '%.40s' (a name, bright-<name>, default or 0-255)",
			            parse_color(w[2], &st.fg) ? w[3] : w[2]);
			problems++;
			goto next;
		}
		for (i = 4; i < nw; i++) {
			if (!parse_attr(w[i], &st.attrs)) {
				gx_diag_add(d, GX_WARNING, source, lineno, GX_NOWHERE,
				            "unknown attribute '%.40s'", w[i]);
				problems++;
				goto next;
			}
		}
		t->style[role] = st;
next:
		free(line);
	}
	return problems;
}

void
tui_theme_init_default(struct tui_theme *t)
{
	struct gx_diag d = { 0 };
	size_t i;

	for (i = 0; i < TUI_ROLE_COUNT; i++)
		t->style[i] = (struct tui_style){ TUI_COLOR_DEFAULT, TUI_COLOR_DEFAULT, 0 };
	/* The built-in text is our own file; make check tests it parses cleanly. */
	tui_theme_parse(t, tui_builtin_theme, strlen(tui_builtin_theme), "<built-in theme>", &d);
	gx_diag_clear(&d);
	free(t->name);
	t->name = xstrdup("default");
}

static char *
read_file(const char *path, size_t *len, struct gx_diag *d)
{
	FILE *f = fopen(path, "rb");
	struct gx_buf b = { 0 };
	char chunk[4096];
	size_t n;

	if (f == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		gx_buf_append(&b, chunk, n);
		if (b.len > (1u << 20)) {
			gx_diag_add(d, GX_ERROR, path, GX_NOWHERE, GX_NOWHERE,
			            "theme file larger than 1 MiB");
			fclose(f);
			gx_buf_free(&b);
			return NULL;
		}
	}
	if (ferror(f)) {
		gx_diag_add(d, GX_ERROR, path, GX_NOWHERE, GX_NOWHERE, "cannot read: %s",
		            strerror(errno));
		fclose(f);
		gx_buf_free(&b);
		return NULL;
	}
	fclose(f);
	*len = b.len;
	if (b.data == NULL)
		return xstrdup("");
	return gx_buf_take(&b);
}

int
tui_theme_load(struct tui_theme *t, const char *spec, struct gx_diag *d)
{
	const char *dirs[] = { GOTREX_THEMEDIR, GOTREX_SRC_THEMEDIR };
	char *text = NULL, *path = NULL;
	size_t len = 0, i;
	size_t errors = d->errors;

	tui_theme_init_default(t);
	if (spec == NULL || *spec == '\0')
		spec = "default";
	if (strchr(spec, '/') != NULL) {
		path = xstrdup(spec);
		text = read_file(path, &len, d);
		if (text == NULL && d->errors == errors)
			gx_diag_add(d, GX_ERROR, path, GX_NOWHERE, GX_NOWHERE,
			            "cannot open theme: %s", strerror(errno));
	} else {
		for (i = 0; i < GX_ARRAY_SIZE(dirs) && text == NULL && d->errors == errors; i++) {
			free(path);
			path = xasprintf("%s/%s.theme", dirs[i], spec);
			text = read_file(path, &len, d);
		}
		if (text == NULL && d->errors == errors) {
			if (strcmp(spec, "default") == 0) {
				free(path);
				return 0;  /* the built-in copy */
			}
			gx_diag_add(d, GX_ERROR, NULL, GX_NOWHERE, GX_NOWHERE,
			            "theme '%s' not found (looked for %s.theme in %s and %s)",
			            spec, spec, dirs[0], dirs[1]);
		}
	}
	if (text == NULL) {
		free(path);
		return -1;
	}
	tui_theme_parse(t, text, len, path, d);
	free(text);
	free(t->name);
	t->name = path;
	return 0;
}

void
tui_theme_free(struct tui_theme *t)
{
	free(t->name);
	t->name = NULL;
}
