/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The FreeBSD timekeep page as an amd64 process sees it: the generic names
 * struct fbsd_vdso_timekeep, struct fbsd_vdso_timehands and struct
 * fbsd_bintime stand for the amd64 layout of src/abi/fbsd_vdso_amd64.h
 * (sys/amd64/include/vdso.h includes sys/x86/include/vdso.h).  Reached by
 * its fixed name through the include path (cmake/src_freebsd.cmake adds
 * this directory), as sys/sys/vdso.h reaches <machine/vdso.h>; the per-arch
 * tags stay distinct so that tests/test_abi.c can check every layout in one
 * file.
 */
#ifndef TK_FBSD_MACHINE_H
#define TK_FBSD_MACHINE_H

#include "abi/fbsd_vdso_amd64.h"

#define fbsd_bintime fbsd_bintime_amd64
#define fbsd_vdso_timehands fbsd_vdso_timehands_amd64
#define fbsd_vdso_timekeep fbsd_vdso_timekeep_amd64
#define FBSD_HOST_ABI "amd64"
/* The th_algo of the CPU counter (sys/x86/include/vdso.h). */
#define FBSD_HOST_COUNTER_ALGO VDSO_TH_ALGO_X86_TSC

#endif /* TK_FBSD_MACHINE_H */
