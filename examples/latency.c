/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * latency: time many runs of one piece of work with tk_nanotime() and
 * print the median (p50), the 99th percentile (p99) and the worst case.
 *
 *	latency [ITERATIONS]		default 100000
 *
 * Replace work() with the code you want to measure.  The pattern is the
 * usual one: read the clock, do the work, read the clock, keep the
 * difference, and only after the loop sort the differences and pick the
 * percentiles, so that the loop itself does nothing but measure.
 *
 * tk_nanotime() (not tk_nanotime_relaxed()) is the right clock here: its
 * counter read is ordered, so the CPU cannot take the end stamp before the
 * work's loads have completed, which would make the work look faster than
 * it is.  The relaxed read is for timestamps that need no such ordering.
 *
 * Build against an installed timekeep:
 *	cc -O2 latency.c $(pkg-config --cflags --libs timekeep) -o latency
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <timekeep.h>

#define DEFAULT_ITERATIONS 100000L
#define WORK_WORDS 512 /* 4 KiB of uint64_t */

static uint64_t work_buf[WORK_WORDS];
static volatile uint64_t work_sink;

/*
 * The work being measured: an FNV-1a style pass over 4 KiB that also
 * writes back, so it cannot be optimised away.  It touches only global
 * memory, and the compiler barriers around it in measure() keep the
 * compiler from moving any of it across the clock reads.
 */
static void
work(void)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a 64-bit offset basis */
	int i;

	for (i = 0; i < WORK_WORDS; i++) {
		h ^= work_buf[i];
		h *= 1099511628211u; /* FNV-1a 64-bit prime */
		work_buf[i] = h;
	}
	work_sink = h;
}

/* One timed run of work(), in nanoseconds. */
static int64_t
measure(void)
{
	int64_t start, end;

	start = tk_nanotime();
	/* A compiler barrier only: no instruction, no CPU fence. */
	atomic_signal_fence(memory_order_seq_cst);
	work();
	atomic_signal_fence(memory_order_seq_cst);
	end = tk_nanotime();
	return end - start;
}

/* The cost of the two clock reads themselves: an empty interval. */
static int64_t
measure_empty(void)
{
	int64_t start, end;

	start = tk_nanotime();
	atomic_signal_fence(memory_order_seq_cst);
	end = tk_nanotime();
	return end - start;
}

static int
cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a;
	int64_t y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/*
 * The p-th percentile (0 < p <= 100) of n sorted samples, by the
 * nearest-rank method: the smallest sample that at least p% of all
 * samples are less than or equal to.
 */
static int64_t
percentile(const int64_t *sorted, long n, int p)
{
	/* ceil(n * p / 100), 1-based; 64-bit, as n * p may overflow long. */
	int64_t rank = ((int64_t)n * p + 99) / 100;

	return sorted[rank > 0 ? rank - 1 : 0];
}

int
main(int argc, char **argv)
{
	long n = DEFAULT_ITERATIONS;
	int64_t *lat, *empty;
	char *end;
	long i;

	if (argc > 2) {
		fprintf(stderr, "usage: latency [ITERATIONS]\n");
		return 2;
	}
	if (argc == 2) {
		errno = 0;
		n = strtol(argv[1], &end, 10);
		if (errno != 0 || end == argv[1] || *end != '\0' || n < 1 ||
		    n > 100000000L) {
			fprintf(stderr,
			    "latency: ITERATIONS must be a number "
			    "from 1 to 100000000\n");
			return 2;
		}
	}

	lat = malloc((size_t)n * sizeof(*lat));
	empty = malloc((size_t)n * sizeof(*empty));
	if (lat == NULL || empty == NULL) {
		perror("latency: malloc");
		return 1;
	}

	/*
	 * The first clock call chooses the source (and may calibrate it):
	 * make it here, and warm the caches, before anything is measured.
	 */
	printf("timekeep %s, source %s\n", tk_version(), tk_source());
	for (i = 0; i < 1000; i++)
		work();

	for (i = 0; i < n; i++)
		lat[i] = measure();
	for (i = 0; i < n; i++)
		empty[i] = measure_empty();

	qsort(lat, (size_t)n, sizeof(*lat), cmp_int64);
	qsort(empty, (size_t)n, sizeof(*empty), cmp_int64);

	printf("%ld iterations of a %d-byte hash\n", n, (int)sizeof(work_buf));
	printf("p50 %lld ns\n", (long long)percentile(lat, n, 50));
	printf("p99 %lld ns\n", (long long)percentile(lat, n, 99));
	printf("max %lld ns\n", (long long)lat[n - 1]);
	printf("clock overhead (p50 of an empty interval) %lld ns\n",
	    (long long)percentile(empty, n, 50));

	free(lat);
	free(empty);
	return 0;
}
