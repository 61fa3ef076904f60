/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The contract every time source implements.  Each source is one file in
 * src/source/ defining one hidden const struct tk__source; src/choose.c
 * holds the priority table and is the only caller.
 *
 * Every source provides:
 *   name     "freebsd", "tsc", "vdso" or "syscall": what tk_source() says.
 *   init     Probe once and prepare.  arg is what followed "NAME:" in
 *	      TIMEKEEP_SOURCE (NULL if nothing did).  0 if the source can
 *	      serve now; otherwise a negative errno, with *why set to a static
 *	      sentence saying why not (timekeep info prints it).  Called once,
 *	      under the choice's once-flag, never concurrently with itself.
 *   gettime  clock_gettime for any clock id: 0; -EINVAL for an id the
 *	      kernel would reject (final: no other source is asked); any
 *	      other negative value means "not from me, ask the next source":
 *	      a routing signal, not an error.
 *   nanotime CLOCK_MONOTONIC (clock 0) or CLOCK_REALTIME (clock 1) in ns,
 *	      with an ordered or relaxed counter read: 0 and *ns, or a
 *	      negative routing value as for gettime.
 *   bintime  Uptime (abs 0) or absolute time as bintime: 0 or routing.
 * and may provide (NULL otherwise):
 *   chosen   Called once when this source is the chosen one, before any
 *	      read is routed to it: a source with an inline fast tier
 *	      (src/fast.h) arms it here, so the tier never answers for a
 *	      source that was not chosen.
 *   dropped  Called once when this source hands its reads over (serves
 *	      below): a source with a fast tier disarms it, so its ticks
 *	      stop being taken where the new source cannot convert them.
 *   pair     Both clocks from one counter read (nanotime twice if NULL).
 *   ticks    The source's counter, ordered or relaxed (tk_ticks()); NULL:
 *	      ticks are CLOCK_MONOTONIC ns.
 *   ticks_to_ns  Convert such a tick: TK_TICKS_* status and both clocks,
 *	      or a negative errno.
 *   ticks_info  What tk_ticks_info() says of them.
 *   timebase The source's timebase record (tk_timebase_export()).
 *   hz       The counter frequency it measured, 0 if none; *from says how.
 *   status   A sentence when the chosen source no longer serves as it did
 *	      at init (disabled), else NULL.
 *   serves   0 once the source has handed its reads to the sources below
 *	      for good, having answered nothing they would not (the own
 *	      hands when their first windup finds the counter unfit): the
 *	      routes then make the next usable source the chosen one.
 *   tier     1 for a source with an inline fast tier: it is initialised
 *	      only when it is the chosen one.
 *
 * What each may assume: init has returned 0 before any other hook is
 * called.  What each must guarantee: no lock, no allocation, no errno, no
 * print on the read hooks; a bounded number of steps; a hostile page or
 * image yields a routing value, never a crash or an endless loop.
 */
#ifndef TK_SOURCE_H
#define TK_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "timekeep.h"

struct tk__source {
	const char *name;
	int (*init)(const char *arg, const char **why);
	void (*chosen)(void);
	void (*dropped)(void);
	int (*gettime)(clockid_t id, struct timespec *ts);
	int (*nanotime)(int clock, int ordered, int64_t *ns);
	int (*pair)(int64_t *mono_ns, int64_t *real_ns);
	int (*bintime)(int abs, struct tk_bintime *bt);
	uint64_t (*ticks)(int ordered);
	int (*ticks_to_ns)(uint64_t ticks, int64_t *mono_ns, int64_t *real_ns);
	int (*ticks_info)(struct tk_ticks_info *ti);
	long (*timebase)(void *buf, size_t size);
	uint64_t (*hz)(const char **from);
	const char *(*status)(void);
	int (*serves)(void);
	int tier;
};

/* In priority order; a build lacks the files of sources it cannot have. */
extern const struct tk__source tk__source_freebsd;
extern const struct tk__source tk__source_tsc;
extern const struct tk__source tk__source_vdso;
extern const struct tk__source tk__source_syscall;

/* ts as ns, saturated to the int64_t range instead of wrapping. */
static inline int64_t
tk__timespec_to_ns(const struct timespec *ts)
{
	int64_t s = (int64_t)ts->tv_sec;

	if (s > INT64_MAX / TK_NSEC_PER_SEC - 1)
		return INT64_MAX;
	if (s < INT64_MIN / TK_NSEC_PER_SEC + 1)
		return INT64_MIN;
	return s * TK_NSEC_PER_SEC + ts->tv_nsec;
}

/* ns as a timespec (floor division). */
static inline void
tk__ns_to_timespec(int64_t ns, struct timespec *ts)
{
	int64_t s = ns / TK_NSEC_PER_SEC;
	int64_t r = ns % TK_NSEC_PER_SEC;

	if (r < 0) {
		r += TK_NSEC_PER_SEC;
		s--;
	}
	ts->tv_sec = (time_t)s;
	ts->tv_nsec = (long)r;
}

#endif /* TK_SOURCE_H */
