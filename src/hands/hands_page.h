/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The own timehands' page: its layout, the publication word and the
 * tunables.  Nothing here runs; docs/design.md "Own timehands" tells the
 * whole story and draws the page.
 *
 * Who writes: the engine (src/hands/), through src/atomic.h only.  Who
 * reads: the inline fast tier (src/hands/hands_fast.h, the front lines),
 * the slow path (src/hands/hands_slow.c, everything), tick conversion
 * (src/hands/hands_ticks.c, the history) and the tests.  What may never
 * change within TK_HANDS_VERSION: every offset asserted at the end of this
 * file and the encoding of the publication word.
 *
 *   offset   size  what                      read by
 *        0     64  front: the current hands  every fast read
 *       64     64  front, second line        timespec reads
 *      128     64  header                    the slow path
 *      192     64  publication word          the slow path, winders
 *      256    128  stats                     tests, diagnostics
 *      384  8x256  ring: hot line + cold     the slow path, winders
 *     2432  ...    history: 512 x 64         tick conversion
 *
 * The whole page is wiped by fork (MADV_WIPEONFORK, src/source/tsc.c), so
 * its size is a multiple of 4096.
 */
#ifndef TK_HANDS_PAGE_H
#define TK_HANDS_PAGE_H

#include <stdint.h>

#define TK_HANDS_MAGIC 0x3273646e61686b74ull /* "tkhands2", little-endian */
#define TK_HANDS_VERSION 2u
#define TK_HANDS_NSLOTS 8u /* the ring */
#define TK_HANDS_NHIST 512u /* the history: a power of two */
#define TK_HANDS_PAGE_ALIGN 4096u

/*
 * The front: what a fast read loads, at a fixed address (no pointer, no
 * index).  A copy of the current hands, written by the winder that
 * published them (or by a reader that finds it stale), under its own
 * generation: even and non-zero valid, odd being written.  A writer claims
 * the front by moving gen from even to odd with a CAS, so there is only one
 * writer at a time; readers never wait for it (they take the slow path).
 *
 *   base_count	the counter where these hands start.
 *   span		windup_count - base_count: a counter c with
 *			c - base_count >= span is past the hands (or before
 *			them) and takes the slow path.  The range never crosses
 *			a multiple of 2^32, so the counter's low half is enough
 *			for the multiply.
 *   exact_off	tick conversion only (src/hands/hands_ticks.c): a tick c
 *		with c - base_count below it was taken before every reader
 *		saw these hands (some still answered the closing V), so the
 *		front does not convert it; TK_HANDS_EXACT_NONE: not known.
 *   mult		ns per count x 2^64 (a counter faster than 1 GHz).
 *   k_mono	T(c) = k_mono + mulhi(c mod 2^32, mult), CLOCK_MONOTONIC.
 *   k_real	the same plus REALTIME - MONOTONIC.
 *   real_sec,	for a CLOCK_REALTIME timespec with no division: T + real
 *   real_k_lo	- real_sec x 10^9 = real_k_lo + mulhi(c mod 2^32, mult),
 *		below 2 x 10^9 over the range (it spans at most 1/2 s).
 */
struct tk__hands_front {
	uint32_t gen;
	uint32_t exact_off;
	uint64_t base_count;
	uint64_t span;
	uint64_t mult;
	uint64_t k_mono;
	uint64_t k_real;
	int64_t real_sec;
	uint64_t real_k_lo;
};

/* The front's second line, for a CLOCK_MONOTONIC timespec (as above). */
struct tk__hands_front_ts {
	int64_t mono_sec;
	uint64_t mono_k_lo;
	uint64_t reserved[6];
};

/* The header: the page's life; only the slow path looks at it. */
enum tk__hands_state {
	TK_HANDS_WIPED = 0, /* all zero: never set up, or wiped by fork */
	TK_HANDS_INIT = 1, /* one thread is setting the page up */
	TK_HANDS_READY = 2, /* the publication word says the rest */
};

