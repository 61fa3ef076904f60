/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fbclock provider against segments written by an independent writer
 * (tests/support/tt_fbclock.c, fbclock_clockdata_store_data_v2):
 *
 *   arith	the window and UTC on fixed segments: error bound, holdover
 *		growth from ingress, the coefficient, TAI - 37 s, the leap
 *		smear window covering both offsets;
 *   race	the writer flat out (clockId CLOCK_REALTIME), each update
 *		anchored at a sysclock time up to 0.5 s back, its PHC time off
 *		the writer's truth (TAI = CLOCK_REALTIME + 37 s) by up to
 *		100 us and its window just wide enough; a torn copy (one
 *		update's PHC time with another's sysclock time) is off by up
 *		to 0.5 s.  Readers check every interval holds truth (within
 *		DELTA of CLOCK_REALTIME) and latest's steps;
 *   race_cache	the same with 20 us asleep between updates and the
 *		library's cache refills slowed down (a test hook): most
 *		reads served from the cache, many while it is refilled;
 *   raw	a live segment on CLOCK_MONOTONIC_RAW;
 *   hostile	each corrupt field, published with a new seq, stale and
 *		future sysclock stamps, and bad files (sizes 63, 65, 0; 128,
 *		the two-section form, is read); a field changed without a
 *		new seq is seen at the next publication.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "truetime/tt.h"
#include "tk_test.h"
#include "tt_race.h"
#include "tt_writers.h"

#define TAI_UTC 37000000000LL
#define DELTA_NS 1000000 /* truth: CLOCK_REALTIME within 1 ms */
#define ERR_MAX_NS 100000
#define MARGIN_MIN 1000
#define MARGIN_MAX 5000

static char seg_path[128];
static void *seg;
static char env[200];

static int64_t
wall_ns(void)
{
	int64_t s;
	int32_t ns;

	tk_walltime(&s, &ns);
	return s * 1000000000 + ns;
}

static int
setup(void **state)
{
	(void)state;
	memset(&tk__tt_hooks, 0, sizeof(tk__tt_hooks));
	seg = tt_shm_create(TT_FB_SIZE, seg_path, sizeof(seg_path));
	assert_non_null(seg);
	snprintf(env, sizeof(env), "fbclock:%s", seg_path);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tt_force("none");
	tt_shm_destroy(seg, TT_FB_SIZE, seg_path);
	return 0;
}

/* A segment anchored now on CLOCK_REALTIME, exact, 10 us, 1 ppm. */
static struct tt_fb_data
good(void)
{
	int64_t r = wall_ns();
	struct tt_fb_data d = {
		.ingress_time_ns = r + TAI_UTC - 1000000,
		.error_bound_ns = 10000,
		.holdover_multiplier_ns = 1000 * 65536,
		.clock_id = 0,
		.phc_time_ns = r + TAI_UTC,
		.sysclock_time_ns = r,
	};

	return d;
}

static void
fresh(void)
{
	struct tt_fb_data d = good();

	memset(seg, 0, TT_FB_SIZE);
	tt_fb_write(seg, &d);
	tt_force(env);
}

static int
read_status(int n, struct tk_truetime *tt)
{
	for (int i = 0; i < n; i++) {
		int64_t t0 = tk_nanotime();

		assert_int_equal(tk_truetime(tt), 0);
		assert_int64_le(tk_nanotime() - t0, tk_test_hang_ns(2000000));
	}
	return tt->status;
}

/* ---- arithmetic ---- */

static void
eval(const struct tt_fb_data *d, int64_t sys, struct tk_truetime *tt)
{
	static _Alignas(64) unsigned char buf[TT_FB_SIZE];

	memset(buf, 0, sizeof(buf));
	tt_fb_write(buf, d);
	tk__tt_fb_eval(buf, sizeof(buf), sys, tt);
}

/*
 * v within [lo, lo + slack]: the reader's roundings (FB_EB in
 * src/truetime/tt_fbclock.c) only ever widen the window, by a few ns.
 */
#define FB_SLACK 8
static void
assert_wider(int64_t v, int64_t lo)
{
	assert_int64_le(lo, v);
	assert_int64_le(v, lo + FB_SLACK);
}

