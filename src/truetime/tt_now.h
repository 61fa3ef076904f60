/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * "Now" for bounded time: CLOCK_REALTIME and CLOCK_MONOTONIC at one
 * instant.  The realtime is the interval's centre; the monotonic time
 * measures the age of the provider's bound, which grows with it.
 *
 * TODO(lead): one counter read for both clocks.  Until the library has
 * such a read this takes two: tk_walltime() (ordered), then
 * tk_nanotime_relaxed().  The relaxed read may execute early, before the
 * walltime's loads, by at most the CPU's reorder window (well under 1 us):
 * the age is then short by that much and the bound by the drift times it,
 * under 10^-3 ns at 1000 ppm, which the 1 ns tt_grow() adds covers.  Read
 * in this order, as ClockBound's client does (clock-bound-shm/src/lib.rs
 * now()): a late monotonic read only makes the bound larger.
 */
#ifndef TK_TT_NOW_H
#define TK_TT_NOW_H

#include <stdint.h>

#include "timekeep.h"

static inline void
tt_now(int64_t *mono_ns, int64_t *real_ns)
{
	int64_t sec;
	int32_t nsec;

	tk_walltime(&sec, &nsec);
	*real_ns = sec * TK_NSEC_PER_SEC + nsec;
	*mono_ns = tk_nanotime_relaxed();
}

#endif /* TK_TT_NOW_H */
