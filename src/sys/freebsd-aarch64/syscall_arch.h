/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Raw FreeBSD arm64 system calls (lib/libc/aarch64/SYS.h).  The number goes
 * in x8, arguments in x0, x1; SVC 0.  On error PSTATE.C is set and x0 holds
 * the positive errno, turned here into -errno.  Numbers from
 * sys/sys/syscall.h.
 */
#ifndef TK_SYSCALL_ARCH_H
#define TK_SYSCALL_ARCH_H

#define TK_SYS_gettimeofday 116
#define TK_SYS_clock_gettime 232
#define TK_SYS_clock_getres 234
#define TK_SYS_getpid 20

static inline long
tk__syscall2(long n, long a, long b)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	long failed;

	__asm__ volatile("svc 0; cset %1, cs"
	                 : "+r"(x0), "=r"(failed)
	                 : "r"(x8), "r"(x1)
	                 : "memory", "cc");
	return failed ? -x0 : x0;
}

#endif /* TK_SYSCALL_ARCH_H */
