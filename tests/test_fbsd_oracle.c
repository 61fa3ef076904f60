/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Regression tests for what an independent check found when it compared
 * timekeep's FreeBSD source with FreeBSD's own libc reader
 * (lib/libc/sys/__vdso_gettimeofday.c binuptime()) on the same pages.  One
 * page, written here into a file and named by TIMEKEEP_SOURCE=freebsd:PATH
 * before the first clock call, carries the values of that report:
 *
 *   th_scale 8019071362 (a 2.3 GHz counter), th_counter_mask 0xffffffff,
 *   th_x86_shift 0, th_offset 2400 s + 0xf339ff271fc1d189, no writer: the
 *   page is stale, so the masked delta grows past 2^31 counts;
 *   th_boottime 10000000000 s (the year 2286; FreeBSD's settimeofday
 *   accepts it), past the 2262 limit of an int64 nanosecond count.
 *
 * th_offset_count is the one value not copied: the report's 0x463bdd9e was
 * its machine's counter at the time, so here it is set from this machine's
 * counter to put the delta at DELTA0, past 2^31 as in the report (and set
 * again, as a new generation, whenever the delta nears its wrap).
 *
 *   relaxed   tk_nanotime_relaxed() reads as libc does, scale x delta added
 *	       however large the delta, and never goes back within a thread
 *	       (it returned th_offset unchanged once the delta passed 2^31);
 *   past2262  tk_walltime(), tk_clock_gettime(CLOCK_REALTIME) and
 *	       tk_bintime() give 10000002400 s and more, exactly (tk_walltime
 *	       wrapped to 1702 through an int64 nanosecond intermediate);
 *   boottime  CLOCK_BOOTTIME comes from the page, as CLOCK_MONOTONIC does
 *	       (it went to the host kernel, an hour and more away).
 *
 * Expected values are computed here from the page's numbers with 128-bit
 * arithmetic at counter values read just before and after each call.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "atomic.h"
#include "counter.h"
#include "fbsd_host.h"
#include "timehands.h"
#include "tk_test.h"

#define SCALE 8019071362ull
#define OFF_SEC 2400
#define OFF_FRAC 0xf339ff271fc1d189ull
#define BOOT_SEC 10000000000ll
#define DELTA0 0x90000000u /* past 2^31, 0.8 s of counts before the wrap */
#define SLOT 1
#define READS 20000

static char path[64];
static struct fbsd_vdso_timekeep *page;
static uint32_t gen = 1;

/* The page's 32-bit counter: the CPU counter, shift 0. */
static uint32_t
tc_now(void)
{
	return (uint32_t)tk__counter_ordered();
}

/*
 * Publish slot SLOT with the delta at DELTA0 from now, as the kernel's
 * timehands_update() publishes (generation 0, fields, new generation).
 */
static void
publish(void)
{
	struct fbsd_vdso_timehands *th = &page->tk_th[SLOT];

	tk__th_write_begin(&th->th_gen);
	tk__store_relaxed(&th->th_offset_count, tc_now() - DELTA0);
	gen = tk__th_next_gen(gen);
	tk__th_write_end(&th->th_gen, gen, &page->tk_current, SLOT);
}

