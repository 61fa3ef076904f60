/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The x86 device counters of the FreeBSD timekeep source (HPET, Hyper-V
 * reference TSC, KVM pvclock) against device pages simulated in memory:
 * this machine has none of those devices as FreeBSD exposes them, so the
 * readers are driven with pages laid out as the hardware and hypervisors
 * lay them out (src/abi/fbsd_x86_devices.h), with the real TSC.
 *
 *   HPET	the main counter at 0xf0; through a timekeep page naming
 *		HPET unit 3; a unit >= 10 and an absent unit route;
 *   Hyper-V	the formula high64(tsc x scale) + ofs; a read bracketed by
 *		TSC values; tsc_seq 0 routes at once; a page updated
 *		concurrently never yields a torn pair;
 *   pvclock	scale_delta against 128-bit arithmetic; the stable path;
 *		the floor th_x86_pvc_last_systime; the unstable path with
 *		per-vCPU records picked by RDTSCP's CPU number (the thread
 *		pinned to each CPU in turn), a CPU number past the records,
 *		no records, a version stuck odd (bounded), and records
 *		updated concurrently; through a timekeep page.
 *
 * Linux has no such devices: a page naming one routes to the system call
 * unless the test put a simulated page in place (dev_install()).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <x86intrin.h>

#include "counter.h"
#include "source/fbsd_x86_dev.h"
#include "source/freebsd.h"
#include "timehands.h"
#include "tk_test.h"

static unsigned char tkbuf[4096] __attribute__((aligned(64)));
static struct fbsd_vdso_timekeep *page = (struct fbsd_vdso_timekeep *)tkbuf;

static struct fbsd_vdso_timehands *
page_build(uint32_t algo, uint64_t scale, uint32_t count)
{
	struct fbsd_vdso_timehands *th = &page->tk_th[1];

	memset(tkbuf, 0, sizeof(tkbuf));
	page->tk_ver = VDSO_TK_VER_CURR;
	page->tk_enabled = 1;
	page->tk_current = 1;
	th->th_algo = algo;
	th->th_gen = 9;
	th->th_scale = scale;
	th->th_offset_count = count;
	th->th_counter_mask = 0xffffffffu;
	th->th_offset.sec = 50;
	return th;
}

/*
 * Make dev (unit idx for HPET) read from map, a simulated page (ncpus
 * records for pvclock); NULL forgets it, MAP_FAILED marks the device
 * unusable.  Not for concurrent use with readers of the same device.
 */
static void
dev_install(enum fbsd_dev dev, uint32_t idx, const void *map, uint32_t ncpus)
{
	const void **slot;

	switch (dev) {
	case FBSD_DEV_HPET:
		if (idx >= HPET_DEV_MAP_MAX)
			return;
		slot = &tk__fbsd_devs.hpet[idx];
		break;
	case FBSD_DEV_HVTSC:
		slot = &tk__fbsd_devs.hvtsc;
		break;
	case FBSD_DEV_PVCLOCK:
		slot = &tk__fbsd_devs.pvclock;
		/* Ordered by the release store below. */
		tk__store_relaxed(&tk__fbsd_devs.pvclock_ncpus, ncpus);
		break;
	default:
		return;
	}
	/*
	 * Release: the simulated page and pvclock_ncpus are visible before
	 * the pointer; pairs with the acquire load in fbsd_dev_get().
	 */
	tk__store_release(slot, map);
}

static int
setup(void **state)
{
	(void)state;
	tk__fbsd_arch_init();
	return 0;
}

/* v lies in [lo, hi] on the 32-bit circle (a short arc). */
static void
assert_arc(uint32_t lo, uint32_t v, uint32_t hi)
{
	if ((uint32_t)(v - lo) > (uint32_t)(hi - lo)) {
		print_error("%#x not in [%#x, %#x]\n", v, lo, hi);
		fail();
	}
}

/* --- HPET ------------------------------------------------------------- */

static uint32_t hpet_regs[1024] __attribute__((aligned(4096)));

