/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The FreeBSD timekeep reader for riscv64: the counter per th_algo, as
 * FreeBSD lib/libc/riscv/sys/__vdso_gettc.c __vdso_gettc() reads it, and
 * the generation-loop reader of src/source/fbsd_reader.h built around it.
 *
 *   VDSO_TH_ALGO_RISCV_RDTIME  the time CSR, truncated to 32 bits;
 *   anything else              -ENOSYS: the system call, on every read.
 *
 * libc reads the CSR with a bare rdtime; the ordered read here adds the
 * FENCE R,R of tk__counter_ordered() so the CSR is not read ahead of the
 * loads of the slot (src/counter/riscv64/counter_arch.h).
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
	        tk__load_relaxed(&th->th_algo) != VDSO_TH_ALGO_RISCV_RDTIME, 0))
		return -ENOSYS;
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
	return "time CSR (fence r,r; rdtime)";
}
