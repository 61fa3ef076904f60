/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The benchmark harness of timekeep bench and bench/bench_clocks.
 *
 * A run is a list of entries (candidates).  Each round runs every
 * available entry once, in an order shuffled per round: its loop for
 * `calls` calls, timed by the thread's CPU time, and then, when latency
 * is measured, `samples` single calls each between two ordered counter
 * reads (and an empty bracket, shuffled in like an entry, to subtract).
 * An entry with threads = k runs its loop in k threads at once, each
 * pinned to its own CPU, behind a spinning start line.  Results are kept
 * per round, so a ratio can be taken round by round (libuv
 * benchmark-*.c, lz4 fullbench).
 *
 * Each entry's reads are wrapped twice, by H_CANDIDATE: a loop of n
 * reads (the throughput) and one read (a latency sample).  Both are
 * noinline and called through pointers, so every candidate pays the same
 * call overhead, and the results go to a sink so that no read can be
 * dropped.
 */
#ifndef CLI_HARNESS_H
#define CLI_HARNESS_H

#include <stdatomic.h>
#include <stdint.h>

/*
 * Where every read's result goes.  Threads store to it at once, so it is
 * a relaxed atomic (a plain store on x86-64 and arm64): ThreadSanitizer
 * sees no race and nothing is ordered.
 */
extern _Atomic uint64_t h_sink;

static inline void
h_keep(uint64_t v)
{
	atomic_store_explicit(&h_sink, v, memory_order_relaxed);
}

/* h_loop_ID(n) makes n reads of EXPR, h_once_ID() one. */
#define H_CANDIDATE(id, expr)                                                  \
	static __attribute__((noinline)) void h_loop_##id(uint64_t n)          \
	{                                                                      \
		uint64_t acc = 0;                                              \
                                                                               \
		while (n-- > 0)                                                \
			acc += (uint64_t)(expr);                               \
		h_keep(acc);                                                   \
	}                                                                      \
	static __attribute__((noinline)) void h_once_##id(void)                \
	{                                                                      \
		h_keep((uint64_t)(expr));                                      \
	}

struct h_entry {
	const char *name;
	void (*loop)(uint64_t n);
	void (*once)(void); /* NULL: no latency samples */
	int threads; /* 0: the calling thread; k: k pinned threads at once */
	int avail; /* 0: left out of every round */
	double *ns; /* [round]: ns per call (k threads: their mean) */
	double *per; /* [round * threads + i]: ns per call of thread i */
	uint64_t *lat; /* [round * samples + i]: counter ticks per call */
};

struct harness {
	long rounds, calls, samples;
	int latency; /* bracket single calls with ordered counter reads */
	const int *cpus; /* where thread entries run */
	int ncpu;
	int n;
	struct h_entry *e;
	uint64_t *empty; /* [round * samples + i]: the empty bracket */
	uint64_t seed; /* the shuffle's */
	int pin_failed; /* a thread could not be pinned */
	/* Called before each entry runs (for a progress line), or NULL. */
	void (*tick)(void *arg, long round, int done, int total,
	    const struct h_entry *e);
	void *tick_arg;
};

/* The result arrays, once rounds, samples, n, e and latency are set. */
void harness_alloc(struct harness *h);

/*
 * Every available single-thread entry's loop, calls / 8 + 1 calls at a
 * time, over and over for at least min_ns of CLOCK_MONOTONIC: the library
 * chooses its source and settles (its first timehands come some
 * milliseconds after the first call), and caches fill, before anything is
 * timed.  Returns the time it took.
 */
int64_t harness_warmup(struct harness *h, int64_t min_ns);

/* Round r: 0, or the errno of a thread that could not be started. */
int harness_round(struct harness *h, long r);

void harness_free(struct harness *h);

/* The empty bracket's median, in counter ticks. */
double harness_bracket(const struct harness *h);

/*
 * An entry's single-call percentiles in ns (less the empty bracket of
 * bracket ticks, at ns_per_tick), into p[0..2]: p50, p99, p99.9.
 */
void harness_latency(const struct harness *h, const struct h_entry *e,
    double bracket, double ns_per_tick, double p[3]);

#endif /* CLI_HARNESS_H */
