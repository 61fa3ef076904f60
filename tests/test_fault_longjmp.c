/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A winder abandoned by siglongjmp at every instruction of a windup (issue
 * 9's fourth target).  A forked victim (tests/support/faults_trace.h)
 * winds up every 50 us in its main thread while another thread reads; the
 * parent single-steps a few windups to learn their instructions, then for
 * each one runs the winder into a windup, stops it just before that
 * instruction, and delivers SIGUSR1, whose handler siglongjmps out of the
 * read: the windup is abandoned there, whatever it held.
 *
 * Targets, over every trial: every read of the other thread, and of the
 * abandoned thread itself once it reads again, within 5 us of the kernel
 * (bracketed error, tests/support/faults.h); no value repeated for more
 * than 5 us of kernel time; never backwards.  And the state recovers
 * completely: after the last trial, windups go on and the inline front
 * answers again.
 *
 * Each instruction gets up to three windups to reach it (one that goes
 * another way ends first); the test also fails if fewer than 95% of them,
 * or any atomic, were reached: a windup that can no longer get that far is
 * a windup that no longer works.  A windup longer than MAX_TRIALS
 * instructions (under a sanitizer) is tried at every stride-th one and at
 * every atomic and the instruction after it.  The sweep stops at TIME_BUDGET_NS and
 * says how far it got.  FAULTS_VERBOSE=1 in the environment prints every
 * trial (address, occurrence, window, result) and the windup's entry, for
 * addr2line.  SKIPs when the tsc source is not in use, when ptrace is not
 * allowed, and under ThreadSanitizer.
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

#define TRACES 3
#define TRIES 3
#define TARGET_NS 5000
#define AFTERMATH_NS 300000
#define TIME_BUDGET_NS (40 * INT64_C(1000000000))
#define MAX_TRIALS 2500

static struct faults_insn set[FAULTS_TRACE_MAX];
static uint8_t tried[FAULTS_TRACE_MAX], reached[FAULTS_TRACE_MAX];

/*
 * Is instruction i tried?  Every one, up to MAX_TRIALS of them; in a longer
 * windup (a sanitizer's instrumentation makes it 8 times longer) every
 * stride-th, and always the atomics and the instruction after each.
 */
static int
chosen(size_t i, size_t stride)
{
	return i % stride == 0 || set[i].atomic || (i > 0 && set[i - 1].atomic);
}

/* Abandon one windup at each chosen instruction: the instructions reached. */
static size_t
sweep(struct faults_victim *v, pid_t pid, size_t n, size_t *ntried,
    size_t *missed_atomic)
{
	int64_t end = faults_kernel_ns() + TIME_BUDGET_NS;
	int verbose = getenv("FAULTS_VERBOSE") != NULL;
	size_t i, got = 0, stride = n / MAX_TRIALS + 1;
	int t, r;

	*missed_atomic = *ntried = 0;
	if (verbose)
		print_message("entry %p\n", faults_wind_entry());
	for (i = 0; i < n && faults_kernel_ns() < end; i++) {
		if (!chosen(i, stride))
			continue;
		tried[i] = 1;
		(*ntried)++;
		v->trial = (int64_t)i;
		faults_victim_quiet(v, 1);
		for (t = 0, r = 1; t < TRIES && r == 1; t++)
			r = faults_run_to(pid, &set[i]);
		faults_victim_quiet(v, 0);
		if (r < 0) {
			print_message("  trial %zu: %s\n", i, strerror(-r));
			break;
		}
		if (verbose)
			print_message("trial %zu pc %" PRIx64 " occ %u window "
			              "%u: %s\n",
			    i, set[i].pc, set[i].occ, set[i].window,
			    r == 0 ? "abandoned" : "not reached");
		if (r == 0) {
			reached[i] = 1;
			got++;
			faults_resume(pid, SIGUSR1);
			/* Both threads read through the aftermath. */
			faults_sleep_ns(AFTERMATH_NS);
		} else if (set[i].atomic) {
			(*missed_atomic)++;
		}
	}
	if (i < n)
		print_message(
		    "  stopped after %zu of %zu instructions\n", i, n);
	return got;
}

/* Instructions reached per window (atomics executed before them). */
static void
print_windows(size_t n)
{
	unsigned w, top = 0;
	size_t i, all, hit;

	for (i = 0; i < n; i++)
		if (set[i].window > top)
			top = set[i].window;
	for (w = 0; w <= top; w++) {
		all = hit = 0;
		for (i = 0; i < n; i++) {
			if (set[i].window != w || !tried[i])
				continue;
			all++;
			hit += reached[i];
		}
		print_message("    after %u atomics: %zu of %zu abandoned\n", w,
		    hit, all);
	}
}

static void
test_abandon_every_instruction(void **state)
{
	struct faults_victim *v;
	const char *why = NULL;
	size_t n, got, ntried = 0, missed_atomic = 0;
	pid_t pid;
	int st, err;

	(void)state;
	TK_NEED_SOURCE("tsc");
	if (faults_tsan())
		TK_SKIP("ThreadSanitizer delivers a signal at its own safe "
		        "points, not at the instruction chosen");
	v = faults_share(sizeof(*v));
	assert_non_null(v);
	v->interval_ns = 50000;
	v->abandon_sig = SIGUSR1;
	err = faults_victim_start(v, &pid, &why);
	if (err == -EPERM || err == -ENOTSUP) {
		faults_unshare(v, sizeof(*v));
		TK_SKIP("%s", why);
	}
	assert_int_equal(err, 0);
	memset(tried, 0, sizeof(tried));
	memset(reached, 0, sizeof(reached));
	n = faults_learn(v, pid, set, FAULTS_TRACE_MAX, TRACES);
	got = n > 0 ? sweep(v, pid, n, &ntried, &missed_atomic) : 0;
	st = faults_victim_finish(v, pid);

	print_message(
	    "  %zu windup instructions, %zu tried, abandoned at %zu of them "
	    "(%" PRIu64 " longjmps); %zu atomics not reached\n",
	    n, ntried, got, (uint64_t)v->abandons, missed_atomic);
	print_windows(n);
	fflush(stdout);
	faults_victim_report(v);
	fflush(stdout);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_true(n >= 50);
	assert_uint64_equal(v->reader.back, 0);
	assert_uint64_equal(v->winder.back, 0);
	assert_int64_le(v->reader.worst_ns, TARGET_NS);
	assert_int64_le(v->winder.worst_ns, TARGET_NS);
	assert_int64_le(v->reader.repeat_ns, TARGET_NS);
	assert_int64_le(v->winder.repeat_ns, TARGET_NS);
	/* Recovered: windups go on (50 us apart) and the front answers. */
	if (v->windups_after - v->windups_before < 100)
		fail_msg("no recovery: %" PRIu64 " windups in the 100 ms after",
		    v->windups_after - v->windups_before);
	if (v->fast_reads == 0)
		fail_msg("no recovery: the front answered no read after");
	if (got * 100 < ntried * 95 ||
	    ntried * 100 < n * 95 / (n / MAX_TRIALS + 1) || missed_atomic > 0)
		fail_msg("windups no longer reached %zu of %zu instructions "
		         "tried (of %zu)",
		    ntried - got, ntried, n);
	faults_unshare(v, sizeof(*v));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_abandon_every_instruction),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