static void
test_hpet(void **state)
{
	struct fbsd_vdso_timehands *th;
	struct tk_bintime bt;
	uint32_t tc;
	unsigned passes;

	(void)state;
	hpet_regs[HPET_MAIN_COUNTER / 4] = 0x12345678u;
	assert_int_equal(tk__fbsd_hpet_read(hpet_regs, &tc), 0);
	assert_int_equal(tc, 0x12345678u);

	/* A 14.31818 MHz HPET, unit 3, 1000 ticks past th_offset_count. */
	dev_install(FBSD_DEV_HPET, 3, hpet_regs, 0);
	th = page_build(
	    VDSO_TH_ALGO_X86_HPET, 1288330084326ull, 0x12345678u - 1000);
	th->th_x86_hpet_idx = 3;
	assert_int_equal(tk__fbsd_binuptime(page, 0, &bt, &passes), 0);
	/* Read in the first pass, after th_gen, as libc reads it. */
	assert_int_equal(passes, 1);
	assert_int64_equal(bt.sec, 50);
	assert_uint64_equal(bt.frac, 1288330084326ull * 1000);
	/* The counter wraps: the masked 32-bit delta is still 1000. */
	hpet_regs[HPET_MAIN_COUNTER / 4] = 500;
	th->th_offset_count = (uint32_t)(500 - 1000);
	assert_int_equal(tk__fbsd_binuptime(page, 0, &bt, NULL), 0);
	assert_uint64_equal(bt.frac, 1288330084326ull * 1000);

	/* Unit 10 is past libc's map; unit 4 has no device here. */
	th->th_x86_hpet_idx = HPET_DEV_MAP_MAX;
	assert_int_equal(tk__fbsd_binuptime(page, 0, &bt, NULL), -ENOSYS);
	th->th_x86_hpet_idx = 0xffffffffu;
	assert_int_equal(tk__fbsd_binuptime(page, 0, &bt, NULL), -ENOSYS);
	th->th_x86_hpet_idx = 4;
	assert_int_equal(tk__fbsd_binuptime(page, 0, &bt, NULL), -ENOSYS);
	assert_int_equal(tk__fbsd_binuptime(page, 0, &bt, NULL), -ENOSYS);
	dev_install(FBSD_DEV_HPET, 3, NULL, 0);
}

/* --- Hyper-V ------------------------------------------------------------ */

static struct fbsd_hyperv_reftsc hv __attribute__((aligned(4096)));

/* The hypervisor's side of the protocol, as the tests play it. */
static void
hv_publish(uint32_t seq, uint64_t scale, int64_t ofs)
{
	tk__store_relaxed(&hv.tsc_seq, 0u);
	/*
	 * Release fence: the 0 is visible before the new fields; pairs with
	 * the acquire fence in tk__fbsd_hvtsc_read().
	 */
	tk__fence_release();
	tk__store_relaxed(&hv.tsc_scale, scale);
	tk__store_relaxed(&hv.tsc_ofs, ofs);
	/*
	 * Release: the fields are visible before the sequence; pairs with
	 * the acquire load of tsc_seq in tk__fbsd_hvtsc_read().
	 */
	tk__store_release(&hv.tsc_seq, seq);
}

static void
test_hv_value(void **state)
{
	(void)state;
	assert_uint64_equal(
	    tk__fbsd_hvtsc_value(1ull << 63, 1ull << 63, 0), 1ull << 62);
	assert_uint64_equal(tk__fbsd_hvtsc_value(UINT64_MAX, UINT64_MAX, 5),
	    UINT64_MAX - 1 + 5);
	assert_uint64_equal(tk__fbsd_hvtsc_value(1000, 0, -7), (uint64_t)-7);
	assert_uint64_equal(
	    tk__fbsd_hvtsc_value(3ull << 40, 1ull << 32, 0), 3ull << 8);
}

