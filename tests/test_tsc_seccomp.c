/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * No system call on the read path, proven by the kernel: a forked child
 * installs a seccomp filter (PR_SET_NO_NEW_PRIVS, SECCOMP_SET_MODE_FILTER)
 * that kills the process on clock_gettime, gettimeofday, clock_getres and
 * time, shrinks the windup interval so windups happen too, and makes 10^6
 * reads of each entry point (tk_test_scale'd): it must exit normally.  A
 * second child under the same filter makes one plain
 * syscall(SYS_clock_gettime) and must die of SIGSYS, so the filter is
 * known to bite and the first child's survival means something.
 *
 * And fork: the child of a process whose hands run finds the page wiped
 * (MADV_WIPEONFORK, so a time namespace or a lock a parent thread held
 * cannot follow it), sets it up again, and reads a time that is not
 * below the parent's last one and agrees with the kernel; its own child
 * (the wipe is inherited) too; and a windup lock held in the parent at
 * fork time does not wedge the child.
 *
 * Children report through their exit status: 0 pass, anything else a
 * numbered failure (the reason is printed by the child on stderr).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "hands_test.h"
#include "nosyscall.h"
#include "source/tsc.h"
#include "timekeep.h"
#include "tk_test.h"

/* Past the calibration: hands exist. */
static void
calibrated(void)
{
	struct timespec ts = { 0, 30000000 };

	(void)tk_nanotime();
	nanosleep(&ts, NULL);
	(void)tk_nanotime();
}

#define NEED_TSC()                                                             \
	do {                                                                   \
		TK_NEED_SOURCE("tsc");                                         \
		calibrated();                                                  \
	} while (0)

/* Kill the process on the clock system calls; allow everything else. */
static int
clock_filter(void)
{
	return nosyscall_install();
}

/* The reads, in a child under the filter: exit 0, or the failing step. */
static int
filtered_reads(uint64_t n)
{
	struct tk__hands *h = (&tk__tsc_hands);
	uint64_t i, w0;
	int64_t a = 0, r = 0, t, s;
	struct timespec ts;
	int32_t ns;

	if (clock_filter() != 0) {
		fprintf(stderr, "cannot install the seccomp filter\n");
		return 10;
	}
	w0 = tk__load_relaxed(&h->page->stats.windups);
	tk__store_relaxed(&h->interval_ns, 100000); /* a windup per 100 us */
	for (i = 0; i < n; i++) {
		t = tk_nanotime();
		if (t < a)
			return 11;
		a = t;
		t = tk_nanotime_relaxed();
		if (t < r)
			return 12;
		r = t;
		tk_walltime(&s, &ns);
		if (tk_clock_gettime(CLOCK_MONOTONIC, &ts) != 0 ||
		    tk_clock_gettime(CLOCK_REALTIME, &ts) != 0)
			return 13;
	}
	if (tk__load_relaxed(&h->page->stats.windups) - w0 < 10) {
		fprintf(stderr, "only %" PRIu64 " windups\n",
		    tk__load_relaxed(&h->page->stats.windups) - w0);
		return 14;
	}
	return 0;
}

static int
plain_syscall(uint64_t arg)
{
	struct timespec ts;

	(void)arg;
	if (clock_filter() != 0)
		return 10;
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return 0; /* the filter should have killed us */
}

static void
test_no_syscall(void **state)
{
	int st;

	(void)state;
	NEED_TSC();
	st = tk_test_in_child(filtered_reads, tk_test_scale(1000000));
	if (WIFSIGNALED(st))
		fail_msg("the reads were killed by signal %d (%s): a clock "
		         "system call on the path",
		    WTERMSIG(st), strsignal(WTERMSIG(st)));
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	st = tk_test_in_child(plain_syscall, 0);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
}

/* Set by the parent just before fork: its last read. */
static int64_t parent_last;

/* In a forked child: wiped page, not below the parent, agrees. */
static int
child_checks(uint64_t depth)
{
	const struct tk__hands_page *pg = (&tk__tsc_hands)->page;
	int64_t t, k1, k2, end, worst = 0, prev;

	if (tk__load_relaxed(&pg->hdr.magic) != 0 ||
	    tk__load_relaxed(&pg->hdr.state) != TK_HANDS_WIPED) {
		fprintf(stderr, "the child's page is not wiped\n");
		return 20;
	}
	t = tk_nanotime();
	if (t < parent_last) {
		fprintf(stderr, "child %" PRId64 " < parent %" PRId64 "\n", t,
		    parent_last);
		return 21;
	}
	prev = t;
	end = tk_test_clock_ns(CLOCK_MONOTONIC) + 20000000;
	while ((k1 = tk_test_clock_ns(CLOCK_MONOTONIC)) < end) {
		t = tk_nanotime();
		k2 = tk_test_clock_ns(CLOCK_MONOTONIC);
		if (t < prev)
			return 22;
		prev = t;
		if (k2 - k1 < 200) {
			int64_t e = t - (k1 + k2) / 2;

			if (e < 0)
				e = -e;
			if (e > worst)
				worst = e;
		}
	}
	if (!tk_test_is_sanitized() && worst > 1000) {
		fprintf(stderr, "child error %" PRId64 " ns\n", worst);
		return 23;
	}
	if (hands_test_state(pg) != 1)
		return 24;
	if (depth > 0) {
		int status;
		pid_t pid;

		parent_last = tk_nanotime();
		fflush(NULL);
		pid = fork();
		if (pid == 0)
			_exit(child_checks(depth - 1));
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status))
			return 25;
		return WEXITSTATUS(status);
	}
	return 0;
}

/* The parent's windup, stopped with its closing word held, forks. */
static int fork_status;

static void
fork_while_closed(struct tk__hands *h, enum tk__hands_point where)
{
	if (where != TK_HANDS_AT_CLOSED)
		return;
	h->pause = NULL;
	fork_status = tk_test_in_child(child_checks, 0);
}

static void
test_fork(void **state)
{
	int64_t end;
	int st;

	(void)state;
	NEED_TSC();
	parent_last = tk_nanotime();
	st = tk_test_in_child(child_checks, 1);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);

	/*
	 * A closing word held here (a winder stopped at fork time) does not
	 * follow the child: its page is wiped.  Make the hands due, fork from
	 * inside the windup.
	 */
	fork_status = -1;
	parent_last = tk_nanotime();
	tk__store_relaxed(&tk__tsc_hands.interval_ns, 1000);
	tk__tsc_hands.pause = fork_while_closed;
	end = tk_test_clock_ns(CLOCK_MONOTONIC) + 200000000;
	while (fork_status == -1 && tk_test_clock_ns(CLOCK_MONOTONIC) < end)
		(void)tk_nanotime();
	tk__tsc_hands.pause = NULL;
	tk__store_relaxed(&tk__tsc_hands.interval_ns, TK_HANDS_INTERVAL_NS);
	assert_true(WIFEXITED(fork_status));
	assert_int_equal(WEXITSTATUS(fork_status), 0);
	/* And the parent's own time continues. */
	parent_last = tk_nanotime();
	assert_int64_le(parent_last, tk_nanotime());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_syscall),
		cmocka_unit_test(test_fork),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
