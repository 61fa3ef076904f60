/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The own timehands' slow path: every read the front could not answer.
 * One dispatch over the page's state and the publication word:
 *
 *   WIPED     a fork child's page (MADV_WIPEONFORK): set it up again;
 *   INIT      another thread is setting it up: the kernel's value;
 *   no hands  calibrating: the kernel's value, under the word's V; the
 *             reader that finds the anchor old enough winds the first
 *             hands;
 *   hands     the ring slot the word names: inside its range T(c) (and
 *             the front is refreshed if it is not theirs); past it the
 *             hands are due: wind, or answer as below;
 *   disabled  the kernel's value, never below the final floor.
 *
 * Answers that do not come from hands (docs/design.md "Own timehands:
 * never backwards"): with the word open, max(kernel, floor, V), after a CAS
 * that raises the word's V to it (so the next hands start at or above it);
 * with the word closing, V itself while the closing is fresh, else the
 * reader reopens it at max(kernel, V).  No answer waits for another
 * thread.
 *
 * Every loop is bounded (TK_TH_READ_TRIES passes, two windups a read);
 * after that the caller routes to the next source.
 */
#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "atomic.h"
#include "hands/hands_impl.h"
#include "hands/hands_ticks.h"
#include "timehands.h"

/*
 * CAS attempts of one open-word answer while other readers raise the same
 * word's V: each failure is another answer given, so a few suffice.
 */
#define RAISE_TRIES 8

/* Windup attempts one read may make. */
#define SLOW_WINDS 2

/* A read's result: both clocks, real only when asked for. */
struct slow_out {
	int64_t mono;
	int64_t real;
};

static void
hot_load(const struct tk__hands_hot *s, struct tk__hands_hot *o)
{
	o->flags = tk__load_relaxed(&s->flags);
	o->base_count = tk__load_relaxed(&s->base_count);
	o->windup_count = tk__load_relaxed(&s->windup_count);
	o->mult = tk__load_relaxed(&s->mult);
	o->k_ns = tk__load_relaxed(&s->k_ns);
	o->real_ns = tk__load_relaxed(&s->real_ns);
	o->base_ns = tk__load_relaxed(&s->base_ns);
	o->floor_ns = tk__load_relaxed(&s->floor_ns);
}

int
tk__hands_snap(struct tk__hands *h, struct tk__hands_snap *sn)
{
	struct tk__hands_page *pg = h->page;
	const struct tk__hands_slot *r;
	unsigned slot;
	uint32_t gen;

	/*
	 * Acquire: the slot, cal_* and final_ns are read after the word;
	 * pairs with the releasing CAS that published it (wind_closed(),
	 * reopen(), disable() in src/hands/hands_wind.c).
	 */
	sn->w = tk__load_acquire(&pg->pub.word);
	slot = tk__hands_w_slot(sn->w);
	sn->has_hands = 0;
	if (slot == TK_HANDS_W_NONE) {
		sn->base = tk__load_relaxed(&pg->hdr.cal_k);
		return 0;
	}
	if (slot == TK_HANDS_W_OFF) {
		sn->base = tk__load_relaxed(&pg->hdr.final_ns);
		return 0;
	}
	if (slot >= TK_HANDS_NSLOTS)
		return -EAGAIN; /* not a word of ours */
	r = &pg->ring[slot];
	gen = tk__th_read_begin(&r->hot.gen);
	hot_load(&r->hot, &sn->hot);
	tk__hands_cold_load(&r->cold, &sn->cold);
	if (tk__th_read_retry_even(&r->hot.gen, gen))
		return -EAGAIN;
	sn->has_hands = 1;
	sn->base = sn->hot.floor_ns;
	return 0;
}

/* A kernel read in both clocks: MONOTONIC, and REALTIME when asked. */
static int
kernel_now(struct tk__hands *h, int want_real, struct slow_out *o)
{
	int err = tk__hands_kernel_ns(h, CLOCK_MONOTONIC, &o->mono);

	if (err == 0 && want_real)
		err = tk__hands_kernel_ns(h, CLOCK_REALTIME, &o->real);
	return err;
}

/*
 * The open word w: answer max(kernel, base, V), and raise V to that answer
 * with a CAS on the word, so that every later closing (a CAS from a word
 * at least as new) starts its hands at or above it.  -ERANGE when V would
 * not fit the word any more: the caller winds (which disables).
 */
static int
answer_open(struct tk__hands *h, struct tk__hands_snap *sn, int want_real,
    struct slow_out *o)
{
	uint64_t w = sn->w, wn;
	int64_t v, a;
	int err, tries;

	err = kernel_now(h, want_real && !sn->has_hands, o);
	if (err != 0)
		return err;
	for (tries = 0;; tries++) {
		v = tk__hands_w_v(w, sn->base);
		a = tk__hands_max(o->mono, tk__hands_max(sn->base, v));
		if (a == v)
			break; /* the word's V covers it already */
		wn = tk__hands_w_make(
		    tk__hands_w_slot(w), 0, tk__hands_w_seq(w), a, sn->base);
		if (wn == 0)
			return -ERANGE;
		/*
		 * CAS: V covers our answer before we give it.  Release:
		 * nothing of ours to order; acquire: the hands we answer
		 * for are the word's (partner: the closing CAS in
		 * tk__hands_wind_from(), which fails if V moved).
		 */
		if (tk__cas_acq_rel(&h->page->pub.word, &w, wn)) {
			w = wn;
			break;
		}
		/* Another reader raised V of the same open word: again. */
		if (tries == RAISE_TRIES || (w & TK_HANDS_W_CLOSING) ||
		    tk__hands_w_slot(w) != tk__hands_w_slot(sn->w) ||
		    tk__hands_w_seq(w) != tk__hands_w_seq(sn->w))
			return -EAGAIN;
	}
	sn->w = w; /* a windup closes from the word as it is now */
	o->mono = a;
	if (sn->has_hands)
		o->real = o->mono + sn->hot.real_ns;
	return 0;
}

/*
 * The closing word w: V while the closing is fresh (at most close_ns
 * behind the kernel), else reopen it at max(kernel, V).
 */
static int
answer_closing(struct tk__hands *h, const struct tk__hands_snap *sn,
    int want_real, struct slow_out *o)
{
	int64_t v = tk__hands_w_v(sn->w, sn->base);
	uint64_t w = sn->w, wo;
	int err;

	err = kernel_now(h, want_real && !sn->has_hands, o);
	if (err != 0)
		return err;
	if (tk__hands_isub_sat(o->mono, v) <= tk__hands_tun(&h->close_ns)) {
		o->mono = v;
	} else {
		v = o->mono;
		wo = tk__hands_w_make(
		    tk__hands_w_slot(w), 0, tk__hands_w_seq(w), v, sn->base);
		/*
		 * CAS: the stale closing word is reopened at the kernel's
		 * value; its winder's publication (a CAS from it) now fails.
		 * Release: nothing of ours to order; acquire: partner of the
		 * closing CAS in tk__hands_wind_from().
		 */
		if (wo == 0 || !tk__cas_acq_rel(&h->page->pub.word, &w, wo))
			return -EAGAIN;
		tk__hands_stat(&h->page->stats.closes);
	}
	if (sn->has_hands)
		o->real = o->mono + sn->hot.real_ns;
	return 0;
}

/* An open-word answer; a V too far ahead for the word makes a windup. */
static int
open_or_wind(struct tk__hands *h, struct tk__hands_snap *sn, int want_real,
    struct slow_out *o)
{
	int err = answer_open(h, sn, want_real, o);

	if (err == -ERANGE) {
		(void)tk__hands_wind_from(h, sn);
		err = -EAGAIN;
	}
	return err;
}

/* Is the front a copy of these hands? (A hint: relaxed loads.) */
static int
front_has(const struct tk__hands_page *pg, const struct tk__hands_hot *hot)
{
	uint32_t g = tk__load_relaxed(&pg->front.gen);

	return tk__th_gen_valid(g) &&
	    tk__load_relaxed(&pg->front.base_count) == hot->base_count &&
	    tk__load_relaxed(&pg->front.span) ==
	    hot->windup_count - hot->base_count;
}

/* The word names hands: answer inside them, or handle them being due. */
static int
slow_hands(struct tk__hands *h, struct tk__hands_snap *sn, int ordered,
    int want_real, int *winds, struct slow_out *o)
{
	const struct tk__hands_hot *hot = &sn->hot;
	uint64_t c = h->counter(ordered);
	uint64_t d = c - hot->base_count;
	uint64_t span = hot->windup_count - hot->base_count;

	if (d < span) {
		o->mono = tk__hands_at(hot, c);
		o->real = o->mono + hot->real_ns;
		if (!front_has(h->page, hot))
			tk__hands_mirror(h, hot, sn->w,
			    tk__hands_hist_exact_off(h->page, sn->cold.seq));
		return 0;
	}
	if (d >= TK_HANDS_HALF_RANGE && hot->base_count - c <= span) {
		/* A little below the base (a relaxed read taken early). */
		o->mono = hot->base_ns;
		o->real = o->mono + hot->real_ns;
		return 0;
	}
	if (sn->w & TK_HANDS_W_CLOSING)
		return answer_closing(h, sn, want_real, o);
	if (*winds < SLOW_WINDS) {
		(*winds)++;
		if (tk__hands_wind_from(h, sn) == 0)
			return -EAGAIN; /* read the new hands */
	}
	return open_or_wind(h, sn, want_real, o);
}

/* No hands yet: the kernel's value; the first hands once it is time. */
static int
slow_calibrating(struct tk__hands *h, struct tk__hands_snap *sn, int want_real,
    int *winds, struct slow_out *o)
{
	uint64_t rate, len;
	int err;

	if (sn->w & TK_HANDS_W_CLOSING)
		return answer_closing(h, sn, want_real, o);
	err = open_or_wind(h, sn, want_real, o);
	if (err != 0)
		return err;
	if (*winds < SLOW_WINDS &&
	    (tk__hands_isub_sat(o->mono, sn->base) >=
	            tk__hands_tun(&h->cal_ns) ||
	        tk__hands_memo_read(h, &rate, &len) == 0)) {
		(*winds)++;
		if (tk__hands_wind_from(h, sn) == 0)
			return -EAGAIN;
	}
	return 0;
}

/* One pass over the page: 0 answered, -EAGAIN read again, else route. */
static int
slow_pass(struct tk__hands *h, int ordered, int want_real, int *winds,
    struct slow_out *o)
{
	struct tk__hands_snap sn;
	uint32_t st;
	int err;

	/*
	 * Acquire: the page's other fields are read after its state; pairs
	 * with the release stores of state in page_init() and
	 * tk__hands_reinit() (src/hands/hands_sample.c).
	 */
	st = tk__load_acquire(&h->page->hdr.state);
	if (st == TK_HANDS_WIPED)
		return tk__hands_reinit(h);
	if (st == TK_HANDS_INIT)
		return kernel_now(h, want_real, o);
	if (st != TK_HANDS_READY)
		return -ENOSYS; /* not a state of ours: route */
	if (tk__hands_snap(h, &sn) != 0)
		return -EAGAIN;
	if (sn.has_hands)
		return slow_hands(h, &sn, ordered, want_real, winds, o);
	if (tk__hands_w_slot(sn.w) == TK_HANDS_W_NONE)
		return slow_calibrating(h, &sn, want_real, winds, o);
	/*
	 * Disabled: the kernel, never below the final floor.  Disabled
	 * before any hands, nothing ever ran ahead of the kernel: route.
	 * Relaxed: written before the disabled word, read after its acquire.
	 */
	if (tk__load_relaxed(&h->page->hdr.no_hands))
		return -ENOSYS;
	err = kernel_now(h, want_real, o);
	o->mono = tk__hands_max(o->mono, sn.base);
	return err;
}

/* noinline: the frame it gives tk__hands_held_recover() must be its own. */
__attribute__((noinline)) static int
slow_read(struct tk__hands *h, int ordered, int want_real, struct slow_out *o)
{
	int winds = 0, pass, r;

	tk__hands_held_recover(h, (uintptr_t)__builtin_frame_address(0));
	for (pass = 0; pass < TK_TH_READ_TRIES; pass++) {
		r = slow_pass(h, ordered, want_real, &winds, o);
		if (r != -EAGAIN)
			return r;
	}
	return -EAGAIN;
}

int
tk__hands_slow(struct tk__hands *h, int clock, int ordered, int64_t *ns)
{
	struct slow_out o;
	int err = slow_read(h, ordered, clock != 0, &o);

	if (err == 0)
		*ns = clock ? o.real : o.mono;
	return err;
}

int
tk__hands_nanotime(struct tk__hands *h, int clock, int ordered, int64_t *ns)
{
	if (tk__hands_front_ns(h->page, clock, ordered, h->counter, ns) == 0)
		return 0;
	return tk__hands_slow(h, clock, ordered, ns);
}

int
tk__hands_pair(struct tk__hands *h, int64_t *mono_ns, int64_t *real_ns)
{
	const struct tk__hands_front *f = &h->page->front;
	uint64_t base, span, mult, km, kr, c, m;
	struct slow_out o;
	uint32_t gen;
	int err;

	gen = tk__th_read_begin(&f->gen);
	base = tk__load_relaxed(&f->base_count);
	span = tk__load_relaxed(&f->span);
	mult = tk__load_relaxed(&f->mult);
	km = tk__load_relaxed(&f->k_mono);
	kr = tk__load_relaxed(&f->k_real);
	c = h->counter(1);
	m = tk__mulhi64((uint32_t)c, mult);
	if (!tk__th_read_retry_even(&f->gen, gen) && c - base < span) {
		*mono_ns = (int64_t)(km + m);
		*real_ns = (int64_t)(kr + m);
		return 0;
	}
	err = slow_read(h, 1, 1, &o);
	if (err == 0) {
		*mono_ns = o.mono;
		*real_ns = o.real;
	}
	return err;
}

int
tk__hands_wind(struct tk__hands *h)
{
	struct tk__hands_snap sn;
	uint64_t c;

	/* Acquire: as in slow_pass(). */
	if (tk__load_acquire(&h->page->hdr.state) != TK_HANDS_READY ||
	    tk__hands_snap(h, &sn) != 0)
		return -ENOSYS;
	if (tk__hands_w_slot(sn.w) == TK_HANDS_W_OFF)
		return -ENOSYS;
	tk__hands_held_recover(h, (uintptr_t)__builtin_frame_address(0));
	if (sn.has_hands) {
		c = h->counter(1);
		if (c - sn.hot.base_count <
		    sn.hot.windup_count - sn.hot.base_count)
			return -EALREADY; /* not due */
	}
	return tk__hands_wind_from(h, &sn);
}

uint64_t
tk__hands_hz(struct tk__hands *h)
{
	struct tk__hands_snap sn;
	double r;
	int i;

	for (i = 0; i < TK_TH_READ_TRIES; i++) {
		/* Acquire: as in slow_pass(). */
		if (tk__load_acquire(&h->page->hdr.state) != TK_HANDS_READY)
			return 0;
		if (tk__hands_snap(h, &sn) == 0) {
			if (!sn.has_hands)
				return 0;
			r = tk__hands_rate_d(sn.cold.rate);
			return r > 0 ? (uint64_t)(1e9 / r + 0.5) : 0;
		}
	}
	return 0;
}

int
tk__hands_status(struct tk__hands *h, const char **why)
{
	struct tk__hands_snap sn;

	/* Acquire: as in slow_pass(). */
	if (h->page == NULL ||
	    tk__load_acquire(&h->page->hdr.state) != TK_HANDS_READY ||
	    tk__hands_snap(h, &sn) != 0) {
		*why = "setting up";
		return 0;
	}
	if (sn.has_hands) {
		*why = "running";
		return 1;
	}
	if (tk__hands_w_slot(sn.w) == TK_HANDS_W_NONE) {
		*why = "calibrating";
		return 0;
	}
	/* Relaxed: written before the disabled word (its release CAS). */
	if (tk__load_relaxed(&h->page->hdr.no_hands)) {
		*why = "handed over: the counter failed its first check";
		return 3;
	}
	*why = "disabled: the counter is no longer fit";
	return 2;
}
