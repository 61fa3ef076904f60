/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What every cmocka test of timekeep shares: wide assertions that print
 * both operands (STYLE 55), SKIP with a reason (STYLE 61), and the work
 * scale, so stress loops shrink under sanitizers and qemu-user instead of
 * timing out.
 */
#ifndef TK_TEST_H
#define TK_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

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

/*
 * Skip the current cmocka test with a reason printed on its own line.
 * Use as: TK_SKIP("no vDSO in this process");  (returns from the test).
 */
#define TK_SKIP(...)                                                           \
	do {                                                                   \
		printf("[  SKIP    ] ");                                       \
		printf(__VA_ARGS__);                                           \
		printf("\n");                                                  \
		skip();                                                        \
	} while (0)

/*
 * Iterations scaled for the build: 1 natively, 1/10 under ASan/UBSan,
 * 1/50 under TSan, and divided by TK_TEST_SLOW (set by the qemu-user runs)
 * from the environment.  Never below 1.
 */
uint64_t tk_test_scale(uint64_t n);

/* Non-zero when running under a sanitizer or an emulator. */
int tk_test_is_sanitized(void);
int tk_test_is_emulated(void);

#endif /* TK_TEST_H */
