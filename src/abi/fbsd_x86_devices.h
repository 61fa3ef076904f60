/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The device pages FreeBSD's x86 libc maps when the timekeep page names a
 * counter other than the TSC (lib/libc/x86/sys/__vdso_gettc.c):
 *
 *   HPET (VDSO_TH_ALGO_X86_HPET): /dev/hpet<th_x86_hpet_idx>, one page of
 *	the device's registers; the main counter is the 32-bit word at
 *	HPET_MAIN_COUNTER.  libc caches HPET_DEV_MAP_MAX mappings.
 *   Hyper-V reference TSC (VDSO_TH_ALGO_X86_HVTSC): /dev/hv_tsc, the TLFS
 *	reference TSC page (sys/dev/hyperv/include/hyperv.h struct
 *	hyperv_reftsc): time = high64(tsc * tsc_scale) + tsc_ofs in 100 ns
 *	units, valid while tsc_seq is non-zero and unchanged.
 *   KVM/Xen pvclock (VDSO_TH_ALGO_X86_PVCLK): /dev/pvclock, one
 *	struct pvclock_vcpu_time_info per vCPU (sys/x86/include/pvclock.h),
 *	32 bytes each, AT_NCPUS of them.
 *
 * Written by the hypervisor or the hardware, read by every process; the
 * layouts are fixed by the hardware and hypervisor specifications.
 */
#ifndef TK_ABI_FBSD_X86_DEVICES_H
#define TK_ABI_FBSD_X86_DEVICES_H

#include <stddef.h>
#include <stdint.h>

/* lib/libc/x86/sys/__vdso_gettc.c: units 0..9, so "/dev/hpet" + 1 digit. */
#define HPET_DEV_MAP_MAX 10
/* sys/dev/acpica/acpi_hpet_reg.h: the main counter register. */
#define HPET_MAIN_COUNTER 0xf0

/* sys/dev/hyperv/include/hyperv.h struct hyperv_reftsc (first 24 bytes). */
struct fbsd_hyperv_reftsc {
	uint32_t tsc_seq; /* 0: the page is not valid, use another clock */
	uint32_t tsc_rsvd1;
	uint64_t tsc_scale; /* 64.64 multiplier from TSC ticks to 100 ns */
	int64_t tsc_ofs; /* added after the multiply, 100 ns units */
};

_Static_assert(
    offsetof(struct fbsd_hyperv_reftsc, tsc_seq) == 0, "hyperv tsc_seq");
_Static_assert(
    offsetof(struct fbsd_hyperv_reftsc, tsc_scale) == 8, "hyperv tsc_scale");
_Static_assert(
    offsetof(struct fbsd_hyperv_reftsc, tsc_ofs) == 16, "hyperv tsc_ofs");

/* sys/x86/include/pvclock.h struct pvclock_vcpu_time_info. */
struct fbsd_pvclock_vcpu_time_info {
	uint32_t version; /* odd while the hypervisor updates the record */
	uint32_t pad0;
	uint64_t tsc_timestamp; /* TSC at system_time */
	uint64_t system_time; /* ns at tsc_timestamp */
	uint32_t tsc_to_system_mul; /* 32.32 ns per (shifted) tick */
	int8_t tsc_shift; /* shift the TSC delta first (< 0: right) */
	uint8_t flags; /* PVCLOCK_FLAG_* */
	uint8_t pad[2];
};

/* sys/x86/include/pvclock.h: the TSC is synchronised across vCPUs. */
#define PVCLOCK_FLAG_TSC_STABLE 0x01

_Static_assert(offsetof(struct fbsd_pvclock_vcpu_time_info, version) == 0,
    "pvclock version");
_Static_assert(offsetof(struct fbsd_pvclock_vcpu_time_info, tsc_timestamp) == 8,
    "pvclock tsc_timestamp");
_Static_assert(offsetof(struct fbsd_pvclock_vcpu_time_info, system_time) == 16,
    "pvclock system_time");
_Static_assert(
    offsetof(struct fbsd_pvclock_vcpu_time_info, tsc_to_system_mul) == 24,
    "pvclock tsc_to_system_mul");
_Static_assert(offsetof(struct fbsd_pvclock_vcpu_time_info, tsc_shift) == 28,
    "pvclock tsc_shift");
_Static_assert(
    offsetof(struct fbsd_pvclock_vcpu_time_info, flags) == 29, "pvclock flags");
_Static_assert(
    sizeof(struct fbsd_pvclock_vcpu_time_info) == 32, "pvclock sizeof");

#endif /* TK_ABI_FBSD_X86_DEVICES_H */
