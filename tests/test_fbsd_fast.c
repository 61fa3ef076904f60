/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The FreeBSD source's inline fast tier (src/source/fbsd_fast.h) and its
 * front records (src/source/fbsd_front.c):
 *
 *   arithmetic  a record's line high64(C + M * v) against the exact floor of
 *		 th_offset + th_scale x delta (tk_bintime_to_ns()), for edge
 *		 cases and a million random inputs, with and without a
 *		 "TSC-low" shift; the timespec form and realtime too;
 *   live	 on a page the kernel emulator publishes at 1 kHz, every tier
 *		 read (ns and timespec, both clocks) lies exactly between the
 *		 emulator's reference at the counter values read just before
 *		 and after it, and the tier answers nearly every read itself;
 *		 relaxed reads never go back within the thread;
 *   declines	 the tier answers -1, and the full reader serves, when the
 *		 front is off, the page moved on (a new slot, tk_enabled or
 *		 tk_ver changed in place), the page is more than a second
 *		 stale, the counter is a device, the mask narrow, the shift
 *		 beyond 9, or an int64 ns would leave its range (realtime past
 *		 2262: the timespec tier is still exact there).
 *
 * The concurrent case (a writer flat out, records remade and recycled
 * under two readers) is test_stress in tests/test_fbsd_emu.c.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "counter.h"
#include "fbsd_emu.h"
#include "source/fbsd_fast.h"
#include "source/freebsd.h"
#include "timehands.h"
#include "tk_test.h"

#define SLOT 1
#define SHIFT (FBSD_HOST_HAS_SHIFT ? 1u : 0u)

static unsigned char buf[4096] __attribute__((aligned(64)));
static struct fbsd_vdso_timekeep *page = (struct fbsd_vdso_timekeep *)buf;
static uint32_t gen = 1;

static uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* A full read of tk, which makes the front record if the front is on. */
static int
refresh(const struct fbsd_vdso_timekeep *tk)
{
	struct tk__fbsd_read rd;
	int err = tk__fbsd_read(tk, &rd, NULL);

	if (err == 0)
		tk__fbsd_front_update(tk, &rd);
	return err;
}

static int
setup(void **state)
{
	(void)state;
	tk__fbsd_arch_init();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tk__fbsd_front_on(NULL);
	return 0;
}

/* --- arithmetic -------------------------------------------------------- */

static struct tk__fbsd_rec rec;

/*
 * The record for a slot at {sec, frac} read delta counts past its base,
 * with the low `shift` bits of the raw counter set (the kernel drops them),
 * against the exact floor.
 */
static void
check_line(int64_t sec, uint64_t frac, uint64_t scale, uint32_t delta,
    unsigned shift, int64_t boot)
{
	struct tk__fbsd_read rd;
	struct tk_bintime bt = { sec, frac }, b = { boot, 0 };
	uint64_t got;
	uint32_t v;
	int k;

	memset(&rd, 0, sizeof(rd));
	rd.offset = bt;
	rd.boottime = b;
	rd.scale = scale;
	rd.delta = delta;
	rd.mask = 0xffffffffu;
	rd.cpu.ok = 1;
	rd.cpu.shift = shift;
	rd.cpu.cnt = (uint64_t)delta << shift | ((1u << shift) - 1);
	if (scale == 0) {
		/* Nothing to serve: the full reader does. */
		assert_int_equal(tk__fbsd_front_make(page, &rd, &rec), -1);
		return;
	}
	assert_int_equal(tk__fbsd_front_make(page, &rd, &rec), 0);
	v = (uint32_t)rd.cpu.cnt & rec.keep;
	tk__fbsd_bintime_add_scaled(&bt, scale, delta);
	for (k = 0; k < 2; k++) {
		got = tk__fbsd_fast_line(
		    &rec, rec.line[k].c[0], rec.line[k].c[1], v);
		/* The timespec form: the same, less the slot's second. */
		assert_uint64_equal(tk__fbsd_fast_line(&rec, rec.line[k].c[0],
		                        rec.line[k].cs_hi, v),
		    got - (uint64_t)rec.line[k].sec * 1000000000u);
		if (got != (uint64_t)tk_bintime_to_ns(&bt)) {
			print_error("sec %lld frac %#llx scale %#llx delta %#x "
			            "shift %u clock %d: %lld != %lld\n",
			    (long long)sec, (unsigned long long)frac,
			    (unsigned long long)scale, delta, shift, k,
			    (long long)got, (long long)tk_bintime_to_ns(&bt));
			fail();
		}
		bt.sec += boot;
	}
}

