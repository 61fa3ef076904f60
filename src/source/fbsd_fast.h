/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The FreeBSD source's inline fast tier: CLOCK_MONOTONIC (clock 0) or
 * CLOCK_REALTIME (clock 1) from the kernel's timekeep page, exactly as
 * FreeBSD libc's binuptime() (lib/libc/sys/__vdso_gettimeofday.c) computes
 * it, in about the time of the counter read itself.  The chosen platform's
 * fast_tiers.h includes this header; the public entry points call
 *
 *	tk__fast_fbsd_ns(clock, ordered, &ns)	0 and ns, or -1
 *	tk__fast_fbsd_ts(clock, &ts)		0 and ts, or -1
 *
 * before anything else, and on -1 go to the source's ordinary hooks
 * (src/source/freebsd.c), whose full reader (fbsd_reader.c) serves every
 * case this tier leaves: no front record yet or any more (the source is not
 * the chosen one, or the page moved on), a counter outside the record's
 * range (a page stale for a second or more, a wrap of the counter's low 32
 * bits), a device counter, a narrow counter mask, an int64 ns out of range.
 *
 * How.  The page's own numbers leave work after the counter read: a shift,
 * a 32-bit delta, a 64 x 64 -> 128 multiply by th_scale, a carry into the
 * seconds, a multiply by 10^9 for the ns.  An ordered read (RDTSCP; ISB,
 * MRS) waits for every earlier instruction, so in a loop of reads all of
 * that is paid on every read.  So the hooks turn each new slot of the page
 * into a front record (fbsd_front.c), once per windup, in which
 *
 *	ns = high64(C + M * (lo & keep))
 *
 * with lo the low 32 bits of the raw counter, keep clearing the bits the
 * kernel drops ("TSC-low" th_x86_shift s), M = th_scale * 10^9 >> s (exact:
 * 10^9 = 2^9 * 1953125, so for s <= 9 nothing is lost) and C the slot's
 * th_offset (+ th_boottime) in 2^-64 ns, minus M times the counter at the
 * slot's base.  That is exactly floor((th_offset + th_scale * delta) *
 * 10^9 / 2^64), libc's bintime2ns() of binuptime(), for every counter value
 * in the record's range: high word hi, low word in [lo, lo + span), which
 * lies after the slot's base and within 2^32 counts of it, where the
 * kernel's 32-bit delta equals the true one.  After the counter read: one
 * AND, one multiply, one add with carry.
 *
 * A timespec read takes the same line less the slot's whole second sec,
 * high64(C - (sec * 10^9 << 64) + M * (lo & keep)): below 2 * 10^9 (the
 * span is at most one second of counts), so tv_sec = sec or sec + 1 with
 * no division, and tv_sec is exact for any second the page holds, past
 * 2262 too (the high word is taken modulo 2^64, where the ns itself may
 * have wrapped).
 *
 * Validation, as libc's loop: the counter is read first; then the page's
 * tk_current and the slot's th_gen must still be the record's, with
 * tk_enabled and tk_ver sane, after an acquire fence; and the counter must
 * lie in the record's range, which starts at the slot's base: a counter
 * read before a windup that replaced the slot cannot pass.  The records are
 * a ring of four, published by a CAS on tk__fbsd_front (fbsd_front.c); the
 * word is read again after the fence, so a record recycled under a reader
 * is never used.  Measured on an Intel Xeon KVM guest (2 vCPUs, Linux 6.18,
 * gcc 12): see docs/freebsd.md, "Speed".
 */
#ifndef TK_SOURCE_FBSD_FAST_H
#define TK_SOURCE_FBSD_FAST_H

#include <stdint.h>
#include <time.h>

#include "abi/fbsd_vdso.h"
#include "atomic.h"
#include "counter.h"

/*
 * One front record: a slot of the page turned into the line above.  Written
 * only while claimed and unpublished (fbsd_front.c); read by the fast tier.
 *   tk, genp    the page and &tk_th[idx].th_gen;
 *   idx, gen    tk_current and that slot's th_gen when it was made;
 *   hi, lo      the raw counter at the slot's base (low s bits cleared):
 *               high and low 32-bit words;
 *   span        the range served: low words lo .. lo + span - 1, at most
 *               one second of counts and never past the high word;
 *   span_ns     per clock: span, or 0 when an int64 ns could leave its
 *               range there (the ns tier then declines);
 *   keep        ~(2^s - 1);
 *   m_lo, m_hi  M, ns per raw count in units of 2^-64 ns;
 *   line[k]     per clock (0 uptime, 1 realtime): C for ns; the slot's
 *               whole second sec, and cs_hi = C's high word less
 *               sec * 10^9 (modulo 2^64) for timespec.
 * 128 bytes, so that the ring's index is one shift.
 */
