/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The public bintime arithmetic of include/timekeep.h (tk_bintime_add,
 * _addx, _sub, _cmp, the conversions to and from ns, timespec and timeval)
 * and its two helpers tk__frac_to_units() and tk__units_to_frac().
 *
 * The golden tests follow FreeBSD sys/sys/time.h (bintime_add,
 * bintime2timespec, ...): the carry out of frac in add and addx, the borrow in sub,
 * negative times ({-1, 3 << 62} is -0.25 s), rounding down to ns and us,
 * and the conversion through the top 32 bits of frac that older FreeBSD
 * and Go use, which reads 1 ns low where ours gives the exact floor.
 * Each expected value is written out with its derivation.
 *
 * The property test then checks every function against 128-bit reference
 * arithmetic on the value sec * 2^64 + frac over 10^7 random inputs (fewer
 * under sanitizers and qemu), drawn from a splitmix64 generator with a
 * fixed seed that is printed, and that TK_TEST_SEED overrides to replay a
 * failure.  The sweeps try every microsecond and every nanosecond of a
 * second (strided under sanitizers and qemu): both round trips are exact
 * and the fraction chosen is the smallest that maps back.
 */
#include <inttypes.h>
#include <string.h>

#include "timekeep.h"
#include "tk_test.h"

typedef unsigned __int128 u128;
typedef __int128 i128;

#define NS 1000000000u /* units per second of a timespec */
#define US 1000000u /* units per second of a timeval */
#define FRAC_MAX UINT64_MAX
#define HALF (UINT64_C(1) << 63) /* 0.5 s */
#define QUARTER (UINT64_C(1) << 62) /* 0.25 s */
#define TWO64 ((i128)1 << 64)

/* The fraction of 1 ns: ceil(2^64 / 10^9) = ceil(18446744073.709...). */
#define FRAC_1NS UINT64_C(18446744074)
/* The fraction of 10^9 - 1 ns: ceil((10^9 - 1) * 2^64 / 10^9). */
#define FRAC_999999999NS UINT64_C(0xfffffffbb47d05f7)
/* The fraction of 1 us: ceil(2^64 / 10^6) = ceil(18446744073709.55...). */
#define FRAC_1US UINT64_C(18446744073710)
/* The fraction of 10^6 - 1 us: ceil((10^6 - 1) * 2^64 / 10^6). */
#define FRAC_999999US UINT64_C(0xffffef39085f4a13)

/* 128-bit references: the exact floor and ceiling the helpers promise. */
static uint64_t
ref_to_units(uint64_t frac, uint32_t unit)
{
	return (uint64_t)(((u128)frac * unit) >> 64);
}

static uint64_t
ref_to_frac(uint64_t n, uint32_t unit)
{
	return (uint64_t)((((u128)n << 64) + unit - 1) / unit);
}

/* sec * 2^64 + frac: every bintime fits, INT64_MIN * 2^64 = -2^127 too. */
static i128
bt_value(const struct tk_bintime *bt)
{
	return (i128)bt->sec * TWO64 + (i128)bt->frac;
}

/*
 * The bintime of a value in range: frac is the low 64 bits, sec the high
 * 64 bits as two's complement (done unsigned, so no shift of a negative).
 */
static struct tk_bintime
bt_of_value(i128 v)
{
	struct tk_bintime bt;
	u128 u = (u128)v;

	bt.sec = (int64_t)(uint64_t)(u >> 64);
	bt.frac = (uint64_t)u;
	return bt;
}

/* Older FreeBSD bintime2timespec: 10^9 times the top 32 bits of frac. */
static uint64_t
old_to_units(uint64_t frac, uint32_t unit)
{
	return ((uint64_t)unit * (uint32_t)(frac >> 32)) >> 32;
}

static struct tk_bintime
bt(int64_t sec, uint64_t frac)
{
	struct tk_bintime b;

	b.sec = sec;
	b.frac = frac;
	return b;
}

static void
assert_bt(struct tk_bintime got, int64_t sec, uint64_t frac)
{
	if (got.sec != sec || got.frac != frac)
		print_error("bintime {%" PRId64 ", %#" PRIx64
		            "}, expected {%" PRId64 ", %#" PRIx64 "}\n",
		    got.sec, got.frac, sec, frac);
	assert_int64_equal(got.sec, sec);
	assert_uint64_equal(got.frac, frac);
}

