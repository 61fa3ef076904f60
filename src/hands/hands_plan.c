/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Planning the next hands (src/hands/hands_plan.h): the rate estimate, the
 * junction, the slew.  Pure: copies in, copies out.
 *
 * The rate is measured against the kernel clock with bracketed samples
 * over a long, rotating baseline (abseil's absl/time/clock.cc and the Linux
 * selftest tools/testing/selftests/timers/raw_skew.c bracket the same
 * way); the error left at a junction is removed by a bounded change of
 * rate over the next interval, never by a step back (a frequency-locked
 * loop in the spirit of abseil's correction and of the kernel's NTP slew
 * limit).  Floating point is used for the rate only; every published value
 * is an integer.
 */
#include <errno.h>
#include <stdint.h>

#include "hands/hands_plan.h"
#include "hands/hands_read.h"

#define NS_PER_SEC 1000000000LL
#define TWO64 18446744073709551616.0 /* 2^64, exact in a double */
#define HALF_RANGE (UINT64_C(1) << 63)
#define BLOCK_MASK UINT64_C(0xffffffff) /* a range never crosses 2^32 */
/* A published rate, with its slew, stays below this many ns per count. */
#define MAX_RATE 0.99

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

static int64_t
round_ns(double x)
{
	if (x >= 9.0e18)
		return INT64_MAX;
	if (x <= -9.0e18)
		return INT64_MIN;
	return x >= 0 ? (int64_t)(x + 0.5) : -(int64_t)(0.5 - x);
}

/* floor(ns / 10^9) */
static int64_t
floor_sec(int64_t ns)
{
	int64_t s = ns / NS_PER_SEC;

	return ns % NS_PER_SEC < 0 ? s - 1 : s;
}

static uint64_t
rate_m(double r)
{
	if (!(r > 0) || r >= MAX_RATE)
		return 0;
	return (uint64_t)(r * TWO64);
}

double
tk__hands_rate_d(uint64_t m)
{
	return (double)m / TWO64;
}

int64_t
tk__hands_isub_sat(int64_t a, int64_t b)
{
	if (b < 0 && a > INT64_MAX + b)
		return INT64_MAX;
	if (b > 0 && a < INT64_MIN + b)
		return INT64_MIN;
	return a - b;
}

int64_t
tk__hands_at(const struct tk__hands_hot *hot, uint64_t c)
{
	return (int64_t)(hot->k_ns + tk__mulhi64((uint32_t)c, hot->mult));
}

/*
 * Why + 1: with x = frac((base_count mod 2^32) * mult / 2^64) the fast
 * formula is base_ns + floor(x + d * mult / 2^64) - floor(x) for
 * d = c - base_count, which is the delta form or one more.
 */
int64_t
tk__hands_beyond(const struct tk__hands_hot *hot, uint64_t c)
{
	return (int64_t)((uint64_t)hot->base_ns +
	    tk__mulhi64(c - hot->base_count, hot->mult) + 1u);
}

static void
set_sample(
    uint64_t *c, int64_t *k, uint64_t *w, const struct tk__hands_sample *s)
{
	*c = s->c;
	*k = s->k;
	*w = s->w;
}

static void
anchor_all(struct tk__hands_cold *nc, const struct tk__hands_sample *s)
{
	set_sample(&nc->a_c, &nc->a_k, &nc->a_w, s);
	set_sample(&nc->q_c, &nc->q_k, &nc->q_w, s);
	set_sample(&nc->p_c, &nc->p_k, &nc->p_w, s);
}

/*
 * The first rate: from the rate memo of a parent process, or measured
 * from the calibration anchor to s.  -EAGAIN when the counter or the
 * kernel went back since the anchor.
 */