/*
 *   state	enum tk__hands_state (release store, acquire load).
 *   cal_*	the calibration anchor taken at set-up: bracket midpoint
 *		(counter), CLOCK_MONOTONIC ns, bracket width (counts).
 *   final_ns	once disabled: every answer is at least this.
 *   no_hands	once disabled: 1 if no hands were ever published, so no
 *		answer ever ran ahead of the kernel's clock.
 *   tokens	hands out publication numbers of 64 bits (relaxed
 *		fetch-add): the history's and the ticks' seq.
 */
struct tk__hands_header {
	uint64_t magic;
	uint32_t version;
	uint32_t size;
	uint32_t state;
	uint32_t reserved;
	uint64_t cal_c;
	int64_t cal_k;
	uint64_t cal_w;
	int64_t final_ns;
	uint32_t no_hands;
	uint32_t reserved2;
};

/*
 * The publication word, alone in its line (winders and due readers CAS
 * it).  It says which hands are current and bounds every answer that the
 * hands themselves do not bound:
 *
 *   bits  0- 3  slot   0..7: the ring slot of the current hands;
 *                      TK_HANDS_W_NONE: none yet (calibrating);
 *                      TK_HANDS_W_OFF: disabled for good
 *   bit      4  closing  a winder is publishing: answers stop at V
 *   bit      5  0 (reserved)
 *   bits  6-23  seq    publication number mod 2^18 (no ABA on the CAS)
 *   bits 24-63  v      V - base, where V bounds every answer not made
 *                      from the hands and base is the hands' floor
 *                      (T(windup_count) + 1), or cal_k before any hands
 *
 * The invariant that keeps time from going back: every answer ever given
 * is at most max(floor of the current hands, V), and hands are published
 * (a CAS from the closing word) only if they start at or above that.
 * Encoded and decoded only by the functions below.
 */
#define TK_HANDS_W_SLOT_MASK 0xfu
#define TK_HANDS_W_NONE 14u
#define TK_HANDS_W_OFF 15u
#define TK_HANDS_W_CLOSING (UINT64_C(1) << 4)
#define TK_HANDS_W_SEQ_SHIFT 6
#define TK_HANDS_W_SEQ_MASK ((UINT64_C(1) << 18) - 1)
#define TK_HANDS_W_V_SHIFT 24
#define TK_HANDS_W_V_MAX ((UINT64_C(1) << 40) - 1)

static inline unsigned
tk__hands_w_slot(uint64_t w)
{
	return (unsigned)(w & TK_HANDS_W_SLOT_MASK);
}

static inline uint64_t
tk__hands_w_seq(uint64_t w)
{
	return (w >> TK_HANDS_W_SEQ_SHIFT) & TK_HANDS_W_SEQ_MASK;
}

/* V as an absolute time, given the base the word is relative to. */
static inline int64_t
tk__hands_w_v(uint64_t w, int64_t base)
{
	return (int64_t)((uint64_t)base + (w >> TK_HANDS_W_V_SHIFT));
}

/*
 * The word for slot, flags and seq with V = v over base: 0 if v - base
 * does not fit in 40 bits (1099 s), which the caller must treat as "cannot
 * publish this bound" (never as a smaller V).  v below base is base.
 */
static inline uint64_t
tk__hands_w_make(
    unsigned slot, uint64_t flags, uint64_t seq, int64_t v, int64_t base)
{
	uint64_t rel = v > base ? (uint64_t)v - (uint64_t)base : 0;

	if (rel > TK_HANDS_W_V_MAX)
		return 0;
	return rel << TK_HANDS_W_V_SHIFT |
	    (seq & TK_HANDS_W_SEQ_MASK) << TK_HANDS_W_SEQ_SHIFT | flags |
	    (slot & TK_HANDS_W_SLOT_MASK);
}

struct tk__hands_pub {
	uint64_t word;
	uint64_t reserved[7];
};

