/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What every cmocka test of timekeep shares: wide assertions that print
 * both operands, SKIP with a reason (never a silent pass) and a main that
 * turns "every test skipped" into ctest's SKIP (exit 77), the work scale,
 * so stress loops shrink under sanitizers and qemu-user instead of timing
 * out, nanosecond readings of the kernel's clocks, the source in use, and
 * the table of Linux clock ids the sandwich tests walk.
 */
#ifndef TK_TEST_H
#define TK_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cmocka.h>

#include "platform.h"
#include "timekeep.h"

#define assert_int64_equal(a, b)                                               \
	tk_assert_i64((a), (b), "==", __FILE__, __LINE__)
#define assert_int64_le(a, b) tk_assert_i64((a), (b), "<=", __FILE__, __LINE__)
#define assert_int64_lt(a, b) tk_assert_i64((a), (b), "<", __FILE__, __LINE__)
#define assert_uint64_equal(a, b)                                              \
	tk_assert_u64((a), (b), "==", __FILE__, __LINE__)
#define assert_uint64_le(a, b) tk_assert_u64((a), (b), "<=", __FILE__, __LINE__)

void tk_assert_i64(
    int64_t a, int64_t b, const char *op, const char *file, int line);
void tk_assert_u64(
    uint64_t a, uint64_t b, const char *op, const char *file, int line);

/* Tests TK_SKIP skipped in this process since TK_TEST_RUN began. */
extern int tk_test_skipped;

/*
 * Skip the current cmocka test with a reason printed on its own line, and
 * count it for TK_TEST_RUN.  Use as: TK_SKIP("no vDSO in this process");
 * (returns from the test).
 */
#define TK_SKIP(...)                                                           \
	do {                                                                   \
		tk_test_skipped++;                                             \
		printf("[  SKIP    ] ");                                       \
		printf(__VA_ARGS__);                                           \
		printf("\n");                                                  \
		skip();                                                        \
	} while (0)

/*
 * Run one group of n tests, as cmocka_run_group_tests does, and return
 * what main should: 77 (ctest's SKIP_RETURN_CODE) when every test
 * TK_SKIPped and none failed, else the number of failed tests.
 */
int tk_test_main(const char *group, const struct CMUnitTest *tests, size_t n,
    CMFixtureFunction setup, CMFixtureFunction teardown);

/* cmocka_run_group_tests(tests, setup, teardown) with the SKIP above. */
#define TK_TEST_RUN(tests, setup, teardown)                                    \
	tk_test_main(#tests, (tests), sizeof(tests) / sizeof((tests)[0]),      \
	    (setup), (teardown))

/*
 * Iterations scaled for the build: 1 natively, 1/10 under ASan/UBSan,
 * 1/50 under TSan, and divided by TK_TEST_SLOW (set by the qemu-user runs)
 * from the environment.  Never below 1.
 */
uint64_t tk_test_scale(uint64_t n);

/* Non-zero when running under a sanitizer or an emulator. */
int tk_test_is_sanitized(void);
int tk_test_is_emulated(void);

/* Run fn(arg) in a forked child, which exits with its value: the status. */
int tk_test_in_child(int (*fn)(uint64_t), uint64_t arg);

/*
 * xorshift64*: the next number of the sequence *state (seeded with a
 * fixed non-zero value, so a run is the same every time).
 */
#define TK_TEST_SEED UINT64_C(0x9e3779b97f4a7c15)
uint64_t tk_test_rand(uint64_t *state);

/*
 * A bound that catches a call that does not return in time (a hang, an
 * unbounded retry), not a speed target: ns natively, 50 times that under
 * a sanitizer, and 50 times again under an emulator.
 */
int64_t tk_test_hang_ns(int64_t ns);

/* A timespec in nanoseconds. */
int64_t tk_test_ts_ns(const struct timespec *ts);

/* The kernel's clock id now, in nanoseconds, through libc's clock_gettime. */
int64_t tk_test_clock_ns(clockid_t id);

/* 1 if name is the source timekeep uses (tk_source()), else 0. */
int tk_test_source_is(const char *name);

/*
 * Why source name is (not) usable here, as tk_sources() says, or a
 * sentence saying this build has no such source.
 */
const char *tk_test_source_reason(const char *name);

/* Skip the current test unless source name is the one in use. */
#define TK_NEED_SOURCE(name)                                                   \
	do {                                                                   \
		if (!tk_test_source_is(name))                                  \
			TK_SKIP("the %s source is not in use here "            \
			        "(tk_source: %s): %s",                         \
			    (name), tk_source(), tk_test_source_reason(name)); \
	} while (0)

#ifdef TK_OS_LINUX
/*
 * The Linux clock ids REALTIME..TAI, then ids the kernel rejects (10, 12,
 * 16, -1, INT_MIN, INT_MAX), for the sandwich tests.  For a
 * valid id exactly one of monotonic and realtime is set; for a rejected id
 * neither is.
 */
struct tk_test_clock {
	clockid_t id;
	const char *name;
	int monotonic; /* never steps: syscall <= x <= syscall holds exactly */
	int realtime; /* may be stepped by settimeofday, adjtime or NTP */
};

extern const struct tk_test_clock tk_test_clocks[];
extern const size_t tk_test_nclocks;
#endif

#endif /* TK_TEST_H */
