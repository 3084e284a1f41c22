/* store_codec: the delta codec of span, event and P-span records, shared
 * by the builder (spill files, the index's packed tables) and the reader
 * (which unpacks those tables). Private to the store.
 *
 * A record is coded field by field: each field is the zigzag varint of
 * its difference from a prediction (the same field of the previous record,
 * or for a span's start the previous span's end, and for an end the
 * record's own start). Spans shrink from 32 bytes to about 8-12, events
 * from 40 to about 12-16. A sequence starts from an all-zero previous
 * record, so it decodes on its own. Differences wrap (64-bit fields modulo
 * 2^64, 32-bit ones modulo 2^32), so every value comes back exactly. */
#ifndef GOTREX_STORE_CODEC_H
#define GOTREX_STORE_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gotrex/store.h"

#define CODEC_MAX_REC 64

_Static_assert(offsetof(struct gx_span_rec, state) + 4 == offsetof(struct gx_span_rec, reason),
               "span state + reserved is one 32-bit field");
_Static_assert(sizeof(struct gx_span_rec) == 32 && sizeof(struct gx_event_rec) == 40 &&
               sizeof(struct gx_pspan_rec) == 24, "the codec knows these layouts");
_Static_assert(sizeof(struct gx_event_rec) <= CODEC_MAX_REC, "CODEC_MAX_REC holds every record");

struct codec {
	unsigned nf;    /* fields: a record takes at most nf * 10 bytes */
	size_t (*put)(const void *prev, const void *rec, unsigned char *out);
	size_t (*get)(const void *prev, const unsigned char *in, size_t avail, void *rec);
};

static inline size_t
put_z(unsigned char *o, uint64_t diff)
{
	int64_t d = (int64_t)diff;
	uint64_t z = ((uint64_t)d << 1) ^ (uint64_t)(d >> 63);
	size_t n = 0;

	while (z >= 0x80) {
		o[n++] = (unsigned char)(z | 0x80);
		z >>= 7;
	}
	o[n++] = (unsigned char)z;
	return n;
}

static inline size_t
put_z32(unsigned char *o, uint32_t diff)
{
	return put_z(o, (uint64_t)(int64_t)(int32_t)diff);
}

/* Read one zigzag varint at in[*n] (avail bytes in all) into *diff;
 * false when it runs past the end or past 64 bits. */
static inline bool
get_z(const unsigned char *in, size_t avail, size_t *n, uint64_t *diff)
{
	uint64_t z = 0;
	unsigned shift = 0;
	size_t i = *n;

	for (;;) {
		if (i >= avail || shift > 63)
			return false;
		z |= (uint64_t)(in[i] & 0x7f) << shift;
		if ((in[i++] & 0x80) == 0)
			break;
		shift += 7;
	}
	*n = i;
	*diff = (uint64_t)((int64_t)(z >> 1) ^ -(int64_t)(z & 1));
	return true;
}

static inline uint32_t
state_word(const struct gx_span_rec *r)
{
	uint32_t w;

	memcpy(&w, &r->state, 4);
	return w;
}

static inline size_t
span_put(const void *prev, const void *rec, unsigned char *o)
{
	const struct gx_span_rec *p = prev, *r = rec;
	size_t n = 0;

	n += put_z(o + n, (uint64_t)r->start_ns - (uint64_t)p->end_ns);
	n += put_z(o + n, (uint64_t)r->end_ns - (uint64_t)r->start_ns);
	n += put_z32(o + n, r->g - p->g);
	n += put_z32(o + n, state_word(r) - state_word(p));
	n += put_z32(o + n, r->reason - p->reason);
	n += put_z32(o + n, r->stack - p->stack);
	return n;
}

