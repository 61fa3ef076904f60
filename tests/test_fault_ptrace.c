/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A winder frozen by ptrace at chosen points of a windup for 1 to 400 ms
 * while another thread reads (issue 9's fourth target).  A forked victim
 * (tests/support/faults_trace.h) winds up every 50 us in its main thread
 * while another thread reads; the parent single-steps two windups to learn
 * their instructions, then stops the winder just before and just after
 * each atomic read-modify-write (closing the publication word, claiming a
 * ring slot, publishing, unpinning, claiming the front and the history),
 * just after each counter read (inside the kernel sample's brackets),
 * midway between them, and at the entry; keeps it stopped for 1, 3, 10,
 * 30, 50, 100, 200 or 400 ms, and lets it go on.
 *
 * Each point is visited twice: once with the reader reading through the
 * stop, and once with the reader paused, so that nobody else touches the
 * page while the winder is frozen (a process whose only thread was
 * preempted mid-windup) and the winder finishes a windup it began long
 * ago.
 *
 * Then one windup is frozen inside each of the three brackets of its
 * kernel sample in turn, with nobody else reading: every bracket is wide,
 * and the windup must not publish hands from such a sample.
 *
 * Targets, over every stop: the reader's reads, and the winder's own once
 * it runs again, within 5 us of the kernel (bracketed error,
 * tests/support/faults.h); no value repeated for more than 5 us of kernel
 * time; never backwards; and afterwards windups go on and the inline
 * front answers.  FAULTS_VERBOSE=1 in the environment prints the points
 * (address, occurrence, window) and the windup's entry, for addr2line; a
 * trial number t names point t % 256, from 256 on with the reader paused.
 * SKIPs when the tsc source is not in use, when ptrace is not allowed, and
 * under ThreadSanitizer.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "faults.h"
#include "faults_trace.h"
#include "timekeep.h"
#include "tk_test.h"

#define MS INT64_C(1000000)
#define TRACES 2
#define TRIES 5
#define MAX_POINTS 256
#define TARGET_NS 5000

static const int64_t stop_ms[] = { 1, 400, 3, 100, 10, 30, 200, 50 };

static struct faults_insn set[FAULTS_TRACE_MAX];
static size_t points[MAX_POINTS];

static size_t
add_point(size_t np, size_t i, size_t n)
{
	size_t j;

	if (i >= n || np == MAX_POINTS)
		return np;
	for (j = 0; j < np; j++)
		if (points[j] == i)
			return np;
	points[np] = i;
	return np + 1;
}

/*
 * The chosen points, in the first trace's order: the entry, around every
 * atomic, after every counter read, and midway between atomics.
 */
static size_t
choose(size_t n)
{
	size_t i, np = 0, last = 0;

	np = add_point(np, 0, n);
	for (i = 0; i < n; i++) {
		if (set[i].atomic) {
			np = add_point(np, (last + i) / 2, n);
			np = add_point(np, i, n);
			np = add_point(np, i + 1, n);
			last = i + 1;
		}
		if (set[i].counter)
			np = add_point(np, i + 1, n);
	}
	return np;
}

/* One stop: 1 done, 0 the point was not reached, or -errno. */
static int
stop_at(struct faults_victim *v, pid_t pid, size_t i, int64_t ns, int quiet)
{
	int t, r;

	faults_victim_quiet(v, 1);
	for (t = 0, r = 1; t < TRIES && r == 1; t++)
		r = faults_run_to(pid, &set[i]);
	if (r < 0)
		return r;
	if (r == 0) {
		faults_victim_quiet(v, quiet);
		faults_sleep_ns(ns);
		faults_resume(pid, 0);
	}
	faults_victim_quiet(v, 0);
	faults_sleep_ns(2 * MS); /* the reader reads on, the winder winds */
	return r == 0;
}

/* Start a victim winding every 50 us and learn its windups (or SKIP). */
static void
victim(struct faults_victim **vp, pid_t *pid, size_t *n, int traces)
{
	struct faults_victim *v;
	const char *why = NULL;
	int err;

	if (faults_tsan())
		TK_SKIP("ThreadSanitizer's runtime locks inside a windup: a "
		        "stopped winder would stall the reader in it");
	v = faults_share(sizeof(*v));
	assert_non_null(v);
	v->interval_ns = 50000;
	err = faults_victim_start(v, pid, &why);
	if (err == -EPERM || err == -ENOTSUP) {
		faults_unshare(v, sizeof(*v));
		TK_SKIP("%s", why);
	}
	assert_int_equal(err, 0);
	*n = faults_learn(v, *pid, set, FAULTS_TRACE_MAX, traces);
	if (getenv("FAULTS_VERBOSE"))
		print_message("entry %p\n", faults_wind_entry());
	*vp = v;
}

/* The victim's verdict, once it has finished with wait status st. */
static void
verdict(struct faults_victim *v, int st)
{
	fflush(stdout);
	faults_victim_report(v);
	fflush(stdout);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_uint64_equal(v->reader.back, 0);
	assert_uint64_equal(v->winder.back, 0);
	assert_int64_le(v->reader.worst_ns, TARGET_NS);
	assert_int64_le(v->winder.worst_ns, TARGET_NS);
	assert_int64_le(v->reader.repeat_ns, TARGET_NS);
	assert_int64_le(v->winder.repeat_ns, TARGET_NS);
	assert_true(v->windups_after - v->windups_before >= 100);
	assert_true(v->fast_reads > 0);
	faults_unshare(v, sizeof(*v));
}

/* Every point, reader reading, then reader paused: the stops made. */
static size_t
stops(struct faults_victim *v, pid_t pid, size_t np, size_t *tried,
    int64_t *slept)
{
	size_t k, done = 0;
	int64_t ns;
	int quiet, r = 0;

	for (quiet = 0; quiet <= 1 && r >= 0; quiet++) {
		for (k = 0; k < np && r >= 0; k++) {
			ns = stop_ms[(k + (size_t)quiet) %
			         (sizeof(stop_ms) / sizeof(stop_ms[0]))] *
			    MS;
			v->trial = (int64_t)(quiet * MAX_POINTS + (int)k);
			(*tried)++;
			r = stop_at(v, pid, points[k], ns, quiet);
			if (r < 0)
				print_message(
				    "  stop %zu: %s\n", k, strerror(-r));
			done += r > 0;
			*slept += r > 0 ? ns : 0;
		}
	}
	return done;
}

static void
test_frozen_winder(void **state)
{
	struct faults_victim *v;
	size_t n, np, k, done, tried = 0;
	int64_t slept = 0;
	pid_t pid;
	int st;

	(void)state;
	TK_NEED_SOURCE("tsc");
	victim(&v, &pid, &n, TRACES);
	np = choose(n);
	for (k = 0; k < np && getenv("FAULTS_VERBOSE"); k++)
		print_message("point %zu: insn %zu pc %" PRIx64
		              " occ %u window %u%s%s\n",
		    k, points[k], set[points[k]].pc, set[points[k]].occ,
		    set[points[k]].window,
		    set[points[k]].atomic ? " atomic" : "",
		    set[points[k]].counter ? " counter" : "");
	done = stops(v, pid, np, &tried, &slept);
	st = faults_victim_finish(v, pid);
	print_message("  %zu windup instructions, %zu points: %zu of %zu "
	              "stops made, %" PRId64 " ms frozen in all\n",
	    n, np, done, tried, slept / MS);
	assert_true(n >= 50);
	assert_true(done * 10 >= tried * 9);
	verdict(v, st);
}

/* Executions of set[j].pc in set[0..i] (the first trace's order). */
static uint32_t
seen(size_t i, size_t j)
{
	uint32_t c = 0;
	size_t p;

	for (p = 0; p <= i; p++)
		c += set[p].pc == set[j].pc && set[p].occ < set[j].occ;
	return c;
}

/*
 * Is set[i] a counter read of the library's (not the kernel's) that opens
 * a bracket: the kernel's code runs before the library's next one?
 */
static int
opens_bracket(size_t n, size_t i)
{
	size_t j;

	if (!set[i].counter || set[i].vdso)
		return 0;
	for (j = i + 1; j < n; j++) {
		if (set[j].vdso)
			return 1;
		if (set[j].counter)
			return 0;
	}
	return 0;
}

/*
 * One windup frozen for ns inside each bracket of its kernel sample (just
 * after each of the first three counter reads after the closing), with
 * nobody else reading: 1 done, 0 not reached, or -errno.
 */
static int
freeze_brackets(
    struct faults_victim *v, pid_t pid, const size_t at[3], int64_t ns)
{
	int t, j, r;

	faults_victim_quiet(v, 1);
	for (t = 0, r = 1; t < TRIES && r == 1; t++)
		r = faults_run_to(pid, &set[at[0]]);
	for (j = 1; j < 3 && r == 0; j++) {
		faults_sleep_ns(ns);
		r = faults_run_on(
		    pid, &set[at[j]], set[at[j]].occ - seen(at[j - 1], at[j]));
	}
	if (r == 0) {
		faults_sleep_ns(ns);
		faults_resume(pid, 0);
		faults_sleep_ns(MS); /* the winder publishes, alone */
	}
	faults_victim_quiet(v, 0);
	faults_sleep_ns(5 * MS);
	return r < 0 ? r : r == 0;
}

/*
 * The three brackets of one windup's kernel sample (the library's counter
 * reads around the kernel's clock_gettime) each stretched by a freeze of
 * 1, 10 or 100 ms just after the counter read that opens it (a winder
 * preempted or stopped there by a debugger, in a process with no other
 * reader), then the windup goes on: the hands it publishes must still be
 * within 5 us of the kernel.
 */
static void
test_frozen_in_every_bracket(void **state)
{
	static const int64_t freeze_ms[] = { 1, 10, 100 };
	struct faults_victim *v;
	size_t n, i, at[3], nat = 0, done = 0;
	pid_t pid;
	int st, r = 0;

	(void)state;
	TK_NEED_SOURCE("tsc");
	victim(&v, &pid, &n, 1);
	for (i = 0; i < n && nat < 3; i++)
		if (opens_bracket(n, i))
			at[nat++] = i + 1;
	for (i = 0; nat == 3 && r >= 0 && i < 3; i++) {
		v->trial = (int64_t)i;
		r = freeze_brackets(v, pid, at, freeze_ms[i] * MS);
		done += r > 0;
	}
	st = faults_victim_finish(v, pid);

	print_message("  %zu windup instructions; %zu of 3 windups frozen "
	              "in all three brackets (trials 0, 1, 2: %" PRId64
	              ", %" PRId64 ", %" PRId64 " ms each)\n",
	    n, done, freeze_ms[0], freeze_ms[1], freeze_ms[2]);
	assert_int_equal(nat, 3);
	assert_int_equal(done, 3);
	verdict(v, st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frozen_winder),
		cmocka_unit_test(test_frozen_in_every_bracket),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
