/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arm64 counter reads for the timekeep tool and bench/: bare reads of the
 * virtual count register (the contract is in cli/counter.h).  The ordered
 * read puts an ISB before the MRS, so the read cannot be executed ahead of
 * earlier instructions (Linux's arch_timer_read_cntvct_el0 comment;
 * FreeBSD lib/libc/aarch64/sys/__vdso_gettc.c); the relaxed read has no
 * barrier.
 */
#ifndef CLI_ARCH_H
#define CLI_ARCH_H

#include <stdint.h>

#define CLI_ARCH "aarch64"
#define CLI_COUNTER "cntvct"

static inline uint64_t
cli_counter_ordered(void)
{
	uint64_t v;

	/* ISB: earlier instructions complete before the counter is read. */
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
	return v;
}

static inline uint64_t
cli_counter_relaxed(void)
{
	uint64_t v;

	/* No barrier: may be taken before earlier loads. */
	__asm__ volatile("mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

#endif /* CLI_ARCH_H */
