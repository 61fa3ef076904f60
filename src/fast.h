/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The inline fast tiers: what the public entry points (src/clock.c) try
 * before they route to the chosen source (src/choose.c).  Each tier
 * belongs to one source and answers only while that source is the chosen
 * one (its init or chosen hook arms it), and only the cheap first pass.
 *
 * A platform's src/sys/<os>-<arch>/fast_tiers.h includes the tiers it
 * has, and each tier header announces its functions with the Linux vDSO
 * override idiom (`#define tk__fast_tsc_ns tk__fast_tsc_ns`, as
 * lib/vdso/gettimeofday.c lets an architecture override vdso_calc_ns).
 * Every tier provides:
 *
 *   int tk__fast_<tier>_ns(int clock, int ordered, int64_t *ns)
 *	CLOCK_MONOTONIC (clock 0) or CLOCK_REALTIME (1): 0 and *ns, or -1.
 *   int tk__fast_<tier>_ts(int clock, struct timespec *ts)
 *	the same, ordered, as a timespec: 0, or -1.
 *   int tk__fast_<tier>_ticks(int ordered, uint64_t *t)
 *	the tier's tick: 0, or -1.
 *   int tk__fast_<tier>_conv(uint64_t t, int64_t *mono_ns, int64_t *real_ns)
 *	such a tick as both clocks, when it converts exactly with what
 *	the tier holds now: 0, or -1.
 *   int tk__fast_<tier>_pair(int64_t *mono_ns, int64_t *real_ns)
 *	both clocks from one ordered counter read: 0, or -1.
 *   int tk__fast_<tier>_conv_past(uint64_t t, int64_t *mono_ns,
 *	    int64_t *real_ns, int *st)
 *	a tick _conv did not take, by the tier's engine out of line without
 *	routing: 0 and *st (a TK_TICKS_* status or -errno), or -1.
 *
 * A tier function this platform lacks is one that returns -1, which the
 * compiler removes (a tier without ticks of its own, whose ticks are ns,
 * leaves tk__fast_<tier>_ticks to the next tier).  The order below is the order of the checks: the own
 * timehands first (the main target), then the FreeBSD page, then the
 * vDSO; an unarmed tier costs a load and a predicted branch.
 */
#ifndef TK_FAST_H
#define TK_FAST_H

#include <stdint.h>
#include <time.h>

#include "fast_tiers.h"

/* A tier function this platform lacks: -1, removed by the compiler. */
static inline __attribute__((always_inline)) int
tk__fast_no_ns(int clock, int ordered, int64_t *ns)
{
	(void)clock;
	(void)ordered;
	(void)ns;
	return -1;
}

static inline __attribute__((always_inline)) int
tk__fast_no_ts(int clock, struct timespec *ts)
{
	(void)clock;
	(void)ts;
	return -1;
}

static inline __attribute__((always_inline)) int
tk__fast_no_ticks(int ordered, uint64_t *t)
{
	(void)ordered;
	(void)t;
	return -1;
}

static inline __attribute__((always_inline)) int
tk__fast_no_conv(uint64_t t, int64_t *mono_ns, int64_t *real_ns)
{
	(void)t;
	(void)mono_ns;
	(void)real_ns;
	return -1;
}

static inline __attribute__((always_inline)) int
tk__fast_no_conv_past(uint64_t t, int64_t *mono_ns, int64_t *real_ns, int *st)
{
	(void)t;
	(void)mono_ns;
	(void)real_ns;
	(void)st;
	return -1;
}

static inline __attribute__((always_inline)) int
tk__fast_no_pair(int64_t *mono_ns, int64_t *real_ns)
{
	(void)mono_ns;
	(void)real_ns;
	return -1;
}

#ifndef tk__fast_tsc_conv
#define tk__fast_tsc_conv tk__fast_no_conv
#endif
#ifndef tk__fast_tsc_conv_past
#define tk__fast_tsc_conv_past tk__fast_no_conv_past
#endif
#ifndef tk__fast_tsc_pair
#define tk__fast_tsc_pair tk__fast_no_pair
#endif
#ifndef tk__fast_tsc_ns
#define tk__fast_tsc_ns tk__fast_no_ns
#endif
#ifndef tk__fast_tsc_ts
#define tk__fast_tsc_ts tk__fast_no_ts
#endif
#ifndef tk__fast_tsc_ticks
#define tk__fast_tsc_ticks tk__fast_no_ticks
#endif
#ifndef tk__fast_fbsd_ns
#define tk__fast_fbsd_ns tk__fast_no_ns
#endif
#ifndef tk__fast_fbsd_ts
#define tk__fast_fbsd_ts tk__fast_no_ts
#endif
#ifndef tk__fast_fbsd_ticks
#define tk__fast_fbsd_ticks tk__fast_no_ticks
#endif
#ifndef tk__fast_vdso_ns
#define tk__fast_vdso_ns tk__fast_no_ns
#endif
#ifndef tk__fast_vdso_ts
#define tk__fast_vdso_ts tk__fast_no_ts
#endif
#ifndef tk__fast_vdso_ticks
#define tk__fast_vdso_ticks tk__fast_no_ticks
#endif

static inline __attribute__((always_inline)) int
tk__fast_ns(int clock, int ordered, int64_t *ns)
{
	if (tk__fast_tsc_ns(clock, ordered, ns) == 0)
		return 0;
	if (tk__fast_fbsd_ns(clock, ordered, ns) == 0)
		return 0;
	return tk__fast_vdso_ns(clock, ordered, ns);
}

/*
 * A timespec read in two halves: the first tier, which needs no stack, and
 * the rest, whose call into the vDSO does.  A caller that writes through
 * pointers keeps the rest out of line, so its first tier builds no frame
 * (measured: tk_walltime 1.23x tk_nanotime with all tiers inline, on the
 * 2-vCPU Intel KVM guest, gcc 12).
 */
static inline __attribute__((always_inline)) int
tk__fast_ts_first(int clock, struct timespec *ts)
{
	return tk__fast_tsc_ts(clock, ts);
}

static inline __attribute__((always_inline)) int
tk__fast_ts_rest(int clock, struct timespec *ts)
{
	if (tk__fast_fbsd_ts(clock, ts) == 0)
		return 0;
	return tk__fast_vdso_ts(clock, ts);
}

static inline __attribute__((always_inline)) int
tk__fast_ticks(int ordered, uint64_t *t)
{
	if (tk__fast_tsc_ticks(ordered, t) == 0)
		return 0;
	if (tk__fast_fbsd_ticks(ordered, t) == 0)
		return 0;
	return tk__fast_vdso_ticks(ordered, t);
}

/* Only the tsc tier reads both clocks at once; the others route. */
static inline __attribute__((always_inline)) int
tk__fast_pair(int64_t *mono_ns, int64_t *real_ns)
{
	return tk__fast_tsc_pair(mono_ns, real_ns);
}

/* Only the tsc tier has ticks of its own to convert. */
static inline __attribute__((always_inline)) int
tk__fast_conv(uint64_t t, int64_t *mono_ns, int64_t *real_ns)
{
	return tk__fast_tsc_conv(t, mono_ns, real_ns);
}

static inline __attribute__((always_inline)) int
tk__fast_conv_past(uint64_t t, int64_t *mono_ns, int64_t *real_ns, int *st)
{
	return tk__fast_tsc_conv_past(t, mono_ns, real_ns, st);
}

#endif /* TK_FAST_H */
