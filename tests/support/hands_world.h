/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fake world in which the engine tests (tests/test_hands*.c,
 * test_ticks.c and test_ticks_history.c) run the windup engine of
 * src/hands/: a private page over a fake counter and a fake kernel clock,
 * so that what no real machine does on demand can be done there.  The
 * fake counter and kernel serve single-threaded tests; the threaded ones
 * race over the racing world below.  Test-only.
 *
 * True time advances by `step` ns at every counter or kernel read, the
 * counter by f counts per true ns, the kernel by kr ns per true ns.  After
 * a read, W.k is the kernel's value at the moment of the last counter
 * read, so ns - W.k is the read's error.
 */
#ifndef TK_HANDS_WORLD_H
#define TK_HANDS_WORLD_H

#include <stdint.h>
#include <time.h>

#include "hands/hands.h"

struct world {
	double c; /* counter, fractional counts */
	uint64_t offset; /* added to the counter, mod 2^64 */
	double k; /* kernel CLOCK_MONOTONIC ns */
	double r_off; /* CLOCK_REALTIME - CLOCK_MONOTONIC */
	double f; /* counts per true ns */
	double kr; /* kernel ns per true ns */
	double step; /* true ns per read */
	double kernel_cost; /* extra true ns a kernel read takes */
	int kernel_fail; /* the kernel returns -EIO */
	uint64_t creads; /* counter reads */
};

/* The world, and the engine on its private page with its rate memo. */
extern struct world W;
extern struct tk__hands_page page;
extern struct tk__hands_memo memo;
extern struct tk__hands H;

/* What the engine's first-windup check returns (0 when set up). */
extern int first_check_result;

/* Advance true time by ns: the counter and the kernel move on. */
void world_advance(double ns);
/* The fake counter and kernel clock the engine reads. */
uint64_t fake_counter(int ordered);
int fake_kernel(clockid_t id, struct timespec *ts);
/* A 2.6 GHz counter at count 10^12, a kernel at 1000 s, 10 ns per read. */
void world_reset(void);
/*
 * A fresh page and engine over the fake counter, kernel and first check,
 * with the rate memo or without; returns tk__hands_setup()'s result.
 */
int engine_setup(int with_memo);
/* The cmocka setup of the test_hands suites: a reset world and engine. */
int world_setup(void **state);

/* The reading state of one test: monotonicity and windup continuity. */
struct watch {
	int64_t last; /* the last answer */
	uint64_t seq; /* the 64-bit seq of the hands seen last */
	struct tk__hands_hot hot; /* those hands */
	uint64_t windups; /* windups observed */
};

/*
 * Checks after each read: the answer never goes back; when new hands were
 * published right after the ones seen last, they start at or above those
 * ones' floor, exactly at continuity for a SLEW windup, and their rate is
 * within the slew of the measured kernel rate (50% for a SLOW one).
 */
void watch_check(struct watch *wt, int64_t ns);
/* One read of CLOCK_MONOTONIC (clock 0, checked) or CLOCK_REALTIME. */
int64_t rd(struct watch *wt, int clock);
/* The error of a reading ns: how far it is from the kernel's clock. */
int64_t err_now(int64_t ns);
int64_t iabs(int64_t x);
/*
 * Read every gap ns for total ns of world time; returns the largest
 * |error| over the reads after `settle` ns.
 */
int64_t run(struct watch *wt, double gap, double total, double settle);

/*
 * The racing world of the threaded tests: a counter shared by threads (a
 * relaxed fetch-add, so it orders nothing the engine does not order
 * itself; 7 counts a read at 2.6 counts/ns), a kernel that is a function
 * of it (so every bracket holds), windups every 2 us, closings stale after
 * 1 us, and every 16th windup stopped at one of its points until the other
 * threads have moved the counter on by 2.5 closings (or 20 ms of real time
 * passed, should they have stopped), so they reopen its word.
 */
/* H and page set up afresh over the racing world: 0, or the engine's. */
int race_setup(void);
/* The racing world's counter (one read: 7 counts). */
uint64_t race_counter(int ordered);

#endif /* TK_HANDS_WORLD_H */
