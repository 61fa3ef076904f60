/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The FreeBSD timekeep reader against pages written live by the kernel
 * emulator (tests/support/fbsd_emu.c), which writes them as kern_tc.c and
 * kern_sharedpage.c do, from this machine's real counter:
 *
 *   agreement  at 1 kHz with the NTP-like discipline on, every read lies
 *		within 1 us of the emulator's own reference at counter values
 *		taken just before and after it; the emulated clocks follow
 *		the host's;
 *   stress	the writer flat out, two readers, 10^7 reads in total
 *		natively (scaled under sanitizers): no torn value (each read
 *		bracketed exactly by the reference, which a constant scale
 *		makes exact) and no step back within a thread;
 *   hostile	each hostile page the emulator can publish routes, within
 *		the retry bound, also with the writer running flat out;
 *   large delta  a slot left for more than a second of counts: the
 *		reader's and the kernel windup's split both stay exact.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fbsd_emu.h"
#include "source/fbsd_fast.h"
#include "source/freebsd.h"
#include "timehands.h"
#include "tk_test.h"

#define AGREE_NS 1000 /* 1 us */

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void
assert_bt_le(
    const struct tk_bintime *a, const struct tk_bintime *b, const char *what)
{
	if (tk_bintime_cmp(a, b) > 0) {
		print_error("%s: {%lld, %#llx} > {%lld, %#llx}\n", what,
		    (long long)a->sec, (unsigned long long)a->frac,
		    (long long)b->sec, (unsigned long long)b->frac);
		fail();
	}
}

static struct fbsd_emu *
emu_new(int discipline)
{
	struct fbsd_emu_config cfg = { .discipline = discipline };
	struct fbsd_emu *e = fbsd_emu_create(&cfg);

	assert_non_null(e);
	return e;
}

/* --- agreement ---------------------------------------------------------- */

static void
test_agreement(void **state)
{
	struct fbsd_emu *e = emu_new(1);
	const struct fbsd_vdso_timekeep *tk = fbsd_emu_page(e);
	unsigned i, n = (unsigned)tk_test_scale(200000);
	struct tk_bintime bt, fast;
	int64_t v, lo, hi, mono, real, prev = INT64_MIN;
	uint64_t c0, c1;
	int abs;

	(void)state;
	assert_int_equal(fbsd_emu_start(e, 1000), 0);
	sleep_ms(20);
	for (i = 0; i < n; i++) {
		abs = (int)(i & 1);
		c0 = fbsd_emu_counter();
		assert_int_equal(tk__fbsd_binuptime(tk, abs, &bt, NULL), 0);
		c1 = fbsd_emu_counter();
		v = tk_bintime_to_ns(&bt);
		lo = fbsd_emu_ref_ns(e, c0, abs);
		hi = fbsd_emu_ref_ns(e, c1, abs);
		assert_int64_le(lo - AGREE_NS, v);
		assert_int64_le(v, hi + AGREE_NS);
		if (!abs) {
			assert_int64_le(prev, v);
			prev = v;
			/* The last windup's uptime: never ahead of now. */
			assert_int_equal(
			    tk__fbsd_getnanouptime(tk, &fast, NULL), 0);
			c1 = fbsd_emu_counter();
			assert_int64_le(tk_bintime_to_ns(&fast),
			    fbsd_emu_ref_ns(e, c1, 0) + AGREE_NS);
		}
	}
	/* The emulated clocks follow the host's (uptime from MONOTONIC). */
	mono = tk_test_clock_ns(CLOCK_MONOTONIC);
	real = tk_test_clock_ns(CLOCK_REALTIME);
	assert_int_equal(tk__fbsd_binuptime(tk, 0, &bt, NULL), 0);
	v = tk_bintime_to_ns(&bt);
	assert_int64_le(mono - 5000000, v);
	assert_int64_le(v, mono + 5000000);
	assert_int_equal(tk__fbsd_binuptime(tk, 1, &bt, NULL), 0);
	v = tk_bintime_to_ns(&bt);
	assert_int64_le(real - 5000000, v);
	assert_int64_le(v, real + 5000000);
	assert_true(fbsd_emu_windups(e) > 1);
	fbsd_emu_destroy(e);
}

/* --- stress ------------------------------------------------------------- */

struct reader {
	struct fbsd_emu *e;
	uint64_t reads;
	uint64_t ok, routed, torn, back;
	struct tk_bintime bad_lo, bad_v, bad_hi;
};

/*
 * What tk_nanotime() does with the freebsd source: the fast tier, and on
 * -1 the hook's full read, which makes the front record again.
 */
