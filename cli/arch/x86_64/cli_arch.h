/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * x86-64 counter reads for the timekeep tool and bench/: bare TSC reads,
 * the baselines the library is measured against (the contract is in
 * cli/counter.h; cli_arch.c probes the CPU).
 *
 * The ordered read is RDTSCP where CPUID 0x80000001 EDX bit 27 says it
 * exists (it waits for all earlier instructions and loads before it reads
 * the counter), else LFENCE; RDTSC: the same first choice the library
 * makes (after FreeBSD lib/libc/x86/sys/__vdso_gettc.c), so "tk_nanotime
 * against the ordered counter" compares like with like.  Hypervisors may
 * hide RDTSCP, so the CPUID bit is checked, not assumed.  The relaxed read
 * is a bare RDTSC.
 */
#ifndef CLI_ARCH_H
#define CLI_ARCH_H

#include <stdint.h>

#define CLI_ARCH "x86_64"
#define CLI_COUNTER "tsc"

extern int cli_x86_rdtscp; /* CPUID 0x80000001 EDX bit 27, cli_arch.c */

static inline uint64_t
cli_counter_ordered(void)
{
	uint32_t lo, hi, aux;

	if (__builtin_expect(cli_x86_rdtscp, 1)) {
		/* RDTSCP: earlier instructions and loads complete first. */
		__asm__ volatile("rdtscp"
		                 : "=a"(lo), "=d"(hi), "=c"(aux)::"memory");
		(void)aux;
	} else {
		/* LFENCE: RDTSC waits for earlier loads to complete. */
		__asm__ volatile("lfence; rdtsc"
		                 : "=a"(lo), "=d"(hi)::"memory");
	}
	return (uint64_t)hi << 32 | lo;
}

static inline uint64_t
cli_counter_relaxed(void)
{
	uint32_t lo, hi;

	/* No ordering: the CPU may take it before earlier loads. */
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

#endif /* CLI_ARCH_H */
