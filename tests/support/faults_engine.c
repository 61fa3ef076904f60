/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fault tests' seam into the tsc source's engine (faults.h): the
 * process's engine and page through tests/support/hands_test.h.  Only
 * tests that run with the tsc source call these; on builds without it this
 * file is compiled but never linked in (nothing references it).
 */
#include <inttypes.h>
#include <stdio.h>

#include "counter.h"
#include "faults.h"
#include "hands_test.h"
#include "timekeep.h"

int
faults_hands_running(void)
{
	return hands_test_state(&tk__tsc_page) == 1;
}

int
faults_wait_hands(void)
{
	int64_t end = faults_kernel_ns() + 1000000000;

	while (!faults_hands_running()) {
		if (faults_kernel_ns() > end)
			return 0;
		(void)tk_nanotime();
		faults_sleep_ns(20000);
	}
	return 1;
}

void
faults_set_interval(int64_t ns)
{
	/* Relaxed: the engine reads its tunables relaxed. */
	tk__store_relaxed(
	    &tk__tsc_hands.interval_ns, ns > 0 ? ns : TK_HANDS_INTERVAL_NS);
}

uint64_t
faults_windups(void)
{
	return tk__load_relaxed(&tk__tsc_page.stats.windups);
}

int
faults_windup_open(void)
{
	return (hands_test_word(&tk__tsc_page) & TK_HANDS_W_CLOSING) != 0;
}

int
faults_fast_read(int64_t *ns)
{
	return tk__hands_front_ns(&tk__tsc_page, 0, 1, tk__counter_read, ns);
}

const void *
faults_wind_entry(void)
{
	return (const void *)&tk__hands_wind_from;
}

void
faults_engine_note(char *buf, size_t size)
{
	const struct tk__hands_stats *s = &tk__tsc_page.stats;

	snprintf(buf, size,
	    "windups %" PRIu64 ", stale closings reopened %" PRIu64
	    ", lost %" PRIu64 ", steps %" PRIu64 ", slowdowns %" PRIu64
	    ", front gen %" PRIu32,
	    tk__load_relaxed(&s->windups), tk__load_relaxed(&s->closes),
	    tk__load_relaxed(&s->lost), tk__load_relaxed(&s->steps),
	    tk__load_relaxed(&s->slowdowns),
	    tk__load_relaxed(&tk__tsc_page.front.gen));
}
