/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Ticks converted to time from segments of counter-to-time hands: the one
 * conversion that this process's history (src/hands/hands_ticks.c) and a
 * timebase record on any machine (tk_timebase_convert(), src/ticks.c)
 * share, so that both give the same answer for the same segments; and the
 * record's format.  docs/ticks.md explains both for decoders written in
 * other languages, and tests/ticks_decode.py is such a decoder.
 *
 * Invariants the conversion relies on (the engine guarantees them within
 * an epoch, src/hands/hands_wind.c): segments are in counter order and do
 * not overlap; each starts at or above what every older one answered
 * (base_ns >= the older floor, v_ns likewise), except after the kernel's
 * own clock went back for this process (a FOLLOW junction), where
 * monotonicity is given up because the clock itself went back.
 */
#ifndef TK_TICKS_H
#define TK_TICKS_H

#include <stddef.h>
#include <stdint.h>

/*
 * One segment: hands that answered T(c) = k_ns + mulhi(c mod 2^32, mult)
 * for c in [base_count, windup_count), where T(base_count) = base_ns, with
 * CLOCK_REALTIME = CLOCK_MONOTONIC + real_ns.
 *
 *   v_ns	what readers answered from the moment these hands' windup
 *		closed the word until their publication was seen: the
 *		closing value V (src/hands/hands_page.h); TK_TICKS_V_NONE
 *		when not known (then nothing caps the values before
 *		exact_count).
 *   exact_count  the first counter at which every reader answered T: the
 *		counter read just after the publication.  Ticks in
 *		[base_count, exact_count) were taken while some readers
 *		still answered V: they convert to V, not exactly.
 *		windup_count: no tick of these hands converts exactly.
 *   flags	TK_TICKS_SEG_EPOCH: the first hands after set-up or after the
 *		counter went back; ticks before it are not converted.
 */
struct tk__ticks_seg {
	uint64_t base_count;
	uint64_t windup_count;
	uint64_t mult;
	uint64_t k_ns;
	int64_t base_ns;
	int64_t real_ns;
	int64_t v_ns;
	uint64_t exact_count;
	uint32_t flags;
};

#define TK_TICKS_SEG_EPOCH 1u
#define TK_TICKS_V_NONE INT64_MAX

/*
 * Segment idx back from the newest (0 the newest, idx below the count the
 * caller passes): 0 and *seg; 1 when it is missing (never written, or
 * being rewritten: the conversion goes around it); or a negative errno,
 * which ends the conversion with it (a damaged record).
 */
typedef int tk__ticks_get(
    const void *ctx, uint64_t idx, struct tk__ticks_seg *seg);

/*
 * t as both clocks from the segments: top, the newest, and the older ones
 * get gives (idx 1 to n - 1, newest first).  With S the segment t falls
 * in (or the last one before t), O the one before S and N the one after:
 *
 *   in S, at or past exact_count   T_S(t): TK_TICKS_EXACT;
 *   in S, before exact_count       min(T_S(t), S.v_ns): EXTRAPOLATED;
 *   between S and N (a gap)        from S's end value (its floor) to N's
 *                                  start, linearly in the counter, capped
 *                                  at N.v_ns: EXTRAPOLATED;
 *   past the newest                the newest carried on at its rate,
 *                                  capped at v_next: EXTRAPOLATED;
 *   before the oldest              the oldest carried back, or if it
 *                                  starts an epoch, its start: CLAMPED.
 *
 * Non-decreasing in t (across the invariants above).  v_next is what
 * readers answer for ticks past the newest (the word's V while a windup is
 * closing; TK_TICKS_V_NONE offline).  period, a hint for the search: the
 * counts between the two newest starts (0: not known; top's length is
 * used).  A negative errno from get ends it.
 */
int tk__ticks_convert(tk__ticks_get *get, const void *ctx, uint64_t n,
    const struct tk__ticks_seg *top, uint64_t period, uint64_t t,
    int64_t v_next, int64_t *mono_ns, int64_t *real_ns);

/* floor(a * b / 2^64) */
static inline uint64_t
tk__ticks_mulhi(uint64_t a, uint64_t b)
{
	return (uint64_t)(((unsigned __int128)a * b) >> 64);
}

/*
 * T carried on past base_count (by less than 2^63 counts): at least every
 * value T gives below c, and non-decreasing.  Why + 1: with x = frac((base
 * mod 2^32) * mult / 2^64), T(c) = base_ns + floor(x + d * mult / 2^64),
 * d = c - base, which is mulhi(d, mult) or one more.
 */
static inline int64_t
tk__ticks_beyond(const struct tk__ticks_seg *s, uint64_t c)
{
	return (int64_t)((uint64_t)s->base_ns +
	    tk__ticks_mulhi(c - s->base_count, s->mult) + 1u);
}

/*
 * The timebase record, version 1 (little-endian; docs/ticks.md has every
 * field and the conversion):
 *
 *   header, 64 bytes
 *     0  u8[4]  magic "TKTB"
 *     4  u16    version, 1
 *     6  u16    header size, 64
 *     8  u32    segment count n, at least 1
 *    12  u32    segment size, 64
 *    16  u64    counter frequency in Hz as measured (0: unknown)
 *    24  u8[8]  counter kind, ASCII, NUL-padded ("tsc")
 *    32  i64    CLOCK_MONOTONIC ns when written
 *    40  i64    CLOCK_REALTIME ns when written
 *    48  u32    process id of the writer
 *    52  u32    flags, 0
 *    56  u64    check: FNV-1a 64 of the header, these 8 bytes read as 0
 *   n segments of 64 bytes, oldest first, segment i at 64 + 64 i
 *     0 u64 base_count    8 u64 windup_count  16 u64 mult
 *    24 i64 base_ns      32 i64 real_ns      40 i64 v_ns
 *    48 u32 exact_off    52 u32 flags        56 u64 check
 *   exact_off is exact_count - base_count, or TK_TIMEBASE_EXACT_NONE;
 *   k_ns is not stored: base_ns - mulhi(base_count mod 2^32, mult);
 *   a segment's check is FNV-1a 64 over its bytes 0..55 and then i as a
 *   u32, started from the header's check instead of the FNV offset
 *   basis, so a segment is bound to its record and its place.
 *
 * A conversion checks the header and only the segments it reads (about
 * log2 n of them), so it costs O(log n), and a damaged record fails every
 * conversion that needs the damaged part.
 */
#define TK_TIMEBASE_MAGIC "TKTB"
#define TK_TIMEBASE_VERSION 1u
#define TK_TIMEBASE_HDR 64u
#define TK_TIMEBASE_SEG 64u
#define TK_TIMEBASE_EXACT_NONE 0xffffffffu

/* What a writer puts in the header besides the segments. */
struct tk__timebase_hdr {
	uint64_t hz;
	const char *kind;
	int64_t mono_ns;
	int64_t real_ns;
	uint32_t pid;
};

/*
 * Write a record to buf from the segments get gives for idx n - 1 down to
 * 0 (oldest first), leaving out missing ones: its size in bytes, or
 * -ENOSPC (nothing usable written) when size is smaller than it needs,
 * -EAGAIN when every segment was missing.
 */
long tk__timebase_write(void *buf, size_t size,
    const struct tk__timebase_hdr *hdr, tk__ticks_get *get, const void *ctx,
    uint64_t n);

#endif /* TK_TICKS_H */
