/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The tick conversion tests (tests/test_ticks.c, test_ticks_history.c) in
 * the fake world of hands_world.h: the engine set up with the rate memo,
 * reads that must succeed, and conversions that must give a status.
 * Test-only.
 */
#ifndef TK_TICKS_WORLD_H
#define TK_TICKS_WORLD_H

#include <stdint.h>

#include "hands_world.h"

/* The cmocka setup: a reset world, the engine with the rate memo. */
int ticks_setup(void **state);
/* One read of CLOCK_MONOTONIC, which must succeed. */
int64_t ticks_read(void);
/* A read every gap ns for total ns of world time. */
void ticks_run(double gap, double total);
/* Convert tick t into *m; returns the status, which must be one. */
int ticks_conv(uint64_t t, int64_t *m);

#endif /* TK_TICKS_WORLD_H */
