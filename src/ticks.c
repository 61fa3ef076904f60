/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Ticks to time from segments (src/ticks.h): the conversion shared by this
 * process's history and by timebase records, the record's writer, and
 * tk_timebase_convert(), which needs nothing but the record.  Pure: no
 * clock, no process state, no allocation.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "ticks.h"
#include "timekeep.h"

static uint64_t
mulhi(uint64_t a, uint64_t b)
{
	return (uint64_t)(((unsigned __int128)a * b) >> 64);
}

/* T(c) inside the segment: the fast read's own formula. */
static int64_t
seg_at(const struct tk__ticks_seg *s, uint64_t c)
{
	return (int64_t)(s->k_ns + mulhi((uint32_t)c, s->mult));
}

/* T carried on past c >= base_count (src/hands/hands_plan.c's beyond). */
static int64_t
seg_beyond(const struct tk__ticks_seg *s, uint64_t c)
{
	return (int64_t)((uint64_t)s->base_ns +
	    mulhi(c - s->base_count, s->mult) + 1u);
}

/* T carried back before base_count, saturating at INT64_MIN. */
static int64_t
seg_before(const struct tk__ticks_seg *s, uint64_t c)
{
	uint64_t d = mulhi(s->base_count - c, s->mult) + 1u;

	if (s->base_ns < INT64_MIN + (int64_t)(d & INT64_MAX))
		return INT64_MIN;
	return s->base_ns - (int64_t)d;
}

/*
 * Between the end of older and the start of newer: from older's end value
 * to newer's start, linearly in the counter (never below the end value).
 */
static int64_t
seg_gap(const struct tk__ticks_seg *older, const struct tk__ticks_seg *newer,
    uint64_t t)
{
	int64_t lo = seg_beyond(older, older->windup_count);
	uint64_t dc = newer->base_count - older->windup_count;
	uint64_t dv;

	if (newer->base_ns <= lo || dc == 0)
		return lo;
	dv = (uint64_t)newer->base_ns - (uint64_t)lo;
	return lo + (int64_t)(uint64_t)((unsigned __int128)(t -
	                                    older->windup_count) *
	    dv / dc);
}

/*
 * The existing segment nearest idx within (lo, hi), looking older first:
 * its index, or hi when every one there is missing.
 */
static uint64_t
probe(tk__ticks_get *get, const void *ctx, uint64_t lo, uint64_t hi,
    uint64_t idx, struct tk__ticks_seg *seg)
{
	uint64_t i;

	for (i = idx; i < hi; i++)
		if (get(ctx, i, seg) == 0)
			return i;
	for (i = idx; i > lo + 1;)
		if (get(ctx, --i, seg) == 0)
			return i;
	return hi;
}

/*
 * The segments around t, older than the newest: *newer the oldest known
 * with base_count > t, *older the newest with base_count <= t (1), or none
 * (0, t is before them all).  Segments are usually of one length, so a
 * guess from the newest one's span finds t's segment in two or three
 * reads; bisection does the rest.
 */
static int
search(tk__ticks_get *get, const void *ctx, uint64_t n, uint64_t t,
    struct tk__ticks_seg *newer, struct tk__ticks_seg *older)
{
	uint64_t lo = 0, hi = n, span, next, i;
	struct tk__ticks_seg s;
	int found = 0;

	span = newer->windup_count - newer->base_count;
	next = span != 0 ? (newer->base_count - t) / span + 1 : 1;
	while (hi - lo > 1) {
		if (next <= lo || next >= hi)
			next = lo + (hi - lo) / 2;
		i = probe(get, ctx, lo, hi, next, &s);
		if (i >= hi)
			break; /* nothing left between newer and older */
		if (s.base_count <= t) {
			hi = i;
			*older = s;
			found = 1;
			next = i - 1;
		} else {
			lo = i;
			*newer = s;
			next = i + 1;
		}
	}
	return found;
}

int
tk__ticks_convert(tk__ticks_get *get, const void *ctx, uint64_t n, uint64_t t,
    int64_t *mono_ns, int64_t *real_ns)
{
	struct tk__ticks_seg newer, older;
	const struct tk__ticks_seg *from;
	int st = TK_TICKS_EXACT;

	if (n == 0 || probe(get, ctx, 0, n, 0, &newer) >= n)
		return -EAGAIN;
	if (t - newer.base_count < UINT64_C(1) << 63) {
		/* At or after the newest segment's start. */
		from = &newer;
		if (t < newer.windup_count) {
			*mono_ns = seg_at(&newer, t);
		} else {
			*mono_ns = seg_beyond(&newer, t);
			st = TK_TICKS_EXTRAPOLATED;
		}
	} else if (!search(get, ctx, n, t, &newer, &older)) {
		/* Before the oldest segment, which is newer. */
		from = &newer;
		if (newer.flags & TK_TICKS_SEG_EPOCH) {
			*mono_ns = newer.base_ns;
			st = TK_TICKS_CLAMPED;
		} else {
			*mono_ns = seg_before(&newer, t);
			st = TK_TICKS_EXTRAPOLATED;
		}
	} else {
		from = &older;
		if (t < older.windup_count) {
			*mono_ns = seg_at(&older, t);
		} else {
			*mono_ns = seg_gap(&older, &newer, t);
			st = TK_TICKS_EXTRAPOLATED;
		}
	}
	*real_ns = *mono_ns + from->real_ns;
	return st;
}

