/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The host's FreeBSD timekeep layout under the generic names the reader and
 * the tests use: struct fbsd_vdso_timekeep, struct fbsd_vdso_timehands and
 * struct fbsd_bintime, with FBSD_HOST_ABI and FBSD_HOST_COUNTER_ALGO (the
 * th_algo of the CPU counter).  They come from fbsd_machine.h, found by
 * its fixed name in this build's src/source/fbsd/<arch>/ (as FreeBSD's
 * sys/sys/vdso.h includes <machine/vdso.h>); the layouts themselves are
 * src/abi/fbsd_vdso_<abi>.h, one per architecture timekeep runs on.
 *
 * Invariant: FBSD_TK_BLOCK_SIZE is what the kernel allocates for the native
 * block (sys/kern/kern_sharedpage.c alloc_sv_tk()): 16 + 4 x 88 = 368
 * bytes on every supported host.
 */
#ifndef TK_ABI_FBSD_VDSO_H
#define TK_ABI_FBSD_VDSO_H

#include "abi/fbsd_vdso_common.h"
#include "fbsd_machine.h"

#define FBSD_TK_BLOCK_SIZE                                                     \
	(sizeof(struct fbsd_vdso_timekeep) +                                   \
	    VDSO_TH_NUM * sizeof(struct fbsd_vdso_timehands))

_Static_assert(FBSD_TK_BLOCK_SIZE == 368, "host timekeep block size");

#endif /* TK_ABI_FBSD_VDSO_H */
