/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Ticks converted in this process: the current hands (the front, else the
 * ring slot the word names) and the history (src/hands/hands_page.h, one
 * entry a publication, TK_HANDS_NHIST of them) as the segments of the
 * conversion in src/ticks.c; and the same segments written out as a
 * timebase record.
 *
 * A tick taken while hands H were current, once every reader saw them,
 * converts with H's own numbers and arithmetic, so it gives exactly what
 * tk_nanotime() gave at that counter value (docs/ticks.md "Exactness").
 * Before that moment (the entry's exact_off) and in the gap before H,
 * readers answered the closing value V (src/hands/hands_wind.c), so ticks
 * there convert to at most V.  History entries are claimed like ring
 * slots: one being written, or left half written by a winder that never
 * came back, is missing, and the conversion goes around it.  Only the
 * current epoch counts: after the counter went back, older counter values
 * mean other times.
 *
 * A tick past the current hands winds them first, as a clock read would,
 * so it falls between two kept hands and converts the same now and later.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "atomic.h"
#include "hands/hands_impl.h"
#include "hands/hands_ticks.h"
#include "timehands.h"
#include "timekeep.h"

#define HALF_RANGE (UINT64_C(1) << 63)

/*
 * What the accessor works from: the current hands (or, once disabled, the
 * last ones) as segment 0, their publication number, the epoch's first,
 * how many segments the history holds, and what readers answer past the
 * current hands (the closing V, the final floor once disabled).
 */
struct hist_ctx {
	const struct tk__hands_page *pg;
	struct tk__ticks_seg cur;
	uint64_t period; /* from the previous hands' start, or 0 */
	uint64_t seq;
	uint64_t epoch_seq;
	uint64_t n;
	int64_t v_next;
	int off;
};

/* A range check modulo 2^64: c in [base, base + span). */
static int
in_range(uint64_t c, uint64_t base, uint64_t span)
{
	return c - base < span;
}

/* Entry seq as a segment: 0, or 1 when it is missing or holds another. */
static int
hist_entry(const struct tk__hands_page *pg, uint64_t seq, uint64_t epoch_seq,
    struct tk__ticks_seg *s)
{
	const struct tk__hands_hist *e = &pg->hist[seq & (TK_HANDS_NHIST - 1u)];
	uint64_t off;
	uint32_t gen;

	gen = tk__th_read_begin(&e->gen);
	s->base_count = tk__load_relaxed(&e->base_count);
	s->windup_count = tk__load_relaxed(&e->windup_count);
	s->mult = tk__load_relaxed(&e->mult);
	s->base_ns = tk__load_relaxed(&e->base_ns);
	s->real_ns = tk__load_relaxed(&e->real_ns);
	s->v_ns = tk__load_relaxed(&e->v_ns);
	off = tk__load_relaxed(&e->exact_off);
	if (tk__load_relaxed(&e->seq) != seq ||
	    tk__th_read_retry_even(&e->gen, gen))
		return 1;
	s->k_ns = (uint64_t)s->base_ns -
	    tk__ticks_mulhi((uint32_t)s->base_count, s->mult);
	s->exact_count = off < s->windup_count - s->base_count
	    ? s->base_count + off
	    : s->windup_count;
	s->flags = seq == epoch_seq ? TK_TICKS_SEG_EPOCH : 0;
	return 0;
}

/* Segment idx: 0 the current hands, k the history entry of seq - k. */
static int
hist_get(const void *ctx, uint64_t idx, struct tk__ticks_seg *s)
{
	const struct hist_ctx *c = ctx;

	if (idx == 0) {
		*s = c->cur;
		return 0;
	}
	return hist_entry(c->pg, c->seq - idx, c->epoch_seq, s);
}

/*
 * The ring slot's hands as segment 0, with their seq and epoch: 0, or
 * -EAGAIN for a slot changing under the read.  V and exact_count come
 * from the hands' own history entry, which the winder writes just after
 * the publication; until it is there, no tick of theirs counts as exact.
 * The entry's place comes from seq18, the word's seq, so it is read
 * alongside the slot rather than after it.
 */
static int
slot_load(const struct tk__hands_page *pg, unsigned slot, uint64_t seq18,
    struct hist_ctx *c)
{
	const struct tk__hands_slot *r = &pg->ring[slot];
	const struct tk__hands_hist *he =
	    &pg->hist[seq18 & (TK_HANDS_NHIST - 1u)];
	const struct tk__hands_hist *hp =
	    &pg->hist[(seq18 - 1) & (TK_HANDS_NHIST - 1u)];
	struct tk__ticks_seg *s = &c->cur, e;
	uint64_t prev_base, prev_seq;
	uint32_t gen;
	int have;

	gen = tk__th_read_begin(&r->hot.gen);
	s->base_count = tk__load_relaxed(&r->hot.base_count);
	s->windup_count = tk__load_relaxed(&r->hot.windup_count);
	s->mult = tk__load_relaxed(&r->hot.mult);
	s->k_ns = tk__load_relaxed(&r->hot.k_ns);
	s->base_ns = tk__load_relaxed(&r->hot.base_ns);
	s->real_ns = tk__load_relaxed(&r->hot.real_ns);
	c->seq = tk__load_relaxed(&r->cold.seq);
	c->epoch_seq = tk__load_relaxed(&r->cold.epoch_seq);
	have = hist_entry(pg, tk__load_relaxed(&he->seq), 0, &e) == 0;
	/* A hint for the search only: torn or stale does no harm. */
	prev_base = tk__load_relaxed(&hp->base_count);
	prev_seq = tk__load_relaxed(&hp->seq);
	if (tk__th_read_retry_even(&r->hot.gen, gen))
		return -EAGAIN;
	c->period = prev_seq + 1 == c->seq ? s->base_count - prev_base : 0;
	s->flags = c->seq == c->epoch_seq ? TK_TICKS_SEG_EPOCH : 0;
	if (have && e.base_count == s->base_count) {
		s->v_ns = e.v_ns;
		s->exact_count = e.exact_count;
	} else {
		s->v_ns = TK_TICKS_V_NONE;
		s->exact_count = s->windup_count;
	}
	return 0;
}

/*
 * Disabled (the word names no slot): the last hands, the ones whose seq
 * the word kept, found through their history entry and their ring slot.
 * 0, or -ENOENT when they are gone.
 */
static int
last_hands(const struct tk__hands_page *pg, uint64_t w, struct hist_ctx *c)
{
	uint64_t lo = tk__hands_w_seq(w);
	const struct tk__hands_hist *e = &pg->hist[lo & (TK_HANDS_NHIST - 1u)];
	uint64_t seq = tk__load_relaxed(&e->seq);
	unsigned i;

	if ((seq & TK_HANDS_W_SEQ_MASK) != lo)
		return -ENOENT;
	for (i = 0; i < TK_HANDS_NSLOTS; i++)
		if (slot_load(pg, i, lo, c) == 0 && c->seq == seq &&
		    hist_entry(pg, seq, c->epoch_seq, &c->cur) == 0)
			return 0;
	return -ENOENT;
}

/*
 * The current hands: 0; -ENOENT while there are none (a page not set up,
 * wiped by fork, calibrating, or disabled with its hands gone); -EAGAIN
 * when they kept changing under the read.
 */
static int
hist_open(struct tk__hands *h, struct hist_ctx *c)
{
	const struct tk__hands_page *pg = h->page;
	uint64_t w, n;
	unsigned slot;
	int i;

	c->pg = pg;
	for (i = 0; i < TK_TH_READ_TRIES; i++) {
		/* Acquire: as in tk__hands_slow(). */
		if (tk__load_acquire(&pg->hdr.state) != TK_HANDS_READY)
			return -ENOENT;
		/*
		 * Acquire: the slot and the history are read after the word;
		 * pairs with the publishing CAS in tk__hands_wind_from().
		 */
		w = tk__load_acquire(&pg->pub.word);
		slot = tk__hands_w_slot(w);
		c->off = slot == TK_HANDS_W_OFF;
		if (slot == TK_HANDS_W_NONE ||
		    (c->off && last_hands(pg, w, c) != 0))
			return -ENOENT;
		if (!c->off &&
		    (slot >= TK_HANDS_NSLOTS ||
		        slot_load(pg, slot, tk__hands_w_seq(w), c) != 0))
			continue;
		if (c->off)
			/* Relaxed: written before the disabled word. */
			c->v_next = tk__load_relaxed(&pg->hdr.final_ns);
		else if (w & TK_HANDS_W_CLOSING)
			c->v_next = tk__hands_w_v(
			    w, tk__ticks_beyond(&c->cur, c->cur.windup_count));
		else
			c->v_next = TK_TICKS_V_NONE;
		n = c->seq - c->epoch_seq + 1;
		c->n = n < TK_HANDS_NHIST ? n : TK_HANDS_NHIST;
		return 0;
	}
	return -EAGAIN;
}

/* No hands at all: the clock now, as a read gives it.  CLAMPED. */
static int
no_hands(struct tk__hands *h, int64_t *mono_ns, int64_t *real_ns)
{
	if (tk__hands_nanotime(h, 0, 1, mono_ns) != 0 ||
	    tk__hands_nanotime(h, 1, 1, real_ns) != 0)
		return -EAGAIN;
	return TK_TICKS_CLAMPED;
}

int
tk__hands_ticks_to_ns(
    struct tk__hands *h, uint64_t t, int64_t *mono_ns, int64_t *real_ns)
{
	struct hist_ctx c;
	int64_t ns;
	uint64_t now;
	int st, err, clamp = 0;

	err = hist_open(h, &c);
	if (err == -ENOENT) {
		/*
		 * A page wiped by fork or not yet calibrated: a read sets it up
		 * (a fork child has hands at once, from its parent's rate).
		 */
		(void)tk__hands_nanotime(h, 0, 1, &ns);
		err = hist_open(h, &c);
	}
	if (err == -ENOENT)
		return no_hands(h, mono_ns, real_ns);
	if (err != 0)
		return -EAGAIN;
	if (t - c.cur.base_count < HALF_RANGE &&
	    !in_range(
	        t, c.cur.base_count, c.cur.windup_count - c.cur.base_count)) {
		/*
		 * Past the current hands.  Ordered: a tick handed over from
		 * another thread was read before this.  A tick from the
		 * future is clamped to now; else the hands are due, and are
		 * wound as a read would wind them.
		 */
		now = h->counter(1);
		if (t - now < HALF_RANGE && t != now) {
			t = now;
			clamp = 1;
		}
		if (c.off) {
			clamp = 1;
		} else {
			(void)tk__hands_nanotime(h, 0, 1, &ns);
			if (hist_open(h, &c) != 0)
				return -EAGAIN;
		}
	}
	st = tk__ticks_convert(
	    hist_get, &c, c.n, &c.cur, c.period, t, c.v_next, mono_ns, real_ns);
	if (st < 0)
		return -EAGAIN;
	return clamp ? TK_TICKS_CLAMPED : st;
}

int64_t
tk__hands_history_ns(struct tk__hands *h)
{
	struct tk__ticks_seg s;
	struct hist_ctx c;
	uint64_t i;

	if (hist_open(h, &c) != 0)
		return 0;
	for (i = c.n - 1; i > 0; i--)
		if (hist_get(&c, i, &s) == 0)
			return c.cur.base_ns - s.base_ns;
	return 0;
}

long
tk__hands_timebase(
    struct tk__hands *h, void *buf, size_t size, const char *kind)
{
	struct tk__timebase_hdr hdr;
	struct hist_ctx c;
	int64_t ns;
	int err;

	if (buf == NULL)
		return (long)(TK_TIMEBASE_HDR +
		    (size_t)TK_HANDS_NHIST * TK_TIMEBASE_SEG);
	err = hist_open(h, &c);
	if (err == -ENOENT) {
		/* As in tk__hands_ticks_to_ns(). */
		(void)tk__hands_nanotime(h, 0, 1, &ns);
		err = hist_open(h, &c);
	}
	if (err != 0)
		return -EAGAIN;
	hdr.hz = tk__hands_hz(h);
	hdr.kind = kind;
	if (tk__hands_pair(h, &hdr.mono_ns, &hdr.real_ns) != 0)
		hdr.mono_ns = hdr.real_ns = 0;
	hdr.pid = (uint32_t)getpid();
	return tk__timebase_write(buf, size, &hdr, hist_get, &c, c.n);
}

uint32_t
tk__hands_hist_exact_off(const struct tk__hands_page *pg, uint64_t seq)
{
	struct tk__ticks_seg s;

	if (hist_entry(pg, seq, 0, &s) != 0 || s.exact_count == s.windup_count)
		return TK_HANDS_EXACT_NONE;
	return (uint32_t)(s.exact_count - s.base_count);
}
