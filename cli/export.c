/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The exports of timekeep bench, as hyperfine offers them: Markdown, to
 * paste a result into a README or a review, and CSV (RFC 4180), to feed a
 * spreadsheet.  Both carry the same rows as the text table; the Markdown
 * says the command, the machine and the date above it, and the summary.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <timekeep.h>

#include "bench.h"
#include "counter.h"

#define TIMES "\xc3\x97" /* the multiplication sign, UTF-8 */

static void
md_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, " %.2f |", v);
	else
		fprintf(f, " - |");
}

static void
md_spread(FILE *f, const struct spread *s)
{
	double pct = spread_half_iqr(s) / s->med * 100;

	if (isfinite(pct))
		fprintf(f, " " PLUS_MINUS "%.1f%% |", pct);
	else
		fprintf(f, " - |");
}

static void
md_head(const struct bench *b, FILE *f)
{
	const struct machine *m = b->m;

	fprintf(f,
	    "`timekeep bench --rounds %ld --calls %ld --threads %d` on a %s "
	    "(%s%s%s), %s %s %s, clocksource %s; source `%s`, timekeep %s; "
	    "%s.\n\n",
	    b->rounds, b->calls, b->nthr, m->kind, m->vendor,
	    m->vendor[0] ? " " : "", m->model, m->uts.sysname, m->uts.release,
	    m->uts.machine, m->clocksource[0] ? m->clocksource : "unknown",
	    m->source, tk_version(), m->day);
	if (b->sum.ok)
		fprintf(f,
		    "**%s: %.2f " PLUS_MINUS " %.2f " TIMES " %s than %s**\n\n",
		    b->sum.subject->name, b->sum.ratio, b->sum.spread,
		    b->sum.faster ? "faster" : "slower", b->sum.ref->name);
}

int
bench_markdown(const struct bench *b, FILE *f)
{
	int k;

	md_head(b, f);
	fprintf(f,
	    "| call | ns/call | " TIMES " vDSO | " TIMES " counter | spread |\n"
	    "|:---|---:|---:|---:|---:|\n");
	for (k = 0; k < b->ncand; k++) {
		const struct cand *c = &b->c[k];

		if (!c->e->avail)
			continue;
		fprintf(f, "| `%s` |", c->name);
		md_num(f, c->ns.med);
		md_num(f, c->r_vdso);
		md_num(f, c->r_counter);
		md_spread(f, &c->ns);
		fputc('\n', f);
	}
	fprintf(f,
	    "\n| threads | ns/call | " TIMES " 1 thread | spread |\n"
	    "|---:|---:|---:|---:|\n");
	for (k = b->ncand; k < b->h.n; k++) {
		fprintf(f, "| %d |", b->c[k].threads);
		md_num(f, b->c[k].ns.med);
		md_num(f, b->c[k].r_one);
		md_spread(f, &b->c[k].ns);
		fputc('\n', f);
	}
	fprintf(f,
	    "\nns/call: the median over rounds, timed by thread CPU "
	    "time. " TIMES
	    " vDSO: over glibc's `clock_gettime(MONOTONIC)`. " TIMES
	    " counter: over the ordered counter read (`%s`). spread: half "
	    "the interquartile range over rounds. Threads: each pinned to a "
	    "CPU, looping `tk_nanotime`.\n",
	    cli_counter_ordered_name());
	return ferror(f) ? -EIO : 0;
}

/* A CSV field: quoted when it holds a comma, a quote or a newline. */
static void
csv_str(FILE *f, const char *s, int last)
{
	const char *p;

	if (strpbrk(s, ",\"\n") == NULL) {
		fputs(s, f);
	} else {
		fputc('"', f);
		for (p = s; *p != '\0'; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
		fputc('"', f);
	}
	fputc(last ? '\n' : ',', f);
}

static void
csv_num(FILE *f, double v, int last)
{
	if (isfinite(v))
		fprintf(f, "%.3f", v);
	fputc(last ? '\n' : ',', f);
}

int
bench_csv(const struct bench *b, FILE *f)
{
	char threads[16];
	int k;

	fputs("id,name,kind,threads,ns_per_call,spread_ns,min_ns,q25_ns,"
	      "q75_ns,max_ns,ratio_vdso,ratio_counter,ratio_one_thread,"
	      "p50_ns,p99_ns,p999_ns\n",
	    f);
	for (k = 0; k < b->h.n; k++) {
		const struct cand *c = &b->c[k];

		if (!c->e->avail)
			continue;
		snprintf(threads, sizeof(threads), "%d",
		    c->threads > 0 ? c->threads : 1);
		csv_str(f, c->id, 0);
		csv_str(f, c->name, 0);
		csv_str(f, kind_names[c->kind], 0);
		csv_str(f, threads, 0);
		csv_num(f, c->ns.med, 0);
		csv_num(f, spread_half_iqr(&c->ns), 0);
		csv_num(f, c->ns.min, 0);
		csv_num(f, c->ns.q25, 0);
		csv_num(f, c->ns.q75, 0);
		csv_num(f, c->ns.max, 0);
		csv_num(f, c->r_vdso, 0);
		csv_num(f, c->r_counter, 0);
		csv_num(f, c->threads > 0 ? c->r_one : NAN, 0);
		csv_num(f, c->p[0], 0);
		csv_num(f, c->p[1], 0);
		csv_num(f, c->p[2], 1);
	}
	return ferror(f) ? -EIO : 0;
}
