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

#endif /* TK_COUNTER_ARCH_H */
