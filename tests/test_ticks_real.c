/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Ticks through the public API on this machine's source (docs/ticks.md).
 * With the tsc source (the own timehands over the TSC):
 *
 *   exactness  ticks a and b taken with tk_ticks_ordered() around a
 *		tk_nanotime() read v, converted at once, while another thread
 *		forces a windup every few microseconds: conv(a) <= v <=
 *		conv(b) exactly for every tick converted TK_TICKS_EXACT, and
 *		within the windup's length for EXTRAPOLATED ones (taken in a
 *		gap, or older than the short history such windups leave);
 *   later      a tick converts the same at once, 1 ms, 100 ms, 900 ms later;
 *   monotone   10^7 random pairs of ticks a <= b drawn across >= 100
 *		windups: conv(a) <= conv(b);
 *   record     the exported timebase record converts every tick of the
 *		run as the process does; damaged copies are refused;
 *   fork       a child's record (its page was wiped) clamps the parent's
 *		ticks, never converts them as its own.
 *
 * With TIMEKEEP_SOURCE=vdso or =syscall (ctest runs this program again
 * with each; the environment is read at the first clock call): ticks are
 * CLOCK_MONOTONIC ns, every conversion is the identity, and there is no
 * record to export.  Tests for another source SKIP with the reason.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "ticks.h"
#ifdef TK_WITH_TSC
#include "hands_test.h"
#endif
#include "tk_test.h"

static void
sleep_ns(int64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000),
		(long)(ns % 1000000000) };

	nanosleep(&ts, NULL);
}

#ifdef TK_WITH_TSC
/* The engine's knobs and counts, for the tsc source's tests. */
static void
set_interval(int64_t ns)
{
	tk__store_relaxed(&tk__tsc_hands.interval_ns, ns);
}

static uint64_t
windups(void)
{
	return tk__load_relaxed(&tk__tsc_page.stats.windups);
}

static int
hands_state(void)
{
	return hands_test_state(&tk__tsc_page);
}

static _Atomic int stop;

/* Windups whenever the hands are due, as fast as it can. */
static void *
forcer(void *arg)
{
	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed))
		(void)tk__hands_wind(&tk__tsc_hands);
	return NULL;
}
#else
static void
set_interval(int64_t ns)
{
	(void)ns;
}

static uint64_t
windups(void)
{
	return 0;
}

static int
hands_state(void)
{
	return 0;
}

static _Atomic int stop;

static void *
forcer(void *arg)
{
	return arg;
}
#define TK_HANDS_INTERVAL_NS 10000000LL
#define TK_HANDS_NHIST 512u
#endif

/* The tsc source, past its calibration, or SKIP. */
#define NEED_TSC()                                                             \
	do {                                                                   \
		TK_NEED_SOURCE("tsc");                                         \
		(void)tk_nanotime();                                           \
		sleep_ns(20000000);                                            \
		(void)tk_nanotime();                                           \
		if (hands_state() != 1)                                        \
			TK_SKIP("the tsc source has no hands (state %d)",      \
			    hands_state());                                    \
	} while (0)

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static int
conv(uint64_t t, int64_t *m)
{
	int st = tk_ticks_to_ns_checked(t, m, NULL);

	assert_true(st >= 0);
	return st;
}

/* ---- exactness under forced windups ------------------------------------- */

static pthread_t forcer_th;
static int forcing;

/* The teardown: no forcer left, the interval back, even after a failure. */
static int
unforce(void **state)
{
	(void)state;
	if (forcing) {
		atomic_store(&stop, 1);
		pthread_join(forcer_th, NULL);
		forcing = 0;
	}
	set_interval(TK_HANDS_INTERVAL_NS);
	return 0;
}

