/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one architecture switch of the timekeep tool and of bench/.  It picks
 * the header with the bare counter reads the library is measured against
 * (the baselines of timekeep bench and bench/bench_clocks.c).  Nothing else
 * in tools/ or bench/ tests an architecture macro.
 *
 * Contract for every tools/arch_<arch>.h:
 *
 *   TOOL_ARCH                     the architecture's name, a string
 *   TOOL_COUNTER                  the counter's kind: "tsc", "cntvct", ...
 *   TOOL_AUDIT_ARCH               (optional) the AUDIT_ARCH_* value of
 *				   <linux/audit.h> for seccomp filters
 *   void tool_counter_init(void)  probe the CPU once (CPUID and the like)
 *   int tool_counter_exists(void) 1 if the CPU says the counter exists
 *   const char *tool_counter_ordered_name(void), *..._relaxed_name(void)
 *				   how each read is made ("rdtscp", "rdtsc")
 *   uint64_t tool_counter_ordered(void)
 *				   a read that cannot be taken before the
 *				   loads that precede it (as the library's)
 *   uint64_t tool_counter_relaxed(void)
 *				   a bare read, with no ordering at all
 *   uint64_t tool_counter_freq_hint(void)
 *				   the frequency an architectural register
 *				   states, or 0 (then the tool measures it)
 *
 * A CPU may have the counter and still trap user reads of it (x86 CR4.TSD,
 * arm64 CNTKCTL_EL1.EL0VCTEN): the tool probes a read in a forked child
 * before it trusts one, and leaves the candidate out if the child dies.
 */
#ifndef TOOL_ARCH_H
#define TOOL_ARCH_H

#if defined(__x86_64__)
#include "arch_x86_64.h"
#elif defined(__aarch64__)
#include "arch_aarch64.h"
#elif defined(__riscv) && __riscv_xlen == 64
#include "arch_riscv64.h"
#else
#include "arch_none.h"
#endif

#endif /* TOOL_ARCH_H */
