/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fake world of the engine tests and the checks of its reads
 * (hands_world.h).
 */
#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "hands/hands.h"
#include "hands_test.h"
#include "hands_world.h"
#include "tk_test.h"

struct world W;
struct tk__hands_page page;
struct tk__hands_memo memo;
struct tk__hands H;

void
world_advance(double ns)
{
	W.c += W.f * ns;
	W.k += W.kr * ns;
}

uint64_t
fake_counter(int ordered)
{
	(void)ordered;
	world_advance(W.step);
	W.creads++;
	return (uint64_t)W.c + W.offset;
}

int
fake_kernel(clockid_t id, struct timespec *ts)
{
	int64_t ns;

	if (W.kernel_fail)
		return -EIO;
	world_advance(W.step + W.kernel_cost / 2);
	ns = (int64_t)W.k;
	world_advance(W.kernel_cost / 2);
	if (id == CLOCK_REALTIME)
		ns += (int64_t)W.r_off; /* 1.7e18 has no ns in a double */
	ts->tv_sec = (time_t)(ns / 1000000000);
	ts->tv_nsec = (long)(ns % 1000000000);
	return 0;
}

int first_check_result;

static int
fake_first_check(void)
{
	return first_check_result;
}

/* A 2.6 GHz counter at count 10^12, a kernel at 1000 s, 10 ns per read. */
void
world_reset(void)
{
	memset(&W, 0, sizeof(W));
	W.c = 1e12;
	W.k = 1e12;
	W.r_off = 1.7e18;
	W.f = 2.6;
	W.kr = 1.0;
	W.step = 10;
}

int
engine_setup(int with_memo)
{
	memset(&page, 0, sizeof(page));
	memset(&H, 0, sizeof(H));
	H.page = &page;
	H.memo = with_memo ? &memo : NULL;
	H.counter = fake_counter;
	H.kernel = fake_kernel;
	H.first_check = fake_first_check;
	first_check_result = 0;
	tk__hands_defaults(&H);
	return tk__hands_setup(&H);
}

int
world_setup(void **state)
{
	(void)state;
	world_reset();
	memset(&memo, 0, sizeof(memo));
	assert_int_equal(engine_setup(0), 0);
	return 0;
}

void
watch_check(struct watch *wt, int64_t ns)
{
	const struct tk__hands_slot *cur = hands_test_current(&page);
	const struct tk__hands_hot *s;
	const struct tk__hands_cold *cold;
	double dev;

	assert_int64_le(wt->last, ns);
	wt->last = ns;
	if (cur == NULL || cur->cold.seq == wt->seq)
		return;
	s = &cur->hot;
	cold = &cur->cold;
	assert_true(tk__th_gen_valid(s->gen));
	if (wt->seq != 0 && cold->seq == wt->seq + 1 &&
	    cold->kind != TK_HANDS_K_FOLLOW) {
		assert_int64_le(wt->hot.floor_ns, s->base_ns);
		if (cold->kind == TK_HANDS_K_SLEW)
			assert_int64_equal(s->base_ns, cold->cont_ns);
	}
	/* T(base_count) is base_ns exactly, and the floor is T's bound. */
	assert_int64_equal(tk__hands_at(s, s->base_count), s->base_ns);
	assert_int64_equal(s->floor_ns, tk__hands_beyond(s, s->windup_count));
	/* The range never crosses a multiple of 2^32. */
	assert_true((s->base_count >> 32) == ((s->windup_count - 1) >> 32));
	dev = (double)s->mult / (double)cold->rate - 1;
	if (dev < 0)
		dev = -dev;
	if (cold->kind == TK_HANDS_K_SLOW || cold->kind == TK_HANDS_K_RESET ||
	    cold->kind == TK_HANDS_K_FIRST)
		assert_true(dev <= TK_HANDS_SLOWDOWN_PCT / 100.0 + 1e-9);
	else
		assert_true(dev <= TK_HANDS_SLEW_PPM * 1e-6 + 1e-9);
	wt->seq = cold->seq;
	wt->hot = *s;
	wt->windups++;
}

int64_t
rd(struct watch *wt, int clock)
{
	int64_t ns;

	assert_int_equal(tk__hands_nanotime(&H, clock, 1, &ns), 0);
	if (!clock)
		watch_check(wt, ns);
	return ns;
}

int64_t
err_now(int64_t ns)
{
	return ns - (int64_t)W.k;
}

int64_t
iabs(int64_t x)
{
	return x < 0 ? -x : x;
}

/*
 * Read every gap ns for total ns of world time; returns the largest
 * |error| over the reads after `settle` ns.
 */
int64_t
run(struct watch *wt, double gap, double total, double settle)
{
	double t;
	int64_t ns, e, worst = 0;

	for (t = 0; t < total; t += gap) {
		world_advance(gap);
		ns = rd(wt, 0);
		e = iabs(err_now(ns));
		if (t >= settle && e > worst)
			worst = e;
	}
	return worst;
}

/* ---- the racing world --------------------------------------------------- */

static _Atomic uint64_t race_c = 1000000000000ull;
static _Atomic unsigned race_pauses;

uint64_t
race_counter(int ordered)
{
	(void)ordered;
	return atomic_fetch_add_explicit(&race_c, 7, memory_order_relaxed);
}

static int
race_kernel(clockid_t id, struct timespec *ts)
{
	int64_t ns = (int64_t)((double)race_counter(1) / 2.6);

	if (id == CLOCK_REALTIME)
		ns += 1000000000000000000ll;
	ts->tv_sec = (time_t)(ns / 1000000000);
	ts->tv_nsec = (long)(ns % 1000000000);
	return 0;
}

static void
race_pause(struct tk__hands *h, enum tk__hands_point where)
{
	uint64_t c0 = atomic_load_explicit(&race_c, memory_order_relaxed);
	struct timespec t0, t;

	(void)h;
	if ((atomic_fetch_add(&race_pauses, 1) & 15) != (unsigned)where)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		sched_yield();
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (
	    atomic_load_explicit(&race_c, memory_order_relaxed) - c0 < 6500 &&
	    (t.tv_sec - t0.tv_sec) * 1000000000 + t.tv_nsec - t0.tv_nsec <
	        20000000);
}

int
race_setup(void)
{
	memset(&page, 0, sizeof(page));
	memset(&H, 0, sizeof(H));
	H.page = &page;
	H.counter = race_counter;
	H.kernel = race_kernel;
	H.pause = race_pause;
	tk__hands_defaults(&H);
	H.interval_ns = H.interval_min_ns = H.recal_ns = 2000;
	H.cal_ns = 20000;
	H.close_ns = 1000;
	return tk__hands_setup(&H);
}
