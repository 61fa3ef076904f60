/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The reports of timekeep bench: the text table and the JSON document.
 * Every report names the CPU, kernel, clocksource, source and date beside
 * the numbers, so results can be compared later.
 */
#include <math.h>
#include <stdio.h>

#include <timekeep.h>

#include "bench.h"
#include "counter.h"
#include "json.h"

static void
fmt_num(char *buf, size_t n, double v)
{
	if (isfinite(v))
		snprintf(buf, n, "%.2f", v);
	else
		snprintf(buf, n, "-");
}

/* Whether glibc's clock_gettime has a vDSO to call. */
static int
have_vdso(void)
{
	struct tk_vdso_symbol s[1];

	return tk_vdso_symbols(s, 1) > 0;
}

static void
print_head(const struct bench *b)
{
	const struct machine *m = b->m;

	printf("timekeep bench, %s\n", m->date);
	printf("cpu      %s%s%s, %d CPU%s\n", m->vendor,
	    m->vendor[0] ? " " : "", m->model, m->ncpu,
	    m->ncpu == 1 ? "" : "s");
	printf("kernel   %s %s %s, clocksource %s\n", m->uts.sysname,
	    m->uts.release, m->uts.machine,
	    m->clocksource[0] ? m->clocksource : "unknown");
	printf("source   %s (timekeep %s)\n", m->source, tk_version());
	printf("method   %ld rounds x %ld calls per candidate, order shuffled "
	       "per round, timed by\n"
	       "         thread CPU time (preemption is not counted), "
	       "medians over rounds\n",
	    b->rounds, b->calls);
	if (b->have_counter)
		printf("latency  %ld samples per candidate per round between "
		       "%s reads, less the\n"
		       "         empty bracket (%.2f ns); %s at %.3f MHz "
		       "measured against CLOCK_MONOTONIC\n",
		    b->samples, cli_counter_ordered_name(), b->bracket_ns,
		    machine_counter_kind(m), b->hz / 1e6);
	else
		printf("latency  not measured: %s\n", counter_note());
}

static void
print_threads(const struct bench *b)
{
	int lvl, i;

	printf("\n%-8s %8s %12s  %s\n", "threads", "ns/call", "x 1 thread",
	    "per thread (ns/call, each looping tk_nanotime)");
	for (lvl = 0; lvl < b->nthr; lvl++) {
		printf("%-8d %8.2f %12.2f ", lvl + 1, b->thr_ns[lvl],
		    b->thr_ns[lvl] / b->thr_ns[0]);
		for (i = 0; i <= lvl; i++)
			printf(" %.2f", b->thr_per[lvl * b->nthr + i]);
		printf("\n");
	}
	if (b->t.pin_failed)
		printf("note: some threads could not be pinned to a CPU\n");
	if (b->nthr > b->m->ncpu)
		printf("note: more threads than CPUs (%d): they share CPUs\n",
		    b->m->ncpu);
}

void
bench_print(const struct bench *b)
{
	char f[8][24];
	int k;

	print_head(b);
	printf("\n%-34s %8s %8s %8s %7s %7s %8s %8s %8s\n", "candidate",
	    "ns/call", "min", "max", "x vdso", "x ctr", "p50", "p99", "p99.9");
	for (k = 0; k < b->h.n; k++) {
		const struct cand *c = &b->c[k];

		if (!c->e->avail)
			continue;
		fmt_num(f[0], sizeof(f[0]), c->r_vdso);
		fmt_num(f[1], sizeof(f[1]), c->r_counter);
		fmt_num(f[2], sizeof(f[2]), c->p[0]);
		fmt_num(f[3], sizeof(f[3]), c->p[1]);
		fmt_num(f[4], sizeof(f[4]), c->p[2]);
		printf("%-34s %8.2f %8.2f %8.2f %7s %7s %8s %8s %8s\n", c->name,
		    c->ns.med, c->ns.min, c->ns.max, f[0], f[1], f[2], f[3],
		    f[4]);
	}
	printf("\nx vdso: ns/call over clock_gettime(MONOTONIC)'s (glibc, %s); "
	       "x ctr: over\n"
	       "the ordered counter read's.  min/max: over rounds; p50..p99.9: "
	       "single calls.\n",
	    have_vdso() ? "the vDSO" : "a system call: no vDSO here");
	for (k = 0; k < b->h.n; k++)
		if (!b->c[k].e->avail)
			printf("omitted: %s: %s\n", b->c[k].name, b->c[k].note);
	print_threads(b);
}

