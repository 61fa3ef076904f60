/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_clocks: the benchmark the library's performance targets are judged
 * on.  In one run, in interleaved rounds (every candidate once per round,
 * in an order shuffled per round, each loop timed by the thread's CPU
 * time; the result is the median over rounds), with the harness of
 * timekeep bench (cli/harness.h):
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
 * printed with the numbers.  The counter reads are the tool's
 * (cli/counter.h), the same baselines as timekeep bench.
 *
 *   bench_clocks [--rounds N] [--calls N]
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <timekeep.h>

#include "counter.h"
#include "harness.h"
#include "machine.h"
#include "options.h"
#include "stats.h"

/* The counter reads as calls, the way tk_nanotime is reached. */
static __attribute__((noinline)) uint64_t
ordered_call(void)
{
	return cli_counter_ordered();
}

static __attribute__((noinline)) uint64_t
relaxed_call(void)
{
	return cli_counter_relaxed();
}

static inline int64_t
rd_walltime(void)
{
	int64_t sec;
	int32_t nsec;

	tk_walltime(&sec, &nsec);
	return sec + nsec;
}

static inline int64_t
rd_cgt(int tk)
{
	struct timespec ts;

	if (tk)
		tk_clock_gettime(CLOCK_MONOTONIC, &ts);
	else
		clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_nsec;
}

/* id, label, threads (0: this one), needs the counter, the read */
#define CANDIDATES(X)                                                          \
	X(nanotime, "tk_nanotime", 0, 0, tk_nanotime())                        \
	X(ord_call, "ordered counter read, noinline call", 0, 1,               \
	    ordered_call())                                                    \
	X(ord_inline, "ordered counter read, inline", 0, 1,                    \
	    cli_counter_ordered())                                             \
	X(libc, "clock_gettime(MONOTONIC) (glibc)", 0, 0, rd_cgt(0))           \
	X(relaxed, "tk_nanotime_relaxed", 0, 0, tk_nanotime_relaxed())         \
	X(rel_call, "relaxed counter read, noinline call", 0, 1,               \
	    relaxed_call())                                                    \
	X(rel_inline, "relaxed counter read, inline", 0, 1,                    \
	    cli_counter_relaxed())                                             \
	X(walltime, "tk_walltime", 0, 0, rd_walltime())                        \
	X(tk_cgt, "tk_clock_gettime(MONOTONIC)", 0, 0, rd_cgt(1))              \
	X(thread1, "tk_nanotime, 1 thread alone", 1, 0, tk_nanotime())         \
	X(threads2, "tk_nanotime, 2 threads", 2, 0, tk_nanotime())

#define X_FUNCS(id, name, threads, ctr, expr) H_CANDIDATE(id, expr)
CANDIDATES(X_FUNCS)

#define X_ENUM(id, name, threads, ctr, expr) C_##id,
enum { CANDIDATES(X_ENUM) NCAND };

#define X_ROW(id, name, threads, ctr, expr)                                    \
	{ name, h_loop_##id, h_once_##id, threads, ctr, NULL, NULL, NULL },
static const struct h_entry rows[NCAND] = { CANDIDATES(X_ROW) };

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

static void
parse_args(int argc, char **argv, long *rounds, long *calls)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rounds") == 0) {
			*rounds = arg_long(
			    "--rounds", i + 1 < argc ? argv[++i] : NULL);
		} else if (strcmp(argv[i], "--calls") == 0) {
			*calls = arg_long(
			    "--calls", i + 1 < argc ? argv[++i] : NULL);
		} else if (strcmp(argv[i], "--help") == 0) {
			printf(
			    "usage: bench_clocks [--rounds N] [--calls N]\n");
			exit(0);
		} else {
			fprintf(stderr, "bench_clocks: unknown argument '%s'\n",
			    argv[i]);
			exit(2);
		}
	}
}

/* One line of the comparison table: the ratio, its target, met or not. */
static void
compare(const char *what, double num, double den, double target)
{
	double r = num / den;

	printf("  %-46s %6.3f  <= %.2f  %s\n", what, r, target,
	    r <= target ? "met" : "NOT MET");
}

