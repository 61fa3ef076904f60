/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The x86-64 Linux vDSO's names, from the kernel's VERSION block in
 * arch/x86/entry/vdso/vdso.lds.S (also musl arch/x86_64/syscall_arch.h
 * VDSO_CGT_SYM/VDSO_CGT_VER and the selftests' vdso_config.h).  Each
 * src/sys/linux-<arch>/vdso_arch.h provides, for src/source/vdso_linux.c:
 *
 *   TK_VDSO_VERSION        the version every time symbol is defined in
 *   TK_VDSO_CLOCK_GETTIME  the clock_gettime symbol, the one the source
 *                          calls; it is also the first of
 *   TK_VDSO_SYMBOL_NAMES   every time symbol tk_vdso_symbols() reports
 *   TK_VDSO_ELF_MACHINE    the image's e_machine (include/uapi/linux/
 *                          elf-em.h), so a foreign image is refused
 *
 * The unprefixed weak aliases (clock_gettime, ...) are not looked up:
 * the __vdso_ names are the ABI every libc uses.
 */
#ifndef TK_VDSO_ARCH_H
#define TK_VDSO_ARCH_H

#define TK_VDSO_VERSION "LINUX_2.6"
#define TK_VDSO_CLOCK_GETTIME "__vdso_clock_gettime"
#define TK_VDSO_SYMBOL_NAMES                                                   \
	TK_VDSO_CLOCK_GETTIME, "__vdso_gettimeofday", "__vdso_time",           \
	    "__vdso_clock_getres"
#define TK_VDSO_ELF_MACHINE 62 /* EM_X86_64 */

#endif /* TK_VDSO_ARCH_H */
