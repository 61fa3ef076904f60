/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * timekeep's own timehands: the page format, its inline reader and the
 * windup engine's interface (src/hands.c).  The generation protocol is the
 * one in src/timehands.h (FreeBSD kern_tc.c tc_windup() on the writer side,
 * lib/libc/sys/__vdso_gettimeofday.c binuptime() on the reader side); the
 * page format is our own (DESIGN decision 3), built so that a read is one
 * counter read, one 64x64->128 multiply and one add.
 *
 * The engine is generic over its counter and its kernel clock: both are
 * function pointers in struct tk__hands, so the tests build private pages
 * over a fake counter and a fake kernel, and src/source/tsc.c instantiates
 * it with the TSC and the vDSO.
 *
 * Invariants (each argued where it is kept, in src/hands.c):
 *   I1  A set of hands H answers T_H(c) = k_ns + mulhi(c mod 2^32, mult)
 *	 only for counter values c in [base_count, windup_count), a range
 *	 that never crosses a multiple of 2^32; the reader that finds c
 *	 outside goes to the slow path.
 *   I2  Every answer ever derived from H is at most T_H(windup_count), or
 *	 at most V, the value in the lock word while a windup of H is in
 *	 progress, where V >= T_H(windup_count).
 *   I3  The hands that replace H start at a value B >= V >= T_H(windup):
 *	 so time never goes back across a windup, whatever the new rate, and
 *	 however late a reader's counter read executes.
 *   I4  A due reader never waits: it winds up itself (try-lock), or
 *	 answers min(its own value, V) while another thread holds the lock.
 */
#ifndef TK_HANDS_H
#define TK_HANDS_H

#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "atomic.h"
#include "timehands.h"

/*
 * The page format.  Who writes: only the engine in src/hands.c, a windup
 * at a time (the lock below), always through src/atomic.h.  Who reads:
 * the inline reader below (hot fields of the current slot), the engine's
 * slow path (everything), and the tests.  What may never change within a
 * version: every offset and size checked by the static assertions after
 * struct tk__hands_page, the magic, and the meaning of `current`.  A
 * reader of a page it did not initialise itself must check magic, version
 * and size first (src/source/tsc.c reads only its own page).
 *
 *   offset  size  what                       read by
 *      0      64  header (current, state)    every read (current)
 *     64   4 x 64 slot[]: the hands' hot half every read (one slot)
 *    320   4 x 64 split[]: timespec line     timespec reads (one)
 *    576      64  writer: lock, claims       the slow path
 *    640      64  stats                      tests, diagnostics
 *    704  4 x 192 cold[]: engine state       the next windup
 *   1472    2624  padding to one page
 *
 * The windup lock is not in the header's line, so that a CAS on it does
 * not take the line holding `current` away from every reader.
 *
 * The page is exactly 4096 bytes so that the production page can own a
 * whole page and be marked MADV_WIPEONFORK (src/source/tsc.c).
 */
#define TK_HANDS_MAGIC 0x3173646e61686b74ull /* "tkhands1", little-endian */
#define TK_HANDS_VERSION 1u
#define TK_HANDS_NSLOTS 4u /* the ring; a power of two */
#define TK_HANDS_SLOT_MASK (TK_HANDS_NSLOTS - 1u)
#define TK_HANDS_CUR_SHIFT 6 /* log2(sizeof(struct tk__hands_slot)) */
#define TK_HANDS_CUR_OFF (TK_HANDS_SLOT_MASK << TK_HANDS_CUR_SHIFT)
#define TK_HANDS_CUR_SEQ 8 /* the publication number's first bit */
#define TK_HANDS_PAGE_SIZE 4096u

/* hdr.state: the page's life.  Only the slow path looks at it. */
enum tk__hands_state {
	TK_HANDS_WIPED = 0, /* all zero: never set up, or wiped by fork */
	TK_HANDS_INIT = 1, /* a thread is setting the page up */
	TK_HANDS_CALIBRATING =
	    2, /* no hands yet: answers come from the kernel */
	TK_HANDS_RUNNING = 3, /* hands published */
	TK_HANDS_DISABLED = 4, /* given up: answers max(kernel, floor_ns) */
};

