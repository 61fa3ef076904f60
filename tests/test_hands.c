/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The windup engine (src/hands.c) on private pages over a fake counter and
 * a fake kernel clock, so that what no real machine does on demand can be
 * done here: a counter that jumps back, stalls, wraps past 2^64, changes
 * frequency or leaps hours ahead; a kernel clock that stalls, is slewed by
 * "NTP" or has its realtime offset stepped; a winder that is "preempted"
 * while it holds the lock.  Through all of it: never backwards, every
 * windup continuous (B >= T_old(windup_count), and exactly T_old(junction)
 * when the kind says so), the rate within the slew bound, and back to
 * accuracy afterwards.  The last test races real threads over a lock-free
 * fake counter with tiny intervals and leases, so windups, take-overs and
 * lost publications happen by the thousand (and under TSan).
 *
 * The world (single-threaded tests): true time advances by `step` ns at
 * every counter or kernel read, the counter by f counts per true ns, the
 * kernel by kr ns per true ns.  After a read, W.k is the kernel's value at
 * the moment of the last counter read, so ns - W.k is the read's error.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "atomic.h"
#include "hands.h"
#include "tk_test.h"

struct world {
	double c; /* counter, fractional counts */
	uint64_t offset; /* added to the counter, mod 2^64 */
	double k; /* kernel CLOCK_MONOTONIC ns */
	double r_off; /* CLOCK_REALTIME - CLOCK_MONOTONIC */
	double f; /* counts per true ns */
	double kr; /* kernel ns per true ns */
	double step; /* true ns per read */
	int kernel_fail; /* the kernel returns -EIO */
	uint64_t creads; /* counter reads */
};

static struct world W;
static struct tk__hands_page page __attribute__((aligned(4096)));
static struct tk__hands_memo memo;
static struct tk__hands H;

static void
world_advance(double ns)
{
	W.c += W.f * ns;
	W.k += W.kr * ns;
}

static uint64_t
fake_counter(int ordered)
{
	(void)ordered;
	world_advance(W.step);
	W.creads++;
	return (uint64_t)W.c + W.offset;
}

static int
fake_kernel(clockid_t id, struct timespec *ts)
{
	double v;
	int64_t ns;

	if (W.kernel_fail)
		return -EIO;
	world_advance(W.step);
	v = W.k;
	ns = (int64_t)v;
	if (id == CLOCK_REALTIME)
		ns +=
		    (int64_t)
		        W.r_off; /* in integers: 1.7e18 has no ns in a double */
	ts->tv_sec = (time_t)(ns / 1000000000);
	ts->tv_nsec = (long)(ns % 1000000000);
	return 0;
}

static int recheck_result;

static int
fake_recheck(void)
{
	return recheck_result;
}

/* A 2.6 GHz counter at count 10^12, a kernel at 1000 s, 10 ns per read. */
static void
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

static int
engine_setup(int with_memo)
{
	uint64_t hz;
	int err;

	memset(&page, 0, sizeof(page));
	memset(&H, 0, sizeof(H));
	H.page = &page;
	H.memo = with_memo ? &memo : NULL;
	H.counter = fake_counter;
	H.kernel = fake_kernel;
	H.recheck = fake_recheck;
	recheck_result = 0;
	tk__hands_defaults(&H);
	err = tk__hands_setup(&H, &hz);
	if (err == 0) {
		assert_true(hz > 2590000000u && hz < 2610000000u);
	}
	return err;
}

static int
setup(void **state)
{
	(void)state;
	world_reset();
	memset(&memo, 0, sizeof(memo));
	assert_int_equal(engine_setup(0), 0);
	return 0;
}

/* The reading state of one test: monotonicity and windup continuity. */
struct watch {
	int64_t last; /* the last answer */
	uint32_t cur; /* hdr.current seen last */
	struct tk__hands_slot hot; /* its slot */
	uint64_t windups; /* windups observed */
	int64_t max_abs_err; /* over the reads checked */
};

