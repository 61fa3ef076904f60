/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The FreeBSD amd64 timekeep page: struct vdso_timekeep and struct
 * vdso_timehands of sys/sys/vdso.h with the x86 machine-dependent tail of
 * sys/x86/include/vdso.h (the current shape, with the pvclock fields; the
 * pre-pvclock tail was th_res[6] of uint32_t, same size).  sys/amd64/include/
 * vdso.h only includes the x86 header.
 *
 * Invariants, checked below at compile time: a slot is 88 bytes
 * with no padding, the header is 16 bytes (4 of them padding so the slots
 * are 8-aligned), slots start at 16, and the kernel's block is
 * 16 + 4 x 88 = 368 bytes.  Go's defs_freebsd_amd64.go agrees
 * (vdsoTimehandsSize 0x58, vdsoTimekeepSize 0x10).
 */
#ifndef TK_ABI_FBSD_VDSO_AMD64_H
#define TK_ABI_FBSD_VDSO_AMD64_H

#include "abi/fbsd_vdso_common.h"

struct fbsd_bintime_amd64 {
	fbsd_i64_al8 sec; /* time_t: 64-bit */
	fbsd_u64_al8 frac;
};

struct fbsd_vdso_timehands_amd64 {
	uint32_t th_algo;
	uint32_t th_gen;
	fbsd_u64_al8 th_scale;
	uint32_t th_offset_count;
	uint32_t th_counter_mask;
	struct fbsd_bintime_amd64 th_offset;
	struct fbsd_bintime_amd64 th_boottime;
	/* VDSO_TIMEHANDS_MD, sys/x86/include/vdso.h */
	uint32_t th_x86_shift; /* TSC-low: drop this many low TSC bits */
	uint32_t th_x86_hpet_idx; /* HPET unit: /dev/hpet<idx> */
	fbsd_u64_al8 th_x86_pvc_last_systime; /* pvclock: floor of ns */
	uint8_t th_x86_pvc_stable_mask; /* pvclock: PVCLOCK_FLAG_TSC_STABLE */
	uint8_t th_res[15];
};

struct fbsd_vdso_timekeep_amd64 {
	uint32_t tk_ver;
	uint32_t tk_enabled;
	uint32_t tk_current;
	struct fbsd_vdso_timehands_amd64 tk_th[];
};

#define FBSD_TH_AMD64 struct fbsd_vdso_timehands_amd64
_Static_assert(offsetof(FBSD_TH_AMD64, th_algo) == 0, "amd64 th_algo");
_Static_assert(offsetof(FBSD_TH_AMD64, th_gen) == 4, "amd64 th_gen");
_Static_assert(offsetof(FBSD_TH_AMD64, th_scale) == 8, "amd64 th_scale");
_Static_assert(
    offsetof(FBSD_TH_AMD64, th_offset_count) == 16, "amd64 th_offset_count");
_Static_assert(
    offsetof(FBSD_TH_AMD64, th_counter_mask) == 20, "amd64 th_counter_mask");
_Static_assert(
    offsetof(FBSD_TH_AMD64, th_offset.sec) == 24, "amd64 th_offset.sec");
_Static_assert(
    offsetof(FBSD_TH_AMD64, th_offset.frac) == 32, "amd64 th_offset.frac");
_Static_assert(
    offsetof(FBSD_TH_AMD64, th_boottime.sec) == 40, "amd64 th_boottime.sec");
_Static_assert(
    offsetof(FBSD_TH_AMD64, th_boottime.frac) == 48, "amd64 th_boottime.frac");
_Static_assert(
    offsetof(FBSD_TH_AMD64, th_x86_shift) == 56, "amd64 th_x86_shift");
_Static_assert(
    offsetof(FBSD_TH_AMD64, th_x86_hpet_idx) == 60, "amd64 th_x86_hpet_idx");
_Static_assert(offsetof(FBSD_TH_AMD64, th_x86_pvc_last_systime) == 64,
    "amd64 th_x86_pvc_last_systime");
_Static_assert(offsetof(FBSD_TH_AMD64, th_x86_pvc_stable_mask) == 72,
    "amd64 th_x86_pvc_stable_mask");
_Static_assert(offsetof(FBSD_TH_AMD64, th_res) == 73, "amd64 th_res");
_Static_assert(sizeof(FBSD_TH_AMD64) == 88, "amd64 sizeof timehands");
_Static_assert(_Alignof(FBSD_TH_AMD64) == 8, "amd64 alignof timehands");
#undef FBSD_TH_AMD64

_Static_assert(
    offsetof(struct fbsd_vdso_timekeep_amd64, tk_ver) == 0, "amd64 tk_ver");
_Static_assert(offsetof(struct fbsd_vdso_timekeep_amd64, tk_enabled) == 4,
    "amd64 tk_enabled");
_Static_assert(offsetof(struct fbsd_vdso_timekeep_amd64, tk_current) == 8,
    "amd64 tk_current");
_Static_assert(
    offsetof(struct fbsd_vdso_timekeep_amd64, tk_th) == 16, "amd64 tk_th");
_Static_assert(
    sizeof(struct fbsd_vdso_timekeep_amd64) == 16, "amd64 sizeof timekeep");

#endif /* TK_ABI_FBSD_VDSO_AMD64_H */