static void
json_machine(struct json *j, const struct bench *b)
{
	const struct machine *m = b->m;

	j_open(j, "machine", '{');
	j_str(j, "cpu", m->model);
	j_str(j, "vendor", m->vendor);
	j_int(j, "cpus", m->ncpu);
	j_str(j, "kernel", m->uts.sysname);
	j_str(j, "release", m->uts.release);
	j_str(j, "arch", m->uts.machine);
	j_str(j, "clocksource", m->clocksource);
	j_str(j, "counter", machine_counter_kind(m));
	j_num(j, "counter_hz", b->have_counter ? b->hz : NAN);
	j_str(j, "counter_hz_from",
	    b->have_counter ? "measured against CLOCK_MONOTONIC" : NULL);
	j_str(j, "library", tk_version());
	j_str(j, "date", m->date_iso);
	j_close(j, '}');
}

static void
json_results(struct json *j, const struct bench *b)
{
	int k;

	j_open(j, "results", '[');
	for (k = 0; k < b->h.n; k++) {
		const struct cand *c = &b->c[k];

		if (!c->e->avail)
			continue;
		j_open(j, NULL, '{');
		j_str(j, "name", c->name);
		j_str(j, "kind", kind_names[c->def->kind]);
		j_num(j, "ns_per_call", c->ns.med);
		j_num(j, "min", c->ns.min);
		j_num(j, "max", c->ns.max);
		j_num(j, "ratio_vdso", c->r_vdso);
		j_num(j, "ratio_counter", c->r_counter);
		j_num(j, "p50", c->p[0]);
		j_num(j, "p99", c->p[1]);
		j_num(j, "p999", c->p[2]);
		j_close(j, '}');
	}
	j_close(j, ']');
	j_open(j, "omitted", '[');
	for (k = 0; k < b->h.n; k++) {
		if (b->c[k].e->avail)
			continue;
		j_open(j, NULL, '{');
		j_str(j, "name", b->c[k].name);
		j_str(j, "reason", b->c[k].note);
		j_close(j, '}');
	}
	j_close(j, ']');
}

void
bench_json(const struct bench *b)
{
	struct json j;
	int lvl, i;

	j_init(&j, stdout);
	j_open(&j, NULL, '{');
	json_machine(&j, b);
	j_str(&j, "source", b->m->source);
	j_int(&j, "rounds", b->rounds);
	j_int(&j, "calls", b->calls);
	j_int(&j, "samples", b->have_counter ? b->samples : 0);
	j_num(&j, "bracket_ns", b->have_counter ? b->bracket_ns : NAN);
	j_str(&j, "counter_read",
	    b->have_counter ? cli_counter_ordered_name() : NULL);
	json_results(&j, b);
	j_open(&j, "threads", '[');
	for (lvl = 0; lvl < b->nthr; lvl++) {
		j_open(&j, NULL, '{');
		j_int(&j, "threads", lvl + 1);
		j_num(&j, "ns_per_call", b->thr_ns[lvl]);
		j_num(&j, "ratio", b->thr_ns[lvl] / b->thr_ns[0]);
		j_open(&j, "per_thread", '[');
		for (i = 0; i <= lvl; i++)
			j_num(&j, NULL, b->thr_per[lvl * b->nthr + i]);
		j_close(&j, ']');
		j_close(&j, '}');
	}
	j_close(&j, ']');
	j_bool(&j, "threads_pinned", !b->t.pin_failed);
	j_close(&j, '}');
}
