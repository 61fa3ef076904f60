/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The reports of timekeep bench: the text report, which fits 80 columns
 * unless --wide asks for the percentiles, and the JSON document (schema 1,
 * docs/cli-json.md).  Both name the machine, kernel, clocksource, source
 * and date beside the numbers, so results can be compared later.
 */
#include <math.h>
#include <stdio.h>

#include <timekeep.h>

#include "bench.h"
#include "counter.h"
#include "json.h"
#include "text.h"

static void
fmt_num(char *buf, size_t n, double v)
{
	if (isfinite(v))
		snprintf(buf, n, "%.2f", v);
	else
		snprintf(buf, n, "-");
}

/* The spread as a share of the median: "±0.4%". */
static void
fmt_spread(char *buf, size_t n, const struct spread *s)
{
	double pct = spread_half_iqr(s) / s->med * 100;

	if (isfinite(pct))
		snprintf(buf, n, PLUS_MINUS "%.1f%%", pct);
	else
		snprintf(buf, n, "-");
}

static void
print_head(const struct bench *b)
{
	const struct machine *m = b->m;
	char line[400];

	if (b->sum.ok)
		printf("%s\n\n", b->sum.text);
	printf("timekeep bench, %s\n", m->date);
	printf("machine  %s\n", m->kind);
	snprintf(line, sizeof(line), "%s%s%s", m->vendor,
	    m->vendor[0] ? " " : "", m->model);
	text_wrap(stdout, "cpu", 9, line);
	printf("kernel   %s %s %s, clocksource %s\n", m->uts.sysname,
	    m->uts.release, m->uts.machine,
	    m->clocksource[0] ? m->clocksource : "unknown");
	printf("source   %s (timekeep %s)\n", m->source, tk_version());
	snprintf(line, sizeof(line),
	    "%ld rounds x %ld calls, order shuffled per round, timed by "
	    "thread CPU time (preemption is not counted), after a %.0f ms "
	    "warm-up",
	    b->rounds, b->calls, (double)b->warmup_ns / 1e6);
	text_wrap(stdout, "method", 9, line);
}

static void
print_row(const struct bench *b, const struct cand *c)
{
	char f[8][24];

	fmt_num(f[0], sizeof(f[0]), c->r_vdso);
	fmt_num(f[1], sizeof(f[1]), c->r_counter);
	fmt_spread(f[2], sizeof(f[2]), &c->ns);
	printf(
	    "%-34s %8.2f %7s %10s %8s", c->name, c->ns.med, f[0], f[1], f[2]);
	if (b->wide) {
		fmt_num(f[3], sizeof(f[3]), c->p[0]);
		fmt_num(f[4], sizeof(f[4]), c->p[1]);
		fmt_num(f[5], sizeof(f[5]), c->p[2]);
		printf(" %8.2f %8.2f %8s %8s %8s", c->ns.min, c->ns.max, f[3],
		    f[4], f[5]);
	}
	putchar('\n');
}

static void
print_legend(const struct bench *b)
{
	struct tk_vdso_symbol s[1];
	char line[600];
	int k;

	snprintf(line, sizeof(line),
	    "ns/call: the median over rounds.  x vDSO: over glibc's "
	    "clock_gettime(MONOTONIC), %s; x counter: over the ordered "
	    "counter read (%s); both the median of the ratios round by "
	    "round.  spread: half the range of the middle half of the "
	    "rounds.",
	    tk_vdso_symbols(s, 1) > 0 ? "which calls the vDSO here"
	                              : "a system call here (no vDSO)",
	    cli_counter_ordered_name());
	text_wrap(stdout, "", 0, line);
	if (b->wide && b->have_counter) {
		snprintf(line, sizeof(line),
		    "min, max: over rounds.  p50, p99, p99.9: %ld single "
		    "calls per round between two %s reads, less the empty "
		    "bracket (%.2f ns), %s at %.3f MHz measured against "
		    "CLOCK_MONOTONIC.",
		    b->samples, cli_counter_ordered_name(), b->bracket_ns,
		    machine_counter_kind(b->m), b->hz / 1e6);
		text_wrap(stdout, "", 0, line);
	} else if (b->wide) {
		snprintf(line, sizeof(line),
		    "min, max: over rounds.  No single-call percentiles: %s.",
		    counter_note());
		text_wrap(stdout, "", 0, line);
	}
	for (k = 0; k < b->ncand; k++) {
		if (b->c[k].e->avail)
			continue;
		snprintf(
		    line, sizeof(line), "%s: %s", b->c[k].name, b->c[k].note);
		text_wrap(stdout, "left out", 9, line);
	}
}

static void
print_threads(const struct bench *b)
{
	char f[2][24];
	int k, i;

	printf("\n%-8s %8s %11s %8s   %s\n", "threads", "ns/call", "x 1 thread",
	    "spread", "each pinned, looping tk_nanotime");
	for (k = b->ncand; k < b->h.n; k++) {
		const struct cand *c = &b->c[k];

		fmt_num(f[0], sizeof(f[0]), c->r_one);
		fmt_spread(f[1], sizeof(f[1]), &c->ns);
		printf(
		    "%-8d %8.2f %11s %8s", c->threads, c->ns.med, f[0], f[1]);
		if (b->wide) {
			printf("   per thread");
			for (i = 0; i < c->threads; i++)
				printf(" %.2f", c->per[i]);
		}
		putchar('\n');
	}
	if (b->h.pin_failed)
		printf("note: some threads could not be pinned to a CPU\n");
	if (b->nthr > b->m->ncpu)
		printf("note: more threads than CPUs (%d): they share CPUs\n",
		    b->m->ncpu);
}

