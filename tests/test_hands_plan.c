/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The planner of the own timehands (src/hands/hands_plan.c) driven with
 * constructed inputs, in a world exact enough for exact expectations: the
 * first hands, the rate, the interval, each kind of junction and bmin, the
 * slew bound, realtime, the range (within 2^32, T(c) monotonic over it)
 * and the inputs no usable hands come from.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "hands/hands_plan.h"
#include "hands/hands_read.h"
#include "tk_test.h"

#define RATE 0.5 /* the world's kernel ns per count: a 2 GHz counter */
#define MULT (UINT64_C(1) << 63) /* RATE x 2^64, exactly */
#define TWO64 18446744073709551616.0
#define ORG UINT64_C(1000000000000) /* the counter at K0 */
#define K0 INT64_C(1000000000000) /* CLOCK_MONOTONIC there: 1000 s */
#define R0 INT64_C(1700000000000000000) /* REALTIME - MONOTONIC */
#define SPAN UINT64_C(20000000) /* the old hands: 10 ms of counts */
#define ONE_S UINT64_C(2000000000) /* a second of counts */
#define WC 40 /* bracket widths (counts): +-12 ns of realtime offset */
#define I_NS TK_HANDS_INTERVAL_NS

static uint64_t org; /* the counter at K0; test_range moves it */
static struct tk__hands_slot o; /* the old hands */
static struct tk__hands_plan_in in;
static struct tk__hands_plan_out out;

static int
reset(void **state)
{
	(void)state;
	org = ORG;
	return 0;
}

/* The world's kernel at counter c (exact for even c - org). */
static int64_t
kern(uint64_t c)
{
	return K0 + (int64_t)(c - org) / 2;
}

/* A sample at c, its realtime bracket 200 counts (100 ns) later. */
static struct tk__hands_sample
sample(uint64_t c, int64_t k)
{
	return (struct tk__hands_sample){ c, WC, k, c + 200, WC, k + 100 + R0 };
}

/* The engine's tunables; with the old hands o, bmin their floor. */
static void
in_init(int with_old)
{
	in = (struct tk__hands_plan_in){ .interval_ns = I_NS,
		.interval_min_ns = TK_HANDS_INTERVAL_MIN_NS,
		.recal_ns = TK_HANDS_RECAL_NS,
		.gap_ns = TK_HANDS_GAP_NS };
	if (with_old) {
		in.hot = &o.hot;
		in.cold = &o.cold;
		in.bmin = o.hot.floor_ns;
	}
}

/* First hands: anchor 250 us before c0 = org (K0), s just before it. */
static void
first_in(int memo)
{
	in_init(0);
	in.cal_c = org - 500000;
	in.cal_k = kern(in.cal_c);
	in.cal_w = WC;
	in.s = sample(org - 100, kern(org - 100));
	in.c0 = org;
	in.bmin = in.s.k;
	if (memo) {
		in.memo_rate = MULT;
		in.memo_len = ONE_S;
	}
}

/*
 * Old hands over [org, org + SPAN) at the world's rate + ppm, ending e_ns
 * ahead of the kernel (floor - kernel there); their planner state: the
 * rate exact over a 1 s baseline, the previous sample at org - 100.
 */
static void
old_hands(int64_t e_ns, double ppm)
{
	struct tk__hands_hot *h = &o.hot;
	struct tk__hands_cold *cd = &o.cold;

	memset(&o, 0, sizeof(o));
	h->base_count = org;
	h->windup_count = org + SPAN;
	h->mult = (uint64_t)(RATE * (1 + ppm * 1e-6) * TWO64);
	h->base_ns =
	    kern(org + SPAN) + e_ns - 1 - (int64_t)tk__mulhi64(SPAN, h->mult);
	h->k_ns = (uint64_t)h->base_ns - tk__mulhi64((uint32_t)org, h->mult);
	h->floor_ns = tk__hands_beyond(h, h->windup_count);
	cd->seq = 7;
	cd->epoch_seq = 1;
	cd->rate = MULT;
	cd->rate_len = ONE_S;
	cd->a_c = org - ONE_S;
	cd->q_c = org - ONE_S / 2;
	cd->p_c = org - 100;
	cd->a_k = kern(cd->a_c);
	cd->q_k = kern(cd->q_c);
	cd->p_k = kern(cd->p_c);
	cd->a_w = cd->q_w = cd->p_w = WC;
	cd->real_lo = R0 - 12;
	cd->real_hi = R0 + 12;
}

