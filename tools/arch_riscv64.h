/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * riscv64 baselines for the timekeep tool and bench/: reads of the time
 * CSR.  The relaxed read is a bare RDTIME, as FreeBSD
 * lib/libc/riscv/sys/__vdso_gettc.c reads it.  The ordered read puts
 * FENCE R,R before it, as the library's ordered read does
 * (src/counter/riscv64/counter_arch.h): the RISC-V memory model does not
 * order a CSR read against earlier loads.  No register states the
 * frequency (it is the device tree's timebase-frequency), so the tool
 * measures it.
 */
#ifndef TOOL_ARCH_RISCV64_H
#define TOOL_ARCH_RISCV64_H

#include <stdint.h>

#define TOOL_ARCH "riscv64"
#define TOOL_COUNTER "rdtime"
#define TOOL_AUDIT_ARCH AUDIT_ARCH_RISCV64 /* <linux/audit.h> */

static inline void
tool_counter_init(void)
{
}

static inline int
tool_counter_exists(void)
{
	return 1; /* Zicntr; a kernel may still trap it: the tool probes */
}

static inline const char *
tool_counter_ordered_name(void)
{
	return "fence r,i; rdtime";
}

static inline const char *
tool_counter_relaxed_name(void)
{
	return "rdtime";
}

static inline uint64_t
tool_counter_ordered(void)
{
	uint64_t v;

	/*
	 * FENCE R,I: earlier loads complete before the CSR read, which
	 * Zicsr orders as device input (as src/counter/riscv64 does).
	 */
	__asm__ volatile("fence r, i; rdtime %0" : "=r"(v)::"memory");
	return v;
}

static inline uint64_t
tool_counter_relaxed(void)
{
	uint64_t v;

	/* No fence: may be taken before earlier loads. */
	__asm__ volatile("rdtime %0" : "=r"(v));
	return v;
}

static inline uint64_t
tool_counter_freq_hint(void)
{
	return 0;
}

#endif /* TOOL_ARCH_RISCV64_H */
