/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The aarch64 Linux vDSO's names, from the kernel's VERSION block in
 * arch/arm64/kernel/vdso/vdso.lds.S (also musl arch/aarch64/syscall_arch.h
 * and Go src/runtime/vdso_linux_arm64.go).  The contract is in
 * src/sys/linux-x86_64/vdso_arch.h.  Since Linux 6.11 (commit
 * 48f6430505c0, "arm64/vdso: Remove --hash-style=sysv") this image may
 * have DT_GNU_HASH only, which src/elf/vdso_elf.c handles.
 */
#ifndef TK_VDSO_ARCH_H
#define TK_VDSO_ARCH_H

#define TK_VDSO_VERSION "LINUX_2.6.39"
#define TK_VDSO_CLOCK_GETTIME "__kernel_clock_gettime"
#define TK_VDSO_SYMBOL_NAMES                                                   \
	TK_VDSO_CLOCK_GETTIME, "__kernel_gettimeofday", "__kernel_clock_getres"
#define TK_VDSO_ELF_MACHINE 183 /* EM_AARCH64 */

#endif /* TK_VDSO_ARCH_H */