/*
 * The header: one cache line.  `current` is read by every fast read;
 * everything else only by the slow path.
 *
 *   magic	TK_HANDS_MAGIC once set up; 0 in a fresh or wiped page.
 *   version	TK_HANDS_VERSION.
 *   size	sizeof(struct tk__hands_page).
 *   state	enum tk__hands_state (release store, acquire load).
 *   current	(publication number << 8) | (slot index << 6): bits 6-7
 *		are the slot's byte offset in slot[], so a reader finds its
 *		slot with one AND (TK_HANDS_CUR_OFF), which is also its bounds
 *		check (STYLE 47), and no shift: the AND sits on the chain of
 *		dependent loads before the counter read, which RDTSCP waits
 *		for (measured on the Zen 4 KVM guest, kernel 6.18: and+shl+add
 *		there cost 0.3 ns a read).  The publication number makes the
 *		publishing CAS immune to ABA: a stale writer's compare-and-swap
 *		cannot succeed after the ring has gone round (2^24
 *		publications: 46 hours at 100/s).  The reader passes the whole
 *		word to tk__th_read_retry().  0 until the first publication.
 *   cal_c	the calibration anchor, taken at set-up: bracket midpoint
 *   cal_k	(counter), CLOCK_MONOTONIC ns, bracket width (counts).  The
 *   cal_w	first hands measure their rate from it.
 *   check_ns	CLOCK_MONOTONIC of the last re-check of the counter's
 *		fitness (h->recheck); claimed by CAS so one thread runs it.
 *   bad	set once a re-check failed: the next windup disables.
 */
struct tk__hands_header {
	uint64_t magic;
	uint32_t version;
	uint32_t size;
	uint32_t state;
	uint32_t current;
	uint64_t cal_c;
	int64_t cal_k;
	uint64_t cal_w;
	int64_t check_ns;
	uint32_t bad;
	uint32_t reserved;
};

/*
 * A slot's hot half: one cache line, all a fast read loads.  Written by
 * the winder that claimed the slot, between tk__th_write_begin() and the
 * release store of gen; never while the slot is current.
 *
 *   gen		generation, 0 while being written (src/timehands.h).
 *   reserved		0.
 *   base_count		the counter at the junction where these hands start.
 *   windup_count	the first counter value these hands do not serve: a
 *			reader at or past it (or below base_count) takes the
 *			slow path and winds up.  Never past the next multiple
 *			of 2^32 above base_count (nor past UINT64_MAX), so
 *			the counter's high half is constant over the range.
 *   mult		ns per count x 2^64: a counter faster than 1 GHz is
 *			needed (the source declines slower ones).
 *   k_ns		base_ns - mulhi(base_count mod 2^32, mult), mod 2^64,
 *			so that T(c) = k_ns + mulhi(c mod 2^32, mult): one
 *			multiply of the counter's low half, which the counter
 *			read leaves in a register as it is (EAX): no joining
 *			of EDX:EAX on the data path (the range check uses the
 *			whole value, off the data path).  T(base_count) ==
 *			base_ns exactly, and T is non-decreasing in c.
  *   real_ns		CLOCK_REALTIME - CLOCK_MONOTONIC at the windup.
 */
struct tk__hands_slot {
	uint32_t gen;
	uint32_t reserved;
	uint64_t base_count;
	uint64_t windup_count;
	uint64_t mult;
	uint64_t k_ns;
	int64_t real_ns;
	uint64_t reserved2[2];
};

/*
 * What a timespec read needs beyond the hot half, one cache line per slot
 * in a parallel array (the same byte offset finds it), written and read
 * under the slot's generation.  For CLOCK_MONOTONIC, then CLOCK_REALTIME:
 *
 *   sec	the whole second T is in at base_count;
 *   k_lo	k_ns (+ real_ns) - sec * 10^9, mod 2^64.
 *
 * T(c) - sec * 10^9 = k_lo + mulhi(c mod 2^32, mult) is in [0, 2 * 10^9),
 * because a range spans at most half a second: one compare against 10^9
 * finishes the split, and no division is needed.  (Tried and measured
 * slower on the Zen 4 KVM guest: the counter value at which the second
 * rolls over, compared in parallel with the multiply.  It is one more
 * live value, and the callee-saved registers GCC 12 then spills cost more
 * than the compare it moves off the chain.)
 */
