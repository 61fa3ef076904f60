/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The FreeBSD i386 timekeep page: sys/sys/vdso.h with the x86 tail of
 * sys/x86/include/vdso.h, as an i386 process (or the kernel's compat32
 * block for one, tc_fill_vdso_timehands32) lays it out.  i386 is the only
 * FreeBSD target with a 32-bit time_t (the comment in sys/sys/vdso.h), and
 * its ABI aligns uint64_t members to 4, so struct bintime is 12 bytes.
 *
 * Invariants, checked below: a slot is 80 bytes, the header is
 * 12 bytes with the slots right after it, no padding anywhere.  Go's
 * defs_freebsd_386.go agrees (vdsoTimehandsSize 0x50, vdsoTimekeepSize 0xc).
 * timekeep does not run on i386: only tests/test_abi.c uses this layout,
 * so that every FreeBSD layout is checked.
 */
#ifndef TK_ABI_FBSD_VDSO_I386_H
#define TK_ABI_FBSD_VDSO_I386_H

#include "abi/fbsd_vdso_common.h"

struct fbsd_bintime_i386 {
	int32_t sec; /* time_t: 32-bit on i386 only */
	fbsd_u64_al4 frac;
};

struct fbsd_vdso_timehands_i386 {
	uint32_t th_algo;
	uint32_t th_gen;
	fbsd_u64_al4 th_scale;
	uint32_t th_offset_count;
	uint32_t th_counter_mask;
	struct fbsd_bintime_i386 th_offset;
	struct fbsd_bintime_i386 th_boottime;
	/* VDSO_TIMEHANDS_MD, sys/x86/include/vdso.h */
	uint32_t th_x86_shift;
	uint32_t th_x86_hpet_idx;
	fbsd_u64_al4 th_x86_pvc_last_systime;
	uint8_t th_x86_pvc_stable_mask;
	uint8_t th_res[15];
};

struct fbsd_vdso_timekeep_i386 {
	uint32_t tk_ver;
	uint32_t tk_enabled;
	uint32_t tk_current;
	struct fbsd_vdso_timehands_i386 tk_th[];
};

#define FBSD_TH_I386 struct fbsd_vdso_timehands_i386
_Static_assert(sizeof(struct fbsd_bintime_i386) == 12, "i386 bintime");
_Static_assert(offsetof(FBSD_TH_I386, th_algo) == 0, "i386 th_algo");
_Static_assert(offsetof(FBSD_TH_I386, th_gen) == 4, "i386 th_gen");
_Static_assert(offsetof(FBSD_TH_I386, th_scale) == 8, "i386 th_scale");
_Static_assert(
    offsetof(FBSD_TH_I386, th_offset_count) == 16, "i386 th_offset_count");
_Static_assert(
    offsetof(FBSD_TH_I386, th_counter_mask) == 20, "i386 th_counter_mask");
_Static_assert(
    offsetof(FBSD_TH_I386, th_offset.sec) == 24, "i386 th_offset.sec");
_Static_assert(
    offsetof(FBSD_TH_I386, th_offset.frac) == 28, "i386 th_offset.frac");
_Static_assert(
    offsetof(FBSD_TH_I386, th_boottime.sec) == 36, "i386 th_boottime.sec");
_Static_assert(
    offsetof(FBSD_TH_I386, th_boottime.frac) == 40, "i386 th_boottime.frac");
_Static_assert(offsetof(FBSD_TH_I386, th_x86_shift) == 48, "i386 th_x86_shift");
_Static_assert(
    offsetof(FBSD_TH_I386, th_x86_hpet_idx) == 52, "i386 th_x86_hpet_idx");
_Static_assert(offsetof(FBSD_TH_I386, th_x86_pvc_last_systime) == 56,
    "i386 th_x86_pvc_last_systime");
_Static_assert(offsetof(FBSD_TH_I386, th_x86_pvc_stable_mask) == 64,
    "i386 th_x86_pvc_stable_mask");
_Static_assert(offsetof(FBSD_TH_I386, th_res) == 65, "i386 th_res");
_Static_assert(sizeof(FBSD_TH_I386) == 80, "i386 sizeof timehands");
_Static_assert(_Alignof(FBSD_TH_I386) == 4, "i386 alignof timehands");
#undef FBSD_TH_I386

_Static_assert(
    offsetof(struct fbsd_vdso_timekeep_i386, tk_ver) == 0, "i386 tk_ver");
_Static_assert(offsetof(struct fbsd_vdso_timekeep_i386, tk_enabled) == 4,
    "i386 tk_enabled");
_Static_assert(offsetof(struct fbsd_vdso_timekeep_i386, tk_current) == 8,
    "i386 tk_current");
_Static_assert(
    offsetof(struct fbsd_vdso_timekeep_i386, tk_th) == 12, "i386 tk_th");
_Static_assert(
    sizeof(struct fbsd_vdso_timekeep_i386) == 12, "i386 sizeof timekeep");

#endif /* TK_ABI_FBSD_VDSO_I386_H */
