/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The accuracy soak (label "soak": ctest -L soak runs it, -LE soak leaves
 * it out): for TK_SOAK_SECONDS (default 30) s, tk_nanotime against the
 * kernel's CLOCK_MONOTONIC read just before and just after it (glibc's
 * clock_gettime, the vDSO), keeping the narrowest of three such brackets
 * per sample and dropping samples whose bracket is wider than 200 ns (a
 * preemption or an interrupt inside it says nothing about the clock).  The
 * error is tk_nanotime minus the bracket's midpoint.  Pauses of 0-4 ms now
 * and then let the hands go due while nobody reads, as real programs do.
 * Targets: p99 |error| <= 100 ns, max <= 1 us; the same for tk_walltime
 * against CLOCK_REALTIME.  All figures are printed.
 *
 * Native only: under a sanitizer or an emulator the bracket and the clock
 * are both distorted, and the test SKIPs saying so.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atomic.h"
#include "hands_test.h"
#include "source/tsc.h"
#include "timekeep.h"
#include "tk_test.h"

#define NBINS 2048 /* 1 ns bins; the last collects everything beyond */
#define WIDE_NS 200

struct stats {
	uint64_t bins[NBINS];
	uint64_t n, outside, wide;
	int64_t max, min_signed, max_signed;
};

static struct stats mono, real;

static int64_t
tk_real(void)
{
	int64_t s;
	int32_t ns;

	tk_walltime(&s, &ns);
	return s * 1000000000 + ns;
}

static void
sample(struct stats *st, clockid_t id, int64_t (*tk)(void))
{
	int64_t k1, k2, t, bk1 = 0, bk2 = 0, bt = 0, w = INT64_MAX, e, a;
	int i;

	for (i = 0; i < 3; i++) {
		k1 = tk_test_clock_ns(id);
		t = tk();
		k2 = tk_test_clock_ns(id);
		if (k2 - k1 < w) {
			w = k2 - k1;
			bk1 = k1;
			bk2 = k2;
			bt = t;
		}
	}
	if (w > WIDE_NS) {
		st->wide++;
		return;
	}
	e = bt - (bk1 + bk2) / 2;
	a = e < 0 ? -e : e;
	st->bins[a < NBINS ? a : NBINS - 1]++;
	st->n++;
	st->outside += bt < bk1 || bt > bk2;
	if (a > st->max)
		st->max = a;
	if (e < st->min_signed)
		st->min_signed = e;
	if (e > st->max_signed)
		st->max_signed = e;
}

static int64_t
pct(const struct stats *st, double p)
{
	uint64_t want = (uint64_t)((double)st->n * p), acc = 0;
	int64_t i;

	for (i = 0; i < NBINS; i++) {
		acc += st->bins[i];
		if (acc > want)
			return i;
	}
	return NBINS;
}

static void
report(const char *what, const struct stats *st)
{
	print_message("%s: %" PRIu64 " samples (%" PRIu64 " wide dropped), "
	              "|error| p50 %" PRId64 " ns, p99 %" PRId64
	              " ns, p99.9 %" PRId64 " ns, max %" PRId64
	              " ns; signed %+" PRId64 "..%+" PRId64 " ns; "
	              "outside the bracket %" PRIu64 "\n",
	    what, st->n, st->wide, pct(st, 0.5), pct(st, 0.99), pct(st, 0.999),
	    st->max, st->min_signed, st->max_signed, st->outside);
}

static void
test_soak(void **state)
{
	const char *env = getenv("TK_SOAK_SECONDS");
	struct tk__hands *h;
	int64_t secs = env != NULL ? atoll(env) : 30, end, next_pause;
	uint64_t w0, i = 0;
	unsigned seed = 12345;

	(void)state;
	if (tk_test_is_sanitized() || tk_test_is_emulated())
		TK_SKIP("accuracy is measured natively only (sanitizer or "
		        "emulator here distorts both clocks)");
	TK_NEED_SOURCE("tsc");
	end = tk_test_clock_ns(CLOCK_MONOTONIC) + 100000000;
	while (tk_test_clock_ns(CLOCK_MONOTONIC) < end)
		(void)tk_nanotime(); /* past the calibration */
	h = (&tk__tsc_hands);
	w0 = tk__load_relaxed(&h->page->stats.windups);
	memset(&mono, 0, sizeof(mono));
	memset(&real, 0, sizeof(real));
	end = tk_test_clock_ns(CLOCK_MONOTONIC) + secs * 1000000000;
	next_pause = tk_test_clock_ns(CLOCK_MONOTONIC) + 50000000;
	while (tk_test_clock_ns(CLOCK_MONOTONIC) < end) {
		sample(&mono, CLOCK_MONOTONIC, tk_nanotime);
		if ((++i & 15) == 0)
			sample(&real, CLOCK_REALTIME, tk_real);
		if ((i & 1023) == 0 &&
		    tk_test_clock_ns(CLOCK_MONOTONIC) >= next_pause) {
			struct timespec ts = { 0,
				(long)(rand_r(&seed) % 4000000) };

			nanosleep(&ts, NULL);
			next_pause =
			    tk_test_clock_ns(CLOCK_MONOTONIC) + 50000000;
		}
	}
	print_message("soak of %" PRId64 " s: %" PRIu64 " windups, %" PRIu64
	              " steps, %" PRIu64 " anomalies, %" PRIu64 " resets\n",
	    secs, tk__load_relaxed(&h->page->stats.windups) - w0,
	    tk__load_relaxed(&h->page->stats.steps),
	    tk__load_relaxed(&h->page->stats.anomalies),
	    tk__load_relaxed(&h->page->stats.resets));
	report("tk_nanotime vs CLOCK_MONOTONIC", &mono);
	report("tk_walltime vs CLOCK_REALTIME", &real);
	assert_true(mono.n > 1000);
	assert_int64_le(pct(&mono, 0.99), 100);
	assert_int64_le(mono.max, 1000);
	assert_int64_le(pct(&real, 0.99), 100);
	assert_int64_le(real.max, 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_soak),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
