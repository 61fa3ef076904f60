/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The front records of the FreeBSD fast tier (src/source/fbsd_fast.h says
 * what a record holds and why): made here from a pass of the full reader,
 * once per slot the kernel publishes, by whichever thread's read through
 * the hooks first finds the published record behind the page.
 *
 * Publication, as timekeep's own timehands publish (docs/design.md, "Own
 * timehands"): a ring of TK_FBSD_FRONT_RECS records; a maker claims a free
 * one with a CAS on its busy word, fills it, and publishes it with a CAS on
 * tk__fbsd_front, whose publication number rules out ABA.  So a maker that
 * was preempted or abandoned (a signal handler that never returns) can only
 * hold its own claimed record, never tear the published one; a stale maker
 * whose CAS fails frees its record.  The record the new one replaced is
 * freed after the CAS; a reader still on it sees the word changed after its
 * acquire fence and declines.
 *
 * Invariant: a published record is exact for every counter value it
 * accepts, against libc's binuptime() on its slot; tests/test_fbsd_fast.c
 * compares it with the full reader.
 */
#include <errno.h>

#include "atomic.h"
#include "source/fbsd_fast.h"
#include "source/freebsd.h"

struct tk__fbsd_rec tk__fbsd_recs[TK_FBSD_FRONT_RECS];
uint64_t tk__fbsd_front;

/* Per record: 0 free, 1 claimed by a maker or published. */
static uint32_t rec_busy[TK_FBSD_FRONT_RECS];
/* The page records are made for, or NULL: the front is off. */
static const struct fbsd_vdso_timekeep *front_page;

/* ns per count: 10^9 = 2^9 x 1953125, so M = scale x 10^9 >> s is exact. */
#define FRONT_MAX_SHIFT 9
/* INT64_MAX / 10^9 - 1: two seconds later an int64 ns still holds. */
#define FRONT_NS_MAX_SEC 9223372034
#define FRONT_NS_MIN_SEC (-9223372036)

/*
 * The line of one clock from the slot's base time b: C, sec and cs_hi, as
 * fbsd_fast.h defines them.  base_lo is the low word of the base counter.
 */
static void
front_line(struct tk__fbsd_rec *n, int k, const struct tk_bintime *b,
    unsigned __int128 m, uint32_t base_lo)
{
	unsigned __int128 f = (unsigned __int128)b->frac * 1000000000u;
	uint64_t sec_ns = (uint64_t)b->sec * 1000000000u;
	unsigned __int128 c;

	c = ((unsigned __int128)(sec_ns + (uint64_t)(f >> 64)) << 64 |
	        (uint64_t)f) -
	    m * base_lo;
	n->line[k].c[0] = (uint64_t)c;
	n->line[k].c[1] = (uint64_t)(c >> 64);
	n->line[k].sec = b->sec;
	n->line[k].cs_hi = (uint64_t)(c >> 64) - sec_ns;
	n->span_ns[k] = b->sec >= FRONT_NS_MIN_SEC && b->sec <= FRONT_NS_MAX_SEC
	    ? n->span
	    : 0;
}

int
tk__fbsd_front_make(const struct fbsd_vdso_timekeep *tk,
    const struct tk__fbsd_read *rd, struct tk__fbsd_rec *n)
{
	struct tk_bintime b;
	unsigned s = rd->cpu.shift;
	unsigned __int128 m;
	uint64_t base, per_sec, span;

	if (!rd->cpu.ok || rd->mask != 0xffffffffu || s > FRONT_MAX_SHIFT ||
	    rd->scale == 0)
		return -1;
	/*
	 * The raw counter at the slot's base: th_offset_count in full width,
	 * the low s bits cleared.  Exact: rd->delta is the kernel's 32-bit
	 * delta for the counter read rd->cpu.cnt.
	 */
	base = ((rd->cpu.cnt >> s) - rd->delta) << s;
	/* At most one second of counts, and never past the high word. */
	per_sec = UINT64_MAX / rd->scale;
	span = per_sec >= (1ull << 32) ? 1ull << 32 : per_sec << s;
	if (span > (1ull << 32) - (uint32_t)base)
		span = (1ull << 32) - (uint32_t)base;
	if (span > 0xffffffffu)
		span = 0xffffffffu;
	if (span == 0 || rd->offset.sec == INT64_MAX)
		return -1;
	n->tk = tk;
	n->genp = &tk->tk_th[rd->idx].th_gen;
	n->idx = rd->idx;
	n->gen = rd->gen;
	n->hi = (uint32_t)(base >> 32);
	n->lo = (uint32_t)base;
	n->span = (uint32_t)span;
	n->keep = ~((1u << s) - 1);
	m = ((unsigned __int128)rd->scale * 1000000000u) >> s;
	n->m_lo = (uint64_t)m;
	n->m_hi = (uint64_t)(m >> 64);
	b = rd->offset;
	front_line(n, 0, &b, m, n->lo);
	tk_bintime_add(&b, &rd->boottime);
	if (b.sec == INT64_MAX)
		return -1;
	front_line(n, 1, &b, m, n->lo);
	return 0;
}