static inline size_t
span_get(const void *prev, const unsigned char *in, size_t avail, void *rec)
{
	const struct gx_span_rec *p = prev;
	struct gx_span_rec *r = rec;
	uint64_t d[6];
	uint32_t w;
	size_t n = 0, i;

	for (i = 0; i < 6; i++)
		if (!get_z(in, avail, &n, &d[i]))
			return 0;
	r->start_ns = (int64_t)((uint64_t)p->end_ns + d[0]);
	r->end_ns = (int64_t)((uint64_t)r->start_ns + d[1]);
	r->g = p->g + (uint32_t)d[2];
	w = state_word(p) + (uint32_t)d[3];
	memcpy(&r->state, &w, 4);
	r->reason = p->reason + (uint32_t)d[4];
	r->stack = p->stack + (uint32_t)d[5];
	return n;
}

static inline size_t
event_put(const void *prev, const void *rec, unsigned char *o)
{
	const struct gx_event_rec *p = prev, *r = rec;
	size_t n = 0;

	n += put_z(o + n, (uint64_t)r->ns - (uint64_t)p->ns);
	n += put_z32(o + n, r->kind - p->kind);
	n += put_z32(o + n, r->g - p->g);
	n += put_z(o + n, r->arg0 - p->arg0);
	n += put_z(o + n, r->arg1 - p->arg1);
	n += put_z32(o + n, r->str - p->str);
	n += put_z32(o + n, r->stack - p->stack);
	return n;
}

static inline size_t
event_get(const void *prev, const unsigned char *in, size_t avail, void *rec)
{
	const struct gx_event_rec *p = prev;
	struct gx_event_rec *r = rec;
	uint64_t d[7];
	size_t n = 0, i;

	for (i = 0; i < 7; i++)
		if (!get_z(in, avail, &n, &d[i]))
			return 0;
	r->ns = (int64_t)((uint64_t)p->ns + d[0]);
	r->kind = p->kind + (uint32_t)d[1];
	r->g = p->g + (uint32_t)d[2];
	r->arg0 = p->arg0 + d[3];
	r->arg1 = p->arg1 + d[4];
	r->str = p->str + (uint32_t)d[5];
	r->stack = p->stack + (uint32_t)d[6];
	return n;
}

static inline size_t
pspan_put(const void *prev, const void *rec, unsigned char *o)
{
	const struct gx_pspan_rec *p = prev, *r = rec;
	size_t n = 0;

	n += put_z(o + n, (uint64_t)r->start_ns - (uint64_t)p->start_ns);
	n += put_z(o + n, (uint64_t)r->end_ns - (uint64_t)r->start_ns);
	n += put_z32(o + n, r->p - p->p);
	n += put_z32(o + n, r->g - p->g);
	return n;
}

static inline size_t
pspan_get(const void *prev, const unsigned char *in, size_t avail, void *rec)
{
	const struct gx_pspan_rec *p = prev;
	struct gx_pspan_rec *r = rec;
	uint64_t d[4];
	size_t n = 0, i;

	for (i = 0; i < 4; i++)
		if (!get_z(in, avail, &n, &d[i]))
			return 0;
	r->start_ns = (int64_t)((uint64_t)p->start_ns + d[0]);
	r->end_ns = (int64_t)((uint64_t)r->start_ns + d[1]);
	r->p = p->p + (uint32_t)d[2];
	r->g = p->g + (uint32_t)d[3];
	return n;
}

/* Decode up to want records of rec bytes from in[0, avail) into out, each
 * against prev, which follows along (a sequence may come in pieces).
 * Returns how many were decoded: it stops at the end or at damage. */
static inline size_t
codec_unpack(const struct codec *c, size_t rec, unsigned char *prev, const unsigned char *in,
             size_t avail, unsigned char *out, size_t want)
{
	size_t pos = 0, k, got;

	for (k = 0; k < want && pos < avail; k++) {
		got = c->get(prev, in + pos, avail - pos, out + k * rec);
		if (got == 0)
			break;
		pos += got;
		memcpy(prev, out + k * rec, rec);
	}
	return k;
}

static const struct codec span_codec = { 6, span_put, span_get };
static const struct codec event_codec = { 7, event_put, event_get };
static const struct codec pspan_codec = { 4, pspan_put, pspan_get };

#endif