static int
fbsd_ns(const struct fbsd_vdso_timekeep *tk, int abs, int64_t *ns)
{
	struct tk__fbsd_read rd;
	struct tk_bintime bt;
	int err;

	if (tk__fast_fbsd_ns(abs, 1, ns) == 0)
		return 0;
	err = tk__fbsd_read(tk, &rd, NULL);
	if (err != 0)
		return err;
	tk__fbsd_front_update(tk, &rd);
	tk__fbsd_read_bintime(&rd, abs, &bt);
	*ns = tk__fbsd_bintime_to_ns_sat(&bt);
	return 0;
}

/*
 * Odd reads go through the bintime reader, even ones through the ns form
 * (fbsd_ns(), what tk_nanotime() uses), the front record on for this page;
 * one in sixteen of each is realtime.  Each is checked against the
 * reference at the counter values read just before and after it, and the
 * uptime ones for order.
 */
static void *
reader_main(void *arg)
{
	struct reader *r = arg;
	const struct fbsd_vdso_timekeep *tk = fbsd_emu_page(r->e);
	struct tk_bintime bt, lo, hi, prev = { INT64_MIN, 0 };
	int64_t v, prev_ns = INT64_MIN;
	uint64_t i, c0, c1;
	int abs, bad;

	for (i = 0; i < r->reads; i++) {
		abs = (i & 31) >= 30;
		if (i & 1) {
			c0 = fbsd_emu_counter();
			if (tk__fbsd_binuptime(tk, abs, &bt, NULL) != 0) {
				r->routed++;
				continue;
			}
			c1 = fbsd_emu_counter();
			fbsd_emu_ref(r->e, c0, abs, &lo);
			fbsd_emu_ref(r->e, c1, abs, &hi);
			bad = tk_bintime_cmp(&lo, &bt) > 0 ||
			    tk_bintime_cmp(&bt, &hi) > 0;
			if (!abs && tk_bintime_cmp(&prev, &bt) > 0)
				r->back++;
			if (!abs)
				prev = bt;
		} else {
			c0 = fbsd_emu_counter();
			if (fbsd_ns(tk, abs, &v) != 0) {
				r->routed++;
				continue;
			}
			c1 = fbsd_emu_counter();
			fbsd_emu_ref(r->e, c0, abs, &lo);
			fbsd_emu_ref(r->e, c1, abs, &hi);
			bt.sec = v; /* for the report only */
			bt.frac = 0;
			bad = tk_bintime_to_ns(&lo) > v ||
			    v > tk_bintime_to_ns(&hi);
			if (!abs && prev_ns > v)
				r->back++;
			if (!abs)
				prev_ns = v;
		}
		if (bad && r->torn++ == 0) {
			r->bad_lo = lo;
			r->bad_v = bt;
			r->bad_hi = hi;
		}
		r->ok++;
	}
	return NULL;
}

static void
test_stress(void **state)
{
	enum { NREADERS = 2 };
	struct fbsd_emu *e = emu_new(0);
	struct reader r[NREADERS];
	pthread_t t[NREADERS];
	uint64_t total = tk_test_scale(11000000), ok = 0, routed = 0;
	uint64_t w0;
	int i;

	(void)state;
	tk__fbsd_front_on(fbsd_emu_page(e));
	assert_int_equal(fbsd_emu_start(e, 0), 0);
	w0 = fbsd_emu_windups(e);
	for (i = 0; i < NREADERS; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].e = e;
		r[i].reads = total / NREADERS;
		assert_int_equal(
		    pthread_create(&t[i], NULL, reader_main, &r[i]), 0);
	}
	for (i = 0; i < NREADERS; i++) {
		pthread_join(t[i], NULL);
		if (r[i].torn)
			print_error("reader %d: %llu torn; first {%lld, %#llx} "
			            "<= {%lld, %#llx} <= {%lld, %#llx} fails\n",
			    i, (unsigned long long)r[i].torn,
			    (long long)r[i].bad_lo.sec,
			    (unsigned long long)r[i].bad_lo.frac,
			    (long long)r[i].bad_v.sec,
			    (unsigned long long)r[i].bad_v.frac,
			    (long long)r[i].bad_hi.sec,
			    (unsigned long long)r[i].bad_hi.frac);
		assert_int_equal(r[i].torn, 0);
		assert_int_equal(r[i].back, 0);
		ok += r[i].ok;
		routed += r[i].routed;
	}
	fbsd_emu_stop(e);
	tk__fbsd_front_on(NULL);
	printf("[ INFO     ] %llu reads checked, %llu routed after %d "
	       "passes, %llu windups meanwhile\n",
	    (unsigned long long)ok, (unsigned long long)routed,
	    TK_TH_READ_TRIES, (unsigned long long)(fbsd_emu_windups(e) - w0));
	assert_true(ok > 0);
	assert_true(fbsd_emu_windups(e) - w0 > 100);
	fbsd_emu_destroy(e);
}

