/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Ticks to time from segments (src/ticks.h): the conversion shared by this
 * process's history and by timebase records, the record's writer, and
 * tk_timebase_convert(), which needs nothing but the record.  Pure: no
 * clock, no process state, no allocation.
 *
 * Counter values are compared modulo 2^64, as the engine compares them
 * (the counter may wrap within a run): a segment or tick is "after" c when
 * it lies less than 2^63 counts past it.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "ticks.h"
#include "timekeep.h"

#define HALF_RANGE (UINT64_C(1) << 63)

/* Inside s's range: T_S(t), or V before the hands were surely seen. */
static int64_t
seg_in(const struct tk__ticks_seg *s, uint64_t t, int *st)
{
	int64_t v = (int64_t)(s->k_ns + tk__ticks_mulhi((uint32_t)t, s->mult));

	if (t - s->base_count >= s->exact_count - s->base_count) {
		*st = TK_TICKS_EXACT;
		return v;
	}
	*st = TK_TICKS_EXTRAPOLATED;
	return v < s->v_ns ? v : s->v_ns;
}

/*
 * Between the end of older and the start of newer: from older's floor to
 * newer's start, linearly in the counter, and never above what readers
 * answered while newer was being wound (its V).
 */
static int64_t
seg_gap(const struct tk__ticks_seg *older, const struct tk__ticks_seg *newer,
    uint64_t t)
{
	int64_t lo = tk__ticks_beyond(older, older->windup_count), v = lo;
	uint64_t dc = newer->base_count - older->windup_count;
	uint64_t dv = (uint64_t)newer->base_ns - (uint64_t)lo;

	uint64_t x = t - older->windup_count;

	/* (x dv) / dc, in 64 bits when it fits (__udivti3 costs ~40 ns). */
	if (newer->base_ns > lo && dc != 0)
		v = (int64_t)((uint64_t)lo +
		    ((x | dv) >> 32 == 0
		            ? x * dv / dc
		            : (uint64_t)((unsigned __int128)x * dv / dc)));
	return v < newer->v_ns ? v : newer->v_ns;
}

/*
 * Before s, carried back at its rate from where it starts (its V when
 * that is lower), saturating at INT64_MIN.
 */
static int64_t
seg_before(const struct tk__ticks_seg *s, uint64_t t)
{
	int64_t start = s->v_ns < s->base_ns ? s->v_ns : s->base_ns;
	uint64_t d = tk__ticks_mulhi(s->base_count - t, s->mult);

	if (d >= (uint64_t)start - (uint64_t)INT64_MIN)
		return INT64_MIN;
	return (int64_t)((uint64_t)start - d);
}

/*
 * The existing segment nearest idx within (lo, hi), looking older first,
 * read into *seg: 0 and *at; 1 when every one there is missing; or get's
 * error.
 */
static int
probe(tk__ticks_get *get, const void *ctx, uint64_t lo, uint64_t hi,
    uint64_t idx, uint64_t *at, struct tk__ticks_seg *seg)
{
	uint64_t i;
	int r;

	for (i = idx; i < hi; i++)
		if ((r = get(ctx, i, seg)) <= 0)
			goto out;
	for (i = idx; i > lo + 1;)
		if ((r = get(ctx, --i, seg)) <= 0)
			goto out;
	return 1;
out:
	*at = i;
	return r;
}

/* The state of a search: what is known around t so far. */
struct find {
	uint64_t t, back, top; /* back: top - t */
	uint64_t lo, hi; /* lo starts after t, hi at or before it */
	uint64_t dlo, dhi; /* how far back from top they start */
	const struct tk__ticks_seg *newer, *older;
};

/*
 * Segment i, just read into s: a new bound on one side of t.  Bounds only
 * close in, so lo < hi always, whatever a record says.
 */
