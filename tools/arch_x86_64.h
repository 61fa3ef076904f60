/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * x86-64 baselines for the timekeep tool and bench/: bare TSC reads.
 *
 * The ordered read is RDTSCP where CPUID 0x80000001 EDX bit 27 says it
 * exists (it waits for all earlier instructions and loads before it reads
 * the counter), else LFENCE; RDTSC: the same first choice the library
 * makes (src/counter/x86_64/counter_arch.h, after FreeBSD
 * lib/libc/x86/sys/__vdso_gettc.c), so "tk_nanotime vs the ordered
 * counter" compares like with like.  Hypervisors may hide RDTSCP, so the
 * CPUID bit is checked, not assumed.  The relaxed read is a bare RDTSC.
 */
#ifndef TOOL_ARCH_X86_64_H
#define TOOL_ARCH_X86_64_H

#include <stdint.h>

#define TOOL_ARCH "x86_64"
#define TOOL_COUNTER "tsc"
#define TOOL_AUDIT_ARCH AUDIT_ARCH_X86_64 /* <linux/audit.h> */

static int tool_x86_tsc; /* CPUID 1 EDX bit 4: TSC */
static int tool_x86_rdtscp; /* CPUID 0x80000001 EDX bit 27: RDTSCP */

static inline void
tool_x86_cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid"
	                 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
	                 : "a"(leaf), "c"(0));
}

static inline void
tool_counter_init(void)
{
	uint32_t r[4];

	tool_x86_cpuid(0, r);
	if (r[0] >= 1) {
		tool_x86_cpuid(1, r);
		tool_x86_tsc = (r[3] >> 4) & 1;
	}
	tool_x86_cpuid(0x80000000u, r);
	if (r[0] >= 0x80000001u) {
		tool_x86_cpuid(0x80000001u, r);
		tool_x86_rdtscp = (r[3] >> 27) & 1;
	}
}

static inline int
tool_counter_exists(void)
{
	return tool_x86_tsc;
}

static inline const char *
tool_counter_ordered_name(void)
{
	return tool_x86_rdtscp ? "rdtscp" : "lfence; rdtsc";
}

static inline const char *
tool_counter_relaxed_name(void)
{
	return "rdtsc";
}

static inline uint64_t
tool_counter_ordered(void)
{
	uint32_t lo, hi, aux;

	if (__builtin_expect(tool_x86_rdtscp, 1)) {
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
tool_counter_relaxed(void)
{
	uint32_t lo, hi;

	/* No ordering: the CPU may take it before earlier loads. */
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline uint64_t
tool_counter_freq_hint(void)
{
	return 0; /* CPUID 0x15 is the library's business: tk_counter_info */
}

#endif /* TOOL_ARCH_X86_64_H */