static void
test_arith(void **state)
{
	static const uint64_t fracs[] = { 0, 1, 18446744074ull,
		(1ull << 63) - 1, 1ull << 63, UINT64_MAX };
	static const uint64_t scales[] = { 0, 1, 18446744073ull, 7686143364ull,
		18446744073709ull, UINT64_MAX };
	static const uint32_t deltas[] = { 0, 1, 0x7fffffffu, 0xffffffffu };
	uint64_t s = 0x2545f4914f6cdd1dull;
	unsigned i, j, k, n = (unsigned)tk_test_scale(1000000);
	uint32_t d;

	(void)state;
	for (i = 0; i < sizeof(fracs) / sizeof(fracs[0]); i++)
		for (j = 0; j < sizeof(scales) / sizeof(scales[0]); j++)
			for (k = 0; k < sizeof(deltas) / sizeof(deltas[0]);
			     k++) {
				d = deltas[k];
				check_line(0, fracs[i], scales[j], d, 0, 0);
				check_line(
				    1700000000, fracs[i], scales[j], d, 0, 5);
				check_line(-2, fracs[i], scales[j], d, 0, 0);
				check_line(12345, fracs[i], scales[j], d >> 1,
				    1, 1700000000);
			}
	for (i = 0; i < n; i++) {
		d = (uint32_t)(xorshift(&s) >> (xorshift(&s) & 31));
		check_line((int64_t)(xorshift(&s) >> 33), xorshift(&s),
		    xorshift(&s) >> (xorshift(&s) & 63), i & 1 ? d >> 9 : d,
		    i & 1 ? (unsigned)(xorshift(&s) % 10) : 0,
		    (int64_t)(xorshift(&s) >> 34));
	}
}

/* The timespec form and the ranges of a record. */
static void
test_record(void **state)
{
	struct tk__fbsd_read rd;

	(void)state;
	memset(&rd, 0, sizeof(rd));
	rd.offset.sec = 100;
	rd.offset.frac = 3ull << 62; /* 0.75 s */
	rd.boottime.sec = 10000000000; /* past 2262 */
	rd.scale = 7686143364ull; /* 2.4 GHz */
	rd.mask = 0xffffffffu;
	rd.cpu.ok = 1;
	rd.cpu.shift = 1;
	rd.cpu.cnt = 0x123456789abcull;
	rd.delta = 1000;
	assert_int_equal(tk__fbsd_front_make(page, &rd, &rec), 0);
	/* The base: 1000 shifted counts back, low bit cleared. */
	assert_int_equal(rec.hi, 0x1234);
	assert_int_equal(
	    rec.lo, (uint32_t)(((0x123456789abcull >> 1) - 1000) << 1));
	assert_int_equal(rec.keep, 0xfffffffeu);
	/* One second of counts at most: 2.4 x 10^9 shifted, x 2 raw ... */
	assert_true(rec.span <= (uint32_t)(0ull - rec.lo));
	assert_int_equal(rec.span_ns[0], rec.span);
	/* ... and no int64 ns for a realtime past 2262. */
	assert_int_equal(rec.span_ns[1], 0);
	assert_int64_equal(rec.line[0].sec, 100);
	assert_int64_equal(rec.line[1].sec, 10000000100);

	/* Refused: a device or physical counter, a narrow mask, shift 10. */
	rd.cpu.ok = 0;
	assert_int_equal(tk__fbsd_front_make(page, &rd, &rec), -1);
	rd.cpu.ok = 1;
	rd.mask = 0xffffu;
	assert_int_equal(tk__fbsd_front_make(page, &rd, &rec), -1);
	rd.mask = 0xffffffffu;
	rd.cpu.shift = 10;
	assert_int_equal(tk__fbsd_front_make(page, &rd, &rec), -1);
	rd.cpu.shift = 9;
	assert_int_equal(tk__fbsd_front_make(page, &rd, &rec), 0);
}

/* --- live ---------------------------------------------------------------- */

static struct fbsd_emu *
emu_new(void)
{
	struct fbsd_emu_config cfg = { .discipline = 1 };
	struct fbsd_emu *e = fbsd_emu_create(&cfg);

	assert_non_null(e);
	tk__fbsd_front_on(fbsd_emu_page(e));
	return e;
}

