/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The windup engine (src/hands/) tracking the kernel's clock in the fake
 * world of tests/support/hands_world.h, through what no real machine does
 * on demand: a counter that jumps back, stalls, wraps past 2^64, changes
 * frequency or leaps hours ahead; a kernel clock that stalls, is slewed by
 * "NTP" or has its realtime offset stepped; readers that come every few ms
 * or seconds.  Through all of it: never backwards, every windup starting at
 * or above the bound of the hands it replaces (exactly at continuity when
 * the kind says so), the rate within the slew bound, and back to accuracy
 * after.
 */
#include <inttypes.h>
#include <string.h>

#include "hands/hands.h"
#include "hands_test.h"
#include "hands_world.h"
#include "tk_test.h"

/* Calibration answers from the kernel, then hands: accurate, monotonic. */
static void
test_calibrate_and_track(void **state)
{
	struct watch wt = { 0 };
	int64_t worst;

	(void)state;
	/* The first 250 us are kernel answers. */
	worst = run(&wt, 1000, 2e5, 0);
	assert_int64_le(worst, 20);
	assert_int_equal(hands_test_state(&page), 0);
	worst = run(&wt, 1000, 2e9, 0);
	assert_int_equal(hands_test_state(&page), 1);
	print_message("steady: max |error| %" PRId64 " ns over 2 s, "
	              "%" PRIu64 " windups\n",
	    worst, wt.windups);
	assert_int64_le(worst, 30);
	assert_true(wt.windups > 150);
	/* The estimate knows the frequency to well below a ppm. */
	assert_true(
	    tk__hands_hz(&H) > 2599990000u && tk__hands_hz(&H) < 2600010000u);
}

static void
test_realtime_step(void **state)
{
	struct watch wt = { 0 };
	int64_t r;

	(void)state;
	run(&wt, 1000, 1e9, 0);
	r = rd(&wt, 1);
	assert_int64_le(iabs(r - ((int64_t)W.k + (int64_t)W.r_off)), 30);
	/* settimeofday(+5 s): shows within one interval (10 ms). */
	W.r_off += 5e9;
	world_advance(TK_HANDS_INTERVAL_NS + 1e5);
	run(&wt, 1000, 2e5, 0);
	r = rd(&wt, 1);
	assert_int64_le(iabs(r - ((int64_t)W.k + (int64_t)W.r_off)), 30);
	/* And back. */
	W.r_off -= 2.5e9;
	world_advance(TK_HANDS_INTERVAL_NS + 1e5);
	run(&wt, 1000, 2e5, 0);
	r = rd(&wt, 1);
	assert_int64_le(iabs(r - ((int64_t)W.k + (int64_t)W.r_off)), 30);
}

/* The counter jumps back (a reset after suspend, a migration). */
static void
test_backwards(void **state)
{
	struct watch wt = { 0 };
	int64_t worst;

	(void)state;
	run(&wt, 1000, 1e9, 0);
	W.c -= 5e11; /* 190 s of counts back */
	run(&wt, 1000, 1e6, 0);
	assert_true(page.stats.resets >= 1);
	/* Ahead by at most an interval, then back within a second. */
	worst = run(&wt, 1000, 2e9, 1e9);
	print_message("after a jump back: max |error| %" PRId64
	              " ns in the second second\n",
	    worst);
	assert_int64_le(worst, 100);
}

/* The counter stalls while the kernel runs; then the kernel stalls. */
static void
test_stalls(void **state)
{
	struct watch wt = { 0 };
	int64_t worst;
	double f;

	(void)state;
	run(&wt, 1000, 1e9, 0);
	f = W.f;
	W.f = 0;
	run(&wt, 1000, 5e7, 0); /* time stands still, monotonic */
	W.f = f;
	worst = run(&wt, 1000, 1e9, 1e8);
	assert_true(page.stats.steps >= 1);
	assert_int64_le(worst, 100);
	/* The kernel stalls (a suspend the counter ran through). */
	W.kr = 0;
	run(&wt, 1000, 5e7, 0);
	W.kr = 1;
	worst = run(&wt, 1000, 2e9, 1e9);
	print_message("after stalls: max |error| %" PRId64 " ns\n", worst);
	assert_int64_le(worst, 100);
}

