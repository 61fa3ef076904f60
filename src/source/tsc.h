/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The own tsc source's inline fast path, for src/clock.c, and the facts
 * it shares with src/counter/x86_64/cpuinfo_x86_64.c.  The source itself
 * is src/source/tsc.c; the page format and the reader are src/hands.h.
 *
 * tk__tsc_page is the process's own hands page: a static, page-aligned
 * object, so the fast path addresses it RIP-relative with no pointer to
 * load, and all zero until the source is set up (generation 0: every fast
 * read then fails, and clock.c takes its route_*() path).  The reads here
 * make no call, take no lock and no system call: two cache lines, the
 * counter, one multiply (src/hands.h, tk__hands_fast()).
 *
 * Built only where TK_WITH_TSC is defined (x86-64 Linux, cmake/src_tsc.cmake).
 */
#ifndef TK_SOURCE_TSC_H
#define TK_SOURCE_TSC_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "counter.h"
#include "hands.h"
#include "platform.h"

TK_HIDDEN extern struct tk__hands_page tk__tsc_page;

/*
 * CLOCK_MONOTONIC (abs 0) or CLOCK_REALTIME (abs 1) in ns from the
 * process's own hands, in one pass: 0 and *ns, or a negative value meaning
 * "take the slow path" (clock.c then asks the chosen source).
 */
static inline __attribute__((always_inline)) int
tk__tsc_nanotime_fast(int abs, int ordered, int64_t *ns)
{
	return tk__hands_fast(
	    &tk__tsc_page, abs, ordered, tk__counter_read, ns);
}

/*
 * The same as a timespec, split with one compare instead of a division
 * (the slot carries its whole second): what tk_clock_gettime and
 * tk_walltime can call to stay within 10% of tk_nanotime.
 */
static inline __attribute__((always_inline)) int
tk__tsc_timespec_fast(int abs, int ordered, struct timespec *ts)
{
	return tk__hands_fast_ts(
	    &tk__tsc_page, abs, ordered, tk__counter_read, ts);
}

/* The production engine (tests: tunables, statistics, forced windups). */
struct tk__hands *tk__tsc_engine(void);

/*
 * The TSC frequency the source knows, 0 if none: the hands' measured rate
 * once they exist, else the rough start-up measurement; *from says which.
 */
uint64_t tk__tsc_calibrated_hz(const char **from);

/*
 * "tsc" as the whole of a current_clocksource file's contents (a newline
 * may end it): 1, else 0.  Pure, for the tests.
 */
int tk__tsc_parse_clocksource(const char *buf, size_t len);

/* From src/counter/x86_64/cpuinfo_x86_64.c: */

/* CPUID 0x80000007 EDX bit 8: 1 invariant TSC, 0 not, -1 no such leaf. */
int tk__tsc_invariant(void);

/*
 * The TSC frequency CPUID states exactly (leaf 0x15 with its crystal, or
 * a hypervisor's leaf 0x40000010), 0 if it states none; *from says which.
 */
uint64_t tk__tsc_cpuid_hz(const char **from);

#endif /* TK_SOURCE_TSC_H */
