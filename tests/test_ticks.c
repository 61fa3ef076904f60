/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tick conversion in the engine (src/hands/hands_ticks.c) on a private
 * page over a fake counter and kernel, as tests/test_hands.c drives the
 * engine, so that what no machine does on demand happens here: a winder
 * stopped at each named point while readers answer, readers that come
 * every 20 ms (gaps between hands), a history that wraps, a counter that
 * jumps back, a kernel that turns slow (the engine disables), fork's wipe.
 *
 * The world is test_hands.c's: true time advances `step` ns at every
 * counter or kernel read; the counter runs at f counts per ns, the kernel
 * at kr ns per ns.  A sample is a tick a, a read v and a tick b, in that
 * order, and the sandwich is conv(a) <= v <= conv(b).  It must hold
 * exactly for every tick converted TK_TICKS_EXACT; for EXTRAPOLATED ticks
 * (taken in a gap, or while a windup was publishing) it holds exactly when
 * the windup went as planned, and within the windup's length when a
 * stopped winder's closing was taken over (docs/ticks.md).
 */
#include <errno.h>
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
#include "hands_test.h"
#include "ticks.h"
#include "tk_test.h"

struct world {
	double c, k, r_off, f, kr, step, kernel_cost;
	uint64_t offset;
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
	return (uint64_t)W.c + W.offset;
}

static int
fake_kernel(clockid_t id, struct timespec *ts)
{
	int64_t ns;

	world_advance(W.step + W.kernel_cost / 2);
	ns = (int64_t)W.k;
	world_advance(W.kernel_cost / 2);
	if (id == CLOCK_REALTIME)
		ns += (int64_t)W.r_off;
	ts->tv_sec = (time_t)(ns / 1000000000);
	ts->tv_nsec = (long)(ns % 1000000000);
	return 0;
}

/* A 2.6 GHz counter at 10^12, a kernel at 1000 s, 10 ns per read. */
static int
setup(void **state)
{
	(void)state;
	memset(&W, 0, sizeof(W));
	W.c = 1e12;
	W.k = 1e12;
	W.r_off = 1.7e18;
	W.f = 2.6;
	W.kr = 1.0;
	W.step = 10;
	memset(&page, 0, sizeof(page));
	memset(&memo, 0, sizeof(memo));
	memset(&H, 0, sizeof(H));
	H.page = &page;
	H.memo = &memo;
	H.counter = fake_counter;
	H.kernel = fake_kernel;
	tk__hands_defaults(&H);
	assert_int_equal(tk__hands_setup(&H), 0);
	return 0;
}

static int64_t
rd(void)
{
	int64_t ns;

	assert_int_equal(tk__hands_nanotime(&H, 0, 1, &ns), 0);
	return ns;
}

/* A read every gap ns for total ns of world time. */
static void
run(double gap, double total)
{
	double t;

	for (t = 0; t < total; t += gap) {
		world_advance(gap);
		(void)rd();
	}
}

