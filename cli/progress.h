/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Live progress for commands that take more than a moment: one line on
 * stderr, redrawn in place, saying what runs, how far it is and the time
 * left ("timekeep bench: round 3/21, tk_walltime; about 12 s left").
 * Only when stderr is a terminal: a pipe or a file never sees it.  A line
 * printed to stdout meanwhile clears it first (progress_clear).
 */
#ifndef CLI_PROGRESS_H
#define CLI_PROGRESS_H

#include <stdint.h>

struct progress {
	int on; /* stderr is a terminal */
	int shown; /* a line is on the screen */
	const char *cmd; /* "bench" */
	int64_t t0_ns; /* when the work began */
	int64_t last_ns; /* the last redraw */
};

void progress_begin(struct progress *p, const char *cmd);

/*
 * Redraw (at most every 50 ms) with what is going on and the fraction of
 * the work done, 0 to 1; the time left is extrapolated from the time
 * spent, or given as left_s when that is known (>= 0).
 */
__attribute__((format(printf, 4, 5))) void progress_show(
    struct progress *p, double done, double left_s, const char *fmt, ...);

/* Take the line off the screen (before other output, and at the end). */
void progress_clear(struct progress *p);

#endif /* CLI_PROGRESS_H */
