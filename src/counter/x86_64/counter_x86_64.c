/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The x86 ordered-read choice, made once.  Follows FreeBSD
 * lib/libc/x86/sys/__vdso_gettc.c tsc_selector_idx(): RDTSCP first, then
 * no fence without SSE2, then MFENCE on AMD/Hygon, else LFENCE.  The source
 * also takes a bare RDTSC when the CPUID 1 EDX word is 0 ("should not
 * happen"); that case is kept.
 */
#include <string.h>

#include "counter.h"

int tk__x86_order = TK_X86_ORDER_MFENCE_LFENCE;

#define CPUID_SSE2 (1u << 26) /* CPUID 1 EDX, machine/specialreg.h */
#define AMDID_RDTSCP (1u << 27) /* CPUID 0x80000001 EDX */

int
tk__x86_order_select(
    uint32_t cpuid1_edx, uint32_t cpuid81_edx, const char vendor[12])
{
	if (cpuid1_edx == 0)
		return TK_X86_ORDER_NONE;
	if (cpuid81_edx & AMDID_RDTSCP)
		return TK_X86_ORDER_RDTSCP;
	if (!(cpuid1_edx & CPUID_SSE2))
		return TK_X86_ORDER_NONE;
	if (memcmp(vendor, "AuthenticAMD", 12) == 0 ||
	    memcmp(vendor, "HygonGenuine", 12) == 0)
		return TK_X86_ORDER_MFENCE;
	return TK_X86_ORDER_LFENCE;
}

void
tk__x86_order_init(void)
{
	uint32_t r[4], edx1 = 0, edx81 = 0;
	char vendor[12];

	tk__cpuid(0, 0, r);
	memcpy(vendor, &r[1], 4); /* EBX, EDX, ECX spell the vendor */
	memcpy(vendor + 4, &r[3], 4);
	memcpy(vendor + 8, &r[2], 4);
	if (r[0] >= 1) {
		tk__cpuid(1, 0, r);
		edx1 = r[3];
	}
	tk__cpuid(0x80000000u, 0, r);
	if (r[0] >= 0x80000001u) {
		tk__cpuid(0x80000001u, 0, r);
		edx81 = r[3];
	}
	/* Idempotent: every thread computes the same value (rule 42). */
	__atomic_store_n(&tk__x86_order,
	    tk__x86_order_select(edx1, edx81, vendor), __ATOMIC_RELAXED);
}
