/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tick conversion in the engine (src/hands/hands_ticks.c) from its history,
 * in the fake world of tests/support/hands_world.h: CLAMPED before the
 * first hands, from the future and across a counter reset; EXTRAPOLATED in
 * gaps between hands (readers every 20 ms) and past a history that wraps;
 * a tick converting the same later; 10^7 pairs in order; the history kept
 * when the engine disables and lost to fork's wipe; and the record the
 * engine writes converting every tick as the process does.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hands/hands.h"
#include "hands/hands_ticks.h"
#include "hands_test.h"
#include "ticks.h"
#include "ticks_world.h"
#include "tk_test.h"

static uint64_t rng = TK_TEST_SEED;
/* ---- CLAMPED ------------------------------------------------------------ */

/*
 * Before the first hands: clamped, at once and later (to where the first
 * hands start, at most what any tick of theirs gives); a tick from the
 * future: clamped to now.
 */
static void
test_clamped(void **state)
{
	int64_t m0, m1, m2, v;
	uint64_t t0, t1;

	(void)state;
	world_advance(20000);
	t0 = fake_counter(1);
	assert_int_equal(ticks_conv(t0, &m0), TK_TICKS_CLAMPED);
	assert_int_equal(hands_test_state(&page), 0);
	ticks_run(1000, 2e6);
	assert_int_equal(hands_test_state(&page), 1);
	assert_int_equal(ticks_conv(t0, &m1), TK_TICKS_CLAMPED);
	t1 = fake_counter(1);
	assert_int_equal(ticks_conv(t1, &m2), TK_TICKS_EXACT);
	assert_int64_le(m0, m1);
	assert_int64_le(m1, m2);
	/* From the future: one second ahead. */
	t1 = fake_counter(1) + 2600000000u;
	assert_int_equal(ticks_conv(t1, &m1), TK_TICKS_CLAMPED);
	v = ticks_read();
	assert_int64_le(m1, v);
	assert_int64_le(v - m1, 1000);
}

/*
 * The counter goes back (a reset): ticks from before it are clamped,
 * whether they now lie before the new epoch or in the future.
 */
static void
test_counter_reset(void **state)
{
	uint64_t early, late, fresh;
	int64_t m, m2;

	(void)state;
	ticks_run(1000, 1.2e9);
	early = fake_counter(1); /* will lie before the new epoch */
	ticks_run(1000, 5e8);
	late = fake_counter(1); /* will lie in the future */
	assert_int_equal(ticks_conv(early, &m), TK_TICKS_EXACT);
	W.c -= 2.6e9 * 0.3; /* back 0.3 s worth of counts */
	ticks_run(1000, 2e6);
	assert_true(page.stats.resets >= 1);
	fresh = fake_counter(1);
	assert_true(early < fresh && fresh < late);
	assert_int_equal(ticks_conv(fresh, &m2), TK_TICKS_EXACT);
	assert_int_equal(ticks_conv(early, &m), TK_TICKS_CLAMPED);
	assert_int64_le(m, m2);
	assert_int_equal(ticks_conv(late, &m), TK_TICKS_CLAMPED);
}

/* ---- EXTRAPOLATED ------------------------------------------------------- */

/*
 * Hands of 10 ms and gaps between them.  A tick past the hands, converted
 * at once, winds them (as a read would) and so lands in a gap: it converts
 * the same later.  Ticks in gaps nobody read in convert later.  Either
 * way EXTRAPOLATED, close to the kernel's time for them, and in order.
 */
static void
test_gaps(void **state)
{
	uint64_t t[200];
	int64_t k[200], at_once[200], m, prev = INT64_MIN, worst = 0;
	int i, st;

	(void)state;
	ticks_run(1000, 1.2e9);
	for (i = 0; i < 200; i++) {
		world_advance(i % 2 ? 1.2e7 : 1.5e7);
		t[i] = fake_counter(1);
		k[i] = (int64_t)W.k;
		if (i % 2 == 0) {
			st = ticks_conv(t[i], &at_once[i]);
			assert_int_equal(st, TK_TICKS_EXTRAPOLATED);
		} else {
			world_advance(3e6);
			(void)ticks_read();
		}
	}
	for (i = 0; i < 200; i++) {
		st = ticks_conv(t[i], &m);
		if (i % 2 == 0)
			assert_int64_equal(m, at_once[i]);
		assert_int_equal(st, TK_TICKS_EXTRAPOLATED);
		assert_int64_le(prev, m);
		prev = m;
		if (llabs(m - k[i]) > worst)
			worst = llabs(m - k[i]);
	}
	print_message("ticks in gaps of 2-15 ms: at most %" PRId64
	              " ns off the kernel\n",
	    worst);
	assert_int64_le(worst, 200);
}