/* Counts for tests and diagnostics; relaxed, approximate under races. */
struct tk__hands_stats {
	uint64_t windups; /* hands published */
	uint64_t closes; /* closing words that were taken over (stale) */
	uint64_t steps; /* junctions that stepped to the kernel */
	uint64_t slowdowns; /* windups that slowed by more than the slew */
	uint64_t anomalies; /* counter/kernel disagreements: re-anchored */
	uint64_t resets; /* the counter went backwards */
	uint64_t disables;
	uint64_t lost; /* windups that did not publish */
	uint64_t recovered; /* abandoned windups whose holdings came back */
	uint64_t resampled; /* samples too wide to plan from */
	uint64_t reserved[6];
};

/*
 * A ring slot's hot line: the hands as published, read by the slow path.
 * Written only by the winder that claimed the slot (gen from even to odd
 * by CAS), never while it is current.
 *
 *   gen		even valid, odd being written (the claim).
 *   flags		TK_HANDS_H_*.
 *   base_count,	the range [base_count, windup_count): see the front.
 *   windup_count
 *   mult, k_ns	T(c) = k_ns + mulhi(c mod 2^32, mult).
 *   real_ns	REALTIME - MONOTONIC at the windup.
 *   base_ns	T(base_count), where these hands start (their B).
 *   floor_ns	at least every answer from them (T at the range's end, rounded
 *		up).
 */
struct tk__hands_hot {
	uint32_t gen;
	uint32_t flags;
	uint64_t base_count;
	uint64_t windup_count;
	uint64_t mult;
	uint64_t k_ns;
	int64_t real_ns;
	int64_t base_ns;
	int64_t floor_ns;
};

/* The first hands of an epoch (set-up, or the counter went back). */
#define TK_HANDS_H_EPOCH 1u

/*
 * A ring slot's cold half: the planner's state, published with the hands
 * so that the next windup continues from exactly the hands it replaces.
 *
 *   seq		the 64-bit publication number of these hands.
 *   epoch_seq	the seq of the first hands since set-up or since the
 *			counter last went back: history older than that is of
 *			another epoch (src/hands/hands_ticks.c).
 *   rate		the kernel's ns per count x 2^64 as measured (mult is
 *			rate plus the slew that removes the error).
 *   rate_len	the baseline the rate was measured over (counts).
 *   a_*, q_*, p_*	samples (midpoint counter, kernel ns, bracket width):
 *			the baseline's anchor, the next anchor, the previous
 *			windup's.
 *   real_lo/hi	REALTIME - MONOTONIC offsets consistent with every
 *			sample since the last realtime step.
 *   flags		TK_HANDS_F_*.
 *   slow_since	0, or the kernel time since which every windup found
 *			the kernel read slow (TK_HANDS_SLOW_KERNEL_NS).
 *   err_ns		T_old - kernel at the junction, before correction.
 *   cont_ns	what continuity would have started at.
 *   interval_ns	the interval these hands were built for.
 *   kind		how the windup went (TK_HANDS_K_*).
 */
struct tk__hands_cold {
	uint64_t seq;
	uint64_t epoch_seq;
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
	int64_t slow_since;
	int64_t err_ns;
	int64_t cont_ns;
	int64_t interval_ns;
	uint64_t kind;
	uint64_t reserved[3];
};

#define TK_HANDS_F_RECAL 1u /* re-anchored: the next windup remeasures */

enum tk__hands_kind {
	TK_HANDS_K_FIRST = 1, /* the first hands, from the calibration */
	TK_HANDS_K_SLEW, /* continuous; error corrected by <= the slew */
	TK_HANDS_K_STEP, /* started at the kernel's value */
	TK_HANDS_K_SLOW, /* ahead by more than a slew: slowed harder */
	TK_HANDS_K_RESET, /* the counter went backwards */
	TK_HANDS_K_FOLLOW, /* the kernel clock itself went back a lot */
};