/* --- hostile pages ---------------------------------------------------- */

struct hostile_case {
	enum fbsd_emu_hostile h;
	int err;
	unsigned passes; /* of binuptime; 0: not checked exactly */
	int fast_ok; /* getnanouptime still serves */
};

static const struct hostile_case hostile[] = {
	{ FBSD_EMU_DISABLED, -ENOSYS, 1, 0 },
	{ FBSD_EMU_BAD_VERSION, -ENOSYS, 0, 0 },
	{ FBSD_EMU_BAD_ALGO, -ENOSYS, 1, 1 },
	{ FBSD_EMU_CURRENT_OOR, -ENOSYS, 1, 0 },
	{ FBSD_EMU_GEN_STUCK, -EAGAIN, TK_TH_READ_TRIES, 0 },
};

static void
test_hostile(void **state)
{
	struct fbsd_emu *e = emu_new(0);
	const struct fbsd_vdso_timekeep *tk = fbsd_emu_page(e);
	struct tk_bintime bt;
	struct timespec ts;
	unsigned passes, k;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		const struct hostile_case *c = &hostile[i];

		fbsd_emu_set_hostile(e, c->h);
		fbsd_emu_windup(e);
		for (k = 0; k < 100; k++) {
			passes = 999;
			assert_int_equal(
			    tk__fbsd_binuptime(tk, (int)(k & 1), &bt, &passes),
			    c->err);
			assert_int_equal(passes, c->passes);
			assert_int_equal(tk__fbsd_clock_gettime(
			                     tk, FBSD_CLOCK_MONOTONIC, &ts),
			    c->err);
			passes = 999;
			assert_int_equal(
			    tk__fbsd_getnanouptime(tk, &bt, &passes),
			    c->fast_ok ? 0 : c->err);
			assert_true(passes <= TK_TH_READ_TRIES);
		}
		/* Sane again from the next windup. */
		fbsd_emu_set_hostile(e, FBSD_EMU_SANE);
		fbsd_emu_windup(e);
		assert_int_equal(tk__fbsd_binuptime(tk, 0, &bt, &passes), 0);
		assert_int_equal(passes, 1);
	}

	/*
	 * A live writer publishing only stuck generations: every read ends
	 * after exactly the bound, never hangs.
	 */
	fbsd_emu_set_hostile(e, FBSD_EMU_GEN_STUCK);
	fbsd_emu_windup(e);
	assert_int_equal(fbsd_emu_start(e, 0), 0);
	for (k = 0; k < tk_test_scale(100000); k++) {
		passes = 0;
		assert_int_equal(
		    tk__fbsd_binuptime(tk, 0, &bt, &passes), -EAGAIN);
		assert_int_equal(passes, TK_TH_READ_TRIES);
	}
	fbsd_emu_stop(e);
	fbsd_emu_destroy(e);
}

/* --- large delta ------------------------------------------------------- */

static void
test_large_delta(void **state)
{
	struct fbsd_emu *e = emu_new(0);
	const struct fbsd_vdso_timekeep *tk = fbsd_emu_page(e);
	struct tk_bintime bt, lo, hi, before, after;
	uint64_t c, c0, c1;

	(void)state;
	fbsd_emu_windup(e);
	/* Longer than one second of counts, shorter than a 32-bit wrap. */
	sleep_ms(1300);
	c0 = fbsd_emu_counter();
	assert_int_equal(tk__fbsd_binuptime(tk, 0, &bt, NULL), 0);
	c1 = fbsd_emu_counter();
	fbsd_emu_ref(e, c0, 0, &lo);
	fbsd_emu_ref(e, c1, 0, &hi);
	assert_bt_le(&lo, &bt, "reader low");
	assert_bt_le(&bt, &hi, "reader high");

	/* The windup's split gives the same line as 128-bit arithmetic. */
	c = fbsd_emu_counter();
	fbsd_emu_ref(e, c, 0, &before);
	fbsd_emu_windup(e);
	fbsd_emu_ref(e, c, 0, &after);
	assert_int64_equal(before.sec, after.sec);
	assert_uint64_equal(before.frac, after.frac);
	fbsd_emu_destroy(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agreement),
		cmocka_unit_test(test_stress),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_large_delta),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
