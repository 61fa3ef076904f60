/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The contract every time source implements (STYLE 7, 8).  Each source is
 * one file in src/source/ defining one hidden const struct tk__source;
 * src/clock.c holds the priority table and is the only caller.
 *
 * Every source provides:
 *   name     "freebsd", "tsc", "vdso" or "syscall": what tk_source() says.
 *   init     Probe once and prepare.  arg is what followed "NAME:" in
 *	      TIMEKEEP_SOURCE (NULL if nothing did).  0 if the source can
 *	      serve now; otherwise a negative errno, with *why set to a static
 *	      sentence saying why not (timekeep info prints it).  Called once,
 *	      under clock.c's once-flag, never concurrently with itself.
 *   gettime  clock_gettime for any clock id: 0; -EINVAL for an id the
 *	      kernel would reject (final: no other source is asked); any
 *	      other negative value means "not from me, ask the next source"
 *	      (a routing signal, not an error, STYLE 45).
 *   nanotime CLOCK_MONOTONIC (abs == 0) or CLOCK_REALTIME (abs != 0) in ns,
 *	      with an ordered or relaxed counter read: 0 and *ns, or a
 *	      negative routing value as for gettime.
 *   bintime  Uptime (abs == 0) or absolute time as bintime: 0 or routing.
 *   inline_reads
 *	      1 for a source whose reads clock.c makes inline, ahead of the
 *	      dispatch (tsc): it is initialised only when it is the chosen
 *	      source, so that it never answers ahead of a source above it.
 *
 * What each may assume: init has returned 0 before any other hook is
 * called.  What each must guarantee: no lock, no allocation, no errno, no
 * print on the read hooks; a bounded number of steps; a hostile page or
 * image yields a routing value, never a crash or an endless loop.
 */
#ifndef TK_SOURCE_H
#define TK_SOURCE_H

#include <stdint.h>
#include <time.h>

#include "timekeep.h"

struct tk__source {
	const char *name;
	int (*init)(const char *arg, const char **why);
	int (*gettime)(clockid_t id, struct timespec *ts);
	int (*nanotime)(int abs, int ordered, int64_t *ns);
	int (*bintime)(int abs, struct tk_bintime *bt);
	int inline_reads;
};

/* In priority order; a build lacks the files of sources it cannot have. */
extern const struct tk__source tk__source_freebsd;
extern const struct tk__source tk__source_tsc;
extern const struct tk__source tk__source_vdso;
extern const struct tk__source tk__source_syscall;

/* Shared conversions for the sources (src/clock.c). */
int tk__ns_to_timespec(int64_t ns, struct timespec *ts);

static inline int64_t
tk__timespec_to_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * TK_NSEC_PER_SEC + ts->tv_nsec;
}

#endif /* TK_SOURCE_H */
