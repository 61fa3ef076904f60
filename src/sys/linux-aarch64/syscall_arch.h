/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Raw Linux aarch64 system calls (musl arch/aarch64/syscall_arch.h shape).
 * The number goes in x8, arguments in x0, x1; SVC 0 returns -errno in x0.
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
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;

	__asm__ volatile("svc 0"
	                 : "+r"(x0)
	                 : "r"(x8), "r"(x1)
	                 : "memory", "cc");
	return x0;
}

#endif /* TK_SYSCALL_ARCH_H */
