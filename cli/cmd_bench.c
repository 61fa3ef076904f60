/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * timekeep bench: every clock read side by side in one run.
 *
 * Method (harness.h): after a warm-up of at least 50 ms, each round runs
 * every candidate once, and tk_nanotime in 1..N pinned threads at once,
 * in an order shuffled per round, each for a fixed number of calls timed
 * with the thread's CPU time; a result is the median over rounds, and its
 * spread is half the interquartile range over rounds.  A ratio's spread
 * comes from the ratios round by round, so a slow round slows both sides.
 * Single-call latencies are taken between two ordered counter reads, less
 * the median cost of an empty bracket, and converted with the counter
 * frequency measured against CLOCK_MONOTONIC over the whole run.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <timekeep.h>

#include "bench.h"
#include "commands.h"
#include "counter.h"
#include "options.h"

#define WARMUP_NS (50 * NS_PER_MS)

static void
bench_help(void)
{
	printf(
	    "usage: timekeep bench [--rounds N] [--calls N] [--samples N]\n"
	    "                      [--threads N] [--wide] [--json]\n"
	    "                      [--plot FILE.svg] [--export-markdown FILE]\n"
	    "                      [--export-csv FILE]\n"
	    "\n"
	    "Measure every clock read side by side in one run: timekeep's, "
	    "glibc's\n"
	    "clock_gettime (the vDSO), the raw system call and bare counter "
	    "reads.\n"
	    "Each round runs every candidate, and tk_nanotime in 1..N "
	    "threads at\n"
	    "once, in an order shuffled per round, for N calls timed by the "
	    "thread's\n"
	    "CPU time (time preempted by other processes is not counted).  "
	    "A result\n"
	    "is the median over rounds; its spread is half the range of the "
	    "middle\n"
	    "half of the rounds.  The first line sums it up: how much "
	    "faster\n"
	    "tk_nanotime is than clock_gettime(MONOTONIC).  The library's "
	    "targets\n"
	    "close the report, labelled with the machine kind they were "
	    "set on.\n"
	    "\n"
	    "  --rounds N    rounds (default 21)\n"
	    "  --calls N     calls per candidate per round (default 50000)\n"
	    "  --samples N   single calls per candidate per round, for the "
	    "latency\n"
	    "                percentiles (default 1000)\n"
	    "  --threads N   thread levels 1..N (default: the CPUs, %d here)\n"
	    "  --wide        also min, max and single-call p50/p99/p99.9 "
	    "(wider\n"
	    "                than 80 columns)\n"
	    "  --json        JSON instead of text (schema 1, "
	    "docs/cli-json.md)\n"
	    "  --plot FILE   an SVG chart of the results; FILE ends in .svg\n"
	    "  --export-markdown FILE  the table as Markdown\n"
	    "  --export-csv FILE       the table as CSV\n"
	    "  -h, --help    this text\n"
	    "\n"
	    "FILE - is standard output (then the text report is left out).\n",
	    (int)sysconf(_SC_NPROCESSORS_ONLN));
}

/* An output option's path: "-" or a file name (.svg for the plot). */
static void
output_path(struct output *o, const char *opt, const char *arg, int svg)
{
	size_t n = strlen(arg);

	if (n == 0)
		usage_error(
		    "%s wants a file name, or - for standard output", opt);
	if (svg && strcmp(arg, "-") != 0 &&
	    (n < 4 || strcasecmp(arg + n - 4, ".svg") != 0))
		usage_error("%s writes SVG: the file name must end in .svg, "
		            "not '%s' (or - for standard output)",
		    opt, arg);
	o->path = arg;
}

static void
bench_options(struct bench *b, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rounds", required_argument, NULL, 'r' },
		{ "calls", required_argument, NULL, 'n' },
		{ "samples", required_argument, NULL, 's' },
		{ "threads", required_argument, NULL, 't' },
		{ "plot", required_argument, NULL, 'p' },
		{ "export-markdown", required_argument, NULL, 'm' },
		{ "export-csv", required_argument, NULL, 'c' },
		{ "wide", no_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, ":hjw", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			b->rounds = opt_long("--rounds", optarg, 1, 10000);
			break;
		case 'n':
			b->calls = opt_long("--calls", optarg, 1, 100000000);
			break;
		case 's':
			b->samples = opt_long("--samples", optarg, 1, 100000);
			break;
		case 't':
			b->maxthreads = opt_long("--threads", optarg, 1, 256);
			break;
		case 'p':
			output_path(&b->plot, "--plot", optarg, 1);
			break;
		case 'm':
			output_path(&b->md, "--export-markdown", optarg, 0);
			break;
		case 'c':
			output_path(&b->csv, "--export-csv", optarg, 0);
			break;
		case 'w':
			b->wide = 1;
			break;
		case 'j':
			b->json = 1;
			break;
		case 'h':
			bench_help();
			exit(0);
		default:
			opt_bad(c, argv);
		}
	}
	opt_no_operands(argc, argv);
	if (b->rounds * b->samples > 20000000L)
		usage_error("--rounds x --samples is above 20000000");
}

