/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * "Now" for bounded time: CLOCK_REALTIME and CLOCK_MONOTONIC at one
 * instant.  The realtime is the interval's centre; the monotonic time
 * measures the age of the provider's bound, which grows with it.
 *
 * One counter read gives both where the source has a counter: the inline
 * fast tier (src/fast.h tk__fast_pair), so a bounded-time read pays no
 * call and gets both values in registers, not through memory; else
 * tk__now_pair() (src/clock.c), whose route reads the realtime clock, then
 * the monotonic one, as ClockBound's client does (clock-bound-shm/src/
 * lib.rs now()): a late monotonic read only makes the age, and so the
 * bound, larger.
 */
#ifndef TK_TT_NOW_H
#define TK_TT_NOW_H

#include <stdint.h>

#include "choose.h"
#include "fast.h"
#include "platform.h"

static inline __attribute__((always_inline)) void
tt_now(int64_t *mono_ns, int64_t *real_ns)
{
	if (TK_LIKELY(tk__fast_pair(mono_ns, real_ns) == 0))
		return;
	tk__now_pair(mono_ns, real_ns);
}

/*
 * The first pass only, for a read whose slow path reads the clocks
 * itself: 0 and both, or -1.  No call on either side, so the caller keeps
 * its values in registers instead of saving them across one.
 */
static inline __attribute__((always_inline)) int
tt_now_fast(int64_t *mono_ns, int64_t *real_ns)
{
	return tk__fast_pair(mono_ns, real_ns);
}

/* CLOCK_REALTIME alone, ordered, the same way. */
static inline __attribute__((always_inline)) int64_t
tt_real(void)
{
	int64_t ns;

	if (TK_LIKELY(tk__fast_ns(1, 1, &ns) == 0))
		return ns;
	return tk_realtime_ns();
}

#endif /* TK_TT_NOW_H */
