/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fbclock daemon's writer of the v2 segment, from facebook/time
 * fbclock/fbclock.c fbclock_clockdata_store_data_v2 (layout: fbclock.h
 * at 6be84399): seq loaded and incremented (odd), a full barrier
 * (__sync_synchronize), the fbclock_clockdata_v2 copied, a full barrier,
 * seq incremented again, 0 skipped on wrap-around (seq += 2).
 * tt_fb_write_paced calls between() after each field, as a writer that
 * is slow or preempted mid-copy would pause: tests use it to widen the
 * window in which a reader's copy can tear.  tt_fb_poke changes one
 * field under the same protocol, as a (hostile) daemon would.
 */
#include "tt_writers.h"

void
tt_fb_write(void *seg, const struct tt_fb_data *d)
{
	tt_fb_write_paced(seg, d, NULL);
}

void
tt_fb_write_paced(void *seg, const struct tt_fb_data *d, void (*between)(void))
{
	const struct {
		size_t off;
		uint64_t v;
		int width;
	} f[] = {
		{ TT_FB_OFF_INGRESS, (uint64_t)d->ingress_time_ns, 8 },
		{ TT_FB_OFF_EB, d->error_bound_ns, 4 },
		{ TT_FB_OFF_HOLDOVER, d->holdover_multiplier_ns, 4 },
		{ TT_FB_OFF_SMEAR, d->clock_smearing_start_s, 8 },
		{ TT_FB_OFF_PRE, (uint16_t)d->utc_offset_pre_s, 2 },
		{ TT_FB_OFF_POST, (uint16_t)d->utc_offset_post_s, 2 },
		{ TT_FB_OFF_CLOCKID, d->clock_id, 4 },
		{ TT_FB_OFF_PHC, (uint64_t)d->phc_time_ns, 8 },
		{ TT_FB_OFF_SYS, (uint64_t)d->sysclock_time_ns, 8 },
		{ TT_FB_OFF_COEF, (uint64_t)d->coef_ppb, 8 },
	};
	uint64_t *seqp = (uint64_t *)((char *)seg + TT_FB_OFF_SEQ);
	uint64_t seq = __atomic_load_n(seqp, __ATOMIC_SEQ_CST);

	seq++;
	__atomic_store_n(seqp, seq, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		tt_poke(seg, f[i].off, f[i].v, f[i].width);
		if (between != NULL)
			between();
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	seq++;
	if (seq == 0)
		seq += 2;
	__atomic_store_n(seqp, seq, __ATOMIC_SEQ_CST);
}

void
tt_fb_poke(void *seg, size_t off, uint64_t v, int width)
{
	uint64_t *seqp = (uint64_t *)((char *)seg + TT_FB_OFF_SEQ);
	uint64_t seq = __atomic_load_n(seqp, __ATOMIC_SEQ_CST) | 1u;

	__atomic_store_n(seqp, seq, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	tt_poke(seg, off, v, width);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(seqp, seq + 1, __ATOMIC_SEQ_CST);
}