/* T_old(windup_count) as the engine's I2 bound defines it. */
static int64_t
bound_of(const struct tk__hands_slot *s)
{
	uint64_t b = s->k_ns + tk__mulhi64((uint32_t)s->base_count, s->mult);

	return (int64_t)(b +
	    tk__mulhi64(s->windup_count - s->base_count, s->mult) + 1);
}

/*
 * Checks after each read: the answer never goes back; when new hands were
 * published, they start at or above the bound of the ones they replace,
 * exactly at continuity for a SLEW windup, and their rate is within the
 * slew of the measured kernel rate (50% for a SLOW one).
 */
static void
watch_check(struct watch *wt, int64_t ns)
{
	uint32_t cur = page.hdr.current;
	const struct tk__hands_slot *s, *prev;
	const struct tk__hands_cold *cold;
	double dev;

	assert_int64_le(wt->last, ns);
	wt->last = ns;
	if (cur == wt->cur || page.hdr.state != TK_HANDS_RUNNING)
		return;
	s = &page.slot[(cur & TK_HANDS_CUR_OFF) >> TK_HANDS_CUR_SHIFT];
	cold = &page.cold[(cur & TK_HANDS_CUR_OFF) >> TK_HANDS_CUR_SHIFT];
	assert_true(s->gen != 0);
	if (cold->prev_cur != 0 && cold->kind != TK_HANDS_W_FOLLOW) {
		/*
		 * I3: the new hands start at or above the old bound.  A read
		 * may wind up twice; then the old hands are the previous
		 * publication, still in the ring (4 slots).
		 */
		if (cold->prev_cur == wt->cur)
			prev = &wt->hot;
		else
			prev = &page.slot[(cold->prev_cur & TK_HANDS_CUR_OFF) >>
			    TK_HANDS_CUR_SHIFT];
		assert_int64_le(bound_of(prev), cold->base_ns);
		assert_int64_equal(cold->floor_ns, bound_of(prev));
		if (cold->kind == TK_HANDS_W_SLEW)
			assert_int64_equal(cold->base_ns, cold->cont_ns);
	}
	/* T(base_count) is base_ns exactly. */
	assert_int64_equal(
	    (int64_t)(s->k_ns + tk__mulhi64((uint32_t)s->base_count, s->mult)),
	    cold->base_ns);
	/* The range never crosses a multiple of 2^32. */
	assert_true((s->base_count >> 32) == ((s->windup_count - 1) >> 32));
	dev = (double)s->mult / (double)cold->rate - 1;
	if (dev < 0)
		dev = -dev;
	if (cold->kind == TK_HANDS_W_SLOW || cold->kind == TK_HANDS_W_DROP ||
	    cold->kind == TK_HANDS_W_RESET)
		assert_true(dev <= TK_HANDS_SLOWDOWN_PCT / 100.0 + 1e-9);
	else
		assert_true(dev <= TK_HANDS_SLEW_PPM * 1e-6 + 1e-9);
	wt->cur = cur;
	wt->hot = *s;
	wt->windups++;
}

static int64_t
rd(struct watch *wt, int abs)
{
	int64_t ns;

	assert_int_equal(tk__hands_nanotime(&H, abs, 1, &ns), 0);
	if (!abs)
		watch_check(wt, ns);
	return ns;
}

static int64_t
err_now(int64_t ns)
{
	return ns - (int64_t)W.k;
}

static int64_t
iabs(int64_t x)
{
	return x < 0 ? -x : x;
}

/*
 * Read every gap ns for total ns of world time; returns the largest
 * |error| over the reads after `settle` ns.
 */
static int64_t
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

/* Calibration answers from the kernel, then hands: accurate, monotonic. */
static void
test_calibrate_and_track(void **state)
{
	struct watch wt = { 0 };
	int64_t worst;

	(void)state;
	/* The first 10 ms are kernel answers. */
	worst = run(&wt, 1000, 9e6, 0);
	assert_int64_le(worst, 20);
	assert_int_equal(page.hdr.state, TK_HANDS_CALIBRATING);
	worst = run(&wt, 1000, 2e9, 0);
	assert_int_equal(page.hdr.state, TK_HANDS_RUNNING);
	print_message("steady: max |error| %" PRId64 " ns over 2 s, "
	              "%" PRIu64 " windups\n",
	    worst, wt.windups);
	assert_int64_le(worst, 30);
	assert_true(wt.windups > 150);
	/* The estimate knows the frequency to well below a ppm. */
	assert_true(
	    tk__hands_hz(&H) > 2599990000u && tk__hands_hz(&H) < 2600010000u);
}

