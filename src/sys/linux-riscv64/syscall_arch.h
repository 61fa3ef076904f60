/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Raw Linux riscv64 system calls (musl arch/riscv64/syscall_arch.h shape).
 * The number goes in a7, arguments in a0, a1; ECALL returns -errno in a0.
 * Numbers from include/uapi/asm-generic/unistd.h.
 */
#ifndef TK_SYSCALL_ARCH_H
#define TK_SYSCALL_ARCH_H

#define TK_SYS_gettimeofday 169
#define TK_SYS_clock_gettime 113
#define TK_SYS_clock_getres 114
#define TK_SYS_getpid 172

static inline long
tk__syscall2(long n, long a, long b)
{
	register long a7 __asm__("a7") = n;
	register long a0 __asm__("a0") = a;
	register long a1 __asm__("a1") = b;

	__asm__ volatile("ecall" : "+r"(a0) : "r"(a7), "r"(a1) : "memory");
	return a0;
}

#endif /* TK_SYSCALL_ARCH_H */
