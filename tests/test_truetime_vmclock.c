/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The VMClock provider against pages written by an independent writer
 * (tests/support/tt_vmclock.c, the hypervisor's seqcount update) in a
 * file standing in for /dev/vmclock0, on this CPU's real counter:
 *
 *   arith	the counter-to-time mapping and its error on fixed pages:
 *		after and before the anchor, a shift, TAI, a leap second;
 *   race	the writer flat out, each update a different anchor up to
 *		0.5 s back with a time off the writer's truth by up to 1 ms
 *		and a period off by up to 50 ppm, each claiming just enough
 *		error: a torn copy (one update's anchor with another's time)
 *		is off by up to 0.5 s.  Readers check every interval against
 *		the truth at counter values read before and after, and that
 *		latest never falls back by more than the writer's claims
 *		allow;
 *   race_cache	the same with 20 us asleep between updates and the
 *		library's cache refills slowed down (a test hook): most
 *		reads served from the cache, many while it is refilled;
 *   disrupt	a new disruption marker or VM generation: DISRUPTED until
 *		the hypervisor publishes again;
 *   hostile	each corrupt field after the choice (status unknown within
 *		the retry bound), and bad pages at the choice.
 * It SKIPs where the CPU has no VMClock counter (riscv64).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "truetime/tt.h"
#include "tk_test.h"
#include "tt_race.h"
#include "tt_writers.h"

#define ERR_MAX_NS 1000000 /* the writer's time error, at most 1 ms */
#define MARGIN_MIN 1000
#define MARGIN_MAX 5000

static char page_path[128];
static void *page;
static char env[200];
static struct tt_truth truth;

static int
setup(void **state)
{
	(void)state;
	memset(&tk__tt_hooks, 0, sizeof(tk__tt_hooks));
	page = tt_shm_create(TT_VM_SIZE, page_path, sizeof(page_path));
	assert_non_null(page);
	snprintf(env, sizeof(env), "vmclock:%s", page_path);
	tt_truth_init(&truth);
	printf("[          ] counter at %.6f MHz\n", (double)truth.hz / 1e6);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tt_force("none");
	tt_shm_destroy(page, TT_VM_SIZE, page_path);
	return 0;
}

/* Time ns as time_sec and a 2^-64 s fraction (rounded down). */
static void
set_time(struct tt_vm_data *d, int64_t ns)
{
	d->time_sec = (uint64_t)(ns / 1000000000);
	d->time_frac = (uint64_t)(((unsigned __int128)(ns % 1000000000) << 64) /
	    1000000000u);
}

/* An exact page at the counter now: true time, 10 us, 10 ppm. */
static struct tt_vm_data
good(void)
{
	struct tt_vm_data d = { 0 };
	uint64_t c = tt_counter();

	d.disruption_marker = 1;
	d.flags = TT_VM_FLAGS_TIME;
	d.clock_status = 2;
	d.counter_value = c;
	d.period_frac = tt_truth_period_frac(&truth);
	d.maxerror_rate_frac = d.period_frac / 100000;
	set_time(&d, tt_truth_ns(&truth, c));
	d.maxerror_ns = 10000;
	d.vm_generation_counter = 1;
	return d;
}

static void
fresh(void)
{
	struct tt_vm_data d = good();

	tt_vm_format(page, tt_vm_counter_id(), 0);
	tt_vm_write(page, &d);
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

static void
need_counter(void)
{
	if (tt_vm_counter_id() == 0xff)
		TK_SKIP("no VMClock counter id for this CPU");
}

/* ---- arithmetic ---- */

static void
eval(const struct tt_vm_data *d, uint64_t c, struct tk_truetime *tt)
{
	static _Alignas(64) unsigned char buf[TT_VM_SIZE];

	memset(buf, 0, sizeof(buf));
	tt_vm_format(buf, tt_vm_counter_id(), 0);
	tt_vm_write(buf, d);
	tk__tt_vm_eval(buf, sizeof(buf), c, tt);
}

static void
test_arith(void **state)
{
	struct tt_vm_data d = { 0 };
	struct tk_truetime tt;
	int64_t mid, half;

	(void)state;
	need_counter();
	/* 1 count = 2^64 / 18446744074 ns = 1 ns - 4e-11; 10^9 counts. */
	d.flags = TT_VM_FLAGS_TIME;
	d.clock_status = 2;
	d.counter_value = 1000000;
	d.period_frac = 18446744074u;
	d.maxerror_rate_frac = 18446744; /* ~10^-3: 1000 ppm */
	d.time_sec = 1000;
	d.maxerror_ns = 1000;
	eval(&d, 1000000 + 1000000000, &tt);
	mid = tt.earliest_ns + (tt.latest_ns - tt.earliest_ns) / 2;
	half = (tt.latest_ns - tt.earliest_ns) / 2;
	assert_int_equal(tt.status, TK_TRUETIME_SYNCHRONIZED);
	assert_int64_le(1001000000000LL - 2, mid);
	assert_int64_le(mid, 1001000000000LL + 2);
	assert_int64_le(1000 + 999999, half);
	assert_int64_le(half, 1000 + 1000001 + 3);
	assert_int64_le(999999990, tt.age_ns);
	/* Before the anchor: no age, the time goes back. */
	eval(&d, 1000000 - 500000, &tt);
	mid = tt.earliest_ns + (tt.latest_ns - tt.earliest_ns) / 2;
	assert_int64_le(1000000000000LL - 500000 - 2, mid);
	assert_int64_le(mid, 1000000000000LL - 500000 + 2);
	assert_int64_equal(tt.age_ns, 0);
	/* The same period with a shift of 3. */
	d.shift = 3;
	d.period_frac *= 8;
	d.maxerror_rate_frac *= 8;
	eval(&d, 1000000 + 1000000000, &tt);
	mid = tt.earliest_ns + (tt.latest_ns - tt.earliest_ns) / 2;
	assert_int64_le(1001000000000LL - 2, mid);
	assert_int64_le(mid, 1001000000000LL + 2);
	/* TAI, 37 s ahead of UTC. */
	d.flags |= TT_VM_FLAG_TAI_OFFSET_VALID;
	d.tai_offset_sec = 37;
	{
		static _Alignas(64) unsigned char buf[TT_VM_SIZE];

		tt_vm_format(buf, tt_vm_counter_id(), 1);
		tt_vm_write(buf, &d);
		tk__tt_vm_eval(buf, sizeof(buf), 1000000, &tt);
		mid = tt.earliest_ns + (tt.latest_ns - tt.earliest_ns) / 2;
		assert_int64_le(963000000000LL - 2, mid);
		assert_int64_le(mid, 963000000000LL + 2);
		/* TAI without a valid offset: no bound */
		d.flags &= ~(uint64_t)TT_VM_FLAG_TAI_OFFSET_VALID;
		tt_vm_write(buf, &d);
		tk__tt_vm_eval(buf, sizeof(buf), 1000000, &tt);
		assert_int_equal(tt.status, TK_TRUETIME_UNKNOWN);
	}
	/* A positive leap second in progress: 1 s wider. */
	d.flags |= TT_VM_FLAG_TAI_OFFSET_VALID;
	d.leap_indicator = 3;
	eval(&d, 1000000, &tt);
	assert_int64_le(
	    1000000000LL + 1000, (tt.latest_ns - tt.earliest_ns) / 2);
}

/* ---- race ---- */

struct race {
	int stop;
	int64_t pace_ns; /* asleep between updates; 0: flat out */
	uint64_t writes;
	int64_t l_min, l_max; /* latest over truth, as claimed at anchors */
};

/* A pause inside the library's cache refill (the test hook). */
static void
cache_pause(void)
{
	int64_t end = tk_nanotime() + 1000;

	while (tk_nanotime() < end)
		;
}

static void *
race_writer(void *arg)
{
	struct race *r = arg;
	uint64_t rng = 7;
	uint64_t p_true = tt_truth_period_frac(&truth);

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		struct tt_vm_data d = good();
		int64_t e = tt_rand_range(&rng, -ERR_MAX_NS, ERR_MAX_NS);
		int64_t ppb = tt_rand_range(&rng, -50000, 50000);
		uint64_t back =
		    tt_truth_counts(&truth, tt_rand_range(&rng, 0, 500000000));
		uint64_t p = (uint64_t)((int64_t)p_true +
		    (int64_t)((__int128)p_true * ppb / 1000000000));
		uint64_t rate = (p > p_true ? p - p_true : p_true - p) + 2;
		unsigned shift = (unsigned)tt_rand_range(&rng, 0, 8);
		int64_t m = tt_rand_range(&rng, MARGIN_MIN, MARGIN_MAX);
		int64_t l;

		d.counter_value -= back;
		set_time(&d, tt_truth_ns(&truth, d.counter_value) + e);
		d.shift = (uint8_t)shift;
		d.period_frac = p << shift;
		d.maxerror_rate_frac = rate << shift;
		d.maxerror_ns = (uint64_t)(e < 0 ? -e : e) + (uint64_t)m;
		d.clock_status = (uint8_t)tt_rand_range(&rng, 2, 3);
		tt_vm_write(page, &d);
		l = e + (int64_t)d.maxerror_ns;
		if (l < r->l_min)
			r->l_min = l;
		if (l > r->l_max)
			r->l_max = l;
		r->writes++;
		if (r->pace_ns > 0) /* asleep, so both readers can run */
			nanosleep(&(struct timespec){ 0, r->pace_ns }, NULL);
	}
	return NULL;
}

static void *
race_reader(void *arg)
{
	struct tt_race_reader *rd = arg;
	struct tk_truetime tt;

	for (uint64_t i = 0; i < rd->n; i++) {
		uint64_t c0 = tt_counter(), c1;

		tk_truetime(&tt);
		c1 = tt_counter();
		tt_race_note(rd, &tt, tt_truth_ns(&truth, c1),
		    tt_truth_ns(&truth, c0), 0);
	}
	return NULL;
}

static void
run_race(int64_t pace_ns)
{
	struct race r = {
		.pace_ns = pace_ns, .l_min = INT64_MAX, .l_max = INT64_MIN
	};
	struct tt_race_reader rd[2];
	struct tk_truetime tt;
	int64_t allowed;

	need_counter();
	fresh();
	assert_int_equal(read_status(1, &tt), TK_TRUETIME_SYNCHRONIZED);
	tt_race_run(
	    race_writer, &r, &r.stop, race_reader, rd, tk_test_scale(2000000));
	/*
	 * What the writer published: latest - truth lies between L_k and
	 * L_k + 2 x age x 50 ppm for an anchor age seconds back (the period
	 * error and the growth of the bound), ages up to 0.5 s plus a
	 * reader's or the writer's stall: allow 1 s of them, 100 us.
	 */
	allowed = r.l_max - r.l_min + 100000;
	for (int i = 0; i < 2; i++) {
		tt_race_check(rd, i, -allowed);
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
 * cache, and each refill paused 1 us between its stores (the test
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

/* ---- disruption ---- */

static void
test_disrupt(void **state)
{
	struct tk_truetime tt;
	struct tt_vm_data d;

	(void)state;
	need_counter();
	fresh();
	assert_int_equal(read_status(5, &tt), TK_TRUETIME_SYNCHRONIZED);
	/* live migration: a new marker */
	d = good();
	d.disruption_marker = 2;
	tt_vm_write(page, &d);
	assert_int_equal(read_status(20, &tt), TK_TRUETIME_DISRUPTED);
	assert_int64_equal(tt.earliest_ns, INT64_MIN);
	assert_int64_equal(tt.latest_ns, INT64_MAX);
	assert_false(tk_truetime_after(0));
	assert_int_equal(tk_truetime_wait_until_past(0, INT64_MAX), -EAGAIN);
	/* the hypervisor publishes again: a fresh bound */
	d = good();
	d.disruption_marker = 2;
	tt_vm_write(page, &d);
	assert_int_equal(read_status(5, &tt), TK_TRUETIME_SYNCHRONIZED);
	/* restored from a snapshot: a new VM generation */
	d = good();
	d.disruption_marker = 2;
	d.vm_generation_counter = 2;
	tt_vm_write(page, &d);
	assert_int_equal(read_status(5, &tt), TK_TRUETIME_DISRUPTED);
	tt_vm_write(page, &d);
	assert_int_equal(read_status(5, &tt), TK_TRUETIME_SYNCHRONIZED);
	/* a generation without its flag is not looked at */
	d.flags &= ~(uint64_t)TT_VM_FLAG_VM_GEN;
	d.vm_generation_counter = 3;
	tt_vm_write(page, &d);
	tt_vm_write(page, &d);
	assert_int_equal(read_status(5, &tt), TK_TRUETIME_DISRUPTED);
	tt_vm_write(page, &d);
	assert_int_equal(read_status(5, &tt), TK_TRUETIME_SYNCHRONIZED);
	d.vm_generation_counter = 4;
	tt_vm_write(page, &d);
	assert_int_equal(read_status(5, &tt), TK_TRUETIME_SYNCHRONIZED);
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
		{ "magic", TT_VM_OFF_MAGIC, 0x4b4c4357, 4 },
		{ "size 103", TT_VM_OFF_SIZE, 103, 4 },
		{ "size beyond the map", TT_VM_OFF_SIZE, 1u << 20, 4 },
		{ "version 2", TT_VM_OFF_VERSION, 2, 2 },
		{ "counter_id invalid", TT_VM_OFF_COUNTER_ID, 0xff, 1 },
		{ "time_type monotonic", TT_VM_OFF_TIME_TYPE, 2, 1 },
		{ "time_type smeared", TT_VM_OFF_TIME_TYPE, 3, 1 },
		{ "time_type TAI, no offset", TT_VM_OFF_TIME_TYPE, 1, 1 },
		{ "seq_count odd forever", TT_VM_OFF_SEQ, 5, 4 },
		{ "flags 0", TT_VM_OFF_FLAGS, 0, 8 },
		{ "no period maxerror", TT_VM_OFF_FLAGS,
		    TT_VM_FLAGS_TIME & ~TT_VM_FLAG_PERIOD_MAXERROR_VALID, 8 },
		{ "status unknown", TT_VM_OFF_STATUS, 0, 1 },
		{ "status initializing", TT_VM_OFF_STATUS, 1, 1 },
		{ "status unreliable", TT_VM_OFF_STATUS, 4, 1 },
		{ "status 200", TT_VM_OFF_STATUS, 200, 1 },
		{ "period 0", TT_VM_OFF_PERIOD, 0, 8 },
		{ "shift 64", TT_VM_OFF_SHIFT, 64, 1 },
		{ "time_sec 2^40", TT_VM_OFF_TIME_SEC, 1ULL << 40, 8 },
		{ "maxerror 1001 s", TT_VM_OFF_MAXERROR, 1001000000000ULL, 8 },
		{ "maxerror 2^64-1", TT_VM_OFF_MAXERROR, UINT64_MAX, 8 },
		{ "rate 2^64-1", TT_VM_OFF_MAX_RATE, UINT64_MAX, 8 },
		{ "period 2^64-1", TT_VM_OFF_PERIOD, UINT64_MAX, 8 },
	};
	struct tk_truetime tt;

	(void)state;
	need_counter();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct hostile *c = &cases[i];

		fresh();
		assert_int_equal(read_status(1, &tt), TK_TRUETIME_SYNCHRONIZED);
		if (c->off == TT_VM_OFF_SEQ)
			tt_poke(page, c->off, c->v, c->width);
		else
			tt_vm_poke(page, c->off, c->v, c->width);
		printf("[          ] %-28s -> status %d\n", c->name,
		    read_status(100, &tt));
		assert_int_equal(tt.status, TK_TRUETIME_UNKNOWN);
		assert_int64_equal(tt.earliest_ns, INT64_MIN);
		assert_int64_equal(tt.latest_ns, INT64_MAX);
	}
	/*
	 * A field changed with no new seq_count breaks the hypervisor's
	 * protocol: the checked copy of that publication keeps serving
	 * until the next one.
	 */
	fresh();
	assert_int_equal(read_status(1, &tt), TK_TRUETIME_SYNCHRONIZED);
	tt_poke(page, TT_VM_OFF_MAGIC, 0, 4);
	assert_int_equal(read_status(10, &tt), TK_TRUETIME_SYNCHRONIZED);
	tt_vm_poke(page, TT_VM_OFF_STATUS, 2, 1);
	assert_int_equal(read_status(10, &tt), TK_TRUETIME_UNKNOWN);
	/* an anchor far away: in the future, or hours back */
	{
		struct tt_vm_data d = good();

		fresh();
		d.counter_value += 1ULL << 63;
		tt_vm_write(page, &d);
		tt_vm_write(page, &d); /* the disruption-free way in */
		assert_int_equal(read_status(10, &tt), TK_TRUETIME_UNKNOWN);
		d = good();
		d.counter_value -= tt_truth_counts(&truth, 3 * 3600000000000LL);
		tt_vm_write(page, &d);
		assert_int_equal(read_status(10, &tt), TK_TRUETIME_UNKNOWN);
	}
}

static void
test_hostile_open(void **state)
{
	struct tk_truetime tt;
	struct tk_truetime_info ti;
	struct tt_vm_data d;

	(void)state;
	need_counter();
	fresh();
	tt_poke(page, TT_VM_OFF_MAGIC, 0, 4);
	tt_force(env);
	assert_int_equal(read_status(1, &tt), TK_TRUETIME_UNKNOWN);
	assert_string_equal(tt.provider, "none");
	tk_truetime_info(&ti);
	printf("[          ] bad magic at the choice: %s\n", ti.why);
	/* a page with only the marker: not chosen */
	tt_vm_format(page, tt_vm_counter_id(), 0);
	d = good();
	d.flags = 0;
	tt_vm_write(page, &d);
	tt_force(env);
	assert_int_equal(read_status(1, &tt), TK_TRUETIME_UNKNOWN);
	tk_truetime_info(&ti);
	printf("[          ] no time fields: %s\n", ti.why);
	assert_non_null(strstr(ti.why, "without time"));
	/* a page for another CPU's counter */
	tt_vm_format(page, tt_vm_counter_id() == 1 ? 0 : 1, 0);
	tt_force(env);
	assert_int_equal(read_status(1, &tt), TK_TRUETIME_UNKNOWN);
	tt_force("vmclock:/dev/zero");
	assert_int_equal(read_status(1, &tt), TK_TRUETIME_UNKNOWN);
	tk_truetime_info(&ti);
	printf("[          ] /dev/zero: %s\n", ti.why);
	tt_force("vmclock:/dev/null");
	assert_int_equal(read_status(1, &tt), TK_TRUETIME_UNKNOWN);
	tk_truetime_info(&ti);
	printf("[          ] /dev/null: %s\n", ti.why);
}

static void
test_info(void **state)
{
	struct tk_truetime_info ti;

	(void)state;
	need_counter();
	fresh();
	assert_int_equal(tk_truetime_info(&ti), 0);
	assert_string_equal(ti.provider, "vmclock");
	assert_string_equal(ti.path, page_path);
	assert_string_equal(ti.provider_status, "synchronized");
	assert_int_equal(ti.status, TK_TRUETIME_SYNCHRONIZED);
	assert_int64_equal(ti.bound_ns, 10000);
	/* 10 ppm, rounded down by the integer period */
	assert_int64_le(9990, ti.drift_ppb);
	assert_int64_le(ti.drift_ppb, 10010);
	assert_true(ti.nfields >= 22);
	assert_string_equal(ti.fields[0].name, "magic");
	assert_int64_equal((int64_t)ti.fields[0].value, 0x4b4c4356);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arith),
		cmocka_unit_test(test_race),
		cmocka_unit_test(test_race_cache),
		cmocka_unit_test(test_disrupt),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_hostile_open),
		cmocka_unit_test(test_info),
	};

	unsetenv("TIMEKEEP_TRUETIME");
	return TK_TEST_RUN(tests, setup, teardown);
}
