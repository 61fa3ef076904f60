/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The raw system calls timekeep falls back to, with no libc (musl
 * src/time/clock_gettime.c shape).  Each returns the kernel's 0 or -errno
 * unchanged; only src/choose.c decides what a caller sees.
 * src/sys/<os>-<arch>/syscall_arch.h provides tk__syscall2 and the numbers.
 */
#ifndef TK_SYSCALL_H
#define TK_SYSCALL_H

#include <sys/time.h>
#include <time.h>

#include "syscall_arch.h"

static inline int
tk__sys_clock_gettime(clockid_t id, struct timespec *ts)
{
	return (int)tk__syscall2(TK_SYS_clock_gettime, (long)id, (long)ts);
}

static inline int
tk__sys_clock_getres(clockid_t id, struct timespec *ts)
{
	return (int)tk__syscall2(TK_SYS_clock_getres, (long)id, (long)ts);
}

/* Only ever used for CLOCK_REALTIME, and only where the call exists. */
static inline int
tk__sys_gettimeofday(struct timeval *tv)
{
	return (int)tk__syscall2(TK_SYS_gettimeofday, (long)tv, 0);
}

#endif /* TK_SYSCALL_H */
