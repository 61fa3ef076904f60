/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tick conversion in the engine (src/hands/hands_ticks.c) against the
 * reads it brackets, in the fake world of tests/support/hands_world.h: a
 * sample is a tick a, a read v and a tick b, in that order, and the
 * sandwich is conv(a) <= v <= conv(b).  It must hold exactly for every
 * tick converted TK_TICKS_EXACT, in steady reading, with a winder stopped
 * at each named point and with racing threads; for EXTRAPOLATED ticks
 * (taken while a windup was publishing) it holds exactly when the windup
 * went as planned, and within the windup's length when a stopped winder's
 * closing was taken over (docs/ticks.md).
 */
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atomic.h"
#include "hands/hands.h"
#include "hands/hands_ticks.h"
#include "ticks.h"
#include "ticks_world.h"
#include "tk_test.h"

/* ---- samples and the sandwich ------------------------------------------- */

struct sample {
	uint64_t a, b;
	int64_t v;
	int64_t k; /* the kernel's true value at a */
};

static void
take(struct sample *s)
{
	s->a = fake_counter(1);
	s->k = (int64_t)W.k;
	s->v = ticks_read();
	s->b = fake_counter(1);
}

struct tally {
	uint64_t n[3];
	uint64_t loose; /* EXTRAPOLATED and off the sandwich */
	int64_t worst; /* by how much, at most */
};

/*
 * Check the sandwich of s: exact for EXACT ticks, and for EXTRAPOLATED
 * ones within slack (0: exact too).
 */
static void
check(const struct sample *s, int64_t slack, struct tally *ty)
{
	int64_t ma, mb, off;
	int sa = ticks_conv(s->a, &ma), sb = ticks_conv(s->b, &mb);

	ty->n[sa]++;
	ty->n[sb]++;
	assert_true(sa != TK_TICKS_CLAMPED && sb != TK_TICKS_CLAMPED);
	if (sa == TK_TICKS_EXACT)
		assert_int64_le(ma, s->v);
	if (sb == TK_TICKS_EXACT)
		assert_int64_le(s->v, mb);
	off = ma - s->v > s->v - mb ? ma - s->v : s->v - mb;
	if (off > 0) {
		assert_true(sa != TK_TICKS_EXACT || sb != TK_TICKS_EXACT);
		ty->loose++;
		if (off > ty->worst)
			ty->worst = off;
		assert_int64_le(off, slack);
	}
}

/* Steady reading: nearly all EXACT, and the sandwich exact throughout. */
static void
test_exact_steady(void **state)
{
	static struct sample s[1000];
	struct tally ty = { { 0 }, 0, 0 };
	uint64_t round, rounds, i, w0;

	(void)state;
	ticks_run(1000, 1.2e9);
	w0 = page.stats.windups;
	rounds = tk_test_scale(300);
	for (round = 0; round < rounds; round++) {
		for (i = 0; i < 1000; i++) {
			world_advance((double)(rand() % 30000));
			take(&s[i]);
		}
		for (i = 0; i < 1000; i++)
			check(&s[i], 0, &ty);
	}
	print_message("%" PRIu64 " ticks over %" PRIu64 " windups: %" PRIu64
	              " exact, %" PRIu64 " extrapolated (in a windup)\n",
	    ty.n[0] + ty.n[1], page.stats.windups - w0, ty.n[0], ty.n[1]);
	/* 1000 samples ~15 ms of world time: a windup every 10 ms. */
	assert_true(page.stats.windups - w0 >= rounds);
	assert_true(ty.n[1] * 100 < ty.n[0]);
}

/* ---- a winder stopped at each point ------------------------------------- */

static enum tk__hands_point stop_at;
static int stop_hits, stop_reads;
static struct sample stop_s[64];

/* While the winder is stopped, readers take samples every 250 ns. */
static void
stop_pause(struct tk__hands *h, enum tk__hands_point where)
{
	int i;

	(void)h;
	if (where != stop_at || stop_hits++ > 0)
		return;
	for (i = 0; i < stop_reads; i++) {
		world_advance(250);
		take(&stop_s[i]);
	}
}

/*
 * Stopped briefly (5 samples, ~1.3 us, within a closing's lease): every
 * sample's sandwich exact, EXTRAPOLATED ones included.  Stopped for long
 * (40 samples, ~10 us: readers take the closing over and the stopped
 * windup fails): EXACT ones exact, the others within the stop's length.
 */