struct tk__hands_split {
	int64_t sec;
	uint64_t k_lo;
	int64_t real_sec;
	uint64_t real_k_lo;
	uint64_t reserved[4];
};

/*
 * The windup lock and the slot claims: their own cache line, so a CAS on
 * the lock does not take `current` away from the readers.
 *
 *   lock	free: (uint64_t)current << 3, the hands it is free *for*; a
 *		winder's CAS from it fails if the hands changed since the
 *		winder looked (no ABA).  held: (V & ~7) | tag, where V is the
 *		value the new hands will start at (rounded down to 8 ns,
 *		which only lowers what frozen readers answer) and tag 1 for
 *		the winder, 2..7 for a thief that took over a lock older than
 *		its lease (tk__hands_slow()).
 *   claim[i]	0, or the held lock word of the writer that owns slot i:
 *		a writer fills only a slot it claimed, so a preempted writer
 *		and the thief that replaced it never share a slot.
 *   floor_ns	DISABLED: every answer is at least this (the last V).
 *   memo_busy	1 while a writer updates the struct tk__hands_memo.
 *   noslot_ns	0, or the kernel time since which no slot could be
 *		claimed (TK_HANDS_STUCK_NS).
 */
struct tk__hands_writer {
	uint64_t lock;
	uint64_t claim[TK_HANDS_NSLOTS];
	int64_t floor_ns;
	uint32_t memo_busy;
	uint32_t reserved;
	int64_t noslot_ns;
};

/* Counts for tests and diagnostics; relaxed, approximate under races. */
struct tk__hands_stats {
	uint64_t windups; /* hands published */
	uint64_t steals; /* locks taken over after their lease */
	uint64_t steps; /* windups that stepped forward */
	uint64_t slowdowns; /* windups that slowed by more than the slew */
	uint64_t anomalies; /* counter/kernel disagreements: re-anchored */
	uint64_t resets; /* the counter went backwards */
	uint64_t disables;
	uint64_t lost; /* windups abandoned (lost a race) */
};

/*
 * A slot's cold half: the engine's own state, published with the hands
 * under the same generation, so that a windup continues from exactly the
 * state of the hands it replaces (and a torn read is caught by gen).
 *
 *   base_ns	T(base_count).
 *   rate	the kernel clock's ns per count x 2^64, as measured (mult is
 *		rate plus the slew that corrects the error).
 *   rate_len	the baseline rate was measured over, in counts.
 *   a_*, q_*	the anchor samples the rate is measured from (a) and the
 *		next anchor (q): midpoint counter, kernel ns, bracket width.
 *   p_*	the previous windup's sample (short-baseline checks).
 *   real_lo,	the interval of REALTIME - MONOTONIC offsets consistent with
 *   real_hi	every sample since the last realtime step.
 *   flags	TK_HANDS_F_*.
 *   err_ns	T_old - kernel at the junction, before correction.
 *   floor_ns	T_old(windup_count of the hands replaced): I3's bound.
 *   cont_ns	T_old(base_count): what continuity would start at.
 *   kind	how the windup went (TK_HANDS_W_*).
 *   prev_cur	hdr.current of the hands these replace (0 for the first).
 */
struct tk__hands_cold {
	int64_t base_ns;
	uint64_t rate;
	uint64_t rate_len;
	uint64_t a_c;
	int64_t a_k;
	uint64_t a_w;
	uint64_t q_c;
	int64_t q_k;
	uint64_t q_w;
	uint64_t p_c;
	int64_t p_k;
	uint64_t p_w;
	int64_t real_lo;
	int64_t real_hi;
	uint64_t flags;
	int64_t err_ns;
	int64_t floor_ns;
	int64_t cont_ns;
	uint64_t kind;
	uint64_t prev_cur;
	uint64_t reserved[4];
};

#define TK_HANDS_F_RECAL 1u /* re-anchored: next windup remeasures the rate */