static void
found(struct find *f, uint64_t i, const struct tk__ticks_seg *s)
{
	uint64_t d = f->top - s->base_count;

	if (i <= f->lo || i >= f->hi)
		return; /* out of order: a damaged record; keep lo < hi */
	if (d >= f->back) {
		f->hi = i;
		f->dhi = d;
		f->older = s;
	} else {
		f->lo = i;
		f->dlo = d;
		f->newer = s;
	}
}

/*
 * Where t's segment should be: interpolation between the two bounds when
 * both are known, else the mean length so far carried on, else -1 (a
 * damaged record's distances too).
 */
static int64_t
estimate(const struct find *f, uint64_t n)
{
	double x;

	if (f->back <= f->dlo)
		return -1;
	if (f->older != NULL && f->dhi > f->dlo)
		x = (double)f->lo +
		    (double)(f->hi - f->lo) *
		        ((double)(f->back - f->dlo) /
		            (double)(f->dhi - f->dlo));
	else if (f->older == NULL && f->dlo != 0)
		x = (double)f->lo * ((double)f->back / (double)f->dlo);
	else
		return -1;
	return x < (double)n ? (int64_t)x + 1 : (int64_t)n;
}

/*
 * Where t's segment should be from two neighbours, x and x - 1, just read
 * on the same side of t: their distance apart carried on to t (a Newton
 * step, right where the history's spacing is locally even); -1 if they
 * are not on one side or not in order.
 */
static int64_t
local(const struct find *f, uint64_t x, const struct tk__ticks_seg *a,
    const struct tk__ticks_seg *b)
{
	uint64_t da = f->top - a->base_count, db = f->top - b->base_count;
	uint64_t p = da - db, k;

	if (da <= db || p == 0)
		return -1;
	if (db >= f->back) {
		/* Both at or before t: t's segment is newer by k. */
		k = (db - f->back) / p;
		return k < x - 1 ? (int64_t)(x - 1 - k) : -1;
	}
	if (da < f->back) {
		/* Both after t: older by k. */
		k = (f->back - da) / p + 1;
		return k < UINT64_C(1) << 62 ? (int64_t)(x + k) : -1;
	}
	return -1;
}

/*
 * The first step: segment x (the guess) and its newer neighbour, read at
 * once (independent reads, which overlap).  1 when they straddle t
 * (f->older and f->newer set), else 0 with what they showed in f and
 * *next, where to read next (the pair's spacing carried on to t;
 * UINT64_MAX: bisect), or get's error.
 */
static int
first(tk__ticks_get *get, const void *ctx, struct find *f, uint64_t x,
    struct tk__ticks_seg buf[4], uint64_t *next)
{
	int ra = get(ctx, x, &buf[0]), rb = get(ctx, x - 1, &buf[1]);
	int64_t e = -1;

	if (ra < 0 || rb < 0)
		return ra < 0 ? ra : rb;
	if (ra == 0 && rb == 0 && f->top - buf[0].base_count >= f->back &&
	    f->top - buf[1].base_count < f->back) {
		f->older = &buf[0];
		f->newer = &buf[1];
		return 1;
	}
	if (ra == 0)
		found(f, x, &buf[0]);
	if (rb == 0)
		found(f, x - 1, &buf[1]);
	if (ra == 0 && rb == 0)
		e = local(f, x, &buf[0], &buf[1]);
	*next = e >= 0 ? (uint64_t)e : UINT64_MAX;
	return 0;
}

/*
 * The segments around t, which is before top (the newest), among the n
 * segments get gives: f->newer the oldest known that starts after t (top
 * itself, or one read into buf), f->older the newest that starts at or
 * before it.  1 found, 0 t is before them all (then f->newer is the
 * oldest), or get's error.  Distances are taken back from top's start
 * (modulo 2^64).
 *
 * Each step reads a guess and its newer neighbour at once (the two reads
 * overlap): usually the guess is t's segment, and the neighbour confirms
 * it.  The first guess is t's distance over period, the spacing of the
 * newest two (segments usually come at one pace); the next, the pair's
 * own spacing
 * carried on to t, or interpolation between the two known starts around
 * t; a step that did not halve the range is followed by a bisection, so
 * n segments take at most ~2 log2 n steps.
 * Segments are read into buf in place and handed out by pointer: a copy
 * of what was just stored field by field would stall on the store
 * buffer.
 */
