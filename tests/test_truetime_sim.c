/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * External consistency over many machines, simulated: N nodes, each with
 * its own CLOCK_REALTIME (an offset and a drift from true time) and its
 * own ClockBound segment, written by the independent writer
 * (tests/support/tt_clockbound.c) as a daemon would, once a second of
 * simulated time, claiming a bound that holds (|offset| + margin) and a
 * drift at least the node's.  Time is simulated, so a run is exactly
 * reproducible from its seed.
 *
 * Transactions are causally chained: each starts after the previous one
 * is visible (a network hop later), possibly on another node, runs a
 * while, and takes the timestamp s = latest of its node's interval at
 * commit, as Spanner does.  With commit wait it becomes visible only once
 * its node's interval says s is past (earliest > s); without, at once.
 * External consistency: every timestamp is later than the one it
 * causally follows.
 *
 * The intervals are the library's own: the ClockBound reader every
 * tk_truetime() call runs (tk__tt_cb_eval), fed the node's clocks.
 * Checked: commit wait gives no violation, no wait gives violations (so
 * the check can fail), every interval holds true time, and two runs of
 * one seed agree exactly.  Printed: the numbers and the mean wait.
 */
#include <stdio.h>
#include <string.h>

#include "truetime/tt.h"
#include "tk_test.h"
#include "tt_writers.h"

#define NODES 5
#define TXNS 20000
#define SEED 2012
#define T0 1700000000000000000LL /* true time at the start */
#define M0 1000000000000LL /* the hosts' CLOCK_MONOTONIC then */
#define PUBLISH_NS 1000000000LL /* the daemons' update period */
#define DRIFT_CLAIM_PPB 50000 /* every node within 50 ppm */

struct node {
	int64_t off_ns; /* real - true at T0 */
	int64_t drift_ppb; /* the node clock's rate error */
	int64_t margin_ns; /* what its daemon claims above |offset| */
	int64_t last_pub;
	_Alignas(64) unsigned char seg[TT_CB_SIZE];
};

struct sim {
	struct node node[NODES];
	int64_t now; /* true time */
	uint64_t rng;
	uint64_t violations, evals, outside;
	int64_t wait_total, worst_wait;
};

static int64_t
node_real(const struct node *n, int64_t t)
{
	return t + n->off_ns + (t - T0) / 1000 * n->drift_ppb / 1000000;
}

static int64_t
mono(int64_t t)
{
	return t - T0 + M0;
}

/* The node's daemon: a fresh claim when a second has passed. */
static void
publish(struct node *n, int64_t t)
{
	int64_t err = node_real(n, t) - t;
	struct tt_cb_data d = {
		.as_of_ns = mono(t),
		.void_after_ns = mono(t) + 1000 * 1000000000LL,
		.bound_ns = (err < 0 ? -err : err) + n->margin_ns,
		.max_drift_ppb = DRIFT_CLAIM_PPB,
		.clock_status = 1,
	};

	tt_cb_write(n->seg, &d);
	n->last_pub = t;
}

/* The node's interval at true time t, by the library's reader. */
static void
node_now(struct sim *s, struct node *n, struct tk_truetime *tt)
{
	if (s->now - n->last_pub >= PUBLISH_NS)
		publish(n, s->now);
	tk__tt_cb_eval(n->seg, mono(s->now), node_real(n, s->now), 0, NULL, tt);
	s->evals++;
	if (tt->status != TK_TRUETIME_SYNCHRONIZED ||
	    tt->earliest_ns > s->now || tt->latest_ns < s->now)
		s->outside++;
}

static void
sim_init(struct sim *s, uint64_t seed)
{
	memset(s, 0, sizeof(*s));
	s->rng = seed;
	s->now = T0;
	for (int i = 0; i < NODES; i++) {
		struct node *n = &s->node[i];

		n->off_ns = tt_rand_range(&s->rng, -4000000, 4000000);
		n->drift_ppb = tt_rand_range(&s->rng, -40000, 40000);
		n->margin_ns = tt_rand_range(&s->rng, 20000, 500000);
		tt_cb_format(n->seg);
		publish(n, s->now);
	}
}

/* Commit wait on node n: until its interval says s is past. */
static void
commit_wait(struct sim *s, struct node *n, int64_t ts)
{
	int64_t start = s->now;
	struct tk_truetime tt;

	for (node_now(s, n, &tt); !(ts < tt.earliest_ns); node_now(s, n, &tt))
		s->now += ts - tt.earliest_ns + 1 > 1000
		    ? ts - tt.earliest_ns + 1
		    : 1000; /* the last stretch, spun in 1 us steps */
	s->wait_total += s->now - start;
	if (s->now - start > s->worst_wait)
		s->worst_wait = s->now - start;
}

static void
sim_run(struct sim *s, int wait)
{
	int64_t prev_ts = INT64_MIN;

	for (int k = 0; k < TXNS; k++) {
		struct node *n = &s->node[tt_rand(&s->rng) % NODES];
		struct tk_truetime tt;
		int64_t ts;

		s->now += tt_rand_range(&s->rng, 20000, 200000); /* the hop */
		s->now += tt_rand_range(&s->rng, 50000, 1000000); /* work */
		node_now(s, n, &tt);
		ts = tt.latest_ns; /* Spanner: s >= TT.now().latest */
		if (wait)
			commit_wait(s, n, ts);
		if (ts <= prev_ts)
			s->violations++;
		prev_ts = ts;
	}
}

static void
report(const char *what, const struct sim *s)
{
	printf("[          ] %-20s %d transactions on %d nodes: %llu "
	       "violations; mean commit wait %.3f ms (worst %.3f ms); %llu "
	       "intervals, %llu without true time; %.1f s simulated\n",
	    what, TXNS, NODES, (unsigned long long)s->violations,
	    (double)s->wait_total / TXNS / 1e6, (double)s->worst_wait / 1e6,
	    (unsigned long long)s->evals, (unsigned long long)s->outside,
	    (double)(s->now - T0) / 1e9);
}

static void
test_sim(void **state)
{
	static struct sim with, without, again;

	(void)state;
	sim_init(&with, SEED);
	for (int i = 0; i < NODES; i++)
		printf(
		    "[          ] node %d: offset %+.3f ms, drift %+.1f ppm, "
		    "claims |offset| + %.3f ms\n",
		    i, (double)with.node[i].off_ns / 1e6,
		    (double)with.node[i].drift_ppb / 1e3,
		    (double)with.node[i].margin_ns / 1e6);
	sim_run(&with, 1);
	report("with commit wait:", &with);
	sim_init(&without, SEED);
	sim_run(&without, 0);
	report("without commit wait:", &without);
	assert_int_equal(with.violations, 0);
	assert_true(without.violations > 0);
	assert_int_equal(with.outside, 0);
	assert_int_equal(without.outside, 0);
	/* the same seed, the same run, exactly */
	sim_init(&again, SEED);
	sim_run(&again, 1);
	assert_int64_equal(again.now, with.now);
	assert_int64_equal(again.wait_total, with.wait_total);
	assert_int_equal(again.evals, with.evals);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sim),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
