/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The candidates of timekeep bench: every clock read it puts side by
 * side, one row each in candidates.c.
 */
#ifndef CLI_CANDIDATES_H
#define CLI_CANDIDATES_H

#include <stdint.h>
#include <time.h>

/* Who provides the read: the colour in the plot, "kind" in JSON. */
enum kind { K_TK, K_LIBC, K_SYSCALL, K_COUNTER, NKIND };
extern const char *const kind_names[NKIND];

/* How a candidate is probed before it is trusted to run. */
enum probe { P_NONE, P_LIBC, P_SYSCALL, P_CTR_ORDERED, P_CTR_RELAXED };

/* The references every ratio is taken against. */
enum ref { R_NONE, R_VDSO, R_COUNTER };

struct cand_def {
	const char *id; /* a C name: "tk_nanotime", "libc_mono" */
	const char *name; /* shown; "%s" is the counter read's name */
	enum kind kind;
	enum probe probe;
	clockid_t clk; /* for P_LIBC and P_SYSCALL */
	enum ref ref;
	void (*loop)(uint64_t n);
	void (*once)(void);
};

extern const struct cand_def cand_defs[];
extern const int ncand_defs;

/* The loop every thread runs in the thread-scaling rows. */
void cand_loop_threads(uint64_t n);

#endif /* CLI_CANDIDATES_H */