static int
search(tk__ticks_get *get, const void *ctx, uint64_t n, uint64_t period,
    struct find *f, struct tk__ticks_seg buf[4])
{
	uint64_t x, width, i, span = period;
	struct tk__ticks_seg *a, *b;
	int64_t e;
	int ra, rb, k = 0, bisect = 0;

	x = span != 0 ? f->back / span + 1 : 1;
	if (x > 1 && x < n) {
		ra = first(get, ctx, f, x, buf, &x);
		if (ra != 0)
			return ra; /* the usual case, or an error */
		if (x == UINT64_MAX)
			bisect = 1;
	}
	while ((width = f->hi - f->lo) > 1) {
		if (bisect)
			x = f->lo + width / 2;
		else if (x <= f->lo)
			x = f->lo + 1;
		else if (x >= f->hi)
			x = f->hi - 1;
		/* Two buffers that hold neither bound. */
		while (&buf[k] == f->newer || &buf[k] == f->older)
			k = (k + 1) % 4;
		a = &buf[k];
		do
			k = (k + 1) % 4;
		while (&buf[k] == f->newer || &buf[k] == f->older);
		b = &buf[k];
		ra = get(ctx, x, a);
		rb = x - 1 > f->lo ? get(ctx, x - 1, b) : 1;
		if (ra < 0 || rb < 0)
			return ra < 0 ? ra : rb;
		if (ra > 0 && rb > 0) {
			/* Both missing: the nearest that is there. */
			ra = probe(get, ctx, f->lo, f->hi, x, &i, a);
			if (ra < 0)
				return ra;
			if (ra > 0)
				break; /* none left between the bounds */
			found(f, i, a);
		} else {
			if (ra == 0)
				found(f, x, a);
			if (rb == 0)
				found(f, x - 1, b);
		}
		if (f->hi - f->lo <= 1)
			break; /* the usual end: the guess was t's segment */
		e = ra == 0 && rb == 0 ? local(f, x, a, b) : -1;
		if (e < 0)
			e = estimate(f, n);
		bisect = !bisect && f->hi - f->lo > width / 2;
		x = e < 0 ? f->lo + (f->hi - f->lo) / 2 : (uint64_t)e;
	}
	return f->older != NULL;
}

int
tk__ticks_convert(tk__ticks_get *get, const void *ctx, uint64_t n,
    const struct tk__ticks_seg *top, uint64_t period, uint64_t t,
    int64_t v_next, int64_t *mono_ns, int64_t *real_ns)
{
	const struct tk__ticks_seg *from = top;
	struct tk__ticks_seg buf[4];
	struct find f;
	int st = TK_TICKS_EXTRAPOLATED, r;

	if (t - top->base_count < HALF_RANGE) {
		/* At or after the newest segment's start. */
		if (t - top->base_count < top->windup_count - top->base_count)
			*mono_ns = seg_in(top, t, &st);
		else if ((*mono_ns = tk__ticks_beyond(top, t)) > v_next)
			*mono_ns = v_next;
		goto out;
	}
	f = (struct find){ .t = t,
		.back = top->base_count - t,
		.top = top->base_count,
		.lo = 0,
		.hi = n,
		.newer = top };
	if (period == 0 || period >= HALF_RANGE)
		period = top->windup_count - top->base_count;
	r = search(get, ctx, n, period, &f, buf);
	if (r < 0)
		return r;
	if (r == 0) {
		/* Before the oldest segment, which is now newer. */
		from = f.newer;
		if (from->flags & TK_TICKS_SEG_EPOCH) {
			*mono_ns = seg_before(from, from->base_count);
			st = TK_TICKS_CLAMPED;
		} else {
			*mono_ns = seg_before(from, t);
		}
	} else {
		from = f.older;
		if (t - from->base_count <
		    from->windup_count - from->base_count)
			*mono_ns = seg_in(from, t, &st);
		else
			*mono_ns = seg_gap(from, f.newer, t);
	}
out:
	*real_ns = (int64_t)((uint64_t)*mono_ns + (uint64_t)from->real_ns);
	return st;
}

