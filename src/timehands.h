/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The generation protocol shared by every timehands page timekeep reads:
 * the FreeBSD kernel's timekeep page (src/source/freebsd.c) and timekeep's
 * own pages (src/source/tsc.c).  It follows FreeBSD sys/kern/kern_tc.c
 * tc_windup() and kern_sharedpage.c timehands_update() on the writer side,
 * and lib/libc/sys/__vdso_gettimeofday.c binuptime() on the reader side.
 *
 * A page is a header with a `current` slot index and a small ring of slots,
 * each with a 32-bit generation; 0 means "being written".  The helpers
 * take pointers to those two words, so both page formats share them.
 *
 * Reader (tk__th_read_current, tk__th_read_begin .. tk__th_read_retry),
 * each pass:
 *   1. idx = current (acquire); out of range -> the caller falls back;
 *   2. gen = slot[idx].gen (acquire);
 *   3. the caller copies the slot's fields with relaxed loads and reads the
 *      counter;
 *   4. acquire fence, then retry unless gen != 0, slot[idx].gen == gen and
 *      current == idx.
 * The caller bounds its passes (TK_TH_READ_TRIES) and then falls back to
 * the system call: FreeBSD, Go and Linux all loop without limit, and a
 * hostile page (generation stuck at 0) must not hang a reader (STYLE 38).
 * Only snapshot and multiply inside the loop; divide after (STYLE 39).
 *
 * Writer: see tk__th_write_begin.
 *
 * Every field of a page is touched only through src/atomic.h (STYLE 36), so
 * ThreadSanitizer checks the protocol without suppressions.
 */
#ifndef TK_TIMEHANDS_H
#define TK_TIMEHANDS_H

#include <stdint.h>

#include "atomic.h"

/*
 * Passes a reader makes before it gives up and falls back.  A real writer
 * holds a slot for well under a microsecond and never the current one, so
 * two passes nearly always suffice; 64 covers a reader preempted across
 * several windups and keeps a hostile page to a bounded cost.
 */
#define TK_TH_READ_TRIES 64

/*
 * Start a read pass, step 1: the index of the current slot.  The caller
 * bounds-checks it against its ring before it touches the slot (STYLE 47).
 */
static inline uint32_t
tk__th_read_current(const uint32_t *current)
{
	/*
	 * Acquire: the slot's generation and fields are loaded after
	 * current; pairs with the release store of current in
	 * tk__th_write_end() (FreeBSD: atomic_load_acq_32(&tk->tk_current)).
	 */
	return tk__load_acquire(current);
}

/* Start a read pass, step 2: the slot's generation (0: retry). */
static inline uint32_t
tk__th_read_begin(const uint32_t *genp)
{
	/*
	 * Acquire: the fields are loaded after the generation; pairs with the
	 * release store of the generation in tk__th_write_end()
	 * (FreeBSD: atomic_load_acq_32(&th->th_gen)).
	 */
	return tk__load_acquire(genp);
}

/*
 * End a read pass: non-zero when the copy just taken may be torn and the
 * pass must be retried.
 */
static inline int
tk__th_read_retry(
    const uint32_t *current, const uint32_t *genp, uint32_t idx, uint32_t gen)
{
	/*
	 * Acquire fence: the relaxed loads of the slot's fields (and the
	 * counter read) complete before the generation and current are
	 * loaded again below; pairs with the release fence in
	 * tk__th_write_begin() (FreeBSD: atomic_thread_fence_acq()).
	 */
	tk__fence_acquire();
	return gen == 0 || tk__load_relaxed(genp) != gen ||
	    tk__load_relaxed(current) != idx;
}

/*
 * The writer's protocol, in full (kern_sharedpage.c timehands_update):
 *   1. pick the slot after current in the ring, never the current one;
 *   2. store 0 in its generation, then a release fence, so a reader that
 *      sees any of the new fields also sees generation 0 or a later
 *      value when it re-checks (tk__th_write_begin);
 *   3. fill the fields with relaxed stores;
 *   4. store the next non-zero generation with release: the fields are
 *      visible before it (tk__th_write_end);
 *   5. store the slot index in current with release: the slot is complete
 *      before a reader can find it there (tk__th_write_end).
 * One writer at a time: the caller serialises writers.
 */
static inline void
tk__th_write_begin(uint32_t *genp)
{
	tk__store_relaxed(genp, 0u);
	/*
	 * Release fence: the 0 above is ordered before the field stores that
	 * follow; pairs with the acquire fence in tk__th_read_retry()
	 * (FreeBSD: atomic_thread_fence_rel()).
	 */
	tk__fence_release();
}

static inline void
tk__th_write_end(uint32_t *genp, uint32_t gen, uint32_t *current, uint32_t idx)
{
	/*
	 * Release: the field stores are visible before the generation; pairs
	 * with the acquire load of the generation in tk__th_read_begin()
	 * (FreeBSD: atomic_store_rel_32(&th->th_gen, gen)).
	 */
	tk__store_release(genp, gen);
	/*
	 * Release: the complete slot is visible before current names it;
	 * pairs with the acquire load of current in tk__th_read_begin()
	 * (FreeBSD: atomic_store_rel_32(&tk->tk_current, idx)).
	 */
	tk__store_release(current, idx);
}

/*
 * tk__th_write_end() for writers that may race each other (timekeep's own
 * pages, where a winder preempted past its lease and the thread that took
 * its lock over can both get here): current moves by CAS from expect, so
 * exactly one of them publishes.  1 if this writer published, 0 if
 * current had moved (its filled slot then stays unpublished).
 */
static inline int
tk__th_write_end_cas(uint32_t *genp, uint32_t gen, uint32_t *current,
    uint32_t expect, uint32_t next)
{
	/*
	 * Release: the field stores are visible before the generation; pairs
	 * with the acquire load of the generation in tk__th_read_begin().
	 */
	tk__store_release(genp, gen);
	/*
	 * CAS, release: the complete slot is visible before current names
	 * it; pairs with the acquire load in tk__th_read_current().
	 */
	return tk__cas_acq_rel(current, &expect, next);
}

/* The generation after gen, skipping 0 ("being written"). */
static inline uint32_t
tk__th_next_gen(uint32_t gen)
{
	return gen + 1 == 0 ? 1 : gen + 1;
}

#endif /* TK_TIMEHANDS_H */