static void
test_hv_read(void **state)
{
	uint64_t scale = 0x0666666666666666ull; /* ~ 1/40: 4 GHz to 100 ns */
	int64_t ofs = 123456789;
	uint64_t t0, t1;
	uint32_t tc;
	unsigned passes;

	(void)state;
	hv_publish(7, scale, ofs);
	t0 = tk__counter_ordered();
	assert_int_equal(tk__fbsd_hvtsc_read(&hv, &tc, &passes), 0);
	t1 = tk__counter_ordered();
	assert_int_equal(passes, 1);
	assert_arc((uint32_t)tk__fbsd_hvtsc_value(t0, scale, ofs), tc,
	    (uint32_t)tk__fbsd_hvtsc_value(t1, scale, ofs));

	/* tsc_seq 0: the page is not valid, the system call answers. */
	hv_publish(0, scale, ofs);
	assert_int_equal(tk__fbsd_hvtsc_read(&hv, &tc, &passes), -ENOSYS);
	assert_int_equal(passes, 1);

	/* Through a timekeep page naming the Hyper-V counter. */
	hv_publish(8, scale, ofs);
	dev_install(FBSD_DEV_HVTSC, 0, &hv, 0);
	page_build(VDSO_TH_ALGO_X86_HVTSC, 1ull << 32,
	    (uint32_t)tk__fbsd_hvtsc_value(tk__counter_ordered(), scale, ofs));
	{
		struct tk_bintime bt;

		assert_int_equal(tk__fbsd_binuptime(page, 0, &bt, NULL), 0);
		assert_int64_equal(bt.sec, 50);
		hv_publish(0, scale, ofs);
		assert_int_equal(
		    tk__fbsd_binuptime(page, 0, &bt, NULL), -ENOSYS);
	}
	dev_install(FBSD_DEV_HVTSC, 0, NULL, 0);
	{
		struct tk_bintime bt;

		/* No /dev/hv_tsc on this OS: routes, and keeps routing. */
		assert_int_equal(
		    tk__fbsd_binuptime(page, 0, &bt, NULL), -ENOSYS);
		assert_int_equal(
		    tk__fbsd_binuptime(page, 0, &bt, NULL), -ENOSYS);
	}
	dev_install(FBSD_DEV_HVTSC, 0, NULL, 0);
}

/* Two parameter sets; a torn mix of them lands 12345 off both. */
#define HV_SCALE_A (1ull << 63)
#define HV_OFS_A 0
#define HV_SCALE_B (1ull << 62)
#define HV_OFS_B ((1ll << 40) + 12345)

static int hv_stop;

static void *
hv_writer(void *arg)
{
	uint32_t seq = 1;

	(void)arg;
	while (!tk__load_relaxed(&hv_stop)) {
		seq = seq + 1 == 0 ? 1 : seq + 1;
		if (seq & 1)
			hv_publish(seq, HV_SCALE_A, HV_OFS_A);
		else
			hv_publish(seq, HV_SCALE_B, HV_OFS_B);
	}
	return NULL;
}

static void
test_hv_concurrent(void **state)
{
	uint64_t i, n = tk_test_scale(2000000), ok = 0, t0, t1;
	uint32_t tc, a0, a1, b0, b1;
	unsigned passes;
	pthread_t t;
	int err;

	(void)state;
	hv_publish(1, HV_SCALE_A, HV_OFS_A);
	tk__store_relaxed(&hv_stop, 0);
	assert_int_equal(pthread_create(&t, NULL, hv_writer, NULL), 0);
	for (i = 0; i < n; i++) {
		t0 = tk__counter_ordered();
		err = tk__fbsd_hvtsc_read(&hv, &tc, &passes);
		t1 = tk__counter_ordered();
		assert_true(passes >= 1 && passes <= TK_TH_READ_TRIES);
		if (err != 0) {
			/* seq 0 mid-update, or the bound: both route. */
			assert_true(err == -ENOSYS || err == -EAGAIN);
			continue;
		}
		a0 = (uint32_t)tk__fbsd_hvtsc_value(t0, HV_SCALE_A, HV_OFS_A);
		a1 = (uint32_t)tk__fbsd_hvtsc_value(t1, HV_SCALE_A, HV_OFS_A);
		b0 = (uint32_t)tk__fbsd_hvtsc_value(t0, HV_SCALE_B, HV_OFS_B);
		b1 = (uint32_t)tk__fbsd_hvtsc_value(t1, HV_SCALE_B, HV_OFS_B);
		if ((uint32_t)(tc - a0) > (uint32_t)(a1 - a0) &&
		    (uint32_t)(tc - b0) > (uint32_t)(b1 - b0)) {
			print_error(
			    "torn: %#x not in [%#x, %#x] nor [%#x, %#x]\n", tc,
			    a0, a1, b0, b1);
			fail();
		}
		ok++;
	}
	tk__store_relaxed(&hv_stop, 1);
	pthread_join(t, NULL);
	printf("[ INFO     ] %llu of %llu Hyper-V reads served\n",
	    (unsigned long long)ok, (unsigned long long)n);
}

