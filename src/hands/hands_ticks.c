/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Ticks converted in this process: the current hands (the front, else the
 * ring) and the history (src/hands/hands_page.h, one entry a publication,
 * TK_HANDS_NHIST of them) as the segments of the conversion in src/ticks.c;
 * and the same segments written out as a timebase record.
 *
 * A tick taken while hands H were current converts with H's own numbers
 * and arithmetic, so it gives exactly what tk_nanotime() gave at that
 * counter value (docs/ticks.md "Exactness").  History entries are claimed
 * like ring slots: one being written, or left half written by a winder
 * that never came back, is missing, and the conversion goes around it.
 * Only the current epoch counts: after the counter went back, older counter
 * values mean other times.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "atomic.h"
#include "hands/hands_impl.h"
#include "hands/hands_ticks.h"
#include "timekeep.h"
#include "timehands.h"

/* What the accessor works from: the current hands, validated. */
struct hist_ctx {
	const struct tk__hands_page *pg;
	struct tk__hands_snap sn;
};

static void
seg_of_hot(const struct tk__hands_hot *hot, struct tk__ticks_seg *s)
{
	s->base_count = hot->base_count;
	s->windup_count = hot->windup_count;
	s->mult = hot->mult;
	s->k_ns = hot->k_ns;
	s->real_ns = hot->real_ns;
	s->base_ns = hot->base_ns;
	s->flags = hot->flags & TK_HANDS_H_EPOCH ? TK_TICKS_SEG_EPOCH : 0;
}

/* Segment idx: 0 the current hands, k the history entry of seq - k. */
static int
hist_get(const void *ctx, uint64_t idx, struct tk__ticks_seg *s)
{
	const struct hist_ctx *c = ctx;
	const struct tk__hands_hist *e;
	uint64_t seq = c->sn.cold.seq - idx;
	uint32_t gen;

	if (idx == 0) {
		seg_of_hot(&c->sn.hot, s);
		return 0;
	}
	e = &c->pg->hist[seq & (TK_HANDS_NHIST - 1u)];
	gen = tk__th_read_begin(&e->gen);
	s->base_count = tk__load_relaxed(&e->base_count);
	s->windup_count = tk__load_relaxed(&e->windup_count);
	s->mult = tk__load_relaxed(&e->mult);
	s->k_ns = tk__load_relaxed(&e->k_ns);
	s->real_ns = tk__load_relaxed(&e->real_ns);
	s->base_ns = tk__load_relaxed(&e->base_ns);
	s->flags = tk__load_relaxed(&e->flags) & TK_HANDS_H_EPOCH
	    ? TK_TICKS_SEG_EPOCH
	    : 0;
	if (tk__load_relaxed(&e->seq) != seq ||
	    tk__th_read_retry_even(&e->gen, gen))
		return -1;
	return 0;
}

/* How many segments the epoch has that the history still holds. */
static uint64_t
hist_count(const struct tk__hands_snap *sn)
{
	uint64_t n = sn->cold.seq - sn->cold.epoch_seq + 1;

	return n < TK_HANDS_NHIST ? n : TK_HANDS_NHIST;
}

/* The current hands, or -EAGAIN while there are none. */
static int
hist_open(struct tk__hands *h, struct hist_ctx *c)
{
	int i;

	c->pg = h->page;
	for (i = 0; i < TK_TH_READ_TRIES; i++) {
		/* Acquire: as in tk__hands_slow(). */
		if (tk__load_acquire(&h->page->hdr.state) != TK_HANDS_READY)
			return -EAGAIN;
		if (tk__hands_snap(h, &c->sn) == 0)
			return c->sn.has_hands ? 0 : -EAGAIN;
	}
	return -EAGAIN;
}

/* The front's hands, if t is inside them: the cheap, common case. */
static int
front_exact(const struct tk__hands_page *pg, uint64_t t, int64_t *mono_ns,
    int64_t *real_ns)
{
	const struct tk__hands_front *f = &pg->front;
	uint64_t base, span, mult, km, kr, m;
	uint32_t gen;

	gen = tk__th_read_begin(&f->gen);
	base = tk__load_relaxed(&f->base_count);
	span = tk__load_relaxed(&f->span);
	mult = tk__load_relaxed(&f->mult);
	km = tk__load_relaxed(&f->k_mono);
	kr = tk__load_relaxed(&f->k_real);
	m = tk__mulhi64((uint32_t)t, mult);
	if (tk__th_read_retry_even(&f->gen, gen) || t - base >= span)
		return -1;
	*mono_ns = (int64_t)(km + m);
	*real_ns = (int64_t)(kr + m);
	return 0;
}

int
tk__hands_ticks_to_ns(
    struct tk__hands *h, uint64_t t, int64_t *mono_ns, int64_t *real_ns)
{
	struct hist_ctx c;
	uint64_t now;
	int st;

	if (front_exact(h->page, t, mono_ns, real_ns) == 0)
		return TK_TICKS_EXACT;
	if (hist_open(h, &c) != 0) {
		/* No hands yet: a tick from before the first ones. */
		*mono_ns = tk__load_relaxed(&h->page->hdr.cal_k);
		*real_ns = *mono_ns;
		return TK_TICKS_CLAMPED;
	}
	if (t - c.sn.hot.base_count < TK_HANDS_HALF_RANGE &&
	    t >= c.sn.hot.windup_count) {
		/* Past the current hands: clamp a tick from the future. */
		now = h->counter(0);
		if (t - now < TK_HANDS_HALF_RANGE && t != now) {
			tk__ticks_convert(hist_get, &c, hist_count(&c.sn), now,
			    mono_ns, real_ns);
			return TK_TICKS_CLAMPED;
		}
	}
	st = tk__ticks_convert(hist_get, &c, hist_count(&c.sn), t, mono_ns,
	    real_ns);
	return st < 0 ? -EAGAIN : st;
}

int64_t
tk__hands_history_ns(struct tk__hands *h)
{
	struct tk__ticks_seg s;
	struct hist_ctx c;
	uint64_t n, i;

	if (hist_open(h, &c) != 0)
		return 0;
	n = hist_count(&c.sn);
	for (i = n - 1; i > 0; i--)
		if (hist_get(&c, i, &s) == 0)
			return c.sn.hot.base_ns - s.base_ns;
	return 0;
}

long
tk__hands_timebase(
    struct tk__hands *h, void *buf, size_t size, const char *kind)
{
	struct tk__ticks_seg segs[TK_HANDS_NHIST];
	struct tk__timebase_hdr hdr;
	struct hist_ctx c;
	uint64_t n, i;
	uint32_t k = 0;
	double r;

	if (hist_open(h, &c) != 0)
		return -EAGAIN;
	n = hist_count(&c.sn);
	for (i = n; i-- > 0;)
		if (hist_get(&c, i, &segs[k]) == 0)
			k++;
	r = tk__hands_rate_d(c.sn.cold.rate);
	hdr.hz = r > 0 ? (uint64_t)(1e9 / r + 0.5) : 0;
	hdr.kind = kind;
	if (tk__hands_pair(h, &hdr.mono_ns, &hdr.real_ns) != 0)
		hdr.mono_ns = hdr.real_ns = 0;
	hdr.pid = (uint32_t)getpid();
	return tk__timebase_write(buf, size, &hdr, segs, k);
}