static void
test_realtime_step(void **state)
{
	struct watch wt = { 0 };
	int64_t r;

	(void)state;
	run(&wt, 1000, 1e9, 0);
	r = rd(&wt, 1);
	assert_int64_le(iabs(r - ((int64_t)W.k + (int64_t)W.r_off)), 30);
	/* settimeofday(+5 s): shows within one interval (10 ms). */
	W.r_off += 5e9;
	world_advance(TK_HANDS_INTERVAL_NS + 1e5);
	run(&wt, 1000, 2e5, 0);
	r = rd(&wt, 1);
	assert_int64_le(iabs(r - ((int64_t)W.k + (int64_t)W.r_off)), 30);
	/* And back. */
	W.r_off -= 2.5e9;
	world_advance(TK_HANDS_INTERVAL_NS + 1e5);
	run(&wt, 1000, 2e5, 0);
	r = rd(&wt, 1);
	assert_int64_le(iabs(r - ((int64_t)W.k + (int64_t)W.r_off)), 30);
}

/* The counter jumps back (a reset after suspend, a migration). */
static void
test_backwards(void **state)
{
	struct watch wt = { 0 };
	int64_t worst;

	(void)state;
	run(&wt, 1000, 1e9, 0);
	W.c -= 5e11; /* 190 s of counts back */
	run(&wt, 1000, 1e6, 0);
	assert_true(page.stats.resets >= 1);
	/* Ahead by at most an interval, then back within a second. */
	worst = run(&wt, 1000, 2e9, 1e9);
	print_message("after a jump back: max |error| %" PRId64
	              " ns in the second second\n",
	    worst);
	assert_int64_le(worst, 100);
}

/* The counter stalls while the kernel runs; then the kernel stalls. */
static void
test_stalls(void **state)
{
	struct watch wt = { 0 };
	int64_t worst;
	double f;

	(void)state;
	run(&wt, 1000, 1e9, 0);
	f = W.f;
	W.f = 0;
	run(&wt, 1000, 5e7, 0); /* time stands still, monotonic */
	W.f = f;
	worst = run(&wt, 1000, 1e9, 1e8);
	assert_true(page.stats.steps >= 1);
	assert_int64_le(worst, 100);
	/* The kernel stalls (a suspend the counter ran through). */
	W.kr = 0;
	run(&wt, 1000, 5e7, 0);
	W.kr = 1;
	worst = run(&wt, 1000, 2e9, 1e9);
	print_message("after stalls: max |error| %" PRId64 " ns\n", worst);
	assert_int64_le(worst, 100);
}

/* The counter crosses 2^64. */
static void
test_wrap(void **state)
{
	struct watch wt = { 0 };
	int64_t worst;

	(void)state;
	/* 2^64 is 0.5 s ahead (1.3e9 counts). */
	W.offset = (uint64_t)0 - (uint64_t)W.c - 1300000000u;
	worst = run(&wt, 1000, 1.5e9, 5e7);
	print_message(
	    "across the 2^64 wrap: max |error| %" PRId64 " ns\n", worst);
	assert_true(fake_counter(1) < 1000000000000ull);
	assert_int64_le(worst, 30);
}

/* The counter's frequency changes (migration to another host). */
static void
test_frequency(void **state)
{
	struct watch wt = { 0 };
	int64_t worst;

	(void)state;
	run(&wt, 1000, 1e9, 0);
	W.f *= 2;
	worst = run(&wt, 1000, 3e9, 2e9);
	assert_true(page.stats.anomalies >= 1);
	print_message(
	    "after x2: max |error| %" PRId64 " ns in the last s\n", worst);
	assert_int64_le(worst, 100);
	W.f /= 4;
	worst = run(&wt, 1000, 3e9, 2e9);
	print_message(
	    "after /4: max |error| %" PRId64 " ns in the last s\n", worst);
	assert_int64_le(worst, 100);
}

