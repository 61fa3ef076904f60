/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The own timehands engine: keeps a counter-driven clock in step with a
 * kernel clock, as FreeBSD sys/kern/kern_tc.c tc_windup() keeps its
 * timehands, but in user space, lazily, and with no lock.  The page layout
 * is src/hands/hands_page.h, the inline reader src/hands/hands_read.h; the
 * rest is split by job:
 *
 *   hands_sample.c   set-up, calibration anchor, bracketed kernel samples
 *   hands_plan.c     the next hands from the current ones and a sample:
 *                    pure arithmetic, no atomics (unit-tested directly)
 *   hands_wind.c     closing, claiming, writing and publishing hands
 *   hands_slow.c     the reader's slow path: every state, one dispatch
 *   hands_ticks.c    the history: ticks converted later, timebase records
 *
 * The engine is generic over its counter and its kernel clock (function
 * pointers below), so the tests run private pages over a fake counter and
 * kernel, and src/source/tsc.c runs the process's page over the TSC and
 * the vDSO.  docs/design.md "Own timehands" has the protocol and its proof.
 */
#ifndef TK_HANDS_H
#define TK_HANDS_H

#include <stdint.h>
#include <time.h>

#include "hands/hands_page.h"
#include "hands/hands_read.h"

/*
 * What a forked child keeps of its parent's calibration (outside the wiped
 * page): the kernel rate and its baseline, so the child publishes hands at
 * its first windup.  Written under the generation protocol; writers are
 * serialised by the claim in its generation (src/timehands.h).
 */
struct tk__hands_memo {
	uint32_t gen;
	uint32_t reserved;
	uint64_t rate;
	uint64_t rate_len;
};

/* Named points of a windup, for tk__hands.pause (the tests' seam). */
enum tk__hands_point {
	TK_HANDS_AT_CLOSED = 1, /* the closing word is ours */
	TK_HANDS_AT_SAMPLED, /* the kernel is sampled, the plan made */
	TK_HANDS_AT_WRITING, /* a ring slot is claimed, half written */
	TK_HANDS_AT_PUBLISHED, /* the hands are current, the front not yet */
	TK_HANDS_AT_FRONT, /* the front is claimed, half written */
};

/*
 * One engine: a page plus what it runs on.  Process memory, not shared.
 *
 *   counter	the counter: ordered (1) or relaxed (0) read.
 *   kernel	the reference clock, clock_gettime-shaped (0 or -errno),
 *		asked for CLOCK_MONOTONIC and CLOCK_REALTIME only.
 *   first_check  NULL, or run once, by the winder of the first hands,
 *		before they exist: 0 if the counter may be used; anything
 *		else disables the hands (src/source/tsc.c: the kernel's
 *		clocksource and the counter's ordering, which cost ~20 us
 *		and need not slow the first read).
 *   pause	NULL, or called at the points above: the tests stop,
 *		freeze or abandon a winder there.
 *   ready	set by tk__hands_setup(): a wiped page found after that was
 *		wiped by fork and is set up again.
 *   *_ns	the tunables of src/hands/hands_page.h (relaxed loads).
 */
struct tk__hands {
	struct tk__hands_page *page;
	struct tk__hands_memo *memo;
	uint64_t (*counter)(int ordered);
	int (*kernel)(clockid_t id, struct timespec *ts);
	int (*first_check)(void);
	void (*pause)(struct tk__hands *h, enum tk__hands_point where);
	int ready;
	int checked; /* first_check: 0 not run, 1 passed, -1 failed */
	int64_t interval_ns;
	int64_t interval_min_ns;
	int64_t recal_ns;
	int64_t cal_ns;
	int64_t close_ns;
	int64_t gap_ns;
	int64_t slow_kernel_ns;
	int64_t slow_bracket_ns;
};

/* Fill the tunables with the defaults (before first use). */
void tk__hands_defaults(struct tk__hands *h);

/*
 * Set the page up: the calibration anchor (the narrowest of a few
 * bracketed kernel samples), then READY with no hands.  0, or the kernel's
 * -errno, or -ERANGE for a counter that does not advance.  Once, before
 * any reader.
 */
int tk__hands_setup(struct tk__hands *h);

/*
 * CLOCK_MONOTONIC (clock 0) or CLOCK_REALTIME (1) ns: the front, then the
 * slow path.  0 and *ns, or a negative routing value (the kernel's error;
 * -EAGAIN after the bounded retries; -ENOSYS for a page never set up).
 */
int tk__hands_nanotime(
    struct tk__hands *h, int clock, int ordered, int64_t *ns);

/* The slow path alone (src/hands/hands_slow.c). */
int tk__hands_slow(struct tk__hands *h, int clock, int ordered, int64_t *ns);

/*
 * Both clocks from one counter read: the pair a bounded-time read needs
 * (src/truetime/).  0, or a routing value.
 */
int tk__hands_pair(struct tk__hands *h, int64_t *mono_ns, int64_t *real_ns);

/*
 * Wind up now if the hands are due (or none exist yet): 0 when new hands
 * were published, else why not (-EALREADY not due, -EBUSY another winder
 * is closing, -EAGAIN the word moved, -ENOSPC no free slot, -ENOSYS not
 * set up or disabled, the kernel's error).  For the tests, which choose
 * when windups happen.
 */
int tk__hands_wind(struct tk__hands *h);

/* The measured counter frequency in Hz, 0 while there are no hands. */
uint64_t tk__hands_hz(struct tk__hands *h);

/*
 * What the engine is doing, for introspection: 0 no hands yet (set-up or
 * calibrating), 1 running, 2 disabled for good (answers from the kernel,
 * never below the last hands), 3 disabled before any hands (the reads
 * route to the next source); *why a static sentence.
 */
int tk__hands_status(struct tk__hands *h, const char **why);

#endif /* TK_HANDS_H */
