/* diag: collected warnings and errors with their location. */
#include "config.h"

#include "gotrex/diag.h"

#include <stdlib.h>

static const char *
severity_name(enum gx_severity s)
{
	switch (s) {
	case GX_NOTE:
		return "note";
	case GX_WARNING:
		return "warning";
	case GX_ERROR:
		return "error";
	}
	return "error";
}

void
gx_diag_vadd(struct gx_diag *d, enum gx_severity sev, const char *source,
             uint64_t line, uint64_t offset, const char *fmt, va_list ap)
{
	struct gx_diag_entry *e;

	if (sev == GX_ERROR)
		d->errors++;
	if (d->n >= GX_DIAG_MAX) {
		d->dropped++;
		return;
	}
	gx_grow(&d->v, &d->cap, d->n + 1, sizeof(*d->v));
	e = &d->v[d->n++];
	e->severity = sev;
	e->source = xstrdup(source != NULL ? source : "gotrex");
	e->line = line;
	e->offset = offset;
	e->message = xvasprintf(fmt, ap);
}

void
gx_diag_add(struct gx_diag *d, enum gx_severity sev, const char *source,
            uint64_t line, uint64_t offset, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gx_diag_vadd(d, sev, source, line, offset, fmt, ap);
	va_end(ap);
}

char *
gx_diag_format(const struct gx_diag_entry *e)
{
	const char *sev = severity_name(e->severity);

	if (e->line != GX_NOWHERE)
		return xasprintf("%s:%llu: %s: %s", e->source,
		                 (unsigned long long)e->line, sev, e->message);
	if (e->offset != GX_NOWHERE)
		return xasprintf("%s: byte %llu: %s: %s", e->source,
		                 (unsigned long long)e->offset, sev, e->message);
	return xasprintf("%s: %s: %s", e->source, sev, e->message);
}

void
gx_diag_print(const struct gx_diag *d, FILE *f)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		char *s = gx_diag_format(&d->v[i]);

		fprintf(f, "%s\n", s);
		free(s);
	}
	if (d->dropped > 0)
		fprintf(f, "gotrex: %zu more messages not shown\n", d->dropped);
}

void
gx_diag_clear(struct gx_diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].source);
		free(d->v[i].message);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->cap = d->errors = d->dropped = 0;
}