static struct tk_bintime
add(struct tk_bintime a, struct tk_bintime b)
{
	tk_bintime_add(&a, &b);
	return a;
}

static struct tk_bintime
addx(struct tk_bintime a, uint64_t x)
{
	tk_bintime_addx(&a, x);
	return a;
}

static struct tk_bintime
sub(struct tk_bintime a, struct tk_bintime b)
{
	tk_bintime_sub(&a, &b);
	return a;
}

static struct tk_bintime
from_ns(int64_t ns)
{
	struct tk_bintime b;

	memset(&b, 0xa5, sizeof(b));
	tk_bintime_from_ns(&b, ns);
	return b;
}

static void
test_addx_carry(void **state)
{
	(void)state;
	/* No carry. */
	assert_bt(addx(bt(5, 1), 2), 5, 3);
	assert_bt(addx(bt(5, 7), 0), 5, 7);
	assert_bt(addx(bt(5, 0), FRAC_MAX), 5, FRAC_MAX);
	/* The sum wraps exactly to 0: carry 1 s. */
	assert_bt(addx(bt(5, FRAC_MAX), 1), 6, 0);
	assert_bt(addx(bt(5, 1), FRAC_MAX), 6, 0);
	assert_bt(addx(bt(5, HALF), HALF), 6, 0);
	/* Wraps past 0: (2^64 - 1) + (2^64 - 1) = 2^64 + (2^64 - 2). */
	assert_bt(addx(bt(5, FRAC_MAX), FRAC_MAX), 6, FRAC_MAX - 1);
	/* 0.75 + 0.5 = 1.25. */
	assert_bt(addx(bt(0, 3 * QUARTER), HALF), 1, QUARTER);
	/* Negative seconds: -0.25 s + 0.25 s = 0, -1.5 s + 0.75 s = -0.75. */
	assert_bt(addx(bt(-1, 3 * QUARTER), QUARTER), 0, 0);
	assert_bt(addx(bt(-2, HALF), 3 * QUARTER), -1, QUARTER);
	/* The carry reaches the largest second. */
	assert_bt(addx(bt(INT64_MAX - 1, FRAC_MAX), 1), INT64_MAX, 0);
	assert_bt(addx(bt(INT64_MIN, 0), FRAC_MAX), INT64_MIN, FRAC_MAX);
}

static void
test_add_carry(void **state)
{
	(void)state;
	assert_bt(add(bt(1, QUARTER), bt(2, QUARTER)), 3, HALF);
	/* 1.75 + 2.5 = 4.25: frac wraps, one carry. */
	assert_bt(add(bt(1, 3 * QUARTER), bt(2, HALF)), 4, QUARTER);
	assert_bt(add(bt(0, FRAC_MAX), bt(0, 1)), 1, 0);
	assert_bt(add(bt(0, FRAC_MAX), bt(0, FRAC_MAX)), 1, FRAC_MAX - 1);
	assert_bt(add(bt(7, 0), bt(0, 0)), 7, 0);
	/* -0.25 + 0.25 = 0; -0.25 + -0.25 = -0.5 = {-1, 2^63}. */
	assert_bt(add(bt(-1, 3 * QUARTER), bt(0, QUARTER)), 0, 0);
	assert_bt(add(bt(-1, 3 * QUARTER), bt(-1, 3 * QUARTER)), -1, HALF);
	/* 2.25 + -0.75 = 1.5. */
	assert_bt(add(bt(2, QUARTER), bt(-1, QUARTER)), 1, HALF);
	/* -1 ulp + 1 ulp = 0. */
	assert_bt(add(bt(-1, FRAC_MAX), bt(0, 1)), 0, 0);
	/* Extremes whose result and every step are representable. */
	assert_bt(add(bt(INT64_MAX - 1, FRAC_MAX), bt(0, 1)), INT64_MAX, 0);
	assert_bt(add(bt(INT64_MAX, 0), bt(INT64_MIN, FRAC_MAX)), -1, FRAC_MAX);
	assert_bt(add(bt(INT64_MIN, 1), bt(INT64_MAX, FRAC_MAX)), 0, 0);
}

