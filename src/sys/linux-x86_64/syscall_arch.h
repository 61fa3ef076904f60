/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Raw Linux x86-64 system calls (musl arch/x86_64/syscall_arch.h shape).
 * The number goes in RAX, arguments in RDI, RSI, RDX; SYSCALL clobbers RCX
 * and R11.  The kernel returns -errno in RAX, passed through unchanged.
 * Numbers from arch/x86/entry/syscalls/syscall_64.tbl.
 */
#ifndef TK_SYSCALL_ARCH_H
#define TK_SYSCALL_ARCH_H

#define TK_SYS_gettimeofday 96
#define TK_SYS_clock_gettime 228
#define TK_SYS_clock_getres 229
#define TK_SYS_getpid 39

static inline long
tk__syscall2(long n, long a, long b)
{
	long ret;

	__asm__ volatile("syscall"
	                 : "=a"(ret)
	                 : "a"(n), "D"(a), "S"(b)
	                 : "rcx", "r11", "memory");
	return ret;
}

#endif /* TK_SYSCALL_ARCH_H */
