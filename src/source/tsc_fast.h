/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The tsc source's inline fast tier (src/fast.h): the process's own
 * timehands page read at a fixed address (src/hands/hands_read.h).  The
 * page is all zero until the tsc source, once chosen, publishes hands, so
 * the tier answers nothing for any other source; ticks wait for the source
 * to say it was chosen.  No call, no lock, no system call.
 */
#ifndef TK_SOURCE_TSC_FAST_H
#define TK_SOURCE_TSC_FAST_H

#include <stdint.h>
#include <time.h>

#include "atomic.h"
#include "counter.h"
#include "hands/hands_read.h"
#include "platform.h"

/* The process's page (src/source/tsc.c): static, so addressed directly. */
TK_HIDDEN extern struct tk__hands_page tk__tsc_page;
/* 1 once the tsc source is the chosen one (src/source/tsc.c). */
TK_HIDDEN extern int tk__tsc_armed;

static inline __attribute__((always_inline)) int
tk__fast_tsc_ns(int clock, int ordered, int64_t *ns)
{
	return tk__hands_front_ns(
	    &tk__tsc_page, clock, ordered, tk__counter_read, ns);
}
#define tk__fast_tsc_ns tk__fast_tsc_ns

static inline __attribute__((always_inline)) int
tk__fast_tsc_ts(int clock, struct timespec *ts)
{
	return tk__hands_front_ts(&tk__tsc_page, clock, tk__counter_read, ts);
}
#define tk__fast_tsc_ts tk__fast_tsc_ts

static inline __attribute__((always_inline)) int
tk__fast_tsc_ticks(int ordered, uint64_t *t)
{
	/* Relaxed: a flag set once, before any tick is converted. */
	if (__builtin_expect(tk__load_relaxed(&tk__tsc_armed) == 0, 0))
		return -1;
	*t = tk__counter_read(ordered);
	return 0;
}
#define tk__fast_tsc_ticks tk__fast_tsc_ticks

static inline __attribute__((always_inline)) int
tk__fast_tsc_pair(int64_t *mono_ns, int64_t *real_ns)
{
	return tk__hands_front_pair(
	    &tk__tsc_page, tk__counter_read, mono_ns, real_ns);
}
#define tk__fast_tsc_pair tk__fast_tsc_pair

static inline __attribute__((always_inline)) int
tk__fast_tsc_conv(uint64_t t, int64_t *mono_ns, int64_t *real_ns)
{
	return tk__hands_front_conv(&tk__tsc_page, t, mono_ns, real_ns);
}
#define tk__fast_tsc_conv tk__fast_tsc_conv

/* The engine's conversion (src/source/tsc.c): a TK_TICKS_* status or -errno. */
TK_HIDDEN int tk__tsc_ticks_to_ns(
    uint64_t ticks, int64_t *mono_ns, int64_t *real_ns);

static inline __attribute__((always_inline)) int
tk__fast_tsc_conv_past(uint64_t t, int64_t *mono_ns, int64_t *real_ns, int *st)
{
	/* Relaxed: as in tk__fast_tsc_ticks(). */
	if (__builtin_expect(tk__load_relaxed(&tk__tsc_armed) == 0, 0))
		return -1;
	*st = tk__tsc_ticks_to_ns(t, mono_ns, real_ns);
	return 0;
}
#define tk__fast_tsc_conv_past tk__fast_tsc_conv_past

#endif /* TK_SOURCE_TSC_FAST_H */
