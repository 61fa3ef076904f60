/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * riscv64 time CSR reads.  FreeBSD lib/libc/riscv/sys/__vdso_gettc.c reads
 * it with a bare rdtime.  The ordered read here adds FENCE R,I before it: the
 * Zicsr chapter ("CSR Access Ordering") treats a read of the time CSR as
 * device input, so only a fence whose successor set holds I keeps rdtime
 * from being satisfied ahead of earlier loads (why arm64 needs its ISB).
 */
#ifndef TK_COUNTER_ARCH_H
#define TK_COUNTER_ARCH_H

#include <stdint.h>

static inline uint64_t
tk__counter_relaxed(void)
{
	uint64_t v;

	/* No fence: may be taken before earlier loads. */
	__asm__ volatile("rdtime %0" : "=r"(v));
	return v;
}

static inline uint64_t
tk__counter_ordered(void)
{
	uint64_t v;

	/* FENCE R,I: earlier loads complete before the CSR (input) read. */
	__asm__ volatile("fence r, i; rdtime %0" : "=r"(v)::"memory");
	return v;
}

/*
 * After a counter read, before the loads that follow: the time CSR is
 * device input (Zicsr), so FENCE I,R orders it before later loads.
 */
static inline void
tk__counter_fence(void)
{
	/* FENCE I,R: the time CSR read is ordered before later loads. */
	__asm__ volatile("fence i, r" ::: "memory");
}

#endif /* TK_COUNTER_ARCH_H */
