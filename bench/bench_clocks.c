/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_clocks: the benchmark the library's performance targets are judged
 * on.  In one run, in interleaved rounds (every candidate once per round,
 * in an order rotated per round, each loop timed by the thread's CPU time;
 * the result is the median over rounds):
 *
 *   tk_nanotime against the ordered counter read (RDTSCP on x86), called
 *	both inline in the loop and through a noinline function: tk_nanotime
 *	is a call into the library, so the noinline read is the like-for-like
 *	baseline and the inline one the floor; and against glibc
 *	clock_gettime(CLOCK_MONOTONIC), the vDSO;
 *   tk_nanotime_relaxed against the bare relaxed read (RDTSC), both ways;
 *   tk_walltime and tk_clock_gettime(CLOCK_MONOTONIC) against tk_nanotime;
 *   two threads on two CPUs, each looping tk_nanotime, against one alone.
 *
 * The table puts each ratio next to its target and says whether it is met.
 * It reports and never fails on speed: the exit status is 0 unless the
 * arguments are wrong (2).  CPU, kernel, clocksource, source and date are
 * printed with the numbers (STYLE 63).  The counter reads come from
 * tools/arch.h, the same baselines as timekeep bench.
 *
 *   bench_clocks [--rounds N] [--calls N]
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "timekeep.h"

#include "../tools/arch.h"

/*
 * Where results go so that no read can be dropped.  Threads store to it at
 * once, so it is a relaxed atomic (a plain store on x86-64 and arm64):
 * ThreadSanitizer sees no race and nothing is ordered.
 */
static _Atomic uint64_t sink;

static inline void
keep(uint64_t v)
{
	atomic_store_explicit(&sink, v, memory_order_relaxed);
}

/*
 * The calling thread's CPU time: every loop is timed with it, so time the
 * thread spends preempted by other processes is not charged to the clock
 * read it interrupted (a shared machine would otherwise skew the
 * two-thread comparison most).
 */
static int64_t
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * TK_NSEC_PER_SEC + ts.tv_nsec;
}

/* The counter reads as calls, the way tk_nanotime is reached. */
static __attribute__((noinline)) uint64_t
ordered_call(void)
{
	return tool_counter_ordered();
}

static __attribute__((noinline)) uint64_t
relaxed_call(void)
{
	return tool_counter_relaxed();
}

static __attribute__((noinline)) void
loop_tk_nanotime(uint64_t n)
{
	uint64_t acc = 0;

	while (n-- > 0)
		acc += (uint64_t)tk_nanotime();
	keep(acc);
}

static __attribute__((noinline)) void
loop_tk_relaxed(uint64_t n)
{
	uint64_t acc = 0;

	while (n-- > 0)
		acc += (uint64_t)tk_nanotime_relaxed();
	keep(acc);
}

static __attribute__((noinline)) void
loop_tk_walltime(uint64_t n)
{
	uint64_t acc = 0;
	int64_t sec;
	int32_t nsec;

	while (n-- > 0) {
		tk_walltime(&sec, &nsec);
		acc += (uint64_t)(sec + nsec);
	}
	keep(acc);
}

static __attribute__((noinline)) void
loop_tk_cgt(uint64_t n)
{
	struct timespec ts;
	uint64_t acc = 0;

	while (n-- > 0) {
		tk_clock_gettime(CLOCK_MONOTONIC, &ts);
		acc += (uint64_t)ts.tv_nsec;
	}
	keep(acc);
}

static __attribute__((noinline)) void
loop_libc_cgt(uint64_t n)
{
	struct timespec ts;
	uint64_t acc = 0;

	while (n-- > 0) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		acc += (uint64_t)ts.tv_nsec;
	}
	keep(acc);
}

static __attribute__((noinline)) void
loop_ordered_inline(uint64_t n)
{
	uint64_t acc = 0;

	while (n-- > 0)
		acc += tool_counter_ordered();
	keep(acc);
}

static __attribute__((noinline)) void
loop_ordered_call(uint64_t n)
{
	uint64_t acc = 0;

	while (n-- > 0)
		acc += ordered_call();
	keep(acc);
}

