/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The FreeBSD timekeep page as an arm64 process sees it: the generic names
 * struct fbsd_vdso_timekeep, struct fbsd_vdso_timehands and struct
 * fbsd_bintime stand for the arm64 layout of src/abi/fbsd_vdso_arm64.h
 * (sys/arm64/include/vdso.h).  Reached by its fixed name through the
 * include path (cmake/src_freebsd.cmake adds this directory), as
 * sys/sys/vdso.h reaches <machine/vdso.h>.
 */
#ifndef TK_FBSD_MACHINE_H
#define TK_FBSD_MACHINE_H

#include "abi/fbsd_vdso_arm64.h"

#define fbsd_bintime fbsd_bintime_arm64
#define fbsd_vdso_timehands fbsd_vdso_timehands_arm64
#define fbsd_vdso_timekeep fbsd_vdso_timekeep_arm64
#define FBSD_HOST_ABI "arm64"
/* The th_algo of the generic timer (sys/arm64/include/vdso.h). */
#define FBSD_HOST_COUNTER_ALGO VDSO_TH_ALGO_ARM_GENTIM

#endif /* TK_FBSD_MACHINE_H */
