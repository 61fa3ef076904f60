/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The benchmark harness (see harness.h): interleaved rounds, bracketed
 * single calls, and k pinned threads looping at once.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include "counter.h"
#include "harness.h"
#include "machine.h"
#include "options.h"
#include "stats.h"

_Atomic uint64_t h_sink;

/* The empty bracket: the same call and store as h_once_ID, but no read. */
static __attribute__((noinline)) void
once_empty(void)
{
	h_keep(0);
}

void
harness_alloc(struct harness *h)
{
	int i;

	for (i = 0; i < h->n; i++) {
		struct h_entry *e = &h->e[i];

		e->ns = xcalloc((size_t)h->rounds, sizeof(double));
		if (e->threads > 0)
			e->per = xcalloc(
			    (size_t)(h->rounds * e->threads), sizeof(double));
		if (h->latency && e->once != NULL)
			e->lat = xcalloc(
			    (size_t)(h->rounds * h->samples), sizeof(uint64_t));
	}
	if (h->latency)
		h->empty =
		    xcalloc((size_t)(h->rounds * h->samples), sizeof(uint64_t));
}

void
harness_free(struct harness *h)
{
	int i;

	for (i = 0; i < h->n; i++) {
		free(h->e[i].ns);
		free(h->e[i].per);
		free(h->e[i].lat);
	}
	free(h->empty);
}

int64_t
harness_warmup(struct harness *h, int64_t min_ns)
{
	int64_t t0 = mono_ns(), t;
	int i;

	do {
		for (i = 0; i < h->n; i++)
			if (h->e[i].avail && h->e[i].threads == 0)
				h->e[i].loop((uint64_t)h->calls / 8 + 1);
		t = mono_ns() - t0;
	} while (t < min_ns);
	return t;
}

/* n single calls of f, each between two ordered counter reads. */
static __attribute__((noinline)) void
sample_latency(void (*f)(void), uint64_t *out, long n)
{
	void (*volatile call)(void) = f;
	uint64_t a, z;
	long i;

	for (i = 0; i < n; i++) {
		a = cli_counter_ordered();
		call();
		z = cli_counter_ordered();
		out[i] = z - a;
	}
}

/* ---- k threads at once ------------------------------------------------ */

struct trun {
	atomic_int ready;
	atomic_int pin_failed;
	int k;
	uint64_t calls;
	void (*loop)(uint64_t n);
	const int *cpus;
	int ncpu;
	double *ns; /* [k] */
};

struct targ {
	struct trun *run;
	int idx;
	pthread_t th;
};

static void *
thread_main(void *p)
{
	struct targ *a = p;
	struct trun *r = a->run;
	int64_t t0, t1;

	if (pin_to(r->cpus[a->idx % r->ncpu]) != 0)
		atomic_store(&r->pin_failed, 1);
	/* A spinning start line, so that the k threads overlap. */
	atomic_fetch_add(&r->ready, 1);
	while (atomic_load(&r->ready) < r->k)
		if (r->k > r->ncpu)
			sched_yield();
	t0 = cpu_ns();
	r->loop(r->calls);
	t1 = cpu_ns();
	r->ns[a->idx] = (double)(t1 - t0) / (double)r->calls;
	return NULL;
}

/* The entry's loop in k threads at once; per[0..k-1]: 0 or an errno. */
static int
thread_run(struct harness *h, const struct h_entry *e, double *per)
{
	int k = e->threads, i, started = 0, err = 0;
	struct targ *args = xcalloc((size_t)k, sizeof(*args));
	struct trun run;

	atomic_init(&run.ready, 0);
	atomic_init(&run.pin_failed, 0);
	run.k = k;
	run.calls = (uint64_t)h->calls;
	run.loop = e->loop;
	run.cpus = h->cpus;
	run.ncpu = h->ncpu > 0 ? h->ncpu : 1;
	run.ns = per;
	for (i = 0; i < k; i++) {
		args[i].run = &run;
		args[i].idx = i;
		err = pthread_create(&args[i].th, NULL, thread_main, &args[i]);
		if (err != 0)
			break;
		started++;
	}
	if (err != 0) /* let the started ones through the start line */
		atomic_fetch_add(&run.ready, k - started);
	for (i = 0; i < started; i++)
		pthread_join(args[i].th, NULL);
	if (atomic_load(&run.pin_failed))
		h->pin_failed = 1;
	free(args);
	return err;
}

/* ---- rounds ----------------------------------------------------------- */

static int
run_entry(struct harness *h, struct h_entry *e, long r)
{
	int64_t t0, t1;
	double sum = 0;
	int i, err;

	if (e->threads > 0) {
		double *per = e->per + r * e->threads;

		err = thread_run(h, e, per);
		if (err != 0)
			return err;
		for (i = 0; i < e->threads; i++)
			sum += per[i];
		e->ns[r] = sum / e->threads;
		return 0;
	}
	t0 = cpu_ns();
	e->loop((uint64_t)h->calls);
	t1 = cpu_ns();
	e->ns[r] = (double)(t1 - t0) / (double)h->calls;
	if (e->lat != NULL)
		sample_latency(e->once, e->lat + r * h->samples, h->samples);
	return 0;
}

int
harness_round(struct harness *h, long r)
{
	int *order = xcalloc((size_t)h->n + 1, sizeof(int));
	int n = 0, i, k, t, err = 0;

	if (h->seed == 0)
		h->seed = 0x9e3779b97f4a7c15ull; /* 2^64 / golden ratio */
	for (i = 0; i < h->n; i++)
		if (h->e[i].avail)
			order[n++] = i;
	if (h->latency)
		order[n++] = h->n; /* the empty bracket */
	for (i = n - 1; i > 0; i--) {
		k = (int)(xorshift(&h->seed) % (uint64_t)(i + 1));
		t = order[i];
		order[i] = order[k];
		order[k] = t;
	}
	for (i = 0; i < n && err == 0; i++) {
		if (h->tick != NULL)
			h->tick(h->tick_arg, r, i, n,
			    order[i] == h->n ? NULL : &h->e[order[i]]);
		if (order[i] == h->n)
			sample_latency(
			    once_empty, h->empty + r * h->samples, h->samples);
		else
			err = run_entry(h, &h->e[order[i]], r);
	}
	free(order);
	return err;
}

/* ---- results ---------------------------------------------------------- */

double
harness_bracket(const struct harness *h)
{
	size_t n = (size_t)(h->rounds * h->samples), i;
	double *v, m;

	if (!h->latency)
		return NAN;
	v = xcalloc(n, sizeof(double));
	for (i = 0; i < n; i++)
		v[i] = (double)h->empty[i];
	m = median(v, n);
	free(v);
	return m;
}

void
harness_latency(const struct harness *h, const struct h_entry *e,
    double bracket, double ns_per_tick, double p[3])
{
	size_t n = (size_t)(h->rounds * h->samples), i;
	double *v;

	p[0] = p[1] = p[2] = NAN;
	if (e->lat == NULL || !isfinite(ns_per_tick) || !isfinite(bracket))
		return;
	v = xcalloc(n, sizeof(double));
	for (i = 0; i < n; i++) {
		double d = ((double)e->lat[i] - bracket) * ns_per_tick;

		v[i] = d > 0 ? d : 0;
	}
	qsort(v, n, sizeof(*v), cmp_double);
	p[0] = quantile(v, n, 0.50);
	p[1] = quantile(v, n, 0.99);
	p[2] = quantile(v, n, 0.999);
	free(v);
}
