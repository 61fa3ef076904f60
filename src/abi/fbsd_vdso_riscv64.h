/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The FreeBSD riscv64 timekeep page: sys/sys/vdso.h with the tail of
 * sys/riscv/include/vdso.h, eight reserved words (Go declares th_physical
 * and th_res[7] instead: the same 32 bytes).  The counter is the time CSR
 * (VDSO_TH_ALGO_RISCV_RDTIME), which needs no parameter.
 *
 * Invariants, checked below at compile time: the base struct
 * is the one of every 8-aligned FreeBSD target with a 64-bit time_t; a slot
 * is 88 bytes with no padding, the header is 16 bytes (4 of them padding
 * so the slots are 8-aligned), slots start at 16, and the kernel's block is
 * 16 + 4 x 88 = 368 bytes.
 */
#ifndef TK_ABI_FBSD_VDSO_RISCV64_H
#define TK_ABI_FBSD_VDSO_RISCV64_H

#include "abi/fbsd_vdso_common.h"

struct fbsd_bintime_riscv64 {
	fbsd_i64_al8 sec; /* time_t: 64-bit */
	fbsd_u64_al8 frac;
};

struct fbsd_vdso_timehands_riscv64 {
	uint32_t th_algo;
	uint32_t th_gen;
	fbsd_u64_al8 th_scale;
	uint32_t th_offset_count;
	uint32_t th_counter_mask;
	struct fbsd_bintime_riscv64 th_offset;
	struct fbsd_bintime_riscv64 th_boottime;
	/* VDSO_TIMEHANDS_MD */
	uint32_t th_res[8];
};

struct fbsd_vdso_timekeep_riscv64 {
	uint32_t tk_ver;
	uint32_t tk_enabled;
	uint32_t tk_current;
	struct fbsd_vdso_timehands_riscv64 tk_th[];
};

#define FBSD_TH_RISCV64 struct fbsd_vdso_timehands_riscv64
_Static_assert(offsetof(FBSD_TH_RISCV64, th_algo) == 0, "riscv64 th_algo");
_Static_assert(offsetof(FBSD_TH_RISCV64, th_gen) == 4, "riscv64 th_gen");
_Static_assert(offsetof(FBSD_TH_RISCV64, th_scale) == 8, "riscv64 th_scale");
_Static_assert(offsetof(FBSD_TH_RISCV64, th_offset_count) == 16,
    "riscv64 th_offset_count");
_Static_assert(offsetof(FBSD_TH_RISCV64, th_counter_mask) == 20,
    "riscv64 th_counter_mask");
_Static_assert(
    offsetof(FBSD_TH_RISCV64, th_offset.sec) == 24, "riscv64 th_offset.sec");
_Static_assert(
    offsetof(FBSD_TH_RISCV64, th_offset.frac) == 32, "riscv64 th_offset.frac");
_Static_assert(offsetof(FBSD_TH_RISCV64, th_boottime.sec) == 40,
    "riscv64 th_boottime.sec");
_Static_assert(offsetof(FBSD_TH_RISCV64, th_boottime.frac) == 48,
    "riscv64 th_boottime.frac");
_Static_assert(offsetof(FBSD_TH_RISCV64, th_res) == 56, "riscv64 th_res");
_Static_assert(sizeof(FBSD_TH_RISCV64) == 88, "riscv64 sizeof timehands");
_Static_assert(_Alignof(FBSD_TH_RISCV64) == 8, "riscv64 alignof timehands");
#undef FBSD_TH_RISCV64

_Static_assert(
    offsetof(struct fbsd_vdso_timekeep_riscv64, tk_ver) == 0, "riscv64 tk_ver");
_Static_assert(offsetof(struct fbsd_vdso_timekeep_riscv64, tk_enabled) == 4,
    "riscv64 tk_enabled");
_Static_assert(offsetof(struct fbsd_vdso_timekeep_riscv64, tk_current) == 8,
    "riscv64 tk_current");
_Static_assert(
    offsetof(struct fbsd_vdso_timekeep_riscv64, tk_th) == 16, "riscv64 tk_th");
_Static_assert(
    sizeof(struct fbsd_vdso_timekeep_riscv64) == 16, "riscv64 sizeof timekeep");

#endif /* TK_ABI_FBSD_VDSO_RISCV64_H */
