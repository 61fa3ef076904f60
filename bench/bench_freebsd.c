/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What reading a FreeBSD timekeep page costs, on this machine: the kernel
 * emulator (tests/support/fbsd_emu.c) publishes a page at 1 kHz as
 * FreeBSD's kernel does, TIMEKEEP_SOURCE=freebsd:PATH makes the library
 * read it, and these candidates are timed in interleaved rounds within one
 * run:
 *
 *   tier          the fast tier as tk_nanotime() inlines it
 *		   (tk__fast_fbsd_ns(), src/source/fbsd_fast.h) in an
 *		   out-of-line function, with the source's hook behind it
 *   tier ts       the same for a timespec (tk__fast_fbsd_ts()), as
 *		   tk_clock_gettime(CLOCK_MONOTONIC) inlines it
 *   full reader   what the hooks fall back to: libc's binuptime() loop
 *		   (src/source/fbsd_reader.c) and the exact ns floor
 *   tk_nanotime   the public entry point, as the library wires it today
 *		   (until the tier is inline there: the chooser's dispatch,
 *		   then the source's hook, which tries the tier first)
 *   counter       the bare ordered counter read, tk__counter_ordered()
 *   clock_gettime glibc's clock_gettime(CLOCK_MONOTONIC) (the Linux vDSO)
 *
 * Each round times BATCH calls of each candidate (a new order every
 * round); the table gives the median, min and max ns/call over the
 * rounds and the ratio of medians to the counter read.  The target for
 * tk_nanotime with this source is <= 1.15 x the counter read.  The tier's
 * share of answers (the rest went to the hook: a windup since the record
 * was made) is printed below the table.
 *
 *   usage: bench_freebsd [rounds]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "counter.h"
#include "fbsd_emu.h"
#include "source/fbsd_fast.h"
#include "source/freebsd.h"
#include "source/source.h"

#define BATCH 200000
#define MAX_ROUNDS 1001

enum { C_TIER, C_TIER_TS, C_READER, C_NANOTIME, C_COUNTER, C_GLIBC, NCAND };

static const char *const names[NCAND] = {
	"tier tk__fast_fbsd_ns()",
	"tier tk__fast_fbsd_ts()",
	"full reader",
	"tk_nanotime() [freebsd]",
	"ordered counter read",
	"glibc clock_gettime(MONO)",
};

static volatile int64_t sink;
static uint64_t served, asked;

static const struct fbsd_vdso_timekeep *page;

/* The full reader alone. */
static __attribute__((noinline)) int64_t
reader_nanotime(void)
{
	struct tk__fbsd_read rd;
	struct tk_bintime bt;

	if (tk__fbsd_read(page, &rd, NULL) != 0)
		return 0;
	tk__fbsd_read_bintime(&rd, 0, &bt);
	return tk__fbsd_bintime_to_ns_sat(&bt);
}

/* The source's hook: the tier again, then the full reader. */
static __attribute__((noinline)) int64_t
hook_nanotime(void)
{
	int64_t ns = 0;

	(void)tk__source_freebsd.nanotime(0, 1, &ns);
	return ns;
}

/*
 * What tk_nanotime() is with the tier wired in: the tier, else the hook
 * (whose result goes through its own variable, so that the tier's stays in
 * a register).
 */
static __attribute__((noinline)) int64_t
tier_nanotime(void)
{
	int64_t ns;

	if (__builtin_expect(tk__fast_fbsd_ns(0, 1, &ns) == 0, 1))
		return ns;
	return hook_nanotime();
}

/* The same for tk_clock_gettime(CLOCK_MONOTONIC). */
static __attribute__((noinline)) int
tier_gettime(struct timespec *ts)
{
	if (__builtin_expect(tk__fast_fbsd_ts(0, ts) == 0, 1))
		return 0;
	return tk__source_freebsd.gettime(CLOCK_MONOTONIC, ts);
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ns per call of one batch of candidate c. */
static double
run(int c)
{
	struct timespec ts;
	int64_t t0, t1, acc = 0;
	int i;

	t0 = now_ns();
	switch (c) {
	case C_TIER:
		for (i = 0; i < BATCH; i++)
			acc += tier_nanotime();
		break;
	case C_TIER_TS:
		for (i = 0; i < BATCH; i++) {
			tier_gettime(&ts);
			acc += ts.tv_nsec;
		}
		break;
	case C_READER:
		for (i = 0; i < BATCH; i++)
			acc += reader_nanotime();
		break;
	case C_NANOTIME:
		for (i = 0; i < BATCH; i++)
			acc += tk_nanotime();
		break;
	case C_COUNTER:
		for (i = 0; i < BATCH; i++)
			acc += (int64_t)tk__counter_ordered();
		break;
	case C_GLIBC:
		for (i = 0; i < BATCH; i++) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			acc += ts.tv_nsec;
		}
		break;
	}
	t1 = now_ns();
	sink += acc;
	return (double)(t1 - t0) / BATCH;
}

/* How often the tier answers by itself over n calls. */
static void
count_served(int n)
{
	int64_t ns;
	int i;

	for (i = 0; i < n; i++) {
		asked++;
		if (tk__fast_fbsd_ns(0, 1, &ns) == 0)
			served++;
		else
			(void)tk__source_freebsd.nanotime(0, 1, &ns);
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
print_machine(struct fbsd_emu *e, int rounds)
{
	struct tk_counter_info ci;
	struct utsname u;

	memset(&ci, 0, sizeof(ci));
	(void)tk_counter_info(&ci);
	uname(&u);
	printf("cpu:     %s\n", ci.model[0] ? ci.model : "unknown");
	printf("kernel:  %s %s %s\n", u.sysname, u.release, u.machine);
	printf("counter: %s (%s); page: %s layout, th_x86_shift %u, "
	       "%llu Hz, windup 1 kHz\n",
	    ci.kind ? ci.kind : "?", ci.ordering ? ci.ordering : "?",
	    FBSD_HOST_ABI, fbsd_emu_shift(e),
	    (unsigned long long)fbsd_emu_freq(e));
	printf("source:  %s\n", tk_source());
	printf("rounds:  %d x %d calls per candidate, interleaved\n\n", rounds,
	    BATCH);
}

int
main(int argc, char **argv)
{
	static double t[NCAND][MAX_ROUNDS];
	struct fbsd_emu_config cfg = { .discipline = 1 };
	char env[300];
	struct fbsd_emu *e;
	int rounds = argc > 1 ? atoi(argv[1]) : 31;
	int r, k, c;
	double med[NCAND];

	if (rounds < 1 || rounds > MAX_ROUNDS)
		rounds = 31;
	e = fbsd_emu_create(&cfg);
	if (e == NULL) {
		fprintf(stderr, "bench_freebsd: cannot create the page\n");
		return 1;
	}
	page = fbsd_emu_page(e);
	snprintf(env, sizeof(env), "freebsd:%s", fbsd_emu_path(e));
	setenv("TIMEKEEP_SOURCE", env, 1);
	if (fbsd_emu_start(e, 1000) != 0) {
		fbsd_emu_destroy(e);
		return 1;
	}
	print_machine(e, rounds);
	if (strcmp(tk_source(), "freebsd") != 0) {
		fprintf(stderr, "bench_freebsd: source %s, not freebsd\n",
		    tk_source());
		fbsd_emu_destroy(e);
		return 1;
	}

	for (c = 0; c < NCAND; c++) /* warm up */
		(void)run(c);
	for (r = 0; r < rounds; r++) {
		for (k = 0; k < NCAND; k++) {
			c = (k + r) % NCAND;
			t[c][r] = run(c);
		}
		count_served(BATCH / 10);
	}

	printf("%-28s %9s %9s %9s %9s\n", "ns/call", "median", "min", "max",
	    "x counter");
	for (c = 0; c < NCAND; c++) {
		qsort(t[c], (size_t)rounds, sizeof(double), cmp_double);
		med[c] = t[c][rounds / 2];
	}
	for (c = 0; c < NCAND; c++)
		printf("%-28s %9.2f %9.2f %9.2f %9.3f\n", names[c], med[c],
		    t[c][0], t[c][rounds - 1], med[c] / med[C_COUNTER]);
	printf("\ntier answered %.4f%% of %llu calls by itself\n",
	    100.0 * (double)served / (double)asked, (unsigned long long)asked);
	fbsd_emu_destroy(e);
	return 0;
}