struct tk__fbsd_rec {
	const struct fbsd_vdso_timekeep *tk;
	const uint32_t *genp;
	uint32_t idx, gen;
	uint32_t hi, lo, span, keep;
	uint32_t span_ns[2];
	uint64_t m_lo, m_hi;
	struct {
		uint64_t c[2]; /* C: low, high word */
		int64_t sec;
		uint64_t cs_hi;
	} line[2];
} __attribute__((aligned(64)));

/*
 * The ring of records and the word that names the published one:
 * (publication number << 9) | (index << 7) | 1, or a word with bit 0
 * clear for none.  The index sits where its byte offset in the ring is
 * (records are 128 bytes), so the reader finds the record with one AND.
 * Hidden, so a PIC read path reaches them RIP-relative.
 */
#define TK_FBSD_FRONT_RECS 4
#define TK_FBSD_FRONT_VALID 1u
#define TK_FBSD_FRONT_OFFSET(w) ((w) & (uint64_t)(TK_FBSD_FRONT_RECS - 1) << 7)
#define TK_FBSD_FRONT_INDEX(w) ((unsigned)((w) >> 7) & (TK_FBSD_FRONT_RECS - 1))
#define TK_FBSD_FRONT_PUB(w) ((w) >> 9)
#define TK_FBSD_FRONT_WORD(pub, i) ((pub) << 9 | (uint64_t)(i) << 7 | 1u)
extern struct tk__fbsd_rec tk__fbsd_recs[TK_FBSD_FRONT_RECS]
    __attribute__((visibility("hidden")));
extern uint64_t tk__fbsd_front __attribute__((visibility("hidden")));

/*
 * The counter as its two 32-bit halves.  A counter_arch.h that has them
 * apart (x86: EDX:EAX) may provide tk__counter_read_split() with the
 * "#define name name" idiom: then the low word goes to the multiply
 * without waiting for the halves to be joined.
 */
#ifndef tk__counter_read_split
static inline __attribute__((always_inline)) uint32_t
tk__counter_read_split(int ordered, uint32_t *hi)
{
	uint64_t t = tk__counter_read(ordered);

	*hi = (uint32_t)(t >> 32);
	return (uint32_t)t;
}
#endif

_Static_assert(sizeof(struct tk__fbsd_rec) == 128, "front record size");

/* What the first part of a read hands to the rest. */
struct tk__fbsd_fast {
	const struct tk__fbsd_rec *r;
	const struct fbsd_vdso_timekeep *tk;
	const uint32_t *genp;
	uint64_t w; /* the publication word read */
	uint32_t v; /* the counter's low word, masked by keep */
};

/*
 * The first part of both tiers: 0 with *f, or -1.  for_ns picks the range:
 * the record's span (timespec) or span_ns[clock] (ns).  Only the word and
 * the record's address come before the counter read: the read waits for
 * every earlier load, and what follows it costs only its own latency.  The
 * page's address follows right after it, for the checks at the end.
 */
static inline __attribute__((always_inline)) int
tk__fbsd_fast_read(int clock, int ordered, int for_ns, struct tk__fbsd_fast *f)
{
	const struct tk__fbsd_rec *r;
	uint32_t lo, hi, span;

	/*
	 * Acquire: the record's fields are read after the word that names
	 * it; pairs with the CAS-release in tk__fbsd_front_update().
	 */
	f->w = tk__load_acquire(&tk__fbsd_front);
	if (__builtin_expect((f->w & TK_FBSD_FRONT_VALID) == 0, 0))
		return -1;
	r = (const void *)((const char *)tk__fbsd_recs +
	    TK_FBSD_FRONT_OFFSET(f->w));
	/*
	 * Not an ordering: hides where r points, so the compiler addresses
	 * the fields from r instead of rebuilding symbol + index for each
	 * (eight instructions fewer on x86-64 with gcc 12).
	 */
	__asm__("" : "+r"(r));
	f->r = r;
	lo = tk__counter_read_split(ordered, &hi);
	f->tk = tk__load_relaxed(&r->tk);
	f->genp = tk__load_relaxed(&r->genp);
	span = for_ns ? tk__load_relaxed(&r->span_ns[clock])
	              : tk__load_relaxed(&r->span);
	if (__builtin_expect(hi != tk__load_relaxed(&r->hi) ||
	            lo - tk__load_relaxed(&r->lo) >= span,
	        0))
		return -1;
	f->v = lo & tk__load_relaxed(&r->keep);
	return 0;
}

