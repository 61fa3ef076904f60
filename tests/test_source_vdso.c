/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The vdso source (src/source/vdso_linux.c) against the kernel, after
 * Linux tools/testing/selftests/vDSO/vdso_test_correctness.c:
 *
 *	raw syscall  <=  vdso source  <=  raw syscall
 *
 * for every monotonic clock id, the same answer as the kernel for ids the
 * kernel rejects (-1, INT_MIN, INT_MAX, ...: -EINVAL), and sandwiches for
 * the nanotime and bintime hooks.  tk__vdso_gettime() is first called from
 * several threads at once, so its lazy lookup races with itself (run under
 * TSan too).  tk_vdso_symbols() is checked against dlvsym().  The public
 * API is then forced to this source with TIMEKEEP_SOURCE=vdso.  Without a
 * vDSO (qemu-user before 8.1) the source must decline with the reason,
 * and the rest SKIPs.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <string.h>
#include <sys/auxv.h>
#include <time.h>

#include "source/source.h"
#include "source/vdso.h"
#include "syscall.h"
#include "timekeep.h"
#include "tk_test.h"
#include "vdso_arch.h"

#define NTHREADS 4

static int have_vdso;

static int
setup(void **state)
{
	(void)state;
	have_vdso = getauxval(AT_SYSINFO_EHDR) != 0;
	return 0;
}

#define NEED_VDSO()                                                            \
	do {                                                                   \
		if (!have_vdso) {                                              \
			TK_SKIP("no vDSO in this process (AT_SYSINFO_EHDR "    \
			        "absent)");                                    \
			return;                                                \
		}                                                              \
	} while (0)

/*
 * First use from several threads at once: each must see the same working
 * function.  This test runs before anything else has looked the vDSO up.
 */
static pthread_barrier_t barrier;

static void *
racer(void *arg)
{
	struct timespec a, b;
	int *err = arg;

	pthread_barrier_wait(&barrier);
	*err = tk__vdso_gettime(CLOCK_MONOTONIC, &a);
	if (*err == 0)
		*err = tk__vdso_gettime(CLOCK_MONOTONIC, &b);
	if (*err == 0 && tk_test_ts_ns(&b) < tk_test_ts_ns(&a))
		*err = -ERANGE;
	return NULL;
}

static void
test_lazy_race(void **state)
{
	pthread_t t[NTHREADS];
	int err[NTHREADS], i;

	(void)state;
	pthread_barrier_init(&barrier, NULL, NTHREADS);
	for (i = 0; i < NTHREADS; i++)
		assert_int_equal(
		    pthread_create(&t[i], NULL, racer, &err[i]), 0);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&barrier);
	for (i = 0; i < NTHREADS; i++)
		assert_int_equal(err[i], have_vdso ? 0 : -ENOSYS);
}

static void
test_init(void **state)
{
	const char *why = NULL;
	int err;

	(void)state;
	err = tk__source_vdso.init(NULL, &why);
	assert_non_null(why);
	print_message("[          ] vdso: %d, %s\n", err, why);
	assert_string_equal(tk__source_vdso.name, "vdso");
	if (!have_vdso) {
		assert_int_equal(err, -ENOENT);
		assert_string_equal(
		    why, "no vDSO in this process (AT_SYSINFO_EHDR absent)");
		TK_SKIP("%s", why);
		return;
	}
	assert_int_equal(err, 0);
	/* init is idempotent */
	assert_int_equal(tk__source_vdso.init(NULL, &why), 0);
}

static void
test_gettime_sandwich(void **state)
{
	struct timespec s1, v, s2;
	size_t i;
	int es, ev, rounds;

	(void)state;
	NEED_VDSO();
	for (rounds = 0; rounds < 100; rounds++) {
		for (i = 0; i < tk_test_nclocks; i++) {
			const struct tk_test_clock *c = &tk_test_clocks[i];

			memset(&v, 0, sizeof(v));
			es = tk__sys_clock_gettime(c->id, &s1);
			ev = tk__source_vdso.gettime(c->id, &v);
			tk__sys_clock_gettime(c->id, &s2);
			if (es != 0) {
				/* The kernel refuses it: so must we. */
				if (ev != es)
					fail_msg("%s: syscall %d, vdso %d",
					    c->name, es, ev);
				continue;
			}
			/* 0, or routing to the syscall; never -EINVAL. */
			if (ev != 0) {
				assert_true(ev < 0 && ev != -EINVAL);
				continue;
			}
			assert_true(
			    v.tv_nsec >= 0 && v.tv_nsec < TK_NSEC_PER_SEC);
			if (c->monotonic) {
				assert_int64_le(
				    tk_test_ts_ns(&s1), tk_test_ts_ns(&v));
				assert_int64_le(
				    tk_test_ts_ns(&v), tk_test_ts_ns(&s2));
			}
		}
	}
}

