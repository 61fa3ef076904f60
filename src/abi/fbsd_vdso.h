/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The host's FreeBSD timekeep layout under the generic names the reader and
 * the tests use: struct fbsd_vdso_timekeep, struct fbsd_vdso_timehands and
 * struct fbsd_bintime are the amd64, arm64 or riscv64 structs of
 * src/abi/fbsd_vdso_<arch>.h.  This is the one header of the module that
 * selects by architecture (on platform.h's TK_ARCH_*, STYLE 4); the names
 * are macros because the per-arch tags must stay distinct for
 * tests/test_abi.c, which includes all six layouts in one file.
 *
 * Also here, per architecture, the two facts of the layout's
 * machine-dependent tail that generic code needs: which th_algo names the
 * CPU counter (tk__counter_*() in src/counter/), and how the kernel's fill
 * method for that counter writes the tail (x86 tsc.c
 * x86_tsc_vdso_timehands, arm generic_timer.c, riscv timer.c), so that the
 * test emulator writes pages exactly as the kernel does.
 *
 * Invariant: FBSD_TK_BLOCK_SIZE is what the kernel allocates for the native
 * block (kern_sharedpage.c alloc_sv_tk): 16 + 4 x 88 = 368 bytes on every
 * supported host.
 */
#ifndef TK_ABI_FBSD_VDSO_H
#define TK_ABI_FBSD_VDSO_H

#include <string.h>

#include "platform.h"

#if defined(TK_ARCH_X86_64)
#include "abi/fbsd_vdso_amd64.h"
#define fbsd_bintime fbsd_bintime_amd64
#define fbsd_vdso_timehands fbsd_vdso_timehands_amd64
#define fbsd_vdso_timekeep fbsd_vdso_timekeep_amd64
#define FBSD_HOST_ABI "amd64"
#define FBSD_HOST_COUNTER_ALGO VDSO_TH_ALGO_X86_TSC
#define FBSD_HOST_HAS_SHIFT 1

/* x86 tsc.c x86_tsc_vdso_timehands: TSC-low shift, no HPET, no pvclock. */
static inline void
fbsd_host_fill_counter_md(struct fbsd_vdso_timehands *th, uint32_t shift)
{
	th->th_x86_shift = shift;
	th->th_x86_hpet_idx = 0xffffffffu;
	th->th_x86_pvc_last_systime = 0;
	th->th_x86_pvc_stable_mask = 0;
	memset(th->th_res, 0, sizeof(th->th_res));
}
#elif defined(TK_ARCH_AARCH64)
#include "abi/fbsd_vdso_arm64.h"
#define fbsd_bintime fbsd_bintime_arm64
#define fbsd_vdso_timehands fbsd_vdso_timehands_arm64
#define fbsd_vdso_timekeep fbsd_vdso_timekeep_arm64
#define FBSD_HOST_ABI "arm64"
#define FBSD_HOST_COUNTER_ALGO VDSO_TH_ALGO_ARM_GENTIM
#define FBSD_HOST_HAS_SHIFT 0

/* generic_timer.c: the virtual counter (physical_user false by default). */
static inline void
fbsd_host_fill_counter_md(struct fbsd_vdso_timehands *th, uint32_t shift)
{
	(void)shift;
	th->th_physical = 0;
	memset(th->th_res, 0, sizeof(th->th_res));
}
#elif defined(TK_ARCH_RISCV64)
#include "abi/fbsd_vdso_riscv64.h"
#define fbsd_bintime fbsd_bintime_riscv64
#define fbsd_vdso_timehands fbsd_vdso_timehands_riscv64
#define fbsd_vdso_timekeep fbsd_vdso_timekeep_riscv64
#define FBSD_HOST_ABI "riscv64"
#define FBSD_HOST_COUNTER_ALGO VDSO_TH_ALGO_RISCV_RDTIME
#define FBSD_HOST_HAS_SHIFT 0

/* riscv timer.c: th_res zeroed, nothing else. */
static inline void
fbsd_host_fill_counter_md(struct fbsd_vdso_timehands *th, uint32_t shift)
{
	(void)shift;
	memset(th->th_res, 0, sizeof(th->th_res));
}
#endif

#define FBSD_TK_BLOCK_SIZE                                                     \
	(sizeof(struct fbsd_vdso_timekeep) +                                   \
	    VDSO_TH_NUM * sizeof(struct fbsd_vdso_timehands))

_Static_assert(FBSD_TK_BLOCK_SIZE == 368, "host timekeep block size");

#endif /* TK_ABI_FBSD_VDSO_H */