/* ---- the timebase record ------------------------------------------------ */

#define FNV_BASIS 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

static void
put32(unsigned char *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> 8 * i);
}

static void
put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
get64(const unsigned char *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* FNV-1a 64 of p[0..n) from h. */
static uint64_t
fnv1a(uint64_t h, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= FNV_PRIME;
	}
	return h;
}

/* The header's check: its bytes 56..63 read as 0. */
static uint64_t
hdr_check(const unsigned char *p)
{
	static const unsigned char zero[8];

	return fnv1a(fnv1a(FNV_BASIS, p, 56), zero, 8);
}

/* Segment i's check (src/ticks.h), from the header's. */
static uint64_t
seg_check(uint64_t hcheck, const unsigned char *q, uint32_t i)
{
	unsigned char ib[4];

	put32(ib, i);
	return fnv1a(fnv1a(hcheck, q, 56), ib, 4);
}

static uint32_t
exact_off(const struct tk__ticks_seg *s)
{
	uint64_t off = s->exact_count - s->base_count;

	return off < s->windup_count - s->base_count &&
	        off < TK_TIMEBASE_EXACT_NONE
	    ? (uint32_t)off
	    : TK_TIMEBASE_EXACT_NONE;
}

long
tk__timebase_write(void *buf, size_t size, const struct tk__timebase_hdr *hdr,
    tk__ticks_get *get, const void *ctx, uint64_t n)
{
	unsigned char *p = buf, *q;
	struct tk__ticks_seg s;
	uint64_t hcheck;
	uint32_t k = 0, i;
	size_t kind;

	if (n > UINT32_MAX || size < TK_TIMEBASE_HDR + n * TK_TIMEBASE_SEG)
		return -ENOSPC;
	for (i = (uint32_t)n; i-- > 0;) {
		if (get(ctx, i, &s) != 0)
			continue;
		q = p + TK_TIMEBASE_HDR + (size_t)k * TK_TIMEBASE_SEG;
		put64(q, s.base_count);
		put64(q + 8, s.windup_count);
		put64(q + 16, s.mult);
		put64(q + 24, (uint64_t)s.base_ns);
		put64(q + 32, (uint64_t)s.real_ns);
		put64(q + 40, (uint64_t)s.v_ns);
		put32(q + 48, exact_off(&s));
		put32(q + 52, s.flags & TK_TICKS_SEG_EPOCH);
		k++;
	}
	if (k == 0)
		return -EAGAIN;
	memset(p, 0, TK_TIMEBASE_HDR);
	memcpy(p, TK_TIMEBASE_MAGIC, 4);
	p[4] = TK_TIMEBASE_VERSION;
	p[6] = TK_TIMEBASE_HDR;
	put32(p + 8, k);
	put32(p + 12, TK_TIMEBASE_SEG);
	put64(p + 16, hdr->hz);
	kind = strlen(hdr->kind);
	memcpy(p + 24, hdr->kind, kind < 8 ? kind : 8);
	put64(p + 32, (uint64_t)hdr->mono_ns);
	put64(p + 40, (uint64_t)hdr->real_ns);
	put32(p + 48, hdr->pid);
	hcheck = hdr_check(p);
	put64(p + 56, hcheck);
	for (i = 0; i < k; i++) {
		q = p + TK_TIMEBASE_HDR + (size_t)i * TK_TIMEBASE_SEG;
		put64(q + 56, seg_check(hcheck, q, i));
	}
	return (long)(TK_TIMEBASE_HDR + (size_t)k * TK_TIMEBASE_SEG);
}