enum tk__hands_kind {
	TK_HANDS_W_FIRST = 1, /* the first hands, from the calibration */
	TK_HANDS_W_SLEW, /* continuous; error corrected by <= the slew */
	TK_HANDS_W_STEP, /* behind by more than a slew: stepped forward */
	TK_HANDS_W_DROP, /* ahead after a gap: restarted at the floor */
	TK_HANDS_W_SLOW, /* ahead by more than a slew: slowed harder */
	TK_HANDS_W_RESET, /* the counter went backwards */
	TK_HANDS_W_FOLLOW, /* the kernel clock itself went back a lot */
};

struct tk__hands_page {
	struct tk__hands_header hdr;
	struct tk__hands_slot slot[TK_HANDS_NSLOTS];
	struct tk__hands_split split[TK_HANDS_NSLOTS];
	struct tk__hands_writer wr;
	struct tk__hands_stats stats;
	struct tk__hands_cold cold[TK_HANDS_NSLOTS];
	unsigned char pad[TK_HANDS_PAGE_SIZE - 64 - 2 * 64 * TK_HANDS_NSLOTS -
	    64 - 64 - 192 * TK_HANDS_NSLOTS];
};

_Static_assert(sizeof(struct tk__hands_header) == 64, "header: one line");
_Static_assert(sizeof(struct tk__hands_slot) == 64, "slot: one line");
_Static_assert(sizeof(struct tk__hands_split) == 64, "split: one line");
_Static_assert(sizeof(struct tk__hands_writer) == 64, "writer: one line");
_Static_assert(sizeof(struct tk__hands_stats) == 64, "stats: one line");
_Static_assert(sizeof(struct tk__hands_cold) == 192, "cold: three lines");
_Static_assert(sizeof(struct tk__hands_page) == TK_HANDS_PAGE_SIZE,
    "the page is one page");
_Static_assert(__builtin_offsetof(struct tk__hands_page, slot) == 64,
    "slots follow the header");
_Static_assert(__builtin_offsetof(struct tk__hands_page, split) == 320,
    "the split lines follow the slots");
_Static_assert(__builtin_offsetof(struct tk__hands_page, wr) == 576,
    "then the writer's line");
_Static_assert(__builtin_offsetof(struct tk__hands_page, cold) == 704,
    "then the cold halves");
_Static_assert(
    __builtin_offsetof(struct tk__hands_slot, mult) == 24, "slot layout");

/*
 * What a forked child keeps of its parent's calibration (src/source/tsc.c
 * holds one outside the wiped page): the kernel rate and how long it was
 * measured over, so the child publishes hands at once instead of spending
 * TK_HANDS_CAL_NS on kernel reads.  Written with the generation protocol
 * (writers serialised by hdr memo_busy); `current` is always 0.
 */
struct tk__hands_memo {
	uint32_t gen;
	uint32_t current;
	uint64_t rate;
	uint64_t rate_len;
};