void
bench_print(const struct bench *b)
{
	int k;

	print_head(b);
	printf("\n%-34s %8s %7s %10s %8s", "candidate", "ns/call", "x vDSO",
	    "x counter", "spread");
	if (b->wide)
		printf(" %8s %8s %8s %8s %8s", "min", "max", "p50", "p99",
		    "p99.9");
	putchar('\n');
	for (k = 0; k < b->ncand; k++)
		if (b->c[k].e->avail)
			print_row(b, &b->c[k]);
	putchar('\n');
	print_legend(b);
	print_threads(b);
	putchar('\n');
	targets_print(stdout, b->m, b->tgt, b->ntgt);
}

/* ---- JSON ------------------------------------------------------------- */

/* "min_ns", "q25_ns", ... for prefix "" and unit "_ns". */
static void
json_spread(struct json *j, const char *prefix, const char *unit,
    const struct spread *s)
{
	static const char *const names[4] = { "min", "q25", "q75", "max" };
	double v[4] = { s->min, s->q25, s->q75, s->max };
	char key[48];
	int i;

	for (i = 0; i < 4; i++) {
		snprintf(key, sizeof(key), "%s%s%s", prefix, names[i], unit);
		j_num(j, key, v[i]);
	}
}

static void
json_result(struct json *j, const struct bench *b, const struct cand *c)
{
	static const struct spread none = { NAN, NAN, NAN, NAN, NAN };

	j_open(j, NULL, '{');
	j_str(j, "id", c->id);
	j_str(j, "name", c->name);
	j_str(j, "kind", kind_names[c->kind]);
	j_num(j, "ns_per_call", c->ns.med);
	j_num(j, "spread_ns", spread_half_iqr(&c->ns));
	json_spread(j, "", "_ns", &c->ns);
	j_num(j, "ratio_vdso", c->r_vdso);
	j_num(j, "ratio_vdso_spread",
	    b->vdso != NULL ? spread_half_iqr(&c->rv) : NAN);
	json_spread(j, "ratio_vdso_", "", b->vdso != NULL ? &c->rv : &none);
	j_num(j, "ratio_counter", c->r_counter);
	j_num(j, "p50_ns", c->p[0]);
	j_num(j, "p99_ns", c->p[1]);
	j_num(j, "p999_ns", c->p[2]);
	j_close(j, '}');
}

static void
json_threads(struct json *j, const struct bench *b)
{
	int k, i;

	j_open(j, "threads", '{');
	j_bool(j, "pinned", !b->h.pin_failed);
	j_open(j, "levels", '[');
	for (k = b->ncand; k < b->h.n; k++) {
		const struct cand *c = &b->c[k];

		j_open(j, NULL, '{');
		j_int(j, "threads", c->threads);
		j_num(j, "ns_per_call", c->ns.med);
		j_num(j, "spread_ns", spread_half_iqr(&c->ns));
		j_num(j, "ratio_one_thread", c->r_one);
		j_open(j, "per_thread_ns", '[');
		for (i = 0; i < c->threads; i++)
			j_num(j, NULL, c->per[i]);
		j_close(j, ']');
		j_close(j, '}');
	}
	j_close(j, ']');
	j_close(j, '}');
}

static void
json_method(struct json *j, const struct bench *b)
{
	j_open(j, "method", '{');
	j_int(j, "rounds", b->rounds);
	j_int(j, "calls", b->calls);
	j_int(j, "samples", b->have_counter ? b->samples : 0);
	j_num(j, "warmup_ns", (double)b->warmup_ns);
	j_num(j, "bracket_ns", b->have_counter ? b->bracket_ns : NAN);
	j_str(j, "timed_by", "thread CPU time");
	j_str(j, "spread", "half the interquartile range over rounds");
	j_close(j, '}');
}

static void
json_summary(struct json *j, const struct bench *b)
{
	const struct summary *s = &b->sum;

	if (!s->ok) {
		j_null(j, "summary");
		return;
	}
	j_open(j, "summary", '{');
	j_str(j, "text", s->text);
	j_str(j, "subject", s->subject->id);
	j_str(j, "reference", s->ref->id);
	j_num(j, "ratio", s->ratio);
	j_num(j, "spread", s->spread);
	j_bool(j, "faster", s->faster);
	j_close(j, '}');
}

void
bench_json(const struct bench *b)
{
	struct json j;
	int k;

	j_init(&j, stdout);
	json_head(&j, "bench");
	json_machine(&j, b->m);
	json_counter(&j, b->m, b->have_counter ? b->hz : NAN,
	    b->have_counter ? "the whole run against CLOCK_MONOTONIC"
	                    : counter_note());
	json_method(&j, b);
	json_summary(&j, b);
	j_open(&j, "results", '[');
	for (k = 0; k < b->ncand; k++)
		if (b->c[k].e->avail)
			json_result(&j, b, &b->c[k]);
	j_close(&j, ']');
	j_open(&j, "omitted", '[');
	for (k = 0; k < b->ncand; k++) {
		if (b->c[k].e->avail)
			continue;
		j_open(&j, NULL, '{');
		j_str(&j, "id", b->c[k].id);
		j_str(&j, "name", b->c[k].name);
		j_str(&j, "reason", b->c[k].note);
		j_close(&j, '}');
	}
	j_close(&j, ']');
	json_threads(&j, b);
	targets_json(&j, b->tgt, b->ntgt);
	j_close(&j, '}');
}
