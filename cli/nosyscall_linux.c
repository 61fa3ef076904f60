/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The no-time-syscall filter on Linux (see nosyscall.h): a classic BPF
 * program for SECCOMP_SET_MODE_FILTER, after PR_SET_NO_NEW_PRIVS so that
 * no privilege is needed (Linux Documentation/userspace-api/seccomp_filter
 * .rst).  NOSYSCALL_AUDIT_ARCH, the AUDIT_ARCH_* value of <linux/audit.h>
 * for this build's architecture, comes from cli/nosyscall.cmake.
 * gettimeofday and time exist as system calls only on some architectures
 * (x86-64 has both, arm64 only the first, riscv64 neither).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "nosyscall.h"

static const long nrs[] = {
	SYS_clock_gettime,
	SYS_clock_getres,
#ifdef SYS_gettimeofday
	SYS_gettimeofday,
#endif
#ifdef SYS_time
	SYS_time,
#endif
};
#define NNR (sizeof(nrs) / sizeof(nrs[0]))

#ifdef SECCOMP_RET_KILL_PROCESS
#define KILL SECCOMP_RET_KILL_PROCESS /* Linux 4.14: all threads */
#else
#define KILL SECCOMP_RET_KILL
#endif

int
nosyscall_install(void)
{
	struct sock_filter f[4 + NNR + 2];
	struct sock_fprog prog;
	unsigned i, k = 0;

	/* A foreign ABI's numbers mean other calls: kill on any. */
	f[k++] = (struct sock_filter)BPF_STMT(
	    BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[k++] = (struct sock_filter)BPF_JUMP(
	    BPF_JMP | BPF_JEQ | BPF_K, NOSYSCALL_AUDIT_ARCH, 1, 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, KILL);
	f[k++] = (struct sock_filter)BPF_STMT(
	    BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	for (i = 0; i < NNR; i++)
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    (uint32_t)nrs[i], (uint8_t)(NNR - i), 0);
	f[k++] =
	    (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, KILL);
	prog.len = (unsigned short)k;
	prog.filter = f;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -errno;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
		return -errno;
	return 0;
}
