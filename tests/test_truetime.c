/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bounded time (tk_truetime) through the public API:
 *
 *   api	NULL pointers, status unknown's whole-range interval, after()
 *		and before() false without a bound, commit wait refusing at
 *		once, an unknown TIMEKEEP_TRUETIME name;
 *   machine	the provider this machine has, against the kernel's own
 *		adjtimex: an unsynchronised kernel gives UNKNOWN;
 *   adjtimex	through the test seam with synthetic maxerror, esterror and
 *		status: the bound is maxerror + 500 us, grows at 500 ppm,
 *		UNSYNC, CLOCKERR, TIME_ERROR, 16 s and a failing call claim
 *		none; the call is made at most once a period, by whichever
 *		reader finds it due, also with threads reading flat out;
 *   detect	detection order with every provider present, and with
 *		each taken away in turn; a VMClock page without time is
 *		skipped but its marker still checks ClockBound;
 *   wait	commit wait returns once after(t) holds, and at its deadline.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include "truetime/tt.h"
#include "tk_test.h"
#include "tt_writers.h"

static struct tk__tt_timex adj_fake;
static unsigned adj_calls;
static int adj_fail;

static int
fake_adjtimex(struct tk__tt_timex *tx)
{
	__atomic_fetch_add(&adj_calls, 1u, __ATOMIC_RELAXED);
	if (__atomic_load_n(&adj_fail, __ATOMIC_RELAXED))
		return -ENOSYS;
	tx->state = __atomic_load_n(&adj_fake.state, __ATOMIC_RELAXED);
	tx->status = __atomic_load_n(&adj_fake.status, __ATOMIC_RELAXED);
	tx->maxerror_us =
	    __atomic_load_n(&adj_fake.maxerror_us, __ATOMIC_RELAXED);
	tx->esterror_us =
	    __atomic_load_n(&adj_fake.esterror_us, __ATOMIC_RELAXED);
	return tx->state;
}

static void
fake_set(int state, int status, long maxerror_us, long esterror_us)
{
	__atomic_store_n(&adj_fake.state, state, __ATOMIC_RELAXED);
	__atomic_store_n(&adj_fake.status, status, __ATOMIC_RELAXED);
	__atomic_store_n(&adj_fake.maxerror_us, maxerror_us, __ATOMIC_RELAXED);
	__atomic_store_n(&adj_fake.esterror_us, esterror_us, __ATOMIC_RELAXED);
}

/* No real provider file: every path of the seam names nothing. */
static void
seam_clear(void)
{
	memset(&tk__tt_hooks, 0, sizeof(tk__tt_hooks));
	tk__tt_hooks.vmclock_path = "/nonexistent/vmclock0";
	tk__tt_hooks.clockbound_path = "/nonexistent/shm0";
	tk__tt_hooks.fbclock_path = "/nonexistent/fbclock_data_v2";
}

static void
use_fake_adjtimex(int64_t period_ns)
{
	seam_clear();
	tk__tt_hooks.adjtimex = fake_adjtimex;
	tk__tt_hooks.adj_period_ns = period_ns;
	__atomic_store_n(&adj_calls, 0u, __ATOMIC_RELAXED);
	__atomic_store_n(&adj_fail, 0, __ATOMIC_RELAXED);
	tt_force(NULL);
}

static int64_t
real_ns(void)
{
	return tk_test_clock_ns(CLOCK_REALTIME);
}

static void
sleep_ns(int64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000),
		(long)(ns % 1000000000) };

	nanosleep(&ts, NULL);
}

static void
assert_unknown(const struct tk_truetime *tt, int status)
{
	assert_int_equal(tt->status, status);
	assert_int64_equal(tt->earliest_ns, INT64_MIN);
	assert_int64_equal(tt->latest_ns, INT64_MAX);
	assert_int64_equal(tt->age_ns, -1);
}