static int
make_page(void)
{
	struct fbsd_vdso_timehands *th;
	void *m;
	int fd;

	snprintf(path, sizeof(path), "/tmp/fbsd-oracle-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, 4096) != 0)
		return -1;
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return -1;
	page = m;
	th = &page->tk_th[SLOT];
	page->tk_ver = VDSO_TK_VER_CURR;
	page->tk_enabled = 1;
	th->th_algo = FBSD_HOST_COUNTER_ALGO;
	th->th_scale = SCALE;
	th->th_counter_mask = 0xffffffffu;
	th->th_offset.sec = OFF_SEC;
	th->th_offset.frac = OFF_FRAC;
	th->th_boottime.sec = BOOT_SEC;
	th->th_boottime.frac = 0;
	fbsd_host_fill_counter_md(th, 0);
	publish();
	return 0;
}

/* The delta at counter value c (its low 32 bits: shift 0, full mask). */
static uint32_t
delta_at(uint64_t c)
{
	return (uint32_t)c -
	    tk__load_relaxed(&page->tk_th[SLOT].th_offset_count);
}

/* libc's binuptime(abs) at counter value c, exactly. */
static void
libc_at(uint64_t c, int abs, struct tk_bintime *bt)
{
	unsigned __int128 p = (unsigned __int128)SCALE * delta_at(c);

	bt->sec = OFF_SEC + (int64_t)(uint64_t)(p >> 64);
	bt->frac = OFF_FRAC;
	tk_bintime_addx(bt, (uint64_t)p);
	if (abs)
		bt->sec += BOOT_SEC;
}

static int64_t
libc_ns(uint64_t c)
{
	struct tk_bintime bt;

	libc_at(c, 0, &bt);
	return tk_bintime_to_ns(&bt);
}

/*
 * Put the delta back at DELTA0 when it nears its wrap, so that the reads
 * below never straddle it (libc's own value falls back by 2^32 counts
 * there).  Returns the delta now.
 */
static uint32_t
fresh(void)
{
	uint32_t d = delta_at(tk__counter_ordered());

	if (d < DELTA0 || d > 0xf0000000u)
		publish();
	return delta_at(tk__counter_ordered());
}

/* Did the delta wrap between counter values c0 and c1? */
static int
wrapped(uint64_t c0, uint64_t c1)
{
	return delta_at(c1) < delta_at(c0);
}

static void
test_relaxed_stale(void **state)
{
	int64_t v, lo, hi, prev = INT64_MIN;
	uint64_t c0, c1;
	int i, checked = 0;

	(void)state;
	assert_string_equal(tk_source(), "freebsd");
	assert_true(fresh() > 0x80000000u);
	for (i = 0; i < READS; i++) {
		if ((i & 1023) == 0)
			(void)fresh();
		c0 = tk__counter_ordered();
		v = tk_nanotime_relaxed();
		c1 = tk__counter_ordered();
		if (wrapped(c0, c1)) {
			prev = INT64_MIN;
			continue;
		}
		lo = libc_ns(c0);
		hi = libc_ns(c1);
		if (v < lo || v > hi) {
			print_error("read %d: relaxed %lld ns not in libc's "
			            "[%lld, %lld] (delta %#x)\n",
			    i, (long long)v, (long long)lo, (long long)hi,
			    delta_at(c0));
			fail();
		}
		/* Never back within this thread. */
		assert_int64_le(prev, v);
		prev = v;
		checked++;
	}
	assert_true(checked > READS / 2);
	/* The ordered read agreed before; it must still. */
	(void)fresh();
	c0 = tk__counter_ordered();
	v = tk_nanotime();
	c1 = tk__counter_ordered();
	if (!wrapped(c0, c1)) {
		assert_int64_le(libc_ns(c0), v);
		assert_int64_le(v, libc_ns(c1));
	}
}

/* a <= (sec, nsec) <= b as FreeBSD's floor conversion gives them. */
static void
assert_ts_between(const struct tk_bintime *a, int64_t sec, long nsec,
    const struct tk_bintime *b, const char *what)
{
	struct timespec ta, tb;

	tk_bintime_to_timespec(a, &ta);
	tk_bintime_to_timespec(b, &tb);
	if (sec < (int64_t)ta.tv_sec ||
	    (sec == (int64_t)ta.tv_sec && nsec < ta.tv_nsec) ||
	    sec > (int64_t)tb.tv_sec ||
	    (sec == (int64_t)tb.tv_sec && nsec > tb.tv_nsec)) {
		print_error("%s: %lld.%09ld s not in [%lld.%09ld, "
		            "%lld.%09ld]\n",
		    what, (long long)sec, nsec, (long long)ta.tv_sec,
		    ta.tv_nsec, (long long)tb.tv_sec, tb.tv_nsec);
		fail();
	}
}

static void
test_past_2262(void **state)
{
	struct tk_bintime a, b, bt;
	struct timespec ts;
	uint64_t c0, c1;
	int64_t sec;
	int32_t nsec;
	int i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		(void)fresh();
		c0 = tk__counter_ordered();
		tk_walltime(&sec, &nsec);
		c1 = tk__counter_ordered();
		if (wrapped(c0, c1))
			continue;
		libc_at(c0, 1, &a);
		libc_at(c1, 1, &b);
		assert_ts_between(&a, sec, nsec, &b, "tk_walltime");

		c0 = tk__counter_ordered();
		assert_int_equal(tk_clock_gettime(CLOCK_REALTIME, &ts), 0);
		c1 = tk__counter_ordered();
		if (wrapped(c0, c1))
			continue;
		libc_at(c0, 1, &a);
		libc_at(c1, 1, &b);
		assert_ts_between(&a, (int64_t)ts.tv_sec, ts.tv_nsec, &b,
		    "tk_clock_gettime(CLOCK_REALTIME)");

		c0 = tk__counter_ordered();
		assert_int_equal(tk_bintime(&bt), 0);
		c1 = tk__counter_ordered();
		if (wrapped(c0, c1))
			continue;
		libc_at(c0, 1, &a);
		libc_at(c1, 1, &b);
		assert_true(tk_bintime_cmp(&a, &bt) <= 0);
		assert_true(tk_bintime_cmp(&bt, &b) <= 0);
	}
	assert_int64_le(BOOT_SEC + OFF_SEC, sec);
}

static void
test_boottime(void **state)
{
	struct timespec ts;
	uint64_t c0, c1;
	int i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		(void)fresh();
		c0 = tk__counter_ordered();
		assert_int_equal(tk_clock_gettime(CLOCK_BOOTTIME, &ts), 0);
		c1 = tk__counter_ordered();
		if (wrapped(c0, c1))
			continue;
		if (tk_test_ts_ns(&ts) < libc_ns(c0) ||
		    tk_test_ts_ns(&ts) > libc_ns(c1)) {
			print_error("CLOCK_BOOTTIME %lld ns is not the page's "
			            "uptime [%lld, %lld]\n",
			    (long long)tk_test_ts_ns(&ts),
			    (long long)libc_ns(c0), (long long)libc_ns(c1));
			fail();
		}
		/* The same clock as CLOCK_MONOTONIC, from the same page. */
		c0 = tk__counter_ordered();
		assert_int_equal(tk_clock_gettime(CLOCK_MONOTONIC, &ts), 0);
		c1 = tk__counter_ordered();
		if (wrapped(c0, c1))
			continue;
		assert_int64_le(libc_ns(c0), tk_test_ts_ns(&ts));
		assert_int64_le(tk_test_ts_ns(&ts), libc_ns(c1));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relaxed_stale),
		cmocka_unit_test(test_past_2262),
		cmocka_unit_test(test_boottime),
	};
	char env[100];
	int rc;

	if (make_page() != 0) {
		printf("[  SKIP    ] cannot write a page file in /tmp\n");
		return 77;
	}
	/* The environment is read on the first clock call: set it first. */
	snprintf(env, sizeof(env), "freebsd:%s", path);
	setenv("TIMEKEEP_SOURCE", env, 1);
	rc = TK_TEST_RUN(tests, NULL, NULL);
	unlink(path);
	return rc;
}
