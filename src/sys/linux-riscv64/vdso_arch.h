/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The riscv64 Linux vDSO's names, from the kernel's VERSION block in
 * arch/riscv/kernel/vdso/vdso.lds.S (also Go src/runtime/
 * vdso_linux_riscv64.go).  The contract is in
 * src/sys/linux-x86_64/vdso_arch.h.  __vdso_clock_gettime exists only in
 * kernels built with HAS_VGETTIMEOFDAY; without it the source declines.
 * Since riscv commit 2940954c1ac5 ("riscv: vDSO: Remove --hash-style=both")
 * the image may have DT_GNU_HASH only.
 */
#ifndef TK_VDSO_ARCH_H
#define TK_VDSO_ARCH_H

#define TK_VDSO_VERSION "LINUX_4.15"
#define TK_VDSO_CLOCK_GETTIME "__vdso_clock_gettime"
#define TK_VDSO_SYMBOL_NAMES                                                   \
	TK_VDSO_CLOCK_GETTIME, "__vdso_gettimeofday", "__vdso_clock_getres"
#define TK_VDSO_ELF_MACHINE 243 /* EM_RISCV */

#endif /* TK_VDSO_ARCH_H */
