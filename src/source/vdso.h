/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the vDSO source offers the rest of the library (src/source/
 * vdso_linux.c).  The own tsc source samples the kernel clock through it
 * when it calibrates and winds up, so that sampling makes no system call
 * where the kernel's vDSO does not.
 *
 *   tk__vdso_gettime(id, ts)
 *	The kernel vDSO's clock_gettime, found by timekeep's own ELF lookup:
 *	its 0 or -errno result; -ENOSYS when this process has no usable vDSO
 *	clock_gettime.  Safe to call before the source choice is made (it
 *	finds the vDSO on first use, idempotently) and from any thread.
 */
#ifndef TK_SOURCE_VDSO_H
#define TK_SOURCE_VDSO_H

#include <time.h>

int tk__vdso_gettime(clockid_t id, struct timespec *ts);

#endif /* TK_SOURCE_VDSO_H */
