/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The FreeBSD timekeep reader on pages built by hand, one field at a time:
 *
 *   - the scale x delta arithmetic (with the large-delta split) against a
 *     128-bit reference, for edge cases and a million random inputs (the
 *     fast tier's ns arithmetic is checked in tests/test_fbsd_fast.c);
 *   - binuptime / getnanouptime on a live counter, bracketed by counter
 *     reads taken before and after (expected values computed here with
 *     128-bit arithmetic from the page's own numbers), including a delta
 *     large enough to need the split and a narrow counter mask;
 *   - every FreeBSD clock id (sys/sys/_clock_id.h) through
 *     tk__fbsd_clock_gettime(), and the exact floor conversion (a value
 *     Go's and older FreeBSD's top-32-bit formula reads 1 ns low);
 *   - each hostile page (disabled, wrong version, unknown algo, tk_current
 *     out of range, generation stuck at 0) routes, and within the bound:
 *     the pass count the reader reports is checked;
 *   - the source's hooks (init from a file, gettime with host ids,
 *     nanotime, bintime) and init's failures, with errno left alone; the
 *     int64 ns hook saturates past 2262 instead of wrapping.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "counter.h"
#include "fbsd_host.h"
#include "source/freebsd.h"
#include "source/source.h"
#include "timehands.h"
#include "tk_test.h"

#define SHIFT (FBSD_HOST_HAS_SHIFT ? 1u : 0u)
#define SLOT 2

static unsigned char buf[4096] __attribute__((aligned(64)));
static struct fbsd_vdso_timekeep *page = (struct fbsd_vdso_timekeep *)buf;

static uint32_t
tc_of(uint64_t c)
{
	return (uint32_t)(c >> SHIFT);
}

/* A sane page: one published slot (SLOT) with these numbers. */
static struct fbsd_vdso_timehands *
page_build(struct fbsd_vdso_timekeep *tk, uint64_t scale, uint32_t count,
    int64_t osec, uint64_t ofrac, int64_t bsec, uint64_t bfrac)
{
	struct fbsd_vdso_timehands *th = &tk->tk_th[SLOT];

	memset(tk, 0, FBSD_TK_BLOCK_SIZE);
	tk->tk_ver = VDSO_TK_VER_CURR;
	tk->tk_enabled = 1;
	tk->tk_current = SLOT;
	th->th_algo = FBSD_HOST_COUNTER_ALGO;
	th->th_gen = 5;
	th->th_scale = scale;
	th->th_offset_count = count;
	th->th_counter_mask = 0xffffffffu;
	th->th_offset.sec = osec;
	th->th_offset.frac = ofrac;
	th->th_boottime.sec = bsec;
	th->th_boottime.frac = bfrac;
	fbsd_host_fill_counter_md(th, SHIFT);
	return th;
}

/* What the page says at counter value c, with 128-bit arithmetic. */
static void
expect(const struct fbsd_vdso_timehands *th, uint64_t c, int abs,
    struct tk_bintime *bt)
{
	uint32_t delta = (tc_of(c) - th->th_offset_count) & th->th_counter_mask;
	unsigned __int128 p = (unsigned __int128)th->th_scale * delta;
	struct tk_bintime boot = { th->th_boottime.sec, th->th_boottime.frac };

	bt->sec = th->th_offset.sec + (int64_t)(uint64_t)(p >> 64);
	bt->frac = th->th_offset.frac;
	tk_bintime_addx(bt, (uint64_t)p);
	if (abs)
		tk_bintime_add(bt, &boot);
}

static void
assert_bt_le(const struct tk_bintime *a, const struct tk_bintime *b)
{
	if (tk_bintime_cmp(a, b) > 0) {
		print_error("{%lld, %#llx} > {%lld, %#llx}\n",
		    (long long)a->sec, (unsigned long long)a->frac,
		    (long long)b->sec, (unsigned long long)b->frac);
		fail();
	}
}

static int
setup(void **state)
{
	(void)state;
	tk__fbsd_arch_init();
	return 0;
}

/* --- arithmetic ------------------------------------------------------ */

static void
check_scaled(int64_t sec, uint64_t frac, uint64_t scale, uint32_t delta)
{
	struct tk_bintime got = { sec, frac }, want = { sec, frac };
	unsigned __int128 p = (unsigned __int128)scale * delta;

	tk__fbsd_bintime_add_scaled(&got, scale, delta);
	want.sec += (int64_t)(uint64_t)(p >> 64);
	tk_bintime_addx(&want, (uint64_t)p);
	if (got.sec != want.sec || got.frac != want.frac) {
		print_error("scale %#llx delta %#x: got {%lld, %#llx} want "
		            "{%lld, %#llx}\n",
		    (unsigned long long)scale, delta, (long long)got.sec,
		    (unsigned long long)got.frac, (long long)want.sec,
		    (unsigned long long)want.frac);
		fail();
	}
}

static uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int
fls64(uint64_t x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

static void
test_add_scaled(void **state)
{
	static const uint64_t scales[] = { 0, 1, 0xffffffffu, 0x100000000ull,
		18446744073709ull /* 1 MHz */, 7686143364ull /* 2.4 GHz */,
		(uint64_t)1 << 63, UINT64_MAX };
	static const uint32_t deltas[] = { 0, 1, 2, 0x7fffffffu, 0x80000000u,
		0xfffffffeu, 0xffffffffu };
	uint64_t s = 0x9e3779b97f4a7c15ull;
	unsigned i, j, split = 0, n = (unsigned)tk_test_scale(1000000);

	(void)state;
	for (i = 0; i < sizeof(scales) / sizeof(scales[0]); i++)
		for (j = 0; j < sizeof(deltas) / sizeof(deltas[0]); j++) {
			check_scaled(0, 0, scales[i], deltas[j]);
			check_scaled(-3, UINT64_MAX, scales[i], deltas[j]);
			check_scaled(
			    INT32_MAX, 1ull << 63, scales[i], deltas[j]);
		}
	for (i = 0; i < n; i++) {
		uint64_t sc = xorshift(&s) >> (xorshift(&s) & 63);
		uint32_t d = (uint32_t)(xorshift(&s) >> (xorshift(&s) & 31));

		/* FreeBSD's criterion for the split: count those cases. */
		split += fls64(sc) + fls64(d) > 63;
		check_scaled(
		    (int64_t)(xorshift(&s) >> 34), xorshift(&s), sc, d);
	}
	assert_true(split > 0);
}

/* --- the reader on a live counter ------------------------------------ */

static void
bracket(int abs)
{
	struct fbsd_vdso_timehands *th;
	struct tk_bintime lo, hi, bt;
	unsigned passes;
	uint64_t c0, c1;

	/* 2.4 GHz-ish scale, base 1000 ticks back, boot at 1.7e9 s. */
	th =
	    page_build(page, 7686143364ull, tc_of(tk__counter_ordered()) - 1000,
	        12345, 1ull << 62, 1700000000, 3ull << 62);
	c0 = tk__counter_ordered();
	assert_int_equal(tk__fbsd_binuptime(page, abs, &bt, &passes), 0);
	c1 = tk__counter_ordered();
	assert_int_equal(passes, 1);
	expect(th, c0, abs, &lo);
	expect(th, c1, abs, &hi);
	assert_bt_le(&lo, &bt);
	assert_bt_le(&bt, &hi);
}

static void
test_binuptime_live(void **state)
{
	(void)state;
	/* The relaxed reads are the fast tier's: tests/test_fbsd_fast.c. */
	bracket(0);
	bracket(1);
}

/* A delta of 2^31 ticks of a 1 MHz counter: scale x delta needs 96 bits. */
static void
test_binuptime_large_delta(void **state)
{
	struct fbsd_vdso_timehands *th;
	struct tk_bintime lo, hi, bt;
	uint64_t c0, c1;

	(void)state;
	th = page_build(page, 18446744073709ull,
	    tc_of(tk__counter_ordered()) - 0x80000000u, 7, 0, 0, 0);
	assert_true(fls64(th->th_scale) + 32 > 63);
	c0 = tk__counter_ordered();
	assert_int_equal(tk__fbsd_binuptime(page, 0, &bt, NULL), 0);
	c1 = tk__counter_ordered();
	expect(th, c0, 0, &lo);
	expect(th, c1, 0, &hi);
	assert_bt_le(&lo, &bt);
	assert_bt_le(&bt, &hi);
	/* About 2147 s of a 1 MHz counter: the product did not wrap. */
	assert_true(bt.sec >= 7 + 2147);
}

/* th_counter_mask narrows the delta (a 16-bit counter). */
static void
test_binuptime_mask(void **state)
{
	struct fbsd_vdso_timehands *th;
	struct tk_bintime lo, hi, bt;
	uint64_t c0, c1;

	(void)state;
	th = page_build(page, 1ull << 40, 0, 1, 0, 0, 0);
	th->th_counter_mask = 0xffff;
	c0 = tk__counter_ordered();
	assert_int_equal(tk__fbsd_binuptime(page, 0, &bt, NULL), 0);
	c1 = tk__counter_ordered();
	expect(th, c0, 0, &lo);
	expect(th, c1, 0, &hi);
	/* The bracket holds unless the counter wrapped its 16 bits. */
	if ((tc_of(c0) & 0xffff) <= (tc_of(c1) & 0xffff)) {
		assert_bt_le(&lo, &bt);
		assert_bt_le(&bt, &hi);
	}
	assert_int64_equal(bt.sec, 1); /* < 2^16 * 2^40 / 2^64 s */
}

/* --- clock ids --------------------------------------------------------- */

static void
test_clock_ids(void **state)
{
	struct fbsd_vdso_timehands *th;
	struct timespec ts;
	struct tk_bintime lo, hi;
	uint64_t c0, c1;
	int id;

	(void)state;
	/*
	 * A 1 GHz-ish scale and a base 2^30 ticks back: a precise read is
	 * about a second past th_offset, a FAST one exactly at it.
	 */
	th = page_build(page, 18446744073ull,
	    tc_of(tk__counter_ordered()) - (1u << 30), 100, 0, 1000, 0);
	for (id = -3; id <= 20; id++) {
		int abs = id == 0 || id == 9 || id == 10 || id == 13;
		int precise = abs || id == 4 || id == 5 || id == 7 || id == 11;
		int fast = id == 8 || id == 12;
		int err;

		memset(&ts, 0x55, sizeof(ts));
		c0 = tk__counter_ordered();
		err = tk__fbsd_clock_gettime(page, id, &ts);
		c1 = tk__counter_ordered();
		if (!precise && !fast) {
			/* 1, 2, 3, 6, 14, 15, negative, unknown: the kernel. */
			assert_int_equal(err, -ENOSYS);
			continue;
		}
		assert_int_equal(err, 0);
		if (fast) {
			assert_int64_equal(ts.tv_sec, 100);
			assert_int64_equal(ts.tv_nsec, 0);
			continue;
		}
		expect(th, c0, abs, &lo);
		expect(th, c1, abs, &hi);
		assert_true(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
		if (id == FBSD_CLOCK_SECOND) {
			/* Precise realtime with tv_nsec cleared. */
			assert_int64_equal(ts.tv_nsec, 0);
			assert_int64_le(lo.sec, ts.tv_sec);
			assert_int64_le(ts.tv_sec, hi.sec);
			continue;
		}
		/* ts is a floor: compare at nanosecond resolution. */
		assert_int64_le(tk_bintime_to_ns(&lo),
		    (int64_t)ts.tv_sec * TK_NSEC_PER_SEC + ts.tv_nsec);
		assert_int64_le(
		    (int64_t)ts.tv_sec * TK_NSEC_PER_SEC + ts.tv_nsec,
		    tk_bintime_to_ns(&hi));
		assert_true(abs ? ts.tv_sec >= 1100 : ts.tv_sec < 1000);
	}
}

/*
 * 1 ns as the smallest fraction that means it: the exact floor gives 1,
 * the top-32-bit form (10^9 x (frac >> 32)) >> 32 gives 0.
 */
static void
test_exact_floor(void **state)
{
	uint64_t frac = tk__units_to_frac(1, 1000000000u);
	struct tk_bintime bt;
	struct timespec ts;

	(void)state;
	assert_int_equal((1000000000ull * (frac >> 32)) >> 32, 0);
	page_build(page, 0, 0, 5, frac, 10, frac);
	assert_int_equal(
	    tk__fbsd_clock_gettime(page, FBSD_CLOCK_MONOTONIC, &ts), 0);
	assert_int64_equal(ts.tv_sec, 5);
	assert_int64_equal(ts.tv_nsec, 1);
	assert_int_equal(
	    tk__fbsd_clock_gettime(page, FBSD_CLOCK_REALTIME, &ts), 0);
	assert_int64_equal(ts.tv_sec, 15);
	assert_int64_equal(ts.tv_nsec, 2);
	assert_int_equal(
	    tk__fbsd_clock_gettime(page, FBSD_CLOCK_MONOTONIC_FAST, &ts), 0);
	assert_int64_equal(ts.tv_nsec, 1);
	assert_int_equal(tk__fbsd_binuptime(page, 0, &bt, NULL), 0);
	assert_int64_equal(tk_bintime_to_ns(&bt), 5 * TK_NSEC_PER_SEC + 1);
}

/* --- hostile pages ------------------------------------------------------ */

static void
expect_route(int err_want, unsigned passes_want)
{
	struct tk_bintime bt;
	struct timespec ts;
	unsigned passes = 999;

	assert_int_equal(tk__fbsd_binuptime(page, 0, &bt, &passes), err_want);
	assert_int_equal(passes, passes_want);
	passes = 999;
	assert_int_equal(tk__fbsd_binuptime(page, 1, &bt, &passes), err_want);
	assert_int_equal(passes, passes_want);
	passes = 999;
	assert_int_equal(tk__fbsd_getnanouptime(page, &bt, &passes), err_want);
	assert_int_equal(passes, passes_want);
	assert_int_equal(
	    tk__fbsd_clock_gettime(page, FBSD_CLOCK_REALTIME, &ts), err_want);
}

static void
test_hostile(void **state)
{
	struct fbsd_vdso_timehands *th;

	(void)state;
	page_build(page, 1, 0, 1, 0, 0, 0);
	page->tk_enabled = 0;
	expect_route(-ENOSYS, 1);

	page_build(page, 1, 0, 1, 0, 0, 0);
	page->tk_ver = 2;
	expect_route(-ENOSYS, 0);
	page->tk_ver = 0;
	expect_route(-ENOSYS, 0);

	page_build(page, 1, 0, 1, 0, 0, 0);
	page->tk_current = VDSO_TH_NUM;
	expect_route(-ENOSYS, 1);
	page->tk_current = VDSO_TK_CURRENT_BUSY;
	expect_route(-ENOSYS, 1);

	/* Generation stuck at 0: exactly the bound, then "busy". */
	th = page_build(page, 1, 0, 1, 0, 0, 0);
	th->th_gen = 0;
	expect_route(-EAGAIN, TK_TH_READ_TRIES);

	/* An unknown algo routes; getnanouptime reads no counter. */
	th = page_build(page, 1, 0, 1, 0, 0, 0);
	th->th_algo = 0x7e;
	{
		struct tk_bintime bt;
		unsigned passes;

		assert_int_equal(
		    tk__fbsd_binuptime(page, 0, &bt, &passes), -ENOSYS);
		assert_int_equal(passes, 1);
		assert_int_equal(tk__fbsd_getnanouptime(page, &bt, &passes), 0);
	}
	th->th_algo = 0;
	{
		struct tk_bintime bt;

		assert_int_equal(
		    tk__fbsd_binuptime(page, 1, &bt, NULL), -ENOSYS);
	}
}

/* --- the source's hooks, from a file page --------------------------------- */

static char path[64];
static struct fbsd_vdso_timekeep *fpage;

static void
make_file(size_t size)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/fbsd-reader-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	fpage = NULL;
	if (size >= FBSD_TK_BLOCK_SIZE) {
		void *m =
		    mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

		assert_true(m != MAP_FAILED);
		fpage = m;
	}
	close(fd);
}

static void
test_hooks(void **state)
{
	const char *why = NULL;
	struct tk_bintime bt;
	struct timespec ts;
	uint64_t frac = tk__units_to_frac(1, 1000000000u);
	int64_t ns;

	(void)state;
	make_file(4096);
	page_build(fpage, 0, 0, 5, frac, 10, 0);
	assert_int_equal(tk__source_freebsd.init(path, &why), 0);
	assert_non_null(why);
	assert_string_equal(tk__source_freebsd.name, "freebsd");

	/* Writes through the writer's mapping are seen (MAP_SHARED). */
	fpage->tk_th[SLOT].th_offset.sec = 6;
	assert_int_equal(tk__source_freebsd.nanotime(0, 1, &ns), 0);
	assert_int64_equal(ns, 6 * TK_NSEC_PER_SEC + 1);
	assert_int_equal(tk__source_freebsd.nanotime(1, 0, &ns), 0);
	assert_int64_equal(ns, 16 * TK_NSEC_PER_SEC + 1);
	assert_int_equal(tk__source_freebsd.bintime(0, &bt), 0);
	assert_int64_equal(bt.sec, 6);
	assert_uint64_equal(bt.frac, frac);

	/* Host ids: the five the page serves, the rest routed on. */
	assert_int_equal(tk__fbsd_host_clock(CLOCK_REALTIME), 0);
	assert_int_equal(tk__fbsd_host_clock(CLOCK_MONOTONIC), 4);
	assert_int_equal(tk__fbsd_host_clock(CLOCK_BOOTTIME), 5);
	assert_int_equal(tk__fbsd_host_clock(CLOCK_REALTIME_COARSE), 10);
	assert_int_equal(tk__fbsd_host_clock(CLOCK_MONOTONIC_COARSE), 12);
	assert_int_equal(tk__source_freebsd.gettime(CLOCK_MONOTONIC, &ts), 0);
	assert_int64_equal(ts.tv_sec, 6);
	assert_int64_equal(ts.tv_nsec, 1);
	assert_int_equal(tk__source_freebsd.gettime(CLOCK_BOOTTIME, &ts), 0);
	assert_int64_equal(ts.tv_sec, 6);
	assert_int64_equal(ts.tv_nsec, 1);
	assert_int_equal(
	    tk__source_freebsd.gettime(CLOCK_MONOTONIC_COARSE, &ts), 0);
	assert_int64_equal(ts.tv_sec, 6);
	assert_int_equal(
	    tk__source_freebsd.gettime(CLOCK_REALTIME_COARSE, &ts), 0);
	assert_int64_equal(ts.tv_sec, 16);
	assert_int_equal(
	    tk__source_freebsd.gettime(CLOCK_PROCESS_CPUTIME_ID, &ts), -ENOSYS);
	assert_int_equal(tk__source_freebsd.gettime(-1, &ts), -ENOSYS);
	assert_int_equal(tk__source_freebsd.gettime(INT_MAX, &ts), -ENOSYS);

	/*
	 * Realtime past 2262: the timespec and bintime hooks are exact, the
	 * int64 ns hook saturates instead of wrapping to a date before 1970.
	 */
	fpage->tk_th[SLOT].th_boottime.sec = 10000000000;
	assert_int_equal(tk__source_freebsd.gettime(CLOCK_REALTIME, &ts), 0);
	assert_int64_equal(ts.tv_sec, 10000000006);
	assert_int64_equal(ts.tv_nsec, 1);
	assert_int_equal(tk__source_freebsd.bintime(1, &bt), 0);
	assert_int64_equal(bt.sec, 10000000006);
	assert_int_equal(tk__source_freebsd.nanotime(1, 1, &ns), 0);
	assert_int64_equal(ns, INT64_MAX);
	fpage->tk_th[SLOT].th_boottime.sec = INT64_MIN + 5;
	assert_int_equal(tk__source_freebsd.nanotime(1, 1, &ns), 0);
	assert_int64_equal(ns, INT64_MIN);
	fpage->tk_th[SLOT].th_boottime.sec = 10;

	/* A page disabled later routes on every read. */
	fpage->tk_enabled = 0;
	assert_int_equal(tk__source_freebsd.nanotime(0, 1, &ns), -ENOSYS);
	assert_int_equal(
	    tk__source_freebsd.gettime(CLOCK_REALTIME, &ts), -ENOSYS);
	munmap(fpage, 4096);
	unlink(path);
}

static void
test_init_failures(void **state)
{
	const char *why;
	int err;

	(void)state;
	errno = 12345;
	why = NULL;
	assert_int_equal(
	    tk__source_freebsd.init("/nonexistent/timekeep", &why), -ENOENT);
	assert_non_null(why);
	assert_int_equal(errno, 12345);

	make_file(100); /* smaller than the 368-byte block */
	why = NULL;
	assert_int_equal(tk__source_freebsd.init(path, &why), -EINVAL);
	assert_non_null(why);
	assert_int_equal(errno, 12345);
	unlink(path);

	make_file(4096);
	page_build(fpage, 0, 0, 5, 0, 10, 0);
	fpage->tk_ver = 7;
	why = NULL;
	assert_int_equal(tk__source_freebsd.init(path, &why), -ENOTSUP);
	assert_non_null(why);
	munmap(fpage, 4096);
	unlink(path);

	/* No argument: the kernel's page, which only FreeBSD has. */
	why = NULL;
	err = tk__source_freebsd.init(NULL, &why);
	assert_non_null(why);
	if (err != 0) {
		struct tk_freebsd_page_info pi;

		assert_int_equal(err, -ENOENT);
		assert_true(strstr(why, "TIMEKEEP_SOURCE=freebsd:PATH") ||
		    strstr(why, "AT_TIMEKEEP"));
		/* The library's own choice finds no page either. */
		assert_int_equal(tk_freebsd_page_info(&pi), -ENOENT);
		assert_string_not_equal(tk_source(), "freebsd");
	}
	assert_int_equal(errno, 12345);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_scaled),
		cmocka_unit_test(test_binuptime_live),
		cmocka_unit_test(test_binuptime_large_delta),
		cmocka_unit_test(test_binuptime_mask),
		cmocka_unit_test(test_clock_ids),
		cmocka_unit_test(test_exact_floor),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_hooks),
		cmocka_unit_test(test_init_failures),
	};

	return TK_TEST_RUN(tests, setup, NULL);
}