/* NTP slews the kernel by +300 ppm, then -200 ppm: followed, bounded. */
static void
test_ntp_slew(void **state)
{
	struct watch wt = { 0 };
	int64_t worst;

	(void)state;
	run(&wt, 1000, 1e9, 0);
	W.kr = 1 + 300e-6;
	worst = run(&wt, 1000, 1e9, 1e8);
	print_message("kernel +300 ppm: max |error| %" PRId64 " ns\n", worst);
	assert_int64_le(worst, 100);
	W.kr = 1 - 200e-6;
	worst = run(&wt, 1000, 1e9, 1e8);
	print_message("kernel -200 ppm: max |error| %" PRId64 " ns\n", worst);
	assert_int64_le(worst, 100);
}

/* Hours without a read; then the same with the kernel stopped too. */
static void
test_gaps(void **state)
{
	struct watch wt = { 0 };
	int64_t ns;

	(void)state;
	run(&wt, 1000, 1e9, 0);
	world_advance(3.6e12); /* an hour */
	ns = rd(&wt, 0);
	assert_int64_le(iabs(err_now(ns)), 30);
	/* A suspend the counter ran through: the kernel did not advance. */
	W.kr = 0;
	world_advance(3.6e12);
	W.kr = 1;
	ns = rd(&wt, 0);
	/* Not an hour ahead: at most the interval (I2's bound). */
	assert_int64_le(err_now(ns), TK_HANDS_INTERVAL_NS + 1000);
	assert_int64_le(run(&wt, 1000, 2e9, 1e9), 100);
}

/*
 * A winder "preempted" with the lock held: due readers never go beyond its
 * V; after the lease one of them takes over and publishes; the stale
 * winder's publication then fails; time never goes back.
 */
static void
test_preempted_winder(void **state)
{
	struct tk__hands_wind w;
	struct watch wt = { 0 };
	int64_t ns, v0;
	int i;

	(void)state;
	run(&wt, 1000, 1e9, 0);
	/* Make the hands due, then begin a windup and stop there. */
	world_advance(TK_HANDS_INTERVAL_NS);
	assert_int_equal(tk__hands_wind_begin(&H, &w), 0);
	v0 = w.vlock;
	assert_int64_le(v0, w.v);
	for (i = 0; i < 50; i++) {
		world_advance(1000); /* 50 us: inside the lease */
		ns = rd(&wt, 0);
		assert_int64_le(ns, v0);
	}
	assert_int_equal(page.stats.steals, 0);
	world_advance(TK_HANDS_LEASE_NS);
	ns = rd(&wt, 0);
	assert_int_equal(page.stats.steals, 1);
	assert_int64_le(v0, ns);
	/* The stale winder wakes up: its publication loses. */
	assert_int_equal(tk__hands_wind_end(&H, &w), -EAGAIN);
	assert_int64_le(run(&wt, 1000, 1e9, 5e8), 100);

	/* A winder that finishes inside its lease publishes normally. */
	world_advance(TK_HANDS_INTERVAL_NS);
	assert_int_equal(tk__hands_wind_begin(&H, &w), 0);
	world_advance(2000);
	ns = rd(&wt, 0);
	assert_int64_le(ns, w.vlock);
	assert_int_equal(tk__hands_wind_end(&H, &w), 0);
	ns = rd(&wt, 0);
	assert_int64_le(w.v, ns);
	/* A second winder while one holds the lock: it would be a thief. */
	world_advance(TK_HANDS_INTERVAL_NS);
	assert_int_equal(tk__hands_wind_begin(&H, &w), 0);
	{
		struct tk__hands_wind w2;

		assert_int_equal(tk__hands_wind_begin(&H, &w2), 0);
		assert_true(w2.thief);
		assert_int64_le(w.vlock, w2.v);
		/* Both publish against the same hands: exactly one wins. */
		assert_int_equal(tk__hands_wind_end(&H, &w2), 0);
		assert_int_equal(tk__hands_wind_end(&H, &w), -EAGAIN);
	}
	assert_int64_le(run(&wt, 1000, 1e8, 5e7), 100);
}

