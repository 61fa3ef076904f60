/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Checks "offset" and "realtime": tk_nanotime against CLOCK_MONOTONIC and
 * tk_walltime against CLOCK_REALTIME, sampled every 400 us over the given
 * time, each sample the narrowest of 8 brackets kernel / timekeep /
 * kernel.
 */
#include <math.h>
#include <stdlib.h>

#include <timekeep.h>

#include "check.h"
#include "options.h"

/* The narrowest of 8 brackets: kernel / timekeep / kernel. */
static double
bracket(int real, double *width)
{
	struct timespec a, z;
	int64_t t, bw = INT64_MAX, off = 0, sec;
	int32_t nsec;
	int i;

	for (i = 0; i < 8; i++) {
		clock_gettime(real ? CLOCK_REALTIME : CLOCK_MONOTONIC, &a);
		if (real) {
			tk_walltime(&sec, &nsec);
			t = sec * TK_NSEC_PER_SEC + nsec;
		} else {
			t = tk_nanotime();
		}
		clock_gettime(real ? CLOCK_REALTIME : CLOCK_MONOTONIC, &z);
		if (ts_ns(&z) - ts_ns(&a) < bw) {
			bw = ts_ns(&z) - ts_ns(&a);
			off = t - (ts_ns(&a) + bw / 2);
		}
	}
	*width = (double)bw;
	return (double)off;
}

/* The verdicts from the sorted |offsets| mo, ro and bracket widths w. */
static void
offsets_verdict(struct check *cm, struct check *cr, const double *mo,
    const double *ro, const double *w, size_t n, double sum, double seconds)
{
	double p50 = quantile(mo, n, 0.5), p99 = quantile(mo, n, 0.99);
	double mx = mo[n - 1], rmax = ro[n - 1], w50 = quantile(w, n, 0.5);
	const char *why = "";

	check_x(cm, "samples", (double)n);
	check_x(cm, "p50_ns", p50);
	check_x(cm, "p99_ns", p99);
	check_x(cm, "max_ns", mx);
	check_x(cm, "mean_signed_ns", sum / (double)n);
	check_x(cm, "bracket_p50_ns", w50);
	check_x(cm, "bound_p99_ns", (double)BOUND_OFFSET_P99_NS);
	check_x(cm, "bound_max_ns", (double)BOUND_OFFSET_MAX_NS);
	if (mx > BOUND_OFFSET_MAX_NS)
		why = "; max above the 10 us bound";
	else if (p99 > BOUND_OFFSET_P99_NS)
		why = "; p99 above the 1 us bound";
	check_set(cm, why[0] != '\0' ? ST_FAIL : ST_PASS,
	    "|tk_nanotime - CLOCK_MONOTONIC| over %.1f s, %zu samples: "
	    "p50 %.0f ns, p99 %.0f ns, max %.0f ns, mean %+.0f ns "
	    "(brackets %.0f ns wide)%s",
	    seconds, n, p50, p99, mx, sum / (double)n, w50, why);
	check_x(cr, "samples", (double)n);
	check_x(cr, "p50_ns", quantile(ro, n, 0.5));
	check_x(cr, "max_ns", rmax);
	check_x(cr, "bound_ns", (double)BOUND_REALTIME_NS);
	check_set(cr, rmax > BOUND_REALTIME_NS ? ST_FAIL : ST_PASS,
	    "|tk_walltime - CLOCK_REALTIME|: p50 %.0f ns, max %.0f ns%s",
	    quantile(ro, n, 0.5), rmax,
	    rmax > BOUND_REALTIME_NS ? "; above the 20 ms bound"
	                             : " (bound 20 ms)");
}

void
check_offsets(struct check *cm, struct check *cr, double seconds)
{
	size_t cap = (size_t)(seconds * 3000) + 16, n = 0;
	double *mo = xcalloc(cap, sizeof(double));
	double *ro = xcalloc(cap, sizeof(double));
	double *w = xcalloc(cap, sizeof(double));
	double sum = 0, width;
	int64_t end = mono_ns() + (int64_t)(seconds * 1e9);

	cm->name = "offset";
	cr->name = "realtime";
	while (n < cap && (n < 16 || mono_ns() < end)) {
		mo[n] = bracket(0, &w[n]);
		ro[n] = bracket(1, &width);
		sum += mo[n];
		mo[n] = fabs(mo[n]);
		ro[n] = fabs(ro[n]);
		n++;
		if (n % 64 == 0)
			check_tick();
		sleep_ns(400 * NS_PER_US);
	}
	qsort(mo, n, sizeof(double), cmp_double);
	qsort(ro, n, sizeof(double), cmp_double);
	qsort(w, n, sizeof(double), cmp_double);
	offsets_verdict(cm, cr, mo, ro, w, n, sum, seconds);
	free(mo);
	free(ro);
	free(w);
}
