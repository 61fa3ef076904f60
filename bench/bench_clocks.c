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
 * The targets (cli/targets.c) follow the table, each ratio next to its
 * target, labelled with the machine kind they were set on and this
 * machine's.  It reports and never fails on speed: the exit status is 0
 * unless the arguments are wrong (2).  CPU, kernel, clocksource, source
 * and date are printed with the numbers.  The counter reads are the
 * tool's (cli/counter.h), the same baselines as timekeep bench.
 *
 *   bench_clocks [--rounds N] [--calls N]
 */
#include <errno.h>
#include <math.h>
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
#include "targets.h"
#include "text.h"

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
	/* Zero-extended: see rd_tk_walltime() in cli/candidates.c. */
	return sec + (uint32_t)nsec;
}

static inline int64_t
rd_tk_cgt(void)
{
	struct timespec ts;

	tk_clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_nsec;
}

static inline int64_t
rd_libc(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_nsec;
}

/* id, label, threads (0: this one), needs the counter, the read */
#define CANDIDATES(X)                                                          \
	X(tk_nanotime, "tk_nanotime", 0, 0, tk_nanotime())                     \
	X(ctr_ordered_call, "ordered counter read, noinline call", 0, 1,       \
	    ordered_call())                                                    \
	X(ctr_ordered, "ordered counter read, inline", 0, 1,                   \
	    cli_counter_ordered())                                             \
	X(libc_mono, "clock_gettime(MONOTONIC) (glibc)", 0, 0,                 \
	    rd_libc(CLOCK_MONOTONIC))                                          \
	X(libc_real, "clock_gettime(REALTIME) (glibc)", 0, 0,                  \
	    rd_libc(CLOCK_REALTIME))                                           \
	X(tk_relaxed, "tk_nanotime_relaxed", 0, 0, tk_nanotime_relaxed())      \
	X(ctr_relaxed_call, "relaxed counter read, noinline call", 0, 1,       \
	    relaxed_call())                                                    \
	X(ctr_relaxed, "relaxed counter read, inline", 0, 1,                   \
	    cli_counter_relaxed())                                             \
	X(tk_realtime, "tk_realtime_ns", 0, 0, tk_realtime_ns())               \
	X(tk_walltime, "tk_walltime", 0, 0, rd_walltime())                     \
	X(tk_cgt_mono, "tk_clock_gettime(MONOTONIC)", 0, 0, rd_tk_cgt())       \
	X(threads_1, "tk_nanotime, 1 thread alone", 1, 0, tk_nanotime())       \
	X(threads_2, "tk_nanotime, 2 threads at once", 2, 0, tk_nanotime())

#define X_FUNCS(id, name, threads, ctr, expr) H_CANDIDATE(id, expr)
CANDIDATES(X_FUNCS)

#define X_ROW(id, name, threads, ctr, expr)                                    \
	{ #id, name, threads, ctr, h_loop_##id, h_once_##id },
static const struct row {
	const char *id, *name;
	int threads, counter;
	void (*loop)(uint64_t n);
	void (*once)(void);
} rows[] = { CANDIDATES(X_ROW) };
#define NROWS (int)(sizeof(rows) / sizeof(rows[0]))

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
			printf("usage: bench_clocks [--rounds N] [--calls N]\n"
			       "\n"
			       "The library's performance targets, measured: "
			       "each ratio of medians\n"
			       "next to its target (default 31 rounds of "
			       "200000 calls).\n");
			exit(0);
		} else {
			fprintf(stderr, "bench_clocks: unknown argument '%s'\n",
			    argv[i]);
			exit(2);
		}
	}
}

static void
print_table(
    const struct harness *h, const struct machine *m, const struct spread *s)
{
	char line[200];
	int i;

	printf("bench_clocks, %s\n", m->date);
	printf("machine  %s\n", m->kind);
	printf("cpu      %s (%s)\n", m->model, CLI_ARCH);
	printf("kernel   %s %s, clocksource %s\n", m->uts.sysname,
	    m->uts.release, m->clocksource[0] ? m->clocksource : "unknown");
	printf("source   %s (timekeep %s, %s library)\n", tk_source(),
	    tk_version(), BENCH_LINKED);
	snprintf(line, sizeof(line),
	    "%ld rounds x %ld calls, order shuffled per round, timed by "
	    "thread CPU time (preemption not counted), after a 50 ms warm-up",
	    h->rounds, h->calls);
	text_wrap(stdout, "method", 9, line);
	printf("\n  %-38s %8s %8s %8s %8s\n", "candidate", "ns/call", "spread",
	    "min", "max");
	for (i = 0; i < NROWS; i++)
		if (h->e[i].avail)
			printf("  %-38s %8.2f %7.1f%% %8.2f %8.2f\n",
			    h->e[i].name, s[i].med,
			    spread_half_iqr(&s[i]) / s[i].med * 100, s[i].min,
			    s[i].max);
	printf("\n  ns/call: median over rounds; spread: half the range of the "
	       "middle half\n  of the rounds, in %% of the median.\n");
	if (!h->e[1].avail)
		printf("  (no counter read on %s: its rows are left out)\n",
		    CLI_ARCH);
}

struct run {
	const struct harness *h;
	const struct spread *s;
};

static double
lookup(const void *arg, const char *id, const char **label)
{
	const struct run *run = arg;
	int i;

	for (i = 0; i < NROWS; i++)
		if (run->h->e[i].avail && strcmp(rows[i].id, id) == 0) {
			*label = rows[i].name;
			return run->s[i].med;
		}
	return NAN;
}

int
main(int argc, char **argv)
{
	struct harness h;
	struct h_entry e[NROWS];
	struct spread s[NROWS];
	struct target_result tgt[TARGETS_MAX];
	struct machine *m = xcalloc(1, sizeof(*m));
	struct run run = { &h, s };
	long rounds = 31, calls = 200000, r;
	int i, err;

	parse_args(argc, argv, &rounds, &calls);
	machine_load(m);
	memset(&h, 0, sizeof(h));
	memset(e, 0, sizeof(e));
	for (i = 0; i < NROWS; i++) {
		e[i].name = rows[i].name;
		e[i].loop = rows[i].loop;
		e[i].once = rows[i].once;
		e[i].threads = rows[i].threads;
		e[i].avail = rows[i].counter ? counter_usable() : 1;
	}
	h.rounds = rounds;
	h.calls = calls;
	h.cpus = m->cpus;
	h.ncpu = m->ncpu;
	h.n = NROWS;
	h.e = e;
	harness_alloc(&h);
	harness_warmup(&h, 50 * NS_PER_MS);
	for (r = 0; r < rounds; r++) {
		err = harness_round(&h, r);
		if (err != 0) {
			fprintf(stderr, "bench_clocks: pthread_create: %s\n",
			    strerror(err));
			return 1;
		}
	}
	for (i = 0; i < NROWS; i++)
		spread_of(e[i].ns, (size_t)rounds, &s[i]);
	print_table(&h, m, s);
	putchar('\n');
	targets_print(
	    stdout, m, tgt, targets_eval(m->source, lookup, &run, tgt));
	if (m->ncpu < 2)
		printf("\n(one CPU only: the two threads share it)\n");
	printf("\nThis program reports; it never fails on speed.\n");
	harness_free(&h);
	free(m);
	return 0;
}
