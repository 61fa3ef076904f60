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
 * hostile page (generation stuck at 0) must not hang a reader.  Only
 * snapshot and multiply inside the loop; divide after (as Linux
 * lib/vdso/gettimeofday.c do_hres() does).
 *
 * Writer: see tk__th_write_begin.  timekeep's own pages (src/hands/) use a
 * variant where the generation is also the writer's claim: see
 * tk__th_claim.
 *
 * Every field of a page is touched only through src/atomic.h, so
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
 * bounds-checks it against its ring before it touches the slot.
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

/*
 * The claimed variant (timekeep's own pages, src/hands/): the generation
 * is even and non-zero when the copy is valid, odd while one writer owns
 * it, 0 when it was never written.  A writer claims the copy with a CAS
 * from an even value (0 included) to the next odd one, so two writers never
 * write the same copy at once; it releases it with a release store of the
 * next even value.  A writer that never comes back (a longjmp out of a
 * signal handler) leaves the copy odd, which readers treat as invalid and
 * writers as taken: it is lost, never torn.
 *
 * Reader: gen = tk__th_read_begin(); skip unless tk__th_gen_valid(gen);
 * copy; tk__th_read_retry_even().
 */
static inline int
tk__th_gen_valid(uint32_t gen)
{
	return (gen & 1u) == 0 && gen != 0;
}

/* End a read pass of a claimed copy: non-zero to retry. */
static inline int
tk__th_read_retry_even(const uint32_t *genp, uint32_t gen)
{
	/*
	 * Acquire fence: the copy's relaxed loads (and the counter read)
	 * complete before the generation is loaded again; pairs with the
	 * release semantics of the claiming CAS in tk__th_claim().
	 */
	tk__fence_acquire();
	return !tk__th_gen_valid(gen) || tk__load_relaxed(genp) != gen;
}

/*
 * Claim a copy for writing: 1 and *odd (the claimed generation) if it was
 * valid or never written and is now ours, 0 if another writer owns it.
 */
static inline int
tk__th_claim(uint32_t *genp, uint32_t *odd)
{
	uint32_t g = tk__load_relaxed(genp);

	if (g & 1u)
		return 0;
	/*
	 * CAS, acquire-release: acquire, the previous writer's stores are
	 * complete before ours (its release in tk__th_release()); release,
	 * with the fence below, the odd value is visible before any field
	 * store, as tk__th_write_begin() orders its 0; partner: the acquire
	 * fence in tk__th_read_retry_even().
	 */
	if (!tk__cas_acq_rel(genp, &g, g + 1u))
		return 0;
	/*
	 * Release fence: the odd generation is ordered before the field
	 * stores that follow; pairs with the acquire fence in
	 * tk__th_read_retry_even().
	 */
	tk__fence_release();
	*odd = g + 1u;
	return 1;
}

/* Publish the fields written since tk__th_claim() and give the copy up. */
static inline void
tk__th_release(uint32_t *genp, uint32_t odd)
{
	uint32_t next = odd + 1u == 0 ? 2u : odd + 1u;

	/*
	 * Release: the field stores are visible before the even generation;
	 * pairs with the acquire load in tk__th_read_begin().
	 */
	tk__store_release(genp, next);
}

/* The generation after gen, skipping 0 ("being written"). */
static inline uint32_t
tk__th_next_gen(uint32_t gen)
{
	return gen + 1 == 0 ? 1 : gen + 1;
}

#endif /* TK_TIMEHANDS_H */