static void
test_api(void **state)
{
	struct tk_truetime tt;
	int64_t t0;

	(void)state;
	seam_clear();
	tt_force("none");
	assert_int_equal(tk_truetime(NULL), -EFAULT);
	assert_int_equal(tk_truetime_info(NULL), -EFAULT);
	assert_int_equal(tk_truetime(&tt), 0);
	assert_string_equal(tt.provider, "none");
	assert_unknown(&tt, TK_TRUETIME_UNKNOWN);
	{
		const int64_t ts[] = { INT64_MIN + 1, -1, 0, 1, real_ns(),
			INT64_MAX - 1 };

		for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
			assert_false(tk_truetime_after(ts[i]));
			assert_false(tk_truetime_before(ts[i]));
		}
	}
	assert_false(tk_truetime_after(INT64_MIN));
	assert_false(tk_truetime_before(INT64_MAX));
	t0 = tk_nanotime();
	assert_int_equal(tk_truetime_wait_until_past(0, INT64_MAX), -EAGAIN);
	assert_int64_lt(tk_nanotime() - t0, 100000000);

	tt_force("nosuch:/tmp");
	assert_int_equal(tk_truetime(&tt), 0);
	assert_string_equal(tt.provider, "none");
	{
		struct tk_truetime_info ti;

		assert_int_equal(tk_truetime_info(&ti), 0);
		assert_non_null(strstr(ti.why, "names no provider"));
	}
}

static void
test_machine(void **state)
{
	struct tk_truetime tt;
	struct timex tx = { 0 };
	int st;

	(void)state;
	seam_clear();
	memset(&tk__tt_hooks, 0, sizeof(tk__tt_hooks));
	tt_force(NULL);
	assert_int_equal(tk_truetime(&tt), 0);
	printf("[          ] this machine: provider %s, status %d\n",
	    tt.provider, tt.status);
	if (strcmp(tt.provider, "adjtimex") != 0)
		TK_SKIP("the provider here is %s, not adjtimex", tt.provider);
	st = adjtimex(&tx);
	if (st == TIME_ERROR || (tx.status & STA_UNSYNC) != 0 ||
	    tx.maxerror >= 16000000) {
		printf("[          ] kernel unsynchronised (state %d, status "
		       "%#x, maxerror %ld us): no bound\n",
		    st, tx.status, tx.maxerror);
		assert_unknown(&tt, TK_TRUETIME_UNKNOWN);
	} else {
		int64_t r = real_ns();

		assert_int_equal(tt.status, TK_TRUETIME_SYNCHRONIZED);
		assert_int64_le(tt.earliest_ns, r);
		assert_int64_le(r - 1000000000, tt.latest_ns);
		assert_int64_le((int64_t)tx.maxerror * 1000,
		    (tt.latest_ns - tt.earliest_ns) / 2);
	}
}

static int64_t
half_width(const struct tk_truetime *tt)
{
	return (tt->latest_ns - tt->earliest_ns) / 2;
}

static void
test_adjtimex_bound(void **state)
{
	struct tk_truetime tt, tt2;
	struct tk_truetime_info ti;
	int64_t r0, r1, m0, m1, b1, b2;

	(void)state;
	fake_set(TIME_OK, STA_PLL, 1000, 200);
	use_fake_adjtimex(10 * 1000000000LL);
	r0 = real_ns();
	assert_int_equal(tk_truetime(&tt), 0);
	r1 = real_ns();
	assert_string_equal(tt.provider, "adjtimex");
	assert_int_equal(tt.status, TK_TRUETIME_SYNCHRONIZED);
	/* maxerror + the kernel's next 500 us step + growth + rounding */
	b1 = half_width(&tt);
	assert_int64_le(1500000, b1);
	assert_int64_le(b1, 1500000 + 10000);
	assert_int64_le(tt.earliest_ns, r1 - 1500000);
	assert_int64_le(r0 + 1500000, tt.latest_ns);
	assert_int64_le(0, tt.age_ns);

	assert_int_equal(tk_truetime_info(&ti), 0);
	assert_string_equal(ti.provider, "adjtimex");
	assert_string_equal(ti.provider_status, "synchronized");
	assert_int64_equal(ti.bound_ns, 1000000);
	assert_int64_equal(ti.drift_ppb, 500000);
	assert_int_equal(ti.nfields, 4);
	assert_string_equal(ti.fields[3].name, "esterror");
	assert_int64_equal((int64_t)ti.fields[3].value, 200);

	/* Between readings the bound grows at 500 ppm, and only so. */
	m0 = tk_nanotime();
	sleep_ns(100000000);
	assert_int_equal(tk_truetime(&tt2), 0);
	m1 = tk_nanotime();
	b2 = half_width(&tt2);
	assert_int64_le(b1 + (m1 - m0 - 2000000) / 2000, b2);
	assert_int64_le(b2, b1 + (m1 - m0 + 2000000) / 2000 + 2);
	assert_int64_le(100000000 - 2000000, tt2.age_ns - tt.age_ns);
	assert_int_equal(__atomic_load_n(&adj_calls, __ATOMIC_RELAXED), 1);
}

