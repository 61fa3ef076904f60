/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Raw FreeBSD amd64 system calls (lib/libc/amd64/SYS.h).  The number goes in
 * RAX, arguments in RDI, RSI; SYSCALL clobbers RCX and R11.  On error the
 * carry flag is set and RAX holds the positive errno, turned here into the
 * -errno the rest of timekeep expects.  Numbers from sys/sys/syscall.h.
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
	long ret;
	unsigned char failed;

	__asm__ volatile("syscall; setc %1"
	                 : "=a"(ret), "=r"(failed)
	                 : "a"(n), "D"(a), "S"(b)
	                 : "rcx", "r11", "rdx", "memory", "cc");
	return failed ? -ret : ret;
}

#endif /* TK_SYSCALL_ARCH_H */