/*
 * Tunables, with the reasoning for each value (the engine reads them with
 * relaxed loads, so a test may change them while readers run).
 *
 * TK_HANDS_INTERVAL_NS, 10 ms: hands are wound up every 10 ms, so
 *	- a realtime step (settimeofday, an NTP step, a leap second) shows in
 *	  tk_walltime within 10 ms (DESIGN decision 7);
 *	- a change of the kernel's rate by NTP of x ppm costs at most
 *	  x ppm x 10 ms before it is measured (10 ns for 1 ppm);
 *	- after a counter reset (I2: answers are bounded by T(windup)) the
 *	  clock may run at most one interval ahead;
 *	- a windup costs ~0.4 us (four vDSO calls, five RDTSCP, arithmetic),
 *	  0.004% of a CPU at 100 windups/s.
 *	Shorter would buy little: after warm-up the rate is known to ~0.05
 *	ppm (bracket width ~50 ns over a 1-2 s baseline), 0.5 ns per 10 ms.
 * TK_HANDS_INTERVAL_MIN_NS, 1 ms: while the baseline is short (just after
 *	calibration or a re-anchor) the interval is a quarter of it, but not
 *	below this: the rate error over a baseline L is ~100 ns / L, so a
 *	quarter-baseline interval accumulates <= 25 ns.
 * TK_HANDS_RECAL_NS, 250 us: the interval right after an anomaly, whose
 *	hands still carry the old, possibly wrong, rate.
 * TK_HANDS_CAL_NS, 10 ms: the baseline before the first hands.  The
 *	kernel answers until then; 10 ms gives ~10 ppm worst case, which
 *	the first 2.5 ms interval turns into < 25 ns.
 * TK_HANDS_LEASE_NS, 100 us: a lock held longer is taken over.  A windup
 *	holds it ~100 ns; an interrupt in a KVM guest costs 1-20 us; only a
 *	preempted or vanished (longjmp out of a signal handler) winder is
 *	older.  Frozen readers are behind by at most this much.
 * TK_HANDS_RECHECK_NS, 1 s: how often h->recheck (the kernel's
 *	clocksource) runs, at a windup; it costs three system calls.
 * TK_HANDS_SLEW_PPM, 500: the rate may differ from the measured kernel
 *	rate by at most this to remove an error (the kernel's own NTP slew
 *	limit, MAXFREQ in kernel/time/ntp.c): 5 us per 10 ms interval.
 * TK_HANDS_SLOWDOWN_PCT, 50: a clock found ahead by more than one
 *	interval's slew (only after an anomaly: a suspend the counter ran
 *	through, a frequency change) may run this much slower, to converge
 *	within an interval instead of over seconds.
 * TK_HANDS_ANOMALY_PPM, 2000: a short-baseline rate this far (beyond its
 *	measurement noise) from the estimate is not NTP (which moves the
 *	kernel rate by <= 500 ppm) but the counter: frequency change,
 *	suspend, migration.  The engine then re-anchors.
 * TK_HANDS_ANCHOR_NS, 1 s: the rate is measured over a baseline of 1-2 s.
 * TK_HANDS_FOLLOW_NS, 1 s: if the kernel's clock is found more than this
 *	behind ours, the kernel's clock itself moved back for this process
 *	(setns into another time namespace, a checkpoint restored elsewhere):
 *	the hands follow it rather than run a second ahead for ever.
 * TK_HANDS_STUCK_NS, 1 s: a windup that finds no free slot (three writers
 *	vanished holding claims) for this long disables the page.
 */
#define TK_HANDS_INTERVAL_NS 10000000LL
#define TK_HANDS_INTERVAL_MIN_NS 1000000LL
#define TK_HANDS_RECAL_NS 250000LL
#define TK_HANDS_CAL_NS 10000000LL
#define TK_HANDS_LEASE_NS 100000LL
#define TK_HANDS_RECHECK_NS 1000000000LL
#define TK_HANDS_SLEW_PPM 500
#define TK_HANDS_SLOWDOWN_PCT 50
#define TK_HANDS_ANOMALY_PPM 2000
#define TK_HANDS_ANCHOR_NS 1000000000LL
#define TK_HANDS_FOLLOW_NS 1000000000LL
#define TK_HANDS_STUCK_NS 1000000000LL

/*
 * One engine instance: a page plus the functions it runs on.  Process
 * memory, not shared; src/source/tsc.c has one, each test builds its own.
 *
 *   counter	the counter: ordered (1) or relaxed (0) read.
 *   kernel	the reference clock, clock_gettime-shaped: 0 or -errno.
 *		Asked for CLOCK_MONOTONIC and CLOCK_REALTIME only.
 *   recheck	NULL, or 0 while the counter is still fit (the kernel's
 *		clocksource is still "tsc"); anything else disables.
 *   memo	NULL, or where the rate survives a fork (see above).
 *   held	NULL, or called by a winder just after it took the lock:
 *		the tests play a winder preempted in its critical section.
 *   ready	set by tk__hands_setup(): a page found all zero after that
 *		was wiped by fork and is set up again.
 *   *_ns	the tunables above; relaxed atomics.
 */
struct tk__hands {
	struct tk__hands_page *page;
	struct tk__hands_memo *memo;
	uint64_t (*counter)(int ordered);
	int (*kernel)(clockid_t id, struct timespec *ts);
	int (*recheck)(void);
	void (*held)(void);
	int ready;
	int64_t interval_ns;
	int64_t interval_min_ns;
	int64_t recal_ns;
	int64_t cal_ns;
	int64_t lease_ns;
	int64_t recheck_ns;
};

