/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The windup engine's publication protocol (src/hands/) with winders that
 * do not finish in time: a winder stopped, or abandoned by a longjmp, at
 * each named point of a windup while readers answer, in the fake world of
 * tests/support/hands_world.h; then real threads racing over a lock-free
 * fake counter with tiny intervals and closings, so windups, reopened
 * closings and lost publications happen by the thousand (and under TSan).
 * Never backwards, every read close to the kernel, windups going on after.
 */
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "atomic.h"
#include "hands/hands.h"
#include "hands_test.h"
#include "hands_world.h"
#include "tk_test.h"

/* ---- a winder stopped or abandoned at each point ----------------------- */

static jmp_buf abandon_jmp;
static enum tk__hands_point stop_at;
static int stop_abandon, stop_hits, stop_reads;
static struct watch *stop_watch;
static int64_t stop_worst, stop_repeat_ns;

/*
 * At the chosen point the "stopped" winder lets 20 readers run, one every
 * 1 us of world time (as other threads would while it is preempted, or a
 * signal handler on its own thread); then it resumes, or is abandoned.
 */
static void
stop_pause(struct tk__hands *h, enum tk__hands_point where)
{
	int64_t ns, prev = INT64_MIN, since = 0;
	int i;

	(void)h;
	if (where != stop_at || stop_hits++ > 0)
		return;
	for (i = 0; i < 20; i++) {
		world_advance(1000);
		ns = rd(stop_watch, 0);
		stop_reads++;
		if (iabs(err_now(ns)) > stop_worst)
			stop_worst = iabs(err_now(ns));
		/* How long (world time) one value stays the answer. */
		if (ns == prev) {
			since += 1000;
			if (since > stop_repeat_ns)
				stop_repeat_ns = since;
		} else {
			since = 0;
		}
		prev = ns;
	}
	if (stop_abandon)
		longjmp(abandon_jmp, 1);
}

static void
stopped_winder(enum tk__hands_point at, int abandon)
{
	struct watch wt = { 0 };
	uint64_t windups, recovered;
	int64_t ns;

	world_reset();
	assert_int_equal(engine_setup(0), 0);
	run(&wt, 1000, 1e9, 0);
	stop_at = at;
	stop_abandon = abandon;
	stop_hits = stop_reads = 0;
	stop_watch = &wt;
	stop_worst = stop_repeat_ns = 0;
	H.pause = stop_pause;
	recovered = page.stats.recovered;
	world_advance(TK_HANDS_INTERVAL_NS); /* the hands are due */
	if (setjmp(abandon_jmp) == 0)
		rd(&wt, 0);
	H.pause = NULL;
	assert_true(stop_hits >= 1); /* readers meanwhile may pass it too */
	print_message("%s at point %d: %d reads meanwhile, max |error| "
	              "%" PRId64 " ns, one value for %" PRId64 " ns\n",
	    abandon ? "abandoned" : "stopped", (int)at, stop_reads, stop_worst,
	    stop_repeat_ns);
	assert_int64_le(stop_worst, 5000);
	assert_int64_le(stop_repeat_ns, 5000);
	/* Fully recovered: windups go on and reads are accurate again. */
	windups = page.stats.windups;
	assert_int64_le(run(&wt, 1000, 1e9, 1e8), 100);
	assert_true(page.stats.windups > windups + 50);
	/*
	 * What the abandoned windup held (the slot it was writing, the front)
	 * came back on the thread's next call, so the front serves again.
	 */
	if (abandon && (at == TK_HANDS_AT_WRITING || at == TK_HANDS_AT_FRONT))
		assert_int_equal(page.stats.recovered, recovered + 1);
	assert_true(tk__th_gen_valid(page.front.gen));
	assert_int_equal(tk__hands_front_ns(&page, 0, 1, fake_counter, &ns), 0);
}

static void
test_stopped_winder(void **state)
{
	enum tk__hands_point p;

	(void)state;
	for (p = TK_HANDS_AT_CLOSED; p <= TK_HANDS_AT_FRONT; p++)
		stopped_winder(p, 0);
	assert_true(page.stats.closes == 0 || page.stats.lost >= 1);
}

static void
test_abandoned_winder(void **state)
{
	enum tk__hands_point p;

	(void)state;
	for (p = TK_HANDS_AT_CLOSED; p <= TK_HANDS_AT_FRONT; p++)
		stopped_winder(p, 1);
}

/* ---- threads ----------------------------------------------------------- */

/* The racing world's counter, shared by the threads (hands_world.h). */
static _Atomic uint64_t mt_shared;
static _Atomic uint64_t mt_reads;
/* cmocka's asserts may not fire in other threads: failures land here. */
static _Atomic int mt_bad;
static int64_t mt_bad_ns, mt_bad_seen;

static void *
mt_reader(void *arg)
{
	uint64_t n = *(const uint64_t *)arg, i, seen, prev = 0;
	int64_t ns;

	for (i = 0; i < n; i++) {
		/* Acquire: pairs with another thread's release CAS below. */
		seen = atomic_load_explicit(&mt_shared, memory_order_acquire);
		if (tk__hands_nanotime(&H, 0, 1, &ns) != 0 ||
		    (uint64_t)ns < seen || (uint64_t)ns < prev) {
			/* Never below what another thread published before. */
			if (atomic_exchange(&mt_bad, 1) == 0) {
				mt_bad_ns = ns;
				mt_bad_seen =
				    (int64_t)(seen > prev ? seen : prev);
			}
			break;
		}
		prev = (uint64_t)ns;
		while (seen < (uint64_t)ns &&
		    !atomic_compare_exchange_weak_explicit(&mt_shared, &seen,
		        (uint64_t)ns, memory_order_release,
		        memory_order_acquire))
			;
	}
	atomic_fetch_add(&mt_reads, n);
	return NULL;
}

static void
test_threads_protocol(void **state)
{
	pthread_t th[4];
	uint64_t n = tk_test_scale(400000);
	int i;

	(void)state;
	/* Windups every 2 us, closings stale after 1 us: races galore. */
	assert_int_equal(race_setup(), 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(
		    pthread_create(&th[i], NULL, mt_reader, &n), 0);
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	if (atomic_load(&mt_bad))
		fail_msg("went back: %" PRId64 " after %" PRId64, mt_bad_ns,
		    mt_bad_seen);
	print_message("%" PRIu64 " reads: %" PRIu64 " windups, %" PRIu64
	              " reopened closings, %" PRIu64 " lost\n",
	    (uint64_t)atomic_load(&mt_reads), page.stats.windups,
	    page.stats.closes, page.stats.lost);
	assert_true(page.stats.windups * 2000 > 4 * n);
	assert_true(page.stats.closes > 0);
	assert_int_equal(hands_test_state(&page), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_stopped_winder, world_setup),
		cmocka_unit_test_setup(test_abandoned_winder, world_setup),
		cmocka_unit_test(test_threads_protocol),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