static void
test_sub_borrow(void **state)
{
	(void)state;
	assert_bt(sub(bt(3, HALF), bt(1, QUARTER)), 2, QUARTER);
	/* 4.25 - 2.5 = 1.75: frac wraps, one borrow. */
	assert_bt(sub(bt(4, QUARTER), bt(2, HALF)), 1, 3 * QUARTER);
	/* 0 - 0.25 = -0.25 = {-1, 3 << 62}. */
	assert_bt(sub(bt(0, 0), bt(0, QUARTER)), -1, 3 * QUARTER);
	/* 0 - 1 ulp = {-1, 2^64 - 1}. */
	assert_bt(sub(bt(0, 0), bt(0, 1)), -1, FRAC_MAX);
	assert_bt(sub(bt(1, 0), bt(0, FRAC_MAX)), 0, 1);
	assert_bt(sub(bt(5, 9), bt(5, 9)), 0, 0);
	/* Subtracting a zero fraction borrows nothing. */
	assert_bt(sub(bt(7, HALF), bt(2, 0)), 5, HALF);
	assert_bt(sub(bt(7, 0), bt(-2, 0)), 9, 0);
	/* -0.25 - 0.5 = -0.75 = {-1, 2^62}; -0.25 - -0.75 = 0.5. */
	assert_bt(sub(bt(-1, 3 * QUARTER), bt(0, HALF)), -1, QUARTER);
	assert_bt(sub(bt(-1, 3 * QUARTER), bt(-1, QUARTER)), 0, HALF);
	/* Extremes whose result and every step are representable. */
	assert_bt(sub(bt(INT64_MIN + 1, 0), bt(0, 1)), INT64_MIN, FRAC_MAX);
	assert_bt(sub(bt(-1, FRAC_MAX), bt(INT64_MAX, FRAC_MAX)), INT64_MIN, 0);
	assert_bt(sub(bt(INT64_MAX, FRAC_MAX), bt(INT64_MAX, FRAC_MAX)), 0, 0);
}

static void
test_cmp(void **state)
{
	/* Strictly increasing. */
	static const struct tk_bintime order[] = {
		{ INT64_MIN, 0 },
		{ INT64_MIN, FRAC_MAX },
		{ -2, FRAC_MAX },
		{ -1, 0 },
		{ -1, 3 * QUARTER }, /* -0.25 s */
		{ -1, FRAC_MAX }, /* -1 ulp */
		{ 0, 0 },
		{ 0, 1 },
		{ 0, HALF },
		{ 0, FRAC_MAX },
		{ 1, 0 },
		{ INT64_MAX, 0 },
		{ INT64_MAX, FRAC_MAX },
	};
	size_t i, j, n = sizeof(order) / sizeof(order[0]);

	(void)state;
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			int want = i < j ? -1 : i > j ? 1 : 0;

			if (tk_bintime_cmp(&order[i], &order[j]) != want)
				print_error("cmp(#%zu, #%zu)\n", i, j);
			assert_int_equal(
			    tk_bintime_cmp(&order[i], &order[j]), want);
		}
	}
}

/* -0.25 s is {-1, 3 << 62}: sec rounds down, frac stays non-negative. */
static void
test_negative_seconds(void **state)
{
	struct tk_bintime b = bt(-1, 3 * QUARTER);
	struct timespec ts;
	struct timeval tv;

	(void)state;
	assert_int64_equal(tk_bintime_to_ns(&b), -250000000);
	assert_bt(from_ns(-250000000), -1, 3 * QUARTER);
	tk_bintime_to_timespec(&b, &ts);
	assert_int64_equal(ts.tv_sec, -1);
	assert_int64_equal(ts.tv_nsec, 750000000);
	tk_bintime_to_timeval(&b, &tv);
	assert_int64_equal(tv.tv_sec, -1);
	assert_int64_equal(tv.tv_usec, 750000);

	/* -1 ns is 10^9 - 1 ns into second -1. */
	assert_bt(from_ns(-1), -1, FRAC_999999999NS);
	assert_int64_equal(
	    tk_bintime_to_ns(&(struct tk_bintime){ -1, FRAC_999999999NS }), -1);
	/* -1 ulp floors to -1 ns, never to 0. */
	assert_int64_equal(
	    tk_bintime_to_ns(&(struct tk_bintime){ -1, FRAC_MAX }), -1);
	assert_bt(from_ns(-1000000000), -1, 0);
	assert_bt(from_ns(-1000000001), -2, FRAC_999999999NS);
	assert_bt(from_ns(-1999999999), -2, FRAC_1NS);
	assert_int64_equal(
	    tk_bintime_to_ns(&(struct tk_bintime){ -2, FRAC_1NS }),
	    -1999999999);
}