static int
conv(uint64_t t, int64_t *m)
{
	int64_t r;
	int st = tk__hands_ticks_to_ns(&H, t, m, &r);

	assert_true(st >= 0);
	return st;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t
rnd64(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

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
	s->v = rd();
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
	int sa = conv(s->a, &ma), sb = conv(s->b, &mb);

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
	run(1000, 1.2e9);
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
	run(1000, 1.2e9);
	for (longer = 0; longer < 2; longer++) {
		for (p = TK_HANDS_AT_CLOSED; p <= TK_HANDS_AT_FRONT; p++) {
			stop_at = p;
			stop_hits = 0;
			stop_reads = longer ? 40 : 5;
			H.pause = stop_pause;
			run(1000, TK_HANDS_INTERVAL_NS); /* one windup */
			H.pause = NULL;
			assert_true(stop_hits >= 1);
			take(&around[0]);
			run(1000, 1e6);
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

/* ---- CLAMPED ------------------------------------------------------------ */

/*
 * Before the first hands: clamped, at once and later (to where the first
 * hands start, at most what any tick of theirs gives); a tick from the
 * future: clamped to now.
 */
static void
test_clamped(void **state)
{
	int64_t m0, m1, m2, v;
	uint64_t t0, t1;

	(void)state;
	world_advance(20000);
	t0 = fake_counter(1);
	assert_int_equal(conv(t0, &m0), TK_TICKS_CLAMPED);
	assert_int_equal(hands_test_state(&page), 0);
	run(1000, 2e6);
	assert_int_equal(hands_test_state(&page), 1);
	assert_int_equal(conv(t0, &m1), TK_TICKS_CLAMPED);
	t1 = fake_counter(1);
	assert_int_equal(conv(t1, &m2), TK_TICKS_EXACT);
	assert_int64_le(m0, m1);
	assert_int64_le(m1, m2);
	/* From the future: one second ahead. */
	t1 = fake_counter(1) + 2600000000u;
	assert_int_equal(conv(t1, &m1), TK_TICKS_CLAMPED);
	v = rd();
	assert_int64_le(m1, v);
	assert_int64_le(v - m1, 1000);
}

/*
 * The counter goes back (a reset): ticks from before it are clamped,
 * whether they now lie before the new epoch or in the future.
 */
static void
test_counter_reset(void **state)
{
	uint64_t early, late, fresh;
	int64_t m, m2;

	(void)state;
	run(1000, 1.2e9);
	early = fake_counter(1); /* will lie before the new epoch */
	run(1000, 5e8);
	late = fake_counter(1); /* will lie in the future */
	assert_int_equal(conv(early, &m), TK_TICKS_EXACT);
	W.c -= 2.6e9 * 0.3; /* back 0.3 s worth of counts */
	run(1000, 2e6);
	assert_true(page.stats.resets >= 1);
	fresh = fake_counter(1);
	assert_true(early < fresh && fresh < late);
	assert_int_equal(conv(fresh, &m2), TK_TICKS_EXACT);
	assert_int_equal(conv(early, &m), TK_TICKS_CLAMPED);
	assert_int64_le(m, m2);
	assert_int_equal(conv(late, &m), TK_TICKS_CLAMPED);
}

/* ---- EXTRAPOLATED ------------------------------------------------------- */

/*
 * Hands of 10 ms and gaps between them.  A tick past the hands, converted
 * at once, winds them (as a read would) and so lands in a gap: it converts
 * the same later.  Ticks in gaps nobody read in convert later.  Either
 * way EXTRAPOLATED, close to the kernel's time for them, and in order.
 */
static void
test_gaps(void **state)
{
	uint64_t t[200];
	int64_t k[200], at_once[200], m, prev = INT64_MIN, worst = 0;
	int i, st;

	(void)state;
	run(1000, 1.2e9);
	for (i = 0; i < 200; i++) {
		world_advance(i % 2 ? 1.2e7 : 1.5e7);
		t[i] = fake_counter(1);
		k[i] = (int64_t)W.k;
		if (i % 2 == 0) {
			st = conv(t[i], &at_once[i]);
			assert_int_equal(st, TK_TICKS_EXTRAPOLATED);
		} else {
			world_advance(3e6);
			(void)rd();
		}
	}
	for (i = 0; i < 200; i++) {
		st = conv(t[i], &m);
		if (i % 2 == 0)
			assert_int64_equal(m, at_once[i]);
		assert_int_equal(st, TK_TICKS_EXTRAPOLATED);
		assert_int64_le(prev, m);
		prev = m;
		if (llabs(m - k[i]) > worst)
			worst = llabs(m - k[i]);
	}
	print_message("ticks in gaps of 2-15 ms: at most %" PRId64
	              " ns off the kernel\n",
	    worst);
	assert_int64_le(worst, 200);
}

/*
 * The history wraps: 512 entries of 10 ms hold the last ~5 s.  A tick
 * older than that is carried back from the oldest kept hands; the
 * history's length, after start-up, is what docs/ticks.md states.
 */
static void
test_history_wrap(void **state)
{
	uint64_t old_t, kept_t, w0;
	int64_t old_k, m, hist[4];
	int i;

	(void)state;
	w0 = page.stats.windups;
	run(1000, 3e5); /* the first hands */
	for (i = 0; i < 4; i++) {
		run(10000,
		    i == 0       ? 1e8
		        : i == 1 ? 9e8
		        : i == 2 ? 1.5e9
		                 : 2.5e9);
		hist[i] = tk__hands_history_ns(&H);
	}
	print_message("history after 0.1, 1, 2.5, 5 s: %.3f %.3f %.3f %.3f s "
	              "(%" PRIu64 " windups)\n",
	    (double)hist[0] / 1e9, (double)hist[1] / 1e9, (double)hist[2] / 1e9,
	    (double)hist[3] / 1e9, page.stats.windups - w0);
	old_t = fake_counter(1);
	old_k = (int64_t)W.k;
	run(10000, 2e9);
	kept_t = fake_counter(1);
	run(10000, 4e9);
	hist[0] = tk__hands_history_ns(&H);
	print_message("history after 11 s: %.3f s\n", (double)hist[0] / 1e9);
	assert_true(hist[0] > 4900000000ll && hist[0] < 5200000000ll);
	assert_int_equal(conv(kept_t, &m), TK_TICKS_EXACT);
	assert_int_equal(conv(old_t, &m), TK_TICKS_EXTRAPOLATED);
	print_message("a tick 6 s old, past the history: %" PRId64
	              " ns off the kernel\n",
	    m - old_k);
	/* The documented bound: 500 ppm of the distance past the oldest. */
	assert_int64_le(llabs(m - old_k), 1000 + (int64_t)(1e9 * 500e-6));
}

/* A tick converts the same at once and 1 ms, 100 ms, 900 ms later. */
static void
test_later_same(void **state)
{
	static const double later_ms[] = { 1, 100, 900 };
	int64_t m0, m;
	uint64_t t;
	size_t i;
	int k;

	(void)state;
	run(1000, 1.2e9);
	for (k = 0; k < 20; k++) {
		world_advance(k * 777);
		t = fake_counter(1);
		assert_true(conv(t, &m0) != TK_TICKS_CLAMPED);
		for (i = 0; i < 3; i++) {
			run(100000, later_ms[i] * 1e6);
			assert_true(conv(t, &m) != TK_TICKS_CLAMPED);
			assert_int64_equal(m, m0);
		}
	}
}

/*
 * 10^7 random pairs of ticks a <= b drawn across 3 s of 10 ms hands (300
 * windups, gaps from readers that paused 15 ms now and then): conv(a) <=
 * conv(b), every one.
 */
static void
test_monotone_pairs(void **state)
{
	uint64_t lo, hi, a, b, x, i, n = tk_test_scale(10000000), w0;
	int64_t ma, mb;

	(void)state;
	lo = fake_counter(1);
	run(1000, 1e6); /* ticks before the first hands too */
	w0 = page.stats.windups;
	for (i = 0; i < 30; i++) {
		run(10000, 1e8);
		world_advance(1.5e7);
	}
	hi = fake_counter(1);
	(void)rd();
	assert_true(page.stats.windups - w0 >= 100);
	for (i = 0; i < n; i++) {
		a = lo + rnd64() % (hi - lo);
		b = lo + rnd64() % (hi - lo);
		if (a > b) {
			x = a;
			a = b;
			b = x;
		}
		conv(a, &ma);
		conv(b, &mb);
		if (ma > mb)
			fail_msg("conv(%" PRIu64 ") = %" PRId64
			         " > conv(%" PRIu64 ") = %" PRId64,
			    a, ma, b, mb);
	}
	print_message("%" PRIu64 " pairs across %" PRIu64 " windups\n", n,
	    page.stats.windups - w0);
}

/*
 * The kernel turns slow and the engine disables: ticks from before still
 * convert from the history; later ones are clamped, never below.
 */
static void
test_disabled(void **state)
{
	int64_t m0, m, m2;
	uint64_t t;

	(void)state;
	run(1000, 1.2e9);
	t = fake_counter(1);
	assert_int_equal(conv(t, &m0), TK_TICKS_EXACT);
	W.kernel_cost = 400;
	run(1000, 1.2e9);
	assert_int_equal(hands_test_state(&page), 2);
	assert_int_equal(conv(t, &m), TK_TICKS_EXACT);
	assert_int64_equal(m, m0);
	assert_int_equal(conv(fake_counter(1), &m2), TK_TICKS_CLAMPED);
	assert_int64_le(m0, m2);
	assert_int64_le(m2, page.hdr.final_ns);
}

/*
 * Fork's wipe (MADV_WIPEONFORK): the history is gone; a conversion sets
 * the page up again (hands at once, from the rate memo); ticks from before
 * are clamped, new ones exact.
 */
static void
test_wiped(void **state)
{
	int64_t m, m2;
	uint64_t t;

	(void)state;
	run(1000, 1.2e9);
	t = fake_counter(1);
	memset(&page, 0, sizeof(page));
	world_advance(1000);
	assert_int_equal(conv(t, &m), TK_TICKS_CLAMPED);
	assert_int_equal(hands_test_state(&page), 1);
	world_advance(1000);
	assert_int_equal(conv(fake_counter(1), &m2), TK_TICKS_EXACT);
	assert_int64_le(m, m2);
}

/* ---- the record --------------------------------------------------------- */

/*
 * The record this engine writes converts every tick of its run as the
 * process does: the same value, realtime and status.
 */
static void
test_record_matches(void **state)
{
	static unsigned char
	    rec[TK_TIMEBASE_HDR + TK_HANDS_NHIST * TK_TIMEBASE_SEG];
	static uint64_t t[4000];
	int64_t m1, r1, m2, r2;
	long len;
	int i, st1, st2, n[3] = { 0, 0, 0 };

	(void)state;
	world_advance(5000);
	for (i = 0; i < 4000; i++) {
		world_advance(i % 100 == 99 ? 1.5e7 : 1000.0 * (rand() % 1000));
		t[i] = fake_counter(1);
		if (i % 3)
			(void)rd();
	}
	(void)rd();
	assert_int_equal(
	    tk__hands_timebase(&H, NULL, 0, "fake"), (long)sizeof(rec));
	len = tk__hands_timebase(&H, rec, sizeof(rec), "fake");
	assert_true(len > (long)TK_TIMEBASE_HDR);
	for (i = 0; i < 4000; i++) {
		st1 = tk__hands_ticks_to_ns(&H, t[i], &m1, &r1);
		st2 = tk_timebase_convert(rec, (size_t)len, t[i], &m2, &r2);
		assert_int_equal(st1, st2);
		assert_int64_equal(m1, m2);
		assert_int64_equal(r1, r2);
		n[st1]++;
	}
	print_message("record of %ld bytes: %d exact, %d extrapolated, %d "
	              "clamped, all as in the process\n",
	    len, n[0], n[1], n[2]);
	assert_true(n[0] > 0 && n[1] > 0 && n[2] > 0);
	assert_int_equal(tk__hands_timebase(&H, rec, 100, "fake"), -ENOSPC);
}

/* ---- threads ------------------------------------------------------------ */

/*
 * The racing world of test_hands.c's last test: a lock-free counter, 7
 * counts a read, a kernel that is a function of it, windups every 2 us,
 * closings stale after 1 us, every 16th windup stopped at one of its
 * points.  Each thread takes samples and converts them at once: the
 * sandwich holds for every EXACT tick.
 */
static _Atomic uint64_t mt_counter = 1000000000000ull;
static _Atomic int mt_bad;
static _Atomic uint64_t mt_n[3], mt_loose;
static _Atomic unsigned mt_pauses;
static int64_t mt_bad_v, mt_bad_m;

static uint64_t
mt_ctr(int ordered)
{
	(void)ordered;
	return atomic_fetch_add_explicit(&mt_counter, 7, memory_order_relaxed);
}

static int
mt_kernel(clockid_t id, struct timespec *ts)
{
	uint64_t c = mt_ctr(1);
	int64_t ns = (int64_t)((double)c / 2.6);

	if (id == CLOCK_REALTIME)
		ns += 1000000000000000000ll;
	ts->tv_sec = (time_t)(ns / 1000000000);
	ts->tv_nsec = (long)(ns % 1000000000);
	return 0;
}

static void
mt_pause(struct tk__hands *h, enum tk__hands_point where)
{
	uint64_t c0 = atomic_load_explicit(&mt_counter, memory_order_relaxed);
	int spins = 0;

	(void)h;
	if ((atomic_fetch_add(&mt_pauses, 1) & 15) != (unsigned)where)
		return;
	while (atomic_load_explicit(&mt_counter, memory_order_relaxed) - c0 <
	        6500 &&
	    spins++ < 20000)
		sched_yield();
}

static void *
mt_thread(void *arg)
{
	uint64_t n = *(const uint64_t *)arg, i, a, b;
	int64_t v, ma, mb, r;
	int sa, sb;

	for (i = 0; i < n && !atomic_load(&mt_bad); i++) {
		a = mt_ctr(1);
		if (tk__hands_nanotime(&H, 0, 1, &v) != 0)
			continue;
		b = mt_ctr(1);
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
	memset(&page, 0, sizeof(page));
	memset(&H, 0, sizeof(H));
	H.page = &page;
	H.counter = mt_ctr;
	H.kernel = mt_kernel;
	H.pause = mt_pause;
	tk__hands_defaults(&H);
	H.interval_ns = H.interval_min_ns = H.recal_ns = 2000;
	H.cal_ns = 20000;
	H.close_ns = 1000;
	assert_int_equal(tk__hands_setup(&H), 0);
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
		cmocka_unit_test_setup(test_exact_steady, setup),
		cmocka_unit_test_setup(test_stopped_winder, setup),
		cmocka_unit_test_setup(test_clamped, setup),
		cmocka_unit_test_setup(test_counter_reset, setup),
		cmocka_unit_test_setup(test_gaps, setup),
		cmocka_unit_test_setup(test_history_wrap, setup),
		cmocka_unit_test_setup(test_later_same, setup),
		cmocka_unit_test_setup(test_monotone_pairs, setup),
		cmocka_unit_test_setup(test_disabled, setup),
		cmocka_unit_test_setup(test_wiped, setup),
		cmocka_unit_test_setup(test_record_matches, setup),
		cmocka_unit_test(test_threads),
	};

	srand(1);
	return TK_TEST_RUN(tests, NULL, NULL);
}