/* At most one output on stdout; every file opened before the run. */
static int
outputs_open(struct bench *b)
{
	struct output *o[3] = { &b->plot, &b->md, &b->csv };
	int i, to_stdout = b->json;

	for (i = 0; i < 3; i++) {
		if (o[i]->path == NULL)
			continue;
		if (strcmp(o[i]->path, "-") == 0) {
			if (to_stdout++)
				usage_error(
				    "only one of --json, --plot -, "
				    "--export-markdown - and --export-csv "
				    "- can write to standard output");
			o[i]->f = stdout;
		} else if ((o[i]->f = fopen(o[i]->path, "we")) == NULL) {
			warn(
			    "cannot write %s: %s", o[i]->path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Whether candidate c can run here; if not, why, in c->note. */
static int
cand_probe(const struct bench *b, struct cand *c)
{
	const struct cand_def *d = c->def;
	struct timespec ts;

	switch (d->probe) {
	case P_NONE:
		return 1;
	case P_LIBC:
		if (clock_gettime(d->clk, &ts) == 0)
			return 1;
		snprintf(c->note, sizeof(c->note),
		    "libc clock_gettime fails here: %s", strerror(errno));
		return 0;
	case P_SYSCALL:
		if (syscall(SYS_clock_gettime, d->clk, &ts) == 0)
			return 1;
		snprintf(c->note, sizeof(c->note),
		    "the system call fails here: %s", strerror(errno));
		return 0;
	case P_CTR_ORDERED:
	case P_CTR_RELAXED:
		if (b->have_counter)
			return 1;
		snprintf(c->note, sizeof(c->note), "%s", counter_note());
		return 0;
	}
	return 0;
}

static void
setup_cand(struct bench *b, struct cand *c, const struct cand_def *d)
{
	c->def = d;
	c->kind = d->kind;
	snprintf(c->id, sizeof(c->id), "%s", d->id);
	snprintf(c->name, sizeof(c->name), d->name,
	    d->probe == P_CTR_RELAXED ? cli_counter_relaxed_name()
	                              : cli_counter_ordered_name());
	c->e->loop = d->loop;
	c->e->once = d->once;
	c->e->avail = cand_probe(b, c);
}

static void
setup_level(struct cand *c, int k)
{
	c->kind = K_TK;
	c->threads = k;
	snprintf(c->id, sizeof(c->id), "threads_%d", k);
	snprintf(c->name, sizeof(c->name), "tk_nanotime, %d thread%s", k,
	    k == 1 ? "" : "s");
	c->e->loop = cand_loop_threads;
	c->e->threads = k;
	c->e->avail = 1;
	c->per = xcalloc((size_t)k, sizeof(double));
}

static void
bench_tick(void *arg, long r, int done, int total, const struct h_entry *e)
{
	struct bench *b = arg;
	double f = ((double)r + (double)done / total) / (double)b->rounds;

	progress_show(&b->prog, f, -1, "round %ld/%ld, %s", r + 1, b->rounds,
	    e != NULL ? e->name : "empty bracket");
}

/* The candidates and the thread levels, in one harness. */
static void
bench_setup(struct bench *b)
{
	int k;

	b->ncand = ncand_defs;
	b->h.n = b->ncand + b->nthr;
	b->h.e = xcalloc((size_t)b->h.n, sizeof(struct h_entry));
	b->c = xcalloc((size_t)b->h.n, sizeof(struct cand));
	for (k = 0; k < b->h.n; k++) {
		b->c[k].e = &b->h.e[k];
		if (k < b->ncand)
			setup_cand(b, &b->c[k], &cand_defs[k]);
		else
			setup_level(&b->c[k], k - b->ncand + 1);
		b->h.e[k].name = b->c[k].name;
	}
	b->h.rounds = b->rounds;
	b->h.calls = b->calls;
	b->h.samples = b->samples;
	b->h.latency = b->have_counter;
	b->h.cpus = b->m->cpus;
	b->h.ncpu = b->m->ncpu;
	b->h.tick = bench_tick;
	b->h.tick_arg = b;
	harness_alloc(&b->h);
}

/* The warm-up and the rounds: 0 or an errno value. */
static int
bench_run(struct bench *b)
{
	struct cpair p0 = { 0, 0, 0 }, p1;
	long r;
	int err = 0;

	progress_begin(&b->prog, "bench");
	progress_show(&b->prog, 0, -1, "warming up");
	b->warmup_ns = harness_warmup(&b->h, WARMUP_NS);
	if (b->have_counter)
		p0 = counter_pair();
	b->prog.t0_ns = mono_ns(); /* time left from the rounds alone */
	for (r = 0; r < b->rounds && err == 0; r++)
		err = harness_round(&b->h, r);
	progress_clear(&b->prog);
	if (err != 0 || !b->have_counter)
		return err;
	p1 = counter_pair();
	if (p1.ns - p0.ns < 20 * NS_PER_MS) {
		sleep_ns(20 * NS_PER_MS - (p1.ns - p0.ns));
		p1 = counter_pair();
	}
	b->hz = pair_hz(p0, p1);
	if (!isfinite(b->hz)) {
		b->have_counter = 0;
		counter_set_note(
		    "the counter did not advance against CLOCK_MONOTONIC");
	}
	return 0;
}

static void
bench_free(struct bench *b)
{
	struct output *o[3] = { &b->plot, &b->md, &b->csv };
	int i;

	for (i = 0; i < 3; i++)
		if (o[i]->f != NULL && o[i]->f != stdout)
			fclose(o[i]->f);
	for (i = 0; b->c != NULL && i < b->h.n; i++)
		free(b->c[i].per);
	harness_free(&b->h);
	free(b->h.e);
	free(b->c);
	free(b->m);
	free(b);
}

/* The exports and the plot: 0, or 1 after saying what failed. */
static int
bench_outputs(struct bench *b)
{
	static const char *const what[3] = { "plot", "Markdown", "CSV" };
	struct output *o[3] = { &b->plot, &b->md, &b->csv };
	int (*const write[3])(const struct bench *, FILE *) = { bench_svg,
		bench_markdown, bench_csv };
	int i, err, rc = 0, quiet = b->json;

	for (i = 0; i < 3; i++)
		quiet |= o[i]->f == stdout;
	for (i = 0; i < 3; i++) {
		if (o[i]->f == NULL)
			continue;
		err = write[i](b, o[i]->f);
		if (err == 0 && fflush(o[i]->f) != 0)
			err = -errno;
		if (o[i]->f != stdout && fclose(o[i]->f) != 0 && err == 0)
			err = -errno;
		if (o[i]->f != stdout && err == 0 && !quiet)
			printf("%s written to %s\n", what[i], o[i]->path);
		o[i]->f = NULL;
		if (err != 0) {
			warn("cannot write %s: %s", o[i]->path, strerror(-err));
			rc = 1;
		}
	}
	return rc;
}

int
cmd_bench(int argc, char **argv)
{
	struct bench *b = xcalloc(1, sizeof(*b));
	int err, stdout_taken;

	b->rounds = 21;
	b->calls = 50000;
	b->samples = 1000;
	bench_options(b, argc, argv);
	warn_unknown_source();
	if (outputs_open(b) != 0) {
		bench_free(b);
		return 1;
	}
	stdout_taken =
	    b->plot.f == stdout || b->md.f == stdout || b->csv.f == stdout;
	b->m = xcalloc(1, sizeof(*b->m));
	machine_load(b->m);
	b->nthr = b->maxthreads > 0 ? (int)b->maxthreads : b->m->ncpu;
	b->have_counter = counter_usable();
	bench_setup(b);
	err = bench_run(b);
	if (err != 0) {
		warn("cannot start threads: %s", strerror(err));
		bench_free(b);
		return 1;
	}
	bench_stats(b);
	if (b->json)
		bench_json(b);
	else if (!stdout_taken)
		bench_print(b);
	err = bench_outputs(b);
	bench_free(b);
	return err;
}
