/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arm64 generic timer reads.  The ordered read puts an ISB before the
 * counter read, as FreeBSD lib/libc/aarch64/sys/__vdso_gettc.c does and as
 * Linux's arch_timer_read_cntvct_el0 comments require: without it the MRS
 * may be executed speculatively ahead of earlier loads (freebsd-src #2423).
 * Go's arm64 reader (runtime/vdso_freebsd_arm64.go) omits it; the
 * relaxed read here does too.
 */
#ifndef TK_COUNTER_ARCH_H
#define TK_COUNTER_ARCH_H

#include <stdint.h>

static inline uint64_t
tk__counter_relaxed(void)
{
	uint64_t v;

	/* No barrier: may be taken before earlier loads. */
	__asm__ volatile("mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

static inline uint64_t
tk__counter_ordered(void)
{
	uint64_t v;

	/* ISB: earlier instructions complete before the counter is read. */
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
	return v;
}

/* CNTPCT_EL0, for a FreeBSD page with th_physical set; ordered the same. */
static inline uint64_t
tk__counter_physical(void)
{
	uint64_t v;

	/* ISB: as in tk__counter_ordered. */
	__asm__ volatile("isb; mrs %0, cntpct_el0" : "=r"(v)::"memory");
	return v;
}

/* Counter frequency in Hz, from CNTFRQ_EL0. */
static inline uint64_t
tk__counter_freq(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

#endif /* TK_COUNTER_ARCH_H */