static int
plan_first_rate(const struct tk__hands_plan_in *in, struct tk__hands_cold *nc)
{
	const struct tk__hands_sample *s = &in->s;
	uint64_t dc = s->c - in->cal_c;

	*nc = (struct tk__hands_cold){ 0 };
	nc->a_c = nc->q_c = in->cal_c;
	nc->a_k = nc->q_k = in->cal_k;
	nc->a_w = nc->q_w = in->cal_w;
	if (in->memo_rate != 0) {
		nc->rate = in->memo_rate;
		nc->rate_len = in->memo_len;
	} else {
		if (dc == 0 || dc >= HALF_RANGE || s->k <= in->cal_k)
			return -EAGAIN;
		nc->rate = rate_m((double)(s->k - in->cal_k) / (double)dc);
		nc->rate_len = dc;
	}
	set_sample(&nc->p_c, &nc->p_k, &nc->p_w, s);
	nc->real_lo = 1; /* empty: no realtime offset known yet */
	nc->real_hi = 0;
	nc->kind = TK_HANDS_K_FIRST;
	return 0;
}

/*
 * The kernel rate updated from the sample s (all in nc), 1 when it was
 * re-anchored:
 *   - the counter or the kernel went back since the last windup: nothing
 *     measured across that holds; re-anchor everything at s (RECAL);
 *   - after a re-anchor, measure the rate afresh over anchor..s;
 *   - the rate over the last interval further from the estimate than
 *     TK_HANDS_ANOMALY_PPM beyond its noise: the counter changed
 *     (frequency, a suspend it ran through, migration): re-anchor;
 *   - further than its noise (3 x the bracket widths over the interval,
 *     plus 1 ppm): the kernel's rate was changed (NTP): take the short
 *     rate and restart the baseline at the previous sample;
 *   - else the estimate over the long baseline a..s, once that is at least
 *     as long as the one the current rate came from (or 1 s); the anchors
 *     rotate so the baseline stays between 1 and 2 s.
 */