static void
test_exact_forced(void **state)
{
	enum { N = 64 };
	uint64_t a[N], b[N], n[3] = { 0, 0, 0 }, loose = 0, w0, rounds, r;
	int64_t v[N], ma, mb, off, slack, worst = 0, now;
	int i, sa, sb;

	(void)state;
	NEED_TSC();
	w0 = windups();
	set_interval(5000);
	atomic_store(&stop, 0);
	assert_int_equal(pthread_create(&forcer_th, NULL, forcer, NULL), 0);
	forcing = 1;
	rounds = tk_test_scale(40000);
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < N; i++) {
			a[i] = tk_ticks_ordered();
			v[i] = tk_nanotime();
			b[i] = tk_ticks_ordered();
		}
		now = tk_nanotime();
		for (i = 0; i < N; i++) {
			sa = conv(a[i], &ma);
			sb = conv(b[i], &mb);
			n[sa]++;
			n[sb]++;
			assert_true(sa != TK_TICKS_CLAMPED);
			assert_true(sb != TK_TICKS_CLAMPED);
			if (sa == TK_TICKS_EXACT)
				assert_int64_le(ma, v[i]);
			if (sb == TK_TICKS_EXACT)
				assert_int64_le(v[i], mb);
			off = ma - v[i] > v[i] - mb ? ma - v[i] : v[i] - mb;
			if (off <= 0)
				continue;
			/* A gap's length, or 1000 ppm of the age. */
			slack = 50000 + (now - v[i]) / 1000;
			assert_int64_le(off, slack);
			loose++;
			if (off > worst)
				worst = off;
		}
	}
	unforce(NULL);
	print_message("%" PRIu64 " ticks, %" PRIu64 " windups: %" PRIu64
	              " exact, %" PRIu64 " extrapolated (%" PRIu64
	              " off the sandwich, at most %" PRId64 " ns)\n",
	    n[0] + n[1], windups() - w0, n[0], n[1], loose, worst);
	assert_true(windups() - w0 > rounds / 10);
	assert_true(n[0] > 0);
}

/* ---- later -------------------------------------------------------------- */

static void
test_later_same(void **state)
{
	static const int64_t later_ns[] = { 1000000, 100000000, 900000000 };
	uint64_t t[8];
	int64_t m0[8], m;
	int st0[8], i, k;

	(void)state;
	NEED_TSC();
	for (i = 0; i < 8; i++) {
		(void)tk_nanotime();
		t[i] = tk_ticks_ordered();
		st0[i] = conv(t[i], &m0[i]);
		sleep_ns(1000);
	}
	for (k = 0; k < 3; k++) {
		sleep_ns(later_ns[k] - (k ? later_ns[k - 1] : 0));
		(void)tk_nanotime();
		for (i = 0; i < 8; i++) {
			assert_int_equal(conv(t[i], &m), st0[i]);
			assert_int64_equal(m, m0[i]);
		}
	}
}

/* ---- 10^7 pairs --------------------------------------------------------- */

static uint64_t rng = TK_TEST_SEED;