/*
 * The last part: 1 when the read is valid: the record was not replaced
 * meanwhile, and its slot is still the page's current one, unchanged, with
 * the page enabled (libc's loop exit test).  One predicted branch per
 * check: on an Intel Xeon KVM guest (Linux 6.18, gcc 12) that read 0.9 ns
 * faster than one branch on the checks or'ed together.
 */
static inline __attribute__((always_inline)) int
tk__fbsd_fast_valid(const struct tk__fbsd_fast *f)
{
	const struct fbsd_vdso_timekeep *tk = f->tk;
	uint32_t idx = tk__load_relaxed(&f->r->idx);
	uint32_t gen = tk__load_relaxed(&f->r->gen);

	/*
	 * Acquire fence: the record's loads above come before the loads
	 * below; pairs with the release fence in tk__fbsd_front_update() (a
	 * record refilled under this reader changes the word first).
	 */
	tk__fence_acquire();
	if (tk__load_relaxed(&tk__fbsd_front) != f->w)
		return 0;
	if (tk__load_relaxed(&tk->tk_current) != idx ||
	    tk__load_relaxed(f->genp) != gen)
		return 0;
	return tk__load_relaxed(&tk->tk_enabled) == 1 &&
	    tk__load_relaxed(&tk->tk_ver) == VDSO_TK_VER_CURR;
}

/*
 * high64(C + M * v) for the 128-bit C = c_hi:c_lo: the exact floor
 * described at the top.  M * v fits in 126 bits (v < 2^32); the sum is
 * taken modulo 2^128.
 */
static inline __attribute__((always_inline)) uint64_t
tk__fbsd_fast_line(
    const struct tk__fbsd_rec *r, uint64_t c_lo, uint64_t c_hi, uint32_t v)
{
	unsigned __int128 p = (unsigned __int128)tk__load_relaxed(&r->m_lo) * v;
	uint64_t lo = (uint64_t)p + c_lo;

	return (uint64_t)(p >> 64) + c_hi + tk__load_relaxed(&r->m_hi) * v +
	    (lo < c_lo);
}

/* 0 and *ns (clock 0 CLOCK_MONOTONIC, 1 CLOCK_REALTIME), or -1. */
static inline __attribute__((always_inline)) int
tk__fast_fbsd_ns(int clock, int ordered, int64_t *ns)
{
	struct tk__fbsd_fast f;

	if (__builtin_expect(tk__fbsd_fast_read(clock, ordered, 1, &f), 0))
		return -1;
	*ns = (int64_t)tk__fbsd_fast_line(f.r,
	    tk__load_relaxed(&f.r->line[clock].c[0]),
	    tk__load_relaxed(&f.r->line[clock].c[1]), f.v);
	return __builtin_expect(tk__fbsd_fast_valid(&f), 1) ? 0 : -1;
}
#define tk__fast_fbsd_ns tk__fast_fbsd_ns

/* 0 and *ts (clock 0 CLOCK_MONOTONIC, 1 CLOCK_REALTIME), or -1. */
static inline __attribute__((always_inline)) int
tk__fast_fbsd_ts(int clock, struct timespec *ts)
{
	struct tk__fbsd_fast f;
	uint64_t x, carry;

	if (__builtin_expect(tk__fbsd_fast_read(clock, 1, 0, &f), 0))
		return -1;
	/* Below 2 x 10^9: one compare instead of a division. */
	x = tk__fbsd_fast_line(f.r, tk__load_relaxed(&f.r->line[clock].c[0]),
	    tk__load_relaxed(&f.r->line[clock].cs_hi), f.v);
	carry = x >= 1000000000u;
	ts->tv_sec =
	    (time_t)(tk__load_relaxed(&f.r->line[clock].sec) + (int64_t)carry);
	ts->tv_nsec = (long)(x - (carry ? 1000000000u : 0));
	return __builtin_expect(tk__fbsd_fast_valid(&f), 1) ? 0 : -1;
}
#define tk__fast_fbsd_ts tk__fast_fbsd_ts

#endif /* TK_SOURCE_FBSD_FAST_H */