struct tk__hands_slot {
	struct tk__hands_hot hot;
	struct tk__hands_cold cold;
};

/*
 * One history entry: the hands of one publication, for tick conversion
 * (src/hands/hands_ticks.c).  Entry seq % TK_HANDS_NHIST; written once by
 * the winder that published them, just after the publication, claimed
 * like a slot; an entry that could not be written is simply missing.
 *
 *   exact_off	the counter read just after the publishing CAS, less
 *		base_count: until then readers could still answer v_ns, so
 *		ticks below it are not converted exactly;
 *		TK_HANDS_EXACT_NONE when that is not inside the range.
 *   seq		the 64-bit publication number.
 *   base_count, windup_count, mult, real_ns, base_ns
 *		as in the hot line (k_ns is base_ns - mulhi(base_count mod
 *		2^32, mult); the epoch's first entry is the one whose seq is
 *		the slot's epoch_seq).
 *   v_ns		V of the closing word the hands were published from: what
 *		readers answered from the closing until the publication.
 */
struct tk__hands_hist {
	uint32_t gen;
	uint32_t exact_off;
	uint64_t seq;
	uint64_t base_count;
	uint64_t windup_count;
	uint64_t mult;
	int64_t real_ns;
	int64_t base_ns;
	int64_t v_ns;
};

#define TK_HANDS_EXACT_NONE 0xffffffffu

struct tk__hands_page {
	struct tk__hands_front front;
	struct tk__hands_front_ts front_ts;
	struct tk__hands_header hdr;
	struct tk__hands_pub pub;
	struct tk__hands_stats stats;
	struct tk__hands_slot ring[TK_HANDS_NSLOTS];
	struct tk__hands_hist hist[TK_HANDS_NHIST];
} __attribute__((aligned(TK_HANDS_PAGE_ALIGN)));

_Static_assert(sizeof(struct tk__hands_front) == 64, "front: one line");
_Static_assert(sizeof(struct tk__hands_front_ts) == 64, "front_ts: a line");
_Static_assert(sizeof(struct tk__hands_header) == 64, "header: one line");
_Static_assert(sizeof(struct tk__hands_pub) == 64, "pub: one line");
_Static_assert(sizeof(struct tk__hands_stats) == 128, "stats: two lines");
_Static_assert(sizeof(struct tk__hands_hot) == 64, "hot: one line");
_Static_assert(sizeof(struct tk__hands_cold) == 192, "cold: three lines");
_Static_assert(sizeof(struct tk__hands_hist) == 64, "hist: one line");
_Static_assert(__builtin_offsetof(struct tk__hands_page, front) == 0,
    "the front is the page's first line");
_Static_assert(
    __builtin_offsetof(struct tk__hands_page, hdr) == 128, "then the header");
_Static_assert(__builtin_offsetof(struct tk__hands_page, pub) == 192,
    "then the publication word");
_Static_assert(
    __builtin_offsetof(struct tk__hands_page, ring) == 384, "then the ring");
_Static_assert(__builtin_offsetof(struct tk__hands_page, hist) == 2432,
    "then the history");
_Static_assert(sizeof(struct tk__hands_page) % TK_HANDS_PAGE_ALIGN == 0,
    "whole pages, so MADV_WIPEONFORK wipes nothing else");
_Static_assert((TK_HANDS_NHIST & (TK_HANDS_NHIST - 1)) == 0,
    "the history is indexed by seq mod a power of two");

