/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The race of the bounded-time suites (tests/test_truetime_*.c): a writer
 * thread updates a segment while two readers call tk_truetime() flat out
 * and check every interval against the writer's truth around the read.
 * Each suite keeps its writer and how it knows the truth; this is the
 * accounting, the threads and the verdict.  Test-only.
 */
#ifndef TK_TT_RACE_H
#define TK_TT_RACE_H

#include <stdint.h>

#include "timekeep.h"

/* What one reader saw: its reads and the least margins (ns). */
struct tt_race_reader {
	uint64_t n; /* reads to make */
	uint64_t bounded, unknown;
	int64_t worst_early; /* least truth - earliest */
	int64_t worst_late; /* least latest - truth */
	int64_t worst_step; /* least latest - (previous latest - slack) */
	int64_t prev_latest, prev_slack;
};

/*
 * Account one read tt: earliest must be at most lo (the truth when the
 * read ended, at its lowest), latest at least hi (the truth when it
 * began, at its highest), and latest may fall below the previous read's
 * latest by at most that read's slack; slack is this read's.
 */
void tt_race_note(struct tt_race_reader *rd, const struct tk_truetime *tt,
    int64_t lo, int64_t hi, int64_t slack);

/*
 * Start writer(warg), then two readers of n reads each running reader
 * (whose argument is its struct tt_race_reader); when both are done,
 * set *stop and join the writer.
 */
void tt_race_run(void *(*writer)(void *), void *warg, int *stop,
    void *(*reader)(void *), struct tt_race_reader rd[2], uint64_t n);

/*
 * Print reader i's line and assert its margins: early and late at least
 * 0, the step at least step_min.
 */
void tt_race_check(const struct tt_race_reader *rd, int i, int64_t step_min);

#endif /* TK_TT_RACE_H */