static void
test_monotone_pairs(void **state)
{
	uint64_t lo, hi, a, b, x, i, n = tk_test_scale(10000000), w0, w1;
	int64_t ma, mb, end;

	(void)state;
	NEED_TSC();
	w0 = windups();
	lo = tk_ticks_ordered();
	set_interval(200000);
	end = tk_nanotime() + 2000000000;
	while (windups() - w0 < 120 && tk_nanotime() < end)
		;
	set_interval(TK_HANDS_INTERVAL_NS);
	hi = tk_ticks_ordered();
	w1 = windups();
	assert_true(w1 - w0 >= 100);
	for (i = 0; i < n; i++) {
		a = lo + tk_test_rand(&rng) % (hi - lo);
		b = lo + tk_test_rand(&rng) % (hi - lo);
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
	print_message(
	    "%" PRIu64 " pairs across %" PRIu64 " windups\n", n, w1 - w0);
}

/* ---- the record --------------------------------------------------------- */

static unsigned char rec[TK_TIMEBASE_HDR + TK_HANDS_NHIST * TK_TIMEBASE_SEG];
static uint64_t rt[5000];

/* Ticks over ~0.3 s with windups of every kind of spacing, then a record. */
static long
run_and_export(void)
{
	long len;
	int i;

	for (i = 0; i < 5000; i++) {
		rt[i] = i % 2 ? tk_ticks() : tk_ticks_ordered();
		if (i % 7 == 0)
			(void)tk_nanotime();
		if (i % 500 == 0)
			sleep_ns(12000000);
		if (i == 2000)
			set_interval(50000);
		if (i == 3000)
			set_interval(TK_HANDS_INTERVAL_NS);
	}
	(void)tk_nanotime();
	len = tk_timebase_export(rec, sizeof(rec));
	return len;
}

static void
test_record(void **state)
{
	struct tk_ticks_info ti;
	int64_t m1, r1, m2, r2, now;
	long len;
	int i, st1, st2, n[3] = { 0, 0, 0 };

	(void)state;
	NEED_TSC();
	assert_int_equal(tk_timebase_export(NULL, 0), (long)sizeof(rec));
	len = run_and_export();
	assert_true(len > (long)TK_TIMEBASE_HDR);
	now = tk_nanotime();
	for (i = 0; i < 5000; i++) {
		st1 = tk_ticks_to_ns_checked(rt[i], &m1, &r1);
		st2 = tk_timebase_convert(rec, (size_t)len, rt[i], &m2, &r2);
		assert_int_equal(st1, st2);
		assert_int64_equal(m1, m2);
		assert_int64_equal(r1, r2);
		n[st1]++;
	}
	print_message("a record of %ld bytes converts %d exact, %d "
	              "extrapolated ticks as the process does\n",
	    len, n[0], n[1]);
	assert_int_equal(n[2], 0);
	/* The header: magic, kind, frequency, writer, time written. */
	assert_memory_equal(rec, "TKTB", 4);
	assert_string_equal((const char *)rec + 24, "tsc");
	tk_ticks_info(&ti);
	assert_true(ti.hz > 1000000000u);
	assert_int_equal(get32(rec + 48), (uint32_t)getpid());
	assert_true(tk_timebase_export(rec, 100) == -ENOSPC);
	(void)now;
}

/* A real record, damaged: refused, never read past its end. */
static void
test_record_damaged(void **state)
{
	unsigned char *p;
	int64_t m;
	long len;
	size_t cut, i;

	(void)state;
	NEED_TSC();
	len = run_and_export();
	assert_true(len > (long)TK_TIMEBASE_HDR);
	for (cut = 0; cut < (size_t)len; cut += 7) {
		p = malloc(cut ? cut : 1);
		assert_non_null(p);
		memcpy(p, rec, cut);
		assert_int_equal(
		    tk_timebase_convert(p, cut, rt[4999], &m, NULL), -EINVAL);
		free(p);
	}
	for (i = 0; i < (size_t)len; i += 13) {
		rec[i] ^= 0x10;
		if (i < TK_TIMEBASE_HDR)
			assert_int_equal(tk_timebase_convert(rec, (size_t)len,
			                     rt[4999], &m, NULL),
			    -EINVAL);
		rec[i] ^= 0x10;
	}
	rec[4] = 2; /* version 2 */
	assert_int_equal(
	    tk_timebase_convert(rec, (size_t)len, rt[4999], &m, NULL), -EINVAL);
}

/* ---- fork --------------------------------------------------------------- */

/*
 * The child's page is wiped: its record starts a new epoch, so the
 * parent's ticks from before the fork are clamped by it, and by the
 * child's own conversion; the child's own ticks convert the same both ways.
 */
static void
test_fork_child(void **state)
{
	uint64_t before[16], child_t;
	int64_t m, m2;
	int fd[2], i, status;
	long len, got;
	pid_t pid;

	(void)state;
	NEED_TSC();
	for (i = 0; i < 16; i++) {
		before[i] = tk_ticks_ordered();
		sleep_ns(100000);
	}
	assert_int_equal(pipe(fd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int bad = 0;

		close(fd[0]);
		for (i = 0; i < 16; i++)
			bad |= tk_ticks_to_ns_checked(before[i], &m, NULL) !=
			    TK_TICKS_CLAMPED;
		child_t = tk_ticks_ordered();
		bad |= tk_ticks_to_ns_checked(child_t, &m, NULL) < 0;
		len = tk_timebase_export(rec, sizeof(rec));
		bad |= len <= 0 ||
		    tk_timebase_convert(rec, (size_t)len, child_t, &m2, NULL) <
		        0 ||
		    m2 != m;
		if (write(fd[1], &len, sizeof(len)) != sizeof(len) ||
		    (len > 0 && write(fd[1], rec, (size_t)len) != len))
			bad = 1;
		_exit(bad);
	}
	close(fd[1]);
	assert_int_equal(read(fd[0], &len, sizeof(len)), sizeof(len));
	assert_true(len > (long)TK_TIMEBASE_HDR);
	for (got = 0; got < len;) {
		ssize_t k = read(fd[0], rec + got, (size_t)(len - got));

		assert_true(k > 0);
		got += k;
	}
	close(fd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_not_equal(get32(rec + 48), (uint32_t)getpid());
	for (i = 0; i < 16; i++)
		assert_int_equal(
		    tk_timebase_convert(rec, (size_t)len, before[i], &m, NULL),
		    TK_TICKS_CLAMPED);
	/* The parent's own conversions are untouched. */
	assert_true(conv(before[15], &m) != TK_TICKS_CLAMPED);
}

/* ---- sources without a counter ------------------------------------------ */

static void
test_identity(void **state)
{
	struct tk_ticks_info ti;
	int64_t n1, n2, m, r, off, off2, slack;
	uint64_t t;
	int i;

	(void)state;
	if (tk_test_source_is("tsc"))
		TK_SKIP("ticks are the TSC's here; TIMEKEEP_SOURCE=vdso and "
		        "=syscall runs check the identity");
	assert_int_equal(tk_ticks_info(&ti), 0);
	assert_string_equal(ti.unit, "ns");
	assert_true(ti.hz == 1000000000u);
	for (i = 0; i < 1000; i++) {
		n1 = tk_nanotime();
		t = i % 2 ? tk_ticks() : tk_ticks_ordered();
		n2 = tk_nanotime();
		assert_int64_le(n1, (int64_t)t);
		assert_int64_le((int64_t)t, n2);
		off = tk_realtime_ns() - tk_nanotime();
		assert_int_equal(
		    tk_ticks_to_ns_checked(t, &m, &r), TK_TICKS_EXACT);
		assert_int64_equal(m, (int64_t)t);
		assert_int64_equal(tk_ticks_to_ns(t), (int64_t)t);
		/* The offset now, within the time these reads took. */
		off2 = tk_realtime_ns() - tk_nanotime();
		slack = tk_nanotime() - n1 + 1000;
		assert_int64_le(
		    r - (int64_t)t, (off > off2 ? off : off2) + slack);
		assert_int64_le(
		    (off < off2 ? off : off2) - slack, r - (int64_t)t);
	}
	assert_int_equal(tk_timebase_export(NULL, 0), -ENOSYS);
	assert_int_equal(tk_timebase_export(rec, sizeof(rec)), -ENOSYS);
	print_message(
	    "source %s: ticks are ns, conversions the identity\n", tk_source());
}

/* tk_ticks_info on the tsc source: the counter, its rate, the history. */
static void
test_info(void **state)
{
	struct tk_ticks_info ti;
	int i;

	(void)state;
	NEED_TSC();
	for (i = 0; i < 5; i++) {
		sleep_ns(11000000);
		(void)tk_nanotime();
	}
	assert_int_equal(tk_ticks_info(&ti), 0);
	assert_string_equal(ti.unit, "tsc");
	assert_true(ti.hz > 1000000000u);
	assert_true(ti.history_ns > 0);
	assert_int_equal(tk_ticks_info(NULL), -EFAULT);
	print_message("tsc at %" PRIu64 " Hz, history %.3f s\n", ti.hz,
	    (double)ti.history_ns / 1e9);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_info),
		cmocka_unit_test_teardown(test_exact_forced, unforce),
		cmocka_unit_test(test_later_same),
		cmocka_unit_test_teardown(test_monotone_pairs, unforce),
		cmocka_unit_test_teardown(test_record, unforce),
		cmocka_unit_test(test_record_damaged),
		cmocka_unit_test(test_fork_child),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
