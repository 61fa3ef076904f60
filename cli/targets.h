/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The library's performance targets (docs/design.md and the fast-path
 * work: ratios of medians in one run), for timekeep bench and
 * bench/bench_clocks.  They were set for one machine kind, the one the
 * project is measured on; printed elsewhere they are a reference, not a
 * verdict, so each is labelled with that machine kind and this machine's,
 * and a ratio above its target reads "above", never a bare failure.
 */
#ifndef CLI_TARGETS_H
#define CLI_TARGETS_H

#include <stdio.h>

#include "json.h"
#include "machine.h"

/* The machine kind the targets were set on. */
#define TARGETS_MACHINE_KIND "2-vCPU KVM guest"

#define TARGETS_MAX 16

/*
 * The median ns/call of candidate id ("tk_nanotime", "ctr_ordered", ...)
 * and its label, or NAN when the run has no such candidate.
 */
typedef double (*target_lookup)(
    const void *arg, const char *id, const char **label);

struct target_result {
	char what[100]; /* "tk_nanotime / clock_gettime(MONOTONIC)" */
	double ratio, bound;
	int within;
};

/* The targets that apply to this source and run: how many. */
int targets_eval(const char *source, target_lookup look, const void *arg,
    struct target_result *out);

/* The labelled table, within 80 columns. */
void targets_print(
    FILE *f, const struct machine *m, const struct target_result *t, int n);

/* The "targets" object of docs/cli-json.md. */
void targets_json(struct json *j, const struct target_result *t, int n);

#endif /* CLI_TARGETS_H */