/* A 2.6 GHz counter's first hands from an anchor at cal_c, 250 us before. */
static void
first_26(uint64_t cal_c)
{
	in_init(0);
	in.cal_c = cal_c;
	in.cal_k = K0;
	in.s = sample(cal_c + 650000, K0 + 250000);
	in.c0 = in.s.c + 260; /* 100 ns later */
	in.bmin = in.s.k;
}

/* The windup after o at c0 = their end + past, sampled just before. */
static void
next_in(uint64_t past)
{
	in_init(1);
	in.c0 = o.hot.windup_count + past;
	in.s = sample(in.c0 - 100, kern(in.c0 - 100));
}

/*
 * What all hands promise: T(base_count) = base_ns, the floor T(windup_count)
 * + 1 in the delta form and at least the last value (it may equal it), and
 * a non-empty range that never crosses a multiple of 2^32.
 */
static void
check_hands(const struct tk__hands_hot *h)
{
	assert_true(h->windup_count > h->base_count);
	assert_uint64_equal(h->base_count >> 32, (h->windup_count - 1) >> 32);
	assert_int64_equal(tk__hands_at(h, h->base_count), h->base_ns);
	assert_int64_equal(h->floor_ns, tk__hands_beyond(h, h->windup_count));
	assert_int64_le(tk__hands_at(h, h->windup_count - 1), h->floor_ns);
	assert_int64_le(h->base_ns, tk__hands_at(h, h->windup_count - 1));
}

/* The anchors of the rate's baseline: a, the next one q, the last sample p. */
static void
check_anchors(uint64_t a, uint64_t q, uint64_t p)
{
	assert_uint64_equal(out.cold.a_c, a);
	assert_uint64_equal(out.cold.q_c, q);
	assert_uint64_equal(out.cold.p_c, p);
}

/* Planned, of this kind, from B = base. */
static void
expect(unsigned kind, int64_t base)
{
	assert_int_equal(tk__hands_plan(&in, &out), 1);
	assert_int_equal(out.cold.kind, kind);
	assert_int64_equal(out.hot.base_ns, base);
	check_hands(&out.hot);
}

/*
 * The slew for B err ahead of the kernel at c0: mult = rate x (1 - adj)
 * with adj = err / interval, and over the range the hands gain -err on the
 * plain rate from B: they end where the kernel does, to err x adj.
 */
static void
check_slewed(int64_t err, double adj)
{
	const struct tk__hands_hot *h = &out.hot;
	double rate = tk__hands_rate_d(out.cold.rate);
	double n = (double)(h->windup_count - h->base_count);
	int64_t end = h->floor_ns - 1;
	int64_t plain = h->base_ns + llround(n * rate);
	int64_t tol = (int64_t)((double)llabs(err) * 2 * fabs(adj)) + 2;

	assert_true(fabs(tk__hands_rate_d(h->mult) / rate - (1 - adj)) < 1e-12);
	assert_int64_le(llabs(end - plain + err), tol);
	assert_int64_le(llabs(end - kern(h->windup_count)), tol);
}

/* The first hands, the rate measured from the anchor: 2.6 GHz. */
static void
test_first_anchor(void **state)
{
	(void)state;
	first_26(ORG);
	/* B: the kernel at c0, at or above bmin and the sample. */
	expect(TK_HANDS_K_FIRST, K0 + 250100);
	assert_true(fabs(tk__hands_rate_d(out.cold.rate) * 2.6 - 1) < 1e-15);
	assert_uint64_equal(out.cold.rate_len, 650000);
	assert_uint64_equal(out.hot.mult, out.cold.rate);
	assert_uint64_equal(out.cold.seq, 1);
	assert_uint64_equal(out.cold.epoch_seq, 1);
	assert_int_equal(out.hot.flags, TK_HANDS_H_EPOCH);
	check_anchors(ORG, ORG, in.s.c);
	assert_uint64_equal(out.hot.base_count, in.c0);
	/* A quarter of the 250 us baseline, in [interval_min, interval]. */
	assert_int64_equal(out.cold.interval_ns, 62500);
	assert_uint64_le(out.hot.windup_count - in.c0 - 162499, 2);
	assert_uint64_le(out.hot.floor_ns - out.hot.base_ns - 62499, 3);
	/* bmin above the kernel (a V): B is bmin, slowed to the kernel. */
	first_in(0);
	in.bmin = K0 + 10000;
	expect(TK_HANDS_K_FIRST, K0 + 10000);
	assert_int64_equal(out.cold.interval_ns, 62488); /* 499900 / 8 */
	check_slewed(10000, 10000.0 / 62488);
}