/* floor(a * b / 2^64): the one multiply of a read. */
static inline uint64_t
tk__mulhi64(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
	return (uint64_t)(((unsigned __int128)a * b) >> 64);
#else
	uint64_t a_lo = a & 0xffffffffu, a_hi = a >> 32;
	uint64_t b_lo = b & 0xffffffffu, b_hi = b >> 32;
	uint64_t lo = a_lo * b_lo, m1 = a_hi * b_lo, m2 = a_lo * b_hi;
	uint64_t mid = (lo >> 32) + (m1 & 0xffffffffu) + (m2 & 0xffffffffu);

	return a_hi * b_hi + (m1 >> 32) + (m2 >> 32) + (mid >> 32);
#endif
}

/* The slot hdr.current names: its byte offset is in the word. */
static inline __attribute__((always_inline)) const struct tk__hands_slot *
tk__hands_cur_slot(const struct tk__hands_page *pg, uint32_t cur)
{
	return (const struct tk__hands_slot *)(const void *)((const char *)
	                                                         pg->slot +
	    (cur & TK_HANDS_CUR_OFF));
}

/* The split line of the slot hdr.current names. */
static inline __attribute__((always_inline)) const struct tk__hands_split *
tk__hands_cur_split(const struct tk__hands_page *pg, uint32_t cur)
{
	return (const struct tk__hands_split *)(const void *)((const char *)
	                                                          pg->split +
	    (cur & TK_HANDS_CUR_OFF));
}

/*
 * The fast read, shared by both forms below: one pass of the generation
 * protocol over the current slot (src/timehands.h, steps 1-4), the counter
 * read, and *v = k + mulhi(c mod 2^32, mult), where k is k_ns (+ real_ns
 * for abs), or with split the split line's k_lo (real_k_lo) and *sec its
 * whole second.  0, or -EAGAIN: "take the slow path" (torn or changing
 * slot, generation 0 in a zero or wiped page, counter outside
 * [base_count, windup_count)).
 *
 * Only the dependent chain after the counter read is exposed to a caller
 * that reads the clock in a loop: RDTSCP waits for all older instructions,
 * so the previous call's multiply is on its critical path, while the loads
 * before the counter read overlap the previous RDTSCP.  So everything that
 * can be is computed before the counter read (the slot offset, the span,
 * k + real_ns), and after it there is one subtract and compare (a
 * predicted branch, off the data path), one multiply of the counter's low
 * half as RDTSC(P) left it in EAX, and one add.  The multiply is issued
 * straight after the counter read, before the retry check (a torn copy
 * only makes a product that is thrown away): so the low half is consumed
 * while it is still in EAX, and GCC 12 does not rebuild it from the joined
 * EDX:EAX (shl, or, mov: 0.4-1.0 ns a read, measured on the Zen 4 KVM
 * guest, kernel 6.18).
 *
 * counter must be a static inline function for this to inline into one
 * straight line: with a constant pointer the compiler calls it directly.
 */
static inline __attribute__((always_inline)) int
tk__hands_pass(const struct tk__hands_page *pg, int abs, int ordered,
    uint64_t (*counter)(int), int split, uint64_t *v, int64_t *sec)
{
	const struct tk__hands_slot *s;
	const struct tk__hands_split *x;
	uint64_t base, span, mult, k, c;
	uint32_t cur, gen;

	cur = tk__th_read_current(&pg->hdr.current);
	s = tk__hands_cur_slot(pg, cur);
	gen = tk__th_read_begin(&s->gen);
	if (__builtin_expect(gen == 0, 0))
		return -EAGAIN; /* no hands: skip the counter read */
	base = tk__load_relaxed(&s->base_count);
	span = tk__load_relaxed(&s->windup_count) - base;
	mult = tk__load_relaxed(&s->mult);
	if (!split) {
		k = tk__load_relaxed(&s->k_ns);
		if (abs)
			k += (uint64_t)tk__load_relaxed(&s->real_ns);
	} else {
		x = tk__hands_cur_split(pg, cur);
		*sec = abs ? tk__load_relaxed(&x->real_sec)
		           : tk__load_relaxed(&x->sec);
		k = abs ? tk__load_relaxed(&x->real_k_lo)
		        : tk__load_relaxed(&x->k_lo);
	}
	c = counter(ordered);
	*v = k + tk__mulhi64((uint32_t)c, mult);
	if (__builtin_expect(
	        tk__th_read_retry(&pg->hdr.current, &s->gen, cur, gen) ||
	            c - base >= span,
	        0))
		return -EAGAIN;
	return 0;
}