/* Copy n into the claimed record r, field by field, each store atomic. */
static void
front_store(struct tk__fbsd_rec *r, const struct tk__fbsd_rec *n)
{
	int k;

	tk__store_relaxed(&r->tk, n->tk);
	tk__store_relaxed(&r->genp, n->genp);
	tk__store_relaxed(&r->idx, n->idx);
	tk__store_relaxed(&r->gen, n->gen);
	tk__store_relaxed(&r->hi, n->hi);
	tk__store_relaxed(&r->lo, n->lo);
	tk__store_relaxed(&r->span, n->span);
	tk__store_relaxed(&r->keep, n->keep);
	tk__store_relaxed(&r->m_lo, n->m_lo);
	tk__store_relaxed(&r->m_hi, n->m_hi);
	for (k = 0; k < 2; k++) {
		tk__store_relaxed(&r->span_ns[k], n->span_ns[k]);
		tk__store_relaxed(&r->line[k].c[0], n->line[k].c[0]);
		tk__store_relaxed(&r->line[k].c[1], n->line[k].c[1]);
		tk__store_relaxed(&r->line[k].sec, n->line[k].sec);
		tk__store_relaxed(&r->line[k].cs_hi, n->line[k].cs_hi);
	}
}

/* 1 if the published record w was made from the slot of rd. */
static int
front_current(uint64_t w, const struct fbsd_vdso_timekeep *tk,
    const struct tk__fbsd_read *rd)
{
	const struct tk__fbsd_rec *r;

	if ((w & TK_FBSD_FRONT_VALID) == 0)
		return 0;
	/* Racy but harmless: a torn match only skips one remaking. */
	r = &tk__fbsd_recs[TK_FBSD_FRONT_INDEX(w)];
	return tk__load_relaxed(&r->tk) == tk &&
	    tk__load_relaxed(&r->idx) == rd->idx &&
	    tk__load_relaxed(&r->gen) == rd->gen;
}

void
tk__fbsd_front_update(
    const struct fbsd_vdso_timekeep *tk, const struct tk__fbsd_read *rd)
{
	struct tk__fbsd_rec n;
	uint64_t w, next;
	uint32_t expect;
	unsigned i;

	/* Relaxed: front_page is set once, by init, before any read. */
	if (tk__load_relaxed(&front_page) != tk)
		return;
	/*
	 * Acquire: the record the word names is read after it; pairs with
	 * the CAS-release below in another maker.
	 */
	w = tk__load_acquire(&tk__fbsd_front);
	if (front_current(w, tk, rd) || tk__fbsd_front_make(tk, rd, &n) != 0)
		return;
	for (i = 0; i < TK_FBSD_FRONT_RECS; i++) {
		expect = 0;
		/*
		 * CAS, acquire: the claim is ordered after the free of the
		 * record, the release store below in the maker that freed
		 * it, and so after the publication that replaced it.
		 */
		if (tk__cas_acq_rel(&rec_busy[i], &expect, 1u))
			break;
	}
	if (i == TK_FBSD_FRONT_RECS)
		return; /* every record held: leave it to the next read */
	/*
	 * Release fence: a reader that sees any field stored below also sees,
	 * after its acquire fence in tk__fbsd_fast_valid(), the word changed
	 * since it chose this record.
	 */
	tk__fence_release();
	front_store(&tk__fbsd_recs[i], &n);
	next = TK_FBSD_FRONT_WORD(TK_FBSD_FRONT_PUB(w) + 1, i);
	/*
	 * CAS, release: the filled record is visible before the word names
	 * it; pairs with the acquire load in tk__fbsd_fast_read().  It fails
	 * when another maker published meanwhile: this record is then freed.
	 */
	if (tk__cas_acq_rel(&tk__fbsd_front, &w, next)) {
		if (w & TK_FBSD_FRONT_VALID)
			i = TK_FBSD_FRONT_INDEX(w);
		else
			return;
	}
	/*
	 * Release: whatever was read of the record before is done before it
	 * can be claimed again; pairs with the CAS-acquire claim above.
	 */
	tk__store_release(&rec_busy[i], 0u);
}

void
tk__fbsd_front_on(const struct fbsd_vdso_timekeep *tk)
{
	uint64_t w;

	tk__store_relaxed(&front_page, tk);
	if (tk != NULL)
		return;
	/*
	 * Withdraw the published record, so the fast tier declines at once;
	 * CAS as in tk__fbsd_front_update(), so a racing maker loses.
	 */
	w = tk__load_relaxed(&tk__fbsd_front);
	while (w & TK_FBSD_FRONT_VALID)
		/* CAS: against a racing maker's in tk__fbsd_front_update(). */
		if (tk__cas_acq_rel(
		        &tk__fbsd_front, &w, (TK_FBSD_FRONT_PUB(w) + 1) << 9)) {
			/* Release: pairs with the CAS-acquire claim. */
			tk__store_release(
			    &rec_busy[TK_FBSD_FRONT_INDEX(w)], 0u);
			break;
		}
}
