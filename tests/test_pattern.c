/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Accuracy whatever the reading pattern, on the real TSC against the real
 * kernel clock (issue 9's first target): a read that comes every 2, 5, 10,
 * 15, 20, 25, 50, 100 ms or every second, or after a random sleep of
 * 0-30 ms, is as close to CLOCK_MONOTONIC as one in a tight loop.  The
 * error is the bracketed error of tests/support/faults.h.
 *
 * Each pattern runs in a forked child of its own, all at once: a child's
 * hands page is wiped at fork (MADV_WIPEONFORK), so every pattern has an
 * engine that only its own reads wind up, as a process that reads that
 * way would (run in threads of one process, the fastest reader would keep
 * the hands fresh for the others and hide the fault).  Each reads for at
 * least 3 s (the 1 s reader 4 times); targets: p99 <= 100 ns and max
 * <= 1 us each.
 *
 * Then a tight loop of bracketed reads for 2 s while two other threads
 * load the CPUs and the memory bus; target: p99.9 <= 20 ns, max <= 200 ns.
 *
 * SKIPs with timekeep's reason when the tsc source is not in use.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "faults.h"
#include "timekeep.h"
#include "tk_test.h"

#define MS INT64_C(1000000)
#define RUN_NS (3000 * MS) /* each pattern reads for at least this long */
#define RANDOM_MAX_NS (30 * MS)
#define NPATTERNS 10

/* Periods in ns; 0 is the random sleeper. */
static const int64_t periods[NPATTERNS] = { 2 * MS, 5 * MS, 10 * MS, 15 * MS,
	20 * MS, 25 * MS, 50 * MS, 100 * MS, 1000 * MS, 0 };

/* What one pattern's child reports (shared memory). */
struct pattern_out {
	int done;
	struct faults_watch w;
	struct faults_hist hist;
	int64_t first[8]; /* the first reads' errors, for the log */
};

/* A xorshift PRNG, fixed seed: the same sleeps every run. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void
pattern_child(int64_t period, struct pattern_out *o)
{
	struct timespec next;
	uint64_t seed = 0x9e3779b97f4a7c15ull, i;
	int64_t start, e, n;

	(void)tk_nanotime(); /* the page, wiped at fork, is set up again */
	n = period > 0 ? RUN_NS / period : 0;
	if (n < 4 && period > 0)
		n = 4;
	clock_gettime(CLOCK_MONOTONIC, &next);
	start = faults_kernel_ns();
	for (i = 0;; i++) {
		if (period > 0) {
			if ((int64_t)i >= n)
				break;
			next.tv_nsec += (long)(period % 1000000000);
			next.tv_sec += (time_t)(period / 1000000000);
			if (next.tv_nsec >= 1000000000) {
				next.tv_nsec -= 1000000000;
				next.tv_sec++;
			}
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
			           &next, NULL) != 0)
				;
		} else {
			if (faults_kernel_ns() - start >= RUN_NS)
				break;
			faults_sleep_ns(
			    (int64_t)(rnd(&seed) % (uint64_t)RANDOM_MAX_NS));
		}
		e = faults_watch(&o->w, tk_nanotime);
		faults_hist_add(&o->hist, e);
		if (i < 8)
			o->first[i] = e;
	}
	o->done = 1;
}

static void
print_pattern(int64_t period, const struct pattern_out *o)
{
	if (period > 0)
		print_message("  every %4" PRId64 " ms", period / MS);
	else
		print_message("  random 0-%" PRId64 " ms", RANDOM_MAX_NS / MS);
	print_message(": %5" PRIu64 " reads, p50 %" PRId64 " p99 %" PRId64
	              " max %" PRId64 " ns; first errors %" PRId64 " %" PRId64
	              " %" PRId64 " %" PRId64 " %" PRId64 "\n",
	    o->hist.n, faults_hist_q(&o->hist, 0.5),
	    faults_hist_q(&o->hist, 0.99), o->hist.max, o->first[0],
	    o->first[1], o->first[2], o->first[3], o->first[4]);
}