struct adj_case {
	int state, status;
	long maxerror_us;
	int fail;
	int want; /* TK_TRUETIME_* */
};

static void
test_adjtimex_states(void **state)
{
	static const struct adj_case cases[] = {
		{ TIME_OK, 0, 5000, 0, TK_TRUETIME_SYNCHRONIZED },
		{ TIME_INS, 0, 5000, 0, TK_TRUETIME_SYNCHRONIZED },
		{ TIME_OK, STA_UNSYNC, 5000, 0, TK_TRUETIME_UNKNOWN },
		{ TIME_OK, STA_CLOCKERR, 5000, 0, TK_TRUETIME_UNKNOWN },
		{ TIME_ERROR, 0, 5000, 0, TK_TRUETIME_UNKNOWN },
		{ TIME_OK, 0, 16000000, 0, TK_TRUETIME_UNKNOWN },
		{ TIME_OK, 0, -1, 0, TK_TRUETIME_UNKNOWN },
		{ TIME_OK, 0, 5000, 1, TK_TRUETIME_UNKNOWN },
	};
	struct tk_truetime tt;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct adj_case *c = &cases[i];

		fake_set(c->state, c->status, c->maxerror_us, 0);
		use_fake_adjtimex(0);
		__atomic_store_n(&adj_fail, c->fail, __ATOMIC_RELAXED);
		assert_int_equal(tk_truetime(&tt), 0);
		assert_int_equal(tt.status, c->want);
		/* A call that fails at the choice: no provider at all. */
		assert_string_equal(tt.provider, c->fail ? "none" : "adjtimex");
		if (c->want == TK_TRUETIME_UNKNOWN)
			assert_unknown(&tt, TK_TRUETIME_UNKNOWN);
	}

	/* A refresh that turns unsynchronised takes effect next period. */
	fake_set(TIME_OK, 0, 5000, 0);
	use_fake_adjtimex(20000000);
	assert_int_equal(tk_truetime(&tt), 0);
	assert_int_equal(tt.status, TK_TRUETIME_SYNCHRONIZED);
	fake_set(TIME_ERROR, STA_UNSYNC, 16000000, 16000000);
	sleep_ns(30000000);
	assert_int_equal(tk_truetime(&tt), 0);
	assert_unknown(&tt, TK_TRUETIME_UNKNOWN);
	fake_set(TIME_OK, 0, 7000, 0);
	sleep_ns(30000000);
	assert_int_equal(tk_truetime(&tt), 0);
	assert_int_equal(tt.status, TK_TRUETIME_SYNCHRONIZED);
	assert_int64_le(7500000, half_width(&tt));
}

static int stop_readers;

static void *
reader_flat_out(void *arg)
{
	uint64_t *n = arg;
	struct tk_truetime tt;

	while (!__atomic_load_n(&stop_readers, __ATOMIC_RELAXED)) {
		tk_truetime(&tt);
		if (tt.status != TK_TRUETIME_SYNCHRONIZED)
			abort();
		(*n)++;
	}
	return NULL;
}

