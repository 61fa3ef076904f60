/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * x86-64: what the CPU says about its TSC, asked once through CPUID (leaf
 * 1 EDX bit 4 for the TSC, leaf 0x80000001 EDX bit 27 for RDTSCP), and
 * which hypervisor, if any, the machine runs under (leaf 1 ECX bit 31 and
 * the vendor signature of leaf 0x40000000, as Linux
 * arch/x86/kernel/cpu/hypervisor.c detects it).
 */
#include <string.h>

#include "counter.h"

int cli_x86_rdtscp;
static int x86_tsc;

static void
x86_cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid"
	                 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
	                 : "a"(leaf), "c"(0));
}

void
cli_counter_init(void)
{
	uint32_t r[4];

	x86_cpuid(0, r);
	if (r[0] >= 1) {
		x86_cpuid(1, r);
		x86_tsc = (r[3] >> 4) & 1;
	}
	x86_cpuid(0x80000000u, r);
	if (r[0] >= 0x80000001u) {
		x86_cpuid(0x80000001u, r);
		cli_x86_rdtscp = (r[3] >> 27) & 1;
	}
}

int
cli_counter_exists(void)
{
	return x86_tsc;
}

const char *
cli_counter_ordered_name(void)
{
	return cli_x86_rdtscp ? "rdtscp" : "lfence; rdtsc";
}

const char *
cli_counter_relaxed_name(void)
{
	return "rdtsc";
}

const char *
cli_hypervisor(void)
{
	static const struct {
		const char *sig, *name;
	} known[] = {
		{ "KVMKVMKVM", "KVM" },
		{ "Microsoft Hv", "Hyper-V" },
		{ "VMwareVMware", "VMware" },
		{ "XenVMMXenVMM", "Xen" },
		{ "TCGTCGTCGTCG", "QEMU TCG" },
		{ "bhyve bhyve ", "bhyve" },
		{ "ACRNACRNACRN", "ACRN" },
		{ " lrpepyh  vr", "Parallels" },
		{ "VBoxVBoxVBox", "VirtualBox" },
	};
	static char sig[13];
	uint32_t r[4];
	size_t i;

	x86_cpuid(1, r);
	if (!((r[2] >> 31) & 1))
		return "";
	x86_cpuid(0x40000000u, r);
	memcpy(sig, &r[1], 4);
	memcpy(sig + 4, &r[2], 4);
	memcpy(sig + 8, &r[3], 4);
	sig[12] = '\0';
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(sig, known[i].sig) == 0)
			return known[i].name;
	return "a hypervisor";
}
