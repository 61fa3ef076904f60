/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * State that bounded time publishes for its own readers: the adjtimex
 * provider's last kernel reading, and the VMClock provider's checked
 * publication with its disruption anchor (the first pass of every
 * segment provider reads a one-copy cache instead: tt_cache.h).  Two
 * slots and a current index, read and written with the
 * project's generation protocol (src/timehands.h), so a reader never waits
 * on a writer: the writer fills the slot that is not current and then
 * moves current to it.
 *
 * Writers are whichever readers find an update due; a try-lock word lets
 * one of them through and the others go on with the current slot.  The
 * lock is never waited for and never taken over: a writer that stops
 * half-way (a thread that longjmps out of a signal handler that was
 * refreshing) leaves current as it was, and the providers' bounds keep
 * growing from that last publication, which stays a valid (wider) bound.
 * A signal handler that interrupts a writer on its own thread fails the
 * try-lock and reads the current slot: no deadlock.
 */
#ifndef TK_TT_PUB_H
#define TK_TT_PUB_H

#include <errno.h>
#include <stdint.h>

#include "atomic.h"
#include "timehands.h"

#define TT_PUB_NV 13 /* values a slot holds; each user reads its first nv */

struct tt_pub_slot {
	uint32_t gen; /* 0: being written, as in src/timehands.h */
	uint32_t pad;
	int64_t v[TT_PUB_NV];
};

struct tt_pub {
	uint32_t lock; /* 1 while a writer fills the spare slot */
	uint32_t current; /* 0 or 1 */
	struct tt_pub_slot slot[2];
};

/*
 * The first nv values of the current slot: 0, or -EAGAIN (never written,
 * or out of retries).
 */
static inline __attribute__((always_inline)) int
tt_pub_read(const struct tt_pub *p, int64_t *v, int nv)
{
	for (int i = 0; i < TK_TH_READ_TRIES; i++) {
		uint32_t idx = tk__th_read_current(&p->current) & 1u;
		const struct tt_pub_slot *s = &p->slot[idx];
		uint32_t gen = tk__th_read_begin(&s->gen);

		for (int k = 0; k < nv; k++)
			v[k] = tk__load_relaxed(&s->v[k]);
		if (!tk__th_read_retry(&p->current, &s->gen, idx, gen))
			return 0;
	}
	return -EAGAIN;
}

/* 1 if this caller may write (then tt_pub_unlock), 0 if another is. */
static inline int
tt_pub_trylock(struct tt_pub *p)
{
	uint32_t expect = 0;

	/*
	 * CAS, acquire: the slot stores of tt_pub_write() come after the lock
	 * is taken; pairs with the release store in tt_pub_unlock().
	 */
	return tk__cas_acq_rel(&p->lock, &expect, 1u);
}

/* Publish nv values in the spare slot, then make it current (locked). */
static inline void
tt_pub_write(struct tt_pub *p, const int64_t *v, int nv)
{
	/* Only lock holders change current: a relaxed load sees the last. */
	uint32_t cur = tk__load_relaxed(&p->current) & 1u;
	uint32_t next = cur ^ 1u;
	struct tt_pub_slot *s = &p->slot[next];
	uint32_t gen = tk__th_next_gen(tk__load_relaxed(&p->slot[cur].gen));

	tk__th_write_begin(&s->gen);
	for (int k = 0; k < nv; k++)
		tk__store_relaxed(&s->v[k], v[k]);
	tk__th_write_end(&s->gen, gen, &p->current, next);
}

static inline void
tt_pub_unlock(struct tt_pub *p)
{
	/*
	 * Release: the slot and current stores are visible before the lock
	 * is free; pairs with the CAS in tt_pub_trylock().
	 */
	tk__store_release(&p->lock, 0u);
}

/* Publish if no other writer is at it (a cache: losing is fine). */
static inline void
tt_pub_offer(struct tt_pub *p, const int64_t *v, int nv)
{
	if (tt_pub_trylock(p)) {
		tt_pub_write(p, v, nv);
		tt_pub_unlock(p);
	}
}

/* Forget everything published (tk__tt_reset: no reader runs). */
static inline void
tt_pub_clear(struct tt_pub *p)
{
	tk__store_relaxed(&p->current, 0u);
	tk__store_relaxed(&p->slot[0].gen, 0u);
	tk__store_relaxed(&p->slot[1].gen, 0u);
	tk__store_relaxed(&p->lock, 0u);
}

#endif /* TK_TT_PUB_H */
