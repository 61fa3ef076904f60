/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The windup engine (src/hands/) on private pages over a fake counter and
 * a fake kernel clock, so that what no real machine does on demand can be
 * done here: a counter that jumps back, stalls, wraps past 2^64, changes
 * frequency or leaps hours ahead; a kernel clock that stalls, is slewed by
 * "NTP", turns slow (the clocksource left the TSC) or has its realtime
 * offset stepped; readers that come every few ms or seconds; a winder
 * stopped, or abandoned by a longjmp, at each named point of a windup.
 * Through all of it: never backwards, every windup starting at or above
 * the bound of the hands it replaces (exactly at continuity when the kind
 * says so), the rate within the slew bound, and back to accuracy after.
 * The last test races real threads over a lock-free fake counter with
 * tiny intervals and closings, so windups, reopened closings and lost
 * publications happen by the thousand (and under TSan).
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
#include <setjmp.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "atomic.h"
#include "hands/hands.h"
#include "hands/hands_plan.h"
#include "hands_test.h"
#include "tk_test.h"

struct world {
	double c; /* counter, fractional counts */
	uint64_t offset; /* added to the counter, mod 2^64 */
	double k; /* kernel CLOCK_MONOTONIC ns */
	double r_off; /* CLOCK_REALTIME - CLOCK_MONOTONIC */
	double f; /* counts per true ns */
	double kr; /* kernel ns per true ns */
	double step; /* true ns per read */
	double kernel_cost; /* extra true ns a kernel read takes */
	int kernel_fail; /* the kernel returns -EIO */
	uint64_t creads; /* counter reads */
};

static struct world W;
static struct tk__hands_page page;
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

static int first_check_result;

static int
fake_first_check(void)
{
	return first_check_result;
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
	uint64_t seq; /* the 64-bit seq of the hands seen last */
	struct tk__hands_hot hot; /* those hands */
	uint64_t windups; /* windups observed */
};

/*
 * Checks after each read: the answer never goes back; when new hands were
 * published right after the ones seen last, they start at or above those
 * ones' floor, exactly at continuity for a SLEW windup, and their rate is
 * within the slew of the measured kernel rate (50% for a SLOW one).
 */
static void
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