static __attribute__((noinline)) void
loop_relaxed_inline(uint64_t n)
{
	uint64_t acc = 0;

	while (n-- > 0)
		acc += tool_counter_relaxed();
	keep(acc);
}

static __attribute__((noinline)) void
loop_relaxed_call(uint64_t n)
{
	uint64_t acc = 0;

	while (n-- > 0)
		acc += relaxed_call();
	keep(acc);
}

enum {
	C_NANOTIME,
	C_ORD_CALL,
	C_ORD_INLINE,
	C_LIBC,
	C_RELAXED,
	C_REL_CALL,
	C_REL_INLINE,
	C_WALLTIME,
	C_TK_CGT,
	C_1THREAD, /* tk_nanotime, one thread alone */
	C_2THREADS, /* the same, two threads at once: thread 0 */
	C_2THREADS_1, /* and thread 1 */
	NCAND
};

static const char *names[NCAND] = {
	"tk_nanotime",
	"ordered counter read, noinline call",
	"ordered counter read, inline",
	"clock_gettime(MONOTONIC) (glibc)",
	"tk_nanotime_relaxed",
	"relaxed counter read, noinline call",
	"relaxed counter read, inline",
	"tk_walltime",
	"tk_clock_gettime(MONOTONIC)",
	"tk_nanotime, 1 thread alone",
	"tk_nanotime, 2 threads: thread 0",
	"tk_nanotime, 2 threads: thread 1",
};

static void (*const loops[C_1THREAD])(uint64_t) = {
	loop_tk_nanotime,
	loop_ordered_call,
	loop_ordered_inline,
	loop_libc_cgt,
	loop_tk_relaxed,
	loop_relaxed_call,
	loop_relaxed_inline,
	loop_tk_walltime,
	loop_tk_cgt,
};

/* ---- threads ---------------------------------------------------------- */

struct trun {
	atomic_int ready;
	int k;
	uint64_t calls;
	int cpu[2];
	double ns[2];
};

struct targ {
	struct trun *run;
	int idx;
	pthread_t th;
};

static void *
thread_main(void *p)
{
	struct targ *a = p;
	struct trun *r = a->run;
	cpu_set_t set;
	int64_t t0;

	CPU_ZERO(&set);
	CPU_SET(r->cpu[a->idx], &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	atomic_fetch_add(&r->ready, 1);
	while (atomic_load(&r->ready) < r->k)
		;
	t0 = cpu_ns();
	loop_tk_nanotime(r->calls);
	r->ns[a->idx] = (double)(cpu_ns() - t0) / (double)r->calls;
	return NULL;
}

/* k (1 or 2) threads on the first k CPUs: 0, or an errno value. */
static int
thread_run(int k, const int cpu[2], uint64_t calls, double ns[2])
{
	struct trun run;
	struct targ a[2];
	int i, err = 0, started = 0;

	memset(&run, 0, sizeof(run));
	atomic_init(&run.ready, 0);
	run.k = k;
	run.calls = calls;
	run.cpu[0] = cpu[0];
	run.cpu[1] = cpu[1];
	for (i = 0; i < k; i++) {
		a[i].run = &run;
		a[i].idx = i;
		err = pthread_create(&a[i].th, NULL, thread_main, &a[i]);
		if (err != 0)
			break;
		started++;
	}
	if (err != 0)
		atomic_fetch_add(&run.ready, k - started);
	for (i = 0; i < started; i++)
		pthread_join(a[i].th, NULL);
	ns[0] = run.ns[0];
	ns[1] = run.ns[1];
	return err;
}

/* ---- statistics and the report ---------------------------------------- */

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

/*
 * The CPU's name from /proc/cpuinfo: "model name" on x86, "uarch" or
 * "isa" on riscv64, "CPU part" (a number) on arm64.
 */
static void
cpu_model(char *buf, size_t n)
{
	static const char *const keys[] = { "model name", "uarch", "CPU part",
		"isa" };
	char line[512];
	size_t k;
	FILE *f;

	buf[0] = '\0';
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]) && !buf[0]; k++) {
		f = fopen("/proc/cpuinfo", "re");
		while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
			char *p = strchr(line, ':');

			if (p != NULL &&
			    strncmp(line, keys[k], strlen(keys[k])) == 0) {
				p += 1 + strspn(p + 1, " \t");
				p[strcspn(p, "\n")] = '\0';
				snprintf(buf, n, "%s", p);
				break;
			}
		}
		if (f != NULL)
			fclose(f);
	}
	if (buf[0] == '\0')
		snprintf(buf, n, "unknown CPU");
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
		fprintf(stderr,
		    "bench_clocks: %s wants a whole number from 1 to "
		    "100000000\n",
		    opt);
		exit(2);
	}
	return v;
}

