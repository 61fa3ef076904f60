/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Ticks converted to time from segments of counter-to-time hands: the one
 * conversion that this process's history (src/hands/hands_ticks.c) and a
 * timebase record on any machine (tk_timebase_convert(), src/ticks.c)
 * share, so that both give the same answer for the same segments; and the
 * record's format.  docs/ticks.md explains both for decoders written in
 * other languages.
 */
#ifndef TK_TICKS_H
#define TK_TICKS_H

#include <stddef.h>
#include <stdint.h>

/*
 * One segment: hands that answered T(c) = k_ns + mulhi(c mod 2^32, mult)
 * for c in [base_count, windup_count), started at base_ns, with
 * CLOCK_REALTIME = CLOCK_MONOTONIC + real_ns.
 */
struct tk__ticks_seg {
	uint64_t base_count;
	uint64_t windup_count;
	uint64_t mult;
	uint64_t k_ns;
	int64_t real_ns;
	int64_t base_ns;
	uint32_t flags; /* TK_TICKS_SEG_EPOCH: the first after a reset */
};

#define TK_TICKS_SEG_EPOCH 1u

/*
 * Segment idx back from the newest (0 the newest, idx below the count the
 * caller passes): 0 and *seg, or -1 when it is missing (never written, or
 * being rewritten).
 */
typedef int tk__ticks_get(
    const void *ctx, uint64_t idx, struct tk__ticks_seg *seg);

/*
 * t as both clocks from the segments get gives, at most n, newest first:
 *   inside a segment           its T(t): TK_TICKS_EXACT;
 *   between two segments       from the first's end value to the next's
 *                              start, linearly: EXTRAPOLATED;
 *   past the newest            the newest carried on: EXTRAPOLATED;
 *   before the oldest          the oldest carried back, or, if the oldest
 *                              starts an epoch (the first hands, a
 *                              counter reset), its start: CLAMPED.
 * Non-decreasing in t.  -EAGAIN when there is no segment at all.
 */
int tk__ticks_convert(tk__ticks_get *get, const void *ctx, uint64_t n,
    uint64_t t, int64_t *mono_ns, int64_t *real_ns);

/*
 * The timebase record, version 1 (little-endian; docs/ticks.md):
 *
 *   header, 64 bytes
 *     0  u8[4]  magic "TKTB"
 *     4  u16    version, 1
 *     6  u16    header size, 64
 *     8  u32    segment count n (>= 1)
 *    12  u32    segment size, 56
 *    16  u64    counter frequency in Hz as measured (0: unknown)
 *    24  u8[8]  counter kind, ASCII, NUL-padded ("tsc")
 *    32  i64    CLOCK_MONOTONIC ns when written
 *    40  i64    CLOCK_REALTIME ns when written
 *    48  u32    process id of the writer
 *    52  u32    flags, 0
 *    56  u64    FNV-1a 64 of the whole record with this field 0
 *   n segments of 56 bytes, oldest first
 *     0 u64 base_count   8 u64 windup_count   16 u64 mult   24 u64 k_ns
 *    32 i64 real_ns     40 i64 base_ns       48 u32 flags  52 u32 0
 */
#define TK_TIMEBASE_MAGIC "TKTB"
#define TK_TIMEBASE_VERSION 1u
#define TK_TIMEBASE_HDR 64u
#define TK_TIMEBASE_SEG 56u

/* What a writer puts in the header besides the segments. */
struct tk__timebase_hdr {
	uint64_t hz;
	const char *kind;
	int64_t mono_ns;
	int64_t real_ns;
	uint32_t pid;
};

/*
 * Write a record of n segments (oldest first) to buf: its size in bytes,
 * or -ENOSPC (nothing written) when size is smaller.
 */
long tk__timebase_write(void *buf, size_t size,
    const struct tk__timebase_hdr *hdr, const struct tk__ticks_seg *segs,
    uint32_t n);

#endif /* TK_TICKS_H */
