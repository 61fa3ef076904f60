/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The candidates of timekeep bench, one row each: adding a clock read to
 * the benchmark is one more X(...) line in CANDIDATES.  A row names the
 * read (a C identifier), its label, who provides it, how it is probed
 * before it runs, the clock id the probe tries, whether it is one of the
 * references the ratios are taken against, and the read itself, an
 * expression that H_CANDIDATE wraps into a loop and a single call.
 */
#include <sys/syscall.h>
#include <unistd.h>

#include <timekeep.h>

#include "candidates.h"
#include "counter.h"
#include "harness.h"

const char *const kind_names[NKIND] = { "timekeep", "libc", "syscall",
	"counter" };

static inline int64_t
rd_tk_walltime(void)
{
	int64_t sec;
	int32_t nsec;

	tk_walltime(&sec, &nsec);
	/*
	 * nsec read zero-extended: on the Intel Xeon KVM guest this was
	 * measured on (Linux 6.18, gcc 12), a sign-extending load of a
	 * 32-bit value just stored forwards ~3 ns later than a zero-extending
	 * one, which would be the caller's cost, not the read's.
	 */
	return sec + (uint32_t)nsec;
}

static inline int64_t
rd_tk_cgt(clockid_t id)
{
	struct timespec ts;

	tk_clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec;
}

static inline int64_t
rd_libc(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec;
}

static inline int64_t
rd_syscall(clockid_t id)
{
	struct timespec ts;

	syscall(SYS_clock_gettime, id, &ts);
	return ts.tv_sec + ts.tv_nsec;
}

/* id, label, kind, probe, probed clock, reference, the read */
#define CANDIDATES(X)                                                          \
	X(tk_nanotime, "tk_nanotime", K_TK, P_NONE, 0, R_NONE, tk_nanotime())  \
	X(tk_relaxed, "tk_nanotime_relaxed", K_TK, P_NONE, 0, R_NONE,          \
	    tk_nanotime_relaxed())                                             \
	X(tk_realtime, "tk_realtime_ns", K_TK, P_NONE, 0, R_NONE,              \
	    tk_realtime_ns())                                                  \
	X(tk_walltime, "tk_walltime", K_TK, P_NONE, 0, R_NONE,                 \
	    rd_tk_walltime())                                                  \
	X(tk_cgt_mono, "tk_clock_gettime(MONOTONIC)", K_TK, P_NONE, 0, R_NONE, \
	    rd_tk_cgt(CLOCK_MONOTONIC))                                        \
	X(tk_cgt_real, "tk_clock_gettime(REALTIME)", K_TK, P_NONE, 0, R_NONE,  \
	    rd_tk_cgt(CLOCK_REALTIME))                                         \
	X(libc_mono, "clock_gettime(MONOTONIC)", K_LIBC, P_LIBC,               \
	    CLOCK_MONOTONIC, R_VDSO, rd_libc(CLOCK_MONOTONIC))                 \
	X(libc_real, "clock_gettime(REALTIME)", K_LIBC, P_LIBC,                \
	    CLOCK_REALTIME, R_NONE, rd_libc(CLOCK_REALTIME))                   \
	X(libc_mono_coarse, "clock_gettime(MONOTONIC_COARSE)", K_LIBC, P_LIBC, \
	    CLOCK_MONOTONIC_COARSE, R_NONE, rd_libc(CLOCK_MONOTONIC_COARSE))   \
	X(libc_real_coarse, "clock_gettime(REALTIME_COARSE)", K_LIBC, P_LIBC,  \
	    CLOCK_REALTIME_COARSE, R_NONE, rd_libc(CLOCK_REALTIME_COARSE))     \
	X(sys_mono, "syscall(clock_gettime, MONOTONIC)", K_SYSCALL, P_SYSCALL, \
	    CLOCK_MONOTONIC, R_NONE, rd_syscall(CLOCK_MONOTONIC))              \
	X(ctr_ordered, "counter ordered (%s)", K_COUNTER, P_CTR_ORDERED, 0,    \
	    R_COUNTER, cli_counter_ordered())                                  \
	X(ctr_relaxed, "counter relaxed (%s)", K_COUNTER, P_CTR_RELAXED, 0,    \
	    R_NONE, cli_counter_relaxed())                                     \
	X(tk_ticks, "tk_ticks", K_TK, P_NONE, 0, R_NONE, (int64_t)tk_ticks())  \
	X(tk_ticks_ordered, "tk_ticks_ordered", K_TK, P_NONE, 0, R_NONE,       \
	    (int64_t)tk_ticks_ordered())                                       \
	X(tk_ticks_to_ns, "tk_ticks_to_ns(tk_ticks())", K_TK, P_NONE, 0,       \
	    R_NONE, tk_ticks_to_ns(tk_ticks()))

#define X_FUNCS(id, name, kind, probe, clk, ref, expr) H_CANDIDATE(id, expr)
CANDIDATES(X_FUNCS)

#define X_ROW(id, name, kind, probe, clk, ref, expr)                           \
	{ #id, name, kind, probe, clk, ref, h_loop_##id, h_once_##id },
const struct cand_def cand_defs[] = { CANDIDATES(X_ROW) };
const int ncand_defs = (int)(sizeof(cand_defs) / sizeof(cand_defs[0]));

void
cand_loop_threads(uint64_t n)
{
	h_loop_tk_nanotime(n);
}
