/* SPDX-License-Identifier: BSD-2-Clause */
/* The shared test helpers declared in tk_test.h. */
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tk_test.h"

int tk_test_skipped;

int
tk_test_main(const char *group, const struct CMUnitTest *tests, size_t n,
    CMFixtureFunction setup, CMFixtureFunction teardown)
{
	int failed;

	tk_test_skipped = 0;
	failed = _cmocka_run_group_tests(group, tests, n, setup, teardown);
	if (failed == 0 && n > 0 && (size_t)tk_test_skipped == n)
		return 77;
	return failed;
}

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

int
tk_test_in_child(int (*fn)(uint64_t), uint64_t arg)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(fn(arg));
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

uint64_t
tk_test_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * UINT64_C(0x2545f4914f6cdd1d);
}

int64_t
tk_test_hang_ns(int64_t ns)
{
	if (tk_test_is_sanitized())
		ns *= 50;
	if (tk_test_is_emulated())
		ns *= 50;
	return ns;
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

int64_t
tk_test_ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * TK_NSEC_PER_SEC + ts->tv_nsec;
}

int64_t
tk_test_clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return tk_test_ts_ns(&ts);
}

int
tk_test_source_is(const char *name)
{
	return strcmp(tk_source(), name) == 0;
}

const char *
tk_test_source_reason(const char *name)
{
	struct tk_source_info si[8];
	int i, n;

	n = tk_sources(si, 8);
	for (i = 0; i < n && i < 8; i++)
		if (strcmp(si[i].name, name) == 0)
			return si[i].reason;
	return "this build has no such source";
}

#ifdef TK_OS_LINUX
const struct tk_test_clock tk_test_clocks[] = {
	{ CLOCK_REALTIME, "REALTIME", 0, 1 },
	{ CLOCK_MONOTONIC, "MONOTONIC", 1, 0 },
	{ CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME_ID", 1, 0 },
	{ CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME_ID", 1, 0 },
	{ CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW", 1, 0 },
	{ CLOCK_REALTIME_COARSE, "REALTIME_COARSE", 0, 1 },
	{ CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE", 1, 0 },
	{ CLOCK_BOOTTIME, "BOOTTIME", 1, 0 },
	{ CLOCK_REALTIME_ALARM, "REALTIME_ALARM", 0, 1 },
	{ CLOCK_BOOTTIME_ALARM, "BOOTTIME_ALARM", 1, 0 },
	{ CLOCK_TAI, "TAI", 0, 1 },
	{ 10, "10 (unused)", 0, 0 },
	{ 12, "12 (past the last)", 0, 0 },
	{ 16, "16", 0, 0 },
	{ -1, "-1", 0, 0 },
	{ INT_MIN, "INT_MIN", 0, 0 },
	{ INT_MAX, "INT_MAX", 0, 0 },
};

const size_t tk_test_nclocks =
    sizeof(tk_test_clocks) / sizeof(tk_test_clocks[0]);
#endif
