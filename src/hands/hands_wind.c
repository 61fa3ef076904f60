/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Winding and publication: how new hands become current.  No lock: the
 * publication word (src/hands/hands_page.h) is closed with a CAS, the
 * kernel sampled, the hands planned (src/hands/hands_plan.c), written into
 * a claimed ring slot and published with a CAS from the closing word; then
 * copied to the front and to the history.
 *
 * Why it never goes back (docs/design.md "Own timehands: never
 * backwards"): every answer is at most max(the current hands' floor, V);
 * readers raise V to their answers by CAS before they give them; the
 * closing word carries V' >= that; the new hands start at B >= V'; and
 * they become current only by the CAS from that very closing word.
 *
 * Why nobody waits, and nobody is stuck: a closing word older than
 * TK_HANDS_CLOSE_NS is reopened by any reader (src/hands/hands_slow.c), so
 * a winder that is preempted, stopped by a debugger or abandoned by a
 * longjmp out of a signal handler holds time back for at most that long;
 * its publication then fails.  A ring slot or the front is written only by
 * the winder that claimed it (src/hands/hands_held.c, tk__hands_claim()):
 * one that never comes back leaves that copy unusable, never torn.  The slot of the
 * current hands is pinned, so a winder resumed after the ring moved on
 * cannot claim it.  A thread taken out of its windup by a longjmp gives
 * back what it held on its next call (src/hands/hands_held.c).
 */
#include <errno.h>
#include <stdint.h>

#include "atomic.h"
#include "hands/hands_impl.h"
#include "timehands.h"

/* Brackets per windup sample; the narrowest is kept (raw_skew.c: 3). */
#define WIND_BRACKETS 3

static void
pause_at(struct tk__hands *h, enum tk__hands_point where)
{
	if (h->pause != NULL)
		h->pause(h, where);
}

/* The slot is not current (any more): claimable again. */
static void
ring_unpin(struct tk__hands_hot *hot)
{
	uint32_t g = tk__load_relaxed(&hot->gen);

	if (!(g & TK_HANDS_GEN_PIN) || (g & 1u))
		return;
	/*
	 * CAS: only the pin bit changes; nothing is ordered by it (the slot's
	 * contents do not change), partner: the claiming CAS in
	 * tk__hands_claim().
	 */
	tk__cas_acq_rel(&hot->gen, &g, g & ~TK_HANDS_GEN_PIN);
}

static void
hot_store(struct tk__hands_hot *d, const struct tk__hands_hot *v)
{
	tk__store_relaxed(&d->flags, v->flags);
	tk__store_relaxed(&d->base_count, v->base_count);
	tk__store_relaxed(&d->windup_count, v->windup_count);
	tk__store_relaxed(&d->mult, v->mult);
	tk__store_relaxed(&d->k_ns, v->k_ns);
	tk__store_relaxed(&d->real_ns, v->real_ns);
	tk__store_relaxed(&d->base_ns, v->base_ns);
	tk__store_relaxed(&d->floor_ns, v->floor_ns);
}

/* The cold half field by field: relaxed, inside the slot's generation. */
#define COLD_FIELDS(X)                                                         \
	X(seq);                                                                \
	X(epoch_seq);                                                          \
	X(rate);                                                               \
	X(rate_len);                                                           \
	X(a_c);                                                                \
	X(a_k);                                                                \
	X(a_w);                                                                \
	X(q_c);                                                                \
	X(q_k);                                                                \
	X(q_w);                                                                \
	X(p_c);                                                                \
	X(p_k);                                                                \
	X(p_w);                                                                \
	X(real_lo);                                                            \
	X(real_hi);                                                            \
	X(flags);                                                              \
	X(slow_since);                                                         \
	X(err_ns);                                                             \
	X(cont_ns);                                                            \
	X(interval_ns);                                                        \
	X(kind)

static void
cold_store(struct tk__hands_cold *d, const struct tk__hands_cold *v)
{
#define STORE_(f) tk__store_relaxed(&d->f, v->f)
	COLD_FIELDS(STORE_);
#undef STORE_
}

void
tk__hands_cold_load(const struct tk__hands_cold *s, struct tk__hands_cold *o)
{
#define LOAD_(f) o->f = tk__load_relaxed(&s->f)
	COLD_FIELDS(LOAD_);
#undef LOAD_
}

/*
 * Give the closing word wc back, open, with V = v: the windup did not
 * publish.  Fails harmlessly if a reader reopened it already.
 */
static void
reopen(struct tk__hands *h, uint64_t wc, int64_t v, int64_t base)
{
	uint64_t wo = tk__hands_w_make(
	    tk__hands_w_slot(wc), 0, tk__hands_w_seq(wc), v, base);

	/*
	 * CAS: release, so that what a re-anchor wrote (cal_*) is visible
	 * to the next winder that closes from this word; partner: the
	 * acquire load of the word in tk__hands_snap().
	 */
	if (wo != 0)
		tk__cas_acq_rel(&h->page->pub.word, &wc, wo);
	tk__hands_stat(&h->page->stats.lost);
}

/*
 * Give up for good, holding the closing word wc: every answer so far is
 * at most vfinal, so every answer from now on is at least that (the
 * kernel's clock, never below it).
 */
static int
disable(struct tk__hands *h, uint64_t wc, int64_t vfinal)
{
	struct tk__hands_page *pg = h->page;

	tk__store_relaxed(&pg->hdr.final_ns, vfinal);
	tk__store_relaxed(&pg->hdr.no_hands,
	    tk__hands_w_slot(wc) == TK_HANDS_W_NONE ? 1u : 0u);
	/*
	 * CAS, release: final_ns is visible before the disabled word; pairs
	 * with the acquire load of the word in tk__hands_snap().  It fails
	 * only if a reader reopened the word: then the next windup decides
	 * again.
	 */
	if (!tk__cas_acq_rel(&pg->pub.word, &wc,
	        tk__hands_w_make(TK_HANDS_W_OFF, 0, tk__hands_w_seq(wc), 0, 0)))
		return -EAGAIN;
	tk__hands_stat(&pg->stats.disables);
	return 0;
}

/*
 * Track a kernel clock that reads like a system call (the clocksource left
 * the TSC, src/hands/hands_page.h TK_HANDS_SLOW_KERNEL_NS): 1 when it has
 * been slow for that long.  The state travels in the hands' cold half.
 */
static int
kernel_gone_slow(struct tk__hands *h, struct tk__hands_cold *nc,
    const struct tk__hands_sample *s, double rate)
{
	double w_ns = (double)s->w * rate;

	if (w_ns <= (double)tk__hands_tun(&h->slow_bracket_ns)) {
		nc->slow_since = 0;
		return 0;
	}
	if (nc->slow_since == 0) {
		nc->slow_since = s->k;
		return 0;
	}
	return tk__hands_isub_sat(s->k, nc->slow_since) >=
	    tk__hands_tun(&h->slow_kernel_ns);
}

/* The history entry of publication seq (src/hands/hands_ticks.c). */
static void
hist_append(struct tk__hands *h, const struct tk__hands_hot *hot, uint64_t seq,
    int64_t v_ns, uint32_t exact_off)
{
	unsigned i = (unsigned)(seq & (TK_HANDS_NHIST - 1u));
	struct tk__hands_hist *e = &h->page->hist[i];
	uint32_t from;

	if (!tk__hands_claim(&e->gen, 0, TK_HELD_HIST, i, &from))
		return; /* a stopped writer has it: this entry is missing */
	tk__store_relaxed(&e->exact_off, exact_off);
	tk__store_relaxed(&e->seq, seq);
	tk__store_relaxed(&e->base_count, hot->base_count);
	tk__store_relaxed(&e->windup_count, hot->windup_count);
	tk__store_relaxed(&e->mult, hot->mult);
	tk__store_relaxed(&e->real_ns, hot->real_ns);
	tk__store_relaxed(&e->base_ns, hot->base_ns);
	tk__store_relaxed(&e->v_ns, v_ns);
	tk__hands_release(&e->gen, TK_HELD_HIST, tk__hands_copy_next(from));
}

static int
same_hands(uint64_t a, uint64_t b)
{
	return tk__hands_w_slot(a) == tk__hands_w_slot(b) &&
	    tk__hands_w_seq(a) == tk__hands_w_seq(b);
}

static void
mirror(struct tk__hands *h, const struct tk__hands_hot *hot, uint64_t w,
    uint32_t exact_off)
{
	struct tk__hands_page *pg = h->page;
	struct tk__hands_front f;
	struct tk__hands_front_ts fts;
	uint32_t from;

	if (!tk__hands_claim(&pg->front.gen, 0, TK_HELD_FRONT, 0, &from))
		return;
	tk__hands_front_of(hot, &f, &fts);
	/*
	 * Acquire: the word is read after the claim; a winder that has
	 * published since pairs with it (its publishing CAS) and will
	 * mirror its own hands.  Hands no longer current get an empty range,
	 * so no fast read takes them even if the counter comes back to them.
	 */
	if (!same_hands(tk__load_acquire(&pg->pub.word), w))
		f.span = 0;
	tk__store_relaxed(&pg->front.exact_off, exact_off);
	tk__store_relaxed(&pg->front.base_count, f.base_count);
	tk__store_relaxed(&pg->front.span, f.span);
	tk__store_relaxed(&pg->front.mult, f.mult);
	tk__store_relaxed(&pg->front.k_mono, f.k_mono);
	tk__store_relaxed(&pg->front.k_real, f.k_real);
	tk__store_relaxed(&pg->front.real_sec, f.real_sec);
	tk__store_relaxed(&pg->front.real_k_lo, f.real_k_lo);
	tk__store_relaxed(&pg->front_ts.mono_sec, fts.mono_sec);
	tk__store_relaxed(&pg->front_ts.mono_k_lo, fts.mono_k_lo);
	pause_at(h, TK_HANDS_AT_FRONT);
	/* Acquire: as above, once more just before the copy goes live. */
	if (!same_hands(tk__load_acquire(&pg->pub.word), w))
		tk__store_relaxed(&pg->front.span, 0);
	tk__hands_release(
	    &pg->front.gen, TK_HELD_FRONT, tk__hands_copy_next(from));
}

/* noinline: the frame it gives tk__hands_held_begin() must be its own. */
__attribute__((noinline)) void
tk__hands_mirror(struct tk__hands *h, const struct tk__hands_hot *hot,
    uint64_t w, uint32_t exact_off)
{
	if (tk__hands_held_begin(h, (uintptr_t)__builtin_frame_address(0)) != 0)
		return;
	mirror(h, hot, w, exact_off);
	tk__hands_held_end();
}

/* Write the planned hands into a free ring slot: its index, or -1. */
static int
ring_write(
    struct tk__hands *h, unsigned cur, const struct tk__hands_plan_out *out)
{
	struct tk__hands_slot *r = h->page->ring;
	uint32_t from = 0;
	unsigned j, i = 0;

	/* A slot neither being written nor pinned (current, or about to be). */
	for (j = 1; j <= TK_HANDS_NSLOTS; j++) {
		i = (cur + j) % TK_HANDS_NSLOTS;
		if (i != cur &&
		    tk__hands_claim(&r[i].hot.gen, TK_HANDS_GEN_PIN,
		        TK_HELD_SLOT, i, &from))
			break;
	}
	if (j > TK_HANDS_NSLOTS)
		return -1;
	hot_store(&r[i].hot, &out->hot);
	pause_at(h, TK_HANDS_AT_WRITING);
	cold_store(&r[i].cold, &out->cold);
	/*
	 * Released pinned (it is about to be current), and noted as pinned
	 * first: a longjmp anywhere here leaves it noted claimed or pinned.
	 */
	tk__hands_held_note(TK_HELD_PIN, i);
	tk__hands_release(&r[i].hot.gen, TK_HELD_SLOT,
	    tk__hands_slot_next(from) | TK_HANDS_GEN_PIN);
	return (int)i;
}

/*
 * Was the winder stopped inside every bracket of sample s (or inside its
 * realtime one)?  Then the kernel's value is known only to the width of
 * the bracket, and the hands would carry that error: a windup samples
 * once more.  A slow kernel clock is wide twice, and is planned from (it
 * is what kernel_gone_slow() watches).  The rate: the hands', or before
 * any, the anchor's.
 */
static int
sample_wide(struct tk__hands *h, const struct tk__hands_snap *sn,
    const struct tk__hands_sample *s)
{
	const struct tk__hands_header *hd = &h->page->hdr;
	uint64_t w = s->w > s->rw ? s->w : s->rw;
	uint64_t dc;
	double rate;

	if (sn->has_hands) {
		rate = tk__hands_rate_d(sn->cold.rate);
	} else {
		/* Relaxed: written before READY, read after its acquire. */
		dc = s->c - tk__load_relaxed(&hd->cal_c);
		if (dc == 0 || dc >= TK_HANDS_HALF_RANGE)
			return 0; /* the planner re-anchors */
		rate =
		    (double)(s->k - tk__load_relaxed(&hd->cal_k)) / (double)dc;
	}
	return (double)w * rate > (double)TK_HANDS_WIDE_NS;
}

/* Sample the kernel (again if too wide) and fill in what a plan needs. */
static int
plan_input(struct tk__hands *h, const struct tk__hands_snap *sn, int64_t vclose,
    struct tk__hands_plan_in *in)
{
	struct tk__hands_page *pg = h->page;
	int err;

	err = tk__hands_sample(h, &in->s, WIND_BRACKETS, 1);
	if (err == 0 && sample_wide(h, sn, &in->s)) {
		tk__hands_stat(&pg->stats.resampled);
		err = tk__hands_sample(h, &in->s, WIND_BRACKETS, 1);
	}
	if (err != 0)
		return err;
	in->c0 = h->counter(1);
	in->bmin = tk__hands_max(vclose, sn->base);
	if (!sn->has_hands)
		in->bmin = tk__hands_max(in->bmin, in->s.k);
	in->hot = sn->has_hands ? &sn->hot : NULL;
	in->cold = sn->has_hands ? &sn->cold : NULL;
	/* Relaxed: written at set-up or by a winder holding the word. */
	in->cal_c = tk__load_relaxed(&pg->hdr.cal_c);
	in->cal_k = tk__load_relaxed(&pg->hdr.cal_k);
	in->cal_w = tk__load_relaxed(&pg->hdr.cal_w);
	if (!sn->has_hands &&
	    tk__hands_memo_read(h, &in->memo_rate, &in->memo_len) != 0)
		in->memo_rate = in->memo_len = 0;
	in->interval_ns = tk__hands_tun(&h->interval_ns);
	in->interval_min_ns = tk__hands_tun(&h->interval_min_ns);
	in->recal_ns = tk__hands_tun(&h->recal_ns);
	in->gap_ns = tk__hands_tun(&h->gap_ns);
	return 0;
}

/*
 * Make the hands in ring slot `slot` current by CAS from the closing word
 * wc: the new word, or 0 if a reader reopened wc meanwhile.  *exact: the
 * counter just after, less the hands' base (TK_HANDS_EXACT_NONE when that
 * is past their range).
 */
static uint64_t
publish(struct tk__hands *h, uint64_t wc, int slot, unsigned cur, int has_old,
    const struct tk__hands_hot *hot, uint32_t *exact)
{
	struct tk__hands_page *pg = h->page;
	uint64_t exp = wc, seen, wn;

	wn = tk__hands_w_make((unsigned)slot, 0, tk__hands_w_seq(wc) + 1,
	    hot->floor_ns, hot->floor_ns);
	if (has_old)
		tk__hands_held_note(TK_HELD_UNPIN, cur);
	/*
	 * CAS, release: the slot (its release store) is visible before the
	 * word names it; pairs with the acquire load of the word in
	 * tk__hands_snap().  It fails if a reader reopened our stale word.
	 */
	if (!tk__cas_acq_rel(&pg->pub.word, &exp, wn)) {
		ring_unpin(&pg->ring[slot].hot);
		tk__hands_held_drop(TK_HELD_PIN);
		tk__hands_held_drop(TK_HELD_UNPIN);
		tk__hands_stat(&pg->stats.lost);
		return 0;
	}
	/*
	 * Until here readers could still answer the closing V: ticks taken
	 * before this counter value are not converted exactly (docs/ticks.md).
	 */
	seen = h->counter(1) - hot->base_count;
	*exact = seen < hot->windup_count - hot->base_count &&
	        seen < TK_HANDS_EXACT_NONE
	    ? (uint32_t)seen
	    : TK_HANDS_EXACT_NONE;
	tk__hands_held_drop(TK_HELD_PIN); /* current now: the word names it */
	if (has_old)
		ring_unpin(&pg->ring[cur].hot);
	tk__hands_held_drop(TK_HELD_UNPIN);
	return wn;
}

static void
count_windup(struct tk__hands_stats *st, const struct tk__hands_plan_out *out)
{
	tk__hands_stat(&st->windups);
	if (out->cold.kind == TK_HANDS_K_STEP)
		tk__hands_stat(&st->steps);
	else if (out->cold.kind == TK_HANDS_K_SLOW)
		tk__hands_stat(&st->slowdowns);
	else if (out->cold.kind == TK_HANDS_K_RESET)
		tk__hands_stat(&st->resets);
	if (out->anomaly)
		tk__hands_stat(&st->anomalies);
}

/*
 * The second half of a windup, holding the closing word wc: plan from the
 * sample, write a slot, publish by CAS from wc, then copy the new hands to
 * the rate memo, the history and the front.  0, or why not.
 */
static int
wind_closed(struct tk__hands *h, const struct tk__hands_snap *sn, uint64_t wc,
    int64_t vclose)
{
	struct tk__hands_plan_in in = { 0 };
	struct tk__hands_plan_out out;
	unsigned cur = tk__hands_w_slot(wc);
	uint64_t wn;
	uint32_t exact = TK_HANDS_EXACT_NONE;
	int err, slot;

	err = plan_input(h, sn, vclose, &in);
	if (err != 0) {
		reopen(h, wc, vclose, sn->base);
		return err;
	}
	err = tk__hands_plan(&in, &out);
	if (err == -EAGAIN) {
		/* The counter went back before the first hands: anchor anew. */
		tk__hands_anchor(h, &in.s);
		reopen(h, wc, vclose, sn->base);
		return -EAGAIN;
	}
	if (err == 0 ||
	    (sn->has_hands &&
	        kernel_gone_slow(
	            h, &out.cold, &in.s, tk__hands_rate_d(out.cold.rate))))
		return disable(h, wc, in.bmin);
	pause_at(h, TK_HANDS_AT_SAMPLED);
	slot = ring_write(h, sn->has_hands ? cur : 0, &out);
	if (slot < 0) {
		reopen(h, wc, vclose, sn->base);
		return -ENOSPC;
	}
	wn = publish(h, wc, slot, cur, sn->has_hands, &out.hot, &exact);
	if (wn == 0)
		return -EAGAIN;
	count_windup(&h->page->stats, &out);
	pause_at(h, TK_HANDS_AT_PUBLISHED);
	tk__hands_memo_write(h, out.cold.rate, out.cold.rate_len);
	hist_append(h, &out.hot, out.cold.seq, vclose, exact);
	mirror(h, &out.hot, wn, exact);
	return 0;
}

/*
 * What readers answer while the word is closed: a value of now, so that
 * nobody answers a stale one.  Shortly past the hands' end (the common
 * case), the hands carried on at the measured rate, which the new hands
 * continue from; after a longer gap, or with no hands, the kernel's value.
 */
static int
closing_value(struct tk__hands *h, const struct tk__hands_snap *sn, int64_t *v)
{
	uint64_t c, past;
	double rate;

	if (sn->has_hands) {
		c = h->counter(1);
		rate = tk__hands_rate_d(sn->cold.rate);
		past = c - sn->hot.windup_count;
		if (past < TK_HANDS_HALF_RANGE &&
		    (double)past * rate <= (double)tk__hands_tun(&h->gap_ns)) {
			*v = sn->hot.floor_ns + (int64_t)((double)past * rate);
			return 0;
		}
	}
	return tk__hands_kernel_ns(h, CLOCK_MONOTONIC, v);
}

static int
wind(struct tk__hands *h, const struct tk__hands_snap *sn)
{
	struct tk__hands_page *pg = h->page;
	uint64_t w = sn->w, wc;
	int64_t k1, vclose;
	int err;

	if (w & TK_HANDS_W_CLOSING)
		return -EBUSY;
	/*
	 * The first hands' one-time checks run before the word is closed:
	 * they take longer than a closing word may be held.  Relaxed: an
	 * idempotent result, any thread may compute it.
	 */
	if (!sn->has_hands && h->first_check != NULL &&
	    tk__load_relaxed(&h->checked) == 0)
		tk__store_relaxed(&h->checked, h->first_check() == 0 ? 1 : -1);
	err = closing_value(h, sn, &k1);
	if (err != 0)
		return err;
	vclose = tk__hands_max(tk__hands_w_v(w, sn->base), k1);
	wc = tk__hands_w_make(tk__hands_w_slot(w), TK_HANDS_W_CLOSING,
	    tk__hands_w_seq(w), vclose, sn->base);
	if (wc == 0) {
		/*
		 * V no longer fits the word (no hands for 18 minutes while
		 * readers kept answering): close at the largest V it holds,
		 * then give up at the real one.
		 */
		wc = tk__hands_w_make(tk__hands_w_slot(w), TK_HANDS_W_CLOSING,
		    tk__hands_w_seq(w), sn->base + (int64_t)TK_HANDS_W_V_MAX,
		    sn->base);
	}
	/*
	 * CAS: the word is ours to publish from.  Acquire, the hands and
	 * cal_* we plan from are those the word names (partner: the
	 * publishing CAS in wind_closed() and reopen()); release, nothing of
	 * ours to order yet.
	 */
	if (!tk__cas_acq_rel(&pg->pub.word, &w, wc))
		return -EAGAIN;
	pause_at(h, TK_HANDS_AT_CLOSED);
	/* Relaxed: see above. */
	if (vclose - sn->base > (int64_t)TK_HANDS_W_V_MAX ||
	    (!sn->has_hands && tk__load_relaxed(&h->checked) < 0))
		return disable(h, wc, tk__hands_max(vclose, sn->base));
	return wind_closed(h, sn, wc, vclose);
}

/* noinline: the frame it gives tk__hands_held_begin() must be its own. */
__attribute__((noinline)) int
tk__hands_wind_from(struct tk__hands *h, const struct tk__hands_snap *sn)
{
	int err;

	if (tk__hands_held_begin(h, (uintptr_t)__builtin_frame_address(0)) != 0)
		return -EBUSY;
	err = wind(h, sn);
	tk__hands_held_end();
	return err;
}
