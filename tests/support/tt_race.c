/* SPDX-License-Identifier: BSD-2-Clause */
/* The bounded-time race's accounting, threads and verdict (tt_race.h). */
#include <pthread.h>
#include <stdio.h>

#include "tk_test.h"
#include "tt_race.h"

void
tt_race_note(struct tt_race_reader *rd, const struct tk_truetime *tt,
    int64_t lo, int64_t hi, int64_t slack)
{
	if (tt->status == TK_TRUETIME_UNKNOWN) {
		rd->unknown++;
		return;
	}
	rd->bounded++;
	if (lo - tt->earliest_ns < rd->worst_early)
		rd->worst_early = lo - tt->earliest_ns;
	if (tt->latest_ns - hi < rd->worst_late)
		rd->worst_late = tt->latest_ns - hi;
	if (rd->prev_latest != INT64_MIN &&
	    tt->latest_ns - (rd->prev_latest - rd->prev_slack) < rd->worst_step)
		rd->worst_step =
		    tt->latest_ns - (rd->prev_latest - rd->prev_slack);
	rd->prev_latest = tt->latest_ns;
	rd->prev_slack = slack;
}

void
tt_race_run(void *(*writer)(void *), void *warg, int *stop,
    void *(*reader)(void *), struct tt_race_reader rd[2], uint64_t n)
{
	pthread_t w, th[2];

	assert_int_equal(pthread_create(&w, NULL, writer, warg), 0);
	for (int i = 0; i < 2; i++) {
		rd[i] = (struct tt_race_reader){ .n = n,
			.worst_early = INT64_MAX,
			.worst_late = INT64_MAX,
			.worst_step = INT64_MAX,
			.prev_latest = INT64_MIN };
		assert_int_equal(
		    pthread_create(&th[i], NULL, reader, &rd[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	__atomic_store_n(stop, 1, __ATOMIC_RELAXED);
	pthread_join(w, NULL);
}

void
tt_race_check(const struct tt_race_reader *rd, int i, int64_t step_min)
{
	printf("[          ] reader %d: %llu bounded, %llu unknown; least "
	       "margin early %lld ns, late %lld ns, step %lld ns (at least "
	       "%lld)\n",
	    i, (unsigned long long)rd[i].bounded,
	    (unsigned long long)rd[i].unknown, (long long)rd[i].worst_early,
	    (long long)rd[i].worst_late, (long long)rd[i].worst_step,
	    (long long)step_min);
	assert_int64_le(0, rd[i].worst_early);
	assert_int64_le(0, rd[i].worst_late);
	assert_int64_le(step_min, rd[i].worst_step);
}
