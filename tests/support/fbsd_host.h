/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * How the FreeBSD kernel fills the machine-dependent tail of a timekeep
 * slot for this host's CPU counter, for the tests and the emulator that
 * write pages as the kernel does (tests/support/fbsd_emu.c): the fill
 * method of the counter (sys/x86/x86/tsc.c x86_tsc_vdso_timehands(),
 * sys/arm/arm/generic_timer.c, sys/riscv/riscv/timer.c).  Test code only:
 * the library reads pages, it never writes them.
 *
 *   FBSD_HOST_HAS_SHIFT            1 where the layout has th_x86_shift;
 *   fbsd_host_fill_counter_md(th, shift)   the tail as the kernel sets it.
 */
#ifndef TK_TEST_FBSD_HOST_H
#define TK_TEST_FBSD_HOST_H

#include <string.h>

#include "abi/fbsd_vdso.h"
#include "platform.h"

#if defined(TK_ARCH_X86_64)
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
#define FBSD_HOST_HAS_SHIFT 0

/* riscv timer.c: th_res zeroed, nothing else. */
static inline void
fbsd_host_fill_counter_md(struct fbsd_vdso_timehands *th, uint32_t shift)
{
	(void)shift;
	memset(th->th_res, 0, sizeof(th->th_res));
}
#endif

#endif /* TK_TEST_FBSD_HOST_H */