/*
 * Older FreeBSD and Go take only the top 32 bits of frac:
 * (10^9 * (uint32)(frac >> 32)) >> 32.  The low 32 bits are worth up to
 * 10^9 / 2^32 = 0.23 ns, enough to cross a nanosecond boundary, so the old
 * result is the exact floor or 1 below it.  Ours is always the exact floor.
 */
static void
test_top32_formula(void **state)
{
	static const struct {
		uint64_t frac;
		uint32_t unit;
		uint64_t exact; /* floor(frac * unit / 2^64) */
		uint64_t old; /* through the top 32 bits */
	} cases[] = {
		/* 1 ns: top 32 bits = 4, 4 * 10^9 >> 32 = 0. */
		{ FRAC_1NS, NS, 1, 0 },
		{ 2 * FRAC_1NS, NS, 2, 1 },
		/* 123456789 ns, from ceil(123456789 * 2^64 / 10^9). */
		{ UINT64_C(0x1f9add3739635f32), NS, 123456789, 123456788 },
		{ FRAC_999999999NS, NS, 999999999, 999999998 },
		/* 0.5 s: the low 32 bits are 0, both agree. */
		{ HALF, NS, 500000000, 500000000 },
		/* 1953125 ns = 2^-9 s exactly: frac = 2^55, both agree. */
		{ UINT64_C(1) << 55, NS, 1953125, 1953125 },
		{ FRAC_MAX, NS, 999999999, 999999999 },
		{ 0, NS, 0, 0 },
		/* 1 us: top 32 bits = 4294, 4294 * 10^6 >> 32 = 0. */
		{ FRAC_1US, US, 1, 0 },
		{ FRAC_999999US, US, 999999, 999998 },
		{ FRAC_MAX, US, 999999, 999999 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* The table itself is checked against 128-bit arithmetic. */
		assert_uint64_equal(
		    ref_to_units(cases[i].frac, cases[i].unit), cases[i].exact);
		assert_uint64_equal(
		    old_to_units(cases[i].frac, cases[i].unit), cases[i].old);
		assert_uint64_equal(
		    tk__frac_to_units(cases[i].frac, cases[i].unit),
		    cases[i].exact);
	}

	/*
	 * And through the public conversions: 123456789 ns survives the
	 * round trip that the old formula turns into 123456788.
	 */
	{
		struct timespec ts = { 42, 123456789 }, back;
		struct tk_bintime b;

		tk_timespec_to_bintime(&ts, &b);
		assert_uint64_equal(old_to_units(b.frac, NS), 123456788);
		tk_bintime_to_timespec(&b, &back);
		assert_int64_equal(back.tv_sec, 42);
		assert_int64_equal(back.tv_nsec, 123456789);
		assert_int64_equal(tk_bintime_to_ns(&b), 42123456789);
	}

	/*
	 * Old timespec2bintime, frac = nsec * floor(2^64 / 10^9), lands just
	 * below the nanosecond, so even the exact floor reads 1 ns less; ours
	 * takes the ceiling, the smallest frac that floors back to nsec.
	 */
	assert_uint64_equal(
	    tk__frac_to_units(1 * UINT64_C(18446744073), NS), 0);
	assert_uint64_equal(tk__units_to_frac(1, NS), FRAC_1NS);
	assert_uint64_equal(tk__frac_to_units(FRAC_1NS, NS), 1);
	assert_uint64_equal(tk__frac_to_units(FRAC_1NS - 1, NS), 0);
}

/* Conversions round down, never to nearest. */
static void
test_round_down(void **state)
{
	struct tk_bintime b;
	struct timespec ts;
	struct timeval tv;

	(void)state;
	/* 1 ulp below a nanosecond or microsecond boundary. */
	assert_uint64_equal(tk__frac_to_units(FRAC_1NS - 1, NS), 0);
	assert_uint64_equal(
	    tk__frac_to_units(FRAC_999999999NS - 1, NS), 999999998);
	assert_uint64_equal(tk__frac_to_units(FRAC_1US - 1, US), 0);
	assert_uint64_equal(tk__frac_to_units(FRAC_999999US - 1, US), 999998);
	/* Just below 0.5 s: 499999999 ns, not 500000000. */
	assert_uint64_equal(tk__frac_to_units(HALF - 1, NS), 499999999);
	assert_uint64_equal(tk__frac_to_units(HALF - 1, US), 499999);
	/* frac = 2^64 - 1 is 1 - 2^-64 s: the last ns and us, not 1 s. */
	b = bt(3, FRAC_MAX);
	assert_int64_equal(tk_bintime_to_ns(&b), 3999999999);
	tk_bintime_to_timespec(&b, &ts);
	assert_int64_equal(ts.tv_sec, 3);
	assert_int64_equal(ts.tv_nsec, 999999999);
	tk_bintime_to_timeval(&b, &tv);
	assert_int64_equal(tv.tv_sec, 3);
	assert_int64_equal(tv.tv_usec, 999999);
	/* frac = 0. */
	b = bt(3, 0);
	assert_int64_equal(tk_bintime_to_ns(&b), 3000000000);
	tk_bintime_to_timespec(&b, &ts);
	assert_int64_equal(ts.tv_nsec, 0);
	tk_bintime_to_timeval(&b, &tv);
	assert_int64_equal(tv.tv_usec, 0);
	/* A ns that is not a whole us floors to the us below. */
	b = from_ns(1999);
	tk_bintime_to_timeval(&b, &tv);
	assert_int64_equal(tv.tv_usec, 1);
	b = from_ns(-1);
	tk_bintime_to_timeval(&b, &tv);
	assert_int64_equal(tv.tv_sec, -1);
	assert_int64_equal(tv.tv_usec, 999999);
}

static void
test_ns_edges(void **state)
{
	static const struct {
		int64_t ns;
		int64_t sec;
		uint64_t frac;
	} cases[] = {
		{ 0, 0, 0 },
		{ 1, 0, FRAC_1NS },
		{ -1, -1, FRAC_999999999NS },
		{ 999999999, 0, FRAC_999999999NS },
		{ 1000000000, 1, 0 },
		{ 1000000001, 1, FRAC_1NS },
		{ 500000000, 0, HALF },
		/* INT64_MAX = 9223372036 s + 854775807 ns. */
		{ INT64_MAX, 9223372036, UINT64_C(0xdad296587a1d301b) },
		{ INT64_MAX - 854775807, 9223372036, 0 },
		/* -9223372036 s exactly: the most negative whole second. */
		{ -9223372036000000000, -9223372036, 0 },
		{ -9223372036000000000 + 1, -9223372036, FRAC_1NS },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tk_bintime b = from_ns(cases[i].ns);

		/* The table itself is checked against 128-bit arithmetic. */
		assert_uint64_equal(cases[i].frac,
		    ref_to_frac(
		        (uint64_t)((i128)cases[i].ns - (i128)cases[i].sec * NS),
		        NS));
		assert_bt(b, cases[i].sec, cases[i].frac);
		assert_int64_equal(tk_bintime_to_ns(&b), cases[i].ns);
	}
}

/*
 * The most negative nanoseconds: INT64_MIN = -9223372037 s + 145224192 ns,
 * and every ns below -9223372036 s.  The result is representable, but
 * sec * 10^9 = -9223372037000000000 is not (signed overflow, which UBSan
 * reports): kept apart so that this one case names itself.
 */
static void
test_ns_int64_min(void **state)
{
	struct tk_bintime b;

	(void)state;
	b = from_ns(INT64_MIN);
	/* 145224192 ns: ceil(145224192 * 2^64 / 10^9). */
	assert_bt(b, -9223372037, UINT64_C(0x252d69a33a5fd5dd));
	assert_int64_equal(tk_bintime_to_ns(&b), INT64_MIN);
	b = from_ns(-9223372036000000000 - 1);
	assert_bt(b, -9223372037, FRAC_999999999NS);
	assert_int64_equal(tk_bintime_to_ns(&b), -9223372036000000000 - 1);
}

static void
test_helpers(void **state)
{
	static const uint32_t units[] = { 1, 2, 3, 1000, US, NS, 1u << 31,
		UINT32_MAX - 1, UINT32_MAX };
	static const uint64_t fracs[] = { 0, 1, 0xffffffff, UINT64_C(1) << 32,
		QUARTER, HALF, HALF + 1, FRAC_MAX - 1, FRAC_MAX };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		uint32_t u = units[i];
		const uint64_t ns[] = { 0, 1, u / 2, u - 1u };

		for (j = 0; j < sizeof(fracs) / sizeof(fracs[0]); j++)
			assert_uint64_equal(tk__frac_to_units(fracs[j], u),
			    ref_to_units(fracs[j], u));
		for (j = 0; j < sizeof(ns) / sizeof(ns[0]); j++) {
			uint64_t n = ns[j] < u ? ns[j] : 0;
			uint64_t f = tk__units_to_frac(n, u);

			assert_uint64_equal(f, ref_to_frac(n, u));
			assert_uint64_equal(tk__frac_to_units(f, u), n);
		}
	}
	/* frac = 2^64 - 1 floors to unit - 1 for every unit. */
	assert_uint64_equal(
	    tk__frac_to_units(FRAC_MAX, UINT32_MAX), UINT32_MAX - 1u);
	assert_uint64_equal(tk__frac_to_units(FRAC_MAX, 1), 0);
	/* 1/3 s: ceil(2^64 / 3) = 0x5555555555555556. */
	assert_uint64_equal(
	    tk__units_to_frac(1, 3), UINT64_C(0x5555555555555556));
	assert_uint64_equal(
	    tk__units_to_frac(2, 3), UINT64_C(0xaaaaaaaaaaaaaaab));
}