static int
plan_rate(struct tk__hands_cold *nc, const struct tk__hands_sample *s)
{
	double rate = tk__hands_rate_d(nc->rate), dc, rs, noise, dev, one_s;
	uint64_t len;

	if (s->c - nc->p_c >= HALF_RANGE || s->c == nc->p_c ||
	    s->k <= nc->p_k) {
		anchor_all(nc, s);
		nc->flags |= TK_HANDS_F_RECAL;
		return 1;
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
		return 1;
	} else if (dev > 3 * noise + 1e-6) {
		rate = rs;
		nc->rate_len = s->c - nc->p_c;
		nc->a_c = nc->p_c;
		nc->a_k = nc->p_k;
		nc->a_w = nc->p_w;
		set_sample(&nc->q_c, &nc->q_k, &nc->q_w, s);
	} else {
		len = s->c - nc->a_c;
		if (len < HALF_RANGE &&
		    (double)len >= (nc->rate_len < (uint64_t)one_s
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
			set_sample(&nc->q_c, &nc->q_k, &nc->q_w, s);
		}
	}
	set_sample(&nc->p_c, &nc->p_k, &nc->p_w, s);
	nc->rate = rate_m(rate);
	return 0;
}

/*
 * How long the new hands serve: a quarter of the rate's baseline (so the
 * rate's own error adds at most a quarter of a bracket width), the short
 * recalibration interval after an anomaly, within [min, interval] and at
 * most half a second (the timespec split of the front needs that).
 */
static int64_t
plan_interval(const struct tk__hands_plan_in *in,
    const struct tk__hands_cold *nc, double rate)
{
	int64_t i_ns;

	if (nc->flags & TK_HANDS_F_RECAL)
		i_ns = in->recal_ns;
	else
		i_ns = round_ns((double)nc->rate_len * rate / 4);
	i_ns = imin64(imax64(i_ns, in->interval_min_ns), in->interval_ns);
	return imax64(imin64(i_ns, NS_PER_SEC / 2), 1);
}

/*
 * B, where the new hands start at c0, and the kind of junction; kc is the
 * kernel's value at c0 (from the sample and the rate), slew_ns the error
 * one interval's slew can remove.  In the order the rules apply:
 *   first hands    the kernel's value;
 *   counter back   the kernel's value (RESET);
 *   late reader    c0 more than gap_ns past the old hands' end: nobody saw
 *                  the old hands there, so the kernel's value (STEP);
 *   on time        continuity cont = the old hands' floor carried on at
 *                  the measured rate past their end (not at their slewed
 *                  rate, which was chosen for their interval only): then
 *                  the error cont - kc is slewed away; beyond one
 *                  interval's slew, the kernel's value (STEP when behind,
 *                  SLOW when ahead);
 *   always         at least bmin, except when the kernel is more than
 *                  TK_HANDS_FOLLOW_NS behind the old floor (FOLLOW).
 */
static int64_t
plan_junction(const struct tk__hands_plan_in *in, struct tk__hands_cold *nc,
    double rate, int64_t kc, int64_t slew_ns)
{
	const struct tk__hands_hot *hot = in->hot;
	int64_t b, cont, e, floor_ = hot != NULL ? hot->floor_ns : kc;
	uint64_t past;
	unsigned kind;

	if (hot == NULL) {
		b = kc;
		cont = kc;
		kind = TK_HANDS_K_FIRST;
	} else if (in->c0 - hot->base_count >= HALF_RANGE) {
		b = kc;
		cont = floor_;
		kind = TK_HANDS_K_RESET;
		nc->flags |= TK_HANDS_F_RECAL;
	} else {
		/* Modular: the counter may have wrapped past 2^64 since. */
		past = in->c0 - hot->base_count >=
		        hot->windup_count - hot->base_count
		    ? in->c0 - hot->windup_count
		    : 0;
		cont = (int64_t)((uint64_t)floor_ +
		    (uint64_t)round_ns((double)past * rate));
		e = tk__hands_isub_sat(cont, kc);
		if ((double)past * rate > (double)in->gap_ns || e < -slew_ns ||
		    e > slew_ns) {
			b = kc;
			kind = e > slew_ns ? TK_HANDS_K_SLOW : TK_HANDS_K_STEP;
		} else {
			b = cont;
			kind = TK_HANDS_K_SLEW;
		}
	}
	nc->cont_ns = cont;
	nc->err_ns = tk__hands_isub_sat(cont, kc);
	if (hot != NULL &&
	    tk__hands_isub_sat(floor_, kc) > TK_HANDS_FOLLOW_NS) {
		nc->kind = TK_HANDS_K_FOLLOW;
		return kc;
	}
	nc->kind = kind;
	return imax64(b, in->bmin);
}

/*
 * mult = rate x (1 - (B - kc) / interval): the error at c0 is gone at the
 * end of the interval.  The change is bounded by the slew, or, for a clock
 * ahead by more than that, by TK_HANDS_SLOWDOWN_PCT.  0 if the result is
 * not a usable rate.
 */
static uint64_t
plan_mult(
    struct tk__hands_cold *nc, double rate, int64_t b, int64_t kc, int64_t i_ns)
{
	const double slew = TK_HANDS_SLEW_PPM * 1e-6;
	double adj = (double)tk__hands_isub_sat(b, kc) / (double)i_ns;

	if (adj > slew) {
		if (adj > TK_HANDS_SLOWDOWN_PCT / 100.0)
			adj = TK_HANDS_SLOWDOWN_PCT / 100.0;
		if (nc->kind == TK_HANDS_K_SLEW || nc->kind == TK_HANDS_K_STEP)
			nc->kind = TK_HANDS_K_SLOW;
	} else if (adj < -slew) {
		adj = -slew;
	}
	return rate_m(rate * (1 - adj));
}

/* REALTIME - MONOTONIC, intersected with what earlier samples allow. */
static int64_t
plan_real(
    struct tk__hands_cold *nc, const struct tk__hands_sample *s, double rate)
{
	int64_t rk, real, u, lo, hi;

	rk = s->k + round_ns((double)(int64_t)(s->rc - s->c) * rate);
	real = tk__hands_isub_sat(s->r, rk);
	u = round_ns((double)s->rw * rate / 2) + 2;
	lo = real - u;
	hi = real + u;
	if (nc->real_lo <= nc->real_hi &&
	    imax64(lo, nc->real_lo) <= imin64(hi, nc->real_hi)) {
		lo = imax64(lo, nc->real_lo);
		hi = imin64(hi, nc->real_hi);
	}
	nc->real_lo = lo;
	nc->real_hi = hi;
	return lo + (hi - lo) / 2;
}

/*
 * The hands' range, [c0, c0 + interval), never past the next multiple of
 * 2^32 (the fast read multiplies the counter's low half), and the values
 * derived from it.
 */
static void
plan_range(struct tk__hands_hot *nh, uint64_t c0, int64_t b, int64_t i_ns)
{
	double eff = tk__hands_rate_d(nh->mult);
	uint64_t ic = (uint64_t)((double)i_ns / eff);

	if (ic == 0)
		ic = 1;
	nh->base_count = c0;
	nh->windup_count = c0 + ic < c0 ? UINT64_MAX : c0 + ic;
	if ((c0 | BLOCK_MASK) != UINT64_MAX &&
	    nh->windup_count > (c0 | BLOCK_MASK) + 1)
		nh->windup_count = (c0 | BLOCK_MASK) + 1;
	nh->k_ns = (uint64_t)b - tk__mulhi64((uint32_t)c0, nh->mult);
	nh->base_ns = b;
	nh->floor_ns = tk__hands_beyond(nh, nh->windup_count);
}

int
tk__hands_plan(
    const struct tk__hands_plan_in *in, struct tk__hands_plan_out *out)
{
	struct tk__hands_hot *nh = &out->hot;
	struct tk__hands_cold *nc = &out->cold;
	int64_t kc, i_ns, slew_ns, b;
	double rate;

	*out = (struct tk__hands_plan_out){ 0 };
	if (in->hot == NULL) {
		if (plan_first_rate(in, nc) != 0)
			return -EAGAIN;
		nc->seq = 1;
	} else {
		*nc = *in->cold;
		out->anomaly = plan_rate(nc, &in->s);
		nc->seq = in->cold->seq + 1;
	}
	rate = tk__hands_rate_d(nc->rate);
	if (!(rate > 0))
		return 0;
	kc = in->s.k + round_ns((double)(int64_t)(in->c0 - in->s.c) * rate);
	i_ns = plan_interval(in, nc, rate);
	slew_ns = round_ns((double)i_ns * TK_HANDS_SLEW_PPM * 1e-6);
	b = plan_junction(in, nc, rate, kc, slew_ns);
	nh->mult = plan_mult(nc, rate, b, kc, i_ns);
	if (nh->mult == 0 || b < 0)
		return 0;
	nh->real_ns = plan_real(nc, &in->s, rate);
	nh->flags = 0;
	if (nc->kind == TK_HANDS_K_RESET || in->hot == NULL) {
		nh->flags = TK_HANDS_H_EPOCH;
		nc->epoch_seq = nc->seq;
	}
	plan_range(nh, in->c0, b, i_ns);
	nc->interval_ns = i_ns;
	return 1;
}

void
tk__hands_front_of(const struct tk__hands_hot *hot, struct tk__hands_front *f,
    struct tk__hands_front_ts *fts)
{
	int64_t b = hot->base_ns, real = hot->real_ns;
	uint64_t k = hot->k_ns;

	*f = (struct tk__hands_front){ 0 };
	*fts = (struct tk__hands_front_ts){ 0 };
	f->base_count = hot->base_count;
	f->span = hot->windup_count - hot->base_count;
	f->mult = hot->mult;
	f->k_mono = k;
	f->k_real = k + (uint64_t)real;
	f->real_sec = floor_sec(b + real);
	f->real_k_lo = f->k_real - (uint64_t)f->real_sec * (uint64_t)NS_PER_SEC;
	fts->mono_sec = floor_sec(b);
	fts->mono_k_lo = k - (uint64_t)fts->mono_sec * (uint64_t)NS_PER_SEC;
}
