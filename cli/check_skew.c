/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Check "cpu skew": are the CPUs' counters in step?  Two threads, pinned
 * to CPU a and CPU b, hand a message back and forth through one cache
 * line.  Each message carries the sender's counter and CLOCK_MONOTONIC
 * read just before it was sent; the receiver reads its own right after it
 * arrived.  A receiver's read that is lower than the value it received
 * means the receiving CPU's counter is behind the sender's by at least
 * that much (the handoff itself takes time, so skew smaller than the
 * fastest handoff cannot show).  CLOCK_MONOTONIC is handed around the same
 * way: if the kernel's own clock steps back between CPUs, the fault is the
 * platform's, and no clock read from user space can be ordered across
 * CPUs there.  The guarantee "monotonic across threads" (README
 * "Guarantees") holds only where the counters are in step.
 *
 * CPU a is the first this process may use, b each of the others in turn.
 */
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "counter.h"
#include "options.h"

/* One cache line each way would be faster; one line shows skew sooner. */
struct pp {
	_Atomic uint64_t seq; /* odd: a message from a waits, even: from b */
	_Atomic uint64_t ctr; /* the sender's counter, read before seq */
	_Atomic int64_t mono; /* and its CLOCK_MONOTONIC */
	int use_ctr;
	int64_t end_ns;
	atomic_int stop;
};

/* One direction's findings. */
struct dir {
	uint64_t n, ctr_back, mono_back;
	int64_t ctr_min; /* the smallest receive - send, counter ticks */
	int64_t mono_min; /* the same in CLOCK_MONOTONIC ns */
};

struct side {
	struct pp *pp;
	int cpu, first; /* first: sends the odd messages */
	int pin_err;
	struct dir in; /* messages received by this side */
	pthread_t th;
};

static void
receive(struct side *s)
{
	struct pp *pp = s->pp;
	uint64_t c = 0, sc;
	int64_t m, sm;

	/* Relaxed: the acquire load of seq in pp_main ordered these. */
	sc = atomic_load_explicit(&pp->ctr, memory_order_relaxed);
	sm = atomic_load_explicit(&pp->mono, memory_order_relaxed);
	if (pp->use_ctr)
		c = cli_counter_ordered();
	m = mono_ns();
	s->in.n++;
	if (pp->use_ctr && (int64_t)(c - sc) < s->in.ctr_min)
		s->in.ctr_min = (int64_t)(c - sc);
	if (pp->use_ctr && c < sc)
		s->in.ctr_back++;
	if (m - sm < s->in.mono_min)
		s->in.mono_min = m - sm;
	if (m < sm)
		s->in.mono_back++;
}

/*
 * Wait for the other side's message (acquire: pairs with the release
 * store of seq below, on the other side), take it, and answer with this
 * side's reads (release: publishes ctr and mono before seq).
 */
static void *
pp_main(void *p)
{
	struct side *s = p;
	struct pp *pp = s->pp;
	uint64_t k = s->first ? 0 : 1, seq;
	unsigned spins = 0;

	s->pin_err = pin_to(s->cpu);
	for (;;) {
		if (!s->first || k > 0) {
			while ((seq = atomic_load_explicit(
			            &pp->seq, memory_order_acquire)) != k &&
			    !atomic_load_explicit(
			        &pp->stop, memory_order_relaxed))
				;
			if (seq != k)
				break;
			receive(s);
		}
		atomic_store_explicit(&pp->ctr,
		    pp->use_ctr ? cli_counter_ordered() : 0,
		    memory_order_relaxed);
		atomic_store_explicit(
		    &pp->mono, mono_ns(), memory_order_relaxed);
		atomic_store_explicit(&pp->seq, k + 1, memory_order_release);
		k += 2;
		if (s->first && (++spins & 255) == 0 && mono_ns() >= pp->end_ns)
			atomic_store_explicit(
			    &pp->stop, 1, memory_order_relaxed);
	}
	return NULL;
}

/* CPUs a and b for seconds: 0, or the errno of pthread_create. */
static int
pp_run(int a, int b, double seconds, int use_ctr, struct dir *ab,
    struct dir *ba, int *unpinned)
{
	struct pp *pp = xcalloc(1, sizeof(*pp));
	struct side s[2];
	int err, i;

	memset(s, 0, sizeof(s));
	pp->use_ctr = use_ctr;
	pp->end_ns = mono_ns() + (int64_t)(seconds * 1e9);
	for (i = 0; i < 2; i++) {
		s[i].pp = pp;
		s[i].cpu = i == 0 ? a : b;
		s[i].first = i == 0;
		s[i].in.ctr_min = s[i].in.mono_min = INT64_MAX;
	}
	err = pthread_create(&s[1].th, NULL, pp_main, &s[1]);
	if (err == 0) {
		err = pthread_create(&s[0].th, NULL, pp_main, &s[0]);
		if (err != 0)
			atomic_store(&pp->stop, 1);
		else
			check_wait_until(pp->end_ns);
		if (err == 0)
			pthread_join(s[0].th, NULL);
		pthread_join(s[1].th, NULL);
	}
	*ab = s[1].in; /* what b received from a */
	*ba = s[0].in;
	*unpinned |= s[0].pin_err != 0 || s[1].pin_err != 0;
	free(pp);
	return err;
}

