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

/* In this process: a TK_TICKS_* status, or a negative errno. */
int tk__hands_ticks_to_ns(
    struct tk__hands *h, uint64_t t, int64_t *mono_ns, int64_t *real_ns);

/* How far back this process's history reaches now, in ns (0: none). */
int64_t tk__hands_history_ns(struct tk__hands *h);

/*
 * The timebase record of this process's history: tk_timebase_export()'s
 * contract; kind names the counter ("tsc").
 */
long tk__hands_timebase(
    struct tk__hands *h, void *buf, size_t size, const char *kind);

#endif /* TK_HANDS_TICKS_H */