/*
 * The history wraps: 512 entries of 10 ms hold the last ~5 s.  A tick
 * older than that is carried back from the oldest kept hands; the
 * history's length, after start-up, is what docs/ticks.md states.
 */
static void
test_history_wrap(void **state)
{
	uint64_t old_t, kept_t, w0;
	int64_t old_k, m, hist[4];
	int i;

	(void)state;
	w0 = page.stats.windups;
	ticks_run(1000, 3e5); /* the first hands */
	for (i = 0; i < 4; i++) {
		ticks_run(10000,
		    i == 0       ? 1e8
		        : i == 1 ? 9e8
		        : i == 2 ? 1.5e9
		                 : 2.5e9);
		hist[i] = tk__hands_history_ns(&H);
	}
	print_message("history after 0.1, 1, 2.5, 5 s: %.3f %.3f %.3f %.3f s "
	              "(%" PRIu64 " windups)\n",
	    (double)hist[0] / 1e9, (double)hist[1] / 1e9, (double)hist[2] / 1e9,
	    (double)hist[3] / 1e9, page.stats.windups - w0);
	old_t = fake_counter(1);
	old_k = (int64_t)W.k;
	ticks_run(10000, 2e9);
	kept_t = fake_counter(1);
	ticks_run(10000, 4e9);
	hist[0] = tk__hands_history_ns(&H);
	print_message("history after 11 s: %.3f s\n", (double)hist[0] / 1e9);
	assert_true(hist[0] > 4900000000ll && hist[0] < 5200000000ll);
	assert_int_equal(ticks_conv(kept_t, &m), TK_TICKS_EXACT);
	assert_int_equal(ticks_conv(old_t, &m), TK_TICKS_EXTRAPOLATED);
	print_message("a tick 6 s old, past the history: %" PRId64
	              " ns off the kernel\n",
	    m - old_k);
	/* The documented bound: 500 ppm of the distance past the oldest. */
	assert_int64_le(llabs(m - old_k), 1000 + (int64_t)(1e9 * 500e-6));
}

/* A tick converts the same at once and 1 ms, 100 ms, 900 ms later. */
static void
test_later_same(void **state)
{
	static const double later_ms[] = { 1, 100, 900 };
	int64_t m0, m;
	uint64_t t;
	size_t i;
	int k;

	(void)state;
	ticks_run(1000, 1.2e9);
	for (k = 0; k < 20; k++) {
		world_advance(k * 777);
		t = fake_counter(1);
		assert_true(ticks_conv(t, &m0) != TK_TICKS_CLAMPED);
		for (i = 0; i < 3; i++) {
			ticks_run(100000, later_ms[i] * 1e6);
			assert_true(ticks_conv(t, &m) != TK_TICKS_CLAMPED);
			assert_int64_equal(m, m0);
		}
	}
}

/*
 * 10^7 random pairs of ticks a <= b drawn across 3 s of 10 ms hands (300
 * windups, gaps from readers that paused 15 ms now and then): ticks_conv(a) <=
 * ticks_conv(b), every one.
 */
static void
test_monotone_pairs(void **state)
{
	uint64_t lo, hi, a, b, x, i, n = tk_test_scale(10000000), w0;
	int64_t ma, mb;

	(void)state;
	lo = fake_counter(1);
	ticks_run(1000, 1e6); /* ticks before the first hands too */
	w0 = page.stats.windups;
	for (i = 0; i < 30; i++) {
		ticks_run(10000, 1e8);
		world_advance(1.5e7);
	}
	hi = fake_counter(1);
	(void)ticks_read();
	assert_true(page.stats.windups - w0 >= 100);
	for (i = 0; i < n; i++) {
		a = lo + tk_test_rand(&rng) % (hi - lo);
		b = lo + tk_test_rand(&rng) % (hi - lo);
		if (a > b) {
			x = a;
			a = b;
			b = x;
		}
		ticks_conv(a, &ma);
		ticks_conv(b, &mb);
		if (ma > mb)
			fail_msg("ticks_conv(%" PRIu64 ") = %" PRId64
			         " > ticks_conv(%" PRIu64 ") = %" PRId64,
			    a, ma, b, mb);
	}
	print_message("%" PRIu64 " pairs across %" PRIu64 " windups\n", n,
	    page.stats.windups - w0);
}

