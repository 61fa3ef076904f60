/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The tool's own reads of the CPU counter: the baselines timekeep bench
 * and bench/bench_clocks measure the library against, and the brackets
 * around single calls.  The library's counter code is private, so the
 * tool inlines its own, like any user would.
 *
 * CMake puts cli/arch/<arch>/ on the include path (cli/arch/none/ where
 * the tool knows no counter); its cli_arch.h and cli_arch.c provide:
 *
 *   CLI_ARCH                       the architecture's name, a string
 *   CLI_COUNTER                    the counter's kind: "tsc", "cntvct", ...
 *   uint64_t cli_counter_ordered(void)   (inline) a read that cannot be
 *				    taken before the loads that precede it
 *   uint64_t cli_counter_relaxed(void)   (inline) a bare read
 *   void cli_counter_init(void)    probe the CPU once
 *   int cli_counter_exists(void)   1 if the CPU says the counter exists
 *   const char *cli_counter_ordered_name(void), *..._relaxed_name(void)
 *				    how each read is made ("rdtscp", "rdtsc")
 *   const char *cli_hypervisor(void)  "KVM", "Hyper-V", ...; "" when the
 *				    CPU says there is none; NULL when the
 *				    architecture cannot tell
 *
 * A CPU may have the counter and still trap user reads of it (x86 CR4.TSD,
 * arm64 CNTKCTL_EL1.EL0VCTEN): counter_usable() tries a read in a forked
 * child before the tool trusts one.
 */
#ifndef CLI_COUNTER_H
#define CLI_COUNTER_H

#include <stddef.h>
#include <stdint.h>

#include "cli_arch.h"

void cli_counter_init(void);
int cli_counter_exists(void);
const char *cli_counter_ordered_name(void);
const char *cli_counter_relaxed_name(void);
const char *cli_hypervisor(void);

/* 1 if the tool may read the counter here, else 0 and counter_note(). */
int counter_usable(void);

/* Why the counter is not usable (or was found useless later). */
const char *counter_note(void);
void counter_set_note(const char *note);

/* A counter value and the CLOCK_MONOTONIC time it was read at. */
struct cpair {
	int64_t ns;
	uint64_t ticks;
	int64_t width_ns; /* the bracket it was read in */
};

/* The narrowest of 16 brackets CLOCK_MONOTONIC / counter / CLOCK_MONOTONIC. */
struct cpair counter_pair(void);

/* Counts per second between two pairs, or NAN. */
double pair_hz(struct cpair a, struct cpair b);

/*
 * The counter's frequency against CLOCK_MONOTONIC over span_ns, or NAN;
 * *ppm (if not NULL) is its uncertainty, the two brackets' widths over the
 * span, in parts per million.
 */
double counter_measure_hz(int64_t span_ns, double *ppm);

#endif /* CLI_COUNTER_H */
