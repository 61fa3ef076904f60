/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One run of timekeep bench, shared by the command (cmd_bench.c), its
 * text and JSON reports (report.c), its exports (export.c) and its plot
 * (plot.c).
 *
 * The harness runs the candidates and the thread levels (tk_nanotime in
 * 1..N threads at once) in the same interleaved rounds; c[] describes
 * them in that order, the candidates first.
 */
#ifndef CLI_BENCH_H
#define CLI_BENCH_H

#include <stdio.h>

#include "candidates.h"
#include "harness.h"
#include "machine.h"
#include "progress.h"
#include "stats.h"
#include "targets.h"

/* A candidate's, or a thread level's, results. */
struct cand {
	const struct cand_def *def; /* NULL for a thread level */
	struct h_entry *e; /* its harness entry */
	char id[24]; /* "tk_nanotime", "threads_2" */
	char name[64];
	char note[200]; /* why it is left out */
	enum kind kind;
	int threads; /* 0 a candidate, k the k-thread level */
	struct spread ns; /* ns/call over rounds */
	struct spread rv; /* ns/call over the vDSO's, round by round */
	double p[3]; /* single calls: p50, p99, p99.9 (ns) */
	double r_vdso, r_counter; /* over the references, round by round */
	double r_one; /* thread levels: over one thread's median */
	double *per; /* thread levels: [k] each thread's median */
};

/* The line a person reads first, with the spread over rounds. */
struct summary {
	int ok;
	const struct cand *subject, *ref;
	double ratio, spread; /* ratio >= 1, "faster" or "slower" */
	int faster;
	char text[160];
};

/* Where an output goes: a path, or "-" for stdout. */
struct output {
	const char *path;
	FILE *f;
};

struct bench {
	struct machine *m;
	long rounds, calls, samples, maxthreads;
	int json, wide;
	struct output plot, md, csv;
	struct progress prog;
	int have_counter;
	struct harness h; /* candidates, then thread levels */
	struct cand *c; /* [h.n] */
	int ncand; /* c[0..ncand-1] are candidates */
	int nthr; /* c[ncand..ncand+nthr-1] are 1..nthr threads */
	const struct cand *vdso, *ctr; /* the references, or NULL */
	struct summary sum;
	struct target_result tgt[TARGETS_MAX];
	int ntgt;
	double bracket_ns; /* the empty bracket's median, in ns */
	double hz; /* the counter, against CLOCK_MONOTONIC */
	int64_t warmup_ns;
};

/* Medians, spreads, ratios, the summary and the targets (bench_stats.c). */
void bench_stats(struct bench *b);

/* The text report on stdout (report.c). */
void bench_print(const struct bench *b);

/* The JSON document on stdout (report.c). */
void bench_json(const struct bench *b);

/* The Markdown and CSV exports (export.c): 0, or -errno. */
int bench_markdown(const struct bench *b, FILE *f);
int bench_csv(const struct bench *b, FILE *f);

/* The SVG plot (plot.c): 0, or -errno. */
int bench_svg(const struct bench *b, FILE *f);

/* "± 0.02" as UTF-8, for the reports. */
#define PLUS_MINUS "\xc2\xb1"

#endif /* CLI_BENCH_H */
