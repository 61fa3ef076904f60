/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The C++ consumer: timekeep.h in a C++ translation unit, the
 * library called from C++, built against an installed timekeep by
 * scripts/install-test.sh (g++ -std=c++11 -Wall -Wextra -Werror, through
 * pkg-config) and by tests/cxx/CMakeLists.txt (find_package).  It follows
 * lz4's tests/cxxtest and libuv's extern "C" header.
 *
 * It checks what a C++ caller relies on: the extern "C" names link, the
 * clocks agree with std::chrono and clock_gettime(), and the inline
 * bintime helpers round-trip exactly when compiled as C++.  Prints one
 * line per check and "cxx consumer: PASS"; exits 0, or 1 on a failure.
 */
#include <timekeep.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace
{

int failures;

void
check(bool ok, const char *what)
{
	std::printf("%s %s\n", ok ? "ok  " : "FAIL", what);
	if (!ok)
		failures++;
}

std::int64_t
ts_ns(const struct timespec &ts)
{
	return static_cast<std::int64_t>(ts.tv_sec) * TK_NSEC_PER_SEC +
	    ts.tv_nsec;
}

/* One second of slack: the clocks are compared, not benchmarked. */
const std::int64_t slack_ns = TK_NSEC_PER_SEC;

void
check_clocks()
{
	struct timespec ts, sys;
	std::int64_t a, b, sec;
	std::int32_t nsec;

	a = tk_nanotime();
	b = tk_nanotime_relaxed();
	check(a > 0 && b >= a, "tk_nanotime, tk_nanotime_relaxed: monotonic");

	check(clock_gettime(CLOCK_MONOTONIC, &sys) == 0 &&
	        tk_clock_gettime(CLOCK_MONOTONIC, &ts) == 0 &&
	        ts_ns(ts) >= ts_ns(sys) - slack_ns &&
	        ts_ns(ts) <= ts_ns(sys) + slack_ns,
	    "tk_clock_gettime(CLOCK_MONOTONIC) near clock_gettime()");

	/* std::chrono::system_clock is CLOCK_REALTIME in libstdc++/libc++. */
	std::int64_t chrono_ns =
	    std::chrono::duration_cast<std::chrono::nanoseconds>(
	        std::chrono::system_clock::now().time_since_epoch())
	        .count();
	tk_walltime(&sec, &nsec);
	check(nsec >= 0 && nsec < TK_NSEC_PER_SEC &&
	        sec * TK_NSEC_PER_SEC + nsec >= chrono_ns - slack_ns &&
	        sec * TK_NSEC_PER_SEC + nsec <= chrono_ns + slack_ns,
	    "tk_walltime near std::chrono::system_clock");

	check(tk_clock_gettime(CLOCK_REALTIME, &ts) == 0 &&
	        ts_ns(ts) >= sec * TK_NSEC_PER_SEC + nsec - slack_ns,
	    "tk_clock_gettime(CLOCK_REALTIME)");
	check(tk_clock_gettime(static_cast<clockid_t>(0x7fffffff), &ts) ==
	        -EINVAL,
	    "tk_clock_gettime(unknown id) == -EINVAL");
	check(tk_clock_gettime(CLOCK_MONOTONIC, NULL) == -EFAULT,
	    "tk_clock_gettime(NULL) == -EFAULT");
}

void
check_bintime()
{
	struct tk_bintime bt, up, one, half;
	struct timespec ts, ts2;
	struct timeval tv, tv2;

	check(tk_bintime(&bt) == 0 && tk_binuptime(&up) == 0 && bt.sec > 0 &&
	        up.sec >= 0,
	    "tk_bintime, tk_binuptime");

	/* 1.5 s + 0.5 s carries into sec: exactly 2 s. */
	one.sec = 1;
	one.frac = 0;
	half.sec = 0;
	half.frac = static_cast<std::uint64_t>(1) << 63;
	bt = one;
	tk_bintime_add(&bt, &half);
	tk_bintime_addx(&bt, half.frac);
	check(bt.sec == 2 && bt.frac == 0, "tk_bintime_add, _addx carry");
	tk_bintime_sub(&bt, &half);
	check(bt.sec == 1 && bt.frac == half.frac &&
	        tk_bintime_cmp(&bt, &one) == 1 &&
	        tk_bintime_cmp(&one, &bt) == -1 &&
	        tk_bintime_cmp(&bt, &bt) == 0,
	    "tk_bintime_sub borrow, tk_bintime_cmp");

	/* To units floors, from units ceils: round trips are exact. */
	tk_bintime_from_ns(&bt, -1);
	check(bt.sec == -1 && tk_bintime_to_ns(&bt) == -1,
	    "tk_bintime_from_ns(-1) round trip");
	tk_bintime_from_ns(&bt, 1234567890123LL);
	check(tk_bintime_to_ns(&bt) == 1234567890123LL,
	    "tk_bintime_from_ns round trip");
	ts.tv_sec = 1795000000;
	ts.tv_nsec = 999999999;
	tk_timespec_to_bintime(&ts, &bt);
	tk_bintime_to_timespec(&bt, &ts2);
	check(ts2.tv_sec == ts.tv_sec && ts2.tv_nsec == ts.tv_nsec,
	    "tk_timespec_to_bintime round trip");
	tv.tv_sec = 42;
	tv.tv_usec = 1;
	tk_timeval_to_bintime(&tv, &bt);
	tk_bintime_to_timeval(&bt, &tv2);
	check(tv2.tv_sec == 42 && tv2.tv_usec == 1,
	    "tk_timeval_to_bintime round trip");
}

void
check_introspection()
{
	struct tk_source_info si[8];
	const char *src = tk_source();
	int n, i, chosen = 0;

	std::printf("timekeep %s (header %d.%d.%d), source %s\n", tk_version(),
	    TK_VERSION_MAJOR, TK_VERSION_MINOR, TK_VERSION_PATCH, src);
	char hdr[32];
	std::snprintf(hdr, sizeof(hdr), "%d.%d.%d", TK_VERSION_MAJOR,
	    TK_VERSION_MINOR, TK_VERSION_PATCH);
	check(std::strcmp(tk_version(), hdr) == 0,
	    "tk_version() matches the header");

	n = tk_sources(si, 8);
	for (i = 0; i < n && i < 8; i++)
		if (si[i].chosen && std::strcmp(si[i].name, src) == 0)
			chosen++;
	check(n > 0 && chosen == 1, "tk_sources names tk_source() as chosen");
}

} /* namespace */

int
main()
{
	check_clocks();
	check_bintime();
	check_introspection();
	std::printf("cxx consumer: %s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
