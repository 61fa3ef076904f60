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
 *
 * The FreeBSD page's per-th_algo readers build on these
 * (src/source/fbsd/<arch>/fbsd_gettc.h, contract in src/source/freebsd.h).
 * Each may also provide tk__counter_read_split() (the halves apart)
 * with the "#define name name" idiom.
 *
 * Each may assume it runs on its own architecture; none may call libc.
 */
#ifndef TK_COUNTER_H
#define TK_COUNTER_H

#include <stdint.h>

#include "counter_arch.h"

/* The ordered or the relaxed read, as a caller's flag chooses. */
static inline __attribute__((always_inline)) uint64_t
tk__counter_read(int ordered)
{
	return ordered ? tk__counter_ordered() : tk__counter_relaxed();
}

#endif /* TK_COUNTER_H */
