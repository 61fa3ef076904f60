/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * timekeep bench: every clock read side by side in one run.
 *
 * Method: each round runs every candidate once, in an order shuffled per
 * round, for a fixed number of calls timed with the thread's CPU time;
 * the result per candidate is the median over rounds.  Single-call
 * latencies are taken between two ordered counter reads, less the median
 * cost of an empty bracket, and converted with the counter frequency
 * measured against CLOCK_MONOTONIC over the whole run (harness.h).  Then
 * 1..N threads, each pinned to a CPU and looping tk_nanotime.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <timekeep.h>

#include "bench.h"
#include "commands.h"
#include "counter.h"
#include "options.h"

static void
bench_help(void)
{
	printf(
	    "usage: timekeep bench [--rounds N] [--calls N] [--samples N] "
	    "[--threads N]\n"
	    "                      [--plot FILE.svg] [--json]\n"
	    "\n"
	    "Measure every clock read side by side in one run: tk_nanotime, "
	    "tk_nanotime_relaxed,\n"
	    "tk_walltime, tk_clock_gettime (MONOTONIC, REALTIME), glibc "
	    "clock_gettime\n"
	    "(MONOTONIC, REALTIME, MONOTONIC_COARSE, REALTIME_COARSE), the "
	    "raw system call,\n"
	    "and bare ordered and relaxed counter reads.  Each round runs "
	    "every candidate,\n"
	    "in an order shuffled per round, for N calls timed by the "
	    "thread's CPU time\n"
	    "(time preempted by other processes is not counted); ns/call "
	    "is the median over rounds\n"
	    "(min and max too), with its ratio to clock_gettime(MONOTONIC) "
	    "(the vDSO) and\n"
	    "to the ordered counter read.  Single-call p50/p99/p99.9 come "
	    "from calls between\n"
	    "two ordered counter reads, less an empty bracket, converted "
	    "with the counter\n"
	    "frequency measured against CLOCK_MONOTONIC.  Then 1..N threads, "
	    "each pinned to\n"
	    "a CPU and looping tk_nanotime: ns/call per thread and the ratio "
	    "to one thread.\n"
	    "A candidate that cannot run here is left out with a note.\n"
	    "\n"
	    "  --rounds N    rounds (default 21)\n"
	    "  --calls N     calls per candidate per round (default 50000)\n"
	    "  --samples N   single-call samples per candidate per round "
	    "(default 1000)\n"
	    "  --threads N   thread scaling up to N threads (default: the "
	    "CPUs, %d here)\n"
	    "  --plot FILE   also write an SVG of the latencies and "
	    "ratios to FILE\n"
	    "  --json        JSON: machine, source, rounds, results [{name, "
	    "ns_per_call,\n"
	    "                min, max, ratio_vdso, ratio_counter, p50, p99, "
	    "p999}],\n"
	    "                threads [{threads, ns_per_call, ratio, "
	    "per_thread}]\n"
	    "  -h, --help    this text\n",
	    (int)sysconf(_SC_NPROCESSORS_ONLN));
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
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, ":hj", opts, NULL)) != -1) {
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
			b->maxthreads =
			    opt_long("--threads", optarg, 1, CPU_SETSIZE);
			break;
		case 'p':
			if (optarg[0] == '\0')
				usage_error("--plot wants a file name");
			b->plot = optarg;
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

/* The candidates' harness and the thread levels' harness. */
static void
bench_setup(struct bench *b)
{
	int k;

	b->h.n = ncand_defs;
	b->h.e = xcalloc((size_t)b->h.n, sizeof(struct h_entry));
	b->c = xcalloc((size_t)b->h.n, sizeof(struct cand));
	for (k = 0; k < b->h.n; k++) {
		const struct cand_def *d = &cand_defs[k];
		struct cand *c = &b->c[k];

		c->def = d;
		c->e = &b->h.e[k];
		snprintf(c->name, sizeof(c->name), d->name,
		    d->probe == P_CTR_RELAXED ? cli_counter_relaxed_name()
		                              : cli_counter_ordered_name());
		c->e->name = c->name;
		c->e->loop = d->loop;
		c->e->once = d->once;
		c->e->avail = cand_probe(b, c);
	}
	b->h.rounds = b->t.rounds = b->rounds;
	b->h.calls = b->t.calls = b->calls;
	b->h.samples = b->samples;
	b->h.latency = b->have_counter;
	b->h.cpus = b->t.cpus = b->m->cpus;
	b->h.ncpu = b->t.ncpu = b->m->ncpu;
	harness_alloc(&b->h);

	b->t.n = b->nthr;
	b->t.e = xcalloc((size_t)b->nthr, sizeof(struct h_entry));
	for (k = 0; k < b->nthr; k++) {
		b->t.e[k].name = "tk_nanotime";
		b->t.e[k].loop = cand_loop_threads;
		b->t.e[k].threads = k + 1;
		b->t.e[k].avail = 1;
	}
	harness_alloc(&b->t);
}

static void
progress(const struct bench *b, const char *what, long i, long n)
{
	if (!b->progress)
		return;
	fprintf(stderr, "\r\033[Ktimekeep bench: %s %ld/%ld", what, i, n);
	fflush(stderr);
}

/* The rounds, then the thread levels: 0 or an errno value. */
static int
bench_run(struct bench *b)
{
	struct cpair p0 = { 0, 0, 0 }, p1;
	long r;
	int err = 0;

	/* Warm up: the library chooses its source, caches fill. */
	harness_warmup(&b->h);
	if (b->have_counter)
		p0 = counter_pair();
	for (r = 0; r < b->rounds; r++) {
		progress(b, "round", r + 1, b->rounds);
		harness_round(&b->h, r);
	}
	for (r = 0; r < b->rounds && err == 0; r++) {
		progress(b, "threads round", r + 1, b->rounds);
		err = harness_round(&b->t, r);
	}
	if (b->progress)
		fputs("\r\033[K", stderr);
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
bench_threads_stats(struct bench *b)
{
	double *tmp = xcalloc((size_t)b->rounds, sizeof(double));
	int lvl, i;
	long r;

	b->thr_ns = xcalloc((size_t)b->nthr, sizeof(double));
	b->thr_per = xcalloc((size_t)(b->nthr * b->nthr), sizeof(double));
	for (lvl = 0; lvl < b->nthr; lvl++) {
		const struct h_entry *e = &b->t.e[lvl];
		struct spread s;

		spread_of(e->ns, (size_t)b->rounds, &s);
		b->thr_ns[lvl] = s.med;
		for (i = 0; i <= lvl; i++) {
			for (r = 0; r < b->rounds; r++)
				tmp[r] = e->per[r * e->threads + i];
			b->thr_per[lvl * b->nthr + i] =
			    median(tmp, (size_t)b->rounds);
		}
	}
	free(tmp);
}

static void
bench_stats(struct bench *b)
{
	double bracket = harness_bracket(&b->h), per_tick = NAN;
	const struct cand *vdso = NULL, *ctr = NULL;
	int k;

	if (b->have_counter) {
		per_tick = 1e9 / b->hz;
		b->bracket_ns = bracket * per_tick;
	}
	for (k = 0; k < b->h.n; k++) {
		struct cand *c = &b->c[k];

		if (c->def->ref == R_VDSO && c->e->avail)
			vdso = c;
		if (c->def->ref == R_COUNTER && c->e->avail)
			ctr = c;
		c->p[0] = c->p[1] = c->p[2] = NAN;
		if (!c->e->avail)
			continue;
		spread_of(c->e->ns, (size_t)b->rounds, &c->ns);
		if (b->have_counter)
			harness_latency(&b->h, c->e, bracket, per_tick, c->p);
	}
	for (k = 0; k < b->h.n; k++) {
		struct cand *c = &b->c[k];

		c->r_vdso = vdso != NULL ? c->ns.med / vdso->ns.med : NAN;
		c->r_counter = ctr != NULL ? c->ns.med / ctr->ns.med : NAN;
	}
	bench_threads_stats(b);
}

static void
bench_free(struct bench *b)
{
	harness_free(&b->h);
	harness_free(&b->t);
	free(b->h.e);
	free(b->t.e);
	free(b->c);
	free(b->thr_ns);
	free(b->thr_per);
	free(b->m);
	free(b);
}

/* Writes the plot; 0, or 1 after saying why not. */
static int
bench_plot(const struct bench *b, FILE *plot)
{
	int err = bench_svg(b, plot);

	if (err != 0) {
		warn("cannot write %s: %s", b->plot, strerror(-err));
		return 1;
	}
	if (!b->json)
		printf("\nplot written to %s\n", b->plot);
	return 0;
}

int
cmd_bench(int argc, char **argv)
{
	struct bench *b = xcalloc(1, sizeof(*b));
	FILE *plot = NULL;
	int err, rc = 0;

	b->rounds = 21;
	b->calls = 50000;
	b->samples = 1000;
	bench_options(b, argc, argv);
	if (b->plot != NULL && (plot = fopen(b->plot, "we")) == NULL) {
		warn("cannot write %s: %s", b->plot, strerror(errno));
		bench_free(b);
		return 1;
	}
	b->m = xcalloc(1, sizeof(*b->m));
	machine_load(b->m);
	b->nthr = b->maxthreads > 0 ? (int)b->maxthreads : b->m->ncpu;
	b->have_counter = counter_usable();
	b->progress = isatty(STDERR_FILENO);
	bench_setup(b);
	err = bench_run(b);
	if (err != 0) {
		warn("cannot start threads: %s", strerror(err));
		if (plot != NULL)
			fclose(plot);
		bench_free(b);
		return 1;
	}
	bench_stats(b);
	if (b->json)
		bench_json(b);
	else
		bench_print(b);
	if (plot != NULL)
		rc = bench_plot(b, plot);
	bench_free(b);
	return rc;
}
