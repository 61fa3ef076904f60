/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A winder under ptrace, for tests/test_fault_ptrace.c and
 * test_fault_longjmp.c (Linux x86-64 only).
 *
 * The victim is a forked child: its main thread (the winder) reads the
 * clock in a loop with the windup interval shrunk, so it winds often;
 * another thread reads meanwhile.  Both bracket every read and keep their
 * figures in memory shared with the parent (struct faults_victim).
 *
 * The parent traces the winder alone (PTRACE_SEIZE on its thread id) and
 * reaches an instruction of a windup with the x86 debug registers, which
 * are per thread: DR0 at the windup's entry (faults_wind_entry()), then
 * DR0 at the target and DR1 at the return address, so only the winder
 * traps, only where asked, and a windup that ends before the target is
 * noticed.  The instructions of a windup come from a reference trace,
 * single-stepped (PTRACE_SINGLESTEP) a few instructions per windup, each
 * windup run at full speed to where the last one stopped, so that the
 * trace follows the path of a windup that nobody slows down; its atomic
 * read-modify-writes (a LOCK prefix, or XCHG with memory), which delimit
 * the windup's windows (closing, claiming, publishing, the front), and its
 * counter reads are marked.  An instruction is named by its address and
 * its occurrence (loops and helpers run the same address more than once).
 *
 * Needs the right to trace a child (Yama ptrace_scope 0 or 1, or
 * CAP_SYS_PTRACE): faults_victim_start() says when it is missing.
 */
#ifndef TK_FAULTS_TRACE_H
#define TK_FAULTS_TRACE_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "faults.h"

enum faults_phase {
	FAULTS_STARTING = 0,
	FAULTS_RUNNING, /* both threads read */
	FAULTS_STOP, /* both finish; the winder checks recovery */
	FAULTS_DONE, /* the victim's figures are final */
};

/*
 * The victim's state, in memory shared with the parent.  The flags are
 * atomics (lock-free, so they work across processes); the figures are
 * each written by one victim thread and read by the parent once the victim
 * has exited.
 */
struct faults_victim {
	_Atomic int phase; /* enum faults_phase, set by the parent */
	_Atomic int ready; /* set by the victim: reading, hands running */
	_Atomic int hold; /* set by the parent: the reader pauses */
	_Atomic uint64_t hold_gen; /* moved by the parent at each pause */
	_Atomic uint64_t hold_ack; /* the last hold_gen the reader obeyed */
	int abandon_sig; /* 0, or the signal whose handler longjmps */
	int64_t interval_ns; /* the shrunk windup interval */
	_Atomic int64_t trial; /* set by the parent: the current trial */
	_Atomic int epoch; /* the parent moves it: both threads start afresh */
	_Atomic uint64_t abandons; /* longjmps out of the winder's reads */
	struct faults_watch reader, winder;
	struct faults_hist reader_h, winder_h;
	int64_t reader_trial, winder_trial; /* where each worst happened */
	int64_t reader_rep_trial, winder_rep_trial; /* each longest repeat */
	int64_t reader_back_trial, winder_back_trial; /* each first step back */
	/* After FAULTS_STOP, measured by the winder for 100 ms: */
	uint64_t windups_before, windups_after;
	uint64_t fast_reads; /* answered by the inline front */
	char note[256]; /* faults_engine_note() at the end */
};

/*
 * Fork a victim, wait until it reads with hands running, and seize its
 * winder.  0, or -errno; *why says what is missing (for a SKIP).
 */
int faults_victim_start(struct faults_victim *v, pid_t *pid, const char **why);

/* Let the victim finish (detaching first) and reap it: its wait status. */
int faults_victim_finish(struct faults_victim *v, pid_t pid);

/* Print the victim's figures (after faults_victim_finish). */
void faults_victim_report(const struct faults_victim *v);

/*
 * Let the victim run free for ns, then have both threads start their
 * figures afresh (what came before, such as the reference traces, is not
 * what the test measures).
 */
void faults_victim_settle(struct faults_victim *v, pid_t pid, int64_t ns);

/*
 * Pause the reader (1), returning once it has stopped reading, or let it
 * read again (0).  The parent pauses it while it steers the winder into a
 * windup, or else the reader, free while the winder is stopped at the
 * windup's entry, would wind up first every time.
 */
void faults_victim_quiet(struct faults_victim *v, int quiet);

/* The longest windup faults_learn() takes (instructions). */
#define FAULTS_TRACE_MAX 32768

/* One instruction of a windup. */
struct faults_insn {
	uint64_t pc;
	uint32_t occ; /* earlier executions of pc in the same windup */
	uint16_t window; /* atomic read-modify-writes executed before it */
	uint8_t atomic; /* 1: it is one */
	uint8_t counter; /* 1: it reads the TSC (RDTSC, RDTSCP) */
	uint8_t vdso; /* 1: it is the kernel's code (the vDSO) */
	uint8_t reserved[3];
};

/*
 * Single-step one windup of the winder (stopped) from its entry to its
 * return: its instructions into t[0..max), their count in *n.  0, or
 * -ETIMEDOUT (no windup began in 2 s), -E2BIG (longer than max).
 */
int faults_trace_windup(
    pid_t tid, struct faults_insn *t, size_t max, size_t *n);

/*
 * Run the winder (stopped) into its next windup and stop it just before
 * instruction *at: 0 stopped there, 1 that windup ended first, or
 * -ETIMEDOUT (no windup began in 2 s).
 */
int faults_run_to(pid_t tid, const struct faults_insn *at);

/*
 * Run the winder, stopped in a windup by faults_run_to(), on to a later
 * instruction of the same windup: the (skip + 1)-th execution of at->pc
 * from here.  0 stopped there, 1 that windup ended first, or -errno.
 */
int faults_run_on(pid_t tid, const struct faults_insn *at, uint32_t skip);

/*
 * Seize the victim's winder and stop it: 0, -EPERM (no right to trace),
 * or another -errno (-ENOTSUP: its debug registers cannot be set, or a
 * breakpoint set in them does not fire).
 */
int faults_trace_seize(pid_t tid);

/* Stop steering the winder: let it run on (detach 0) or detach (1). */
void faults_trace_release(pid_t tid, int detach);

/* Resume the stopped winder, delivering sig (0: none). 0 or -errno. */
int faults_resume(pid_t tid, int sig);

/*
 * Learn the instructions of windups: single-step `traces` of them (the
 * reader paused) and merge them into set (room for max).  The count; the
 * victim is left to run free for 50 ms and its figures start afresh.
 */
size_t faults_learn(struct faults_victim *v, pid_t pid, struct faults_insn *set,
    size_t max, int traces);

/*
 * Merge reference trace b into the set a (n entries, room for max): every
 * (pc, occ) once.  The new count.
 */
size_t faults_insn_merge(struct faults_insn *a, size_t n, size_t max,
    const struct faults_insn *b, size_t nb);

#endif /* TK_FAULTS_TRACE_H */