/* --- pvclock ------------------------------------------------------------ */

#define NREC 64
static struct fbsd_pvclock_vcpu_time_info pvc[NREC]
    __attribute__((aligned(4096)));

static uint64_t
ref_scale_delta(uint64_t delta, uint32_t mul, int8_t shift)
{
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

static void
test_pvc_scale_delta(void **state)
{
	uint64_t s = 88172645463325252ull, d;
	uint32_t m;
	int8_t sh;
	int i;

	(void)state;
	assert_uint64_equal(
	    tk__fbsd_pvclock_scale_delta(1000, 0x80000000u, 0), 500);
	assert_uint64_equal(
	    tk__fbsd_pvclock_scale_delta(1000, 0x80000000u, 1), 1000);
	assert_uint64_equal(
	    tk__fbsd_pvclock_scale_delta(1000, 0x80000000u, -1), 250);
	assert_uint64_equal(
	    tk__fbsd_pvclock_scale_delta(1ull << 40, 0xffffffffu, 0),
	    (1ull << 40) - (1ull << 8));
	assert_uint64_equal(tk__fbsd_pvclock_scale_delta(5, 7, 64), 0);
	assert_uint64_equal(tk__fbsd_pvclock_scale_delta(5, 7, -128), 0);
	for (i = 0; i < 1000000; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		d = s >> (s & 31);
		m = (uint32_t)(s >> 13);
		sh = (int8_t)((int)(s >> 40 & 15) - 8);
		assert_uint64_equal(tk__fbsd_pvclock_scale_delta(d, m, sh),
		    ref_scale_delta(d, m, sh));
	}
}

/* One record per CPU on the line ns = st + (tsc - ts) / 2. */
static void
pvc_fill(uint64_t ts, uint64_t st_base, uint8_t flags)
{
	int i;

	memset(pvc, 0, sizeof(pvc));
	for (i = 0; i < NREC; i++) {
		pvc[i].version = 2;
		pvc[i].tsc_timestamp = ts;
		pvc[i].system_time = st_base + (uint64_t)i * 1000000000ull;
		pvc[i].tsc_to_system_mul = 0x80000000u;
		pvc[i].tsc_shift = 0;
		pvc[i].flags = flags;
	}
}

static uint32_t
pvc_expect(unsigned cpu, uint64_t tsc)
{
	return (uint32_t)(pvc[cpu].system_time +
	    (tsc - pvc[cpu].tsc_timestamp) / 2);
}

static int
pin(unsigned cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static void
test_pvc_stable(void **state)
{
	uint64_t t0, t1;
	uint32_t tc;
	unsigned passes;

	(void)state;
	pvc_fill(tk__counter_ordered(), 5000000000ull, PVCLOCK_FLAG_TSC_STABLE);
	t0 = tk__counter_ordered();
	assert_int_equal(tk__fbsd_pvclock_read(pvc, NREC,
	                     PVCLOCK_FLAG_TSC_STABLE, 0, &tc, &passes),
	    0);
	t1 = tk__counter_ordered();
	assert_int_equal(passes, 1);
	/* Stable: vCPU 0's record, whichever CPU this runs on. */
	assert_arc(pvc_expect(0, t0), tc, pvc_expect(0, t1));

	/* The kernel's floor wins when the record is behind it. */
	assert_int_equal(
	    tk__fbsd_pvclock_read(pvc, NREC, PVCLOCK_FLAG_TSC_STABLE,
	        (1ull << 50) + 7, &tc, &passes),
	    0);
	assert_int_equal(tc, 7);

	/* No records; a version stuck odd: both route, within the bound. */
	assert_int_equal(tk__fbsd_pvclock_read(
	                     pvc, 0, PVCLOCK_FLAG_TSC_STABLE, 0, &tc, &passes),
	    -ENOSYS);
	pvc[0].version = 3;
	assert_int_equal(tk__fbsd_pvclock_read(pvc, NREC,
	                     PVCLOCK_FLAG_TSC_STABLE, 0, &tc, &passes),
	    -EAGAIN);
	assert_int_equal(passes, TK_TH_READ_TRIES);
}

static void
test_pvc_unstable(void **state)
{
	unsigned cpu, aux, tried = 0, ncpu = 0;
	cpu_set_t orig;
	uint64_t t0, t1;
	uint32_t tc;
	unsigned passes;

	(void)state;
	if (sched_getaffinity(0, sizeof(orig), &orig) != 0)
		TK_SKIP("sched_getaffinity: %s", strerror(errno));
	pvc_fill(tk__counter_ordered(), 5000000000ull, 0);
	for (cpu = 0; cpu < NREC; cpu++) {
		if (!CPU_ISSET(cpu, &orig) || pin(cpu) != 0)
			continue;
		ncpu++;
		(void)__rdtscp(&aux);
		if (aux >= NREC)
			continue; /* not a plain CPU number (node bits) */
		/* Not stable (flags 0): this CPU's own record. */
		t0 = tk__counter_ordered();
		assert_int_equal(tk__fbsd_pvclock_read(pvc, NREC,
		                     PVCLOCK_FLAG_TSC_STABLE, 0, &tc, &passes),
		    0);
		t1 = tk__counter_ordered();
		assert_arc(pvc_expect(aux, t0), tc, pvc_expect(aux, t1));
		/* stable_mask 0 (vdso_force_unstable) means the same. */
		assert_int_equal(
		    tk__fbsd_pvclock_read(pvc, NREC, 0, 0, &tc, &passes), 0);
		/* A CPU number past the records routes. */
		assert_int_equal(
		    tk__fbsd_pvclock_read(pvc, aux, 0, 0, &tc, &passes),
		    -ENOSYS);
		tried++;
	}
	sched_setaffinity(0, sizeof(orig), &orig);
	if (tried == 0)
		TK_SKIP("RDTSCP gives no CPU number on any of %u CPUs", ncpu);
	printf("[ INFO     ] unstable path checked on %u CPUs\n", tried);
}

/*
 * The hypervisor's update of vCPU 0's record: a new base taken from the TSC
 * now, on the same line ns = st0 + (tsc - ts0) / 2, with the odd/even
 * version protocol around it.
 */
static int pvc_stop;
static uint64_t pvc_ts0, pvc_st0;

static void *
pvc_writer(void *arg)
{
	uint32_t v = 2;
	uint64_t ts;

	(void)arg;
	while (!tk__load_relaxed(&pvc_stop)) {
		ts = pvc_ts0 + ((tk__counter_ordered() - pvc_ts0) & ~1ull);
		tk__store_relaxed(&pvc[0].version, ++v); /* odd: updating */
		/*
		 * Release fence: the odd version is visible before the new
		 * fields; pairs with the acquire fence in
		 * tk__fbsd_pvclock_read().
		 */
		tk__fence_release();
		tk__store_relaxed(&pvc[0].tsc_timestamp, ts);
		tk__store_relaxed(
		    &pvc[0].system_time, pvc_st0 + (ts - pvc_ts0) / 2);
		/*
		 * Release: the fields are visible before the even version;
		 * pairs with the acquire load of version in
		 * tk__fbsd_pvclock_read().
		 */
		tk__store_release(&pvc[0].version, ++v);
	}
	return NULL;
}

static void
test_pvc_concurrent(void **state)
{
	uint64_t i, n = tk_test_scale(2000000), ok = 0, t0, t1;
	uint64_t ts0 = tk__counter_ordered() - (1ull << 30);
	uint64_t st0 = 5000000000ull;
	uint32_t tc, lo, hi;
	unsigned passes;
	pthread_t t;
	int err;

	(void)state;
	pvc_ts0 = ts0;
	pvc_st0 = st0;
	pvc_fill(ts0, st0, PVCLOCK_FLAG_TSC_STABLE);
	tk__store_relaxed(&pvc_stop, 0);
	assert_int_equal(pthread_create(&t, NULL, pvc_writer, NULL), 0);
	for (i = 0; i < n; i++) {
		t0 = tk__counter_ordered();
		err = tk__fbsd_pvclock_read(
		    pvc, NREC, PVCLOCK_FLAG_TSC_STABLE, 0, &tc, &passes);
		t1 = tk__counter_ordered();
		if (err != 0) {
			assert_int_equal(err, -EAGAIN);
			assert_int_equal(passes, TK_TH_READ_TRIES);
			continue;
		}
		/* Every consistent record is on the line st0 + (t - ts0)/2. */
		lo = (uint32_t)(st0 + (t0 - ts0) / 2);
		hi = (uint32_t)(st0 + (t1 - ts0) / 2);
		assert_arc(lo, tc, hi);
		ok++;
	}
	tk__store_relaxed(&pvc_stop, 1);
	pthread_join(t, NULL);
	assert_true(ok > 0);
	printf("[ INFO     ] %llu of %llu pvclock reads served\n",
	    (unsigned long long)ok, (unsigned long long)n);
}

static void
test_pvc_page(void **state)
{
	struct fbsd_vdso_timehands *th;
	struct tk_bintime bt;
	uint64_t t0;

	(void)state;
	t0 = tk__counter_ordered();
	pvc_fill(t0, 7000000000ull, PVCLOCK_FLAG_TSC_STABLE);
	dev_install(FBSD_DEV_PVCLOCK, 0, pvc, NREC);
	/* A 1 GHz counter of ns; the slot's base is the record's time. */
	th = page_build(
	    VDSO_TH_ALGO_X86_PVCLK, 18446744073ull, (uint32_t)7000000000ull);
	th->th_x86_pvc_stable_mask = PVCLOCK_FLAG_TSC_STABLE;
	assert_int_equal(tk__fbsd_binuptime(page, 0, &bt, NULL), 0);
	/* 50 s + (now - t0) / 2 ns: well under a second here. */
	assert_int64_equal(bt.sec, 50);
	/* A record far behind the kernel's floor: the floor is used. */
	th->th_x86_pvc_last_systime = 7000000000ull + 300000000ull;
	assert_int_equal(tk__fbsd_binuptime(page, 0, &bt, NULL), 0);
	assert_true(tk_bintime_to_ns(&bt) >= 50 * TK_NSEC_PER_SEC + 299999999);
	/* No device on this OS once the simulated page is gone. */
	dev_install(FBSD_DEV_PVCLOCK, 0, NULL, 0);
	assert_int_equal(tk__fbsd_binuptime(page, 0, &bt, NULL), -ENOSYS);
}

/* Algo numbers past the x86 ones route. */
static void
test_unknown_algo(void **state)
{
	struct tk_bintime bt;

	(void)state;
	page_build(5, 1, 0);
	assert_int_equal(tk__fbsd_binuptime(page, 0, &bt, NULL), -ENOSYS);
	page_build(0, 1, 0);
	assert_int_equal(tk__fbsd_binuptime(page, 0, &bt, NULL), -ENOSYS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hpet),
		cmocka_unit_test(test_hv_value),
		cmocka_unit_test(test_hv_read),
		cmocka_unit_test(test_hv_concurrent),
		cmocka_unit_test(test_pvc_scale_delta),
		cmocka_unit_test(test_pvc_stable),
		cmocka_unit_test(test_pvc_unstable),
		cmocka_unit_test(test_pvc_concurrent),
		cmocka_unit_test(test_pvc_page),
		cmocka_unit_test(test_unknown_algo),
	};

	return TK_TEST_RUN(tests, setup, NULL);
}
