/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The own tsc source as the library uses it: chosen here (or SKIP with the
 * reason timekeep gives), every entry point agreeing with the kernel's
 * clocks, monotonic in one thread for both reads, windups happening when
 * the interval is shrunk, the clocksource parser, the routing of the other
 * clock ids, and tk_counter_info()'s fields.  Accuracy under load is
 * test_tsc_accuracy's; threads are test_tsc_monotonic's.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "atomic.h"
#include "counter.h"
#include "hands_test.h"
#include "source/source.h"
#include "source/tsc.h"
#include "timekeep.h"
#include "tk_test.h"

static int64_t
iabs(int64_t x)
{
	return x < 0 ? -x : x;
}

/* Until the first hands exist (~0.3 ms), let the source calibrate. */
static void
warm_up(void)
{
	int64_t end = tk_test_clock_ns(CLOCK_MONOTONIC) + 50000000;

	while (tk_test_clock_ns(CLOCK_MONOTONIC) < end)
		(void)tk_nanotime();
}

static void
test_chosen(void **state)
{
	struct tk_source_info si[8];
	struct timespec t0, t1;
	int i, n;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	TK_NEED_SOURCE("tsc");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_message("first call (the source choice): %" PRId64 " us\n",
	    ((int64_t)(t1.tv_sec - t0.tv_sec) * 1000000000 + t1.tv_nsec -
	        t0.tv_nsec) /
	        1000);
	n = tk_sources(si, 8);
	for (i = 0; i < n && i < 8; i++)
		if (strcmp(si[i].name, "tsc") == 0) {
			assert_int_equal(si[i].usable, 1);
			assert_int_equal(si[i].chosen, 1);
			print_message("tsc: %s\n", si[i].reason);
		}
	warm_up();
	assert_int_equal(hands_test_state(&tk__tsc_page), 1);
	assert_int_equal(tk__tsc_page.hdr.magic, TK_HANDS_MAGIC);
	assert_int_equal(tk__tsc_page.hdr.version, TK_HANDS_VERSION);
}

/*
 * Every entry point against the kernel's clock read just before and just
 * after it: within a microsecond of the bracket (accuracy proper is the
 * soak's), and nanotime inside it whenever the bracket is narrow.
 */
