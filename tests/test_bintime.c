/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The public bintime arithmetic of include/timekeep.h (tk_bintime_add,
 * _addx, _sub, _cmp) on golden values that follow FreeBSD sys/sys/time.h
 * (bintime_add, bintime_sub, ...): the carry out of frac in add and addx,
 * the borrow in sub, negative times ({-1, 3 << 62} is -0.25 s) and the
 * extremes.  Each expected value is written out with its derivation.
 */
#include <inttypes.h>
#include <string.h>

#include "bintime_ref.h"
#include "timekeep.h"
#include "tk_test.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addx_carry),
		cmocka_unit_test(test_add_carry),
		cmocka_unit_test(test_sub_borrow),
		cmocka_unit_test(test_cmp),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