static void
test_arith(void **state)
{
	const int64_t tai = 1700000000LL * 1000000000 + TAI_UTC;
	struct tt_fb_data d = {
		.ingress_time_ns = tai - 2000000000LL, /* 2 s before */
		.error_bound_ns = 5000,
		.holdover_multiplier_ns = 3000 * 65536, /* 3 us/s */
		.clock_id = 0,
		.phc_time_ns = tai,
		.sysclock_time_ns = 1000,
		.coef_ppb = 100000, /* PHC 100 ppm faster than sysclock */
	};
	struct tk_truetime tt;
	int64_t phc;

	(void)state;
	/* 0.5 s later on the sysclock: PHC + 0.5 s + 50 us */
	eval(&d, 1000 + 500000000, &tt);
	phc = tai + 500000000 + 50000;
	assert_int_equal(tt.status, TK_TRUETIME_SYNCHRONIZED);
	/* PHC time's floor: at most 1 ns early */
	assert_int64_le(phc - d.ingress_time_ns - 1, tt.age_ns);
	assert_int64_le(tt.age_ns, phc - d.ingress_time_ns);
	/* window: 5 us + 3 us/s x 2.50005 s = 12.50015 us, at least 12501 */
	assert_wider(tt.latest_ns - (phc - TAI_UTC), 12501);
	assert_wider((phc - TAI_UTC) - tt.earliest_ns, 12501);
	printf("[          ] window 12500.15 ns: read as -%lld +%lld ns\n",
	    (long long)((phc - TAI_UTC) - tt.earliest_ns),
	    (long long)(tt.latest_ns - (phc - TAI_UTC)));
	/* ingress more than 10 s back: free-running */
	d.ingress_time_ns = tai - 20000000000LL;
	eval(&d, 1000, &tt);
	assert_int_equal(tt.status, TK_TRUETIME_FREE_RUNNING);
	d.ingress_time_ns = tai - 2000000000LL;
	/* explicit offsets, before, inside and after a smear window */
	d.utc_offset_pre_s = 36;
	d.utc_offset_post_s = 37;
	d.clock_smearing_start_s = (uint64_t)(tai / 1000000000) + 100;
	eval(&d, 1000, &tt);
	assert_wider(tt.latest_ns, tai - 36000000000LL + 5000 + 6000);
	d.clock_smearing_start_s = (uint64_t)(tai / 1000000000) - 100;
	eval(&d, 1000, &tt);
	assert_wider(tt.latest_ns, tai - 36000000000LL + 5000 + 6000);
	assert_wider(-tt.earliest_ns, -(tai - 37000000000LL - 5000 - 6000));
	d.clock_smearing_start_s = (uint64_t)(tai / 1000000000) - 62600;
	eval(&d, 1000, &tt);
	assert_wider(tt.latest_ns, tai - 37000000000LL + 5000 + 6000);
	/* the stale limit: 1 s of extrapolation, and not 1 us before */
	eval(&d, 1000 + 1000000001, &tt);
	assert_int_equal(tt.status, TK_TRUETIME_UNKNOWN);
	eval(&d, 1000 - 1001, &tt);
	assert_int_equal(tt.status, TK_TRUETIME_UNKNOWN);
	eval(&d, 1000 - 999, &tt);
	assert_int_equal(tt.status, TK_TRUETIME_SYNCHRONIZED);
}

/* ---- race ---- */

struct race {
	int stop;
	int64_t pace_ns; /* asleep between updates; 0: flat out */
	uint64_t writes;
};

/* A writer that takes its time between fields (about 50 ns). */
static void
pause_a_little(void)
{
	static int sink;

	for (int i = 0; i < 20; i++)
		(void)__atomic_load_n(&sink, __ATOMIC_RELAXED);
}

static void *
race_writer(void *arg)
{
	struct race *r = arg;
	uint64_t rng = 11;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		int64_t back = tt_rand_range(&rng, 0, 500000000);
		int64_t e = tt_rand_range(&rng, -ERR_MAX_NS, ERR_MAX_NS);
		int64_t coef = tt_rand_range(&rng, -1000, 1000);
		int64_t ingress_back = tt_rand_range(&rng, 0, 500000000);
		int64_t h = tt_rand_range(&rng, 100, 60000); /* ns/s */
		int64_t m = tt_rand_range(&rng, MARGIN_MIN, MARGIN_MAX);
		int64_t s = wall_ns() - back;
		/*
		 * The window must cover DELTA (the truth's freedom), the
		 * error e, the coefficient over up to 1 s of extrapolation,
		 * and what the holdover adds back from ingress is credit.
		 */
		int64_t eb = DELTA_NS + (e < 0 ? -e : e) +
		    (coef < 0 ? -coef : coef) + m -
		    h * ingress_back / 1000000000;
		struct tt_fb_data d = {
			.ingress_time_ns = s + TAI_UTC + e - ingress_back,
			.error_bound_ns = (uint32_t)eb,
			.holdover_multiplier_ns = (uint32_t)(h * 65536),
			.clock_id = 0,
			.phc_time_ns = s + TAI_UTC + e,
			.sysclock_time_ns = s,
			.coef_ppb = coef,
		};

		if (r->writes & 1)
			tt_fb_write_paced(seg, &d, pause_a_little);
		else
			tt_fb_write(seg, &d);
		r->writes++;
		if (r->pace_ns > 0) /* asleep, so both readers can run */
			nanosleep(&(struct timespec){ 0, r->pace_ns }, NULL);
	}
	return NULL;
}

