/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * riscv64 counter reads for the timekeep tool and bench/: reads of the
 * time CSR (the contract is in cli/counter.h).  The relaxed read is a bare
 * RDTIME, as FreeBSD lib/libc/riscv/sys/__vdso_gettc.c reads it.  The
 * ordered read puts FENCE R,I before it, as the library's ordered read
 * does: the RISC-V memory model does not order a CSR read against earlier
 * loads.
 */
#ifndef CLI_ARCH_H
#define CLI_ARCH_H

#include <stdint.h>

#define CLI_ARCH "riscv64"
#define CLI_COUNTER "rdtime"

static inline uint64_t
cli_counter_ordered(void)
{
	uint64_t v;

	/*
	 * FENCE R,I: earlier loads complete before the CSR read, which
	 * Zicsr orders as device input.
	 */
	__asm__ volatile("fence r, i; rdtime %0" : "=r"(v)::"memory");
	return v;
}

static inline uint64_t
cli_counter_relaxed(void)
{
	uint64_t v;

	/* No fence: may be taken before earlier loads. */
	__asm__ volatile("rdtime %0" : "=r"(v));
	return v;
}

#endif /* CLI_ARCH_H */
