/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One run of timekeep bench, shared by the command (cmd_bench.c), its
 * reports (report.c) and its plot (plot.c).
 */
#ifndef CLI_BENCH_H
#define CLI_BENCH_H

#include <stdio.h>

#include "candidates.h"
#include "harness.h"
#include "machine.h"
#include "stats.h"

/* A candidate's results. */
struct cand {
	const struct cand_def *def;
	struct h_entry *e; /* its harness entry */
	char name[64];
	char note[200]; /* why it is left out */
	struct spread ns; /* ns/call over rounds */
	double p[3]; /* single calls: p50, p99, p99.9 (ns) */
	double r_vdso, r_counter; /* median ns/call over the references' */
};

struct bench {
	struct machine *m;
	long rounds, calls, samples, maxthreads;
	int json;
	const char *plot;
	int progress; /* stderr is a terminal */
	int have_counter;
	struct harness h; /* the candidates */
	struct cand *c; /* [h.n] */
	struct harness t; /* the thread levels 1..nthr */
	int nthr;
	double *thr_ns; /* [level] median of the per-round means */
	double *thr_per; /* [level * nthr + thread] per-thread medians */
	double bracket_ns; /* the empty bracket's median, in ns */
	double hz; /* the counter, against CLOCK_MONOTONIC */
};

/* The text report on stdout (report.c). */
void bench_print(const struct bench *b);

/* The JSON report on stdout (report.c). */
void bench_json(const struct bench *b);

/* The SVG plot (plot.c): 0, or a negative errno; closes f. */
int bench_svg(const struct bench *b, FILE *f);

#endif /* CLI_BENCH_H */
