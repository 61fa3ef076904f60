/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_ticks: what ticks cost (docs/ticks.md), against the issue's
 * targets, in one run of interleaved rounds (every candidate once per
 * round, in an order rotated per round, each loop timed by the thread's
 * CPU time; the result is the median over rounds, and a ratio is a ratio
 * of medians):
 *
 *   tk_ticks           <= 1.05x a bare inline RDTSC (the relaxed read)
 *   tk_ticks_ordered   <= 1.05x a bare inline RDTSCP (the ordered read)
 *   tk_ticks_to_ns of a tick of the current hands
 *                      <= 1.5x the conversion part of tk_nanotime, taken
 *                      as tk_nanotime minus a bare RDTSCP (and shown
 *                      beside a bare mulhi and add)
 *   tk_ticks_to_ns of a tick 500 ms old
 *                      <= 30 ns, in a history wound every 10 ms as by a
 *                      program that reads its clock (its own series of
 *                      rounds, each after 20 ms of reading); shown too in
 *                      the history the main rounds wind, irregularly
 *
 * Ticks in the conversion loops vary by up to 1023 counts around their
 * point, so no call can reuse the last one's work.  CPU, kernel,
 * clocksource, source and date are printed with the numbers.  It reports;
 * it never fails on speed (exit 0; 2 for bad arguments).
 *
 *   bench_ticks [--rounds N] [--calls N]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include <timekeep.h>

/* The bare counter reads the targets are measured against. */
#if defined(__x86_64__)
#define BASE_RELAXED "RDTSC"
#define BASE_ORDERED "RDTSCP"
static inline uint64_t
base_relaxed(void)
{
	uint32_t lo, hi;

	/* Unordered: the CPU may take it before earlier loads. */
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline uint64_t
base_ordered(void)
{
	uint32_t lo, hi, aux;

	/* Waits for earlier instructions and loads. */
	__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux)::"memory");
	return (uint64_t)hi << 32 | lo;
}
#elif defined(__aarch64__)
#define BASE_RELAXED "MRS CNTVCT_EL0"
#define BASE_ORDERED "ISB; MRS CNTVCT_EL0"
static inline uint64_t
base_relaxed(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

static inline uint64_t
base_ordered(void)
{
	uint64_t v;

	/* ISB: earlier instructions complete before the counter is read. */
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
	return v;
}
#elif defined(__riscv) && __riscv_xlen == 64
#define BASE_RELAXED "RDTIME"
#define BASE_ORDERED "FENCE; RDTIME"
static inline uint64_t
base_relaxed(void)
{
	uint64_t v;

	__asm__ volatile("rdtime %0" : "=r"(v));
	return v;
}

static inline uint64_t
base_ordered(void)
{
	uint64_t v;

	/* FENCE R,R: earlier loads complete before the counter is read. */
	__asm__ volatile("fence r,r; rdtime %0" : "=r"(v)::"memory");
	return v;
}
#else
#define BASE_RELAXED NULL
#define BASE_ORDERED NULL
static inline uint64_t
base_relaxed(void)
{
	return 0;
}

static inline uint64_t
base_ordered(void)
{
	return 0;
}
#endif

/* Where results go so that no call can be dropped. */
static _Atomic uint64_t sink;

static void
keep(uint64_t v)
{
	atomic_store_explicit(&sink, v, memory_order_relaxed);
}

static int64_t
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The ticks the conversion loops start from, set before each round. */
static uint64_t t_now, t_old, conv_mult = 7094901566137659392ull;

static __attribute__((noinline)) void
loop_base_relaxed(uint64_t n)
{
	uint64_t acc = 0;

	while (n-- > 0)
		acc += base_relaxed();
	keep(acc);
}

static __attribute__((noinline)) void
loop_ticks(uint64_t n)
{
	uint64_t acc = 0;

	while (n-- > 0)
		acc += tk_ticks();
	keep(acc);
}

static __attribute__((noinline)) void
loop_base_ordered(uint64_t n)
{
	uint64_t acc = 0;

	while (n-- > 0)
		acc += base_ordered();
	keep(acc);
}

static __attribute__((noinline)) void
loop_ticks_ordered(uint64_t n)
{
	uint64_t acc = 0;

	while (n-- > 0)
		acc += tk_ticks_ordered();
	keep(acc);
}

static __attribute__((noinline)) void
loop_nanotime(uint64_t n)
{
	uint64_t acc = 0;

	while (n-- > 0)
		acc += (uint64_t)tk_nanotime();
	keep(acc);
}

/* The arithmetic of a conversion alone: one multiply, one add. */
static __attribute__((noinline)) void
loop_mulhi(uint64_t n)
{
	uint64_t acc = 0, k = 1000000000000ull, t = t_now;

	while (n-- > 0)
		acc += k +
		    (uint64_t)(((unsigned __int128)(uint32_t)(t + (n & 1023)) *
		                   conv_mult) >>
		        64);
	keep(acc);
}

static __attribute__((noinline)) void
loop_conv_now(uint64_t n)
{
	uint64_t acc = 0, t = t_now;

	while (n-- > 0)
		acc += (uint64_t)tk_ticks_to_ns(t + (n & 1023));
	keep(acc);
}

static __attribute__((noinline)) void
loop_conv_old(uint64_t n)
{
	uint64_t acc = 0, t = t_old;

	while (n-- > 0)
		acc += (uint64_t)tk_ticks_to_ns(t + (n & 1023));
	keep(acc);
}

/* Read the clock for ns (untimed): hands wound every 10 ms meanwhile. */
static void
keep_reading(int64_t ns)
{
	int64_t end = tk_nanotime() + ns;

	while (tk_nanotime() < end)
		;
}

enum {
	C_RDTSC,
	C_TICKS,
	C_RDTSCP,
	C_TICKS_ORD,
	C_NANOTIME,
	C_MULHI,
	C_CONV_NOW,
	C_CONV_OLD,
	C_CONV_OLD_REG, /* its own series: the history wound every 10 ms */
	NCAND
};

static const char *names[NCAND] = {
	"bare relaxed read, inline",
	"tk_ticks",
	"bare ordered read, inline",
	"tk_ticks_ordered",
	"tk_nanotime",
	"mulhi + add, inline",
	"tk_ticks_to_ns, tick of the current hands",
	"tk_ticks_to_ns, 500 ms old, history of this run",
	"tk_ticks_to_ns, 500 ms old, read every 10 ms",
};

static void (*const loops[NCAND])(uint64_t) = {
	loop_base_relaxed,
	loop_ticks,
	loop_base_ordered,
	loop_ticks_ordered,
	loop_nanotime,
	loop_mulhi,
	loop_conv_now,
	loop_conv_old,
	loop_conv_old,
};

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void
first_line(const char *path, const char *key, char *buf, size_t n)
{
	char line[512], *p;
	FILE *f = fopen(path, "re");
	size_t len;

	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		if (key != NULL && strncmp(line, key, strlen(key)) != 0)
			continue;
		p = key != NULL ? strchr(line, ':') : NULL;
		p = p != NULL ? p + 1 + strspn(p + 1, " \t") : line;
		p[strcspn(p, "\n")] = '\0';
		len = strlen(p) < n - 1 ? strlen(p) : n - 1;
		memcpy(buf, p, len);
		buf[len] = '\0';
		break;
	}
	if (f != NULL)
		fclose(f);
}