static void
test_invalid_ids(void **state)
{
	static const clockid_t bad[] = { -1, INT_MIN, INT_MAX, 16, 10, 12 };
	struct timespec ts;
	size_t i;

	(void)state;
	NEED_VDSO();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(tk__sys_clock_gettime(bad[i], &ts), -EINVAL);
		assert_int_equal(tk__source_vdso.gettime(bad[i], &ts), -EINVAL);
		assert_int_equal(tk__vdso_gettime(bad[i], &ts), -EINVAL);
	}
	assert_int_equal(tk__vdso_gettime(CLOCK_MONOTONIC, NULL), -EFAULT);
}

static void
test_nanotime_bintime(void **state)
{
	struct timespec s1, s2;
	struct tk_bintime bt;
	int64_t ns;
	int i;

	(void)state;
	NEED_VDSO();
	for (i = 0; i < 1000; i++) {
		tk__sys_clock_gettime(CLOCK_MONOTONIC, &s1);
		assert_int_equal(tk__source_vdso.nanotime(0, i & 1, &ns), 0);
		tk__sys_clock_gettime(CLOCK_MONOTONIC, &s2);
		assert_int64_le(tk_test_ts_ns(&s1), ns);
		assert_int64_le(ns, tk_test_ts_ns(&s2));

		tk__sys_clock_gettime(CLOCK_MONOTONIC, &s1);
		assert_int_equal(tk__source_vdso.bintime(0, &bt), 0);
		tk__sys_clock_gettime(CLOCK_MONOTONIC, &s2);
		assert_int64_le(tk_test_ts_ns(&s1), tk_bintime_to_ns(&bt));
		assert_int64_le(tk_bintime_to_ns(&bt), tk_test_ts_ns(&s2));
	}
	/* Realtime: a valid time after 2020; no sandwich (it may step). */
	assert_int_equal(tk__source_vdso.nanotime(1, 1, &ns), 0);
	assert_true(ns > 1577836800LL * TK_NSEC_PER_SEC);
	assert_int_equal(tk__source_vdso.bintime(1, &bt), 0);
	assert_true(bt.sec > 1577836800LL);
}

static void
test_symbols(void **state)
{
	struct tk_vdso_symbol syms[16];
	const unsigned char *base;
	int n, i, have_cgt = 0;
	void *h, *p;

	(void)state;
	n = tk_vdso_symbols(NULL, 0);
	if (!have_vdso) {
		assert_int_equal(n, -ENOENT);
		TK_SKIP("no vDSO in this process (AT_SYSINFO_EHDR absent)");
		return;
	}
	assert_true(n >= 1 && n <= 16);
	assert_int_equal(tk_vdso_symbols(syms, 1), n);
	assert_int_equal(tk_vdso_symbols(syms, 16), n);
	base = (const unsigned char *)getauxval(AT_SYSINFO_EHDR);
	h = dlopen("linux-vdso.so.1", RTLD_NOLOAD | RTLD_LAZY);
	for (i = 0; i < n; i++) {
		print_message("[          ] %s@%s at +0x%llx\n", syms[i].name,
		    syms[i].version, (unsigned long long)syms[i].offset);
		assert_string_equal(syms[i].version, TK_VDSO_VERSION);
		if (strcmp(syms[i].name, TK_VDSO_CLOCK_GETTIME) == 0)
			have_cgt = 1;
		if (h == NULL)
			continue;
		p = dlvsym(h, syms[i].name, syms[i].version);
		assert_non_null(p);
		assert_uint64_equal(syms[i].offset,
		    (uint64_t)((const unsigned char *)p - base));
	}
	assert_true(have_cgt);
	if (h == NULL)
		TK_SKIP("no dlvsym oracle: %s", dlerror());
	else
		dlclose(h);
}

/* The public API forced to this source (read by clock.c at first use). */
static void
test_public_api(void **state)
{
	struct timespec s1, v, s2;
	int i;

	(void)state;
	NEED_VDSO();
	setenv("TIMEKEEP_SOURCE", "vdso", 1);
	assert_string_equal(tk_source(), "vdso");
	for (i = 0; i < 1000; i++) {
		tk__sys_clock_gettime(CLOCK_MONOTONIC, &s1);
		assert_int_equal(tk_clock_gettime(CLOCK_MONOTONIC, &v), 0);
		tk__sys_clock_gettime(CLOCK_MONOTONIC, &s2);
		assert_int64_le(tk_test_ts_ns(&s1), tk_test_ts_ns(&v));
		assert_int64_le(tk_test_ts_ns(&v), tk_test_ts_ns(&s2));
	}
	assert_int_equal(tk_clock_gettime(-1, &v), -EINVAL);
	assert_int_equal(tk_clock_gettime(INT_MAX, &v), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lazy_race),
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_gettime_sandwich),
		cmocka_unit_test(test_invalid_ids),
		cmocka_unit_test(test_nanotime_bintime),
		cmocka_unit_test(test_symbols),
		cmocka_unit_test(test_public_api),
	};

	int failed = TK_TEST_RUN(tests, setup, NULL);

	if (failed == 0 && !have_vdso) {
		printf("SKIP: no vDSO in this process (AT_SYSINFO_EHDR "
		       "absent)\n");
		return 77;
	}
	return failed;
}
