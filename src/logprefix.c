/* logprefix: learn the shape of a per-line log prefix, strip it by shape. */
#include "config.h"

#include "gotrex/logprefix.h"

#include <string.h>

enum {
	TK_WORD = 1, /* [A-Za-z0-9_]+ */
	TK_SPACE,    /* ' '+ */
	TK_LIT,      /* one byte */
};

static int
is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

void
gx_logprefix_init(struct gx_logprefix *lp)
{
	memset(lp, 0, sizeof(*lp));
}

bool
gx_logprefix_empty(const struct gx_logprefix *lp)
{
	return lp->nshape == 0;
}

static bool
shape_equal(const struct gx_logprefix_shape *a, const struct gx_logprefix_shape *b)
{
	size_t i;

	if (a->ntok != b->ntok)
		return false;
	for (i = 0; i < a->ntok; i++) {
		const struct gx_logprefix_token *x = &a->tok[i], *y = &b->tok[i];

		if (x->kind != y->kind || x->ch != y->ch || x->optional != y->optional)
			return false;
		if (i + 1 == a->ntok && x->len != y->len)
			return false;
	}
	return true;
}

bool
gx_logprefix_learn(struct gx_logprefix *lp, const char *p, size_t n)
{
	struct gx_logprefix_shape sh;
	size_t i = 0, k;

	if (n == 0) {
		lp->has_empty = true;
		return true;
	}
	if (n > GX_LOGPREFIX_MAX_LEN)
		return false;
	memset(&sh, 0, sizeof(sh));
	while (i < n) {
		unsigned char c = (unsigned char)p[i];
		struct gx_logprefix_token *t;
		size_t j = i + 1;

		if (sh.ntok == GX_LOGPREFIX_MAX_TOKENS)
			return false;
		t = &sh.tok[sh.ntok++];
		if (is_word(c)) {
			while (j < n && is_word((unsigned char)p[j]))
				j++;
			t->kind = TK_WORD;
		} else if (c == ' ') {
			while (j < n && p[j] == ' ')
				j++;
			t->kind = TK_SPACE;
		} else {
			t->kind = TK_LIT;
			t->ch = c;
		}
		t->len = (uint16_t)(j - i);
		i = j;
	}
	/* A fraction ("35.123Z", "35,5") may be absent on other lines
	 * ("35Z"): word, '.', word, and something after it. */
	for (k = 1; k + 2 < sh.ntok; k++) {
		struct gx_logprefix_token *t = &sh.tok[k];

		if (t->kind == TK_LIT && (t->ch == '.' || t->ch == ',') &&
		    sh.tok[k - 1].kind == TK_WORD && sh.tok[k + 1].kind == TK_WORD)
			t->optional = 1;
	}
	for (k = 0; k < lp->nshape; k++)
		if (shape_equal(&lp->shape[k], &sh))
			return true;
	if (lp->nshape == GX_LOGPREFIX_MAX_SHAPES)
		return false;
	lp->shape[lp->nshape++] = sh;
	return true;
}

static long
shape_match(const struct gx_logprefix_shape *sh, const char *line, size_t n)
{
	size_t pos = 0, i;

	for (i = 0; i < sh->ntok; i++) {
		const struct gx_logprefix_token *t = &sh->tok[i];
		bool last = i + 1 == sh->ntok;
		size_t j;

		if (t->optional) {
			if (pos + 1 < n && (unsigned char)line[pos] == t->ch &&
			    is_word((unsigned char)line[pos + 1])) {
				pos++;
				continue; /* the word after it is matched next */
			}
			i++; /* skip the fraction's word too */
			continue;
		}
		switch (t->kind) {
		case TK_WORD:
			if (last) {
				if (n - pos < t->len)
					return -1;
				for (j = 0; j < t->len; j++)
					if (!is_word((unsigned char)line[pos + j]))
						return -1;
				pos += t->len;
				break;
			}
			j = pos;
			while (j < n && is_word((unsigned char)line[j]))
				j++;
			if (j == pos)
				return -1;
			pos = j;
			break;
		case TK_SPACE:
			if (last) {
				if (pos == n)
					return (long)n; /* trailing blanks trimmed */
				if (n - pos < t->len)
					return -1;
				for (j = 0; j < t->len; j++)
					if (line[pos + j] != ' ')
						return -1;
				pos += t->len;
				break;
			}
			j = pos;
			while (j < n && line[j] == ' ')
				j++;
			if (j == pos)
				return -1;
			pos = j;
			break;
		default:
			if (pos >= n || (unsigned char)line[pos] != t->ch)
				return -1;
			pos++;
			break;
		}
	}
	return (long)pos;
}

long
gx_logprefix_match(const struct gx_logprefix *lp, const char *line, size_t n)
{
	size_t k;

	for (k = 0; k < lp->nshape; k++) {
		long m = shape_match(&lp->shape[k], line, n);

		if (m >= 0)
			return m;
	}
	if (lp->nshape == 0 || lp->has_empty)
		return 0;
	return -1;
}