/* Every microsecond of a second, both ways, and the fraction is minimal. */
static void
test_sweep_us(void **state)
{
	uint64_t n;

	(void)state;
	for (n = 0; n < US; n++) {
		struct timeval tv = { -7, (suseconds_t)n }, back;
		struct tk_bintime b;

		tk_timeval_to_bintime(&tv, &b);
		tk_bintime_to_timeval(&b, &back);
		if (back.tv_sec != -7 || (uint64_t)back.tv_usec != n ||
		    b.frac != ref_to_frac(n, US) ||
		    (n > 0 && tk__frac_to_units(b.frac - 1, US) != n - 1))
			fail_msg("timeval round trip of %" PRIu64 " us", n);
	}
}

/*
 * Every nanosecond of a second natively (a stride under sanitizers and
 * qemu): tk__units_to_frac(n) is ceil(n * 2^64 / 10^9), it floors back to
 * n, and the fraction below it floors to n - 1.  As the public ns,
 * timespec and bintime conversions add only the whole seconds around these
 * two helpers, this proves their round trips exact for every value.  The
 * reference is kept incrementally, with no division: n * 2^64 = q * 10^9
 * + r, and each step adds stride * 2^64 = stride * (D * 10^9 + C).
 */
static void
test_sweep_ns(void **state)
{
	const uint64_t D = UINT64_C(18446744073); /* floor(2^64 / 10^9) */
	const uint64_t C = UINT64_C(709551616); /* 2^64 mod 10^9 */
	uint64_t n, q = 0, r = 0, stride = NS / tk_test_scale(NS);

	(void)state;
	if (stride > 1)
		print_message("stride %" PRIu64 " ns\n", stride);
	for (n = 0; n < NS; n += stride) {
		uint64_t f = q + (r != 0);

		if (tk__units_to_frac(n, NS) != f ||
		    tk__frac_to_units(f, NS) != n ||
		    (n > 0 && tk__frac_to_units(f - 1, NS) != n - 1))
			fail_msg("%" PRIu64 " ns: frac %#" PRIx64
			         ", expected %#" PRIx64,
			    n, tk__units_to_frac(n, NS), f);
		r += stride * C;
		q += stride * D + r / NS;
		r %= NS;
	}
}