/* From a parent's rate memo; with none and nothing to measure: -EAGAIN. */
static void
test_first_memo(void **state)
{
	(void)state;
	first_in(1);
	in.cal_c = org + 500000; /* after s: no matter to a memo */
	expect(TK_HANDS_K_FIRST, K0);
	assert_uint64_equal(out.cold.rate, MULT);
	assert_uint64_equal(out.cold.rate_len, ONE_S);
	/* A quarter of 1 s, capped at the interval: 10 ms. */
	assert_int64_equal(out.cold.interval_ns, I_NS);
	assert_uint64_equal(out.hot.windup_count - org, SPAN);
	in.memo_rate = in.memo_len = 0;
	assert_int_equal(tk__hands_plan(&in, &out), -EAGAIN);
	first_in(0);
	in.cal_c = in.s.c + 1; /* the counter went back */
	assert_int_equal(tk__hands_plan(&in, &out), -EAGAIN);
	in.cal_c = in.s.c; /* it did not move */
	assert_int_equal(tk__hands_plan(&in, &out), -EAGAIN);
	first_in(0);
	in.cal_k = in.s.k; /* the kernel did not move */
	assert_int_equal(tk__hands_plan(&in, &out), -EAGAIN);
}

/* The interval: a quarter of the baseline, within its bounds, <= 1/2 s. */
static void
test_interval(void **state)
{
	static const int64_t t[][3] = {
		/* memo_len, interval_ns, result */
		{ 200000, I_NS, TK_HANDS_INTERVAL_MIN_NS },
		{ 1000002, I_NS, 125000 }, /* 125000.25 */
		{ 1000006, I_NS, 125001 }, /* 125000.75 */
		{ 100000000, I_NS, I_NS },
		{ 20000000000, 2000000000, 500000000 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		first_in(1);
		in.memo_len = (uint64_t)t[i][0];
		in.interval_ns = t[i][1];
		expect(TK_HANDS_K_FIRST, K0);
		assert_int64_equal(out.cold.interval_ns, t[i][2]);
		if (t[i][2] < 300000000) /* else clipped at 2^32 */
			assert_int64_equal(
			    out.hot.windup_count - org, 2 * t[i][2]);
	}
}

/*
 * On time, within one interval's slew: continuity, the old floor carried on
 * at the measured rate (not the old 400 ppm faster one), the error slewed.
 */
static void
test_slew(void **state)
{
	static const int64_t errs[] = { 2000, -2000, 5000, -5000, 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		old_hands(errs[i], 400);
		next_in(1800000); /* 0.9 ms past their end: on time */
		expect(TK_HANDS_K_SLEW, o.hot.floor_ns + 900000);
		assert_int64_equal(out.cold.cont_ns, out.hot.base_ns);
		assert_int64_equal(out.cold.err_ns, errs[i]);
		assert_uint64_equal(out.cold.rate, MULT);
		assert_uint64_equal(out.cold.epoch_seq, 1);
		assert_int_equal(out.hot.flags, 0);
		check_slewed(errs[i], (double)errs[i] / I_NS);
		assert_true(fabs(tk__hands_rate_d(out.hot.mult) / RATE - 1) <=
		    TK_HANDS_SLEW_PPM * 1e-6);
	}
}

/*
 * The kernel's value (STEP): for a reader later than gap_ns past the end,
 * or hands behind by more than one interval's slew; never below bmin.
 */
static void
test_late(void **state)
{
	(void)state;
	old_hands(-5001, 0); /* beyond the slew: 5000 ns over 10 ms */
	next_in(1000);
	expect(TK_HANDS_K_STEP, kern(in.c0));
	assert_uint64_equal(out.hot.mult, MULT);
	old_hands(-3000, 0);
	next_in(2 * TK_HANDS_GAP_NS); /* exactly gap_ns: on time */
	expect(TK_HANDS_K_SLEW, kern(in.c0) - 3000);
	next_in(2 * TK_HANDS_GAP_NS + 2);
	expect(TK_HANDS_K_STEP, kern(in.c0));
	assert_int64_equal(out.cold.err_ns, -3000);
	assert_uint64_equal(out.hot.mult, MULT);
	/* A reader answered V = kc + 100: B is V, slowed by 10 ppm. */
	in.bmin = kern(in.c0) + 100;
	expect(TK_HANDS_K_STEP, in.bmin);
	check_slewed(100, 100.0 / I_NS);
}

/*
 * The kernel behind the hands by more than one interval's slew: no step
 * back; SLOW from the old floor, the rate reduced to remove the error, by
 * at most TK_HANDS_SLOWDOWN_PCT.  More than TK_HANDS_FOLLOW_NS behind the
 * old floor (another time namespace): followed (FOLLOW), below bmin.
 */
static void
test_ahead(void **state)
{
	(void)state;
	old_hands(5001, 0);
	next_in(1000);
	expect(TK_HANDS_K_SLOW, o.hot.floor_ns);
	assert_int64_equal(out.hot.base_ns - kern(in.c0), 4501);
	check_slewed(4501, 4501.0 / I_NS);
	/* 9 ms ahead: slowed by 50%, no more. */
	old_hands(9000000, 0);
	next_in(1000);
	expect(TK_HANDS_K_SLOW, o.hot.floor_ns);
	assert_uint64_equal(out.hot.mult,
	    (uint64_t)(RATE * (1 - TK_HANDS_SLOWDOWN_PCT / 100.0) * TWO64));
	assert_uint64_equal(out.hot.windup_count - in.c0, 2 * SPAN);
	assert_int64_equal(out.hot.floor_ns - out.hot.base_ns, I_NS + 1);
	old_hands(TK_HANDS_FOLLOW_NS + 500, 0); /* 1 s behind: not yet */
	next_in(1000);
	assert_int64_equal(o.hot.floor_ns - kern(in.c0), TK_HANDS_FOLLOW_NS);
	expect(TK_HANDS_K_SLOW, o.hot.floor_ns);
	old_hands(TK_HANDS_FOLLOW_NS + 501, 0);
	next_in(1000);
	expect(TK_HANDS_K_FOLLOW, kern(in.c0));
	assert_uint64_equal(out.hot.mult, MULT);
	assert_int64_equal(out.cold.err_ns, TK_HANDS_FOLLOW_NS + 501);
}

/* The counter went back: RESET, B = max(bmin, kernel), re-anchored. */
static void
test_reset(void **state)
{
	static const int64_t behind[] = { -30000000, 3000 }; /* floor - kc */
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		old_hands(0, 0);
		o.cold.flags = i * TK_HANDS_F_RECAL; /* then just re-anchored */
		in_init(1);
		in.c0 = org - 500000000000; /* 250 s of counts back */
		in.s = sample(in.c0 - 100, o.hot.floor_ns - behind[i] - 50);
		expect(
		    TK_HANDS_K_RESET, o.hot.floor_ns + (i == 0 ? 30000000 : 0));
		assert_int_equal(out.hot.flags, TK_HANDS_H_EPOCH);
		assert_uint64_equal(out.cold.seq, 8);
		assert_uint64_equal(out.cold.epoch_seq, 8);
		assert_int_equal(out.anomaly, 1);
		assert_true(out.cold.flags & TK_HANDS_F_RECAL);
		check_anchors(in.s.c, in.s.c, in.s.c);
		assert_uint64_equal(out.cold.rate, MULT);
		assert_int64_equal(out.cold.interval_ns, TK_HANDS_RECAL_NS);
	}
}

