/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Never backwards across threads, on the real TSC and the real vDSO: two
 * reader threads hand a timestamp to each other through one shared word
 * (each read must be >= the latest value another thread published before
 * it: acquire the word, read the clock, publish with release), 10^8 reads
 * each natively (tk_test_scale shrinks that under sanitizers), while a
 * third thread forces windups: it shrinks the windup interval to 20 us for
 * half of each 10 ms and reads relaxed, checking its own order.  The
 * cross-thread check uses tk_nanotime (the ordered read is what promises
 * it); tk_nanotime_relaxed promises order within a thread only.
 *
 * SKIPs with timekeep's reason when the tsc source is not in use.
 */
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "atomic.h"
#include "hands_test.h"
#include "source/tsc.h"
#include "timekeep.h"
#include "tk_test.h"

static _Atomic int64_t shared;
static _Atomic int stop;
static _Atomic int bad;
static int64_t bad_got, bad_seen;
static uint64_t reads_per_thread;

static void
note_bad(int64_t got, int64_t seen)
{
	if (atomic_exchange(&bad, 1) == 0) {
		bad_got = got;
		bad_seen = seen;
	}
}

static void *
reader(void *arg)
{
	int64_t seen, t, own = 0;
	uint64_t i;

	(void)arg;
	for (i = 0; i < reads_per_thread && !atomic_load(&bad); i++) {
		/* Acquire: pairs with the release CAS of the other reader. */
		seen = atomic_load_explicit(&shared, memory_order_acquire);
		t = tk_nanotime();
		if (t < seen || t < own) {
			note_bad(t, seen > own ? seen : own);
			break;
		}
		own = t;
		while (seen < t &&
		    !atomic_compare_exchange_weak_explicit(&shared, &seen, t,
		        memory_order_release, memory_order_acquire))
			;
	}
	return NULL;
}

static void *
forcer(void *arg)
{
	struct tk__hands *h = (&tk__tsc_hands);
	int64_t t, own = 0, phase_end = 0;
	int small = 0;

	(void)arg;
	while (!atomic_load(&stop)) {
		t = tk_nanotime_relaxed();
		if (t < own) {
			note_bad(t, own);
			break;
		}
		own = t;
		if (t >= phase_end) {
			small = !small;
			tk__store_relaxed(&h->interval_ns,
			    small ? 20000 : TK_HANDS_INTERVAL_NS);
			phase_end = t + 5000000;
		}
	}
	tk__store_relaxed(&h->interval_ns, TK_HANDS_INTERVAL_NS);
	return NULL;
}

/*
 * Every 8th windup stops inside its front write (the front claimed, half
 * written) or just after publishing, for ~20 us: readers then take the
 * ring path, and nothing of the never-backwards argument may depend on the
 * front being whole.
 */
static atomic_uint pauses;

static void
pause_in_front(struct tk__hands *h, enum tk__hands_point where)
{
	struct timespec t0, t;

	(void)h;
	if ((where != TK_HANDS_AT_FRONT && where != TK_HANDS_AT_PUBLISHED) ||
	    (atomic_fetch_add(&pauses, 1) & 7) != 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		sched_yield();
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000 + t.tv_nsec - t0.tv_nsec <
	    20000);
}

static void
test_two_threads(void **state)
{
	pthread_t r[2], f;
	struct tk__hands *h;
	uint64_t w0, s0;
	int i;

	(void)state;
	TK_NEED_SOURCE("tsc");
	/* Past the calibration, so the hands are what is tested. */
	{
		struct timespec ts = { 0, 30000000 };

		(void)tk_nanotime();
		nanosleep(&ts, NULL);
		(void)tk_nanotime();
	}
	h = (&tk__tsc_hands);
	w0 = tk__load_relaxed(&h->page->stats.windups);
	s0 = tk__load_relaxed(&h->page->stats.closes);
	reads_per_thread = tk_test_scale(100000000);
	atomic_store(&shared, 0);
	h->pause = pause_in_front;
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&r[i], NULL, reader, NULL), 0);
	assert_int_equal(pthread_create(&f, NULL, forcer, NULL), 0);
	for (i = 0; i < 2; i++)
		pthread_join(r[i], NULL);
	atomic_store(&stop, 1);
	pthread_join(f, NULL);
	h->pause = NULL;
	if (atomic_load(&bad))
		fail_msg("time went back: %" PRId64 " after %" PRId64
		         " (%" PRId64 " ns)",
		    bad_got, bad_seen, bad_seen - bad_got);
	print_message("2 x %" PRIu64 " handed-over reads: %" PRIu64
	              " windups, %" PRIu64 " reopened closings, %u stopped "
	              "winders, state %d\n",
	    reads_per_thread, tk__load_relaxed(&h->page->stats.windups) - w0,
	    tk__load_relaxed(&h->page->stats.closes) - s0,
	    atomic_load(&pauses) / 8, hands_test_state(h->page));
	assert_true(tk__load_relaxed(&h->page->stats.windups) - w0 > 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_threads),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