/* The worst of all pairs, both ways. */
struct skew {
	uint64_t n, ctr_back, mono_back;
	int64_t ctr_worst, mono_worst; /* the largest step back */
	int64_t ctr_fastest; /* the fastest handoff, ticks */
	int ca, cb, ma, mb; /* the CPUs of the worst steps, from a to b */
};

static void
skew_add(struct skew *k, const struct dir *d, int from, int to)
{
	k->n += d->n;
	k->ctr_back += d->ctr_back;
	k->mono_back += d->mono_back;
	if (d->ctr_min < 0 && -d->ctr_min > k->ctr_worst) {
		k->ctr_worst = -d->ctr_min;
		k->ca = from;
		k->cb = to;
	}
	if (d->ctr_min >= 0 && d->ctr_min < k->ctr_fastest)
		k->ctr_fastest = d->ctr_min;
	if (d->mono_min < 0 && -d->mono_min > k->mono_worst) {
		k->mono_worst = -d->mono_min;
		k->ma = from;
		k->mb = to;
	}
}

/* "this KVM guest", "this machine". */
static void
platform(const struct machine *m, char *buf, size_t n)
{
	if (m->hypervisor[0] != '\0')
		snprintf(buf, n, "this %s guest", m->hypervisor);
	else
		snprintf(buf, n, "this machine");
}

static void
skew_verdict(struct check *c, const struct machine *m, const struct skew *k,
    double ns_per_tick, int unpinned)
{
	char where[64], kern[200] = "";
	double worst = (double)k->ctr_worst * ns_per_tick;

	platform(m, where, sizeof(where));
	check_x(c, "handoffs", (double)k->n);
	check_x(c, "counter_back", (double)k->ctr_back);
	check_x(c, "counter_worst_ns", worst);
	check_x(c, "kernel_back", (double)k->mono_back);
	check_x(c, "kernel_worst_ns", (double)k->mono_worst);
	if (k->mono_back > 0)
		snprintf(kern, sizeof(kern),
		    "; CLOCK_MONOTONIC handed from CPU %d to CPU %d went back "
		    "by up to %" PRId64 " ns too, so the kernel's own clock "
		    "has the same fault",
		    k->ma, k->mb, k->mono_worst);
	if (k->ctr_back > 0)
		check_set(c, ST_FAIL,
		    "the counters of CPU %d and %d differ by up to %.0f ns on "
		    "%s: a value handed from one read higher than the other's "
		    "read after it (%" PRIu64 " of %" PRIu64 " handoffs), so "
		    "cross-CPU ordering does not hold here%s",
		    k->ca, k->cb, ceil(worst), where, k->ctr_back, k->n, kern);
	else if (k->mono_back > 0)
		check_set(c, ST_FAIL,
		    "CLOCK_MONOTONIC handed from CPU %d to CPU %d went back by "
		    "up to %" PRId64 " ns on %s (%" PRIu64 " of %" PRIu64
		    " handoffs): the kernel's own clock is not ordered across "
		    "CPUs here",
		    k->ma, k->mb, k->mono_worst, where, k->mono_back, k->n);
	else if (isfinite(ns_per_tick))
		check_set(c, ST_PASS,
		    "%" PRIu64 " handoffs between CPUs%s: no counter value and "
		    "no CLOCK_MONOTONIC arrived above the receiver's own read "
		    "(skew below the fastest handoff, %.0f ns, cannot show)",
		    k->n, unpinned ? " (some threads unpinned)" : "",
		    (double)k->ctr_fastest * ns_per_tick);
	else
		check_set(c, ST_PASS,
		    "%" PRIu64 " handoffs of CLOCK_MONOTONIC between CPUs%s: "
		    "none arrived above the receiver's own read (the tool has "
		    "no counter read here: %s)",
		    k->n, unpinned ? " (some threads unpinned)" : "",
		    counter_note());
}

void
check_skew(struct check *c, const struct machine *m, double seconds)
{
	struct skew k;
	struct dir ab, ba;
	double hz = NAN, ns_per_tick = NAN;
	int use_ctr = counter_usable(), i, err = 0, unpinned = 0;

	c->name = "cpu skew";
	if (m->ncpu < 2) {
		check_set(c, ST_SKIP, "one CPU only: nothing to compare");
		return;
	}
	if (use_ctr)
		hz = counter_measure_hz(20 * NS_PER_MS, NULL);
	use_ctr = use_ctr && isfinite(hz);
	if (use_ctr)
		ns_per_tick = 1e9 / hz;
	memset(&k, 0, sizeof(k));
	k.ctr_fastest = INT64_MAX;
	for (i = 1; i < m->ncpu && err == 0; i++) {
		err = pp_run(m->cpus[0], m->cpus[i], seconds / (m->ncpu - 1),
		    use_ctr, &ab, &ba, &unpinned);
		skew_add(&k, &ab, m->cpus[0], m->cpus[i]);
		skew_add(&k, &ba, m->cpus[i], m->cpus[0]);
	}
	if (err != 0) {
		check_set(
		    c, ST_FAIL, "cannot start a thread: %s", strerror(err));
		return;
	}
	skew_verdict(c, m, &k, ns_per_tick, unpinned);
}