/* No usable hands (a rate out of range, a negative time): 0. */
static void
test_unusable(void **state)
{
	int64_t dc;

	(void)state;
	first_in(0);
	dc = (int64_t)(in.s.c - in.cal_c);
	in.s.k = in.bmin = in.cal_k + 98 * dc / 100;
	assert_int_equal(tk__hands_plan(&in, &out), 1); /* 0.98 ns/count */
	in.s.k = in.bmin = in.cal_k + 99 * dc / 100;
	assert_int_equal(tk__hands_plan(&in, &out), 0); /* 0.99: too slow */
	/* B = kc = 0 is a time; -1 is not. */
	first_in(1);
	in.s.k = in.bmin = -50;
	expect(TK_HANDS_K_FIRST, 0);
	in.c0 -= 2;
	assert_int_equal(tk__hands_plan(&in, &out), 0);
	/* Remeasured after a re-anchor at 1 ns per count. */
	old_hands(0, 0);
	o.cold.flags = TK_HANDS_F_RECAL;
	o.cold.a_c = o.cold.q_c = o.cold.p_c;
	o.cold.a_k = o.cold.q_k = o.cold.p_k;
	next_in(1000);
	in.s.k = o.cold.p_k + (int64_t)(in.s.c - o.cold.p_c);
	assert_int_equal(tk__hands_plan(&in, &out), 0);
}

