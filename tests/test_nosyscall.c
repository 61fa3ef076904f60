/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * No system call at all on any read path once the hands run (issue 8, and
 * issue 9's fifth item: a sandbox that forbids openat must not kill a
 * reader), proven by the kernel.  A forked child waits until the first
 * hands exist (tk_ticks_info() reports a rate), shrinks the windup
 * interval to 100 us so windups happen by the thousand, and installs a
 * seccomp filter that allows exactly two system calls: exit_group, and
 * write to fd 2 (for its own failure message).  Every other one, the
 * clock's, openat, read, madvise or getpid, raises SIGSYS
 * (SECCOMP_RET_TRAP), whose handler names the call on fd 2 and exits with
 * status 99: the process dies at its first system call, and says which.
 * It then reads every clock entry point 10^6 times (tk_test_scale'd) and
 * for at least 2 s (the old engine re-read the kernel's clocksource from
 * sysfs once a second), checks that each never goes back, that windups
 * happened, and exits with a raw exit_group.
 *
 * A second child under the same filter makes one plain syscall(SYS_getpid)
 * and must die with status 99 naming getpid: the filter bites, so the
 * first child's survival means something.
 *
 * SKIPs with timekeep's reason when the tsc source is not in use.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "faults.h"
#include "timekeep.h"
#include "tk_test.h"

#define NS_PER_SEC INT64_C(1000000000)
#define MIN_RUN_NS (2 * NS_PER_SEC)
#define TRAPPED 99 /* the child's status when a system call was made */

/* What the filtered child did (shared memory). */
struct nosys_out {
	uint64_t rounds; /* of every entry point */
	uint64_t windups;
};

static struct nosys_out *out;

/* Async-signal-safe output on fd 2 (write is allowed by the filter). */
static void
say(const char *s)
{
	ssize_t r = write(2, s, strlen(s));

	(void)r;
}

static void
say_num(long v)
{
	char b[24], *p = b + sizeof(b);

	*--p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	say(p);
}

/*
 * exit_group by the instruction itself: a sanitizer's syscall() interceptor
 * would first tidy up with system calls of its own.
 */
static _Noreturn void
leave(int status)
{
	for (;;)
		__asm__ volatile("syscall"
		                 :
		                 : "a"((long)SYS_exit_group), "D"((long)status)
		                 : "rcx", "r11", "memory");
}

static void
on_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	say("test_nosyscall: system call ");
	say_num((long)si->si_syscall);
	say(" made under the filter\n");
	leave(TRAPPED);
}

/*
 * Allow exit_group, and write(2, ...); trap everything else.  A foreign
 * architecture's call (x32, i386) is killed outright.
 */
static int
no_syscalls(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_exit_group, 4, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_write, 0, 2),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 2, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { (unsigned short)(sizeof(f) / sizeof(f[0])),
		f };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) != 0)
		return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -errno;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
		return -errno;
	return 0;
}

/* Wait (reading) up to 1 s for the first hands: 0, or -1. */
static int
first_hands(void)
{
	struct tk_ticks_info ti = { 0 };
	int64_t end = faults_kernel_ns() + NS_PER_SEC;

	while (faults_kernel_ns() < end) {
		(void)tk_nanotime();
		if (tk_ticks_info(&ti) == 0 && ti.hz != 0)
			return 0;
		faults_sleep_ns(100000);
	}
	return -1;
}

static _Noreturn void
bad(const char *what, int status)
{
	say("test_nosyscall: ");
	say(what);
	say("\n");
	leave(status);
}

/* Every entry point once; each ordered clock checked against the last. */
static void
read_all(int64_t last[4])
{
	struct tk_bintime bt;
	struct timespec ts;
	int64_t sec, v;
	int32_t nsec;
	uint64_t t;

	v = tk_nanotime();
	if (v < last[0])
		bad("tk_nanotime went back", 11);
	last[0] = v;
	v = tk_nanotime_relaxed();
	if (v < last[1])
		bad("tk_nanotime_relaxed went back", 12);
	last[1] = v;
	(void)tk_realtime_ns();
	tk_walltime(&sec, &nsec);
	if (tk_clock_gettime(CLOCK_REALTIME, &ts) != 0)
		bad("tk_clock_gettime(CLOCK_REALTIME) failed", 13);
	if (tk_clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		bad("tk_clock_gettime(CLOCK_MONOTONIC) failed", 13);
	v = (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
	if (v < last[2])
		bad("tk_clock_gettime(CLOCK_MONOTONIC) went back", 14);
	last[2] = v;
	if (tk_binuptime(&bt) != 0 || tk_bintime(&bt) != 0)
		bad("tk_binuptime or tk_bintime failed", 15);
	(void)tk_ticks();
	t = tk_ticks_ordered();
	v = tk_ticks_to_ns(t);
	if (v < last[3])
		bad("tk_ticks_to_ns(tk_ticks_ordered()) went back", 16);
	last[3] = v;
	(void)tk_ticks_to_realtime_ns(t);
}

static int
filtered_reads(uint64_t n)
{
	int64_t last[4] = { 0, 0, 0, 0 }, end;
	uint64_t i, windups;

	if (first_hands() != 0)
		return 2;
	faults_set_interval(100000);
	windups = faults_windups();
	if (no_syscalls() != 0)
		return 3;
	end = faults_kernel_ns() + MIN_RUN_NS;
	for (i = 0; i < n || faults_kernel_ns() < end; i++)
		read_all(last);
	out->rounds = i;
	out->windups = faults_windups() - windups;
	if (out->windups < 100)
		bad("fewer than 100 windups under the filter", 17);
	leave(0);
}

static int
plain_getpid(uint64_t n)
{
	(void)n;
	if (no_syscalls() != 0)
		return 3;
	syscall(SYS_getpid);
	return 0; /* the filter should have stopped us */
}

static void
test_no_system_call(void **state)
{
	int64_t t0 = faults_kernel_ns();
	int st;

	(void)state;
	TK_NEED_SOURCE("tsc");
	if (tk_test_is_sanitized())
		TK_SKIP("a sanitizer's runtime makes system calls of its own "
		        "(sigaltstack under ASan, at once under TSan)");
	out = faults_share(sizeof(*out));
	assert_non_null(out);
	st = tk_test_in_child(filtered_reads, tk_test_scale(1000000));
	print_message("  the reads under the filter: %s %d after %.2f s; "
	              "%" PRIu64 " rounds of the 13 entry points, %" PRIu64
	              " windups\n",
	    WIFSIGNALED(st) ? "signal" : "exit status",
	    WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st),
	    (double)(faults_kernel_ns() - t0) / 1e9, out->rounds, out->windups);
	faults_unshare(out, sizeof(*out));
	if (WIFEXITED(st) && WEXITSTATUS(st) == TRAPPED)
		fail_msg("a system call on the read path (named above)");
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);

	print_message("  a plain getpid under the same filter (must trap):\n");
	st = tk_test_in_child(plain_getpid, 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), TRAPPED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_system_call),
	};

	return TK_TEST_RUN(tests, NULL, NULL);
}
