/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The counter per th_algo for the FreeBSD timekeep reader on riscv64, as
 * FreeBSD lib/libc/riscv/sys/__vdso_gettc.c __vdso_gettc() reads it; the
 * contract is in src/source/freebsd.h ("Per architecture").
 *
 *   VDSO_TH_ALGO_RISCV_RDTIME  the time CSR, truncated to 32 bits;
 *   anything else              -ENOSYS: the system call, on every read.
 *
 * libc reads the CSR with a bare rdtime; the ordered read here adds the
 * FENCE of tk__counter_ordered() so that the CSR is not read ahead of the
 * loads of the slot (src/counter/riscv64/counter_arch.h).
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
	        tk__load_relaxed(&th->th_algo) != VDSO_TH_ALGO_RISCV_RDTIME, 0))
		return -ENOSYS;
	cpu->shift = 0;
	cpu->cnt = tk__counter_ordered();
	cpu->ok = 1;
	*tc = (uint32_t)cpu->cnt;
	return 0;
}

#endif /* TK_FBSD_GETTC_H */