static void
test_live(void **state)
{
	struct fbsd_emu *e = emu_new();
	const struct fbsd_vdso_timekeep *tk = fbsd_emu_page(e);
	unsigned i, n = (unsigned)tk_test_scale(200000), served = 0;
	struct tk_bintime lo, hi;
	struct timespec ts, tlo, thi;
	int64_t v, prev = INT64_MIN;
	uint64_t c0, c1;
	int clock;

	(void)state;
	assert_int_equal(fbsd_emu_start(e, 1000), 0);
	sleep_ms(20);
	for (i = 0; i < n; i++) {
		clock = (int)(i & 1);
		c0 = fbsd_emu_counter();
		if (tk__fast_fbsd_ns(clock, 1, &v) != 0) {
			assert_int_equal(refresh(tk), 0);
			continue;
		}
		c1 = fbsd_emu_counter();
		served++;
		assert_int64_le(fbsd_emu_ref_ns(e, c0, clock), v);
		assert_int64_le(v, fbsd_emu_ref_ns(e, c1, clock));
		if (clock == 0) {
			assert_int64_le(prev, v);
			prev = v;
		}
		c0 = fbsd_emu_counter();
		if (tk__fast_fbsd_ts(clock, &ts) != 0)
			continue;
		c1 = fbsd_emu_counter();
		fbsd_emu_ref(e, c0, clock, &lo);
		fbsd_emu_ref(e, c1, clock, &hi);
		tk_bintime_to_timespec(&lo, &tlo);
		tk_bintime_to_timespec(&hi, &thi);
		assert_true(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
		assert_true(tlo.tv_sec < ts.tv_sec ||
		    (tlo.tv_sec == ts.tv_sec && tlo.tv_nsec <= ts.tv_nsec));
		assert_true(ts.tv_sec < thi.tv_sec ||
		    (ts.tv_sec == thi.tv_sec && ts.tv_nsec <= thi.tv_nsec));
	}
	printf("[ INFO     ] the tier answered %u of %u reads, %llu windups\n",
	    served, n, (unsigned long long)fbsd_emu_windups(e));
	/* About one read per windup goes to the full reader. */
	assert_true(served > n - n / 10);
	fbsd_emu_destroy(e);
}

static void
test_relaxed(void **state)
{
	struct fbsd_emu *e = emu_new();
	const struct fbsd_vdso_timekeep *tk = fbsd_emu_page(e);
	unsigned i, n = (unsigned)tk_test_scale(200000), served = 0;
	int64_t v, prev = INT64_MIN;
	uint64_t c0, c1;

	(void)state;
	assert_int_equal(fbsd_emu_start(e, 1000), 0);
	sleep_ms(20);
	for (i = 0; i < n; i++) {
		c0 = fbsd_emu_counter();
		if (tk__fast_fbsd_ns(0, 0, &v) != 0) {
			assert_int_equal(refresh(tk), 0);
			continue;
		}
		c1 = fbsd_emu_counter();
		served++;
		/* The CPU may take a relaxed read a little early. */
		assert_int64_le(fbsd_emu_ref_ns(e, c0, 0) - 1000, v);
		assert_int64_le(v, fbsd_emu_ref_ns(e, c1, 0));
		assert_int64_le(prev, v);
		prev = v;
	}
	assert_true(served > n - n / 10);
	fbsd_emu_destroy(e);
}

/* --- declines ------------------------------------------------------------ */

/* A page in memory with one published slot, as the kernel leaves it. */
static void
page_build(uint64_t scale)
{
	struct fbsd_vdso_timehands *th = &page->tk_th[SLOT];

	memset(buf, 0, sizeof(buf));
	page->tk_ver = VDSO_TK_VER_CURR;
	page->tk_enabled = 1;
	page->tk_current = SLOT;
	th->th_algo = FBSD_HOST_COUNTER_ALGO;
	th->th_gen = gen;
	th->th_scale = scale;
	th->th_offset_count = (uint32_t)(tk__counter_ordered() >> SHIFT);
	th->th_counter_mask = 0xffffffffu;
	th->th_offset.sec = 1000;
	th->th_boottime.sec = 1700000000;
	fbsd_host_fill_counter_md(th, SHIFT);
}

/* Publish slot SLOT again with a new generation, as timehands_update(). */
static void
republish(void)
{
	struct fbsd_vdso_timehands *th = &page->tk_th[SLOT];

	tk__th_write_begin(&th->th_gen);
	gen = tk__th_next_gen(gen);
	tk__th_write_end(&th->th_gen, gen, &page->tk_current, SLOT);
}

/* The tier serves after one full read (which makes the record). */
static void
assert_serves(void)
{
	struct timespec ts;
	int64_t ns;

	assert_int_equal(refresh(page), 0);
	assert_int_equal(tk__fast_fbsd_ns(0, 1, &ns), 0);
	assert_int_equal(tk__fast_fbsd_ns(1, 0, &ns), 0);
	assert_int_equal(tk__fast_fbsd_ts(0, &ts), 0);
	assert_int_equal(tk__fast_fbsd_ts(1, &ts), 0);
}

static void
assert_declines(void)
{
	struct timespec ts;
	int64_t ns;

	assert_int_equal(tk__fast_fbsd_ns(0, 1, &ns), -1);
	assert_int_equal(tk__fast_fbsd_ns(1, 0, &ns), -1);
	assert_int_equal(tk__fast_fbsd_ts(0, &ts), -1);
	assert_int_equal(tk__fast_fbsd_ts(1, &ts), -1);
}

static void
test_declines(void **state)
{
	struct tk_bintime bt;
	struct timespec ts = { 0, 0 };
	int64_t ns;

	(void)state;
	page_build(18446744073ull); /* 1 ns a count */
	tk__fbsd_front_on(NULL);
	assert_int_equal(refresh(page), 0);
	assert_declines(); /* the front is off */
	tk__fbsd_front_on(page);
	assert_declines(); /* no record yet */
	assert_serves();
	tk__fbsd_front_on(NULL);
	assert_declines(); /* withdrawn at once */
	tk__fbsd_front_on(page);
	assert_serves();

	republish();
	assert_declines(); /* the page moved on */
	assert_serves();
	page->tk_th[SLOT].th_gen = gen + 7; /* the slot changed in place */
	assert_declines();
	page->tk_th[SLOT].th_gen = gen;
	assert_serves();
	tk__store_relaxed(&page->tk_enabled, 0u);
	assert_declines();
	assert_int_equal(refresh(page), -ENOSYS);
	tk__store_relaxed(&page->tk_enabled, 1u);
	assert_serves();
	tk__store_relaxed(&page->tk_ver, 2u);
	assert_declines();
	tk__store_relaxed(&page->tk_ver, (uint32_t)VDSO_TK_VER_CURR);
	assert_serves();

	/* Another slot current: the record's slot is not the page's. */
	page->tk_th[SLOT + 1] = page->tk_th[SLOT];
	tk__store_relaxed(&page->tk_current, SLOT + 1u);
	assert_declines();
	assert_serves();
	tk__store_relaxed(&page->tk_current, (uint32_t)SLOT);
	assert_serves();

	/* A narrow mask: the full reader only. */
	page->tk_th[SLOT].th_counter_mask = 0xffffff;
	republish();
	assert_int_equal(refresh(page), 0);
	assert_declines();
	page->tk_th[SLOT].th_counter_mask = 0xffffffffu;
	republish();
	assert_serves();

	/* Realtime past 2262: no int64 ns, but an exact timespec. */
	page->tk_th[SLOT].th_boottime.sec = 10000000000;
	republish();
	assert_int_equal(refresh(page), 0);
	assert_int_equal(tk__fast_fbsd_ns(1, 1, &ns), -1);
	assert_int_equal(tk__fast_fbsd_ns(0, 1, &ns), 0);
	assert_int_equal(tk__fast_fbsd_ts(1, &ts), 0);
	assert_int_equal(tk__fbsd_binuptime(page, 1, &bt, NULL), 0);
	assert_int64_le((int64_t)ts.tv_sec, bt.sec);
	assert_int64_le(10000001000, (int64_t)ts.tv_sec);
}

/*
 * A page left alone for more than a second of its counts: the tier leaves
 * it.  A 1 MHz scale makes that second short on any counter.
 */
static void
test_stale(void **state)
{
	struct tk_bintime bt;
	int64_t ns;
	uint64_t c;
	uint32_t d;

	(void)state;
	page_build(18446744073709ull);
	tk__fbsd_front_on(page);
	assert_serves();
	do
		sleep_ms(10);
	while (((uint32_t)(tk__counter_ordered() >> SHIFT) -
	           page->tk_th[SLOT].th_offset_count) < 2000000u);
	assert_int_equal(tk__fast_fbsd_ns(0, 1, &ns), -1);
	/* The full reader adds scale x delta, as libc does. */
	assert_int_equal(tk__fbsd_binuptime(page, 0, &bt, NULL), 0);
	c = tk__counter_ordered();
	d = (uint32_t)(c >> SHIFT) - page->tk_th[SLOT].th_offset_count;
	assert_int64_le(1002, bt.sec);
	assert_int64_le(bt.sec, 1000 + d / 1000000);
	/* A record made now would span from the old base: still declined. */
	assert_int_equal(refresh(page), 0);
	assert_int_equal(tk__fast_fbsd_ns(0, 1, &ns), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arith),
		cmocka_unit_test(test_record),
		cmocka_unit_test_teardown(test_live, teardown),
		cmocka_unit_test_teardown(test_relaxed, teardown),
		cmocka_unit_test_teardown(test_declines, teardown),
		cmocka_unit_test_teardown(test_stale, teardown),
	};

	return TK_TEST_RUN(tests, setup, NULL);
}