/* T(c) over the range, count by count: never decreasing, <= the floor. */
static void
walk(void)
{
	const struct tk__hands_hot *h = &out.hot;
	int64_t prev = h->base_ns, t;
	uint64_t c, bad = 0;

	for (c = h->base_count; c != h->windup_count; c++) {
		t = tk__hands_at(h, c);
		bad += t < prev || t > h->floor_ns;
		prev = t;
	}
	assert_uint64_equal(bad, 0);
}

/*
 * The range stops at the next multiple of 2^32 (the low half of the counter
 * is multiplied), or at 2^64 - 1; T is monotonic over it.  Across 2^64.
 */
static void
test_range(void **state)
{
	const uint64_t blk = UINT64_C(233) << 32;

	(void)state;
	first_26(blk - 700000);
	expect(TK_HANDS_K_FIRST, K0 + 250100);
	assert_uint64_equal(out.hot.windup_count, blk);
	walk();
	/* Up to 2^64 - 1, slowed by 50% (4 x 10^7 counts). */
	org = UINT64_MAX - 50000000;
	old_hands(9000000, 0);
	next_in(1000);
	expect(TK_HANDS_K_SLOW, o.hot.floor_ns);
	assert_uint64_equal(out.hot.windup_count, UINT64_MAX);
	walk();
	/* Old hands ending at 2^64 - 2, c0 past the wrap: a slewed 10 ms. */
	org = (uint64_t)0 - SPAN - 2;
	old_hands(2000, 0);
	next_in(1000);
	assert_uint64_le(in.c0, 1000);
	expect(TK_HANDS_K_SLEW, o.hot.floor_ns + 500);
	assert_int_equal(out.anomaly, 0);
	check_slewed(2000, 2000.0 / I_NS);
	assert_true(out.hot.windup_count - out.hot.base_count > SPAN);
	walk();
}

/* REALTIME - MONOTONIC from the realtime bracket, narrowed, or stepped. */
static void
test_realtime(void **state)
{
	(void)state;
	first_in(1);
	expect(TK_HANDS_K_FIRST, K0);
	assert_int64_equal(out.hot.real_ns, R0);
	assert_int64_equal(out.cold.real_lo, R0 - 12);
	assert_int64_equal(out.cold.real_hi, R0 + 12);
	/* 8 ns more, within the bracket: [R0 - 4, R0 + 12]. */
	o = (struct tk__hands_slot){ out.hot, out.cold };
	next_in(1000);
	in.s.r += 8;
	expect(TK_HANDS_K_SLEW, o.hot.floor_ns + 500);
	assert_int64_equal(out.cold.real_lo, R0 - 4);
	assert_int64_equal(out.cold.real_hi, R0 + 12);
	assert_int64_equal(out.hot.real_ns, R0 + 4);
	/* settimeofday(+5 s): the new bracket alone. */
	o = (struct tk__hands_slot){ out.hot, out.cold };
	next_in(1000);
	in.s.r += 5000000000;
	expect(TK_HANDS_K_SLEW, o.hot.floor_ns + 500);
	assert_int64_equal(out.hot.real_ns, R0 + 5000000000);
	assert_int64_equal(out.cold.real_lo, R0 + 5000000000 - 12);
	assert_int64_equal(out.cold.real_hi, R0 + 5000000000 + 12);
}

/* The windup after o, the kernel ppm off the rate since their sample p. */
static void
off_rate_in(double ppm)
{
	next_in(1000);
	in.s.k = o.cold.p_k +
	    llround((double)(in.s.c - o.cold.p_c) * RATE * (1 + ppm * 1e-6));
}

/*
 * The short-baseline rate (over the last interval) off the estimate by
 * more than its noise (3 x 80 counts / 2 x 10^7: 12 ppm) but within 2000
 * ppm plus that: an NTP change, taken at once; beyond: an anomaly,
 * re-anchored at s, and remeasured from there at the next windup.
 */
