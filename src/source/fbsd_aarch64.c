/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The FreeBSD timekeep reader for arm64: the counter per th_algo, as
 * FreeBSD lib/libc/aarch64/sys/__vdso_gettc.c __vdso_gettc() reads it, and
 * the generation-loop reader of src/source/fbsd_reader.h built around it.
 *
 *   VDSO_TH_ALGO_ARM_GENTIM  ISB, then CNTVCT_EL0, or CNTPCT_EL0 when the
 *			      kernel set th_physical; truncated to 32 bits;
 *   anything else            -ENOSYS: the system call, on every read.
 *
 * The ISB is what Go's reader lacks (FACTS 7.2, freebsd-src #2423): without
 * it the counter may be read ahead of the loads of the slot.  The relaxed
 * read of the virtual counter omits it on purpose; the physical counter is
 * only read ordered (the kernel sets th_physical rarely, at EL2 with
 * hw.userspace_allow_phys_counter).
 */
#include <errno.h>

#include "atomic.h"
#include "counter.h"
#include "source/freebsd.h"

static inline __attribute__((always_inline)) int
fbsd_gettc(
    const struct fbsd_vdso_timehands *th, uint64_t cnt, int dev, uint32_t *tc)
{
	(void)dev; /* no device counters: nothing to defer */
	if (__builtin_expect(
	        tk__load_relaxed(&th->th_algo) != VDSO_TH_ALGO_ARM_GENTIM, 0))
		return -ENOSYS;
	/* CNTPCT is read here, after th_gen, with its own ISB. */
	if (__builtin_expect(tk__load_relaxed(&th->th_physical) != 0, 0))
		cnt = tk__counter_physical();
	*tc = (uint32_t)cnt;
	return 0;
}

#include "source/fbsd_reader.h"

void
tk__fbsd_arch_init(void)
{
}

const char *
tk__fbsd_counter_name(void)
{
	return "CNTVCT_EL0 (isb; mrs)";
}
