/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * clock_gettime_dropin: route a program's clock_gettime() calls to
 * timekeep, and show that the answers agree with libc's.
 *
 * tk_clock_gettime() takes the same arguments as POSIX clock_gettime() but
 * reports errors the library way, as a negative errno value, and never
 * touches errno.  my_clock_gettime() below restores the POSIX contract:
 * 0 on success, or -1 with errno set.  Three ways to route calls to it:
 *
 *   1. Call my_clock_gettime() where the program called clock_gettime().
 *   2. Leave the callers alone and define, in a header that every file
 *      includes after <time.h>,
 *
 *		#define clock_gettime(id, ts) my_clock_gettime(id, ts)
 *
 *      as this file does below.  (clock_gettime)(id, ts), with the name
 *      in parentheses, still calls libc's function: a function-like macro
 *      only expands when its name is followed by "(".
 *   3. With the GNU or LLVM linker, link with -Wl,--wrap=clock_gettime and
 *      name the wrapper __wrap_clock_gettime: every call from your own
 *      object files (not libc's internal ones) then goes to it, and
 *      __real_clock_gettime reaches libc.
 *
 * The second half of main() checks the claim: for each clock id it takes
 * libc's time, timekeep's time, and libc's time again, and the middle one
 * must lie between the other two, give or take TOLERANCE_NS.  Exit status
 * 0 when every clock agrees and the errors match, 1 otherwise.
 *
 * Build against an installed timekeep:
 *	cc -O2 clock_gettime_dropin.c $(pkg-config --cflags --libs timekeep)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <timekeep.h>

/*
 * How far timekeep may be outside libc's before-and-after window.  When
 * timekeep reads the CPU counter through its own timehands, it follows the
 * kernel's clock by small, bounded rate corrections (timekeep(3)), so the
 * two may differ by microseconds; coarse clocks add their resolution.
 */
#define TOLERANCE_NS 1000000LL /* 1 ms */

/* clock_gettime() with POSIX's contract, answered by timekeep. */
static int
my_clock_gettime(clockid_t id, struct timespec *ts)
{
	int err = tk_clock_gettime(id, ts);

	if (err < 0) {
		errno = -err;
		return -1;
	}
	return 0;
}

/* Way 2: from here on, clock_gettime(...) means my_clock_gettime(...). */
#define clock_gettime(id, ts) my_clock_gettime(id, ts)

static const struct {
	clockid_t id;
	const char *name;
} clocks[] = {
	{ CLOCK_REALTIME, "CLOCK_REALTIME" },
	{ CLOCK_MONOTONIC, "CLOCK_MONOTONIC" },
	{ CLOCK_PROCESS_CPUTIME_ID, "CLOCK_PROCESS_CPUTIME_ID" },
	{ CLOCK_THREAD_CPUTIME_ID, "CLOCK_THREAD_CPUTIME_ID" },
#ifdef CLOCK_MONOTONIC_RAW /* Linux */
	{ CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW" },
#endif
#ifdef CLOCK_REALTIME_COARSE /* Linux */
	{ CLOCK_REALTIME_COARSE, "CLOCK_REALTIME_COARSE" },
#endif
#ifdef CLOCK_MONOTONIC_COARSE /* Linux */
	{ CLOCK_MONOTONIC_COARSE, "CLOCK_MONOTONIC_COARSE" },
#endif
#ifdef CLOCK_BOOTTIME /* Linux */
	{ CLOCK_BOOTTIME, "CLOCK_BOOTTIME" },
#endif
#ifdef CLOCK_TAI /* Linux */
	{ CLOCK_TAI, "CLOCK_TAI" },
#endif
#ifdef CLOCK_UPTIME /* FreeBSD */
	{ CLOCK_UPTIME, "CLOCK_UPTIME" },
#endif
#ifdef CLOCK_REALTIME_FAST /* FreeBSD */
	{ CLOCK_REALTIME_FAST, "CLOCK_REALTIME_FAST" },
#endif
#ifdef CLOCK_MONOTONIC_FAST /* FreeBSD */
	{ CLOCK_MONOTONIC_FAST, "CLOCK_MONOTONIC_FAST" },
#endif
};

static int64_t
ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

/* libc, timekeep, libc: is timekeep's time inside libc's window? */
static int
check_clock(clockid_t id, const char *name)
{
	struct timespec before, ours, after, res;
	int64_t lo, hi, t, tol = TOLERANCE_NS;

	if (clock_getres(id, &res) == 0)
		tol += ts_ns(&res);
	if ((clock_gettime)(id, &before) != 0) {
		printf("%-26s skipped: libc says %s\n", name, strerror(errno));
		return 0;
	}
	if (clock_gettime(id, &ours) != 0) { /* my_clock_gettime() */
		printf("%-26s FAIL: timekeep says %s, libc succeeded\n", name,
		    strerror(errno));
		return 1;
	}
	(clock_gettime)(id, &after);

	lo = ts_ns(&before);
	hi = ts_ns(&after);
	t = ts_ns(&ours);
	printf("%-26s %s libc %lld.%09ld timekeep %lld.%09ld (%+lld ns)\n",
	    name, t >= lo - tol && t <= hi + tol ? "ok  " : "FAIL",
	    (long long)before.tv_sec, before.tv_nsec, (long long)ours.tv_sec,
	    ours.tv_nsec, (long long)(t - (lo + (hi - lo) / 2)));
	return !(t >= lo - tol && t <= hi + tol);
}

/* Both fail an unknown clock id with EINVAL; ours fails NULL with EFAULT. */
static int
check_errors(void)
{
	struct timespec ts;
	int libc_rc, libc_errno, our_rc, our_errno, bad = 0;

	errno = 0;
	libc_rc = (clock_gettime)((clockid_t)INT_MAX, &ts);
	libc_errno = errno;
	errno = 0;
	our_rc = clock_gettime((clockid_t)INT_MAX, &ts);
	our_errno = errno;
	bad |= our_rc != libc_rc || our_errno != libc_errno;
	printf("%-26s %s libc %d (%s) timekeep %d (%s)\n", "unknown clock id",
	    bad ? "FAIL" : "ok  ", libc_rc, strerror(libc_errno), our_rc,
	    strerror(our_errno));

	/* Not asked of libc: its vDSO path may simply crash on NULL. */
	errno = 0;
	our_rc = clock_gettime(CLOCK_MONOTONIC, NULL);
	our_errno = errno;
	if (our_rc != -1 || our_errno != EFAULT)
		bad = 1;
	printf("%-26s %s timekeep %d (%s)\n", "NULL timespec",
	    our_rc == -1 && our_errno == EFAULT ? "ok  " : "FAIL", our_rc,
	    strerror(our_errno));
	return bad;
}

int
main(void)
{
	size_t i;
	int bad = 0;

	printf("timekeep %s, source %s\n", tk_version(), tk_source());
	for (i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++)
		bad |= check_clock(clocks[i].id, clocks[i].name);
	bad |= check_errors();
	printf("%s\n",
	    bad ? "FAIL: timekeep and libc disagree"
	        : "PASS: timekeep agrees with libc");
	return bad;
}
