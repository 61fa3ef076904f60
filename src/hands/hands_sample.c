/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The engine's set-up and its kernel samples: the calibration anchor, the
 * bracketed reads of the kernel clock every windup starts from, the rate
 * kept across fork, and the page set up again in a fork child.
 *
 * A bracket is an ordered counter read, the kernel's clock_gettime, and an
 * ordered counter read: each ordered read waits for the instructions
 * before it, so the kernel's own counter read lies inside, and the
 * narrowest of a few brackets locates the kernel's value within its width
 * (Linux tools/testing/selftests/timers/raw_skew.c brackets the same way).
 */
#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "atomic.h"
#include "hands/hands_impl.h"
#include "timehands.h"

#define NS_PER_SEC 1000000000LL
/*
 * Brackets for the calibration anchor: a few more than a windup's, but the
 * first read waits for them.
 */
#define ANCHOR_BRACKETS 4

int
tk__hands_kernel_ns(struct tk__hands *h, clockid_t id, int64_t *ns)
{
	struct timespec ts;
	int err = h->kernel(id, &ts);

	if (err != 0)
		return err;
	*ns = (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
	return 0;
}

int
tk__hands_sample(
    struct tk__hands *h, struct tk__hands_sample *s, int n, int real)
{
	uint64_t c0, c1, best = UINT64_MAX;
	int64_t k;
	int i, err;

	*s = (struct tk__hands_sample){ 0 };
	c0 = h->counter(1);
	for (i = 0; i < n; i++) {
		err = tk__hands_kernel_ns(h, CLOCK_MONOTONIC, &k);
		if (err != 0)
			return err;
		c1 = h->counter(1);
		if (c1 - c0 < best) {
			best = c1 - c0;
			s->c = c0 + best / 2;
			s->w = best;
			s->k = k;
		}
		c0 = c1;
	}
	if (best >= TK_HANDS_HALF_RANGE)
		return -EAGAIN;
	if (!real)
		return 0;
	err = tk__hands_kernel_ns(h, CLOCK_REALTIME, &s->r);
	if (err != 0)
		return err;
	c1 = h->counter(1);
	s->rw = c1 - c0 < TK_HANDS_HALF_RANGE ? c1 - c0 : 0;
	s->rc = c0 + s->rw / 2;
	return 0;
}

void
tk__hands_anchor(struct tk__hands *h, const struct tk__hands_sample *s)
{
	struct tk__hands_header *hd = &h->page->hdr;

	/*
	 * Relaxed: written before READY (set-up) or while this thread holds
	 * the closing word (a re-anchor), read after an acquire of either.
	 */
	tk__store_relaxed(&hd->cal_c, s->c);
	tk__store_relaxed(&hd->cal_k, s->k);
	tk__store_relaxed(&hd->cal_w, s->w);
}

int
tk__hands_memo_read(struct tk__hands *h, uint64_t *rate, uint64_t *len)
{
	struct tk__hands_memo *m = h->memo;
	uint32_t gen;

	if (m == NULL)
		return -ENOENT;
	gen = tk__th_read_begin(&m->gen);
	*rate = tk__load_relaxed(&m->rate);
	*len = tk__load_relaxed(&m->rate_len);
	if (tk__th_read_retry_even(&m->gen, gen) || *rate == 0)
		return -ENOENT;
	return 0;
}

void
tk__hands_memo_write(struct tk__hands *h, uint64_t rate, uint64_t len)
{
	struct tk__hands_memo *m = h->memo;
	uint32_t from;

	if (m == NULL || !tk__hands_claim(&m->gen, 0, TK_HELD_MEMO, 0, &from))
		return; /* another writer has it: its rate will do */
	tk__store_relaxed(&m->rate, rate);
	tk__store_relaxed(&m->rate_len, len);
	tk__hands_release(&m->gen, TK_HELD_MEMO, tk__hands_copy_next(from));
}

/* The page's header and its first publication word: READY, no hands. */
static int
page_init(struct tk__hands *h)
{
	struct tk__hands_page *pg = h->page;
	struct tk__hands_sample s;
	int err;

	err = tk__hands_sample(h, &s, ANCHOR_BRACKETS, 0);
	if (err != 0)
		return err;
	tk__hands_anchor(h, &s);
	tk__store_relaxed(&pg->hdr.magic, TK_HANDS_MAGIC);
	tk__store_relaxed(&pg->hdr.version, TK_HANDS_VERSION);
	tk__store_relaxed(&pg->hdr.size, (uint32_t)sizeof(*pg));
	tk__store_relaxed(&pg->hdr.final_ns, INT64_MIN);
	/* Relaxed: made visible by the release store of READY below. */
	tk__store_relaxed(
	    &pg->pub.word, tk__hands_w_make(TK_HANDS_W_NONE, 0, 0, s.k, s.k));
	/*
	 * Release: the header and the word are complete before READY; pairs
	 * with the acquire load of state in tk__hands_slow().
	 */
	tk__store_release(&pg->hdr.state, (uint32_t)TK_HANDS_READY);
	return 0;
}

void
tk__hands_defaults(struct tk__hands *h)
{
	h->interval_ns = TK_HANDS_INTERVAL_NS;
	h->interval_min_ns = TK_HANDS_INTERVAL_MIN_NS;
	h->recal_ns = TK_HANDS_RECAL_NS;
	h->cal_ns = TK_HANDS_CAL_NS;
	h->close_ns = TK_HANDS_CLOSE_NS;
	h->gap_ns = TK_HANDS_GAP_NS;
	h->slow_kernel_ns = TK_HANDS_SLOW_KERNEL_NS;
	h->slow_bracket_ns = TK_HANDS_SLOW_BRACKET_NS;
}

int
tk__hands_setup(struct tk__hands *h)
{
	int err = page_init(h);

	if (err == 0)
		/* Relaxed: set before the engine is shared with any reader. */
		tk__store_relaxed(&h->ready, 1);
	return err;
}

int
tk__hands_reinit(struct tk__hands *h)
{
	uint32_t st = TK_HANDS_WIPED;
	int err;

	/* Relaxed: see tk__hands_setup(). */
	if (!tk__load_relaxed(&h->ready))
		return -ENOSYS;
	/*
	 * CAS: one thread sets up; the others see INIT and answer from the
	 * kernel.  Acquire-release for symmetry with the state's release
	 * stores; partner: the acquire load of state in tk__hands_slow().
	 */
	if (!tk__cas_acq_rel(&h->page->hdr.state, &st, (uint32_t)TK_HANDS_INIT))
		return -EAGAIN;
	/*
	 * A fork child has one thread; if it forked inside a windup (a
	 * signal handler's fork), that windup's holdings were the parent's.
	 */
	tk__hands_held_end();
	err = page_init(h);
	if (err != 0) {
		/* Release: partner, the acquire load in tk__hands_slow(). */
		tk__store_release(
		    &h->page->hdr.state, (uint32_t)TK_HANDS_WIPED);
		return err;
	}
	return -EAGAIN;
}