/*
 * Tunables, with the reasoning for each value.  The engine reads the
 * copies in struct tk__hands (relaxed), so a test may change them.
 *
 * TK_HANDS_INTERVAL_NS, 10 ms: how long a set of hands serves.  A realtime
 *	step shows within it; an NTP change of the kernel's rate by x ppm
 *	costs at most x ppm x 10 ms before it is measured; a windup costs
 *	~1 us, 0.01% of a reader that never stops.
 * TK_HANDS_INTERVAL_MIN_NS, 50 us: while the rate's baseline is short the
 *	interval is a quarter of it, but not below this.  The rate error over
 *	a baseline L is about the bracket widths over L, so a quarter-baseline
 *	interval accumulates a quarter of a bracket width.
 * TK_HANDS_RECAL_NS, 250 us: the interval right after an anomaly.
 * TK_HANDS_CAL_NS, 250 us: the baseline before the first hands.  Brackets
 *	of ~40 ns over 250 us give the rate to ~160 ppm, inside the slew
 *	bound, and refinement takes it to the ppb level within seconds.
 * TK_HANDS_CLOSE_NS, 3 us: a closing word older than this (by the
 *	kernel's clock) is stale: a reader reopens it, raising V to the
 *	kernel's value.  A windup holds it ~0.5 us; a winder preempted,
 *	stopped, or abandoned by a longjmp out of a signal handler makes
 *	readers answer V for at most this long.
 * TK_HANDS_GAP_NS, 1 ms: a reader that comes back later than this past the
 *	end of the hands gets hands that start at the kernel's value (nobody
 *	saw the continuation); closer, continuity and a slew.
 * TK_HANDS_SLEW_PPM, 500: the rate may differ from the measured kernel
 *	rate by at most this to remove an error (the kernel's own NTP slew
 *	limit, MAXFREQ in Linux kernel/time/ntp.c).
 * TK_HANDS_SLOWDOWN_PCT, 50: a clock found ahead by more than one
 *	interval's slew may run this much slower to converge within one.
 * TK_HANDS_ANOMALY_PPM, 2000: a short-baseline rate this far from the
 *	estimate (beyond its noise) is not NTP but the counter (frequency
 *	change, suspend, migration): re-anchor.
 * TK_HANDS_ANCHOR_NS, 1 s: the rate's baseline rotates over 1-2 s.
 * TK_HANDS_FOLLOW_NS, 1 s: the kernel's clock found more than this behind
 *	ours moved back for this process (setns into another time namespace,
 *	a checkpoint restored elsewhere): follow it.
 * TK_HANDS_SLOW_KERNEL_NS, 1 s: the kernel read through the vDSO costs
 *	~20-60 ns while the clocksource can be read in user space, and a
 *	system call (>= 150 ns) once the kernel has left the TSC for a
 *	clocksource it cannot read there (hpet, acpi_pm, a pvclock without
 *	its stable bit).  A windup whose narrowest bracket is wider than
 *	TK_HANDS_SLOW_BRACKET_NS counts as slow; slow for this long without a
 *	fast one in between disables the hands (src/hands/hands_wind.c).
 * TK_HANDS_WIDE_NS, 2 us: a windup whose narrowest bracket is wider than
 *	this (the winder was stopped or preempted inside every one) samples
 *	again: the kernel's value is known only to half of it, and the rate
 *	would carry that error for seconds.  A kernel clock this slow is wide
 *	again, and is planned from.
 */
#define TK_HANDS_INTERVAL_NS 10000000LL
#define TK_HANDS_INTERVAL_MIN_NS 50000LL
#define TK_HANDS_RECAL_NS 250000LL
#define TK_HANDS_CAL_NS 250000LL
#define TK_HANDS_CLOSE_NS 3000LL
#define TK_HANDS_GAP_NS 1000000LL
#define TK_HANDS_SLEW_PPM 500
#define TK_HANDS_SLOWDOWN_PCT 50
#define TK_HANDS_ANOMALY_PPM 2000
#define TK_HANDS_ANCHOR_NS 1000000000LL
#define TK_HANDS_FOLLOW_NS 1000000000LL
#define TK_HANDS_SLOW_KERNEL_NS 1000000000LL
#define TK_HANDS_SLOW_BRACKET_NS 150LL
#define TK_HANDS_WIDE_NS 2000LL

#endif /* TK_HANDS_PAGE_H */