static void
test_agree(void **state)
{
	struct tk_bintime bt;
	struct timespec ts;
	int64_t k1, k2, t, sec, inside = 0, narrow = 0;
	int32_t nsec;
	int i;

	(void)state;
	TK_NEED_SOURCE("tsc");
	warm_up();
	for (i = 0; i < 100000; i++) {
		k1 = tk_test_clock_ns(CLOCK_MONOTONIC);
		t = tk_nanotime();
		k2 = tk_test_clock_ns(CLOCK_MONOTONIC);
		assert_int64_le(k1 - 1000, t);
		assert_int64_le(t, k2 + 1000);
		if (k2 - k1 < 100) {
			narrow++;
			inside += k1 - 50 <= t && t <= k2 + 50;
		}
		k1 = tk_test_clock_ns(CLOCK_MONOTONIC);
		t = tk_nanotime_relaxed();
		k2 = tk_test_clock_ns(CLOCK_MONOTONIC);
		assert_int64_le(k1 - 1000, t);
		assert_int64_le(t, k2 + 1000);
		k1 = tk_test_clock_ns(CLOCK_MONOTONIC);
		assert_int_equal(tk_clock_gettime(CLOCK_MONOTONIC, &ts), 0);
		k2 = tk_test_clock_ns(CLOCK_MONOTONIC);
		t = tk_test_ts_ns(&ts);
		assert_true(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
		assert_int64_le(k1 - 1000, t);
		assert_int64_le(t, k2 + 1000);
		k1 = tk_test_clock_ns(CLOCK_MONOTONIC);
		assert_int_equal(tk_binuptime(&bt), 0);
		k2 = tk_test_clock_ns(CLOCK_MONOTONIC);
		t = tk_bintime_to_ns(&bt);
		assert_int64_le(k1 - 1000, t);
		assert_int64_le(t, k2 + 1000);
		k1 = tk_test_clock_ns(CLOCK_REALTIME);
		tk_walltime(&sec, &nsec);
		k2 = tk_test_clock_ns(CLOCK_REALTIME);
		t = sec * 1000000000 + nsec;
		assert_true(nsec >= 0 && nsec < 1000000000);
		assert_int64_le(k1 - 1000, t);
		assert_int64_le(t, k2 + 1000);
		k1 = tk_test_clock_ns(CLOCK_REALTIME);
		assert_int_equal(tk_clock_gettime(CLOCK_REALTIME, &ts), 0);
		k2 = tk_test_clock_ns(CLOCK_REALTIME);
		t = tk_test_ts_ns(&ts);
		assert_int64_le(k1 - 1000, t);
		assert_int64_le(t, k2 + 1000);
		k1 = tk_test_clock_ns(CLOCK_REALTIME);
		assert_int_equal(tk_bintime(&bt), 0);
		k2 = tk_test_clock_ns(CLOCK_REALTIME);
		t = tk_bintime_to_ns(&bt);
		assert_int64_le(k1 - 1000, t);
		assert_int64_le(t, k2 + 1000);
	}
	print_message(
	    "tk_nanotime inside a < 100 ns bracket (+-50 ns): %" PRId64
	    " of %" PRId64 "\n",
	    inside, narrow);
	assert_true(narrow == 0 || inside * 100 >= narrow * 99);
}

/* Both reads never go back in one thread, across windups. */
static void
test_monotonic_one_thread(void **state)
{
	struct tk__hands *h;
	uint64_t n = tk_test_scale(20000000), i, w0;
	int64_t a, b = 0, r, rr = 0;

	(void)state;
	TK_NEED_SOURCE("tsc");
	warm_up();
	h = (&tk__tsc_hands);
	w0 = tk__load_relaxed(&h->page->stats.windups);
	tk__store_relaxed(&h->interval_ns, 20000); /* a windup every 20 us */
	for (i = 0; i < n; i++) {
		a = tk_nanotime();
		r = tk_nanotime_relaxed();
		if (a < b || r < rr)
			break;
		b = a;
		rr = r;
	}
	tk__store_relaxed(&h->interval_ns, TK_HANDS_INTERVAL_NS);
	assert_uint64_equal(i, n);
	print_message("%" PRIu64 " reads, %" PRIu64 " windups\n", 2 * n,
	    tk__load_relaxed(&h->page->stats.windups) - w0);
	assert_true(tk__load_relaxed(&h->page->stats.windups) - w0 > 100);
}

/* Shrinking the interval makes windups happen, and accuracy holds. */
static void
test_forced_windups(void **state)
{
	struct tk__hands *h;
	int64_t end, k1, t, k2, worst = 0;
	uint64_t w0;

	(void)state;
	TK_NEED_SOURCE("tsc");
	warm_up();
	h = (&tk__tsc_hands);
	w0 = tk__load_relaxed(&h->page->stats.windups);
	tk__store_relaxed(&h->interval_ns, 50000);
	end = tk_test_clock_ns(CLOCK_MONOTONIC) + 200000000;
	while ((k1 = tk_test_clock_ns(CLOCK_MONOTONIC)) < end) {
		t = tk_nanotime();
		k2 = tk_test_clock_ns(CLOCK_MONOTONIC);
		if (k2 - k1 < 200 && iabs(t - (k1 + k2) / 2) > worst)
			worst = iabs(t - (k1 + k2) / 2);
	}
	tk__store_relaxed(&h->interval_ns, TK_HANDS_INTERVAL_NS);
	print_message("windups in 200 ms at 50 us: %" PRIu64
	              ", max |error| %" PRId64 " ns\n",
	    tk__load_relaxed(&h->page->stats.windups) - w0, worst);
	assert_true(tk__load_relaxed(&h->page->stats.windups) - w0 > 1000);
	if (!tk_test_is_sanitized())
		assert_int64_le(worst, 1000);
}

static int
unfit_check(void)
{
	return -ENODEV;
}

/*
 * The child's checks after its first windup found the counter unfit: the
 * reads handed over to the vdso source, and so did the ticks (ns now, the
 * identity), not left as TSC counts the new source reads as ns.
 */
static int
handed_over_checks(uint64_t unused)
{
	struct tk_ticks_info ti;
	int64_t end = tk_test_clock_ns(CLOCK_MONOTONIC) + 100000000;
	int64_t ns;
	uint64_t t;

	(void)unused;
	tk__tsc_hands.first_check = unfit_check;
	tk__store_relaxed(&tk__tsc_hands.checked, 0);
	tk__tsc_hands.memo = NULL; /* calibrate, so the check runs */
	while (strcmp(tk_source(), "tsc") == 0 &&
	    tk_test_clock_ns(CLOCK_MONOTONIC) < end)
		(void)tk_nanotime();
	if (strcmp(tk_source(), "vdso") != 0)
		return 10;
	if (tk_ticks_info(&ti) != 0 || strcmp(ti.unit, "ns") != 0)
		return 11;
	t = tk_ticks();
	ns = tk_nanotime();
	if (iabs(ns - (int64_t)t) > 1000000)
		return 12;
	if (tk_ticks_to_ns(t) != (int64_t)t)
		return 13;
	return 0;
}

/*
 * A process whose first windup finds the TSC unfit (here: the check made
 * to fail in a fork child, whose page fork wiped) hands its reads and its
 * ticks to the vdso source.
 */
static void
test_hand_over(void **state)
{
	int st;

	(void)state;
	TK_NEED_SOURCE("tsc");
	warm_up();
	st = tk_test_in_child(handed_over_checks, 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void
test_parse_clocksource(void **state)
{
	(void)state;
	assert_int_equal(tk__tsc_parse_clocksource("tsc\n", 4), 1);
	assert_int_equal(tk__tsc_parse_clocksource("tsc", 3), 1);
	assert_int_equal(tk__tsc_parse_clocksource("tsc\n\n", 5), 0);
	assert_int_equal(tk__tsc_parse_clocksource("kvm-clock\n", 10), 0);
	assert_int_equal(tk__tsc_parse_clocksource("hpet\n", 5), 0);
	assert_int_equal(tk__tsc_parse_clocksource("tsc2\n", 5), 0);
	assert_int_equal(tk__tsc_parse_clocksource("ts\n", 3), 0);
	assert_int_equal(tk__tsc_parse_clocksource("", 0), 0);
	assert_int_equal(tk__tsc_parse_clocksource("\n", 1), 0);
}

/* Other clock ids are routed to the next source; bad ones are -EINVAL. */
static void
test_other_ids(void **state)
{
	struct timespec ts, k;
	int64_t a, b;

	(void)state;
	TK_NEED_SOURCE("tsc");
	clock_gettime(CLOCK_BOOTTIME, &k);
	assert_int_equal(tk_clock_gettime(CLOCK_BOOTTIME, &ts), 0);
	a = tk_test_ts_ns(&k);
	b = tk_test_ts_ns(&ts);
	assert_int64_le(a, b);
	assert_int64_le(b, a + 100000000);
	assert_int_equal(tk_clock_gettime(CLOCK_MONOTONIC_RAW, &ts), 0);
	assert_int_equal(tk_clock_gettime(-1, &ts), -EINVAL);
	assert_int_equal(tk_clock_gettime(CLOCK_MONOTONIC, NULL), -EFAULT);
	/* The source itself routes them: not its clocks. */
	assert_int_equal(tk__source_tsc.gettime(CLOCK_BOOTTIME, &ts), -ENOSYS);
	assert_int_equal(tk__source_tsc.gettime(CLOCK_MONOTONIC, &ts), 0);
}

static void
test_counter_info(void **state)
{
	struct tk_counter_info ci;
	static const char *const orders[] = { "rdtscp", "lfence+rdtsc",
		"mfence+rdtsc", "rdtsc" };
	struct timespec t0;
	uint64_t c0, c1;
	int64_t k0, k1;
	double hz;
	size_t i;
	int ok = 0;

	(void)state;
	assert_int_equal(tk_counter_info(NULL), -EFAULT);
	memset(&ci, 0x5a, sizeof(ci));
	assert_int_equal(tk_counter_info(&ci), 0);
	assert_string_equal(ci.kind, "tsc");
	for (i = 0; i < sizeof(orders) / sizeof(orders[0]); i++)
		ok |= strcmp(ci.ordering, orders[i]) == 0;
	assert_true(ok);
	assert_non_null(ci.vendor);
	assert_true(memchr(ci.model, '\0', sizeof(ci.model)) != NULL);
	assert_true(ci.invariant >= -1 && ci.invariant <= 1);
	assert_non_null(ci.freq_from);
	print_message("kind %s, ordering %s, vendor \"%s\", model \"%s\", "
	              "invariant %d, %" PRIu64 " Hz (%s)\n",
	    ci.kind, ci.ordering, ci.vendor, ci.model, ci.invariant, ci.freq_hz,
	    ci.freq_from);
	if (tk_test_source_is("tsc")) {
		assert_true(ci.model[0] != '\0');
		/* Against a 20 ms measurement of our own: within 0.1%. */
		clock_gettime(CLOCK_MONOTONIC, &t0);
		k0 = tk_test_ts_ns(&t0);
		c0 = tk__counter_ordered();
		do {
			clock_gettime(CLOCK_MONOTONIC, &t0);
			k1 = tk_test_ts_ns(&t0);
		} while (k1 - k0 < 20000000);
		c1 = tk__counter_ordered();
		hz = (double)(c1 - c0) * 1e9 / (double)(k1 - k0);
		assert_true(ci.freq_hz != 0);
		assert_true((double)ci.freq_hz > hz * 0.999 &&
		    (double)ci.freq_hz < hz * 1.001);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chosen),
		cmocka_unit_test(test_agree),
		cmocka_unit_test(test_monotonic_one_thread),
		cmocka_unit_test(test_forced_windups),
		cmocka_unit_test(test_hand_over),
		cmocka_unit_test(test_parse_clocksource),
		cmocka_unit_test(test_other_ids),
		cmocka_unit_test(test_counter_info),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
