/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Steering a winder with ptrace (faults_trace.h): PTRACE_SEIZE, the debug
 * registers as per-thread execution breakpoints, PTRACE_SINGLESTEP for the
 * reference traces.  Linux x86-64 only: the debug registers and struct
 * user are x86's, and ptrace is Linux's.  The test support directory is
 * compiled on every platform, so the body is behind the capability macros
 * of src/platform.h; tests/faults.cmake builds the tests that use it only
 * on Linux x86-64.
 */
#include "platform.h"

#if defined(TK_OS_LINUX) && defined(TK_ARCH_X86_64)
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "faults_trace.h"
#include "timekeep.h"

#define NS_PER_MS 1000000LL
#define WAIT_NS (2000 * NS_PER_MS) /* a windup begins well within this */
/*
 * Instructions single-stepped per windup while tracing: a step costs
 * ~90 us (PTRACE_SINGLESTEP and waitpid on the 2-vCPU KVM guest this was
 * written on, Linux 6.18), and the windup must not notice: its branches on
 * elapsed time compare against TK_HANDS_GAP_NS, 1 ms.  A REP string
 * instruction steps once per round: at most REP_ROUNDS of them.
 */
#define TRACE_CHUNK 8
#define REP_ROUNDS 100000

/* ---- ptrace ------------------------------------------------------------- */

/* 0 the winder is stopped (by us), 1 it runs. */
static int tr_running;

static int
pt(enum __ptrace_request req, pid_t tid, uint64_t addr, uint64_t data)
{
	errno = 0;
	if (ptrace(req, tid, (void *)(uintptr_t)addr,
	        (void *)(uintptr_t)data) == -1 &&
	    errno != 0)
		return -errno;
	return 0;
}

/* A ptrace-stop of tid within ns: its stop signal, or -errno. */
static int
tr_wait(pid_t tid, int64_t ns)
{
	int64_t end = faults_kernel_ns() + ns;
	int st;
	pid_t r;

	for (;;) {
		r = waitpid(tid, &st, __WALL | WNOHANG);
		if (r == tid) {
			if (WIFSTOPPED(st)) {
				tr_running = 0;
				return WSTOPSIG(st);
			}
			return -ESRCH; /* exited or killed */
		}
		if (r < 0 && errno != EINTR)
			return -errno;
		if (faults_kernel_ns() > end)
			return -ETIMEDOUT;
		faults_sleep_ns(10000);
	}
}

/* Stop the winder if it runs: 0, or -errno. */
static int
tr_stop(pid_t tid)
{
	int err;

	if (!tr_running)
		return 0;
	err = pt(PTRACE_INTERRUPT, tid, 0, 0);
	if (err == 0)
		err = tr_wait(tid, WAIT_NS);
	return err < 0 ? err : 0;
}

static int
tr_cont(pid_t tid, int sig)
{
	int err = pt(PTRACE_CONT, tid, 0, (uint64_t)sig);

	if (err == 0)
		tr_running = 1;
	return err;
}

#define DR(i) offsetof(struct user, u_debugreg[i])

/* Execution breakpoints: DR0 at a0, DR1 at a1 (0: off). */
static int
tr_break(pid_t tid, uint64_t a0, uint64_t a1)
{
	uint64_t dr7 = (a0 ? 1u : 0u) | (a1 ? 4u : 0u); /* L0, L1; RW=LEN=0 */
	int err = pt(PTRACE_POKEUSER, tid, DR(7), 0);

	if (err == 0 && a0)
		err = pt(PTRACE_POKEUSER, tid, DR(0), a0);
	if (err == 0 && a1)
		err = pt(PTRACE_POKEUSER, tid, DR(1), a1);
	if (err == 0)
		err = pt(PTRACE_POKEUSER, tid, DR(6), 0);
	if (err == 0 && dr7)
		err = pt(PTRACE_POKEUSER, tid, DR(7), dr7);
	return err;
}

static int
tr_regs(pid_t tid, struct user_regs_struct *r)
{
	return pt(PTRACE_GETREGS, tid, 0, (uint64_t)(uintptr_t)r);
}

static int
tr_peek(pid_t tid, uint64_t addr, uint64_t *word)
{
	long v;

	errno = 0;
	v = ptrace(PTRACE_PEEKDATA, tid, (void *)(uintptr_t)addr, NULL);
	if (errno != 0)
		return -errno;
	*word = (uint64_t)v;
	return 0;
}

/*
 * Run the winder to the entry of its next windup: 0 stopped there with
 * *sp its stack pointer and *ret its return address; or -errno.
 */
static int
tr_to_entry(pid_t tid, uint64_t *sp, uint64_t *ret)
{
	uint64_t entry = (uint64_t)(uintptr_t)faults_wind_entry();
	struct user_regs_struct r;
	int err, sig;

	err = tr_stop(tid);
	if (err == 0)
		err = tr_break(tid, entry, 0);
	while (err == 0) {
		err = tr_cont(tid, 0);
		if (err != 0)
			break;
		sig = tr_wait(tid, WAIT_NS);
		if (sig < 0) {
			tr_stop(tid);
			err = sig;
			break;
		}
		err = tr_regs(tid, &r);
		if (err == 0 && r.rip == entry) {
			*sp = r.rsp;
			err = tr_peek(tid, r.rsp, ret);
			break;
		}
	}
	tr_break(tid, 0, 0);
	return err;
}

