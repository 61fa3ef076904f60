/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The arm64 part of test_counter: the generic timer's frequency.
 * tk__counter_freq() reads CNTFRQ_EL0, which firmware (or qemu) sets to
 * the rate of CNTVCT_EL0.  It must be non-zero and plausible (1 MHz to
 * 10 GHz; Armv8.6 fixes it at 1 GHz, older parts use 19.2 to 100 MHz),
 * and the rate the ordered and relaxed reads actually advance at, measured
 * against CLOCK_MONOTONIC, must match it within 10%: a wrong CNTFRQ would
 * skew every time the library derives from the counter.
 */
#include <inttypes.h>

#include "counter.h"
#include "tk_test.h"

double counter_rate_hz(uint64_t (*read)(void), long interval_ns);
uint64_t counter_read_ordered(void);
uint64_t counter_read_relaxed(void);
void counter_arch_setup(void);

void
counter_arch_setup(void)
{
}

static void
test_freq(void **state)
{
	uint64_t f = tk__counter_freq();

	(void)state;
	print_message("CNTFRQ_EL0 %" PRIu64 " Hz\n", f);
	assert_true(f > 0);
	if (f < 1000000 || f > UINT64_C(10000000000))
		fail_msg(
		    "CNTFRQ_EL0 %" PRIu64 " Hz is outside 1 MHz .. 10 GHz", f);
}

static void
check_rate(const char *what, uint64_t (*read)(void))
{
	double f = (double)tk__counter_freq();
	double r = counter_rate_hz(read, 20000000);

	print_message(
	    "%s: %.6f MHz measured, CNTFRQ %.6f MHz\n", what, r / 1e6, f / 1e6);
	if (r < f * 0.9 || r > f * 1.1)
		fail_msg("%s: the counter runs at %.0f Hz, CNTFRQ says %.0f",
		    what, r, f);
}

static void
test_rate_matches_freq(void **state)
{
	(void)state;
	check_rate("ordered", counter_read_ordered);
	check_rate("relaxed", counter_read_relaxed);
}

const char counter_arch_name[] = "counter_aarch64";
const struct CMUnitTest counter_arch_tests[] = {
	cmocka_unit_test(test_freq),
	cmocka_unit_test(test_rate_matches_freq),
};
const size_t counter_arch_ntests =
    sizeof(counter_arch_tests) / sizeof(counter_arch_tests[0]);