static void
test_adjtimex_once_per_period(void **state)
{
	struct tk_truetime tt;
	pthread_t th[2];
	uint64_t n[2] = { 0, 0 };
	int64_t t0, t1;
	unsigned calls;

	(void)state;
	fake_set(TIME_OK, 0, 1000, 0);
	use_fake_adjtimex(0); /* the real period, 1 s */
	t0 = tk_nanotime();
	for (int i = 0; i < 100000; i++)
		assert_int_equal(tk_truetime(&tt), 0);
	t1 = tk_nanotime();
	if (t1 - t0 < 900000000)
		assert_int_equal(
		    __atomic_load_n(&adj_calls, __ATOMIC_RELAXED), 1);
	sleep_ns(1050000000 - (tk_nanotime() - t0));
	assert_int_equal(tk_truetime(&tt), 0);
	assert_int_equal(tk_truetime(&tt), 0);
	assert_int_equal(__atomic_load_n(&adj_calls, __ATOMIC_RELAXED), 2);

	/* Two threads flat out for 1 s at a 100 ms period. */
	use_fake_adjtimex(100000000);
	assert_int_equal(tk_truetime(&tt), 0);
	t0 = tk_nanotime();
	__atomic_store_n(&stop_readers, 0, __ATOMIC_RELAXED);
	for (int i = 0; i < 2; i++)
		assert_int_equal(
		    pthread_create(&th[i], NULL, reader_flat_out, &n[i]), 0);
	sleep_ns(1000000000);
	__atomic_store_n(&stop_readers, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	t1 = tk_nanotime();
	calls = __atomic_load_n(&adj_calls, __ATOMIC_RELAXED);
	printf("[          ] %llu reads in %.2f s, %u adjtimex calls\n",
	    (unsigned long long)(n[0] + n[1]), (double)(t1 - t0) / 1e9, calls);
	assert_true(calls >= 5);
	assert_true((int64_t)calls <= 2 + (t1 - t0) / 100000000);
}

static void
test_wait(void **state)
{
	struct tk_truetime tt;
	int64_t t, m_read, m0, m1, gap;

	(void)state;
	fake_set(TIME_OK, 0, 1000, 0);
	use_fake_adjtimex(0);
	m_read = tk_nanotime();
	assert_int_equal(tk_truetime(&tt), 0);
	assert_int_equal(tt.status, TK_TRUETIME_SYNCHRONIZED);
	t = tt.latest_ns; /* Spanner's commit timestamp */
	gap = t - tt.earliest_ns;
	assert_false(tk_truetime_after(t));
	assert_true(tk_truetime_after(tt.earliest_ns - 1));
	assert_true(tk_truetime_before(tt.latest_ns + 3000000));
	assert_false(tk_truetime_before(tt.earliest_ns));
	m0 = tk_nanotime();
	assert_int_equal(tk_truetime_wait_until_past(t, INT64_MAX), 0);
	m1 = tk_nanotime();
	assert_true(tk_truetime_after(t));
	printf("[          ] commit wait for a %.3f ms interval: %.3f ms\n",
	    (double)gap / 1e6, (double)(m1 - m0) / 1e6);
	/* Past t only once the whole interval has gone by since the read. */
	assert_int64_le(gap - 100000, m1 - m_read);
	/* Not much longer than needed (more room where threads crawl). */
	assert_int64_le(m1 - m0, gap + tk_test_hang_ns(20000000));

	/* A deadline first. */
	m0 = tk_nanotime();
	assert_int_equal(tk_truetime_wait_until_past(
	                     real_ns() + 10000000000LL, m0 + 20000000),
	    -ETIMEDOUT);
	m1 = tk_nanotime();
	assert_int64_le(20000000, m1 - m0);
	assert_int64_le(m1 - m0, tk_test_hang_ns(200000000));
	/* Already past: 0 even with a deadline gone. */
	assert_int_equal(tk_truetime_wait_until_past(0, 0), 0);
}

/* A ClockBound segment good for a while, in a shared file. */
static void
cb_good(void *seg, int64_t bound_ns, int dsupport, uint64_t marker)
{
	int64_t now = tk_test_clock_ns(CLOCK_MONOTONIC_COARSE);
	struct tt_cb_data d = {
		.as_of_ns = now,
		.void_after_ns = now + 1000 * 1000000000LL,
		.bound_ns = bound_ns,
		.disruption_marker = marker,
		.max_drift_ppb = 50000,
		.clock_status = TK_TRUETIME_SYNCHRONIZED,
		.disruption_support = (uint8_t)dsupport,
	};

	tt_cb_write(seg, &d);
}

static void
vm_good(void *page, uint64_t flags, uint64_t marker)
{
	struct tt_truth tr = { 0 };
	struct tt_vm_data d = { 0 };
	int64_t now = real_ns();

	tr.hz = 1000000000; /* any rate: the provider is only chosen */
	tt_vm_format(page, tt_vm_counter_id(), 0);
	d.disruption_marker = marker;
	d.flags = flags;
	d.clock_status = 2;
	d.counter_value = tt_counter();
	d.period_frac = tt_truth_period_frac(&tr);
	d.maxerror_rate_frac = d.period_frac / 1000000;
	d.time_sec = (uint64_t)(now / 1000000000);
	d.maxerror_ns = 10000;
	tt_vm_write(page, &d);
}

static void
test_detect(void **state)
{
	char vp[128], cp[128], fp[128];
	void *vm = tt_shm_create(TT_VM_SIZE, vp, sizeof(vp));
	void *cb = tt_shm_create(TT_CB_SIZE, cp, sizeof(cp));
	void *fb = tt_shm_create(TT_FB_SIZE, fp, sizeof(fp));
	struct tk_source_info si[8];
	struct tk_truetime tt;
	struct tt_fb_data fd = { 0 };
	int64_t r = real_ns();

	(void)state;
	assert_non_null(vm);
	assert_non_null(cb);
	assert_non_null(fb);
	vm_good(vm, TT_VM_FLAGS_TIME, 7);
	/* Formatted once, then written, as the daemon does (no restart). */
	tt_cb_format(cb);
	cb_good(cb, 100000, 1, 7);
	fd.ingress_time_ns = r + 37000000000LL - 1000000;
	fd.error_bound_ns = 1000;
	fd.holdover_multiplier_ns = 65536;
	fd.phc_time_ns = r + 37000000000LL;
	fd.sysclock_time_ns = r;
	tt_fb_write(fb, &fd);
	fake_set(TIME_OK, 0, 1000, 0);
	use_fake_adjtimex(0);
	tk__tt_hooks.vmclock_path = vp;
	tk__tt_hooks.clockbound_path = cp;
	tk__tt_hooks.fbclock_path = fp;

	if (tt_vm_counter_id() != 0xff) {
		tt_force(NULL);
		assert_int_equal(tk_truetime(&tt), 0);
		assert_string_equal(tt.provider, "vmclock");
		assert_int_equal(tk_truetime_providers(si, 8), 5);
		assert_string_equal(si[0].name, "vmclock");
		assert_true(si[0].chosen && si[0].usable);
		assert_string_equal(si[1].name, "clockbound");
		assert_true(si[1].usable && !si[1].chosen);
		assert_string_equal(si[2].name, "fbclock");
		assert_true(si[2].usable);
		assert_string_equal(si[3].name, "adjtimex");
		assert_string_equal(si[4].name, "none");
	}
	/* A page without time: skipped, its marker still checked. */
	vm_good(vm, 0, 7);
	tt_force(NULL);
	assert_int_equal(tk_truetime(&tt), 0);
	assert_string_equal(tt.provider, "clockbound");
	assert_int_equal(tt.status, TK_TRUETIME_SYNCHRONIZED);
	vm_good(vm, 0, 8); /* a migration the daemon has not seen yet */
	assert_int_equal(tk_truetime(&tt), 0);
	assert_unknown(&tt, TK_TRUETIME_UNKNOWN);
	cb_good(cb, 100000, 1, 8); /* the daemon caught up */
	assert_int_equal(tk_truetime(&tt), 0);
	assert_int_equal(tt.status, TK_TRUETIME_SYNCHRONIZED);

	tk__tt_hooks.clockbound_path = "/nonexistent";
	tt_force(NULL);
	assert_int_equal(tk_truetime(&tt), 0);
	assert_string_equal(tt.provider, "fbclock");
	assert_int_equal(tt.status, TK_TRUETIME_SYNCHRONIZED);
	tk__tt_hooks.fbclock_path = "/nonexistent";
	tt_force(NULL);
	assert_int_equal(tk_truetime(&tt), 0);
	assert_string_equal(tt.provider, "adjtimex");
	__atomic_store_n(&adj_fail, 1, __ATOMIC_RELAXED);
	tt_force(NULL);
	assert_int_equal(tk_truetime(&tt), 0);
	assert_string_equal(tt.provider, "none");

	tt_force(NULL);
	seam_clear();
	tt_shm_destroy(vm, TT_VM_SIZE, vp);
	tt_shm_destroy(cb, TT_CB_SIZE, cp);
	tt_shm_destroy(fb, TT_FB_SIZE, fp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api),
		cmocka_unit_test(test_machine),
		cmocka_unit_test(test_adjtimex_bound),
		cmocka_unit_test(test_adjtimex_states),
		cmocka_unit_test(test_adjtimex_once_per_period),
		cmocka_unit_test(test_wait),
		cmocka_unit_test(test_detect),
	};

	unsetenv("TIMEKEEP_TRUETIME");
	return TK_TEST_RUN(tests, NULL, NULL);
}
