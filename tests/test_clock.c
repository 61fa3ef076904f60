/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The sandwich test for every clock id and every source (after
 * Linux tools/testing/selftests/vDSO/vdso_test_correctness.c):
 *
 *	raw syscall  <=  timekeep  <=  raw syscall
 *
 * exactly for the monotonic clocks and the CPU-time clocks, and within
 * the windup bound for the realtime ones (the own tsc source re-reads the
 * realtime offset once per windup interval).  Ids the kernel rejects (-1,
 * INT_MIN, INT_MAX, 10, 12...) must give the same -EINVAL through
 * timekeep.  The public entry points that are not clock_gettime
 * (tk_nanotime, _relaxed, tk_walltime, tk_binuptime, tk_bintime) are
 * sandwiched too.
 *
 * The source is chosen once per process, so the test re-executes itself
 * once per source with TIMEKEEP_SOURCE set; a source this machine cannot
 * use is reported as SKIP with the reason timekeep gives.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "timekeep.h"
#include "tk_test.h"

/* Realtime may lag a settimeofday by one windup interval (tsc: 10 ms). */
#define REALTIME_SLACK_NS (50 * 1000 * 1000LL)

static int
sys_gettime(clockid_t id, struct timespec *ts)
{
	return syscall(SYS_clock_gettime, id, ts) == 0 ? 0 : -errno;
}

static void
sandwich_one(const struct tk_test_clock *c)
{
	struct timespec a, t, b;
	int ra, rt, rb, i;

	for (i = 0; i < 1000; i++) {
		ra = sys_gettime(c->id, &a);
		rt = tk_clock_gettime(c->id, &t);
		rb = sys_gettime(c->id, &b);
		if (ra != 0) {
			/* The kernel rejects the id: timekeep must too. */
			if (rt != ra)
				print_error(
				    "clock %s: kernel %d, timekeep %d\n",
				    c->name, ra, rt);
			assert_int_equal(rt, ra);
			assert_int_equal(rb, ra);
			continue;
		}
		if (rt != 0)
			print_error(
			    "clock %s: timekeep failed with %d\n", c->name, rt);
		assert_int_equal(rt, 0);
		assert_true(t.tv_nsec >= 0 && t.tv_nsec < TK_NSEC_PER_SEC);
		if (c->realtime) {
			assert_int64_le(tk_test_ts_ns(&a) - REALTIME_SLACK_NS,
			    tk_test_ts_ns(&t));
			assert_int64_le(tk_test_ts_ns(&t),
			    tk_test_ts_ns(&b) + REALTIME_SLACK_NS);
		} else {
			assert_int64_le(tk_test_ts_ns(&a), tk_test_ts_ns(&t));
			assert_int64_le(tk_test_ts_ns(&t), tk_test_ts_ns(&b));
		}
	}
}

static void
test_every_clock_id(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < tk_test_nclocks; i++)
		sandwich_one(&tk_test_clocks[i]);
}

static void
test_entry_points(void **state)
{
	struct timespec a, b;
	struct tk_bintime bt;
	int64_t ns, sec;
	int32_t nsec;
	int i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		sys_gettime(CLOCK_MONOTONIC, &a);
		ns = tk_nanotime();
		sys_gettime(CLOCK_MONOTONIC, &b);
		assert_int64_le(tk_test_ts_ns(&a), ns);
		assert_int64_le(ns, tk_test_ts_ns(&b));

		/* Relaxed may be taken early, but never before the first call. */
		sys_gettime(CLOCK_MONOTONIC, &a);
		ns = tk_nanotime_relaxed();
		sys_gettime(CLOCK_MONOTONIC, &b);
		assert_int64_le(ns, tk_test_ts_ns(&b));
		assert_int64_le(tk_test_ts_ns(&a) - 1000, ns);

		assert_int_equal(tk_binuptime(&bt), 0);
		sys_gettime(CLOCK_MONOTONIC, &b);
		assert_int64_le(tk_bintime_to_ns(&bt), tk_test_ts_ns(&b));

		sys_gettime(CLOCK_REALTIME, &a);
		tk_walltime(&sec, &nsec);
		sys_gettime(CLOCK_REALTIME, &b);
		assert_true(nsec >= 0 && nsec < TK_NSEC_PER_SEC);
		ns = sec * TK_NSEC_PER_SEC + nsec;
		assert_int64_le(tk_test_ts_ns(&a) - REALTIME_SLACK_NS, ns);
		assert_int64_le(ns, tk_test_ts_ns(&b) + REALTIME_SLACK_NS);

		assert_int_equal(tk_bintime(&bt), 0);
		sys_gettime(CLOCK_REALTIME, &b);
		assert_int64_le(tk_bintime_to_ns(&bt),
		    tk_test_ts_ns(&b) + REALTIME_SLACK_NS);
	}
	assert_int_equal(tk_clock_gettime(CLOCK_MONOTONIC, NULL), -EFAULT);
	assert_int_equal(tk_binuptime(NULL), -EFAULT);
}

/* In the child: is the forced source the one in use? */
static void
test_source_in_use(void **state)
{
	const char *want = getenv("TIMEKEEP_SOURCE");
	struct tk_source_info info[8];
	int n, i;

	(void)state;
	n = tk_sources(info, 8);
	assert_true(n > 0 && n <= 8);
	for (i = 0; i < n; i++) {
		if (strcmp(info[i].name, want) != 0)
			continue;
		if (!info[i].usable)
			TK_SKIP("source %s is not usable here: %s", want,
			    info[i].reason);
		assert_string_equal(tk_source(), want);
		return;
	}
	TK_SKIP("this build has no source %s", want);
}

static int
run_child(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_source_in_use),
		cmocka_unit_test(test_every_clock_id),
		cmocka_unit_test(test_entry_points),
	};
	char group[64];

	snprintf(group, sizeof(group), "sandwich, source %s",
	    getenv("TIMEKEEP_SOURCE"));
	return tk_test_main(
	    group, tests, sizeof(tests) / sizeof(tests[0]), NULL, NULL);
}

static void
test_default_choice(void **state)
{
	(void)state;
	/* With no TIMEKEEP_SOURCE the choice is never the slowest one here. */
	assert_non_null(tk_source());
	test_every_clock_id(state);
	test_entry_points(state);
}

/* Re-execute this test with TIMEKEEP_SOURCE=name; 0 if it passed. */
static int
run_forced(const char *self, const char *name)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		setenv("TIMEKEEP_SOURCE", name, 1);
		execl(self, self, "--child", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void
test_every_source(void **state)
{
	static const char *const names[] = { "tsc", "vdso", "syscall" };
	char self[4096];
	ssize_t n;
	size_t i;

	(void)state;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	assert_true(n > 0);
	self[n] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int rc = run_forced(self, names[i]);

		if (rc == 127)
			TK_SKIP("cannot re-execute %s here (qemu-user without "
			        "binfmt_misc runs no foreign exec)",
			    self);
		assert_int_equal(rc, 0);
	}
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_choice),
		cmocka_unit_test(test_every_source),
	};

	if (argc > 1 && strcmp(argv[1], "--child") == 0)
		return run_child();
	return TK_TEST_RUN(tests, NULL, NULL);
}
