/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The source choice and the routes (src/choose.c): what the public entry
 * points (src/clock.c) and the introspection (src/info.c) call when the
 * inline fast tiers (src/fast.h) did not answer.
 *
 * Each route is the one fallback site of its entry point: it asks the
 * chosen source, then every usable source below it, and finally makes the
 * raw system call; -EINVAL is final.  A caller that arrives while another
 * thread is still making the choice does not wait: it gets the system
 * call's answer, which is always right.
 */
#ifndef TK_CHOOSE_H
#define TK_CHOOSE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "source/source.h"
#include "timekeep.h"

int64_t tk__route_nanotime(int clock, int ordered);
int tk__route_gettime(clockid_t id, struct timespec *ts);
int tk__route_bintime(int abs, struct tk_bintime *bt);
int tk__route_pair(int64_t *mono_ns, int64_t *real_ns);
uint64_t tk__route_ticks(int ordered);
int tk__route_ticks_to_ns(uint64_t ticks, int64_t *mono_ns, int64_t *real_ns);
long tk__route_timebase(void *buf, size_t size);

/*
 * CLOCK_MONOTONIC and CLOCK_REALTIME at one instant (one counter read
 * where the source has one): for bounded time, src/truetime/ (src/clock.c).
 */
void tk__now_pair(int64_t *mono_ns, int64_t *real_ns);

/*
 * The chosen source, making the choice if nobody has (waiting, bounded,
 * for a choice another thread is making); NULL only if that bound passed.
 */
const struct tk__source *tk__chosen(void);

/*
 * For tk_sources(): the source table with each entry's state.  Returns the
 * number of sources; fills *src, *usable and *why for entry i < that.
 */
int tk__source_entry(
    int i, const struct tk__source **src, int *usable, const char **why);

#endif /* TK_CHOOSE_H */