/* CLOCK_MONOTONIC (abs 0) or CLOCK_REALTIME ns: 0 and *ns, or -EAGAIN. */
static inline __attribute__((always_inline)) int
tk__hands_fast(const struct tk__hands_page *pg, int abs, int ordered,
    uint64_t (*counter)(int), int64_t *ns)
{
	uint64_t v;

	if (tk__hands_pass(pg, abs, ordered, counter, 0, &v, NULL) != 0)
		return -EAGAIN;
	*ns = (int64_t)v;
	return 0;
}

/*
 * The same read as a timespec, with no division (struct tk__hands_split):
 * after the pass, one compare and a conditional subtract.
 */
static inline __attribute__((always_inline)) int
tk__hands_fast_ts(const struct tk__hands_page *pg, int abs, int ordered,
    uint64_t (*counter)(int), struct timespec *ts)
{
	uint64_t v;
	int64_t sec;

	if (tk__hands_pass(pg, abs, ordered, counter, 1, &v, &sec) != 0)
		return -EAGAIN;
	if (v >= 1000000000u) {
		v -= 1000000000u;
		sec++;
	}
	ts->tv_sec = (time_t)sec;
	ts->tv_nsec = (long)v;
	return 0;
}

/* Fill the tunables with the defaults above (before first use). */
void tk__hands_defaults(struct tk__hands *h);

/*
 * Set the page up for the first time: a calibration anchor (the narrowest
 * of a few bracketed kernel samples) and a rough rate from a second anchor
 * ~20 us later, so the caller can refuse a counter of 1 GHz or slower.
 * Then the page is CALIBRATING.  0 with *hz the rough counter frequency,
 * or -errno (-ERANGE: counter at or below 1.05 GHz, or not advancing;
 * the kernel's error otherwise).  Not thread-safe: once, before readers.
 */
int tk__hands_setup(struct tk__hands *h, uint64_t *hz);

/* The fast read through h->counter, then the slow path if needed. */
int tk__hands_nanotime(struct tk__hands *h, int abs, int ordered, int64_t *ns);

/*
 * The slow path: answers in every state (kernel clock while calibrating
 * or disabled, frozen at the junction during another thread's windup),
 * winds up due hands, sets a wiped page up again.  Bounded; 0 and *ns, or
 * a negative routing value (the kernel's error, or -EAGAIN after
 * TK_TH_READ_TRIES torn passes).
 */
int tk__hands_slow(struct tk__hands *h, int abs, int ordered, int64_t *ns);

/* The measured counter frequency in Hz, 0 while there are no hands. */
uint64_t tk__hands_hz(struct tk__hands *h);

/*
 * A windup in two halves, for the tests that play a preempted winder: begin
 * samples the kernel, computes the new hands from the current ones,
 * claims a slot and takes the lock (0), or fails (-EBUSY: the lock is
 * taken; -ENOSPC: no free slot; -EAGAIN: the hands changed or are not
 * running; the kernel's error).  end writes and publishes the slot and
 * releases what begin took: 0, or -EAGAIN when another thread published
 * first (the lock was taken over).  The slow path runs the same code.
 */
struct tk__hands_wind {
	uint32_t cur; /* hdr.current the windup replaces */
	uint32_t idx; /* the slot claimed */
	uint64_t expect; /* the lock word it replaced */
	uint64_t word; /* the lock word it holds */
	int64_t v; /* the value the new hands start at */
	int64_t vlock; /* V as the lock word carries it (<= v) */
	int thief; /* taking over a lock past its lease */
	int disable; /* disable instead of publishing */
	struct tk__hands_slot hot;
	struct tk__hands_split split;
	struct tk__hands_cold cold;
};

int tk__hands_wind_begin(struct tk__hands *h, struct tk__hands_wind *w);
int tk__hands_wind_end(struct tk__hands *h, struct tk__hands_wind *w);

#endif /* TK_HANDS_H */
