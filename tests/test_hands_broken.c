/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The windup engine (src/hands/) when it must not, or cannot, serve, in
 * the fake world of tests/support/hands_world.h: a kernel read that turns
 * slow (disabled, never below the floor), a counter unfit from the start
 * (the reads handed over, nothing answered ahead of the kernel), a page
 * wiped by fork (set up again, with the rate memo or without), and hostile
 * or broken pages (bounded, a routing value, never a crash).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "hands/hands.h"
#include "hands_test.h"
#include "hands_world.h"
#include "tk_test.h"

/*
 * The kernel read turns slow (the kernel left the TSC for a clocksource it
 * reads with a system call): disabled after a second of it, never below
 * the floor, and the fast path fails from then on.
 */
static void
test_disable(void **state)
{
	struct watch wt = { 0 };
	int64_t ns, floor_;

	(void)state;
	run(&wt, 1000, 1e9, 0);
	W.kernel_cost = 400; /* a system call's worth */
	run(&wt, 1000, 1.2e9, 0);
	assert_int_equal(hands_test_state(&page), 2);
	assert_int_equal(page.stats.disables, 1);
	floor_ = page.hdr.final_ns;
	ns = rd(&wt, 0);
	assert_int64_le(floor_, ns);
	assert_int64_le(iabs(err_now(ns)), 10 * TK_HANDS_INTERVAL_NS);
	assert_int_equal(
	    tk__hands_front_ns(&page, 0, 1, fake_counter, &ns), -1);
	W.kernel_cost = 0;
	run(&wt, 1000, 1e8, 0);
	assert_int_equal(hands_test_state(&page), 2);
}

/*
 * The first windup's checks fail, or the counter runs at 1 GHz: no hands
 * were ever published, so the engine hands the reads over (-ENOSYS routes
 * them to the next source), having answered nothing ahead of the kernel.
 */
static void
unfit(void)
{
	struct watch wt = { 0 };
	const char *why;
	int64_t ns = 0, k;
	int i, err = 0;

	for (i = 0; i < 1000 && err == 0; i++) {
		world_advance(1000);
		err = tk__hands_nanotime(&H, 0, 1, &ns);
		if (err == 0) {
			watch_check(&wt, ns);
			assert_int64_le(iabs(err_now(ns)), 30);
		}
	}
	assert_int_equal(err, -ENOSYS);
	assert_int_equal(hands_test_state(&page), 2);
	assert_int_equal(tk__hands_status(&H, &why), 3);
	/* Nothing answered ran ahead of the kernel's clock. */
	k = (int64_t)W.k;
	assert_int64_le(wt.last, k);
	assert_int64_le(page.hdr.final_ns, k);
}

static void
test_unfit(void **state)
{
	(void)state;
	first_check_result = -ENODEV;
	unfit();
	world_reset();
	W.f = 1.0;
	assert_int_equal(engine_setup(0), 0);
	unfit();
}

/*
 * A page wiped by fork: set up again; with the rate memo, hands at the
 * first windup; without it, a new calibration.
 */
static void
test_wiped(void **state)
{
	struct watch wt = { 0 };
	int64_t ns;

	(void)state;
	assert_int_equal(engine_setup(1), 0);
	run(&wt, 1000, 1e9, 0);
	assert_true(memo.gen != 0);
	memset(&page, 0, sizeof(page));
	wt = (struct watch){ .last = wt.last };
	ns = rd(&wt, 0);
	ns = rd(&wt, 0);
	assert_int_equal(hands_test_state(&page), 1);
	assert_int64_le(iabs(err_now(ns)), 30);
	assert_int64_le(run(&wt, 1000, 1e8, 0), 30);
	/* No memo: calibrating again, answers from the kernel meanwhile. */
	H.memo = NULL;
	memset(&page, 0, sizeof(page));
	ns = rd(&wt, 0);
	assert_int_equal(hands_test_state(&page), 0);
	assert_int64_le(iabs(err_now(ns)), 30);
	assert_int64_le(run(&wt, 1000, 1e8, 0), 30);
	assert_int_equal(hands_test_state(&page), 1);
}

/* Hostile or broken pages: bounded, a routing value, never a crash. */
static void
test_hostile(void **state)
{
	uint64_t before;
	int64_t ns;

	(void)state;
	/* A zero page before set-up: the fast path fails, the slow routes. */
	memset(&page, 0, sizeof(page));
	H.ready = 0;
	assert_int_equal(
	    tk__hands_front_ns(&page, 0, 1, fake_counter, &ns), -1);
	assert_int_equal(tk__hands_slow(&H, 0, 1, &ns), -ENOSYS);
	/* An unknown state: routed at once. */
	page.hdr.state = 77;
	assert_int_equal(tk__hands_slow(&H, 0, 1, &ns), -ENOSYS);
	/* READY with junk everywhere and every slot odd: bounded. */
	memset(&page, 0xa5, sizeof(page));
	page.hdr.state = TK_HANDS_READY;
	before = W.creads;
	assert_int_equal(
	    tk__hands_front_ns(&page, 0, 1, fake_counter, &ns), -1);
	assert_int_equal(tk__hands_slow(&H, 0, 1, &ns), -EAGAIN);
	assert_true(W.creads - before <= 2 * TK_TH_READ_TRIES);
	/* The kernel failing while calibrating: its error is routed. */
	assert_int_equal(engine_setup(0), 0);
	W.kernel_fail = 1;
	assert_int_equal(tk__hands_nanotime(&H, 0, 1, &ns), -EIO);
	W.kernel_fail = 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_disable, world_setup),
		cmocka_unit_test_setup(test_unfit, world_setup),
		cmocka_unit_test_setup(test_wiped, world_setup),
		cmocka_unit_test_setup(test_hostile, world_setup),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
