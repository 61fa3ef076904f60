/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Ticks converted later in this process (src/hands/hands_ticks.c): the own
 * timehands' history turns a counter value back into the time a clock read
 * at that counter gave, with the conversion of src/ticks.h; and the
 * history written out as a timebase record.  docs/ticks.md has the rules.
 */
#ifndef TK_HANDS_TICKS_H
#define TK_HANDS_TICKS_H

#include <stddef.h>
#include <stdint.h>

#include "hands/hands.h"
#include "ticks.h"

/*
 * In this process: a TK_TICKS_* status, or -EAGAIN (the hands kept
 * changing under the read, or the kernel clock failed).  Winds the hands
 * when t is past them, as a read would.
 */
int tk__hands_ticks_to_ns(
    struct tk__hands *h, uint64_t t, int64_t *mono_ns, int64_t *real_ns);

/* How far back this process's history reaches now, in ns (0: none). */
int64_t tk__hands_history_ns(struct tk__hands *h);

/*
 * The timebase record of this process's history: tk_timebase_export()'s
 * contract (with buf NULL, the most a record takes); kind names the
 * counter ("tsc").
 */
long tk__hands_timebase(
    struct tk__hands *h, void *buf, size_t size, const char *kind);

/* The exact_off of publication seq's entry, or TK_HANDS_EXACT_NONE. */
uint32_t tk__hands_hist_exact_off(
    const struct tk__hands_page *pg, uint64_t seq);

#endif /* TK_HANDS_TICKS_H */