/* The kernel's clocksource changes: disabled, never below the floor. */
static void
test_disable(void **state)
{
	struct watch wt = { 0 };
	int64_t ns, floor_;

	(void)state;
	run(&wt, 1000, 1e9, 0);
	recheck_result = -ENODEV;
	world_advance(TK_HANDS_RECHECK_NS);
	run(&wt, 1000, 2e7, 0);
	assert_int_equal(page.hdr.state, TK_HANDS_DISABLED);
	assert_int_equal(page.stats.disables, 1);
	floor_ = page.wr.floor_ns;
	/* The kernel, never below the floor. */
	ns = rd(&wt, 0);
	assert_int64_le(floor_, ns);
	assert_int64_le(iabs(err_now(ns)), 10 * TK_HANDS_INTERVAL_NS);
	/* The fast path fails from now on. */
	assert_int_equal(
	    tk__hands_fast(&page, 0, 1, fake_counter, &ns), -EAGAIN);
	run(&wt, 1000, 1e8, 0);
}

/*
 * A page wiped by fork: set up again; with the rate memo, hands at once;
 * without it, a new calibration.
 */
static void
test_wiped(void **state)
{
	struct watch wt = { 0 };
	int64_t ns;

	(void)state;
	assert_int_equal(engine_setup(1), 0);
	run(&wt, 1000, 1e9, 0);
	assert_true(memo.gen != 0);
	memset(&page, 0, sizeof(page));
	wt = (struct watch){ .last = wt.last };
	ns = rd(&wt, 0);
	assert_int_equal(page.hdr.state, TK_HANDS_RUNNING);
	assert_int64_le(iabs(err_now(ns)), 30);
	assert_int64_le(run(&wt, 1000, 1e8, 0), 30);
	/* No memo: calibrating again, answers from the kernel meanwhile. */
	H.memo = NULL;
	memset(&page, 0, sizeof(page));
	ns = rd(&wt, 0);
	assert_int_equal(page.hdr.state, TK_HANDS_CALIBRATING);
	assert_int64_le(iabs(err_now(ns)), 30);
	assert_int64_le(run(&wt, 1000, 1e8, 0), 30);
	assert_int_equal(page.hdr.state, TK_HANDS_RUNNING);
}

/* Hostile or broken pages: bounded, a routing value, never a crash. */
static void
test_hostile(void **state)
{
	uint64_t before;
	int64_t ns;

	(void)state;
	/* A zero page before set-up: the fast path fails, the slow routes. */
	memset(&page, 0, sizeof(page));
	H.ready = 0;
	assert_int_equal(
	    tk__hands_fast(&page, 0, 1, fake_counter, &ns), -EAGAIN);
	assert_int_equal(tk__hands_slow(&H, 0, 1, &ns), -ENOSYS);
	/* An unknown state: routed at once. */
	page.hdr.state = 77;
	assert_int_equal(tk__hands_slow(&H, 0, 1, &ns), -EAGAIN);
	/* RUNNING with a generation stuck at 0 and junk everywhere. */
	memset(&page, 0xa5, sizeof(page));
	page.hdr.state = TK_HANDS_RUNNING;
	page.slot[0].gen = page.slot[1].gen = page.slot[2].gen =
	    page.slot[3].gen = 0;
	before = W.creads;
	assert_int_equal(
	    tk__hands_fast(&page, 0, 1, fake_counter, &ns), -EAGAIN);
	assert_int_equal(tk__hands_slow(&H, 0, 1, &ns), -EAGAIN);
	assert_true(W.creads - before <= 2 * TK_TH_READ_TRIES);
	/* The kernel failing while calibrating: its error is routed. */
	assert_int_equal(engine_setup(0), 0);
	W.kernel_fail = 1;
	assert_int_equal(tk__hands_nanotime(&H, 0, 1, &ns), -EIO);
	W.kernel_fail = 0;
	/* A counter of 1 GHz or less is refused at set-up. */
	W.f = 1.0;
	assert_int_equal(engine_setup(0), -ERANGE);
}

