/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A seccomp filter that makes any time system call fatal: the proof,
 * given by the kernel, that a clock read makes none.  Used by timekeep
 * check ("no syscall") and by the tests.
 *
 *   if (fork() == 0) {
 *	   if (nosyscall_install() != 0)
 *		   _exit(SKIP);
 *	   ... read the clocks: a time system call kills the child ...
 *   }
 *
 * CMake chooses nosyscall_linux.c where the architecture's seccomp audit
 * value is known (cli/nosyscall.cmake), nosyscall_none.c elsewhere.
 */
#ifndef CLI_NOSYSCALL_H
#define CLI_NOSYSCALL_H

/* The system calls the filter kills on, for messages. */
#define NOSYSCALL_NAMES "clock_gettime, gettimeofday, clock_getres and time"

/*
 * From now on, kill this process on clock_gettime, clock_getres,
 * gettimeofday and time, and on any system call of another ABI (a 32-bit
 * one through int 0x80, say); allow every other call.  It cannot be
 * undone: call it in a forked child.  0, or a negative errno (-ENOSYS: no
 * filter on this platform).
 */
int nosyscall_install(void);

#endif /* CLI_NOSYSCALL_H */
