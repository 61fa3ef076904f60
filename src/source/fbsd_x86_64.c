/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The FreeBSD timekeep reader for x86-64: the counter per th_algo, as
 * FreeBSD lib/libc/x86/sys/__vdso_gettc.c __vdso_gettc() reads it, and the
 * generation-loop reader of src/source/fbsd_reader.h built around it.
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
#include <errno.h>

#include "atomic.h"
#include "counter.h"
#include "source/fbsd_x86_dev.h"
#include "source/freebsd.h"

static inline __attribute__((always_inline)) int
fbsd_gettc(
    const struct fbsd_vdso_timehands *th, uint64_t cnt, int dev, uint32_t *tc)
{
	uint32_t algo = tk__load_relaxed(&th->th_algo);
	uint32_t v;
	int err;

	if (__builtin_expect(algo != VDSO_TH_ALGO_X86_TSC, 0)) {
		if (algo - VDSO_TH_ALGO_X86_HPET >
		    VDSO_TH_ALGO_X86_PVCLK - VDSO_TH_ALGO_X86_HPET)
			return -ENOSYS; /* no x86 counter has this number */
		if (!dev)
			return FBSD_SLOW; /* devices: not on the first pass */
		/* Through a local: tc itself must not escape. */
		err = tk__fbsd_x86_dev_gettc(th, algo, &v);
		*tc = v;
		return err;
	}
	*tc = (uint32_t)(cnt >> (tk__load_relaxed(&th->th_x86_shift) & 31));
	return 0;
}

#include "source/fbsd_reader.h"

void
tk__fbsd_arch_init(void)
{
	tk__x86_order_init();
}

const char *
tk__fbsd_counter_name(void)
{
	/* Relaxed: an idempotent cached probe result (STYLE 42). */
	switch (tk__load_relaxed(&tk__x86_order)) {
	case TK_X86_ORDER_RDTSCP:
		return "TSC (rdtscp)";
	case TK_X86_ORDER_LFENCE:
		return "TSC (lfence; rdtsc)";
	case TK_X86_ORDER_MFENCE:
		return "TSC (mfence; rdtsc)";
	case TK_X86_ORDER_NONE:
		return "TSC (rdtsc)";
	default:
		return "TSC (mfence; lfence; rdtsc)";
	}
}