static long
arg_long(const char *opt, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = s != NULL ? strtol(s, &end, 10) : 0;
	if (s == NULL || errno != 0 || end == s || *end != '\0' || v < 1 ||
	    v > 100000000) {
		fprintf(stderr, "bench_ticks: %s wants 1 to 100000000\n", opt);
		exit(2);
	}
	return v;
}

static void
compare(const char *what, double r, double target)
{
	printf("  %-52s %7.3f  <= %-5.2f %s\n", what, r, target,
	    r <= target ? "met" : "NOT MET");
}

/*
 * The 500 ms old tick in a history wound every 10 ms, as a program that
 * reads its clock winds it: rounds of 20 ms of reading and a short loop.
 */
static void
series_old(double *v, long rounds, long calls, const struct tk_ticks_info *ti,
    int counter)
{
	long r;
	int k;

	for (r = 0; r < rounds; r++) {
		int64_t t0;

		keep_reading(20000000);
		t_old =
		    tk_ticks_ordered() - (counter ? ti->hz / 2 : 500000000u);
		/* A tick inside kept hands, not in a gap between them. */
		for (k = 0; k < 20 &&
		     tk_ticks_to_ns_checked(t_old, NULL, NULL) !=
		         TK_TICKS_EXACT;
		     k++)
			t_old -= counter ? ti->hz / 1000 : 1000000u;
		t0 = cpu_ns();
		loops[C_CONV_OLD_REG]((uint64_t)calls / 20);
		v[r] = (double)(cpu_ns() - t0) / (double)(calls / 20);
	}
}

/* The other candidates, interleaved, the order rotated every round. */
static void
series_rotated(double **v, long rounds, long calls,
    const struct tk_ticks_info *ti, int counter)
{
	long r;
	int k;

	for (r = 0; r < rounds; r++) {
		(void)tk_nanotime();
		t_now = tk_ticks_ordered();
		t_old = t_now - (counter ? ti->hz / 2 : 500000000u);
		for (k = 0; k < C_CONV_OLD_REG; k++) {
			int c = (int)((k + r) % C_CONV_OLD_REG);
			int64_t t0;

			if (!counter && (c == C_RDTSC || c == C_RDTSCP))
				continue;
			/* Keep the current tick current. */
			if (c == C_CONV_NOW) {
				(void)tk_nanotime();
				t_now = tk_ticks_ordered();
			}
			t0 = cpu_ns();
			loops[c]((uint64_t)calls);
			v[c][r] = (double)(cpu_ns() - t0) / (double)calls;
		}
	}
}

