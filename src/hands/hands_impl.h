/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the engine's own files share (src/hands/hands_*.c); nothing outside
 * src/hands/ includes this.
 */
#ifndef TK_HANDS_IMPL_H
#define TK_HANDS_IMPL_H

#include <stdint.h>
#include <time.h>

#include "atomic.h"
#include "hands/hands.h"
#include "hands/hands_plan.h"

#define TK_HANDS_HALF_RANGE (UINT64_C(1) << 63)

/*
 * A ring slot's generation (src/timehands.h, the claimed variant) carries
 * one more bit: PIN, set by the winder that is about to publish the slot
 * and cleared by the next publisher once the slot is no longer current.
 * A pinned slot cannot be claimed, so the current hands can never be taken
 * by a winder that was stopped before the last publications and resumed
 * (docs/design.md "Own timehands: winding").  Readers ignore the bit.
 */
#define TK_HANDS_GEN_PIN 2u
#define TK_HANDS_GEN_STEP 4u

/* A relaxed load of a tunable: any recent value will do. */
static inline int64_t
tk__hands_tun(const int64_t *p)
{
	return tk__load_relaxed(p);
}

/* A statistics count: relaxed, a lost race loses one. */
static inline void
tk__hands_stat(uint64_t *p)
{
	tk__store_relaxed(p, tk__load_relaxed(p) + 1);
}

static inline int64_t
tk__hands_max(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/*
 * What a windup holds, noted per thread (src/hands/hands_held.c) so that a
 * thread taken out of its windup by a longjmp gives it back on its next
 * call.  begin fails with -EBUSY inside a windup of this thread (a signal
 * handler that interrupted it): such a call does not wind.  Every copy a
 * windup writes is claimed with tk__hands_claim() and given up with
 * tk__hands_release().
 */
enum tk__hands_held_kind {
	TK_HELD_SLOT, /* a ring slot claimed (odd) */
	TK_HELD_PIN, /* a ring slot pinned, not yet published */
	TK_HELD_UNPIN, /* the old slot, to unpin once the new one is out */
	TK_HELD_FRONT, /* the front claimed */
	TK_HELD_HIST, /* a history entry claimed */
	TK_HELD_MEMO, /* the rate memo claimed */
	TK_HELD_NKINDS
};

int tk__hands_held_begin(struct tk__hands *h, uintptr_t frame);
void tk__hands_held_end(void);
void tk__hands_held_note(enum tk__hands_held_kind k, unsigned idx);
void tk__hands_held_drop(enum tk__hands_held_kind k);
/*
 * Claim the copy at *genp (kind k, index idx) unless its generation has a
 * bit of busy or is odd: 1 and *from (the generation before), or 0.
 */
int tk__hands_claim(uint32_t *genp, uint32_t busy, enum tk__hands_held_kind k,
    unsigned idx, uint32_t *from);
/* Publish a claimed copy's fields with the even generation next. */
void tk__hands_release(
    uint32_t *genp, enum tk__hands_held_kind k, uint32_t next);
/* Give back what an abandoned windup of this thread held (frame: ours). */
void tk__hands_held_recover(struct tk__hands *h, uintptr_t frame);

/* The generation after from: of a ring slot (unpinned), of another copy. */
static inline uint32_t
tk__hands_slot_next(uint32_t from)
{
	uint32_t next = (from & ~3u) + TK_HANDS_GEN_STEP;

	return next != 0 ? next : TK_HANDS_GEN_STEP;
}

static inline uint32_t
tk__hands_copy_next(uint32_t from)
{
	return from + 2u != 0 ? from + 2u : 2u;
}

/* The kernel clock id in ns: 0, or its -errno. */
int tk__hands_kernel_ns(struct tk__hands *h, clockid_t id, int64_t *ns);

/*
 * The narrowest of n brackets counter / CLOCK_MONOTONIC / counter, then
 * one around CLOCK_REALTIME when real.  0, -EAGAIN if the counter went back
 * in every bracket, or the kernel's error.
 */
int tk__hands_sample(
    struct tk__hands *h, struct tk__hands_sample *s, int n, int real);

/* Anchor the calibration at s: the first hands measure their rate from it. */
void tk__hands_anchor(struct tk__hands *h, const struct tk__hands_sample *s);

/* The rate a parent measured before it forked: 0, or -ENOENT. */
int tk__hands_memo_read(struct tk__hands *h, uint64_t *rate, uint64_t *len);
void tk__hands_memo_write(struct tk__hands *h, uint64_t rate, uint64_t len);

/* WIPED after set-up (a fork child): set the page up again, one thread. */
int tk__hands_reinit(struct tk__hands *h);

/*
 * A validated copy of the current state: the publication word (open or
 * closing), the hands it names if any, and base, the value its V is
 * relative to (the hands' floor, or cal_k before any hands).
 */
struct tk__hands_snap {
	uint64_t w;
	int has_hands;
	int64_t base;
	struct tk__hands_hot hot;
	struct tk__hands_cold cold;
};

/* The cold half of a slot, field by field (relaxed). */
void tk__hands_cold_load(
    const struct tk__hands_cold *s, struct tk__hands_cold *o);

/* 0 and *sn, or -EAGAIN (a slot changing under the read). */
int tk__hands_snap(struct tk__hands *h, struct tk__hands_snap *sn);

/*
 * A windup from the open word sn->w (src/hands/hands_wind.c): 0 when new
 * hands (or the disabled state) were published; -EAGAIN, -ENOSPC or the
 * kernel's error otherwise.
 */
int tk__hands_wind_from(struct tk__hands *h, const struct tk__hands_snap *sn);

/*
 * Refresh the front from the current hands hot (published as w) if the
 * front is not already theirs and nobody else is writing it; exact_off is
 * the front's (src/hands/hands_page.h).
 */
void tk__hands_mirror(struct tk__hands *h, const struct tk__hands_hot *hot,
    uint64_t w, uint32_t exact_off);

#endif /* TK_HANDS_IMPL_H */
