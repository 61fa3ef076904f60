/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Check "monotonic": one thread pinned to each CPU passes the latest
 * tk_nanotime() around through an atomic stamp, and every read must be at
 * or above the stamp it found (README "Guarantees": monotonic across
 * threads).  That holds only where the CPUs' counters are in step, which
 * check "cpu skew" (check_skew.c) measures first.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <timekeep.h>

#include "check.h"
#include "options.h"

struct mono_shared {
	_Atomic int64_t stamp; /* the latest tk_nanotime() seen anywhere */
	atomic_int owner; /* the thread that stored it (statistics) */
	atomic_int ready;
	int n;
	int64_t end_ns;
};

struct mono_thread {
	struct mono_shared *sh;
	int idx, cpu, pin_err;
	pthread_t th;
	uint64_t reads, handoffs, inversions;
	int64_t worst; /* the largest step back seen, ns */
};

/*
 * Each thread, pinned to its CPU: load the stamp (acquire), read
 * tk_nanotime() (ordered: its counter read cannot be taken before that
 * load), require it to be >= the stamp, then raise the stamp to it with a
 * release CAS.  The acquire load pairs with the release CAS of whichever
 * thread stored the stamp, so that thread's read happened before ours.
 */
static void *
mono_main(void *p)
{
	struct mono_thread *t = p;
	struct mono_shared *sh = t->sh;
	int64_t prev, now, cur;
	unsigned i = 0;
	int who;

	t->pin_err = pin_to(t->cpu);
	atomic_fetch_add(&sh->ready, 1);
	while (atomic_load(&sh->ready) < sh->n)
		;
	for (;;) {
		who = atomic_load_explicit(&sh->owner, memory_order_relaxed);
		/* Acquire: pairs with the release CAS below, other threads. */
		prev = atomic_load_explicit(&sh->stamp, memory_order_acquire);
		now = tk_nanotime();
		t->reads++;
		if (who != t->idx)
			t->handoffs++;
		if (now < prev) {
			t->inversions++;
			if (prev - now > t->worst)
				t->worst = prev - now;
		}
		cur = prev;
		while (now > cur) {
			/* Release: pairs with the acquire load above. */
			if (atomic_compare_exchange_weak_explicit(&sh->stamp,
			        &cur, now, memory_order_release,
			        memory_order_relaxed)) {
				atomic_store_explicit(
				    &sh->owner, t->idx, memory_order_relaxed);
				break;
			}
		}
		if ((++i & 1023) == 0 && mono_ns() >= sh->end_ns)
			break;
	}
	return NULL;
}

static void
mono_verdict(struct check *c, const struct mono_thread *t, int started, int err,
    const struct check *skew)
{
	uint64_t reads = 0, handoffs = 0, inv = 0;
	int64_t worst = 0;
	int i, unpinned = 0;

	for (i = 0; i < started; i++) {
		reads += t[i].reads;
		handoffs += t[i].handoffs;
		inv += t[i].inversions;
		if (t[i].worst > worst)
			worst = t[i].worst;
		unpinned += t[i].pin_err != 0;
	}
	check_x(c, "cpus", started);
	check_x(c, "reads", (double)reads);
	check_x(c, "handoffs", (double)handoffs);
	check_x(c, "inversions", (double)inv);
	check_x(c, "worst_ns", (double)worst);
	if (err != 0)
		check_set(c, ST_FAIL, "cannot start a thread per CPU: %s",
		    strerror(err));
	else if (inv > 0)
		check_set(c, ST_FAIL,
		    "tk_nanotime went backwards %" PRIu64 " times across "
		    "%d CPUs (worst %" PRId64 " ns) in %" PRIu64 " reads%s",
		    inv, started, worst, reads,
		    skew != NULL && skew->status == ST_FAIL
		        ? "; the CPUs' counters are out of step (cpu skew), "
		          "which no reader can hide"
		        : "");
	else
		check_set(c, ST_PASS,
		    "%" PRIu64 " tk_nanotime reads on %d CPU%s%s, %" PRIu64
		    " of them after a stamp from another CPU, none below it",
		    reads, started, started == 1 ? "" : "s",
		    unpinned ? " (some threads unpinned)" : " (pinned)",
		    handoffs);
}

void
check_monotonic(struct check *c, const struct machine *m, double seconds,
    const struct check *skew)
{
	struct mono_shared *sh = xcalloc(1, sizeof(*sh));
	struct mono_thread *t = xcalloc((size_t)m->ncpu, sizeof(*t));
	int i, started = 0, err = 0;

	c->name = "monotonic";
	atomic_init(&sh->stamp, INT64_MIN);
	atomic_init(&sh->owner, -1);
	atomic_init(&sh->ready, 0);
	sh->n = m->ncpu;
	sh->end_ns = mono_ns() + (int64_t)(seconds * 1e9);
	for (i = 0; i < m->ncpu; i++) {
		t[i].sh = sh;
		t[i].idx = i;
		t[i].cpu = m->cpus[i];
		err = pthread_create(&t[i].th, NULL, mono_main, &t[i]);
		if (err != 0)
			break;
		started++;
	}
	if (err != 0)
		atomic_fetch_add(&sh->ready, m->ncpu - started);
	else
		check_wait_until(sh->end_ns);
	for (i = 0; i < started; i++)
		pthread_join(t[i].th, NULL);
	mono_verdict(c, t, started, err, skew);
	free(t);
	free(sh);
}