/* One line of the comparison table: the ratio, its target, met or not. */
static void
compare(const char *what, double num, double den, double target)
{
	double r = num / den;

	printf("  %-46s %6.3f  <= %.2f  %s\n", what, r, target,
	    r <= target ? "met" : "NOT MET");
}

int
main(int argc, char **argv)
{
	struct utsname u;
	char model[128], cs[64] = "unknown", date[40];
	double *v[NCAND], med[NCAND], lo[NCAND], hi[NCAND], t2[2];
	long rounds = 31, calls = 200000, r;
	int i, k, have_ctr, cpu[2] = { 0, 0 }, ncpu = 0, err;
	cpu_set_t set;
	time_t now = time(NULL);
	FILE *f;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rounds") == 0) {
			rounds = arg_long(
			    "--rounds", i + 1 < argc ? argv[++i] : NULL);
		} else if (strcmp(argv[i], "--calls") == 0) {
			calls = arg_long(
			    "--calls", i + 1 < argc ? argv[++i] : NULL);
		} else if (strcmp(argv[i], "--help") == 0) {
			printf(
			    "usage: bench_clocks [--rounds N] [--calls N]\n");
			return 0;
		} else {
			fprintf(stderr, "bench_clocks: unknown argument '%s'\n",
			    argv[i]);
			return 2;
		}
	}

	/* The two CPUs for the thread runs: the first two allowed. */
	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		for (i = 0; i < CPU_SETSIZE && ncpu < 2; i++)
			if (CPU_ISSET(i, &set))
				cpu[ncpu++] = i;
	if (ncpu < 2)
		cpu[1] = cpu[0];

	tool_counter_init();
	have_ctr = tool_counter_exists();
	for (i = 0; i < NCAND; i++) {
		v[i] = calloc((size_t)rounds, sizeof(double));
		if (v[i] == NULL) {
			fprintf(stderr, "bench_clocks: out of memory\n");
			return 1;
		}
	}

	/* Warm up: the source is chosen, the code paths are hot. */
	for (i = 0; i < C_1THREAD; i++)
		if (have_ctr ||
		    (i != C_ORD_CALL && i != C_ORD_INLINE && i != C_REL_CALL &&
		        i != C_REL_INLINE))
			loops[i]((uint64_t)calls / 8 + 1);

	for (r = 0; r < rounds; r++) {
		for (k = 0; k < C_1THREAD + 2; k++) {
			int c = (int)((k + r) % (C_1THREAD + 2));
			int64_t t0;

			if (c == C_1THREAD || c == C_1THREAD + 1) {
				int nt = c == C_1THREAD ? 1 : 2;

				err = thread_run(nt, cpu, (uint64_t)calls, t2);
				if (err != 0) {
					fprintf(stderr,
					    "bench_clocks: pthread_create: "
					    "%s\n",
					    strerror(err));
					return 1;
				}
				if (nt == 1) {
					v[C_1THREAD][r] = t2[0];
				} else {
					v[C_2THREADS][r] = t2[0];
					v[C_2THREADS_1][r] = t2[1];
				}
				continue;
			}
			if (!have_ctr &&
			    (c == C_ORD_CALL || c == C_ORD_INLINE ||
			        c == C_REL_CALL || c == C_REL_INLINE))
				continue;
			t0 = cpu_ns();
			loops[c]((uint64_t)calls);
			v[c][r] = (double)(cpu_ns() - t0) / (double)calls;
		}
	}
	for (i = 0; i < NCAND; i++) {
		med[i] = median(v[i], (size_t)rounds);
		lo[i] = v[i][0];
		hi[i] = v[i][rounds - 1];
	}

	if (uname(&u) != 0)
		memset(&u, 0, sizeof(u));
	cpu_model(model, sizeof(model));
	f = fopen("/sys/devices/system/clocksource/clocksource0/"
	          "current_clocksource",
	    "re");
	if (f != NULL) {
		if (fgets(cs, sizeof(cs), f) != NULL)
			cs[strcspn(cs, "\n")] = '\0';
		fclose(f);
	}
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));

	printf("bench_clocks, %s\n", date);
	printf("cpu     %s (%s)\n", model, TOOL_ARCH);
	printf("kernel  %s %s, clocksource %s\n", u.sysname, u.release, cs);
	printf("source  %s (timekeep %s)\n", tk_source(), tk_version());
	printf("method  %ld rounds x %ld calls, order rotated per round, "
	       "timed by thread CPU\n"
	       "        time (preemption not counted), median ns/call\n\n",
	    rounds, calls);
	printf("  %-46s %8s %8s %8s\n", "candidate", "ns/call", "min", "max");
	for (i = 0; i < NCAND; i++) {
		if (!have_ctr &&
		    (i == C_ORD_CALL || i == C_ORD_INLINE || i == C_REL_CALL ||
		        i == C_REL_INLINE))
			continue;
		printf("  %-46s %8.2f %8.2f %8.2f\n", names[i], med[i], lo[i],
		    hi[i]);
	}
	if (!have_ctr)
		printf("\n  (no counter read on %s: its rows are left out)\n",
		    TOOL_ARCH);

	printf("\n  %-46s %6s  %7s\n", "comparison", "ratio", "target");
	if (have_ctr) {
		char what[80];

		snprintf(what, sizeof(what), "tk_nanotime / %s (noinline)",
		    tool_counter_ordered_name());
		compare(what, med[C_NANOTIME], med[C_ORD_CALL], 1.10);
		snprintf(what, sizeof(what), "tk_nanotime / %s (inline)",
		    tool_counter_ordered_name());
		compare(what, med[C_NANOTIME], med[C_ORD_INLINE], 1.10);
	}
	compare("tk_nanotime / clock_gettime(MONOTONIC)", med[C_NANOTIME],
	    med[C_LIBC], 0.85);
	if (have_ctr) {
		char what[80];

		snprintf(what, sizeof(what),
		    "tk_nanotime_relaxed / %s (noinline)",
		    tool_counter_relaxed_name());
		compare(what, med[C_RELAXED], med[C_REL_CALL], 1.15);
		snprintf(what, sizeof(what),
		    "tk_nanotime_relaxed / %s (inline)",
		    tool_counter_relaxed_name());
		compare(what, med[C_RELAXED], med[C_REL_INLINE], 1.15);
	}
	compare("tk_walltime / tk_nanotime", med[C_WALLTIME], med[C_NANOTIME],
	    1.10);
	compare("tk_clock_gettime(MONOTONIC) / tk_nanotime", med[C_TK_CGT],
	    med[C_NANOTIME], 1.10);
	compare("2 threads, thread 0 / 1 thread alone", med[C_2THREADS],
	    med[C_1THREAD], 1.05);
	compare("2 threads, thread 1 / 1 thread alone", med[C_2THREADS_1],
	    med[C_1THREAD], 1.05);
	if (ncpu < 2)
		printf("\n  (one CPU only: both threads share it)\n");
	printf("\nThe ratios are of medians; the tk_nanotime targets are met "
	       "only by a counter\nsource (tsc, freebsd), not by vdso or "
	       "syscall.  This program reports, it\nnever fails on speed.\n");
	for (i = 0; i < NCAND; i++)
		free(v[i]);
	return 0;
}