/* ---- threads ----------------------------------------------------------- */

/*
 * A counter shared by threads: a relaxed fetch-add (so it orders nothing
 * the engine does not order itself), 7 counts per read at 2.6 counts/ns.
 * The kernel is a function of the same counter, so every bracket holds.
 */
static _Atomic uint64_t mt_counter = 1000000000000ull;
static _Atomic uint64_t mt_shared;
static _Atomic uint64_t mt_reads;
/* cmocka's asserts may not fire in other threads: failures land here. */
static _Atomic int mt_bad;
static int64_t mt_bad_ns, mt_bad_seen;

static uint64_t
mt_ctr(int ordered)
{
	(void)ordered;
	return atomic_fetch_add_explicit(&mt_counter, 7, memory_order_relaxed);
}

static int
mt_kernel(clockid_t id, struct timespec *ts)
{
	uint64_t c =
	    atomic_fetch_add_explicit(&mt_counter, 7, memory_order_relaxed);
	int64_t ns = (int64_t)((double)c / 2.6);

	if (id == CLOCK_REALTIME)
		ns += 1000000000000000000ll;
	ts->tv_sec = (time_t)(ns / 1000000000);
	ts->tv_nsec = (long)(ns % 1000000000);
	return 0;
}

/*
 * Every 16th winder is "preempted" with the lock held: it yields until
 * the other threads have moved the fake counter on by 2.5 leases (or 20 ms
 * of real time passed, should they have stopped), so they take over.
 */
static _Atomic unsigned mt_helds;

static void
mt_held(void)
{
	uint64_t c0 = atomic_load_explicit(&mt_counter, memory_order_relaxed);
	struct timespec t0, t;

	if ((atomic_fetch_add(&mt_helds, 1) & 15) != 15)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		sched_yield();
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (atomic_load_explicit(&mt_counter, memory_order_relaxed) - c0 <
	        6500 &&
	    (t.tv_sec - t0.tv_sec) * 1000000000 + t.tv_nsec - t0.tv_nsec <
	        20000000);
}

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
	memset(&page, 0, sizeof(page));
	memset(&H, 0, sizeof(H));
	H.page = &page;
	H.counter = mt_ctr;
	H.kernel = mt_kernel;
	H.held = mt_held;
	tk__hands_defaults(&H);
	/* Windups every 2 us, leases of 1 us: races by the thousand. */
	H.interval_ns = 2000;
	H.interval_min_ns = 2000;
	H.recal_ns = 2000;
	H.cal_ns = 20000;
	H.lease_ns = 1000;
	assert_int_equal(tk__hands_setup(&H, NULL), 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(
		    pthread_create(&th[i], NULL, mt_reader, &n), 0);
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	if (atomic_load(&mt_bad))
		fail_msg("went back: %" PRId64 " after %" PRId64, mt_bad_ns,
		    mt_bad_seen);
	print_message("%" PRIu64 " reads: %" PRIu64 " windups, %" PRIu64
	              " take-overs, %" PRIu64 " lost\n",
	    (uint64_t)atomic_load(&mt_reads), page.stats.windups,
	    page.stats.steals, page.stats.lost);
	assert_true(page.stats.windups * 2000 > 4 * n);
	assert_true(page.stats.steals > 0);
	assert_int_equal(page.hdr.state, TK_HANDS_RUNNING);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_calibrate_and_track, setup),
		cmocka_unit_test_setup(test_realtime_step, setup),
		cmocka_unit_test_setup(test_backwards, setup),
		cmocka_unit_test_setup(test_stalls, setup),
		cmocka_unit_test_setup(test_wrap, setup),
		cmocka_unit_test_setup(test_frequency, setup),
		cmocka_unit_test_setup(test_ntp_slew, setup),
		cmocka_unit_test_setup(test_gaps, setup),
		cmocka_unit_test_setup(test_preempted_winder, setup),
		cmocka_unit_test_setup(test_disable, setup),
		cmocka_unit_test_setup(test_wiped, setup),
		cmocka_unit_test_setup(test_hostile, setup),
		cmocka_unit_test(test_threads_protocol),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