static void
test_stopped_winder(void **state)
{
	struct tally ty = { { 0 }, 0, 0 };
	struct sample around[2];
	enum tk__hands_point p;
	int longer, i;

	(void)state;
	ticks_run(1000, 1.2e9);
	for (longer = 0; longer < 2; longer++) {
		for (p = TK_HANDS_AT_CLOSED; p <= TK_HANDS_AT_FRONT; p++) {
			stop_at = p;
			stop_hits = 0;
			stop_reads = longer ? 40 : 5;
			H.pause = stop_pause;
			ticks_run(1000, TK_HANDS_INTERVAL_NS); /* one windup */
			H.pause = NULL;
			assert_true(stop_hits >= 1);
			take(&around[0]);
			ticks_run(1000, 1e6);
			take(&around[1]);
			for (i = 0; i < stop_reads; i++)
				check(&stop_s[i], longer ? 15000 : 0, &ty);
			check(&around[0], 0, &ty);
			check(&around[1], 0, &ty);
		}
	}
	print_message("stopped windups: %" PRIu64 " exact, %" PRIu64
	              " extrapolated, %" PRIu64 " off the sandwich (at most "
	              "%" PRId64 " ns, after a take-over)\n",
	    ty.n[0], ty.n[1], ty.loose, ty.worst);
	assert_true(ty.n[1] > 0);
}

/* ---- threads ------------------------------------------------------------ */

/*
 * In the racing world (hands_world.h race_setup()) each thread takes
 * samples and converts them at once: the sandwich holds for every EXACT
 * tick.
 */
static _Atomic int mt_bad;
static _Atomic uint64_t mt_n[3], mt_loose;
static int64_t mt_bad_v, mt_bad_m;

static void *
mt_thread(void *arg)
{
	uint64_t n = *(const uint64_t *)arg, i, a, b;
	int64_t v, ma, mb, r;
	int sa, sb;

	for (i = 0; i < n && !atomic_load(&mt_bad); i++) {
		a = race_counter(1);
		if (tk__hands_nanotime(&H, 0, 1, &v) != 0)
			continue;
		b = race_counter(1);
		sa = tk__hands_ticks_to_ns(&H, a, &ma, &r);
		sb = tk__hands_ticks_to_ns(&H, b, &mb, &r);
		if (sa < 0 || sb < 0)
			continue;
		atomic_fetch_add(&mt_n[sa], 1);
		atomic_fetch_add(&mt_n[sb], 1);
		if ((sa == TK_TICKS_EXACT && ma > v) ||
		    (sb == TK_TICKS_EXACT && mb < v)) {
			if (atomic_exchange(&mt_bad, 1) == 0) {
				mt_bad_v = v;
				mt_bad_m =
				    sa == TK_TICKS_EXACT && ma > v ? ma : mb;
			}
		} else if (ma > v || mb < v) {
			atomic_fetch_add(&mt_loose, 1);
		}
	}
	return NULL;
}

static void
test_threads(void **state)
{
	pthread_t th[3];
	uint64_t n = tk_test_scale(300000);
	int i;

	(void)state;
	assert_int_equal(race_setup(), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(
		    pthread_create(&th[i], NULL, mt_thread, &n), 0);
	for (i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	if (atomic_load(&mt_bad))
		fail_msg("an EXACT tick converted to %" PRId64
		         ", off the read %" PRId64,
		    mt_bad_m, mt_bad_v);
	print_message("%" PRIu64 " exact, %" PRIu64 " extrapolated (%" PRIu64
	              " off the sandwich), %" PRIu64 " clamped; %" PRIu64
	              " windups, %" PRIu64 " take-overs\n",
	    (uint64_t)mt_n[0], (uint64_t)mt_n[1], (uint64_t)mt_loose,
	    (uint64_t)mt_n[2], page.stats.windups, page.stats.closes);
	/* A windup every 2 us of fake time, 7 counts (2.7 ns) a read. */
	assert_true(mt_n[0] > 0 && page.stats.windups > n / 200);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_exact_steady, ticks_setup),
		cmocka_unit_test_setup(test_stopped_winder, ticks_setup),
		cmocka_unit_test(test_threads),
	};

	srand(1);
	return TK_TEST_RUN(tests, NULL, NULL);
}
