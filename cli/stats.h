/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The clocks the tool measures with, and the statistics it reports:
 * medians, nearest-rank quantiles, and the spread over rounds.
 */
#ifndef CLI_STATS_H
#define CLI_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define NS_PER_US 1000LL
#define NS_PER_MS 1000000LL
#define NS_PER_S 1000000000LL

int64_t ts_ns(const struct timespec *ts);

/* glibc's CLOCK_MONOTONIC (the vDSO where there is one): the reference. */
int64_t mono_ns(void);

/*
 * The calling thread's CPU time.  The benchmark loops are timed with it,
 * not with CLOCK_MONOTONIC: time the thread spends preempted by other
 * processes is then not charged to the clock read it interrupted, and on
 * a shared machine the medians measure the read, not the neighbours.
 */
int64_t cpu_ns(void);

void sleep_ns(int64_t ns);

int cmp_double(const void *a, const void *b);

/* The p-quantile (0 <= p <= 1) of n sorted values, nearest rank. */
double quantile(const double *v, size_t n, double p);

/* Median of n values; sorts them in place. */
double median(double *v, size_t n);

/*
 * A distribution over rounds: its median, extremes and quartiles, taken
 * from a sorted copy (the rounds keep their order).
 */
struct spread {
	double med, min, max, q25, q75;
};

void spread_of(const double *v, size_t n, struct spread *s);

/* Half the interquartile range: the "±" the tool prints. */
double spread_half_iqr(const struct spread *s);

uint64_t xorshift(uint64_t *s);

#endif /* CLI_STATS_H */
