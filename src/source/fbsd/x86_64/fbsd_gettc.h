/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The counter per th_algo for the FreeBSD timekeep reader on x86-64, as
 * FreeBSD lib/libc/x86/sys/__vdso_gettc.c __vdso_gettc() reads it; the
 * contract is in src/source/freebsd.h ("Per architecture").
 *
 *   VDSO_TH_ALGO_X86_TSC    the TSC, ordered as libc's ifunc selector
 *			     orders it (tk__counter_ordered(): RDTSCP, else
 *			     LFENCE or MFENCE by vendor), shifted right by
 *			     th_x86_shift ("TSC-low") and truncated to 32 bits;
 *   HPET, HVTSC, PVCLK      src/source/fbsd_x86_dev.c;
 *   anything else           -ENOSYS: the system call, on every read.
 *
 * libc shifts EDX:EAX with SHRD, which takes the count modulo 32; the
 * kernel never sets more than 31, and the mask keeps a hostile page's
 * shift defined.
 */
#ifndef TK_FBSD_GETTC_H
#define TK_FBSD_GETTC_H

#include <errno.h>

#include "atomic.h"
#include "counter.h"
#include "source/fbsd_x86_dev.h"
#include "source/freebsd.h"

static inline void
fbsd_arch_init(void)
{
	tk__x86_order_init();
}

static inline int
fbsd_gettc(
    const struct fbsd_vdso_timehands *th, uint32_t *tc, struct fbsd_cpu *cpu)
{
	uint32_t algo = tk__load_relaxed(&th->th_algo);
	uint32_t v = 0;
	int err;

	cpu->ok = 0;
	if (__builtin_expect(algo != VDSO_TH_ALGO_X86_TSC, 0)) {
		/* Through a local: tc itself must not escape. */
		err = tk__fbsd_x86_dev_gettc(th, algo, &v);
		*tc = v;
		return err;
	}
	cpu->shift = tk__load_relaxed(&th->th_x86_shift) & 31;
	cpu->cnt = tk__counter_ordered();
	cpu->ok = 1;
	*tc = (uint32_t)(cpu->cnt >> cpu->shift);
	return 0;
}

#endif /* TK_FBSD_GETTC_H */
