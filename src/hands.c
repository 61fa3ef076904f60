/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The windup engine for timekeep's own timehands (page format and fast
 * reader: src/hands.h).  It keeps a counter-driven clock in step with a
 * kernel clock, as FreeBSD sys/kern/kern_tc.c tc_windup() keeps its
 * timehands, but in user space: no tick, no interrupt-disabled section.
 * Hands are wound up lazily by the reader that finds them due (DESIGN
 * decision 2), under a try-lock that no reader ever waits on.  The rate
 * is measured against the kernel clock with bracketed samples and a
 * long, rotating baseline (abseil's absl/time/clock.cc and the kernel's
 * selftests raw_skew.c bracket the same way); the error left at each
 * windup is removed by a bounded change of rate over the next interval
 * (a frequency-locked loop in the spirit of abseil's 15/16 correction and
 * of the kernel's NTP slew limit).
 *
 * Never backwards (DESIGN decision 5), by the invariants of src/hands.h:
 *
 *   I2  While hands H are current, a reader answers T_H(c) only for c
 *	 below windup_count (fast path); a reader at or past it answers
 *	 either T_H(windup_count) ("safe": nobody else can have answered
 *	 more than that without a lock), or min(T_H(c), V) while a winder
 *	 holds the lock with value V.  A counter below the base is answered
 *	 T_H(windup_count) too, except just below it (skew, a relaxed read
 *	 taken early), answered base_ns as the kernel's x86 vDSO clamps.
 *   I3  A winder chooses V = B, the value its hands start at, *before* it
 *	 takes the lock, with B >= T_H(windup_count), and publishes exactly
 *	 those hands.  So every answer from H, including frozen ones and
 *	 ones whose counter read executed late, is <= B <= every answer
 *	 from the new hands.  The rate of the new hands does not matter,
 *	 which is what lets the rate change.
 *   A thief (below) keeps the V of the lock it takes over, and its own
 *   B' >= V.  Publication is a CAS on hdr.current, so of a preempted
 *   winder and its thief exactly one publishes, and a slot is written only
 *   by the writer that claimed it.
 *
 * The junction: the new hands start at the winder's own counter read c0
 * (taken just before the lock) with B = T_H(c0) (continuity, the error
 * then slewed away), or, when that is not possible within the slew, B = the
 * kernel's value (a step forward when behind; a drop back as far as
 * T_H(windup_count) when ahead after a long gap nobody observed).
 *
 * Before the first hands (CALIBRATING) readers answer the kernel clock
 * itself.  Such an answer is given only if the lock word was untouched
 * across the kernel read, so it was read before any first hands were
 * decided, and the first hands start at or ahead of the kernel: anchored
 * at the lower counter of their bracket (the kernel read lies after it).
 * The one residue: RDTSCP does not stop a later load from executing before
 * it, so the re-check of the lock may run a few tens of cycles before the
 * kernel's own counter read; the kernel's vDSO has the same window for
 * its sequence count.
 *
 * Leases: a winder that is preempted (or vanishes: longjmp out of a signal
 * handler) while holding the lock freezes due readers at min(T, V).  After
 * TK_HANDS_LEASE_NS a frozen reader takes the lock over (tag + 1, same V)
 * and winds up itself, so a real-time thread spinning on the clock can
 * never be starved by a preempted low-priority winder.
 *
 * Fork: the production page is MADV_WIPEONFORK (src/source/tsc.c), so a
 * child finds it all zero and sets it up again (its time namespace may
 * differ from the parent's), from the rate memo when there is one.
 *
 * Floating point is used for the rate (ns per count, ~1e-16 relative
 * precision) in the slow path only; every published value is an integer.
 */
#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "atomic.h"
#include "hands.h"
#include "platform.h"
#include "timehands.h"

#define NS_PER_SEC 1000000000LL
#define TWO64 18446744073709551616.0 /* 2^64, exact in a double */
#define HALF_RANGE (UINT64_C(1) << 63)
#define BLOCK_MASK UINT64_C(0xffffffff) /* a range never crosses 2^32 */

/* Brackets per kernel sample; the narrowest is kept (raw_skew.c: 3). */
#define HANDS_BRACKETS 3
/* Brackets for the calibration anchor: once, so a few more. */
#define HANDS_ANCHOR_BRACKETS 8
/* The rough rate at set-up is measured over this much kernel time. */
#define HANDS_ROUGH_NS 20000LL
/* ... and the set-up gives up if the kernel does not advance that much. */
#define HANDS_ROUGH_SPINS 1000000
/*
 * Set-up refuses counters at or below 1.05 GHz: mult must stay below 2^64
 * with the slew on top (1 + 500 ppm) and the rough rate's error (~1%).
 */
#define HANDS_MIN_HZ 1050000000.0
/* A published rate, with its slew, must stay below this ns per count. */
#define HANDS_MAX_RATE 0.99
/* Windup attempts (own or taken over) in one slow-path call. */
#define HANDS_WINDS 2

/*
 * The lock word (src/hands.h, struct tk__hands_writer).  Held:
 * bits 0-2 the tag (1: winder, 2-7: thieves), bits 3-13 the low 11 bits of
 * the publication number of the hands it winds up, bits 14-63 V - base
 * where base is T_H(windup_count) (or cal_k before the first hands),
 * saturated: a saturated V is lower than the real one, which only lowers
 * what frozen readers answer.  The publication bits tell a reader whether
 * the lock is about the hands it holds: a lock left by a thief whose
 * publication lost is not, and is then as good as free.
 */
#define LOCK_TAG_MASK UINT64_C(7)
#define LOCK_TAG_MAX 7u
#define LOCK_SEQ_SHIFT 3
#define LOCK_SEQ_MASK UINT64_C(0x7ff)
#define LOCK_V_SHIFT 14
#define LOCK_V_MAX ((UINT64_C(1) << 50) - 1)

static uint64_t
lock_free(uint32_t cur)
{
	return (uint64_t)cur << 3;
}

static int
lock_held(uint64_t w)
{
	return (w & LOCK_TAG_MASK) != 0;
}

/* Is held word w about the hands published as cur? */
static int
lock_for(uint64_t w, uint32_t cur)
{
	return ((w >> LOCK_SEQ_SHIFT) & LOCK_SEQ_MASK) ==
	    ((uint64_t)(cur >> TK_HANDS_CUR_SEQ) & LOCK_SEQ_MASK);
}

static uint64_t
lock_word(int64_t v, int64_t base, uint32_t cur, unsigned tag)
{
	uint64_t rel = v > base ? (uint64_t)v - (uint64_t)base : 0;

	if (rel > LOCK_V_MAX)
		rel = LOCK_V_MAX;
	return rel << LOCK_V_SHIFT |
	    ((uint64_t)(cur >> TK_HANDS_CUR_SEQ) & LOCK_SEQ_MASK)
	    << LOCK_SEQ_SHIFT |
	    tag;
}

static int64_t
lock_v(uint64_t w, int64_t base)
{
	return base + (int64_t)(w >> LOCK_V_SHIFT);
}

/* The slot index hdr.current names. */
static uint32_t
cur_idx(uint32_t cur)
{
	return (cur & TK_HANDS_CUR_OFF) >> TK_HANDS_CUR_SHIFT;
}

/* The next hdr.current: publication number + 1, slot idx. */
static uint32_t
cur_next(uint32_t cur, uint32_t idx)
{
	return ((cur >> TK_HANDS_CUR_SEQ) + 1u) << TK_HANDS_CUR_SEQ |
	    idx << TK_HANDS_CUR_SHIFT;
}

/* A kernel sample: bracket midpoints (counts), widths and the values. */
struct hands_sample {
	uint64_t c; /* CLOCK_MONOTONIC bracket: midpoint */
	uint64_t w; /* and width */
	int64_t k; /* CLOCK_MONOTONIC ns */
	uint64_t rc;
	uint64_t rw;
	int64_t r; /* CLOCK_REALTIME ns */
};

/* A validated copy of the current hands, with the lock word seen. */
struct hands_snap {
	uint32_t state;
	uint32_t cur;
	uint64_t lock;
	struct tk__hands_slot hot;
	struct tk__hands_cold cold;
};

static int64_t
tun(const int64_t *p)
{
	/* Relaxed: a tunable, any recent value will do. */
	return tk__load_relaxed(p);
}

static void
stat_inc(uint64_t *p)
{
	/* Relaxed load and store: counts for tests, a lost race loses one. */
	tk__store_relaxed(p, tk__load_relaxed(p) + 1);
}

static int64_t
hands_round(double x)
{
	if (x >= 9.0e18)
		return INT64_MAX;
	if (x <= -9.0e18)
		return INT64_MIN;
	return x >= 0 ? (int64_t)(x + 0.5) : -(int64_t)(0.5 - x);
}

/* floor(ns / 10^9) */
static int64_t
hands_floor_sec(int64_t ns)
{
	int64_t s = ns / NS_PER_SEC;

	return ns % NS_PER_SEC < 0 ? s - 1 : s;
}

static double
rate_d(uint64_t m)
{
	return (double)m / TWO64;
}

static uint64_t
rate_m(double r)
{
	if (!(r > 0) || r >= HANDS_MAX_RATE)
		return 0;
	return (uint64_t)(r * TWO64);
}

static int64_t
imax64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static int64_t
imin64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* a - b for times that may be far apart, saturated. */
static int64_t
isub_sat(int64_t a, int64_t b)
{
	if (b < 0 && a > INT64_MAX + b)
		return INT64_MAX;
	if (b > 0 && a < INT64_MIN + b)
		return INT64_MIN;
	return a - b;
}

/* T_H(c) for c in [base_count, windup_count): the fast read's formula. */
static int64_t
hands_at(const struct tk__hands_slot *hot, uint64_t c)
{
	return (int64_t)(hot->k_ns + tk__mulhi64((uint32_t)c, hot->mult));
}

/*
 * T_H extended past the hands' range, for c at or after base_count (by
 * less than 2^63 counts, which also counts a counter that wrapped past
 * 2^64 correctly): base_ns + mulhi(c - base_count, mult) + 1.  Why + 1:
 * with x = frac((base_count mod 2^32) * mult / 2^64), the fast formula is
 * base_ns + floor(x + d * mult / 2^64) - floor(x) for d = c - base_count,
 * which is the delta form or one more.  So this is >= every value the
 * fast read gives below c, and non-decreasing: what I2's bound
 * T_H(windup_count) and continuity need.
 */
static int64_t
hands_beyond(const struct tk__hands_slot *hot, uint64_t c)
{
	return (int64_t)((uint64_t)hands_at(hot, hot->base_count) +
	    tk__mulhi64(c - hot->base_count, hot->mult) + 1u);
}

static int
hands_kernel_ns(struct tk__hands *h, clockid_t id, int64_t *ns)
{
	struct timespec ts;
	int err = h->kernel(id, &ts);

	if (err != 0)
		return err;
	*ns = (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
	return 0;
}

/*
 * The narrowest of n chained brackets counter / kernel / counter (each
 * ordered counter read waits for the kernel read before it and precedes
 * the one after, so the kernel's own counter read lies inside), then, if
 * real, one bracket around CLOCK_REALTIME.  -EAGAIN if the counter went
 * backwards in every bracket.
 */
static int
hands_sample(struct tk__hands *h, struct hands_sample *s, int n, int real)
{
	uint64_t c0, c1, best = UINT64_MAX;
	int64_t k;
	int i, err;

	c0 = h->counter(1);
	for (i = 0; i < n; i++) {
		err = hands_kernel_ns(h, CLOCK_MONOTONIC, &k);
		if (err != 0)
			return err;
		c1 = h->counter(1);
		if (c1 - c0 < best) {
			best = c1 - c0;
			s->c = c0 + best / 2;
			s->w = best;
			s->k = k;
		}
		c0 = c1;
	}
	if (best >= HALF_RANGE)
		return -EAGAIN;
	if (!real)
		return 0;
	err = hands_kernel_ns(h, CLOCK_REALTIME, &s->r);
	if (err != 0)
		return err;
	c1 = h->counter(1);
	s->rw = c1 - c0 < HALF_RANGE ? c1 - c0 : 0;
	s->rc = c0 + s->rw / 2;
	return 0;
}

static void
hot_load(const struct tk__hands_slot *s, struct tk__hands_slot *o)
{
	o->base_count = tk__load_relaxed(&s->base_count);
	o->windup_count = tk__load_relaxed(&s->windup_count);
	o->mult = tk__load_relaxed(&s->mult);
	o->k_ns = tk__load_relaxed(&s->k_ns);
	o->real_ns = tk__load_relaxed(&s->real_ns);
}

static void
hot_store(struct tk__hands_slot *s, const struct tk__hands_slot *v)
{
	tk__store_relaxed(&s->base_count, v->base_count);
	tk__store_relaxed(&s->windup_count, v->windup_count);
	tk__store_relaxed(&s->mult, v->mult);
	tk__store_relaxed(&s->k_ns, v->k_ns);
	tk__store_relaxed(&s->real_ns, v->real_ns);
}

static void
split_store(struct tk__hands_split *s, const struct tk__hands_split *v)
{
	tk__store_relaxed(&s->sec, v->sec);
	tk__store_relaxed(&s->k_lo, v->k_lo);
	tk__store_relaxed(&s->real_sec, v->real_sec);
	tk__store_relaxed(&s->real_k_lo, v->real_k_lo);
}

/* The cold half field by field: relaxed, inside the generation. */
#define COLD_FIELDS(X)                                                         \
	X(base_ns)                                                             \
	X(rate)                                                                \
	X(rate_len)                                                            \
	X(a_c)                                                                 \
	X(a_k)                                                                 \
	X(a_w)                                                                 \
	X(q_c)                                                                 \
	X(q_k)                                                                 \
	X(q_w)                                                                 \
	X(p_c)                                                                 \
	X(p_k)                                                                 \
	X(p_w)                                                                 \
	X(real_lo)                                                             \
	X(real_hi)                                                             \
	X(flags)                                                               \
	X(err_ns)                                                              \
	X(floor_ns)                                                            \
	X(cont_ns)                                                             \
	X(kind)                                                                \
	X(prev_cur)

static void
cold_load(const struct tk__hands_cold *s, struct tk__hands_cold *o)
{
#define LOAD_(f) o->f = tk__load_relaxed(&s->f);
	COLD_FIELDS(LOAD_)
#undef LOAD_
}

static void
cold_store(struct tk__hands_cold *s, const struct tk__hands_cold *v)
{
#define STORE_(f) tk__store_relaxed(&s->f, v->f);
	COLD_FIELDS(STORE_)
#undef STORE_
}

/*
 * One validated pass over the current hands, with the counter read and the
 * lock word: 0, or -EAGAIN for a torn or changing slot (also: no hands).
 */
static int
hands_snap(struct tk__hands *h, struct hands_snap *sn, int ordered, uint64_t *c)
{
	struct tk__hands_page *pg = h->page;
	const struct tk__hands_slot *s;
	uint32_t gen, idx;

	sn->cur = tk__th_read_current(&pg->hdr.current);
	idx = cur_idx(sn->cur);
	s = &pg->slot[idx];
	gen = tk__th_read_begin(&s->gen);
	hot_load(s, &sn->hot);
	cold_load(&pg->cold[idx], &sn->cold);
	*c = h->counter(ordered);
	/*
	 * Acquire: the lock word is read before the generation and current
	 * are checked again (and the check's own acquire fence keeps it so),
	 * so a held word seen here was taken while these hands were current;
	 * pairs with the CAS that took it in hands_lock() and the release
	 * in hands_unlock().
	 */
	sn->lock = tk__load_acquire(&pg->wr.lock);
	return tk__th_read_retry(&pg->hdr.current, &s->gen, sn->cur, gen)
	    ? -EAGAIN
	    : 0;
}

/* The rate a parent measured before it forked: 0, or -ENOENT. */
static int
memo_read(struct tk__hands *h, uint64_t *rate, uint64_t *len)
{
	struct tk__hands_memo *m = h->memo;
	uint32_t cur, gen;

	if (m == NULL)
		return -ENOENT;
	cur = tk__th_read_current(&m->current);
	gen = tk__th_read_begin(&m->gen);
	*rate = tk__load_relaxed(&m->rate);
	*len = tk__load_relaxed(&m->rate_len);
	if (tk__th_read_retry(&m->current, &m->gen, cur, gen) || *rate == 0)
		return -ENOENT;
	return 0;
}

static void
memo_write(struct tk__hands *h, uint64_t rate, uint64_t len)
{
	struct tk__hands_memo *m = h->memo;
	uint32_t busy = 0, gen;

	if (m == NULL)
		return;
	/*
	 * CAS: the memo's writers are serialised (the generation protocol
	 * allows one); acquire: the previous writer's stores are complete
	 * before ours; pairs with the release store of 0 below.
	 */
	if (!tk__cas_acq_rel(&h->page->wr.memo_busy, &busy, 1u))
		return;
	gen = tk__load_relaxed(&m->gen);
	tk__th_write_begin(&m->gen);
	tk__store_relaxed(&m->rate, rate);
	tk__store_relaxed(&m->rate_len, len);
	tk__th_write_end(&m->gen, tk__th_next_gen(gen), &m->current, 0u);
	/* Release: the memo is complete before the next writer's CAS above. */
	tk__store_release(&h->page->wr.memo_busy, 0u);
}

static void
anchor_all(struct tk__hands_cold *nc, const struct hands_sample *s)
{
	nc->a_c = nc->q_c = nc->p_c = s->c;
	nc->a_k = nc->q_k = nc->p_k = s->k;
	nc->a_w = nc->q_w = nc->p_w = s->w;
}

/*
 * The kernel rate, updated from the new sample s (all in nc):
 *
 *   - the counter or the kernel went back since the last windup: nothing
 *     measured across that holds; re-anchor everything at s (RECAL);
 *   - after a re-anchor, the baseline anchor..s lies wholly after the
 *     event: measure the rate from it afresh;
 *   - the rate over the last interval is further from the estimate than
 *     TK_HANDS_ANOMALY_PPM beyond its own noise: the counter changed
 *     (frequency, suspend it ran through, migration): re-anchor;
 *   - it is further than its noise (3 x the bracket widths over the
 *     interval, plus 1 ppm): the kernel's rate was changed (NTP): take
 *     the short rate and restart the baseline at the previous sample;
 *   - else the estimate over the long baseline, anchor a..s, once that is
 *     at least as long as the one the current rate came from (or 1 s);
 *     the anchors rotate so the baseline stays between 1 and 2 s.
 */
static void
hands_estimate(struct tk__hands *h, struct tk__hands_cold *nc,
    const struct hands_sample *s)
{
	double rate = rate_d(nc->rate), dc, rs, noise, dev, one_s;
	uint64_t len;

	if (s->c - nc->p_c >= HALF_RANGE || s->c == nc->p_c ||
	    s->k <= nc->p_k) {
		anchor_all(nc, s);
		nc->flags |= TK_HANDS_F_RECAL;
		stat_inc(&h->page->stats.anomalies);
		return;
	}
	dc = (double)(s->c - nc->p_c);
	rs = (double)(s->k - nc->p_k) / dc;
	noise = (double)(s->w + nc->p_w) / dc;
	dev = rs / rate - 1;
	if (dev < 0)
		dev = -dev;
	one_s = (double)TK_HANDS_ANCHOR_NS / rate;
	if (nc->flags & TK_HANDS_F_RECAL) {
		len = s->c - nc->a_c;
		if (len != 0 && len < HALF_RANGE && s->k > nc->a_k) {
			rate = (double)(s->k - nc->a_k) / (double)len;
			nc->rate_len = len;
		}
		nc->flags &= ~(uint64_t)TK_HANDS_F_RECAL;
	} else if (dev > TK_HANDS_ANOMALY_PPM * 1e-6 + 3 * noise) {
		anchor_all(nc, s);
		nc->flags |= TK_HANDS_F_RECAL;
		stat_inc(&h->page->stats.anomalies);
		return;
	} else if (dev > 3 * noise + 1e-6) {
		rate = rs;
		nc->rate_len = s->c - nc->p_c;
		nc->a_c = nc->p_c;
		nc->a_k = nc->p_k;
		nc->a_w = nc->p_w;
		nc->q_c = s->c;
		nc->q_k = s->k;
		nc->q_w = s->w;
	} else {
		len = s->c - nc->a_c;
		if (len < HALF_RANGE &&
		    (double)len >= ((double)nc->rate_len < one_s
		                           ? (double)nc->rate_len
		                           : one_s) &&
		    s->k > nc->a_k) {
			rate = (double)(s->k - nc->a_k) / (double)len;
			nc->rate_len = len;
		}
		if ((double)(s->c - nc->q_c) >= one_s) {
			nc->a_c = nc->q_c;
			nc->a_k = nc->q_k;
			nc->a_w = nc->q_w;
			nc->q_c = s->c;
			nc->q_k = s->k;
			nc->q_w = s->w;
		}
	}
	nc->p_c = s->c;
	nc->p_k = s->k;
	nc->p_w = s->w;
	nc->rate = rate_m(rate);
}

/*
 * The timespec line (src/hands.h, struct tk__hands_split) for hands that
 * start at b.  A range spans at most half a second, so T - sec * 10^9 stays
 * below 1.5 * 10^9 over it.
 */
static void
hands_split(
    const struct tk__hands_slot *hot, int64_t b, struct tk__hands_split *x)
{
	int64_t real = hot->real_ns;

	*x = (struct tk__hands_split){ 0 };
	x->sec = hands_floor_sec(b);
	x->k_lo = hot->k_ns - (uint64_t)x->sec * (uint64_t)NS_PER_SEC;
	x->real_sec = hands_floor_sec(b + real);
	x->real_k_lo = hot->k_ns + (uint64_t)real -
	    (uint64_t)x->real_sec * (uint64_t)NS_PER_SEC;
}

/*
 * The new hands, from the kernel sample s and the junction c0 (the
 * winder's counter, read after s): 1; 0 if no usable hands can be built
 * (rate out of range, negative time), and the caller disables; -EAGAIN if
 * the calibration must start again (the counter went back before the
 * first hands).  vmin: a thief's lock value, the least B may be.
 *
 * B, where the new hands start (I3 needs B >= T_H(windup_count), the
 * "floor"; cont = T_H(c0) is continuity; kc the kernel at c0):
 *   first hands   the kernel sample's value at the bracket's *lower*
 *		   counter, extended to c0: at or ahead of the kernel, so
 *		   never below an answer the kernel gave before;
 *   counter back  max(floor, kc) (RESET);
 *   behind by more than the slew can remove in one interval: kc (STEP);
 *   ahead by more than that: max(floor, kc) (DROP when that is below
 *		   continuity: a gap nobody observed), then a slowdown of
 *		   up to TK_HANDS_SLOWDOWN_PCT (SLOW);
 *   otherwise     continuity, and the rate absorbs the error (SLEW);
 *   always        at least the floor, and at least vmin, except when the
 *		   kernel is more than TK_HANDS_FOLLOW_NS behind (FOLLOW).
 * The rate then removes the error left at c0 over the next interval:
 * mult = rate x (1 - (B - kc) / interval), the change bounded by
 * TK_HANDS_SLEW_PPM (SLOWDOWN for a clock far ahead).
 */
static int
hands_compute(struct tk__hands *h, struct tk__hands_wind *w,
    const struct hands_snap *sn, const struct hands_sample *s, uint64_t c0,
    int64_t vmin)
{
	struct tk__hands_header *hd = &h->page->hdr;
	struct tk__hands_slot *nh = &w->hot;
	struct tk__hands_cold *nc = &w->cold;
	const double slew = TK_HANDS_SLEW_PPM * 1e-6;
	double rate, eff, adj;
	int64_t kc, floor_ = 0, cont = 0, e, b = 0, i_ns, slew_ns, real, u, lo,
	            hi, rk;
	uint64_t ic, mrate, mlen, cal_c, dc;
	int first = sn->state != TK_HANDS_RUNNING, fwd = 1;
	unsigned kind = TK_HANDS_W_SLEW;

	if (first) {
		*nc = (struct tk__hands_cold){ 0 };
		cal_c = tk__load_relaxed(&hd->cal_c);
		nc->a_c = nc->q_c = cal_c;
		nc->a_k = nc->q_k = tk__load_relaxed(&hd->cal_k);
		nc->a_w = nc->q_w = tk__load_relaxed(&hd->cal_w);
		if (memo_read(h, &mrate, &mlen) == 0) {
			nc->rate = mrate;
			nc->rate_len = mlen;
		} else {
			dc = s->c - cal_c;
			if (dc == 0 || dc >= HALF_RANGE || s->k <= nc->a_k) {
				/* The counter went back: calibrate anew. */
				tk__store_relaxed(&hd->cal_c, s->c);
				tk__store_relaxed(&hd->cal_k, s->k);
				tk__store_relaxed(&hd->cal_w, s->w);
				return -EAGAIN;
			}
			nc->rate =
			    rate_m((double)(s->k - nc->a_k) / (double)dc);
			nc->rate_len = dc;
		}
		nc->p_c = s->c;
		nc->p_k = s->k;
		nc->p_w = s->w;
		nc->real_lo = 1; /* empty: no realtime offset known yet */
		nc->real_hi = 0;
		kind = TK_HANDS_W_FIRST;
	} else {
		*nc = sn->cold;
		hands_estimate(h, nc, s);
	}
	rate = rate_d(nc->rate);
	if (!(rate > 0))
		return 0;
	kc = s->k + hands_round((double)(int64_t)(c0 - s->c) * rate);

	if (nc->flags & TK_HANDS_F_RECAL)
		i_ns = tun(&h->recal_ns);
	else
		i_ns = hands_round((double)nc->rate_len * rate / 4);
	i_ns = imin64(
	    imax64(i_ns, tun(&h->interval_min_ns)), tun(&h->interval_ns));
	i_ns = imax64(imin64(i_ns, NS_PER_SEC / 2), 1);
	slew_ns = hands_round((double)i_ns * slew);

	if (first) {
		b = s->k +
		    hands_round(
		        (double)(int64_t)(c0 - (s->c - s->w / 2)) * rate);
		floor_ = cont = b;
		e = b - kc;
	} else {
		floor_ = hands_beyond(&sn->hot, sn->hot.windup_count);
		fwd = c0 - sn->hot.base_count < HALF_RANGE;
		cont = fwd ? hands_beyond(&sn->hot, c0) : floor_;
		e = isub_sat(cont, kc);
		if (!fwd) {
			b = imax64(floor_, kc);
			kind = TK_HANDS_W_RESET;
			stat_inc(&h->page->stats.resets);
		} else if (e < -slew_ns) {
			b = kc;
			kind = TK_HANDS_W_STEP;
		} else if (e > slew_ns) {
			b = imax64(floor_, kc);
			kind = b < cont ? TK_HANDS_W_DROP : TK_HANDS_W_SLOW;
		} else {
			b = cont;
		}
		b = imax64(b, floor_);
		if (isub_sat(floor_, kc) > TK_HANDS_FOLLOW_NS) {
			b = kc;
			kind = TK_HANDS_W_FOLLOW;
		}
	}
	if (b < vmin && kind != TK_HANDS_W_FOLLOW)
		b = vmin;

	adj = (double)isub_sat(b, kc) / (double)i_ns;
	if (adj > slew) {
		if (adj > TK_HANDS_SLOWDOWN_PCT / 100.0)
			adj = TK_HANDS_SLOWDOWN_PCT / 100.0;
		if (kind == TK_HANDS_W_SLEW)
			kind = TK_HANDS_W_SLOW;
	} else if (adj < -slew) {
		adj = -slew;
	}
	eff = rate * (1 - adj);
	*nh = (struct tk__hands_slot){ 0 };
	nh->mult = rate_m(eff);
	if (nh->mult == 0 || b < 0)
		return 0;
	eff = rate_d(nh->mult);
	ic = (uint64_t)((double)i_ns / eff);
	if (ic == 0)
		ic = 1;

	/* REALTIME - MONOTONIC: intersect with what earlier samples allow. */
	rk = s->k + hands_round((double)(int64_t)(s->rc - s->c) * rate);
	real = isub_sat(s->r, rk);
	u = hands_round((double)s->rw * rate / 2) + 2;
	lo = real - u;
	hi = real + u;
	if (nc->real_lo <= nc->real_hi &&
	    imax64(lo, nc->real_lo) <= imin64(hi, nc->real_hi)) {
		lo = imax64(lo, nc->real_lo);
		hi = imin64(hi, nc->real_hi);
	}
	nc->real_lo = lo;
	nc->real_hi = hi;
	real = lo + (hi - lo) / 2;

	nh->base_count = c0;
	nh->windup_count = c0 + ic < c0 ? UINT64_MAX : c0 + ic;
	/* Not past the next multiple of 2^32 (src/hands.h, I1). */
	if ((c0 | BLOCK_MASK) != UINT64_MAX &&
	    nh->windup_count > (c0 | BLOCK_MASK) + 1)
		nh->windup_count = (c0 | BLOCK_MASK) + 1;
	nh->k_ns = (uint64_t)b - tk__mulhi64((uint32_t)c0, nh->mult);
	nh->real_ns = real;
	hands_split(nh, b, &w->split);
	nc->base_ns = b;
	nc->err_ns = e;
	nc->floor_ns = floor_;
	nc->cont_ns = cont;
	nc->kind = kind;
	nc->prev_cur = first ? 0 : sn->cur;
	w->v = b;
	if (kind == TK_HANDS_W_STEP)
		stat_inc(&h->page->stats.steps);
	else if (kind == TK_HANDS_W_SLOW || kind == TK_HANDS_W_DROP)
		stat_inc(&h->page->stats.slowdowns);
	return 1;
}

/* Run h->recheck once per TK_HANDS_RECHECK_NS, in one thread. */
static void
hands_recheck(struct tk__hands *h, int64_t now)
{
	struct tk__hands_header *hd = &h->page->hdr;
	int64_t last;

	if (h->recheck == NULL)
		return;
	last = tk__load_relaxed(&hd->check_ns);
	if (isub_sat(now, last) < tun(&h->recheck_ns))
		return;
	/*
	 * CAS: claims this period's check, so one thread runs it; nothing
	 * else is ordered by it (partner: this CAS in other threads).
	 */
	if (!tk__cas_acq_rel(&hd->check_ns, &last, now))
		return;
	if (h->recheck() != 0)
		tk__store_relaxed(&hd->bad, 1u); /* a flag: the next windup */
}

/*
 * The first half of a windup from the validated snapshot sn: sample the
 * kernel (no lock held, so the lock is held only for the writes), choose
 * the new hands and their V, claim a slot, take the lock.
 */
static int
hands_begin(struct tk__hands *h, struct tk__hands_wind *w,
    const struct hands_snap *sn, int thief)
{
	struct tk__hands_page *pg = h->page;
	struct hands_sample s;
	uint64_t c0, expect, zero;
	int64_t base, vmin = INT64_MIN, since;
	uint32_t j, idx = 0, cur;
	unsigned tag = 1;
	int ok;

	if (sn->state == TK_HANDS_RUNNING)
		base = hands_beyond(&sn->hot, sn->hot.windup_count);
	else
		base = tk__load_relaxed(&pg->hdr.cal_k);
	if (thief) {
		tag = (unsigned)(sn->lock & LOCK_TAG_MASK) + 1u;
		if (tag > LOCK_TAG_MAX)
			return -EBUSY;
		vmin = lock_v(sn->lock, base);
	}
	w->cur = sn->cur;
	w->expect = sn->lock;
	w->thief = thief;
	w->disable = 0;
	ok = hands_sample(h, &s, HANDS_BRACKETS, 1);
	if (ok != 0)
		return ok;
	hands_recheck(h, s.k);
	c0 = h->counter(1);
	ok = hands_compute(h, w, sn, &s, c0, vmin);
	if (ok < 0)
		return ok;
	/* Relaxed: a sticky flag, see hands_recheck(). */
	if (ok == 0 || tk__load_relaxed(&pg->hdr.bad) != 0)
		w->disable = 1;
	w->word = lock_word(w->v, base, sn->cur, tag);
	w->vlock = lock_v(w->word, base);
	if (!w->disable) {
		for (j = 1; j < TK_HANDS_NSLOTS; j++) {
			idx = (cur_idx(sn->cur) + j) & TK_HANDS_SLOT_MASK;
			zero = 0;
			/*
			 * CAS: the slot becomes ours alone.  Acquire: the
			 * last owner's writes to it are complete before
			 * ours; pairs with the release store of 0 in
			 * tk__hands_wind_end().
			 */
			if (tk__cas_acq_rel(&pg->wr.claim[idx], &zero, w->word))
				break;
		}
		if (j == TK_HANDS_NSLOTS) {
			since = tk__load_relaxed(&pg->wr.noslot_ns);
			if (since == 0) {
				tk__store_relaxed(&pg->wr.noslot_ns, s.k);
				return -ENOSPC;
			}
			if (isub_sat(s.k, since) < TK_HANDS_STUCK_NS)
				return -ENOSPC;
			w->disable = 1;
		}
		w->idx = idx;
	}
	expect = sn->lock;
	/*
	 * CAS: takes the lock from the very word the snapshot saw (free for
	 * these hands, or held by the winder a thief replaces), so it fails
	 * if anything moved.  Release: our claim is visible before the lock
	 * names us; acquire: the previous holder's publication is visible
	 * to us.  Pairs with the acquire loads of the lock in hands_snap()
	 * and hands_slow_kernel(), and the releasing CAS in
	 * tk__hands_wind_end().
	 */
	if (!tk__cas_acq_rel(&pg->wr.lock, &expect, w->word)) {
		if (!w->disable)
			/* Release: nothing written; partner: the claim CAS. */
			tk__store_release(&pg->wr.claim[w->idx], 0);
		stat_inc(&pg->stats.lost);
		return -EBUSY;
	}
	/*
	 * Acquire: current is read after we hold the lock; pairs with the
	 * publishing CAS in tk__hands_wind_end().  A thief's CAS can succeed
	 * just after the winder it replaces published (the winder releases
	 * the lock only after publishing): then these hands are gone and the
	 * slot we claimed may even be current now.  Write nothing; release.
	 */
	cur = tk__load_acquire(&pg->hdr.current);
	if (cur != sn->cur) {
		if (!w->disable)
			/* Release: nothing written; partner: the claim CAS. */
			tk__store_release(&pg->wr.claim[w->idx], 0);
		expect = w->word;
		/*
		 * CAS: gives the lock back, free for the hands now current
		 * (release: pairs with the acquire loads of the lock in
		 * hands_snap()); fails only if a thief took it from us.
		 */
		tk__cas_acq_rel(&pg->wr.lock, &expect, lock_free(cur));
		stat_inc(&pg->stats.lost);
		return -EAGAIN;
	}
	if (thief)
		stat_inc(&pg->stats.steals);
	if (h->held != NULL)
		h->held();
	return 0;
}

/*
 * Give up for good (the counter is no longer fit, or no hands can be
 * built), holding the lock: every answer so far is at most w->vlock (I2),
 * so that is the floor of every answer from now on.  The floor and state
 * come first, so a reader never meets the invalidated slot without
 * finding DISABLED; then the current slot gets generation 0 and the
 * publication number moves, so a preempted writer's publishing CAS fails.
 * The lock stays held.
 */
static void
hands_disable(struct tk__hands *h, struct tk__hands_wind *w)
{
	struct tk__hands_page *pg = h->page;
	int64_t floor_ = w->vlock;
	uint32_t cur = w->cur, idx;
	struct tk__hands_slot hot;
	int i;

	tk__store_relaxed(&pg->wr.floor_ns, floor_);
	/*
	 * Release: floor_ns is visible before DISABLED; pairs with the
	 * acquire load of state in tk__hands_slow().
	 */
	tk__store_release(&pg->hdr.state, (uint32_t)TK_HANDS_DISABLED);
	for (i = 0; i < TK_TH_READ_TRIES; i++) {
		idx = cur_idx(cur);
		/*
		 * Hands a preempted writer published after our snapshot are
		 * current: raise the floor to their windup value (I2).
		 */
		if (cur != w->cur &&
		    tk__load_relaxed(&pg->slot[idx].gen) != 0) {
			hot_load(&pg->slot[idx], &hot);
			floor_ = imax64(
			    floor_, hands_beyond(&hot, hot.windup_count));
			tk__store_relaxed(&pg->wr.floor_ns, floor_);
		}
		/* The current slot: nobody else writes it (claims). */
		tk__th_write_begin(&pg->slot[idx].gen);
		/*
		 * CAS: release, the generation 0 above is visible before
		 * the new publication number; pairs with the acquire load
		 * in tk__th_read_current().  It fails only if a preempted
		 * writer published meanwhile: invalidate that too.
		 */
		if (tk__cas_acq_rel(&pg->hdr.current, &cur, cur_next(cur, idx)))
			break;
	}
	stat_inc(&pg->stats.disables);
}

int
tk__hands_wind_end(struct tk__hands *h, struct tk__hands_wind *w)
{
	struct tk__hands_page *pg = h->page;
	struct tk__hands_slot *s;
	uint32_t old, next, cur;
	uint64_t lw;
	int ok;

	if (w->disable) {
		hands_disable(h, w);
		return 0;
	}
	s = &pg->slot[w->idx];
	old = tk__load_relaxed(&s->gen);
	tk__th_write_begin(&s->gen);
	hot_store(s, &w->hot);
	split_store(&pg->split[w->idx], &w->split);
	cold_store(&pg->cold[w->idx], &w->cold);
	/* Both halves of the slot, then the publication (src/timehands.h). */
	next = cur_next(w->cur, w->idx);
	ok = tk__th_write_end_cas(
	    &s->gen, tk__th_next_gen(old), &pg->hdr.current, w->cur, next);
	if (ok && w->cold.kind == TK_HANDS_W_FIRST)
		/*
		 * Release: the hands are published before RUNNING; pairs
		 * with the acquire load of state in tk__hands_slow().
		 */
		tk__store_release(&pg->hdr.state, (uint32_t)TK_HANDS_RUNNING);
	/*
	 * Release: our writes to the slot are complete before another
	 * writer may claim it; pairs with the claiming CAS in hands_begin().
	 */
	tk__store_release(&pg->wr.claim[w->idx], 0);
	if (ok) {
		stat_inc(&pg->stats.windups);
		tk__store_relaxed(&pg->wr.noslot_ns, 0);
		memo_write(h, w->cold.rate, w->cold.rate_len);
	} else {
		stat_inc(&pg->stats.lost);
	}
	/*
	 * Acquire: when we lost, the hands now current are read after the
	 * publication that beat us; pairs with its publishing CAS.
	 */
	cur = ok ? next : tk__load_acquire(&pg->hdr.current);
	lw = w->word;
	/*
	 * CAS: frees the lock for the hands now current.  Release: the
	 * publication is visible before the lock is free; pairs with the
	 * acquire loads of the lock in hands_snap() and hands_slow_kernel()
	 * and with the CAS in hands_begin().  It fails when a thief took the
	 * lock over: the thief frees it.
	 */
	tk__cas_acq_rel(&pg->wr.lock, &lw, lock_free(cur));
	return ok ? 0 : -EAGAIN;
}

static int
hands_wind(struct tk__hands *h, const struct hands_snap *sn, int thief)
{
	struct tk__hands_wind w;
	int err = hands_begin(h, &w, sn, thief);

	if (err != 0)
		return err;
	return tk__hands_wind_end(h, &w);
}

/*
 * One of a read's bounded windup attempts (HANDS_WINDS per read): 1 when
 * the caller should read again (the hands were replaced or are being
 * replaced), 0 when it answers with what it has.
 */
static int
hands_try_wind(
    struct tk__hands *h, const struct hands_snap *sn, int thief, int *winds)
{
	int err;

	(*winds)++;
	err = hands_wind(h, sn, thief);
	return err == 0 || err == -EBUSY || err == -EAGAIN;
}

int
tk__hands_wind_begin(struct tk__hands *h, struct tk__hands_wind *w)
{
	struct tk__hands_page *pg = h->page;
	struct hands_snap sn = { 0 };
	uint64_t c;
	uint32_t st;

	/* Acquire: pairs with the release stores of state (see below). */
	st = tk__load_acquire(&pg->hdr.state);
	/* Relaxed: a hint, the snapshot validates. */
	if (st == TK_HANDS_RUNNING ||
	    (st == TK_HANDS_CALIBRATING &&
	        tk__load_relaxed(&pg->hdr.current) != 0)) {
		if (hands_snap(h, &sn, 1, &c) != 0)
			return -EAGAIN;
		sn.state = TK_HANDS_RUNNING;
	} else if (st == TK_HANDS_CALIBRATING) {
		sn.state = st;
		sn.cur = tk__th_read_current(&pg->hdr.current);
		/* Acquire: as in hands_slow_kernel(). */
		sn.lock = tk__load_acquire(&pg->wr.lock);
		if (sn.cur != 0)
			return -EAGAIN;
	} else {
		return -EAGAIN;
	}
	return hands_begin(
	    h, w, &sn, lock_held(sn.lock) && lock_for(sn.lock, sn.cur));
}

/*
 * RUNNING (or hands published while the state still says CALIBRATING):
 * the hands are due, changing, or the counter is outside them.
 */
static int
hands_slow_running(
    struct tk__hands *h, int abs, int ordered, int64_t *ns, int *winds)
{
	struct hands_snap sn;
	uint64_t c, d, span;
	int64_t own, floor_, v, now, real;

	if (hands_snap(h, &sn, ordered, &c) != 0)
		return -EAGAIN;
	sn.state = TK_HANDS_RUNNING;
	real = abs ? sn.hot.real_ns : 0;
	d = c - sn.hot.base_count;
	span = sn.hot.windup_count - sn.hot.base_count;
	if (d < span) {
		*ns = hands_at(&sn.hot, c) + real;
		return 0;
	}
	if (d >= HALF_RANGE && sn.hot.base_count - c <= span) {
		/* A little below the base: clamp, as the kernel's x86 vDSO. */
		*ns = hands_at(&sn.hot, sn.hot.base_count) + real;
		return 0;
	}
	floor_ = hands_beyond(&sn.hot, sn.hot.windup_count);
	own = d < HALF_RANGE ? hands_beyond(&sn.hot, c) : floor_;
	if (lock_held(sn.lock) && lock_for(sn.lock, sn.cur)) {
		/* Another thread winds these hands up: never beyond its V. */
		v = lock_v(sn.lock, floor_);
		if (*winds < HANDS_WINDS &&
		    (unsigned)(sn.lock & LOCK_TAG_MASK) < LOCK_TAG_MAX &&
		    hands_kernel_ns(h, CLOCK_MONOTONIC, &now) == 0 &&
		    isub_sat(now, v) > tun(&h->lease_ns)) {
			if (hands_try_wind(h, &sn, 1, winds))
				return -EAGAIN;
		}
		*ns = imin64(own, v) + real;
		return 0;
	}
	if (*winds < HANDS_WINDS && hands_try_wind(h, &sn, 0, winds))
		return -EAGAIN;
	/* No windup of ours: T_H(windup_count) is safe without a lock (I2). */
	*ns = floor_ + real;
	return 0;
}

/*
 * INIT or CALIBRATING, no hands yet: the kernel's own answer, given only if
 * no first hands were decided while it was read (the lock word did not
 * move), or min(kernel, V) while they are being published.
 */
static int
hands_slow_kernel(
    struct tk__hands *h, uint32_t st, int abs, int64_t *ns, int *winds)
{
	struct tk__hands_page *pg = h->page;
	struct hands_snap sn = { 0 };
	uint64_t lk, mr, ml;
	int64_t k, v, cal_k;
	uint32_t cur;
	int err;

	if (abs)
		return hands_kernel_ns(h, CLOCK_REALTIME, ns);
	cur = tk__th_read_current(&pg->hdr.current);
	/*
	 * Acquire: the kernel is read after the lock word; pairs with the
	 * CAS that takes the lock in hands_begin().
	 */
	lk = tk__load_acquire(&pg->wr.lock);
	if (cur != 0)
		return -EAGAIN;
	err = hands_kernel_ns(h, CLOCK_MONOTONIC, &k);
	if (err != 0)
		return err;
	if (st == TK_HANDS_CALIBRATING) {
		sn.state = st;
		sn.lock = lk;
		cal_k = tk__load_relaxed(&pg->hdr.cal_k);
		if (lock_held(lk) && lock_for(lk, 0)) {
			v = lock_v(lk, cal_k);
			if (*winds < HANDS_WINDS &&
			    (unsigned)(lk & LOCK_TAG_MASK) < LOCK_TAG_MAX &&
			    isub_sat(k, v) > tun(&h->lease_ns)) {
				if (hands_try_wind(h, &sn, 1, winds))
					return -EAGAIN;
			}
			*ns = imin64(k, v);
			return 0;
		}
		if (*winds < HANDS_WINDS &&
		    (isub_sat(k, cal_k) >= tun(&h->cal_ns) ||
		        memo_read(h, &mr, &ml) == 0) &&
		    hands_try_wind(h, &sn, 0, winds))
			return -EAGAIN;
	}
	/*
	 * Acquire: the kernel read above is complete before the lock word
	 * is read again (all but the counter read inside it, which RDTSCP
	 * lets a later load pass: the residue in the head comment); pairs
	 * with the CAS that takes the lock in hands_begin().
	 */
	if (tk__load_acquire(&pg->wr.lock) != lk ||
	    tk__load_relaxed(&pg->hdr.current) != 0)
		return -EAGAIN;
	*ns = k;
	return 0;
}

/* DISABLED: the kernel, never below the floor. */
static int
hands_slow_disabled(struct tk__hands *h, int abs, int64_t *ns)
{
	int64_t k;
	int err;

	if (abs)
		return hands_kernel_ns(h, CLOCK_REALTIME, ns);
	err = hands_kernel_ns(h, CLOCK_MONOTONIC, &k);
	if (err != 0)
		return err;
	/* Ordered after the acquire load of state in tk__hands_slow(). */
	*ns = imax64(k, tk__load_relaxed(&h->page->wr.floor_ns));
	return 0;
}

/*
 * Anchor the calibration and mark the page CALIBRATING.  With hz, also
 * measure the counter roughly (~20 us) and refuse one at or below 1.05
 * GHz.  check: the kernel time of the caller's own fitness check, or 0 to
 * have the first windup run h->recheck.
 */
static int
hands_page_init(struct tk__hands *h, uint64_t *hz, int check)
{
	struct tk__hands_header *hd = &h->page->hdr;
	struct hands_sample a0, a1;
	double rate;
	int err, i;

	err = hands_sample(h, &a0, HANDS_ANCHOR_BRACKETS, 0);
	if (err != 0)
		return err;
	if (hz != NULL) {
		a1 = a0;
		for (i = 0; i < HANDS_ROUGH_SPINS; i++) {
			err = hands_sample(h, &a1, 2, 0);
			if (err != 0)
				return err;
			if (isub_sat(a1.k, a0.k) >= HANDS_ROUGH_NS)
				break;
		}
		if (a1.c - a0.c == 0 || a1.c - a0.c >= HALF_RANGE ||
		    a1.k <= a0.k)
			return -ERANGE;
		rate = (double)(a1.k - a0.k) / (double)(a1.c - a0.c);
		if (1e9 / rate < HANDS_MIN_HZ) {
			*hz = (uint64_t)(1e9 / rate);
			return -ERANGE;
		}
		*hz = 1e9 / rate < 1.8e19 ? (uint64_t)(1e9 / rate) : UINT64_MAX;
	}
	tk__store_relaxed(&hd->magic, TK_HANDS_MAGIC);
	tk__store_relaxed(&hd->version, TK_HANDS_VERSION);
	tk__store_relaxed(&hd->size, (uint32_t)sizeof(struct tk__hands_page));
	tk__store_relaxed(&hd->cal_c, a0.c);
	tk__store_relaxed(&hd->cal_k, a0.k);
	tk__store_relaxed(&hd->cal_w, a0.w);
	tk__store_relaxed(&hd->check_ns, check ? a0.k : 0);
	tk__store_relaxed(&hd->bad, 0u);
	/*
	 * Release: the header is complete before CALIBRATING; pairs with the
	 * acquire load of state in tk__hands_slow().
	 */
	tk__store_release(&hd->state, (uint32_t)TK_HANDS_CALIBRATING);
	return 0;
}

void
tk__hands_defaults(struct tk__hands *h)
{
	h->interval_ns = TK_HANDS_INTERVAL_NS;
	h->interval_min_ns = TK_HANDS_INTERVAL_MIN_NS;
	h->recal_ns = TK_HANDS_RECAL_NS;
	h->cal_ns = TK_HANDS_CAL_NS;
	h->lease_ns = TK_HANDS_LEASE_NS;
	h->recheck_ns = TK_HANDS_RECHECK_NS;
}

int
tk__hands_setup(struct tk__hands *h, uint64_t *hz)
{
	uint64_t rough;
	int err = hands_page_init(h, hz != NULL ? hz : &rough, 1);

	if (err == 0)
		/* Relaxed: set before the engine is shared with any reader. */
		tk__store_relaxed(&h->ready, 1);
	return err;
}

/* WIPED after set-up: a fork child.  One thread sets the page up again. */
static int
hands_reinit(struct tk__hands *h)
{
	uint32_t st = TK_HANDS_WIPED;
	int err;

	/* Relaxed: see tk__hands_setup(). */
	if (!tk__load_relaxed(&h->ready))
		return -ENOSYS;
	/*
	 * CAS: one thread sets up; the others see INIT and answer from the
	 * kernel.  Acquire-release for symmetry with the state's other
	 * release stores; partner: the acquire load in tk__hands_slow().
	 */
	if (!tk__cas_acq_rel(&h->page->hdr.state, &st, (uint32_t)TK_HANDS_INIT))
		return -EAGAIN;
	err = hands_page_init(h, NULL, 0);
	if (err != 0) {
		/* Release: partner, the acquire load in tk__hands_slow(). */
		tk__store_release(
		    &h->page->hdr.state, (uint32_t)TK_HANDS_WIPED);
		return err;
	}
	return -EAGAIN;
}

int
tk__hands_slow(struct tk__hands *h, int abs, int ordered, int64_t *ns)
{
	struct tk__hands_page *pg = h->page;
	int winds = 0, pass, r;
	uint32_t st;

	for (pass = 0; pass < TK_TH_READ_TRIES; pass++) {
		/*
		 * Acquire: the page's other fields are read after its state;
		 * pairs with the release stores of state in
		 * hands_page_init(), tk__hands_wind_end(), hands_disable()
		 * and hands_reinit().
		 */
		st = tk__load_acquire(&pg->hdr.state);
		if (st == TK_HANDS_RUNNING ||
		    (st == TK_HANDS_CALIBRATING &&
		        /* Relaxed: a hint, the snapshot validates. */
		        tk__load_relaxed(&pg->hdr.current) != 0))
			r = hands_slow_running(h, abs, ordered, ns, &winds);
		else if (st == TK_HANDS_CALIBRATING || st == TK_HANDS_INIT)
			r = hands_slow_kernel(h, st, abs, ns, &winds);
		else if (st == TK_HANDS_DISABLED)
			r = hands_slow_disabled(h, abs, ns);
		else if (st == TK_HANDS_WIPED)
			r = hands_reinit(h);
		else
			return -EAGAIN; /* not a state of ours: route */
		if (r != -EAGAIN)
			return r;
	}
	return -EAGAIN;
}

int
tk__hands_nanotime(struct tk__hands *h, int abs, int ordered, int64_t *ns)
{
	if (tk__hands_fast(h->page, abs, ordered, h->counter, ns) == 0)
		return 0;
	return tk__hands_slow(h, abs, ordered, ns);
}

uint64_t
tk__hands_hz(struct tk__hands *h)
{
	struct hands_snap sn;
	uint64_t c;
	double r;
	int i;

	for (i = 0; i < TK_TH_READ_TRIES; i++) {
		/* Acquire: as in tk__hands_slow(). */
		if (tk__load_acquire(&h->page->hdr.state) != TK_HANDS_RUNNING)
			return 0;
		if (hands_snap(h, &sn, 0, &c) == 0) {
			r = rate_d(sn.cold.rate);
			return r > 0 ? (uint64_t)(1e9 / r + 0.5) : 0;
		}
	}
	return 0;
}