/*
 * What the instruction at pc is: 1 an atomic read-modify-write (a LOCK
 * prefix, or XCHG with memory), 2 a counter read (RDTSC, RDTSCP), else 0.
 */
static int
tr_kind(pid_t tid, uint64_t pc)
{
	unsigned char b[16];
	uint64_t w[2];
	size_t i = 0;

	if (tr_peek(tid, pc, &w[0]) != 0 || tr_peek(tid, pc + 8, &w[1]) != 0)
		return 0;
	memcpy(b, w, sizeof(b));
	for (; i < 14; i++) {
		if (b[i] == 0xf0)
			return 1;
		if (!strchr("\xf2\xf3\x2e\x36\x3e\x26\x64\x65\x66\x67", b[i]))
			break;
	}
	if (b[i] >= 0x40 && b[i] <= 0x4f)
		i++; /* REX */
	if ((b[i] == 0x86 || b[i] == 0x87) && (b[i + 1] >> 6) != 3)
		return 1;
	if (b[i] == 0x0f &&
	    (b[i + 1] == 0x31 || (b[i + 1] == 0x01 && b[i + 2] == 0xf9)))
		return 2;
	return 0;
}

/* The windup the winder was last stopped in: its entry's sp, its return. */
static uint64_t tr_sp, tr_ret;

/*
 * From the stopped winder, run on to the (skip + 1)-th execution of pc in
 * the current windup (tr_sp, tr_ret): 0 there, 1 the windup returned
 * first, or -errno.
 */
static int
run_on(pid_t tid, uint64_t pc, uint32_t skip)
{
	struct user_regs_struct r;
	uint32_t hits = 0;
	int err, sig;

	err = tr_break(tid, pc, tr_ret);
	while (err == 0) {
		err = tr_cont(tid, 0);
		if (err != 0)
			break;
		sig = tr_wait(tid, WAIT_NS);
		if (sig < 0) {
			tr_stop(tid);
			err = sig;
			break;
		}
		err = tr_regs(tid, &r);
		if (err != 0)
			break;
		if (r.rip == tr_ret && r.rsp > tr_sp) {
			err = 1; /* the windup ended first */
			break;
		}
		if (r.rip == pc && hits++ == skip)
			break;
	}
	tr_break(tid, 0, 0);
	return err;
}

/*
 * Run the winder into its next windup and stop it just before *at (see
 * faults_run_to()); *spp the windup's stack pointer at its entry.
 */
static int
run_to_sp(pid_t tid, const struct faults_insn *at, uint64_t *spp)
{
	uint64_t entry = (uint64_t)(uintptr_t)faults_wind_entry();
	int err;

	err = tr_to_entry(tid, &tr_sp, &tr_ret);
	*spp = tr_sp;
	if (err != 0 || (at->pc == entry && at->occ == 0))
		return err;
	return run_on(tid, at->pc, at->occ);
}

