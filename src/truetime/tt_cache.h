/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A segment provider's checked publication: what the first reader to see
 * a new publication of a segment derived from it (the key that tells that
 * publication from any other, and the constants a read needs), for every
 * later read to use without copying and checking the segment again.
 *
 * One copy under the claimed variant of the generation protocol
 * (src/timehands.h, tk__th_claim): even and non-zero when valid, odd while
 * one writer fills it, 0 when never written.  A reader makes one pass and
 * never waits: a copy being written, or changed under it, sends it to its
 * provider's slow path, which copies and checks the segment itself (within
 * the segment's own retry bound) and offers the result here.  Writers are
 * such readers; the claim lets one through and the others go on without
 * publishing (a cache: losing is fine).  A writer that never comes back (a
 * longjmp out of a signal handler that was refreshing) leaves the copy odd:
 * every read then takes the slow path, which stays correct, only slower.
 * A copy older than the segment (two writers finishing out of order) is
 * told by its key and replaced at the next read.
 */
#ifndef TK_TT_CACHE_H
#define TK_TT_CACHE_H

#include <stdint.h>

#include "atomic.h"
#include "platform.h"
#include "timehands.h"
#include "truetime/tt.h"

#define TT_CACHE_NV 14 /* values a copy holds; each user reads its first nv */

struct tt_cache {
	uint32_t gen; /* tk__th_claim's generation */
	uint32_t pad;
	int64_t v[TT_CACHE_NV];
};

/* One pass: 0 and the first nv values, or -1 (never written, busy, torn). */
static inline __attribute__((always_inline)) int
tt_cache_read(const struct tt_cache *c, int64_t *v, int nv)
{
	uint32_t gen = tk__th_read_begin(&c->gen);

	for (int k = 0; k < nv; k++)
		v[k] = tk__load_relaxed(&c->v[k]);
	return tk__th_read_retry_even(&c->gen, gen) ? -1 : 0;
}

/* Publish nv values unless another writer holds the copy. */
static inline void
tt_cache_offer(struct tt_cache *c, const int64_t *v, int nv)
{
	uint32_t odd;

	if (!tk__th_claim(&c->gen, &odd))
		return;
	for (int k = 0; k < nv; k++) {
		tk__store_relaxed(&c->v[k], v[k]);
		if (TK_UNLIKELY(tk__tt_hooks.cache_between != NULL))
			tk__tt_hooks.cache_between();
	}
	tk__th_release(&c->gen, odd);
}

/* Forget the copy (tk__tt_reset: no reader runs). */
static inline void
tt_cache_clear(struct tt_cache *c)
{
	tk__store_relaxed(&c->gen, 0u);
}

#endif /* TK_TT_CACHE_H */