/* A pause inside the library's cache refill (the test hook). */
static void
cache_pause(void)
{
	int64_t end = tk_nanotime() + 200;

	while (tk_nanotime() < end)
		;
}

static void *
race_reader(void *arg)
{
	struct tt_race_reader *rd = arg;
	struct tk_truetime tt;

	for (uint64_t i = 0; i < rd->n; i++) {
		int64_t r0 = wall_ns(), r1;

		tk_truetime(&tt);
		r1 = wall_ns();
		/*
		 * latest is at least real + DELTA + MARGIN_MIN: what it has
		 * above that may go.
		 */
		tt_race_note(rd, &tt, r1 - DELTA_NS, r0 + DELTA_NS,
		    tt.latest_ns - r0 - DELTA_NS - MARGIN_MIN + 1000);
	}
	return NULL;
}

static void
run_race(int64_t pace_ns)
{
	struct race r = { .pace_ns = pace_ns };
	struct tt_race_reader rd[2];
	struct tk_truetime tt;

	fresh();
	{
		struct tt_fb_data d = good();

		d.error_bound_ns = DELTA_NS + MARGIN_MIN;
		tt_fb_write(seg, &d);
	}
	assert_int_equal(read_status(1, &tt), TK_TRUETIME_SYNCHRONIZED);
	tt_race_run(
	    race_writer, &r, &r.stop, race_reader, rd, tk_test_scale(2000000));
	for (int i = 0; i < 2; i++) {
		tt_race_check(rd, i, 0);
		assert_true(rd[i].bounded > 0);
	}
	printf("[          ] writer: %llu updates\n",
	    (unsigned long long)r.writes);
}

static void
test_race(void **state)
{
	(void)state;
	run_race(0);
}

/*
 * The readers' own cache (src/truetime/tt_cache.h): the writer asleep
 * 20 us (at least) between updates, so most reads are served from the
 * cache, and each refill paused 200 ns between its stores (the test
 * hook), so that reads overlap refills; fails when the fast read's
 * re-check of the cache is removed.
 */
static void
test_race_cache(void **state)
{
	(void)state;
	tk__tt_hooks.cache_between = cache_pause;
	run_race(20000);
	tk__tt_hooks.cache_between = NULL;
}

/* ---- CLOCK_MONOTONIC_RAW ---- */

static void
test_raw(void **state)
{
	struct tk_truetime tt;
	struct tt_fb_data d = good();
	int64_t raw = tt_clock_ns(CLOCK_MONOTONIC_RAW);
	int64_t r = wall_ns();

	(void)state;
	d.clock_id = 4;
	d.sysclock_time_ns = raw;
	d.phc_time_ns = r + TAI_UTC;
	d.ingress_time_ns = d.phc_time_ns - 1000000;
	memset(seg, 0, TT_FB_SIZE);
	tt_fb_write(seg, &d);
	tt_force(env);
	usleep(100000);
	assert_int_equal(read_status(1, &tt), TK_TRUETIME_SYNCHRONIZED);
	r = wall_ns();
	/* RAW and REALTIME agree within 100 us over 0.1 s here */
	assert_int64_le(tt.earliest_ns, r + 100000);
	assert_int64_le(r - 100000, tt.latest_ns);
	assert_int64_le(90000000, tt.age_ns);
}

/* ---- hostile ---- */

struct hostile {
	const char *name;
	size_t off;
	uint64_t v;
	int width;
};

