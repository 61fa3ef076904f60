/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The public bintime conversions of include/timekeep.h (to and from ns,
 * timespec and timeval) and their two helpers tk__frac_to_units() and
 * tk__units_to_frac(), on golden values that follow FreeBSD
 * sys/sys/time.h (bintime2timespec, ...): negative times ({-1, 3 << 62} is
 * -0.25 s), rounding down to ns and us, the edges of int64 nanoseconds,
 * and the conversion through the top 32 bits of frac that older FreeBSD
 * and Go use, which reads 1 ns low where ours gives the exact floor.  Each
 * expected value is written out with its derivation.
 */
#include <inttypes.h>
#include <string.h>

#include "bintime_ref.h"
#include "timekeep.h"
#include "tk_test.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_negative_seconds),
		cmocka_unit_test(test_top32_formula),
		cmocka_unit_test(test_round_down),
		cmocka_unit_test(test_ns_edges),
		cmocka_unit_test(test_ns_int64_min),
		cmocka_unit_test(test_helpers),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
