/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the fault tests (tests/test_pattern.c, test_fault_*.c,
 * test_nosyscall.c) share: bracketed reads, the figures the issue's
 * targets are stated in, and a narrow seam into the tsc source's engine.
 *
 * A bracketed read is kernel CLOCK_MONOTONIC (libc, hence the vDSO), a
 * timekeep read, the kernel again; its error is how far the timekeep value
 * lies outside [before, after], 0 inside.  Preemption only widens the
 * bracket, so the error never blames timekeep for the scheduler (Linux
 * tools/testing/selftests/timers/raw_skew.c get_monotonic_and_raw()
 * brackets one clock's read between two of another the same way).  A
 * value that repeats is charged the kernel time that passed between the
 * end of the first read that returned it and the start of the last one:
 * time really stood still that long.
 *
 * The reads, watches and histograms are async-signal-safe, so signal
 * handlers may read and record.
 */
#ifndef TK_FAULTS_H
#define TK_FAULTS_H

#include <stddef.h>
#include <stdint.h>

/* One bracketed read: kernel before, timekeep, kernel after. */
struct faults_read {
	int64_t k1;
	int64_t t;
	int64_t k2;
};

/* Read the kernel, clk(), the kernel; the error of that read (>= 0). */
int64_t faults_bracket(int64_t (*clk)(void), struct faults_read *r);

/* The error of r: its distance outside [k1, k2]. */
int64_t faults_error(const struct faults_read *r);

/*
 * One reading thread's record.  Zero it before the first read.
 *   n		reads seen
 *   worst_ns	the largest error
 *   worst	the read that had it
 *   repeat_ns	the longest kernel time one value was the answer
 *   back		reads below the previous one (never allowed)
 *   back_ns	the largest step back, from back_from to back_to
 */
struct faults_watch {
	uint64_t n;
	int64_t worst_ns;
	struct faults_read worst;
	int64_t repeat_ns;
	uint64_t back;
	int64_t back_ns;
	int64_t back_from;
	int64_t back_to;
	int64_t last_t; /* the previous answer */
	int64_t since_k; /* kernel time after the first read of last_t */
};

/* Account one read; its error. */
int64_t faults_watch_read(struct faults_watch *w, const struct faults_read *r);

/* Bracket clk() and account it: its error. */
int64_t faults_watch(struct faults_watch *w, int64_t (*clk)(void));

/*
 * A histogram of errors, 1 ns bins up to FAULTS_HIST_NS (the rest in the
 * last bin, with the exact maximum kept): constant memory for billions of
 * reads, and a signal handler may add to it.  Zero it before use.
 */
#define FAULTS_HIST_NS 4096

struct faults_hist {
	uint64_t n;
	int64_t max;
	uint64_t bin[FAULTS_HIST_NS];
};

void faults_hist_add(struct faults_hist *h, int64_t err);

/*
 * The smallest error e such that a fraction q of the reads had an error
 * <= e (the exact maximum past the last bin); 0 for no reads.
 */
int64_t faults_hist_q(const struct faults_hist *h, double q);

/*
 * 1 in a ThreadSanitizer build, whose runtime defers signals to its own
 * safe points and takes locks of its own around every atomic.
 */
int faults_tsan(void);

/* Kernel CLOCK_MONOTONIC in ns (libc: the vDSO, no system call). */
int64_t faults_kernel_ns(void);

/* Sleep ns (relative, CLOCK_MONOTONIC, restarted on EINTR). */
void faults_sleep_ns(int64_t ns);

/*
 * Memory shared with forked children (MAP_SHARED | MAP_ANONYMOUS), zeroed;
 * NULL on failure.  faults_unshare() unmaps it.
 */
void *faults_share(size_t size);
void faults_unshare(void *p, size_t size);

/*
 * The seam into the tsc source's engine (tests/support/faults_engine.c,
 * over tests/support/hands_test.h).  The tests use nothing else of the
 * library's insides, so the same test files can be built against another
 * engine by swapping this one file.
 */

/* 1 once the process's hands are running (the first windup is done). */
int faults_hands_running(void);

/* Wait (reading) up to 1 s for the hands: 1 running, 0 not. */
int faults_wait_hands(void);

/* Windups from now on aim at ns per interval (0: the default again). */
void faults_set_interval(int64_t ns);

/* Hands published so far in this process. */
uint64_t faults_windups(void);

/* 1 while a windup holds the publication (the word is closing). */
int faults_windup_open(void);

/* The inline fast tier alone: 0 and *ns, or -1 (the slow path's turn). */
int faults_fast_read(int64_t *ns);

/* The function every windup runs through (for breakpoints). */
const void *faults_wind_entry(void);

/* A line of the engine's counters, for the test's log. */
void faults_engine_note(char *buf, size_t size);

#endif /* TK_FAULTS_H */
