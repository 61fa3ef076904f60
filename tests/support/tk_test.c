/* SPDX-License-Identifier: BSD-2-Clause */
/* The shared test helpers declared in tk_test.h. */
#include <inttypes.h>
#include <string.h>

#include "tk_test.h"

void
tk_assert_i64(int64_t a, int64_t b, const char *op, const char *file, int line)
{
	int ok = strcmp(op, "==") == 0 ? a == b
	    : strcmp(op, "<=") == 0    ? a <= b
	                               : a < b;

	if (!ok) {
		print_error("%" PRId64 " %s %" PRId64 " is false\n", a, op, b);
		_fail(file, line);
	}
}

void
tk_assert_u64(
    uint64_t a, uint64_t b, const char *op, const char *file, int line)
{
	int ok = strcmp(op, "==") == 0 ? a == b : a <= b;

	if (!ok) {
		print_error("%" PRIu64 " %s %" PRIu64 " is false\n", a, op, b);
		_fail(file, line);
	}
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TK_SANITIZED 1
#endif
#if __has_feature(thread_sanitizer)
#define TK_TSAN_ON 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TK_SANITIZED 1
#endif
#if defined(__SANITIZE_THREAD__)
#define TK_SANITIZED 1
#define TK_TSAN_ON 1
#endif

int
tk_test_is_sanitized(void)
{
#ifdef TK_SANITIZED
	return 1;
#else
	return 0;
#endif
}

int
tk_test_is_emulated(void)
{
	const char *slow = getenv("TK_TEST_SLOW");

	return slow != NULL && atoi(slow) > 1;
}

uint64_t
tk_test_scale(uint64_t n)
{
	const char *slow = getenv("TK_TEST_SLOW");
	uint64_t div = 1;

#ifdef TK_TSAN_ON
	div = 50;
#elif defined(TK_SANITIZED)
	div = 10;
#endif
	if (slow != NULL && atoi(slow) > 1)
		div *= (uint64_t)atoi(slow);
	n /= div;
	return n ? n : 1;
}