/* splitmix64 (Steele, Lea, Flood 2014): a fixed, replayable stream. */
static uint64_t prop_state;
static uint64_t prop_seed;
static uint64_t prop_iter;

static uint64_t
rnd(void)
{
	uint64_t z = (prop_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* A fraction, one time in eight from the edges. */
static uint64_t
rnd_frac(void)
{
	static const uint64_t edge[] = { 0, 1, 2, 0xffffffff, UINT64_C(1) << 32,
		QUARTER, HALF - 1, HALF, FRAC_1NS - 1, FRAC_1NS,
		FRAC_999999999NS, FRAC_MAX - 1, FRAC_MAX, 3 };
	uint64_t r = rnd();

	if ((r & 7) == 0)
		return edge[(r >> 3) % (sizeof(edge) / sizeof(edge[0]))];
	if ((r & 7) == 1)
		return rnd() >> (r >> 3) % 64; /* small values too */
	return rnd();
}

/* A signed value in [lo, hi], one time in eight from the edges. */
static int64_t
rnd_range(int64_t lo, int64_t hi)
{
	uint64_t r = rnd(), span = (uint64_t)hi - (uint64_t)lo;
	int64_t edge[] = { lo, lo + 1, -1, 0, 1, hi - 1, hi };

	if ((r & 7) == 0)
		return edge[(r >> 3) % (sizeof(edge) / sizeof(edge[0]))];
	if (span == UINT64_MAX)
		return (int64_t)rnd();
	return (int64_t)((uint64_t)lo + rnd() % (span + 1));
}

static void prop_fail(int line, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
prop_fail(int line, const char *what, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	print_error("seed %#" PRIx64 " (TK_TEST_SEED), iteration %" PRIu64
	            ": %s is false: %s\n",
	    prop_seed, prop_iter, what, buf);
	_fail(__FILE__, line);
}

#define PROP(cond, ...)                                                        \
	do {                                                                   \
		if (!(cond))                                                   \
			prop_fail(__LINE__, #cond, __VA_ARGS__);               \
	} while (0)

/* The unit conversions for one fraction and one unit. */
static void
prop_units(uint64_t f, uint32_t u)
{
	uint64_t n = rnd() % u, t;

	PROP(tk__frac_to_units(f, u) == ref_to_units(f, u),
	    "frac %#" PRIx64 " unit %" PRIu32, f, u);
	t = tk__units_to_frac(n, u);
	PROP(t == ref_to_frac(n, u), "n %" PRIu64 " unit %" PRIu32, n, u);
	PROP(tk__frac_to_units(t, u) == n, "n %" PRIu64 " unit %" PRIu32, n, u);
	PROP(n == 0 || tk__frac_to_units(t - 1, u) == n - 1,
	    "n %" PRIu64 " unit %" PRIu32, n, u);
}

/* add, addx, sub and cmp against the 128-bit value. */
static void
prop_arith(void)
{
	/* |sec| <= 2^61, so sums stay far from both 64- and 128-bit ends. */
	const int64_t lim = INT64_C(1) << 61;
	struct tk_bintime a = bt(rnd_range(-lim, lim), rnd_frac());
	struct tk_bintime b = bt(rnd_range(-lim, lim), rnd_frac());
	struct tk_bintime r, want;
	uint64_t x = rnd_frac();
	int c, wc;

	r = add(a, b);
	want = bt_of_value(bt_value(&a) + bt_value(&b));
	PROP(r.sec == want.sec && r.frac == want.frac,
	    "add {%" PRId64 ", %#" PRIx64 "} + {%" PRId64 ", %#" PRIx64 "}",
	    a.sec, a.frac, b.sec, b.frac);
	r = sub(a, b);
	want = bt_of_value(bt_value(&a) - bt_value(&b));
	PROP(r.sec == want.sec && r.frac == want.frac,
	    "sub {%" PRId64 ", %#" PRIx64 "} - {%" PRId64 ", %#" PRIx64 "}",
	    a.sec, a.frac, b.sec, b.frac);
	r = addx(a, x);
	want = bt_of_value(bt_value(&a) + (i128)x);
	PROP(r.sec == want.sec && r.frac == want.frac,
	    "addx {%" PRId64 ", %#" PRIx64 "} + %#" PRIx64, a.sec, a.frac, x);

	/* cmp over every second, and often with equal seconds. */
	a.sec = rnd_range(INT64_MIN, INT64_MAX);
	b.sec = (rnd() & 1) ? a.sec : rnd_range(INT64_MIN, INT64_MAX);
	if ((rnd() & 3) == 0)
		b.frac = a.frac;
	c = tk_bintime_cmp(&a, &b);
	wc = bt_value(&a) < bt_value(&b) ? -1 : bt_value(&a) > bt_value(&b);
	PROP(c == wc,
	    "cmp {%" PRId64 ", %#" PRIx64 "} {%" PRId64 ", %#" PRIx64 "}",
	    a.sec, a.frac, b.sec, b.frac);
}

/* ns, timespec and timeval conversions against the 128-bit value. */
static void
prop_conv(void)
{
	struct tk_bintime a, b;
	struct timespec ts, ts2;
	struct timeval tv, tv2;
	int64_t ns;
	i128 want, rem;
	uint64_t old, exact;

	/* bintime -> ns wherever the result is representable. */
	a = bt(rnd_range(-9223372037, 9223372036), rnd_frac());
	want = (i128)a.sec * NS + (i128)ref_to_units(a.frac, NS);
	if (want >= INT64_MIN && want <= INT64_MAX)
		PROP(tk_bintime_to_ns(&a) == (int64_t)want,
		    "to_ns {%" PRId64 ", %#" PRIx64 "}", a.sec, a.frac);

	/* ns -> bintime: floor of the seconds, ceiling of the fraction. */
	ns = rnd_range(INT64_MIN, INT64_MAX);
	b = from_ns(ns);
	rem = ((i128)ns % NS + NS) % NS;
	want = ((i128)ns - rem) / NS;
	PROP(b.sec == (int64_t)want && b.frac == ref_to_frac((uint64_t)rem, NS),
	    "from_ns %" PRId64, ns);
	PROP(tk_bintime_to_ns(&b) == ns, "ns round trip %" PRId64, ns);

	/* bintime -> timespec, timeval: sec kept, units floored. */
	tk_bintime_to_timespec(&a, &ts);
	PROP(ts.tv_sec == a.sec &&
	        (uint64_t)ts.tv_nsec == ref_to_units(a.frac, NS),
	    "to_timespec {%" PRId64 ", %#" PRIx64 "}", a.sec, a.frac);
	tk_bintime_to_timeval(&a, &tv);
	PROP(tv.tv_sec == a.sec &&
	        (uint64_t)tv.tv_usec == ref_to_units(a.frac, US),
	    "to_timeval {%" PRId64 ", %#" PRIx64 "}", a.sec, a.frac);

	/* The old top-32-bit formula is the exact floor or 1 below it. */
	old = old_to_units(a.frac, NS);
	exact = tk__frac_to_units(a.frac, NS);
	PROP(old == exact || old + 1 == exact, "old %" PRIu64 " exact %" PRIu64,
	    old, exact);

	/* timespec and timeval round trips, over every second. */
	ts.tv_sec = (time_t)rnd_range(INT64_MIN, INT64_MAX);
	ts.tv_nsec = (long)(rnd() % NS);
	tk_timespec_to_bintime(&ts, &b);
	tk_bintime_to_timespec(&b, &ts2);
	PROP(b.sec == ts.tv_sec &&
	        b.frac == ref_to_frac((uint64_t)ts.tv_nsec, NS) &&
	        ts2.tv_sec == ts.tv_sec && ts2.tv_nsec == ts.tv_nsec,
	    "timespec {%" PRId64 ", %ld}", (int64_t)ts.tv_sec, ts.tv_nsec);
	tv.tv_sec = (time_t)rnd_range(INT64_MIN, INT64_MAX);
	tv.tv_usec = (suseconds_t)(rnd() % US);
	tk_timeval_to_bintime(&tv, &b);
	tk_bintime_to_timeval(&b, &tv2);
	PROP(b.sec == tv.tv_sec &&
	        b.frac == ref_to_frac((uint64_t)tv.tv_usec, US) &&
	        tv2.tv_sec == tv.tv_sec && tv2.tv_usec == tv.tv_usec,
	    "timeval {%" PRId64 ", %ld}", (int64_t)tv.tv_sec, (long)tv.tv_usec);
}

static void
test_property(void **state)
{
	const char *env = getenv("TK_TEST_SEED");
	uint64_t n = tk_test_scale(10000000);

	(void)state;
	prop_seed = env != NULL ? strtoull(env, NULL, 0)
	                        : UINT64_C(0x74696d656b656570); /* "timekeep" */
	prop_state = prop_seed;
	print_message(
	    "seed %#" PRIx64 ", %" PRIu64 " iterations\n", prop_seed, n);
	for (prop_iter = 0; prop_iter < n; prop_iter++) {
		uint64_t f = rnd_frac();
		uint32_t u = (uint32_t)rnd();

		prop_units(f, NS);
		prop_units(f, US);
		prop_units(f, u != 0 ? u : 1);
		prop_arith();
		prop_conv();
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addx_carry),
		cmocka_unit_test(test_add_carry),
		cmocka_unit_test(test_sub_borrow),
		cmocka_unit_test(test_cmp),
		cmocka_unit_test(test_negative_seconds),
		cmocka_unit_test(test_top32_formula),
		cmocka_unit_test(test_round_down),
		cmocka_unit_test(test_ns_edges),
		cmocka_unit_test(test_ns_int64_min),
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_sweep_us),
		cmocka_unit_test(test_sweep_ns),
		cmocka_unit_test(test_property),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
