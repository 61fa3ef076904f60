/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Counter reads.  Contract for every src/counter/<arch>/counter_arch.h:
 *
 *   uint64_t tk__counter_ordered(void)
 *	The free-running counter, read so that the read cannot be performed
 *	before any load that precedes it in program order.  A time handed from
 *	one thread to another through memory is then never later than a time
 *	the receiver reads afterwards.
 *   uint64_t tk__counter_relaxed(void)
 *	The same counter with no ordering: cheapest, may be taken early.
 *   uint32_t tk__counter_fbsd(uint32_t algo, const void *md, int *ok)
 *	The 32-bit value FreeBSD's libc __vdso_gettc() would produce for a
 *	timehands slot of this architecture, given th_algo and a pointer to
 *	the slot's machine-dependent tail; *ok = 0 for an algo this build
 *	cannot read (the caller then makes the system call).  Declared in
 *	src/source/freebsd_counter.h, defined per arch.
 *
 * Each may assume it runs on its own architecture; none may call libc.
 */
#ifndef TK_COUNTER_H
#define TK_COUNTER_H

#include <stdint.h>

#include "counter_arch.h"

#endif /* TK_COUNTER_H */