/* The counter crosses 2^64. */
static void
test_wrap(void **state)
{
	struct watch wt = { 0 };
	int64_t worst;

	(void)state;
	/* 2^64 is 0.5 s ahead (1.3e9 counts). */
	W.offset = (uint64_t)0 - (uint64_t)W.c - 1300000000u;
	worst = run(&wt, 1000, 1.5e9, 5e7);
	print_message(
	    "across the 2^64 wrap: max |error| %" PRId64 " ns\n", worst);
	assert_true(fake_counter(1) < 1000000000000ull);
	assert_int64_le(worst, 30);
}

/* The counter's frequency changes (migration to another host). */
static void
test_frequency(void **state)
{
	struct watch wt = { 0 };
	int64_t worst;

	(void)state;
	run(&wt, 1000, 1e9, 0);
	W.f *= 2;
	worst = run(&wt, 1000, 3e9, 2e9);
	assert_true(page.stats.anomalies >= 1);
	print_message(
	    "after x2: max |error| %" PRId64 " ns in the last s\n", worst);
	assert_int64_le(worst, 100);
	W.f /= 4;
	worst = run(&wt, 1000, 3e9, 2e9);
	print_message(
	    "after /4: max |error| %" PRId64 " ns in the last s\n", worst);
	assert_int64_le(worst, 100);
}

/* NTP slews the kernel by +300 ppm, then -200 ppm: followed, bounded. */
static void
test_ntp_slew(void **state)
{
	struct watch wt = { 0 };
	int64_t worst;

	(void)state;
	run(&wt, 1000, 1e9, 0);
	W.kr = 1 + 300e-6;
	worst = run(&wt, 1000, 1e9, 1e8);
	print_message("kernel +300 ppm: max |error| %" PRId64 " ns\n", worst);
	assert_int64_le(worst, 100);
	W.kr = 1 - 200e-6;
	worst = run(&wt, 1000, 1e9, 1e8);
	print_message("kernel -200 ppm: max |error| %" PRId64 " ns\n", worst);
	assert_int64_le(worst, 100);
}

/*
 * Readers that come every few ms, or seconds, while NTP changes the
 * kernel's rate under them: every read as close as in a tight loop.  The
 * old engine carried its slew past the hands' end and, for a reader every
 * 20-50 ms, settled microseconds off.
 */
static void
test_periodic(void **state)
{
	static const double gaps_ms[] = { 2, 5, 10, 15, 20, 25, 50, 100, 1000 };
	struct watch wt = { 0 };
	int64_t worst;
	size_t i;

	(void)state;
	run(&wt, 1000, 1e9, 0);
	for (i = 0; i < sizeof(gaps_ms) / sizeof(gaps_ms[0]); i++) {
		/* NTP moves the rate; the estimate follows within a second. */
		W.kr = i % 2 ? 1 + 80e-6 : 1 - 60e-6;
		run(&wt, 1e6, 2e9, 0);
		worst = run(&wt, gaps_ms[i] * 1e6, gaps_ms[i] * 1e6 * 60, 0);
		print_message("a read every %g ms: max |error| %" PRId64
		              " ns\n",
		    gaps_ms[i], worst);
		assert_int64_le(worst, 100);
	}
}

/* Hours without a read; then the same with the kernel stopped too. */
static void
test_gaps(void **state)
{
	struct watch wt = { 0 };
	int64_t ns;

	(void)state;
	run(&wt, 1000, 1e9, 0);
	world_advance(3.6e12); /* an hour */
	ns = rd(&wt, 0);
	assert_int64_le(iabs(err_now(ns)), 30);
	/* A suspend the counter ran through: the kernel did not advance. */
	W.kr = 0;
	world_advance(3.6e12);
	W.kr = 1;
	ns = rd(&wt, 0);
	/* Not an hour ahead: at most the interval (the hands' floor). */
	assert_int64_le(err_now(ns), TK_HANDS_INTERVAL_NS + 1000);
	assert_int64_le(run(&wt, 1000, 2e9, 1e9), 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_calibrate_and_track, world_setup),
		cmocka_unit_test_setup(test_realtime_step, world_setup),
		cmocka_unit_test_setup(test_backwards, world_setup),
		cmocka_unit_test_setup(test_stalls, world_setup),
		cmocka_unit_test_setup(test_wrap, world_setup),
		cmocka_unit_test_setup(test_frequency, world_setup),
		cmocka_unit_test_setup(test_ntp_slew, world_setup),
		cmocka_unit_test_setup(test_periodic, world_setup),
		cmocka_unit_test_setup(test_gaps, world_setup),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