static void
test_anomaly(void **state)
{
	double r;

	(void)state;
	old_hands(0, 0);
	off_rate_in(-2006);
	assert_int_equal(tk__hands_plan(&in, &out), 1);
	assert_int_equal(out.anomaly, 0);
	r = (double)(in.s.k - o.cold.p_k) / (double)(in.s.c - o.cold.p_c);
	assert_true(fabs(tk__hands_rate_d(out.cold.rate) / r - 1) < 1e-15);
	assert_uint64_equal(out.cold.rate_len, in.s.c - o.cold.p_c);
	check_anchors(o.cold.p_c, in.s.c, in.s.c);
	off_rate_in(-2018);
	assert_int_equal(tk__hands_plan(&in, &out), 1);
	assert_int_equal(out.anomaly, 1);
	assert_true(out.cold.flags & TK_HANDS_F_RECAL);
	check_anchors(in.s.c, in.s.c, in.s.c);
	assert_int64_equal(out.cold.a_k, in.s.k);
	assert_uint64_equal(out.cold.rate, MULT); /* kept until remeasured */
	assert_int64_equal(out.cold.interval_ns, TK_HANDS_RECAL_NS);
	/* The next windup measures over the new anchor alone. */
	o = (struct tk__hands_slot){ out.hot, out.cold };
	off_rate_in(0);
	assert_int_equal(tk__hands_plan(&in, &out), 1);
	assert_int_equal(out.anomaly, 0);
	assert_false(out.cold.flags & TK_HANDS_F_RECAL);
	assert_uint64_equal(out.cold.rate_len, in.s.c - o.cold.a_c);
	r = (double)(in.s.k - o.cold.a_k) / (double)out.cold.rate_len;
	assert_true(fabs(tk__hands_rate_d(out.cold.rate) / r - 1) < 1e-15);
	r = (double)out.cold.rate_len * tk__hands_rate_d(out.cold.rate) / 4;
	assert_int64_equal(out.cold.interval_ns, (int64_t)(r + 0.5));
	/* Just re-anchored, and the kernel stood still: re-anchored again. */
	o = (struct tk__hands_slot){ out.hot, out.cold };
	o.cold.flags = TK_HANDS_F_RECAL;
	off_rate_in(-1e6);
	assert_int_equal(tk__hands_plan(&in, &out), 1);
	assert_int_equal(out.anomaly, 1);
	check_anchors(in.s.c, in.s.c, in.s.c);
}

/* Within the noise: the rate over a..s once long enough; a, q rotate. */
static void
test_baseline(void **state)
{
	uint64_t old_rate = (uint64_t)(RATE * (1 + 0.5e-6) * TWO64);

	(void)state;
	old_hands(0, 0);
	o.cold.rate = old_rate; /* 0.5 ppm off: within the noise */
	o.cold.a_c = org - 3 * ONE_S / 2;
	o.cold.q_c = org - ONE_S + SPAN; /* a second before s */
	o.cold.a_k = kern(o.cold.a_c);
	o.cold.q_k = kern(o.cold.q_c);
	next_in(1000);
	assert_int_equal(tk__hands_plan(&in, &out), 1);
	assert_int_equal(out.anomaly, 0);
	assert_uint64_equal(out.cold.rate, MULT); /* exact over a..s */
	assert_uint64_equal(out.cold.rate_len, in.s.c - o.cold.a_c);
	check_anchors(o.cold.q_c, in.s.c, in.s.c);
	/* a..s shorter than the baseline the rate came from: kept. */
	o.cold.a_c = o.cold.q_c = org - ONE_S + 2 * SPAN;
	o.cold.a_k = o.cold.q_k = kern(o.cold.a_c);
	next_in(1000);
	assert_int_equal(tk__hands_plan(&in, &out), 1);
	assert_uint64_equal(out.cold.rate, old_rate);
	assert_uint64_equal(out.cold.rate_len, ONE_S);
	check_anchors(o.cold.a_c, o.cold.q_c, in.s.c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_first_anchor, reset),
		cmocka_unit_test_setup(test_first_memo, reset),
		cmocka_unit_test_setup(test_interval, reset),
		cmocka_unit_test_setup(test_slew, reset),
		cmocka_unit_test_setup(test_late, reset),
		cmocka_unit_test_setup(test_ahead, reset),
		cmocka_unit_test_setup(test_reset, reset),
		cmocka_unit_test_setup(test_unusable, reset),
		cmocka_unit_test_setup(test_range, reset),
		cmocka_unit_test_setup(test_realtime, reset),
		cmocka_unit_test_setup(test_anomaly, reset),
		cmocka_unit_test_setup(test_baseline, reset),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