/* A record whose header is valid: its bytes, segment count and check. */
struct record {
	const unsigned char *p;
	uint64_t n;
	uint64_t hcheck;
};

/* The header as written: magic, sizes, flags, check, n within size. */
static int
rec_open(const void *rec, size_t size, struct record *r)
{
	const unsigned char *p = rec;

	if (p == NULL || size < TK_TIMEBASE_HDR ||
	    memcmp(p, TK_TIMEBASE_MAGIC, 4) != 0 ||
	    (p[4] | p[5] << 8) != TK_TIMEBASE_VERSION ||
	    (p[6] | p[7] << 8) != TK_TIMEBASE_HDR ||
	    get32(p + 12) != TK_TIMEBASE_SEG || get32(p + 52) != 0 ||
	    hdr_check(p) != get64(p + 56))
		return -EINVAL;
	r->p = p;
	r->n = get32(p + 8);
	r->hcheck = get64(p + 56);
	if (r->n == 0 || r->n > (size - TK_TIMEBASE_HDR) / TK_TIMEBASE_SEG)
		return -EINVAL;
	return 0;
}

/*
 * Segment idx back from the newest (the record stores oldest first),
 * checked: its check, a non-empty range of less than 2^63 counts, a
 * multiplier, known flags, an epoch only at the start, exact_off within
 * the range.  -EINVAL for anything else.
 */
static int
rec_get(const void *ctx, uint64_t idx, struct tk__ticks_seg *s)
{
	const struct record *r = ctx;
	uint64_t i = r->n - 1 - idx, span;
	const unsigned char *q = r->p + TK_TIMEBASE_HDR + i * TK_TIMEBASE_SEG;
	uint32_t off;

	if (seg_check(r->hcheck, q, (uint32_t)i) != get64(q + 56))
		return -EINVAL;
	s->base_count = get64(q);
	s->windup_count = get64(q + 8);
	s->mult = get64(q + 16);
	s->base_ns = (int64_t)get64(q + 24);
	s->real_ns = (int64_t)get64(q + 32);
	s->v_ns = (int64_t)get64(q + 40);
	off = get32(q + 48);
	s->flags = get32(q + 52);
	span = s->windup_count - s->base_count;
	if (span == 0 || span >= HALF_RANGE || s->mult == 0 ||
	    (s->flags & ~TK_TICKS_SEG_EPOCH) != 0 ||
	    (i > 0 && (s->flags & TK_TICKS_SEG_EPOCH)) ||
	    (off != TK_TIMEBASE_EXACT_NONE && off >= span))
		return -EINVAL;
	s->exact_count = off == TK_TIMEBASE_EXACT_NONE ? s->windup_count
	                                               : s->base_count + off;
	s->k_ns = (uint64_t)s->base_ns -
	    tk__ticks_mulhi((uint32_t)s->base_count, s->mult);
	return 0;
}

int
tk_timebase_convert(const void *rec, size_t size, uint64_t ticks,
    int64_t *mono_ns, int64_t *real_ns)
{
	struct tk__ticks_seg top;
	struct record r;
	int64_t m, re;
	int st;

	if (rec_open(rec, size, &r) != 0)
		return -EINVAL;
	if (rec_get(&r, 0, &top) != 0)
		return -EINVAL;
	st = tk__ticks_convert(
	    rec_get, &r, r.n, &top, 0, ticks, TK_TICKS_V_NONE, &m, &re);
	if (st < 0)
		return -EINVAL;
	if (mono_ns != NULL)
		*mono_ns = m;
	if (real_ns != NULL)
		*real_ns = re;
	return st;
}