/* ---- the timebase record ---------------------------------------------- */

static void
put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void
put32(unsigned char *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void
put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint16_t
get16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
get32(const unsigned char *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t
get64(const unsigned char *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* FNV-1a 64 of the record, the checksum field (bytes 56..63) read as 0. */
static uint64_t
fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= i >= 56 && i < 64 ? 0 : p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

long
tk__timebase_write(void *buf, size_t size, const struct tk__timebase_hdr *hdr,
    const struct tk__ticks_seg *segs, uint32_t n)
{
	size_t need = TK_TIMEBASE_HDR + (size_t)n * TK_TIMEBASE_SEG;
	unsigned char *p = buf, *q;
	uint32_t i;

	if (buf == NULL)
		return (long)need;
	if (size < need)
		return -ENOSPC;
	memset(p, 0, need);
	memcpy(p, TK_TIMEBASE_MAGIC, 4);
	put16(p + 4, TK_TIMEBASE_VERSION);
	put16(p + 6, TK_TIMEBASE_HDR);
	put32(p + 8, n);
	put32(p + 12, TK_TIMEBASE_SEG);
	put64(p + 16, hdr->hz);
	strncpy((char *)p + 24, hdr->kind, 8);
	put64(p + 32, (uint64_t)hdr->mono_ns);
	put64(p + 40, (uint64_t)hdr->real_ns);
	put32(p + 48, hdr->pid);
	for (i = 0; i < n; i++) {
		q = p + TK_TIMEBASE_HDR + (size_t)i * TK_TIMEBASE_SEG;
		put64(q, segs[i].base_count);
		put64(q + 8, segs[i].windup_count);
		put64(q + 16, segs[i].mult);
		put64(q + 24, segs[i].k_ns);
		put64(q + 32, (uint64_t)segs[i].real_ns);
		put64(q + 40, (uint64_t)segs[i].base_ns);
		put32(q + 48, segs[i].flags);
	}
	put64(p + 56, fnv1a(p, need));
	return (long)need;
}

/* A record, validated: its bytes and segment count. */
struct record {
	const unsigned char *p;
	uint64_t n;
};

static void
rec_seg(const struct record *r, uint64_t i, struct tk__ticks_seg *s)
{
	const unsigned char *q = r->p + TK_TIMEBASE_HDR + i * TK_TIMEBASE_SEG;

	s->base_count = get64(q);
	s->windup_count = get64(q + 8);
	s->mult = get64(q + 16);
	s->k_ns = get64(q + 24);
	s->real_ns = (int64_t)get64(q + 32);
	s->base_ns = (int64_t)get64(q + 40);
	s->flags = get32(q + 48);
}

/* Segment idx back from the newest: the record stores oldest first. */
static int
rec_get(const void *ctx, uint64_t idx, struct tk__ticks_seg *s)
{
	const struct record *r = ctx;

	if (idx >= r->n)
		return 1;
	rec_seg(r, r->n - 1 - idx, s);
	return 0;
}

/*
 * Everything a record must be before a tick is converted with it: the
 * header as written, the checksum, and segments in counter order with
 * only the first starting an epoch.
 */
static int
rec_open(const void *rec, size_t size, struct record *r)
{
	const unsigned char *p = rec;
	struct tk__ticks_seg s, prev;
	uint64_t n, i;

	if (p == NULL || size < TK_TIMEBASE_HDR || memcmp(p, "TKTB", 4) != 0 ||
	    get16(p + 4) != TK_TIMEBASE_VERSION ||
	    get16(p + 6) != TK_TIMEBASE_HDR ||
	    get32(p + 12) != TK_TIMEBASE_SEG || get32(p + 52) != 0)
		return -EINVAL;
	n = get32(p + 8);
	if (n == 0 || n > (size - TK_TIMEBASE_HDR) / TK_TIMEBASE_SEG ||
	    fnv1a(p, TK_TIMEBASE_HDR + n * TK_TIMEBASE_SEG) != get64(p + 56))
		return -EINVAL;
	r->p = p;
	r->n = n;
	for (i = 0; i < n; i++) {
		rec_seg(r, i, &s);
		if (s.windup_count <= s.base_count || s.mult == 0 ||
		    (s.flags & ~TK_TICKS_SEG_EPOCH) != 0 ||
		    get32(p + TK_TIMEBASE_HDR + i * TK_TIMEBASE_SEG + 52) != 0 ||
		    (i > 0 && ((s.flags & TK_TICKS_SEG_EPOCH) ||
		                  s.base_count < prev.windup_count)))
			return -EINVAL;
		prev = s;
	}
	return 0;
}

int
tk_timebase_convert(const void *rec, size_t size, uint64_t ticks,
    int64_t *mono_ns, int64_t *real_ns)
{
	struct record r;
	int64_t m, re;
	int st;

	if (rec_open(rec, size, &r) != 0)
		return -EINVAL;
	st = tk__ticks_convert(rec_get, &r, r.n, ticks, &m, &re);
	if (st >= 0) {
		if (mono_ns != NULL)
			*mono_ns = m;
		if (real_ns != NULL)
			*real_ns = re;
	}
	return st;
}
