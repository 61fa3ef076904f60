/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Facts about the x86-64 TSC for tk_counter_info() (src/info.c): the CPU
 * only, from CPUID leaves each asked at most once (tk__cpuid_cached()).
 * What a source measured is src/info.c's to add.  Leaf meanings are
 * from the Intel SDM vol. 2A (CPUID) and AMD's APM vol. 3; the frequency
 * order and arithmetic follow Linux arch/x86/kernel/tsc.c
 * native_calibrate_tsc() and the hypervisor leaf of
 * arch/x86/kernel/cpu/vmware.c / Documentation/virt/kvm/x86/cpuid.rst.
 *
 * The frequency, best first:
 *   CPUID 0x15	EBX/EAX is TSC/crystal, ECX the crystal in Hz: the TSC is
 *		ECX * EBX / EAX, multiplied before it is divided (ECX and EBX
 *		are 32-bit, so the product fits 64 bits).  Dividing first
 *		truncates the ratio: DPDK bug 1869 reported 2 GHz for a 2.9
 *		GHz TSC that way.  Exact where the leaf is complete.
 *   CPUID 0x40000010  a hypervisor's TSC frequency in kHz (VMware's
 *		convention, also offered by some KVM setups): exact for the
 *		guest, whose TSC may be scaled from the host's.
 *   (the tsc source's measurement against CLOCK_MONOTONIC ranks here:
 *		src/info.c asks for it when neither leaf above states one)
 *   CPUID 0x16	EAX, the processor's base frequency in MHz: Linux uses it
 *		for the TSC when 0x15 lacks the crystal (the TSC runs at the
 *		base frequency on those parts), but it is a nominal figure,
 *		so it ranks below a measurement.
 * Invariants: CPUID is always executable on x86-64; leaves above the
 * maximum the CPU reports (leaf 0, 0x80000000, 0x40000000 EAX) are never
 * trusted.  No libc beyond string handling of our own buffers.
 */
#include <stdint.h>
#include <string.h>

#include "atomic.h"
#include "counter.h"
#include "info.h"
#include "platform.h"
#include "timekeep.h"

#define CPUID1_ECX_HYPERVISOR (1u << 31)
#define CPUID80000007_EDX_INVTSC (1u << 8)

static uint32_t
cpuid_max(uint32_t base)
{
	uint32_t r[4];

	tk__cpuid_cached(base, r);
	return r[0];
}

/* CPUID 0x80000007 EDX bit 8: 1 invariant TSC, 0 not, -1 no such leaf. */
static int
cpuid_invariant(void)
{
	uint32_t r[4];

	if (cpuid_max(0x80000000u) < 0x80000007u)
		return -1;
	tk__cpuid_cached(0x80000007u, r);
	return (r[3] & CPUID80000007_EDX_INVTSC) != 0;
}

/*
 * The TSC frequency CPUID states exactly (leaf 0x15 with its crystal, or a
 * hypervisor's leaf 0x40000010), 0 if it states none; *from says which.
 */
static uint64_t
cpuid_exact_hz(const char **from)
{
	uint32_t r[4], hmax;

	if (cpuid_max(0) >= 0x15u) {
		tk__cpuid_cached(0x15u, r);
		if (r[0] != 0 && r[1] != 0 && r[2] != 0) {
			*from = "CPUID 0x15 (crystal x TSC/crystal ratio)";
			return (uint64_t)r[2] * r[1] / r[0];
		}
	}
	tk__cpuid_cached(1, r);
	if (r[2] & CPUID1_ECX_HYPERVISOR) {
		hmax = cpuid_max(0x40000000u);
		if (hmax >= 0x40000010u && hmax < 0x40010000u) {
			tk__cpuid_cached(0x40000010u, r);
			if (r[0] != 0) {
				*from = "CPUID 0x40000010 (hypervisor TSC kHz)";
				return (uint64_t)r[0] * 1000u;
			}
		}
	}
	return 0;
}

/* CPUID 0x16 EAX: the base frequency in Hz, or 0. */
static uint64_t
cpuid_base_hz(void)
{
	uint32_t r[4];

	if (cpuid_max(0) < 0x16u)
		return 0;
	tk__cpuid_cached(0x16u, r);
	return (uint64_t)(r[0] & 0xffffu) * 1000000u;
}

static const char *
cpuid_vendor(void)
{
	static const char *const known[] = {
		"GenuineIntel",
		"AuthenticAMD",
		"HygonGenuine",
		"CentaurHauls",
		"  Shanghai  ",
		"GenuineIotel",
		"VIA VIA VIA ",
		"Vortex86 SoC",
	};
	uint32_t r[4];
	char v[12];
	size_t i;

	tk__cpuid_cached(0, r);
	memcpy(v, &r[1], 4); /* EBX, EDX, ECX spell it */
	memcpy(v + 4, &r[3], 4);
	memcpy(v + 8, &r[2], 4);
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (memcmp(v, known[i], 12) == 0)
			return known[i];
	return ""; /* a vendor we have no static string for */
}

/* CPUID 0x80000002-4: the brand string, spaces trimmed, or "". */
static void
cpuid_brand(char *out, size_t n)
{
	uint32_t r[4];
	char b[49];
	size_t s = 0, e;
	uint32_t leaf;

	out[0] = '\0';
	if (cpuid_max(0x80000000u) < 0x80000004u)
		return;
	for (leaf = 0; leaf < 3; leaf++) {
		tk__cpuid_cached(0x80000002u + leaf, r);
		memcpy(b + 16 * leaf, r, 16);
	}
	b[48] = '\0';
	e = strlen(b);
	while (s < e && b[s] == ' ')
		s++;
	while (e > s && b[e - 1] == ' ')
		e--;
	if (e - s >= n)
		e = s + n - 1;
	memcpy(out, b + s, e - s);
	out[e - s] = '\0';
}

static const char *
order_name(int order)
{
	switch (order) {
	case TK_X86_ORDER_RDTSCP:
		return "rdtscp";
	case TK_X86_ORDER_LFENCE:
		return "lfence+rdtsc";
	case TK_X86_ORDER_MFENCE:
		return "mfence+rdtsc";
	case TK_X86_ORDER_NONE:
		return "rdtsc";
	default:
		return "mfence+lfence+rdtsc";
	}
}

int
tk__counter_facts(struct tk_counter_info *ci, int *nominal)
{
	const char *from = "";
	uint64_t hz;

	tk__x86_order_init();
	ci->kind = "tsc";
	/* Relaxed: an idempotent probe result (counter_arch.h). */
	ci->ordering = order_name(tk__load_relaxed(&tk__x86_order));
	ci->vendor = cpuid_vendor();
	cpuid_brand(ci->model, sizeof(ci->model));
	ci->invariant = cpuid_invariant();
	*nominal = 0;
	hz = cpuid_exact_hz(&from);
	if (hz == 0 && (hz = cpuid_base_hz()) != 0) {
		from = "CPUID 0x16 (base frequency, nominal)";
		*nominal = 1;
	}
	ci->freq_hz = hz;
	ci->freq_from = hz != 0 ? from : "unknown";
	return 0;
}