static void
test_periodic_readers(void **state)
{
	struct pattern_out *out;
	pid_t pid[NPATTERNS];
	int i, st, bad = 0;

	(void)state;
	TK_NEED_SOURCE("tsc");
	out = faults_share(sizeof(*out) * NPATTERNS);
	assert_non_null(out);
	fflush(NULL);
	for (i = 0; i < NPATTERNS; i++) {
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0) {
			pattern_child(periods[i], &out[i]);
			_exit(0);
		}
	}
	for (i = 0; i < NPATTERNS; i++) {
		assert_int_equal(waitpid(pid[i], &st, 0), pid[i]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	for (i = 0; i < NPATTERNS; i++) {
		print_pattern(periods[i], &out[i]);
		assert_true(out[i].done);
		assert_true(out[i].hist.n >= 4);
		assert_uint64_equal(out[i].w.back, 0);
		if (faults_hist_q(&out[i].hist, 0.99) > 100 ||
		    out[i].hist.max > 1000)
			bad++;
	}
	faults_unshare(out, sizeof(*out) * NPATTERNS);
	if (bad > 0)
		fail_msg("%d of %d reading patterns over p99 100 ns or max "
		         "1 us",
		    bad, NPATTERNS);
}

/* ---- the tight loop under load ------------------------------------------ */

#define LOAD_BYTES (32u << 20)

static atomic_int load_stop;

static void *
memory_load(void *arg)
{
	char *a = malloc(LOAD_BYTES), *b = malloc(LOAD_BYTES);
	unsigned x = 1;

	(void)arg;
	if (a == NULL || b == NULL) {
		free(a);
		free(b);
		return NULL;
	}
	memset(a, 1, LOAD_BYTES);
	while (!atomic_load_explicit(&load_stop, memory_order_relaxed)) {
		memcpy(b, a, LOAD_BYTES);
		a[x % LOAD_BYTES] ^= b[(x * 7919u) % LOAD_BYTES];
		x++;
	}
	free(a);
	free(b);
	return NULL;
}

static void *
cpu_load(void *arg)
{
	volatile double v = 1.0;

	(void)arg;
	while (!atomic_load_explicit(&load_stop, memory_order_relaxed))
		v = v * 1.0000001 + 1e-9;
	return NULL;
}

static void
test_tight_loop_loaded(void **state)
{
	static struct faults_hist hist;
	struct faults_watch w = { 0 };
	pthread_t mem, cpu;
	int64_t end, run_ns = (int64_t)tk_test_scale(2000) * MS;
	uint64_t windups;

	(void)state;
	TK_NEED_SOURCE("tsc");
	assert_true(faults_wait_hands());
	memset(&hist, 0, sizeof(hist));
	atomic_store(&load_stop, 0);
	assert_int_equal(pthread_create(&mem, NULL, memory_load, NULL), 0);
	assert_int_equal(pthread_create(&cpu, NULL, cpu_load, NULL), 0);
	windups = faults_windups();
	end = faults_kernel_ns() + (run_ns > 200 * MS ? run_ns : 200 * MS);
	while (faults_kernel_ns() < end) {
		for (int i = 0; i < 1000; i++)
			faults_hist_add(&hist, faults_watch(&w, tk_nanotime));
	}
	atomic_store(&load_stop, 1);
	pthread_join(mem, NULL);
	pthread_join(cpu, NULL);
	print_message("  tight loop under load: %" PRIu64 " reads, %" PRIu64
	              " windups, p99 %" PRId64 " p99.9 %" PRId64 " max %" PRId64
	              " ns (at [%" PRId64 ", %" PRId64 "] read %" PRId64 ")\n",
	    hist.n, faults_windups() - windups, faults_hist_q(&hist, 0.99),
	    faults_hist_q(&hist, 0.999), hist.max, w.worst.k1, w.worst.k2,
	    w.worst.t);
	assert_uint64_equal(w.back, 0);
	assert_int64_le(faults_hist_q(&hist, 0.999), 20);
	assert_int64_le(hist.max, 200);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_periodic_readers),
		cmocka_unit_test(test_tight_loop_loaded),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
