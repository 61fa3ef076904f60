/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arm64 baselines for the timekeep tool and bench/: bare reads of the
 * virtual count register.  The ordered read puts an ISB before the MRS, so
 * the read cannot be executed ahead of earlier instructions (Linux's
 * arch_timer_read_cntvct_el0 comment; FreeBSD
 * lib/libc/aarch64/sys/__vdso_gettc.c); the relaxed read has no barrier.
 * CNTFRQ_EL0 states the frequency.
 */
#ifndef TOOL_ARCH_AARCH64_H
#define TOOL_ARCH_AARCH64_H

#include <stdint.h>

#define TOOL_ARCH "aarch64"
#define TOOL_COUNTER "cntvct"
#define TOOL_AUDIT_ARCH AUDIT_ARCH_AARCH64 /* <linux/audit.h> */

static inline void
tool_counter_init(void)
{
}

static inline int
tool_counter_exists(void)
{
	return 1; /* architectural on every ARMv8-A CPU */
}

static inline const char *
tool_counter_ordered_name(void)
{
	return "isb; cntvct_el0";
}

static inline const char *
tool_counter_relaxed_name(void)
{
	return "cntvct_el0";
}

static inline uint64_t
tool_counter_ordered(void)
{
	uint64_t v;

	/* ISB: earlier instructions complete before the counter is read. */
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
	return v;
}

static inline uint64_t
tool_counter_relaxed(void)
{
	uint64_t v;

	/* No barrier: may be taken before earlier loads. */
	__asm__ volatile("mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

static inline uint64_t
tool_counter_freq_hint(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

#endif /* TOOL_ARCH_AARCH64_H */