/* 1 if pc lies in the vDSO (the same in the forked victim as here). */
static int
in_vdso(uint64_t pc)
{
	static uint64_t lo, hi;
	unsigned long a, b;
	char line[256];
	FILE *f;

	if (hi == 0 && (f = fopen("/proc/self/maps", "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (strstr(line, "[vdso]") != NULL &&
			    sscanf(line, "%lx-%lx", &a, &b) == 2) {
				lo = a;
				hi = b;
			}
		fclose(f);
	}
	return pc >= lo && pc < hi;
}

/* Record instruction n of the trace being taken at the winder's pc. */
static void
trace_note(pid_t tid, struct faults_insn *t, size_t n, uint64_t pc)
{
	size_t j;
	int k;

	t[n].pc = pc;
	t[n].occ = 0;
	for (j = 0; j < n; j++)
		t[n].occ += t[j].pc == pc;
	t[n].window = n > 0 ? (uint16_t)(t[n - 1].window + t[n - 1].atomic) : 0;
	k = tr_kind(tid, pc);
	t[n].atomic = k == 1;
	t[n].counter = k == 2;
	t[n].vdso = (uint8_t)in_vdso(pc);
}

/*
 * Single-step the stopped winder (at t[n - 1], or at the entry for n = 0,
 * sp the entry's stack pointer) recording into t until at least upto
 * instructions are recorded and, with unique, the last one is its pc's
 * first execution, so that faults_run_to() reaches it at its first hit.
 * The new count, or -errno; *done once the windup returned.
 */
static long
trace_steps(pid_t tid, struct faults_insn *t, size_t n, size_t max, uint64_t sp,
    size_t upto, int unique, int *done)
{
	struct user_regs_struct r;
	int steps, err, sig;

	for (steps = 0; steps < REP_ROUNDS; steps++) {
		if (n >= upto && (!unique || t[n - 1].occ == 0))
			break;
		if (steps > 0 || n > 0) {
			err = pt(PTRACE_SINGLESTEP, tid, 0, 0);
			if (err != 0)
				return err;
			tr_running = 1;
			sig = tr_wait(tid, WAIT_NS);
			if (sig < 0)
				return sig;
		}
		err = tr_regs(tid, &r);
		if (err != 0)
			return err;
		if (r.rsp > sp) {
			*done = 1;
			break;
		}
		if (n > 0 && r.rip == t[n - 1].pc)
			continue; /* a REP string instruction's next round */
		if (n == max)
			return -E2BIG;
		trace_note(tid, t, n++, r.rip);
	}
	return (long)n;
}

/*
 * Run fresh windups to t[k - 1] (k > 0) or the entry, up to `tries` of
 * them: 0 there, 1 none got there, or -errno.
 */
static int
trace_resume(
    pid_t tid, const struct faults_insn *t, long k, uint64_t *sp, int tries)
{
	uint64_t ret;
	int err = 1;

	for (; tries > 0 && err == 1; tries--)
		err = k == 0 ? tr_to_entry(tid, sp, &ret)
		             : run_to_sp(tid, &t[k - 1], sp);
	return err;
}

int
faults_trace_windup(pid_t tid, struct faults_insn *t, size_t max, size_t *n)
{
	uint64_t sp = 0;
	long k = 0, u, stuck = -1;
	int done = 0, err;

	*n = 0;
	while (!done) {
		err = trace_resume(tid, t, k, &sp, 20);
		if (err == 1 && k != stuck) {
			/*
			 * Fresh windups no longer reach t[k - 1]: the way there
			 * depends on the data (which bracket of the sample is
			 * narrowest, and so how often a loop's code runs) or
			 * on time (stepping made the windup late: a STEP, not a
			 * SLEW).  Back to the last instruction that runs once
			 * and that fresh windups reach, and step from there
			 * without a break to the first such one past k.
			 */
			stuck = k;
			u = k - 1;
			while (err == 1 && --u >= 0)
				if (t[u].occ == 0)
					err =
					    trace_resume(tid, t, u + 1, &sp, 2);
			if (err == 0)
				k = trace_steps(tid, t, (size_t)u + 1, max, sp,
				    (size_t)stuck, 1, &done);
		} else if (err == 0) {
			k = trace_steps(tid, t, (size_t)k, max, sp,
			    (size_t)k + TRACE_CHUNK, 0, &done);
		}
		if (err != 0)
			return err < 0 ? err : -EAGAIN;
		if (k < 0)
			return (int)k;
		*n = (size_t)k;
	}
	return 0;
}

int
faults_run_to(pid_t tid, const struct faults_insn *at)
{
	uint64_t sp;

	return run_to_sp(tid, at, &sp);
}

int
faults_run_on(pid_t tid, const struct faults_insn *at, uint32_t skip)
{
	return run_on(tid, at->pc, skip);
}

int
faults_resume(pid_t tid, int sig)
{
	return tr_cont(tid, sig);
}

size_t
faults_insn_merge(struct faults_insn *a, size_t n, size_t max,
    const struct faults_insn *b, size_t nb)
{
	size_t i, j;

	for (i = 0; i < nb && n < max; i++) {
		for (j = 0; j < n; j++)
			if (a[j].pc == b[i].pc && a[j].occ == b[i].occ)
				break;
		if (j == n)
			a[n++] = b[i];
	}
	return n;
}

/*
 * Does an execution breakpoint fire here (a hypervisor may not pass the
 * debug registers through)?  The winder calls tk_nanotime() (through a
 * pointer, so never inlined) at every read, so one there must trap at
 * once.  0, or -ENOTSUP.
 */
static int
tr_probe(pid_t tid)
{
	uint64_t at = (uint64_t)(uintptr_t)&tk_nanotime;
	struct user_regs_struct r;
	int sig;

	if (tr_break(tid, at, 0) != 0 || tr_cont(tid, 0) != 0)
		return -ENOTSUP;
	sig = tr_wait(tid, WAIT_NS);
	if (sig < 0)
		tr_stop(tid);
	tr_break(tid, 0, 0);
	if (sig < 0 || tr_regs(tid, &r) != 0 || r.rip != at)
		return -ENOTSUP;
	return 0;
}

int
faults_trace_seize(pid_t tid)
{
	int err = pt(PTRACE_SEIZE, tid, 0, PTRACE_O_EXITKILL);

	if (err != 0)
		return err;
	tr_running = 1;
	err = tr_stop(tid);
	return err == 0 ? tr_probe(tid) : err;
}

void
faults_trace_release(pid_t tid, int detach)
{
	if (tr_stop(tid) != 0)
		return;
	tr_break(tid, 0, 0);
	if (detach)
		pt(PTRACE_DETACH, tid, 0, 0);
	else
		tr_cont(tid, 0);
}
#endif
