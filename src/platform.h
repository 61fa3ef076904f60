/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one place that tests OS and architecture macros.  It turns
 * them into capability macros that the rest of the library tests instead:
 *
 *   TK_ARCH_X86_64, TK_ARCH_AARCH64, TK_ARCH_RISCV64   the CPU
 *   TK_OS_LINUX, TK_OS_FREEBSD                         the kernel
 *
 * Which files are compiled for a target is the build's choice: CMake picks
 * src/counter/<arch>/ and src/sys/<os>-<arch>/, and each source module's
 * fragment cmake/src_<module>.cmake compiles its files only where the
 * source can exist and then defines its capability macro for every file:
 *
 *   TK_WITH_FREEBSD   the FreeBSD timekeep page reader (every target: on
 *		       Linux it reads a page mapped from a file)
 *   TK_WITH_TSC       timekeep's own counter timehands (x86-64 Linux)
 *   TK_WITH_VDSO      the Linux vDSO, found and parsed by timekeep
 */
#ifndef TK_PLATFORM_H
#define TK_PLATFORM_H

#if defined(__x86_64__)
#define TK_ARCH_X86_64 1
#elif defined(__aarch64__)
#define TK_ARCH_AARCH64 1
#elif defined(__riscv) && __riscv_xlen == 64
#define TK_ARCH_RISCV64 1
#else
#error "timekeep: unsupported architecture (x86-64, aarch64, riscv64)"
#endif

#if defined(__linux__)
#define TK_OS_LINUX 1
#elif defined(__FreeBSD__)
#define TK_OS_FREEBSD 1
#else
#error "timekeep: unsupported OS (Linux, FreeBSD)"
#endif

#define TK_LIKELY(x) __builtin_expect(!!(x), 1)
#define TK_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define TK_HIDDEN __attribute__((visibility("hidden")))

#endif /* TK_PLATFORM_H */
