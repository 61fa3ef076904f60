/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The counter per th_algo for the FreeBSD timekeep reader on arm64, as
 * FreeBSD lib/libc/aarch64/sys/__vdso_gettc.c __vdso_gettc() reads it; the
 * contract is in src/source/freebsd.h ("Per architecture").
 *
 *   VDSO_TH_ALGO_ARM_GENTIM  ISB, then CNTVCT_EL0, or CNTPCT_EL0 when the
 *			      kernel set th_physical; truncated to 32 bits;
 *   anything else            -ENOSYS: the system call, on every read.
 *
 * The ISB is what Go's runtime/vdso_freebsd_arm64.go reader lacks (see
 * freebsd-src pull request 2423 on CNTPCT_EL0 under speculation): without
 * it the counter may be read ahead of the loads of the slot.  Only the
 * virtual counter is the one the fast tier reads (tk__counter_ordered());
 * the kernel sets th_physical rarely, at EL2 with
 * hw.userspace_allow_phys_counter, and such a page is read here only.
 */
#ifndef TK_FBSD_GETTC_H
#define TK_FBSD_GETTC_H

#include <errno.h>

#include "atomic.h"
#include "counter.h"
#include "source/freebsd.h"

static inline void
fbsd_arch_init(void)
{
}

static inline int
fbsd_gettc(
    const struct fbsd_vdso_timehands *th, uint32_t *tc, struct fbsd_cpu *cpu)
{
	cpu->ok = 0;
	if (__builtin_expect(
	        tk__load_relaxed(&th->th_algo) != VDSO_TH_ALGO_ARM_GENTIM, 0))
		return -ENOSYS;
	if (__builtin_expect(tk__load_relaxed(&th->th_physical) != 0, 0)) {
		*tc = (uint32_t)tk__counter_physical();
		return 0;
	}
	cpu->shift = 0;
	cpu->cnt = tk__counter_ordered();
	cpu->ok = 1;
	*tc = (uint32_t)cpu->cnt;
	return 0;
}

#endif /* TK_FBSD_GETTC_H */
