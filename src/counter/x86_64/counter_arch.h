/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * x86-64 TSC reads.  The ordered read follows the choice FreeBSD makes in
 * lib/libc/x86/sys/__vdso_gettc.c (tsc_selector_idx) and the kernel in
 * sys/x86/x86/tsc.c init_TSC_tc:
 *
 *   RDTSCP when CPUID 0x80000001 EDX bit 27 says it exists: it waits until
 *	all earlier instructions have executed and all earlier loads are
 *	globally visible before it reads the counter;
 *   else LFENCE; RDTSC on Intel and others (LFENCE is dispatch serialising
 *	there), MFENCE; RDTSC on AMD and Hygon (where LFENCE need not be);
 *   else, with no SSE2 (never on x86-64), a bare RDTSC.
 *
 * The choice is made once by tk__x86_order_init() and kept in a static
 * that the read path tests with one predicted branch: no indirect call.
 */
#ifndef TK_COUNTER_ARCH_H
#define TK_COUNTER_ARCH_H

#include <stdint.h>

enum tk__x86_order {
	TK_X86_ORDER_MFENCE_LFENCE = 0, /* before init: safe on every CPU */
	TK_X86_ORDER_RDTSCP,
	TK_X86_ORDER_LFENCE,
	TK_X86_ORDER_MFENCE,
	TK_X86_ORDER_NONE,
};

/*
 * Written once by tk__x86_order_init(); idempotent, so relaxed (rule 42).
 * Hidden, so a PIC read path loads it RIP-relative, not through the GOT.
 */
extern int tk__x86_order __attribute__((visibility("hidden")));

/* FreeBSD's selection from the raw CPUID words; pure, for the tests. */
int tk__x86_order_select(
    uint32_t cpuid1_edx, uint32_t cpuid81_edx, const char vendor[12]);
/*
 * Runs CPUID and stores the choice in tk__x86_order: one leaf, 0x80000001
 * (every x86-64 CPU has it), on any CPU with RDTSCP; leaves 0 and 1 only
 * without it.
 */
void tk__x86_order_init(void);
/* CPUID as an inline function so no libc header is needed. */
static inline void
tk__cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
	                 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
	                 : "a"(leaf), "c"(sub));
}

/*
 * CPUID leaf (subleaf 0), asked of the CPU at most once per process: in a
 * virtual machine every CPUID exits to the hypervisor (8-10 us each on the
 * 2-vCPU KVM guest this was measured on, Linux 6.18).
 */
void tk__cpuid_cached(uint32_t leaf, uint32_t r[4]);

static inline uint64_t
tk__counter_relaxed(void)
{
	uint32_t lo, hi;

	/* Unordered: the CPU may execute it before earlier loads. */
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* RDTSCP with the TSC_AUX word (Linux and FreeBSD put the CPU id there). */
static inline uint64_t
tk__counter_rdtscp_aux(uint32_t *aux)
{
	uint32_t lo, hi, c;

	/* Waits for earlier instructions and loads; ECX gets TSC_AUX. */
	__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(c)::"memory");
	*aux = c;
	return (uint64_t)hi << 32 | lo;
}

static inline uint64_t
tk__counter_rdtscp(void)
{
	uint32_t lo, hi, aux;

	/* Waits for earlier instructions and loads; clobbers ECX (TSC_AUX). */
	__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux)::"memory");
	(void)aux;
	return (uint64_t)hi << 32 | lo;
}

/*
 * The arms leave EDX:EAX unjoined and join once after the switch: GCC 12
 * otherwise joins in each arm and cannot narrow the merged value back to
 * EAX for a caller that multiplies only the low half (src/hands/hands_read.h), which
 * cost 1 ns a read on the Zen 4 KVM guest (kernel 6.18, bench_clocks).
 */
static inline uint64_t
tk__counter_ordered(void)
{
	uint32_t lo, hi, aux;

	if (__builtin_expect(__atomic_load_n(&tk__x86_order,
	                         __ATOMIC_RELAXED) == TK_X86_ORDER_RDTSCP,
	        1)) {
		/* Waits for earlier instructions and loads (see above). */
		__asm__ volatile("rdtscp"
		                 : "=a"(lo), "=d"(hi), "=c"(aux)::"memory");
		(void)aux;
	} else {
		switch (__atomic_load_n(&tk__x86_order, __ATOMIC_RELAXED)) {
		case TK_X86_ORDER_LFENCE:
			/* LFENCE: RDTSC waits for earlier loads to complete. */
			__asm__ volatile("lfence; rdtsc"
			                 : "=a"(lo), "=d"(hi)::"memory");
			break;
		case TK_X86_ORDER_MFENCE:
			/* MFENCE: earlier loads and stores complete first. */
			__asm__ volatile("mfence; rdtsc"
			                 : "=a"(lo), "=d"(hi)::"memory");
			break;
		case TK_X86_ORDER_NONE:
			/* No SSE2, so no fence exists: as FreeBSD does. */
			__asm__ volatile("rdtsc"
			                 : "=a"(lo), "=d"(hi)::"memory");
			break;
		default:
			/* Before init: both fences, right on every vendor. */
			__asm__ volatile("mfence; lfence; rdtsc"
			                 : "=a"(lo), "=d"(hi)::"memory");
			break;
		}
	}
	return (uint64_t)hi << 32 | lo;
}

/*
 * The counter as its halves, EAX returned and EDX in *hi, never joined: a
 * caller that multiplies the low half (the FreeBSD tier) then waits for no
 * shift and OR (src/source/fbsd_fast.h).
 */
static inline __attribute__((always_inline)) uint32_t
tk__counter_read_split(int ordered, uint32_t *hi)
{
	uint32_t lo, h, aux;
	uint64_t t;

	if (!ordered) {
		/* Unordered: the CPU may execute it before earlier loads. */
		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(h));
	} else if (__builtin_expect(
	               __atomic_load_n(&tk__x86_order, __ATOMIC_RELAXED) ==
	                   TK_X86_ORDER_RDTSCP,
	               1)) {
		/* Waits for earlier instructions and loads (see above). */
		__asm__ volatile("rdtscp"
		                 : "=a"(lo), "=d"(h), "=c"(aux)::"memory");
		(void)aux;
	} else {
		t = tk__counter_ordered();
		lo = (uint32_t)t;
		h = (uint32_t)(t >> 32);
	}
	*hi = h;
	return lo;
}
#define tk__counter_read_split tk__counter_read_split

#endif /* TK_COUNTER_ARCH_H */
