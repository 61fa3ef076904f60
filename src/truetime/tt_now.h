/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * "Now" for bounded time: CLOCK_REALTIME and CLOCK_MONOTONIC at one
 * instant.  The realtime is the interval's centre; the monotonic time
 * measures the age of the provider's bound, which grows with it.
 *
 * One counter read gives both where the source has a counter
 * (tk__now_pair(), src/clock.c); elsewhere the route reads the realtime
 * clock, then the monotonic one, as ClockBound's client does
 * (clock-bound-shm/src/lib.rs now()): a late monotonic read only makes the
 * age, and so the bound, larger.
 */
#ifndef TK_TT_NOW_H
#define TK_TT_NOW_H

#include <stdint.h>

#include "choose.h"

static inline void
tt_now(int64_t *mono_ns, int64_t *real_ns)
{
	tk__now_pair(mono_ns, real_ns);
}

#endif /* TK_TT_NOW_H */
