/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The health checks of timekeep check, one file each (check_NAME.c).  A
 * check fills a struct check: its name, PASS, FAIL or SKIP, one sentence
 * of detail (a failing check says why), and named numbers for --json.
 */
#ifndef CLI_CHECK_H
#define CLI_CHECK_H

#include "machine.h"
#include "stats.h"

/*
 * The bounds, documented in timekeep check --help.  OFFSET: tk_nanotime
 * against the kernel's CLOCK_MONOTONIC; the own tsc timehands absorb their
 * error by a bounded change of rate between windups (docs/design.md,
 * "Windup: continuity and the lock"), so a healthy source stays well
 * inside a microsecond.  REALTIME: a step of the kernel's realtime clock
 * shows in tk_walltime within one windup interval, 10 ms; 20 ms leaves
 * room for that interval.
 */
#define BOUND_OFFSET_MAX_NS (10 * NS_PER_US)
#define BOUND_OFFSET_P99_NS (1 * NS_PER_US)
#define BOUND_REALTIME_NS (20 * NS_PER_MS)
#define NOSYSCALL_ROUNDS 100000

enum status { ST_PASS, ST_FAIL, ST_SKIP };
extern const char *const status_names[];

#define CHECK_MAX_X 10

struct check {
	const char *name;
	enum status status;
	char detail[640];
	int nx; /* named numbers for --json */
	const char *xkey[CHECK_MAX_X];
	double xval[CHECK_MAX_X];
};

/*
 * Progress while a check runs: cmd_check says which check runs and how
 * long it is planned to take; a check's long loops call check_tick (or
 * wait in check_wait_until) so the progress line moves.
 */
struct progress;
void check_plan(struct progress *p, const char *name, int index, int total,
    double planned_s, double after_s);
void check_tick(void);
void check_wait_until(int64_t end_ns); /* sleeps, ticking, until end_ns */

__attribute__((format(printf, 3, 4))) void check_set(
    struct check *c, enum status st, const char *fmt, ...);
void check_x(struct check *c, const char *key, double v);

void check_source(struct check *c);
void check_vdso(struct check *c);
void check_clock_ids(struct check *c);
void check_skew(struct check *c, const struct machine *m, double s);
void check_monotonic(struct check *c, const struct machine *m, double s,
    const struct check *skew);
void check_offsets(struct check *offset, struct check *realtime, double s);
void check_nosyscall(struct check *c, const char *source);

#endif /* CLI_CHECK_H */
