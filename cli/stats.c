/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Clock readings and statistics for the tool (see stats.h).  Quantiles are
 * nearest-rank, as the percentiles of single calls have always been; the
 * quartiles of the spread interpolate, because rounds are few.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <timekeep.h>

#include "options.h"
#include "stats.h"

int64_t
ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * TK_NSEC_PER_SEC + ts->tv_nsec;
}

int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts_ns(&ts);
}

int64_t
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts_ns(&ts);
}

void
sleep_ns(int64_t ns)
{
	struct timespec ts = { (time_t)(ns / TK_NSEC_PER_SEC),
		(long)(ns % TK_NSEC_PER_SEC) };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
quantile(const double *v, size_t n, double p)
{
	size_t k;

	if (n == 0)
		return NAN;
	k = (size_t)ceil(p * (double)n);
	return v[k > 0 ? k - 1 : 0];
}

double
median(double *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The p-quantile of n sorted values, interpolated between ranks. */
static double
lerp_quantile(const double *v, size_t n, double p)
{
	double x = p * (double)(n - 1), f = floor(x);
	size_t i = (size_t)f;

	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (v[i + 1] - v[i]) * (x - f);
}

void
spread_of(const double *v, size_t n, struct spread *s)
{
	double *c;

	if (n == 0) {
		s->med = s->min = s->max = s->q25 = s->q75 = NAN;
		return;
	}
	c = xcalloc(n, sizeof(double));
	memcpy(c, v, n * sizeof(double));
	s->med = median(c, n);
	s->min = c[0];
	s->max = c[n - 1];
	s->q25 = lerp_quantile(c, n, 0.25);
	s->q75 = lerp_quantile(c, n, 0.75);
	free(c);
}

double
spread_half_iqr(const struct spread *s)
{
	return (s->q75 - s->q25) / 2;
}

uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}