static void
print_table(const struct harness *h, const struct machine *m,
    const double *med, const double *lo, const double *hi)
{
	int i;

	printf("bench_clocks, %s\n", m->date);
	printf("cpu     %s (%s)\n", m->model, CLI_ARCH);
	printf("kernel  %s %s, clocksource %s\n", m->uts.sysname,
	    m->uts.release, m->clocksource[0] ? m->clocksource : "unknown");
	printf("source  %s (timekeep %s)\n", tk_source(), tk_version());
	printf("method  %ld rounds x %ld calls, order shuffled per round, "
	       "timed by thread CPU\n"
	       "        time (preemption not counted), median ns/call\n\n",
	    h->rounds, h->calls);
	printf("  %-46s %8s %8s %8s\n", "candidate", "ns/call", "min", "max");
	for (i = 0; i < NCAND; i++)
		if (h->e[i].avail)
			printf("  %-46s %8.2f %8.2f %8.2f\n", h->e[i].name,
			    med[i], lo[i], hi[i]);
	if (!h->e[C_ord_call].avail)
		printf("\n  (no counter read on %s: its rows are left out)\n",
		    CLI_ARCH);
}

static void
print_comparisons(const struct harness *h, const double *med,
    const double *t2)
{
	char what[80];

	printf("\n  %-46s %6s  %7s\n", "comparison", "ratio", "target");
	if (h->e[C_ord_call].avail) {
		snprintf(what, sizeof(what), "tk_nanotime / %s (noinline)",
		    cli_counter_ordered_name());
		compare(what, med[C_nanotime], med[C_ord_call], 1.10);
		snprintf(what, sizeof(what), "tk_nanotime / %s (inline)",
		    cli_counter_ordered_name());
		compare(what, med[C_nanotime], med[C_ord_inline], 1.10);
	}
	compare("tk_nanotime / clock_gettime(MONOTONIC)", med[C_nanotime],
	    med[C_libc], 0.85);
	if (h->e[C_rel_call].avail) {
		snprintf(what, sizeof(what),
		    "tk_nanotime_relaxed / %s (noinline)",
		    cli_counter_relaxed_name());
		compare(what, med[C_relaxed], med[C_rel_call], 1.15);
		snprintf(what, sizeof(what),
		    "tk_nanotime_relaxed / %s (inline)",
		    cli_counter_relaxed_name());
		compare(what, med[C_relaxed], med[C_rel_inline], 1.15);
	}
	compare("tk_walltime / tk_nanotime", med[C_walltime], med[C_nanotime],
	    1.10);
	compare("tk_clock_gettime(MONOTONIC) / tk_nanotime", med[C_tk_cgt],
	    med[C_nanotime], 1.10);
	compare("2 threads, thread 0 / 1 thread alone", t2[0],
	    med[C_thread1], 1.05);
	compare("2 threads, thread 1 / 1 thread alone", t2[1],
	    med[C_thread1], 1.05);
}

int
main(int argc, char **argv)
{
	struct harness h;
	struct h_entry e[NCAND];
	struct machine *m = xcalloc(1, sizeof(*m));
	double med[NCAND], lo[NCAND], hi[NCAND], t2[2], *tmp;
	struct spread s;
	long rounds = 31, calls = 200000, r;
	int i, k, err;

	parse_args(argc, argv, &rounds, &calls);
	machine_load(m);
	memset(&h, 0, sizeof(h));
	memcpy(e, rows, sizeof(e));
	for (i = 0; i < NCAND; i++)
		e[i].avail = e[i].avail ? counter_usable() : 1;
	h.rounds = rounds;
	h.calls = calls;
	h.cpus = m->cpus;
	h.ncpu = m->ncpu;
	h.n = NCAND;
	h.e = e;
	harness_alloc(&h);

	/* Warm up: the source is chosen, the code paths are hot. */
	harness_warmup(&h);
	for (r = 0; r < rounds; r++) {
		err = harness_round(&h, r);
		if (err != 0) {
			fprintf(stderr, "bench_clocks: pthread_create: %s\n",
			    strerror(err));
			return 1;
		}
	}
	for (i = 0; i < NCAND; i++) {
		spread_of(e[i].ns, (size_t)rounds, &s);
		med[i] = s.med;
		lo[i] = s.min;
		hi[i] = s.max;
	}
	tmp = xcalloc((size_t)rounds, sizeof(double));
	for (k = 0; k < 2; k++) {
		for (r = 0; r < rounds; r++)
			tmp[r] = e[C_threads2].per[r * 2 + k];
		t2[k] = median(tmp, (size_t)rounds);
	}
	print_table(&h, m, med, lo, hi);
	print_comparisons(&h, med, t2);
	if (m->ncpu < 2)
		printf("\n  (one CPU only: both threads share it)\n");
	printf("\nThe ratios are of medians; the tk_nanotime targets are met "
	       "only by a counter\nsource (tsc, freebsd), not by vdso or "
	       "syscall.  This program reports, it\nnever fails on speed.\n");
	free(tmp);
	harness_free(&h);
	free(m);
	return 0;
}