static void
test_hostile(void **state)
{
	static const struct hostile cases[] = {
		{ "seq odd forever", TT_FB_OFF_SEQ, 9, 8 },
		{ "seq 0", TT_FB_OFF_SEQ, 0, 8 },
		{ "error_bound 0", TT_FB_OFF_EB, 0, 4 },
		{ "error_bound UINT32_MAX", TT_FB_OFF_EB, 0xffffffff, 4 },
		{ "holdover UINT32_MAX", TT_FB_OFF_HOLDOVER, 0xffffffff, 4 },
		{ "ingress 0", TT_FB_OFF_INGRESS, 0, 8 },
		{ "ingress after phc", TT_FB_OFF_INGRESS, INT64_MAX, 8 },
		{ "phc 0", TT_FB_OFF_PHC, 0, 8 },
		{ "phc 2^62", TT_FB_OFF_PHC, 1ULL << 62, 8 },
		{ "sysclock 0", TT_FB_OFF_SYS, 0, 8 },
		{ "sysclock 2 s old", TT_FB_OFF_SYS, 0, 8 },
		{ "sysclock 1 s ahead", TT_FB_OFF_SYS, 0, 8 },
		{ "clockId 1 (MONOTONIC)", TT_FB_OFF_CLOCKID, 1, 4 },
		{ "clockId 99", TT_FB_OFF_CLOCKID, 99, 4 },
		{ "coef 1000.001 ppm", TT_FB_OFF_COEF, 1000001, 8 },
		{ "coef INT64_MIN", TT_FB_OFF_COEF, 1ULL << 63, 8 },
		{ "utc_offset_pre -1", TT_FB_OFF_PRE, 0xffff, 2 },
		{ "utc_offset_post 1001", TT_FB_OFF_POST, 1001, 2 },
		{ "smearing start 2^40", TT_FB_OFF_SMEAR, 1ULL << 40, 8 },
	};
	struct tk_truetime tt;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct hostile *c = &cases[i];
		uint64_t v = c->v;

		fresh();
		assert_int_equal(read_status(1, &tt), TK_TRUETIME_SYNCHRONIZED);
		if (strcmp(c->name, "sysclock 2 s old") == 0)
			v = (uint64_t)(wall_ns() - 2000000000);
		else if (strcmp(c->name, "sysclock 1 s ahead") == 0)
			v = (uint64_t)(wall_ns() + 1000000000);
		if (c->off == TT_FB_OFF_SEQ)
			tt_poke(seg, c->off, v, c->width);
		else
			tt_fb_poke(seg, c->off, v, c->width);
		printf("[          ] %-26s -> status %d\n", c->name,
		    read_status(100, &tt));
		assert_int_equal(tt.status, TK_TRUETIME_UNKNOWN);
		assert_int64_equal(tt.earliest_ns, INT64_MIN);
		assert_int64_equal(tt.latest_ns, INT64_MAX);
	}
	/*
	 * A field changed with no new seq breaks the writer's protocol: the
	 * checked copy of that publication keeps serving until the next.
	 */
	fresh();
	assert_int_equal(read_status(1, &tt), TK_TRUETIME_SYNCHRONIZED);
	tt_poke(seg, TT_FB_OFF_EB, 0, 4);
	assert_int_equal(read_status(10, &tt), TK_TRUETIME_SYNCHRONIZED);
	tt_fb_poke(seg, TT_FB_OFF_PRE, 0, 2);
	assert_int_equal(read_status(10, &tt), TK_TRUETIME_UNKNOWN);
}

static void
test_files(void **state)
{
	char p[160], e[200];
	struct tk_truetime tt;
	struct tk_truetime_info ti;
	struct tt_fb_data d = good();
	void *two;

	(void)state;
	for (size_t size = 0; size <= 65; size++) {
		if (size != 0 && size != 63 && size != 65)
			continue;
		two = tt_shm_create(size == 0 ? 1 : size, p, sizeof(p));
		assert_non_null(two);
		if (size == 0)
			assert_int_equal(truncate(p, 0), 0);
		snprintf(e, sizeof(e), "fbclock:%s", p);
		tt_force(e);
		assert_int_equal(read_status(1, &tt), TK_TRUETIME_UNKNOWN);
		assert_string_equal(tt.provider, "none");
		tk_truetime_info(&ti);
		printf("[          ] a %zu-byte file: %s\n", size, ti.why);
		tt_shm_destroy(two, size == 0 ? 1 : size, p);
	}
	/* the two-section form: its primary section is read */
	two = tt_shm_create(128, p, sizeof(p));
	assert_non_null(two);
	tt_fb_write(two, &d);
	snprintf(e, sizeof(e), "fbclock:%s", p);
	tt_force(e);
	assert_int_equal(read_status(1, &tt), TK_TRUETIME_SYNCHRONIZED);
	assert_string_equal(tt.provider, "fbclock");
	assert_int_equal(tk_truetime_info(&ti), 0);
	assert_string_equal(ti.path, p);
	assert_int_equal(ti.nfields, 12);
	assert_string_equal(ti.fields[7].name, "clockId");
	tt_force("none");
	tt_shm_destroy(two, 128, p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arith),
		cmocka_unit_test(test_race),
		cmocka_unit_test(test_race_cache),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_files),
	};

	unsetenv("TIMEKEEP_TRUETIME");
	return TK_TEST_RUN(tests, setup, teardown);
}
