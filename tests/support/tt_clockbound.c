/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A ClockBound daemon's writer, protocol version 2, written from
 * aws/clock-bound docs/PROTOCOL.md and ShmWriter (clock-bound-shm/src/
 * writer.rs): wipe() lays out magic, size, version 0 and generation 0;
 * new() stores version 2; write() makes the generation odd, copies the
 * ClockErrorBound, then makes it even, skipping 0 on wrap-around (2).
 *
 * One addition to ShmWriter::write: a release fence after the odd
 * generation.  The daemon's release store alone lets the data stores
 * become visible first (the compiler may move them, and arm64 may), and
 * then no reader can tell a torn copy; a correct writer needs the fence,
 * and a test that must fail only for reader bugs needs a correct writer.
 */
#include <string.h>

#include "tt_writers.h"

#define CB_MAGIC0 0x414D5A4Eu /* SHM_MAGIC, clock-bound-shm */
#define CB_MAGIC1 0x43420200u

static void
cb_ts(void *seg, size_t off, int64_t ns)
{
	tt_poke(seg, off, (uint64_t)(ns / 1000000000), 8);
	tt_poke(seg, off + 8, (uint64_t)(ns % 1000000000), 8);
}

void
tt_cb_format(void *seg)
{
	tt_poke(seg, TT_CB_OFF_MAGIC, CB_MAGIC0, 4);
	tt_poke(seg, TT_CB_OFF_MAGIC + 4, CB_MAGIC1, 4);
	tt_poke(seg, TT_CB_OFF_SEGSIZE, TT_CB_SIZE, 4);
	tt_poke(seg, TT_CB_OFF_VERSION, 0, 2);
	tt_poke(seg, TT_CB_OFF_GENERATION, 0, 2);
	for (size_t off = TT_CB_OFF_AS_OF; off < TT_CB_SIZE; off += 8)
		tt_poke(seg, off, 0, 8);
	tt_poke(seg, TT_CB_OFF_VERSION, 2, 2);
}

void
tt_cb_write(void *seg, const struct tt_cb_data *d)
{
	uint16_t *genp = (uint16_t *)((char *)seg + TT_CB_OFF_GENERATION);
	uint16_t gen = __atomic_load_n(genp, __ATOMIC_ACQUIRE);

	if ((gen & 1u) == 0)
		gen++;
	__atomic_store_n(genp, gen, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_RELEASE); /* see the top */
	cb_ts(seg, TT_CB_OFF_AS_OF, d->as_of_ns);
	cb_ts(seg, TT_CB_OFF_VOID_AFTER, d->void_after_ns);
	tt_poke(seg, TT_CB_OFF_BOUND, (uint64_t)d->bound_ns, 8);
	tt_poke(seg, TT_CB_OFF_MARKER, d->disruption_marker, 8);
	tt_poke(seg, TT_CB_OFF_DRIFT, d->max_drift_ppb, 4);
	tt_poke(seg, TT_CB_OFF_STATUS, (uint32_t)d->clock_status, 4);
	tt_poke(seg, TT_CB_OFF_DSUPPORT, d->disruption_support, 1);
	gen++;
	if (gen == 0)
		gen = 2;
	__atomic_store_n(genp, gen, __ATOMIC_RELEASE);
}

void
tt_cb_poke(void *seg, size_t off, uint64_t v, int width)
{
	uint16_t *genp = (uint16_t *)((char *)seg + TT_CB_OFF_GENERATION);
	uint16_t gen = __atomic_load_n(genp, __ATOMIC_ACQUIRE);

	if ((gen & 1u) == 0)
		gen++;
	__atomic_store_n(genp, gen, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_RELEASE); /* see the top */
	tt_poke(seg, off, v, width);
	gen++;
	if (gen == 0)
		gen = 2;
	__atomic_store_n(genp, gen, __ATOMIC_RELEASE);
}
