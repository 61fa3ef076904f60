/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The x86 ordered-read choice, made once, and the CPUID cache.  The choice
 * follows FreeBSD lib/libc/x86/sys/__vdso_gettc.c tsc_selector_idx():
 * RDTSCP first, then no fence without SSE2, then MFENCE on AMD/Hygon, else
 * LFENCE.  The source also takes a bare RDTSC when the CPUID 1 EDX word is
 * 0 ("should not happen"); that case is kept.
 */
#include <string.h>

#include "atomic.h"
#include "counter.h"

int tk__x86_order = TK_X86_ORDER_MFENCE_LFENCE;

#define CPUID_SSE2 (1u << 26) /* CPUID 1 EDX, machine/specialreg.h */
#define AMDID_RDTSCP (1u << 27) /* CPUID 0x80000001 EDX */

/*
 * The leaves timekeep asks, each cached on first use.  A value is written
 * by whoever asks first; every thread computes the same one, so a race
 * only asks twice.
 */
static const uint32_t cpuid_leaves[] = {
	0,
	1,
	0x15,
	0x16,
	0x40000000u,
	0x40000010u,
	0x80000000u,
	0x80000001u,
	0x80000002u,
	0x80000003u,
	0x80000004u,
	0x80000007u,
};
#define NLEAVES (sizeof(cpuid_leaves) / sizeof(cpuid_leaves[0]))
static uint32_t cpuid_val[NLEAVES][4];
static uint32_t cpuid_have[NLEAVES];

void
tk__cpuid_cached(uint32_t leaf, uint32_t r[4])
{
	unsigned i, j;

	for (i = 0; i < NLEAVES && cpuid_leaves[i] != leaf; i++)
		;
	if (i == NLEAVES) {
		tk__cpuid(leaf, 0, r);
		return;
	}
	/* Acquire: the value is read after its flag; pairs with below. */
	if (tk__load_acquire(&cpuid_have[i]) == 0) {
		tk__cpuid(leaf, 0, r);
		for (j = 0; j < 4; j++)
			tk__store_relaxed(&cpuid_val[i][j], r[j]);
		/*
		 * Release: the value is written before the flag; pairs with
		 * the acquire load above.
		 */
		tk__store_release(&cpuid_have[i], 1u);
		return;
	}
	for (j = 0; j < 4; j++)
		r[j] = tk__load_relaxed(&cpuid_val[i][j]);
}

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
	uint32_t r[4], edx1 = CPUID_SSE2, edx81;
	char vendor[12] = "GenuineIntel";

	tk__cpuid_cached(0x80000001u, r);
	edx81 = r[3];
	if (!(edx81 & AMDID_RDTSCP)) {
		tk__cpuid_cached(0, r);
		memcpy(vendor, &r[1], 4); /* EBX, EDX, ECX spell the vendor */
		memcpy(vendor + 4, &r[3], 4);
		memcpy(vendor + 8, &r[2], 4);
		edx1 = 0;
		if (r[0] >= 1) {
			tk__cpuid_cached(1, r);
			edx1 = r[3];
		}
	}
	/* Relaxed: an idempotent probe result, every thread computes it. */
	tk__store_relaxed(
	    &tk__x86_order, tk__x86_order_select(edx1, edx81, vendor));
}
