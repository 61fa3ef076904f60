/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Planning the next hands: pure arithmetic on copies, no atomics, no
 * clock reads, so the tests drive it directly (tests/test_hands_plan.c).
 * src/hands/hands_wind.c samples the kernel, calls tk__hands_plan() and
 * publishes what it returns.
 *
 * The plan, in named steps (src/hands/hands_plan.c):
 *   rate      the kernel's ns per count, over a rotating 1-2 s baseline,
 *             re-anchored when the counter or the kernel jumps;
 *   interval  how long the new hands serve;
 *   junction  B, where they start: continuity with the old hands when the
 *             reader came on time and the error is within one interval's
 *             slew, else the kernel's value; never below bmin;
 *   mult      the rate plus the slew that removes B's error to the kernel
 *             over the interval;
 *   realtime  REALTIME - MONOTONIC, narrowed over the samples since the
 *             last step;
 *   range     where the hands end, k_ns, floor_ns.
 */
#ifndef TK_HANDS_PLAN_H
#define TK_HANDS_PLAN_H

#include <stdint.h>

#include "hands/hands_page.h"

/*
 * A kernel sample: the narrowest bracket counter / CLOCK_MONOTONIC /
 * counter (midpoint c, width w, value k), then one bracket around
 * CLOCK_REALTIME (rc, rw, r).
 */
struct tk__hands_sample {
	uint64_t c;
	uint64_t w;
	int64_t k;
	uint64_t rc;
	uint64_t rw;
	int64_t r;
};

/*
 * What a plan starts from.
 *
 *   hot, cold	the current hands, or NULL for the first ones.
 *   cal_c/k/w	the calibration anchor (first hands).
 *   memo_rate	a rate kept across fork, or 0 (first hands).
 *   memo_len
 *   s		the kernel sample, taken after the closing word.
 *   c0		the junction: an ordered counter read after s.
 *   bmin		the least B may be (src/hands/hands_wind.c: the old
 *		floor, V, and the kernel's value when readers answered it).
 *   *_ns		the engine's tunables.
 */
struct tk__hands_plan_in {
	const struct tk__hands_hot *hot;
	const struct tk__hands_cold *cold;
	uint64_t cal_c;
	int64_t cal_k;
	uint64_t cal_w;
	uint64_t memo_rate;
	uint64_t memo_len;
	struct tk__hands_sample s;
	uint64_t c0;
	int64_t bmin;
	int64_t interval_ns;
	int64_t interval_min_ns;
	int64_t recal_ns;
	int64_t gap_ns;
};

/* The new hands (gen left 0) and what happened, for the statistics. */
struct tk__hands_plan_out {
	struct tk__hands_hot hot;
	struct tk__hands_cold cold;
	int anomaly; /* the rate was re-anchored */
};

/*
 * 1 with *out filled; 0 when no usable hands can be built (a rate out of
 * range, a negative time): the caller disables; -EAGAIN when the first
 * hands cannot be measured from the anchor (the counter went back): the
 * caller anchors again at s.
 */
int tk__hands_plan(
    const struct tk__hands_plan_in *in, struct tk__hands_plan_out *out);

/* T(c) = k_ns + mulhi(c mod 2^32, mult), for c inside the hands. */
int64_t tk__hands_at(const struct tk__hands_hot *hot, uint64_t c);

/*
 * T extended past the hands for c at or after base_count (by less than
 * 2^63 counts): base_ns + mulhi(c - base_count, mult) + 1.  At least every
 * value the fast formula gives below c, and non-decreasing.
 */
int64_t tk__hands_beyond(const struct tk__hands_hot *hot, uint64_t c);

/* ns per count as a double, from a rate or a mult (x 2^64). */
double tk__hands_rate_d(uint64_t m);

/* a - b for times that may be far apart, saturated. */
int64_t tk__hands_isub_sat(int64_t a, int64_t b);

/*
 * The front lines for hands hot (src/hands/hands_page.h): everything a
 * fast read needs, the timespec splits included.
 */
void tk__hands_front_of(const struct tk__hands_hot *hot,
    struct tk__hands_front *f, struct tk__hands_front_ts *fts);

#endif /* TK_HANDS_PLAN_H */