static void
print_machine(const struct tk_ticks_info *ti, long rounds, long calls)
{
	char model[128] = "unknown CPU", cs[64] = "unknown", date[40];
	struct utsname u;
	time_t now = time(NULL);

	if (uname(&u) != 0)
		memset(&u, 0, sizeof(u));
	first_line("/proc/cpuinfo", "model name", model, sizeof(model));
	first_line("/sys/devices/system/clocksource/clocksource0/"
	           "current_clocksource",
	    NULL, cs, sizeof(cs));
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
	printf("bench_ticks, %s\n", date);
	printf("cpu     %s\n", model);
	printf("kernel  %s %s, clocksource %s\n", u.sysname, u.release, cs);
	printf("source  %s (timekeep %s), ticks in %s at %" PRIu64
	       " Hz, history %.2f s\n",
	    tk_source(), tk_version(), ti->unit, ti->hz,
	    (double)ti->history_ns / 1e9);
	printf("method  %ld rounds x %ld calls, order rotated per round, "
	       "timed by thread CPU\n        time, median ns/call\n\n",
	    rounds, calls);
}

static void
print_ratios(const double *med, int counter, int st_old)
{
	double part = med[C_NANOTIME] - med[C_RDTSCP];

	printf("\n  (a 500 ms old tick of the first series converts %s)\n",
	    st_old == TK_TICKS_EXACT              ? "EXACT"
	        : st_old == TK_TICKS_EXTRAPOLATED ? "EXTRAPOLATED"
	                                          : "CLAMPED");
	printf("\n  %-52s %7s  %s\n", "comparison", "ratio", "target");
	if (counter) {
		compare("tk_ticks / " BASE_RELAXED " (inline)",
		    med[C_TICKS] / med[C_RDTSC], 1.05);
		compare("tk_ticks_ordered / " BASE_ORDERED " (inline)",
		    med[C_TICKS_ORD] / med[C_RDTSCP], 1.05);
		printf("  %-52s %7.2f ns\n",
		    "conversion part: tk_nanotime - " BASE_ORDERED, part);
		compare("tk_ticks_to_ns(current) / that part",
		    part > 0 ? med[C_CONV_NOW] / part : 1e9, 1.5);
		compare("tk_ticks_to_ns(current) / mulhi + add",
		    med[C_CONV_NOW] / med[C_MULHI], 1.5);
	} else {
		printf("  (ticks are ns on source %s: the counter targets do "
		       "not apply)\n",
		    tk_source());
	}
	compare("tk_ticks_to_ns(500 ms old, read every 10 ms), ns",
	    med[C_CONV_OLD_REG], 30);
	printf("\nRatios are of medians in one run.  This program reports; "
	       "it never fails on\nspeed.\n");
}

int
main(int argc, char **argv)
{
	double *v[NCAND], med[NCAND], lo[NCAND], hi[NCAND];
	long rounds = 31, calls = 200000;
	struct tk_ticks_info ti;
	int i, counter, st_old;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rounds") == 0)
			rounds = arg_long(
			    "--rounds", i + 1 < argc ? argv[++i] : NULL);
		else if (strcmp(argv[i], "--calls") == 0)
			calls = arg_long(
			    "--calls", i + 1 < argc ? argv[++i] : NULL);
		else {
			fprintf(stderr,
			    "usage: bench_ticks [--rounds N] "
			    "[--calls N]\n");
			return 2;
		}
	}
	for (i = 0; i < NCAND; i++) {
		v[i] = calloc((size_t)rounds, sizeof(double));
		if (v[i] == NULL)
			return 1;
	}
	/* Warm up for 1.2 s: the source chosen, 500 ms of history kept. */
	keep_reading(1200000000);
	tk_ticks_info(&ti);
	counter = strcmp(ti.unit, "ns") != 0 && BASE_RELAXED != NULL;
	series_old(v[C_CONV_OLD_REG], rounds, calls, &ti, counter);
	st_old = tk_ticks_to_ns_checked(t_old, NULL, NULL);
	series_rotated(v, rounds, calls, &ti, counter);
	for (i = 0; i < NCAND; i++) {
		med[i] = median(v[i], (size_t)rounds);
		lo[i] = v[i][0];
		hi[i] = v[i][rounds - 1];
	}
	print_machine(&ti, rounds, calls);
	printf("  %-52s %8s %8s %8s\n", "candidate", "ns/call", "min", "max");
	for (i = 0; i < NCAND; i++) {
		if (!counter && (i == C_RDTSC || i == C_RDTSCP))
			continue;
		printf("  %-52s %8.2f %8.2f %8.2f\n", names[i], med[i], lo[i],
		    hi[i]);
	}
	print_ratios(med, counter, st_old);
	for (i = 0; i < NCAND; i++)
		free(v[i]);
	return 0;
}
