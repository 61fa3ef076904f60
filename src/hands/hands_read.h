/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The own timehands' inline reader: one pass over the front lines
 * (src/hands/hands_page.h) with the generation protocol of
 * src/timehands.h, one counter read, one multiply, one add.  Anything else
 * (a front being written, a counter outside the hands) returns -1 and the
 * caller takes the slow path (src/hands/hands_slow.c).
 *
 * Why it looks the way it does (measured on a 2-vCPU KVM guest, Intel
 * Xeon at 2.3 GHz, Linux 6.18, gcc 12; docs/design.md "The fast path"):
 * an ordered counter read (RDTSCP) waits for every older instruction, so in
 * a loop of reads only the chain after the counter read is paid in full.
 * The front sits at a fixed address, so its loads need no index and run in
 * the shadow of the previous read's RDTSCP (a ring slot chosen through
 * `current` cost 1.17x RDTSCP, a branch per slot 1.14x, the front 1.10x);
 * after the counter there is one multiply of its low half, as RDTSCP left
 * it in EAX, and one add.  The multiply is issued before the generation is
 * checked again: a torn copy only makes a product that is thrown away.
 */
#ifndef TK_HANDS_READ_H
#define TK_HANDS_READ_H

#include <stdint.h>
#include <time.h>

#include "atomic.h"
#include "hands/hands_page.h"
#include "timehands.h"

/* floor(a * b / 2^64): the one multiply of a read. */
static inline __attribute__((always_inline)) uint64_t
tk__mulhi64(uint64_t a, uint64_t b)
{
	return (uint64_t)(((unsigned __int128)a * b) >> 64);
}

/*
 * One pass: *v = k + mulhi(c mod 2^32, mult) where k is k_mono, k_real, or
 * with ts the second line's mono_k_lo (clock 0) or real_k_lo (clock 1), and
 * then *sec its whole second.  0, or -1 for "take the slow path".
 *
 * counter must be a static inline function so that this inlines into one
 * straight line (with a constant pointer the compiler calls it directly).
 */
static inline __attribute__((always_inline)) int
tk__hands_front_pass(const struct tk__hands_page *pg, int clock, int ordered,
    uint64_t (*counter)(int), int ts, uint64_t *v, int64_t *sec)
{
	const struct tk__hands_front *f = &pg->front;
	uint64_t base, span, mult, k, c;
	uint32_t gen;

	gen = tk__th_read_begin(&f->gen);
	if (__builtin_expect(!tk__th_gen_valid(gen), 0))
		return -1; /* no hands (another source), or being written */
	base = tk__load_relaxed(&f->base_count);
	span = tk__load_relaxed(&f->span);
	mult = tk__load_relaxed(&f->mult);
	if (!ts) {
		k = clock ? tk__load_relaxed(&f->k_real)
		          : tk__load_relaxed(&f->k_mono);
	} else if (clock) {
		*sec = tk__load_relaxed(&f->real_sec);
		k = tk__load_relaxed(&f->real_k_lo);
	} else {
		*sec = tk__load_relaxed(&pg->front_ts.mono_sec);
		k = tk__load_relaxed(&pg->front_ts.mono_k_lo);
	}
	c = counter(ordered);
	*v = k + tk__mulhi64((uint32_t)c, mult);
	if (__builtin_expect(
	        tk__th_read_retry_even(&f->gen, gen) || c - base >= span, 0))
		return -1;
	return 0;
}

/* CLOCK_MONOTONIC (clock 0) or CLOCK_REALTIME (1) ns: 0, or -1. */
static inline __attribute__((always_inline)) int
tk__hands_front_ns(const struct tk__hands_page *pg, int clock, int ordered,
    uint64_t (*counter)(int), int64_t *ns)
{
	uint64_t v;

	if (tk__hands_front_pass(pg, clock, ordered, counter, 0, &v, NULL) != 0)
		return -1;
	*ns = (int64_t)v;
	return 0;
}

/* The same as a timespec: one compare and a conditional subtract. */
static inline __attribute__((always_inline)) int
tk__hands_front_ts(const struct tk__hands_page *pg, int clock,
    uint64_t (*counter)(int), struct timespec *ts)
{
	uint64_t v;
	int64_t sec = 0;

	if (tk__hands_front_pass(pg, clock, 1, counter, 1, &v, &sec) != 0)
		return -1;
	if (v >= 1000000000u) {
		v -= 1000000000u;
		sec++;
	}
	ts->tv_sec = (time_t)sec;
	ts->tv_nsec = (long)v;
	return 0;
}

/*
 * Both clocks from one ordered counter read: 0 and both, or -1.  What a
 * bounded-time read needs (src/truetime/tt_now.h): the realtime of now and
 * the monotonic time that ages the bound, at the same instant.
 */
static inline __attribute__((always_inline)) int
tk__hands_front_pair(const struct tk__hands_page *pg, uint64_t (*counter)(int),
    int64_t *mono_ns, int64_t *real_ns)
{
	const struct tk__hands_front *f = &pg->front;
	uint64_t base, span, mult, km, kr, m, c;
	uint32_t gen;

	gen = tk__th_read_begin(&f->gen);
	if (__builtin_expect(!tk__th_gen_valid(gen), 0))
		return -1;
	base = tk__load_relaxed(&f->base_count);
	span = tk__load_relaxed(&f->span);
	mult = tk__load_relaxed(&f->mult);
	km = tk__load_relaxed(&f->k_mono);
	kr = tk__load_relaxed(&f->k_real);
	c = counter(1);
	m = tk__mulhi64((uint32_t)c, mult);
	if (__builtin_expect(
	        tk__th_read_retry_even(&f->gen, gen) || c - base >= span, 0))
		return -1;
	*mono_ns = (int64_t)(km + m);
	*real_ns = (int64_t)(kr + m);
	return 0;
}

/*
 * A tick t (a counter value read earlier) converted with the front, if it
 * lies inside the front's hands, at or past the moment every reader saw
 * them (exact_off): exactly what a read at t gave.  0 and both clocks, or
 * -1.
 */
static inline __attribute__((always_inline)) int
tk__hands_front_conv(const struct tk__hands_page *pg, uint64_t t,
    int64_t *mono_ns, int64_t *real_ns)
{
	const struct tk__hands_front *f = &pg->front;
	uint64_t base, span, mult, km, kr, m, off;
	uint32_t gen;

	gen = tk__th_read_begin(&f->gen);
	if (__builtin_expect(!tk__th_gen_valid(gen), 0))
		return -1;
	off = tk__load_relaxed(&f->exact_off);
	base = tk__load_relaxed(&f->base_count);
	span = tk__load_relaxed(&f->span);
	mult = tk__load_relaxed(&f->mult);
	km = tk__load_relaxed(&f->k_mono);
	kr = tk__load_relaxed(&f->k_real);
	m = tk__mulhi64((uint32_t)t, mult);
	if (__builtin_expect(tk__th_read_retry_even(&f->gen, gen) ||
	            t - base >= span || t - base < off,
	        0))
		return -1;
	*mono_ns = (int64_t)(km + m);
	*real_ns = (int64_t)(kr + m);
	return 0;
}

#endif /* TK_HANDS_READ_H */