static int64_t
rd(struct watch *wt, int clock)
{
	int64_t ns;

	assert_int_equal(tk__hands_nanotime(&H, clock, 1, &ns), 0);
	if (!clock)
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
	/* The first 250 us are kernel answers. */
	worst = run(&wt, 1000, 2e5, 0);
	assert_int64_le(worst, 20);
	assert_int_equal(hands_test_state(&page), 0);
	worst = run(&wt, 1000, 2e9, 0);
	assert_int_equal(hands_test_state(&page), 1);
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

/*
 * Readers that come every few ms, or seconds, while NTP changes the
 * kernel's rate under them: every read as close as in a tight loop.  The
 * old engine carried its slew past the hands' end and, for a reader every
 * 20-50 ms, settled microseconds off.
 */
static void
test_periodic(void **state)
{
	static const double gaps_ms[] = { 2, 5, 10, 15, 20, 25, 50, 100, 1000 };
	struct watch wt = { 0 };
	int64_t worst;
	size_t i;

	(void)state;
	run(&wt, 1000, 1e9, 0);
	for (i = 0; i < sizeof(gaps_ms) / sizeof(gaps_ms[0]); i++) {
		/* NTP moves the rate; the estimate follows within a second. */
		W.kr = i % 2 ? 1 + 80e-6 : 1 - 60e-6;
		run(&wt, 1e6, 2e9, 0);
		worst = run(&wt, gaps_ms[i] * 1e6, gaps_ms[i] * 1e6 * 60, 0);
		print_message("a read every %g ms: max |error| %" PRId64
		              " ns\n",
		    gaps_ms[i], worst);
		assert_int64_le(worst, 100);
	}
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
	/* Not an hour ahead: at most the interval (the hands' floor). */
	assert_int64_le(err_now(ns), TK_HANDS_INTERVAL_NS + 1000);
	assert_int64_le(run(&wt, 1000, 2e9, 1e9), 100);
}

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

/*
 * The kernel read turns slow (the kernel left the TSC for a clocksource it
 * reads with a system call): disabled after a second of it, never below
 * the floor, and the fast path fails from then on.
 */
static void
test_disable(void **state)
{
	struct watch wt = { 0 };
	int64_t ns, floor_;

	(void)state;
	run(&wt, 1000, 1e9, 0);
	W.kernel_cost = 400; /* a system call's worth */
	run(&wt, 1000, 1.2e9, 0);
	assert_int_equal(hands_test_state(&page), 2);
	assert_int_equal(page.stats.disables, 1);
	floor_ = page.hdr.final_ns;
	ns = rd(&wt, 0);
	assert_int64_le(floor_, ns);
	assert_int64_le(iabs(err_now(ns)), 10 * TK_HANDS_INTERVAL_NS);
	assert_int_equal(
	    tk__hands_front_ns(&page, 0, 1, fake_counter, &ns), -1);
	W.kernel_cost = 0;
	run(&wt, 1000, 1e8, 0);
	assert_int_equal(hands_test_state(&page), 2);
}

/*
 * The first windup's checks fail, or the counter runs at 1 GHz: no hands
 * were ever published, so the engine hands the reads over (-ENOSYS routes
 * them to the next source), having answered nothing ahead of the kernel.
 */
static void
unfit(void)
{
	struct watch wt = { 0 };
	const char *why;
	int64_t ns = 0, k;
	int i, err = 0;

	for (i = 0; i < 1000 && err == 0; i++) {
		world_advance(1000);
		err = tk__hands_nanotime(&H, 0, 1, &ns);
		if (err == 0) {
			watch_check(&wt, ns);
			assert_int64_le(iabs(err_now(ns)), 30);
		}
	}
	assert_int_equal(err, -ENOSYS);
	assert_int_equal(hands_test_state(&page), 2);
	assert_int_equal(tk__hands_status(&H, &why), 3);
	/* Nothing answered ran ahead of the kernel's clock. */
	k = (int64_t)W.k;
	assert_int64_le(wt.last, k);
	assert_int64_le(page.hdr.final_ns, k);
}

static void
test_unfit(void **state)
{
	(void)state;
	first_check_result = -ENODEV;
	unfit();
	world_reset();
	W.f = 1.0;
	assert_int_equal(engine_setup(0), 0);
	unfit();
}

/*
 * A page wiped by fork: set up again; with the rate memo, hands at the
 * first windup; without it, a new calibration.
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
	ns = rd(&wt, 0);
	assert_int_equal(hands_test_state(&page), 1);
	assert_int64_le(iabs(err_now(ns)), 30);
	assert_int64_le(run(&wt, 1000, 1e8, 0), 30);
	/* No memo: calibrating again, answers from the kernel meanwhile. */
	H.memo = NULL;
	memset(&page, 0, sizeof(page));
	ns = rd(&wt, 0);
	assert_int_equal(hands_test_state(&page), 0);
	assert_int64_le(iabs(err_now(ns)), 30);
	assert_int64_le(run(&wt, 1000, 1e8, 0), 30);
	assert_int_equal(hands_test_state(&page), 1);
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
	    tk__hands_front_ns(&page, 0, 1, fake_counter, &ns), -1);
	assert_int_equal(tk__hands_slow(&H, 0, 1, &ns), -ENOSYS);
	/* An unknown state: routed at once. */
	page.hdr.state = 77;
	assert_int_equal(tk__hands_slow(&H, 0, 1, &ns), -ENOSYS);
	/* READY with junk everywhere and every slot odd: bounded. */
	memset(&page, 0xa5, sizeof(page));
	page.hdr.state = TK_HANDS_READY;
	before = W.creads;
	assert_int_equal(
	    tk__hands_front_ns(&page, 0, 1, fake_counter, &ns), -1);
	assert_int_equal(tk__hands_slow(&H, 0, 1, &ns), -EAGAIN);
	assert_true(W.creads - before <= 2 * TK_TH_READ_TRIES);
	/* The kernel failing while calibrating: its error is routed. */
	assert_int_equal(engine_setup(0), 0);
	W.kernel_fail = 1;
	assert_int_equal(tk__hands_nanotime(&H, 0, 1, &ns), -EIO);
	W.kernel_fail = 0;
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
 * Every 16th windup stops at one of its points: it yields until the other
 * threads have moved the fake counter on by 2.5 closings (or 20 ms of real
 * time passed, should they have stopped), so they reopen its word.
 */
static _Atomic unsigned mt_pauses;

static void
mt_pause(struct tk__hands *h, enum tk__hands_point where)
{
	uint64_t c0 = atomic_load_explicit(&mt_counter, memory_order_relaxed);
	struct timespec t0, t;

	(void)h;
	if ((atomic_fetch_add(&mt_pauses, 1) & 15) != (unsigned)where)
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
	H.pause = mt_pause;
	tk__hands_defaults(&H);
	/* Windups every 2 us, closings stale after 1 us: races galore. */
	H.interval_ns = 2000;
	H.interval_min_ns = 2000;
	H.recal_ns = 2000;
	H.cal_ns = 20000;
	H.close_ns = 1000;
	assert_int_equal(tk__hands_setup(&H), 0);
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
		cmocka_unit_test_setup(test_calibrate_and_track, setup),
		cmocka_unit_test_setup(test_realtime_step, setup),
		cmocka_unit_test_setup(test_backwards, setup),
		cmocka_unit_test_setup(test_stalls, setup),
		cmocka_unit_test_setup(test_wrap, setup),
		cmocka_unit_test_setup(test_frequency, setup),
		cmocka_unit_test_setup(test_ntp_slew, setup),
		cmocka_unit_test_setup(test_periodic, setup),
		cmocka_unit_test_setup(test_gaps, setup),
		cmocka_unit_test_setup(test_stopped_winder, setup),
		cmocka_unit_test_setup(test_abandoned_winder, setup),
		cmocka_unit_test_setup(test_disable, setup),
		cmocka_unit_test_setup(test_unfit, setup),
		cmocka_unit_test_setup(test_wiped, setup),
		cmocka_unit_test_setup(test_hostile, setup),
		cmocka_unit_test(test_threads_protocol),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
