/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The public bintime arithmetic and conversions of include/timekeep.h and
 * their helpers against 128-bit reference arithmetic on the value
 * sec * 2^64 + frac.  The sweeps try every microsecond and every
 * nanosecond of a second (strided under sanitizers and qemu): both round
 * trips are exact and the fraction chosen is the smallest that maps back.
 * The property test checks every function over 10^7 random inputs (fewer
 * under sanitizers and qemu), drawn from a splitmix64 generator with a
 * fixed seed that is printed, and that TK_TEST_SEED overrides to replay a
 * failure.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bintime_ref.h"
#include "timekeep.h"
#include "tk_test.h"

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
		cmocka_unit_test(test_sweep_us),
		cmocka_unit_test(test_sweep_ns),
		cmocka_unit_test(test_property),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