/*
 * The kernel turns slow and the engine disables: ticks from before still
 * convert from the history; later ones are clamped, never below.
 */
static void
test_disabled(void **state)
{
	int64_t m0, m, m2;
	uint64_t t;

	(void)state;
	ticks_run(1000, 1.2e9);
	t = fake_counter(1);
	assert_int_equal(ticks_conv(t, &m0), TK_TICKS_EXACT);
	W.kernel_cost = 400;
	ticks_run(1000, 1.2e9);
	assert_int_equal(hands_test_state(&page), 2);
	assert_int_equal(ticks_conv(t, &m), TK_TICKS_EXACT);
	assert_int64_equal(m, m0);
	assert_int_equal(ticks_conv(fake_counter(1), &m2), TK_TICKS_CLAMPED);
	assert_int64_le(m0, m2);
	assert_int64_le(m2, page.hdr.final_ns);
}

/*
 * Fork's wipe (MADV_WIPEONFORK): the history is gone; a conversion sets
 * the page up again (hands at once, from the rate memo); ticks from before
 * are clamped, new ones exact.
 */
static void
test_wiped(void **state)
{
	int64_t m, m2;
	uint64_t t;

	(void)state;
	ticks_run(1000, 1.2e9);
	t = fake_counter(1);
	memset(&page, 0, sizeof(page));
	world_advance(1000);
	assert_int_equal(ticks_conv(t, &m), TK_TICKS_CLAMPED);
	assert_int_equal(hands_test_state(&page), 1);
	world_advance(1000);
	assert_int_equal(ticks_conv(fake_counter(1), &m2), TK_TICKS_EXACT);
	assert_int64_le(m, m2);
}

/* ---- the record --------------------------------------------------------- */

/*
 * The record this engine writes converts every tick of its run as the
 * process does: the same value, realtime and status.
 */
static void
test_record_matches(void **state)
{
	static unsigned char
	    rec[TK_TIMEBASE_HDR + TK_HANDS_NHIST * TK_TIMEBASE_SEG];
	static uint64_t t[4000];
	int64_t m1, r1, m2, r2;
	long len;
	int i, st1, st2, n[3] = { 0, 0, 0 };

	(void)state;
	world_advance(5000);
	for (i = 0; i < 4000; i++) {
		world_advance(i % 100 == 99 ? 1.5e7 : 1000.0 * (rand() % 1000));
		t[i] = fake_counter(1);
		if (i % 3)
			(void)ticks_read();
	}
	(void)ticks_read();
	assert_int_equal(
	    tk__hands_timebase(&H, NULL, 0, "fake"), (long)sizeof(rec));
	len = tk__hands_timebase(&H, rec, sizeof(rec), "fake");
	assert_true(len > (long)TK_TIMEBASE_HDR);
	for (i = 0; i < 4000; i++) {
		st1 = tk__hands_ticks_to_ns(&H, t[i], &m1, &r1);
		st2 = tk_timebase_convert(rec, (size_t)len, t[i], &m2, &r2);
		assert_int_equal(st1, st2);
		assert_int64_equal(m1, m2);
		assert_int64_equal(r1, r2);
		n[st1]++;
	}
	print_message("record of %ld bytes: %d exact, %d extrapolated, %d "
	              "clamped, all as in the process\n",
	    len, n[0], n[1], n[2]);
	assert_true(n[0] > 0 && n[1] > 0 && n[2] > 0);
	assert_int_equal(tk__hands_timebase(&H, rec, 100, "fake"), -ENOSPC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_clamped, ticks_setup),
		cmocka_unit_test_setup(test_counter_reset, ticks_setup),
		cmocka_unit_test_setup(test_gaps, ticks_setup),
		cmocka_unit_test_setup(test_history_wrap, ticks_setup),
		cmocka_unit_test_setup(test_later_same, ticks_setup),
		cmocka_unit_test_setup(test_monotone_pairs, ticks_setup),
		cmocka_unit_test_setup(test_disabled, ticks_setup),
		cmocka_unit_test_setup(test_wiped, ticks_setup),
		cmocka_unit_test_setup(test_record_matches, ticks_setup),
	};

	srand(1);
	return TK_TEST_RUN(tests, NULL, NULL);
}
